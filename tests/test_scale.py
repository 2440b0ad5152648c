"""Training at scale: MirroredStrategy and MultiWorkerMirroredStrategy end to end, kill-and-resume.

Each run here is a `ganzoo-train` subprocess (tests/helpers/train_subprocess.py):
a strategy needs a fresh process (collectives are configured at start-up).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

import ganzoo
from ganzoo import training
from test_training import load_config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELPER = os.path.join(ROOT, "tests", "helpers", "train_subprocess.py")


def train_command(config, workdir, *overrides):
    return [sys.executable, HELPER, f"--config={ROOT}/{config}", f"--workdir={workdir}",
            *[f"--config.{o}" for o in overrides]]


def run(cmd, env=None, timeout=300):
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def final_weights(workdir, step):
    model = ganzoo.load_model(os.path.join(workdir, "checkpoints", f"step_{step:07d}.keras"))
    return [np.array(v) for v in model.generator.weights + model.discriminator.weights]


def assert_same_training(expected, actual):
    """Equal up to float reassociation. Adam turns rounding noise in a near-zero
    gradient into a step of up to +-lr on that weight, so a handful of weights
    may differ by ~lr after a few updates; a wrong batch or noise split moves
    many weights (measured: a different data order moved them by up to 8e-3)."""
    diffs = np.concatenate([np.abs(a - b).ravel() for a, b in zip(expected, actual)])
    assert diffs.mean() < 1e-5, diffs.mean()
    assert diffs.max() < 2e-3, diffs.max()


def single_replica_run(tmp_path, config_path, batch_size=None, real_batches=None):
    config = load_config(config_path)
    with config.unlocked():
        config.strategy = "default"
        config.batch_size = batch_size or config.batch_size
        config.model.real_batches = real_batches or config.model.real_batches
    training.train_and_evaluate(config, str(tmp_path / "single"))
    return final_weights(str(tmp_path / "single"), config.steps)


@pytest.mark.subprocess
def test_zoo_config_trains_under_mirrored_strategy_like_one_replica(tmp_path):
    # shared real batches: with "fresh", each replica cuts its own contiguous share of the global
    # batch into n_critic parts, so its critic batches are other rows than one replica's (see BaseGAN)
    run(train_command("zoo_configs/zoo.py:wgan-gp,ring8,smoke", tmp_path / "mirrored", "strategy=mirrored",
                      "model.real_batches=shared", "batch_size=8"),
        env={"GANZOO_CPU_DEVICES": "2"})
    metrics = json.load(open(tmp_path / "mirrored" / "metrics.json"))
    assert metrics["replicas"] == 2 and metrics["steps"] == 3
    single = single_replica_run(tmp_path, "zoo_configs/zoo.py:wgan-gp,ring8", real_batches="shared", batch_size=8)
    assert_same_training(single, final_weights(str(tmp_path / "mirrored"), 3))


@pytest.mark.subprocess
@pytest.mark.multiworker
def test_multiworker_two_local_processes_end_with_identical_weights(tmp_path):
    ports = free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    # shared real batches, as in the mirrored test: "fresh" cuts each worker's share on its own
    cmd = train_command("zoo_configs/zoo.py:wgan-gp,ring8,smoke", tmp_path / "mw", "strategy=multiworker",
                        "model.real_batches=shared", "batch_size=8")
    workers = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})})
        for i in range(2)
    ]
    try:
        outputs = [w.communicate(timeout=300) for w in workers]
    finally:
        for w in workers:
            w.kill()
    for w, (_, err) in zip(workers, outputs):
        assert w.returncode == 0, err[-3000:]
    chief = final_weights(str(tmp_path / "mw"), 3)
    other = final_weights(str(tmp_path / "mw" / "worker_1"), 3)
    for a, b in zip(chief, other):
        np.testing.assert_array_equal(a, b)
    assert json.load(open(tmp_path / "mw" / "metrics.json"))["replicas"] == 2
    # 2 workers x 4 examples == 1 replica x 8 examples
    assert_same_training(single_replica_run(tmp_path, "zoo_configs/zoo.py:wgan-gp,ring8", real_batches="shared",
                                            batch_size=8), chief)


@pytest.mark.subprocess
def test_sigkill_then_resume_matches_an_uninterrupted_run(tmp_path):
    overrides = ["steps=40", "batch_size=16", "checkpoint_every=5", "log_every=5", "sample_every=1000",
                 "keep_checkpoints=2", "deterministic=True", "tensorboard=False"]
    run(train_command("zoo_configs/zoo.py:nsgan,ring8,smoke", tmp_path / "whole", *overrides))

    workdir = tmp_path / "killed"
    process = subprocess.Popen(train_command("zoo_configs/zoo.py:nsgan,ring8,smoke", workdir, *overrides),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while ganzoo.saving.latest_checkpoint(str(workdir))[0] < 10 and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = ganzoo.saving.latest_checkpoint(str(workdir))[0]
    assert 10 <= killed_at < 40, f"the run was not killed mid-way (latest checkpoint {killed_at})"

    done = run(train_command("zoo_configs/zoo.py:nsgan,ring8,smoke", workdir, *overrides))
    assert f"Resuming from" in done.stdout and f"at step {killed_at}" in done.stdout
    steps = [json.loads(line)["step"] for line in open(workdir / "metrics.jsonl")]
    assert steps == list(range(5, 45, 5))  # no step logged twice, none missing
    for a, b in zip(final_weights(str(tmp_path / "whole"), 40), final_weights(str(workdir), 40)):
        np.testing.assert_array_equal(a, b)
