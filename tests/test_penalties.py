"""Penalties in closed form: a linear critic D(x) = w.x has grad D = w everywhere."""

import numpy as np
import pytest
import scipy.stats
import tensorflow as tf

from ganzoo import penalties


def linear_critic(w):
    w = tf.constant(w, tf.float32)

    def critic(x):
        return tf.reduce_sum(tf.reshape(x, [tf.shape(x)[0], -1]) * tf.reshape(w, [1, -1]), axis=1, keepdims=True)

    return critic


@pytest.mark.parametrize(
    "w, two_sided, one_sided",
    [([3.0, 4.0], 16.0, 16.0), ([0.3, 0.4], 0.25, 0.0), ([0.6, 0.8], 0.0, 0.0)],
)
def test_gradient_penalty_of_a_linear_critic_is_closed_form(w, two_sided, one_sided):
    real = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    fake = np.random.default_rng(1).normal(size=(32, 2)).astype("float32")
    critic = linear_critic(w)
    # ||w|| = 5 -> (5 - 1)^2 = 16; ||w|| = 0.5 -> 0.25 two-sided, 0 one-sided; ||w|| = 1 -> 0
    assert float(penalties.gradient_penalty(critic, real, fake, seed=3)) == pytest.approx(two_sided, abs=1e-4)
    assert float(penalties.gradient_penalty(critic, real, fake, one_sided=True, seed=3)) == pytest.approx(
        one_sided, abs=1e-4
    )


def test_gradient_penalty_on_images_uses_the_per_example_norm():
    w = np.full((4, 4, 3), 0.5, "float32")  # ||w|| = 0.5 * sqrt(48)
    real = np.zeros((8, 4, 4, 3), "float32")
    fake = np.ones((8, 4, 4, 3), "float32")
    expected = (0.5 * np.sqrt(48.0) - 1.0) ** 2
    assert float(penalties.gradient_penalty(linear_critic(w), real, fake, seed=0)) == pytest.approx(expected, rel=1e-5)


def test_alpha_is_uniform_and_drawn_once_per_example():
    x = tf.zeros((20000, 3, 3, 1))
    alpha = penalties.interpolation_alpha(x, seed=7).numpy()
    assert alpha.shape == (20000, 1, 1, 1)
    assert 0.0 <= alpha.min() and alpha.max() <= 1.0
    assert alpha.mean() == pytest.approx(0.5, abs=0.01)
    assert alpha.var() == pytest.approx(1.0 / 12.0, abs=0.003)
    assert scipy.stats.kstest(alpha.ravel(), "uniform").pvalue > 1e-3


def test_interpolates_lie_on_the_segment_with_one_alpha_per_example():
    seen = []

    def critic(x):
        seen.append(x)
        return tf.reduce_sum(x, axis=[1, 2, 3])

    real = tf.zeros((16, 2, 2, 1))
    fake = tf.ones((16, 2, 2, 1))
    penalties.gradient_penalty(critic, real, fake, seed=1)
    x_hat = seen[0].numpy().reshape(16, -1)  # = 1 - alpha
    np.testing.assert_allclose(x_hat, np.repeat(x_hat[:, :1], 4, axis=1))  # same alpha for every pixel
    assert len(np.unique(x_hat[:, 0])) == 16  # a different alpha per example


def test_gradient_is_finite_when_real_equals_fake():
    v = tf.Variable(1.0)

    def critic(x):  # grad_x D = 2 v x = 0 at x = 0: ||.|| needs the epsilon
        return v * tf.reduce_sum(tf.square(x), axis=1)

    x = tf.zeros((4, 3))
    with tf.GradientTape() as tape:
        penalty = penalties.gradient_penalty(critic, x, x, seed=0)
    grad = tape.gradient(penalty, v)
    assert float(penalty) == pytest.approx(1.0, abs=1e-4)  # (sqrt(eps) - 1)^2
    assert np.isfinite(float(grad))


def recording_critic(weights):
    """A linear critic that keeps every batch it is asked about: (critic, the list of batches)."""
    seen, base = [], linear_critic(weights)

    def critic(x):
        seen.append(x)
        return base(x)

    return critic, seen


def test_dragan_penalty_is_closed_form_and_stays_near_the_data():
    critic, seen = recording_critic([3.0, 4.0])
    real = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    assert float(penalties.dragan_penalty(critic, real, seed=2)) == pytest.approx(16.0, abs=1e-4)
    distance = np.abs(seen[0].numpy() - real)
    assert distance.max() <= 0.5 * real.std() + 1e-6
    assert distance.max() > 0.0


def test_dragan_centred_perturbation_is_closed_form_and_symmetric_about_the_data():
    critic, seen = recording_critic([3.0, 4.0])
    real = np.random.default_rng(0).normal(size=(4096, 2)).astype("float32")
    # ||(3, 4)|| = 5 wherever the critic is asked: (5 - 1)^2
    assert float(penalties.dragan_penalty(critic, real, perturbation="centred", seed=2)) == pytest.approx(16.0, abs=1e-4)
    offset = seen[0].numpy() - real
    assert np.abs(offset).max() <= 0.5 * real.std() + 1e-6
    assert abs(offset.mean()) < 0.01 * real.std()  # centred: mean offset 0 (the one-sided mean is 0.125 std)
    noise = np.full((3, 2), 0.75, "float32")
    seen.clear()
    penalties.dragan_penalty(critic, real[:3], perturbation="centred", noise=noise, std=2.0)
    np.testing.assert_allclose(seen[0].numpy() - real[:3], 0.5 * 2.0 * (2 * 0.75 - 1), rtol=1e-5)  # 0.5
    seen.clear()
    penalties.dragan_penalty(critic, real[:3], noise=noise, alpha=np.full((3, 1), 0.5, "float32"), std=2.0)
    np.testing.assert_allclose(seen[0].numpy() - real[:3], 0.5 * 0.5 * 2.0 * 0.75, rtol=1e-5)  # one-sided: 0.375
    with pytest.raises(ValueError, match="'one_sided' or 'centred'"):
        penalties.dragan_penalty(critic, real, perturbation="gaussian")


def test_r1_penalty_of_a_linear_critic_is_squared_norm():
    real = np.ones((5, 2), "float32")
    assert float(penalties.r1_penalty(linear_critic([3.0, 4.0]), real)) == pytest.approx(25.0, rel=1e-5)


def test_consistency_term_matches_its_formula():
    first = (tf.constant([[1.0], [2.0]]), tf.constant([[0.0, 0.0], [1.0, 1.0]]))
    second = (tf.constant([[0.0], [2.0]]), tf.constant([[2.0, 0.0], [1.0, 1.0]]))
    # d = (1 - 0)^2 + 0.1 * mean((0 - 2)^2, 0) = 1.2 for example 0, 0 for example 1
    assert float(penalties.consistency_term(first, second)) == pytest.approx(0.6, abs=1e-6)
    # margin 0.5: mean(relu(1.2 - 0.5), relu(0 - 0.5)) = 0.35
    assert float(penalties.consistency_term(first, second, margin=0.5)) == pytest.approx(0.35, abs=1e-6)
    assert float(penalties.consistency_term(first, first)) == pytest.approx(0.0)


def test_pull_away_term_is_zero_for_orthogonal_codes_and_one_for_identical_codes():
    assert float(penalties.pull_away_term(tf.eye(4) * 3.0)) == pytest.approx(0.0, abs=1e-6)
    assert float(penalties.pull_away_term(tf.ones((5, 3)) * 2.0)) == pytest.approx(1.0, abs=1e-5)
    # two codes at 60 degrees: cos^2 = 1/4, N = 2 -> (1/4 + 1/4) / 2
    codes = tf.constant([[1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    assert float(penalties.pull_away_term(codes)) == pytest.approx(0.25, abs=1e-5)


def test_penalties_are_selected_by_name_with_a_did_you_mean():
    assert penalties.get("wgan-gp") is penalties.gradient_penalty
    assert penalties.get("dragan") is penalties.dragan_penalty
    assert penalties.get("r1") is penalties.r1_penalty
    assert penalties.get("none") is None
    assert set(penalties.DEFAULT_WEIGHTS) == set(penalties.PENALTIES) - {"none"}
    with pytest.raises(ValueError, match="Unknown penalty 'wgangp'; known: none, wgan-gp.*Did you mean wgan-gp"):
        penalties.get("wgangp")


def test_global_std_is_the_std_of_every_element():
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(64, 4, 4, 1)).astype("float32")
    assert float(penalties.global_std(x)) == pytest.approx(float(x.std()), rel=1e-4)
