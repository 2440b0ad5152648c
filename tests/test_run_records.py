"""A run keeps its record: resume checks what it resumes, refused invocations write nothing, one writer
per workdir, unreadable checkpoints are skipped, and the workdir is checked writable before step one."""

import json
import os
import shutil
import subprocess
import sys

import pytest

import ganzoo
from ganzoo import configs, training
from ganzoo import workdir as workdir_lib


def smoke(variant="nsgan", zoo_dataset="ring8", **overrides):
    config = configs.load_zoo_config(variant, zoo_dataset, "smoke")
    with config.unlocked():
        config.tensorboard = False
        for key, value in overrides.items():
            config[key] = value
    return config


def snapshot(folder):
    """{relative path: bytes} of every file under `folder`."""
    files = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            files[os.path.relpath(path, folder)] = open(path, "rb").read()
    return files


@pytest.fixture
def finished_run(tmp_path):
    workdir = tmp_path / "run"
    training.train_and_evaluate(smoke(), str(workdir))
    return workdir


def test_resuming_with_another_variant_or_latent_size_is_refused_and_writes_nothing(finished_run):
    before = snapshot(finished_run)
    with pytest.raises(workdir_lib.WorkdirError, match=r"variant: 'nsgan' in the run, 'lsgan' now"):
        training.train_and_evaluate(smoke("lsgan", steps=5), str(finished_run))
    with pytest.raises(workdir_lib.WorkdirError, match=r"latent_dim: 64 in the run, 32 now"):
        training.train_and_evaluate(smoke(latent_dim=32, steps=5), str(finished_run))
    config = smoke(steps=5)
    with config.unlocked():
        config.model.generator_widths = (32, 32)
    with pytest.raises(workdir_lib.WorkdirError, match=r"model.generator_widths"):
        training.train_and_evaluate(config, str(finished_run))
    assert snapshot(finished_run) == before
    # the same run resumes
    assert training.train_and_evaluate(smoke(steps=5), str(finished_run))["steps"] == 5


def test_a_foreign_checkpoint_is_refused_before_anything_is_pruned(finished_run, tmp_path):
    other = tmp_path / "other"
    training.train_and_evaluate(smoke("wgan-gp"), str(other))
    shutil.copy(other / "checkpoints" / "step_0000003.keras", finished_run / "checkpoints" / "step_0000099.keras")
    before = snapshot(finished_run)
    with pytest.raises(workdir_lib.WorkdirError, match=r"step_0000099.keras.*holds a WGANGP.*trains NSGAN.*Nothing "
                                                       r"was trained or pruned"):
        training.train_and_evaluate(smoke(steps=200), str(finished_run))
    assert snapshot(finished_run) == before


def test_a_refused_invocation_writes_nothing(finished_run, tmp_path):
    before = snapshot(finished_run)
    with pytest.raises(ValueError, match="Unknown dataset"):
        training.train_and_evaluate(smoke(dataset="nope"), str(tmp_path / "fresh"))
    with pytest.raises(ganzoo.data.DataError):  # a data error on a fresh workdir
        training.train_and_evaluate(smoke(dataset="npz:" + str(tmp_path / "missing.npz")), str(tmp_path / "fresh"))
    with pytest.raises(ValueError, match="Unknown GAN variant"):
        training.train_and_evaluate(smoke(variant="nogan"), str(tmp_path / "fresh"))
    assert not (tmp_path / "fresh").exists()
    # an existing run given a config for another dataset keeps its config.json
    with pytest.raises(workdir_lib.WorkdirError, match="dataset: 'ring8' in the run, 'grid25' now"):
        training.train_and_evaluate(smoke(dataset="grid25"), str(finished_run))
    assert snapshot(finished_run) == before


@pytest.mark.subprocess
def test_a_second_writer_stops_at_once_naming_the_first(tmp_path):
    workdir = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        os.makedirs(workdir)
        lock = workdir / workdir_lib.LOCK_FILE
        lock.write_text(json.dumps({"pid": holder.pid, "host": __import__("socket").gethostname()}))
        with pytest.raises(workdir_lib.WorkdirError, match=f"being trained by process {holder.pid}"):
            training.train_and_evaluate(smoke(), str(workdir))
        assert sorted(os.listdir(workdir)) == [workdir_lib.LOCK_FILE]  # nothing written beside the lock
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock is stale and taken over; the run releases it when done
    assert training.train_and_evaluate(smoke(), str(workdir))["steps"] == 3
    assert not (workdir / workdir_lib.LOCK_FILE).exists()


def test_the_lock_is_held_while_training(tmp_path):
    seen = {}

    class Peek(__import__("keras").callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.setdefault("lock", json.loads((tmp_path / workdir_lib.LOCK_FILE).read_text()))

    training.train_and_evaluate(smoke(), str(tmp_path), callbacks=[Peek()])
    assert seen["lock"]["pid"] == os.getpid()


def test_an_unreadable_checkpoint_falls_back_to_the_newest_readable_one(tmp_path, capsys):
    workdir = tmp_path / "run"
    training.train_and_evaluate(smoke(steps=6, checkpoint_every=2, keep_checkpoints=3), str(workdir))
    newest = workdir / "checkpoints" / "step_0000006.keras"
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])  # truncated by a full disk
    metrics = training.train_and_evaluate(smoke(steps=8, checkpoint_every=2, keep_checkpoints=3), str(workdir))
    out = capsys.readouterr().out
    assert "step_0000006.keras cannot be read" in out and "Resuming from" in out and "step_0000004.keras" in out
    assert metrics["steps"] == 8
    assert ganzoo.load_model(workdir / "checkpoints" / "step_0000006.keras")  # rewritten by the resumed run


def test_an_unwritable_workdir_fails_before_the_first_step(tmp_path):
    workdir = tmp_path / "run"
    os.makedirs(workdir)
    (workdir / "checkpoints").write_text("a file where the folder should be")
    with pytest.raises(workdir_lib.WorkdirError, match="not writable"):
        training.train_and_evaluate(smoke(), str(workdir))
    assert not (workdir / "metrics.jsonl").exists() and not (workdir / "samples").exists()


def test_the_nonfinite_message_names_no_checkpoint_that_does_not_exist(tmp_path):
    from test_training import InjectNonFinite

    config = smoke(on_nonfinite="stop")
    with pytest.raises(training.NonFiniteLossError) as error:
        training.train_and_evaluate(config, str(tmp_path), callbacks=[InjectNonFinite([1])])
    assert "No checkpoint was written yet" in str(error.value) and "step 0" not in str(error.value)
    config = smoke()
    with pytest.raises(training.NonFiniteLossError):
        training.train_and_evaluate(smoke(max_nonfinite_retries=1), str(tmp_path / "retry"),
                                    callbacks=[InjectNonFinite([1, 2])])
    events = [json.loads(line) for line in open(tmp_path / "retry" / "metrics.jsonl") if "event" in line]
    assert "back to the initial weights (no checkpoint yet)" in events[0]["message"]


def test_variant_options_and_optimizer_arguments_are_settable_and_recorded(tmp_path):
    # what `--config.model.n_critic=3 --config.model.ema_decay=0.999` sets (ml_collections applies the flags)
    config = smoke("wgan-gp")
    with config.unlocked():
        config.model.n_critic = 3
        config.model.ema_decay = 0.999
        config.d_optimizer.beta_2 = 0.99
    training.train_and_evaluate(config, str(tmp_path))
    recorded = json.load(open(tmp_path / "config.json"))
    assert recorded["model"]["n_critic"] == 3 and recorded["model"]["ema_decay"] == 0.999
    assert recorded["d_optimizer"]["beta_2"] == 0.99 and recorded["g_optimizer"]["use_ema"] is True
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000003.keras")
    assert model.n_critic == 3 and int(model.d_optimizer.iterations.numpy()) == 9


@pytest.mark.parametrize("key, value, message", [
    ("d_optimizer.learning_rate", -1e-4, "learning_rate must be > 0"),
    ("g_optimizer.beta_1", 1.5, r"beta_1 must be in \[0, 1\)"),
    ("nonfinite_lr_factor", 2.0, "nonfinite_lr_factor must be in"),
])
def test_nonsense_values_are_refused_before_any_work(key, value, message, tmp_path):
    config = smoke()
    group, _, name = key.rpartition(".")
    with config.unlocked():
        (config[group] if group else config)[name] = value
    with pytest.raises(ValueError, match=message):
        training.train_and_evaluate(config, str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_non_finite_pixels_in_an_npz_are_refused_up_front(tmp_path):
    import numpy as np

    x = np.zeros((16, 28, 28, 1), "float32")
    x[7, 3, 3, 0] = np.nan
    np.savez(tmp_path / "bad.npz", x=x)
    with pytest.raises(ganzoo.data.DataError, match="1 NaN or Inf values"):
        training.train_and_evaluate(_npz_config(tmp_path / "bad.npz"), str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def _npz_config(path):
    config = smoke("nsgan", "mnist28")
    with config.unlocked():
        config.dataset = f"npz:{path}"
    return config


def _image_folder(folder, sizes):
    from PIL import Image
    import numpy as np

    os.makedirs(folder)
    for i, size in enumerate(sizes):
        Image.fromarray(np.full((size, size, 3), i * 10, "uint8")).save(folder / f"img_{i:03d}.png")


def test_every_image_of_a_folder_is_checked_before_training(tmp_path, monkeypatch):
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path / "cache"))
    corrupt = tmp_path / "corrupt"
    _image_folder(corrupt, [28] * 20)
    middle = corrupt / "img_010.png"
    middle.write_bytes(middle.read_bytes()[:60])  # truncated in the middle of the listing
    with pytest.raises(ganzoo.data.DataError, match="img_010.png.*cannot be decoded"):
        ganzoo.data.make_dataset(f"images:{corrupt}", 4)
    odd = tmp_path / "odd"
    _image_folder(odd, [28] * 9 + [32] + [28] * 10)
    with pytest.raises(ganzoo.data.DataError, match="img_009.png' is 32x32"):
        ganzoo.data.make_dataset(f"images:{odd}", 4)
    good = tmp_path / "good"
    _image_folder(good, [28] * 20)
    _, shape, _ = ganzoo.data.make_dataset(f"images:{good}", 4)
    assert shape == (28, 28, 3)
    # the check is cached by the bytes: a second read of the clean folder decodes nothing
    monkeypatch.setattr(ganzoo.data.images, "_probe", lambda *args: pytest.fail("decoded again"))
    assert ganzoo.data.make_dataset(f"images:{good}", 4)[1] == (28, 28, 3)
    monkeypatch.undo()
    config = smoke("nsgan", "mnist28")
    with config.unlocked():
        config.dataset = f"images:{corrupt}"
    with pytest.raises(ganzoo.data.DataError, match="img_010.png"):
        training.train_and_evaluate(config, str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_a_data_dir_without_the_dataset_and_no_network_fail_in_seconds(tmp_path, monkeypatch):
    import time

    from ganzoo.data import sources

    os.makedirs(tmp_path / "empty")
    start = time.time()
    with pytest.raises(ganzoo.data.DataError, match="holds no mnist data"):
        ganzoo.data.make_dataset("mnist", 8, data_dir=str(tmp_path / "empty"))
    # no local copy and no network: said at once, not after tensorflow-datasets' retries
    monkeypatch.setattr(sources, "TFDS_HOST", ("127.0.0.1", 9))  # nothing listens there
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    with pytest.raises(ganzoo.data.DataError, match="cannot reach 127.0.0.1 to download it"):
        ganzoo.data.make_dataset("fashion_mnist", 8)
    assert time.time() - start < 20


def test_evaluate_records_the_samples_each_protocol_scored():
    from ganzoo.evaluate import evaluate

    results = evaluate(ganzoo.load("wgan-gp-ring8"), "ring8", metrics=["toy"], num_samples=10_000)
    assert results["num_samples"] == {"toy": 2500}  # the toy protocol's count, not the argument


def test_a_runs_config_json_alone_reruns_it_exactly(tmp_path):
    import numpy as np

    config = smoke("wgan-gp", deterministic=True, steps=4)
    with config.unlocked():
        config.model.gp_weight = 5.0  # a non-default value must travel through the file too
    training.train_and_evaluate(config, str(tmp_path / "first"))
    recorded = json.load(open(tmp_path / "first" / "config.json"))
    # what ran, spelled out: the variant's options and both optimizers with every argument
    assert recorded["model"]["n_critic"] == 5 and recorded["model"]["gp_weight"] == 5.0
    assert recorded["d_optimizer"]["class_name"] == "Adam" and recorded["d_optimizer"]["beta_2"] == 0.9
    assert recorded["mixed_precision"] == "float32" and recorded["steps_per_execution"] == 1
    again = configs.load(str(tmp_path / "first" / "config.json"))
    training.train_and_evaluate(again, str(tmp_path / "second"))
    first = ganzoo.load_model(tmp_path / "first" / "checkpoints" / "step_0000004.keras")
    second = ganzoo.load_model(tmp_path / "second" / "checkpoints" / "step_0000004.keras")
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert json.load(open(tmp_path / "second" / "config.json")) == recorded
    # op determinism is process-wide (and disables XLA): the runs leave it as they found it
    from tensorflow.python.framework import config as tf_config

    assert not tf_config.is_op_determinism_enabled()


def test_retries_lower_the_configs_rates_without_compounding(tmp_path):
    import numpy as np
    from test_training import InjectNonFinite

    config = smoke(steps=6, checkpoint_every=2, max_nonfinite_retries=3)
    # step 5 fails, then (resumed from step 4) step 5 fails again: two retries, rates x0.25 of the config's
    training.train_and_evaluate(config, str(tmp_path), callbacks=[InjectNonFinite([5, 6])])
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000006.keras")
    asked = config.d_optimizer.learning_rate
    assert asked == config.g_optimizer.learning_rate
    for optimizer in (model.d_optimizer, model.g_optimizer):
        np.testing.assert_allclose(float(np.asarray(optimizer.learning_rate)), 0.25 * asked, rtol=1e-6)
    # config.json keeps what was asked for, not the reduced rates
    assert json.load(open(tmp_path / "config.json"))["d_optimizer"]["learning_rate"] == asked


def test_iter_generate_never_leaves_ema_weights_in_place():
    import numpy as np

    model = ganzoo.models.build("nsgan", (2,), latent_dim=4, generator_widths=(8,), discriminator_widths=(8,),
                                ema_decay=0.9, seed=0)
    model.compile()
    model.fit(ganzoo.data.toy_dataset("ring8", batch_size=16, seed=0), steps_per_epoch=3, verbose=0)
    raw = [np.array(v) for v in model.generator.trainable_variables]
    first, second = model.iter_generate(20, seed=0, batch_size=5), model.iter_generate(20, seed=1, batch_size=5)
    next(first), next(second), next(first)  # two open at once, both abandoned half-way
    del first, second
    for a, b in zip(raw, model.generator.trainable_variables):
        np.testing.assert_array_equal(a, np.array(b))
    with pytest.raises(ValueError, match="int >= 0"):
        model.iter_generate(-3)  # checked at the call, not at the first next()


def test_a_json_config_is_rerouted_in_both_flag_forms():
    from ganzoo import rerun_config, train

    assert train.json_config_argv(["x", "--config=run/config.json"]) == ["x", f"--config={rerun_config.__file__}:run/config.json"]
    assert train.json_config_argv(["x", "--config", "run/config.json"]) == ["x", f"--config={rerun_config.__file__}:run/config.json"]
    assert train.json_config_argv(["x", "--config", "zoo_configs/zoo.py:gan,ring8"]) == [
        "x", "--config", "zoo_configs/zoo.py:gan,ring8"]


def test_quiet_run_is_the_recipe_with_one_log_at_the_end_or_a_log_per_evaluation():
    recipe = configs.load_zoo_config("wgan-gp", "mnist28")
    config = configs.load_zoo_config("wgan-gp", "mnist28")
    with config.unlocked():
        configs.quiet_run(config, steps=800, seed=3, data_dir="/data")
    changed = {k for k in recipe.to_dict() if recipe[k] != config[k]}
    assert changed == {"seed", "steps", "log_every", "sample_every", "checkpoint_every", "verbose", "tensorboard",
                       "data_dir"}
    assert (config.steps, config.log_every, config.eval_every, config.seed) == (800, 800, 0, 3)
    with config.unlocked():
        configs.quiet_run(config, steps=800, seed=3, eval_every=40)
    assert (config.log_every, config.eval_every, config.sample_every, config.checkpoint_every) == (40, 40, 800, 800)
    assert config.data_dir == "/data"  # left as it was when not given
