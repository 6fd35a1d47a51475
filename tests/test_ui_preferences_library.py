"""Preferences → Reading's "At the end of an article", Preferences → Library, and File → Open
another library… switching the window to another library file (real files, real window)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.ui import app as ui_app
from reader.ui.library_switch import LibrarySession
from reader.ui.preferences import PreferencesDialog
from reader.ui.settings import Settings
from tests.ui_helpers import add_articles, make_window, numbered, open_library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def preferences(qtbot, window) -> PreferencesDialog:
    window.run_command("preferences")
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def space(qtbot, window) -> None:
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Space)


# --- Space at the end of an article ----------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "then"),
    [("next-unread", "Story 2"), ("next-article", "Story 1"), ("nothing", "Story 0")],
)
def test_space_at_the_end_does_what_the_reading_page_says(qtbot, lib, settings_path, choice, then):
    add_articles(lib.conn, numbered(3))
    with lib.conn:
        lib.conn.execute("UPDATE articles SET read = 1 WHERE title = 'Story 1'")
    window = make_window(qtbot, lib, settings_path)
    dialog = preferences(qtbot, window)
    assert dialog.at_end.currentData() == "next-unread"  # the default, as before
    choose(dialog.at_end, choice)
    dialog.close()
    window.run_command("next-article")
    assert window.reading_pane.article.title == "Story 0"
    assert window.reading_pane.at_end()  # a short article: Space is at its end at once
    space(qtbot, window)
    assert window.reading_pane.article.title == then
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.reading.at_end == choice
    again.close()


def test_the_empty_pane_hint_follows_the_choice(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(2))
    window = make_window(qtbot, lib, settings_path)
    assert "then on to the next unread" in window.reading_pane.toPlainText()
    window.reading.set_at_end("nothing")
    window.reading.show_no_article()
    assert "Space reads on, page by page." in window.reading_pane.toPlainText()
    window.close()


# --- the Library page ----------------------------------------------------------------------------


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_library_page_shows_copies_and_reveals_the_library(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    page = preferences(qtbot, window).library
    resolved = Path(lib.path).resolve()
    assert page.path_field.text() == str(resolved)
    assert page.path_field.isReadOnly()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(resolved)
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # the desktop's file manager
    try:
        qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(resolved.parent)]
    window.close()


# --- Open another library… -------------------------------------------------------------------


@pytest.fixture
def other(tmp_path):
    lib = open_library(tmp_path / "other" / "second.sqlite3")
    add_articles(lib.conn, [*numbered(2, section="Sport")])
    with lib.conn:
        lib.conn.execute("UPDATE articles SET title = 'Other ' || title")
    lib.close()
    return tmp_path / "other" / "second.sqlite3"


def make_session(qtbot, lib, settings_path) -> LibrarySession:
    """The window as ``dispatch`` makes it, with Open another library… plugged in."""
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    s = LibrarySession(ui_app.open_window, lib, [], settings=settings)
    s.window.show()
    qtbot.waitExposed(s.window)
    qtbot.waitUntil(lambda: s.window.started)
    return s


@pytest.fixture
def session(qtbot, lib, settings_path):
    s = make_session(qtbot, lib, settings_path)
    yield s
    s.window.close()
    s.importer.shutdown()
    s.library.close()


def titles(window) -> list[str]:
    model = window.list_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_opening_another_library_switches_the_window_and_loses_nothing(
    qtbot, lib, settings_path, other
):
    ids = add_articles(lib.conn, numbered(3))
    session = make_session(qtbot, lib, settings_path)
    first = session.window
    first.run_command("next-article")
    first.run_command("toggle-star")  # written on the window's writer: must reach the file
    assert session.open_library(other)
    assert session.window is not first
    new = session.window
    qtbot.waitExposed(new)
    assert new.library.path == other and session.library is new.library
    assert lib.conn is None  # the first library was closed
    qtbot.waitUntil(lambda: new.list_model.rowCount() == 2)
    assert all(t.startswith("Other ") for t in titles(new))
    with sqlite3.connect(lib.path) as conn:  # the star reached the first library's file
        assert (
            conn.execute("SELECT starred FROM articles WHERE id = ?", (ids[0],)).fetchone()[0] == 1
        )
    # The first library's window state was kept for it, under its own name.
    q = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert any(k.endswith("reading/article") and q.value(k) in (ids[0], str(ids[0]))
               for k in q.allKeys())  # fmt: skip
    new.close()
    session.importer.shutdown()
    session.library.close()


def test_open_another_library_from_the_library_page(qtbot, session, other, monkeypatch):
    asked: list[str] = []

    def pick(parent, caption, folder, filters):
        asked.append(caption)
        return str(other), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    window = session.window
    page = preferences(qtbot, window).library
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert asked == ["Open another library"]
    qtbot.waitUntil(lambda: session.window is not window)
    assert session.window.library.path == other
    session.window.menus["File"].aboutToShow.emit()  # its entries: made as it opens
    assert "open-library" in session.window.menus.actions
    assert session.window.menus.actions["open-library"] in session.window.menus["File"].actions()


def damaged_copy(path: Path) -> None:
    """A real library whose header's page size SQLite cannot use."""
    open_library(path).close()
    data = bytearray(path.read_bytes())
    data[16:18] = (3).to_bytes(2, "big")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("plain words, no database"), "not a Dispatch library"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: None, "There is no library file"),
        (lambda p: damaged_copy(p), "is damaged"),
    ],
)
def test_a_file_that_is_not_a_library_is_refused_and_nothing_changes(
    qtbot, tmp_path, session, make, says
):
    bad = tmp_path / "notes.sqlite3"
    make(bad)
    window = session.window
    assert not session.open_library(bad)
    box = window.findChild(QMessageBox, "openLibraryRefused")
    assert box is not None and box.isVisible()
    assert says in box.text(), box.text()
    assert session.window is window and window.isVisible()
    assert session.library.conn is not None  # still open, still in use
    box.close()


def test_the_same_library_again_says_so(qtbot, session, lib):
    window = session.window
    window.open_library_handler = lambda: session.open_library(lib.path)
    window.run_command("open-library")
    assert "is the library open now" in window.statusBar().currentMessage()
    assert session.window is window


def test_without_a_session_the_command_says_how(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    window.run_command("open-library")
    assert "dispatch --db FILE" in window.statusBar().currentMessage()
    window.close()


class Refuses:
    """A part of the window that will not let it close (as an import the reader keeps)."""

    def can_close(self) -> bool:
        return False

    def shutdown(self) -> None:
        raise AssertionError("never shut down: the window did not close")


def test_a_part_that_refuses_to_close_keeps_the_window_and_its_library(qtbot, session, other):
    window = session.window
    window.add_part(Refuses())
    assert not session.open_library(other)
    assert session.window is window and window.isVisible()
    assert session.library.conn is not None
    # The other file was opened to check it, then closed again: it can be opened at once.
    again = open_library(other)
    again.close()
    window._parts.clear()  # let the fixture close it
