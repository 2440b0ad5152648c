"""Claim 8 (Zhao et al. 2016, EBGAN, §2.4): the pull-away term, a repelling regulariser on the
encoder codes of a generated batch (the mean squared cosine similarity of its pairs), keeps the
generator from collapsing onto a few modes.

The measurement: EBGAN from the zoo recipe (`zoo_configs/zoo.py:ebgan,<dataset>` or the pair's own
recipe file: grid25's is Adam(3e-4, 0.5), an MLP autoencoder, margin 1) with the paper's weight
(`model.pt_weight` = 0.1) and without it (0), the same budget and 3 seeds each, on two benchmarks:
- grid25 (PacGAN's 25 Gaussians, sigma 0.05): modes covered (>= 20 high-quality samples of 2,500),
  reverse KL of the mode histogram (`ganzoo.metrics.toy`);
- Stacked-MNIST (1,000 modes: a digit per channel): modes hit and KL to uniform of 5,000 samples,
  each channel read by the shipped MNIST classifier (`ganzoo.metrics.modes`). PacGAN's protocol
  scores 26,000; this claim compares its two arms with each other, never with a published table, and
  scoring 26,000 samples x 3 channels took 108 s per model, most of the claim's 828 s. At 5,000 a
  generator uniform over the 1,000 modes would still show 1000 (1 - e^-5) = 993 of them.
Budgets are shorter than the presets' (see `BUDGETS`) so that the claim runs in under five minutes;
the figures are for that budget (earlier, longer runs: 1,500 and 300 steps with 26,000 samples scored, 828 s; 1,000 and 200 with 10,000, 329 s; 600 and 200 with 10,000, 306 s).

Verdict: "holds" when, on both benchmarks, the mean modes with PT exceed those without by more than
the larger of the two arms' sd; "holds partly" when on one; "does not hold here" otherwise.
"""

import tempfile

import numpy as np

NAME = "The pull-away term against mode collapse"
SOURCE = "Zhao et al. 2016 (EBGAN), §2.4"
PT_WEIGHT = 0.1
# generator steps (full, quick) per benchmark
BUDGETS = {"grid25": (600, 50), "stackedmnist28": (200, 10)}
# samples scored per Stacked-MNIST model (full, quick; see the docstring)
STACKED_SAMPLES = (5_000, 1_000)


def _train(dataset, pt_weight, steps, seed, mnist_dir, stacked_samples):
    from ganzoo import configs, training
    from ganzoo.metrics.classifier import Classifier
    from ganzoo.metrics.modes import stacked_mnist_modes
    from ganzoo.saving import load_model, resolve_model_path

    config = configs.load_zoo_config("ebgan", dataset)
    with config.unlocked():
        configs.quiet_run(config, steps=steps, seed=seed, data_dir=None if dataset == "grid25" else mnist_dir)
        config.model.pt_weight = pt_weight
    with tempfile.TemporaryDirectory() as workdir:
        metrics = training.train_and_evaluate(config, workdir)
        if dataset == "grid25":
            return {"modes": metrics["modes"], "kl": metrics["reverse_kl"], "high_quality": metrics["high_quality"]}
        model = load_model(resolve_model_path(workdir))
        scored = stacked_mnist_modes(model.generate(stacked_samples, seed=seed), Classifier("mnist").predict)
        return {"modes": scored["modes"], "kl": scored["kl"]}


def run(quick=False, seed=0, mnist_dir=None):
    if not mnist_dir:
        raise SystemExit("claim 8 needs MNIST for Stacked-MNIST: --mnist_dir=<a folder of the MNIST idx files>")
    seeds = (seed,) if quick else (seed, seed + 1, seed + 2)
    stacked_samples = STACKED_SAMPLES[1] if quick else STACKED_SAMPLES[0]
    figures, measured = {}, {"seeds": list(seeds), "pt_weight": PT_WEIGHT, "stacked_samples": stacked_samples}
    for dataset, (full, short) in BUDGETS.items():
        steps = short if quick else full
        measured[dataset] = {"steps": steps}
        for weight in (0.0, PT_WEIGHT):
            rows = [_train(dataset, weight, steps, s, mnist_dir, stacked_samples) for s in seeds]
            figures[dataset, weight] = rows
            measured[dataset][f"pt{weight:g}"] = {k: [r[k] for r in rows] for k in rows[0]}
    mean = lambda rows, key: float(np.mean([r[key] for r in rows]))  # noqa: E731
    sd = lambda rows, key: float(np.std([r[key] for r in rows], ddof=1)) if len(rows) > 1 else 0.0  # noqa: E731
    wins = []
    for dataset in BUDGETS:
        plain, pt = figures[dataset, 0.0], figures[dataset, PT_WEIGHT]
        gain = mean(pt, "modes") - mean(plain, "modes")
        measured[dataset]["modes_gain"] = gain
        wins.append(gain > max(sd(pt, "modes"), sd(plain, "modes")))
    verdict = "holds" if all(wins) else ("holds partly" if any(wins) else "does not hold here")
    names = {"grid25": ("grid25", 25), "stackedmnist28": ("Stacked-MNIST", 1000)}
    summary = "; ".join(
        f"{names[d][0]} ({measured[d]['steps']} steps): {mean(figures[d, 0.0], 'modes'):.1f} ± "
        f"{sd(figures[d, 0.0], 'modes'):.1f} of {names[d][1]} modes without PT, {mean(figures[d, PT_WEIGHT], 'modes'):.1f} ± "
        f"{sd(figures[d, PT_WEIGHT], 'modes'):.1f} with (KL {mean(figures[d, 0.0], 'kl'):.2f} -> "
        f"{mean(figures[d, PT_WEIGHT], 'kl'):.2f})" for d in BUDGETS) + f", n = {len(seeds)}"
    labels = ["no PT", f"PT {PT_WEIGHT:g}"]
    panels = [{"kind": "bars", "labels": labels,
               "values": [mean(figures[d, w], key) for w in (0.0, PT_WEIGHT)],
               "errors": [sd(figures[d, w], key) for w in (0.0, PT_WEIGHT)],
               "ylabel": ylabel.format(n=names[d][1]),
               "title": f"{names[d][0]}, {measured[d]['steps']} steps: mean ± sd over {len(seeds)} seeds"}
              for d in BUDGETS for key, ylabel in (("modes", "modes covered (of {n})"), ("kl", "KL of the mode histogram"))]
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
