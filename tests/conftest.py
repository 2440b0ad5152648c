"""Shared test setup: two logical CPU devices (for MirroredStrategy tests) and small helpers."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(_cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


@pytest.fixture(scope="session")
def mirrored_strategy():
    # One strategy per process: a second MirroredStrategy over the same devices
    # reuses collective keys and clashes with the first one's collectives.
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def weights(model):
    return [np.array(v) for v in model.weights]


def max_abs_change(before, after):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(before, after))


def last(history, name):
    return float(np.ravel(history.history[name][-1])[0])


def pooled_pixel_features(images, **kwargs):
    """A cheap stand-in for the Inception features: 4x4 average pools per channel, (N, 16 * C)."""
    x = np.asarray(images, np.float64)
    n, h, w, c = x.shape
    return x.reshape(n, 4, h // 4, 4, w // 4, c).mean(axis=(2, 4)).reshape(n, 16 * c)
