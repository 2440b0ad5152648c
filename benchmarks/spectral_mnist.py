"""The two spectral layers on MNIST at equal budget: ganzoo's faithful `SpectralDense`/`SpectralConv2D`
(W free, the gradient through W / sigma(W), one power iteration per critic update) against Keras'
`SpectralNormalization` (it overwrites the kernel with W / sigma(W), no gradient through sigma).

    python benchmarks/spectral_mnist.py --mnist_dir=../shared/data/mnist [--steps=1500] [--seeds=0]

SNGAN from the zoo recipe (`zoo_configs/zoo.py:sngan,mnist28`), `model.normalization` set to each
layer, the same steps, seed and data. Scored as claim 9 scores (the shipped MNIST classifier): class
coverage, class KL and classifier-FID of 2,000 samples against 2,000 training images. Writes
results.json, results.md and one sample grid per run to benchmarks/results/spectral_mnist/.
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

LAYERS = ("spectral", "spectral_keras")
SAMPLES = 2000


def train_one(normalization, steps, seed, mnist_dir, out):
    from ganzoo import configs, evaluate, plotting, training
    from ganzoo.saving import load_model, resolve_model_path

    config = configs.load_zoo_config("sngan", "mnist28")
    with config.unlocked():
        configs.quiet_run(config, steps=steps, seed=seed, data_dir=mnist_dir)
        config.model.normalization = normalization
    started = time.time()
    with tempfile.TemporaryDirectory() as workdir:
        training.train_and_evaluate(config, workdir)
        model = load_model(resolve_model_path(workdir))
    seconds = time.time() - started
    plotting.save_grid(model.generate(64, seed=seed), os.path.join(out, f"samples_{normalization}_seed{seed}.png"))
    scored = evaluate.evaluate(model, "mnist", data_dir=mnist_dir, metrics=("modes",), num_samples=SAMPLES, seed=seed)
    return {"normalization": normalization, "seed": seed, "steps": steps, "train_seconds": round(seconds, 1),
            **{k: scored[k] for k in ("classes_covered", "class_kl", "classifier_fid") if k in scored}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist_dir", required=True)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "spectral_mnist"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for seed in seeds:
        for normalization in LAYERS:  # interleaved: both layers see the same machine load
            rows.append(train_one(normalization, args.steps, seed, args.mnist_dir, args.out))
            print(json.dumps(rows[-1]), flush=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"samples": SAMPLES, "rows": rows}, f, indent=1)
    lines = [f"SNGAN on MNIST (zoo recipe), {args.steps} steps, seeds {args.seeds}; {SAMPLES} samples against "
             f"{SAMPLES} training images, the shipped MNIST classifier's features.", "",
             "| layer | seed | classes | class KL | classifier-FID | train s | samples |", "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['normalization']} | {r['seed']} | {r.get('classes_covered', '-')} | {r.get('class_kl', float('nan')):.3f} | "
                     f"{r['classifier_fid']:.1f} | {r['train_seconds']:.0f} | "
                     f"[png](samples_{r['normalization']}_seed{r['seed']}.png) |")
    for n in LAYERS:
        fids = [r["classifier_fid"] for r in rows if r["normalization"] == n]
        lines.append(f"\n{n}: classifier-FID {np.mean(fids):.1f}" + (f" ± {np.std(fids, ddof=1):.1f}" if len(fids) > 1 else "")
                     + f" (n = {len(fids)})")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
