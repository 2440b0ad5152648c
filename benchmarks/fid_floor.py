"""The floor of the zoo's small-sample Inception metrics: real training images scored like a preset.

    python benchmarks/fid_floor.py --data_dir_mnist=... --data_dir_fashion=... [--num_samples=2000]
    python benchmarks/fid_floor.py ... --num_samples=10000 --reference_split=test   # Lucic et al.'s protocol
    python benchmarks/fid_floor.py --data_dir_mnist=... --datasets=mnist ...       # one dataset, kept beside the others

FID is biased upward at small N, so a 2,000-sample FID of a perfect generator
is not 0. This scores `num_samples` real images that a generator could at best
match, exactly as `ganzoo.evaluate` scores a preset's samples against the same
cached reference, and writes `benchmarks/results/fid_floor/fid_floor[_test<N>].json`:
- `--reference_split=train`: the reference is `num_samples` training images (seed-0 order) and the
  scored set the next `num_samples` of that order, disjoint from it;
- `--reference_split=test`: the reference is the test split's first `num_samples` (10,000: the
  whole test set, compare_gan's FID reference) and the scored set `num_samples` training images
  (seed-0 order), a perfect generator of the training distribution.
"""

import argparse
import json
import os
import time

import numpy as np

from ganzoo.data import reference_images
from ganzoo.metrics import features, inception, reference

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "fid_floor")


def floor(dataset, data_dir, n, split="train"):
    if split == "test":
        test = reference_images(dataset, data_dir, n, split="test")
        # the reference first: it is cached, and it is what scoring presets needs
        real = reference.reference_features(dataset, features="inception", images=test, split="test")
        other = inception.inception_features(reference_images(dataset, data_dir, n, seed=0))
        kid, kid_std = features.kid(real, other)
        stats = reference.reference_stats(dataset, features="inception", images=test, split="test")
        return {"fid": stats.fid(other), "kid": kid, "kid_std": kid_std}
    images = reference_images(dataset, data_dir, 2 * n, seed=0)
    # the first n are ganzoo-eval's reference set (same seeded order), the next n are disjoint from it
    if not np.array_equal(images[:n], reference_images(dataset, data_dir, n, seed=0)):
        raise RuntimeError("the seeded order changed with the count: the two halves would not be the reference")
    real = reference.reference_features(dataset, features="inception", seed=0, images=images[:n])
    other = inception.inception_features(images[n:])
    kid, kid_std = features.kid(real, other)
    stats = reference.reference_stats(dataset, features="inception", seed=0, images=images[:n])
    return {"fid": stats.fid(other), "kid": kid, "kid_std": kid_std}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir_mnist", default=None)
    parser.add_argument("--data_dir_fashion", default=None)
    parser.add_argument("--data_dir_cifar", default=None, help="the CIFAR-10 tar or folder (issue 20's floor)")
    parser.add_argument("--datasets", default="mnist,fashion_mnist",
                        help="comma-separated; each is written as soon as it is measured, beside the others already in the file")
    parser.add_argument("--num_samples", type=int, default=2_000)
    parser.add_argument("--reference_split", choices=("train", "test"), default="train")
    args = parser.parse_args()
    data_dirs = {"mnist": args.data_dir_mnist, "fashion_mnist": args.data_dir_fashion, "cifar10": args.data_dir_cifar}
    wanted = args.datasets.split(",")
    for dataset in wanted:
        if dataset not in data_dirs:
            parser.error(f"unknown dataset {dataset!r}; expected some of {', '.join(data_dirs)}")
        if not data_dirs[dataset]:
            flag = {"mnist": "mnist", "fashion_mnist": "fashion", "cifar10": "cifar"}[dataset]
            parser.error(f"{dataset} needs --data_dir_{flag}")
    n = args.num_samples
    if args.reference_split == "train":
        protocol = (f"{n:,} training images (positions {n:,}-{2 * n - 1:,} of the seed-0 order) vs the {n:,}-image "
                    f"reference (positions 0-{n - 1:,})")
    else:
        protocol = f"{n:,} training images (positions 0-{n - 1:,} of the seed-0 order) vs the first {n:,} test images"
    protocol = f"{protocol}; {inception.PROTOCOL['feature_network']}; KID 100 subsets of 1,000"
    name = "fid_floor.json" if args.reference_split == "train" else f"fid_floor_test{n}.json"
    path = os.path.join(OUT, name)
    results = json.load(open(path)) if os.path.isfile(path) else {}
    if results.get("protocol") != protocol:  # another protocol's figures are not kept beside these
        results = {}
    results["protocol"] = protocol
    for dataset in wanted:
        start = time.time()
        results[dataset] = floor(dataset, data_dirs[dataset], n, args.reference_split)
        results[dataset]["seconds"] = round(time.time() - start)
        print(dataset, results[dataset], flush=True)
        os.makedirs(OUT, exist_ok=True)
        with open(path, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
