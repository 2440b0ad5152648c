"""Least-squares GAN (Mao et al. 2017, arXiv:1611.04076)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LSGAN(BaseGAN):
    """LSGAN: linear D output, least-squares targets (a, b, c) = (0, 1, 1).

    Minimising the LSGAN objective minimises the Pearson chi^2 divergence
    between P_data + P_G and 2 P_G; fakes far from the decision boundary still
    get gradients. Adam(2e-4, beta_1=0.5) as in the paper.

    Args: see `BaseGAN`.

    Example:
    >>> model = LSGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    adversarial_loss = "least_squares"
