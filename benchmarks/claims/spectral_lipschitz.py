"""Claim 5 (Miyato et al. 2018, SNGAN, §2.1): spectral normalization bounds the critic's Lipschitz
constant layer by layer: every layer's spectral norm is 1, so ||grad_x D|| <= prod_l sigma(W_l) = 1
for a ReLU network.

The measurement: SNGAN (n_critic 5, Adam(1e-3, 0.5, 0.9), 3 x 256 ReLU MLPs, batch 128) on ring8
with the critic's kernels normalised by ganzoo's faithful layer (`ganzoo.layers.SpectralDense`:
W / sigma(W), the gradient through sigma), by Keras' `SpectralNormalization` (it overwrites the
kernel with W / sigma(W) and passes no gradient through sigma), and not at all, the same budget and
seed. Every few steps: each layer's exact top singular value (numpy SVD of the kernel the layer
computes with) and the critic's input-gradient norm ||grad_x D(x)|| on a real and a fake batch.

Verdict: "holds" when, after its power iterations have converged (the second half of the run),
the faithful layer keeps every layer's sigma within 5 % of 1 and the input-gradient norms at or
below 1.05, while the unnormalised critic's input gradient exceeds 2; "holds partly" when the
gradient is bounded so but some layer's exact sigma strays further from 1 (one power iteration
per critic update, Miyato et al.'s Algorithm 1, estimates sigma of a W that keeps moving: when the
top two singular values of a layer cross, u lags behind for some updates, and since the power
iteration's estimate never exceeds sigma, the normalised kernel's sigma is then above 1).
"""

import numpy as np

NAME = "Spectral normalization bounds the Lipschitz constant"
SOURCE = "Miyato et al. 2018 (SNGAN), §2.1"
NORMALIZATIONS = ("spectral", "spectral_keras", "none")


def _kernels(model, normalization):
    import keras

    from ganzoo import layers

    out = []
    for layer in model.discriminator.layers:
        if isinstance(layer, (layers.SpectralDense,)):
            out.append(np.asarray(layer.normalized_kernel()))
        elif isinstance(layer, keras.layers.SpectralNormalization):
            out.append(np.asarray(layer.layer.kernel))
        elif isinstance(layer, keras.layers.Dense) and normalization == "none":
            out.append(np.asarray(layer.kernel))
    return out


def _course(normalization, steps, every, seed):
    import keras
    import tensorflow as tf

    import ganzoo
    from ganzoo.data.toy import toy, toy_dataset

    model = ganzoo.models.build("sngan", (2,), seed=seed, normalization=normalization,
                                generator_widths=(256, 256, 256), discriminator_widths=(256, 256, 256))
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
                  g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9))
    real_probe = tf.constant(toy("ring8", 512, seed=seed + 1), tf.float32)
    log = {"step": [], "sigma": [], "grad_real": [], "grad_fake": []}

    def grad_norm(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            logits = model.critic(x, training=False)[0]
        return float(tf.reduce_mean(tf.norm(tape.gradient(logits, x), axis=1)))  # d sum(logits) / dx: per example

    class Probe(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            step = int(model.g_optimizer.iterations.numpy())
            if step % every:
                return
            log["step"].append(step)
            log["sigma"].append([float(np.linalg.svd(k, compute_uv=False)[0]) for k in _kernels(model, normalization)])
            log["grad_real"].append(grad_norm(real_probe))
            log["grad_fake"].append(grad_norm(tf.constant(model.generate(512, seed=seed), tf.float32)))

    data = toy_dataset("ring8", 128, seed=seed)
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[Probe()])
    return {k: np.asarray(v) for k, v in log.items()}


def run(quick=False, seed=0):
    steps, every = (150, 10) if quick else (1500, 50)
    courses = {n: _course(n, steps, every, seed) for n in NORMALIZATIONS}
    half = lambda c: slice(len(c["step"]) // 2, None)  # noqa: E731
    faithful = courses["spectral"]
    sigma_error = float(np.abs(faithful["sigma"][half(faithful)] - 1.0).max())
    # per layer, the median over the second half: the excursions while u catches up aside
    median_error = float(np.abs(np.median(faithful["sigma"][half(faithful)], axis=0) - 1.0).max())
    faithful_grad = float(max(faithful["grad_real"][half(faithful)].max(), faithful["grad_fake"][half(faithful)].max()))
    plain = courses["none"]
    plain_grad = float(max(plain["grad_real"][half(plain)].max(), plain["grad_fake"][half(plain)].max()))
    keras_sn = courses["spectral_keras"]
    keras_grad = float(max(keras_sn["grad_real"][half(keras_sn)].max(), keras_sn["grad_fake"][half(keras_sn)].max()))
    bounded = faithful_grad <= 1.05 and plain_grad > 2.0
    verdict = "holds" if bounded and sigma_error <= 0.05 else ("holds partly" if bounded else "does not hold here")
    measured = {"steps": steps, "faithful_max_sigma_error": sigma_error,
                "faithful_median_sigma_error": median_error, "faithful_max_input_grad": faithful_grad,
                "keras_max_input_grad": keras_grad, "none_max_input_grad": plain_grad,
                **{f"{n}_{k}": v.tolist() for n, c in courses.items() for k, v in c.items()}}
    summary = (f"second half of {steps} steps: faithful SN every layer's sigma within {sigma_error:.3f} of 1 "
               f"(median within {median_error:.3f}), "
               f"input gradient <= {faithful_grad:.3f}; Keras' layer <= {keras_grad:.3f}; no normalisation up to "
               f"{plain_grad:.3g}")
    panels = []
    for n in NORMALIZATIONS:
        c = courses[n]
        panels.append({"curves": [(c["step"], c["sigma"][:, i], f"layer {i + 1}") for i in range(c["sigma"].shape[1])],
                       "xlabel": "generator step", "ylabel": "top singular value of the kernel used",
                       "title": f"critic normalisation: {n}", "logy": n == "none"})
    panels.append({"curves": [(courses[n]["step"], np.maximum(courses[n]["grad_real"], courses[n]["grad_fake"]), n)
                              for n in NORMALIZATIONS], "logy": True, "xlabel": "generator step",
                   "ylabel": "mean ||grad_x D|| (max of real, fake)", "title": "the critic's input gradient"})
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
