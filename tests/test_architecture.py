"""The package is laid out by layer (README, "Architecture"), and the layers hold:

- no import cycles between the package's modules;
- nothing below the UI imports Streamlit or konvergensi.ui (the meeting pack, the commands and the
  figures run without a Streamlit session);
- the core (paths, config, settings, formatting, privacy, audit, auth) imports no other layer;
- the domain and the store never import the report, the figures, the commands or the UI;
- the package's own imports sit at the top of modules (no import inside a function to dodge a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "konvergensi"
LAYERS = ("core", "store", "sources", "domain", "figures", "report", "ui", "commands", "demo")
# layer -> layers it must never import (anything else it may)
FORBIDDEN = {
    "core": set(LAYERS) - {"core"},
    "domain": {"figures", "report", "ui", "commands", "sources", "demo"},
    "store": {"figures", "report", "ui", "commands"},
    "sources": {"figures", "report", "ui", "commands"},
    "figures": {"report", "ui", "commands"},
    "report": {"ui", "commands"},
    "demo": {"figures", "report", "ui", "commands"},
    "ui": {"commands"},
    "commands": set(),         # serve and warmup start and warm the Streamlit app (ui.warmup)
}
UI_ONLY = ("streamlit",)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py")) if "__pycache__" not in p.parts}


def _resolve(name: str) -> str | None:
    """The package module an import names (a module, or a package's __init__)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(tree: ast.Module, *, top_only: bool) -> list[tuple[str, int]]:
    """(imported module, line) of the imports in a module: only module-level ones (also inside a
    module-level if/try) when top_only, else only those inside functions and classes."""
    found = []

    def visit(node, nested: bool):
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
            if isinstance(child, ast.Import):
                if inner != top_only:
                    found.extend((a.name, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if inner != top_only:
                    found.append((child.module, child.lineno))
                    found.extend((f"{child.module}.{a.name}", child.lineno) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, tree in TREES.items():
        deps = set()
        for imported, _line in _imports(tree, top_only=True):
            target = _resolve(imported) if imported.startswith("konvergensi") else None
            if target and target != name and target != "konvergensi":
                deps.add(target)
        graph[name] = deps
    return graph


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


def test_every_module_sits_in_a_layer():
    loose = [m for m, p in MODULES.items() if m != "konvergensi" and _layer(m) is None
             and not m.startswith("konvergensi.who_tables") and m not in ("konvergensi.__main__",)
             and not (m.count(".") == 1 and m.split(".")[1] in LAYERS)]
    assert not loose, f"modules outside the layer packages: {loose}"


def test_no_import_cycles():
    graph = _graph()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_what_they_may(layer):
    wrong = []
    for name, tree in TREES.items():
        if _layer(name) != layer and name != f"konvergensi.{layer}":
            continue
        for imported, line in _imports(tree, top_only=True) + _imports(tree, top_only=False):
            target = _resolve(imported) if imported.startswith("konvergensi") else None
            if target and _layer(target) in FORBIDDEN[layer]:
                wrong.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}")
            if layer != "ui" and imported.split(".")[0] in UI_ONLY:
                wrong.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {imported}")
    assert not sorted(set(wrong)), "\n".join(sorted(set(wrong)))


def test_the_package_imports_itself_at_the_top_of_modules():
    nested = []
    for name, tree in TREES.items():
        for imported, line in _imports(tree, top_only=False):
            if imported.startswith("konvergensi"):
                nested.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {imported} inside a function")
    assert not sorted(set(nested)), "\n".join(sorted(set(nested)))
