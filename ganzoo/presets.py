"""Pretrained presets: the registry, and `ganzoo.load(name | "hf://org/repo" | directory)`.

Presets are registered per variant in `ganzoo/models/<variant>_presets.py`
(keras-hub style dicts, written by `export/package_preset.py`). An entry
records what trained the weights and how good they are:

    "wgan-gp-ring8": {
        "variant": "wgan-gp", "dataset": "ring8", "data_shape": [2],
        "config": "zoo_configs/wgan-gp/ring8.py", "steps": 3000, "batch_size": 128,
        "command": "ganzoo-train --config=zoo_configs/wgan-gp/ring8.py --workdir=...",
        "metrics": {...}, "protocol": {...},          # measured on the shipped weights
        "files": {"model.keras": "<sha256>"},          # every weight file, checked on load
        "hub_repo_id": "ganzoo/wgan-gp-ring8",
        "description": "...", "data_licence": "...",
    }

A preset's files live in `artifacts/<name>/` of a source checkout (or under
$GANZOO_ARTIFACTS); without them they are downloaded from `hub_repo_id`
through huggingface_hub (its cache and HF_HUB_OFFLINE apply). Entries with
"unavailable" have a recipe but no weights (e.g. CelebA, which these machines
cannot download); loading one explains how to train it.
"""

import difflib
import importlib
import json
import os

from ganzoo.saving import LoadError, load_model, sha256

ARTIFACTS_ENV = "GANZOO_ARTIFACTS"
MODEL_FILE = "model.keras"
METADATA_FILE = "metadata.json"
REPO_ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")


class PresetError(LoadError):
    """An unknown, unavailable or unverifiable preset: the message says which and what to do."""


def _preset_modules():
    from ganzoo.models import VARIANTS

    for variant in VARIANTS:
        name = f"ganzoo.models.{variant.replace('-', '_')}_presets"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


def registry():
    """{preset name: entry} over every variant's `*_presets.py`."""
    presets = {}
    for module in _preset_modules():
        for name, entry in module.PRESETS.items():
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
    root = artifacts_dir()
    if root and os.path.isfile(os.path.join(root, name, MODEL_FILE)):
        return os.path.join(root, name)
    return download(entry["hub_repo_id"])


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
    path = os.path.join(folder, METADATA_FILE)
    if not os.path.isfile(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as error:
        raise PresetError(f"{path!r} is not valid JSON: {error}") from None


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
    else:
        entry = get_preset(spec)
        folder = preset_dir(spec)
        expected = entry["files"]
    metadata = read_metadata(folder)
    if metadata is None:
        if expected is None and not os.path.isfile(os.path.join(folder, MODEL_FILE)):
            from ganzoo.training import resolve_model_path  # a training run directory

            try:
                return load_model(resolve_model_path(folder))
            except ValueError as error:
                raise PresetError(f"{folder!r} is neither a preset folder nor a run directory: {error}") from None
        metadata = {}
    verify_files(folder, expected if expected is not None else metadata.get("files", {}))
    model = load_model(os.path.join(folder, MODEL_FILE))
    model.preset = metadata
    return model
