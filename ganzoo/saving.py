"""Saving and safe loading of ganzoo models: `.keras` files, a run's checkpoints, atomic writes."""

import glob
import hashlib
import json
import os
import re
import warnings
import zipfile
import zlib

import keras
import numpy as np

import ganzoo.models  # noqa: F401  (registers the classes safe_mode deserialises)

_PARTIAL_LOAD_WARNINGS = ("Skipping variable loading", "could not be loaded", "were not loaded", "Skipping loading")
# An archive member that says what a .keras file deliberately leaves out: {"optimizer_state": false} for a
# networks-only file (a preset that ships G and D without Adam's moments, as StyleGAN2-ADA's pickles do).
CONTENTS_MEMBER = "ganzoo_contents.json"
# Keras' warning for an optimizer whose saved state is absent; accepted only for a networks-only file.
_EMPTY_OPTIMIZER = re.compile(r"Skipping variable loading for optimizer '[^']*', because it has \d+ variables "
                              r"whereas the saved optimizer has 0 variables")
CHECKPOINT_PATTERN = re.compile(r"step_(\d+)\.keras$")


def write_atomically(path, save):
    """`save(partial)` writes a temporary file beside `path`, which then replaces `path` in one step:
    a reader (or a kill) sees the old file or the new one, never half of one."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    partial = os.path.join(os.path.dirname(path), f".tmp_{os.getpid()}_{os.path.basename(path)}")
    save(partial)
    os.replace(partial, path)


def read_json(path, error=None, fix=""):
    """The JSON object in `path`, or None when there is no such file; a file that does not parse raises
    `error` (default LoadError) naming it, with `fix` appended."""
    if not os.path.isfile(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as problem:
        raise (error or LoadError)(f"{path!r} is not valid JSON: {problem}{fix}") from None


def sha256(path):
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class LoadError(ValueError):
    """A file that is not a loadable ganzoo model: one message says why."""


def load_model(path):
    """Loads a ganzoo model saved with `model.save("x.keras")`, with `safe_mode=True`.

    Checks before anything is built that the file exists, is a complete Keras
    archive and holds a ganzoo GAN, so a wrong, foreign or truncated file
    raises one `LoadError` naming the problem.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise LoadError(f"No model file at {path!r}.")
    if not zipfile.is_zipfile(path):
        raise LoadError(f"{path!r} is not a Keras model archive (.keras zip); it may be truncated or of another kind.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = {"config.json", "model.weights.h5"} - names
            if missing:
                raise LoadError(f"{path!r} is not a complete Keras model archive: missing {sorted(missing)}.")
            bad = archive.testzip()
            if bad is not None:
                raise LoadError(f"{path!r} is corrupt: member {bad!r} fails its CRC check.")
            config = json.loads(archive.read("config.json"))
            contents = json.loads(archive.read(CONTENTS_MEMBER)) if CONTENTS_MEMBER in names else {}
    except (zipfile.BadZipFile, OSError, EOFError, json.JSONDecodeError, zlib.error) as error:
        raise LoadError(f"{path!r} is corrupt or truncated: {type(error).__name__}: {error}.") from None
    registered = str(config.get("registered_name", ""))
    if not registered.startswith("ganzoo>"):
        raise LoadError(f"{path!r} holds a {registered or config.get('class_name')!r}, not a ganzoo GAN model.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # a Keras error deep in deserialisation
        raise LoadError(f"{path!r} could not be loaded: {type(error).__name__}: {error}") from None
    # Keras only warns when a group of the file is missing or does not fit (an optimizer's state, say)
    # and leaves those variables at their initial values: a half-loaded model, refused here
    skipped = [str(w.message) for w in caught if any(k in str(w.message) for k in _PARTIAL_LOAD_WARNINGS)]
    networks_only = contents.get("optimizer_state") is False
    if networks_only:
        # the optimizers start fresh (step 0, zero moments), as a fine-tuning run with new optimizers would;
        # every network variable must still have loaded
        skipped = [message for message in skipped if not _EMPTY_OPTIMIZER.search(message)]
    if skipped:
        raise LoadError(f"{path!r} is incomplete: {skipped[0].strip()} Nothing was loaded.")
    for w in caught:  # anything else Keras said is passed on
        if networks_only and _EMPTY_OPTIMIZER.search(str(w.message)):
            continue
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    model.optimizer_state_loaded = not networks_only
    bad = [v.path for v in model.weights if not np.isfinite(keras.ops.convert_to_numpy(v)).all()]
    if bad:
        raise LoadError(f"{path!r} holds non-finite weights ({', '.join(bad[:3])}{', ...' if len(bad) > 3 else ''}); "
                        "it would generate NaNs. Nothing was loaded.")
    return model


def checkpoints(workdir):
    """[(step, path)] of the complete checkpoints in `workdir`, oldest first."""
    found = []
    for path in glob.glob(os.path.join(workdir, "checkpoints", "step_*.keras")):
        match = CHECKPOINT_PATTERN.search(path)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_checkpoint(workdir):
    """(step, path) of the newest complete checkpoint in `workdir`, or (0, None)."""
    found = checkpoints(workdir)
    return found[-1] if found else (0, None)


def save_checkpoint(model, workdir, step, keep):
    """Writes `step_XXXXXXX.keras` atomically (temp file + rename) and prunes old ones."""
    directory = os.path.join(workdir, "checkpoints")
    os.makedirs(directory, exist_ok=True)
    final = os.path.join(directory, f"step_{step:07d}.keras")
    temporary = os.path.join(directory, f".tmp_step_{step:07d}.keras")
    model.save(temporary)
    os.replace(temporary, final)  # atomic: a kill leaves either the old set or the new file
    existing = sorted(glob.glob(os.path.join(directory, "step_*.keras")))
    for old in existing[:-keep]:
        os.remove(old)
    return final


def resolve_model_path(path):
    """A `.keras` file, or a run directory's latest checkpoint, else the first `.keras` in that directory."""
    if not os.path.isdir(path) and not os.path.isfile(path):
        raise ValueError(f"{path!r}: no such model file or directory.")
    if os.path.isfile(path):
        return path
    _, checkpoint = latest_checkpoint(path)
    if checkpoint is None:
        candidates = sorted(glob.glob(os.path.join(path, "*.keras")))
        if not candidates:
            raise ValueError(f"{path!r}: no checkpoints/step_*.keras and no .keras model in that directory.")
        checkpoint = candidates[0]
    return checkpoint
