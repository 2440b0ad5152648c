"""sngan on celeba64. Hyper-parameters: Miyato et al. 2018: hinge loss, setting A: Adam(1e-4, 0.5, 0.9), n_critic=5.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
Data: CelebA aligned faces, centre 108x108 crop resized to 64x64; offline,
data_dir = a folder or tar of the 178x218 JPEGs. Budget: 100k generator steps x batch 64, a GPU run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("sngan", "celeba64", arg)
    if not arg:
        config.steps = 100_000
    return config
