"""The one table of the datasets ganzoo knows: shape, kind, licence, Hub id, sizes and reference split.

Everything that asks "is this toy data?", "what shape are its samples?", "what
licence does a preset trained on it carry?" or "how many training images does
it have?" reads it here. `images:<path>` and `npz:<path>` sources are the
user's own files and are not in the table (`get` answers None for them).
"""

import dataclasses

TOY, IMAGE = "toy", "image"


@dataclasses.dataclass(frozen=True)
class Dataset:
    """What ganzoo knows about one dataset.

    Args:
        name: the data source name (`config.dataset`, `make_dataset`'s first argument).
        zoo_id: its name in the zoo (`zoo_configs/...`, preset names), e.g. "mnist28".
        kind: "toy" (2-d points) or "image".
        shape: the shape of one sample.
        licence: the data's licence, as a preset card states it.
        hub_dataset: the Hugging Face dataset id a Hub card links, or None.
        train_size: images in the training split (None: generated data).
        reference_split: the split reference sets for FID / KID / PR are drawn from.
        num_classes: classes of the labels (None: unlabelled).
        modes: toy data with discrete modes (mode metrics apply).
        classifier: a shipped classifier scores it (classifier-FID, class coverage).
    """

    name: str
    zoo_id: str
    kind: str
    shape: tuple
    licence: str
    hub_dataset: str = None
    train_size: int = None
    reference_split: str = "train"
    num_classes: int = None
    modes: bool = False
    classifier: bool = False

    @property
    def is_toy(self):
        return self.kind == TOY


_SYNTHETIC = "synthetic (ganzoo.data.toy), Apache-2.0"
_MNIST = "MNIST, CC BY-SA 3.0 (Y. LeCun, C. Cortes)"

DATASETS = {d.name: d for d in (
    Dataset("ring8", "ring8", TOY, (2,), _SYNTHETIC, modes=True),
    Dataset("grid25", "grid25", TOY, (2,), _SYNTHETIC, modes=True),
    Dataset("swissroll", "swissroll", TOY, (2,), _SYNTHETIC),
    Dataset("mnist", "mnist28", IMAGE, (28, 28, 1), _MNIST, "mnist", 60_000, num_classes=10, classifier=True),
    Dataset("fashion_mnist", "fashion28", IMAGE, (28, 28, 1), "Fashion-MNIST, MIT (Zalando SE)", "fashion_mnist",
            60_000, num_classes=10, classifier=True),
    Dataset("stackedmnist", "stackedmnist28", IMAGE, (28, 28, 3), _MNIST, "mnist", 60_000, num_classes=1000),
    Dataset("cifar10", "cifar32", IMAGE, (32, 32, 3), "CIFAR-10 (A. Krizhevsky, 2009); trained on a JPEG q75 copy",
            "cifar10", 50_000, num_classes=10),
    Dataset("celeb_a", "celeba64", IMAGE, (64, 64, 3), "CelebA: non-commercial research purposes only (MMLAB, CUHK)",
            "celeba", 202_599),
)}
ZOO_IDS = {d.zoo_id: d for d in DATASETS.values()}
TOY_WITH_MODES = tuple(name for name, d in DATASETS.items() if d.modes)


def get(name):
    """The `Dataset` called `name` (a source name or a zoo id), or None for a user's own files."""
    return DATASETS.get(name) or ZOO_IDS.get(name)


def from_zoo_id(zoo_id):
    """The `Dataset` of a zoo id such as "mnist28"; a ValueError lists the known ones."""
    if zoo_id not in ZOO_IDS:
        raise ValueError(f"Unknown zoo dataset {zoo_id!r}; known: {', '.join(ZOO_IDS)}.")
    return ZOO_IDS[zoo_id]


def is_toy(name):
    """Whether `name` is 2-d toy data (ring8, grid25, swissroll)."""
    dataset = get(name)
    return dataset is not None and dataset.is_toy


def has_modes(name):
    """Whether `name` is toy data with discrete modes (the mode metrics apply)."""
    dataset = get(name)
    return dataset is not None and dataset.modes


def has_classifier(name):
    """Whether a shipped classifier scores `name` (classifier-FID, class coverage and KL)."""
    dataset = get(name)
    return dataset is not None and dataset.classifier
