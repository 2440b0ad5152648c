"""Loss-sensitive GAN (Qi 2017, arXiv:1701.06264)."""

import keras

from ganzoo import losses, penalties
from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LossSensitiveGAN(BaseGAN):
    """LS-GAN: a loss function L_theta that ranks real below fake by a margin.

    min_theta E[L(x)] + lambda E[max(0, Delta(x, G(z)) + L(x) - L(G(z)))] + (wd / 2) ||theta||^2,
    min_G E[L(G(z))] + (wd / 2) ||G||^2, with Delta the per-example mean L1
    distance between the paired real and generated examples.

    The theory assumes L_theta Lipschitz and regularises it; the paper's
    experiments (§5) "adopt weight decay", and the official code (lsgan.lua)
    applies it as coupled L2 (gradient + decay * w, before Adam) to both
    networks, with 5e-5 as its suggested rate. `weight_decay=5e-5` is that.
    Without it the loss function is unbounded below on fakes and the pair
    drifts (measured on ring8/grid25: benchmarks/results/toy_sweep/).

    The first version of the paper (§5) offers the alternative of minimising
    the gradient norm of L_theta directly, and the authors' lab's PyTorch
    version (maple-research-lab/glsgan-gp) does that: a Lipschitz penalty of
    weight 10 in place of weight decay, on a critic without normalisation.
    Here that is `penalty="wgan-gp", weight_decay=0.0, normalization="none"`
    (the zoo's MNIST recipe: it trained where weight decay 5e-5 did not;
    benchmarks/results/zoo28/). The lab's penalty is a finite difference
    between two interpolates; "wgan-gp" takes the gradient at one.

    Deviations kept:
    - L_theta = softplus(critic output) (the code: ReLU). Both make L >= 0 as
      the paper assumes; softplus keeps a gradient where ReLU is flat.
      A `penalty=` sees this L_theta; the lab's PyTorch version penalises
      the raw output (and has no L >= 0).
    - E[L(x)] has weight 1 and the hinge lambda = 1 (the paper's eq. 5); the
      code's unconditional default drops E[L(x)] (gamma = 0) and scales the
      summed L1 distance by tau = 2e-4 instead. Delta here is the per-example
      mean, so tau's role is taken by the data scale.
    - Adam(2e-4, beta_1=0.5), the zoo's DCGAN rate (the code: 1e-4, 0.5).
    - The critic is the DCGAN one with layer norm (the code: batch norm);
      toy critics have no norm.

    Args:
        margin_weight: lambda.
        weight_decay: wd, the coupled L2 rate on both networks' weights
            (0 turns it off).
        Others: see `BaseGAN`.

    Example:
    >>> model = LossSensitiveGAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    """

    critic_based = True
    discriminator_options = {"normalization": "layer"}

    def __init__(self, *args, margin_weight=1.0, weight_decay=5e-5, **kwargs):
        super().__init__(*args, **kwargs)
        if self.mismatched_negatives:
            raise ValueError("LossSensitiveGAN pairs each real with one fake; mismatched_negatives is not supported.")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}.")
        self.margin_weight = float(margin_weight)
        self.weight_decay = float(weight_decay)

    def critic(self, x, labels=None, training=True):
        logits, features = super().critic(x, labels, training)
        return keras.ops.softplus(logits), features  # L_theta >= 0, as the paper assumes

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        margin = losses.loss_sensitive_margin(real, fake)
        return losses.loss_sensitive_discriminator_loss(real_logits, fake_logits, margin, self.margin_weight)

    def generator_loss(self, fake, fake_logits, fake_features):
        loss = losses.loss_sensitive_generator_loss(fake_logits)
        if self.weight_decay:
            loss = loss + 0.5 * self.weight_decay * penalties.squared_weight_norm(self.generator.trainable_variables)
        return loss

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        if not self.weight_decay:
            return None
        return 0.5 * self.weight_decay * penalties.squared_weight_norm(self.discriminator.trainable_variables)

    def get_config(self):
        return {**super().get_config(), "margin_weight": self.margin_weight, "weight_decay": self.weight_decay}
