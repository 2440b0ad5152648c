"""The 28 px zoo at Lucic et al. 2018's protocol and budget (issue 19): a small search per variant,
the full run of its best point, then FID-10k against the test set.

    python benchmarks/zoo28.py --stage=search --dataset=mnist28 --data_dir=../shared/data/mnist [--variants=nsgan,...]
    python benchmarks/zoo28.py --stage=full   --dataset=mnist28 --data_dir=...   # best search point, full budget
    python benchmarks/zoo28.py --stage=package --dataset=mnist28 --data_dir=... # recipe file, preset, FID-10k
    python benchmarks/zoo28.py --stage=conditional --dataset=mnist28 --data_dir=... # nsgan-cond, mismatched negatives on/off
    python benchmarks/zoo28.py --stage=stacked --data_dir=../shared/data/mnist      # Stacked-MNIST: train, score, package
    python benchmarks/zoo28.py --stage=report                                    # tables into results/zoo28/

Budget (compare_gan, the code of Lucic et al. 2018, generate_tasks_lib.py: "20 epochs" of a
50,000-image epoch at batch 64): 15,625 discriminator updates, each on its own real batch of 64,
the generator updated once every n_critic of them. ganzoo counts generator steps, each with
n_critic critic updates on fresh real batches (`model.real_batches = "fresh"`), so a run is
15,625 / n_critic generator steps: the same data and the same critic updates as theirs.

Search: at most six points per variant (`GRIDS`: the recipe, i.e. the paper's optimizer and
n_critic on the zoo's nets, and what Lucic et al.'s narrow range or the variant's paper varies),
one seed, a quarter of the budget; the score is the classifier-FID of 10,000 samples against
10,000 training images (`ganzoo.metrics.in_training`), cheap enough to rank points. The full run
takes the best point, trained with a generator EMA that is kept where it lowers the classifier-FID
(`ema_choice`). `package` writes the recipe file (zoo_configs/<variant>/<dataset>.py: the point, the
EMA choice, the budget), packages the preset (networks only) and measures it as shipped at the
protocol: Inception FID of 10,000 samples against the 10,000 test images (compare_gan's
eval_gan_lib.py), `ganzoo.evaluate(reference_split="test")`.

Runs go to `--runs/<dataset>/<variant>/<point>/` (git-ignored); a run whose metrics.json exists is
skipped and one cut short resumes from its checkpoint, so every stage can be killed and rerun.
The runs folder is a cache, results.json the record: a search point, full run or stacked or
conditional figure that the runs folder no longer holds (a machine handed back without it) is read
from the record, so the best points survive and the report never drops what was measured.
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
OUT = os.path.join(ROOT, "benchmarks", "results", "zoo28")
RECORD = os.path.join(OUT, "results.json")  # what the report last wrote; read where a run folder is gone

D_UPDATES = 20 * 50_000 // 64  # compare_gan: training_steps = 20 * epoch // BATCH_SIZE, epoch = 50,000
SEARCH_FRACTION = 4  # the search runs a quarter of it
VARIANTS = ("gan", "nsgan", "lsgan", "wgan", "wgan-gp", "wgan-ct", "dragan", "sngan", "ebgan", "loss-sensitive")
DATASETS = {"mnist28": "mnist", "fashion28": "fashion_mnist"}
TITLES = {"mnist28": "MNIST", "fashion28": "Fashion-MNIST"}
EVAL_SAMPLES = 10_000
# Fashion-MNIST trains MNIST's best point per variant (no search of its own, to save about three
# CPU-hours; Lucic et al. searched each dataset): a deviation its cards and results.md state.
SEARCHED_ON = {"mnist28": "mnist28", "fashion28": "mnist28", "stackedmnist28": "mnist28"}
# One point: --config overrides on top of the zoo recipe ("lr": both learning rates). {} is the recipe.
# EMA (Yazici et al. 2019) and linear decay for everyone; learning rates from Lucic et al.'s narrow
# range (1e-4 to 1e-3); n_critic 1 (their narrow range, SNGAN's settings B/C) for the n_critic = 5 ones.
_EMA = {"model.ema_decay": 0.999}
# The nets: the zoo's 28 px DCGAN (`ganzoo.configs.SMALL_NETS`: G widths (64, 32), D (32, 64)) against
# one twice as wide ("half" of the library's default DCGAN-28 generator, all of its critic), measured
# on NS-GAN's search by classifier-FID per CPU-second: the zoo nets won (62.7 at 223 s against the wide
# nets' 92.0 at 280 s), so a "nets" point is a measurement, never a candidate for a full run.
NETS = {"half": ((128, 64), (64, 128))}
NETS_NOTE = ("the zoo's DCGAN-28 (configs.SMALL_NETS), the fastest to quality per CPU-second on NS-GAN's search "
             "(classifier-FID 62.7 after 223 s against 92.0 after 280 s for twice the widths; float32, the "
             "session's AMD EPYC has no bfloat16 units)")
# NS-GAN searched all six points first (session 14). At a quarter budget EMA 0.999 (71.4), linear
# decay (97.1) and lr 1e-4 (94.7) lost to the recipe (62.7) and lr 5e-4 won (52.8). So the others
# search higher learning rates and their own knobs; EMA is measured on every full run instead
# (trained with the average, scored with and without it: `ema_choice`).
_COMMON = ({}, _EMA, {"lr_decay": "linear"})
GRIDS = {
    "gan": ({}, {"lr": 5e-4}),
    "nsgan": _COMMON + ({"lr": 1e-4}, {"lr": 5e-4}, {"nets": "half"}),
    "lsgan": ({}, {"lr": 5e-4}),
    "ebgan": ({}, {"lr": 5e-4}),
    # LS-GAN's two points left it untrained (full run: FID-10k 224; weight decay 5e-5, the official
    # lsgan.lua's Lipschitz tool, is too weak a regulariser for this critic). So it takes three more: the
    # authors' lab's PyTorch version (maple-research-lab/glsgan-gp) regularises with a gradient
    # penalty (lambda 10) instead of weight decay, there with a critic without normalisation; and
    # ten times the weight decay
    "loss-sensitive": ({}, {"lr": 5e-4}, {"model.penalty": "wgan-gp", "model.weight_decay": 0.0},
                       {"model.penalty": "wgan-gp", "model.weight_decay": 0.0, "model.normalization": "none"},
                       {"model.weight_decay": 5e-4}),
    # WGAN's first three points left it untrained (full run: FID-10k 117), so it takes three more: the
    # trend of the learning rate, n_critic 1 (5x the generator steps) and the two winners combined
    "wgan": ({}, {"lr": 2e-4}, {"model.clip_value": 0.05},
             {"lr": 5e-4}, {"lr": 2e-4, "model.n_critic": 1}, {"lr": 2e-4, "model.clip_value": 0.05}),
    "wgan-gp": ({}, {"model.n_critic": 1}, {"lr": 3e-4}),
    "wgan-ct": ({}, {"model.n_critic": 1}, {"lr": 3e-4}),
    "dragan": ({}, {"lr": 5e-4}, {"model.gp_weight": 1.0}),
    # SNGAN's setting C (n_dis 1, Adam(2e-4, 0.5, 0.999)) beside its setting A (the recipe)
    "sngan": ({}, {"model.n_critic": 1, "lr": 2e-4, "d_optimizer.beta_2": 0.999, "g_optimizer.beta_2": 0.999},
              {"lr": 2e-4}),
}


def point_name(point):
    if not point:
        return "recipe"
    return "_".join(f"{k.split('.')[-1]}{v:g}" if isinstance(v, float) else f"{k.split('.')[-1]}{v}"
                    for k, v in sorted(point.items()))


def flags_of(point):
    out = []
    for key, value in point.items():
        if key == "lr":
            out += [f"--config.d_optimizer.learning_rate={value}", f"--config.g_optimizer.learning_rate={value}"]
        elif key == "nets":
            generator, discriminator = NETS[value]
            out += [f"--config.model.generator_widths={','.join(map(str, generator))}",
                    f"--config.model.discriminator_widths={','.join(map(str, discriminator))}"]
        else:
            out.append(f"--config.{key}={value}")
    return out


def n_critic(variant, dataset, point):
    from ganzoo import configs

    return int(point.get("model.n_critic", configs.load_zoo_config(variant, dataset).model.n_critic))


def steps_of(variant, dataset, point, fraction=1):
    """Generator steps of `D_UPDATES / fraction` critic updates, a multiple of the logging interval."""
    steps = D_UPDATES // fraction // n_critic(variant, dataset, point)
    return max(50, steps // 50 * 50) if fraction > 1 else steps


def workdir_of(runs, dataset, variant, point, stage):
    return os.path.join(runs, dataset, variant, f"{stage}_{point_name(point)}")


def evaluations(workdir):
    """[(step, training seconds without the evaluations, classifier-FID, class KL)] of a run's log."""
    path = os.path.join(workdir, "metrics.jsonl")
    if not os.path.isfile(path):
        return []
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return [(r["step"], round(r["seconds"] - r.get("eval_seconds", 0.0), 1), r["classifier_fid"], r.get("class_kl"))
            for r in rows if "classifier_fid" in r]


def read(workdir):
    """A finished run's metrics.json with its last evaluation (classifier-FID, class KL); None if unfinished."""
    path = os.path.join(workdir, "metrics.json")
    if not os.path.isfile(path):
        return None
    metrics = json.load(open(path))
    curve = evaluations(workdir)
    if curve and curve[-1][0] == metrics.get("steps"):
        metrics.update(classifier_fid=curve[-1][2], class_kl=curve[-1][3], curve=curve)
    return metrics


def train(variant, dataset, point, steps, workdir, data_dir, seed=0, stage="search", config=None):
    """One run through ganzoo-train (resumes from the workdir's checkpoint); returns its metrics.json.
    `config`: the recipe file relative to the repository (default: the variant's zoo recipe)."""
    if read(workdir):
        return read(workdir)
    os.makedirs(workdir, exist_ok=True)
    # a log line every few hundred steps (15,625 = 5^6 has no divisor 50)
    every = next((d for d in (500, 250, 125, 100, 50) if steps % d == 0), steps)
    # three evaluations along a search run (the classifier-FID per CPU-second of `nets`), one at the end of a full one
    evaluate_every = steps // 3 // 50 * 50 if stage == "search" and steps >= 300 else steps
    from ganzoo.data import registry
    from ganzoo.metrics.in_training import supports_in_training_eval

    if not supports_in_training_eval(registry.get(dataset).name):  # Stacked-MNIST: scored after the run
        evaluate_every = 0
    if config is None:
        from ganzoo import configs

        config = configs.zoo_config_spec(variant, dataset)
    command = [sys.executable, "-m", "ganzoo.train", f"--config={ROOT}/{config}",
               f"--workdir={workdir}", f"--config.data_dir={data_dir}", f"--config.seed={seed}",
               f"--config.steps={steps}", f"--config.log_every={every}", f"--config.eval_every={evaluate_every}",
               f"--config.eval_samples={EVAL_SAMPLES}", f"--config.checkpoint_every={min(steps, 500)}",
               f"--config.sample_every={steps}", "--config.verbose=0", "--config.tensorboard=False",
               *flags_of(point)]
    started = time.time()
    with open(os.path.join(workdir, "train.log"), "a") as log:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                               env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    print(f"{dataset} {variant} {point_name(point)}: exit {code} after {time.time() - started:.0f} s", flush=True)
    return read(workdir)


def search(runs, dataset, variants, data_dir):
    if SEARCHED_ON[dataset] != dataset:
        raise SystemExit(f"{dataset} trains {SEARCHED_ON[dataset]}'s best points and has no search of its own; "
                         f"run --stage=search --dataset={SEARCHED_ON[dataset]}.")
    for variant in variants:
        for point in GRIDS[variant]:
            if search_score(runs, dataset, variant, point) is not None:  # run, or kept in the record
                continue
            train(variant, dataset, point, steps_of(variant, dataset, point, SEARCH_FRACTION),
                  workdir_of(runs, dataset, variant, point, "search"), data_dir)


def recorded(key, variant=None):
    """The record's (`RECORD`) entry `key` (a dataset, `<dataset>_cond`, ...), or its `variant`; {} if none."""
    record = _json(RECORD) if RECORD else None
    entry = (record or {}).get(key) or {}
    return (entry.get(variant) or {}) if variant else entry


def search_score(runs, dataset, variant, point):
    """A search point's classifier-FID from its run, else from the record; None if it has not run."""
    metrics = read(workdir_of(runs, dataset, variant, point, "search"))
    if metrics is not None:
        return metrics.get("classifier_fid")
    kept = {p["point"]: p for p in recorded(dataset, variant).get("search", [])}
    return (kept.get(point_name(point)) or {}).get("classifier_fid")


def best_point(runs, dataset, variant):
    """The searched point of lowest classifier-FID (None until every point has run) of the dataset's
    search (`SEARCHED_ON`); "nets" points measure the nets and are not candidates."""
    scored = []
    for point in GRIDS[variant]:
        fid = search_score(runs, SEARCHED_ON[dataset], variant, point)
        if fid is None:
            return None
        if "nets" not in point:
            scored.append((fid, point_name(point), point))
    return min(scored, key=lambda s: s[0])[2]


def full(runs, dataset, variants, data_dir):
    """The best point at the whole budget, trained with a generator EMA (`_EMA`) whatever the point,
    then `ema_choice`: the shipped generator is the average only where it scores better."""
    for variant in variants:
        point = best_point(runs, dataset, variant)
        if point is None:
            print(f"{dataset} {variant}: the search is not finished; skipped", flush=True)
            continue
        workdir = workdir_of(runs, dataset, variant, point, "full")
        kept = recorded(dataset, variant)
        ran = [kept] + kept.get("superseded", [])
        on_record = [r["full"] for r in ran if r.get("full") and r.get("best") == point_name(point)]
        if not os.path.isdir(workdir) and any(f.get("fid10k") is not None for f in on_record):
            print(f"{dataset} {variant}: the full run of {point_name(point)} is in the record; skipped", flush=True)
            continue
        if not os.path.isdir(workdir) and on_record:  # its folder went before packaging: nothing to ship from
            print(f"{dataset} {variant}: the full run of {point_name(point)} was lost before packaging; "
                  "retrained", flush=True)
        if train(variant, dataset, {**point, **_EMA}, steps_of(variant, dataset, point), workdir, data_dir,
                 stage="full"):
            ema_choice(workdir, dataset, data_dir)


def ema_choice(workdir, dataset, data_dir):
    """ema.json: classifier-FID of 10,000 samples from the moving average and from the generator's own
    weights (the search's score, same seeds); `use_ema` where the average is lower."""
    path = os.path.join(workdir, "ema.json")
    if os.path.isfile(path):
        return json.load(open(path))
    from ganzoo.metrics.in_training import InTrainingEvaluator
    from ganzoo.saving import load_model, resolve_model_path

    model = load_model(resolve_model_path(workdir))
    evaluator = InTrainingEvaluator(DATASETS[dataset], data_dir=data_dir, num_samples=EVAL_SAMPLES)
    decay = model.ema_decay
    result = {"ema_decay": decay, "ema": evaluator(model)["classifier_fid"]}
    model.ema_decay = None  # samples from the generator's own weights
    result["raw"] = evaluator(model)["classifier_fid"]
    result["use_ema"] = bool(decay) and result["ema"] < result["raw"]
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    return result


_RECIPE_FILE = '''"""{variant} on {dataset} at Lucic et al. 2018's budget (issue 19): the zoo recipe (zoo_configs/zoo.py)
with what benchmarks/zoo28.py's search chose; every point in benchmarks/results/zoo28/results.md.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("{variant}", "{dataset}", arg)
    return config
'''
BEGIN, END = "    # zoo28 recipe (benchmarks/zoo28.py --stage=package)", "    # end of the zoo28 recipe"


def write_config(runs, dataset, variant, root=ROOT):
    """Writes the searched point, the EMA choice and the budget of a finished full run into
    zoo_configs/<variant>/<dataset>.py (made from `_RECIPE_FILE` where the variant has none; an own
    file keeps its lines and gets the block before its last `return config`). Returns the path."""
    point = best_point(runs, dataset, variant)
    workdir = workdir_of(runs, dataset, variant, point, "full")
    ema = _json(os.path.join(workdir, "ema.json"))
    if ema is None:
        raise ValueError(f"{workdir}: no ema.json; run --stage=full first.")
    searched = SEARCHED_ON[dataset]
    search = {point_name(p): search_score(runs, searched, variant, p) for p in GRIDS[variant] if "nets" not in p}
    scores = ", ".join(f"{name} {fid:.1f}" for name, fid in search.items())
    whose = "" if searched == dataset else f"{TITLES[searched]}'s "
    lines = _recipe_lines(
        f"{whose}search at a quarter of the budget, classifier-FID of 10,000 samples: {scores}", point,
        [f"    # the full run's classifier-FID: {ema['ema']:.2f} from the moving average, {ema['raw']:.2f} "
         "from the generator's own weights"], ema, steps_of(variant, dataset, point))
    return _write_block(os.path.join(root, "zoo_configs", variant, f"{dataset}.py"), lines,
                        _RECIPE_FILE.format(variant=variant, dataset=dataset))


def _recipe_lines(comment, point, after_point, ema, steps):
    """The zoo28 block of a recipe file: the nets and `comment`, the point's settings, the lines
    `after_point`, the EMA choice (`ema_choice`) and the budget."""
    lines = [BEGIN, f"    # nets: {NETS_NOTE}", f"    # {comment}"]
    lines += [f"    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = {value!r}" if key == "lr"
              else f"    config.{key} = {value!r}" for key, value in point.items()]
    if "model.penalty" in point and "model.penalty_weight" not in point:  # the weight the run resolved to
        from ganzoo import penalties

        lines.append(f"    config.model.penalty_weight = {penalties.DEFAULT_WEIGHTS[point['model.penalty']]!r}"
                     "  # the penalty's default weight")
    return lines + after_point + [
        f"    config.model.ema_decay = {ema['ema_decay']!r}" if ema["use_ema"] else "    config.model.ema_decay = None",
        "    if arg != \"smoke\":  # 15,625 discriminator updates at batch 64 (compare_gan's 20 epochs of 50,000)",
        f"        config.steps = {steps}", END]


def _ema_label(ema):
    return f"EMA {ema['ema_decay']:g}" if ema["use_ema"] else "no EMA"


def _write_block(path, lines, template):
    """Puts `lines` between BEGIN and END before the file's last `return config` (the file made from
    `template` where there is none); a block already there is replaced."""
    text = open(path).read() if os.path.isfile(path) else template
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + text[text.index(END) + len(END) + 1:]
    cut = text.rindex("    return config")
    text = text[:cut] + "\n".join(lines) + "\n" + text[cut:]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def package(runs, dataset, variants, data_dir):
    """Each finished full run becomes its preset `<variant>-<dataset>` (networks only, the EMA choice),
    measured as shipped: FID-10k and KID against the test set beside the classifier metrics; the
    figures go to the run's fid10k.json for the report. Its recipe file is written first."""
    from ganzoo import presets
    from ganzoo.packaging import package_preset

    for variant in variants:
        point = best_point(runs, dataset, variant)
        workdir = point is not None and workdir_of(runs, dataset, variant, point, "full")
        if not workdir or not read(workdir) or os.path.isfile(os.path.join(workdir, "fid10k.json")):
            continue
        ema = ema_choice(workdir, dataset, data_dir)
        print("wrote", os.path.relpath(write_config(runs, dataset, variant), ROOT), flush=True)
        name = f"{variant}-{dataset}"
        description = presets.get_preset(name)["description"].split(" Recipe: ")[0]
        budget = (f"Lucic et al. 2018's budget, {D_UPDATES:,} discriminator updates at batch 64 (compare_gan's 20 "
                  f"epochs of 50,000 images); {point_name(point)} chosen by "
                  f"{'a' if SEARCHED_ON[dataset] == dataset else TITLES[SEARCHED_ON[dataset]] + chr(39) + 's'} "
                  f"{len(GRIDS[variant])}-point search at a quarter of it, the generator EMA kept only where it lowered the full run's classifier-FID "
                  "(benchmarks/results/zoo28/results.md)")
        started = time.time()
        entry = package_preset(workdir, name, data_dir=data_dir, optimizer_state=False, reference_split="test",
                               feature_samples=EVAL_SAMPLES, ema=ema["use_ema"], budget=budget,
                               description=f"{description} Recipe: {point_name(point)}, "
                                           f"{_ema_label(ema)}, "
                                           f"{steps_of(variant, dataset, point):,} steps.")
        results = {k: entry["metrics"][k] for k in ("fid", "kid", "classifier_fid", "classes_covered", "class_kl")
                   if k in entry["metrics"]}
        results.update(ema=ema["use_ema"], seconds=round(time.time() - started), protocol=entry["protocol"])
        with open(os.path.join(workdir, "fid10k.json"), "w") as f:
            json.dump(results, f, indent=1)
        print(f"{name}: FID-10k {results['fid']:.2f} ({results['seconds']} s)", flush=True)


# Conditional presets (the cGAN seed): NS-GAN's best MNIST point on both datasets (Fashion-MNIST gets
# no search of its own, to save CPU), with the EMA, at the full budget, once with mismatched-pair
# negatives ((real x, wrong y) scored as fake) and once without; the preset is the higher label
# accuracy, its card shows both.
COND_VARIANT = "nsgan"
_COND_FILE = '''"""Class-conditional DCGAN (non-saturating) on {title} with a projection discriminator.

Generator: latent joined with a label embedding; discriminator: projection (Miyato & Koyama 2018);
what benchmarks/zoo28.py measured for it: benchmarks/results/zoo28/results.md.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("{variant}", "{dataset}", arg)
    config.conditional = True
    config.model.mismatched_negatives = True
    return config
'''


def cond_config(dataset):
    return f"zoo_configs/{COND_VARIANT}/{dataset}_cond.py"


def cond_workdir(runs, dataset, mismatched):
    return os.path.join(runs, dataset, f"{COND_VARIANT}-cond", f"full_mismatched{int(mismatched)}")


def conditional(runs, dataset, data_dir, root=ROOT):
    """Both conditional runs of `dataset`, then their figures (cond.json: label accuracy and the
    classifier metrics of 10,000 samples, from the generator `ema_choice` keeps)."""
    point = best_point(runs, "mnist28", COND_VARIANT)
    if point is None:
        print(f"conditional {dataset}: NS-GAN's MNIST search is not finished; skipped", flush=True)
        return
    if not os.path.isfile(os.path.join(root, cond_config(dataset))):
        os.makedirs(os.path.dirname(os.path.join(root, cond_config(dataset))), exist_ok=True)
        with open(os.path.join(root, cond_config(dataset)), "w") as f:
            f.write(_COND_FILE.format(variant=COND_VARIANT, dataset=dataset, title=TITLES[dataset]))
    for mismatched in (True, False):
        workdir = cond_workdir(runs, dataset, mismatched)
        if train(COND_VARIANT, dataset, {**point, **_EMA, "model.mismatched_negatives": mismatched},
                 steps_of(COND_VARIANT, dataset, point), workdir, data_dir, stage="full", config=cond_config(dataset)):
            cond_figures(workdir, dataset, data_dir)


def cond_figures(workdir, dataset, data_dir):
    path = os.path.join(workdir, "cond.json")
    if os.path.isfile(path):
        return json.load(open(path))
    from ganzoo.evaluate import evaluate
    from ganzoo.saving import load_model, resolve_model_path

    model = load_model(resolve_model_path(workdir))
    if not ema_choice(workdir, dataset, data_dir)["use_ema"]:
        model.ema_decay = None
    results = evaluate(model, DATASETS[dataset], data_dir=data_dir, metrics=("modes",), num_samples=EVAL_SAMPLES)
    figures = {k: results[k] for k in ("label_accuracy", "classifier_fid", "class_kl", "classes_covered")}
    with open(path, "w") as f:
        json.dump(figures, f, indent=1)
    return figures


def package_conditional(runs, dataset, data_dir, root=ROOT):
    """`nsgan-<dataset>-cond`: the conditional run of higher label accuracy, networks only, FID-10k
    against the test set as shipped, both runs' figures on the card; its recipe file gets the block."""
    from ganzoo.packaging import package_preset

    figures = {m: os.path.join(cond_workdir(runs, dataset, m), "cond.json") for m in (True, False)}
    if not all(os.path.isfile(p) for p in figures.values()):
        return None
    figures = {m: json.load(open(p)) for m, p in figures.items()}
    mismatched = figures[True]["label_accuracy"] >= figures[False]["label_accuracy"]
    workdir = cond_workdir(runs, dataset, mismatched)
    if os.path.isfile(os.path.join(workdir, "fid10k.json")):
        return json.load(open(os.path.join(workdir, "fid10k.json")))
    point = best_point(runs, "mnist28", COND_VARIANT)
    ema = ema_choice(workdir, dataset, data_dir)
    steps = steps_of(COND_VARIANT, dataset, point)
    lines = _recipe_lines(
        f"NS-GAN's best MNIST search point ({point_name(point)})", point,
        [f"    # label accuracy of 10,000 samples: {100 * figures[True]['label_accuracy']:.1f} % with mismatched-pair "
         f"negatives, {100 * figures[False]['label_accuracy']:.1f} % without",
         f"    config.model.mismatched_negatives = {mismatched!r}"], ema, steps)
    _write_block(os.path.join(root, cond_config(dataset)), lines, None)
    label = {True: "mismatched-pair negatives on", False: "mismatched-pair negatives off"}
    comparison = {"about": f"The same recipe at the same budget ({steps:,} steps), with and without (real x, wrong y) "
                           "pairs scored as fake (10,000 samples, labels 0-9 cycled, the shipped classifier):",
                  "shipped": label[mismatched], "rows": {label[m]: figures[m] for m in (True, False)}}
    name = f"{COND_VARIANT}-{dataset}-cond"
    entry = package_preset(
        workdir, name, data_dir=data_dir, optimizer_state=False, reference_split="test",
        feature_samples=EVAL_SAMPLES, ema=ema["use_ema"], comparison=comparison,
        budget=f"Lucic et al. 2018's budget, {D_UPDATES:,} discriminator updates at batch 64; NS-GAN's best MNIST "
               "search point (benchmarks/results/zoo28/results.md)",
        description=f"Class-conditional non-saturating GAN (projection discriminator, Miyato & Koyama 2018) on "
                    f"{TITLES[dataset]}, a small DCGAN-28 (generator 64-32 channels, critic 32-64, "
                    f"64-d latent). Recipe: {point_name(point)}, mismatched-pair negatives "
                    f"{'on' if mismatched else 'off'}, {_ema_label(ema)}, "
                    f"{steps:,} steps.")
    results = {k: entry["metrics"][k] for k in ("fid", "kid", "classifier_fid", "label_accuracy") if k in entry["metrics"]}
    results.update(mismatched_negatives=mismatched, protocol=entry["protocol"])
    with open(os.path.join(workdir, "fid10k.json"), "w") as f:
        json.dump(results, f, indent=1)
    return results


# Stacked-MNIST (PacGAN's protocol: 26,000 samples, each channel read by the MNIST classifier, modes
# hit of 1,000 and KL of the mode histogram to uniform). WGAN-GP and SNGAN, and NS-GAN as the DCGAN
# baseline that PacGAN's and VEEGAN's tables show dropping modes. Each trains its best MNIST search
# point (no search of its own, to save CPU) at the MNIST budget (PacGAN trained 50 epochs of 128,000
# images, 100,000 discriminator updates: 6.4 times longer), with the EMA kept where it lowers the KL.
STACKED, STACKED_VARIANTS = "stackedmnist28", ("wgan-gp", "sngan", "nsgan")


def stacked_workdir(runs, variant, point):
    return workdir_of(runs, STACKED, variant, point, "full")


def stacked(runs, data_dir, variants=STACKED_VARIANTS):
    """Trains each variant's Stacked-MNIST run, scores it (`stacked_choice`) and packages it
    (`package_stacked`); a variant whose MNIST search is unfinished waits."""
    for variant in variants:
        point = best_point(runs, "mnist28", variant)
        if point is None:
            print(f"{STACKED} {variant}: the MNIST search is not finished; skipped", flush=True)
            continue
        workdir = stacked_workdir(runs, variant, point)
        if train(variant, STACKED, {**point, **_EMA}, steps_of(variant, STACKED, point), workdir, data_dir,
                 stage="full"):
            stacked_choice(workdir)
            package_stacked(runs, variant, data_dir)


def stacked_choice(workdir):
    """ema.json for Stacked-MNIST: modes and KL of the protocol's 26,000 samples (seed 0) from the
    moving average and from the generator's own weights; `use_ema` where the average's KL is lower."""
    path = os.path.join(workdir, "ema.json")
    if os.path.isfile(path):
        return json.load(open(path))
    from ganzoo.metrics.classifier import Classifier
    from ganzoo.metrics.modes import STACKED_MNIST_SAMPLES, stacked_mnist_modes
    from ganzoo.saving import load_model, resolve_model_path

    model = load_model(resolve_model_path(workdir))
    classify = Classifier("mnist").predict
    result = {"ema_decay": model.ema_decay, "score": f"Stacked-MNIST KL, {STACKED_MNIST_SAMPLES:,} samples"}
    for weights in ("ema", "raw"):
        if weights == "raw":
            model.ema_decay = None  # samples from the generator's own weights
        scored = stacked_mnist_modes(model.generate(STACKED_MNIST_SAMPLES, seed=0), classify)
        result[weights] = {"modes": scored["modes"], "kl": scored["kl"]}
    result["use_ema"] = bool(result["ema_decay"]) and result["ema"]["kl"] < result["raw"]["kl"]
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    return result


def package_stacked(runs, variant, data_dir, root=ROOT):
    """`<variant>-stackedmnist28`: networks only, the EMA choice, measured as shipped (the packaging's
    Stacked-MNIST protocol); the recipe file zoo_configs/<variant>/stackedmnist28.py gets the block."""
    from ganzoo import presets
    from ganzoo.packaging import package_preset

    point = best_point(runs, "mnist28", variant)
    workdir = stacked_workdir(runs, variant, point)
    if os.path.isfile(os.path.join(workdir, "packaged.json")):
        return json.load(open(os.path.join(workdir, "packaged.json")))
    ema = _json(os.path.join(workdir, "ema.json"))
    if ema is None:
        raise ValueError(f"{workdir}: no ema.json; train and score it first (--stage=stacked).")
    steps = steps_of(variant, STACKED, point)
    lines = _recipe_lines(
        f"{variant}'s best MNIST search point ({point_name(point)}); Stacked-MNIST has no search of its own", point,
        [f"    # modes / KL of 26,000 samples: {ema['ema']['modes']} / {ema['ema']['kl']:.3f} from the moving "
         f"average, {ema['raw']['modes']} / {ema['raw']['kl']:.3f} from the generator's own weights"], ema, steps)
    _write_block(os.path.join(root, "zoo_configs", variant, f"{STACKED}.py"), lines,
                 _RECIPE_FILE.format(variant=variant, dataset=STACKED))
    name = f"{variant}-{STACKED}"
    description = presets.get_preset(name)["description"].split(" Recipe: ")[0] if name in presets.list_presets() \
        else f"{variant} on Stacked-MNIST (3 MNIST digits as RGB), a small DCGAN-28 (generator 64-32 channels, " \
             "critic 32-64, 64-d latent)."
    budget = (f"the MNIST budget, {D_UPDATES:,} discriminator updates at batch 64 (PacGAN trained 100,000); "
              f"{point_name(point)}: the variant's best MNIST search point; the generator EMA kept only where it "
              "lowered the KL (benchmarks/results/zoo28/results.md)")
    entry = package_preset(workdir, name, data_dir=data_dir, optimizer_state=False, ema=ema["use_ema"], budget=budget,
                           description=f"{description} Recipe: {point_name(point)}, {_ema_label(ema)}, {steps:,} steps.")
    results = {k: entry["metrics"][k] for k in ("stacked_modes", "stacked_kl") if k in entry["metrics"]}
    results.update(ema=ema["use_ema"], protocol=entry["protocol"])
    with open(os.path.join(workdir, "packaged.json"), "w") as f:
        json.dump(results, f, indent=1)
    return results


FLOOR = os.path.join(ROOT, "benchmarks", "results", "fid_floor", "fid_floor_test10000.json")


def _json(path):
    return json.load(open(path)) if os.path.isfile(path) else None


def shipped_fid10k(name):
    """The FID-10k a preset packaged by this benchmark records (its metadata has the `budget`), or None."""
    path = os.path.join(ROOT, "artifacts", name, "metadata.json")
    metadata = _json(path) or {}
    if ("budget" not in metadata or metadata.get("metrics_samples") != EVAL_SAMPLES
            or "test images" not in metadata.get("protocol", {}).get("features", "")):
        return None
    return metadata.get("metrics", {}).get("fid")


def report(runs, out=OUT, floor_path=FLOOR):
    """results.json and results.md: per dataset the search table, the full runs (classifier-FID of
    the average and of the generator's own weights, FID-10k as shipped), the protocol's real-data
    floor and Lucic et al.'s row for the variant (theirs); then the conditional presets."""
    from ganzoo.cards import LUCIC_2018

    lucic = {variant: {"mnist28": m, "fashion28": f} for variant, m, f in LUCIC_2018.values() if variant}
    floors = _json(floor_path) or {}
    summary = {"protocol": {"budget": f"{D_UPDATES:,} discriminator updates at batch 64 (compare_gan's 20 epochs of "
                                      "50,000); search: a quarter, one seed",
                            "search_score": f"classifier-FID, {EVAL_SAMPLES:,} samples vs {EVAL_SAMPLES:,} training "
                                            "images (shipped classifier, 128-d)",
                            "fid10k": "Inception FID, 10,000 samples (seed 0) vs the 10,000 test images, as shipped "
                                      "(float16 weights where their samples stay within one uint8 level, else float32)"}}
    lines = ["# The 28 px zoo at Lucic et al. 2018's budget", "", f"Budget: {summary['protocol']['budget']}.",
             f"Search score: {summary['protocol']['search_score']}.", f"FID-10k: {summary['protocol']['fid10k']}.",
             "Lucic et al. 2018: their best FID at this protocol (their networks and search; theirs, not ganzoo's, "
             "transcribed in README.md's anchors).", ""]
    for dataset in DATASETS:
        rows = {}
        for variant in VARIANTS:
            points = []
            kept = {p["point"]: p for p in recorded(SEARCHED_ON[dataset], variant).get("search", [])}
            for point in GRIDS[variant]:
                m = read(workdir_of(runs, SEARCHED_ON[dataset], variant, point, "search"))
                if m:
                    points.append({"point": point_name(point), "classifier_fid": m.get("classifier_fid"),
                                   "steps": m.get("steps"), "curve": m.get("curve")})
                elif point_name(point) in kept:
                    points.append(kept[point_name(point)])
            best = best_point(runs, dataset, variant)
            entry = {"search": points}
            # a full run whose point the search no longer picks (or not yet: new points) stays on record
            earlier = recorded(dataset, variant)
            entry["superseded"] = list(earlier.get("superseded", []))
            if earlier.get("full") and (best is None or earlier.get("best") != point_name(best)):
                entry["superseded"].append({"best": earlier.get("best"), "full": earlier["full"]})
            if not entry["superseded"]:
                del entry["superseded"]
            if best is not None:
                workdir = workdir_of(runs, dataset, variant, best, "full")
                m = read(workdir)
                entry["best"] = point_name(best)
                was = recorded(dataset, variant)
                was = (was.get("full") or {}) if was.get("best") == entry["best"] else next(
                    (dict(s["full"]) for s in entry.get("superseded", []) if s["best"] == entry["best"]), {})
                if was and "superseded" in entry:  # the search came back to a point it had run in full
                    entry["superseded"] = [s for s in entry["superseded"] if s["best"] != entry["best"]] or None
                    if entry["superseded"] is None:
                        del entry["superseded"]
                entry["full"] = ({"classifier_fid": m.get("classifier_fid"),
                                  "ema": _json(os.path.join(workdir, "ema.json")),
                                  "fid10k": (_json(os.path.join(workdir, "fid10k.json")) or {}).get("fid")}
                                 if m else dict(was) or None)
                if entry["full"] and entry["full"].get("fid10k") is None:
                    entry["full"]["fid10k"] = was.get("fid10k") or shipped_fid10k(f"{variant}-{dataset}")
            if points and (SEARCHED_ON[dataset] == dataset or entry.get("full")):
                rows[variant] = entry
        summary[dataset] = rows
        cond = {m: _json(os.path.join(cond_workdir(runs, dataset, m), "cond.json")) for m in (True, False)}
        summary[dataset + "_cond"] = {f"mismatched_negatives_{'on' if m else 'off'}": {
            **figures, "fid10k": (_json(os.path.join(cond_workdir(runs, dataset, m), "fid10k.json")) or {}).get("fid")}
            for m, figures in cond.items() if figures}
        for setting, figures in recorded(dataset + "_cond").items():
            summary[dataset + "_cond"].setdefault(setting, figures)
        floor = (floors.get(DATASETS[dataset]) or {}).get("fid")
        summary[dataset + "_floor"] = floor
        if not rows:
            continue
        lines += [f"## {TITLES[dataset]}", "",
                  "Real-data floor at this protocol (10,000 training images vs the test set, "
                  f"`benchmarks/fid_floor.py`): FID {floor:.2f}." if floor is not None else
                  "Real-data floor at this protocol: not measured yet.", "",
                  *([] if SEARCHED_ON[dataset] == dataset else [
                      f"No search of its own: each variant trains {TITLES[SEARCHED_ON[dataset]]}'s best point (its "
                      f"search figures are {TITLES[SEARCHED_ON[dataset]]}'s).", ""]),
                  "| variant | search points: classifier-FID | best | full run: classifier-FID, average / own weights "
                  "| FID-10k (test), as shipped | Lucic et al. 2018 (theirs) |", "|---|---|---|---|---:|---:|"]
        for variant, entry in rows.items():
            points = ", ".join(f"{p['point']} {p['classifier_fid']:.2f}" for p in entry["search"]
                               if p["classifier_fid"] is not None)
            full_run = entry.get("full") or {}
            ema = full_run.get("ema")
            cfid = (f"{ema['ema']:.2f} / {ema['raw']:.2f} ({'average' if ema['use_ema'] else 'own'} shipped)" if ema
                    else f"{full_run['classifier_fid']:.2f}" if full_run.get("classifier_fid") is not None else "")
            fid10k = f"{full_run['fid10k']:.2f}" if full_run.get("fid10k") is not None else ""
            theirs = f"{lucic[variant][dataset][0]} ± {lucic[variant][dataset][1]}" if variant in lucic else "-"
            lines.append(f"| {variant} | {points} | {entry.get('best', '')} | {cfid} | {fid10k} | {theirs} |")
        lines.append("")
        if summary[dataset + "_cond"]:
            lines += [f"Conditional NS-GAN on {TITLES[dataset]} (NS-GAN's MNIST point, full budget, 10,000 samples):", "",
                      "| mismatched-pair negatives | label accuracy | classifier-FID | FID-10k (test) |",
                      "|---|---:|---:|---:|"]
            for setting, f in summary[dataset + "_cond"].items():
                fid = f"{f['fid10k']:.2f}" if f.get("fid10k") is not None else ""
                lines.append(f"| {setting.rsplit('_', 1)[1]} | {100 * f['label_accuracy']:.1f} % | "
                             f"{f['classifier_fid']:.2f} | {fid} |")
            lines.append("")
    stacked_rows = {}
    for variant in STACKED_VARIANTS:
        point = best_point(runs, "mnist28", variant)
        workdir = point is not None and stacked_workdir(runs, variant, point)
        ema = workdir and _json(os.path.join(workdir, "ema.json"))
        if ema:
            stacked_rows[variant] = {"point": point_name(point), "ema": ema,
                                     "shipped": _json(os.path.join(workdir, "packaged.json"))}
        elif recorded(STACKED, variant):
            stacked_rows[variant] = recorded(STACKED, variant)
    summary[STACKED] = stacked_rows
    if stacked_rows:
        lines += ["## Stacked-MNIST", "",
                  f"{D_UPDATES:,} discriminator updates at batch 64 (PacGAN: 100,000), each variant's best MNIST "
                  "point; 26,000 samples (seed 0), each channel read by the shipped MNIST classifier.", "",
                  "| variant | point | modes / KL, average | modes / KL, own weights | shipped: modes / KL |",
                  "|---|---|---:|---:|---:|"]
        for variant, row in stacked_rows.items():
            ema, shipped = row["ema"], row["shipped"]
            cell = lambda f: f"{f['modes']} / {f['kl']:.3f}"  # noqa: E731
            done = f"{shipped['stacked_modes']} / {shipped['stacked_kl']:.3f}" if shipped else ""
            lines.append(f"| {variant} | {row['point']} | {cell(ema['ema'])} | {cell(ema['raw'])} | {done} |")
        lines.append("")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, choices=("search", "full", "package", "conditional", "stacked", "report"))
    parser.add_argument("--dataset", default="mnist28", choices=sorted(DATASETS))
    parser.add_argument("--data_dir", default=None, help="local copy of the dataset (idx files)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--runs", default=os.path.join(ROOT, "runs", "zoo28"))
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; expected some of {', '.join(VARIANTS)}")
    if args.stage != "report" and not args.data_dir:
        parser.error(f"--stage={args.stage} needs --data_dir")
    if args.stage == "search":
        search(args.runs, args.dataset, variants, args.data_dir)
    elif args.stage == "full":
        full(args.runs, args.dataset, variants, args.data_dir)
    elif args.stage == "package":
        package(args.runs, args.dataset, variants, args.data_dir)
        package_conditional(args.runs, args.dataset, args.data_dir)
    elif args.stage == "conditional":
        conditional(args.runs, args.dataset, args.data_dir)
    elif args.stage == "stacked":
        stacked(args.runs, args.data_dir, [v for v in variants if v in STACKED_VARIANTS])
    report(args.runs)


if __name__ == "__main__":
    main()
