"""Loss-sensitive GAN (Qi 2017, arXiv:1701.06264)."""

import keras

from ganzoo import losses
from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LossSensitiveGAN(BaseGAN):
    """LS-GAN: a loss function L_theta that ranks real below fake by a margin.

    min_theta E[L(x)] + lambda E[max(0, Delta(x, G(z)) + L(x) - L(G(z)))],
    min_G E[L(G(z))], with Delta the per-example mean L1 distance between the
    paired real and generated examples. L_theta = softplus(critic output) is
    non-negative as the paper assumes (a free bias would otherwise drive E[L(x)]
    to minus infinity). The critic is the DCGAN one with layer
    norm; lambda = 1; Adam(2e-4, beta_1=0.5).

    Args:
        margin_weight: lambda.
        Others: see `BaseGAN`.

    Example:
    >>> model = LossSensitiveGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    critic_based = True
    discriminator_options = {"normalization": "layer"}

    def __init__(self, *args, margin_weight=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        if self.mismatched_negatives:
            raise ValueError("LossSensitiveGAN pairs each real with one fake; mismatched_negatives is not supported.")
        self.margin_weight = float(margin_weight)

    def critic(self, x, labels=None, training=True):
        logits, features = super().critic(x, labels, training)
        return keras.ops.softplus(logits), features  # L_theta >= 0, as the paper assumes

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        margin = losses.loss_sensitive_margin(real, fake)
        return losses.loss_sensitive_discriminator_loss(real_logits, fake_logits, margin, self.margin_weight)

    def generator_loss(self, fake, fake_logits, fake_features):
        return losses.loss_sensitive_generator_loss(fake_logits)

    def get_config(self):
        return {**super().get_config(), "margin_weight": self.margin_weight}
