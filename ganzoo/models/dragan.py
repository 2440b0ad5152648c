"""DRAGAN (Kodali et al. 2017, arXiv:1705.07215)."""

import keras
import tensorflow as tf

from ganzoo import penalties
from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class DRAGAN(BaseGAN):
    """DRAGAN: non-saturating GAN plus a gradient penalty near the data.

    Mode collapse goes with sharp discriminator gradients around real points;
    DRAGAN penalises lambda E[(||grad D(x_hat)|| - 1)^2] at x_hat = x +
    alpha * scale * std(x) * u, u ~ U[0, 1] (the authors' code). lambda = 10,
    Adam(1e-4, beta_1=0.5, beta_2=0.9); layer norm in D (per-example penalty).

    Args:
        gp_weight: lambda.
        perturbation_scale: scale (the paper's delta-like constant, 0.5).
        Others: see `BaseGAN`.

    Example:
    >>> model = DRAGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    adversarial_loss = "non_saturating"
    discriminator_options = {"normalization": "layer"}

    def __init__(self, *args, gp_weight=10.0, perturbation_scale=0.5, **kwargs):
        super().__init__(*args, **kwargs)
        self.gp_weight = float(gp_weight)
        self.perturbation_scale = float(perturbation_scale)

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
        )

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        noise = self._random("uniform", keras.ops.shape(real)[0], list(real.shape[1:]), salt, maxval=1.0)
        critic = lambda x: self.critic(x, labels)[0]  # noqa: E731
        return self.gp_weight * penalties.dragan_penalty(
            critic, real, scale=self.perturbation_scale, noise=noise,
            alpha=self._per_example_uniform(real, salt + 1), std=_global_std(real),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "gp_weight": self.gp_weight,
            "perturbation_scale": self.perturbation_scale,
        }


def _global_std(x):
    """Standard deviation over the global batch (all replicas), not this replica's slice."""
    context = tf.distribute.get_replica_context()
    x = tf.cast(x, tf.float32)
    sums = tf.stack([tf.reduce_sum(x), tf.reduce_sum(tf.square(x)), tf.cast(tf.size(x), tf.float32)])
    if context is not None and context.num_replicas_in_sync > 1:
        sums = context.all_reduce("sum", sums)
    mean = sums[0] / sums[2]
    return tf.sqrt(tf.maximum(sums[1] / sums[2] - tf.square(mean), 0.0))
