"""loss-sensitive on mnist28 at Lucic et al. 2018's budget (issue 19): the zoo recipe (zoo_configs/zoo.py)
with what benchmarks/zoo28.py's search chose; every point in benchmarks/results/zoo28/results.md.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("loss-sensitive", "mnist28", arg)
    # zoo28 recipe (benchmarks/zoo28.py --stage=package)
    # nets: the zoo's DCGAN-28 (configs.SMALL_NETS), the fastest to quality per CPU-second on NS-GAN's search (classifier-FID 62.7 after 223 s against 92.0 after 280 s for twice the widths; float32, the session's AMD EPYC has no bfloat16 units)
    # search at a quarter of the budget, classifier-FID of 10,000 samples: recipe 193.1, lr0.0005 276.8, penaltywgan-gp_weight_decay0 83.4, normalizationnone_penaltywgan-gp_weight_decay0 72.2, weight_decay0.0005 193.0
    config.model.penalty = 'wgan-gp'
    config.model.weight_decay = 0.0
    config.model.normalization = 'none'
    config.model.penalty_weight = 10.0  # the penalty's default weight
    # the full run's classifier-FID: 58.67 from the moving average, 60.33 from the generator's own weights
    config.model.ema_decay = 0.999
    if arg != "smoke":  # 15,625 discriminator updates at batch 64 (compare_gan's 20 epochs of 50,000)
        config.steps = 15625
    # end of the zoo28 recipe
    return config
