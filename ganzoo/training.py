"""`train_and_evaluate(config, workdir)`: the whole training run behind `ganzoo-train`.

A run writes into `workdir`:
- `config.json` (the resolved config), `checkpoints/step_XXXXXXX.keras` (atomic,
  last `keep_checkpoints` kept), `metrics.jsonl` (one line per `log_every` steps),
  `samples/step_XXXXXXX.png` (a fixed latent batch every `sample_every` steps),
- at the end `samples.png`, `losses.png` and `metrics.json`.
A restarted run with the same workdir resumes from its latest checkpoint: step
counter, both networks, both optimizers (and EMA) and the RNG stream, which is
a function of the step; the data pipeline skips the batches already used.
"""

import glob
import json
import math
import os
import re
import time

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


def save_samples(model, config, path, step=None):
    samples = model.generate(config.num_grid_samples, seed=config.seed)
    if len(model.data_shape) == 1:
        save_toy_plot(samples, config.dataset, path, f"{config.variant} on {config.dataset}, step {step}")
    else:
        save_grid(samples, path)


def plot_losses(jsonl_path, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for line in open(jsonl_path)] if os.path.exists(jsonl_path) else []
    if not rows:
        return
    steps = [r["step"] for r in rows]
    names = [k for k in ("d_loss", "g_loss", "penalty", "w_estimate") if k in rows[0]]
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        ax.plot(steps, [r[name] for r in rows])
        ax.set_title(name)
        ax.set_xlabel("generator step")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _strategy(name):
    import tensorflow as tf

    if name == "auto":
        return tf.distribute.MirroredStrategy() if len(tf.config.list_logical_devices("GPU")) > 1 else tf.distribute.get_strategy()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"Unknown strategy {name!r}; expected auto, default, mirrored or multiworker.")


def _build_model(config, data_shape, num_classes):
    import ganzoo

    if config.init_from:
        if not os.path.isdir(config.init_from) and not os.path.isfile(config.init_from):
            raise ValueError(f"init_from={config.init_from!r}: no such model file or directory.")
        path = config.init_from
        if os.path.isdir(path):
            step, path = latest_checkpoint(path)
            if path is None:
                candidates = glob.glob(os.path.join(config.init_from, "*.keras"))
                if not candidates:
                    raise ValueError(f"init_from={config.init_from!r}: no .keras model in that directory.")
                path = sorted(candidates)[0]
        model = ganzoo.load_model(path)
        if tuple(model.data_shape) != tuple(data_shape):
            raise ValueError(f"init_from model makes {model.data_shape} samples but the data is {data_shape}.")
        return model
    model = ganzoo.models.build(
        config.variant, data_shape, latent_dim=config.latent_dim or None, num_classes=num_classes,
        seed=config.seed, **config.model.to_dict(),
    )
    model.compile()
    return model


def train_and_evaluate(config, workdir):
    """Trains `config.variant` on `config.dataset` for `config.steps` generator steps in `workdir`.

    Returns the final metrics dict (also written to `workdir/metrics.json`).
    """
    import keras
    import tensorflow as tf

    import ganzoo
    from ganzoo.data import make_dataset

    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, "config.json"), "w") as f:
        f.write(config.to_json_best_effort(indent=2))
    start_step, checkpoint = latest_checkpoint(workdir)
    strategy = _strategy(config.strategy)
    with strategy.scope():
        if checkpoint:
            model = ganzoo.load_model(checkpoint)
            print(f"Resuming from {checkpoint} at step {start_step}.", flush=True)
        dataset, data_shape, num_classes = make_dataset(
            config.dataset, config.batch_size, data_dir=config.data_dir or None,
            conditional=config.conditional, seed=config.seed, skip_batches=start_step,
        )
        if not checkpoint:
            model = _build_model(config, data_shape, num_classes)
    remaining = config.steps - start_step
    os.makedirs(os.path.join(workdir, "samples"), exist_ok=True)
    jsonl_path = os.path.join(workdir, "metrics.jsonl")

    class Monitor(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.start = time.time()

        def on_train_batch_end(self, batch, logs=None):
            step = start_step + batch + 1
            values = {k: float(np.ravel(v)[0]) for k, v in (logs or {}).items()}
            bad = [k for k, v in values.items() if not math.isfinite(v)]
            if bad:
                print(f"Non-finite {bad} at step {step}: stopping; last good checkpoint kept.", flush=True)
                with open(jsonl_path, "a") as f:
                    f.write(json.dumps({"step": step, "event": "non_finite", "metrics": bad}) + "\n")
                self.model.stop_training = True
                return
            if step % config.log_every == 0 or step == config.steps:
                values.update(step=step, seconds=round(time.time() - self.start, 2))
                with open(jsonl_path, "a") as f:
                    f.write(json.dumps(values) + "\n")
            if step % config.sample_every == 0:
                save_samples(model, config, os.path.join(workdir, "samples", f"step_{step:07d}.png"), step)
            if step % config.checkpoint_every == 0 or step == config.steps:
                save_checkpoint(model, workdir, step, config.keep_checkpoints)

    if remaining > 0:
        model.fit(dataset, steps_per_epoch=remaining, epochs=1, verbose=config.verbose, callbacks=[Monitor()])
    step = int(model.g_optimizer.iterations)
    save_samples(model, config, os.path.join(workdir, "samples.png"), step)
    plot_losses(jsonl_path, os.path.join(workdir, "losses.png"))
    metrics = {"variant": config.variant, "dataset": config.dataset, "steps": step, "batch_size": config.batch_size}
    if len(data_shape) == 1 and config.dataset in ("ring8", "grid25"):
        from ganzoo.metrics import toy_metrics

        metrics.update(toy_metrics(model.generate(2500, seed=config.seed), config.dataset))
    with open(os.path.join(workdir, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    return metrics
