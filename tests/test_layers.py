"""Imports go one way: no module imports, even lazily inside a function, from a layer above its own.

model (0) < catalogue (1) < generator, critic, feedback, ranking, filling, worksheet, scorefile, analysis (2) < io (3) < cli, api, docgen,
the package itself (4). ``counterpoint.errors``, ``counterpoint.resources`` and ``counterpoint.files`` (safe writing,
input limits) are below everything. Imports
are read with ``ast``, so a function-level ``from counterpoint.io import ...`` is caught as surely as one at
the top of a file. The model reaches music21 only through converters that io registers with it
(``counterpoint.model.exercise.register_edge``), never by importing io.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "counterpoint"
LAYERS = {"errors": -1, "resources": -1, "files": -1, "model": 0, "catalogue": 1, "generator": 2, "critic": 2, "feedback": 2, "filling": 2,
          "worksheet": 2, "scorefile": 2, "analysis": 2, "ranking": 2, "io": 3, "cli": 4, "api": 4, "docgen": 4, "__init__": 4, "__main__": 4}

# Known upward imports, as (importing module, imported module): none are left. A new one fails the test; if one
# must ever be tolerated for a while, list it here, and the test fails again once it is gone.
KNOWN: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS[parts[1]]


def imports(path: Path) -> set[str]:
    """Every counterpoint module the file imports, at any depth of the syntax tree."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "counterpoint"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("counterpoint"):
            found.add(node.module)
    return found


def edges() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer():
    for module in edges():
        assert module == "counterpoint" or module.split(".")[1] in LAYERS, f"{module} is in no layer; add it to LAYERS"


def test_no_module_imports_from_a_layer_above_its_own():
    upward = {(m, t) for m, targets in edges().items() for t in targets if layer(t) > layer(m)}
    assert upward - KNOWN == set(), "imports from a layer above"
    assert KNOWN - upward == set(), "these known exceptions are fixed: remove them from KNOWN"


def test_no_import_cycles_between_packages():
    """Within one layer imports may go either way, but never round in a circle between two packages."""
    graph: dict[str, set[str]] = {}
    for m, targets in edges().items():
        if m != "counterpoint":
            graph.setdefault(m.split(".")[1], set()).update(t.split(".")[1] for t in targets if t != "counterpoint")
    cycles = {frozenset({a, b}) for a, targets in graph.items() for b in targets
              if b != a and a in _reach(graph, b)}
    assert cycles == set(), cycles


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        for t in graph.get(m, ()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def test_the_checker_catches_a_lazy_upward_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from counterpoint.io.m21 import exercise_to_score\n    return exercise_to_score\n")
    assert imports(sample) == {"counterpoint.io.m21"}
