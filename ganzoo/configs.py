"""Shared defaults of the zoo configs (`zoo_configs/<variant>/<dataset>.py`).

Each zoo config calls `base_config(variant, dataset, arg)` and sets what its
paper prescribes; `arg == "smoke"` shrinks the run to a few steps (CI runs
every config that way so none rots). The result is locked by `ganzoo-train`:
a misspelt key fails at once.
"""

import ml_collections

DATASETS = {  # zoo dataset id -> data source name
    "ring8": "ring8", "grid25": "grid25", "mnist28": "mnist", "fashion28": "fashion_mnist",
    "stackedmnist28": "stackedmnist", "cifar32": "cifar10", "celeba64": "celeb_a",
}
# Generator steps when a dataset's budget differs from the default. cifar32:
# CIFAR-10 train (50k); offline, data_dir = a tar or folder with
# train/<class>/*.jpg (the shared CIFAR-10 copy is JPEG q75: say so next to any
# FID). celeba64: aligned CelebA faces, centre 108x108 crop resized to 64x64;
# offline, data_dir = a folder or tar of the 178x218 JPEGs. Both are GPU runs.
STEPS = {"cifar32": 100_000, "celeba64": 100_000}
_TOY_NET = ((256, 256, 256), (256, 256, 256))
_NET28 = ((64, 32), (32, 64))
SMALL_NETS = {"ring8": _TOY_NET, "grid25": _TOY_NET, "mnist28": _NET28, "fashion28": _NET28, "stackedmnist28": _NET28}
SMALL_LATENT = {"mnist28": 64, "fashion28": 64, "stackedmnist28": 64}


def base_config(variant, dataset, arg=None):
    image = DATASETS[dataset] not in ("ring8", "grid25")
    config = ml_collections.ConfigDict()
    config.variant = variant
    config.dataset = DATASETS[dataset]
    config.data_dir = ""  # a local source (e.g. a directory of idx files); "" = tensorflow-datasets
    config.conditional = False
    config.latent_dim = 128 if image else 64
    config.batch_size = 64 if image else 128
    config.steps = STEPS.get(dataset, 5000 if image else 3000)  # the same for every variant on a dataset
    config.model = ml_collections.ConfigDict()  # variant options, e.g. gp_weight, ema_decay
    # Network sizes of the shipped presets, the same for every variant on a
    # dataset: small enough that a preset (float16 weights of both networks plus
    # float32 Adam moments) stays under 3 MB and trains on 2 CPU cores in
    # minutes. Toy: 3 x 256 ReLU MLPs (the WGAN-GP paper's are 3 x 512).
    # 28 px: a DCGAN at a quarter of the default generator width, half the
    # critic width, and a 64-d latent (270k parameters in all, against 2.2M).
    # () = the library's default networks (CIFAR-10, CelebA).
    config.model.generator_widths = SMALL_NETS.get(dataset, ((), ()))[0]
    config.model.discriminator_widths = SMALL_NETS.get(dataset, ((), ()))[1]
    if dataset in SMALL_LATENT:
        config.latent_dim = SMALL_LATENT[dataset]
    # Learning rates: the variant's paper rates (its `default_optimizers`) times
    # learning_rate_scale, unless set here (absolute; 0 = not set). The toy runs
    # give every variant the same rate, 1e-3 (each keeps its optimizer, betas
    # and n_critic): a 3k-step budget leaves the papers' DCGAN rates blurry
    # (measured: WGAN-GP on ring8 at 1e-4 had 2 % high-quality samples after
    # 1.5k steps), and 10x the papers' rates (2e-3 for GAN) made GAN diverge.
    config.learning_rate_scale = 1.0
    config.d_learning_rate = 0.0 if image else 1e-3
    config.g_learning_rate = 0.0 if image else 1e-3
    config.seed = 0
    config.deterministic = False  # tf op determinism: bit-identical reruns and resumes, slower
    config.strategy = "auto"  # auto | default | mirrored | multiworker | tpu
    config.tpu = ""  # TPU address for strategy=tpu ("" = the local TPU)
    config.mixed_precision = ""  # "" | mixed_float16 | mixed_bfloat16 (GPUs/TPUs; off on CPU)
    config.jit_compile = False  # XLA; measured no gain on CPU
    # A NaN/Inf loss: the step is never kept; "retry" restores the last good
    # checkpoint and lowers both learning rates by nonfinite_lr_factor (at most
    # max_nonfinite_retries times), "stop" ends the run with a message.
    config.on_nonfinite = "retry"
    config.nonfinite_lr_factor = 0.5
    config.max_nonfinite_retries = 3
    config.init_from = ""  # a saved model (.keras file or run directory) to fine-tune
    config.log_every = 50
    config.sample_every = 500
    config.checkpoint_every = 500
    config.keep_checkpoints = 3
    config.num_grid_samples = 64 if image else 2500
    config.tensorboard = True  # scalars every log_every, sample images every sample_every
    # Every eval_every steps (a multiple of log_every; 0 = off), domain metrics of
    # eval_samples samples join the log line: classifier-FID, class coverage and KL
    # (MNIST, Fashion-MNIST: the shipped classifier), or the mode metrics (ring8, grid25).
    config.eval_every = 0
    config.eval_samples = 2000
    config.verbose = 1
    if arg == "smoke":
        config.batch_size = 8
        config.steps = 3
        config.log_every = config.sample_every = config.checkpoint_every = 2
        config.num_grid_samples = 16
        config.verbose = 0
    elif arg:
        raise ValueError(f"Unknown config argument {arg!r}; expected nothing or 'smoke'.")
    return config


def load(path, arg=None):
    """The locked ConfigDict of a config file (`get_config(arg)`), as `ganzoo-train --config=path[:arg]` reads it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ganzoo_zoo_config", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = module.get_config(arg)
    config.lock()
    return config
