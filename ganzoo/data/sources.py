"""Image sources -> `tf.data` pipelines of images in [-1, 1] (and labels).

Sources (the `dataset` of a config):
- toy names: `ring8`, `grid25`, `swissroll` (generated, no files);
- `mnist`, `fashion_mnist`: from a directory of MNIST-format idx files
  (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`) given as
  `data_dir`, else from tensorflow-datasets (needs internet or a tfds cache);
- `stackedmnist`: three MNIST digits drawn independently as R, G, B (1000 modes);
- `cifar10`: from a tar or folder of images with class sub-folders (e.g. the
  CIFAR-10 JPEG tar, `train/<class>/*.jpg`) given as `data_dir`, else tfds;
- `celeb_a`: from a folder or tar of the aligned 178x218 faces given as
  `data_dir`, else tfds; centre 108x108 crop resized to 64x64 (see `images.py`);
- `images:<path>`: any folder or tar of JPEG/PNG images (class sub-folders give labels);
- `npz:<path>`: an .npz with `x` (N, H, W[, C]) uint8 or float in [-1, 1], optional `y`.
"""

import gzip
import os
import socket

import numpy as np

from ganzoo.data import images as images_lib
from ganzoo.data import registry
from ganzoo.data.pipeline import DataError, batched, batched_stream
from ganzoo.data.toy import TOY_DISTRIBUTIONS, TRAINING_POINTS, toy

IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
IN_MEMORY = ("mnist", "fashion_mnist", "stackedmnist")  # read whole into numpy (idx files or tfds)
IMAGE_SOURCES = {"cifar10": {}, "celeb_a": {"crop": "celeba"}}  # dataset -> image_dataset options
KNOWN = "ring8, grid25, swissroll, mnist, fashion_mnist, stackedmnist, cifar10, celeb_a, images:<path>, npz:<path>"


def read_idx(path):
    """Reads an MNIST-format idx file (gzip'd or raw) into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as error:
        raise DataError(f"Cannot read idx file {path!r}: {error}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(f"{path!r} is not an idx file of unsigned bytes (bad magic number).")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise DataError(f"{path!r} is truncated: header says {shape}, found {body.size} values.")
    return body.reshape(shape)


def _find(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise DataError(f"No {stem}[.gz] in {directory!r}: expected a directory of MNIST-format idx files.")


def load_mnist_idx(directory, split="train"):
    """(images uint8 (N, 28, 28, 1), labels int32 (N,)) from a directory of idx files."""
    if not os.path.isdir(directory):
        raise DataError(f"Data directory {directory!r} does not exist.")
    image_stem, label_stem = IDX_FILES[split]
    images = read_idx(_find(directory, image_stem))
    labels = read_idx(_find(directory, label_stem))
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(f"Expected 28x28 images in {directory!r}, got shape {images.shape}.")
    if len(images) != len(labels):
        raise DataError(f"{len(images)} images but {len(labels)} labels in {directory!r}.")
    return images[..., None], labels.astype("int32")


def stacked_mnist(images, labels, n, seed=0):
    """Stacked-MNIST: n RGB images whose channels are three independent MNIST digits.

    The label is the 3-digit number 100 * d_R + 10 * d_G + d_B (1000 modes).
    """
    rng = np.random.default_rng(seed)
    idx = rng.integers(len(images), size=(n, 3))
    stacked = np.concatenate([images[idx[:, c]] for c in range(3)], axis=-1)
    digits = labels[idx]
    return stacked, (100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2]).astype("int32")


TFDS_HOST = ("storage.googleapis.com", 443)  # where tensorflow-datasets downloads from


def _check_tfds_reachable(name, data_dir):
    """Fails in seconds when tensorflow-datasets would need the network and there is none.

    Without this, tfds retries its downloads for minutes before a message that
    does not say what to do.
    """
    cache = data_dir or os.environ.get("TFDS_DATA_DIR") or os.path.expanduser("~/tensorflow_datasets")
    if os.path.isdir(os.path.join(cache, name)):
        return  # prepared before: no download needed
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return  # through a proxy a direct connection says nothing
    try:
        socket.create_connection(TFDS_HOST, timeout=3).close()
    except OSError:
        raise DataError(
            f"{name!r}: no local copy was given and tensorflow-datasets cannot reach {TFDS_HOST[0]} to download "
            "it (no network). Pass data_dir=<a local copy> (idx files for MNIST, a tar or folder of images "
            "otherwise)."
        ) from None


def _load_tfds(name, data_dir, split="train"):
    import tensorflow_datasets as tfds

    _check_tfds_reachable(name, data_dir)
    try:
        x, y = tfds.as_numpy(tfds.load(name, split=split, batch_size=-1, as_supervised=True, data_dir=data_dir or None))
    except Exception as error:
        raise DataError(
            f"tensorflow-datasets could not load {name!r} ({type(error).__name__}); without internet, "
            "pass data_dir=<a local copy> (idx files for MNIST, a tar or folder of images otherwise)."
        ) from None
    return x, y.astype("int32")


def _tfds_stream(name, data_dir):
    """celeb_a through tensorflow-datasets (no labels), cropped like the local path."""
    import tensorflow as tf
    import tensorflow_datasets as tfds

    _check_tfds_reachable(name, data_dir)
    try:
        ds = tfds.load(name, split="train", data_dir=data_dir or None)
    except Exception as error:
        raise DataError(
            f"tensorflow-datasets could not load {name!r} ({type(error).__name__}); without internet, "
            "pass data_dir=<folder or tar of the images>."
        ) from None

    def prepare(example):
        image = tf.image.resize_with_crop_or_pad(example["image"], images_lib.CELEBA_CROP, images_lib.CELEBA_CROP)
        return tf.image.resize(tf.cast(image, tf.float32), (64, 64), method="area") / 127.5 - 1.0

    return ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)


def _check_npz(path):
    if not os.path.isfile(path):
        raise DataError(f"No .npz file at {path!r}.")
    with np.load(path, allow_pickle=False) as archive:
        if "x" not in archive:
            raise DataError(f"{path!r} has no array 'x' (found {list(archive.keys())}).")
        x = archive["x"]
        y = archive["y"].astype("int32") if "y" in archive else None
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3) or len(x) == 0:
        raise DataError(f"{path!r}: 'x' must be (N, H, W[, 1 or 3]) images, got {x.shape}.")
    if x.dtype != np.uint8 and not np.isfinite(x).all():
        bad = int(np.count_nonzero(~np.isfinite(x)))
        raise DataError(f"{path!r}: 'x' holds {bad} NaN or Inf values; every pixel must be finite.")
    if x.dtype != np.uint8 and (x.min() < -1.0 or x.max() > 1.0):
        raise DataError(f"{path!r}: float images must lie in [-1, 1], got [{x.min():.3g}, {x.max():.3g}].")
    return x, y


def load_arrays(dataset, data_dir=None, split="train", seed=0):
    """(x, y, data_shape) for in-memory sources: x uint8 or float images, y labels or None.

    Toy names give (None, None, (2,)); encoded-image sources are read by `image_source`.
    """
    if dataset in TOY_DISTRIBUTIONS:
        return None, None, (2,)
    if dataset.startswith("npz:"):
        x, y = _check_npz(dataset[4:])
        return x, y, x.shape[1:]
    base = "mnist" if dataset == "stackedmnist" else dataset
    if base not in ("mnist", "fashion_mnist"):
        raise DataError(f"{dataset!r} is not an in-memory source; expected mnist, fashion_mnist, stackedmnist or npz:<path>.")
    if data_dir and os.path.isdir(data_dir) and any(f.startswith("train-images") for f in os.listdir(data_dir)):
        x, y = load_mnist_idx(data_dir, split)
    elif data_dir and not os.path.isdir(data_dir):
        raise DataError(f"Data directory {data_dir!r} does not exist.")
    elif data_dir and not os.path.isdir(os.path.join(data_dir, base)):
        raise DataError(f"{data_dir!r} holds no {base} data: neither MNIST-format idx files "
                        f"(train-images-idx3-ubyte[.gz], ...) nor a tensorflow-datasets folder {base}/. Point "
                        "data_dir at a folder that has one, or leave it unset to download with tensorflow-datasets.")
    else:
        x, y = _load_tfds(base, data_dir, split)
    if dataset == "stackedmnist":
        x, y = stacked_mnist(x, y, len(x), seed)
    return x, y, registry.get(dataset).shape


def _scale(image):
    import tensorflow as tf

    return tf.cast(image, tf.float32) / 127.5 - 1.0 if image.dtype == tf.uint8 else tf.cast(image, tf.float32)


def make_dataset(dataset, batch_size, *, data_dir=None, conditional=False, seed=0, skip_batches=0, image_size=None):
    """A repeated, shuffled, batched (drop_remainder), prefetched `tf.data.Dataset` in [-1, 1].

    Every in-memory or local source (toy, idx, npz, image tar or folder) is
    shuffled by `epoch_permutations`: the order is a function of `seed` alone.
    Decoding runs in parallel. Every check on the source happens here, before
    training starts. Returns (dataset, data_shape, num_classes).
    """
    prepare = None
    if dataset in TOY_DISTRIBUTIONS:
        if conditional:
            raise DataError(f"Toy dataset {dataset!r} has no labels; set conditional=False.")
        x, y, shape = toy(dataset, TRAINING_POINTS, seed), None, (2,)
    elif dataset.startswith("images:") or (dataset in IMAGE_SOURCES and data_dir):
        path, options = (dataset[len("images:"):], {}) if dataset.startswith("images:") else (data_dir, IMAGE_SOURCES[dataset])
        x, prepare, shape, y, _ = images_lib.image_source_parts(path, image_size=image_size, **options)
    elif dataset == "celeb_a":
        if conditional:
            raise DataError("celeb_a has no class labels here; set conditional=False.")
        return batched_stream(_tfds_stream(dataset, None), batch_size, seed=seed, skip_batches=skip_batches), (64, 64, 3), None
    elif dataset == "cifar10" or dataset.startswith("npz:") or dataset in IN_MEMORY:
        x, y = _load_tfds(dataset, None) if dataset == "cifar10" else load_arrays(dataset, data_dir, seed=seed)[:2]
        shape = x.shape[1:]
        prepare = _scale
    else:
        raise DataError(f"Unknown dataset {dataset!r}; expected one of {KNOWN}.")
    if conditional and y is None:
        raise DataError(f"{dataset!r} has no labels, so it cannot train a conditional model.")
    num_classes = int(y.max()) + 1 if conditional else None
    if conditional:
        image_prepare = prepare or (lambda image: image)
        ds = batched((x, y), batch_size, seed=seed, skip_batches=skip_batches,
                     prepare=lambda image, label: (image_prepare(image), label))
    else:
        ds = batched(x, batch_size, seed=seed, skip_batches=skip_batches, prepare=prepare)
    return ds, tuple(shape), num_classes


SPLITS = ("train", "test")


def reference_images(dataset, data_dir, n, seed=0, split="train"):
    """`n` reference images in [-1, 1]: from the training split in a seeded order, or (`split="test"`)
    the first `n` of the test split in file order (compare_gan's FID reference: the whole 10,000-image
    test set of MNIST, Fashion-MNIST and CIFAR-10; `seed` is then unused)."""
    if split not in SPLITS:
        raise DataError(f"split must be one of {SPLITS}, got {split!r}.")
    if split == "test":
        return test_images(dataset, data_dir, n)
    ds, _, _ = make_dataset(dataset, min(n, 1000), data_dir=data_dir, seed=seed)
    chunks, total = [], 0
    for batch in ds:
        chunks.append(batch.numpy())
        total += len(chunks[-1])
        if total >= n:
            break
    return np.concatenate(chunks)[:n]


def test_images(dataset, data_dir, n=None):
    """The first `n` (default all) images of `dataset`'s test split in [-1, 1], file order, float32 NHWC."""
    if dataset in ("mnist", "fashion_mnist"):
        x = load_arrays(dataset, data_dir, split="test")[0]
        x = x[..., None] if x.ndim == 3 else x
        images = x.astype(np.float32) / 127.5 - 1.0
    elif dataset in IMAGE_SOURCES and data_dir:
        import tensorflow as tf

        encoded, decode, _, _, _ = images_lib.image_source_parts(data_dir, split="test", **IMAGE_SOURCES[dataset])
        encoded = encoded[:n] if n else encoded
        ds = tf.data.Dataset.from_tensor_slices(list(encoded)).map(decode, num_parallel_calls=tf.data.AUTOTUNE)
        images = np.concatenate([batch.numpy() for batch in ds.batch(1000)])
    else:
        raise DataError(f"No local test split for {dataset!r}: expected mnist or fashion_mnist (idx files or "
                        "tensorflow-datasets), or cifar10 with a data_dir holding test/<class>/*.")
    if n is not None and len(images) < n:
        raise DataError(f"{dataset!r}'s test split has {len(images):,} images; {n:,} were asked for.")
    return images[:n] if n else images
