"""wgan on ring8. Hyper-parameters: Arjovsky et al. 2017: RMSProp(5e-5), n_critic=5, clip c=0.01.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan", "ring8", arg)
    return config
