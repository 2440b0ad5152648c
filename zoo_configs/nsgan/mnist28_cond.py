"""Class-conditional DCGAN (non-saturating) on MNIST with a projection discriminator.

Generator: latent joined with a label embedding; discriminator: projection
(Miyato & Koyama 2018), with (real x, wrong y) pairs as extra negatives.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("nsgan", "mnist28", arg)
    config.conditional = True
    config.model.mismatched_negatives = True
    return config
