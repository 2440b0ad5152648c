"""Train-step throughput of ganzoo variants against plain Keras and PyTorch loops on the same nets.

Usage:
    python benchmarks/throughput.py --quick     # wgan-gp, nsgan on both nets; sized for < 3 minutes on 2 idle cores
    python benchmarks/throughput.py             # every variant: results.json, throughput.png, BENCHMARKS.md
    python benchmarks/throughput.py --variants=wgan-gp --nets=toy --repeats=1 --steps=3 --out=/tmp/tp

For each (variant, net) three worker processes are started one after the
other: ganzoo (`model.fit`), baseline_keras (the variant's own plain Keras
loop: benchmarks/baselines/keras_variants.py, keras_wgan_gp.py) and
baseline_torch (benchmarks/baselines/torch_wgan_gp.py, skipped when torch is
not installed). Each builds its model, trains one step
(timed: time to first trained step), then a warm-up of --steps steps and one
warm-up sampling call. Then, for every repeat, the parent asks them in turn
(ganzoo, keras, torch) to train --steps steps and then to sample 1,000 images,
so drift in machine load hits all three alike (the order rotates every repeat,
with a 1 s pause before each measurement); medians and min-max over repeats
are reported, and the ganzoo/baseline ratios are per repeat (paired).

baseline_keras runs every variant's own algorithm (its losses, penalty,
clipping, critic) in the keras.io guides' style on fresh networks from
ganzoo's builders. baseline_torch exists for the WGAN-GP and NS-GAN loops
only: a variant with a discriminator penalty (wgan-gp, wgan-ct, dragan: double
backprop) is compared with the PyTorch WGAN-GP loop, the others with the
NS-GAN loop, with the variant's n_critic and critic normalisation on default
networks; only wgan-gp and nsgan are the same algorithm as that loop.

Peak RSS is `ru_maxrss` of each worker; the parent imports neither TensorFlow
nor PyTorch (nor numpy) while workers run, because a child's `ru_maxrss`
starts from the parent's resident size at fork/exec.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = ["gan", "nsgan", "lsgan", "wgan", "wgan-gp", "wgan-ct", "dragan", "sngan", "ebgan", "loss-sensitive"]
# Variants whose loop is the same algorithm as baseline_torch's (baseline_keras: every variant).
SAME_ALGORITHM = {"wgan-gp", "nsgan"}
NETS = {
    "dcgan28": {"data_shape": [28, 28, 1], "batch": 64, "steps": 20, "quick_steps": 3},
    "toy": {"data_shape": [2], "batch": 128, "steps": 200, "quick_steps": 30},
    # the shipped presets' nets (ganzoo.configs.SMALL_NETS, SMALL_LATENT)
    "small28": {"data_shape": [28, 28, 1], "batch": 64, "steps": 40, "quick_steps": 5, "latent_dim": 64,
                "generator_widths": [64, 32], "discriminator_widths": [32, 64]},
    "toy256": {"data_shape": [2], "batch": 128, "steps": 200, "quick_steps": 30,
               "generator_widths": [256, 256, 256], "discriminator_widths": [256, 256, 256]},
}
NET_OPTIONS = ("latent_dim", "generator_widths", "discriminator_widths")
# --precisions: "float32", and "bfloat16" = Keras' mixed_bfloat16 policy / torch.autocast("cpu", torch.bfloat16)
PRECISIONS = ("float32", "bfloat16")
FRAMEWORKS = ["ganzoo", "keras", "torch"]


def worker_key(framework, precision):
    """'ganzoo', 'keras', 'torch' for float32 (the keys of every earlier report); '<framework>_bf16' for bfloat16."""
    return framework if precision == "float32" else f"{framework}_bf16"
SAMPLES = 1000
DATA_BATCHES = 16  # distinct in-memory batches, cycled
PAUSE_S = 1.0  # idle time before each measurement


# ---------------------------------------------------------------------------- workers


def make_data(spec):
    """float32 array (DATA_BATCHES, batch, *data_shape): ring8 points, or uniform [-1, 1] images.

    Random images cost the same per step as real ones; toy.py is loaded by
    path because importing the ganzoo package would load TensorFlow into the
    PyTorch worker.
    """
    import importlib.util

    import numpy as np

    count = DATA_BATCHES * spec["batch"]
    if len(spec["data_shape"]) == 1:
        module_spec = importlib.util.spec_from_file_location("toy", os.path.join(ROOT, "ganzoo", "data", "toy.py"))
        toy = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(toy)
        x = toy.toy("ring8", count, seed=0)
    else:
        x = np.random.default_rng(0).uniform(-1.0, 1.0, (count, *spec["data_shape"])).astype("float32")
    return x.reshape(DATA_BATCHES, spec["batch"], *spec["data_shape"])


def tf_dataset(spec):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(make_data(spec)).repeat().prefetch(tf.data.AUTOTUNE)


def op_flops(op):
    """FLOPs (2 per multiply-add) of a MatMul / BatchMatMul / Conv2D[Backprop*] op from its static shapes."""
    if op.type == "MatMul":
        a, b = op.inputs[0].shape, op.inputs[1].shape
        m, k = (a[1], a[0]) if op.get_attr("transpose_a") else (a[0], a[1])
        n = b[0] if op.get_attr("transpose_b") else b[1]
        return 2 * m * k * n
    if op.type.startswith("BatchMatMul"):
        a = op.inputs[0].shape
        k = a[-2] if op.get_attr("adj_x") else a[-1]
        return 2 * op.outputs[0].shape.num_elements() * k
    # Every conv op and its gradients do (forward output size) x (kernel volume) multiply-adds.
    if op.type == "Conv2D":
        return 2 * op.outputs[0].shape.num_elements() * op.inputs[1].shape[:3].num_elements()
    if op.type == "Conv2DBackpropInput":
        return 2 * op.inputs[2].shape.num_elements() * op.inputs[1].shape[:3].num_elements()
    if op.type == "Conv2DBackpropFilter":
        return 2 * op.inputs[2].shape.num_elements() * op.outputs[0].shape[:3].num_elements()
    return 0


def live_ops(graph):
    """The ops a tf.function runs: ancestors of its outputs and of its stateful ops.

    TF prunes the rest before running; a tape records more than it needs
    (e.g. generator gradients when the generator runs inside the critic's
    tape), so counting every traced op would over-count.
    """
    stack = [t.op for t in graph.outputs] + [op for op in graph.get_operations() if op.op_def.is_stateful]
    live = set()
    while stack:
        op = stack.pop()
        if op not in live:
            live.add(op)
            stack.extend(t.op for t in op.inputs)
            stack.extend(op.control_inputs)
    return live


def traced_flops(train_step, spec):
    """FLOPs of one train step, summed over the matmul/conv ops its traced TF graph runs.

    Elementwise ops, normalisation and optimizer updates are left out (a few %
    here); the batch is fixed so every shape is static.
    """
    import tensorflow as tf

    signature = tf.TensorSpec((spec["batch"], *spec["data_shape"]), tf.float32)
    graph = tf.function(train_step, autograph=False).get_concrete_function(signature).graph  # as Keras traces it
    return sum(op_flops(op) for op in live_ops(graph))


def net_options(spec):
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.items() if k in NET_OPTIONS}


def _set_precision(spec):
    import keras

    keras.config.set_dtype_policy("mixed_bfloat16" if spec.get("precision") == "bfloat16" else "float32")


class _KerasFitRunner:
    """Trains `self.model` (a keras.Model with its own train_step) with `fit` on the in-memory batches."""

    def __init__(self, spec, model):
        self.spec = spec
        self.model = model
        self.dataset = tf_dataset(spec)
        self.info = {}

    def train(self, steps):
        """Trains `steps` steps in one `fit`; returns seconds from the first step's start to the last one's end.

        Timed by callbacks, not around `fit`: at the end of every `fit` Keras tears
        down its tf.data iterator, which here waited up to 0.4 s (the total snapping
        to multiples of ~2.55 s), a per-call cost that a real run pays once and a
        20-step timing would pay every repeat.
        """
        import keras

        marks = []

        class Marks(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                if batch == 0:
                    marks.append(time.perf_counter())

            def on_train_batch_end(self, batch, logs=None):
                if batch == steps - 1:
                    marks.append(time.perf_counter())

        self.model.fit(self.dataset, steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0, callbacks=[Marks()])
        return marks[1] - marks[0]

    def flops_per_step(self):
        return traced_flops(self.model.train_step, self.spec)

    def versions(self):
        import ganzoo
        import keras
        import tensorflow as tf

        return {"ganzoo": ganzoo.__version__, "tensorflow": tf.__version__, "keras": keras.__version__}


class GanzooRunner(_KerasFitRunner):
    def __init__(self, spec):
        import ganzoo
        from ganzoo.models.base import BaseGAN

        _set_precision(spec)
        model = ganzoo.models.build(spec["variant"], spec["data_shape"], seed=0, **net_options(spec))
        model.compile()
        super().__init__(spec, model)
        # read from the built critic: toy critics drop the variant's batch norm
        layer_types = {type(layer).__name__ for layer in model.discriminator.layers}
        normalization = next(
            (name for name, layer in [("spectral", "SpectralNormalization"), ("layer", "LayerNormalization"),
                                      ("batch", "BatchNormalization")] if layer in layer_types),
            "none",
        )
        has_penalty = type(model).discriminator_penalty is not BaseGAN.discriminator_penalty
        self.info = {
            "n_critic": model.n_critic,
            "latent_dim": model.latent_dim,
            "normalization": normalization,
            "baseline": "wgan-gp" if has_penalty else "nsgan",
        }

    def sample(self, n):
        self.model.generate(n, seed=0)


class KerasRunner(_KerasFitRunner):
    def __init__(self, spec):
        from baselines import keras_variants

        _set_precision(spec)
        options = {k: v for k, v in net_options(spec).items() if k != "latent_dim"}
        super().__init__(spec, keras_variants.build(spec["variant"], spec["data_shape"], latent_dim=spec["latent_dim"],
                                                    **options))

    def sample(self, n):
        import numpy as np

        z = np.random.default_rng(0).standard_normal((n, self.spec["latent_dim"])).astype("float32")
        self.model.generator.predict(z, batch_size=n, verbose=0)


class TorchRunner:
    def __init__(self, spec):
        import torch
        from baselines import torch_wgan_gp

        options = {k: v for k, v in net_options(spec).items() if k != "latent_dim"}
        self.model = torch_wgan_gp.build(
            spec["baseline"], spec["data_shape"], latent_dim=spec["latent_dim"],
            n_critic=spec["n_critic"], normalization=spec["normalization"], **options,
        )
        # bfloat16: autocast, as PyTorch's CPU mixed precision is used (weights and optimizer float32)
        self.autocast = spec.get("precision") == "bfloat16"
        data = torch.from_numpy(make_data(spec))
        self.batches = data.permute(0, 1, 4, 2, 3).contiguous() if data.dim() == 5 else data  # NHWC -> NCHW
        self.next_batch = 0
        self.info = {}

    def _context(self):
        import contextlib

        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16) if self.autocast else contextlib.nullcontext()

    def train(self, steps):
        for _ in range(steps):
            with self._context():
                self.model.train_step(self.batches[self.next_batch % DATA_BATCHES])
            self.next_batch += 1

    def sample(self, n):
        with self._context():
            self.model.sample(n)

    def flops_per_step(self):
        return None  # baseline_keras' count is used where the algorithm is the same (wgan-gp, nsgan)

    def versions(self):
        import torch

        return {"torch": torch.__version__}


RUNNERS = {"ganzoo": GanzooRunner, "keras": KerasRunner, "torch": TorchRunner}


def import_framework(framework):
    """Loads the heavy modules, so that their import time is not counted as set-up."""
    if framework == "torch":
        import torch  # noqa: F401
    else:
        import ganzoo  # noqa: F401
        import tensorflow  # noqa: F401


def worker(spec):
    """Serves the parent: one JSON line per command on stdin, one JSON reply per line on the original stdout."""
    # Library output (TF warnings, prints) must not corrupt the protocol: fd 1 now goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def reply(message):
        protocol.write(json.dumps(message) + "\n")

    try:
        start = time.perf_counter()
        import_framework(spec["framework"])
        imported = time.perf_counter()
        runner = RUNNERS[spec["framework"]](spec)
        runner.train(1)
        first_step = time.perf_counter()
        runner.train(spec["steps"])
        runner.sample(SAMPLES)
    except ImportError as error:
        reply({"error": f"import failed: {error}"})
        return
    except Exception:  # noqa: BLE001 -- reported to the parent, which skips this framework
        reply({"error": traceback.format_exc(limit=-3)})
        return
    reply({"import_s": imported - start, "first_step_s": first_step - imported, **runner.info})

    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "finish":
            # read before counting FLOPs: that trace is not part of training
            peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            reply({"peak_rss_mib": peak_rss_mib, "flops_per_step": runner.flops_per_step(), "versions": runner.versions()})
            return
        start = time.perf_counter()
        if command["do"] == "train":
            seconds = runner.train(spec["steps"])  # Keras runners time their steps themselves
        else:
            seconds = runner.sample(SAMPLES)
        reply({"seconds": time.perf_counter() - start if seconds is None else seconds})


# ----------------------------------------------------------------------------- parent


class Worker:
    def __init__(self, spec):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.ready = self.receive()

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            return {"error": f"worker exited with status {self.process.returncode} (see stderr)"}
        return json.loads(line)

    def ask(self, do):
        self.process.stdin.write(json.dumps({"do": do}) + "\n")
        self.process.stdin.flush()
        message = self.receive()
        if "error" in message:
            raise RuntimeError(message["error"])
        return message

    def finish(self):
        message = self.ask("finish")
        self.process.wait()
        return message


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def run_case(variant, net, steps, repeats, torch_skip, precisions=("float32",), baselines=("keras", "torch")):
    """Measures one (variant, net) in fresh workers, a worker per framework and precision (all
    interleaved); returns its results entry and the torch skip reason."""
    batch = NETS[net]["batch"]
    spec = {"variant": variant, "net": net, "data_shape": NETS[net]["data_shape"], "batch": batch, "steps": steps,
            **{k: NETS[net][k] for k in NET_OPTIONS if k in NETS[net]}}
    workers = {}
    info = None
    for precision in precisions:
        ganzoo = Worker({**spec, "framework": "ganzoo", "precision": precision})
        if "error" in ganzoo.ready:
            raise RuntimeError(f"ganzoo {precision} worker for {variant}/{net} failed: {ganzoo.ready['error']}")
        workers[worker_key("ganzoo", precision)] = ganzoo
        info = info or {key: ganzoo.ready[key] for key in ("n_critic", "latent_dim", "normalization", "baseline")}
    for precision in precisions:
        for framework in baselines:
            if framework == "torch" and torch_skip:
                continue
            candidate = Worker({**spec, **info, "framework": framework, "precision": precision})
            if "error" in candidate.ready:
                print(f"  skipping baseline_{framework} {precision}: {candidate.ready['error'].strip()}", flush=True)
                if framework == "torch" and candidate.ready["error"].startswith("import failed"):
                    torch_skip = candidate.ready["error"]
                continue
            workers[worker_key(framework, precision)] = candidate

    seconds = {f: [] for f in workers}
    sample_seconds = {f: [] for f in workers}
    order = list(workers)
    for repeat in range(repeats):
        # Rotated, so no framework always runs right after the same other one; and a pause
        # before each measurement: a worker's thread pools may keep spinning after its
        # work (OpenMP's spin-wait), which would slow whoever runs next.
        rotated = order[repeat % len(order):] + order[:repeat % len(order)]
        for framework in rotated:
            time.sleep(PAUSE_S)
            seconds[framework].append(workers[framework].ask("train")["seconds"])
        for framework in rotated:
            time.sleep(PAUSE_S)
            sample_seconds[framework].append(workers[framework].ask("sample")["seconds"])
    finished = {framework: w.finish() for framework, w in workers.items()}

    results = {}
    for framework, w in workers.items():
        steps_per_s = [steps / s for s in seconds[framework]]
        flops = finished[framework]["flops_per_step"]
        keras_key = "keras_bf16" if framework.endswith("_bf16") else "keras"
        if flops is None and keras_key in finished and variant in SAME_ALGORITHM:
            flops = finished[keras_key]["flops_per_step"]
        results[framework] = {
            "steps_per_s": stats(steps_per_s),
            "images_per_s": stats([batch * info["n_critic"] * r for r in steps_per_s]),
            "sample_images_per_s": stats([SAMPLES / s for s in sample_seconds[framework]]),
            "import_s": w.ready["import_s"],
            "first_step_s": w.ready["first_step_s"],
            "peak_rss_mib": finished[framework]["peak_rss_mib"],
            "flops_per_step": flops,
            "gflops_per_s": None if flops is None else stats([flops * r / 1e9 for r in steps_per_s]),
            "versions": finished[framework]["versions"],
        }
    # ganzoo speed / baseline speed, paired within each repeat
    ratios = {
        f"{mine}/{framework}": {**stats([b / g for b, g in zip(seconds[framework], seconds[mine])]),
                                # fastest repeat against fastest repeat: the code's cost with the
                                # machine's slow spells (see BENCHMARKS.md) taken out of both
                                "best": min(seconds[framework]) / min(seconds[mine])}
        for mine in ("ganzoo", "ganzoo_bf16") if mine in workers
        # ganzoo_bf16/ganzoo is bfloat16's speed-up; ganzoo/ganzoo_bf16 would be its inverse
        for framework in workers if framework != mine and not (mine == "ganzoo" and framework == "ganzoo_bf16")
    }
    entry = {"variant": variant, "net": net, "batch": batch, "steps": steps, **info,
             "same_algorithm": variant in SAME_ALGORITHM, "frameworks": results, "ratios": ratios}
    return entry, torch_skip


def lscpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def machine(peak_override):
    """CPU description and its fp32 peak: physical cores x clock x FLOPs/cycle (per the ISA's widest FMA)."""
    info = lscpu()
    flags = set(info.get("Flags", "").split())
    sockets = int(info.get("Socket(s)", 1))
    cores = sockets * int(info.get("Core(s) per socket", 0)) or os.cpu_count()
    mhz = float(info.get("CPU max MHz", 0) or 0)
    mhz_source = "lscpu 'CPU max MHz'"
    if not mhz:
        with open("/proc/cpuinfo") as f:
            mhz = next((float(line.split(":")[1]) for line in f if line.startswith("cpu MHz")), 0.0)
        mhz_source = "/proc/cpuinfo 'cpu MHz' (lscpu has no max MHz, as in most VMs; turbo unknown)"
    if "avx512f" in flags:
        per_cycle, why = 64, "AVX-512: 16 fp32 lanes x 2 (FMA) x 2 FMA units (assumed; 1-unit SKUs have half)"
    elif {"avx2", "fma"} <= flags:
        per_cycle, why = 32, "AVX2: 8 fp32 lanes x 2 (FMA) x 2 FMA units"
    elif "avx" in flags:
        per_cycle, why = 16, "AVX: 8 fp32 lanes x (1 add + 1 mul)"
    else:
        per_cycle, why = 8, "SSE: 4 fp32 lanes x (1 add + 1 mul)"
    peak = cores * mhz / 1000 * per_cycle
    formula = f"{cores} cores x {mhz / 1000:.2f} GHz x {per_cycle} FLOP/cycle = {peak:.1f} GFLOP/s ({why}; clock from {mhz_source})"
    if peak_override:
        peak, formula = peak_override, f"{peak_override} GFLOP/s (--peak_gflops; computed would be: {formula})"
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 2**20
    return {
        "model_name": info.get("Model name", platform.processor()),
        "cpu_count": os.cpu_count(),
        "physical_cores": cores,
        "threads_per_core": info.get("Thread(s) per core"),
        "mhz": mhz,
        "hypervisor": info.get("Hypervisor vendor"),
        "isa": "avx512f" if "avx512f" in flags else ("avx2" if "avx2" in flags else "other"),
        "memory_gib": round(mem_gib, 1),
        "peak_gflops": peak,
        "peak_formula": formula,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


MATMUL_N = 2048


def matmul_peaks():
    """Measured GFLOP/s of a 2048 x 2048 matmul in TensorFlow, float32 and bfloat16: what the matrix units give.

    Run in a fresh worker; the best of 5 timings of 10 matmuls each, after a warm-up.
    """
    code = f"""
import json, time
import tensorflow as tf
out = {{}}
for dtype in (tf.float32, tf.bfloat16):
    a = tf.cast(tf.random.normal(({MATMUL_N}, {MATMUL_N})), dtype)
    f = tf.function(lambda a: tf.matmul(a, a))
    f(a).numpy()
    best = 1e9
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            r = f(a)
        r.numpy()
        best = min(best, (time.perf_counter() - start) / 10)
    out[dtype.name] = 2 * {MATMUL_N} ** 3 / best / 1e9
print(json.dumps(out))
"""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return json.loads(line) if line.startswith("{") else {"error": out.stderr[-500:]}


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def fmt(s, digits=0):
    return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def print_case(entry, peak):
    print(f"{entry['variant']}/{entry['net']}: batch {entry['batch']}, n_critic {entry['n_critic']}, "
          f"torch baseline {entry['baseline']} (D norm {entry['normalization']})", flush=True)
    for framework, r in entry["frameworks"].items():
        flops = r["gflops_per_s"]
        achieved = "" if flops is None else f", {flops['median']:.1f} GFLOP/s ({100 * flops['median'] / peak:.0f}% of peak)"
        print(f"  {framework:7s} {fmt(r['steps_per_s'], 2)} steps/s, {fmt(r['images_per_s'])} img/s through D, "
              f"sampling {fmt(r['sample_images_per_s'])} img/s, first step {r['first_step_s']:.1f} s, "
              f"peak RSS {r['peak_rss_mib']:.0f} MiB{achieved}", flush=True)
    for name, s in entry["ratios"].items():
        print(f"  {name}: {fmt(s, 2)}; best {s['best']:.2f}", flush=True)


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nets = [n for n in NETS if any(e["net"] == n for e in results["cases"])]
    colors = {"ganzoo": "tab:blue", "keras": "tab:orange", "torch": "tab:green"}
    fig, axes = plt.subplots(len(nets), 1, figsize=(11, 3.6 * len(nets)), squeeze=False)
    for ax, net in zip(axes[:, 0], nets):
        cases = [e for e in results["cases"] if e["net"] == net]
        present = [f for f in FRAMEWORKS if any(f in e["frameworks"] for e in cases)]
        width = 0.8 / len(present)
        for i, framework in enumerate(present):
            xs, heights, errors = [], [], [[], []]
            for j, e in enumerate(cases):
                if framework in e["frameworks"]:
                    s = e["frameworks"][framework]["images_per_s"]
                    xs.append(j + (i - (len(present) - 1) / 2) * width)
                    heights.append(s["median"])
                    errors[0].append(s["median"] - s["min"])
                    errors[1].append(s["max"] - s["median"])
            label = framework if framework == "ganzoo" else f"baseline_{framework}"
            ax.bar(xs, heights, width, yerr=errors, capsize=2, color=colors[framework], label=label)
        ax.set_xticks(range(len(cases)))
        ax.set_xticklabels([f"{e['variant']}\n(torch: {e['baseline']})" for e in cases], fontsize=8)
        ax.set_ylabel("real images/s through D")
        ax.set_title(f"{net}, batch {cases[0]['batch']}: median, bars min-max over {results['config']['repeats']} repeats", fontsize=9)
        ax.legend(fontsize=8)
    fig.suptitle(f"{results['machine']['model_name']}, {results['machine']['cpu_count']} CPUs", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


BASELINES_TEXT = """\
**baseline_keras**: every variant's own algorithm as a plain Keras 3 `keras.Model` written from the
keras.io guides. wgan-gp (`benchmarks/baselines/keras_wgan_gp.py`) is the "WGAN-GP overriding
`Model.train_step`" guide's loop: `tf.GradientTape`, a Python `for` loop over the critic steps, the
generator's forward pass inside the critic's tape and the gradient penalty in a nested tape, with
alpha ~ U[0, 1] per example (the guide draws N(0, 1)); λ = 10, Adam(1e-4, 0, 0.9); nsgan is the same
skeleton with `BinaryCrossentropy(from_logits=True)` and Adam(2e-4, 0.5). The other variants
(`benchmarks/baselines/keras_variants.py`) are that skeleton with the lines their paper changes,
written in TensorFlow without ganzoo's losses or penalties: the minimax loss, least squares, hinge
(sngan, on spectrally normalised critics), WGAN's clipping of every critic weight after each update,
DRAGAN's penalty at perturbed real points, CT-GAN's consistency term on two dropout passes of the
critic (added to the guide's WGAN-GP penalty), EBGAN's energy margin and pull-away term on the
autoencoder critic, the loss-sensitive margin with L = softplus(D). Optimizers and n_critic are the
papers' (the same as ganzoo's defaults). Networks: fresh copies built by ganzoo's builders for the
variant (`from_data_shape`: same widths, normalisation, dropout, autoencoder critic); trained with
`fit` on the same dataset. So ganzoo/keras is ganzoo's loop against the same algorithm written by
hand, for every variant.

**baseline_torch** (`benchmarks/baselines/torch_wgan_gp.py`): PyTorch eager, the same nets rebuilt
layer by layer (widths read from `ganzoo.networks.DCGAN_SPECS`; 4x4 stride-2 convs with padding 1 =
Keras' "same" sizes; Keras' BN/LN epsilons and momentum), default threading. WGAN-GP as in common
PyTorch code: fakes under `no_grad` for the critic, `autograd.grad(create_graph=True)` for the
penalty, critic frozen (`requires_grad_(False)`) during the generator update. NS-GAN with
`binary_cross_entropy_with_logits`. Only these two loops exist in PyTorch here: variants with a
discriminator penalty (wgan-gp, wgan-ct, dragan) are compared with the WGAN-GP loop, the others with
the NS-GAN loop, with the variant's n_critic and critic normalisation. Only wgan-gp and nsgan (marked
✓) run the same algorithm as their torch baseline; for the others ganzoo/torch includes the cost of
what the variant adds (WGAN's clipping, wgan-ct's dropout passes and consistency term, EBGAN's
autoencoder critic, ...) and is shown for scale, not as a like-for-like ratio."""


def precision_section(results):
    """The bfloat16 table: every framework in both precisions, the speed-ups, and the share of the measured peaks."""
    if "bfloat16" not in results["config"].get("precisions", ()):
        return []
    peaks = results["machine"].get("matmul_gflops", {})
    lines = [
        "",
        "## bfloat16",
        "",
        f"The same cases in both precisions, all six workers interleaved in one run: Keras' `mixed_bfloat16` "
        "policy (float32 weights and optimizer, bfloat16 compute; ganzoo and baseline_keras) and "
        "`torch.autocast(\"cpu\", dtype=torch.bfloat16)` around each PyTorch step and sampling call. "
        f"Measured {MATMUL_N}² matmul in TensorFlow: {peaks.get('float32', float('nan')):.0f} GFLOP/s float32, "
        f"{peaks.get('bfloat16', float('nan')):.0f} GFLOP/s bfloat16 (CPU flags: "
        f"{', '.join(results['machine'].get('bf16_flags', [])) or 'none'}). Columns: real images/s through D, median "
        "over repeats; ratios paired per repeat (median); 'vs faster torch' is ganzoo bf16 against the faster of "
        "PyTorch float32 and PyTorch bf16 in each repeat; GFLOP/s share: the run's FLOPs per step x steps/s "
        "against the measured matmul peak of its precision.",
        "",
        "| variant | net | ganzoo fp32 | ganzoo bf16 | bf16 / fp32 | keras fp32 | keras bf16 | torch fp32 | torch bf16 "
        "| ganzoo bf16 vs faster torch | ganzoo fp32 GFLOP/s (% fp32 matmul) | ganzoo bf16 GFLOP/s (% bf16 matmul) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in results["cases"]:
        f, r = e["frameworks"], e["ratios"]
        if "ganzoo_bf16" not in f:
            continue

        def img(name):
            return f"{f[name]['images_per_s']['median']:.0f}" if name in f else "n/a"

        def share(name, precision):
            g = f.get(name, {}).get("gflops_per_s")
            if not g or precision not in peaks:
                return "n/a"
            return f"{g['median']:.0f} ({100 * g['median'] / peaks[precision]:.0f}%)"

        torch_keys = [k for k in ("torch", "torch_bf16") if k in f]
        if torch_keys:
            mine = f["ganzoo_bf16"]["steps_per_s"]["values"]
            best_torch = [max(f[k]["steps_per_s"]["values"][i] for k in torch_keys) for i in range(len(mine))]
            vs_torch = f"{statistics.median(m / t for m, t in zip(mine, best_torch)):.2f}"
        else:
            vs_torch = "n/a"
        speedup = r.get("ganzoo_bf16/ganzoo")
        lines.append(
            f"| {e['variant']} | {e['net']} | {img('ganzoo')} | {img('ganzoo_bf16')} | "
            f"{'n/a' if speedup is None else format(speedup['median'], '.2f')} | {img('keras')} | {img('keras_bf16')} | "
            f"{img('torch')} | {img('torch_bf16')} | {vs_torch} | {share('ganzoo', 'float32')} | "
            f"{share('ganzoo_bf16', 'bfloat16')} |")
    return lines


def write_report(results, path, png_path, command):
    m, c = results["machine"], results["config"]
    versions = {}
    for e in results["cases"]:
        for r in e["frameworks"].values():
            versions.update(r["versions"])
    rel_png = os.path.relpath(png_path, os.path.dirname(os.path.abspath(path)))
    lines = [
        "# Throughput benchmarks",
        "",
        f"Generated by `benchmarks/throughput.py` on {results['date']}: `{command}`.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['model_name']}, {m['physical_cores']} physical cores, {m['cpu_count']} logical CPUs "
        f"(`os.cpu_count()`), {m['mhz']:.0f} MHz, {m['isa']}, hypervisor: {m['hypervisor'] or 'none'}; "
        f"{m['memory_gib']} GiB RAM; {m['platform']}, Python {m['python']}.",
        f"- fp32 peak: {m['peak_formula']}.",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in sorted(versions.items()))}"
        + (f"; baseline_torch skipped: {results['torch_skipped']}." if results["torch_skipped"] else "."),
        f"- Load average (1, 5, 15 min) before: {results['loadavg_before']}, after: {results['loadavg_after']}."
        + (" **The machine was noisy** (1-min load > 0.5 x CPUs before starting): absolute numbers are low "
           "and spread is wide, and ratios are affected too, since the frameworks' thread pools react "
           "differently to competing load." if results["noisy"] else ""),
        "- Threading: framework defaults (nothing set).",
        "",
        "## Training throughput",
        "",
        f"Real images per second through the discriminator (= batch x n_critic x train steps/s), median "
        f"[min-max] over {c['repeats']} repeats of {c['steps_desc']}; ratios are ganzoo/baseline per "
        "repeat (paired), > 1 means ganzoo is faster; 'best' is fastest repeat over fastest repeat. GFLOP/s: ganzoo's FLOPs per step x its steps/s, and the "
        "share of the fp32 peak.",
        "",
        "| variant | net | n_critic | torch baseline (D norm) | ganzoo img/s | keras img/s | torch img/s | ganzoo/keras | ganzoo/torch | GFLOP/step (ganzoo / baseline) | ganzoo GFLOP/s (% peak) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in results["cases"]:
        f, r = e["frameworks"], e["ratios"]

        def cell(name):
            return fmt(f[name]["images_per_s"]) if name in f else "n/a"

        def ratio(name):
            return f"{fmt(r[name], 2)}; best {r[name]['best']:.2f}" if name in r else "n/a"

        baseline_flops = f.get("keras", {}).get("flops_per_step")
        gflops = f["ganzoo"]["gflops_per_s"]
        lines.append(
            f"| {e['variant']} | {e['net']} | {e['n_critic']} | {e['baseline']}{' ✓' if e['same_algorithm'] else ''} "
            f"({e['normalization']}) | {cell('ganzoo')} | {cell('keras')} | {cell('torch')} | {ratio('ganzoo/keras')} | "
            f"{ratio('ganzoo/torch')} | {f['ganzoo']['flops_per_step'] / 1e9:.2f} / "
            f"{'n/a' if baseline_flops is None else format(baseline_flops / 1e9, '.2f')} | "
            f"{gflops['median']:.1f} ({100 * gflops['median'] / m['peak_gflops']:.0f}%) |"
        )
    lines += precision_section(results)
    lines += [
        "",
        f"![throughput]({rel_png})",
        "",
        "## Sampling, start-up and memory",
        "",
        f"Sampling: images/s of one batch of {SAMPLES} (ganzoo `model.generate({SAMPLES})`, Keras "
        f"`generator.predict(z, batch_size={SAMPLES})`, PyTorch `generator(z)` under `no_grad` in eval "
        "mode), latent draw included. First step: build + compile + first trained step, after the "
        "framework's import (import time in results.json). Peak RSS: `ru_maxrss` of the worker process.",
        "",
        "| variant | net | sampling img/s ganzoo / keras / torch | first step s ganzoo / keras / torch | peak RSS MiB ganzoo / keras / torch |",
        "|---|---|---|---|---|",
    ]
    for e in results["cases"]:
        f = e["frameworks"]

        def triple(key, digits, median=False):
            return " / ".join(
                ("n/a" if name not in f else
                 f"{f[name][key]['median']:.{digits}f}" if median else f"{f[name][key]:.{digits}f}")
                for name in FRAMEWORKS
            )

        lines.append(f"| {e['variant']} | {e['net']} | {triple('sample_images_per_s', 0, True)} | "
                     f"{triple('first_step_s', 1)} | {triple('peak_rss_mib', 0)} |")
    lines += [
        "",
        "## Baselines",
        "",
        BASELINES_TEXT,
        "",
        "## Method",
        "",
        f"Data: {DATA_BATCHES} in-memory batches cycled: ring8 points for `toy` (MLP nets, 3 x 512 ReLU, "
        f"batch {NETS['toy']['batch']}), uniform [-1, 1] random images for `dcgan28` (DCGAN-28 nets, batch "
        f"{NETS['dcgan28']['batch']}); random images cost the same per step as real ones. Keras paths get a "
        "`tf.data` dataset of those batches (`repeat().prefetch()`), and one repeat is one `fit` of the "
        "given steps (ganzoo: `model.fit`, one step = n_critic critic updates + 1 generator update). Each "
        "framework runs in its own process, started one after another; after the first step and one "
        "warm-up `fit` of the same length, the repeats run interleaved, in an order rotated every repeat "
        "(ganzoo, keras, torch; keras, torch, ganzoo; ...) with a 1 s pause before each measurement, so a "
        "change in machine load hits all three alike and none always runs right after another's thread "
        "pools were busy. FLOPs per step: summed over the MatMul / Conv2D "
        "/ Conv2DBackpropInput / Conv2DBackpropFilter ops of `tf.function(model.train_step)` traced at the "
        "benchmark's batch and pruned as TF prunes a function (ops that neither feed an output nor a "
        "stateful op are not run); 2 FLOPs per multiply-add, from static shapes; elementwise ops, "
        "normalisation and optimizer updates not counted. A penalty's double backprop is thus counted as "
        "TF runs it.",
        "",
        f"Results: `{os.path.relpath(results['json_path'], os.path.dirname(os.path.abspath(path)))}`.",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="wgan-gp and nsgan, 3 repeats of a few steps")
    parser.add_argument("--variants", default=None, help="comma-separated, or 'all' (default: all; --quick: wgan-gp,nsgan)")
    parser.add_argument("--nets", default=",".join(NETS), help=f"comma-separated of {', '.join(NETS)}")
    parser.add_argument("--repeats", type=int, default=None, help="default 5; --quick: 3")
    parser.add_argument("--steps", type=int, default=None,
                        help="train steps per timed fit, all nets (default: " +
                             ", ".join(f"{n} {s['steps']}" for n, s in NETS.items()) + "; --quick: " +
                             ", ".join(f"{n} {s['quick_steps']}" for n, s in NETS.items()) + ")")
    parser.add_argument("--out", default=None,
                        help="results folder (default benchmarks/results/throughput; --quick: benchmarks/results/throughput_quick)")
    parser.add_argument("--report", default=None,
                        help="markdown report path (default: BENCHMARKS.md at the repo root; --quick: <out>/BENCHMARKS.md)")
    parser.add_argument("--peak_gflops", type=float, default=None, help="override the computed fp32 peak")
    parser.add_argument("--baselines", default="keras,torch", help="comma-separated of keras, torch, or 'none'")
    parser.add_argument("--precisions", default="float32",
                        help="comma-separated of float32, bfloat16 (mixed_bfloat16 in Keras, autocast in torch)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return

    variants = args.variants or ("wgan-gp,nsgan" if args.quick else "all")
    variants = VARIANTS if variants == "all" else variants.split(",")
    nets = args.nets.split(",")
    for name, known in ((variants, VARIANTS), (nets, list(NETS))):
        unknown = sorted(set(name) - set(known))
        if unknown:
            parser.error(f"unknown {unknown}; expected some of {known}")
    precisions = args.precisions.split(",")
    if sorted(set(precisions) - set(PRECISIONS)):
        parser.error(f"unknown precisions {precisions}; expected some of {PRECISIONS}")
    repeats = args.repeats or (3 if args.quick else 5)
    steps = {n: args.steps or NETS[n]["quick_steps" if args.quick else "steps"] for n in nets}
    out = args.out or os.path.join(ROOT, "benchmarks", "results", "throughput_quick" if args.quick else "throughput")
    report = args.report or (os.path.join(out, "BENCHMARKS.md") if args.quick else os.path.join(ROOT, "BENCHMARKS.md"))
    os.makedirs(out, exist_ok=True)

    info = machine(args.peak_gflops)
    info["matmul_gflops"] = matmul_peaks()
    flags = set(lscpu().get("Flags", "").split())
    info["bf16_flags"] = sorted(flags & {"amx_bf16", "amx_tile", "avx512_bf16"})
    print(f"measured {MATMUL_N}^2 matmul GFLOP/s: {info['matmul_gflops']}; bf16 flags {info['bf16_flags']}", flush=True)
    print(f"{info['model_name']}: {info['cpu_count']} CPUs; fp32 peak {info['peak_formula']}", flush=True)
    load_before = loadavg()
    noisy = load_before[0] > 0.5 * info["cpu_count"]
    if noisy:
        print(f"WARNING: machine was noisy: load average {load_before[0]} > 0.5 x {info['cpu_count']} CPUs "
              "before starting; timings will be low and spread wide.", flush=True)
    results = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "config": {"repeats": repeats, "steps": steps, "samples": SAMPLES, "precisions": precisions,
                   "steps_desc": ", ".join(f"{steps[n]} steps ({n})" for n in nets)},
        "machine": info,
        "loadavg_before": load_before,
        "noisy": noisy,
        "json_path": os.path.join(out, "results.json"),
        "cases": [],
    }
    started = time.time()
    torch_skip = None
    for net in nets:
        for variant in variants:
            entry, torch_skip = run_case(variant, net, steps[net], repeats, torch_skip, precisions,
                                         [] if args.baselines == "none" else args.baselines.split(","))
            print_case(entry, info["peak_gflops"])
            results["cases"].append(entry)
            results.update({
                "loadavg_after": loadavg(),
                "torch_skipped": torch_skip,
                "parent_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "wall_s": time.time() - started,
            })
            # written after every case so that an interrupted full run keeps what it measured
            with open(results["json_path"], "w") as f:
                json.dump(results, f, indent=1)
    if torch_skip:
        print(f"baseline_torch skipped: {torch_skip}", flush=True)
    png = os.path.join(out, "throughput.png")
    plot(results, png)
    write_report(results, report, png, "python " + " ".join([os.path.relpath(os.path.abspath(sys.argv[0]), ROOT), *sys.argv[1:]]))
    print(f"wrote {results['json_path']}, {png}, {report} in {results['wall_s']:.0f} s; "
          f"load average before {load_before}, after {results['loadavg_after']}", flush=True)


if __name__ == "__main__":
    main()
