"""WGAN with gradient penalty (Gulrajani et al. 2017, arXiv:1704.00028)."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class WGANGP(BaseGAN):
    """WGAN-GP: Wasserstein losses plus lambda E[(||grad D(x_hat)||_2 - 1)^2].

    x_hat = alpha x + (1 - alpha) G(z), alpha ~ U[0, 1] per example. The
    penalty is per example, so the critic has no batch norm (layer norm
    instead, the paper's recommendation). lambda = 10, n_critic = 5,
    Adam(1e-4, beta_1=0, beta_2=0.9), a fresh real batch for every critic
    iteration (Algorithm 1; the zoo's configs: `real_batches="fresh"`).

    Deviations kept:
    - Toy data: lambda = 0.1, as the authors' gan_toy.py; its nets are
      3 x 512 with batch 256 and Adam(1e-4, 0.5, 0.9), the zoo's are 2 x 128
      with batch 128 at the learning rate of its toy search
      (benchmarks/results/toy_sweep/), decayed linearly to 0.
    - The toy critic has no normalisation (as gan_toy.py); image critics use
      layer norm.

    Args:
        gp_weight: lambda.
        one_sided: penalise only gradient norms above 1.
        Others: see `BaseGAN`.

    Example:
    >>> model = WGANGP.from_data_shape((28, 28, 1))
    >>> model.compile()
    >>> model.fit(images_dataset, epochs=1)
    >>> images = model.generate(16, seed=0)
    """

    adversarial_loss = "wasserstein"
    default_n_critic = 5
    critic_based = True
    discriminator_options = {"normalization": "layer"}
    default_optimizer = ("Adam", {"learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9})

    def __init__(self, *args, gp_weight=10.0, one_sided=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.gp_weight = float(gp_weight)
        self.one_sided = bool(one_sided)

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        return self.gp_weight * self.penalty_term("wgan-gp", real, fake, labels, salt, one_sided=self.one_sided)

    def get_config(self):
        return {**super().get_config(), "gp_weight": self.gp_weight, "one_sided": self.one_sided}

