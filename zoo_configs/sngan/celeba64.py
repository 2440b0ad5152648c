"""sngan on celeba64 (data and budget: `ganzoo.configs`). Hyper-parameters: Miyato et al. 2018: hinge loss, setting A: Adam(1e-4, 0.5, 0.9), n_critic=5."""

from ganzoo.configs import base_config


def get_config(arg=None):
    return base_config("sngan", "celeba64", arg)
