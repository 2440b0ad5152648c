"""The non-saturating GAN (Goodfellow et al. 2014, arXiv:1406.2661, §3)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class NSGAN(BaseGAN):
    """Non-saturating GAN: G minimises -E[log D(G(z))] (Goodfellow et al. 2014, §3).

    Same fixed point as the minimax game, strong gradients early on. With
    DCGAN networks and Adam(2e-4, beta_1=0.5) this is DCGAN (Radford et al. 2016).

    Deviations kept: none in the loss. The toy critic has no batch norm
    (PacGAN's toy D has none either; its G has batch norm, the zoo's none).

    Args: see `BaseGAN`.

    Example:
    >>> model = NSGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    adversarial_loss = "non_saturating"
