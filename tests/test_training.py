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
from helpers import shared_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_config(path, arg="smoke"):
    return configs.load(os.path.join(ROOT, path), arg)


# The zoo's recipes: every variant on the toy and 28 px sets, and the few others the zoo registers.
ZOO_RECIPES = sorted({(v, d) for v in ganzoo.variants() for d in ("ring8", "grid25", "mnist28", "fashion28")}
                     | {(v, "stackedmnist28") for v in ("wgan-gp", "sngan")}
                     | {(v, "cifar32") for v in ("nsgan", "lsgan", "wgan-gp", "sngan")}
                     | {(v, "celeba64") for v in ("nsgan", "wgan-gp", "sngan")})
TOY_CONFIGS = [configs.zoo_config_spec(v, d) for v, d in ZOO_RECIPES if d in ("ring8", "grid25")]
IMAGE_CONFIGS = [configs.zoo_config_spec(v, d) for v, d in ZOO_RECIPES if d not in ("ring8", "grid25")] + [
    "zoo_configs/nsgan/mnist28_cond.py"]
# The papers' hyper-parameters, as each variant's docstring cites them: (optimizer, learning rate, beta_1,
# beta_2, n_critic, {option: value}).
PAPERS = {
    "gan": ("Adam", 2e-4, 0.5, 0.999, 1, {}), "nsgan": ("Adam", 2e-4, 0.5, 0.999, 1, {}),
    "lsgan": ("Adam", 2e-4, 0.5, 0.999, 1, {}), "ebgan": ("Adam", 2e-4, 0.5, 0.999, 1, {"pt_weight": 0.1}),
    "loss-sensitive": ("Adam", 2e-4, 0.5, 0.999, 1, {"margin_weight": 1.0, "weight_decay": 5e-5}),
    "wgan": ("RMSprop", 5e-5, None, None, 5, {"clip_value": 0.01}),
    "wgan-gp": ("Adam", 1e-4, 0.0, 0.9, 5, {"gp_weight": 10.0}),
    "wgan-ct": ("Adam", 1e-4, 0.0, 0.9, 5, {"gp_weight": 10.0, "ct_weight": 2.0, "dropout": 0.5}),
    "dragan": ("Adam", 1e-4, 0.5, 0.9, 1, {"gp_weight": 10.0, "perturbation_scale": 0.5}),
    "sngan": ("Adam", 1e-4, 0.5, 0.9, 5, {"normalization": "spectral"}),
}


def test_every_variant_has_a_zoo_recipe_per_dataset():
    for variant, dataset in ZOO_RECIPES:
        config = configs.load_zoo_config(variant, dataset)
        assert config.variant == variant and config.dataset == ganzoo.data.registry.from_zoo_id(dataset).name
    with pytest.raises(ValueError, match="zoo.py needs"):
        configs.load(os.path.join(ROOT, "zoo_configs", "zoo.py"))


def _flat(tree, prefix=""):
    return {k: v for key, value in tree.items()
            for k, v in (_flat(value, f"{prefix}{key}.").items() if isinstance(value, dict) else [(prefix + key, value)])}


@pytest.mark.parametrize("variant, dataset", [(v, d) for v, d in ZOO_RECIPES if d in ("mnist28", "fashion28") and
                                              os.path.isfile(os.path.join(ROOT, "zoo_configs", v, f"{d}.py"))])
def test_a_28px_recipe_file_departs_from_the_paper_recipe_only_in_lines_it_writes(variant, dataset):
    tuned_file = os.path.join(ROOT, "zoo_configs", variant, f"{dataset}.py")
    text = open(tuned_file).read()
    paper = _flat(configs.load_paper_config(variant, dataset).to_dict())
    tuned = _flat(configs.load(tuned_file).to_dict())
    changed = {k for k in paper.keys() | tuned.keys() if paper.get(k) != tuned.get(k)}
    # the optimizers' EMA fields follow model.ema_decay
    unnamed = {k for k in changed if f"config.{k} " not in text and k not in ("g_optimizer.use_ema", "g_optimizer.ema_momentum")}
    assert not unnamed, f"{tuned_file} changes {sorted(unnamed)} without saying so"


def test_the_default_run_is_the_wgan_gp_ring8_recipe_on_its_short_decayed_schedule():
    from ganzoo import train

    default, recipe = configs.load(train.DEFAULT_CONFIG), configs.load_zoo_config("wgan-gp", "ring8")
    configs.check(default)
    assert (default.steps, default.lr_decay, default.d_optimizer.learning_rate, default.g_optimizer.learning_rate) == (
        5000, "linear", 2e-3, 2e-3)
    # everything else is the zoo's recipe (the networks, n_critic, lambda, betas, fresh real batches)
    for config in (default, recipe):
        config.steps, config.lr_decay = 0, "none"
        config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 0.0
    assert default.to_dict() == recipe.to_dict()
    assert configs.decay_steps(configs.load(train.DEFAULT_CONFIG)) == (25_000, 5000)


@pytest.mark.parametrize("variant", sorted(PAPERS))
def test_every_image_recipe_runs_its_papers_hyper_parameters(variant):
    name, rate, beta_1, beta_2, n_critic, options = PAPERS[variant]
    # the paper recipe on the zoo nets; a tuned file beside it (issue 19) is checked below
    config = configs.load_paper_config(variant, "mnist28")
    for optimizer in (config.d_optimizer, config.g_optimizer):
        assert optimizer.class_name == name and optimizer.learning_rate == rate
        assert optimizer.get("beta_1") == beta_1 and optimizer.get("beta_2") == beta_2
    assert config.model.n_critic == n_critic
    assert {k: config.model[k] for k in options} == options
    # and the model built from the config runs exactly these
    model = ganzoo.models.build(variant, (28, 28, 1), latent_dim=config.latent_dim, **config.model.to_dict())
    model.compile(configs.optimizer_from_config(config.d_optimizer), configs.optimizer_from_config(config.g_optimizer))
    assert model.n_critic == n_critic and type(model.d_optimizer).__name__ == name
    assert float(model.d_optimizer.learning_rate.numpy()) == pytest.approx(rate, rel=1e-6)
    assert {k: getattr(model, k) for k in options if hasattr(model, k)} == {k: v for k, v in options.items()
                                                                            if hasattr(model, k)}


@pytest.mark.parametrize("path", TOY_CONFIGS)
def test_toy_config_smoke_run(path, tmp_path):
    config = load_config(path)
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3 and metrics["num_modes"] == (8 if "ring8" in path else 25)
    for name in ("config.json", "metrics.json", "metrics.jsonl", "samples.png", "losses.png",
                 "checkpoints/step_0000003.keras", "samples/step_0000002.png"):
        assert (tmp_path / name).exists(), name


# Each image dataset's local copy under the shared data folder (helpers.DATA); the library never hard-codes them.
LOCAL_DATA = {
    "mnist": ("mnist",), "stackedmnist": ("mnist",), "fashion_mnist": ("fashion-mnist",),
    "cifar10": ("cifar10-jpeg", "cifar10-jpeg-q75.tar.gz"), "celeb_a": ("celeba-sample",),
}


@pytest.mark.parametrize("path", IMAGE_CONFIGS)
def test_image_config_smoke_run_on_real_data(path, tmp_path):
    config = load_config(path)
    with config.unlocked():
        config.data_dir = shared_data(*LOCAL_DATA[config.dataset])
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 3
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    shape = {"stackedmnist": (28, 28, 3), "cifar10": (32, 32, 3), "celeb_a": (64, 64, 3)}.get(config.dataset, (28, 28, 1))
    assert model.generate(2, seed=0).shape == (2, *shape)
    assert (tmp_path / "samples.png").exists()


def test_every_config_has_a_smoke_variant():
    for path in TOY_CONFIGS + IMAGE_CONFIGS:
        full = load_config(path, arg=None)
        smoke = load_config(path)
        assert smoke.steps == 3 < full.steps, path


def test_restart_resumes_from_the_latest_checkpoint(tmp_path):
    config = load_config("zoo_configs/zoo.py:nsgan,ring8")
    with config.unlocked():
        config.steps = 4
    training.train_and_evaluate(config, str(tmp_path))
    assert ganzoo.saving.latest_checkpoint(str(tmp_path))[0] == 4
    with config.unlocked():
        config.steps = 6
    metrics = training.train_and_evaluate(config, str(tmp_path))
    assert metrics["steps"] == 6
    steps = [json.loads(line)["step"] for line in open(tmp_path / "metrics.jsonl")]
    assert steps == [2, 4, 6]  # continued at 5, not from 0
    assert sorted(os.listdir(tmp_path / "checkpoints")) == [
        "step_0000002.keras", "step_0000004.keras", "step_0000006.keras"]


def test_init_from_a_saved_model_directory(tmp_path):
    config = load_config("zoo_configs/zoo.py:lsgan,ring8")
    training.train_and_evaluate(config, str(tmp_path / "first"))
    with config.unlocked():
        config.init_from = str(tmp_path / "first")
    metrics = training.train_and_evaluate(config, str(tmp_path / "second"))
    assert metrics["steps"] == 3 and metrics["generator_updates"] == 6  # 3 pretrained + 3 fine-tuning


@pytest.mark.subprocess
def test_cli_runs_and_rejects_a_misspelt_key(tmp_path):
    cmd = [sys.executable, "-m", "ganzoo.train", f"--config={ROOT}/zoo_configs/zoo.py:wgan,grid25,smoke",
           f"--workdir={tmp_path}/run"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.load(open(tmp_path / "run" / "config.json"))["variant"] == "wgan"
    bad = subprocess.run(cmd + ["--config.n_critc=3"], capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0
    assert "n_critc" in bad.stderr
    assert not (tmp_path / "run2").exists()


def test_read_idx_and_its_errors(tmp_path):
    mnist = shared_data("mnist")
    images, labels = ganzoo.data.load_mnist_idx(mnist)
    assert images.shape == (60000, 28, 28, 1) and labels.shape == (60000,)
    assert set(np.unique(labels)) == set(range(10))
    raw = gzip.open(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz")).read()
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
    config = load_config("zoo_configs/zoo.py:nsgan,ring8")
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

    config = load_config("zoo_configs/zoo.py:wgan-gp,ring8")
    training.train_and_evaluate(config, str(tmp_path))
    tags = {}
    for path in glob.glob(str(tmp_path / "tensorboard" / "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                tags.setdefault(value.tag, []).append(event.step)
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "penalty", "w_estimate"):
        assert tags.get(name) == [2, 3], (name, tags)
    assert tags["samples"] == [2]


class SeesPrecisionAndXLA(keras.callbacks.Callback):
    """Records, after every step, the precision and XLA settings the run's model is training under."""

    # float32 by design under any policy (logits, outputs; see ganzoo.networks), so not evidence of the policy
    FLOAT32_LAYERS = ("output", "logits", "energy")

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        gan = self.model
        layers = [layer for net in (gan.generator, gan.discriminator) for layer in net.layers
                  if layer.weights and layer.name not in self.FLOAT32_LAYERS]
        self.seen.append({
            "policy": keras.config.dtype_policy().name,
            "hidden_compute_dtypes": {layer.compute_dtype for layer in layers},
            "variable_dtypes": {str(v.dtype) for v in gan.trainable_variables},
            "loss_scaled": isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer),
            "jit_compile": gan.jit_compile,
        })


@pytest.mark.parametrize("flags,gpu,policy", [({"avx512_bf16", "avx2"}, False, "mixed_bfloat16"),
                                               ({"amx_bf16", "amx_tile"}, False, "mixed_bfloat16"),
                                               ({"avx2", "avx512f"}, False, "float32"),
                                               ({"avx512_bf16"}, True, "float32")])
def test_auto_precision_is_bfloat16_exactly_on_cpus_with_bfloat16_matrix_units(flags, gpu, policy):
    chosen, source = configs.resolve_precision("auto", "mnist", cpu_flags=flags, has_gpu=gpu)
    assert chosen == policy and source.startswith("auto: ")
    assert configs.resolve_precision("float32", "mnist", cpu_flags=flags, has_gpu=gpu) == ("float32", "config")
    # toy data stays float32 wherever it runs
    assert configs.resolve_precision("auto", "ring8", cpu_flags=flags, has_gpu=gpu)[0] == "float32"


def test_auto_is_the_default_precision_and_float32_opts_out():
    for variant, dataset in (("wgan-gp", "mnist28"), ("nsgan", "ring8")):
        assert configs.base_config(variant, dataset).mixed_precision == "auto"
    config = load_config("zoo_configs/zoo.py:wgan-gp,mnist28")
    with config.unlocked():
        config.mixed_precision = "float32"  # --config.mixed_precision=float32
    configs.check(config)
    assert configs.resolve_precision(config.mixed_precision, config.dataset) == ("float32", "config")


def test_an_auto_precision_run_names_the_policy_and_why_in_its_log_and_config_json(tmp_path, capfd):
    config = load_config("zoo_configs/zoo.py:nsgan,ring8")
    with config.unlocked():
        config.mixed_precision = "auto"
    training.train_and_evaluate(config, str(tmp_path))
    policy, source = configs.resolve_precision("auto", "ring8")
    assert policy == "float32" and "toy data" in source
    recorded = json.load(open(tmp_path / "config.json"))
    assert recorded["mixed_precision"] == policy and recorded["mixed_precision_source"] == source
    assert f"Precision: {policy} ({source})." in capfd.readouterr().out
    rerun = configs.load(str(tmp_path / "config.json"))  # reruns the policy that ran, wherever it runs
    assert rerun.mixed_precision == policy


@pytest.mark.parametrize("overrides", [{"mixed_precision": "mixed_bfloat16"}, {"mixed_precision": "mixed_float16"},
                                       {"jit_compile": True}])
def test_precision_and_xla_switches(overrides, tmp_path):
    config = load_config("zoo_configs/zoo.py:wgan-gp,ring8")
    with config.unlocked():
        config.update(overrides)
    probe = SeesPrecisionAndXLA()
    metrics = training.train_and_evaluate(config, str(tmp_path), callbacks=[probe])
    assert metrics["steps"] == 3 and np.isfinite(metrics["w1"])
    # A finished run proves nothing if the switch was ignored: what the model trained under, seen at every step.
    policy = overrides.get("mixed_precision", "float32")
    compute = {"mixed_bfloat16": "bfloat16", "mixed_float16": "float16"}.get(policy, "float32")
    assert len(probe.seen) == 3
    for seen in probe.seen:
        assert seen["policy"] == policy
        assert seen["hidden_compute_dtypes"] == {compute}  # the networks built inside the run took the policy
        assert seen["variable_dtypes"] == {"float32"}  # mixed precision keeps float32 master weights
        assert seen["loss_scaled"] == (policy == "mixed_float16")  # float16 gradients need loss scaling
        assert seen["jit_compile"] is bool(overrides.get("jit_compile", False))
    assert keras.config.dtype_policy().name == "float32"  # the policy is restored after the run
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    assert model.generate(4, seed=0).dtype == np.float32


def test_bad_strategy_and_config_values_fail_clearly(tmp_path):
    for key, value, message in [("strategy", "tpu", "no TPU found"), ("strategy", "cluster", "Unknown strategy"),
                                ("on_nonfinite", "ignore", "on_nonfinite"), ("mixed_precision", "fp8", "mixed_precision"),
                                ("steps", 0, "steps must be >= 1")]:
        config = load_config("zoo_configs/zoo.py:nsgan,ring8")
        with config.unlocked():
            config[key] = value
        with pytest.raises(ValueError, match=message):
            training.train_and_evaluate(config, str(tmp_path / key))


@pytest.mark.parametrize("path, metric", [("zoo_configs/zoo.py:nsgan,mnist28", "classifier_fid"),
                                          ("zoo_configs/zoo.py:wgan-gp,ring8", "w1")])
def test_eval_every_logs_domain_metrics_beside_the_losses(path, metric, tmp_path):
    config = load_config(path)
    with config.unlocked():
        config.data_dir = shared_data("mnist") if "mnist" in path else ""
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
    config = load_config("zoo_configs/zoo.py:wgan-gp,stackedmnist28")
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

    config = load_config("zoo_configs/zoo.py:nsgan,ring8")
    with config.unlocked():
        config.steps = 5
    training.train_and_evaluate(config, str(tmp_path), callbacks=[Counts()])
    assert Counts.seen == [1, 2, 1, 2, 1]  # reset after each log line (steps 2 and 4), not since step 1


def test_resolve_model_path_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="no such model file or directory"):
        ganzoo.saving.resolve_model_path(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="no .keras model in that directory"):
        ganzoo.saving.resolve_model_path(str(tmp_path))
    (tmp_path / "b.keras").write_bytes(b"")
    (tmp_path / "a.keras").write_bytes(b"")
    assert ganzoo.saving.resolve_model_path(str(tmp_path)).endswith("a.keras")


def test_linear_lr_decay_takes_each_rate_to_zero_over_the_run_and_survives_save_and_rerun(tmp_path):
    config = load_config("zoo_configs/zoo.py:wgan-gp,ring8")
    with config.unlocked():
        config.steps, config.lr_decay = 4, "linear"
        config.log_every = config.sample_every = config.checkpoint_every = 2
    assert configs.decay_steps(config) == (4 * config.model.n_critic, 4)
    rate = config.d_optimizer.learning_rate
    optimizer = configs.optimizer_from_config(config.d_optimizer, 10)
    assert float(np.asarray(optimizer.learning_rate)) == pytest.approx(rate)  # at iteration 0
    schedule = configs.linear_decay(rate, 10)
    for t, expected in ((0, rate), (5, rate / 2), (10, 0.0), (20, 0.0)):  # rate (1 - t / 10), then 0
        np.testing.assert_allclose(float(schedule(t)), expected, rtol=1e-6, atol=1e-12)
    training.train_and_evaluate(config, str(tmp_path))
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000004.keras")
    assert int(model.g_optimizer.iterations) == 4 and int(model.d_optimizer.iterations) == 4 * model.n_critic
    for opt in (model.d_optimizer, model.g_optimizer):
        assert float(np.asarray(opt.learning_rate)) == 0.0  # at the end of its decay
    record = json.load(open(tmp_path / "config.json"))
    assert record["lr_decay"] == "linear" and record["d_optimizer"]["learning_rate"] == rate
    rerun = configs.load(str(tmp_path / "config.json"))
    assert rerun.lr_decay == "linear" and rerun.d_optimizer.learning_rate == rate
    with config.unlocked():
        config.lr_decay = "cosine"
    with pytest.raises(ValueError, match="lr_decay='cosine'"):
        configs.check(config)
