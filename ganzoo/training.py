"""`train_and_evaluate(config, workdir)`: the whole training run behind `ganzoo-train`.

A run writes into `workdir`:
- `config.json`: the resolved config, every hyper-parameter that applied
  (optimizers with all their arguments, n_critic, penalty weights, network
  widths, precision policy); `ganzoo-train --config=<workdir>/config.json`
  reruns it. `checkpoints/step_XXXXXXX.keras` (atomic, last `keep_checkpoints`
  kept), `metrics.jsonl` (one line per `log_every` steps: the mean of each
  metric over those steps), `samples/step_XXXXXXX.png` (a fixed latent batch
  every `sample_every` steps),
- at the end `samples.png`, `losses.png` and `metrics.json`.
- `tensorboard/`: every metric as a scalar, sample grids as images.
A restarted run with the same workdir resumes from its latest checkpoint: step
counter, both networks, both optimizers (and EMA) and the RNG stream, which is
a function of the step; the data pipeline skips the batches already used. With
`config.deterministic` a killed-and-resumed run ends with the same weights as
an uninterrupted one. A NaN/Inf loss is never kept: the run goes back to its
last good checkpoint and retries at a lower learning rate, or stops
(`config.on_nonfinite`).
"""

import glob
import json
import math
import os
import time

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import config as tf_config  # no public is_/disable_op_determinism

from ganzoo import configs as configs_lib
from ganzoo import models
from ganzoo import workdir as workdir_lib
from ganzoo.data import make_dataset, registry
from ganzoo.distribute import is_chief, strategy_from_config
from ganzoo.metrics.in_training import InTrainingEvaluator
from ganzoo.metrics.toy import toy_metrics
from ganzoo.plotting import plot_losses, save_sample_figure
from ganzoo.saving import latest_checkpoint, load_model, resolve_model_path, save_checkpoint


class NonFiniteLossError(RuntimeError):
    """Training produced a NaN/Inf loss and was told to stop (or ran out of retries)."""


def train_and_evaluate(config, workdir, *, callbacks=()):
    """Trains `config.variant` on `config.dataset` for `config.steps` generator steps in `workdir`.

    `callbacks`: extra Keras callbacks for `fit`. Returns the final metrics dict
    (also written to `workdir/metrics.json`).
    """
    configs_lib.check(config)
    policy = keras.config.dtype_policy()
    deterministic = tf_config.is_op_determinism_enabled()
    precision, source = configs_lib.resolve_precision(config.mixed_precision, config.dataset)
    keras.config.set_dtype_policy(precision)
    print(f"Precision: {precision} ({source}).", flush=True)
    try:
        return _train(config, workdir, callbacks, source)
    finally:
        # both are process-wide: a deterministic run must not leave XLA disabled for the next one
        keras.config.set_dtype_policy(policy)
        if not deterministic:
            tf_config.disable_op_determinism()


def _train(config, workdir, callbacks, precision_source):
    models.get_class(config.variant)  # an unknown variant fails before anything is read or written
    if config.deterministic:
        keras.utils.set_random_seed(config.seed)
        tf.config.experimental.enable_op_determinism()
    strategy = strategy_from_config(config)
    if not is_chief(strategy):  # other workers run the same ops but write to a scratch folder
        workdir = os.path.join(workdir, f"worker_{strategy.cluster_resolver.task_id}")
    # Every check reads only: a refused invocation leaves the workdir as it found it.
    workdir_lib.check_not_in_use(workdir)
    workdir_lib.check_same_run(config, workdir_lib.recorded_config(workdir), workdir)
    model, dataset, data_shape, start_step, unreadable = _prepare(config, workdir, strategy)
    jsonl_path = os.path.join(workdir, "metrics.jsonl")
    retries = 0
    lr_factor = 1.0
    with workdir_lib.claim(workdir):
        for stale in glob.glob(os.path.join(workdir, "checkpoints", ".tmp_*")):
            os.remove(stale)  # a write interrupted by a kill
        os.makedirs(os.path.join(workdir, "samples"), exist_ok=True)
        writer = tf.summary.create_file_writer(os.path.join(workdir, "tensorboard")) if config.tensorboard else None
        _move_unreadable_aside(unreadable)
        _write_resolved_config(config, model, os.path.join(workdir, "config.json"), precision_source)  # what ran, before any retry
        while True:
            _truncate_jsonl(jsonl_path, start_step)
            monitor = _Monitor(model, config, workdir, start_step, jsonl_path, writer)
            remaining = config.steps - start_step
            if remaining > 0:
                model.fit(dataset, steps_per_epoch=remaining, epochs=1, verbose=config.verbose, shuffle=False,
                          callbacks=[*callbacks, monitor])
            if monitor.nonfinite is None:
                break
            step, names = monitor.nonfinite
            good = latest_checkpoint(workdir)[0]
            back_to = f"step {good}" if good else "the initial weights (no checkpoint yet)"
            where = f"step {step}" if config.steps_per_execution == 1 else (
                f"step {step} (one of steps {step - config.steps_per_execution + 1}-{step}: "
                f"{config.steps_per_execution} steps per execution)")
            if config.on_nonfinite == "stop" or retries >= config.max_nonfinite_retries:
                reason = "on_nonfinite='stop'" if config.on_nonfinite == "stop" else f"{retries} retries used"
                message = (f"Non-finite {names} at {where}; stopping ({reason}). " + (
                    f"The last good checkpoint is step {good} in {workdir}/checkpoints." if good else
                    "No checkpoint was written yet: a rerun starts again from the initial weights."))
                _log_event(jsonl_path, {"step": step, "event": "non_finite_stop", "metrics": names, "message": message})
                raise NonFiniteLossError(message)
            retries += 1
            lr_factor *= config.nonfinite_lr_factor
            _log_event(jsonl_path, {
                "step": step, "event": "non_finite_retry", "metrics": names, "retry": retries,
                "learning_rate_factor": lr_factor,
                "message": (f"Non-finite {names} at {where}: back to {back_to}, "
                            f"retry {retries}/{config.max_nonfinite_retries} with learning rates x{lr_factor:g}."),
            })
            model, dataset, data_shape, start_step, unreadable = _prepare(config, workdir, strategy)
            _move_unreadable_aside(unreadable)
            _set_learning_rates(model, config, lr_factor)
        step = monitor.last_step  # not g_optimizer.iterations: loss scaling may skip an overflowing step
        _save_samples(model, config, os.path.join(workdir, "samples.png"), step)
        plot_losses(jsonl_path, os.path.join(workdir, "losses.png"))
        metrics = {"variant": config.variant, "dataset": config.dataset, "steps": step, "batch_size": config.batch_size,
                   "generator_updates": int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)),  # includes a pretrained model's
                   "replicas": int(strategy.num_replicas_in_sync), "steps_per_second": monitor.steps_per_second(),
                   "nonfinite_retries": retries, "workdir": workdir}
        if len(data_shape) == 1 and registry.has_modes(config.dataset):
            metrics.update(toy_metrics(model.generate(2500, seed=config.seed), config.dataset))
        with open(os.path.join(workdir, "metrics.json"), "w") as f:
            json.dump(metrics, f, indent=2)
        return metrics


class _Monitor(keras.callbacks.Callback):
    """Logs, samples, checkpoints and catches non-finite losses after every step."""

    def __init__(self, gan, config, workdir, start_step, jsonl_path, writer):
        super().__init__()
        self.gan, self.config, self.workdir = gan, config, workdir
        self.start_step, self.jsonl_path, self.writer = start_step, jsonl_path, writer
        self.nonfinite = None
        self.last_step = start_step
        self.start = time.time()
        self.timed = (None, None)  # (step, time) after the first step, which includes tracing
        self.evaluator = None
        self.eval_seconds = 0.0  # in-training evaluation, so that time to quality can leave it out

    def steps_per_second(self):
        step, started = self.timed
        last = self.start_step + getattr(self, "_last_batch", 0)
        if started is None or last <= step:
            return None
        return round((last - step) / (self._last_time - started), 3)

    def on_train_batch_end(self, batch, logs=None):
        # Called after every call of the compiled step: `batch` is the last of its
        # steps_per_execution steps, and the logs are means since the last reset,
        # so a NaN in any step of the call shows here.
        config = self.config
        step = self.start_step + batch + 1
        now = time.time()
        if self.timed[0] is None:
            self.timed = (step, now)
        self._last_batch, self._last_time = batch + 1, now
        values = {k: float(np.ravel(v)[0]) for k, v in (logs or {}).items()}
        bad = sorted(k for k, v in values.items() if not math.isfinite(v))
        if bad:
            # The weights of this step are never saved: the run goes back to the last checkpoint.
            self.nonfinite = (step, bad)
            self.model.stop_training = True
            return
        self.last_step = step
        if step % config.log_every == 0 or step == config.steps:
            if config.eval_every and step % config.eval_every == 0:
                self.evaluator = self.evaluator or InTrainingEvaluator(
                    config.dataset, data_dir=config.data_dir, num_samples=config.eval_samples, seed=config.seed)
                # seconds - eval_seconds: the run's time without the evaluations before this one
                values["eval_seconds"] = round(self.eval_seconds, 2)
                started = time.time()
                values.update(self.evaluator(self.gan))
                self.eval_seconds += time.time() - started
            values.update(step=step, seconds=round(now - self.start, 2))
            with open(self.jsonl_path, "a") as f:
                f.write(json.dumps(values) + "\n")
            # Keras' trackers average since the epoch began, and a run is one
            # epoch: reset them so each logged value is the mean of its window.
            for metric in self.gan.metrics:
                metric.reset_state()
            if self.writer is not None:
                with self.writer.as_default(step=step):
                    for name, value in values.items():
                        if name not in ("step", "seconds", "eval_seconds"):
                            tf.summary.scalar(name, value)
        if step % config.sample_every == 0:
            path = os.path.join(self.workdir, "samples", f"step_{step:07d}.png")
            _save_samples(self.gan, config, path, step)
            if self.writer is not None:
                from PIL import Image

                image = np.asarray(Image.open(path).convert("RGB"))[None]
                with self.writer.as_default(step=step):
                    tf.summary.image("samples", image)
        if step % config.checkpoint_every == 0 or step == config.steps:
            save_checkpoint(self.gan, self.workdir, step, config.keep_checkpoints)
        if self.writer is not None and step % config.log_every == 0:
            self.writer.flush()


# ------------------------------------------------------------------ helpers of the loop

def _prepare(config, workdir, strategy):
    """(model, dataset, data_shape, start_step, unreadable checkpoints): the newest readable checkpoint
    of this run, or a new model; the data from the step it resumes at. Reads only."""
    with strategy.scope():
        start_step, checkpoint, model, unreadable = workdir_lib.newest_readable_checkpoint(workdir)
        if checkpoint:
            _compile_as_configured(model, config)
        dataset, data_shape, num_classes = make_dataset(
            config.dataset, configs_lib.real_rows_per_step(config), data_dir=config.data_dir,
            conditional=config.conditional, seed=config.seed, skip_batches=start_step,
        )
        if checkpoint:
            workdir_lib.check_checkpoint_matches(model, checkpoint, config, data_shape, num_classes)
            print(f"Resuming from {checkpoint} at step {start_step}.", flush=True)
        else:
            model = _build_model(config, data_shape, num_classes)
            if config.init_from:  # the model fine-tuned must be the one this config trains
                workdir_lib.check_checkpoint_matches(model, config.init_from, config, data_shape, num_classes)
    return model, dataset, data_shape, start_step, unreadable


def _build_model(config, data_shape, num_classes):
    if config.init_from:
        model = load_model(resolve_model_path(config.init_from))
        if tuple(model.data_shape) != tuple(data_shape):
            raise ValueError(f"init_from model makes {model.data_shape} samples but the data is {data_shape}.")
        _compile_as_configured(model, config)
        return model
    keras.utils.set_random_seed(config.seed)  # the initial weights are a function of the seed
    model = models.build(config.variant, data_shape, latent_dim=config.latent_dim, num_classes=num_classes,
                         seed=config.seed, **config.model.to_dict())
    d_steps, g_steps = configs_lib.decay_steps(config)
    model.compile(configs_lib.optimizer_from_config(config.d_optimizer, d_steps),
                  configs_lib.optimizer_from_config(config.g_optimizer, g_steps), jit_compile=bool(config.jit_compile),
                  steps_per_execution=config.steps_per_execution)
    return model


def _compile_as_configured(model, config):
    """A loaded model compiled with the config's XLA and steps per call: how the step runs is not saved
    with a model, the config says (its optimizers, with their state, are kept)."""
    if config.jit_compile or config.steps_per_execution > 1:
        model.compile(model.d_optimizer, model.g_optimizer, jit_compile=bool(config.jit_compile),
                      steps_per_execution=config.steps_per_execution)


def _set_learning_rates(model, config, factor):
    """Both learning rates at the config's x `factor` (a retry after a non-finite loss): absolute, so
    that retries do not compound with the reduced rate a checkpoint already holds."""
    steps = configs_lib.decay_steps(config)
    for optimizer, options, decay in zip((model.d_optimizer, model.g_optimizer), (config.d_optimizer, config.g_optimizer), steps):
        rate = options.get("learning_rate") if options is not None else None
        if isinstance(rate, (int, float)):
            # a schedule is replaced whole (keras allows no assignment into one); it reads the optimizer's iterations
            optimizer.learning_rate = configs_lib.linear_decay(rate * factor, decay) if decay else rate * factor


def _move_unreadable_aside(paths):
    """Renames unreadable checkpoints to *.unreadable: kept for a post-mortem, out of resume and pruning."""
    for path in paths:
        os.replace(path, path + ".unreadable")
        print(f"Moved the unreadable {path} to {path}.unreadable.", flush=True)


def _write_resolved_config(config, model, path, precision_source):
    """config.json: the config with what the model actually runs (its optimizers, its options)."""
    with open(path, "w") as f:
        json.dump(configs_lib.resolved(config, model, precision_source), f, indent=2)


def _save_samples(model, config, path, step=None):
    samples = model.generate(config.num_grid_samples, seed=config.seed)
    save_sample_figure(samples, config.dataset, path, f"{config.variant} on {config.dataset}, step {step}")


def _truncate_jsonl(path, step):
    """Drops metric lines written after `step` (by a killed or rolled-back run); events stay."""
    if not os.path.exists(path):
        return
    rows = [(line, json.loads(line)) for line in open(path) if line.strip()]
    lines = [line for line, row in rows if "event" in row or row.get("step", 0) <= step]
    with open(path, "w") as f:
        f.writelines(lines)


def _log_event(jsonl_path, event):
    print(event["message"], flush=True)
    with open(jsonl_path, "a") as f:
        f.write(json.dumps(event) + "\n")
