"""Claim 4 (Gulrajani et al. 2017, WGAN-GP, §3 and Fig. 1): weight clipping wastes the critic's
capacity and makes its gradients explode or vanish; the gradient penalty does neither.

Three measurements, as the paper's Fig. 1 makes them:
(a) value surfaces: critics (3 x 256 ReLU MLPs, `ganzoo.networks.mlp_discriminator`) trained with
    the generator held at the real distribution plus unit Gaussian noise (the paper's setting) on
    ring8, grid25 and the swiss roll, with weight clipping (c = 0.01, every weight and bias,
    `ganzoo.constraints.ClipConstraint`, WGAN's RMSprop(5e-5)) and with the penalty (lambda = 10,
    `ganzoo.penalties.gradient_penalty`, WGAN-GP's Adam(1e-4, 0, 0.9)), the same steps.
(b) per-layer gradient norms of a deep critic (12 ReLU layers of 512, gan_toy.py's width) on the
    swiss roll, clipping
    at c = 0.1, 0.01, 0.001 against the penalty: the norm of the loss's gradient with respect to
    each layer's pre-activations (its bias gradient: the signal backpropagation carries; a
    kernel's gradient multiplies it by the layer's input, whose growth cancels the signal's),
    averaged over the last 50 of the training steps.
(c) the clipped critic's weights: the share sitting at +-c.

Verdict: "holds" when (b) the gradient norm grows from the last layer the signal reaches (units
die under clipping) to the first by more than
10x at c = 0.1 and shrinks by more than 10x at c = 0.001 (or is 0 at every layer: every unit dead)
while the penalty's stays within 10x,
and (c) more than half the clipped weights sit within 1 % of +-c; "holds partly" when one of the
two holds.
"""

import numpy as np

NAME = "Weight clipping against the gradient penalty"
SOURCE = "Gulrajani et al. 2017 (WGAN-GP), §3, Fig. 1"
DATASETS = ("ring8", "grid25", "swissroll")
CLIPS = (0.1, 0.01, 0.001)


def _train_critic(critic, data, *, clip, steps, seed, record_last=0):
    """Trains `critic` against data + N(0, I) noise; returns the mean per-layer bias-gradient norms
    over the last `record_last` steps (first layer first)."""
    import keras
    import tensorflow as tf

    from ganzoo import constraints, losses, penalties

    optimizer = keras.optimizers.RMSprop(5e-5) if clip else keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)
    # the hidden layers' biases: the output bias's gradient is E[1] - E[1] = 0 under the Wasserstein loss
    biases = [v for v in critic.trainable_variables if "bias" in v.path][:-1]
    clipper = constraints.ClipConstraint(clip) if clip else None
    fn = lambda x: critic(x)[:, 0]  # noqa: E731

    @tf.function
    def step(real, fake, salt):
        with tf.GradientTape() as tape:
            loss = losses.wasserstein_discriminator_loss(fn(real), fn(fake))
            if not clipper:
                loss += 10.0 * penalties.gradient_penalty(fn, real, fake, seed=tf.stack([salt, 11]))
        grads = tape.gradient(loss, critic.trainable_variables)
        optimizer.apply_gradients(zip(grads, critic.trainable_variables))
        if clipper:
            for v in critic.trainable_variables:
                v.assign(clipper(v))
        by_var = {id(v): g for v, g in zip(critic.trainable_variables, grads)}
        return tf.stack([tf.norm(by_var[id(b)]) for b in biases])

    rng = np.random.default_rng(seed)
    norms = []
    for i in range(steps):
        real = data[rng.integers(0, len(data), 256)]
        fake = real + rng.normal(size=real.shape).astype("float32")
        out = step(real, fake, tf.constant(i, tf.int32))
        if i >= steps - record_last:
            norms.append(out.numpy())
    return np.mean(norms, axis=0) if norms else None


def live_ratio(norms):
    """The gradient norm at the first hidden layer over that at the last layer the signal still
    reaches (non-zero): > 1 grows towards the input (explodes), < 1 shrinks (vanishes); None when
    every layer is 0."""
    norms = np.asarray(norms, dtype="float64")
    live = np.flatnonzero(norms > 0)
    if len(live) == 0:
        return None
    return float(norms[0] / norms[live[-1]]) if norms[0] > 0 else 0.0


def judge(per_layer, clipped):
    """(verdict, summary, ratios) from the per-layer gradient norms and the share of clipped weights."""
    ratios = {label: live_ratio(norms) for label, norms in per_layer.items()}
    text = lambda label: "0 at every layer" if ratios[label] is None else f"{ratios[label]:.3g}"  # noqa: E731
    explode = (ratios["clipping c = 0.1"] or 0.0) > 10.0
    vanish = ratios["clipping c = 0.001"] is None or ratios["clipping c = 0.001"] < 0.1
    steady = ratios["gradient penalty"] is not None and 0.1 <= ratios["gradient penalty"] <= 10.0
    piled = clipped["clipping c = 0.01"] > 0.5
    gradients_hold = explode and vanish and steady
    verdict = "holds" if gradients_hold and piled else ("holds partly" if gradients_hold or piled else
                                                         "does not hold here")
    summary = (f"gradient at the first hidden layer over the last live one: c = 0.1 {text('clipping c = 0.1')}, "
               f"c = 0.01 {text('clipping c = 0.01')}, c = 0.001 {text('clipping c = 0.001')}, penalty "
               f"{text('gradient penalty')}; {100 * clipped['clipping c = 0.01']:.0f} % of the c = 0.01 weights at +-c")
    return verdict, summary, ratios


def run(quick=False, seed=0):
    import keras

    from ganzoo import networks
    from ganzoo.data.toy import toy

    steps = 150 if quick else 1000  # issue 18: each claim <= 5 minutes
    panels, measured = [], {"steps": steps}
    # (a) value surfaces
    for dataset in DATASETS if not quick else DATASETS[:1]:
        data = toy(dataset, 20_000, seed=seed).astype("float32")
        lim = float(np.abs(data).max()) * 1.3
        grid = np.linspace(-lim, lim, 80 if not quick else 30)
        xx, yy = np.meshgrid(grid, grid)
        points = np.stack([xx.ravel(), yy.ravel()], axis=1).astype("float32")
        for label, clip in (("weight clipping c = 0.01", 0.01), ("gradient penalty", None)):
            keras.utils.set_random_seed(seed)
            critic = networks.mlp_discriminator(widths=(256, 256, 256))
            _train_critic(critic, data, clip=clip, steps=steps, seed=seed)
            values = critic(points).numpy()[:, 0].reshape(xx.shape)
            panels.append({"kind": "surface", "x": grid, "y": grid, "values": values, "points": data[:1000],
                           "title": f"{dataset}: {label}"})
    # (b) deep critics' per-layer gradient norms; (c) the clipped weights
    data = toy("swissroll", 20_000, seed=seed).astype("float32")
    curves, clipped = [], {}
    for label, clip in [(f"clipping c = {c:g}", c) for c in CLIPS] + [("gradient penalty", None)]:
        keras.utils.set_random_seed(seed)
        critic = networks.mlp_discriminator(widths=(512,) * 12)
        deep_steps = 100 if quick else 500  # the clipped weights sit at +-c within the first hundred steps
        norms = _train_critic(critic, data, clip=clip, steps=deep_steps, seed=seed, record_last=min(50, deep_steps))
        curves.append((np.arange(1, len(norms) + 1), norms, label))
        if clip:
            weights = np.concatenate([v.numpy().ravel() for v in critic.trainable_variables if "kernel" in v.path])
            clipped[label] = float(np.mean(np.abs(weights) >= 0.99 * clip))
            if clip == 0.01:
                clipped_weights = weights / clip
        else:
            penalty_weights = np.concatenate([v.numpy().ravel() for v in critic.trainable_variables if "kernel" in v.path])
    panels.append({"curves": curves, "logy": True, "xlabel": "hidden layer (1 = next to the input)",
                   "ylabel": "||d loss / d pre-activation||", "title": "deep critic on the swiss roll: gradient norm per layer"})
    panels.append({"kind": "hist", "values": [(clipped_weights, "clipping c = 0.01 (weights / c)"),
                                              (penalty_weights / np.abs(penalty_weights).max(),
                                               "gradient penalty (weights / max |w|)")],
                   "xlabel": "weight (scaled)", "ylabel": "count", "title": "the deep critic's weights"})
    verdict, summary, ratios = judge({c[2]: c[1] for c in curves}, clipped)
    measured.update({"deep_steps": deep_steps, "first_over_last_live_layer_gradient": ratios,
                     "share_of_weights_at_c": clipped, "per_layer_gradient": {c[2]: c[1].tolist() for c in curves}})
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
