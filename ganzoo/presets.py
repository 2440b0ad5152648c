"""Pretrained presets: the registry, and `ganzoo.load(name | "hf://org/repo" | directory)`.

The registry is package data: `ganzoo/models/presets/<variant>.json`, one
small entry per preset in keras-hub's shape, written atomically by
`export/package_preset.py`:

    "wgan-gp-ring8": {
        "description": "...", "variant": "wgan-gp", "dataset": "ring8",
        "config": "zoo_configs/zoo.py:wgan-gp,ring8",   # the recipe that trained it
        "params": 200706,                               # generator + discriminator
        "hub_repo_id": "ganzoo/wgan-gp-ring8",
        "files": {"model.keras": "<sha256>"},           # every weight file, checked on load
    }

What the weights are and how good they are (metrics with their protocol, the
training budget, the command, licence, check samples) lives only in the
preset's own `metadata.json`, beside its weights; `info(name)` reads it, and
the model cards and the leaderboard are built from it. A preset's files live
in `artifacts/<name>/` of a source checkout (or under $GANZOO_ARTIFACTS);
without them they are downloaded from `hub_repo_id` through huggingface_hub
(its cache and HF_HUB_OFFLINE apply). Entries with "unavailable" have a recipe
but no weights (e.g. CelebA, which these machines cannot download); loading
one explains how to train it.
"""

import difflib
import json
import os
import warnings

from ganzoo.models import VARIANTS
from ganzoo.saving import LoadError, load_model, read_json, resolve_model_path, sha256, write_atomically

ARTIFACTS_ENV = "GANZOO_ARTIFACTS"
MODEL_FILE = "model.keras"
METADATA_FILE = "metadata.json"
REPO_ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")
REGISTRY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "presets")
ENTRY_KEYS = ("description", "variant", "dataset", "config", "params", "hub_repo_id", "files", "unavailable")


class UnverifiedPresetWarning(UserWarning):
    """A preset folder was loaded without sha256 digests to check its files against."""


class PresetError(LoadError):
    """An unknown, unavailable or unverifiable preset: the message says which and what to do."""


def registry_path(variant):
    return os.path.join(REGISTRY_DIR, f"{variant}.json")


def registered_entries(variant):
    """{name: entry} of one variant's registry file as it is on disk now."""
    path = registry_path(variant)
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def write_entries(variant, entries):
    """Replaces one variant's registry file, atomically; every entry holds only `ENTRY_KEYS`."""
    for name, entry in entries.items():
        extra = set(entry) - set(ENTRY_KEYS)
        if extra:
            raise ValueError(f"Preset {name!r}: {sorted(extra)} belong in its metadata.json, not in the registry.")

    def save(path):
        with open(path, "w") as f:
            json.dump(dict(sorted(entries.items())), f, indent=1)
            f.write("\n")

    write_atomically(registry_path(variant), save)


def registry():
    """{preset name: entry} over every variant's registry file, read from disk (another process may
    have packaged a preset since this one started)."""
    presets = {}
    for variant in VARIANTS:
        for name, entry in registered_entries(variant).items():
            if name in presets:
                raise RuntimeError(f"Preset {name!r} is registered twice.")
            presets[name] = entry
    return dict(sorted(presets.items()))


def list_presets(*, available_only=False):
    """Sorted preset names (with `available_only`, those that have weights)."""
    return [name for name, entry in registry().items() if not (available_only and entry.get("unavailable"))]


def get_preset(name):
    """The registry entry of `name`, or a PresetError listing the closest names."""
    presets = registry()
    if name not in presets:
        close = difflib.get_close_matches(name, list(presets), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise PresetError(
            f"Unknown preset {name!r}.{hint} Known presets: {', '.join(presets) or 'none'}; "
            "`ganzoo.list_presets()` lists them, and `ganzoo.load` also takes 'hf://org/repo' or a directory."
        )
    return presets[name]


def artifacts_dir():
    """Where preset folders live: $GANZOO_ARTIFACTS, else `artifacts/` of this source checkout (or None)."""
    path = os.environ.get(ARTIFACTS_ENV) or REPO_ARTIFACTS
    return path if os.path.isdir(path) else None


def preset_dir(name):
    """The local folder of a registered preset, downloading it from the Hub when it is not here."""
    entry = get_preset(name)
    if entry.get("unavailable"):
        raise PresetError(f"Preset {name!r} has no weights: {entry['unavailable']}")
    return local_dir(name) or download(entry["hub_repo_id"])


def local_dir(name):
    """The preset's folder on this machine (artifacts/ or $GANZOO_ARTIFACTS), or None; never downloads."""
    root = artifacts_dir()
    folder = os.path.join(root, name) if root else None
    return folder if folder and os.path.isfile(os.path.join(folder, MODEL_FILE)) else None


def info(name):
    """Everything known about a preset: its registry entry and, where its folder is here, its
    metadata.json (metrics, protocol, budget, command, licence). Reads no weights."""
    entry = get_preset(name)
    folder = None if entry.get("unavailable") else local_dir(name)
    metadata = (read_metadata(folder) or {}) if folder else {}
    return {**metadata, **entry}


def download(repo_id, revision=None):
    """snapshot_download of a Hub model repo (honours HF_ENDPOINT, HF_HOME, HF_HUB_OFFLINE)."""
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(repo_id=repo_id, revision=revision, repo_type="model")
    except Exception as error:  # network, offline cache miss, missing repo: one message
        raise PresetError(f"Could not fetch Hub repo {repo_id!r}: {type(error).__name__}: {error}") from None


def verify_files(folder, expected):
    """Checks each `{file: sha256}` in `folder`; raises PresetError on a missing or changed file."""
    for filename, digest in expected.items():
        path = os.path.join(folder, filename)
        if not os.path.isfile(path):
            raise PresetError(f"{path!r} is missing; the preset lists it with sha256 {digest[:12]}...")
        actual = sha256(path)
        if actual != digest:
            raise PresetError(
                f"{path!r} has sha256 {actual[:12]}..., expected {digest[:12]}...: "
                "the file was changed, truncated or replaced. Nothing was loaded."
            )


def read_metadata(folder):
    return read_json(os.path.join(folder, METADATA_FILE), PresetError)


def load(spec):
    """A trained GAN from a preset name, "hf://org/repo[@revision]", or a directory.

    Returns the full model (generator, discriminator, both optimizers' state),
    ready for `.generate(n, seed=...)` and `.fit(...)`; its preset metadata is
    in `model.preset`. Weight files are checked against the sha256 recorded in
    the registry (names) or in the folder's metadata.json (hf://, directories)
    before anything is built, and loading uses Keras' safe_mode (no code runs
    from a file).

    Example:
    >>> model = ganzoo.load("wgan-gp-ring8")
    >>> points = model.generate(2500, seed=0)
    """
    spec = os.fspath(spec)
    expected = None
    if spec.startswith("hf://"):
        repo_id, _, revision = spec[len("hf://"):].partition("@")
        folder = download(repo_id, revision or None)
    elif os.path.isdir(spec):
        folder = spec
    elif os.path.isfile(spec) and spec.endswith(".keras"):
        return load_model(spec)
    elif os.sep in spec or spec.startswith(".") or spec.endswith(".keras"):
        raise PresetError(f"{spec!r}: no such file or folder (a preset is a name like 'wgan-gp-ring8', "
                          "'hf://org/repo', a preset folder or a .keras file).")
    else:
        entry = get_preset(spec)
        folder = preset_dir(spec)
        expected = entry["files"]
    metadata = read_metadata(folder)
    if metadata is None:
        if expected is None and not os.path.isfile(os.path.join(folder, MODEL_FILE)):
            try:  # a training run directory
                return load_model(resolve_model_path(folder))
            except ValueError as error:
                raise PresetError(f"{folder!r} is neither a preset folder nor a run directory: {error}") from None
        metadata = {}
    digests = expected if expected is not None else metadata.get("files")
    if not digests:
        warnings.warn(f"{folder!r} has no metadata.json with sha256 digests of its files: nothing was verified "
                      "before loading (Keras safe_mode still applies).", UnverifiedPresetWarning, stacklevel=2)
    verify_files(folder, digests or {})
    model = load_model(os.path.join(folder, MODEL_FILE))
    model.preset = metadata
    return model
