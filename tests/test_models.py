"""Every variant trains: finite metrics, both networks move, n_critic D steps per G step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from conftest import last, max_abs_change, weights
from ganzoo import penalties
from ganzoo.models import base

TOY_BATCH = 16


def toy_batches(n_batches=3, batch=TOY_BATCH):
    x = ganzoo.data.toy("ring8", n_batches * batch, seed=0)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


def toy_batch(batch=TOY_BATCH):
    return np.asarray(ganzoo.data.toy("ring8", batch, seed=0), "float32")


def linear_critic(w, b=0.0):
    """D(x) = w.x + b: grad_x D = w everywhere, so every gradient penalty is closed form."""
    inputs = keras.Input((len(w),))
    layer = keras.layers.Dense(1, name="linear")
    critic = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.asarray(w, "float32").reshape(-1, 1), np.asarray([b], "float32")])
    return critic


def small_generator():
    keras.utils.set_random_seed(0)
    return ganzoo.networks.mlp_generator(8, 2, units=16, depth=1)


def frozen(model):
    """Compiled with learning rate 0: a train_step reports its metrics and moves no weight."""
    model.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    return model


def step_fakes(model, batch=TOY_BATCH, update=0):
    """The fakes critic update `update` of the current step sees, drawn as train_step draws them."""
    z = model.random_normal(batch, [model.latent_dim], base.SALTS_PER_UPDATE * update + base.SALT_LATENT)
    return np.asarray(model.generator(z, training=True))


def test_variants_are_the_documented_ids():
    assert ganzoo.variants() == [
        "gan", "nsgan", "lsgan", "wgan", "wgan-gp", "wgan-ct", "dragan", "sngan", "ebgan", "loss-sensitive",
    ]


@pytest.mark.parametrize("variant", ganzoo.variants())
def test_fit_a_few_steps(variant):
    model = ganzoo.models.build(variant, (2,), seed=0)
    model.compile()
    g_before, d_before = weights(model.generator), weights(model.discriminator)
    history = model.fit(toy_batches(), epochs=1, verbose=0)
    expected = {"d_loss", "g_loss", "d_real", "d_fake", "penalty"}
    if variant in ("wgan", "wgan-gp", "wgan-ct", "sngan", "loss-sensitive"):
        expected.add("w_estimate")
    assert set(history.history) == expected
    for name in expected:
        assert np.isfinite(last(history, name)), name
    assert max_abs_change(g_before, weights(model.generator)) > 0
    assert max_abs_change(d_before, weights(model.discriminator)) > 0
    assert int(model.g_optimizer.iterations) == 3
    assert int(model.d_optimizer.iterations) == 3 * model.n_critic
    if variant in ("wgan-gp", "wgan-ct", "dragan"):
        assert last(history, "penalty") > 0


@pytest.mark.parametrize("variant, n_critic", [("wgan", 5), ("wgan-gp", 5), ("sngan", 5), ("nsgan", 1)])
def test_default_n_critic(variant, n_critic):
    assert ganzoo.models.build(variant, (2,)).n_critic == n_critic
    assert ganzoo.models.build(variant, (2,), n_critic=2).n_critic == 2


def test_n_critic_is_capped_by_the_seed_salts():
    assert base.MAX_N_CRITIC == 63  # 1024 salts per step / 16 per update, one update kept for the generator
    assert ganzoo.models.build("wgan", (2,), n_critic=63).n_critic == 63
    with pytest.raises(ValueError, match="n_critic must be <= MAX_N_CRITIC = 63, got 64.*next step's random draws"):
        ganzoo.models.build("wgan", (2,), n_critic=64)


def test_stateless_draws_are_a_function_of_step_and_salt():
    model = ganzoo.models.build("nsgan", (2,), seed=0)
    model.compile()
    x = tf.zeros((6, 3, 3, 1))
    a = np.asarray(model.per_example_uniform(x, 7))
    assert a.shape == (6, 1, 1, 1) and 0 <= a.min() and a.max() < 1
    np.testing.assert_array_equal(a, model.per_example_uniform(x, 7))
    assert np.abs(a - np.asarray(model.per_example_uniform(x, 8))).min() > 0
    labels = np.asarray(model.random_uniform(100, [], 3, tf.int32, 4))
    assert labels.dtype == np.int32 and set(labels) == {0, 1, 2, 3}
    normal = np.asarray(model.random_normal(6, [2], 7))
    model.g_optimizer.iterations.assign(1)  # the next step: seed step * 1024 + salt
    assert np.abs(normal - np.asarray(model.random_normal(6, [2], 7))).min() > 0


def test_wgan_gp_reports_d_loss_without_the_penalty_and_descends_their_sum():
    generator = small_generator()
    w, lr = np.array([3.0, 4.0]), 0.01
    model = ganzoo.models.WGANGP(generator, linear_critic(w, b=0.5), 8, n_critic=1, seed=0)
    model.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(0.0))
    real = toy_batch()
    fake = step_fakes(model)
    metrics = {k: float(v[0]) for k, v in model.train_step(tf.constant(real)).items()}
    # W loss = E[D(G(z))] - E[D(x)] = w.(mean fake - mean real); the bias cancels
    w_loss = float(w @ (fake.mean(0) - real.mean(0)))
    gp = 10.0 * (np.linalg.norm(w) - 1.0) ** 2  # lambda (||w|| - 1)^2 = 10 * 16
    assert metrics["d_loss"] == pytest.approx(w_loss, rel=1e-5, abs=1e-6)
    assert metrics["d_loss"] == pytest.approx(metrics["d_fake"] - metrics["d_real"], abs=1e-5)
    assert metrics["penalty"] == pytest.approx(gp, rel=1e-5)
    # the step descends d_loss + penalty: d/dw = (mean fake - mean real) + 2 lambda (||w|| - 1) w / ||w||
    grad = (fake.mean(0) - real.mean(0)) + 2 * 10.0 * (np.linalg.norm(w) - 1.0) * w / np.linalg.norm(w)
    kernel, bias = model.discriminator.get_layer("linear").get_weights()
    np.testing.assert_allclose(kernel.ravel(), w - lr * grad, rtol=1e-5)
    np.testing.assert_allclose(bias, [0.5], atol=1e-7)


def test_penalty_option_adds_a_chosen_penalty_to_any_variant():
    generator = small_generator()
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=2)  # not linear: the draws matter
    real = toy_batch()
    reported = {}
    for name, cls, options in [("nsgan+gp", ganzoo.models.NSGAN, {"penalty": "wgan-gp"}),
                               ("nsgan+gp/2", ganzoo.models.NSGAN, {"penalty": "wgan-gp", "penalty_weight": 5.0}),
                               ("wgan-gp", ganzoo.models.WGANGP, {}),
                               ("wgan-gp+none", ganzoo.models.WGANGP, {"penalty": "none"})]:
        model = frozen(cls(generator, discriminator, 8, n_critic=1, seed=0, **options))
        if name == "nsgan+gp":
            alpha = model.per_example_uniform(real, base.SALT_PENALTY)
            critic = lambda x: discriminator(x)  # noqa: E731
            expected = 10.0 * float(penalties.gradient_penalty(critic, real, step_fakes(model), alpha=alpha))
        reported[name] = {k: float(v[0]) for k, v in model.train_step(tf.constant(real)).items()}
    assert expected > 0
    assert reported["nsgan+gp"]["penalty"] == pytest.approx(expected, rel=1e-5)
    assert reported["nsgan+gp/2"]["penalty"] == pytest.approx(expected / 2, rel=1e-5)
    # the same draws as WGAN-GP's own penalty; only the loss differs
    assert reported["wgan-gp"]["penalty"] == pytest.approx(expected, rel=1e-5)
    assert reported["nsgan+gp"]["d_loss"] != pytest.approx(reported["wgan-gp"]["d_loss"])
    assert reported["wgan-gp+none"]["penalty"] == 0.0
    assert reported["wgan-gp+none"]["d_loss"] == pytest.approx(reported["wgan-gp"]["d_loss"])


def test_every_named_penalty_plugs_into_the_model():
    model = frozen(ganzoo.models.NSGAN(small_generator(), linear_critic([3.0, 4.0]), 8, seed=0))
    real, fake = tf.constant(toy_batch()), tf.constant(toy_batch()[::-1])
    expected = {"none": None, "wgan-gp": 16.0, "dragan": 16.0, "r1": 25.0}  # ||w|| = 5
    assert set(expected) == set(penalties.PENALTIES)
    for name, value in expected.items():
        term = model.penalty_term(name, real, fake, None, base.SALT_PENALTY)
        if value is None:
            assert term is None
        else:
            assert float(term) == pytest.approx(value, rel=1e-5), name


def test_penalty_option_is_saved_and_older_configs_load_without_it():
    generator = ganzoo.networks.mlp_generator(8, 2, units=16, depth=1)
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1)
    plain = ganzoo.models.NSGAN(generator, discriminator, 8, seed=0)
    config = plain.get_config()
    assert "penalty" not in config  # as configs saved before the option
    restored = ganzoo.models.NSGAN.from_config(config)
    assert restored.penalty is None and restored.penalty_weight is None
    chosen = ganzoo.models.NSGAN(generator, discriminator, 8, seed=0, penalty="dragan")
    assert chosen.penalty_weight == penalties.DEFAULT_WEIGHTS["dragan"]
    restored = ganzoo.models.NSGAN.from_config(chosen.get_config())
    assert (restored.penalty, restored.penalty_weight) == ("dragan", 10.0)
    with pytest.raises(ValueError, match="Unknown penalty 'wgangp'.*Did you mean wgan-gp"):
        ganzoo.models.build("nsgan", (2,), penalty="wgangp")
    with pytest.raises(ValueError, match="penalty_weight weighs the penalty= option"):
        ganzoo.models.build("wgan-gp", (2,), penalty_weight=1.0)


def test_every_variant_is_exported_by_class_name_and_takes_user_networks():
    generator = ganzoo.networks.mlp_generator(8, 2, units=16, depth=1)
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1)
    for cls in ganzoo.models.VARIANTS.values():
        if cls is ganzoo.models.EBGAN:
            continue
        assert getattr(ganzoo.models, cls.__name__) is cls
        model = cls(generator=generator, discriminator=discriminator, latent_dim=8, seed=0)
        assert model.generate(4, seed=0).shape == (4, 2)
    model = ganzoo.models.WGANGP(generator=generator, discriminator=discriminator, latent_dim=8, gp_weight=5.0)
    assert model.gp_weight == 5.0


def test_default_optimizers_come_from_the_papers():
    wgan = ganzoo.models.build("wgan", (2,))
    wgan.compile()
    assert type(wgan.d_optimizer).__name__ == "RMSprop"
    assert float(wgan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    gp = ganzoo.models.build("wgan-gp", (2,))
    gp.compile()
    assert float(gp.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert (gp.d_optimizer.beta_1, gp.d_optimizer.beta_2) == (0.0, 0.9)
    ttur = ganzoo.models.build("wgan-gp", (2,))
    ttur.compile(d_optimizer=tf.keras.optimizers.Adam(4e-4), g_optimizer=tf.keras.optimizers.Adam(1e-4))
    assert float(ttur.d_optimizer.learning_rate) == pytest.approx(4e-4)


def test_wgan_clips_every_critic_weight():
    model = ganzoo.models.build("wgan", (2,), seed=0, clip_value=0.01)
    model.compile()
    assert max(np.abs(w).max() for w in weights(model.discriminator)) > 0.01  # so the test can fail
    model.fit(toy_batches(2), epochs=1, verbose=0)
    for w in model.discriminator.trainable_weights:
        w = np.array(w)
        assert np.all(w >= -0.01) and np.all(w <= 0.01)
    assert any(np.isclose(np.abs(np.array(w)), 0.01).any() for w in model.discriminator.trainable_weights)


def test_clip_constraint():
    clip = ganzoo.constraints.ClipConstraint(0.5)
    np.testing.assert_allclose(clip(tf.constant([-2.0, 0.2, 0.7])), [-0.5, 0.2, 0.5])
    assert clip.get_config() == {"c": 0.5}
    with pytest.raises(ValueError, match="c > 0"):
        ganzoo.constraints.ClipConstraint(0.0)


@pytest.mark.parametrize("normalization", ["spectral", "spectral_keras"])
@pytest.mark.parametrize("data_shape", [(2,), (28, 28, 1)])
def test_spectrally_normalized_kernels_have_unit_top_singular_value(data_shape, normalization):
    tf.keras.utils.set_random_seed(0)
    model = ganzoo.models.build("sngan", data_shape, seed=0, normalization=normalization)
    kinds = (ganzoo.layers.SpectralDense, ganzoo.layers.SpectralConv2D) if normalization == "spectral" else (
        tf.keras.layers.SpectralNormalization,)
    layers = [l for l in model.discriminator.layers if isinstance(l, kinds)]
    assert len(layers) == (4 if data_shape == (2,) else 3)  # every critic layer, the logits too

    def top_singular_values():
        out = []
        for layer in layers:
            # ganzoo's layer computes with W / sigma(W); Keras' overwrites the kernel with it
            kernel = np.array(layer.normalized_kernel() if normalization == "spectral" else layer.layer.kernel)
            out.append(np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0])
        return np.array(out)

    assert np.abs(top_singular_values() - 1).max() > 0.1  # not normalised before any power iteration
    x = tf.random.normal((4, *data_shape))
    # One power iteration per training call: a random 256x256 kernel's top singular
    # values are close together, so the estimate needs tens of iterations to converge.
    for _ in range(100):
        model.discriminator(x, training=True)
    np.testing.assert_allclose(top_singular_values(), 1.0, rtol=0.02)


def test_ebgan_fake_energies_above_the_margin_contribute_nothing():
    model = ganzoo.models.build("ebgan", (2,), margin=1.0)
    real_energy = tf.constant([0.2, 0.4])
    low = model.discriminator_loss(None, None, real_energy, tf.constant([0.5, 3.0]))
    high = model.discriminator_loss(None, None, real_energy, tf.constant([0.5, 30.0]))
    assert float(low) == pytest.approx(0.3 + 0.25)
    assert float(high) == pytest.approx(float(low))


def test_ebgan_default_margins_follow_the_energy_normalisation():
    assert ganzoo.models.build("ebgan", (28, 28, 1)).margin == pytest.approx(400 / 784)
    assert ganzoo.models.build("ebgan", (64, 64, 3)).margin == pytest.approx(1600 / 12288)


def test_ebgan_autoencoder_takes_the_normalization_option_and_refuses_dropout():
    def batch_norms(model):
        return sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.discriminator.layers)

    assert batch_norms(ganzoo.models.EBGAN.from_data_shape((28, 28, 1))) == 2  # DCGAN-style: encoder and decoder
    assert batch_norms(ganzoo.models.EBGAN.from_data_shape((28, 28, 1), normalization="none")) == 0
    assert batch_norms(ganzoo.models.EBGAN.from_data_shape((2,))) == 0  # toy critics: no batch norm
    assert batch_norms(ganzoo.models.EBGAN.from_data_shape((2,), normalization="batch")) == 4
    with pytest.raises(ValueError, match="no dropout"):
        ganzoo.models.EBGAN.from_data_shape((2,), dropout=0.5)
    with pytest.raises(ValueError, match="normalization must be one of"):
        ganzoo.models.EBGAN.from_data_shape((2,), normalization="layer")


def test_ebgan_discriminator_outputs_reconstruction_energy():
    model = ganzoo.models.build("ebgan", (2,), seed=0)
    x = tf.random.normal((5, 2))
    energy, code = model.discriminator(x)
    assert energy.shape == (5,) and code.shape[0] == 5
    assert np.all(np.array(energy) >= 0)


def test_loss_sensitive_margin_term():
    model = ganzoo.models.build("loss-sensitive", (2,), margin_weight=1.0)
    real = tf.constant([[0.0, 0.0], [0.0, 0.0]])
    fake = tf.constant([[1.0, 1.0], [3.0, 1.0]])  # Delta = mean |x - G(z)| = 1, 2
    real_l, fake_l = tf.constant([1.0, 1.0]), tf.constant([1.5, 5.0])
    # mean(L(x)) + mean(relu(Delta + L(x) - L(G(z)))) = 1 + (0.5 + 0) / 2
    assert float(model.discriminator_loss(real, fake, real_l, fake_l)) == pytest.approx(1.25)


def test_loss_sensitive_weight_decay_is_coupled_l2_on_both_networks():
    model = ganzoo.models.build("loss-sensitive", (2,), generator_widths=(4,), discriminator_widths=(3,), seed=0)
    assert model.weight_decay == 5e-5  # lsgan.lua's suggested decay_rate
    for w in model.discriminator.trainable_variables + model.generator.trainable_variables:
        w.assign(tf.fill(w.shape, 0.5))
    d_count = sum(int(np.prod(w.shape)) for w in model.discriminator.trainable_variables)
    g_count = sum(int(np.prod(w.shape)) for w in model.generator.trainable_variables)
    # (wd / 2) sum w^2 = 2.5e-5 * 0.25 * (number of weights)
    penalty = model.discriminator_penalty(None, None, None, None, 0)
    assert float(penalty) == pytest.approx(2.5e-5 * 0.25 * d_count, rel=1e-6)
    fake_logits = tf.constant([1.0, 3.0])
    g_loss = model.generator_loss(None, fake_logits, None)
    assert float(g_loss) == pytest.approx(2.0 + 2.5e-5 * 0.25 * g_count, rel=1e-6)
    # its gradient is wd * w (Torch's `grad + decay_rate * w`)
    with tf.GradientTape() as tape:
        term = model.discriminator_penalty(None, None, None, None, 0)
    for grad in tape.gradient(term, model.discriminator.trainable_variables):
        np.testing.assert_allclose(grad.numpy(), 5e-5 * 0.5, rtol=1e-6)
    off = ganzoo.models.build("loss-sensitive", (2,), weight_decay=0.0)
    assert off.discriminator_penalty(None, None, None, None, 0) is None
    assert float(off.generator_loss(None, fake_logits, None)) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="weight_decay"):
        ganzoo.models.build("loss-sensitive", (2,), weight_decay=-1.0)


def test_fresh_real_batches_give_each_critic_update_its_own_rows():
    seen = []

    class Recording(ganzoo.models.WGANGP):
        def discriminator_loss(self, real, fake, real_logits, fake_logits):
            seen.append(np.asarray(real))
            return super().discriminator_loss(real, fake, real_logits, fake_logits)

    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1)
    rows = ganzoo.data.toy("ring8", 3 * 4, seed=0)
    fresh = frozen(Recording(small_generator(), discriminator, 8, n_critic=3, real_batches="fresh", seed=0))
    assert fresh.critic_batch_rows(4) == 12
    fresh.train_step(tf.constant(rows))
    assert [s.shape for s in seen] == [(4, 2)] * 3
    for i in range(3):  # update i sees rows 4i .. 4i + 3: x^(i) of Algorithm 1
        np.testing.assert_array_equal(seen[i], rows[4 * i:4 * i + 4])
    seen.clear()
    shared = frozen(Recording(small_generator(), discriminator, 8, n_critic=3, seed=0))
    assert shared.real_batches == "shared" and shared.critic_batch_rows(4) == 4
    shared.train_step(tf.constant(rows[:4]))
    for batch in seen:
        np.testing.assert_array_equal(batch, rows[:4])
    with pytest.raises(ValueError, match="n_critic=3"):
        fresh.train_step(tf.constant(rows[:10]))
    with pytest.raises(ValueError, match="real_batches"):
        ganzoo.models.build("wgan-gp", (2,), real_batches="new")
    assert ganzoo.models.WGANGP.from_config(fresh.get_config()).real_batches == "fresh"


def test_instance_noise_is_added_to_the_critic_inputs_on_its_linear_schedule():
    inputs = []

    class Recording(ganzoo.models.NSGAN):
        def critic(self, x, labels=None, training=True):
            inputs.append(np.asarray(x))
            return super().critic(x, labels, training)

    generator = small_generator()
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1)
    real = toy_batch()
    sigma0, steps = 0.5, 100
    clean = frozen(Recording(generator, discriminator, 8, seed=0))
    noisy = frozen(Recording(generator, discriminator, 8, instance_noise=sigma0, instance_noise_steps=steps, seed=0))
    for t in (0, 25, 50, 100, 500):
        assert float(noisy.instance_noise_stddev(t)) == pytest.approx(sigma0 * max(0.0, 1 - t / steps))

    inputs.clear()
    clean_metrics = clean.train_step(tf.constant(real))
    np.testing.assert_array_equal(inputs[0], real)  # the critic's first input is the real batch
    for t in (0, 50):
        noisy.g_optimizer.iterations.assign(t)
        noise = np.asarray(noisy.random_normal(TOY_BATCH, [2], base.SALT_NOISE_REAL))
        inputs.clear()
        noisy_metrics = noisy.train_step(tf.constant(real))
        sigma = sigma0 * (1 - t / steps)
        np.testing.assert_allclose(inputs[0] - real, sigma * noise, atol=1e-6)
        assert np.std(inputs[0] - real) > 0.5 * sigma
    # same weights (learning rate 0), same batch: the noise alone moves D(x)
    assert abs(float(noisy_metrics["d_real"][0]) - float(clean_metrics["d_real"][0])) > 1e-4
    assert float(noisy.instance_noise_stddev()) == pytest.approx(sigma0 * (1 - 51 / steps))


def test_generate_is_deterministic_per_seed():
    model = ganzoo.models.build("wgan-gp", (28, 28, 1), seed=0)
    a, b, c = model.generate(5, seed=1), model.generate(5, seed=1), model.generate(5, seed=2)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 0
    assert a.min() >= -1 and a.max() <= 1


def test_conditional_model_generates_requested_labels_and_uses_mismatched_negatives():
    shapes = []

    class Recording(ganzoo.models.NSGAN):
        def discriminator_loss(self, real, fake, real_logits, fake_logits):
            shapes.append((real_logits.shape[0], fake_logits.shape[0]))
            return super().discriminator_loss(real, fake, real_logits, fake_logits)

    generator = ganzoo.networks.mlp_generator(8, 2, units=16, depth=1, num_classes=3)
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1, num_classes=3)
    model = Recording(generator, discriminator, 8, num_classes=3, mismatched_negatives=True, seed=0)
    model.compile()
    x = ganzoo.data.toy("ring8", 32, seed=0)
    y = np.arange(32) % 3
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8, drop_remainder=True), epochs=1, verbose=0)
    assert shapes and all(s == (8, 16) for s in shapes)  # B fakes + B (real x, wrong y) pairs
    assert model.generate(6, seed=0, labels=[0, 1, 2, 2, 1, 0]).shape == (6, 2)
    assert model.generate(4, seed=0).shape == (4, 2)
    with pytest.raises(ValueError, match="labels must be 2 ints"):
        model.generate(2, labels=[0, 3])


def test_conditional_critic_scores_fakes_and_gradient_penalty_interpolates_with_the_real_labels():
    seen = []

    class Recording(ganzoo.models.WGANGP):
        def critic(self, x, labels=None, training=True):
            seen.append(labels)
            return super().critic(x, labels, training)

    generator = ganzoo.networks.mlp_generator(8, 2, units=16, depth=1, num_classes=3)
    discriminator = ganzoo.networks.mlp_discriminator(2, units=16, depth=1, num_classes=3)
    model = frozen(Recording(generator, discriminator, 8, num_classes=3, n_critic=2, seed=0))
    y = np.array([0, 1, 2, 2, 1, 0, 1, 2])
    model.train_step((tf.constant(ganzoo.data.toy("ring8", 8, seed=0)), tf.constant(y)))
    critic_calls = seen[:-1]  # real, fake, penalty interpolates per critic update; the last is the G step
    assert len(critic_calls) == 2 * 3
    for labels in critic_calls:  # x_hat = alpha x + (1 - alpha) G(z, y) is scored with y
        np.testing.assert_array_equal(np.asarray(labels), y)


def test_conditional_image_model_builds_with_projection_discriminator():
    model = ganzoo.models.build("sngan", (28, 28, 1), num_classes=10, seed=0)
    logits = model.discriminator([tf.zeros((2, 28, 28, 1)), tf.constant([1, 2])])
    assert logits.shape == (2, 1)
    assert model.generate(3, labels=[7, 7, 7], seed=0).shape == (3, 28, 28, 1)
    assert any(l.name == "projection" for l in model.discriminator.layers)


def test_ema_generator_is_used_by_generate_and_raw_weights_are_kept():
    model = ganzoo.models.build("nsgan", (2,), ema_decay=0.5, seed=0)
    model.compile()
    model.fit(toy_batches(), epochs=1, verbose=0)
    raw = weights(model.generator)
    z = np.random.default_rng(3).standard_normal((4, model.latent_dim)).astype("float32")
    raw_out = np.array(model.generator(z))
    ema_out = model.generate(4, seed=3)
    assert np.abs(ema_out - raw_out).max() > 1e-6
    assert max_abs_change(raw, weights(model.generator)) == 0.0
    averages = [np.array(v) for v in model.g_optimizer._model_variables_moving_average]
    for v, a in zip(model.generator.trainable_variables, averages):
        v.assign(a)
    np.testing.assert_allclose(np.array(model.generator(z)), ema_out, atol=1e-6)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown GAN variant 'wgangp'.*Did you mean wgan-gp"):
        ganzoo.models.build("wgangp", (2,))
    with pytest.raises(ValueError, match="Unsupported data_shape"):
        ganzoo.models.build("nsgan", (30, 30, 1))
    with pytest.raises(ValueError, match="n_critic"):
        ganzoo.models.build("nsgan", (2,), n_critic=0)
    with pytest.raises(ValueError, match="mismatched_negatives needs a conditional"):
        ganzoo.models.build("nsgan", (2,), mismatched_negatives=True)


@pytest.mark.parametrize(
    "variant, data_shape, g_widths, d_widths, g_params",
    [
        # 64*256+256 + 2*(256*256+256) + 256*2+2
        ("wgan-gp", (2,), (256, 256, 256), (256, 256, 256), 64 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 2 + 2),
        # project 64*7*7*64 (no bias) + BN(4*64) + deconv 4*4*64*32 + BN(4*32) + out 4*4*32*1+1
        ("nsgan", (28, 28, 1), (64, 32), (32, 64), 64 * 49 * 64 + 4 * 64 + 16 * 64 * 32 + 4 * 32 + 16 * 32 + 1),
    ],
)
def test_network_widths_set_every_layer(variant, data_shape, g_widths, d_widths, g_params):
    model = ganzoo.models.build(
        variant, data_shape, latent_dim=64, generator_widths=g_widths, discriminator_widths=d_widths
    )
    assert model.generator.count_params() == g_params
    kernels = [w.shape[-1] for w in model.discriminator.weights if w.path.endswith("kernel") and len(w.shape) > 1]
    assert tuple(kernels[:-1]) == d_widths  # the last kernel is the (.., 1) logit
    with pytest.raises(ValueError, match="layer widths"):
        ganzoo.models.build(variant, (28, 28, 1), generator_widths=(64,))


def test_ebgan_code_dim_sizes_the_autoencoder_and_is_refused_elsewhere():
    model = ganzoo.models.build("ebgan", (28, 28, 1), latent_dim=64, discriminator_widths=(16, 32), code_dim=16)
    energy, code = model.discriminator(np.zeros((2, 28, 28, 1), "float32"))
    assert energy.shape == (2,) and code.shape == (2, 16)
    # enc 1->16->32 (4x4 kernels), BN(32), 7*7*32 -> 16 -> 7*7*32 dense, dec 32->16, BN(16), 16->1
    expected = (16 * 16 + 16) + (16 * 32 * 16 + 32) + 4 * 32 + (1568 * 16 + 16) + (16 * 1568 + 1568) \
        + (32 * 16 * 16 + 16) + 4 * 16 + (16 * 16 + 1)
    assert model.discriminator.count_params() == expected
    with pytest.raises(ValueError, match="code_dim is an option of EBGAN"):
        ganzoo.models.build("wgan-gp", (28, 28, 1), code_dim=16)


def _sngan_cnn_generator_params(z, widths, channels=3):
    # dense z -> 4*4*w0 and the deconvs carry no bias (batch norm follows); BN keeps 4 numbers per channel
    params = z * 16 * widths[0] + sum(16 * a * b for a, b in zip(widths, widths[1:]))
    return params + 4 * sum(widths) + 9 * widths[-1] * channels + channels


def _sngan_cnn_discriminator_params(widths, channels=3, norm_per_channel=0):
    # Table 3b: (3x3 s1, 4x4 s2) at each width but the last, a 3x3 at the last, a dense logit
    plan = [(w, k) for w in widths[:-1] for k in (3, 4)] + [(widths[-1], 3)]
    params, previous = 0, channels
    for width, kernel in plan:
        params += kernel * kernel * previous * width + width
        previous = width
    normed = sum(w for w, _ in plan[1:])  # a norm after every convolution but the first
    return params + norm_per_channel * normed + 16 * widths[-1] + 1


def test_sngan_standard_cnn_has_table_3s_layers_and_sizes():
    # Miyato et al. 2018, Table 3: G 4x4x512 -> deconvs 256, 128, 64 -> 3x3 conv; D 3x3/4x4 pairs at 64,
    # 128, 256, then 3x3 512, LeakyReLU 0.1, every layer spectrally normalised
    model = ganzoo.models.build("sngan", (32, 32, 3), architecture="sngan_cnn")
    g, d = model.generator, model.discriminator
    assert g.output_shape == (None, 32, 32, 3) and d.output_shape == (None, 1)
    assert g.count_params() == _sngan_cnn_generator_params(128, (512, 256, 128, 64)) == 3_806_659
    convs = [layer for layer in d.layers if "conv" in layer.name]
    kernels = [tuple(l.kernel.shape) for l in convs]
    assert kernels == [(3, 3, 3, 64), (4, 4, 64, 64), (3, 3, 64, 128), (4, 4, 128, 128), (3, 3, 128, 256),
                       (4, 4, 256, 256), (3, 3, 256, 512)]
    assert [tuple(l.get_config()["strides"]) for l in convs] == [(1, 1), (2, 2)] * 3 + [(1, 1)]
    assert all(type(l).__name__ == "SpectralConv2D" for l in convs)
    assert [l.negative_slope for l in d.layers if isinstance(l, keras.layers.LeakyReLU)] == [0.1] * 7
    trainable = sum(int(np.prod(v.shape)) for v in d.trainable_variables)
    assert trainable == _sngan_cnn_discriminator_params((64, 128, 256, 512)) == 2_935_873
    # NS-GAN's default critic norm (batch) after every convolution but the first: 4 numbers a channel
    nsgan = ganzoo.models.build("nsgan", (32, 32, 3), architecture="sngan_cnn").discriminator
    assert nsgan.count_params() == _sngan_cnn_discriminator_params((64, 128, 256, 512), norm_per_channel=4)


def test_sngan_standard_cnn_at_half_width_and_its_errors():
    half = ((256, 128, 64, 32), (32, 64, 128, 256))
    model = ganzoo.models.build("sngan", (32, 32, 3), architecture="sngan_cnn",
                                generator_widths=half[0], discriminator_widths=half[1])
    assert model.generator.count_params() == _sngan_cnn_generator_params(128, half[0]) == 1_215_203
    trainable = sum(int(np.prod(v.shape)) for v in model.discriminator.trainable_variables)
    assert trainable == _sngan_cnn_discriminator_params(half[1]) == 736_801
    fakes = model.generate(2, seed=0)
    assert fakes.shape == (2, 32, 32, 3) and np.all(np.abs(fakes) <= 1)
    defaults = ganzoo.models.get_class("sngan").network_defaults((32, 32, 3), "sngan_cnn")
    assert defaults["architecture"] == "sngan_cnn" and defaults["generator_widths"] == (512, 256, 128, 64)
    assert ganzoo.models.get_class("sngan").network_defaults((32, 32, 3))["architecture"] == "dcgan"
    assert ganzoo.models.get_class("sngan").network_defaults((2,))["architecture"] == "mlp"
    with pytest.raises(ValueError, match="defined for \\[32\\] px"):
        ganzoo.models.build("sngan", (28, 28, 1), architecture="sngan_cnn")
    with pytest.raises(ValueError, match="'mlp' is for vectors"):
        ganzoo.models.build("sngan", (2,), architecture="dcgan")
    with pytest.raises(ValueError, match="Unknown architecture 'resnet'"):
        ganzoo.models.build("sngan", (32, 32, 3), architecture="resnet")
    with pytest.raises(ValueError, match="4 positive layer widths"):
        ganzoo.models.build("sngan", (32, 32, 3), architecture="sngan_cnn", generator_widths=(512, 256, 128))
    with pytest.raises(ValueError, match="no EBGAN form"):
        ganzoo.models.build("ebgan", (32, 32, 3), architecture="sngan_cnn")
