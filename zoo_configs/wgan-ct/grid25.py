"""wgan-ct on grid25. Hyper-parameters: Wei et al. 2018: WGAN-GP + consistency term (lambda_CT=2, M'=0, dropout critic).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-ct", "grid25", arg)
    return config
