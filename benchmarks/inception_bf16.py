"""bfloat16 FID Inception: how far it moves FID on the zoo's MNIST protocol, and how much faster it is.

    python benchmarks/inception_bf16.py --data_dir=../shared/data/mnist [--preset=wgan-gp-mnist28 --num_samples=2000]

Scores `--num_samples` samples of a shipped preset (seed 0) against the
protocol's reference (the first `--num_samples` MNIST training images of the
seed-0 order), and, for the floor, the next `--num_samples` training images
against the same reference: once with the reference float32 network and once
with the same weights under Keras' `mixed_bfloat16` policy (float32 weights and
output, bfloat16 convolutions). Batches of 64 alternate between the two
networks, so load drift hits both alike; images/s include the preprocessing
(quantisation and the legacy bilinear resize, shared). Writes
`benchmarks/results/inception_bf16/results.json`.
"""

import argparse
import json
import os
import time

import keras
import numpy as np

import ganzoo
from ganzoo.data import reference_images
from ganzoo.metrics import features as features_lib
from ganzoo.metrics import inception

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "inception_bf16")


def bf16_network(reference):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        model = inception.build_fid_inception()
    finally:
        keras.config.set_dtype_policy(previous)
    model.set_weights(reference.get_weights())
    return model


def features_both(images, networks, seconds):
    """(float32 features, bfloat16 features) of `images`, batch by batch alternating the networks."""
    out = {name: np.empty((len(images), 2048)) for name in networks}
    bar = keras.utils.Progbar(len(images), unit_name="image")
    for start in range(0, len(images), 64):
        for name, model in networks.items():
            began = time.perf_counter()
            batch = inception.preprocess(images[start:start + 64])
            out[name][start:start + len(batch)] = np.asarray(model.predict_on_batch(batch), np.float64)
            seconds[name] += time.perf_counter() - began
        bar.add(len(images[start:start + 64]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir", required=True)
    parser.add_argument("--preset", default="wgan-gp-mnist28")
    parser.add_argument("--num_samples", type=int, default=2000)
    args = parser.parse_args()
    n = args.num_samples
    reference = inception.fid_inception()
    networks = {"float32": reference, "bfloat16": bf16_network(reference)}
    seconds = {name: 0.0 for name in networks}
    images = reference_images("mnist", args.data_dir, 2 * n, seed=0)
    samples = ganzoo.load(args.preset).generate(n, seed=0)
    real = features_both(images[:n], networks, seconds)
    other = features_both(images[n:], networks, seconds)
    fake = features_both(samples, networks, seconds)
    results = {"protocol": f"{n:,} samples of {args.preset} (seed 0) and, for the floor, {n:,} other MNIST training "
                           f"images, against the first {n:,} of the seed-0 order; {inception.PROTOCOL['feature_network']}",
               "images_per_s": {name: 3 * n / s for name, s in seconds.items()}}
    for what, scored in (("preset", fake), ("floor", other)):
        fids = {name: features_lib.fid(real[name], scored[name]) for name in networks}
        results[what] = {"fid": fids, "relative_change": fids["bfloat16"] / fids["float32"] - 1}
    # the feature error itself
    err = np.abs(fake["bfloat16"] - fake["float32"]).max() / np.abs(fake["float32"]).max()
    results["max_feature_error_relative_to_max"] = float(err)
    results["speedup"] = results["images_per_s"]["bfloat16"] / results["images_per_s"]["float32"]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
