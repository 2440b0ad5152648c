"""wgan on fashion28 at Lucic et al. 2018's budget (issue 19): the zoo recipe (zoo_configs/zoo.py)
with what benchmarks/zoo28.py's search chose; every point in benchmarks/results/zoo28/results.md.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("wgan", "fashion28", arg)
    # zoo28 recipe (benchmarks/zoo28.py --stage=package)
    # nets: the zoo's DCGAN-28 (configs.SMALL_NETS), the fastest to quality per CPU-second on NS-GAN's search (classifier-FID 62.7 after 223 s against 92.0 after 280 s for twice the widths; float32, the session's AMD EPYC has no bfloat16 units)
    # MNIST's search at a quarter of the budget, classifier-FID of 10,000 samples: recipe 471.2, lr0.0002 216.9, clip_value0.05 388.0, lr0.0005 207.0, lr0.0002_n_critic1 172.3, lr0.0002_clip_value0.05 167.4
    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 0.0002
    config.model.clip_value = 0.05
    # the full run's classifier-FID: 57.70 from the moving average, 46.98 from the generator's own weights
    config.model.ema_decay = None
    if arg != "smoke":  # 15,625 discriminator updates at batch 64 (compare_gan's 20 epochs of 50,000)
        config.steps = 3125
    # end of the zoo28 recipe
    return config
