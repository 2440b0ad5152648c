"""ganzoo-train: train a zoo config.

    ganzoo-train --config=zoo_configs/wgan-gp/mnist28.py --workdir=runs/wgan-gp-mnist28 \
        --config.data_dir=path/to/mnist-idx --config.steps=2000

With no flags: WGAN-GP on ring8 (a few minutes on 2 CPU cores) in ./runs/wgan-gp-ring8.
"""

import os

from absl import app, flags
from ml_collections import config_flags

DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), "default_config.py")
_CONFIG = config_flags.DEFINE_config_file("config", DEFAULT_CONFIG, "Zoo config file (get_config).", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "Run directory (default: runs/<variant>-<dataset>).")


def main(argv):
    del argv
    from ganzoo import training

    config = _CONFIG.value
    workdir = _WORKDIR.value or os.path.join("runs", f"{config.variant}-{config.dataset}")
    metrics = training.train_and_evaluate(config, workdir)
    print({k: v for k, v in metrics.items() if k != "protocol"})
    print(f"Wrote {metrics['workdir']}/samples.png, metrics.json, losses.png")


def run():
    app.run(main)


if __name__ == "__main__":
    run()
