"""wgan-ct on fashion28. Hyper-parameters: Wei et al. 2018: WGAN-GP + consistency term (lambda_CT=2, M'=0, dropout critic).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-ct", "fashion28", arg)
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
