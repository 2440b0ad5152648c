"""Data sources for ganzoo: toy distributions, idx/npz/tfds images, image tars and folders, Stacked-MNIST."""

from ganzoo.data.images import image_dataset, image_source_parts, read_encoded
from ganzoo.data.pipeline import DataError, batched, epoch_permutations
from ganzoo.data.sources import load_arrays, load_mnist_idx, make_dataset, read_idx, reference_images, stacked_mnist
from ganzoo.data.toy import TOY_DISTRIBUTIONS, TOY_STDDEV, toy, toy_dataset, toy_modes, toy_stddev

__all__ = [
    "DataError", "batched", "epoch_permutations", "image_dataset", "image_source_parts", "load_arrays", "load_mnist_idx", "make_dataset",
    "read_encoded", "read_idx", "reference_images", "stacked_mnist", "toy", "toy_dataset", "toy_modes", "toy_stddev", "TOY_DISTRIBUTIONS", "TOY_STDDEV",
]
