"""wgan-ct on ring8: the zoo recipe (zoo_configs/zoo.py) with gp_weight 0.1.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: 8/8 modes,
76.0 % high quality, W1 0.057; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-ct", "ring8", arg)
    config.model.gp_weight = 0.1
    return config
