"""Every variant at its best on one toy budget (Lucic et al. 2018's protocol): a small search, then seeds.

    python benchmarks/toy_sweep.py --stage=search [--jobs=2] [--runs=runs/toy_sweep]
    python benchmarks/toy_sweep.py --stage=seeds     # the best point of each (variant, dataset), seeds 1 and 2
    python benchmarks/toy_sweep.py --stage=report    # tables into benchmarks/results/toy_sweep/
    python benchmarks/toy_sweep.py --stage=configs   # zoo_configs/<variant>/<dataset>.py of each best point

Each run is `ganzoo-train --config=zoo_configs/zoo.py:<variant>,<dataset>` on the zoo's toy budget
(`ganzoo.configs.TOY_STEPS`, batch 128) with one point of `GRIDS` on top, one thread per
run, `--jobs` runs at once. A run whose workdir holds metrics.json is done and skipped, and one cut
short resumes from its checkpoint, so the stages can be killed and restarted. Scores: PacGAN's
protocol (`ganzoo.metrics.toy`); the best point maximises (modes covered, high-quality fraction),
on seed 0. The seeds stage reruns it at seeds 1 and 2; the report gives mean +- sd over the 3.
"""

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

DATASETS = ("ring8", "grid25")
# One point: the --config overrides on top of the zoo recipe ("lr" sets both learning rates);
# {} is the recipe itself (1e-3, each paper's betas and n_critic). The other points: the
# learning rate at 3e-4, the paper's own rate, linear decay, and what a variant's paper varies.
_COMMON = ({}, {"lr": 3e-4}, {"lr_decay": "linear"})
GRIDS = {
    "gan": _COMMON + ({"lr": 2e-4},),
    "nsgan": _COMMON + ({"lr": 2e-4},),
    "lsgan": _COMMON + ({"lr": 2e-4},),
    "ebgan": _COMMON + ({"lr": 2e-4},),
    # weight_decay=0: the drift the regulariser stops
    "loss-sensitive": _COMMON[:1] + ({"model.weight_decay": 0.0},) + _COMMON[1:] + ({"lr": 2e-4},),
    "wgan": _COMMON + ({"lr": 5e-5},),
    # gp_weight 10, the image setting, beside gan_toy.py's 0.1; 2e-3 with decay: the best of four
    # short pilots of the default run (benchmarks/results/toy_pilot/)
    "wgan-gp": _COMMON + ({"model.gp_weight": 10.0}, {"lr": 1e-4}, {"lr": 2e-3, "lr_decay": "linear"}),
    "wgan-ct": _COMMON + ({"model.gp_weight": 0.1}, {"lr": 1e-4}),
    # gan_toy.py's 2-d penalty weight (0.1, as WGAN-GP's toy recipe), and the perturbation centred on
    # the data (the paper's x + delta; the authors' code moves every point up along each axis)
    "dragan": _COMMON + ({"lr": 1e-4}, {"model.gp_weight": 0.1}, {"model.perturbation": "centred"}),
    # Keras' SpectralNormalization (no gradient through sigma) against the faithful layer
    "sngan": _COMMON + ({"lr": 1e-4}, {"model.normalization": "spectral_keras"}, {"lr": 2e-3, "lr_decay": "linear"}),
}


# Ablations: points that remove what the paper prescribes (the loss-sensitive GAN's regulariser, the
# faithful spectral norm). They are measured beside the rest but never chosen as a variant's best.
ABLATIONS = {"model.weight_decay": 0.0, "model.normalization": "spectral_keras"}


def is_ablation(point):
    return any(point.get(key) == value for key, value in ABLATIONS.items())


def point_name(point):
    if not point:
        return "recipe"
    return "_".join(f"{k.split('.')[-1]}{v:g}" if isinstance(v, float) else f"{k.split('.')[-1]}{v}"
                    for k, v in sorted(point.items()))


def workdir_of(runs, variant, dataset, point, seed):
    return os.path.join(runs, f"{variant}-{dataset}", f"{point_name(point)}_seed{seed}")


def flags_of(point):
    out = []
    for key, value in point.items():
        if key == "lr":
            out += [f"--config.d_optimizer.learning_rate={value}", f"--config.g_optimizer.learning_rate={value}"]
        else:
            out.append(f"--config.{key}={value}")
    return out


def run_one(job):
    variant, dataset, point, seed, workdir, extra = job
    if read(workdir):
        return job, "done before"
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ, TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, "-m", "ganzoo.train", f"--config={ROOT}/zoo_configs/zoo.py:{variant},{dataset}",
               f"--workdir={workdir}", f"--config.seed={seed}", "--config.verbose=0", "--config.tensorboard=False",
               *flags_of(point), *extra]
    started = time.time()
    with open(os.path.join(workdir, "train.log"), "a") as log:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    return job, f"exit {code} after {time.time() - started:.0f} s"


def score(metrics):
    return (metrics["modes"], metrics["high_quality"])


# The figures of every finished run, by workdir relative to --runs, as results.json recorded them: a run
# whose folder is gone (a new machine) still counts, and is not rerun.
RECORDED = {}
_KEYS = ("modes", "modes_any", "num_modes", "high_quality", "reverse_kl", "w1", "steps_per_second")


def read(workdir):
    path = os.path.join(workdir, "metrics.json")
    if os.path.isfile(path):
        with open(path) as f:
            return json.load(f)
    return RECORDED.get(os.path.join(os.path.basename(os.path.dirname(workdir)), os.path.basename(workdir)))


def on_disk(workdir):
    """Whether a finished run's folder is here (not only its figures in results.json)."""
    return os.path.isfile(os.path.join(workdir, "metrics.json"))


def load_recorded(out):
    path = os.path.join(out, "results.json")
    if not os.path.isfile(path):
        return
    with open(path) as f:
        saved = json.load(f)
    RECORDED.update(saved.get("runs", {}))
    for r in saved.get("search", []):  # results.json files written before "runs" existed
        key = os.path.join(f"{r['variant']}-{r['dataset']}", f"{point_name(r['point'])}_seed{r['seed']}")
        RECORDED.setdefault(key, {"num_modes": 8 if r["dataset"] == "ring8" else 25,
                                  **{k: r.get(k) for k in _KEYS if k in r}})


def best_points(runs, variants):
    best = {}
    for variant in variants:
        for dataset in DATASETS:
            scored = [(score(m), i) for i, p in enumerate(GRIDS[variant])
                      if not is_ablation(p) and (m := read(workdir_of(runs, variant, dataset, p, 0)))]
            if scored:
                best[variant, dataset] = GRIDS[variant][max(scored)[1]]
    return best


def jobs_for(stage, runs, variants, extra, points=None):
    if stage == "search":
        # the recipe of every variant first (the presets), then the second point of every variant, ...
        longest = max(len(GRIDS[v]) for v in variants)
        return [(v, d, GRIDS[v][i], 0, workdir_of(runs, v, d, GRIDS[v][i], 0), extra)
                for i in range(longest) for d in DATASETS for v in variants
                if i < len(GRIDS[v]) and (points is None or point_name(GRIDS[v][i]) in points)]
    best = best_points(runs, variants)
    return [(v, d, p, s, workdir_of(runs, v, d, p, s), extra) for (v, d), p in best.items() for s in (1, 2)]


def _mean_sd(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def report(runs, variants, out):
    rows, summary = [], []
    best = best_points(runs, variants)
    every = dict(RECORDED)
    for variant in variants:
        for dataset in DATASETS:
            for point in GRIDS[variant]:
                for seed in (0, 1, 2):
                    workdir = workdir_of(runs, variant, dataset, point, seed)
                    if m := read(workdir):
                        every[os.path.relpath(workdir, runs)] = {k: m.get(k) for k in _KEYS}
    for variant in variants:
        for dataset in DATASETS:
            for point in GRIDS[variant]:
                m = read(workdir_of(runs, variant, dataset, point, 0))
                if m:
                    rows.append({"variant": variant, "dataset": dataset, "point": point, "seed": 0,
                                 "best": best.get((variant, dataset)) == point,
                                 **{k: m.get(k) for k in ("modes", "modes_any", "high_quality", "reverse_kl", "w1",
                                                          "steps_per_second")}})
            if (variant, dataset) not in best:
                continue
            point = best[variant, dataset]
            found = {s: m for s in (0, 1, 2) if (m := read(workdir_of(runs, variant, dataset, point, s)))}
            seeds = list(found.values())
            entry = {"variant": variant, "dataset": dataset, "point": point, "point_name": point_name(point), "n": len(seeds),
                     "workdirs": [workdir_of(runs, variant, dataset, point, s) for s in (0, 1, 2)],
                     "figures": [{"seed": s, **{k: m.get(k) for k in _KEYS if k != "steps_per_second"}}
                                 for s, m in found.items()]}
            for key in ("modes", "modes_any", "high_quality", "reverse_kl", "w1"):
                entry[key] = _mean_sd([m.get(key) for m in seeds])
            summary.append(entry)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"protocol": _protocol(), "search": rows, "best": summary, "runs": every}, f, indent=1)
    lines = [f"# Toy sweep: {_protocol()}", "", "## Best point of each variant, mean +- sd over its seeds", "",
             "| variant | dataset | point | n | modes (>= 20) | modes (>= 1) | high quality | reverse KL | W1 |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    fmt = lambda ms, scale=1.0, digits=2: "-" if ms[0] is None else f"{ms[0] * scale:.{digits}f} +- {ms[1] * scale:.{digits}f}"  # noqa: E731
    for e in summary:
        lines.append(f"| {e['variant']} | {e['dataset']} | {point_name(e['point'])} | {e['n']} | {fmt(e['modes'], digits=1)} | "
                     f"{fmt(e['modes_any'], digits=1)} | {fmt(e['high_quality'], 100, 1)} % | {fmt(e['reverse_kl'], digits=3)} | "
                     f"{fmt(e['w1'], digits=3)} |")
    lines += ["", "## The README's table (best point per dataset; mean +- sd over n seeds)", "", *readme_table(summary)]
    lines += ["", "## Every point of the search (seed 0)", "",
              "| variant | dataset | point | modes | modes (>= 1) | high quality | reverse KL | W1 | steps/s |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        kl = "-" if r["reverse_kl"] is None else f"{r['reverse_kl']:.3f}"
        lines.append(f"| {r['variant']} | {r['dataset']} | {point_name(r['point'])}{' (best)' if r['best'] else ''} | "
                     f"{r['modes']} | {r['modes_any']} | {100 * r['high_quality']:.1f} % | {kl} | {r['w1']:.3f} | "
                     f"{r['steps_per_second']} |")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[:len(summary) + 6]))
    if summary:
        plot_best(summary, os.path.join(out, "samples.png"))
        link_presets(summary, os.path.join(os.path.dirname(runs), "toy_presets"))


def readme_table(summary):
    """variant | per dataset: best point, n, modes, HQ, W1 (mean +- sd): the README's toy table."""
    def cell(e):
        if e is None:
            return "- | - | -"
        (modes, modes_sd), (hq, hq_sd), (w1, w1_sd) = e["modes"], e["high_quality"], e["w1"]
        (any_, any_sd) = e.get("modes_any", (None, None))
        total = 8 if e["dataset"] == "ring8" else 25
        spread = (lambda m, s, fmt: f"{m:{fmt}} ± {s:{fmt}}") if e["n"] > 1 else (lambda m, s, fmt: f"{m:{fmt}}")
        return (f"{point_label(e['point'])} | {e['n']} | {spread(modes, modes_sd, '.1f')}/{total} · "
                f"{'-' if any_ is None else spread(any_, any_sd, '.1f')} · "
                f"{spread(100 * hq, 100 * hq_sd, '.1f')} % · {spread(w1, w1_sd, '.3f')}")

    by = {(e["variant"], e["dataset"]): e for e in summary}
    variants = list(dict.fromkeys(e["variant"] for e in summary))
    # best first: grid modes, then grid HQ
    variants.sort(key=lambda v: [-(by[v, d]["modes"][0] if (v, d) in by else 0) - (by[v, d]["high_quality"][0]
                                 if (v, d) in by else 0) for d in ("grid25", "ring8")])
    out = ["| variant | ring8 best point | n | ring8: modes (>= 20) · (>= 1) · HQ · W1 | grid25 best point | n | "
           "grid25: modes (>= 20) · (>= 1) · HQ · W1 |",
           "|---|---|---:|---|---|---:|---|"]
    for v in variants:
        out.append(f"| {v} | {cell(by.get((v, 'ring8')))} | {cell(by.get((v, 'grid25')))} |")
    return out


def point_label(point):
    """A search point in words: 'recipe', 'lr 3e-4', 'lr 2e-3, linear decay', ..."""
    if not point:
        return "recipe"
    words = []
    for key, value in sorted(point.items()):
        name = key.split(".")[-1]
        if key == "lr":
            words.append(f"lr {value:g}")
        elif key == "lr_decay":
            words.append(f"{value} decay")
        else:
            words.append(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}")
    return ", ".join(words)


def link_presets(summary, folder):
    """folder/<variant>-<dataset> -> the best point's first run still on disk: what
    `export/package_zoo.py --runs=folder --seed_figures=results.json` ships."""
    os.makedirs(folder, exist_ok=True)
    for e in summary:
        found = [w for w in e["workdirs"] if on_disk(w)]
        link = os.path.join(folder, f"{e['variant']}-{e['dataset']}")
        if os.path.lexists(link):
            os.remove(link)
        if found:
            os.symlink(os.path.abspath(found[0]), link)


def plot_best(summary, path):
    """2,500 samples of each best point's first run still on disk (its final checkpoint, seed 0) over the
    true modes, else of the shipped preset; the title gives that run's seed, or says "shipped preset"."""
    import glob

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import ganzoo

    variants = list(dict.fromkeys(e["variant"] for e in summary))
    fig, axes = plt.subplots(len(DATASETS), len(variants), figsize=(2.2 * len(variants), 2.4 * len(DATASETS)),
                             squeeze=False)
    for i, dataset in enumerate(DATASETS):
        modes = ganzoo.data.toy_modes(dataset)
        lim = 5.5 if dataset == "grid25" else 1.5
        for j, variant in enumerate(variants):
            ax = axes[i, j]
            entry = next((e for e in summary if e["variant"] == variant and e["dataset"] == dataset), None)
            # the first seed whose run folder is still here
            found = [(w, c) for w in (entry["workdirs"] if entry else [])
                     if (c := sorted(glob.glob(os.path.join(w, "checkpoints", "step_*.keras"))))]
            if found:
                workdir, checkpoints = found[0]
                x = ganzoo.load_model(checkpoints[-1]).generate(2500, seed=0)
                ax.scatter(x[:, 0], x[:, 1], s=1, alpha=0.4, color="tab:blue")
                m = read(workdir)
                ax.set_title(f"{variant} {os.path.basename(workdir)}\n{m['modes']}/{m['num_modes']} modes, "
                             f"{100 * m['high_quality']:.0f} % HQ", fontsize=7)
            elif f"{variant}-{dataset}" in ganzoo.list_presets():
                # no run folder here (a new machine): the shipped preset, with the figures it records
                model = ganzoo.load(f"{variant}-{dataset}")
                x = model.generate(2500, seed=0)
                ax.scatter(x[:, 0], x[:, 1], s=1, alpha=0.4, color="tab:blue")
                m = model.preset["metrics"]
                ax.set_title(f"{variant} (shipped preset)\n{m['modes']}/{m['num_modes']} modes, "
                             f"{100 * m['high_quality']:.0f} % HQ", fontsize=7)
            ax.scatter(modes[:, 0], modes[:, 1], s=12, marker="x", color="tab:red")
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


_CONFIG_FILE = '''"""{variant} on {dataset}: the zoo recipe (zoo_configs/zoo.py) with {label}.

The best point of benchmarks/toy_sweep.py's search for this pair (seed 0: {modes}/{num_modes} modes,
{hq:.1f} % high quality, W1 {w1:.3f}; every point and the 3-seed figures in
benchmarks/results/toy_sweep/results.md). Written by `python benchmarks/toy_sweep.py --stage=configs`.
"""

from ganzoo.configs import base_config


def get_config(arg=None):
    config = base_config("{variant}", "{dataset}", arg)
{body}
    return config
'''


def write_configs(runs, variants, root=ROOT):
    """zoo_configs/<variant>/<dataset>.py for every best point that is not the recipe itself and has a
    run on disk (the preset `link_presets` points at); removes a toy file of this script's whose
    pair's best point is now the recipe. Returns the paths written."""
    written = []
    for (variant, dataset), point in best_points(runs, variants).items():
        path = os.path.join(root, "zoo_configs", variant, f"{dataset}.py")
        if not any(on_disk(workdir_of(runs, variant, dataset, point, s)) for s in (0, 1, 2)):
            # no run of the point on disk, so no preset from it yet: the preset's recipe stays as it is
            print(f"{variant} {dataset}: no run folder of {point_name(point)} here; config left as it is")
            continue
        if not point:
            if os.path.isfile(path) and "--stage=configs" in open(path).read():
                os.remove(path)
            continue
        body = []
        for key, value in point.items():
            if key == "lr":
                body.append(f"    config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = {value!r}")
            else:
                body.append(f"    config.{key} = {value!r}")
        m = read(workdir_of(runs, variant, dataset, point, 0))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(_CONFIG_FILE.format(variant=variant, dataset=dataset, label=point_label(point), modes=m["modes"],
                                        num_modes=m["num_modes"], hq=100 * m["high_quality"], w1=m["w1"],
                                        body="\n".join(body)))
        written.append(path)
    return written


def _protocol():
    from ganzoo import configs
    from ganzoo.metrics.toy import PROTOCOL

    return (f"{configs.TOY_STEPS} generator steps x 128, the zoo's 3x256 MLPs, "
            f"best point on seed 0 by (modes, high quality); {PROTOCOL}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=("search", "seeds", "report", "configs"), required=True)
    parser.add_argument("--runs", default=os.path.join(ROOT, "runs", "toy_sweep"))
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "toy_sweep"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--variants", default=",".join(GRIDS))
    parser.add_argument("--points", default=None, help="search only these points (names as in results.md, comma-separated)")
    parser.add_argument("extra", nargs="*", help="more --config.* flags for every run (after --)")
    args = parser.parse_args()
    variants = args.variants.split(",")
    load_recorded(args.out)
    if args.stage == "report":
        report(args.runs, variants, args.out)
        return
    if args.stage == "configs":
        for path in write_configs(args.runs, variants):
            print("wrote", os.path.relpath(path, ROOT))
        return
    jobs = jobs_for(args.stage, args.runs, variants, args.extra, args.points and args.points.split(","))
    print(f"{len(jobs)} runs, {args.jobs} at a time", flush=True)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for i, (job, status) in enumerate(pool.map(run_one, jobs), 1):
            m = read(job[4])
            result = f"{m['modes']} modes, {100 * m['high_quality']:.1f} % HQ, W1 {m['w1']:.3f}" if m else "no metrics"
            print(f"[{i}/{len(jobs)}] {job[0]} {job[1]} {point_name(job[2])} seed {job[3]}: {status}; {result}", flush=True)
    report(args.runs, variants, args.out)


if __name__ == "__main__":
    main()
