"""FID, KID, precision/recall, density/coverage and mode counting against closed forms."""

import numpy as np
import pytest

from ganzoo import metrics


def gaussian(n, mean, std, dim=8, seed=0):
    return np.random.default_rng(seed).normal(mean, std, size=(n, dim))


def test_fid_of_a_set_with_itself_is_zero():
    x = gaussian(2000, 0.0, 1.0)
    assert abs(metrics.fid(x, x)) < 1e-6


def test_frechet_distance_of_two_gaussians_matches_the_closed_form():
    # diagonal covariances: |mu1 - mu2|^2 + sum(s1 + s2 - 2 sqrt(s1 s2))
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    s1, s2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 1.0])
    expected = 1.0 + 4.0 + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))  # 5 + (4 + 1 + 0.25) = 10.25
    assert expected == pytest.approx(10.25)
    got = metrics.frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # and from samples, within sampling error
    a = gaussian(20000, 0.0, 1.0, dim=4, seed=1)
    b = gaussian(20000, 0.5, 2.0, dim=4, seed=2)
    assert metrics.fid(a, b) == pytest.approx(4 * (0.25 + 1 + 4 - 4), rel=0.05)  # 4 x 1.25 = 5


def test_frechet_distance_survives_a_singular_covariance():
    x = gaussian(5, 0.0, 1.0, dim=16)  # 5 samples in 16-d: rank-deficient covariance
    assert np.isfinite(metrics.fid(x, x + 0.1))


def test_kid_is_zero_in_expectation_on_one_distribution_and_positive_on_two():
    a, b = gaussian(600, 0.0, 1.0, seed=1), gaussian(600, 0.0, 1.0, seed=2)
    mean, std = metrics.kid(a, b, subsets=50, subset_size=300)
    assert abs(mean) < 3 * std + 1e-3
    shifted_mean, shifted_std = metrics.kid(a, gaussian(600, 1.0, 1.0, seed=3), subsets=50, subset_size=300)
    assert shifted_mean > 10 * shifted_std + abs(mean)


def test_precision_recall_density_coverage_on_identical_and_disjoint_sets():
    x = gaussian(300, 0.0, 1.0)
    assert metrics.precision_recall(x, x) == (1.0, 1.0)
    assert metrics.density_coverage(x, x)[1] == 1.0
    # two samples of one distribution: E[density] = 1 (Naeem et al.), coverage high
    density, coverage = metrics.density_coverage(gaussian(1000, 0, 1, seed=1), gaussian(1000, 0, 1, seed=2))
    assert density == pytest.approx(1.0, abs=0.15) and coverage > 0.9
    far = x + 100.0
    assert metrics.precision_recall(x, far) == (0.0, 0.0)
    assert metrics.density_coverage(x, far) == (0.0, 0.0)
    # half the fakes collapsed onto one real point: precision stays 1, recall drops
    collapsed = np.repeat(x[:1], 300, 0) + 1e-6 * gaussian(300, 0, 1, seed=5)
    precision, recall = metrics.precision_recall(x, collapsed)
    assert precision == 1.0 and recall < 0.1


def test_feature_stats_round_trip_and_reject_foreign_files(tmp_path):
    x = gaussian(500, 0.0, 1.0)
    stats = metrics.FeatureStats.from_features(x, {"feature_net": "test", "count": 500})
    stats.save(tmp_path / "ref.npz")
    loaded = metrics.FeatureStats.load(tmp_path / "ref.npz")
    assert loaded.count == 500 and loaded.protocol == {"feature_net": "test", "count": 500}
    assert abs(loaded.fid(x)) < 1e-6
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a ganzoo feature-statistics file"):
        metrics.FeatureStats.load(tmp_path / "other.npz")


def test_stacked_mnist_mode_counting_on_synthetic_stacks_with_known_digits():
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 10, size=(5000, 3))
    digits[:, 0] = rng.integers(0, 5, size=5000)  # first channel only 0-4: 500 reachable modes
    # a "digit" image is constant at level d/10 - 1 in [-1, 1]; the stand-in classifier reads it back
    images = np.broadcast_to((digits / 10.0 - 1.0)[:, None, None, :], (5000, 28, 28, 3))
    classify = lambda x: np.rint((x[:, 0, 0, 0] + 1.0) * 10).astype(int)  # noqa: E731
    result = metrics.stacked_mnist_modes(images, classify)
    expected = len(np.unique(100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2]))
    assert result["modes"] == expected and 480 <= expected <= 500
    assert result["kl"] == pytest.approx(np.log(2), abs=0.15)  # uniform over half the modes: log 2
    assert metrics.histogram_kl_to_uniform(np.arange(1000), 1000) == pytest.approx(0.0, abs=1e-12)
    assert metrics.class_coverage([0, 0, 1], 10) == (2, pytest.approx(np.log(10) - (2 / 3 * np.log(3 / 2) + 1 / 3 * np.log(3))))
