"""wgan-gp on celeba64 (data and budget: `ganzoo.configs`). Hyper-parameters: Gulrajani et al. 2017: lambda=10, n_critic=5, Adam(1e-4, 0, 0.9), no critic batch norm."""

from ganzoo.configs import base_config


def get_config(arg=None):
    return base_config("wgan-gp", "celeba64", arg)
