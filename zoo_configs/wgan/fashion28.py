"""wgan on fashion28. Hyper-parameters: Arjovsky et al. 2017: RMSProp(5e-5), n_critic=5, clip c=0.01.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
