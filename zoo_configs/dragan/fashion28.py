"""dragan on fashion28. Hyper-parameters: Kodali et al. 2017: lambda=10, perturbation 0.5 std, Adam(1e-4, 0.5, 0.9).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("dragan", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
