"""dragan on fashion28 at Lucic et al. 2018's budget (issue 19): the zoo recipe (zoo_configs/zoo.py)
with what benchmarks/zoo28.py's search chose; every point in benchmarks/results/zoo28/results.md.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("dragan", "fashion28", arg)
    # zoo28 recipe (benchmarks/zoo28.py --stage=package)
    # nets: the zoo's DCGAN-28 (configs.SMALL_NETS), the fastest to quality per CPU-second on NS-GAN's search (classifier-FID 62.7 after 223 s against 92.0 after 280 s for twice the widths; float32, the session's AMD EPYC has no bfloat16 units)
    # MNIST's search at a quarter of the budget, classifier-FID of 10,000 samples: recipe 78.3, lr0.0005 43.0, gp_weight1 73.5
    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 0.0005
    # the full run's classifier-FID: 12.20 from the moving average, 12.67 from the generator's own weights
    config.model.ema_decay = 0.999
    if arg != "smoke":  # 15,625 discriminator updates at batch 64 (compare_gan's 20 epochs of 50,000)
        config.steps = 15625
    # end of the zoo28 recipe
    return config
