"""sngan on grid25. Hyper-parameters: Miyato et al. 2018: hinge loss, setting A: Adam(1e-4, 0.5, 0.9), n_critic=5.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("sngan", "grid25", arg)
    return config
