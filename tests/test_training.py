"""ganzoo-train: configs, the training loop, checkpoints and resume, data sources."""

import glob
import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ganzoo
from ganzoo import training
from ganzoo.data import DataError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Real data for tests: ../shared/data beside the project, or wherever GANZOO_TEST_DATA points.
DATA = os.environ.get("GANZOO_TEST_DATA", os.path.join(ROOT, "..", "shared", "data"))
MNIST = os.path.join(DATA, "mnist")


def load_config(path, arg="smoke"):
    import importlib.util

    spec = importlib.util.spec_from_file_location("cfg", os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = module.get_config(arg)
    config.lock()
    return config


def test_every_variant_has_a_config_per_dataset():
    for variant in ganzoo.variants():
        for dataset in ("ring8", "grid25", "mnist28", "fashion28"):
            assert os.path.exists(os.path.join(ROOT, "zoo_configs", variant, f"{dataset}.py")), (variant, dataset)
    for variant in ("wgan-gp", "sngan"):
        assert os.path.exists(os.path.join(ROOT, "zoo_configs", variant, "stackedmnist28.py"))


@pytest.mark.parametrize("path", sorted(glob.glob("zoo_configs/*/ring8.py", root_dir=ROOT)))
def test_toy_config_smoke_run(path, tmp_path):
    config = load_config(path)
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3 and metrics["num_modes"] == 8
    for name in ("config.json", "metrics.json", "metrics.jsonl", "samples.png", "losses.png",
                 "checkpoints/step_0000003.keras", "samples/step_0000002.png"):
        assert (tmp_path / name).exists(), name


@pytest.mark.parametrize("path", ["zoo_configs/wgan-gp/mnist28.py", "zoo_configs/nsgan/mnist28_cond.py",
                                  "zoo_configs/sngan/stackedmnist28.py"])
def test_image_config_smoke_run_on_real_mnist(path, tmp_path):
    config = load_config(path)
    with config.unlocked():
        config.data_dir = MNIST
    training.train_and_evaluate(config, str(tmp_path))
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    channels = 3 if "stacked" in path else 1
    assert model.generate(2, seed=0).shape == (2, 28, 28, channels)
    assert (tmp_path / "samples.png").exists()


def test_restart_resumes_from_the_latest_checkpoint(tmp_path):
    config = load_config("zoo_configs/nsgan/ring8.py")
    with config.unlocked():
        config.steps = 4
    training.train_and_evaluate(config, str(tmp_path))
    assert training.latest_checkpoint(str(tmp_path))[0] == 4
    with config.unlocked():
        config.steps = 6
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 6
    steps = [json.loads(line)["step"] for line in open(tmp_path / "metrics.jsonl")]
    assert steps == [2, 4, 6]  # continued at 5, not from 0
    assert sorted(os.listdir(tmp_path / "checkpoints")) == [
        "step_0000002.keras", "step_0000004.keras", "step_0000006.keras"]


def test_init_from_a_saved_model_directory(tmp_path):
    config = load_config("zoo_configs/lsgan/ring8.py")
    training.train_and_evaluate(config, str(tmp_path / "first"))
    with config.unlocked():
        config.init_from = str(tmp_path / "first")
    metrics = training.train_and_evaluate(config, str(tmp_path / "second"))
    assert metrics["steps"] == 3 and metrics["generator_updates"] == 6  # 3 pretrained + 3 fine-tuning


def test_cli_runs_and_rejects_a_misspelt_key(tmp_path):
    cmd = [sys.executable, "-m", "ganzoo.train", f"--config={ROOT}/zoo_configs/wgan/grid25.py:smoke",
           f"--workdir={tmp_path}/run"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.load(open(tmp_path / "run" / "config.json"))["variant"] == "wgan"
    bad = subprocess.run(cmd + ["--config.n_critc=3"], capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0
    assert "n_critc" in bad.stderr
    assert not (tmp_path / "run2").exists()


def test_read_idx_and_its_errors(tmp_path):
    images, labels = ganzoo.data.load_mnist_idx(MNIST)
    assert images.shape == (60000, 28, 28, 1) and labels.shape == (60000,)
    assert set(np.unique(labels)) == set(range(10))
    raw = gzip.open(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz")).read()
    (tmp_path / "short").write_bytes(raw[:100])
    with pytest.raises(DataError, match="truncated"):
        ganzoo.data.read_idx(str(tmp_path / "short"))
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04rest")
    with pytest.raises(DataError, match="magic"):
        ganzoo.data.read_idx(str(tmp_path / "bad"))
    with pytest.raises(DataError, match="does not exist"):
        ganzoo.data.make_dataset("mnist", 8, data_dir=str(tmp_path / "nope"))


def test_stacked_mnist_labels_are_three_digits():
    images = np.stack([np.full((28, 28, 1), d, np.uint8) for d in range(10)])
    stacked, labels = ganzoo.data.stacked_mnist(images, np.arange(10), 500, seed=0)
    assert stacked.shape == (500, 28, 28, 3)
    digits = stacked[:, 0, 0, :].astype(int)
    np.testing.assert_array_equal(labels, 100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2])
    assert len(np.unique(labels)) > 300


def test_npz_source_and_its_errors(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (20, 28, 28), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", x=x, y=np.arange(20) % 4)
    ds, shape, classes = ganzoo.data.make_dataset(f"npz:{tmp_path}/d.npz", 4, conditional=True)
    images, labels = next(iter(ds))
    assert shape == (28, 28, 1) and classes == 4 and images.shape == (4, 28, 28, 1)
    assert float(images.numpy().min()) >= -1.0 and float(images.numpy().max()) <= 1.0
    np.savez(tmp_path / "f.npz", x=np.full((4, 8, 8, 3), 2.0, np.float32))
    with pytest.raises(DataError, match=r"must lie in \[-1, 1\]"):
        ganzoo.data.make_dataset(f"npz:{tmp_path}/f.npz", 2)
    np.savez(tmp_path / "c.npz", x=np.zeros((4, 8, 8, 2), np.uint8))
    with pytest.raises(DataError, match="1 or 3"):
        ganzoo.data.make_dataset(f"npz:{tmp_path}/c.npz", 2)
    with pytest.raises(DataError, match="Unknown dataset"):
        ganzoo.data.make_dataset("imagenet", 2)
