"""A run folder's guards: one writer at a time, writable before the first step, and a resume that
continues the same run or is refused.

Nothing here writes until `claim` is called, so an invocation that fails a check leaves the
workdir as it found it.
"""

import contextlib
import json
import os
import socket

from ganzoo import models
from ganzoo.saving import LoadError, checkpoints, load_model, read_json

LOCK_FILE = ".ganzoo-train.lock"
# What makes a run this run: resuming with any of these changed would train the old weights under a
# new label.
IDENTITY = ("variant", "dataset", "conditional", "latent_dim")
NETWORK_IDENTITY = ("architecture", "generator_widths", "discriminator_widths", "normalization", "code_dim")


class WorkdirError(ValueError):
    """A workdir that this invocation must not write: in use, not writable, or holding another run."""


def recorded_config(workdir):
    """The config.json a previous invocation wrote into `workdir`, or None."""
    return read_json(os.path.join(workdir, "config.json"), WorkdirError,
                     "; move the folder aside or fix the file")


def check_same_run(config, recorded, workdir):
    """Refuses to resume `workdir` when the new config names another run than the one it holds."""
    if recorded is None:
        return
    mismatches = [f"{key}: {recorded.get(key)!r} in the run, {config[key]!r} now" for key in IDENTITY
                  if key in recorded and _plain(recorded[key]) != _plain(config[key])]
    recorded_model = recorded.get("model") or {}
    mismatches += [f"model.{key}: {recorded_model[key]!r} in the run, {config.model[key]!r} now"
                   for key in NETWORK_IDENTITY if key in recorded_model and key in config.model
                   and _plain(recorded_model[key]) != _plain(config.model[key])]
    if mismatches:
        raise WorkdirError(f"{workdir!r} holds another run ({'; '.join(mismatches)}): resume it with its own "
                           f"config (ganzoo-train --config={workdir}/config.json) or pick a new --workdir.")


def check_checkpoint_matches(model, checkpoint, config, data_shape, num_classes):
    """Refuses a checkpoint whose model is not the one this config trains (a foreign file in checkpoints/)."""
    expected = models.get_class(config.variant)
    problems = []
    if type(model) is not expected:
        problems.append(f"it holds a {type(model).__name__}, the config trains {expected.__name__} ({config.variant})")
    if tuple(model.data_shape) != tuple(data_shape):
        problems.append(f"it makes {tuple(model.data_shape)} samples, the data is {tuple(data_shape)}")
    if model.latent_dim != config.latent_dim:
        problems.append(f"its latent size is {model.latent_dim}, the config's {config.latent_dim}")
    if (model.num_classes or None) != (num_classes or None):
        problems.append(f"it has num_classes={model.num_classes}, the data {num_classes}")
    if problems:
        raise WorkdirError(f"{checkpoint!r} is not a checkpoint of this run: {'; '.join(problems)}. Nothing was "
                           "trained or pruned; move the file out of checkpoints/ or pick a new --workdir.")


def newest_readable_checkpoint(workdir, log=print):
    """(step, path, model, [unreadable newer paths]) of the newest checkpoint that loads, or (0, None, None, [...]).

    An unreadable one (truncated, CRC error) is skipped with a message: at most one
    checkpoint interval is lost.
    """
    unreadable = []
    for step, path in reversed(checkpoints(workdir)):
        try:
            return step, path, load_model(path), unreadable
        except LoadError as error:
            log(f"Checkpoint {path} cannot be read ({error}); falling back to the one before it.")
            unreadable.append(path)
    return 0, None, None, unreadable


def check_not_in_use(workdir):
    """Raises at once when a live process holds `workdir`'s lock (reads only)."""
    path = os.path.join(workdir, LOCK_FILE)
    holder = _read_lock(path)
    if holder and _alive(holder):
        raise _in_use(path, holder)


@contextlib.contextmanager
def claim(workdir):
    """Creates `workdir`, checks it and checkpoints/ are writable, and holds its lock for the block.

    A second `ganzoo-train` on a workdir whose lock names a live process stops at once; a lock
    left by a dead process is taken over.
    """
    try:
        os.makedirs(os.path.join(workdir, "checkpoints"), exist_ok=True)
        for folder in (workdir, os.path.join(workdir, "checkpoints")):
            probe = os.path.join(folder, f".write_probe_{os.getpid()}")
            with open(probe, "w"):
                pass
            os.remove(probe)
    except OSError as error:
        raise WorkdirError(f"{workdir!r} is not writable ({error.strerror}: {error.filename}); nothing was trained.") from None
    path = os.path.join(workdir, LOCK_FILE)
    _acquire(path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if _read_lock(path).get("pid") == os.getpid():
                os.remove(path)


def _acquire(path):
    # the lock appears whole or not at all: written to a private file, then hard-linked into place
    # (link fails when the lock exists), so no reader ever sees it empty
    mine = f"{path}.{os.getpid()}"
    with open(mine, "w") as f:
        json.dump({"pid": os.getpid(), "host": socket.gethostname()}, f)
    try:
        _link_lock(mine, path)
    finally:
        os.remove(mine)


def _link_lock(mine, path):
    for _ in range(2):
        try:
            os.link(mine, path)
        except FileExistsError:
            holder = _read_lock(path)
            if _alive(holder):
                raise _in_use(path, holder) from None
            with contextlib.suppress(FileNotFoundError):  # stale: its process is gone
                os.remove(path)
            continue
        return
    raise WorkdirError(f"Could not take the lock {path}: another process took it at the same moment.")


def _in_use(path, holder):
    return WorkdirError(f"{os.path.dirname(path)!r} is being trained by process {holder['pid']} on {holder['host']} "
                        f"(lock {path}); wait for it to finish, stop it, or use another --workdir.")


def _read_lock(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}  # being written, or garbage: a lock without a live pid


def _alive(holder):
    pid = holder.get("pid")
    if pid == os.getpid() and holder.get("host") == socket.gethostname():
        return False  # our own pid: left by an earlier life of this pid (a restarted container's PID 1)
    if not isinstance(pid, int) or holder.get("host") != socket.gethostname():
        return isinstance(pid, int)  # another host's lock: assume it is live (we cannot check)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet still answers kill(0): a zombie holds nothing
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _plain(value):
    return list(value) if isinstance(value, (tuple, list)) else value
