"""GAN losses as pure functions.

Naming rule (after TF-GAN's `losses_impl.py`): every adversarial loss comes as a
pair `<name>_generator_loss(fake_logits)` and
`<name>_discriminator_loss(real_logits, fake_logits)`. Logits are raw
discriminator outputs (no sigmoid), of any shape whose first axis is the batch:
`(B,)`, `(B, 1)` or patch-shaped `(B, H, W, 1)`; every element is one sample of
the expectation, so the losses are means over all elements.

Losses are written to be *minimised*, so a discriminator that maximises
E[log D(x)] + E[log(1 - D(G(z)))] minimises its negation.
"""

from keras import ops


def _mean(x):
    return ops.mean(ops.cast(x, "float32"))


# --- original GAN (Goodfellow et al. 2014, arXiv:1406.2661) -----------------


def minimax_generator_loss(fake_logits):
    """Minimax generator loss E[log(1 - D(G(z)))] (Goodfellow et al. 2014).

    Saturates when D rejects fakes confidently: its gradient vanishes exactly
    when the generator is worst (Arjovsky & Bottou 2017).
    """
    return -_mean(ops.softplus(fake_logits))  # log(1 - sigmoid(x)) = -softplus(x)


def minimax_discriminator_loss(real_logits, fake_logits):
    """-E[log D(x)] - E[log(1 - D(G(z)))] (Goodfellow et al. 2014)."""
    # -log(sigmoid(x)) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x)
    return _mean(ops.softplus(-real_logits)) + _mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """-E[log D(G(z))], the "-log D trick" (Goodfellow et al. 2014, §3)."""
    return _mean(ops.softplus(-fake_logits))  # -log(sigmoid(x))


def non_saturating_discriminator_loss(real_logits, fake_logits):
    """Same discriminator objective as the minimax GAN (Goodfellow et al. 2014)."""
    return minimax_discriminator_loss(real_logits, fake_logits)


# --- LSGAN (Mao et al. 2017, arXiv:1611.04076) -------------------------------


def least_squares_generator_loss(fake_logits, c=1.0):
    """1/2 E[(D(G(z)) - c)^2] with the (a, b, c) = (0, 1, 1) coding (Mao et al. 2017)."""
    return 0.5 * _mean(ops.square(fake_logits - c))


def least_squares_discriminator_loss(real_logits, fake_logits, a=0.0, b=1.0):
    """1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] (Mao et al. 2017, eq. 2)."""
    return 0.5 * _mean(ops.square(real_logits - b)) + 0.5 * _mean(
        ops.square(fake_logits - a)
    )


# --- WGAN (Arjovsky et al. 2017, arXiv:1701.07875) ----------------------------


def wasserstein_generator_loss(fake_logits):
    """-E[D(G(z))] (Arjovsky et al. 2017)."""
    return -_mean(fake_logits)


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """E[D(G(z))] - E[D(x)]: the negated Kantorovich-Rubinstein dual (Arjovsky et al. 2017).

    Its negation, E[D(x)] - E[D(G(z))], estimates W1 up to the critic's
    Lipschitz constant and is reported as `w_estimate`.
    """
    return _mean(fake_logits) - _mean(real_logits)


# --- hinge (Lim & Ye 2017, arXiv:1705.02894; Miyato et al. 2018) -------------


def hinge_generator_loss(fake_logits):
    """-E[D(G(z))] (Lim & Ye 2017; SNGAN, Miyato et al. 2018)."""
    return -_mean(fake_logits)


def hinge_discriminator_loss(real_logits, fake_logits):
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Lim & Ye 2017)."""
    return _mean(ops.relu(1.0 - real_logits)) + _mean(ops.relu(1.0 + fake_logits))


# --- EBGAN (Zhao et al. 2016, arXiv:1609.03126) ------------------------------


def energy_based_generator_loss(fake_energy):
    """E[D(G(z))]: the generator lowers the energy of its samples (Zhao et al. 2016, eq. 2).

    The pull-away term (`ganzoo.penalties.pull_away_term`) is added by the model.
    """
    return _mean(fake_energy)


def energy_based_discriminator_loss(real_energy, fake_energy, margin):
    """E[D(x)] + E[max(0, m - D(G(z)))] (Zhao et al. 2016, eq. 1).

    Fake energies above the margin `m` contribute nothing.
    """
    return _mean(real_energy) + _mean(ops.relu(margin - fake_energy))


# --- Loss-sensitive GAN (Qi 2017, arXiv:1701.06264) --------------------------


def _per_example(x):
    """Mean over every axis but the batch axis: (B, ...) -> (B,)."""
    x = ops.cast(x, "float32")
    if len(x.shape) == 1:
        return x
    return ops.mean(ops.reshape(x, (ops.shape(x)[0], -1)), axis=1)


def loss_sensitive_margin(real, fake):
    """Delta(x, G(z)): per-example mean absolute (L1) distance, shape (B,) (Qi 2017, §5)."""
    return _per_example(ops.abs(ops.cast(real, "float32") - ops.cast(fake, "float32")))


def loss_sensitive_generator_loss(fake_logits):
    """E[L_theta(G(z))] (Qi 2017, eq. 6)."""
    return _mean(fake_logits)


def loss_sensitive_discriminator_loss(real_logits, fake_logits, margin, lambda_=1.0):
    """E[L(x)] + lambda E[max(0, Delta(x, G(z)) + L(x) - L(G(z)))] (Qi 2017, eq. 5).

    Args:
        real_logits, fake_logits: the loss function L_theta on paired real and
            generated examples; reduced to one value per example.
        margin: Delta(x, G(z)) per example, shape (B,), see `loss_sensitive_margin`.
        lambda_: weight of the margin (hinge) term.
    """
    real = _per_example(real_logits)
    fake = _per_example(fake_logits)
    return _mean(real) + lambda_ * _mean(ops.relu(margin + real - fake))


GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": non_saturating_generator_loss,
    "least_squares": least_squares_generator_loss,
    "wasserstein": wasserstein_generator_loss,
    "hinge": hinge_generator_loss,
}
DISCRIMINATOR_LOSSES = {
    "minimax": minimax_discriminator_loss,
    "non_saturating": non_saturating_discriminator_loss,
    "least_squares": least_squares_discriminator_loss,
    "wasserstein": wasserstein_discriminator_loss,
    "hinge": hinge_discriminator_loss,
}


def get(name):
    """Returns `(generator_loss, discriminator_loss)` for a loss name."""
    if name not in GENERATOR_LOSSES:
        import difflib

        close = difflib.get_close_matches(str(name), GENERATOR_LOSSES, n=3, cutoff=0.3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"Unknown loss {name!r}; expected one of {sorted(GENERATOR_LOSSES)}.{hint}")
    return GENERATOR_LOSSES[name], DISCRIMINATOR_LOSSES[name]
