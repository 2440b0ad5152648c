"""benchmarks/claims: each claim's quick form (what CI runs) writes its figure, record and table row,
and measures what its paper says, checked here against the closed forms or thresholds it names."""

import importlib.util
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import shared_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("ganzoo_claims_run", os.path.join(ROOT, "benchmarks", "claims", "run.py"))
claims = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(claims)


def check_js_vs_wasserstein(m):
    thetas, js, w = (m[k] for k in ("thetas", "js_estimate", "w_estimate"))
    for theta, j, d in zip(thetas, js, w):
        if abs(theta) >= 0.2:
            assert j == pytest.approx(math.log(2.0), abs=0.05), theta  # flat: no direction for the generator
        assert d == pytest.approx(abs(theta), abs=0.1 + 0.1 * abs(theta)), theta  # the distance itself
    assert js[thetas.index(0.0)] == pytest.approx(0.0, abs=0.05)  # the same distribution: JS 0


def check_ls_vs_sigmoid(m):
    # both boundaries lie between the fakes (-1) and the real data (+1)
    assert -1.0 < m["boundary_cross_entropy"] < 1.0 and -1.0 < m["boundary_least_squares"] < 1.0
    assert m["ratio_least_squares_to_non_saturating"] > 10.0
    assert m["spearman_least_squares_vs_distance"] > 0.5
    # the minimax loss does not vanish on the real side: its gradient is sigmoid(D) |grad D| there
    assert m["median_grad_far_minimax"] > 100 * m["median_grad_far_non_saturating"]


def check_clipping_vs_penalty(m):
    assert m["share_of_weights_at_c"]["clipping c = 0.01"] > 0.5
    layers = m["per_layer_gradient"]
    penalty = np.asarray(layers["gradient penalty"])
    assert penalty.min() > 0 and penalty.max() / penalty.min() < 10  # steady through the depth
    small = np.asarray(layers["clipping c = 0.001"])
    assert small.max() < 1e-6 * penalty.min()  # c = 0.001: the signal does not reach the input layers


def check_vanishing_gradients(m):
    # the measured courses are what the figure shows, at every logged step, finite and positive
    for key in ("minimax", "non_saturating", "minimax_noise", "non_saturating_noise"):
        values = np.asarray(m[key])
        assert len(values) == len(m["steps"]) and np.all(np.isfinite(values)) and np.all(values > 0), key
    assert m["minimax_fall_without_noise"] == pytest.approx(m["minimax"][0] / m["minimax"][-1])
    assert m["non_saturating_end_over_start"] == pytest.approx(m["non_saturating"][-1] / m["non_saturating"][0])


def check_spectral_lipschitz(m):
    half = len(m["spectral_step"]) // 2
    sigma = np.asarray(m["spectral_sigma"])[half:]
    # the power iteration's estimate never exceeds the true sigma, so W / sigma_hat has sigma >= 1
    assert sigma.min() > 1.0 - 1e-3
    # near 1 for every layer once u has converged; single readings may sit above while u catches up
    # with a W whose top two singular values crossed
    assert np.abs(np.median(sigma, axis=0) - 1.0).max() < 0.05
    assert m["faithful_median_sigma_error"] == pytest.approx(np.abs(np.median(sigma, axis=0) - 1.0).max())
    assert m["faithful_max_input_grad"] <= 1.05  # a ReLU net of 1-Lipschitz layers
    assert np.asarray(m["none_sigma"]).max() > 1.5 and m["none_max_input_grad"] > 2.0  # unbounded without SN


def check_critic_progress(m):
    # the quick run is too short for the correlation to mean anything: the series and their statistic only
    for variant, signal in (("wgan-gp", "w_estimate"), ("nsgan", "d_loss")):
        run = m[variant]
        assert run["signal"] == signal and len(run["steps"]) == m["steps"] // m["eval_every"]
        assert len(run["signal_values"]) == len(run["classifier_fid"]) == len(run["steps"])
        assert np.all(np.isfinite(run["classifier_fid"])) and -1.0 <= run["spearman"] <= 1.0


def check_instance_noise(m):
    # the quick run (one seed, 100 steps) checks the bookkeeping: each arm's figures, and the gain as
    # the difference of the arms' mean modes
    for variant in ("gan", "nsgan"):
        plain, noisy = m[f"{variant}_noise0"], m[f"{variant}_noise{m['noise']:g}"]
        assert len(plain["modes"]) == len(noisy["modes"]) == len(m["seeds"])
        assert m["modes_gain"][variant] == pytest.approx(np.mean(noisy["modes"]) - np.mean(plain["modes"]))
        assert all(0 <= x <= 1 for x in plain["high_quality"] + noisy["high_quality"])


def check_pull_away(m):
    # quick: one seed per arm; modes within each benchmark's count, KL finite, gain the difference of means
    for dataset, total in (("grid25", 25), ("stackedmnist28", 1000)):
        plain, pt = m[dataset]["pt0"], m[dataset][f"pt{m['pt_weight']:g}"]
        assert len(plain["modes"]) == len(pt["modes"]) == len(m["seeds"])
        assert all(0 <= x <= total for x in plain["modes"] + pt["modes"])
        assert np.all(np.isfinite(plain["kl"] + pt["kl"]))
        assert m[dataset]["modes_gain"] == pytest.approx(np.mean(pt["modes"]) - np.mean(plain["modes"]))


def check_mismatched_negatives(m):
    for arm in ("matched_only", "mismatched"):
        assert len(m[arm]["label_accuracy"]) == len(m["seeds"])
        assert all(0 <= a <= 1 for a in m[arm]["label_accuracy"]) and np.all(np.isfinite(m[arm]["classifier_fid"]))
    assert m["label_accuracy_gain"] == pytest.approx(
        np.mean(m["mismatched"]["label_accuracy"]) - np.mean(m["matched_only"]["label_accuracy"]))


CHECKS = {"js_vs_wasserstein": check_js_vs_wasserstein, "spectral_lipschitz": check_spectral_lipschitz,
          "instance_noise": check_instance_noise,
          "critic_progress": check_critic_progress, "vanishing_gradients": check_vanishing_gradients, "ls_vs_sigmoid": check_ls_vs_sigmoid,
          "clipping_vs_penalty": check_clipping_vs_penalty,
          "pull_away": check_pull_away, "mismatched_negatives": check_mismatched_negatives}


def test_every_claim_has_a_check():
    assert set(CHECKS) == set(claims.CLAIMS.values())


@pytest.mark.subprocess
@pytest.mark.parametrize("number", sorted(claims.CLAIMS))
def test_each_claim_runs_quick_writes_figure_record_and_row_and_measures_its_claim(number, tmp_path):
    data = [f"--mnist_dir={shared_data('mnist')}"] if claims.NEEDS.get(number) == "mnist_dir" else []
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "claims", "run.py"), f"--claim={number}",
                           "--quick", f"--out={tmp_path}", *data], capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-3000:]
    stem = f"claim{number}_{claims.CLAIMS[number]}"
    record = json.load(open(tmp_path / f"{stem}.json"))
    assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    assert record["cpu_seconds"] > 0 and record["seconds"] > 0
    assert record["quick"] and record["verdict"] in ("holds", "holds partly", "does not hold here")
    assert f"[{number}. " in open(tmp_path / "README.md").read()
    CHECKS[claims.CLAIMS[number]](record["measured"])


def test_a_claim_without_its_data_is_one_clear_error(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "claims", "run.py"), "--claim=2",
                           f"--out={tmp_path}"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "missing --mnist_dir (claim 2)" in done.stderr
    assert not os.listdir(tmp_path)


def test_an_unknown_claim_is_one_clear_error(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "claims", "run.py"), "--claim=99",
                           f"--out={tmp_path}"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "--claim must be one of" in done.stderr
    assert not os.listdir(tmp_path)


def test_the_clipping_verdict_reads_the_layers_the_signal_reaches():
    import clipping_vs_penalty as claim

    assert claim.live_ratio([1e9, 1e3, 1e-2, 0.0, 0.0]) == pytest.approx(1e11)  # grows to the input; dead above
    assert claim.live_ratio([1e-11, 1e-8, 0.0]) == pytest.approx(1e-3)
    assert claim.live_ratio([0.0, 0.0]) is None and claim.live_ratio([0.0, 2.0]) == 0.0
    per_layer = {"clipping c = 0.1": [1e9, 1.0, 0.0], "clipping c = 0.01": [1e-11, 1e-8],
                 "clipping c = 0.001": [0.0, 0.0], "gradient penalty": [0.2, 0.1]}
    verdict, summary, _ = claim.judge(per_layer, {"clipping c = 0.01": 0.9})
    assert verdict == "holds" and "c = 0.001 0 at every layer" in summary
    assert claim.judge(per_layer, {"clipping c = 0.01": 0.1})[0] == "holds partly"
    assert claim.judge({**per_layer, "clipping c = 0.1": [1.0, 1.0]}, {"clipping c = 0.01": 0.1})[0] == (
        "does not hold here")
