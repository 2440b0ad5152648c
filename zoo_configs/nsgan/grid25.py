"""nsgan on grid25: the zoo recipe (zoo_configs/zoo.py) with linear decay.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: 5/25 modes,
87.1 % high quality, W1 3.624; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("nsgan", "grid25", arg)
    config.lr_decay = 'linear'
    return config
