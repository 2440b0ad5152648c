"""WGAN-GP with a consistency term, CT-GAN (Wei et al. 2018, arXiv:1803.01541)."""

import keras

from ganzoo import penalties
from ganzoo.models.wgan_gp import WGANGP


@keras.saving.register_keras_serializable(package="ganzoo")
class WGANCT(WGANGP):
    """CT-GAN: WGAN-GP plus a consistency term on real data.

    Two dropout passes of the critic over the same real batch, x' and x'',
    should agree: ct_weight E[max(0, d(D(x'), D(x'')) + 0.1 d(D_(x'), D_(x'')) - M')]
    with D_ the penultimate layer. The critic therefore has dropout (0.5 on
    images as in the paper, 0.2 on toy data) and returns `[logits, features]`.
    lambda_CT = 2, M' = 0 (the authors' code).

    Deviations kept:
    - Adam(1e-4, beta_1=0, beta_2=0.9), WGAN-GP's; the authors' code uses
      beta_1 = 0.5.
    - Toy critics use dropout 0.2 (ours): 0.5 on the 2-d input of a small
      MLP drops too much of it. Toy critics have no layer norm (gan_toy.py's
      critic, which CT-GAN's toy code builds on, has none).
    - The consistency term is on the real batch only, as in the paper and
      code; both passes see the same x (no input perturbation).

    Args:
        ct_weight: weight of the consistency term.
        ct_margin: M'.
        Others: see `WGANGP`.

    Example:
    >>> model = WGANCT.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    discriminator_options = {"normalization": "layer", "dropout": 0.5, "return_features": True}

    def __init__(self, *args, ct_weight=2.0, ct_margin=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.ct_weight = float(ct_weight)
        self.ct_margin = float(ct_margin)

    @classmethod
    def network_defaults(cls, data_shape, architecture=None):
        options = super().network_defaults(data_shape, architecture)
        if len(data_shape) == 1:
            options["dropout"] = 0.2  # 0.5 on a 2-d input drops too much of the toy critic
        return options

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        gp = super().discriminator_penalty(real, fake, labels, fake_labels, salt)
        ct = penalties.consistency_term(
            self.critic(real, labels), self.critic(real, labels), margin=self.ct_margin
        )
        return gp + self.ct_weight * ct

    def get_config(self):
        return {**super().get_config(), "ct_weight": self.ct_weight, "ct_margin": self.ct_margin}
