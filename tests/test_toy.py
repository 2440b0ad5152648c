import numpy as np
import pytest

import ganzoo


# PacGAN's definitions (synthetic_data_experiments): ring radius 1, sigma 0.01; grid spacing 2, sigma 0.05
@pytest.mark.parametrize("name, modes, sigma", [("ring8", 8, 0.01), ("grid25", 25, 0.05)])
def test_toy_mixtures_have_pacgan_sigma_and_uniform_modes(name, modes, sigma):
    x = ganzoo.data.toy(name, 20000, seed=0)
    centres = ganzoo.data.toy_modes(name)
    assert x.shape == (20000, 2) and x.dtype == np.float32 and centres.shape == (modes, 2)
    assert ganzoo.data.toy_stddev(name) == sigma
    offset = x - centres[np.linalg.norm(x[:, None] - centres[None], axis=-1).argmin(1)]
    np.testing.assert_allclose(offset.std(0), sigma, rtol=0.03)  # per-axis sigma
    # 3 sigma in 2-d holds 1 - exp(-9/2) = 98.89 % of a Gaussian
    assert np.mean(np.linalg.norm(offset, axis=1) <= 3 * sigma) == pytest.approx(1 - np.exp(-4.5), abs=0.003)
    counts = np.bincount(np.linalg.norm(x[:, None] - centres[None], axis=-1).argmin(1), minlength=modes)
    assert counts.min() > 20000 / modes * 0.8


def test_toy_geometry():
    ring = ganzoo.data.toy_modes("ring8")
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 1.0, atol=1e-6)
    angles = np.sort(np.mod(np.arctan2(ring[:, 1], ring[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, 2 * np.pi * np.arange(8) / 8, atol=1e-6)  # 8 distinct, not linspace's 7
    grid = ganzoo.data.toy_modes("grid25")
    assert sorted(set(grid[:, 0].tolist())) == [-4, -2, 0, 2, 4] and len({tuple(p) for p in grid.tolist()}) == 25
    with pytest.raises(ValueError, match="swissroll"):
        ganzoo.data.toy_stddev("swissroll")


def test_toy_training_set_is_a_fixed_100k_points():
    from ganzoo.data.toy import TRAINING_POINTS

    assert TRAINING_POINTS == 100_000
    dataset, shape, _ = ganzoo.data.make_dataset("ring8", 1000, seed=3)
    seen = np.concatenate([b.numpy() for b in dataset.take(200)])  # two epochs
    fixed = ganzoo.data.toy("ring8", TRAINING_POINTS, seed=3)
    assert shape == (2,)
    np.testing.assert_array_equal(np.sort(seen[:100_000], 0), np.sort(fixed, 0))  # epoch 1: the set, reshuffled
    np.testing.assert_array_equal(np.sort(seen[100_000:], 0), np.sort(fixed, 0))  # epoch 2: the same set


def test_toy_is_seeded_and_swissroll_exists():
    np.testing.assert_array_equal(ganzoo.data.toy("ring8", 10, seed=1), ganzoo.data.toy("ring8", 10, seed=1))
    assert ganzoo.data.toy("swissroll", 100).shape == (100, 2)
    with pytest.raises(ValueError, match="Unknown toy distribution 'ring9'"):
        ganzoo.data.toy("ring9", 10)
