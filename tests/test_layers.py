"""The package's layers hold: no module imports a layer above its own, and no import cycle exists.

Every import counts: at module level, inside functions and under `TYPE_CHECKING`. Layers, lowest
first (README, "Development"): core < ingest < engine < text < checks < reports < commands < the
package's public face (`dataqa/__init__.py`, `dataqa.plugin`, `dataqa.registry`). A module may
import its own layer and any layer below; modules of one layer may not import each other in a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"dataqa": ROOT / "dataqa", "dataqa.checks": ROOT / "checks", "dataqa.reports": ROOT / "reports"}
LAYERS = ["core", "ingest", "engine", "text", "checks", "reports", "commands", "face"]


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside dataqa."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return parts[1]
    return "face"  # dataqa, dataqa.plugin, dataqa.registry


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found: dict[str, Path] = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if package == "dataqa" and parts and parts[0] in ("checks", "reports"):
                continue
            found[".".join([package, *parts])] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The dataqa modules `name` imports anywhere in its source (resolved to known module names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
    resolved = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name and target.startswith("dataqa"):
            resolved.add(target)
    return resolved


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for name, targets in graph().items():
        for target in sorted(targets):
            if target == "dataqa":  # the package itself: imported first by everything, defines nothing low
                continue
            if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(name)):
                wrong.append(f"{name} ({layer_of(name)}) imports {target} ({layer_of(target)})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from dataqa.commands import cli\n", {"dataqa.commands.cli"}),
        ("def f():\n    from dataqa.engine.runner import run_scan\n", {"dataqa.engine.runner"}),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import dataqa.text.topics\n",
            {"dataqa.text.topics"},
        ),
        ("from .runner import x\n", {"dataqa.engine.runner"}),
    ],
)
def test_every_kind_of_import_is_seen(tmp_path: Path, source: str, expected: set[str]) -> None:
    """The walk sees module-level, function-level, TYPE_CHECKING and relative imports alike."""
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    known = set(modules())
    assert imports_of("dataqa.engine.probe", path, known) == expected


def test_every_package_is_in_the_distribution() -> None:
    """pyproject lists every package folder: a built wheel carries them all, not only an editable install."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    )
    folders = set()
    for package, folder in SOURCES.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            if package == "dataqa" and rel and rel[0] in ("checks", "reports"):
                continue
            folders.add(".".join([package, *rel]))
    assert listed == folders


MAX_MODULE_LINES = 500
"""A module a newcomer can read in one sitting; a longer one says in its docstring why it is one piece."""


def test_no_module_is_longer_than_one_sitting() -> None:
    long = {}
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if lines > MAX_MODULE_LINES and "one piece" not in docstring:
            long[name] = lines
    assert long == {}, f"split these along their seams (or say why each is one piece): {long}"


PYTHON_IN_POLARS = {"map_batches", "map_elements", "map_groups", "map_rows"}
"""polars methods that run a Python function on polars' own thread pool."""


def test_no_python_function_runs_inside_a_polars_query() -> None:
    """A Python function on polars' pool needs the GIL there; a thread that holds the GIL while it
    waits on that pool (pickling a frame for a Ray task did) then deadlocks the scan. Seen in CI as
    a Ray test that never ended; texts are normalised and token-counted eagerly instead."""
    calls = {
        f"{name}:{node.lineno}"
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in PYTHON_IN_POLARS
    }
    assert calls == set()
