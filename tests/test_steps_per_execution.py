"""ganzoo-train with several train steps per call: the same run, logged, checkpointed, rolled back and resumed."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import configs, training
from ganzoo.models.nsgan import NSGAN

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toy_config(**overrides):
    config = configs.load(os.path.join(ROOT, "zoo_configs/zoo.py:nsgan,ring8"), "smoke")
    with config.unlocked():
        config.update(steps=8, log_every=4, sample_every=8, checkpoint_every=4, deterministic=True, tensorboard=False,
                      verbose=0)
        config.model.generator_widths = config.model.discriminator_widths = (16, 16)
        config.update(**overrides)
    return config


class CountCalls(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(batch)


def final_weights(workdir):
    model = ganzoo.load_model(os.path.join(workdir, "checkpoints", "step_0000008.keras"))
    return [np.array(w) for w in model.weights] + [np.array(v) for v in model.d_optimizer.variables]


def rows(workdir):
    return [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]


def test_several_steps_per_call_train_bit_identically_to_one_and_log_the_same_lines(tmp_path):
    one, four = str(tmp_path / "one"), str(tmp_path / "four")
    calls = CountCalls()
    training.train_and_evaluate(toy_config(), one)
    metrics = training.train_and_evaluate(toy_config(steps_per_execution=4), four, callbacks=[calls])
    assert calls.ends == [3, 7]  # two calls of the compiled step, of 4 steps each
    assert metrics["steps"] == 8 and metrics["generator_updates"] == 8
    for a, b in zip(final_weights(one), final_weights(four)):
        np.testing.assert_array_equal(a, b)
    # the same windows, so the same logged means, at the same steps
    assert rows(one) == [dict(r, seconds=o["seconds"]) for r, o in zip(rows(four), rows(one))]
    assert [r["step"] for r in rows(four)] == [4, 8]
    assert json.load(open(os.path.join(four, "config.json")))["steps_per_execution"] == 4
    assert sorted(os.listdir(os.path.join(four, "checkpoints"))) == ["step_0000004.keras", "step_0000008.keras"]


def test_a_resumed_run_with_several_steps_per_call_ends_as_an_uninterrupted_one(tmp_path):
    whole, resumed = str(tmp_path / "whole"), str(tmp_path / "resumed")
    training.train_and_evaluate(toy_config(steps_per_execution=2), whole)
    training.train_and_evaluate(toy_config(steps_per_execution=2, steps=4), resumed)
    training.train_and_evaluate(toy_config(steps_per_execution=2), resumed)  # resumes at step 4 (compiled again)
    for a, b in zip(final_weights(whole), final_weights(resumed)):
        np.testing.assert_array_equal(a, b)
    assert [r["step"] for r in rows(resumed)] == [4, 8]


def test_a_nan_inside_a_call_is_caught_at_its_end_and_rolled_back(tmp_path, monkeypatch):
    # A real in-graph NaN at the 6th step (generator counter 5), in the middle of the call of steps 5-8, once.
    fired = tf.Variable(False)
    plain = NSGAN.generator_loss

    def poisoned(self, fake, fake_logits, fake_features):
        bad = tf.logical_and(tf.equal(self._step(), 5), tf.logical_not(fired))
        fired.assign(tf.logical_or(fired, bad))
        return plain(self, fake, fake_logits, fake_features) + tf.where(bad, float("nan"), 0.0)

    monkeypatch.setattr(NSGAN, "generator_loss", poisoned)
    metrics = training.train_and_evaluate(toy_config(steps_per_execution=4, deterministic=False), str(tmp_path))
    assert bool(fired.numpy())
    assert metrics["steps"] == 8 and metrics["nonfinite_retries"] == 1
    events = [r for r in rows(str(tmp_path)) if "event" in r]
    assert len(events) == 1 and events[0]["step"] == 8 and "one of steps 5-8" in events[0]["message"]
    assert "back to step 4" in events[0]["message"]
    model = ganzoo.load_model(tmp_path / "checkpoints" / "step_0000008.keras")
    assert int(model.g_optimizer.iterations) == 8
    assert all(np.isfinite(np.array(w)).all() for w in model.weights)


@pytest.mark.parametrize("key", ["steps", "log_every", "checkpoint_every"])
def test_every_interval_must_be_a_multiple_of_the_steps_per_call(key, tmp_path):
    config = toy_config(steps_per_execution=4, **{key: 6})
    with pytest.raises(ValueError, match=rf"steps_per_execution=4: config.{key}=6 must be"):
        training.train_and_evaluate(config, str(tmp_path / "run"))
    assert not os.path.exists(tmp_path / "run")
