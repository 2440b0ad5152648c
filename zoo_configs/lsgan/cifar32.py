"""lsgan on cifar32 (data and budget: `ganzoo.configs`). Hyper-parameters: Mao et al. 2017: (a, b, c) = (0, 1, 1), Adam(2e-4, 0.5)."""

from ganzoo.configs import base_config


def get_config(arg=None):
    return base_config("lsgan", "cifar32", arg)
