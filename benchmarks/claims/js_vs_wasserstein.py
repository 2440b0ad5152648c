"""Claim 1 (Arjovsky et al. 2017, WGAN, Example 1): on disjoint supports the JS divergence is stuck at
log 2 whatever the distance, the Wasserstein distance is the distance.

P_0 is the vertical segment {(0, y): y ~ U[0, 1]}, P_theta the same segment at x = theta. Closed
forms: JS(P_0, P_theta) = log 2 for theta != 0 (0 at theta = 0); W1 = |theta|. So a discriminator's
JS estimate gives a generator at theta no signal about which way to move, the critic's W estimate
does (its slope is +-1).

The measurement, for each theta on a grid: a discriminator (2 x 64 ReLU MLP) trained to near
optimality with sigmoid cross-entropy (`ganzoo.losses.minimax_discriminator_loss`), its JS estimate
(V + log 4) / 2 with V = E_P0[log D] + E_Ptheta[log(1 - D)] on fresh samples; and a critic of the
same shape trained with the Wasserstein loss plus WGAN-GP's penalty (lambda 10,
`ganzoo.penalties.gradient_penalty`), its estimate E_P0[f] - E_Ptheta[f].

Verdict: "holds" when every JS estimate at |theta| >= 0.2 is within 0.05 of log 2 (flat) and the W
estimates are within 0.1 + 10 % of |theta| at every theta.
"""

import math

import numpy as np

NAME = "JS against Wasserstein on disjoint supports"
SOURCE = "Arjovsky et al. 2017 (WGAN), Example 1"


def _segment(rng, n, theta):
    return np.stack([np.full(n, theta), rng.uniform(0.0, 1.0, n)], axis=1).astype("float32")


def _fit(kind, theta, steps, seed):
    import keras
    import tensorflow as tf

    from ganzoo import losses, penalties

    keras.utils.set_random_seed(seed)
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(64, activation="relu"),
                            keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
    critic = lambda x: net(x)[:, 0]  # noqa: E731

    @tf.function
    def step(real, fake, salt):
        with tf.GradientTape() as tape:
            if kind == "js":
                loss = losses.minimax_discriminator_loss(critic(real), critic(fake))
            else:
                loss = (losses.wasserstein_discriminator_loss(critic(real), critic(fake))
                        + 10.0 * penalties.gradient_penalty(critic, real, fake, seed=tf.stack([salt, 7])))
        optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))

    rng = np.random.default_rng(seed)
    for i in range(steps):
        step(_segment(rng, 256, 0.0), _segment(rng, 256, theta), tf.constant(i, tf.int32))
    real, fake = _segment(rng, 4096, 0.0), _segment(rng, 4096, theta)
    real_logits, fake_logits = critic(real).numpy().astype("float64"), critic(fake).numpy().astype("float64")
    if kind == "js":
        # V = E[log sigmoid(D(x))] + E[log(1 - sigmoid(D(x')))] = -E[softplus(-D(x))] - E[softplus(D(x'))]
        value = -np.mean(np.logaddexp(0.0, -real_logits)) - np.mean(np.logaddexp(0.0, fake_logits))
        return (value + math.log(4.0)) / 2.0
    return float(real_logits.mean() - fake_logits.mean())


def run(quick=False, seed=0):
    thetas = np.linspace(-1.0, 1.0, 5 if quick else 21)
    steps = 300 if quick else 1500
    js = np.array([_fit("js", t, steps, seed) for t in thetas])
    w = np.array([_fit("w", t, steps, seed) for t in thetas])
    far = np.abs(thetas) >= 0.2
    js_error = float(np.abs(js[far] - math.log(2.0)).max())
    w_error = np.abs(w - np.abs(thetas))
    w_ok = bool(np.all(w_error <= 0.1 + 0.1 * np.abs(thetas)))
    holds = js_error <= 0.05 and w_ok
    measured = {"thetas": thetas.tolist(), "js_estimate": js.tolist(), "w_estimate": w.tolist(), "steps": steps,
                "js_max_abs_error_far": js_error, "w_max_abs_error": float(w_error.max())}
    summary = (f"JS estimate within {js_error:.3f} of log 2 at every |theta| >= 0.2; W estimate within "
               f"{w_error.max():.3f} of |theta|")
    grid = np.linspace(-1.0, 1.0, 201)
    panels = [
        {"curves": [(thetas, js, "discriminator's JS estimate"),
                    (grid, np.where(np.abs(grid) < 1e-9, 0.0, math.log(2.0)), "closed form: log 2 (0 at theta = 0)")],
         "xlabel": "theta", "ylabel": "JS(P_0, P_theta)", "title": "JS: flat, no direction"},
        {"curves": [(thetas, w, "critic's W estimate (WGAN-GP)"), (grid, np.abs(grid), "closed form: |theta|")],
         "xlabel": "theta", "ylabel": "W1(P_0, P_theta)", "title": "Wasserstein: the distance itself"},
    ]
    return {"verdict": "holds" if holds else "does not hold here", "summary": summary, "measured": measured,
            "panels": panels}
