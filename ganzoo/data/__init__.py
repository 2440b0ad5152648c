"""Data sources for ganzoo: toy distributions, idx/npz/tfds images, Stacked-MNIST."""

from ganzoo.data.sources import DataError, load_arrays, load_mnist_idx, make_dataset, read_idx, stacked_mnist
from ganzoo.data.toy import TOY_DISTRIBUTIONS, toy, toy_dataset, toy_modes

__all__ = [
    "DataError", "load_arrays", "load_mnist_idx", "make_dataset", "read_idx", "stacked_mnist",
    "toy", "toy_dataset", "toy_modes", "TOY_DISTRIBUTIONS",
]
