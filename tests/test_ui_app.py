"""reader.ui.app.run: the real entry point of the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.ui import app as app_module
from reader.ui.main_window import MainWindow
from tests.ui_helpers import add_articles, numbered, open_library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """QSettings() in run() writes under tmp_path, not the user's configuration."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))
    yield


def test_run_reports_a_bad_library_and_exits_1(qapp, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("these are my notes, not a database\n")
    shown = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text: shown.append((title, text))
    )
    assert app_module.run(bad, []) == 1
    assert shown and str(bad) in shown[0][1]
    assert "not" in shown[0][1]
    assert str(bad) in capsys.readouterr().err
    assert bad.read_text() == "these are my notes, not a database\n"  # untouched


def test_run_opens_the_window_on_the_library(qapp, tmp_path):
    path = tmp_path / "library.sqlite3"
    lib = open_library(path)
    add_articles(lib.conn, numbered(3))
    lib.close()
    seen = {}

    def close_window():
        # No assertion in here: an exception in a timer would leave the loop running.
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and not all(w.started for w in windows):
            QTimer.singleShot(50, close_window)  # the icon and counts come after the first paint
            return
        seen["windows"] = len(windows)
        for window in windows:
            seen["icon"] = not window.windowIcon().isNull()
            seen["title"] = window.windowTitle()
            seen["rows"] = window.list_model.rowCount()
            window.close()  # the last window: app.exec() returns

    QTimer.singleShot(200, close_window)
    assert app_module.run(path, []) == 0
    assert seen["windows"] == 1
    assert seen["rows"] == 3
    assert "Dispatch" in seen["title"]
    assert qapp.applicationName() == "Dispatch"
    assert qapp.desktopFileName() == "org.dispatchreader.Dispatch"
    assert not qapp.windowIcon().isNull() and seen["icon"]
