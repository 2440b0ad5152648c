"""Package every finished training run under a folder as presets, then regenerate the model cards.

    python export/package_zoo.py --runs=runs/toy_presets [--data_dir_mnist=... --data_dir_fashion=...]
        [--seed_figures=benchmarks/results/toy_sweep/results.json]

Each run directory's config.json names its variant and dataset; the preset is
`{variant}-{zoo dataset}` (e.g. `lsgan-ring8`), its description the variant's
class docstring plus the data and networks. Runs without metrics.json (not
finished) are skipped with a message. `--seed_figures`: a sweep's results.json
(benchmarks/toy_sweep.py); each preset whose (variant, dataset) it lists, at the
run's own recipe, records the figures of every seed of that recipe (the card
shows their mean and sd).
"""

import json
import os

from ganzoo import cards, cli, models
from ganzoo.data import registry
from ganzoo.packaging import package_preset

DATA = {
    "ring8": "ring8, PacGAN's 8-Gaussian ring (radius 1, std 0.01, a fixed set of 100,000 points)",
    "grid25": "grid25, PacGAN's 5x5 grid of Gaussians (spacing 2, std 0.05, a fixed set of 100,000 points)",
    "mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "stackedmnist": "Stacked-MNIST (3 MNIST digits as RGB)",
}


def networks(config):
    if registry.is_toy(config["dataset"]):
        model = config["model"]
        width = lambda widths: "x".join(str(w) for w in widths) if len(set(widths)) > 1 else f"{len(widths)}x{widths[0]}"  # noqa: E731
        if config["variant"] == "ebgan":
            return (f"a {width(model['generator_widths'])} ReLU MLP generator and an autoencoder critic "
                    f"({width(model['discriminator_widths'])} each way)")
        return (f"{width(model['generator_widths'])} (generator) and {width(model['discriminator_widths'])} (critic) "
                f"ReLU MLPs, critic normalization {model['normalization']}")
    if config["variant"] == "ebgan":
        return ("a small DCGAN-28 generator (64-32 channels, 64-d latent) and an autoencoder critic "
                "(conv 16-32 encoder, 16-d code, mirrored decoder)")
    return "a small DCGAN-28 (generator 64-32 channels, critic 32-64, 64-d latent)"


def describe(config):
    doc = (models.get_class(config["variant"]).__doc__ or config["variant"]).strip().splitlines()[0].rstrip(".")
    return f"{doc}. Trained on {DATA[config['dataset']]}, {networks(config)}."


def main():
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", required=True)
    parser.add_argument("--data_dir_mnist", default=None)
    parser.add_argument("--data_dir_fashion", default=None)
    parser.add_argument("--seed_figures", default=None, help="a toy sweep's results.json: per-seed figures")
    parser.add_argument("--num_samples", type=int, default=10_000)
    parser.add_argument("--feature_samples", type=int, default=0,
                        help="also Inception FID/KID on this many samples (image presets; 0: none)")
    args = parser.parse_args()
    data_dirs = {"mnist": args.data_dir_mnist, "fashion_mnist": args.data_dir_fashion,
                 "stackedmnist": args.data_dir_mnist}
    sweep = {}
    if args.seed_figures:
        with open(args.seed_figures) as f:
            sweep = {(e["variant"], e["dataset"]): e for e in json.load(f)["best"]}
    for name in sorted(os.listdir(args.runs)):
        run = os.path.join(args.runs, name)
        if not os.path.isfile(os.path.join(run, "metrics.json")):
            print(f"skipping {run}: no metrics.json (unfinished)")
            continue
        with open(os.path.join(run, "config.json")) as f:
            config = json.load(f)
        preset = f"{config['variant']}-{registry.get(config['dataset']).zoo_id}" + ("-cond" if config.get("conditional") else "")
        best = sweep.get((config["variant"], registry.get(config["dataset"]).zoo_id))
        figures = None
        if best:
            if os.path.basename(os.path.realpath(run)).rsplit("_seed", 1)[0] != best["point_name"]:
                raise ValueError(f"{run} is not the sweep's best point {best['point_name']} of {preset}.")
            figures = best["figures"] if len(best["figures"]) > 1 else None  # one seed: the card says n = 1
        entry = package_preset(run, preset, data_dir=data_dirs.get(config["dataset"]), description=describe(config),
                               num_samples=args.num_samples, seed_figures=figures,
                               feature_samples=args.feature_samples if config["dataset"] in ("mnist", "fashion_mnist")
                               else None)
        print(preset, entry["metrics"])
    cards.main([])


if __name__ == "__main__":
    cli.guarded(main, prog=os.path.basename(__file__))()
