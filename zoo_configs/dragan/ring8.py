"""dragan on ring8: the zoo recipe (zoo_configs/zoo.py) with perturbation centred.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: 8/8 modes,
53.3 % high quality, W1 0.139; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("dragan", "ring8", arg)
    config.model.perturbation = 'centred'
    return config
