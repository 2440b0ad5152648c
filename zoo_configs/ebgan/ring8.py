"""ebgan on ring8. Hyper-parameters: Zhao et al. 2016: margin (converted, see EBGAN.default_margin), pull-away weight 0.1.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("ebgan", "ring8", arg)
    return config
