"""ebgan on mnist28. Hyper-parameters: Zhao et al. 2016: margin (converted, see EBGAN.default_margin), pull-away weight 0.1.

The variant's defaults (optimizers, n_critic, penalty weights) come from its
model class; this file records the data, budget and logging of the run.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("ebgan", "mnist28", arg)
    # The autoencoder critic: conv 16-32 encoder, 16-d code, mirrored decoder.
    # With the other variants' 32-64 critic widths and the 128-d default code,
    # its two dense layers alone (7*7*64 <-> 128) are 800k parameters and the
    # preset would not fit 3 MB; this one has 69k, close to the others' 37-43k.
    config.model.discriminator_widths = (16, 32)
    config.model.code_dim = 16
    # Same budget for every variant on this dataset: config.steps x config.batch_size.
    # zoo28 recipe (benchmarks/zoo28.py --stage=package)
    # nets: the zoo's DCGAN-28 (configs.SMALL_NETS), the fastest to quality per CPU-second on NS-GAN's search (classifier-FID 62.7 after 223 s against 92.0 after 280 s for twice the widths; float32, the session's AMD EPYC has no bfloat16 units)
    # search at a quarter of the budget, classifier-FID of 10,000 samples: recipe 49.6, lr0.0005 31.6
    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 0.0005
    # the full run's classifier-FID: 18.84 from the moving average, 19.90 from the generator's own weights
    config.model.ema_decay = 0.999
    if arg != "smoke":  # 15,625 discriminator updates at batch 64 (compare_gan's 20 epochs of 50,000)
        config.steps = 15625
    # end of the zoo28 recipe
    return config
