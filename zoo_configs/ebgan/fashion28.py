"""ebgan on fashion28. Hyper-parameters: Zhao et al. 2016: margin (converted, see EBGAN.default_margin), pull-away weight 0.1.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("ebgan", "fashion28", arg)
    # The autoencoder critic: conv 16-32 encoder, 16-d code, mirrored decoder.
    # With the other variants' 32-64 critic widths and the 128-d default code,
    # its two dense layers alone (7*7*64 <-> 128) are 800k parameters and the
    # preset would not fit 3 MB; this one has 69k, close to the others' 37-43k.
    config.model.discriminator_widths = (16, 32)
    config.model.code_dim = 16
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    return config
