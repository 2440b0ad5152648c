"""Loads are whole or refused: missing groups, bit flips and non-finite weights raise LoadError; a folder
without digests warns; generate works in bounded memory."""

import io
import os
import shutil
import zipfile

import h5py
import numpy as np
import pytest

import ganzoo
from ganzoo import presets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRESET = os.path.join(ROOT, "artifacts", "wgan-gp-ring8")


def rewrite_weights(source, target, edit):
    """Copies a .keras archive with its weights file passed through `edit(h5 file)`."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as weights:
        edit(weights)
    members["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_file_missing_an_optimizers_state_is_refused(tmp_path):
    path = tmp_path / "no_optimizer.keras"
    rewrite_weights(os.path.join(PRESET, "model.keras"), path, lambda weights: weights.__delitem__("d_optimizer"))
    with pytest.raises(ganzoo.LoadError, match="incomplete: Skipping variable loading for optimizer"):
        ganzoo.load_model(path)
    assert ganzoo.load_model(os.path.join(PRESET, "model.keras"))  # the intact file loads


def test_a_networks_only_file_loads_whole_with_fresh_optimizers_and_fine_tunes(tmp_path):
    from ganzoo.packaging import write_model
    from ganzoo.saving import CONTENTS_MEMBER

    full = ganzoo.load_model(os.path.join(PRESET, "model.keras"))
    path = tmp_path / "networks.keras"
    write_model(full, str(path), float16=False, optimizer_state=False)
    with zipfile.ZipFile(path) as archive:
        assert CONTENTS_MEMBER in archive.namelist()
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as stored:
            assert not stored["d_optimizer/vars"].keys() and not stored["g_optimizer/vars"].keys()
    assert os.path.getsize(path) < 0.5 * os.path.getsize(os.path.join(PRESET, "model.keras"))
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = ganzoo.load_model(path)
    assert not [w for w in caught if "optimizer" in str(w.message)]  # their absence is expected: not passed on
    assert model.optimizer_state_loaded is False and full.optimizer_state_loaded is True
    np.testing.assert_array_equal(model.generate(16, seed=3), full.generate(16, seed=3))
    for a, b in zip(model.discriminator.weights, full.discriminator.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert int(model.g_optimizer.iterations) == 0 < int(full.g_optimizer.iterations)
    assert all(not np.asarray(v).any() for v in model.d_optimizer.variables[2:])  # Adam's moments start at 0
    # fine-tuning works from fresh optimizers: the networks move, the step counter counts from 0
    import tensorflow as tf

    batches = tf.data.Dataset.from_tensor_slices(ganzoo.data.toy("ring8", 4 * 32, seed=0)).batch(32)
    before = [np.asarray(w).copy() for w in model.generator.trainable_weights]
    model.fit(batches, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) == 4
    assert any(not np.array_equal(a, np.asarray(b)) for a, b in zip(before, model.generator.trainable_weights))


def test_a_networks_only_file_of_an_ema_model_samples_from_the_moving_average(tmp_path):
    import tensorflow as tf

    from ganzoo.packaging import write_model

    model = ganzoo.models.build("nsgan", (2,), seed=0, ema_decay=0.9)
    model.compile()
    fresh = model.generate(8, seed=1)
    with model._ema_weights():  # before any update there is no average: the generator's own weights
        np.testing.assert_array_equal(model.generate(8, seed=1), fresh)
    model.fit(tf.data.Dataset.from_tensor_slices(ganzoo.data.toy("ring8", 5 * 32, seed=0)).batch(32), epochs=1,
              verbose=0)
    ema = model.generate(8, seed=1)
    z = np.random.default_rng(0).standard_normal((8, model.latent_dim)).astype("float32")
    raw = np.asarray(model.generator(z, training=False))
    with model._ema_weights():
        averaged = np.asarray(model.generator(z, training=False))
    assert not np.allclose(raw, averaged, atol=1e-4) and not np.allclose(ema, fresh)
    path = tmp_path / "ema.keras"
    write_model(model, str(path), float16=False, optimizer_state=False)
    loaded = ganzoo.load_model(path)
    np.testing.assert_allclose(loaded.generate(8, seed=1), ema, atol=1e-6)
    np.testing.assert_allclose(np.asarray(loaded.generator(z, training=False)), averaged, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(model.generator(z, training=False)), raw)  # the model keeps its own
    # the model itself still holds its own weights after the save
    with_optimizer = tmp_path / "full.keras"
    write_model(model, str(with_optimizer), float16=False)
    np.testing.assert_array_equal(ganzoo.load_model(with_optimizer).generate(8, seed=1), ema)


def test_a_networks_only_file_missing_a_network_group_is_still_refused(tmp_path):
    from ganzoo.packaging import write_model

    networks = tmp_path / "networks.keras"
    write_model(ganzoo.load_model(os.path.join(PRESET, "model.keras")), str(networks), optimizer_state=False)
    path = tmp_path / "no_generator.keras"
    rewrite_weights(networks, path, lambda weights: weights.__delitem__("generator"))
    with pytest.raises(ganzoo.LoadError, match="(?s)could not be loaded.*expected 2 variables, but received 0"):
        ganzoo.load_model(path)


def test_non_finite_weights_are_refused(tmp_path):
    path = tmp_path / "nan.keras"

    def poison(weights):
        data = weights["generator/layers/dense/vars/0"]
        values = data[()]
        values.flat[0] = np.nan
        data[...] = values

    rewrite_weights(os.path.join(PRESET, "model.keras"), path, poison)
    with pytest.raises(ganzoo.LoadError, match="non-finite weights"):
        ganzoo.load_model(path)


def test_every_bit_flip_raises_load_error_not_a_raw_exception(tmp_path):
    original = open(os.path.join(PRESET, "model.keras"), "rb").read()
    rng = np.random.default_rng(0)
    path = tmp_path / "flipped.keras"
    outcomes = set()
    for position in rng.integers(0, len(original), size=40):
        flipped = bytearray(original)
        flipped[position] ^= 1 << int(rng.integers(8))
        path.write_bytes(bytes(flipped))
        try:
            ganzoo.load_model(path)
            outcomes.add("loaded")  # a flip in slack space of the archive can be harmless
        except ganzoo.LoadError:
            outcomes.add("LoadError")
    assert "LoadError" in outcomes and outcomes <= {"LoadError", "loaded"}


def test_a_folder_without_digests_loads_with_a_visible_warning(tmp_path):
    folder = tmp_path / "bare"
    os.makedirs(folder)
    shutil.copy(os.path.join(PRESET, "model.keras"), folder / "model.keras")
    with pytest.warns(presets.UnverifiedPresetWarning, match="nothing was verified"):
        model = ganzoo.load(str(folder))
    assert model.generate(2, seed=0).shape == (2, 2)


def test_generate_is_bounded_and_iter_generate_streams_the_same_samples():
    model = ganzoo.load("wgan-gp-ring8")
    with pytest.raises(ValueError, match="iter_generate"):
        model.generate(10**12, seed=0)  # refused before anything is allocated
    with pytest.raises(ValueError, match="int >= 0"):
        model.generate(-1)
    whole = model.generate(2500, seed=3)
    streamed = np.concatenate([chunk for _, chunk in model.iter_generate(2500, seed=3)])
    np.testing.assert_array_equal(whole, streamed)
    # other batch sizes draw the same latents (one seeded stream); only the matmul blocking may differ
    smaller = np.concatenate([chunk for _, chunk in model.iter_generate(2500, seed=3, batch_size=700)])
    np.testing.assert_allclose(whole, smaller, atol=1e-5)
