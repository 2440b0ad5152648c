"""The shape of the package: every module imports on its own, imports run one way, presets are data."""

import ast
import json
import os
import pkgutil
import subprocess
import sys

import pytest

import ganzoo
from ganzoo import presets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "ganzoo")


def modules():
    """{module name: path} of every module under ganzoo/."""
    found = {"ganzoo": os.path.join(PACKAGE, "__init__.py")}
    for info in pkgutil.walk_packages([PACKAGE], "ganzoo."):
        spec = info.module_finder.find_spec(info.name)
        found[info.name] = spec.origin
    return found


def _imported(node, module, is_package, known):
    """Names of the ganzoo modules an import statement `node` in `module` brings in.

    `from package import submodule` depends on the submodule, not on the package's
    __init__ (its parent packages are imported first in any case: not an edge).
    """
    names = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: resolved against the importing module's package
            parts = module.split(".") if is_package else module.split(".")[:-1]
            base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
        submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
        names = submodules if len(submodules) == len(node.names) else [base] + submodules
    return [n for n in names if n == "ganzoo" or n.startswith("ganzoo.")]


def import_graph():
    """({module: set of ganzoo modules it imports at module level}, [(module, line, target) imported in a function])."""
    known = modules()
    graph, inner = {}, []
    for module, path in known.items():
        tree = ast.parse(open(path).read(), path)
        is_package = path.endswith("__init__.py")
        graph[module] = set()
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            targets = [t for t in _imported(node, module, is_package, known) if t in known and t != module]
            if id(node) in top_level:
                graph[module].update(targets)
            else:
                inner.extend((module, node.lineno, t) for t in targets)
    return graph, inner


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path + [target])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


@pytest.mark.subprocess
def test_every_module_imports_in_a_fresh_interpreter():
    names = sorted(modules())
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\nprint('ok', len(sys.argv) - 1)"
    done = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"ok {len(names)}" in done.stdout
    assert len(names) > 40  # the walk found the package, not an empty folder


def test_imports_form_no_cycle():
    graph, _ = import_graph()
    assert graph["ganzoo.training"] >= {"ganzoo.saving", "ganzoo.plotting", "ganzoo.data"}  # the parser sees imports
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_module_imports_ganzoo_inside_a_function():
    # imports inside functions are how the old cycles were held off; the layering needs none
    _, inner = import_graph()
    assert not inner, "\n".join(f"{m}:{line} imports {t} inside a function" for m, line, t in inner)


def test_the_layers_run_one_way():
    graph, _ = import_graph()
    below_training = ["ganzoo.saving", "ganzoo.presets", "ganzoo.plotting", "ganzoo.evaluate", "ganzoo.sample",
                      "ganzoo.configs", "ganzoo.distribute"] + [m for m in graph if m.startswith(
                          ("ganzoo.models", "ganzoo.data", "ganzoo.metrics"))]
    for module in below_training:
        assert not graph[module] & {"ganzoo.training", "ganzoo.train", "ganzoo.packaging", "ganzoo.cards",
                                    "ganzoo.hub"}, module
    for module in [m for m in graph if m.startswith(("ganzoo.models", "ganzoo.data"))]:
        assert not graph[module] & {"ganzoo.evaluate", "ganzoo.presets", "ganzoo.saving"}, module


def test_the_registry_is_small_json_and_metrics_live_in_metadata():
    folder = presets.REGISTRY_DIR
    assert sorted(os.listdir(folder)) == sorted(f"{v}.json" for v in ganzoo.variants() if os.path.isfile(
        presets.registry_path(v)))
    assert not [f for f in os.listdir(os.path.join(PACKAGE, "models")) if f.endswith("_presets.py")]
    for name, entry in presets.registry().items():
        assert set(entry) <= set(presets.ENTRY_KEYS) and len(entry) <= 8, name
        assert "metrics" not in entry and "protocol" not in entry, name
        if not entry.get("unavailable"):
            metadata = presets.read_metadata(os.path.join(ROOT, "artifacts", name))
            assert metadata["files"] == entry["files"] and metadata["hub_repo_id"] == entry["hub_repo_id"], name
            assert sum(metadata["parameters"].values()) == entry["params"], name
            assert presets.info(name)["metrics"] == metadata["metrics"], name
    json.load(open(presets.registry_path("wgan-gp")))  # plain JSON


def test_packaging_writes_no_python(tmp_path, monkeypatch):
    monkeypatch.setattr(presets, "REGISTRY_DIR", str(tmp_path))
    presets.write_entries("gan", {"gan-x": {"description": "x", "variant": "gan", "dataset": "ring8",
                                            "config": "zoo_configs/zoo.py:gan,ring8"}})
    assert os.listdir(tmp_path) == ["gan.json"]
    assert presets.get_preset("gan-x")["dataset"] == "ring8"
    with pytest.raises(ValueError, match="belong in its metadata.json"):
        presets.write_entries("gan", {"gan-y": {"variant": "gan", "metrics": {"w1": 1.0}}})
    assert "gan-y" not in presets.registry()  # a refused write leaves the file as it was
