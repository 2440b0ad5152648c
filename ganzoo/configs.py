"""Shared defaults of the zoo configs (`zoo_configs/<variant>/<dataset>.py`).

Each zoo config calls `base_config(variant, dataset, arg)` and sets what its
paper prescribes; `arg == "smoke"` shrinks the run to a few steps (CI runs
every config that way so none rots). The result is locked by `ganzoo-train`:
a misspelt key fails at once.
"""

import ml_collections

DATASETS = {  # zoo dataset id -> data source name
    "ring8": "ring8", "grid25": "grid25", "mnist28": "mnist", "fashion28": "fashion_mnist",
    "stackedmnist28": "stackedmnist",
}


def base_config(variant, dataset, arg=None):
    image = DATASETS[dataset] not in ("ring8", "grid25")
    config = ml_collections.ConfigDict()
    config.variant = variant
    config.dataset = DATASETS[dataset]
    config.data_dir = ""  # a local source (e.g. a directory of idx files); "" = tensorflow-datasets
    config.conditional = False
    config.latent_dim = 128 if image else 64
    config.batch_size = 64 if image else 128
    config.steps = 5000 if image else 1500  # generator steps; the same for every variant on a dataset
    config.model = ml_collections.ConfigDict()  # variant options, e.g. gp_weight, ema_decay
    config.seed = 0
    config.strategy = "auto"
    config.init_from = ""  # a saved model (.keras file or run directory) to fine-tune
    config.log_every = 50
    config.sample_every = 500
    config.checkpoint_every = 500
    config.keep_checkpoints = 3
    config.num_grid_samples = 64 if image else 2500
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
