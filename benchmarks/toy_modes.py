"""Mode coverage of every variant on ring8 and grid25 with the same budget.

Usage: python benchmarks/toy_modes.py --out=benchmarks/results/toy_modes [--steps=N --batch_size=B]

Runs every zoo recipe (`ganzoo.configs.zoo_config_spec`) through
`ganzoo.training.train_and_evaluate` (the variant's paper defaults for
optimizers, n_critic and penalty weights; the toy configs' shared learning-rate
scale and budget), then measures 2,500 samples with `ganzoo.metrics.toy_metrics`
(VEEGAN/PacGAN protocol). Writes results.json (updated after each run, so a
killed job keeps what it finished and a rerun continues), results.md and
samples.png; run folders (checkpoints) go to --runs.
"""

import argparse
import json
import os
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plot(results, samples, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import ganzoo

    names = sorted({r["dataset"] for r in results})
    variants = [v for v in ganzoo.variants() if any(r["variant"] == v for r in results)]
    fig, axes = plt.subplots(len(names), len(variants), figsize=(2.2 * len(variants), 2.3 * len(names)), squeeze=False)
    for i, name in enumerate(names):
        modes = ganzoo.data.toy_modes(name)
        for j, variant in enumerate(variants):
            ax = axes[i, j]
            key = f"{variant}/{name}"
            if key in samples:
                x = samples[key]
                ax.scatter(x[:, 0], x[:, 1], s=1, alpha=0.4, color="tab:blue")
                r = next(r for r in results if r["variant"] == variant and r["dataset"] == name)
                ax.set_title(f"{variant}\n{r['modes']}/{r['num_modes']} modes, {100 * r['high_quality']:.0f}% HQ", fontsize=7)
            ax.scatter(modes[:, 0], modes[:, 1], s=12, marker="x", color="tab:red")
            lim = 5.5 if name == "grid25" else 3
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=0, help="0: the configs' budget")
    parser.add_argument("--batch_size", type=int, default=0, help="0: the configs' batch size")
    parser.add_argument("--datasets", default="ring8,grid25")
    parser.add_argument("--variants", default="all")
    parser.add_argument("--out", default="benchmarks/results/toy_modes")
    parser.add_argument("--runs", default="runs/toy_modes")
    args = parser.parse_args()

    import ganzoo
    from ganzoo.metrics import toy_metrics
    from ganzoo.metrics.toy import PROTOCOL

    os.makedirs(args.out, exist_ok=True)
    variants = ganzoo.variants() if args.variants == "all" else args.variants.split(",")
    json_path = os.path.join(args.out, "results.json")
    results = json.load(open(json_path)) if os.path.exists(json_path) else []
    samples = {}
    npz_path = os.path.join(args.out, "samples.npz")
    if os.path.exists(npz_path):
        samples = dict(np.load(npz_path))
    from ganzoo import configs, training

    for name in args.datasets.split(","):
        for variant in variants:
            key = f"{variant}/{name}"
            if key in samples:
                continue
            config = configs.load_zoo_config(variant, name)
            with config.unlocked():
                config.steps = args.steps or config.steps
                config.batch_size = args.batch_size or config.batch_size
                config.sample_every = config.checkpoint_every = config.log_every = config.steps
                config.keep_checkpoints = 1
                config.tensorboard = False
                config.verbose = 0
            workdir = os.path.join(args.runs, f"{variant}-{name}")
            start = time.time()
            metrics = training.train_and_evaluate(config, workdir)
            seconds = time.time() - start
            model = ganzoo.load_model(ganzoo.saving.latest_checkpoint(workdir)[1])
            x = model.generate(2500, seed=config.seed)
            metrics.pop("protocol")
            results.append({
                "variant": variant, "dataset": name, "steps": config.steps, "batch_size": config.batch_size,
                "n_critic": model.n_critic, "d_learning_rate": float(model.d_optimizer.learning_rate),
                "train_seconds": round(seconds, 1), **{k: metrics[k] for k in ("modes", "num_modes", "high_quality", "reverse_kl", "w1")},
            })
            samples[key] = x
            print(json.dumps(results[-1]), flush=True)
            json.dump(results, open(json_path, "w"), indent=1)
            np.savez_compressed(npz_path, **samples)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"Protocol: {PROTOCOL}.\n\n")
        f.write("| variant | dataset | G steps x batch | n_critic | D lr | modes | high quality | reverse KL | W1 | train s |\n")
        f.write("|---|---|---|---|---|---|---|---|---|---|\n")
        for r in results:
            f.write(f"| {r['variant']} | {r['dataset']} | {r['steps']} x {r['batch_size']} | {r['n_critic']} | {r['d_learning_rate']:g} | "
                    f"{r['modes']}/{r['num_modes']} | {100 * r['high_quality']:.1f} % | {'n/a' if r['reverse_kl'] is None else format(r['reverse_kl'], '.3f')} | "
                    f"{r['w1']:.3f} | {r['train_seconds']} |\n")
    plot(results, samples, os.path.join(args.out, "samples.png"))


if __name__ == "__main__":
    main()
