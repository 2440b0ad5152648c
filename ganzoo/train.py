"""ganzoo-train: train a zoo config.

    ganzoo-train --config=zoo_configs/zoo.py:wgan-gp,mnist28 --workdir=runs/wgan-gp-mnist28 \
        --config.data_dir=path/to/mnist-idx --config.steps=2000
    ganzoo-train --config=runs/wgan-gp-mnist28/config.json --workdir=runs/again   # rerun a recorded run

With no flags: WGAN-GP on ring8 (a few minutes on 2 CPU cores) in ./runs/wgan-gp-ring8.
"""

import os
import sys

from absl import app, flags
from ml_collections import config_flags

from ganzoo import cli, rerun_config, training

DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), "default_config.py")
_CONFIG = config_flags.DEFINE_config_file("config", DEFAULT_CONFIG, "Zoo config file (get_config), or a run's "
                                          "config.json.", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "Run directory (default: runs/<variant>-<dataset>).")


def main(argv):
    del argv
    config = _CONFIG.value
    workdir = _WORKDIR.value or os.path.join("runs", f"{config.variant}-{config.dataset}")
    metrics = training.train_and_evaluate(config, workdir)
    print({k: v for k, v in metrics.items() if k != "protocol"})
    print(f"Wrote {metrics['workdir']}/samples.png, metrics.json, losses.png")


def json_config_argv(argv):
    """`--config=<file>.json` becomes `--config=<ganzoo/rerun_config.py>:<file>.json`: ml_collections
    loads Python config files, and that one reads the JSON."""
    out, rewrite_next = [], False
    for arg in argv:
        if (rewrite_next or arg.startswith("--config=")) and arg.endswith(".json"):
            path = arg if rewrite_next else arg[len("--config="):]
            arg = f"--config={rerun_config.__file__}:{path}"
            if rewrite_next:
                out.pop()
        rewrite_next = arg == "--config" and not rewrite_next
        out.append(arg)
    return out


def run():
    app.run(cli.guarded(main, prog="ganzoo-train"), argv=json_config_argv(sys.argv),
            flags_parser=cli.absl_flags_parser("ganzoo-train"))


if __name__ == "__main__":
    run()
