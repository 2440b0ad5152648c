import numpy as np
import pytest

import ganzoo
from ganzoo.metrics import toy_metrics


# W1 between two finite true samples is not 0: mode counts differ by sampling
# noise and the excess mass must move 2 units (the noise floor of the metric).
@pytest.mark.parametrize("name, k, w1_floor", [("ring8", 8, 0.1), ("grid25", 25, 0.35)])
def test_true_samples_cover_every_mode_with_full_quality(name, k, w1_floor):
    m = toy_metrics(ganzoo.data.toy(name, 2500, seed=5), name)
    assert m["modes"] == k and m["modes_any"] == k and m["num_modes"] == k
    assert m["high_quality"] > 0.98  # 3 sigma in 2-d holds 98.9 %
    assert m["reverse_kl"] < 0.02
    assert 0.0 < m["w1"] < w1_floor


def test_collapsed_samples_cover_one_mode():
    x = ganzoo.data.toy("ring8", 2500, seed=0)
    centre = ganzoo.data.toy_modes("ring8")[0]
    collapsed = centre + 0.01 * np.random.default_rng(0).standard_normal((2500, 2))
    m = toy_metrics(collapsed, "ring8")
    assert m["modes"] == 1 and m["modes_any"] == 1
    assert m["reverse_kl"] == pytest.approx(np.log(8), abs=1e-6)  # all mass on one of 8 modes
    assert m["w1"] > 1.0
    assert toy_metrics(x + 10.0, "ring8")["high_quality"] == 0.0


def test_high_quality_radius_is_3_sigma_of_each_mixture_and_modes_any_counts_one_sample():
    # one mode's samples at 2.9 and 3.1 sigma from its centre, in a known direction
    for name, sigma in (("ring8", 0.01), ("grid25", 0.05)):
        centres = ganzoo.data.toy_modes(name)
        inside = np.repeat(centres[:1] + [2.9 * sigma, 0.0], 30, 0)
        outside = np.repeat(centres[1:2] + [0.0, 3.1 * sigma], 30, 0)
        lone = centres[2:3]  # one high-quality sample: in modes_any, not in modes (>= 20)
        m = toy_metrics(np.concatenate([inside, outside, lone]), name)
        assert m["high_quality"] == pytest.approx(31 / 61)
        assert m["modes"] == 1 and m["modes_any"] == 2


def test_w1_of_a_shifted_cloud_is_the_shift():
    x = ganzoo.data.toy("grid25", 2500, seed=1234)  # the metric's own reference draw
    m = toy_metrics(x + np.array([0.5, 0.0]), "grid25")
    assert m["w1"] == pytest.approx(0.5, abs=1e-3)


def test_bad_samples_are_clear_errors():
    with pytest.raises(ValueError, match="shape"):
        toy_metrics(np.zeros((10, 3)), "ring8")
    with pytest.raises(ValueError, match="NaN"):
        toy_metrics(np.full((10, 2), np.nan), "ring8")
