"""wgan on grid25: the zoo recipe (zoo_configs/zoo.py) with lr 0.0003.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: 0/25 modes,
2.0 % high quality, W1 0.789; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan", "grid25", arg)
    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 0.0003
    return config
