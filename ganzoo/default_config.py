"""The default run of ganzoo-train: WGAN-GP on ring8, tuned to finish in under 3 minutes on 2 CPU cores.

The zoo's WGAN-GP ring8 recipe (`zoo_configs/zoo.py:wgan-gp,ring8`: 3x256 MLPs,
n_critic 5, lambda 0.1, Adam(beta_1=0, beta_2=0.9)) on half its budget,
5,000 generator steps, with both learning rates at 2e-3 falling linearly to 0.
Measured (benchmarks/results/toy_pilot/, 2026-12-02): 8/8 ring modes at seeds
0, 1 and 2 with 94.0, 94.0 and 93.8 % high-quality samples (PacGAN protocol);
the same 5,000 steps at 1e-3 took 2 min 28 s on 2 Xeon cores, start to end,
and reached 87.8 %; the full recipe (10,000 steps, 1e-3, no decay) 67.8 %.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan-gp", "ring8", arg)
    if not arg:
        config.steps = 5000
        config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 2e-3
        config.lr_decay = "linear"
    return config
