"""The whole model round-trips through .keras files; bad files give one clear error."""

import numpy as np
import pytest
import tensorflow as tf
import keras

import ganzoo
from conftest import weights


def toy_batches(n=3, batch=16):
    x = ganzoo.data.toy("grid25", n * batch, seed=0)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


@pytest.mark.parametrize("variant, data_shape, options", [
    ("wgan-gp", (2,), {"ema_decay": 0.9, "n_critic": 2}),
    ("sngan", (28, 28, 1), {"num_classes": 10}),
    ("ebgan", (2,), {}),
    ("wgan-ct", (2,), {"n_critic": 1}),
])
def test_round_trip_keeps_generate_and_optimizer_state(tmp_path, variant, data_shape, options):
    model = ganzoo.models.build(variant, data_shape, seed=0, **options)
    model.compile()
    if len(data_shape) == 1:
        model.fit(toy_batches(), epochs=1, verbose=0)
    else:
        x = np.random.default_rng(0).uniform(-1, 1, (8, *data_shape)).astype("float32")
        model.fit(tf.data.Dataset.from_tensor_slices((x, np.arange(8) % 10)).batch(4), epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    for loaded in (keras.saving.load_model(path, safe_mode=True), ganzoo.load_model(path)):
        assert type(loaded) is type(model)
        np.testing.assert_array_equal(loaded.generate(6, seed=4), model.generate(6, seed=4))
        for a, b in zip(weights(loaded.discriminator), weights(model.discriminator)):
            np.testing.assert_array_equal(a, b)
        assert int(loaded.d_optimizer.iterations) == int(model.d_optimizer.iterations)
        assert int(loaded.g_optimizer.iterations) == int(model.g_optimizer.iterations)
        for a, b in zip(loaded.d_optimizer.variables, model.d_optimizer.variables):
            np.testing.assert_array_equal(np.array(a), np.array(b))
    if len(data_shape) == 1:  # fit continues from the saved optimizer step
        loaded.fit(toy_batches(2), epochs=1, verbose=0)
        assert int(loaded.g_optimizer.iterations) == 5


def test_resumed_training_equals_uninterrupted_training(tmp_path):
    def fresh():
        m = ganzoo.models.build("wgan-gp", (2,), seed=7, n_critic=2)
        m.compile()
        return m

    keras.utils.set_random_seed(0)
    straight = fresh()
    keras.utils.set_random_seed(0)
    resumed = fresh()
    straight.fit(toy_batches(4), epochs=1, verbose=0)
    resumed.fit(toy_batches(4).take(2), epochs=1, verbose=0)
    resumed.save(tmp_path / "half.keras")
    resumed = ganzoo.load_model(tmp_path / "half.keras")
    resumed.fit(toy_batches(4).skip(2), epochs=1, verbose=0)
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_bad_files_raise_one_clear_error(tmp_path):
    with pytest.raises(ganzoo.LoadError, match="No model file"):
        ganzoo.load_model(tmp_path / "missing.keras")
    text = tmp_path / "notes.keras"
    text.write_text("hello")
    with pytest.raises(ganzoo.LoadError, match="not a Keras model archive"):
        ganzoo.load_model(text)
    model = ganzoo.models.build("nsgan", (2,), seed=0)
    model.compile()
    good = tmp_path / "good.keras"
    model.save(good)
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ganzoo.LoadError, match="truncated"):
        ganzoo.load_model(truncated)
    foreign = tmp_path / "foreign.keras"
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(foreign)
    with pytest.raises(ganzoo.LoadError, match="not a ganzoo GAN model"):
        ganzoo.load_model(foreign)
