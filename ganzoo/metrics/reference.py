"""Reference statistics of a dataset's training split, computed once and cached as `.npz`.

    python -m ganzoo.metrics.reference --dataset=mnist --data_dir=path/to/mnist --features=classifier,inception

FID against a dataset needs the mean and covariance of its reference
features. `reference_stats` computes them from the first `count` images of
the training split in the seeded order of `ganzoo.data.reference_images`
(all of them by default) and caches a `FeatureStats` file whose name carries
what decides the numbers: the dataset, the feature network, the count, and
digests of the exact images used and of the feature protocol. A cache hit is
only possible for the same images through the same network.

Shipped with the project (`artifacts/reference_stats/`, 128-d features, small):
the shipped classifiers' statistics of the full MNIST and Fashion-MNIST
training sets. Inception statistics (2048 x 2048 covariance, 32 MB each) go to
the cache (`$GANZOO_CACHE`, else `~/.cache/ganzoo/reference_stats/`) on first
use.
"""

import argparse
import hashlib
import json
import os
import shutil

import numpy as np

from ganzoo.data import registry
from ganzoo.data.sources import reference_images
from ganzoo.metrics import inception
from ganzoo.metrics.classifier import Classifier
from ganzoo.metrics.features import FeatureStats
from ganzoo.saving import write_atomically

FEATURES = ("inception", "classifier")
SHIPPED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "artifacts", "reference_stats")


def _feature_fn(features, dataset):
    if features == "inception":
        return inception.inception_features, dict(inception.PROTOCOL)
    if features == "classifier":
        classifier = Classifier(dataset)
        protocol = {"feature_network": f"ganzoo {dataset} classifier, 128-d 'features' layer",
                    "source_sha256": classifier.info["sha256"], "features": 128}
        return classifier.features, protocol
    raise ValueError(f"Unknown features {features!r}; expected one of {FEATURES}.")


def _digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:12]


def stats_filename(dataset, features, count, images_digest, protocol):
    return f"{dataset}-{features}-{count}-{images_digest[:12]}-{_digest(protocol)}.npz"


# Feature arrays (N x 2048 float64 = 16 MB per 1,000 Inception features) are cached only up to this
# many images: enough for KID / precision-recall sets, not whole training splits.
MAX_CACHED_FEATURES = 10_000


def _reference(dataset, data_dir, count, seed, images, features, split="train"):
    """(images, file name stem, feature fn, protocol) of a reference set; the stem names what decides it."""
    if images is None:
        if split == "train":
            count = count or (registry.get(dataset).train_size if registry.get(dataset) else None)
            if not count:
                raise ValueError(f"Give count= for {dataset!r}: its training-set size is not known here.")
        images = reference_images(dataset, data_dir, count, seed, split=split)
    feature_fn, protocol = _feature_fn(features, dataset)
    quantised = np.clip(np.round((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    images_digest = hashlib.sha256(quantised.tobytes()).hexdigest()
    stem = stats_filename(dataset, features, len(images), images_digest, protocol)[:-len(".npz")]
    protocol = {**protocol, "dataset": dataset, "split": split, "count": len(images),
                "order_seed": seed if split == "train" else None, "images_sha256": images_digest}
    return images, stem, feature_fn, protocol


def _cache_folder(cache_dir):
    return os.path.join(os.fspath(cache_dir) if cache_dir else inception.default_cache_dir(), "reference_stats")


def _cached_features(stem, cache):
    path = os.path.join(cache, stem + "-features.npy")
    return np.load(path, allow_pickle=False) if os.path.isfile(path) else None


def reference_features(dataset, data_dir=None, *, features="inception", count=None, seed=0, cache_dir=None,
                       images=None, split="train"):
    """Features (N, D) of `count` training images of `dataset`, cached as `.npy` (no pickles).

    Same images and keys as `reference_stats`; for KID and precision/recall, which
    need the features themselves. Up to `MAX_CACHED_FEATURES` images.
    """
    images, stem, feature_fn, _ = _reference(dataset, data_dir, count, seed, images, features, split)
    if len(images) > MAX_CACHED_FEATURES:
        raise ValueError(f"reference_features caches at most {MAX_CACHED_FEATURES} images, got {len(images)}; "
                         "use reference_stats for whole training splits.")
    cache = _cache_folder(cache_dir)
    cached = _cached_features(stem, cache)
    if cached is not None:
        return cached
    values = np.asarray(feature_fn(images), np.float64)
    write_atomically(os.path.join(cache, stem + "-features.npy"), lambda p: np.save(p, values))
    return values


def reference_stats(dataset, data_dir=None, *, features="inception", count=None, seed=0, cache_dir=None,
                    images=None, split="train"):
    """`FeatureStats` of `count` training images of `dataset` (default: the whole training split).

    Looks in the shipped statistics, then the cache (statistics, then features
    cached by `reference_features`); computes and caches on a miss. `.path` of
    the result is the file it was read from or written to. `images` (N, H, W, C)
    in [-1, 1] may be given instead of reading the dataset (they are what the
    digest covers); `split="test"`: the test split's first `count` images (all by default), in
    file order, as `split` of the protocol it records.
    """
    images, stem, feature_fn, protocol = _reference(dataset, data_dir, count, seed, images, features, split)
    cache = _cache_folder(cache_dir)
    for folder in (SHIPPED, cache):
        path = os.path.join(folder, stem + ".npz")
        if os.path.isfile(path):
            stats = FeatureStats.load(path)
            stats.path = path
            return stats
    values = _cached_features(stem, cache)
    stats = FeatureStats.from_features(feature_fn(images) if values is None else values, protocol)
    stats.path = os.path.join(cache, stem + ".npz")
    write_atomically(stats.path, stats.save)
    return stats


def main(argv=None):
    parser = argparse.ArgumentParser(description="Compute and cache reference feature statistics.")
    parser.add_argument("--dataset", required=True, choices=sorted(n for n, d in registry.DATASETS.items() if d.train_size and d.name != "celeb_a"))
    parser.add_argument("--data_dir", default=None)
    parser.add_argument("--features", default="classifier,inception")
    parser.add_argument("--count", type=int, default=None, help="default: the whole training split")
    parser.add_argument("--out", default=None, help="also copy the .npz files here (e.g. artifacts/reference_stats)")
    args = parser.parse_args(argv)
    images = reference_images(args.dataset, args.data_dir, args.count or registry.get(args.dataset).train_size)
    for features in args.features.split(","):
        stats = reference_stats(args.dataset, features=features, images=images)
        print(json.dumps({"features": features, "count": stats.count, "protocol": stats.protocol}))
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            target = os.path.join(args.out, os.path.basename(stats.path))
            if not os.path.exists(target) or not os.path.samefile(stats.path, target):
                shutil.copyfile(stats.path, target)


if __name__ == "__main__":
    main()
