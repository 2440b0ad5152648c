"""Turn a training run into a Hub-ready preset folder and register it.

    python export/package_preset.py --run=runs/wgan-gp-ring8 --preset=wgan-gp-ring8 [--data_dir=...]

writes `artifacts/<preset>/`:
- `model.keras`: the whole model (both networks, and both optimizers unless
  packaged with `optimizer_state=False`, `--networks_only`). Network
  weights are stored as float16, optimizer state as float32, the archive
  deflated; the float16 copy is kept only if its samples stay within one
  uint8 level (images) or 1e-2 (toy points) of the checkpoint's for fixed
  latents, else float32 is stored.
- `config.json` (the training config), `metadata.json` (what the preset is:
  metrics with their protocol, budget, command, licence, networks, and the
  check samples), `samples.png`, `README.md` (the Hub model card).
and adds the preset's small entry (description, sizes, Hub id, sha256) to the
registry, `ganzoo/models/presets/<variant>.json`.
"""

import io
import json
import os
import shutil
import tempfile
import zipfile

import numpy as np

from ganzoo import configs
from ganzoo import presets as presets_lib
from ganzoo.cards import hub_card
from ganzoo.data import registry as datasets
from ganzoo.evaluate import evaluate
from ganzoo.metrics.modes import STACKED_MNIST_SAMPLES
from ganzoo.plotting import save_preview
from ganzoo.saving import CONTENTS_MEMBER, load_model, resolve_model_path, sha256, write_atomically

CHECK_SAMPLES = 8
FLOAT16_TOLERANCE = {"image": 1.0 / 127.5, "toy": 1e-2}  # one uint8 level in [-1, 1]; toy data units


def write_model(model, path, *, float16=True, optimizer_state=True):
    """Saves `model` as a deflated .keras archive, network weights as float16 when asked.

    `optimizer_state=False` writes the networks only: both optimizers' variables are left out (a
    fifth of the size for Adam), the generator's weights are its moving average when it has one
    (`ema_decay`), and the archive says so (`saving.CONTENTS_MEMBER`), so that
    `load_model` accepts the missing optimizer state, and only that, and builds fresh optimizers.

    Keras assigns an HDF5 dataset to a variable by converting it to the
    variable's dtype, so the archive loads with plain `keras.saving.load_model`.
    """
    import h5py

    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "model.keras")
        if optimizer_state:
            model.save(plain)
        else:
            # the generator's moving average lives in its optimizer: without it the file stores the
            # average as the generator's weights (StyleGAN2-ADA's G_ema), which is what it samples from
            with model._ema_weights():
                model.save(plain)
        with zipfile.ZipFile(plain) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    if float16 or not optimizer_state:
        source = h5py.File(io.BytesIO(members["model.weights.h5"]), "r")
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as out:
            for key, value in source.attrs.items():
                out.attrs[key] = value

            def copy(name, obj):
                if isinstance(obj, h5py.Group):
                    group = out.require_group(name)
                    for key, value in obj.attrs.items():
                        group.attrs[key] = value
                    return
                optimizer = name.split("/")[0].endswith("optimizer")  # d_optimizer/vars/..., g_optimizer/...
                if optimizer and not optimizer_state:
                    return
                data = obj[()]
                # Optimizer moments stay float32: Adam's second moments underflow float16.
                if float16 and data.dtype == np.float32 and not optimizer:
                    data = data.astype(np.float16)
                out.create_dataset(name, data=data)

            source.visititems(copy)
        source.close()
        members["model.weights.h5"] = buffer.getvalue()
    if not optimizer_state:
        members[CONTENTS_MEMBER] = json.dumps({"optimizer_state": False}).encode()
    tmp_path = path + ".tmp"
    with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    os.replace(tmp_path, path)


def _metrics(model, dataset, data_dir, num_samples):
    if datasets.is_toy(dataset):
        return evaluate(model, dataset, metrics=("toy",))
    if dataset in ("mnist", "fashion_mnist", "stackedmnist"):
        return evaluate(model, dataset, data_dir=data_dir, metrics=("modes",), num_samples=num_samples)
    if dataset in ("cifar10", "celeb_a"):  # no classifier of ours: the Inception metrics are the measurement
        return evaluate(model, dataset, data_dir=data_dir, metrics=("fid", "kid", "pr"), num_samples=num_samples)
    raise ValueError(f"No packaging metrics for dataset {dataset!r} yet.")


def _metrics_samples(dataset, num_samples):
    """How many samples `_metrics` scored: the toy and Stacked-MNIST protocols fix their own counts."""
    if datasets.is_toy(dataset):
        return 2500
    if dataset == "stackedmnist":
        return STACKED_MNIST_SAMPLES
    return num_samples


FEATURE_METRICS = ("fid", "kid", "kid_std", "precision", "recall", "density", "coverage")


def _feature_metrics(model, dataset, data_dir, num_samples, metrics=("fid", "kid"), reference_split="train"):
    """({metric: value}, protocol text) of the Inception-feature metrics (ganzoo.evaluate)."""
    results = evaluate(model, dataset, data_dir=data_dir, metrics=metrics, num_samples=num_samples,
                       reference_split=reference_split)
    return {k: results[k] for k in FEATURE_METRICS if k in results}, results["protocol"]["features"]


def _write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


def _write_metadata(path, metadata, samples):
    # the check samples on one line: indented, 8 RGB 28x28 samples alone were 0.36 MB of the
    # 3 MB a preset may take
    metadata = {**metadata, "check": {**metadata["check"], "checkpoint_samples": "@samples"}}
    compact = json.dumps(samples, separators=(",", ":"))
    with open(path, "w") as f:
        f.write(json.dumps(metadata, indent=1).replace('"@samples"', compact))


def add_feature_metrics(name, *, data_dir=None, num_samples=2_000, metrics=("fid", "kid"), reference_split="train"):
    """Measures a registered preset's Inception metrics and writes them into its metadata.json and
    card; the weights and the registry are not touched. Returns the preset's new `presets.info`."""
    folder = presets_lib.preset_dir(name)
    metadata = presets_lib.read_metadata(folder)
    if not metadata or "check" not in metadata:
        raise presets_lib.PresetError(f"{folder!r} has no metadata.json with check samples; package it first.")
    values, protocol = _feature_metrics(presets_lib.load(name), metadata["dataset"], data_dir, num_samples, metrics,
                                        reference_split)
    stale = set(FEATURE_METRICS)  # a remeasurement replaces every earlier feature metric
    metadata.update(metrics={**{k: v for k, v in metadata["metrics"].items() if k not in stale}, **values},
                    protocol={**metadata["protocol"], "features": protocol})
    write_atomically(os.path.join(folder, presets_lib.METADATA_FILE),
                     lambda path: _write_metadata(path, metadata, metadata["check"]["checkpoint_samples"]))
    info = {**metadata, **presets_lib.get_preset(name)}
    write_atomically(os.path.join(folder, "README.md"), lambda path: _write_text(path, hub_card(name, info)))
    return info


def package_preset(run, name, *, data_dir=None, description, out_root=None, num_samples=10_000,
                   feature_samples=None, seed_figures=None, hub_org="ganzoo", register=True, verbose=True,
                   optimizer_state=True, reference_split="train", ema=True, budget=None, comparison=None):
    """Packages the latest checkpoint of `run` as preset `name`; returns its metadata (`presets.info`).

    `feature_samples`: also measure Inception FID and KID on that many samples (28 px images;
    CIFAR-10 and CelebA presets are measured by Inception FID, KID and precision/recall on
    `num_samples` anyway).
    `reference_split="test"`: the feature metrics against the test split's first `feature_samples`
    images (10,000: Lucic et al. 2018's FID protocol) instead of seeded training images.
    `optimizer_state=False`: ship the networks only (`write_model`); `load` then gives fresh optimizers.
    `ema=False`: a run trained with a generator EMA ships the generator's own weights instead of the
    average (where the average scored worse); either way the metadata says which ("generator_weights").
    `budget`: a sentence on how the recipe and its budget were chosen, for the card.
    `comparison`: settings of the recipe measured side by side at the same budget, {"about": a
    sentence, "shipped": the setting of `run`, "rows": {setting: {metric: value}}}; on the card.
    `seed_figures`: the same recipe's runs at every seed measured (`run`'s among them), a list of
    {"seed": k, metric: value, ...} from each run's final evaluation (its metrics.json); recorded
    as "seeds" with the mean and sample sd of each metric, and shown on the card beside the
    preset's own figures.
    """
    if comparison and comparison.get("shipped") not in comparison.get("rows", {}):
        raise ValueError(f"comparison['shipped'] must name one of its rows {sorted(comparison.get('rows', {}))}.")
    checkpoint = resolve_model_path(run)
    with open(os.path.join(run, "config.json")) as f:
        config = json.load(f)
    model = load_model(checkpoint)
    if not ema:
        model.ema_decay = None  # samples, metrics and the stored generator: its own weights
    dataset, variant = config["dataset"], config["variant"]
    out_root = out_root or presets_lib.artifacts_dir() or presets_lib.REPO_ARTIFACTS
    folder = os.path.join(out_root, name)
    staging = folder + ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    model_path = os.path.join(staging, presets_lib.MODEL_FILE)
    reference = np.asarray(model.generate(64, seed=0))
    kind = "toy" if len(model.data_shape) == 1 else "image"
    write_model(model, model_path, float16=True, optimizer_state=optimizer_state)
    shipped = load_model(model_path)
    difference = float(np.abs(np.asarray(shipped.generate(64, seed=0)) - reference).max())
    float16 = difference <= FLOAT16_TOLERANCE[kind]
    if not float16:
        write_model(model, model_path, float16=False, optimizer_state=optimizer_state)
        shipped = load_model(model_path)
        difference = float(np.abs(np.asarray(shipped.generate(64, seed=0)) - reference).max())
    if verbose:
        print(f"{name}: stored {'float16' if float16 else 'float32'} weights, max |diff| {difference:.2e} "
              f"on 64 samples vs the checkpoint")
    results = _metrics(shipped, dataset, data_dir, num_samples)
    protocol = results.pop("protocol")
    metrics = {k: v for k, v in results.items()
               if isinstance(v, (int, float)) and k not in ("num_samples", "seed", "num_reference")}
    if feature_samples and "features" not in protocol:  # (CIFAR-10 and CelebA have them already)
        values, protocol["features"] = _feature_metrics(shipped, dataset, data_dir, feature_samples,
                                                        reference_split=reference_split)
        metrics.update(values)
    save_preview(shipped, dataset, os.path.join(staging, "samples.png"),
                 title="2,500 samples, seed 0" if kind == "toy" else "")
    with open(os.path.join(staging, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    config_file = configs.zoo_config_spec(variant, datasets.get(dataset).zoo_id,
                                          suffix="_cond" if model.num_classes else "")
    seed_flag = f" --config.seed={config['seed']}" if config.get("seed", 0) != 0 else ""
    entry = {
        "variant": variant, "dataset": dataset, "data_shape": list(model.data_shape),
        "latent_dim": model.latent_dim, "num_classes": model.num_classes,
        "config": config_file, "steps": config["steps"], "batch_size": config["batch_size"],
        "command": f"ganzoo-train --config={config_file} --workdir=runs/{name}{seed_flag}"
                   + ("" if datasets.is_toy(dataset) else " --config.data_dir=<local copy>"),
        "description": description, "data_licence": datasets.get(dataset).licence,
        "parameters": {"generator": model.generator.count_params(),
                       "discriminator": model.discriminator.count_params()},
        "weights_dtype": "float16" if float16 else "float32",
        "optimizer_state": bool(optimizer_state),
        "generator_weights": f"moving average (EMA, decay {model.ema_decay:g})" if model.ema_decay else "its own",
        **({"budget": budget} if budget else {}),
        **({"comparison": comparison} if comparison else {}),
        "metrics": metrics, "protocol": protocol, "metrics_samples": _metrics_samples(dataset, num_samples),
        "hub_repo_id": f"{hub_org}/{name}",
        "files": {presets_lib.MODEL_FILE: sha256(model_path)},
    }
    if seed_figures:
        entry["seeds"] = seed_summary(seed_figures, config.get("seed", 0))
    metadata = {"preset": name, **entry,
                "check": {"seed": 0, "n": CHECK_SAMPLES, "tolerance": FLOAT16_TOLERANCE[kind],
                          "checkpoint_samples": "@samples"}}
    # 4 decimals: 5e-5, far inside the tolerance
    _write_metadata(os.path.join(staging, presets_lib.METADATA_FILE), metadata,
                    reference[:CHECK_SAMPLES].astype("float64").round(4).tolist())
    registry_entry = {"description": description, "variant": variant, "dataset": dataset, "config": config_file,
                      "params": sum(entry["parameters"].values()), "hub_repo_id": entry["hub_repo_id"],
                      "files": entry["files"]}
    with open(os.path.join(staging, "README.md"), "w") as f:
        f.write(hub_card(name, {**entry, **registry_entry}))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    if register:
        entries = presets_lib.registered_entries(variant)
        entries[name] = registry_entry
        presets_lib.write_entries(variant, entries)
    return {**metadata, **registry_entry}


def seed_summary(figures, shipped_seed):
    """{"n", "shipped_seed", "runs", "mean", "sd"} of per-seed figures ({"seed": k, metric: value}):
    the mean and sample sd (n - 1) of every numeric metric that all runs report."""
    figures = sorted(figures, key=lambda f: f["seed"])
    seeds = [f["seed"] for f in figures]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seed_figures repeat a seed: {seeds}.")
    if shipped_seed not in seeds:
        raise ValueError(f"seed_figures ({seeds}) lack the shipped run's seed {shipped_seed}.")
    keys = [k for k, v in figures[0].items()
            if k != "seed" and isinstance(v, (int, float)) and all(isinstance(f.get(k), (int, float)) for f in figures)]
    mean = {k: float(np.mean([f[k] for f in figures])) for k in keys}
    sd = {k: float(np.std([f[k] for f in figures], ddof=1)) if len(figures) > 1 else 0.0 for k in keys}
    return {"n": len(figures), "shipped_seed": shipped_seed, "runs": figures, "mean": mean, "sd": sd,
            "source": "each run's final evaluation (its metrics.json, float32 checkpoint, the same protocol)"}


def check_against_checkpoint(folder, model=None):
    """Max |generate - the checkpoint's recorded samples| for the fixed seed; raises if above tolerance."""
    metadata = presets_lib.read_metadata(folder)
    if not metadata or "check" not in metadata:
        raise presets_lib.PresetError(f"{folder!r} has no metadata.json with check samples; package it first.")
    check = metadata["check"]
    model = model or presets_lib.load(folder)
    samples = np.asarray(model.generate(check["n"], seed=check["seed"]))
    difference = float(np.abs(samples - np.asarray(check["checkpoint_samples"], dtype="float32")).max())
    if difference > check["tolerance"]:
        raise presets_lib.PresetError(
            f"{folder!r}: the saved model's samples differ from its training checkpoint's by {difference:.3g} "
            f"(> {check['tolerance']:.3g}) for seed {check['seed']}: not publishing it."
        )
    return difference
