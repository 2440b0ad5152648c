"""Least-squares GAN (Mao et al. 2017, arXiv:1611.04076)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LSGAN(BaseGAN):
    """LSGAN: linear D output, least-squares targets (a, b, c) = (0, 1, 1).

    (0, 1, 1) is the coding the paper trains with (its eq. 9). The Pearson
    chi^2 result (Theorem 1) needs b - c = 1 and b - a = 2, e.g. (-1, 1, 0),
    so it does not apply to this coding; what does hold is that fakes far
    from the decision boundary keep a gradient proportional to their distance.
    Adam(2e-4, beta_1=0.5) as in the paper.

    Deviations kept: none in the loss; toy nets are the zoo's MLPs.

    Args: see `BaseGAN`.

    Example:
    >>> model = LSGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    adversarial_loss = "least_squares"
