"""Run configs: `base_config(variant, dataset)` spells out every hyper-parameter of a run.

A config holds, resolved (no "0 means the default" values):
- `model`: every constructor option of the variant with the value that
  applies (its paper's defaults unless a config changes them: n_critic,
  penalty weights, EMA, instance noise, ...), and the network options
  (`generator_widths`, `discriminator_widths`, `normalization`, `dropout`,
  and EBGAN's `code_dim`);
- `d_optimizer`, `g_optimizer`: the optimizers with all their arguments
  (`class_name` plus Keras' `get_config()`), the variant's paper optimizers
  unless a config changes them;
- the data, budget, precision policy, logging and fault handling.

Zoo configs (`zoo_configs/`) call `base_config` and set what their recipe
prescribes; `zoo_configs/zoo.py:<variant>,<dataset>` is the zoo's recipe for a
variant that needs nothing else. `arg == "smoke"` shrinks a run to a few steps
(CI runs every config that way so none rots). `ganzoo-train` locks the result:
a misspelt key fails at once. A run writes the config it ran, resolved, to
`<workdir>/config.json`; `load("<workdir>/config.json")` gives it back, and
`ganzoo-train --config=<workdir>/config.json` reruns it.
"""

import importlib.util
import inspect
import json
import os

import keras
import ml_collections
import numpy as np
from ml_collections import config_dict

from ganzoo import models
from ganzoo.data import registry

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where zoo_configs/ sits in a checkout
PRECISION_POLICIES = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
LR_DECAYS = ("none", "linear")
# CPU flags of bfloat16 matrix units: AMX tiles (Intel Sapphire Rapids and later), AVX512-BF16 dot
# products (Intel Cooper Lake and later, AMD Zen 4 and later).
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
# Generator steps when a dataset's budget differs from the default. cifar32:
# CIFAR-10 train (50k); offline, data_dir = a tar or folder with
# train/<class>/*.jpg (the shared CIFAR-10 copy is JPEG q75: say so next to any
# FID). celeba64: aligned CelebA faces, centre 108x108 crop resized to 64x64;
# offline, data_dir = a folder or tar of the 178x218 JPEGs. Both are GPU runs.
STEPS = {"cifar32": 100_000, "celeba64": 100_000}
TOY_STEPS = 10_000
# Network sizes of the shipped presets, the same for every variant on a
# dataset: small enough that a preset (float16 weights of both networks plus
# float32 Adam moments) stays under 3 MB and trains on 2 CPU cores in minutes.
# Toy: 3 x 256 ReLU MLPs, both networks (the WGAN-GP toy code's are 3 x 512,
# PacGAN's G 4 x 400 and D 3 x 200, VEEGAN's 2 x 128): a WGAN-GP step on them
# costs 0.38x of 3 x 512's (benchmarks/results/toy_step/). VEEGAN's 2 x 128
# costs 0.42x of 3 x 256's, but WGAN-GP on it had covered no grid mode after 5,000
# steps, where 3 x 256 had 4 (benchmarks/results/toy_pilot/). 28 px: a DCGAN at a
# quarter of the default generator width, half the critic width, and a 64-d
# latent (270k parameters in all, against 2.2M). Other datasets: the library's
# default networks.
_TOY_NET = ((256, 256, 256), (256, 256, 256))
_NET28 = ((64, 32), (32, 64))
SMALL_NETS = {"ring8": _TOY_NET, "grid25": _TOY_NET, "mnist28": _NET28, "fashion28": _NET28, "stackedmnist28": _NET28}
SMALL_LATENT = {"mnist28": 64, "fashion28": 64, "stackedmnist28": 64}
# Constructor arguments that are not options of a run: the networks come from
# the network options, the rest from the data and the config's own keys.
_NOT_OPTIONS = {"self", "generator", "discriminator", "latent_dim", "num_classes", "seed", "args", "kwargs"}
# The type of options whose default is None, so that the command line can set them.
_NONE_TYPES = {"ema_decay": float, "margin": float, "penalty": str, "penalty_weight": float, "code_dim": int}
_STRING_PLACEHOLDERS = ("data_dir", "init_from", "tpu")


def base_config(variant, dataset, arg=None):
    """The resolved config of `variant` on zoo dataset `dataset` (e.g. "mnist28")."""
    info = registry.from_zoo_id(dataset)
    image = not info.is_toy
    config = ml_collections.ConfigDict()
    config.variant = variant
    config.dataset = info.name
    config.data_dir = config_dict.placeholder(str)  # a local source (e.g. a directory of idx files); None: tfds
    config.conditional = False
    config.latent_dim = SMALL_LATENT.get(dataset, 128 if image else 64)
    config.batch_size = 64 if image else 128
    config.steps = STEPS.get(dataset, 5000)  # the same for every variant on a dataset
    config.model = model_options(variant, info.shape)
    if dataset in SMALL_NETS:
        config.model.generator_widths, config.model.discriminator_widths = SMALL_NETS[dataset]
    # Each critic update draws its own real batch, as WGAN's and WGAN-GP's Algorithm 1 (and gan_toy.py)
    # do; a step then reads n_critic x batch_size real rows (`real_rows_per_step`).
    config.model.real_batches = "fresh"
    config.d_optimizer, config.g_optimizer = default_optimizer_configs(variant)
    # "none" | "linear": both learning rates fall linearly to 0 over `steps` (gan_cifar_resnet.py's
    # DECAY; keras PolynomialDecay, power 1, on each optimizer's own update count).
    config.lr_decay = "none"
    config.seed = 0
    config.deterministic = False  # tf op determinism: bit-identical reruns and resumes, slower
    config.strategy = "auto"  # auto | default | mirrored | multiworker | tpu
    config.tpu = config_dict.placeholder(str)  # TPU address for strategy=tpu (None: the local TPU)
    # auto | float32 | mixed_float16 | mixed_bfloat16. auto: mixed_bfloat16 for image data on a CPU-only
    # machine with bfloat16 matrix units (amx_bf16 / avx512_bf16), float32 otherwise. bfloat16 became the
    # default after MNIST quality parity at 3 seeds (benchmarks/results/bf16_parity/results.md).
    config.mixed_precision = "auto"
    config.jit_compile = False  # XLA; measured no gain on CPU
    # Train steps per call of the compiled function: fewer Python round trips for small, fast steps.
    # steps and every *_every must be multiples of it; the RNG stream, and so the run, is the same.
    config.steps_per_execution = 1
    # A NaN/Inf loss: the step is never kept; "retry" restores the last good
    # checkpoint and lowers both learning rates by nonfinite_lr_factor (at most
    # max_nonfinite_retries times), "stop" ends the run with a message.
    config.on_nonfinite = "retry"
    config.nonfinite_lr_factor = 0.5
    config.max_nonfinite_retries = 3
    config.init_from = config_dict.placeholder(str)  # a saved model (.keras file or run directory) to fine-tune
    config.log_every = 50
    config.sample_every = 500
    config.checkpoint_every = 500
    config.keep_checkpoints = 3
    config.num_grid_samples = 64 if image else 2500
    config.tensorboard = True  # scalars every log_every, sample images every sample_every
    # Every eval_every steps (a multiple of log_every; 0 = off), domain metrics of
    # eval_samples samples join the log line: classifier-FID, class coverage and KL
    # (MNIST, Fashion-MNIST: the shipped classifier), or the mode metrics (ring8, grid25).
    config.eval_every = 0
    config.eval_samples = 2000
    config.verbose = 1
    if not image:
        # The toy budget, the same for every variant (Lucic et al. 2018's rule): TOY_STEPS generator
        # steps of 128 at one learning rate, 1e-3 (each variant keeps its paper's optimizer, betas
        # and n_critic): the papers' DCGAN rates leave a 10k-step run short of the modes (WGAN-GP
        # with gan_toy.py's Adam(1e-4, 0.5, 0.9) covered 0/25 grid modes, with Adam(1e-3, 0, 0.9)
        # 25/25: benchmarks/results/toy_pilot/).
        config.steps = TOY_STEPS
        # 50 steps per call for one critic update per step (measured 0.63x the time per step of one
        # step per call on NS-GAN), one for n_critic = 5, where 50 measured slower (1.37x, WGAN-GP)
        config.steps_per_execution = 50 if config.model.n_critic == 1 else 1
        config.d_optimizer.learning_rate = config.g_optimizer.learning_rate = 1e-3
        if variant == "wgan-gp":
            config.model.gp_weight = 0.1  # gan_toy.py's LAMBDA for its 2-d data (10 is the image setting)
    if arg == "smoke":
        shrink_to_smoke(config)
    elif arg:
        raise ValueError(f"Unknown config argument {arg!r}; expected nothing or 'smoke'.")
    return config


def real_rows_per_step(config):
    """Rows of real data a generator step of `config` consumes: batch_size, times n_critic when each
    critic update sees its own real batch (model.real_batches = "fresh")."""
    return models.base.real_rows(config.batch_size, config.model.n_critic, config.model.get("real_batches", "shared"))


def zoo_config_spec(variant, zoo_id, *, suffix=""):
    """The `--config=` of the zoo's recipe for `variant` on `zoo_id` (`suffix`: "_cond" for the conditional
    one): its own file `zoo_configs/<variant>/<zoo_id><suffix>.py` where the zoo has one, else zoo.py's."""
    own = f"zoo_configs/{variant}/{zoo_id}{suffix}.py"
    if os.path.isfile(os.path.join(REPO_ROOT, own)):
        return own
    if suffix:
        raise ValueError(f"No zoo config {own}.")
    return _paper_spec(variant, zoo_id)


def _paper_spec(variant, zoo_id):
    return f"zoo_configs/zoo.py:{variant},{zoo_id}"


def load_paper_config(variant, zoo_id, arg=None):
    """The locked config of the variant's paper hyper-parameters on the zoo's nets and budget
    (zoo.py), whatever tuned recipe file sits beside it."""
    return load(os.path.join(REPO_ROOT, _paper_spec(variant, zoo_id)), arg)


def load_zoo_config(variant, zoo_id, arg=None, *, suffix=""):
    """The locked config of the zoo's recipe (a source checkout's zoo_configs/)."""
    return load(os.path.join(REPO_ROOT, zoo_config_spec(variant, zoo_id, suffix=suffix)), arg)


def shrink_to_smoke(config):
    """A few steps of the same run: CI runs every config this way."""
    # a step reads n_critic x batch_size rows with fresh real batches: the 18-face CelebA sample must hold
    # one, and 2 per critic batch keeps the rows even, so that two replicas split them alike
    config.batch_size = 8
    if real_rows_per_step(config) > config.batch_size:
        config.batch_size = 2
    config.steps = 3
    config.log_every = config.sample_every = config.checkpoint_every = 2
    config.num_grid_samples = 16
    config.steps_per_execution = 1
    config.verbose = 0


def quiet_run(config, *, steps, seed, data_dir=None, eval_every=0):
    """The same recipe as one measurement: `steps` steps at `seed`, a single log, sample grid and checkpoint at
    the end, nothing on the console or in TensorBoard (call it unlocked); no evaluations during the run, or
    with `eval_every` a log line with the domain metrics every `eval_every` steps."""
    config.seed = seed
    config.steps = steps
    config.log_every = config.sample_every = config.checkpoint_every = steps
    config.eval_every = eval_every
    if eval_every:
        config.log_every = eval_every
    config.verbose = 0
    config.tensorboard = False
    if data_dir is not None:
        config.data_dir = data_dir


def model_options(variant, data_shape):
    """Every option of `variant`'s constructor and default networks for `data_shape`, with its default."""
    cls = models.get_class(variant)
    options = {}
    for klass in reversed(cls.__mro__):
        if "__init__" not in vars(klass) or not issubclass(klass, models.BaseGAN):
            continue
        for name, parameter in inspect.signature(klass.__init__).parameters.items():
            if name not in _NOT_OPTIONS and parameter.default is not inspect.Parameter.empty:
                options[name] = parameter.default
    if options.get("n_critic") is None:
        options["n_critic"] = cls.default_n_critic
    options.update(cls.network_defaults(data_shape))
    return ml_collections.ConfigDict({k: _typed(k, v) for k, v in options.items()})


def optimizer_config(optimizer):
    """An optimizer as a flat dict: `class_name` and every argument of its `get_config()`."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a loss-scale wrapper adds no arguments
    # not its `name`: a process-wide counter ("adam_3") that says nothing about the run
    # floats as their float32 value's shortest text: Keras reads them back from float32 variables
    # (2e-4 comes back as 0.00019999999494757503), and 2e-4 is the same float32
    options = {k: float(str(np.float32(v))) if isinstance(v, float) else v
               for k, v in optimizer.get_config().items() if k != "name"}
    return {"class_name": type(optimizer).__name__, **options}


def optimizer_from_config(options, decay_steps=None):
    """The optimizer `optimizer_config` described (None: the variant's default).

    `decay_steps`: its learning rate falls linearly to 0 over that many of its own updates.
    """
    if options is None:
        return None
    options = dict(options)
    class_name = options.pop("class_name")
    if decay_steps:
        options["learning_rate"] = linear_decay(options["learning_rate"], decay_steps)
    return keras.optimizers.get({"class_name": class_name, "config": options})


def linear_decay(rate, decay_steps):
    """rate (1 - t / decay_steps), 0 after: keras' PolynomialDecay with power 1."""
    return keras.optimizers.schedules.PolynomialDecay(float(rate), int(decay_steps), end_learning_rate=0.0, power=1.0)


def decay_steps(config):
    """(critic, generator) optimizer updates over which config.lr_decay takes the rates to 0 (None, None: no decay)."""
    if config.get("lr_decay", "none") == "none":
        return None, None
    return config.steps * config.model.n_critic, config.steps


def default_optimizer_configs(variant):
    """(d_optimizer, g_optimizer) configs of the variant's paper optimizers, every argument spelled out.

    Read from the classes' signatures, not from built optimizers: building one creates TF variables,
    and a multi-worker run must configure its collectives before any TF op runs.
    """
    name, arguments = models.get_class(variant).default_optimizer
    signature = inspect.signature(getattr(keras.optimizers, name).__init__)
    options = {k: p.default for k, p in signature.parameters.items()
               if p.default is not inspect.Parameter.empty and k != "name"}
    options.update(arguments)
    return tuple(ml_collections.ConfigDict({"class_name": name, **{k: _typed(k, v) for k, v in options.items()}})
                 for _ in range(2))


def resolved(config, model, precision_source=None):
    """The config as it ran, a JSON-ready dict: the model's own options and optimizers, the precision policy
    (and, for mixed_precision "auto", `precision_source`: why `resolve_precision` chose it)."""
    record = config.to_dict()
    model_config = model.get_config()
    for key in record["model"]:
        if key in model_config:
            record["model"][key] = model_config[key]
    record["d_optimizer"] = optimizer_config(model.d_optimizer)
    record["g_optimizer"] = optimizer_config(model.g_optimizer)
    for name in ("d_optimizer", "g_optimizer"):
        if isinstance(record[name].get("learning_rate"), dict):  # lr_decay's schedule: config.lr_decay spells it out
            record[name]["learning_rate"] = config[name].learning_rate
    record["mixed_precision"] = keras.config.dtype_policy().name
    if config.mixed_precision == "auto":  # what ran, and why: a rerun of this record runs the same policy
        record["mixed_precision_source"] = precision_source
    return json.loads(json.dumps(record, default=_jsonable))


def resolve_precision(name, dataset=None, cpu_flags=None, has_gpu=None):
    """(policy, source) for config.mixed_precision `name`: "auto" picks mixed_bfloat16 for image data
    on a CPU-only machine whose CPU has bfloat16 matrix units, float32 otherwise; any other name is
    taken as given.

    Toy data stays float32: its nets are too small for the matrix units (measured 1.1x), and
    bfloat16's 8 significant bits quantise a grid25 point near 4 to steps of 0.016, a third of the
    modes' sigma of 0.05. `cpu_flags` (default: /proc/cpuinfo's) and `has_gpu` (default:
    TensorFlow sees a GPU) are for tests.
    """
    if name != "auto":
        return name, "config"
    if dataset is not None and registry.is_toy(dataset):
        return "float32", "auto: toy data (bfloat16 would round the points at the modes' scale)"
    if has_gpu is None:
        import tensorflow as tf

        has_gpu = bool(tf.config.list_physical_devices("GPU"))
    if has_gpu:
        return "float32", "auto: a GPU is present (bfloat16 by default is for CPUs with matrix units)"
    if cpu_flags is None:
        cpu_flags = _cpu_flags()
    found = [flag for flag in BF16_CPU_FLAGS if flag in cpu_flags]
    if found:
        return "mixed_bfloat16", f"auto: the CPU has bfloat16 matrix units ({', '.join(found)})"
    return "float32", "auto: the CPU has no bfloat16 matrix units (" + " / ".join(BF16_CPU_FLAGS) + ")"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            line = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        return set()
    return set(line.split(":", 1)[-1].split())


def check(config):
    """Raises one ValueError naming the first nonsensical value of `config`."""
    if config.on_nonfinite not in ("retry", "stop"):
        raise ValueError(f"on_nonfinite={config.on_nonfinite!r}; expected 'retry' or 'stop'.")
    if config.get("lr_decay", "none") not in LR_DECAYS:
        raise ValueError(f"lr_decay={config.lr_decay!r}; expected one of {', '.join(LR_DECAYS)}.")
    if config.mixed_precision not in PRECISION_POLICIES:
        raise ValueError(f"mixed_precision={config.mixed_precision!r}; expected one of {', '.join(PRECISION_POLICIES)}.")
    for key in ("steps", "batch_size", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints"):
        if config[key] < 1:
            raise ValueError(f"config.{key} must be >= 1, got {config[key]}.")
    for name in ("d_optimizer", "g_optimizer"):
        options = config[name]
        rate = options.get("learning_rate") if options is not None else None
        if isinstance(rate, (int, float)) and not rate > 0:
            raise ValueError(f"config.{name}.learning_rate must be > 0, got {rate}.")
        for beta in ("beta_1", "beta_2", "rho", "momentum"):
            value = options.get(beta) if options is not None else None
            if isinstance(value, (int, float)) and not 0 <= value < 1:
                raise ValueError(f"config.{name}.{beta} must be in [0, 1), got {value}.")
    if config.nonfinite_lr_factor <= 0 or config.nonfinite_lr_factor >= 1:
        raise ValueError(f"config.nonfinite_lr_factor must be in (0, 1), got {config.nonfinite_lr_factor}.")
    if config.latent_dim < 1 or config.max_nonfinite_retries < 0 or config.eval_samples < 1:
        raise ValueError("config.latent_dim and config.eval_samples must be >= 1 and config.max_nonfinite_retries "
                         f">= 0; got {config.latent_dim}, {config.eval_samples}, {config.max_nonfinite_retries}.")
    if config.steps_per_execution < 1:
        raise ValueError(f"config.steps_per_execution must be >= 1, got {config.steps_per_execution}.")
    if config.steps_per_execution > 1:
        # ganzoo-train logs, samples, evaluates, checkpoints and checks for NaN between calls only
        k = config.steps_per_execution
        off = [key for key in ("steps", "log_every", "sample_every", "checkpoint_every", "eval_every")
               if config[key] % k]
        if off:
            raise ValueError(f"config.steps_per_execution={k}: {', '.join(f'config.{key}={config[key]}' for key in off)} "
                             f"must be multiple{'s' if len(off) > 1 else ''} of it (the run logs, checkpoints and "
                             "checks for non-finite losses between calls only).")
    if config.eval_every and config.eval_every % config.log_every:
        raise ValueError(f"config.eval_every must be a multiple of config.log_every; got eval_every="
                         f"{config.eval_every}, log_every={config.log_every}.")
    if config.eval_every and not (registry.has_modes(config.dataset) or registry.has_classifier(config.dataset)):
        raise ValueError(f"config.eval_every: in-training evaluation exists for mnist, fashion_mnist, ring8 and "
                         f"grid25, not {config.dataset!r}; set --config.eval_every=0 and run ganzoo-eval on the "
                         "finished run.")


def from_json(path):
    """The config a run recorded in its config.json, as a ConfigDict the command line can still override."""
    with open(path) as f:
        record = json.load(f)
    return _to_config(record)


def load(path, arg=None):
    """The locked ConfigDict of a config file, as `ganzoo-train --config=path[:arg]` reads it.

    `path`: a config file with `get_config(arg)` (`file.py:inner` passes `inner`, followed by
    `,arg`: "zoo_configs/zoo.py:wgan-gp,ring8" with arg "smoke"), or a run's config.json.
    """
    path = str(path)
    if ":" in path and not os.path.exists(path):
        path, inner = path.rsplit(":", 1)
        arg = f"{inner},{arg}" if arg else inner
    if path.endswith(".json"):
        config = from_json(path)
        if arg == "smoke":
            shrink_to_smoke(config)
    else:
        spec = importlib.util.spec_from_file_location("ganzoo_zoo_config", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        config = module.get_config(arg)
    config.lock()
    return config


def _typed(name, value):
    """A value for a ConfigDict field: None becomes a typed placeholder, lists tuples."""
    if value is None:
        return config_dict.placeholder(_NONE_TYPES.get(name, object))
    if isinstance(value, list):
        return tuple(value)
    return value


def _to_config(record):
    config = ml_collections.ConfigDict()
    for key, value in record.items():
        if isinstance(value, dict) and "class_name" not in value or key == "model":
            config[key] = _to_config(value)
        elif isinstance(value, dict):  # an optimizer
            config[key] = ml_collections.ConfigDict({k: _typed(k, v) for k, v in value.items()})
        elif value is None and key in _STRING_PLACEHOLDERS:
            config[key] = config_dict.placeholder(str)
        else:
            config[key] = _typed(key, value)
    return config


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
