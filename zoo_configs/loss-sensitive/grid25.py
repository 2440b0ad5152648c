"""loss-sensitive on grid25. Hyper-parameters: Qi 2017: lambda=1, Delta = mean L1 distance.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("loss-sensitive", "grid25", arg)
    return config
