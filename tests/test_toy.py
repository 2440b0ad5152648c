import numpy as np
import pytest

import ganzoo


@pytest.mark.parametrize("name, modes", [("ring8", 8), ("grid25", 25)])
def test_toy_mixtures_put_every_sample_within_3_sigma_of_a_mode(name, modes):
    x = ganzoo.data.toy(name, 5000, seed=0)
    centres = ganzoo.data.toy_modes(name)
    assert x.shape == (5000, 2) and x.dtype == np.float32 and centres.shape == (modes, 2)
    distance = np.linalg.norm(x[:, None] - centres[None], axis=-1)
    nearest = distance.argmin(1)
    assert (distance.min(1) < 3 * 0.02 * np.sqrt(2) + 0.03).mean() > 0.99
    counts = np.bincount(nearest, minlength=modes)
    assert counts.min() > 5000 / modes * 0.7


def test_toy_geometry():
    ring = ganzoo.data.toy_modes("ring8")
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 2.0, atol=1e-6)
    grid = ganzoo.data.toy_modes("grid25")
    assert sorted(set(grid[:, 0].tolist())) == [-4, -2, 0, 2, 4]


def test_toy_is_seeded_and_swissroll_exists():
    np.testing.assert_array_equal(ganzoo.data.toy("ring8", 10, seed=1), ganzoo.data.toy("ring8", 10, seed=1))
    assert ganzoo.data.toy("swissroll", 100).shape == (100, 2)
    with pytest.raises(ValueError, match="Unknown toy distribution 'ring9'"):
        ganzoo.data.toy("ring9", 10)
