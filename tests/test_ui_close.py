"""One close path: the window asks each part whether it can close, then shuts each down.

The window is built as ``dispatch`` builds it (reader/ui/app.py): search, the section commands
and the import controller plug in just after the first paint.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from reader.core import importing as importing_core
from reader.ui.app import open_window
from reader.ui.settings import Settings
from tests.ui_helpers import add_articles, numbered

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from gen_dump import generate  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_a_quit_cancelled_during_an_import_leaves_every_part_working(
    qtbot, lib, settings_path, tmp_path, monkeypatch
):
    add_articles(lib.conn, numbered(5, section="World"))
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    window, importing = open_window(lib, [], settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.started)
    importer = importing.controller
    asked: list[str] = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    # The import must still be running at the second close, however fast the machine: after
    # its first batch it is held (on the worker's thread) until it is cancelled.
    write = importing_core._Importer.write
    never = threading.Event()  # polled: the cancel is a callback, not an event to wait on

    def held_write(self, batch) -> None:
        write(self, batch)
        deadline = time.monotonic() + 60
        while not self.is_cancelled() and time.monotonic() < deadline:
            never.wait(0.01)

    monkeypatch.setattr(importing_core._Importer, "write", held_write)
    big = tmp_path / "big.txt"
    generate(big, 6, seed=4)
    with qtbot.waitSignal(importer.queue.progressed, timeout=30000):
        importer.import_paths([big])

    # A search is open when the reader asks to quit.
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "story")
    results = window.search.results
    qtbot.waitUntil(
        lambda: (
            results.isVisible() and results.model() is not None and results.model().rowCount() > 0
        )
    )

    window.close()  # "No": nothing is shut down
    assert asked == ["An import is running"]
    assert window.isVisible() and importer.queue.busy
    # Search still works: the results keep their model and follow new typing.
    assert results.isVisible() and not window.article_list.isVisible()
    assert results.model() is not None and window.search.ctl is not None
    qtbot.keyClicks(window.search.bar.field, " 3")
    qtbot.waitUntil(
        lambda: (
            results.model() is not None
            and [h.title for h in window.search.ctl.model.hits] == ["Story 3"]
        )
    )

    window.close()  # "Yes": the import is cancelled first, then every part shuts down
    assert not window.isVisible()
    assert asked == ["An import is running", "An import is running"]
    assert window.search.ctl is None
    with sqlite3.connect(lib.path) as conn:
        status = conn.execute("SELECT status FROM sources WHERE name = 'big.txt'").fetchone()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert status[0] == "cancelled"  # held until the quit cancelled it


def test_files_from_the_command_line_are_imported_once_the_window_has_painted(
    qtbot, lib, settings_path, tmp_path
):
    dump = tmp_path / "one.txt"
    generate(dump, 1, seed=2)
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    window, importing = open_window(lib, [dump], settings=settings)
    qtbot.addWidget(window)
    assert not importing.plugged_in  # nothing of importing before the first paint
    window.show()
    qtbot.waitUntil(lambda: window.started)
    queue = importing.controller.queue
    qtbot.waitUntil(lambda: not queue.busy and window.list_model.rowCount() > 0, timeout=30000)
    with sqlite3.connect(lib.path) as conn:
        assert conn.execute("SELECT name FROM sources").fetchall() == [("one.txt",)]
    window.close()
