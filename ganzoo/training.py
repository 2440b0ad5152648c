"""`train_and_evaluate(config, workdir)`: the whole training run behind `ganzoo-train`.

A run writes into `workdir`:
- `config.json` (the resolved config), `checkpoints/step_XXXXXXX.keras` (atomic,
  last `keep_checkpoints` kept), `metrics.jsonl` (one line per `log_every` steps:
  the mean of each metric over those steps),
  `samples/step_XXXXXXX.png` (a fixed latent batch every `sample_every` steps),
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
import re
import time

import keras
import numpy as np

CHECKPOINT_PATTERN = re.compile(r"step_(\d+)\.keras$")


def latest_checkpoint(workdir):
    """(step, path) of the newest complete checkpoint in `workdir`, or (0, None)."""
    found = []
    for path in glob.glob(os.path.join(workdir, "checkpoints", "step_*.keras")):
        match = CHECKPOINT_PATTERN.search(path)
        if match:
            found.append((int(match.group(1)), path))
    return max(found) if found else (0, None)


class NonFiniteLossError(RuntimeError):
    """Training produced a NaN/Inf loss and was told to stop (or ran out of retries)."""


def save_checkpoint(model, workdir, step, keep):
    """Writes `step_XXXXXXX.keras` atomically (temp file + rename) and prunes old ones."""
    directory = os.path.join(workdir, "checkpoints")
    os.makedirs(directory, exist_ok=True)
    final = os.path.join(directory, f"step_{step:07d}.keras")
    temporary = os.path.join(directory, f".tmp_step_{step:07d}.keras")
    model.save(temporary)
    os.replace(temporary, final)  # atomic: a kill leaves either the old set or the new file
    existing = sorted(glob.glob(os.path.join(directory, "step_*.keras")))
    for old in existing[:-keep]:
        os.remove(old)
    return final


def save_grid(images, path, *, columns=8):
    """Saves images in [-1, 1], (N, H, W, C), as one PNG grid."""
    from PIL import Image

    images = np.clip((np.asarray(images) + 1.0) * 127.5, 0, 255).astype("uint8")
    n, h, w, c = images.shape
    rows = math.ceil(n / columns)
    grid = np.zeros((rows * (h + 2) + 2, columns * (w + 2) + 2, c), "uint8")
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        grid[2 + r * (h + 2): 2 + r * (h + 2) + h, 2 + col * (w + 2): 2 + col * (w + 2) + w] = image
    Image.fromarray(grid[..., 0] if c == 1 else grid).save(path)


def save_toy_plot(points, dataset, path, title=""):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ganzoo.data.toy import toy_modes

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, label="samples")
    if dataset in ("ring8", "grid25"):
        modes = toy_modes(dataset)
        ax.scatter(modes[:, 0], modes[:, 1], s=30, marker="x", color="red", label="true modes")
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save_sample_figure(samples, dataset, path, title="", *, columns=8):
    """Toy points (N, 2) as a scatter over the dataset's true modes; images (N, H, W, C) as a PNG grid."""
    if np.ndim(samples) == 2:
        save_toy_plot(samples, dataset, path, title)
    else:
        save_grid(samples, path, columns=columns)


def save_preview(model, dataset, path, *, seed=0, title=""):
    """The standard preview of a model: 2,500 toy points or an 8x8 image grid, for `seed`."""
    save_sample_figure(model.generate(2500 if len(model.data_shape) == 1 else 64, seed=seed), dataset, path, title)


def save_samples(model, config, path, step=None):
    samples = model.generate(config.num_grid_samples, seed=config.seed)
    save_sample_figure(samples, config.dataset, path, f"{config.variant} on {config.dataset}, step {step}")


def plot_losses(jsonl_path, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for line in open(jsonl_path)] if os.path.exists(jsonl_path) else []
    events = [r["step"] for r in rows if "event" in r]
    rows = [r for r in rows if "event" not in r]
    if not rows:
        return
    steps = [r["step"] for r in rows]
    names = [k for k in ("d_loss", "g_loss", "penalty", "w_estimate") if k in rows[0]]
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        ax.plot(steps, [r[name] for r in rows])
        for step in events:  # non-finite losses, rolled back
            ax.axvline(step, color="red", linestyle=":", linewidth=1)
        ax.set_title(name)
        ax.set_xlabel("generator step")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _strategy(config):
    import tensorflow as tf

    name = config.strategy
    if name == "multiworker":  # first: it must configure collectives before any op runs
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "auto":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        # All GPUs, else every logical CPU device (one unless the process split its CPU).
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
        devices = devices or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    if name == "tpu":
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=config.tpu or "")
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError) as error:
            raise ValueError(f"strategy='tpu': no TPU found at {config.tpu or 'the local host'!r} ({error}).") from None
        return tf.distribute.TPUStrategy(resolver)
    raise ValueError(f"Unknown strategy {name!r}; expected auto, default, mirrored, multiworker or tpu.")


def _is_chief(strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    return resolver.task_type in (None, "chief") or (
        resolver.task_type == "worker" and resolver.task_id == 0 and "chief" not in resolver.cluster_spec().as_dict()
    )


def _set_learning_rates(model, config, factor=None):
    """Config rates on a new model (absolute, else the paper's x learning_rate_scale), or x factor."""
    for optimizer, rate in ((model.d_optimizer, config.d_learning_rate), (model.g_optimizer, config.g_learning_rate)):
        current = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        if factor is not None:
            optimizer.learning_rate = current * factor
        else:
            optimizer.learning_rate = rate or current * config.learning_rate_scale


def resolve_model_path(path):
    """A `.keras` file, or a run directory's latest checkpoint, else the first `.keras` in that directory."""
    if not os.path.isdir(path) and not os.path.isfile(path):
        raise ValueError(f"{path!r}: no such model file or directory.")
    if os.path.isfile(path):
        return path
    _, checkpoint = latest_checkpoint(path)
    if checkpoint is None:
        candidates = sorted(glob.glob(os.path.join(path, "*.keras")))
        if not candidates:
            raise ValueError(f"{path!r}: no checkpoints/step_*.keras and no .keras model in that directory.")
        checkpoint = candidates[0]
    return checkpoint


def _build_model(config, data_shape, num_classes):
    import ganzoo

    if config.init_from:
        model = ganzoo.load_model(resolve_model_path(config.init_from))
        if tuple(model.data_shape) != tuple(data_shape):
            raise ValueError(f"init_from model makes {model.data_shape} samples but the data is {data_shape}.")
        return model
    keras.utils.set_random_seed(config.seed)  # the initial weights are a function of the seed
    model = ganzoo.models.build(
        config.variant, data_shape, latent_dim=config.latent_dim or None, num_classes=num_classes,
        seed=config.seed, **config.model.to_dict(),
    )
    model.compile(jit_compile=bool(config.jit_compile))
    _set_learning_rates(model, config)
    return model


def _check_config(config):
    if config.on_nonfinite not in ("retry", "stop"):
        raise ValueError(f"on_nonfinite={config.on_nonfinite!r}; expected 'retry' or 'stop'.")
    if config.mixed_precision not in ("", "mixed_float16", "mixed_bfloat16"):
        raise ValueError(f"mixed_precision={config.mixed_precision!r}; expected '', 'mixed_float16' or 'mixed_bfloat16'.")
    for key in ("steps", "batch_size", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints"):
        if config[key] < 1:
            raise ValueError(f"config.{key} must be >= 1, got {config[key]}.")
    if config.eval_every and config.eval_every % config.log_every:
        raise ValueError(f"config.eval_every must be a multiple of config.log_every; got eval_every="
                         f"{config.eval_every}, log_every={config.log_every}.")
    if config.eval_every and config.dataset not in ("mnist", "fashion_mnist", "ring8", "grid25"):
        raise ValueError(f"config.eval_every: in-training evaluation exists for mnist, fashion_mnist, ring8 and "
                         f"grid25, not {config.dataset!r}; set --config.eval_every=0 and run ganzoo-eval on the "
                         "finished run.")


class _Evaluator:
    """Domain metrics during training: a fixed latent batch against a fixed reference set."""

    def __init__(self, config):
        self.config = config
        if config.dataset in ("ring8", "grid25"):
            self.classifier = self.reference = None
            return
        from ganzoo.evaluate import reference_images
        from ganzoo.metrics.classifier import Classifier

        self.classifier = Classifier(config.dataset)
        self.reference = reference_images(config.dataset, config.data_dir or None, config.eval_samples, seed=1)

    def __call__(self, model):
        samples = model.generate(self.config.eval_samples, seed=self.config.seed)
        if self.classifier is None:
            from ganzoo.metrics import toy_metrics

            values = toy_metrics(samples, self.config.dataset)
        else:
            from ganzoo.metrics.classifier import domain_metrics

            values = domain_metrics(samples, self.reference, self.classifier)
        return {k: v for k, v in values.items() if isinstance(v, (int, float)) and not k.startswith("num_")}


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


def train_and_evaluate(config, workdir, *, callbacks=()):
    """Trains `config.variant` on `config.dataset` for `config.steps` generator steps in `workdir`.

    `callbacks`: extra Keras callbacks for `fit`. Returns the final metrics dict
    (also written to `workdir/metrics.json`).
    """
    _check_config(config)
    policy = keras.config.dtype_policy()
    if config.mixed_precision:
        keras.config.set_dtype_policy(config.mixed_precision)
    try:
        return _train(config, workdir, callbacks)
    finally:
        keras.config.set_dtype_policy(policy)


def _train(config, workdir, callbacks):
    import tensorflow as tf

    import ganzoo
    from ganzoo.data import make_dataset

    if config.deterministic:
        keras.utils.set_random_seed(config.seed)
        tf.config.experimental.enable_op_determinism()
    strategy = _strategy(config)
    chief = _is_chief(strategy)
    if not chief:  # other workers run the same ops but write to a scratch folder
        workdir = os.path.join(workdir, f"worker_{strategy.cluster_resolver.task_id}")
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, "config.json"), "w") as f:
        f.write(config.to_json_best_effort(indent=2))
    for stale in glob.glob(os.path.join(workdir, "checkpoints", ".tmp_*")):
        os.remove(stale)  # a write interrupted by a kill
    jsonl_path = os.path.join(workdir, "metrics.jsonl")
    os.makedirs(os.path.join(workdir, "samples"), exist_ok=True)
    writer = tf.summary.create_file_writer(os.path.join(workdir, "tensorboard")) if config.tensorboard else None
    retries = 0
    lr_factor = 1.0
    while True:
        start_step, checkpoint = latest_checkpoint(workdir)
        _truncate_jsonl(jsonl_path, start_step)
        with strategy.scope():
            if checkpoint:
                model = ganzoo.load_model(checkpoint)
                if config.jit_compile:
                    model.compile(model.d_optimizer, model.g_optimizer, jit_compile=True)
                print(f"Resuming from {checkpoint} at step {start_step}.", flush=True)
            dataset, data_shape, num_classes = make_dataset(
                config.dataset, config.batch_size, data_dir=config.data_dir or None,
                conditional=config.conditional, seed=config.seed, skip_batches=start_step,
            )
            if not checkpoint:
                model = _build_model(config, data_shape, num_classes)
            if retries:
                _set_learning_rates(model, config, lr_factor)
        monitor = _Monitor(model, config, workdir, start_step, jsonl_path, writer)
        remaining = config.steps - start_step
        if remaining > 0:
            model.fit(dataset, steps_per_epoch=remaining, epochs=1, verbose=config.verbose, shuffle=False,
                      callbacks=[*callbacks, monitor])
        if monitor.nonfinite is None:
            break
        step, names = monitor.nonfinite
        if config.on_nonfinite == "stop" or retries >= config.max_nonfinite_retries:
            reason = "on_nonfinite='stop'" if config.on_nonfinite == "stop" else f"{retries} retries used"
            message = (f"Non-finite {names} at step {step}; stopping ({reason}). The last good checkpoint "
                       f"is step {latest_checkpoint(workdir)[0]} in {workdir}/checkpoints.")
            _log_event(jsonl_path, {"step": step, "event": "non_finite_stop", "metrics": names, "message": message})
            raise NonFiniteLossError(message)
        retries += 1
        lr_factor *= config.nonfinite_lr_factor
        _log_event(jsonl_path, {
            "step": step, "event": "non_finite_retry", "metrics": names, "retry": retries,
            "learning_rate_factor": lr_factor,
            "message": (f"Non-finite {names} at step {step}: back to step {latest_checkpoint(workdir)[0]}, "
                        f"retry {retries}/{config.max_nonfinite_retries} with learning rates x{lr_factor:g}."),
        })
    step = monitor.last_step  # not g_optimizer.iterations: loss scaling may skip an overflowing step
    save_samples(model, config, os.path.join(workdir, "samples.png"), step)
    plot_losses(jsonl_path, os.path.join(workdir, "losses.png"))
    metrics = {"variant": config.variant, "dataset": config.dataset, "steps": step, "batch_size": config.batch_size,
               "generator_updates": int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)),  # includes a pretrained model's
               "replicas": int(strategy.num_replicas_in_sync), "steps_per_second": monitor.steps_per_second(),
               "nonfinite_retries": retries, "workdir": workdir}
    if len(data_shape) == 1 and config.dataset in ("ring8", "grid25"):
        from ganzoo.metrics import toy_metrics

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

    def steps_per_second(self):
        step, started = self.timed
        last = self.start_step + getattr(self, "_last_batch", 0)
        if started is None or last <= step:
            return None
        return round((last - step) / (self._last_time - started), 3)

    def on_train_batch_end(self, batch, logs=None):
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
                self.evaluator = getattr(self, "evaluator", None) or _Evaluator(config)
                values.update(self.evaluator(self.gan))
            values.update(step=step, seconds=round(now - self.start, 2))
            with open(self.jsonl_path, "a") as f:
                f.write(json.dumps(values) + "\n")
            # Keras' trackers average since the epoch began, and a run is one
            # epoch: reset them so each logged value is the mean of its window.
            for metric in self.gan.metrics:
                metric.reset_state()
            if self.writer is not None:
                import tensorflow as tf

                with self.writer.as_default(step=step):
                    for name, value in values.items():
                        if name not in ("step", "seconds"):
                            tf.summary.scalar(name, value)
        if step % config.sample_every == 0:
            path = os.path.join(self.workdir, "samples", f"step_{step:07d}.png")
            save_samples(self.gan, config, path, step)
            if self.writer is not None:
                import tensorflow as tf
                from PIL import Image

                image = np.asarray(Image.open(path).convert("RGB"))[None]
                with self.writer.as_default(step=step):
                    tf.summary.image("samples", image)
        if step % config.checkpoint_every == 0 or step == config.steps:
            save_checkpoint(self.gan, self.workdir, step, config.keep_checkpoints)
        if self.writer is not None and step % config.log_every == 0:
            self.writer.flush()
