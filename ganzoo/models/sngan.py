"""Spectrally normalised GAN (Miyato et al. 2018, arXiv:1802.05957)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class SNGAN(BaseGAN):
    """SNGAN: every critic layer's kernel divided by its largest singular value.

    `ganzoo.layers.SpectralDense` / `SpectralConv2D` compute with W / sigma(W),
    sigma(W) estimated by one power iteration per training call and
    differentiated through, as in Miyato et al. (Algorithm 1) and their
    chainer code, so each layer is ~1-Lipschitz and the critic's Lipschitz
    constant is bounded without a penalty. Hinge loss; Adam(1e-4, beta_1=0.5,
    beta_2=0.9) with n_critic = 5 (setting A of the paper).
    `normalization="spectral_keras"` uses `keras.layers.SpectralNormalization`
    instead (no gradient through sigma; under mixed_bfloat16 it rounds the
    float32 kernel to bfloat16 on every training call).

    Deviations kept: the power iteration runs on every training call of the
    critic (real, fake and the generator step's call each advance it), as in
    the reference code and PyTorch, not once per update.

    Args: see `BaseGAN`.

    Example:
    >>> model = SNGAN.from_data_shape((32, 32, 3))
    >>> model.compile()
    """

    adversarial_loss = "hinge"
    default_n_critic = 5
    critic_based = True
    discriminator_options = {"normalization": "spectral"}
    default_optimizer = ("Adam", {"learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.9})
