"""DRAGAN (Kodali et al. 2017, arXiv:1705.07215)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class DRAGAN(BaseGAN):
    """DRAGAN: non-saturating GAN plus a gradient penalty near the data.

    Mode collapse goes with sharp discriminator gradients around real points;
    DRAGAN penalises lambda E[(||grad D(x_hat)|| - 1)^2] at x_hat = x +
    alpha * scale * std(x) * u, u ~ U[0, 1] (the authors' code). lambda = 10,
    Adam(1e-4, beta_1=0.5, beta_2=0.9); layer norm in D (per-example penalty).

    Deviations kept:
    - The perturbation follows the authors' code (x_p = x + 0.5 std(x) u,
      u ~ U[0, 1] per element, then x_hat = x + alpha (x_p - x) with alpha
      per example), not the paper's text (x + delta, delta ~ N(0, cI)).
      That moves every point up along each axis, so the penalised region sits
      to one side of the data; `perturbation="centred"` centres it
      (x + 0.5 std (2u - 1), compare_gan's form), a point of the toy search.
    - std(x) is over every element of the global batch, as the code's X.std().
    - Toy critics have no layer norm.

    Args:
        gp_weight: lambda.
        perturbation_scale: scale (the paper's delta-like constant, 0.5).
        perturbation: "one_sided" (the authors' code, x + alpha scale std u) or
            "centred" (x + scale std (2u - 1), centred like the paper's
            x + delta; compare_gan's form). See `ganzoo.penalties.dragan_penalty`.
        Others: see `BaseGAN`.

    Example:
    >>> model = DRAGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    adversarial_loss = "non_saturating"
    discriminator_options = {"normalization": "layer"}
    default_optimizer = ("Adam", {"learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.9})

    def __init__(self, *args, gp_weight=10.0, perturbation_scale=0.5, perturbation="one_sided", **kwargs):
        super().__init__(*args, **kwargs)
        if perturbation not in ("one_sided", "centred"):
            raise ValueError(f"perturbation must be 'one_sided' or 'centred', got {perturbation!r}.")
        self.gp_weight = float(gp_weight)
        self.perturbation_scale = float(perturbation_scale)
        self.perturbation = perturbation

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        return self.gp_weight * self.penalty_term("dragan", real, fake, labels, salt, scale=self.perturbation_scale,
                                                  perturbation=self.perturbation)

    def get_config(self):
        return {
            **super().get_config(),
            "gp_weight": self.gp_weight,
            "perturbation_scale": self.perturbation_scale,
            "perturbation": self.perturbation,
        }

