"""The window's start: what it builds after its first paint is there, and works, from the start.

The Trash and source commands, the list's context menu and the screen-reader part are made in
the first event-loop turn after the first paint (reader/ui/later_parts.py). These tests start
the window as ``dispatch`` does (app.open_window) and use each part at once; and press a key or
open a menu before that turn, which must build them rather than lose the key or a menu entry.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from reader.core.views import TRASH
from reader.ui.later_parts import LATER
from reader.ui.main_window import MainWindow
from reader.ui.settings import Settings
from tests.ui_helpers import add_articles, numbered


def built(window: MainWindow) -> dict[str, bool]:
    """Which later parts the window has made (reading the attribute would make it)."""
    return {name: name in window.__dict__ for name in ("trash", "sources", "list_menu")}


def trashed(lib) -> list[str]:
    sql = "SELECT title FROM articles WHERE deleted_at IS NOT NULL ORDER BY title"
    return [r[0] for r in lib.conn.execute(sql)]


def menu_texts(menu: QMenu) -> list[str]:
    """Entries as "name<tab>key" (the key is the entry's shortcut, shown, never bound)."""
    out = []
    for a in menu.actions():
        if not a.isSeparator():
            key = a.shortcut().toString()
            out.append(f"{a.text()}\t{key}" if key else a.text())
    return out


@pytest.fixture
def started(qtbot, lib, settings_path):
    """A window started as ``dispatch`` starts one, shown and past its first paint."""
    from reader.ui.app import open_window

    add_articles(lib.conn, numbered(5))
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    window, _importing = open_window(lib, [], settings=settings)
    qtbot.addWidget(window)
    assert not any(built(window).values())  # nothing of them before the first paint
    with qtbot.waitSignal(window.startup_finished, timeout=10_000):
        window.show()
    yield window
    window.trash.jobs.wait()
    window.close()


def test_the_later_parts_are_built_right_after_the_first_paint(started):
    assert all(built(started).values())
    for name in ("delete-articles", "remove-source", "copy-headline", "empty-trash"):
        assert name in started.registry, name
    article = [a.objectName() for a in started.menus["Article"].actions()]
    assert "action-delete-articles" in article and "action-restore-articles" in article
    file_menu = [a.objectName() for a in started.menus["File"].actions()]
    assert "action-remove-source" in file_menu
    # View: its commands, then the list's submenus (built after the entries, below them).
    view = [a.objectName() or (a.menu().objectName() if a.menu() else "-")
            for a in started.menus["View"].actions()]  # fmt: skip
    assert view[0] == "action-focus-mode" and "action-full-screen" in view
    assert view[-3:] == ["menuSortBy", "menuListRows", "menuLayout"]
    # The Trash's status sits after the library's label, as when it was built before the paint.
    bar = started.statusBar()
    assert bar.findChild(type(started.trash.status)) is started.trash.status
    for name in LATER:  # search, the section commands, hand fixes and export too
        assert getattr(started, name) is not None


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # the popup
def test_a_right_click_and_delete_work_on_a_freshly_started_window(started, lib, qtbot):
    view = started.article_list
    view.setFocus()
    seen: list[list[str]] = []

    def close_menu() -> None:
        popup = QApplication.activePopupWidget()
        if popup is None:
            QTimer.singleShot(20, close_menu)
            return
        assert isinstance(popup, QMenu)
        seen.append(menu_texts(popup))
        popup.close()

    pos = view.visualRect(started.list_model.index(1, 0)).center()
    QTimer.singleShot(0, close_menu)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Move to the Trash\tDel" in seen[0]

    started.reading.list.set_current_row(0)
    first = started.list_model.row_at(0).title  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: trashed(lib) == [first], timeout=10_000)


def test_a_key_and_a_menu_before_the_first_paint_build_what_they_need(qtbot, lib, settings_path):
    """Keys and menus are never lost to the start: the parts are built as they are needed."""
    add_articles(lib.conn, numbered(3))
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    window = MainWindow(lib, settings)
    qtbot.addWidget(window)
    assert not any(built(window).values())
    # A menu opened first lists the Trash's entries.
    window.menus["Article"].aboutToShow.emit()
    assert "action-delete-articles" in [a.objectName() for a in window.menus["Article"].actions()]
    assert all(built(window).values())
    window.close()

    again = MainWindow(lib, settings)
    qtbot.addWidget(again)
    again.reading.list.set_current_row(0)
    first = again.list_model.row_at(0).title  # type: ignore[union-attr]
    assert not any(built(again).values())
    qtbot.keyClick(again.article_list, Qt.Key.Key_Delete)  # before any paint: to the Trash
    assert all(built(again).values())
    qtbot.waitUntil(lambda: trashed(lib) == [first], timeout=10_000)
    again.trash.jobs.wait()
    again.close()

    # In the Trash, R restores: a key of the Trash's mode, which a later part brings.
    third = MainWindow(lib, settings)
    qtbot.addWidget(third)
    third.views.open_view(TRASH)
    qtbot.waitUntil(lambda: third.list_model.rowCount() == 1)
    third.reading.list.set_current_row(0)
    assert "trash" not in third.__dict__
    qtbot.keyClick(third.article_list, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: trashed(lib) == [], timeout=10_000)
    third.trash.jobs.wait()
    third.close()
