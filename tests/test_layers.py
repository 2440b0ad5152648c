"""ganzoo.layers: spectral normalisation as Miyato et al. define it, checked against closed forms."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.layers import SpectralConv2D, SpectralDense


def built_dense(fan_in=5, units=3, seed=0):
    keras.utils.set_random_seed(seed)
    layer = SpectralDense(units)
    layer.build((None, fan_in))
    return layer


def test_the_gradient_through_sigma_is_the_analytic_derivative_of_w_over_sigma():
    layer = built_dense()
    upstream = tf.constant(np.random.default_rng(1).standard_normal((5, 3)), tf.float32)
    with tf.GradientTape() as tape:
        w_sn = layer.normalized_kernel(training=True)  # one power iteration, then sigma = v^T W u
        objective = tf.reduce_sum(upstream * w_sn)
    grad = tape.gradient(objective, layer.kernel).numpy()

    w = layer.kernel.numpy().astype("float64")
    u, v = layer.u.numpy().astype("float64"), layer.v.numpy().astype("float64")
    sigma = v @ w @ u
    g = upstream.numpy().astype("float64")
    # d/dW <G, W / (v^T W u)> = G / sigma - <G, W> / sigma^2 v u^T   (Miyato et al. 2018, eq. 12)
    expected = g / sigma - (g * w).sum() / sigma**2 * np.outer(v, u)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w_sn.numpy(), w / sigma, rtol=1e-5)
    # Keras' layer would give G / sigma: the term along v u^T is what it leaves out
    assert np.abs(expected - g / sigma).max() > 1e-2


def test_one_power_iteration_is_the_closed_form_update():
    layer = built_dense()
    w = layer.kernel.numpy().astype("float64")
    u0 = layer.u.numpy().astype("float64")
    layer.normalized_kernel(training=True)
    v = w @ (u0 / np.linalg.norm(u0))
    v /= np.linalg.norm(v)
    u = w.T @ v
    u /= np.linalg.norm(u)
    np.testing.assert_allclose(layer.v.numpy(), v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.u.numpy(), u, rtol=1e-5, atol=1e-6)


def test_power_iteration_converges_to_the_top_singular_value_and_inference_leaves_it():
    layer = built_dense(fan_in=8, units=6)
    x = tf.random.normal((4, 8))
    for _ in range(200):
        layer(x, training=True)
    top = np.linalg.svd(layer.kernel.numpy(), compute_uv=False)[0]
    assert float(layer.sigma()) == pytest.approx(top, rel=1e-4)
    assert np.linalg.svd(layer.normalized_kernel().numpy(), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-4)
    u, v, kernel = layer.u.numpy(), layer.v.numpy(), layer.kernel.numpy()
    layer(x, training=False)
    np.testing.assert_array_equal(layer.u.numpy(), u)
    np.testing.assert_array_equal(layer.v.numpy(), v)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)  # the free parameter is never overwritten


def test_conv_sigma_is_that_of_the_reshaped_kernel_and_the_output_is_the_convolution_with_w_sn():
    keras.utils.set_random_seed(0)
    layer = SpectralConv2D(4, 3, strides=2, padding="same")
    x = tf.random.normal((2, 8, 8, 3))
    for _ in range(200):
        y = layer(x, training=True)
    assert y.shape == (2, 4, 4, 4) == layer.compute_output_shape((2, 8, 8, 3))
    kernel = layer.kernel.numpy()
    top = np.linalg.svd(kernel.reshape(-1, 4), compute_uv=False)[0]
    assert float(layer.sigma()) == pytest.approx(top, rel=1e-4)
    expected = tf.nn.conv2d(x, kernel / float(layer.sigma()), 2, "SAME") + layer.bias
    np.testing.assert_allclose(layer(x, training=False).numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)


def test_under_mixed_bfloat16_sigma_is_float32_and_the_kernel_is_not_rounded():
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        keras.utils.set_random_seed(0)
        layer = SpectralDense(3)
        layer.build((None, 5))
    finally:
        keras.config.set_dtype_policy(policy)
    reference = built_dense()
    reference.set_weights(layer.get_weights())
    kernel = layer.kernel.numpy()
    y = layer(tf.random.normal((2, 5)), training=True)
    assert y.dtype == tf.bfloat16 and layer.kernel.dtype == "float32"
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)  # Keras' layer writes W / sigma back, in bf16
    np.testing.assert_allclose(layer.normalized_kernel().numpy(), reference.normalized_kernel(training=True).numpy(),
                               rtol=1e-6)


def test_the_layers_round_trip_through_their_config_and_a_saved_model(tmp_path):
    for layer in (SpectralDense(3, name="d"), SpectralConv2D(2, 4, strides=2, padding="same", name="c")):
        again = type(layer).from_config(layer.get_config())
        assert again.get_config() == layer.get_config()
    model = ganzoo.models.build("sngan", (2,), seed=0, generator_widths=(8,), discriminator_widths=(8,))
    assert any(isinstance(l, SpectralDense) for l in model.discriminator.layers)
    model.compile()
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = ganzoo.saving.load_model(path)
    for a, b in zip(model.discriminator.weights, loaded.discriminator.weights):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    x = tf.random.normal((4, 2))
    np.testing.assert_array_equal(model.discriminator(x).numpy(), loaded.discriminator(x).numpy())


def _power_iterations(w, u, k):
    for _ in range(k):
        v = w @ u
        v /= np.linalg.norm(v)
        u = w.T @ v
        u /= np.linalg.norm(u)
    return u


@pytest.mark.parametrize("n_critic", [1, 3])
def test_one_power_iteration_per_critic_update_and_none_in_the_generator_step(n_critic):
    model = ganzoo.models.build("sngan", (2,), seed=0, n_critic=n_critic, generator_widths=(8,),
                                discriminator_widths=(6, 5), latent_dim=4)
    # learning rate 0: W stays put, so u after one train step is u0 after exactly n_critic closed-form
    # iterations (one per critic update); iterating on every call (real, fake, generator step) would give
    # 2 n_critic + 1, a different u
    model.compile(d_optimizer=keras.optimizers.Adam(0.0), g_optimizer=keras.optimizers.Adam(0.0))
    real = tf.random.stateless_normal((8 * n_critic, 2), (1, 2))
    model.train_step(real[:8])  # builds the optimizers and iterates once per update from the random u
    spectral = [l for l in model.discriminator.layers if isinstance(l, SpectralDense)]
    before = [(l.kernel.numpy().astype("float64"), l.u.numpy().astype("float64")) for l in spectral]
    model.train_step(real[:8])
    apart = []
    for layer, (w, u0) in zip(spectral, before):
        expected = _power_iterations(w.reshape(-1, layer.units), u0, n_critic)
        np.testing.assert_allclose(layer.u.numpy(), expected, rtol=1e-4, atol=1e-5)
        apart.append(np.abs(expected - _power_iterations(w.reshape(-1, layer.units), u0, 2 * n_critic + 1)).max())
    assert max(apart) > 1e-3  # the check tells the two rules apart


def test_calls_inside_holding_power_iteration_use_the_stored_vectors():
    layer = built_dense()
    x = tf.random.stateless_normal((4, 5), (3, 4))
    layer(x, training=True)
    u, v = layer.u.numpy(), layer.v.numpy()
    with ganzoo.layers.holding_power_iteration():
        with ganzoo.layers.holding_power_iteration():
            held = layer(x, training=True).numpy()
        layer(x, training=True)
    np.testing.assert_array_equal(layer.u.numpy(), u)  # nested holds, then the outer one: no iteration
    np.testing.assert_array_equal(layer.v.numpy(), v)
    np.testing.assert_allclose(held, layer(x, training=False).numpy(), rtol=1e-6)  # the same W / sigma(W)
    layer(x, training=True)  # outside: iterates again
    assert np.abs(layer.u.numpy() - u).max() > 0
