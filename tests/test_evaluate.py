"""ganzoo-eval: metrics with their protocol, from a model, a run directory or the command line."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import pooled_pixel_features
from helpers import shared_data

import ganzoo
from ganzoo.evaluate import evaluate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_toy_and_classifier_metrics_come_with_their_protocol():
    toy_model = ganzoo.models.build("nsgan", (2,), seed=0)
    toy = evaluate(toy_model, "ring8", metrics=["toy"])
    assert toy["num_modes"] == 8 and "3 sigma" in toy["protocol"]["toy"]
    with pytest.raises(ValueError, match="Unknown metrics"):
        evaluate(toy_model, "ring8", metrics=["is"])
    with pytest.raises(ValueError, match="No mode metric"):
        evaluate(toy_model, "ring8", metrics=["modes"])
    with pytest.raises(ValueError, match="Inception metrics need images; 'ring8' is toy data"):
        evaluate(toy_model, "ring8", metrics=["toy", "kid"])  # refused before any metric is computed
    # last: without the shared MNIST copy the test skips here, after the checks that need no data
    image_model = ganzoo.models.build("nsgan", (28, 28, 1), seed=0)
    result = evaluate(image_model, "mnist", data_dir=shared_data("mnist"), metrics=["modes"], num_samples=200)
    assert result["num_reference"] == 200 and result["classifier_fid"] > 0
    assert "0.9942" in result["protocol"]["modes"]  # the classifier's measured accuracy travels with the number


@pytest.mark.subprocess
def test_cli_evaluates_a_run_directory(tmp_path):
    model = ganzoo.models.build("wgan-gp", (2,), seed=0)
    model.compile()
    os.makedirs(tmp_path / "run" / "checkpoints")
    model.save(tmp_path / "run" / "checkpoints" / "step_0000001.keras")
    done = subprocess.run([sys.executable, "-m", "ganzoo.evaluate", f"--model={tmp_path}/run", "--reference=ring8",
                           "--metrics=toy"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.load(open(tmp_path / "run" / "eval_metrics.json"))
    assert result["model"].endswith("step_0000001.keras") and result["num_modes"] == 8
    assert (tmp_path / "run" / "eval_samples.png").exists()


@pytest.mark.subprocess
def test_cli_evaluates_a_preset_against_its_own_dataset(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ganzoo.evaluate", "--preset=wgan-gp-ring8", "--metrics=toy",
                           f"--out={tmp_path}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.load(open(tmp_path / "eval_metrics.json"))
    shipped = ganzoo.load("wgan-gp-ring8").preset["metrics"]
    assert result["reference"] == "ring8" and result["modes"] == shipped["modes"]
    assert abs(result["w1"] - shipped["w1"]) < 1e-6  # same 2,500 samples, seed 0
    done = subprocess.run([sys.executable, "-m", "ganzoo.evaluate", "--preset=wgan-gp-ring8", "--metrics=toy"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "--preset needs --out" in done.stderr


class _LabelledImages:
    """A stand-in conditional generator: returns real digits for the labels 0, 1, ..., 9, 0, ..."""

    num_classes = 10

    def __init__(self, images, labels, shuffle):
        self.images, self.labels, self.shuffle = images, labels, shuffle

    def generate(self, n, seed=None):
        asked = np.arange(n) % 10
        rng = np.random.default_rng(seed)
        picks = [rng.choice(np.flatnonzero(self.labels == k)) for k in asked]
        if self.shuffle:  # images no longer match the labels they were asked for
            picks = rng.permutation(picks)
        return self.images[picks]


def test_conditional_models_get_label_accuracy():
    from ganzoo.data import make_dataset

    mnist = shared_data("mnist")
    ds, _, _ = make_dataset("mnist", 2000, data_dir=mnist, conditional=True, seed=0)
    images, labels = (np.asarray(t) for t in next(iter(ds)))
    faithful = evaluate(_LabelledImages(images, labels, False), "mnist", data_dir=mnist, num_samples=500)
    shuffled = evaluate(_LabelledImages(images, labels, True), "mnist", data_dir=mnist, num_samples=500)
    assert faithful["label_accuracy"] > 0.97  # the classifier's test accuracy is 0.9942
    assert 0.03 < shuffled["label_accuracy"] < 0.2  # chance is 0.1
    assert faithful["classes_covered"] == shuffled["classes_covered"] == 10
    assert "label accuracy" in faithful["protocol"]["modes"]
    unconditional = evaluate(ganzoo.models.build("nsgan", (28, 28, 1), seed=0), "mnist", data_dir=mnist,
                             num_samples=100)
    assert "label_accuracy" not in unconditional


def test_feature_metrics_compute_the_reference_once(tmp_path, monkeypatch):
    from ganzoo.data import make_dataset
    from ganzoo.metrics import inception

    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path))
    seen = []

    def pooled_pixels(images, **kwargs):
        seen.append(len(images))
        return pooled_pixel_features(images)

    monkeypatch.setattr(inception, "inception_features", pooled_pixels)
    mnist = shared_data("mnist")
    ds, _, _ = make_dataset("mnist", 1000, data_dir=mnist, conditional=True, seed=1)
    images, labels = (np.asarray(t) for t in next(iter(ds)))
    digits = _LabelledImages(images, labels, False)
    good = evaluate(digits, "mnist", data_dir=mnist, metrics=["fid", "kid", "pr"], num_samples=200)
    assert seen == [200, 200]  # samples, then the reference (cached; FID's statistics reuse it)
    noise = evaluate(ganzoo.models.build("nsgan", (28, 28, 1), seed=0), "mnist", data_dir=mnist,
                     metrics=["fid", "kid"], num_samples=200)
    assert seen == [200, 200, 200]
    assert 0 <= good["fid"] < noise["fid"] and good["kid"] < noise["kid"]
    assert good["precision"] > 0.5 and good["recall"] > 0.5
    assert "200 samples (seed 0) vs 200 mnist training images" in good["protocol"]["features"]
    assert good["protocol"]["features"].startswith("FID, KID")


def _record_inception_inputs(monkeypatch, tmp_path):
    """Inception replaced by pooled pixels (cache in tmp_path); returns the list of image sets it is given."""
    from ganzoo.metrics import inception

    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path))
    seen = []

    def pooled_pixels(images, **kwargs):
        seen.append(np.asarray(images).copy())
        return pooled_pixel_features(images)

    monkeypatch.setattr(inception, "inception_features", pooled_pixels)
    return seen


def _fid_floor_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("fid_floor", os.path.join(ROOT, "benchmarks", "fid_floor.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fid_floor_scores_disjoint_real_images_against_the_evaluation_reference(tmp_path, monkeypatch):
    fid_floor = _fid_floor_module()
    seen = _record_inception_inputs(monkeypatch, tmp_path)
    mnist = shared_data("mnist")
    result = fid_floor.floor("mnist", mnist, 300)
    reference, other = seen
    assert len(reference) == len(other) == 300
    # disjoint sets: no image of the scored half is in the reference half
    assert not {r.tobytes() for r in reference} & {o.tobytes() for o in other}
    noise = evaluate(ganzoo.models.build("nsgan", (28, 28, 1), seed=0), "mnist", data_dir=mnist,
                     metrics=["fid", "kid"], num_samples=300)
    assert 0 < result["fid"] < noise["fid"] / 10 and abs(result["kid"]) < noise["kid"] / 10


def test_fid_floor_writes_each_dataset_as_it_is_measured_beside_the_others(tmp_path, monkeypatch, capsys):
    fid_floor = _fid_floor_module()
    measured = []
    monkeypatch.setattr(fid_floor, "OUT", str(tmp_path))
    monkeypatch.setattr(fid_floor, "floor", lambda dataset, data_dir, n, split: measured.append(
        (dataset, data_dir, n, split)) or {"fid": float(len(measured))})
    run = lambda *flags: (monkeypatch.setattr(sys, "argv", ["fid_floor.py", *flags]), fid_floor.main())
    run("--data_dir_mnist=/m", "--datasets=mnist", "--num_samples=10", "--reference_split=test")
    run("--data_dir_fashion=/f", "--datasets=fashion_mnist", "--num_samples=10", "--reference_split=test")
    results = json.load(open(tmp_path / "fid_floor_test10.json"))
    assert measured == [("mnist", "/m", 10, "test"), ("fashion_mnist", "/f", 10, "test")]
    assert results["mnist"]["fid"] == 1.0 and results["fashion_mnist"]["fid"] == 2.0  # the first one kept
    assert "first 10 test images" in results["protocol"]
    with pytest.raises(SystemExit):  # a dataset without its folder is refused before anything runs
        run("--datasets=mnist", "--num_samples=10")
    with pytest.raises(SystemExit):  # so is a dataset it does not know, named as such
        run("--data_dir_mnist=/m", "--datasets=mnist,celeba", "--num_samples=11")
    assert "unknown dataset 'celeba'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # cifar10 is known, and names the flag it lacks
        run("--data_dir_mnist=/m", "--datasets=mnist,cifar10", "--num_samples=11")
    assert "cifar10 needs --data_dir_cifar" in capsys.readouterr().err
    assert len(measured) == 2 and not os.path.exists(tmp_path / "fid_floor.json")
    assert not os.path.exists(tmp_path / "fid_floor_test11.json")


def test_the_test_split_reference_is_the_test_files_and_is_named_in_the_protocol(tmp_path, monkeypatch):
    from ganzoo.data import load_arrays, reference_images
    from ganzoo.data.pipeline import DataError

    mnist = shared_data("mnist")
    test = reference_images("mnist", mnist, 300, split="test")
    raw = load_arrays("mnist", mnist, split="test")[0][:300]
    np.testing.assert_array_equal(test, raw.reshape(300, 28, 28, 1).astype("float32") / 127.5 - 1.0)
    assert len(reference_images("mnist", mnist, 10_000, split="test")) == 10_000  # the whole test set
    with pytest.raises(DataError, match="has 10,000 images; 10,001"):
        reference_images("mnist", mnist, 10_001, split="test")
    with pytest.raises(DataError, match="split must be one of"):
        reference_images("mnist", mnist, 10, split="valid")
    seen = _record_inception_inputs(monkeypatch, tmp_path)
    noise = ganzoo.models.build("nsgan", (28, 28, 1), seed=0)
    result = evaluate(noise, "mnist", data_dir=mnist, metrics=["fid"], num_samples=300, reference_split="test")
    np.testing.assert_array_equal(seen[1], test)  # the real set scored is the test split's head
    assert "vs the first 300 mnist test images (file order)" in result["protocol"]["features"]
    train = evaluate(noise, "mnist", data_dir=mnist, metrics=["fid"], num_samples=300)
    assert train["fid"] != result["fid"]
    fid_floor = _fid_floor_module()
    floor = fid_floor.floor("mnist", mnist, 300, split="test")
    assert 0 < floor["fid"] < result["fid"] / 10
