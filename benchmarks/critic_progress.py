"""Is the critic a progress signal? WGAN's E[D(real)] - E[D(fake)] against sample quality.

Usage: python benchmarks/critic_progress.py --data_dir=path/to/mnist-idx [--steps=2000 --eval_every=100]

Trains `wgan-gp` and `nsgan` on mnist28 from their zoo configs with
`eval_every` on (classifier-FID of 2,000 samples against 2,000 training images,
the shipped MNIST classifier's 128-d features), then plots each run's critic
signal (wgan-gp: the W-estimate; nsgan: the discriminator loss) and the
classifier-FID against the generator step, and reports Spearman's rank
correlation between signal and FID over the evaluated steps. The seed claim
(Arjovsky et al. 2017): the W-estimate falls as samples improve (positive
correlation with FID); the original GAN's D loss does not track quality.
Writes results.json and critic_progress.png to --out.
"""

import argparse
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIGNALS = {"wgan-gp": "w_estimate", "nsgan": "d_loss"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir", required=True)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--eval_every", type=int, default=100)
    parser.add_argument("--out", default="benchmarks/results/critic_progress")
    parser.add_argument("--runs", default="runs/critic_progress")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.stats import spearmanr

    from ganzoo import configs, training

    os.makedirs(args.out, exist_ok=True)
    results = {}
    fig, axes = plt.subplots(1, len(SIGNALS), figsize=(5.5 * len(SIGNALS), 3.6))
    for ax, (variant, signal) in zip(axes, SIGNALS.items()):
        config = configs.load_zoo_config(variant, "mnist28")
        with config.unlocked():
            config.data_dir = args.data_dir
            config.steps = args.steps
            config.log_every = config.eval_every = args.eval_every
            config.sample_every = config.checkpoint_every = args.steps
            config.verbose = 0
        workdir = os.path.join(args.runs, variant)
        training.train_and_evaluate(config, workdir)
        rows = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]
        rows = [r for r in rows if "classifier_fid" in r]
        steps = [r["step"] for r in rows]
        values = [r[signal] for r in rows]
        fids = [r["classifier_fid"] for r in rows]
        rho, p_value = spearmanr(values, fids)
        results[variant] = {"signal": signal, "spearman": float(rho), "p_value": float(p_value),
                            "evaluations": len(rows), "steps": steps, "signal_values": values, "classifier_fid": fids}
        ax.plot(steps, values, color="tab:blue")
        ax.set_ylabel(signal, color="tab:blue")
        ax.set_xlabel("generator step")
        twin = ax.twinx()
        twin.plot(steps, fids, color="tab:red")
        twin.set_ylabel("classifier-FID", color="tab:red")
        ax.set_title(f"{variant}: Spearman({signal}, FID) = {rho:.2f}")
        print(variant, signal, f"spearman={rho:.3f} p={p_value:.2g} over {len(rows)} evaluations", flush=True)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "critic_progress.png"), dpi=110)
    protocol = ("classifier-FID: 2,000 samples (fixed latents) vs 2,000 MNIST training images, features of the shipped "
                f"MNIST classifier's 128-d layer; every {args.eval_every} generator steps; zoo configs mnist28")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"protocol": protocol, "runs": results}, f, indent=1)


if __name__ == "__main__":
    main()
