"""Guard rails for the code's shape: the core stays free of Qt, modules stay small, and the
window's modules do not import each other in circles."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import reader

ROOT = Path(reader.__file__).parent
MAX_LINES = 650


def modules() -> dict[str, Path]:
    """Every module under reader/, by dotted name (packages by their __init__)."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def test_the_core_imports_neither_qt_nor_the_window() -> None:
    """Importing every reader.core module, in a fresh interpreter, loads no PySide6/reader.ui:
    the command line, the parsing process and the benches rely on it."""
    script = (
        "import importlib, json, pkgutil, sys\n"
        "import reader.core\n"
        "names = [m.name for m in pkgutil.walk_packages(reader.core.__path__, 'reader.core.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in ('PySide6', 'shiboken6') or m.startswith('reader.ui'))\n"
        "print(json.dumps({'imported': names, 'bad': bad}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    found = json.loads(proc.stdout)
    expected = sorted(name for name in modules() if name.startswith("reader.core."))
    assert sorted(found["imported"]) == expected  # every module was tried
    assert found["bad"] == []


def test_no_module_is_over_650_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in
             modules().items()}  # fmt: skip
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The reader modules ``name`` imports anywhere in its code (functions included), but not
    the ones imported only for type annotations (under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:
                    out.add(sub)
                elif base in known:
                    out.add(base)
    out.discard(name)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def import_graph(prefix: str) -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {
        name: {m for m in imports_of(name, path, known) if m.startswith(prefix)}
        for name, path in mods.items()
        if name.startswith(prefix)
    }


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_relative_and_local_imports() -> None:
    graph = import_graph("reader.ui.")
    assert "reader.ui.importer" in graph["reader.ui.app"]  # `from .importer import` in run()


def test_no_import_cycles_outside_the_window() -> None:
    graph = import_graph("reader")
    graph = {m: {t for t in to if not t.startswith("reader.ui.")} for m, to in graph.items()
             if not m.startswith("reader.ui.")}  # fmt: skip
    assert cycles(graph) == []


def test_no_import_cycles_in_the_window() -> None:
    assert cycles(import_graph("reader.ui.")) == []


def test_the_application_imports_only_its_declared_dependencies() -> None:
    """What reader/ imports from outside the standard library is in pyproject's dependencies
    (sqlite-utils, say, is a test dependency: a user's install does not have it)."""
    import re
    from importlib.metadata import packages_distributions

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    def normal(dist: str) -> str:
        return re.sub(r"[-_.]+", "-", dist).lower()

    project = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["project"]
    declared = {normal(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in project["dependencies"]}
    distributions = packages_distributions()
    outside: dict[str, set[str]] = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                tops = {node.module.split(".")[0]}
            else:
                continue
            for top in tops - set(sys.stdlib_module_names) - {"reader", "__future__"}:
                dists = {normal(d) for d in distributions.get(top, [top])}
                if not dists & declared:
                    outside.setdefault(top, set()).add(name)
    assert outside == {}


#: Below the Library: they run while a file is opened, checked or migrated, before there is one.
CONNECTION_LEVEL = {
    "reader.core.store.migrate(conn)",
    "reader.core.store.reconcile_interrupted(conn)",
    "reader.core.libfile.full_check(conn)",
    "reader.core.guessed_dates.forget_guessed_years(conn)",
    "reader.core.fts_schema.migrate_fts_declaration(conn)",
    "reader.core.backups.back_up(conn)",
    "reader.core.trash_schema.migrate_trash(conn)",
    "reader.core.sort_orders.add_sort_indexes(conn)",
    "reader.core.sort_orders.widen_title_index(conn)",
    "reader.core.hand_fix_schema.migrate_hand_fixes(conn)",
    "reader.core.journal_modes.use_wal(conn)",
    "reader.core.journal_modes.rollback_journal_while_alone(conn)",
}


def test_the_cores_functions_take_a_library_never_a_bare_connection() -> None:
    """One style of argument: what the window and the command line call takes the ``Library``
    (it owns the connection), so no caller wonders which of the two a function wants."""
    found = []
    for name, path in modules().items():
        if not name.startswith("reader.core."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            public = node.name == "__init__" or (
                node.col_offset == 0 and not node.name.startswith("_")
            )
            for arg in node.args.args if public else ():
                if arg.annotation is not None and "Connection" in ast.unparse(arg.annotation):
                    found.append(f"{name}.{node.name}({arg.arg})")
    assert set(found) - CONNECTION_LEVEL == set()


def test_the_window_imports_its_later_parts_only_after_the_first_paint() -> None:
    """Importing the window's start (reader.ui.app, reader.ui.main_window), in a fresh
    interpreter, loads none of the modules of the parts built after the first paint
    (reader/ui/later_parts.py, search, the section commands, import): a start pays for what it
    imports before the window paints (issues 15 and 17). Import them inside the function that
    builds them."""
    later = [
        "reader.ui.trash_actions",
        "reader.ui.trash_worker",
        "reader.ui.sources_actions",
        "reader.ui.list_menu",
        "reader.ui.accessibility",
        "reader.ui.search_wiring",
        "reader.ui.section_actions",
        "reader.ui.hand_fixes",
        "reader.ui.export_actions",
        "reader.ui.importer",
        "reader.ui.help_overlay",
        "reader.core.article",  # an article's blocks: when one is first shown
    ]
    script = (
        "import json, sys\n"
        "import reader.ui.app, reader.ui.main_window, reader.ui.later_parts\n"
        f"print(json.dumps(sorted(m for m in {later!r} if m in sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert set(later) <= set(modules())  # every name is a real module
    assert json.loads(proc.stdout) == []
