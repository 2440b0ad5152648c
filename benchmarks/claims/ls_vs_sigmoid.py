"""Claim 3 (Mao et al. 2017, LSGAN §3.2 and Fig. 1): least squares keeps pushing fakes that sigmoid
cross-entropy has stopped pushing.

The claim: a fake sample already on the real side of the decision boundary, but far from the real
data, gets almost no gradient from the sigmoid cross-entropy losses (D(x) -> 1, so -log D(x) is flat),
while the least-squares loss 1/2 (D(x) - c)^2 still pulls it towards the data, more the farther it is.

The measurement: real points ~ N((1, 0), 0.05^2 I), the fakes of a frozen generator ~ N((-1, 0),
0.05^2 I). Two discriminators (2 x 64 ReLU MLPs, the same init) are trained against that fixed fake
set, one with sigmoid cross-entropy (`ganzoo.losses.minimax_discriminator_loss`), one with least
squares, a = 0, b = 1 (`least_squares_discriminator_loss`). Probe points x = (t, 0), t in [-3, 3],
are then scored by the norm of the gradient of each generator loss with respect to the sample:
minimax log(1 - D), non-saturating -log D (both on the cross-entropy D) and 1/2 (D - 1)^2 (on the
least-squares D, c = 1), against the signed distance from each D's boundary along the probe line
(logit 0 for cross-entropy, D = 1/2 for least squares; positive = the real side).

Verdict: "holds" when, at probe points on the real side at least 1 unit beyond the real data, the
median least-squares gradient is at least 10x the median non-saturating one and grows with the
distance (Spearman rho > 0.5).
"""

import numpy as np

NAME = "Least squares against sigmoid cross-entropy"
SOURCE = "Mao et al. 2017 (LSGAN), §3.2, Fig. 1"
REAL_MEAN, FAKE_MEAN, STD = 1.0, -1.0, 0.05


def _mlp(seed):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])


def _train(loss_fn, real, fake, steps, seed):
    import keras
    import tensorflow as tf

    net = _mlp(seed)
    optimizer = keras.optimizers.Adam(1e-3)

    @tf.function
    def step(r, f):
        with tf.GradientTape() as tape:
            loss = loss_fn(net(r)[:, 0], net(f)[:, 0])
        optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        step(real[rng.integers(0, len(real), 128)], fake[rng.integers(0, len(fake), 128)])
    return net


def _gradient_norms(net, points, loss_of_output):
    import tensorflow as tf

    x = tf.constant(points)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(loss_of_output(net(x)[:, 0]))  # per-sample losses: a sum keeps each gradient its own
    return np.linalg.norm(tape.gradient(loss, x).numpy(), axis=1), net(x)[:, 0].numpy()


def _crossing(t, values, level):
    """The t where `values` (along t) first crosses `level` (linear interpolation)."""
    above = values > level
    i = int(np.argmax(above[1:] != above[:-1]))
    return float(t[i] + (level - values[i]) * (t[i + 1] - t[i]) / (values[i + 1] - values[i]))


def run(quick=False, seed=0):
    """Returns {"verdict", "measured", "figure_data"}; see the module docstring."""
    import scipy.stats
    import tensorflow as tf

    from ganzoo import losses

    rng = np.random.default_rng(seed)
    n = 2000
    real = (rng.normal(size=(n, 2)) * STD + [REAL_MEAN, 0.0]).astype("float32")
    fake = (rng.normal(size=(n, 2)) * STD + [FAKE_MEAN, 0.0]).astype("float32")
    steps = 300 if quick else 2000
    d_ce = _train(losses.minimax_discriminator_loss, real, fake, steps, seed)
    d_ls = _train(losses.least_squares_discriminator_loss, real, fake, steps, seed)
    t = np.linspace(-3.0, 3.0, 61 if quick else 241).astype("float32")
    probes = np.stack([t, np.zeros_like(t)], axis=1)
    minimax, ce_logits = _gradient_norms(d_ce, probes, lambda logit: -tf.math.softplus(logit))  # log(1 - sigmoid)
    non_saturating, _ = _gradient_norms(d_ce, probes, lambda logit: tf.math.softplus(-logit))  # -log(sigmoid)
    least_squares, ls_outputs = _gradient_norms(d_ls, probes, lambda d: 0.5 * tf.square(d - 1.0))
    ce_boundary, ls_boundary = _crossing(t, ce_logits, 0.0), _crossing(t, ls_outputs, 0.5)
    far = t >= REAL_MEAN + 1.0  # on the real side, at least 1 unit beyond the real data
    ratio = float(np.median(least_squares[far]) / max(np.median(non_saturating[far]), 1e-30))
    rho = float(scipy.stats.spearmanr(t[far], least_squares[far]).statistic)
    holds = ratio >= 10.0 and rho > 0.5
    measured = {
        "steps": steps, "boundary_cross_entropy": ce_boundary, "boundary_least_squares": ls_boundary,
        "median_grad_far_least_squares": float(np.median(least_squares[far])),
        "median_grad_far_non_saturating": float(np.median(non_saturating[far])),
        "median_grad_far_minimax": float(np.median(minimax[far])),
        "ratio_least_squares_to_non_saturating": ratio, "spearman_least_squares_vs_distance": rho,
    }
    text = (f"beyond the real data (t >= {REAL_MEAN + 1:g}) the least-squares gradient is {ratio:.3g}x the "
            f"non-saturating one (median) and grows with distance (Spearman {rho:.2f})")
    panel = {
        "curves": [(t - ce_boundary, minimax, "minimax log(1 - D)"), (t - ce_boundary, non_saturating, "non-saturating -log D"),
                   (t - ls_boundary, least_squares, "least squares (D - 1)^2 / 2")],
        "xlabel": "signed distance from the decision boundary (real side > 0)",
        "ylabel": "||d loss_G / d x||", "logy": True,
        "vlines": [(REAL_MEAN - ce_boundary, "real data (CE)"), (FAKE_MEAN - ce_boundary, "fakes (CE)")],
        "title": "generator-loss gradient at a fake sample",
    }
    return {"verdict": "holds" if holds else "does not hold here", "summary": text, "measured": measured,
            "panels": [panel]}
