"""sngan on ring8: the zoo recipe (zoo_configs/zoo.py) with linear decay.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: 8/8 modes,
91.1 % high quality, W1 0.041; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("sngan", "ring8", arg)
    config.lr_decay = 'linear'
    return config
