"""The shipped MNIST classifier and the domain metrics built on it."""

import os
import shutil

import numpy as np
import pytest

import ganzoo
from ganzoo.metrics.classifier import Classifier, domain_metrics
from helpers import shared_data


@pytest.fixture(scope="module")
def mnist():
    train, train_labels = ganzoo.data.load_mnist_idx(shared_data("mnist"), "train")
    test, test_labels = ganzoo.data.load_mnist_idx(shared_data("mnist"), "test")
    scale = lambda x: x.astype("float32") / 127.5 - 1.0  # noqa: E731
    return scale(train[:2000]), scale(test[:2000]), test_labels[:2000]


@pytest.fixture(scope="module")
def classifier():
    return Classifier("mnist")


def test_shipped_mnist_classifier_is_accurate(classifier, mnist):
    _, test, labels = mnist
    assert classifier.info["test_accuracy"] >= 0.99
    assert np.mean(classifier.predict(test) == labels) >= 0.985  # 2,000 of the 10,000 test images


def test_domain_metrics_separate_real_digits_from_a_collapsed_set(classifier, mnist):
    train, test, labels = mnist
    real = domain_metrics(test, train, classifier)
    assert real["classes_covered"] == 10 and real["class_kl"] < 0.02
    ones = test[labels == 1][:150]
    collapsed = domain_metrics(np.concatenate([ones] * 4), train, classifier)
    assert collapsed["classes_covered"] <= 2 and collapsed["class_kl"] > 2.0  # log 10 = 2.30 for one class
    assert collapsed["classifier_fid"] > 20 * max(real["classifier_fid"], 0.1)


def test_one_pass_gives_the_features_and_labels_of_two_and_a_kept_reference_the_same_figures(classifier, mnist):
    train, test, _ = mnist
    features, labels = classifier.features_and_labels(test[:500])
    np.testing.assert_array_equal(labels, classifier.predict(test[:500]))
    np.testing.assert_allclose(features, classifier.features(test[:500]), rtol=1e-6, atol=1e-6)
    fresh = domain_metrics(test[:500], train[:500], classifier)
    kept = domain_metrics(test[:500], train[:500], classifier, reference_features=classifier.features(train[:500]))
    assert kept == fresh
    # the kept features are what is scored against: other features, another FID
    other = domain_metrics(test[:500], train[:500], classifier, reference_features=classifier.features(train[500:1000]))
    assert other["classifier_fid"] != fresh["classifier_fid"]


def test_classifier_rejects_a_tampered_file_and_bad_images(classifier, tmp_path):
    from ganzoo.metrics.classifier import ARTIFACTS

    for name in ("mnist.keras", "mnist.json"):
        shutil.copy(os.path.join(ARTIFACTS, name), tmp_path / name)
    with open(tmp_path / "mnist.keras", "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="sha256"):
        Classifier("mnist", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="train one with"):
        Classifier("fashion_mnist", str(tmp_path))
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        classifier.predict(np.zeros((2, 32, 32, 3), np.float32))
    with pytest.raises(ValueError, match=r"in \[-1, 1\]"):
        classifier.predict(np.full((2, 28, 28, 1), 255.0, np.float32))
