"""The floor of the zoo's small-sample Inception metrics: real training images scored like a preset.

    python benchmarks/fid_floor.py --data_dir_mnist=... --data_dir_fashion=... [--num_samples=2000]

FID is biased upward at small N, so a 2,000-sample FID of a perfect generator
is not 0. This scores `num_samples` *other* training images (the next ones in
the same seeded order, disjoint from the reference set) exactly as
`export/add_feature_metrics.py` scores a preset's samples, against the same
cached reference, and writes `benchmarks/results/fid_floor/fid_floor.json`.
"""

import argparse
import json
import os
import time

import numpy as np

from ganzoo.data import reference_images
from ganzoo.metrics import features, inception, reference

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "fid_floor")


def floor(dataset, data_dir, n):
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
    parser.add_argument("--data_dir_mnist", required=True)
    parser.add_argument("--data_dir_fashion", required=True)
    parser.add_argument("--num_samples", type=int, default=2_000)
    args = parser.parse_args()
    results = {"protocol": (f"{args.num_samples:,} training images (positions {args.num_samples:,}-"
                            f"{2 * args.num_samples - 1:,} of the seed-0 order) vs the {args.num_samples:,}-image "
                            f"reference (positions 0-{args.num_samples - 1:,}); {inception.PROTOCOL['feature_network']}"
                            "; KID 100 subsets of 1,000")}
    for dataset, data_dir in (("mnist", args.data_dir_mnist), ("fashion_mnist", args.data_dir_fashion)):
        start = time.time()
        results[dataset] = floor(dataset, data_dir, args.num_samples)
        print(dataset, results[dataset], f"{time.time() - start:.0f} s", flush=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "fid_floor.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
