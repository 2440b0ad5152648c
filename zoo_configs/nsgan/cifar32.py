"""nsgan on cifar32 (data and budget: `ganzoo.configs`). Hyper-parameters: DCGAN, Radford et al. 2016: non-saturating loss, Adam(2e-4, 0.5), batch norm."""

from ganzoo.configs import base_config


def get_config(arg=None):
    return base_config("nsgan", "cifar32", arg)
