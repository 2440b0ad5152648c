"""Safe loading of saved ganzoo models (`.keras` files)."""

import hashlib
import json
import os
import zipfile

import keras


def write_atomically(path, save):
    """`save(partial)` writes a temporary file beside `path`, which then replaces `path` in one step:
    a reader (or a kill) sees the old file or the new one, never half of one."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    partial = os.path.join(os.path.dirname(path), f".tmp_{os.getpid()}_{os.path.basename(path)}")
    save(partial)
    os.replace(partial, path)


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
    except (zipfile.BadZipFile, OSError, EOFError, json.JSONDecodeError) as error:
        raise LoadError(f"{path!r} is corrupt or truncated: {error}.") from None
    registered = str(config.get("registered_name", ""))
    if not registered.startswith("ganzoo>"):
        raise LoadError(f"{path!r} holds a {registered or config.get('class_name')!r}, not a ganzoo GAN model.")
    import ganzoo.models  # noqa: F401  (registers the classes)

    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # a Keras error deep in deserialisation
        raise LoadError(f"{path!r} could not be loaded: {type(error).__name__}: {error}") from None
