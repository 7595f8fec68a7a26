"""Layout rules of summarizer/: no import cycles, no private imports, short documented modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "summarizer"
MAX_LINES = 400


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(ROOT.rglob("*.py"))}
PACKAGES = {n for n, p in MODULES.items() if p.name == "__init__.py"}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) for every import of a summarizer
    module, at any depth (inside functions too). Imports under `if TYPE_CHECKING:` are left out:
    they never run, so they cannot form a cycle at import time (annotations are strings here)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    guarded = [s for s in ast.walk(tree) if isinstance(s, ast.If) and _is_type_checking(s)]
    skipped = {id(n) for s in guarded for b in s.body for n in ast.walk(b)}
    package = module if module in PACKAGES else module.rpartition(".")[0]
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                imported = (sub, None) if sub in MODULES else (base, alias.name)
                found.append((*imported, node.lineno))
    return [f for f in found if f[0] == "summarizer" or f[0].startswith("summarizer.")]


GRAPH = {m: {t for t, _, _ in _imports(m) if t in MODULES and t != m} for m in MODULES}


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[str] = []  # one per edge back into the current path

    def visit(path: list[str]) -> None:
        state[path[-1]] = 1
        for target in sorted(GRAPH[path[-1]]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit([*path, target])
        state[path[-1]] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit([module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def test_no_module_imports_private_names_of_another() -> None:
    bad = []
    for module in MODULES:
        for target, name, line in _imports(module):
            # A private module (`_x.py`) belongs to its package: only modules inside may use it.
            parts = target.split(".")
            owners = [".".join(parts[:i]) for i, p in enumerate(parts) if _private(p)]
            if any(not module.startswith(owner + ".") for owner in owners) or (
                name and _private(name) and target != module
            ):
                where = MODULES[module].relative_to(ROOT.parent)
                bad.append(f"{where}:{line}: {target}" + (f" import {name}" if name else ""))
    assert not bad, "private imports:\n" + "\n".join(bad)


def test_modules_are_short_and_documented() -> None:
    too_long = {
        n: c for n, p in MODULES.items() if (c := len(p.read_text().splitlines())) >= MAX_LINES
    }
    undocumented = [
        n for n, p in MODULES.items() if not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert not too_long, f"modules of {MAX_LINES} lines or more: {too_long}"
    assert not undocumented, f"modules without a docstring: {undocumented}"


def test_every_package_exports_a_curated_all() -> None:
    # summarizer's own list is fixed in test_exported_members.py; subpackages must have one too.
    for package in sorted(PACKAGES):
        exported = importlib.import_module(package).__dict__.get("__all__")
        assert exported is not None, f"{package} has no __all__"
        missing = [n for n in exported if not hasattr(importlib.import_module(package), n)]
        assert not missing, f"{package}.__all__ names what it does not define: {missing}"
