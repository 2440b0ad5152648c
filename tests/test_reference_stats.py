"""Reference statistics: computed once, cached by images and feature net, shipped for the MNIST sets."""

import os

import numpy as np
import pytest

from ganzoo.metrics import reference
from ganzoo.metrics.classifier import Classifier
from ganzoo.metrics.features import FeatureStats, fid
from helpers import shared_data


@pytest.fixture(scope="module")
def images():
    from ganzoo.data import reference_images

    return reference_images("mnist", shared_data("mnist"), 600)


def test_computed_once_then_read_from_the_cache(images, tmp_path, monkeypatch):
    stats = reference.reference_stats("mnist", features="classifier", images=images[:500], cache_dir=tmp_path)
    files = os.listdir(tmp_path / "reference_stats")
    assert len(files) == 1 and files[0].startswith("mnist-classifier-500-")
    assert stats.count == 500 and stats.mu.shape == (128,) and stats.sigma.shape == (128, 128)
    assert stats.protocol["count"] == 500 and len(stats.protocol["images_sha256"]) == 64
    # the statistics are those of the images' features: FID to the same features is ~0
    own = Classifier("mnist").features(images[:500])
    assert abs(stats.fid(own)) < 1e-6
    assert fid(own, Classifier("mnist").features(images[100:600])) > 0.1

    def no_features(*args, **kwargs):
        raise AssertionError("features recomputed despite a cached file")

    monkeypatch.setattr(Classifier, "features", no_features)
    again = reference.reference_stats("mnist", features="classifier", images=images[:500], cache_dir=tmp_path)
    np.testing.assert_array_equal(again.sigma, stats.sigma)
    # other images are another file: the cache is keyed by the images' digest
    with pytest.raises(AssertionError, match="recomputed"):
        reference.reference_stats("mnist", features="classifier", images=images[100:600], cache_dir=tmp_path)


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_shipped_full_training_set_statistics_are_used(dataset, tmp_path, monkeypatch):
    shipped = [f for f in os.listdir(reference.SHIPPED) if f.startswith(f"{dataset}-classifier-60000-")]
    assert len(shipped) == 1
    stats = FeatureStats.load(os.path.join(reference.SHIPPED, shipped[0]))
    assert stats.count == 60_000 and stats.protocol["dataset"] == dataset
    monkeypatch.setattr(Classifier, "features", lambda *a, **k: (_ for _ in ()).throw(AssertionError("computed")))
    folder = shared_data("mnist" if dataset == "mnist" else "fashion-mnist")
    loaded = reference.reference_stats(dataset, folder, features="classifier", cache_dir=tmp_path)
    np.testing.assert_array_equal(loaded.mu, stats.mu)
    assert not (tmp_path / "reference_stats").exists()


def test_bad_features_name(images):
    with pytest.raises(ValueError, match="Unknown features 'vgg'"):
        reference.reference_stats("mnist", features="vgg", images=images)


def test_reference_features_are_cached_and_feed_the_statistics(images, tmp_path, monkeypatch):
    features = reference.reference_features("mnist", features="classifier", images=images[:300], cache_dir=tmp_path)
    own = Classifier("mnist").features(images[:300])
    assert features.shape == (300, 128)
    np.testing.assert_allclose(features, own, rtol=1e-6, atol=1e-6)
    files = os.listdir(tmp_path / "reference_stats")
    assert len(files) == 1 and files[0].startswith("mnist-classifier-300-") and files[0].endswith("-features.npy")

    def no_features(*args, **kwargs):
        raise AssertionError("features recomputed despite a cached file")

    monkeypatch.setattr(Classifier, "features", no_features)
    np.testing.assert_array_equal(
        reference.reference_features("mnist", features="classifier", images=images[:300], cache_dir=tmp_path), features)
    # the statistics of the same images come from the cached features, not the network
    stats = reference.reference_stats("mnist", features="classifier", images=images[:300], cache_dir=tmp_path)
    np.testing.assert_allclose(stats.mu, features.mean(0), rtol=1e-12)
    assert stats.count == 300 and abs(stats.fid(features)) < 1e-6
    with pytest.raises(AssertionError, match="recomputed"):
        reference.reference_features("mnist", features="classifier", images=images[1:301], cache_dir=tmp_path)


def test_reference_features_refuse_whole_training_splits(images, tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "MAX_CACHED_FEATURES", 100)
    with pytest.raises(ValueError, match="at most 100 images, got 300; use reference_stats"):
        reference.reference_features("mnist", features="classifier", images=images[:300], cache_dir=tmp_path)
    assert not (tmp_path / "reference_stats").exists()
