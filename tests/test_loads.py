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
