"""ganzoo-train: configs, the training loop, checkpoints and resume, data sources."""

import glob
import gzip
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo import configs, training
from ganzoo.data import DataError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Real data for tests: ../shared/data beside the project, or wherever GANZOO_TEST_DATA points.
DATA = os.environ.get("GANZOO_TEST_DATA", os.path.join(ROOT, "..", "shared", "data"))
MNIST = os.path.join(DATA, "mnist")


def load_config(path, arg="smoke"):
    return configs.load(os.path.join(ROOT, path), arg)


def test_every_variant_has_a_config_per_dataset():
    for variant in ganzoo.variants():
        for dataset in ("ring8", "grid25", "mnist28", "fashion28"):
            assert os.path.exists(os.path.join(ROOT, "zoo_configs", variant, f"{dataset}.py")), (variant, dataset)
    expected = {"stackedmnist28": ("wgan-gp", "sngan"), "cifar32": ("nsgan", "lsgan", "wgan-gp", "sngan"),
                "celeba64": ("nsgan", "wgan-gp", "sngan")}
    for dataset, variants in expected.items():
        for variant in variants:
            assert os.path.exists(os.path.join(ROOT, "zoo_configs", variant, f"{dataset}.py")), (variant, dataset)


TOY_CONFIGS = sorted(glob.glob("zoo_configs/*/ring8.py", root_dir=ROOT) + glob.glob("zoo_configs/*/grid25.py", root_dir=ROOT))
IMAGE_CONFIGS = sorted(set(glob.glob("zoo_configs/*/*.py", root_dir=ROOT)) - set(TOY_CONFIGS))
# Local copies of each image dataset (../shared/data or GANZOO_TEST_DATA); the library never hard-codes them.
LOCAL_DATA = {
    "mnist": MNIST, "stackedmnist": MNIST, "fashion_mnist": os.path.join(DATA, "fashion-mnist"),
    "cifar10": os.path.join(DATA, "cifar10-jpeg", "cifar10-jpeg-q75.tar.gz"), "celeb_a": os.path.join(DATA, "celeba-sample"),
}


@pytest.mark.parametrize("path", TOY_CONFIGS)
def test_toy_config_smoke_run(path, tmp_path):
    config = load_config(path)
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3 and metrics["num_modes"] == (8 if "ring8" in path else 25)
    for name in ("config.json", "metrics.json", "metrics.jsonl", "samples.png", "losses.png",
                 "checkpoints/step_0000003.keras", "samples/step_0000002.png"):
        assert (tmp_path / name).exists(), name


@pytest.mark.parametrize("path", IMAGE_CONFIGS)
def test_image_config_smoke_run_on_real_data(path, tmp_path):
    config = load_config(path)
    with config.unlocked():
        config.data_dir = LOCAL_DATA[config.dataset]
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    shape = {"stackedmnist": (28, 28, 3), "cifar10": (32, 32, 3), "celeb_a": (64, 64, 3)}.get(config.dataset, (28, 28, 1))
    assert model.generate(2, seed=0).shape == (2, *shape)
    assert (tmp_path / "samples.png").exists()


def test_every_config_cites_its_source_and_has_a_smoke_variant():
    for path in TOY_CONFIGS + IMAGE_CONFIGS:
        full = load_config(path, arg=None)
        smoke = load_config(path)
        assert smoke.steps == 3 < full.steps, path
        assert "Hyper-parameters" in open(os.path.join(ROOT, path)).read() or "cond" in path, path


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


class InjectNonFinite(keras.callbacks.Callback):
    """Makes the logs of chosen steps report a NaN d_loss, as a diverging step would."""

    def __init__(self, steps):
        super().__init__()
        self.steps = set(steps)
        self.seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen in self.steps:
            logs["d_loss"] = float("nan")


def nonfinite_config(**overrides):
    config = load_config("zoo_configs/nsgan/ring8.py")
    with config.unlocked():
        config.steps = 6
        for key, value in overrides.items():
            config[key] = value
    return config


def test_nonfinite_loss_restores_the_checkpoint_and_retries_at_a_lower_learning_rate(tmp_path):
    config = nonfinite_config()
    # the 5th step of the first attempt is bad: back to step 4, lr x 0.5, steps 5 and 6 again
    metrics = training.train_and_evaluate(config, str(tmp_path), callbacks=[InjectNonFinite([5])])
    assert metrics["steps"] == 6 and metrics["nonfinite_retries"] == 1
    rows = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    events = [r for r in rows if "event" in r]
    assert len(events) == 1 and events[0]["event"] == "non_finite_retry" and events[0]["step"] == 5
    assert events[0]["metrics"] == ["d_loss"]
    assert [r["step"] for r in rows if "event" not in r] == [2, 4, 6]
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000006.keras")
    for optimizer in (model.d_optimizer, model.g_optimizer):
        np.testing.assert_allclose(float(np.asarray(optimizer.learning_rate)), 0.5e-3, rtol=1e-6)
    assert int(model.g_optimizer.iterations) == 6  # the bad step was never kept


def test_nonfinite_loss_stops_with_a_clear_message_when_told_to(tmp_path):
    config = nonfinite_config(on_nonfinite="stop")
    with pytest.raises(training.NonFiniteLossError, match=r"Non-finite \['d_loss'\] at step 3.*last good checkpoint is step 2"):
        training.train_and_evaluate(config, str(tmp_path), callbacks=[InjectNonFinite([3])])
    assert sorted(os.listdir(tmp_path / "checkpoints")) == ["step_0000002.keras"]
    config = nonfinite_config(max_nonfinite_retries=1)
    with pytest.raises(training.NonFiniteLossError, match="1 retries used"):
        training.train_and_evaluate(config, str(tmp_path / "again"), callbacks=[InjectNonFinite([3, 4])])


def test_tensorboard_has_every_metric_and_sample_images(tmp_path):
    import tensorflow as tf

    config = load_config("zoo_configs/wgan-gp/ring8.py")
    training.train_and_evaluate(config, str(tmp_path))
    tags = {}
    for path in glob.glob(str(tmp_path / "tensorboard" / "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                tags.setdefault(value.tag, []).append(event.step)
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "penalty", "w_estimate"):
        assert tags.get(name) == [2, 3], (name, tags)
    assert tags["samples"] == [2]


@pytest.mark.parametrize("overrides", [{"mixed_precision": "mixed_bfloat16"}, {"mixed_precision": "mixed_float16"},
                                       {"jit_compile": True}])
def test_precision_and_xla_switches(overrides, tmp_path):
    config = load_config("zoo_configs/wgan-gp/ring8.py")
    with config.unlocked():
        config.update(overrides)
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3 and np.isfinite(metrics["w1"])
    assert keras.config.dtype_policy().name == "float32"  # the policy is restored after the run
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    assert model.generate(4, seed=0).dtype == np.float32


def test_bad_strategy_and_config_values_fail_clearly(tmp_path):
    for key, value, message in [("strategy", "tpu", "no TPU found"), ("strategy", "cluster", "Unknown strategy"),
                                ("on_nonfinite", "ignore", "on_nonfinite"), ("mixed_precision", "fp8", "mixed_precision"),
                                ("steps", 0, "steps must be >= 1")]:
        config = load_config("zoo_configs/nsgan/ring8.py")
        with config.unlocked():
            config[key] = value
        with pytest.raises(ValueError, match=message):
            training.train_and_evaluate(config, str(tmp_path / key))


@pytest.mark.parametrize("path, metric", [("zoo_configs/nsgan/mnist28.py", "classifier_fid"),
                                          ("zoo_configs/wgan-gp/ring8.py", "w1")])
def test_eval_every_logs_domain_metrics_beside_the_losses(path, metric, tmp_path):
    config = load_config(path)
    with config.unlocked():
        config.data_dir = MNIST if "mnist" in path else ""
        config.eval_every = 2
        config.eval_samples = 200
    training.train_and_evaluate(config, str(tmp_path))
    rows = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    assert metric in rows[0] and np.isfinite(rows[0][metric]) and rows[0]["step"] == 2
    assert metric not in rows[1]  # step 3 is logged as the last step, not evaluated
    with config.unlocked():
        config.eval_every = 3
    with pytest.raises(ValueError, match="multiple of config.log_every"):
        training.train_and_evaluate(config, str(tmp_path / "bad"))
    assert not os.path.exists(tmp_path / "bad")


def test_in_training_evaluation_on_a_dataset_without_it_is_refused_before_anything_is_written(tmp_path):
    config = load_config("zoo_configs/wgan-gp/stackedmnist28.py")
    with config.unlocked():
        config.eval_every = config.log_every
    with pytest.raises(ValueError, match="not 'stackedmnist'; set --config.eval_every=0"):
        training.train_and_evaluate(config, str(tmp_path / "run"))
    assert not os.path.exists(tmp_path / "run")


def test_each_logged_value_is_the_mean_of_its_window(tmp_path):
    class Counts(keras.callbacks.Callback):
        seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(int(self.model.trackers["d_loss"].count))

    config = load_config("zoo_configs/nsgan/ring8.py")
    with config.unlocked():
        config.steps = 5
    training.train_and_evaluate(config, str(tmp_path), callbacks=[Counts()])
    assert Counts.seen == [1, 2, 1, 2, 1]  # reset after each log line (steps 2 and 4), not since step 1


def test_resolve_model_path_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="no such model file or directory"):
        training.resolve_model_path(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="no .keras model in that directory"):
        training.resolve_model_path(str(tmp_path))
    (tmp_path / "b.keras").write_bytes(b"")
    (tmp_path / "a.keras").write_bytes(b"")
    assert training.resolve_model_path(str(tmp_path)).endswith("a.keras")
