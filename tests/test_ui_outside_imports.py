"""Another program imports into the open library (``dispatch import`` in a terminal): the window
notices within a second or so and every pane catches up, as with its own imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.importing import import_file
from reader.core.store import Library
from reader.ui.changes import LibraryChange
from reader.ui.importer import ImportController
from reader.ui.outside_imports import OutsideImports
from tests.test_importing import many_articles
from tests.ui_helpers import window_with_user_settings


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        import_file(lib, many_articles(tmp_path / "first.txt", 20), section="World")
    return path


@pytest.fixture
def window(qtbot, library_path, tmp_path, monkeypatch):
    lib = Library(library_path)
    win = window_with_user_settings(qtbot, lib, tmp_path, monkeypatch)
    qtbot.waitUntil(lambda: win.counts.total == 20)
    yield win
    win.close()
    lib.close()


def _import_elsewhere(path: Path, dump: Path) -> int:
    """What a ``dispatch import`` in a terminal does: its own connection, its own commits."""
    with Library(path) as other:
        result = import_file(other, dump, section="Business")
    assert result.status == "done"
    return result.new


def test_the_window_shows_what_another_program_imported(qtbot, window, library_path, tmp_path):
    controller = ImportController(window, library_path)
    assert window.counts.total == 20
    dump = many_articles(tmp_path / "second.txt", 30).read_text(encoding="utf-8")
    (tmp_path / "second.txt").write_text(dump.replace("Council", "Parish council"), "utf-8")
    with qtbot.waitSignal(
        window.changed, timeout=10_000, check_params_cb=lambda c: c.added and c.names
    ):
        assert _import_elsewhere(library_path, tmp_path / "second.txt") == 30
    qtbot.waitUntil(lambda: window.counts.total == 50)
    assert window.list_model.rowCount() == 50  # the open view (all articles) lists them
    assert controller.outside.poll() is False  # announced once


def test_nothing_is_announced_while_the_window_imports_itself(tmp_path, library_path, qtbot):
    """Its own import's batches are announced already; another look after it adds nothing."""
    published: list[LibraryChange] = []
    busy = [True]
    with Library(library_path) as lib:
        outside = OutsideImports(lib, published.append, lambda: busy[0], interval_ms=3_600_000)
        assert outside.poll() is False
        _import_elsewhere(library_path, many_articles(tmp_path / "a.txt", 5))
        assert outside.poll() is False and published == []
        busy[0] = False
        assert outside.poll() is False  # seen while busy: not announced after
        text = many_articles(tmp_path / "b.txt", 5).read_text(encoding="utf-8")
        (tmp_path / "b.txt").write_text(text.replace("Council", "Town board"), "utf-8")
        _import_elsewhere(library_path, tmp_path / "b.txt")
        assert outside.poll() is True
        assert published == [LibraryChange.of_import(None)]
        outside.timer.stop()


def test_a_look_that_fails_is_tried_again_at_the_next(tmp_path, library_path, monkeypatch):
    import sqlite3

    from reader.ui import outside_imports

    published: list[LibraryChange] = []
    with Library(library_path) as lib:
        outside = OutsideImports(lib, published.append, lambda: False, interval_ms=3_600_000)
        outside.timer.stop()
        _import_elsewhere(library_path, many_articles(tmp_path / "a.txt", 5))
        real = outside_imports.import_mark

        def locked(_lib):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(outside_imports, "import_mark", locked)
        assert outside.poll() is False and published == []
        monkeypatch.setattr(outside_imports, "import_mark", real)
        assert outside.poll() is True and published == [LibraryChange.of_import(None)]


def test_looking_stops_once_the_library_is_closed(library_path):
    """The window closes its library before the last timer events: a look then stops looking."""
    lib = Library(library_path)
    outside = OutsideImports(lib, [].append, lambda: False, interval_ms=3_600_000)
    assert outside.timer.isActive()
    lib.close()
    assert outside.poll() is False and not outside.timer.isActive()
