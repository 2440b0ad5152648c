"""ganzoo-sample: draw samples from a preset (or hf://org/repo, a directory, a .keras file).

    ganzoo-sample wgan-gp-mnist28 --num=64 --seed=0 --out=grid.png [--npz=samples.npz]
    ganzoo-sample nsgan-mnist28-cond --labels=0,1,2,3 --num=64 --out=grid.png

Images are written as one PNG grid; toy models as a scatter plot. `--npz`
also saves the raw float32 samples (images in [-1, 1]) and their labels.
`--labels` (conditional presets): comma-separated class ids, cycled to --num.
"""

import os
import sys

import numpy as np

from ganzoo import cli
from ganzoo.plotting import save_sample_figure
from ganzoo.presets import load
from ganzoo.saving import LoadError


def main(argv=None):
    parser = cli.ArgumentParser(prog="ganzoo-sample", description=__doc__.splitlines()[0])
    parser.add_argument("preset", help="preset name, hf://org/repo, a preset folder or a .keras file")
    parser.add_argument("--num", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="samples.png", help="PNG path ('' for none)")
    parser.add_argument("--npz", default="", help="also save the samples to this .npz")
    parser.add_argument("--labels", default="", help="conditional presets: comma-separated class ids")
    parser.add_argument("--columns", type=int, default=8)
    args = parser.parse_args(argv)
    if args.num < 1:
        parser.error("--num must be >= 1")
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    if args.columns < 1:
        parser.error(f"--columns must be >= 1, got {args.columns}")
    for option, path in (("--out", args.out), ("--npz", args.npz)):
        target = _existing_parent(os.path.dirname(os.path.abspath(path))) if path else None
        if target and not (os.path.isdir(target) and os.access(target, os.W_OK)):
            parser.error(f"{option}={path!r}: {target!r} is not a folder that can be written")
    try:
        model = load(args.preset)
    except LoadError as error:
        parser.error(str(error))
    labels = None
    if args.labels:
        if not model.num_classes:
            parser.error(f"{args.preset} is not class-conditional; drop --labels.")
        try:
            ids = [int(x) for x in args.labels.split(",")]
        except ValueError:
            parser.error(f"--labels must be comma-separated ints, got {args.labels!r}.")
        if min(ids) < 0 or max(ids) >= model.num_classes:
            parser.error(f"--labels must be in [0, {model.num_classes}), got {ids}.")
        labels = np.resize(np.asarray(ids, "int32"), args.num)
    try:
        samples = model.generate(args.num, seed=args.seed, labels=labels)
    except ValueError as error:  # more than generate holds at once: the limit is in the message
        parser.error(str(error))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        dataset = getattr(model, "preset", {}).get("dataset", "")
        save_sample_figure(samples, dataset, args.out, f"{args.preset}, {args.num} samples, seed {args.seed}",
                           columns=args.columns)
        print(f"wrote {args.out}")
    if args.npz:
        extra = {} if labels is None and not model.num_classes else {
            "labels": labels if labels is not None else np.arange(args.num) % model.num_classes}
        np.savez(args.npz, samples=samples, **extra)
        print(f"wrote {args.npz}")
    return 0


def _existing_parent(path):
    while not os.path.exists(path):
        path = os.path.dirname(path)
    return path


def run():
    sys.exit(main())


if __name__ == "__main__":
    run()
