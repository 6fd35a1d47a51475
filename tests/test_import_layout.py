"""Forcing the layout of a dump: import_file(layout=), through thread and process, and the window's
File → Import with a layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.dumps import parse_bytes
from reader.core.importing import import_file
from reader.core.store import Library

# Hard-wrapped paragraphs: detected as such, one article of two paragraphs; read as one paragraph
# per line, the wrapped lines fall apart.
WRAPPED = """Harbour cranes stand idle as dockers strike

Dockers at the port walked out on Monday over a new shift
rota, leaving cranes idle and about forty ships waiting in
the roads for a berth.

Unions said the cafe owners near the quays had already lost
most of their trade since the stoppages began.
"""


@pytest.fixture
def wrapped(tmp_path: Path) -> Path:
    path = tmp_path / "wrapped.txt"
    path.write_text(WRAPPED, encoding="utf-8")
    return path


def stored(path: Path) -> list[tuple[str, int]]:
    with Library(path) as lib:
        return [
            (title, body.count("\n\n") + 1)
            for title, body in lib.conn.execute("SELECT title, body FROM articles ORDER BY id")
        ]


def parsed(layout: str | None) -> list[tuple[str, int]]:
    """What the parser itself makes of WRAPPED with ``layout``: the import must store that."""
    return [(a.title, len(a.paragraphs)) for a in parse_bytes(WRAPPED.encode(), layout=layout)]


def test_the_fixture_reads_differently_by_layout() -> None:
    """Else the tests below could not tell a forced layout from a detected one."""
    assert parsed(None) == [("Harbour cranes stand idle as dockers strike", 2)]
    assert parsed("lines") != parsed(None)


@pytest.mark.parametrize("in_process", [False, True], ids=["thread", "process"])
@pytest.mark.parametrize("layout", [None, "auto", "wrapped", "lines", "blank"])
def test_import_file_parses_with_the_layout_asked_for(
    tmp_path: Path, wrapped: Path, layout: str | None, in_process: bool
) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        threshold = 0 if in_process else 1 << 30
        result = import_file(lib, wrapped, layout=layout, process_parse_bytes=threshold)
        assert result.status == "done", result.error
    assert stored(db) == parsed(layout)


def test_an_unknown_layout_is_a_caller_error_before_anything_is_written(
    lib: Library, wrapped: Path
) -> None:
    with pytest.raises(ValueError, match="unknown layout 'columns'"):
        import_file(lib, wrapped, layout="columns")
    assert lib.conn.execute("SELECT count(*) FROM sources").fetchone() == (0,)


@pytest.mark.parametrize(
    ("label", "layout"), [("Automatic", None), ("One paragraph per line", "lines")]
)
def test_file_menu_import_with_a_layout(
    qtbot, lib, settings_path, wrapped: Path, monkeypatch, label: str, layout: str | None
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from reader.ui.importer import ImportController
    from tests.ui_helpers import make_window

    window = make_window(qtbot, lib, settings_path)
    controller = ImportController(window, lib.path)
    asked: list[list[str]] = []

    def get_item(parent, title, text, items, current, editable):
        asked.append(list(items))
        return label, True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(wrapped)], "News dumps")
    )
    entries = [a.text() for a in window.menus["File"].actions()]
    assert any(text.startswith("Import news dumps with a layout") for text in entries)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        window.run_command("import-with-layout")
    assert asked == [
        ["Automatic", "One paragraph per line", "Blank-line paragraphs", "Hard-wrapped", "Markdown"]
    ]
    (result,) = blocker.args[0].results
    assert result.status == "done"
    controller.shutdown()
    assert stored(lib.path) == parsed(layout)


def test_cancelling_the_layout_question_imports_nothing(
    qtbot, lib, settings_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from reader.ui.importer import ImportController
    from tests.ui_helpers import make_window

    window = make_window(qtbot, lib, settings_path)
    controller = ImportController(window, lib.path)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("Markdown", False))

    def no_dialog(*a, **k):
        raise AssertionError("no file dialog after a cancelled question")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", no_dialog)
    window.run_command("import-with-layout")
    assert not controller.queue.busy
    controller.shutdown()
