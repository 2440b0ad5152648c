"""Claim 9 (the cGAN seed; Reed et al. 2016, §4.1, the matching-aware discriminator): a conditional
discriminator shown only (real x, y) as real and (G(z, y), y) as fake can accept a real image with
the wrong label, so it never teaches the generator to match the label; scoring (real x, wrong y)
pairs as fake as well makes it judge the match.

The measurement: class-conditional NS-GAN on MNIST from the zoo's conditional recipe
(`zoo_configs/nsgan/mnist28_cond.py`: a projection discriminator, Miyato & Koyama 2018), with
mismatched negatives on (`model.mismatched_negatives`: each real image also scored with its label
shifted to a wrong one, counted as fake) and off, the same budget and seeds. Label accuracy: the
share of 2,000 samples (labels 0..9 cycled) that the shipped MNIST classifier assigns to the label
they were generated for; classifier-FID (that classifier's 128-d features, 2,000 samples against
2,000 training images), the Inception FID being out of this claim's CPU budget.

Verdict: "holds" when mean label accuracy with mismatched negatives exceeds that without by more
than the larger of the two arms' sd and by at least 1 point; "does not hold here" otherwise (a
projection discriminator already ties x to y through the inner product with the label embedding, so
the gain may be small).
"""

import tempfile

import numpy as np

NAME = "Mismatched-pair negatives in conditional GANs"
SOURCE = "Reed et al. 2016, §4.1 (the cGAN seed)"
SAMPLES = 2000


def _train(mismatched, steps, seed, mnist_dir):
    from ganzoo import configs, evaluate, training
    from ganzoo.saving import load_model, resolve_model_path

    config = configs.load_zoo_config("nsgan", "mnist28", suffix="_cond")
    with config.unlocked():
        configs.quiet_run(config, steps=steps, seed=seed, data_dir=mnist_dir)
        config.model.mismatched_negatives = mismatched
    with tempfile.TemporaryDirectory() as workdir:
        training.train_and_evaluate(config, workdir)
        model = load_model(resolve_model_path(workdir))
    scored = evaluate.evaluate(model, "mnist", data_dir=mnist_dir, metrics=("modes",), num_samples=SAMPLES, seed=seed)
    return {"label_accuracy": scored["label_accuracy"], "classifier_fid": scored["classifier_fid"]}


def run(quick=False, seed=0, mnist_dir=None):
    if not mnist_dir:
        raise SystemExit("claim 9 needs MNIST: --mnist_dir=<a folder of the MNIST idx files>")
    steps, seeds = (10, (seed,)) if quick else (250, (seed, seed + 1, seed + 2))
    figures = {flag: [_train(flag, steps, s, mnist_dir) for s in seeds] for flag in (False, True)}
    mean = lambda rows, key: float(np.mean([r[key] for r in rows]))  # noqa: E731
    sd = lambda rows, key: float(np.std([r[key] for r in rows], ddof=1)) if len(rows) > 1 else 0.0  # noqa: E731
    measured = {"steps": steps, "seeds": list(seeds), "samples": SAMPLES,
                **{("mismatched" if flag else "matched_only"): {k: [r[k] for r in rows] for k in rows[0]}
                   for flag, rows in figures.items()}}
    gain = mean(figures[True], "label_accuracy") - mean(figures[False], "label_accuracy")
    measured["label_accuracy_gain"] = gain
    spread = max(sd(figures[True], "label_accuracy"), sd(figures[False], "label_accuracy"))
    verdict = "holds" if gain > spread and gain >= 0.01 else "does not hold here"
    summary = (f"label accuracy {100 * mean(figures[False], 'label_accuracy'):.1f} ± "
               f"{100 * sd(figures[False], 'label_accuracy'):.1f} % without mismatched negatives, "
               f"{100 * mean(figures[True], 'label_accuracy'):.1f} ± {100 * sd(figures[True], 'label_accuracy'):.1f} % with; "
               f"classifier-FID {mean(figures[False], 'classifier_fid'):.1f} -> {mean(figures[True], 'classifier_fid'):.1f} "
               f"(n = {len(seeds)}, {steps} steps)")
    labels = ["(x, y) only", "+ (real x, wrong y)"]
    panels = [{"kind": "bars", "labels": labels, "values": [mean(figures[f], key) * scale for f in (False, True)],
               "errors": [sd(figures[f], key) * scale for f in (False, True)], "ylabel": ylabel,
               "title": f"{ylabel}: mean ± sd over {len(seeds)} seeds, {steps} steps"}
              for key, ylabel, scale in (("label_accuracy", "label accuracy %", 100.0),
                                         ("classifier_fid", "classifier-FID", 1.0))]
    return {"verdict": verdict, "summary": summary, "measured": measured, "panels": panels}
