"""The default run of ganzoo-train: WGAN-GP on ring8 (Gulrajani et al. 2017 hyper-parameters)."""

from ganzoo.configs import base_config


def get_config(arg=None):
    return base_config("wgan-gp", "ring8", arg)
