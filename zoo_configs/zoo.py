"""The zoo's recipe for a variant on a dataset: `--config=zoo_configs/zoo.py:<variant>,<dataset>[,smoke]`.

    ganzoo-train --config=zoo_configs/zoo.py:wgan-gp,mnist28 --config.data_dir=path/to/mnist

Hyper-parameters: the variant's paper defaults (its model class: optimizers,
n_critic, penalty weights; `ganzoo.configs.model_options`), on the zoo's
budget and networks for the dataset (`ganzoo.configs.base_config`): the same
for every variant on a dataset. A recipe that changes anything else has its own
file beside this one (`ebgan/*.py`, `nsgan/mnist28_cond.py`).
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    parts = (arg or "").split(",")
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "smoke"):
        raise ValueError(f"zoo_configs/zoo.py needs ':<variant>,<dataset>[,smoke]', e.g. ':wgan-gp,ring8'; got {arg!r}.")
    return base_config(parts[0], parts[1], parts[2] if len(parts) == 3 else None)
