"""Every variant under `mixed_bfloat16` takes the step its float32 twin takes.

Each case builds a model in float32, copies its weights into the same model
built under `mixed_bfloat16`, and evaluates d_loss and g_loss of both on one
fixed batch (fixed real images and latents, inference mode) before and after
one `train_step` on that batch. The changes must have the same sign wherever
the float32 change is clearly larger than bfloat16's own evaluation error at
equal weights, and every case must have at least one such change (so the test
can fail). Learning rates are 10x the papers' so that one step moves the
losses well past bfloat16's 8-bit rounding.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo

SHAPE = (28, 28, 1)
NETS = {"generator_widths": (16, 8), "discriminator_widths": (8, 16), "latent_dim": 16}
CASES = [(v, {}) for v in ganzoo.variants()] + [
    ("nsgan", {"instance_noise": 0.5}),
    ("nsgan", {"ema_decay": 0.9}),
    ("wgan-gp", {"num_classes": 10}),
]
# Relative gap of the gradient penalty between bfloat16 and float32 at equal weights and draws:
# bfloat16 rounds every activation to 8 significant bits, and the penalty is built from the input
# gradient through all of them. Measured on these nets, 3 seeds: 0.02-0.28 % (WGAN-GP), 0.10-0.34 %
# (DRAGAN). WGAN-CT's critic has dropout, whose masks differ between two models, so it is not compared.
GP_RTOL = 0.01


def build(variant, policy, weights=None, **options):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        nets = dict(NETS, code_dim=8) if variant == "ebgan" else NETS
        model = ganzoo.models.build(variant, SHAPE, seed=0, **nets, **options)
        name, arguments = model.default_optimizer
        model.compile(*(getattr(keras.optimizers, name)(**{**arguments, "learning_rate": 10 * arguments.get(
            "learning_rate", 1e-3)}) for _ in range(2)))
        if weights is not None:
            model.set_weights(weights)
        return model
    finally:
        keras.config.set_dtype_policy(previous)


def fixed_losses(model, real, z, labels):
    fake = model.generate_batch(z, labels, training=False)
    real_logits, _ = model.critic(real, labels, training=False)
    fake_logits, fake_features = model.critic(fake, labels, training=False)
    return np.array([float(model.discriminator_loss(real, fake, real_logits, fake_logits)),
                     float(model.generator_loss(fake, fake_logits, fake_features))])


@pytest.mark.parametrize("variant,options", CASES, ids=[f"{v}-{','.join(o) or 'default'}" for v, o in CASES])
def test_a_bfloat16_step_moves_the_losses_as_the_float32_step_does(variant, options):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    f32 = build(variant, "float32", **options)
    b16 = build(variant, "mixed_bfloat16", f32.get_weights(), **options)
    assert b16.generator.layers[1].compute_dtype == "bfloat16"  # the networks do compute in bfloat16
    real = tf.constant(rng.uniform(-1, 1, (32, *SHAPE)).astype("float32"))
    z = tf.constant(rng.standard_normal((32, f32.latent_dim)).astype("float32"))
    labels = tf.constant(np.arange(32) % 10, tf.int32) if options.get("num_classes") else None
    data = real if labels is None else (real, labels)

    before_f32, before_b16 = fixed_losses(f32, real, z, labels), fixed_losses(b16, real, z, labels)
    f32.train_step(data)
    b16.train_step(data)
    change_f32 = fixed_losses(f32, real, z, labels) - before_f32
    change_b16 = fixed_losses(b16, real, z, labels) - before_b16
    noise = np.abs(before_b16 - before_f32) + 1e-5  # bfloat16's error at equal weights
    checked = np.abs(change_f32) > 3 * noise
    assert checked.any(), f"{variant}: no loss moved past bfloat16's error ({change_f32} vs {noise})"
    for name, ok, a, b in zip(("d_loss", "g_loss"), checked, change_f32, change_b16):
        if ok:
            assert np.sign(a) == np.sign(b), f"{variant} {name}: float32 change {a:+.5f}, bfloat16 {b:+.5f}"
    for w in b16.weights:
        assert w.dtype == "float32" and np.isfinite(np.array(w)).all()  # master weights stay float32


@pytest.mark.parametrize("variant,penalty", [("wgan-gp", "wgan-gp"), ("dragan", "dragan"), ("sngan", "r1")])
def test_the_gradient_penalty_under_bfloat16_is_within_its_stated_tolerance_of_float32(variant, penalty):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    f32 = build(variant, "float32")
    b16 = build(variant, "mixed_bfloat16", f32.get_weights())
    real = tf.constant(rng.uniform(-1, 1, (32, *SHAPE)).astype("float32"))
    fake = f32.generate_batch(tf.constant(rng.standard_normal((32, 16)).astype("float32")), training=False)
    values = [float(m.penalty_term(penalty, real, fake, None, salt=5)) for m in (f32, b16)]
    assert values[0] > 1e-3
    assert values[1] == pytest.approx(values[0], rel=GP_RTOL)


def test_clipping_under_bfloat16_keeps_every_float32_critic_weight_within_c():
    model = build("wgan", "mixed_bfloat16", clip_value=0.01)
    model.train_step(tf.random.uniform((16, *SHAPE), -1, 1))
    for w in model.discriminator.trainable_weights:
        assert w.dtype == "float32"
        assert np.abs(np.array(w)).max() <= 0.01
