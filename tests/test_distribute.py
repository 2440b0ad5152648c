"""MirroredStrategy over 2 logical CPUs: global batch 2B on 2 replicas == one replica."""

import numpy as np
import pytest
import tensorflow as tf
import keras

import ganzoo
from conftest import weights


def one_update(strategy, variant, **options):
    with strategy.scope():
        keras.utils.set_random_seed(0)
        model = ganzoo.models.build(variant, (2,), seed=5, **options)
        model.compile()
    x = ganzoo.data.toy("ring8", 16, seed=0)
    history = model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)
    return weights(model.generator) + weights(model.discriminator), history.history


@pytest.mark.parametrize("variant, options", [
    ("wgan-gp", {"n_critic": 2}),  # 2 critic updates: the same code path, half the tracing time
    ("nsgan", {}),
    ("dragan", {}),
    ("nsgan", {"instance_noise": 0.1}),
])
def test_two_replicas_equal_one(mirrored_strategy, variant, options):
    assert mirrored_strategy.num_replicas_in_sync == 2
    single, single_logs = one_update(tf.distribute.get_strategy(), variant, **options)
    double, double_logs = one_update(mirrored_strategy, variant, **options)
    for a, b in zip(single, double):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
    for name in single_logs:
        np.testing.assert_allclose(single_logs[name], double_logs[name], rtol=1e-4, atol=1e-5)
