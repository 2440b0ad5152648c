"""Measure Inception FID and KID of registered image presets and write them into their entries and cards.

    python export/add_feature_metrics.py --presets=nsgan-mnist28,lsgan-fashion28 \
        --data_dir_mnist=... --data_dir_fashion=... [--num_samples=2000]

`--presets=all-28` takes every MNIST and Fashion-MNIST preset. The weights are
not touched; metadata.json, README.md and the variant's presets file are
rewritten (ganzoo.packaging.add_feature_metrics), then the model cards.
"""

import os
import time

from ganzoo import cards, cli, presets
from ganzoo.packaging import add_feature_metrics


def main():
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", required=True, help="comma-separated names, or all-28")
    parser.add_argument("--data_dir_mnist", default=None)
    parser.add_argument("--data_dir_fashion", default=None)
    parser.add_argument("--num_samples", type=int, default=2_000)
    parser.add_argument("--reference_split", choices=("train", "test"), default="train",
                        help="test: the test split's first num_samples (10,000: Lucic et al. 2018's FID protocol)")
    args = parser.parse_args()
    data_dirs = {"mnist": args.data_dir_mnist, "fashion_mnist": args.data_dir_fashion}
    if args.presets == "all-28":
        names = [n for n, e in presets.registry().items() if e["dataset"] in data_dirs and not e.get("unavailable")]
    else:
        names = args.presets.split(",")
    for name in names:
        start = time.time()
        entry = add_feature_metrics(name, data_dir=data_dirs.get(presets.get_preset(name)["dataset"]),
                                    num_samples=args.num_samples, reference_split=args.reference_split)
        print(f"{name}: FID {entry['metrics']['fid']:.2f} KID {entry['metrics']['kid']:.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
    cards.main([])


if __name__ == "__main__":
    cli.guarded(main, prog=os.path.basename(__file__))()
