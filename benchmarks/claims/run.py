"""The papers' claims, measured: one command per claim, a figure and a verdict each.

    python benchmarks/claims/run.py --claim=all --mnist_dir=../shared/data/mnist   # every claim, full size
    python benchmarks/claims/run.py --claim=3 --quick      # the CI form: small, same code path

Each claim module exposes NAME, SOURCE and run(quick, seed) -> {"verdict", "summary", "measured",
"panels"}; this writes <out>/claim<N>_<module>.png (ganzoo.plotting.save_curves) and .json, and
<out>/README.md, the table of every claim run so far (claim, source, measurement, verdict). A claim
that does not hold is reported as measured.
"""

import argparse
import importlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

# claim number -> module in this folder (issue 18's numbering)
CLAIMS = {1: "js_vs_wasserstein", 2: "vanishing_gradients", 3: "ls_vs_sigmoid", 4: "clipping_vs_penalty",
          5: "spectral_lipschitz", 6: "critic_progress", 7: "instance_noise",
          8: "pull_away", 9: "mismatched_negatives"}
# claims that read a local dataset, and the option naming it
NEEDS = {2: "mnist_dir", 6: "mnist_dir", 8: "mnist_dir", 9: "mnist_dir"}


def run_claim(number, out, quick=False, seed=0, **data):
    from ganzoo import plotting

    module = importlib.import_module(CLAIMS[number])
    started, cpu_started = time.time(), time.process_time()
    result = module.run(quick=quick, seed=seed, **({NEEDS[number]: data[NEEDS[number]]} if number in NEEDS else {}))
    stem = f"claim{number}_{CLAIMS[number]}"
    figure = os.path.join(out, stem + ".png")
    plotting.save_curves(result["panels"], figure, title=f"Claim {number}: {module.NAME} ({module.SOURCE})")
    record = {"claim": number, "name": module.NAME, "source": module.SOURCE, "verdict": result["verdict"],
              "summary": result["summary"], "measured": result["measured"], "quick": quick, "seed": seed,
              "seconds": round(time.time() - started, 1),
              # every thread of this process: on 2 cores up to twice the wall time, and unchanged by other load
              "cpu_seconds": round(time.process_time() - cpu_started, 1), "figure": os.path.basename(figure)}
    with open(os.path.join(out, stem + ".json"), "w") as f:
        json.dump(record, f, indent=1)
    return record


def write_table(out):
    cpu = lambda r: f" ({r['cpu_seconds']:.0f} s)" if "cpu_seconds" in r else ""  # noqa: E731 (older records: wall only)
    records = []
    for name in sorted(os.listdir(out)):
        if name.startswith("claim") and name.endswith(".json"):
            with open(os.path.join(out, name)) as f:
                records.append(json.load(f))
    records.sort(key=lambda r: r["claim"])
    lines = ["# The papers' claims, measured", "", "`python benchmarks/claims/run.py --claim=all` (each figure and "
             "its JSON beside this file).", "", "| claim | source | measured | verdict | wall time (CPU time) |",
             "|---|---|---|---|---:|"]
    for r in records:
        summary = r["summary"].replace("|", "\\|")  # |theta| inside a table cell
        lines.append(f"| [{r['claim']}. {r['name']}]({r['figure']}) | {r['source']} | {summary} | "
                     f"**{r['verdict']}** | {r['seconds']:.0f} s{cpu(r)}{' (quick)' if r['quick'] else ''} |")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claim", default="all", help="a claim number or 'all'")
    parser.add_argument("--quick", action="store_true", help="the small CI form")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "claims"))
    parser.add_argument("--mnist_dir", default=None, help="MNIST idx files (claims 2, 6, 8 and 9)")
    args = parser.parse_args(argv)
    if args.claim == "all":
        numbers = sorted(CLAIMS)
    elif args.claim.isdigit() and int(args.claim) in CLAIMS:
        numbers = [int(args.claim)]
    else:
        parser.error(f"--claim must be one of {sorted(CLAIMS)} or 'all', got {args.claim!r}")
    missing = [f"--{NEEDS[n]} (claim {n})" for n in numbers if n in NEEDS and not getattr(args, NEEDS[n])]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    os.makedirs(args.out, exist_ok=True)
    for number in numbers:
        record = run_claim(number, args.out, quick=args.quick, seed=args.seed, mnist_dir=args.mnist_dir)
        print(f"claim {number} ({record['name']}): {record['verdict']}: {record['summary']} [{record['seconds']} s]",
              flush=True)
    write_table(args.out)


if __name__ == "__main__":
    main()
