"""Energy-based GAN (Zhao et al. 2016, arXiv:1609.03126)."""

import math

import keras

from ganzoo import losses, networks, penalties
from ganzoo.models.base import BaseGAN


def default_margin(data_shape):
    """The paper's margins converted to ganzoo's energy normalisation.

    ganzoo's energy is the per-example *mean* squared reconstruction error on
    data in [-1, 1]. The paper's margins (MNIST m = 10, CelebA-64 m = 20) are on
    the L2 norm of the residual of [0, 1] images; ||r|| = m there is a mean
    squared error of (2 m)^2 / D here (D = pixels x channels): 0.51 for
    28x28x1 and 0.13 for 64x64x3. Toy data: 1.0 (ours, not from the paper).
    """
    if len(data_shape) == 1:
        return 1.0
    m = 10.0 if data_shape[0] <= 32 else 20.0
    return (2.0 * m) ** 2 / math.prod(data_shape)


@keras.saving.register_keras_serializable(package="ganzoo")
class EBGAN(BaseGAN):
    """EBGAN: an autoencoder discriminator whose reconstruction error is an energy.

    D loss = E[energy(x)] + E[max(0, m - energy(G(z)))]; G loss =
    E[energy(G(z))] + pt_weight * PT(encoder codes of G(z)), the pull-away
    term against mode collapse. Energy: per-example mean squared error on data
    in [-1, 1] (see `default_margin` for the margins). Adam(2e-4, beta_1=0.5).

    Deviations kept:
    - The energy is the per-example mean squared error, not the paper's
      L2 norm of the residual; the margins are converted (`default_margin`).
    - Toy data: margin 1.0 and an MLP autoencoder are ours (the paper has no
      2-d experiment).
    - The pull-away term is on the encoder's codes of the generated batch,
      weight 0.1, as the paper; the critic takes no pull-away term.

    Args:
        margin: m; None for `default_margin(data_shape)`.
        pt_weight: weight of the pull-away term (0.1 in the paper).
        Others: see `BaseGAN`.

    Example:
    >>> model = EBGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    def __init__(self, *args, margin=None, pt_weight=0.1, **kwargs):
        super().__init__(*args, **kwargs)
        if self.num_classes:
            raise ValueError("EBGAN in ganzoo is unconditional; num_classes must be None.")
        self.margin = float(default_margin(self.data_shape) if margin is None else margin)
        self.pt_weight = float(pt_weight)

    @classmethod
    def network_defaults(cls, data_shape, architecture=None):
        options = super().network_defaults(data_shape, architecture)
        toy = len(data_shape) == 1
        # the autoencoder: 2 x 512 encoder layers (mirrored in the decoder) for vectors, the DCGAN critic's
        # widths for images; a 64-d (vectors) or 128-d (images) code
        options.update(discriminator_widths=(512, 512) if toy else options["discriminator_widths"],
                       code_dim=64 if toy else 128)
        return options

    @classmethod
    def default_discriminator(cls, data_shape, num_classes, **options):
        if options.get("dropout"):
            raise ValueError(f"EBGAN's autoencoder critic has no dropout; got dropout={options['dropout']}.")
        if options.get("architecture") == "sngan_cnn":
            raise ValueError("EBGAN's critic is its DCGAN-style autoencoder; architecture 'sngan_cnn' "
                             "(the SNGAN standard CNN) has no EBGAN form. Use architecture 'dcgan'.")
        return networks.autoencoder_discriminator(data_shape, widths=options.get("widths"),
                                                  code_dim=options.get("code_dim"),
                                                  normalization=options.get("normalization", "batch"))

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        return losses.energy_based_discriminator_loss(real_logits, fake_logits, self.margin)

    def generator_loss(self, fake, fake_logits, fake_features):
        return losses.energy_based_generator_loss(fake_logits) + self.pt_weight * penalties.pull_away_term(
            fake_features
        )

    def get_config(self):
        return {**super().get_config(), "margin": self.margin, "pt_weight": self.pt_weight}
