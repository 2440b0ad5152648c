"""lsgan on ring8. Hyper-parameters: Mao et al. 2017: (a, b, c) = (0, 1, 1), Adam(2e-4, beta_1=0.5).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("lsgan", "ring8", arg)
    return config
