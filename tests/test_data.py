"""Image sources: tar and folder layouts, CIFAR-10 JPEG tar, CelebA crop, and their errors."""

import io
import os
import tarfile

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.data import DataError
from helpers import shared_data


def png_bytes(value, size=(8, 8), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, value if mode == "L" else (value, value, value)).save(buffer, "PNG")
    return buffer.getvalue()


def write_folder(root, classes=("cat", "dog"), per_class=3, size=(8, 8), mode="RGB"):
    for c, name in enumerate(classes):
        os.makedirs(root / "train" / name, exist_ok=True)
        for i in range(per_class):
            (root / "train" / name / f"{i}.png").write_bytes(png_bytes(255 * c, size, mode))


def test_folder_with_class_subfolders_gives_labels_and_scaled_images(tmp_path):
    write_folder(tmp_path)
    ds, shape, classes = ganzoo.data.make_dataset(f"images:{tmp_path}", 6, conditional=True, seed=0)
    images, labels = next(iter(ds))
    assert shape == (8, 8, 3) and classes == 2
    images, labels = images.numpy(), labels.numpy()
    # cat images are black (-1), dog images white (+1): the label follows the folder
    np.testing.assert_allclose(images[labels == 0], -1.0)
    np.testing.assert_allclose(images[labels == 1], 1.0)
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1, 1]


def test_tar_and_folder_read_the_same_images(tmp_path):
    write_folder(tmp_path / "folder", mode="L")
    with tarfile.open(tmp_path / "images.tar.gz", "w:gz") as archive:
        archive.add(tmp_path / "folder" / "train", arcname="train")
    names_a, data_a = ganzoo.data.read_encoded(str(tmp_path / "folder"))
    names_b, data_b = ganzoo.data.read_encoded(str(tmp_path / "images.tar.gz"))
    assert names_a == names_b == ["cat/0.png", "cat/1.png", "cat/2.png", "dog/0.png", "dog/1.png", "dog/2.png"]
    assert data_a == data_b
    _, shape, _ = ganzoo.data.make_dataset(f"images:{tmp_path}/images.tar.gz", 2)
    assert shape == (8, 8, 1)


def test_bad_image_sources_fail_before_training(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        ganzoo.data.make_dataset(f"images:{tmp_path}/missing", 2)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="holds no"):
        ganzoo.data.make_dataset(f"images:{tmp_path}/empty", 2)
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "a.jpg").write_bytes(b"this is text, not a JPEG")
    with pytest.raises(DataError, match="'a.jpg' is not an image"):
        ganzoo.data.make_dataset(f"images:{tmp_path}/fake", 2)
    (tmp_path / "sizes").mkdir()
    (tmp_path / "sizes" / "a.png").write_bytes(png_bytes(0, (8, 8)))
    (tmp_path / "sizes" / "b.png").write_bytes(png_bytes(0, (9, 9)))
    with pytest.raises(DataError, match="differ in size"):
        ganzoo.data.make_dataset(f"images:{tmp_path}/sizes", 2)
    _, shape, _ = ganzoo.data.make_dataset(f"images:{tmp_path}/sizes", 2, image_size=(4, 4))
    assert shape == (4, 4, 3)
    with pytest.raises(DataError, match="neither an image folder nor"):
        ganzoo.data.make_dataset(f"images:{tmp_path}/sizes/a.png", 2)
    write_folder(tmp_path / "flat")
    with pytest.raises(DataError, match="channels must be 1 or 3"):
        ganzoo.data.image_dataset(str(tmp_path / "flat"), channels=2)


def test_cifar10_jpeg_tar():
    cifar_tar = shared_data("cifar10-jpeg", "cifar10-jpeg-q75.tar.gz")
    ds, shape, classes = ganzoo.data.make_dataset("cifar10", 16, data_dir=cifar_tar, conditional=True)
    images, labels = next(iter(ds))
    assert shape == (32, 32, 3) and classes == 10 and images.shape == (16, 32, 32, 3)
    images = images.numpy()
    assert -1.0 <= images.min() < -0.5 and 0.5 < images.max() <= 1.0
    names, _ = ganzoo.data.read_encoded(cifar_tar, split="test")
    assert len(names) == 10_000 and names[0].split("/")[0] == "airplane"


def test_celeba_sample_loads_at_64_pixels():
    ds, shape, _ = ganzoo.data.make_dataset("celeb_a", 4, data_dir=shared_data("celeba-sample"))
    assert shape == (64, 64, 3)
    assert next(iter(ds)).shape == (4, 64, 64, 3)


# Apart from the shared-data test above: the crop check needs no data, so it runs on any checkout.
def test_celeba_centre_crop_resize(tmp_path):
    # The crop is the centre 108x108 square: a face image whose border is red and
    # whose centre is green comes out all green.
    image = np.zeros((218, 178, 3), np.uint8)
    image[..., 0] = 255
    image[55:163, 35:143] = (0, 255, 0)
    Image.fromarray(image).save(tmp_path / "face.png")
    ds, _, _, _ = ganzoo.data.image_dataset(str(tmp_path), crop="celeba")
    out = next(iter(ds)).numpy()
    np.testing.assert_allclose(out[..., 1], 1.0, atol=1e-5)
    np.testing.assert_allclose(out[..., 0], -1.0, atol=1e-5)
