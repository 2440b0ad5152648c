"""What a toy training step costs: net sizes, steps_per_execution and XLA, interleaved in one process.

    python benchmarks/toy_step.py [--threads=1] [--rounds=5] [--steps=200] [--out=benchmarks/results/toy_step]

Every case is a (variant, nets, steps_per_execution, XLA) tuple trained with `model.fit` on ring8
batches of 128 (real_batches="fresh", as ganzoo-train runs them). Cases are timed round-robin, `rounds`
times each, so that a noisy shared machine loads them alike; the table gives each case's median
milliseconds per generator step and its ratio to the first case of its variant. Nets: VEEGAN's 2x128,
3x128, the old presets' 3x256, WGAN-GP's gan_toy.py 3x512, and PacGAN's (G 4x400, D 3x200).
"""

import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

NETS = {"2x128": ((128, 128), (128, 128)), "3x128": ((128,) * 3, (128,) * 3), "3x256": ((256,) * 3, (256,) * 3),
        "3x512": ((512,) * 3, (512,) * 3), "pacgan": ((400,) * 4, (200,) * 3)}
CASES = ([("wgan-gp", nets, 1, False) for nets in NETS] + [("wgan-gp", "2x128", 50, False), ("wgan-gp", "2x128", 1, True),
         ("wgan-gp", "2x128", 50, True)] + [("nsgan", nets, 1, False) for nets in NETS] + [("nsgan", "2x128", 50, False), ("nsgan", "3x256", 50, False)])
BATCH = 128


def build(variant, nets, steps_per_execution, xla):
    import keras

    import ganzoo
    from ganzoo import configs

    g, d = NETS[nets]
    model = ganzoo.models.build(variant, (2,), latent_dim=64, generator_widths=g, discriminator_widths=d,
                                seed=0, real_batches="fresh")
    d_opt, g_opt = (configs.optimizer_from_config(c) for c in configs.default_optimizer_configs(variant))
    model.compile(d_opt, g_opt, jit_compile=xla, steps_per_execution=steps_per_execution)
    keras.utils.set_random_seed(0)
    return model


def time_case(model, data, steps):
    import keras

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.marks = []

        def on_train_batch_end(self, batch, logs=None):
            self.marks.append((batch, time.perf_counter()))

    clock = Clock()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[clock])
    (first, t0), (last, t1) = clock.marks[0], clock.marks[-1]
    return 1000 * (t1 - t0) / (last - first)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "toy_step"))
    args = parser.parse_args()
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    from ganzoo.data import make_dataset

    built = {}
    for case in CASES:
        model = build(*case)
        data, _, _ = make_dataset("ring8", model.critic_batch_rows(BATCH), seed=0)
        time_case(model, data, max(40, 2 * case[2]))  # trace and warm up
        built[case] = (model, data)
    times = {case: [] for case in CASES}
    for r in range(args.rounds):
        for case in CASES:
            model, data = built[case]
            times[case].append(time_case(model, data, args.steps))
        print(f"round {r + 1}/{args.rounds} done", flush=True)
    rows = []
    base = {}
    for case in CASES:
        variant, nets, k, xla = case
        ms = statistics.median(times[case])
        base.setdefault(variant, ms)
        rows.append({"variant": variant, "nets": nets, "steps_per_execution": k, "xla": xla, "ms_per_step": round(ms, 2),
                     "all_ms": [round(t, 2) for t in times[case]], "ratio_to_first": round(ms / base[variant], 3)})
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"threads": args.threads, "rounds": args.rounds, "steps": args.steps, "batch": BATCH,
                   "cpu": _cpu(), "rows": rows}, f, indent=1)
    lines = [f"# Toy step, batch {BATCH}, {args.threads} thread(s), median of {args.rounds} interleaved rounds "
             f"of {args.steps} steps ({_cpu()})", "",
             "| variant | nets (G / D) | steps per call | XLA | ms per generator step | x first row |",
             "|---|---|---:|---|---:|---:|"]
    for row in rows:
        g, d = NETS[row["nets"]]
        lines.append(f"| {row['variant']} | {row['nets']} ({'x'.join(map(str, g))} / {'x'.join(map(str, d))}) | "
                     f"{row['steps_per_execution']} | {'on' if row['xla'] else 'off'} | {row['ms_per_step']} | "
                     f"{row['ratio_to_first']} |")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def _cpu():
    from throughput import lscpu  # benchmarks/ is on sys.path when this file runs as a script

    return lscpu().get("Model name", "unknown CPU")


if __name__ == "__main__":
    main()
