"""CIFAR-10 on 2 CPU cores (issue 20): time to quality decides the nets and the setting of the presets.

    python benchmarks/cifar32.py --stage=ttq --data_dir=.../cifar10-jpeg-q75.tar.gz   # FID per CPU-second
    python benchmarks/cifar32.py --stage=report                                       # results.md, plot

`ttq` trains each point of `POINTS` (the SNGAN paper's standard CNN, Miyato et al. 2018 Table 3, at
full, 1/2 and 1/4 width; their setting C, n_dis 1 with Adam(2e-4, 0.5, 0.999), against setting A,
n_dis 5 with Adam(1e-4, 0.5, 0.9); WGAN-GP's n_critic 1 and 5 at a width the SNGAN points choose) for
the same training seconds, in segments: after each it scores the generator's own weights by FID and
KID of 2,000 samples against the first 2,000 test images on the reference Inception (a quick screen:
biased upward at this N, so compared only with itself and with its real-data floor), then resumes from
the run's checkpoint. The seconds are the training processes' own (`metrics.jsonl`), without start-up
or scoring. The data is the shared CIFAR-10 copy, JPEG quality 75: no FID here compares with the
papers' PNG CIFAR-10.

Runs live in `runs/cifar32/` (a cache); `benchmarks/results/cifar32/results.json` is the record: a
point whose folder is gone is read from it, and a stage skips what the record holds.
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "benchmarks", "results", "cifar32")
RECORD = os.path.join(OUT, "results.json")
DATASET = "cifar10"

FULL_WIDTHS = ((512, 256, 128, 64), (64, 128, 256, 512))  # networks.SNGAN_CNN_SPECS[32]
# Miyato et al. 2018, Table 1: setting A (n_dis 5, Adam(1e-4, 0.5, 0.9), the zoo's SNGAN recipe) and C
SETTINGS = {
    "A": {"model.n_critic": 5},
    "C": {"model.n_critic": 1, "lr": 2e-4, "d_optimizer.beta_2": 0.999, "g_optimizer.beta_2": 0.999},
}
POINTS = [("sngan", width, setting) for width in (1.0, 0.5, 0.25) for setting in ("C", "A")]
# training seconds at which a point is scored; every point gets the same
BUDGETS = (600, 1200, 1800)
FIRST_SEGMENT = 100  # steps that time the point before its segments are sized
SCREEN_SAMPLES = 2_000


def widths(width):
    return tuple(tuple(max(1, int(round(w * width))) for w in nets) for nets in FULL_WIDTHS)


def point_name(variant, width, setting):
    return f"{variant}_w{width:g}_{setting}"


def flags_of(variant, width, setting):
    generator, discriminator = widths(width)
    out = ["--config.model.architecture=sngan_cnn",
           f"--config.model.generator_widths={','.join(map(str, generator))}",
           f"--config.model.discriminator_widths={','.join(map(str, discriminator))}"]
    for key, value in SETTINGS[setting].items():
        if key == "lr":
            out += [f"--config.d_optimizer.learning_rate={value}", f"--config.g_optimizer.learning_rate={value}"]
        else:
            out.append(f"--config.{key}={value}")
    return out


def _json(path):
    return json.load(open(path)) if path and os.path.isfile(path) else None


def recorded(name):
    return ((_json(RECORD) or {}).get("ttq") or {}).get(name)


def curve(workdir):
    """[{step, seconds, fid, kid}] of a point's scored segments."""
    path = os.path.join(workdir, "ttq.jsonl")
    return [json.loads(line) for line in open(path) if line.strip()] if os.path.isfile(path) else []


def train_segment(variant, width, setting, steps, workdir, data_dir):
    """Trains (or resumes) the point to `steps`; returns the training seconds of this process."""
    os.makedirs(workdir, exist_ok=True)
    command = [sys.executable, "-m", "ganzoo.train", f"--config={ROOT}/zoo_configs/zoo.py:{variant},cifar32",
               f"--workdir={workdir}", f"--config.data_dir={data_dir}", f"--config.steps={steps}",
               "--config.log_every=50", "--config.eval_every=0", f"--config.checkpoint_every={steps}",
               f"--config.sample_every={steps}", "--config.verbose=0", "--config.tensorboard=False",
               *flags_of(variant, width, setting)]
    with open(os.path.join(workdir, "train.log"), "a") as log:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                               env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    if code:
        raise RuntimeError(f"{workdir}: ganzoo.train exited {code}; see its train.log")
    rows = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl")) if line.strip()]
    return max(r["seconds"] for r in rows if r.get("step") == steps)


def score(workdir, data_dir, num_samples=SCREEN_SAMPLES):
    """FID and KID of the generator's own weights (num_samples, seed 0) against the first test images."""
    from ganzoo.evaluate import evaluate
    from ganzoo.saving import load_model, resolve_model_path

    model = load_model(resolve_model_path(workdir))
    model.ema_decay = None
    result = evaluate(model, DATASET, data_dir=data_dir, metrics=("fid", "kid"), num_samples=num_samples,
                      reference_split="test")
    return {"fid": float(result["fid"]), "kid": float(result["kid"])}


def ttq(runs, data_dir, points=POINTS, budgets=BUDGETS):
    """Each point to each budget of training seconds, scored after each segment (resumes where it stopped)."""
    for variant, width, setting in points:
        name = point_name(variant, width, setting)
        workdir = os.path.join(runs, name)
        done = curve(workdir) or (recorded(name) or {}).get("curve", [])
        if len(done) >= len(budgets):
            continue
        if done and not os.path.isdir(workdir):
            print(f"{name}: its run folder is gone and its record is partial; it restarts", flush=True)
            done = []
        step = done[-1]["step"] if done else 0
        seconds = done[-1]["seconds"] if done else 0.0
        if not done:  # time the point, then size the segments from it
            seconds = train_segment(variant, width, setting, FIRST_SEGMENT, workdir, data_dir)
            step = FIRST_SEGMENT
        for budget in budgets[len(done):]:
            per_step = seconds / step
            target = max(step + 50, int(round(budget / per_step / 50)) * 50)
            seconds += train_segment(variant, width, setting, target, workdir, data_dir)
            step = target
            row = {"step": step, "seconds": round(seconds, 1), **score(workdir, data_dir)}
            with open(os.path.join(workdir, "ttq.jsonl"), "a") as f:
                f.write(json.dumps(row) + "\n")
            print(f"{name}: step {step}, {seconds:.0f} s, FID-2k {row['fid']:.2f}", flush=True)


def report(runs, out=OUT):
    """results.json (the record) and results.md: FID-2k against training seconds for every point."""
    table = dict((_json(RECORD) or {}).get("ttq") or {})  # what a lost run folder held
    for variant, width, setting in POINTS:
        name = point_name(variant, width, setting)
        rows = curve(os.path.join(runs, name))
        if rows:
            generator, discriminator = widths(width)
            table[name] = {"variant": variant, "width": width, "setting": setting, "generator_widths": generator,
                           "discriminator_widths": discriminator, "curve": rows}
    floor = (_json(os.path.join(ROOT, "benchmarks", "results", "fid_floor", f"fid_floor_test{SCREEN_SAMPLES}.json"))
             or {}).get(DATASET)
    summary = {"protocol": {
        "ttq": (f"FID/KID of {SCREEN_SAMPLES:,} samples (seed 0, the generator's own weights) against the first "
                f"{SCREEN_SAMPLES:,} CIFAR-10 test images (JPEG q75 copy), the reference Inception; seconds: the "
                "training processes' own"),
        "settings": {k: {**v} for k, v in SETTINGS.items()}}, "ttq": table, "floor_2k": floor}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
    floor_text = "not measured" if floor is None else f"FID {floor['fid']:.2f} (2,000 training images)"
    lines = ["# CIFAR-10 on the CPU: time to quality (issue 20)", "",
             f"Protocol: {summary['protocol']['ttq']}. Real-data floor of this protocol: {floor_text}.", "",
             "| point | G widths | D widths | setting | FID-2k at each budget (step, training seconds) |",
             "|---|---|---|---|---|"]
    for name, entry in table.items():
        cells = "; ".join(f"{r['fid']:.1f} ({r['step']:,}, {r['seconds']:.0f} s)" for r in entry["curve"])
        lines.append(f"| {name} | {entry['generator_widths']} | {entry['discriminator_widths']} | "
                     f"{entry['setting']} | {cells} |")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if table:
        from ganzoo.plotting import _pyplot

        plt = _pyplot()
        figure, axis = plt.subplots(figsize=(6, 4))
        for name, entry in table.items():
            axis.plot([r["seconds"] / 3600 for r in entry["curve"]], [r["fid"] for r in entry["curve"]], "o-",
                      label=name)
        axis.set_xlabel("training hours (2 CPU cores)")
        axis.set_ylabel(f"FID-{SCREEN_SAMPLES // 1000}k vs test (JPEG q75)")
        axis.legend(fontsize=7)
        figure.tight_layout()
        figure.savefig(os.path.join(out, "ttq.png"), dpi=120)
        plt.close(figure)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=("ttq", "report"), required=True)
    parser.add_argument("--data_dir", default=None, help="the CIFAR-10 tar or folder (train/<class>/*.jpg)")
    parser.add_argument("--runs", default=os.path.join(ROOT, "runs", "cifar32"))
    args = parser.parse_args(argv)
    if args.stage == "ttq":
        if not args.data_dir:
            parser.error("--stage=ttq needs --data_dir (the CIFAR-10 tar or folder)")
        ttq(args.runs, args.data_dir)
    report(args.runs)


if __name__ == "__main__":
    main()
