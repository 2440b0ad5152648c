"""ganzoo-eval: measure a trained model and write `metrics.json` with the protocol of every number.

    ganzoo-eval --model=runs/wgan-gp-mnist28 --reference=mnist --data_dir=path/to/mnist-idx \
        --metrics=modes,fid,kid,pr --num_samples=10000

`--model`: a run directory (its latest checkpoint) or a `.keras` file; or
`--preset`: a preset name, "hf://org/repo" or a preset folder (`ganzoo.load`),
with `--reference` defaulting to the preset's dataset and `--out` required.
Metrics:
- `toy` (ring8, grid25): modes, % high quality, reverse KL, W1 (`ganzoo.metrics.toy`);
- `modes`: MNIST / Fashion-MNIST: class coverage, KL and classifier-FID from the
  shipped classifier; Stacked-MNIST: modes of 1000 and KL (26,000 samples by protocol);
- `fid`, `kid`, `pr` (precision/recall, density/coverage): Inception pool3
  features (`ganzoo.metrics.inception`) of the samples and of `num_samples`
  reference images (`--reference_split=test`: the test split's, as Lucic et al. 2018).
"""

import json
import os

import numpy as np
from absl import app, flags

from ganzoo import cli
from ganzoo.data import registry
from ganzoo.data.sources import reference_images
from ganzoo.metrics import features as features_lib
from ganzoo.metrics import inception
from ganzoo.metrics import reference as reference_lib
from ganzoo.metrics.classifier import Classifier, domain_metrics
from ganzoo.metrics.modes import STACKED_MNIST_SAMPLES, stacked_mnist_modes
from ganzoo.metrics.toy import toy_metrics
from ganzoo.plotting import save_preview
from ganzoo.presets import load
from ganzoo.saving import load_model, resolve_model_path

_MODEL = flags.DEFINE_string("model", None, "Run directory or .keras file.")
_PRESET = flags.DEFINE_string("preset", None, "Preset name, hf://org/repo or preset folder (instead of --model).")
_REFERENCE = flags.DEFINE_string("reference", None, "Dataset of the reference set (e.g. mnist, ring8, cifar10).")
_DATA_DIR = flags.DEFINE_string("data_dir", None, "Local copy of the reference data (see ganzoo.data).")
_METRICS = flags.DEFINE_list("metrics", ["modes"], "Any of toy, modes, fid, kid, pr.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10_000, "Generated samples (and reference images).")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the latents.")
_REFERENCE_SPLIT = flags.DEFINE_enum("reference_split", "train", ["train", "test"],
                                     "Real set of fid/kid/pr: seeded training images, or the test split's first "
                                     "num_samples (10,000: Lucic et al. 2018's FID protocol).")
_OUT = flags.DEFINE_string("out", None, "Output folder (default: the run directory, or beside the file).")
KNOWN_METRICS = ("toy", "modes", "fid", "kid", "pr")


def evaluate(model, reference, *, data_dir=None, metrics=("modes",), num_samples=10_000, seed=0,
             reference_split="train"):
    """Returns {metric: value, ..., 'protocol': {...}} for `model` against the `reference` dataset.

    `reference_split`: the Inception metrics' real set: `num_samples` training images in the seeded
    order ("train"), or the test split's first `num_samples` ("test": with 10,000, the whole test
    set of MNIST, Fashion-MNIST or CIFAR-10, Lucic et al. 2018's and compare_gan's FID reference).
    """
    unknown = sorted(set(metrics) - set(KNOWN_METRICS))
    if unknown:
        raise ValueError(f"Unknown metrics {unknown}; expected some of {list(KNOWN_METRICS)}.")
    feature_metrics = [m for m in ("fid", "kid", "pr") if m in metrics]
    if feature_metrics and registry.is_toy(reference):
        raise ValueError(f"Inception metrics need images; {reference!r} is toy data.")
    # what each group of metrics actually scored: the toy and Stacked-MNIST protocols fix their own counts
    scored = {}
    results = {"reference": reference, "num_samples": scored, "seed": seed, "protocol": {}}
    if "toy" in metrics:
        toy = toy_metrics(model.generate(2500, seed=seed), reference)
        scored["toy"] = 2500
        results["protocol"]["toy"] = toy.pop("protocol")
        results.update(toy)
    if "modes" in metrics:
        if reference == "stackedmnist":
            classifier = Classifier("mnist")
            modes = stacked_mnist_modes(model.generate(STACKED_MNIST_SAMPLES, seed=seed), classifier.predict)
            scored["modes"] = STACKED_MNIST_SAMPLES
            results.update(stacked_modes=modes["modes"], stacked_kl=modes["kl"])
            results["protocol"]["modes"] = (f"Stacked-MNIST (PacGAN): {STACKED_MNIST_SAMPLES} samples, each channel "
                                            f"classified by the shipped MNIST classifier (sha256 {classifier.info['sha256'][:12]}); "
                                            "modes hit of 1000 and KL of the mode histogram to uniform")
        elif reference in ("mnist", "fashion_mnist"):
            classifier = Classifier(reference)
            samples = model.generate(num_samples, seed=seed)
            scored["modes"] = len(samples)
            domain = domain_metrics(samples, reference_images(reference, data_dir, num_samples, seed), classifier)
            results["protocol"]["modes"] = domain.pop("protocol")
            results.update(domain)
            if getattr(model, "num_classes", None):
                # generate's default labels are 0, 1, ..., K-1, 0, 1, ...: balanced by construction,
                # so class coverage says little; whether each sample shows its label does
                asked = np.arange(num_samples) % model.num_classes
                results["label_accuracy"] = float(np.mean(classifier.predict(samples) == asked))
                results["protocol"]["modes"] += ("; label accuracy = share of samples the classifier assigns to "
                                                 "the label they were generated for (labels 0..K-1 cycled)")
        else:
            raise ValueError(f"No mode metric for {reference!r}; 'modes' needs mnist, fashion_mnist or stackedmnist.")
    if feature_metrics:
        fake = inception.inception_features(model.generate(num_samples, seed=seed))
        scored["features"] = len(fake)
        # read once: the cache keys below are digests of these images
        real_images = reference_images(reference, data_dir, num_samples, seed, split=reference_split)
        # cached per (images, feature net), features first so that FID's statistics reuse them: the
        # next evaluation against this reference computes features of the samples only
        if "kid" in metrics or "pr" in metrics:
            if num_samples <= reference_lib.MAX_CACHED_FEATURES:
                real = reference_lib.reference_features(reference, features="inception", seed=seed,
                                                        images=real_images, split=reference_split)
            else:
                real = inception.inception_features(real_images)
        if "fid" in metrics:
            results["fid"] = reference_lib.reference_stats(reference, features="inception", seed=seed,
                                                           images=real_images, split=reference_split).fid(fake)
        if "kid" in metrics:
            results["kid"], results["kid_std"] = features_lib.kid(real, fake)
        if "pr" in metrics:
            results["precision"], results["recall"] = features_lib.precision_recall(real, fake)
            results["density"], results["coverage"] = features_lib.density_coverage(real, fake)
        names = {"fid": "FID", "kid": "KID (100 subsets of min(1000, N), cubic kernel)",
                 "pr": "precision/recall (k=3), density/coverage (k=5)"}
        results["protocol"]["features"] = (
            f"{', '.join(names[m] for m in feature_metrics)}: {num_samples:,} samples (seed {seed}) vs "
            + (f"{num_samples:,} {reference} training images (order seed {seed})" if reference_split == "train" else
               f"the first {num_samples:,} {reference} test images (file order)")
            + "; features "
            f"{inception.PROTOCOL['feature_network']}, {inception.PROTOCOL['input']}. "
            "FID is biased upward at small N: compare FIDs of the same N only.")
    return results


def main(argv):
    del argv
    if _SEED.value < 0 or _NUM_SAMPLES.value < 1:
        raise ValueError(f"--seed must be >= 0 and --num_samples >= 1, got {_SEED.value} and {_NUM_SAMPLES.value}.")
    unknown = sorted(set(_METRICS.value) - set(KNOWN_METRICS))
    if unknown:
        raise ValueError(f"unknown metrics {unknown} (choose from {', '.join(KNOWN_METRICS)}).")
    if bool(_MODEL.value) == bool(_PRESET.value):
        raise ValueError("Give exactly one of --model (run dir or .keras) and --preset (name, hf://, folder).")
    if _PRESET.value:
        if not _OUT.value:
            raise ValueError("--preset needs --out (a preset folder is not written to).")
        model = load(_PRESET.value)
        path, reference = _PRESET.value, _REFERENCE.value or getattr(model, "preset", {}).get("dataset")
    else:
        path = resolve_model_path(_MODEL.value)
        model = load_model(path)
        reference = _REFERENCE.value
    if not reference:
        raise ValueError("--reference is required (the dataset to compare with, e.g. mnist or ring8).")
    results = evaluate(model, reference, data_dir=_DATA_DIR.value, metrics=_METRICS.value,
                       num_samples=_NUM_SAMPLES.value, seed=_SEED.value, reference_split=_REFERENCE_SPLIT.value)
    results["model"] = path
    out = _OUT.value or (_MODEL.value if os.path.isdir(_MODEL.value) else os.path.dirname(path))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "eval_metrics.json"), "w") as f:
        json.dump(results, f, indent=2)
    save_preview(model, reference, os.path.join(out, "eval_samples.png"), seed=_SEED.value)
    print(json.dumps({k: v for k, v in results.items() if k != "protocol"}, indent=2))


def run():
    app.run(cli.guarded(main, prog="ganzoo-eval"), flags_parser=cli.absl_flags_parser("ganzoo-eval"))


if __name__ == "__main__":
    run()
