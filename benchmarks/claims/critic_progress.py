"""Claim 6 (Arjovsky et al. 2017, WGAN, §4.2, Figs. 3-4): the critic's Wasserstein estimate tracks
sample quality; the original GAN's discriminator loss does not.

The measurement (the same as benchmarks/critic_progress.py, in this folder's form): WGAN-GP and
NS-GAN trained on MNIST from their zoo configs (`zoo_configs/zoo.py:<variant>,mnist28`), and every
few generator steps the classifier-FID of 2,000 fixed-latent samples against 2,000 training images
(the shipped MNIST classifier's 128-d features) beside each run's critic signal: WGAN-GP's
E[D(real)] - E[D(fake)] (`w_estimate`), NS-GAN's discriminator loss (`d_loss`), as logged at the
same step. Spearman's rank correlation between signal and FID over the evaluations.

Verdict: "holds" when the W estimate's Spearman correlation with FID is above 0.8 and the NS-GAN
discriminator loss's is below 0.5 in size (a strong negative one tracks quality too, inversely);
"holds partly" when only the first holds.
"""

import json
import os
import tempfile

import numpy as np

NAME = "The critic as a progress signal"
SOURCE = "Arjovsky et al. 2017 (WGAN), §4.2, Figs. 3-4"
SIGNALS = {"wgan-gp": "w_estimate", "nsgan": "d_loss"}


def _scaled(values):
    values = np.asarray(values, dtype="float64")
    span = values.max() - values.min()
    return (values - values.min()) / span if span > 0 else values * 0.0


def run(quick=False, seed=0, mnist_dir=None):
    from scipy.stats import spearmanr

    from ganzoo import configs, training

    if not mnist_dir:
        raise SystemExit("claim 6 needs MNIST: --mnist_dir=<a folder of the MNIST idx files>")
    steps, every = (100, 25) if quick else (400, 20)  # 20 evaluations in <= 5 minutes (800 steps took 538 s)
    measured, panels, rhos = {"steps": steps, "eval_every": every}, [], {}
    for variant, signal in SIGNALS.items():
        # the paper defaults on the zoo nets (zoo.py), not the tuned 28 px recipes of issue 19
        config = configs.load_paper_config(variant, "mnist28")
        with config.unlocked():
            configs.quiet_run(config, steps=steps, seed=seed, data_dir=mnist_dir, eval_every=every)
        with tempfile.TemporaryDirectory() as workdir:
            training.train_and_evaluate(config, workdir)
            rows = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]
        rows = [r for r in rows if "classifier_fid" in r and signal in r]
        x = [r["step"] for r in rows]
        values, fids = [r[signal] for r in rows], [r["classifier_fid"] for r in rows]
        rhos[variant] = float(spearmanr(values, fids).statistic)
        measured[variant] = {"signal": signal, "spearman": rhos[variant], "steps": x, "signal_values": values,
                             "classifier_fid": fids}
        panels.append({"curves": [(x, _scaled(values), f"{signal} (scaled to [0, 1])"),
                                  (x, _scaled(fids), "classifier-FID (scaled to [0, 1])")],
                       "xlabel": "generator step", "ylabel": "scaled value",
                       "title": f"{variant}: Spearman({signal}, FID) = {rhos[variant]:.2f}"})
    holds = rhos["wgan-gp"] > 0.8 and abs(rhos["nsgan"]) < 0.5  # a strong negative rho would track quality too
    summary = (f"Spearman with classifier-FID over {len(measured['wgan-gp']['steps'])} evaluations: WGAN-GP's "
               f"W estimate {rhos['wgan-gp']:.2f}, NS-GAN's discriminator loss {rhos['nsgan']:.2f}")
    return {"verdict": "holds" if holds else ("holds partly" if rhos["wgan-gp"] > 0.8 else "does not hold here"),
            "summary": summary, "measured": measured, "panels": panels}
