"""Claim 7 (Arjovsky & Bottou 2017, §3; Sønderby et al. 2017, §3.1): the data lie on a low-dimensional
support, so the real and fake distributions barely overlap and the discriminator wins outright;
instance noise (Gaussian noise on both, annealed to 0) makes the supports overlap and training
covers more of the data.

The measurement: the minimax GAN and NS-GAN on ring8 (sigma 0.01: eight near-point masses) from the
zoo recipe (`zoo_configs/zoo.py:<variant>,ring8`: 3x256 MLPs, Adam(1e-3, 0.5), batch 128), with
and without instance noise (`model.instance_noise` = 0.1, ten times the modes' sigma, annealed
linearly to 0 over the run), the same budget (800 steps: 12 runs in 5 minutes) and 3 seeds each. Modes covered
(>= 20 high-quality samples), high-quality share and W1 at the PacGAN protocol
(`ganzoo.metrics.toy`).

Verdict: "holds" when, for both losses, the mean modes covered with noise exceed those without by
at least one mode; "holds partly" when for one of them.
"""

import os
import tempfile

import numpy as np

NAME = "Instance noise and low-dimensional supports"
SOURCE = "Arjovsky & Bottou 2017, §3; Sønderby et al. 2017"
VARIANTS = ("gan", "nsgan")
NOISE = 0.1


def _train(variant, noise, steps, seed):
    from ganzoo import configs, training

    config = configs.load_zoo_config(variant, "ring8")
    with config.unlocked():
        configs.quiet_run(config, steps=steps, seed=seed)
        config.model.instance_noise = noise
        config.model.instance_noise_steps = steps
    with tempfile.TemporaryDirectory() as workdir:
        return training.train_and_evaluate(config, workdir)


def run(quick=False, seed=0):
    steps, seeds = (100, (seed,)) if quick else (800, (seed, seed + 1, seed + 2))
    figures = {}
    for variant in VARIANTS:
        for noise in (0.0, NOISE):
            figures[variant, noise] = [_train(variant, noise, steps, s) for s in seeds]
    mean = lambda rows, key: float(np.mean([r[key] for r in rows]))  # noqa: E731
    sd = lambda rows, key: float(np.std([r[key] for r in rows], ddof=1)) if len(rows) > 1 else 0.0  # noqa: E731
    measured = {"steps": steps, "seeds": list(seeds), "noise": NOISE}
    gains = {}
    for variant in VARIANTS:
        for noise in (0.0, NOISE):
            rows = figures[variant, noise]
            measured[f"{variant}_noise{noise:g}"] = {k: [r[k] for r in rows] for k in ("modes", "high_quality", "w1")}
        gains[variant] = mean(figures[variant, NOISE], "modes") - mean(figures[variant, 0.0], "modes")
    measured["modes_gain"] = gains
    wins = [gains[v] >= 1.0 for v in VARIANTS]
    verdict = "holds" if all(wins) else ("holds partly" if any(wins) else "does not hold here")
    summary = "; ".join(
        f"{v}: {mean(figures[v, 0.0], 'modes'):.1f} ± {sd(figures[v, 0.0], 'modes'):.1f} modes without noise, "
        f"{mean(figures[v, NOISE], 'modes'):.1f} ± {sd(figures[v, NOISE], 'modes'):.1f} with"
        for v in VARIANTS) + f" (of 8, n = {len(seeds)}, {steps} steps)"
    pairs = [(v, n) for v in VARIANTS for n in (0.0, NOISE)]
    labels = [f"{v}, {'noise ' + format(n, 'g') if n else 'no noise'}" for v, n in pairs]
    panels = [{"kind": "bars", "labels": labels, "values": [mean(figures[p], key) * scale for p in pairs],
               "errors": [sd(figures[p], key) * scale for p in pairs], "ylabel": title,
               "title": f"{title}: mean ± sd over {len(seeds)} seeds"}
              for key, title, scale in (("modes", "modes covered (of 8)", 1.0),
                                        ("high_quality", "high-quality %", 100.0))]
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
