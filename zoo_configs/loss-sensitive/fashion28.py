"""loss-sensitive on fashion28. Hyper-parameters: Qi 2017: lambda=1, Delta = mean L1 distance.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("loss-sensitive", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
