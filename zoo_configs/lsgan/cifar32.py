"""lsgan on cifar32. Hyper-parameters: Mao et al. 2017: (a, b, c) = (0, 1, 1), Adam(2e-4, 0.5).

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
Data: CIFAR-10 train (50k); offline, data_dir = a tar or folder with
train/<class>/*.jpg (e.g. the CIFAR-10 JPEG q75 tar: lossy, say so with any FID).
Budget: 100k generator steps x batch 64, a GPU run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("lsgan", "cifar32", arg)
    if not arg:
        config.steps = 100_000
    return config
