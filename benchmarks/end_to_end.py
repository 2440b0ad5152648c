"""End-to-end `ganzoo-train` throughput on real MNIST against the bare train step, and the input pipeline alone.

Usage:
    python benchmarks/end_to_end.py --data_dir=../shared/data/mnist [--steps=300 --repeats=3 --nets=zoo,default]

For each network size (`zoo`: the shipped presets' small DCGAN-28 from
zoo_configs/zoo.py:wgan-gp,mnist28; `default`: the library's default DCGAN-28,
the nets of benchmarks/throughput.py), all WGAN-GP with n_critic = 5, batch 64:

- input pipeline: `ganzoo.data.make_dataset` on the idx files (decode, scale,
  per-epoch permutation, batching, prefetch) iterated alone: train steps'
  worth of batches per second;
- bare step: the same model `fit` on one cached batch repeated (no input
  pipeline, no callbacks);
- end to end: `ganzoo.training.train_and_evaluate` (what `ganzoo-train` runs)
  with its progress bar, a metrics.jsonl line and TensorBoard scalars every 50
  steps, a sample grid (PNG + TensorBoard image) and an atomic checkpoint at
  half-way and at the end; steps/s from its metrics.json (first step, which
  traces the graph, excluded from both).

Bare and end-to-end runs alternate `--repeats` times; medians and min-max are
reported, and the ratio end-to-end / bare per repeat (paired). Writes
results.json and results.md to --out.
"""

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _config(nets, data_dir, steps, precision="float32"):
    import ganzoo
    from ganzoo import configs

    config = configs.load_zoo_config("wgan-gp", "mnist28")
    with config.unlocked():
        config.data_dir = data_dir
        config.steps = steps
        config.log_every = 50
        config.mixed_precision = precision
        config.sample_every = config.checkpoint_every = steps // 2
        if nets == "default":
            config.latent_dim = 128
            defaults = ganzoo.models.get_class("wgan-gp").network_defaults((28, 28, 1))
            config.model.generator_widths = defaults["generator_widths"]
            config.model.discriminator_widths = defaults["discriminator_widths"]
    return config


def pipeline_rate(config, batches):
    from ganzoo import configs
    from ganzoo.data import make_dataset

    dataset, _, _ = make_dataset(config.dataset, configs.real_rows_per_step(config), data_dir=config.data_dir, seed=0)
    iterator = iter(dataset)
    for _ in range(20):
        next(iterator)
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches / (time.perf_counter() - start)


class _Timer:
    def __init__(self):
        import keras

        class Callback(keras.callbacks.Callback):
            def on_train_batch_end(cb, batch, logs=None):  # noqa: N805
                self.times.append(time.perf_counter())

        self.times = []
        self.callback = Callback()

    def rate(self):
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


def bare_rate(config, steps):
    import tensorflow as tf

    from ganzoo import configs
    from ganzoo.data import make_dataset
    from ganzoo.training import _build_model

    dataset, data_shape, _ = make_dataset(config.dataset, configs.real_rows_per_step(config), data_dir=config.data_dir, seed=0)
    import keras

    batch = next(iter(dataset))
    keras.config.set_dtype_policy(config.mixed_precision)  # as train_and_evaluate sets it
    model = _build_model(config, data_shape, None)
    keras.config.set_dtype_policy("float32")
    timer = _Timer()
    model.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=steps, epochs=1, verbose=0,
              shuffle=False, callbacks=[timer.callback])
    return timer.rate()


def end_to_end_rate(config):
    from ganzoo import training

    workdir = tempfile.mkdtemp(prefix="ganzoo_e2e_")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the progress bar still runs, unseen
            metrics = training.train_and_evaluate(config, workdir)
        return metrics["steps_per_second"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "all": values}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir", required=True, help="a local MNIST copy (idx files)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nets", default="zoo,default")
    parser.add_argument("--mixed_precision", default="float32", help="float32 or mixed_bfloat16, for both paths")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "end_to_end"))
    args = parser.parse_args()

    load_before = os.getloadavg()
    results = {"command": " ".join(sys.argv), "steps": args.steps, "repeats": args.repeats,
               "load_average_before": load_before, "nets": {}}
    for nets in args.nets.split(","):
        config = _config(nets, args.data_dir, args.steps, args.mixed_precision)
        pipeline = pipeline_rate(config, max(args.steps, 200))
        bare, e2e = [], []
        for repeat in range(args.repeats):
            bare.append(bare_rate(config, args.steps))
            e2e.append(end_to_end_rate(config))
            print(f"{nets} repeat {repeat + 1}: bare {bare[-1]:.2f} steps/s, end to end {e2e[-1]:.2f} steps/s, "
                  f"pipeline alone {pipeline:.1f} batches/s", flush=True)
        ratios = [e / b for e, b in zip(e2e, bare)]
        results["nets"][nets] = {
            "pipeline_batches_per_second": pipeline, "bare_steps_per_second": _summary(bare),
            "end_to_end_steps_per_second": _summary(e2e), "end_to_end_over_bare": _summary(ratios),
            "pipeline_over_bare": pipeline / statistics.median(bare),
        }
    results["load_average_after"] = os.getloadavg()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = [
        f"# End-to-end training throughput (WGAN-GP, MNIST, batch 64, n_critic 5, {args.mixed_precision})", "",
        f"`{results['command']}`; load average before {load_before[0]:.2f}, after {results['load_average_after'][0]:.2f} "
        f"(1 min, 2 CPUs). Medians [min-max] over {args.repeats} alternating repeats of {args.steps} steps.", "",
        "| nets | input pipeline alone (batches/s) | bare step (steps/s) | ganzoo-train end to end (steps/s) "
        "| end to end / bare | pipeline / bare |",
        "|---|---|---|---|---|---|",
    ]
    for nets, r in results["nets"].items():
        b, e, q = r["bare_steps_per_second"], r["end_to_end_steps_per_second"], r["end_to_end_over_bare"]
        lines.append(f"| {nets} | {r['pipeline_batches_per_second']:.0f} | {b['median']:.2f} [{b['min']:.2f}-{b['max']:.2f}] "
                     f"| {e['median']:.2f} [{e['min']:.2f}-{e['max']:.2f}] | {q['median']:.2f} [{q['min']:.2f}-{q['max']:.2f}] "
                     f"| {r['pipeline_over_bare']:.0f}x |")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
