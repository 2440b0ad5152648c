"""nsgan on cifar32. Hyper-parameters: DCGAN, Radford et al. 2016: non-saturating loss, Adam(2e-4, 0.5), batch norm.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
Data: CIFAR-10 train (50k); offline, data_dir = a tar or folder with
train/<class>/*.jpg (e.g. the CIFAR-10 JPEG q75 tar: lossy, say so with any FID).
Budget: 100k generator steps x batch 64, a GPU run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("nsgan", "cifar32", arg)
    if not arg:
        config.steps = 100_000
    return config
