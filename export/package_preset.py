"""Package a training run as a preset: artifacts/<preset>/ (float16 model.keras, config, metadata, card, samples.png).

    python export/package_preset.py --run=runs/wgan-gp-ring8 --preset=wgan-gp-ring8 \
        --description="WGAN-GP on the 8-Gaussian ring ..." [--data_dir=../shared/data/mnist]

Then regenerate the model cards: python -m ganzoo.cards
"""

import os

from ganzoo import cli
from ganzoo.packaging import package_preset


def main():
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, help="training run directory (its latest checkpoint is packaged)")
    parser.add_argument("--preset", required=True, help="preset name, {variant}-{dataset}")
    parser.add_argument("--description", required=True)
    parser.add_argument("--data_dir", default=None, help="local copy of the dataset, for the metrics")
    parser.add_argument("--num_samples", type=int, default=10_000, help="samples for the image metrics")
    parser.add_argument("--feature_samples", type=int, default=0,
                        help="28 px presets: also Inception FID/KID on this many samples (0: none)")
    parser.add_argument("--reference_split", choices=("train", "test"), default="train",
                        help="real set of the feature metrics (test: the test split, Lucic et al. 2018's FID protocol)")
    parser.add_argument("--networks_only", action="store_true",
                        help="ship the generator and discriminator without optimizer state (fine-tuning starts fresh optimizers)")
    parser.add_argument("--out", default=None, help="artifacts root (default: the repository's artifacts/)")
    args = parser.parse_args()
    entry = package_preset(args.run, args.preset, data_dir=args.data_dir, description=args.description,
                           optimizer_state=not args.networks_only, reference_split=args.reference_split,
                           out_root=args.out, num_samples=args.num_samples,
                           feature_samples=args.feature_samples or None)
    print({k: entry[k] for k in ("metrics", "weights_dtype", "files")})


if __name__ == "__main__":
    cli.guarded(main, prog=os.path.basename(__file__))()
