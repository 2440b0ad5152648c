"""benchmarks/cifar32.py: every time-to-quality point gets the same training seconds, is scored after each
segment, resumes where it stopped, and the record keeps what a lost runs folder held."""

import importlib.util
import json
import os

import pytest

import ganzoo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture()
def cifar32(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("cifar32", os.path.join(ROOT, "benchmarks", "cifar32.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.RECORD = str(tmp_path / "results.json")  # the repository's record stays out of the tests
    return module


def fake_training(cifar32, monkeypatch, per_step):
    """train_segment at `per_step` seconds a step of the point's width; score: FID falls with the steps."""
    calls = []
    reached = {}

    def train_segment(variant, width, setting, steps, workdir, data_dir):
        os.makedirs(workdir, exist_ok=True)
        seconds = (steps - reached.get(workdir, 0)) * per_step[width]
        reached[workdir] = steps
        calls.append((os.path.basename(workdir), steps))
        return seconds

    monkeypatch.setattr(cifar32, "train_segment", train_segment)
    monkeypatch.setattr(cifar32, "score", lambda workdir, data_dir: {"fid": 1e5 / reached[workdir], "kid": 0.1})
    return calls


def test_the_points_are_table_3s_cnn_at_three_widths_in_settings_a_and_c(cifar32):
    assert cifar32.widths(1.0) == ((512, 256, 128, 64), (64, 128, 256, 512))
    assert cifar32.widths(0.25) == ((128, 64, 32, 16), (16, 32, 64, 128))
    assert {(w, s) for _, w, s in cifar32.POINTS} == {(w, s) for w in (1.0, 0.5, 0.25) for s in "AC"}
    flags = cifar32.flags_of("sngan", 0.5, "C")
    assert "--config.model.architecture=sngan_cnn" in flags and "--config.model.n_critic=1" in flags
    assert "--config.model.generator_widths=256,128,64,32" in flags
    assert "--config.d_optimizer.learning_rate=0.0002" in flags and "--config.g_optimizer.beta_2=0.999" in flags
    assert cifar32.flags_of("sngan", 1.0, "A")[-1] == "--config.model.n_critic=5"
    # the recipe the flags edit is setting A's optimizer (Miyato et al. Table 1: Adam(1e-4, 0.5, 0.9))
    assert ganzoo.models.get_class("sngan").default_optimizer == (
        "Adam", {"learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.9})
    model = ganzoo.models.build("sngan", (32, 32, 3), architecture="sngan_cnn",
                                generator_widths=cifar32.widths(0.25)[0], discriminator_widths=cifar32.widths(0.25)[1])
    assert model.generate(1, seed=0).shape == (1, 32, 32, 3)


def test_every_point_trains_to_the_same_seconds_and_is_scored_after_each_segment(cifar32, tmp_path, monkeypatch):
    calls = fake_training(cifar32, monkeypatch, {1.0: 2.0, 0.5: 0.5})
    points = [("sngan", 1.0, "C"), ("sngan", 0.5, "C")]
    runs = str(tmp_path / "runs")
    cifar32.ttq(runs, "data", points=points, budgets=(1000, 2000))
    # timed by 100 steps, then sized: 2 s a step reaches 1,000 s at 500 steps, 0.5 s at 2,000
    assert calls == [("sngan_w1_C", 100), ("sngan_w1_C", 500), ("sngan_w1_C", 1000),
                     ("sngan_w0.5_C", 100), ("sngan_w0.5_C", 2000), ("sngan_w0.5_C", 4000)]
    full = cifar32.curve(os.path.join(runs, "sngan_w1_C"))
    assert [(r["step"], r["seconds"], r["fid"]) for r in full] == [(500, 1000.0, 200.0), (1000, 2000.0, 100.0)]
    # a finished point is skipped; a third budget resumes from the last scored step
    calls.clear()
    cifar32.ttq(runs, "data", points=points[:1], budgets=(1000, 2000))
    assert calls == []
    cifar32.ttq(runs, "data", points=points[:1], budgets=(1000, 2000, 3000))
    assert calls == [("sngan_w1_C", 1500)]
    monkeypatch.setattr(cifar32, "POINTS", points)
    summary = cifar32.report(runs, out=str(tmp_path / "out"))
    assert [r["fid"] for r in summary["ttq"]["sngan_w0.5_C"]["curve"]] == [50.0, 25.0]
    text = (tmp_path / "out" / "results.md").read_text()
    assert "| sngan_w0.5_C | (256, 128, 64, 32) | (32, 64, 128, 256) | C | 50.0 (2,000, 1000 s); 25.0 (4,000, 2000 s) |" in text
    assert (tmp_path / "out" / "ttq.png").is_file() and "JPEG q75" in summary["protocol"]["ttq"]


def test_a_lost_runs_folder_keeps_the_recorded_curves(cifar32, tmp_path, monkeypatch):
    calls = fake_training(cifar32, monkeypatch, {1.0: 2.0})
    points = [("sngan", 1.0, "C")]
    runs = str(tmp_path / "runs")
    cifar32.ttq(runs, "data", points=points, budgets=(1000,))
    monkeypatch.setattr(cifar32, "POINTS", points)
    summary = cifar32.report(runs, out=str(tmp_path))  # writes tmp_path/results.json, the fixture's RECORD
    os.rename(runs, str(tmp_path / "lost"))
    calls.clear()
    cifar32.ttq(runs, "data", points=points, budgets=(1000,))
    assert calls == []  # the record holds the finished point
    again = cifar32.report(runs, out=str(tmp_path))
    assert again["ttq"] == json.loads(json.dumps(summary["ttq"]))
