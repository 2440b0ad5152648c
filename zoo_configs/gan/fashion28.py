"""gan on fashion28. Hyper-parameters: Goodfellow et al. 2014 (minimax); DCGAN optimizer Adam(2e-4, beta_1=0.5), Radford et al. 2016.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("gan", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
