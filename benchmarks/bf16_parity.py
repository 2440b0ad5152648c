"""Does bfloat16 train as well as float32? wgan-gp and nsgan on MNIST, 3 seeds each, and their time to quality.

    python benchmarks/bf16_parity.py --data_dir=../shared/data/mnist [--steps_wgan_gp=2000 --steps_nsgan=3000]

Each (variant, precision, seed) is the zoo recipe `zoo_configs/zoo.py:<variant>,mnist28`
(the presets' networks and optimizers) at `--steps` generator steps, with
`mixed_precision` float32 or mixed_bfloat16 and nothing else changed, trained by
`ganzoo.training.train_and_evaluate` in its own process (the dtype policy is
process-wide) and interleaved seed by seed, so that drift in machine load hits
both precisions alike. Every `--eval_every` steps the run logs the shipped
classifier's FID of 2,000 samples (the in-training evaluation); at the end
`ganzoo.evaluate` scores 2,000 samples (seed 0) against 2,000 training images,
Inception FID (float32 features) and classifier metrics: the zoo's MNIST protocol.

Writes `results.json` (after every run: a killed job keeps what it finished,
and a rerun continues) and `results.md` to `--out`:
- per precision, the mean ± sd over seeds of Inception FID-2k and classifier-FID,
  and the verdict "within the seed-to-seed spread" when |mean difference| is at
  most the larger of the two sds;
- time to quality: wall-clock training seconds (evaluations left out) until the
  classifier-FID first reaches the threshold (`--ttq_threshold`), per run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRECISIONS = ("float32", "mixed_bfloat16")
VARIANTS = ("wgan-gp", "nsgan")


def run_one(variant, precision, seed, steps, eval_every, data_dir, workdir):
    """One training and evaluation, in this process; returns the result row."""
    import keras

    from ganzoo import configs
    from ganzoo.evaluate import evaluate
    from ganzoo.saving import latest_checkpoint, load_model
    from ganzoo.training import train_and_evaluate

    config = configs.load_zoo_config(variant, "mnist28")
    config.unlock()
    config.update(steps=steps, seed=seed, mixed_precision=precision, data_dir=data_dir, eval_every=eval_every,
                  log_every=eval_every, sample_every=steps, checkpoint_every=min(500, steps), verbose=0,
                  tensorboard=False)
    config.lock()
    started = time.time()
    metrics = train_and_evaluate(config, workdir)
    wall = time.time() - started
    keras.config.set_dtype_policy("float32")  # samples scored in float32 either way: the weights are float32
    model = load_model(latest_checkpoint(workdir)[1])
    scores = evaluate(model, "mnist", data_dir=data_dir, metrics=("modes", "fid"), num_samples=2000, seed=0)
    log = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl")) if line.strip()]
    curve = [{"step": r["step"], "train_seconds": round(r["seconds"] - r.get("eval_seconds", 0.0), 2),
              "classifier_fid": r["classifier_fid"]} for r in log if "classifier_fid" in r]
    return {"variant": variant, "precision": precision, "seed": seed, "steps": steps,
            "steps_per_second": metrics["steps_per_second"], "wall_seconds": round(wall, 1),
            "fid": scores["fid"], "classifier_fid": scores["classifier_fid"],
            "class_coverage": scores.get("class_coverage"), "class_kl": scores.get("class_kl"),
            "curve": curve, "protocol": scores["protocol"]}


def summarise(rows, threshold):
    """Per variant and precision: mean ± sd over seeds, the parity verdict and time to quality."""
    summary = {}
    for variant in VARIANTS:
        entry = {}
        for precision in PRECISIONS:
            mine = [r for r in rows if r["variant"] == variant and r["precision"] == precision]
            if not mine:
                continue
            values = {}
            for key in ("fid", "classifier_fid", "steps_per_second"):
                xs = [r[key] for r in mine]
                values[key] = {"mean": statistics.mean(xs), "sd": statistics.stdev(xs) if len(xs) > 1 else None,
                               "values": xs}
            reached = [next((p["train_seconds"] for p in r["curve"] if p["classifier_fid"] <= threshold), None)
                       for r in mine]
            values["seconds_to_threshold"] = reached
            values["n"] = len(mine)
            entry[precision] = values
        if len(entry) == 2 and entry["float32"]["n"] > 1 and entry["mixed_bfloat16"]["n"] > 1:
            f32, b16 = entry["float32"]["fid"], entry["mixed_bfloat16"]["fid"]
            spread = max(f32["sd"], b16["sd"])
            entry["fid_difference"] = b16["mean"] - f32["mean"]
            entry["within_spread"] = abs(entry["fid_difference"]) <= spread
        summary[variant] = entry
    return summary


def write_markdown(results, path):
    lines = ["# bfloat16 against float32: quality at equal steps (MNIST, zoo recipes)", "",
             f"Command: `{results['command']}`. CPU: {results['cpu']}.", "",
             f"Inception FID: {results['protocol']}", "",
             "| variant | steps | precision | n | FID-2k mean ± sd | classifier-FID mean ± sd | steps/s | "
             f"train s to classifier-FID ≤ {results['ttq_threshold']:g} (per seed) |",
             "|---|---|---|---|---|---|---|---|"]
    for variant, entry in results["summary"].items():
        for precision in PRECISIONS:
            if precision not in entry:
                continue
            v = entry[precision]

            def ms(d, digits=2):
                return f"{d['mean']:.{digits}f} ± {d['sd']:.{digits}f}" if d["sd"] is not None else f"{d['mean']:.{digits}f}"
            reached = ", ".join("not reached" if s is None else f"{s:.0f}" for s in v["seconds_to_threshold"])
            steps = next(r["steps"] for r in results["runs"] if r["variant"] == variant)
            lines.append(f"| {variant} | {steps} | {precision} | {v['n']} | {ms(v['fid'])} | "
                         f"{ms(v['classifier_fid'])} | {ms(v['steps_per_second'], 1)} | {reached} |")
        if "within_spread" in entry:
            lines.append(f"| {variant} | | bf16 − fp32 | | {entry['fid_difference']:+.2f} "
                         f"({'within' if entry['within_spread'] else 'outside'} the seed-to-seed sd) | | | |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_dir", required=True)
    parser.add_argument("--steps_wgan_gp", type=int, default=2000)
    parser.add_argument("--steps_nsgan", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--eval_every", type=int, default=250)
    parser.add_argument("--ttq_threshold", type=float, default=None,
                        help="classifier-FID of the time to quality (default: the worst final one of any run)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "bf16_parity"))
    parser.add_argument("--runs", default=os.path.join(ROOT, "..", "runs", "bf16_parity"))
    parser.add_argument("--report_only", action="store_true", help="write results.md from results.json, train nothing")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # worker: variant,precision,seed,steps
    args = parser.parse_args()
    if args.one:
        variant, precision, seed, steps = args.one.split(",")
        workdir = os.path.join(args.runs, f"{variant}_{precision}_s{seed}")
        row = run_one(variant, precision, int(seed), int(steps), args.eval_every, args.data_dir, workdir)
        print("RESULT " + json.dumps(row), flush=True)
        return
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {"runs": []}
    steps = {"wgan-gp": args.steps_wgan_gp, "nsgan": args.steps_nsgan}
    for seed in range(0 if args.report_only else args.seeds):
        for variant in VARIANTS:
            for precision in PRECISIONS if seed % 2 == 0 else PRECISIONS[::-1]:
                done = [r for r in results["runs"] if (r["variant"], r["precision"], r["seed"], r["steps"]) ==
                        (variant, precision, seed, steps[variant])]
                if done:
                    continue
                print(f"{variant} {precision} seed {seed}: {steps[variant]} steps", flush=True)
                out = subprocess.run([sys.executable, __file__, f"--one={variant},{precision},{seed},{steps[variant]}",
                                      f"--data_dir={args.data_dir}", f"--runs={args.runs}",
                                      f"--eval_every={args.eval_every}"], capture_output=True, text=True)
                line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
                if line is None:
                    sys.exit(f"run failed:\n{out.stderr[-3000:]}")
                row = json.loads(line[len("RESULT "):])
                print(f"  FID-2k {row['fid']:.2f}, classifier-FID {row['classifier_fid']:.3f}, "
                      f"{row['steps_per_second']} steps/s", flush=True)
                results["runs"].append(row)
                with open(path, "w") as f:
                    json.dump(results, f, indent=2)
    rows = results["runs"]
    threshold = args.ttq_threshold
    if threshold is None:
        threshold = max(r["classifier_fid"] for r in rows)
    import platform

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    flags = open("/proc/cpuinfo").read()
    cpu += " (" + ", ".join(f for f in ("amx_bf16", "avx512_bf16") if f in flags) + ")"
    results.update(command="python benchmarks/bf16_parity.py " + " ".join(sys.argv[1:]), cpu=cpu,
                   ttq_threshold=threshold, protocol=rows[0]["protocol"].get("features", ""),
                   summary=summarise(rows, threshold))
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    write_markdown(results, os.path.join(args.out, "results.md"))
    print(open(os.path.join(args.out, "results.md")).read())


if __name__ == "__main__":
    main()
