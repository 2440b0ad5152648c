"""Claim 2 (Arjovsky & Bottou 2017, §2.2, Figs. 2-3): as the discriminator approaches optimality, the
minimax generator's gradient vanishes and the -log D generator's gradient grows and turns unstable;
instance noise (their §3, Sønderby et al. 2017) keeps the gradient alive.

The measurement: a frozen generator after a short DCGAN training (the shipped `nsgan-mnist28`
preset: retrained for 15,625 steps in issue 19; claim 2's figures before it were measured against
its 5,000-step snapshot), and a fresh discriminator of the same architecture (re-initialised) trained
against it on MNIST with sigmoid cross-entropy, Adam(2e-4, 0.5), batch 64. Every few
discriminator iterations, the norm of the generator's gradient (all its weights, 128 fixed
latents) of the minimax loss E[log(1 - D(G(z)))] and of -E[log D(G(z))], both on a log scale
against the discriminator iterations, as in their Figs. 2 and 3. Then the same with instance
noise: N(0, 0.5^2) added to real and fake inputs of the discriminator, in its training and in
the generator's gradient.

Verdict, three parts: the minimax gradient falls by more than 100x over the run without noise
(vanishing); the -log D gradient grows by more than 10x (their Fig. 3); with noise the minimax
gradient falls by less than 10x (rescued; moot when nothing vanished). "holds" when all three do,
"holds partly" when one or two do.
"""

import numpy as np

NAME = "Vanishing and unstable generator gradients"
SOURCE = "Arjovsky & Bottou 2017, §2.2-3, Figs. 2-3"
NOISE_STD = 0.5


def _course(generator, discriminator, real, *, iterations, every, noise_std, seed):
    import keras
    import tensorflow as tf

    from ganzoo import losses

    keras.utils.set_random_seed(seed)
    disc = keras.models.clone_model(discriminator)  # the same architecture, fresh weights
    disc.build(discriminator.input_shape)
    optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    latent_dim = generator.input_shape[-1]
    z_fixed = tf.random.stateless_normal((128, latent_dim), (seed, 1))
    noisy = lambda x, s: x + noise_std * tf.random.stateless_normal(tf.shape(x), s) if noise_std else x  # noqa: E731
    logits = lambda x: tf.reshape(disc(x, training=True), [-1])  # noqa: E731

    @tf.function
    def d_step(x, z, i):
        fake = generator(z, training=False)
        with tf.GradientTape() as tape:
            loss = losses.minimax_discriminator_loss(logits(noisy(x, tf.stack([i, 2]))),
                                                     logits(noisy(fake, tf.stack([i, 3]))))
        optimizer.apply_gradients(zip(tape.gradient(loss, disc.trainable_variables), disc.trainable_variables))
        return loss

    @tf.function
    def g_norms(i):
        with tf.GradientTape(persistent=True) as tape:
            fake_logits = logits(noisy(generator(z_fixed, training=False), tf.stack([i, 4])))
            minimax = losses.minimax_generator_loss(fake_logits)
            non_saturating = losses.non_saturating_generator_loss(fake_logits)
        return (tf.linalg.global_norm(tape.gradient(minimax, generator.trainable_variables)),
                tf.linalg.global_norm(tape.gradient(non_saturating, generator.trainable_variables)))

    rng = np.random.default_rng(seed)
    steps, minimax, non_saturating = [], [], []
    for i in range(iterations + 1):
        if i % every == 0:
            a, b = g_norms(tf.constant(i, tf.int32))
            steps.append(i)
            minimax.append(float(a))
            non_saturating.append(float(b))
        if i < iterations:
            x = real[rng.integers(0, len(real), 64)]
            d_step(x, tf.random.stateless_normal((64, latent_dim), (seed, 10 + i)), tf.constant(i, tf.int32))
    return np.array(steps), np.array(minimax), np.array(non_saturating)


def run(quick=False, seed=0, mnist_dir=None):
    import ganzoo
    from ganzoo.data import sources

    if not mnist_dir:
        raise SystemExit("claim 2 needs MNIST: --mnist_dir=<a folder of the MNIST idx files>")
    preset = ganzoo.load("nsgan-mnist28")
    real = sources.reference_images("mnist", mnist_dir, 2000 if quick else 10_000, seed=seed)
    iterations, every = (100, 10) if quick else (2000, 50)
    plain = _course(preset.generator, preset.discriminator, real, iterations=iterations, every=every,
                    noise_std=0.0, seed=seed)
    noise = _course(preset.generator, preset.discriminator, real, iterations=iterations, every=every,
                    noise_std=NOISE_STD, seed=seed)
    fall_plain = float(plain[1][0] / max(plain[1][-1], 1e-30))
    fall_noise = float(noise[1][0] / max(noise[1][-1], 1e-30))
    ns_growth = float(plain[2][-1] / plain[2][0])
    late = plain[2][len(plain[2]) // 2:]
    ns_cv = float(np.std(late) / np.mean(late))
    vanishes, grows = fall_plain > 100, ns_growth > 10
    rescued = vanishes and fall_noise < 10  # moot when nothing vanished
    measured = {"iterations": iterations, "minimax_fall_without_noise": fall_plain, "minimax_fall_with_noise": fall_noise,
                "non_saturating_end_over_start": ns_growth, "non_saturating_late_cv": ns_cv,
                "steps": plain[0].tolist(), "minimax": plain[1].tolist(), "non_saturating": plain[2].tolist(),
                "minimax_noise": noise[1].tolist(), "non_saturating_noise": noise[2].tolist()}
    summary = (f"minimax gradient falls {fall_plain:.3g}x (below 1: grows) over {iterations} D iterations, {fall_noise:.3g}x with "
               f"instance noise (std {NOISE_STD}); -log D gradient x{ns_growth:.3g} (late coefficient of variation "
               f"{ns_cv:.2f})")
    panels = [
        {"curves": [(plain[0], plain[1], "minimax log(1 - D)"), (plain[0], plain[2], "-log D")], "logy": True,
         "xlabel": "discriminator iterations", "ylabel": "||grad of the generator loss||", "title": "no noise"},
        {"curves": [(noise[0], noise[1], "minimax log(1 - D)"), (noise[0], noise[2], "-log D")], "logy": True,
         "xlabel": "discriminator iterations", "ylabel": "||grad of the generator loss||",
         "title": f"instance noise, std {NOISE_STD}"},
    ]
    parts = [vanishes, grows, rescued]
    verdict = "holds" if all(parts) else ("holds partly" if any(parts) else "does not hold here")
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
