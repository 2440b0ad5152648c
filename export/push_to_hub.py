"""Publish a preset to the Hugging Face Hub.

    python export/push_to_hub.py --preset=wgan-gp-mnist28 --repo_id=my-org/wgan-gp-mnist28 [--private]

Checks the preset first (sha256 of its weights, safe_mode load, samples for the
recorded seed equal to its training checkpoint's within the float16 tolerance),
then uploads artifacts/<preset>/ with its model card. The token comes from
`huggingface-cli login` or HF_TOKEN; HF_ENDPOINT points at another Hub.
Load it back with `ganzoo.load("hf://my-org/wgan-gp-mnist28")`.
"""

import os

from ganzoo import cli
from ganzoo.hub import push_preset


def main():
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", required=True, help="registered preset name or a preset folder")
    parser.add_argument("--repo_id", required=True, help="org/name on the Hub")
    parser.add_argument("--private", action="store_true")
    args = parser.parse_args()
    print(push_preset(args.preset, args.repo_id, private=args.private))


if __name__ == "__main__":
    cli.guarded(main, prog=os.path.basename(__file__))()
