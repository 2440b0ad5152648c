"""wgan-gp on fashion28. Hyper-parameters: Gulrajani et al. 2017: lambda=10, n_critic=5, Adam(1e-4, 0, 0.9).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-gp", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
