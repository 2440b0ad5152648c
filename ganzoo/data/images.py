"""Encoded-image sources: a tar of JPEG/PNG files or an image folder, decoded in parallel.

Layout (both kinds): images directly in the root, or one sub-folder per class
(`<class>/xxx.jpg`, labels = sorted class names), optionally under a split
folder (`train/<class>/xxx.jpg`, as in the CIFAR-10 JPEG tar). Everything is
checked before training starts: a missing path, an empty folder, a file that is
not a JPEG/PNG/GIF/BMP, or an image of the wrong size or channel count raises
one `DataError` naming the file.

CelebA (`crop="celeba"`): the 178x218 aligned faces are centre-cropped to
108x108 and resized to 64x64 (area), the crop of DCGAN-tensorflow
(Radford et al.'s CelebA recipe) used by most GAN papers' CelebA-64 results.
"""

import concurrent.futures
import hashlib
import io
import json
import os
import tarfile

import numpy as np

from ganzoo.data.pipeline import DataError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
CELEBA_CROP = 108


def _is_tar(path):
    return os.path.isfile(path) and path.endswith((".tar", ".tar.gz", ".tgz"))


def read_encoded(path, split="train"):
    """(names, encoded bytes) of every image in a tar or folder, sorted by name.

    When the source has a `split` folder at its root, only that split is read.
    """
    if not os.path.exists(path):
        raise DataError(f"Image source {path!r} does not exist.")
    entries = {}
    if _is_tar(path):
        try:
            with tarfile.open(path) as archive:
                for member in archive:
                    if member.isfile() and member.name.lower().endswith(IMAGE_EXTENSIONS):
                        entries[member.name.lstrip("./")] = archive.extractfile(member).read()
        except (tarfile.TarError, OSError, EOFError) as error:
            raise DataError(f"Cannot read tar {path!r}: {error}") from None
    elif os.path.isdir(path):
        for root, _, files in os.walk(path):
            for name in files:
                if name.lower().endswith(IMAGE_EXTENSIONS):
                    full = os.path.join(root, name)
                    with open(full, "rb") as f:
                        entries[os.path.relpath(full, path).replace(os.sep, "/")] = f.read()
    else:
        raise DataError(f"{path!r} is neither an image folder nor a .tar/.tar.gz/.tgz of images.")
    if any(name.split("/")[0] == split for name in entries if "/" in name):
        entries = {name[len(split) + 1:]: data for name, data in entries.items() if name.startswith(split + "/")}
    if not entries:
        raise DataError(f"{path!r} holds no {'/'.join(IMAGE_EXTENSIONS)} images (split {split!r}).")
    for name, data in entries.items():
        if not data.startswith(_MAGIC):
            raise DataError(f"{path!r}: {name!r} is not an image (not JPEG, PNG, GIF or BMP data).")
    names = sorted(entries)
    return names, [entries[name] for name in names]


def class_labels(names):
    """Labels from class sub-folders (sorted folder names), or None for a flat folder."""
    folders = [name.rsplit("/", 1)[0] if "/" in name else None for name in names]
    if any(folder is None for folder in folders):
        return None, []
    classes = sorted(set(folders))
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[f] for f in folders], "int32"), classes


def _probe(name, data):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.size[1], image.size[0], len(image.getbands())
    except Exception as error:
        raise DataError(f"{name!r} cannot be decoded: {error}") from None


def probe_all(path, names, encoded):
    """(height, width, bands) of every image, each decoded once (in threads) so that a corrupt or
    truncated file is named before training, not hours into it. Cached by a digest of the bytes."""
    digest = hashlib.sha256()
    for name, data in zip(names, encoded):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    cache = os.path.join(os.environ.get("GANZOO_CACHE") or os.path.expanduser("~/.cache/ganzoo"), "image_checks",
                         digest.hexdigest()[:32] + ".json")
    if os.path.isfile(cache):
        with open(cache) as f:
            return [tuple(shape) for shape in json.load(f)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) * 2)) as pool:
        try:
            shapes = list(pool.map(_probe, names, encoded, chunksize=256))
        except DataError as error:
            raise DataError(f"{path!r}: {error}; fix or remove that file.") from None
    try:  # a cache that cannot be written only costs the next run the same check
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        partial = f"{cache}.{os.getpid()}.tmp"
        with open(partial, "w") as f:
            json.dump(shapes, f)
        os.replace(partial, cache)
    except OSError:
        pass
    return shapes


def image_source_parts(path, *, split="train", image_size=None, channels=None, crop=None):
    """(encoded bytes array, decode function, data_shape, labels or None, class names) of a tar or folder.

    Args:
        path: a folder or a .tar/.tar.gz/.tgz of images.
        image_size: output (H, W); None keeps the source size, which must then be
            the same for every image (every file is decoded and checked first).
        channels: 1 or 3; None takes the first image's channel count.
        crop: None, or "celeba" (centre 108x108 crop before resizing).
    `decode(bytes) -> float32 image in [-1, 1]` is a TF function for `tf.data`.
    """
    import tensorflow as tf

    names, encoded = read_encoded(path, split)
    if channels not in (None, 1, 3):
        raise DataError(f"channels must be 1 or 3, got {channels}.")
    if crop not in (None, "celeba"):
        raise DataError(f"Unknown crop {crop!r}; expected None or 'celeba'.")
    shapes = probe_all(path, names, encoded)
    height, width, bands = shapes[0]
    channels = channels or (1 if bands == 1 else 3)
    if image_size is None and crop is None:
        for name, shape in zip(names, shapes):
            if shape[:2] != (height, width):
                raise DataError(f"{path!r}: images differ in size ({names[0]!r} is {width}x{height}, {name!r} is "
                                f"{shape[1]}x{shape[0]}); set image_size to resize them.")
    if crop == "celeba":
        for name, shape in zip(names, shapes):
            if shape[0] < CELEBA_CROP or shape[1] < CELEBA_CROP:
                raise DataError(f"{name!r} is {shape[1]}x{shape[0]}, smaller than the {CELEBA_CROP}x{CELEBA_CROP} "
                                "CelebA crop.")
    size = tuple(image_size) if image_size else ((64, 64) if crop == "celeba" else (height, width))
    labels, classes = class_labels(names)

    def decode(data):
        image = tf.io.decode_image(data, channels=channels, expand_animations=False)
        if crop == "celeba":
            image = tf.image.resize_with_crop_or_pad(image, CELEBA_CROP, CELEBA_CROP)
        if crop or image_size:
            image = tf.image.resize(tf.cast(image, tf.float32), size, method="area")
        else:
            image = tf.ensure_shape(image, (height, width, channels))
        return tf.cast(image, tf.float32) / 127.5 - 1.0

    return np.array(encoded, dtype=object), decode, (*size, channels), labels, classes


def image_dataset(path, *, split="train", image_size=None, channels=None, crop=None):
    """A `tf.data.Dataset` of the decoded images in [-1, 1] of a tar or folder, in name order.

    Returns (dataset, data_shape, labels or None, class names); see `image_source_parts`.
    """
    import tensorflow as tf

    encoded, decode, shape, labels, classes = image_source_parts(
        path, split=split, image_size=image_size, channels=channels, crop=crop)
    ds = tf.data.Dataset.from_tensor_slices(list(encoded)).map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    return ds, shape, labels, classes
