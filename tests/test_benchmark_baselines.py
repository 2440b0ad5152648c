"""The benchmarks' plain-Keras baselines run the same algorithm as ganzoo's variants.

benchmarks/throughput.py reports ganzoo/keras per variant as "ganzoo's loop
against the same algorithm written by hand"; these tests hold the baselines
to that: same losses on the same outputs, WGAN's clipping, a trainable step.
"""

import os
import sys

import numpy as np
import pytest
import tensorflow as tf

import ganzoo

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
from baselines import keras_variants  # noqa: E402

SHAPE = (2,)
LATENT = 8


def _outputs(rng, n=16):
    return tf.constant(rng.normal(size=(n, 1)) * 2.0, tf.float32)


@pytest.mark.parametrize("variant", ["gan", "lsgan", "wgan", "sngan", "loss-sensitive", "nsgan"])
def test_losses_equal_ganzoo(variant):
    rng = np.random.default_rng(0)
    real = tf.constant(rng.normal(size=(16, 2)), tf.float32)
    fake = tf.constant(rng.normal(size=(16, 2)), tf.float32)
    real_out, fake_out = _outputs(rng), _outputs(rng)
    # the loss-sensitive baseline is the paper's eq. 5 and 6 alone; ganzoo's weight decay is tested on its own
    options = {"weight_decay": 0.0} if variant == "loss-sensitive" else {}
    model = ganzoo.models.build(variant, SHAPE, latent_dim=LATENT, **options)
    baseline = keras_variants.build(variant, SHAPE, latent_dim=LATENT)
    if variant == "nsgan":  # the keras.io guide's loop: BinaryCrossentropy(from_logits=True)
        ones, zeros = tf.ones_like(real_out), tf.zeros_like(fake_out)
        d_expected = baseline.loss_fn(ones, real_out) + baseline.loss_fn(zeros, fake_out)
        g_expected = baseline.loss_fn(ones, fake_out)
    else:
        d_expected = baseline.d_loss(real, fake, real_out, fake_out)
        g_expected = baseline.g_loss(fake_out)
    if variant == "loss-sensitive":  # ganzoo's critic returns L = softplus(output)
        real_out, fake_out = tf.nn.softplus(real_out), tf.nn.softplus(fake_out)
    d_ganzoo = model.discriminator_loss(real, fake, real_out, fake_out)
    g_ganzoo = model.generator_loss(fake, fake_out, None)
    np.testing.assert_allclose(float(d_expected), float(d_ganzoo), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(g_expected), float(g_ganzoo), rtol=1e-5, atol=1e-6)


def test_ebgan_losses_equal_ganzoo():
    rng = np.random.default_rng(1)
    model = ganzoo.models.build("ebgan", SHAPE, latent_dim=LATENT)
    baseline = keras_variants.build("ebgan", SHAPE, latent_dim=LATENT)
    energy_real = tf.constant(rng.uniform(0, 2, size=(16,)), tf.float32)
    energy_fake = tf.constant(rng.uniform(0, 2, size=(16,)), tf.float32)
    codes = tf.constant(rng.normal(size=(16, 5)), tf.float32)
    d_expected = baseline.d_loss(None, None, [energy_real, codes], [energy_fake, codes])
    np.testing.assert_allclose(float(d_expected), float(model.discriminator_loss(None, None, energy_real, energy_fake)),
                               rtol=1e-5)
    np.testing.assert_allclose(float(baseline.g_loss([energy_fake, codes])),
                               float(model.generator_loss(None, energy_fake, codes)), rtol=1e-4)
    assert baseline.margin == pytest.approx(model.margin)


def test_wgan_clips_every_critic_weight():
    baseline = keras_variants.build("wgan", SHAPE, latent_dim=LATENT)
    for w in baseline.discriminator.trainable_variables:
        w.assign(tf.fill(w.shape, 0.5))
    baseline.after_d_step()
    for w in baseline.discriminator.trainable_variables:
        np.testing.assert_allclose(w.numpy(), 0.01)


@pytest.mark.parametrize("variant", ganzoo.variants())
def test_every_baseline_trains_with_ganzoos_networks(variant):
    data = np.random.default_rng(2).normal(size=(32, 2)).astype("float32")
    baseline = keras_variants.build(variant, SHAPE, latent_dim=LATENT)
    reference = ganzoo.models.build(variant, SHAPE, latent_dim=LATENT)
    assert baseline.d_steps == reference.n_critic
    assert [v.shape for v in baseline.generator.weights] == [v.shape for v in reference.generator.weights]
    before = [v.numpy().copy() for v in baseline.discriminator.trainable_variables]
    history = baseline.fit(tf.data.Dataset.from_tensor_slices(data).batch(16), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1]) and np.isfinite(history.history["g_loss"][-1])
    moved = [not np.array_equal(b, v.numpy()) for b, v in zip(before, baseline.discriminator.trainable_variables)]
    assert any(moved)
