"""benchmarks/claims: each claim's quick form runs, writes its figure and record, and measures what it says."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("ganzoo_claims_run", os.path.join(ROOT, "benchmarks", "claims", "run.py"))
claims = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(claims)  # puts benchmarks/claims on sys.path for the claim modules


@pytest.mark.subprocess
@pytest.mark.parametrize("number", sorted(claims.CLAIMS))
def test_each_claim_runs_quick_and_writes_figure_record_and_table(number, tmp_path):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "claims", "run.py"), f"--claim={number}",
                           "--quick", f"--out={tmp_path}"], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-3000:]
    stem = f"claim{number}_{claims.CLAIMS[number]}"
    record = json.load(open(tmp_path / f"{stem}.json"))
    assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    assert record["quick"] and record["verdict"] in ("holds", "holds partly", "does not hold here")
    assert f"[{number}. " in open(tmp_path / "README.md").read()


def test_least_squares_keeps_a_gradient_where_non_saturating_cross_entropy_has_none():
    import ls_vs_sigmoid

    m = ls_vs_sigmoid.run(quick=True)["measured"]
    # both boundaries lie between the fakes (-1) and the real data (+1)
    assert -1.0 < m["boundary_cross_entropy"] < 1.0 and -1.0 < m["boundary_least_squares"] < 1.0
    assert m["ratio_least_squares_to_non_saturating"] > 10.0
    assert m["spearman_least_squares_vs_distance"] > 0.5
    # the minimax loss does not vanish on the real side: its gradient is sigmoid(D) |grad D| there
    assert m["median_grad_far_minimax"] > 100 * m["median_grad_far_non_saturating"]


def test_an_unknown_claim_is_one_clear_error(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "claims", "run.py"), "--claim=99",
                           f"--out={tmp_path}"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "--claim must be one of" in done.stderr
    assert not os.listdir(tmp_path)


def test_the_js_estimate_is_flat_at_log_2_and_the_w_estimate_is_the_distance():
    import math

    import js_vs_wasserstein

    m = js_vs_wasserstein.run(quick=True)["measured"]
    thetas, js, w = (m[k] for k in ("thetas", "js_estimate", "w_estimate"))
    for theta, j, d in zip(thetas, js, w):
        if abs(theta) >= 0.2:
            assert j == pytest.approx(math.log(2.0), abs=0.05), theta
        assert d == pytest.approx(abs(theta), abs=0.1 + 0.1 * abs(theta)), theta
    assert js[thetas.index(0.0)] == pytest.approx(0.0, abs=0.05)  # the same distribution: JS 0


def test_clipped_critics_pile_their_weights_at_c_and_lose_their_gradients_the_penalised_one_does_not():
    import clipping_vs_penalty

    m = clipping_vs_penalty.run(quick=True)["measured"]
    assert m["share_of_weights_at_c"]["clipping c = 0.01"] > 0.5
    layers = m["per_layer_gradient"]
    penalty = np.asarray(layers["gradient penalty"])
    assert penalty.min() > 0 and penalty.max() / penalty.min() < 10  # steady through the depth
    small = np.asarray(layers["clipping c = 0.001"])
    assert small.max() < 1e-6 * penalty.min()  # c = 0.001: the signal does not reach the input layers
