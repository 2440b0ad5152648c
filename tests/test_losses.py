"""Every loss against numbers computed by hand from fixed logits (TF-GAN style)."""

import numpy as np
import pytest

from ganzoo import losses

REAL = np.array([1.0, -2.0, 0.5], "float32")
FAKE = np.array([-1.0, 3.0, 0.0], "float32")

# softplus(x) = log(1 + e^x). Worked by hand, e.g. minimax D:
# mean(softplus(-1), softplus(2), softplus(-0.5)) + mean(softplus(-1), softplus(3), softplus(0))
EXPECTED = {
    "minimax": (-1.3516654, 2.3230876),
    "non_saturating": (0.6849987, 2.3230876),
    # 1/2 mean((f - 1)^2) = 1/2 (4 + 4 + 1) / 3; D: 1/2 (0 + 9 + 0.25)/3 + 1/2 (1 + 9 + 0)/3
    "least_squares": (1.5, 3.2083333),
    # -mean(f); mean(f) - mean(r) = 2/3 - (-1/6)
    "wasserstein": (-0.6666667, 0.8333333),
    # D: mean(relu(1 - r)) + mean(relu(1 + f)) = (0 + 3 + 0.5)/3 + (0 + 4 + 1)/3
    "hinge": (-0.6666667, 2.8333333),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("shape", [(3,), (3, 1), (3, 1, 1, 1)])
def test_adversarial_losses_match_hand_computed_values(name, shape):
    g_loss, d_loss = losses.get(name)
    g_expected, d_expected = EXPECTED[name]
    assert float(g_loss(FAKE.reshape(shape))) == pytest.approx(g_expected, rel=1e-5, abs=1e-6)
    assert float(d_loss(REAL.reshape(shape), FAKE.reshape(shape))) == pytest.approx(d_expected, rel=1e-5, abs=1e-6)


def test_patch_shaped_logits_average_over_every_patch():
    # (B, H, W, 1) = (2, 2, 2, 1): wasserstein D loss = mean(fake) - mean(real) over all 8 patches
    real = np.arange(8, dtype="float32").reshape(2, 2, 2, 1)  # mean 3.5
    fake = -np.ones((2, 2, 2, 1), "float32")
    assert float(losses.wasserstein_discriminator_loss(real, fake)) == pytest.approx(-4.5, abs=1e-6)
    # hinge: relu(1 - r) = (1, 0, ..., 0) -> 1/8; relu(1 + f) = 0
    assert float(losses.hinge_discriminator_loss(real, fake)) == pytest.approx(0.125, abs=1e-6)


def test_minimax_generator_loss_saturates_where_non_saturating_does_not():
    import tensorflow as tf

    confident_fake = tf.constant([-10.0])  # D(G(z)) = sigmoid(-10) ~ 4.5e-5
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(confident_fake)
        minimax = losses.minimax_generator_loss(confident_fake)
        non_saturating = losses.non_saturating_generator_loss(confident_fake)
    # d/dx -softplus(x) = -sigmoid(x) ~ -4.5e-5;  d/dx softplus(-x) = -sigmoid(-x) ~ -1
    assert float(tape.gradient(minimax, confident_fake)[0]) == pytest.approx(-4.54e-5, rel=1e-2)
    assert float(tape.gradient(non_saturating, confident_fake)[0]) == pytest.approx(-1.0, abs=1e-4)


def test_least_squares_targets_are_configurable():
    # a = -1, b = 1, c = 0 coding: D = 1/2 mean((r - 1)^2) + 1/2 mean((f + 1)^2)
    value = losses.least_squares_discriminator_loss(np.array([1.0, 3.0]), np.array([-1.0, 1.0]), a=-1.0, b=1.0)
    assert float(value) == pytest.approx(0.5 * 2.0 + 0.5 * 2.0, abs=1e-6)
    assert float(losses.least_squares_generator_loss(np.array([2.0]), c=0.0)) == pytest.approx(2.0)


def test_energy_based_losses_ignore_fakes_above_the_margin():
    real_energy = np.array([0.2, 0.4, 0.6], "float32")
    fake_energy = np.array([0.1, 0.5, 2.0], "float32")
    # mean(real) + mean(relu(1 - fake)) = 0.4 + (0.9 + 0.5 + 0) / 3
    assert float(losses.energy_based_discriminator_loss(real_energy, fake_energy, 1.0)) == pytest.approx(0.8666667)
    # raising only the energy that is already above the margin changes nothing
    higher = np.array([0.1, 0.5, 50.0], "float32")
    assert float(losses.energy_based_discriminator_loss(real_energy, higher, 1.0)) == pytest.approx(0.8666667)
    assert float(losses.energy_based_generator_loss(fake_energy)) == pytest.approx(0.8666667)


def test_loss_sensitive_loss_follows_its_formula():
    real = np.array([1.0, 2.0, 3.0], "float32")
    fake = np.array([2.0, 2.0, 5.0], "float32")
    margin = np.array([0.5, 1.0, 0.1], "float32")
    # mean(L(x)) + 2 mean(relu(delta + L(x) - L(G(z)))) = 2 + 2 (0 + 1 + 0) / 3
    value = losses.loss_sensitive_discriminator_loss(real, fake, margin, lambda_=2.0)
    assert float(value) == pytest.approx(2.6666667, abs=1e-6)
    assert float(losses.loss_sensitive_generator_loss(fake)) == pytest.approx(3.0)


def test_loss_sensitive_margin_is_per_example_mean_l1():
    x = np.zeros((2, 2, 2, 1), "float32")
    y = np.stack([np.full((2, 2, 1), 0.5), np.array([[[1.0], [0.0]], [[0.0], [-1.0]]])]).astype("float32")
    np.testing.assert_allclose(losses.loss_sensitive_margin(x, y), [0.5, 0.5], atol=1e-7)


def test_unknown_loss_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown loss 'hingee'.*Did you mean hinge"):
        losses.get("hingee")
