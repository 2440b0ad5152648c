"""The default run of ganzoo-train: WGAN-GP on ring8 (Gulrajani et al. 2017 hyper-parameters).

The zoo config `zoo_configs/wgan-gp/ring8.py` with half its budget (2,000
generator steps), so that a fresh machine finishes it in a few minutes.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-gp", "ring8", arg)
    if not arg:
        config.steps = 2000
    return config
