"""Model cards from each preset's metadata.json: its Hub README.md, MODEL_CARDS.md and the README's leaderboard.

    python -m ganzoo.cards            # rewrites MODEL_CARDS.md, the README's preset tables and each preset's README.md
    python -m ganzoo.cards --check    # exits 1 when any is stale
"""

import os
import re
import sys

from ganzoo import presets as presets_lib
from ganzoo.data import registry as datasets

METRIC_NAMES = {
    "modes": "modes covered", "num_modes": "modes in the data", "high_quality": "high-quality samples", "reverse_kl": "reverse KL (modes)",
    "w1": "W1 (exact EMD)", "classes_covered": "classes covered", "class_kl": "KL(class histogram || uniform)",
    "classifier_fid": "classifier-FID", "label_accuracy": "label accuracy (conditional)", "stacked_modes": "Stacked-MNIST modes (of 1000)",
    "stacked_kl": "Stacked-MNIST KL", "fid": "FID (Inception)", "kid": "KID (Inception)", "kid_std": "KID std over subsets",
    "precision": "precision", "recall": "recall",
}
INTENDED_USE = (
    "Research and teaching: a reference point for how this GAN variant behaves on this data at this budget, "
    "a starting point for fine-tuning (`model.fit`), and a test fixture for evaluation code. "
    "Not for producing data that is passed off as real."
)


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _metrics_table(entry):
    seeds = entry.get("seeds")
    if seeds:
        mean, sd = seeds["mean"], seeds["sd"]
        spread = lambda k: f"{_format(mean[k])} ± {_format(sd[k])}" if k in mean else "-"  # noqa: E731
        rows = [f"| {METRIC_NAMES.get(k, k)} | {_format(v)} | {spread(k)} |" for k, v in entry.get("metrics", {}).items()
                if k in METRIC_NAMES]
        header = ["| metric | this preset | mean ± sd over "
                  f"{seeds['n']} seeds ({', '.join(str(r['seed']) for r in seeds['runs'])}) |", "|---|---|---|"]
    else:
        rows = [f"| {METRIC_NAMES.get(k, k)} | {_format(v)} |" for k, v in entry.get("metrics", {}).items()
                if k in METRIC_NAMES]
        header = ["| metric | value (n = 1) |", "|---|---|"]
    if not rows:
        return "No measurements yet."
    protocol = entry.get("protocol", {})
    lines = [*header, *rows, "", "Protocol:"]
    lines += [f"- {key}: {text}" for key, text in sorted(protocol.items())]
    if entry.get("metrics_samples") and not datasets.is_toy(entry["dataset"]):
        lines.append(f"- {entry['metrics_samples']:,} generated samples, seed 0"
                     + (" (the Inception metrics: the count in their line)." if "features" in protocol else "."))
    if seeds:
        lines.append(f"- this preset is the seed-{seeds['shipped_seed']} run, measured as shipped ({entry.get('weights_dtype', 'float32')} "
                     f"weights); across seeds: {seeds['source']}, the same recipe at each seed.")
    return "\n".join(lines)


def _limitations(entry):
    sizes = (f"{entry['parameters']['generator']:,} generator / {entry['parameters']['discriminator']:,} "
             "discriminator parameters")
    notes = [
        f"Trained for {entry['steps']:,} generator steps at batch {entry['batch_size']} on 2 CPU cores: "
        f"{entry['budget']}; small networks ({sizes})." if entry.get("budget") else
        f"Trained for {entry['steps']:,} generator steps at batch {entry['batch_size']} on 2 CPU cores: a small "
        f"budget and small networks ({sizes}) chosen so every preset fits 3 MB; the numbers above are what this "
        "budget gives, not the variant's best.",
        f"Weights are stored as {entry['weights_dtype']} (samples within the stated tolerance of the float32 "
        "checkpoint); "
        + ("optimizer state is float32." if entry.get("optimizer_state", True) else
           "the file holds the two networks only, no optimizer state: fine-tuning (`model.fit`, "
           "`--config.init_from`) starts fresh optimizers at step 0."),
    ]
    if entry.get("generator_weights"):
        notes.append(f"The generator's weights are {entry['generator_weights']}.")
    if entry["dataset"] == "cifar10":
        notes.append("Trained and measured on a JPEG q75 copy of CIFAR-10: FIDs are not comparable with "
                     "published CIFAR-10 numbers.")
    return "\n".join(f"- {n}" for n in notes)


def _comparison(entry):
    """The card's table of the same recipe's settings measured side by side (`comparison` in the
    metadata: {"about", "shipped", "rows": {setting: {metric: value}}}); empty without one."""
    comparison = entry.get("comparison")
    if not comparison:
        return ""
    keys = [k for k in METRIC_NAMES if any(k in row for row in comparison["rows"].values())]
    lines = ["", comparison["about"], "", "| setting | " + " | ".join(METRIC_NAMES[k] for k in keys) + " |",
             "|---" * (len(keys) + 1) + "|"]
    for setting, row in comparison["rows"].items():
        shipped = " (shipped)" if setting == comparison["shipped"] else ""
        lines.append(f"| {setting}{shipped} | " + " | ".join(_cell(k, {"metrics": row}) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def preset_section(name, entry, *, image_path, heading="##"):
    """The body shared by the Hub card and MODEL_CARDS.md."""
    if entry.get("unavailable"):
        return (f"{heading} {name}\n\n{entry['description']}\n\n**No weights shipped.** {entry['unavailable']}\n\n"
                f"Recipe: `{entry['config']}`.\n")
    return f"""{heading} {name}

{entry['description']}

![samples of {name}]({image_path})

{heading}# Use

```python
import ganzoo

model = ganzoo.load("{name}")  # or ganzoo.load("hf://{entry['hub_repo_id']}")
samples = model.generate(64, seed=0)  # {'points' if len(entry['data_shape']) == 1 else 'images in [-1, 1]'}, shape (64, {', '.join(map(str, entry['data_shape']))})
model.fit(...)  # fine-tune: {"both networks and both optimizers' state are restored" if entry.get("optimizer_state", True) else "the networks are restored, the optimizers start fresh"}
```

{heading}# Metrics

{_metrics_table(entry)}
{_comparison(entry)}
{heading}# Training

- variant `{entry['variant']}`, dataset `{entry['dataset']}`, config [`{entry['config']}`]({entry['config'].split(':')[0]})
- {entry['steps']:,} generator steps, batch {entry['batch_size']}
- command: `{entry['command']}`

{heading}# Intended use and limitations

{INTENDED_USE}

{_limitations(entry)}

{heading}# Data licence

{entry['data_licence']}. The weights are Apache-2.0.
"""


def hub_card(name, entry):
    """README.md of the preset's Hub repo: YAML front matter, then the card."""
    front = ["---", "library_name: keras", "license: apache-2.0", "tags:", "- gan", "- ganzoo",
             f"- {entry['variant']}"]
    hub_dataset = datasets.get(entry["dataset"]).hub_dataset
    if hub_dataset:
        front += ["- unconditional-image-generation", "datasets:", f"- {hub_dataset}"]
    metrics = [k for k in entry.get("metrics", {}) if k in METRIC_NAMES]
    if metrics:
        front += ["metrics:", *[f"- {k}" for k in metrics]]
    front.append("---")
    return "\n".join(front) + "\n\n" + preset_section(name, entry, image_path="samples.png", heading="#")


def model_cards_markdown():
    """MODEL_CARDS.md: every registered preset, generated from the registry."""
    parts = [
        "# ganzoo model cards\n",
        "Generated from each preset's metadata.json and the registry (`ganzoo/models/presets/*.json`) by "
        "`python -m ganzoo.cards`; "
        "do not edit by hand (a test fails when this file is stale). Each preset's folder in `artifacts/` "
        "holds the same card as its Hub README.md.\n",
    ]
    registry = _infos()
    parts.append("| preset | variant | dataset | steps | weights |\n|---|---|---|---|---|")
    parts.append("\n".join(
        f"| [{n}](#{n}) | {e['variant']} | {e['dataset']} | {e.get('steps', '-')} | "
        f"{'none: ' + 'recipe only' if e.get('unavailable') else e['weights_dtype']} |" for n, e in registry.items()))
    parts.append("")
    for name, entry in registry.items():
        parts.append(preset_section(name, entry, image_path=f"artifacts/{name}/samples.png"))
    return "\n".join(parts)


LEADERBOARD_START = "<!-- leaderboard:start (generated by python -m ganzoo.cards) -->"
LEADERBOARD_END = "<!-- leaderboard:end -->"
_TABLES = [
    ("Toy data", datasets.TOY_WITH_MODES, [("modes", "modes covered"), ("high_quality", "high quality"),
                                       ("reverse_kl", "reverse KL"), ("w1", "W1")]),
    ("MNIST", ("mnist",), [("classes_covered", "classes"), ("class_kl", "class KL"),
                           ("classifier_fid", "classifier-FID"), ("fid", "FID"), ("kid", "KID"),
                           ("label_accuracy", "label accuracy")]),
    ("Fashion-MNIST", ("fashion_mnist",), [("classes_covered", "classes"), ("class_kl", "class KL"),
                                           ("classifier_fid", "classifier-FID"), ("fid", "FID"), ("kid", "KID"),
                                           ("label_accuracy", "label accuracy")]),
    ("Stacked-MNIST", ("stackedmnist",), [("stacked_modes", "modes"), ("stacked_kl", "KL")]),
    ("CIFAR-10", ("cifar10",), [("fid", "FID"), ("kid", "KID"), ("precision", "precision"), ("recall", "recall")]),
]


def feature_protocol(entry):
    """"10k test", "2k train", ...: the sample count and real set of a preset's Inception figures
    (None without them), so that FIDs of different protocols never share a column."""
    text = entry.get("protocol", {}).get("features", "")
    match = re.search(r"([\d,]+) samples", text)
    if not match:
        return None
    n = int(match.group(1).replace(",", ""))
    return f"{n / 1000:g}k {'test' if ' test images' in text else 'train'}"


def _cell(key, entry, spread=False):
    """The preset's figure for `key`; where the preset records several seeds, their mean (and with
    `spread`, ± their sd). "fid@10k test": the FID only of a preset measured at that protocol."""
    if "@" in key:
        key, protocol = key.split("@")
        return _cell(key, entry, spread) if feature_protocol(entry) == protocol else "-"
    seeds = entry.get("seeds")
    if seeds and key in seeds["mean"]:
        mean, sd = seeds["mean"][key], seeds["sd"][key]
        if key in ("high_quality", "label_accuracy"):
            return f"{100 * mean:.1f}" + (f" ± {100 * sd:.1f}" if spread else "") + " %"
        text = f"{mean:.1f}" if key in ("modes", "classes_covered", "stacked_modes") else f"{mean:.3g}"
        text += f" ± {sd:.1f}" if spread and key in ("modes", "classes_covered", "stacked_modes") else (
            f" ± {sd:.2g}" if spread else "")
        if key == "modes":
            text += f"/{entry['metrics'].get('num_modes', '?')}"
        return text
    value = entry["metrics"].get(key)
    if value is None:
        return "-"
    if key == "modes":
        return f"{value}/{entry['metrics'].get('num_modes', '?')}"
    if key == "classes_covered":
        return f"{value}/{entry['metrics'].get('num_classes', 10)}"
    if key == "stacked_modes":
        return f"{value}/1000"
    if key in ("high_quality", "label_accuracy"):
        return f"{100 * value:.1f} %"
    return f"{value:.3g}"


# The zoo at a glance: one column per dataset, the metrics each cell shows.
_MATRIX = [
    ("ring8", "ring8: modes · HQ · W1", ("modes", "high_quality", "w1")),
    ("grid25", "grid25: modes · HQ · W1", ("modes", "high_quality", "w1")),
    ("mnist", "MNIST: classes · cFID · FID", ("classes_covered", "classifier_fid", "fid")),
    ("fashion_mnist", "Fashion: classes · cFID · FID", ("classes_covered", "classifier_fid", "fid")),
    ("stackedmnist", "Stacked-MNIST: modes · KL", ("stacked_modes", "stacked_kl")),
    ("cifar10", "CIFAR-10: FID · KID", ("fid", "kid")),
]


def _row_name(entry):
    return entry["variant"] + (" (conditional)" if entry.get("num_classes") else "")


def variant_matrix_markdown(registry):
    """Variants x datasets: each cell the preset's headline metrics, '·' separated; blank = not trained."""
    columns = [c for c in _MATRIX if any(e["dataset"] == c[0] for e in registry.values())]
    rows = {}
    for name, entry in registry.items():
        rows.setdefault(_row_name(entry), {})[entry["dataset"]] = (name, entry)
    lines = ["| variant | " + " | ".join(title for _, title, _ in columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for row in sorted(rows):
        cells = []
        for dataset, _, keys in columns:
            if dataset not in rows[row]:
                cells.append("")
                continue
            name, entry = rows[row][dataset]
            protocol = feature_protocol(entry) if dataset in ("mnist", "fashion_mnist") else None
            text = " · ".join(_cell(k, entry) + (f" ({protocol})" if k == "fid" and protocol else "") for k in keys)
            cells.append(f"[{text}](MODEL_CARDS.md#{name})")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# Lucic et al. 2018's best FIDs (mean, sd) on MNIST and Fashion-MNIST, their model names, with the zoo
# variant each one is (BEGAN is not in the zoo); see PUBLISHED for where they come from.
LUCIC_2018 = {
    "MM GAN": ("gan", (9.8, 0.9), (29.6, 1.6)),
    "NS GAN": ("nsgan", (6.8, 0.5), (26.5, 1.6)),
    "LSGAN": ("lsgan", (7.8, 0.6), (30.7, 2.2)),
    "WGAN": ("wgan", (6.7, 0.4), (21.5, 1.6)),
    "WGAN GP": ("wgan-gp", (20.3, 5.0), (24.5, 2.1)),
    "DRAGAN": ("dragan", (7.6, 0.4), (27.7, 1.2)),
    "BEGAN": (None, (13.1, 1.0), (22.9, 0.9)),
}

# Published numbers of the anchors, transcribed from the papers' tables (their networks, budgets and
# feature nets, not ganzoo's): shown beside the zoo, never mixed into its tables.
PUBLISHED = """\
**Published numbers (theirs, not ganzoo's).** CIFAR-10, unsupervised, from the papers' own tables;
their networks, budgets (GPU runs) and evaluation protocols (Inception score and FID by the
papers' sample counts). ganzoo has no CIFAR-10 preset yet (it needs a GPU session); when it does,
its numbers sit in the CIFAR-10 table above, measured on a JPEG q75 copy, so not directly comparable.

| source | model | Inception score | FID |
|---|---|---|---|
| Miyato et al. 2018 (SNGAN), Table 2, standard CNN | weight clipping (WGAN) | 6.41 ± .11 | 42.6 |
| Miyato et al. 2018, Table 2, standard CNN | WGAN-GP | 6.68 ± .06 | 40.2 |
| Miyato et al. 2018, Table 2, standard CNN | GAN-GP | 6.93 ± .08 | 37.7 |
| Miyato et al. 2018, Table 2, standard CNN | SN-GAN | 7.42 ± .08 | 29.3 |
| Miyato et al. 2018, Table 2, standard CNN | SN-GAN, hinge loss (eq. 17) | 7.58 ± .12 | 25.5 |
| Miyato et al. 2018, Table 2, ResNet | SN-GAN, hinge loss | 8.22 ± .05 | 21.7 ± .21 |
| Gulrajani et al. 2017 (WGAN-GP), Table 3, ResNet | WGAN-GP | 7.86 ± .07 | - |

**Toy anchors (theirs, not ganzoo's).** PacGAN's data definition and protocol (ring8: 8 Gaussians,
radius 1, sigma 0.01; grid25: 25 Gaussians, spacing 2, sigma 0.05; 100,000 training points; 2,500
samples, high quality within 3 sigma). PacGAN's code counts a mode covered with one high-quality
sample (ganzoo's `modes_any`; `modes` asks 20, VEEGAN's rule). Their networks (G 4x400 with batch
norm, D 3x200 maxout with 5 pieces, a 2-d latent), Adam(1e-4, beta_1=0.8), batch 100, 400 epochs:
400,000 steps, 31x the zoo's 10,000 x 128 toy budget in samples seen. Mean over 10 runs:

| source | model | ring8 modes (of 8) | ring8 high quality | grid25 modes (of 25) | grid25 high quality |
|---|---|---|---|---|---|
| Lin et al. 2018 (PacGAN), Table 1 | GAN | 6.3 | 98.2 % | 17.3 | 94.8 % |
| Lin et al. 2018 (PacGAN), Table 1 | PacGAN2 | 7.9 | 95.6 % | 23.8 | 91.3 % |
| Lin et al. 2018 (PacGAN), Table 1 | PacGAN4 | 7.8 | 95.9 % | 24.8 | 93.6 % |
| GDPP README (VEEGAN-lineage networks) | WGAN-GP | - | - | 24.2 | - |

ganzoo's toy presets train 10,000 steps x 128 on 3x256 MLPs (`benchmarks/results/toy_sweep/`).

**28 px anchors (theirs, not ganzoo's).** Lucic et al. 2018 ("Are GANs Created Equal?"), best FID
per model after a large-scale search per dataset: 10,000 samples against the 10,000 test images
(their compare_gan code, `eval_gan_lib.py`), the 2015-12-05 Inception, InfoGAN-like networks with
fc-1024 layers, 20 epochs at batch 64. Transcribed from the copies of their table in Dai & Wipf 2019
(Table 1) and Zhang & Khoreva 2019 (PA-GAN, Table 2), which agree on these cells; ganzoo did not
reach the primary PDF, so the caption (what ± is) is not verified. Compare with ganzoo's "FID-10k
test" columns only, beside that protocol's real-data floor.

| source | model | MNIST FID | Fashion-MNIST FID |
|---|---|---|---|
{lucic}

**Stacked-MNIST anchors (theirs, not ganzoo's).** 26,000 samples, modes of 1,000 and KL of the
mode histogram, as ganzoo's protocol; their networks and budgets. PacGAN (Lin et al. 2018), Table 2
(VEEGAN's setting; its first rows are VEEGAN's own, Srivastava et al. 2017, Table 2; PacDCGAN mean
± s.e. over 10 trials); GDPP (Elfeki et al. 2019), Table 3 (the WGAN-GP and Unrolled-GAN setups,
15k iterations).

| source | model | modes (of 1000) | KL |
|---|---|---|---|
| Srivastava et al. 2017 (VEEGAN), Table 2 | DCGAN | 99 | 3.4 |
| Srivastava et al. 2017, Table 2 | VEEGAN | 150 | 2.95 |
| Lin et al. 2018 (PacGAN), Table 2 | DCGAN (their implementation) | 78.9 ± 6.46 | 4.50 ± 0.127 |
| Lin et al. 2018, Table 2 | PacDCGAN2 | 1000.0 ± 0.00 | 0.06 ± 0.003 |
| Elfeki et al. 2019 (GDPP), Table 3 | DCGAN | 427 | 3.163 |
| Elfeki et al. 2019, Table 3 | WGAN | 961 | 0.140 |
| Elfeki et al. 2019, Table 3 | WGAN-GP | 995 | 0.148 |
| Elfeki et al. 2019, Table 3 | GDPP-GAN | 1000 | 0.135 |"""


def _published():
    rows = "\n".join(f"| Lucic et al. 2018 | {model} | {m[0]} ± {m[1]} | {f[0]} ± {f[1]} |"
                     for model, (_, m, f) in LUCIC_2018.items())
    return PUBLISHED.replace("{lucic}", rows)


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOOR_10K = os.path.join(REPO_ROOT, "benchmarks", "results", "fid_floor", "fid_floor_test10000.json")


def lucic_table_markdown(registry, floor_path=FLOOR_10K):
    """Ours against Lucic et al. 2018's best FIDs at their protocol (10,000 samples against the test
    set): a row per variant, their row beside ours; ours only for presets measured at that protocol
    (`feature_protocol` "10k test"), the real-data floor of the protocol in the last row."""
    import json

    ours = {(e["variant"], e["dataset"]): e for e in registry.values()
            if not e.get("num_classes") and feature_protocol(e) == "10k test"}
    floors = json.load(open(floor_path)) if os.path.isfile(floor_path) else {}
    theirs = {variant: (m, f) for variant, m, f in LUCIC_2018.values() if variant}
    names = {variant: model for model, (variant, _, _) in LUCIC_2018.items() if variant}
    variants = list(theirs) + sorted({v for v, _ in ours} - set(theirs))
    cell = lambda variant, dataset: (  # noqa: E731
        f"[{ours[variant, dataset]['metrics']['fid']:.2f}](MODEL_CARDS.md#{variant}-{datasets.get(dataset).zoo_id})"
        if (variant, dataset) in ours else "-")
    published = lambda pair: f"{pair[0]} ± {pair[1]}"  # noqa: E731
    lines = ["**Against Lucic et al. 2018** (\"Are GANs Created Equal?\": their best FID per model, transcribed as "
             "in the 28 px anchors below, theirs, not ganzoo's; their InfoGAN-like networks of about 13M parameters and a large search, "
             "ours the zoo's 271k-parameter DCGAN-28 and a search of 2-6 points, the same budget of 15,625 "
             "discriminator updates at batch 64). FID of 10,000 samples against the 10,000 test images, the "
             "reference Inception; '-': not retrained at this protocol yet.", "",
             "| variant | MNIST FID-10k test, ganzoo | MNIST, Lucic et al. (theirs) | Fashion-MNIST FID-10k test, "
             "ganzoo | Fashion-MNIST, Lucic et al. (theirs) |", "|---|---:|---:|---:|---:|"]
    for variant in variants:
        mnist, fashion = theirs.get(variant, (None, None))
        label = f"{variant} ({names[variant]})" if variant in names else variant
        lines.append(f"| {label} | {cell(variant, 'mnist')} | {published(mnist) if mnist else '-'} | "
                     f"{cell(variant, 'fashion_mnist')} | {published(fashion) if fashion else '-'} |")
    began_m, began_f = LUCIC_2018["BEGAN"][1:]
    lines.append(f"| BEGAN (not in the zoo) | - | {published(began_m)} | - | {published(began_f)} |")
    floor = lambda d: f"{floors[d]['fid']:.2f}" if d in floors else "not measured"  # noqa: E731
    lines.append(f"| real data: 10,000 training images (the floor) | {floor('mnist')} | - | "
                 f"{floor('fashion_mnist')} | - |")
    return "\n".join(lines)


def leaderboard_markdown():
    """The README's preset tables: variants x datasets, then one table per kind of data with its protocol."""
    registry = {n: e for n, e in _infos().items() if not e.get("unavailable")}
    parts = [
        "**The zoo at a glance** (each cell links to the preset's card; blank: not trained yet; "
        "HQ = high-quality samples, cFID = classifier-FID; protocols in the tables below). "
        "Same budget and networks for every variant on a dataset. Where a preset records several "
        "seeds of its recipe, its cell is their mean (n and sd in the tables below).",
        "",
        variant_matrix_markdown(registry),
        "",
        lucic_table_markdown(registry),
        "",
    ]
    for title, datasets, columns in _TABLES:
        rows = {n: e for n, e in registry.items() if e["dataset"] in datasets}
        if not rows:
            continue
        protocols = sorted({text for e in rows.values() for text in e.get("protocol", {}).values()})
        samples = sorted({e["metrics_samples"] for e in rows.values() if e.get("metrics_samples")})
        parts.append(f"**{title}** ({', '.join(f'{s:,}' for s in samples)} samples, seed 0; n: runs of the recipe "
                     "at different seeds, mean ± sd where n > 1"
                     + ("; FID/KID: the count in their protocol" if any("fid" in e["metrics"] for e in rows.values())
                        else "") + "). Protocol: " + " ".join(protocols))
        parts.append("")
        if datasets != ("cifar10",):  # 28 px: an FID and KID column per protocol, the test-set one first
            protocols_seen = sorted({p for p in map(feature_protocol, rows.values()) if p},
                                    key=lambda p: ("test" not in p, p))
            columns = [c for key, name in columns for c in (
                [(f"{key}@{p}", f"{name}-{p}") for p in protocols_seen] if key in ("fid", "kid") else [(key, name)])]
        columns = [c for c in columns if any(_cell(c[0], e) != "-" for e in rows.values())]  # no all-'-' columns
        parts.append("| preset | steps x batch | n | " + " | ".join(c[1] for c in columns) + " | samples |")
        parts.append("|---" * (len(columns) + 4) + "|")
        for name, entry in rows.items():
            cells = " | ".join(_cell(key, entry, spread=True) for key, _ in columns)
            n = entry["seeds"]["n"] if entry.get("seeds") else 1
            parts.append(f"| [{name}](MODEL_CARDS.md#{name}) | {entry['steps']:,} x {entry['batch_size']} | {n} | {cells} "
                         f"| [png](artifacts/{name}/samples.png) |")
        parts.append("")
    parts.append(_published())
    return "\n".join(parts).strip() + "\n"


def _infos():
    """{name: presets.info(name)}: every preset with what its metadata.json says of it."""
    infos = {name: presets_lib.info(name) for name in presets_lib.registry()}
    missing = [n for n, e in infos.items() if not e.get("unavailable") and "metrics" not in e]
    if missing:
        raise presets_lib.PresetError(f"No local metadata.json for {', '.join(missing)}: the cards are built in a "
                                      "source checkout with artifacts/ (or $GANZOO_ARTIFACTS).")
    return infos


def _readme_with_leaderboard(readme):
    start, end = readme.index(LEADERBOARD_START), readme.index(LEADERBOARD_END)
    return readme[:start + len(LEADERBOARD_START)] + "\n" + leaderboard_markdown() + readme[end:]


def readme_path():
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def model_cards_path():
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "MODEL_CARDS.md")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    readme = open(readme_path()).read()
    outputs = {model_cards_path(): model_cards_markdown(), readme_path(): _readme_with_leaderboard(readme)}
    for name, info in _infos().items():
        if not info.get("unavailable"):
            outputs[os.path.join(presets_lib.local_dir(name), "README.md")] = hub_card(name, info)
    if "--check" in argv:
        stale = [path for path, text in outputs.items()
                 if not os.path.isfile(path) or open(path).read() != text]
        for path in stale:
            print(f"{path} is stale: run `python -m ganzoo.cards`.")
        return 1 if stale else 0
    for path, text in outputs.items():
        with open(path, "w") as f:
            f.write(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
