"""Issue 15's bar for Preferences, end to end: Ctrl+, opens them; a theme, a font and a key chosen
there apply at once and survive a restart, and the rebound key works and shows in the "?"
overlay, the menu bar and the reading pane's menu."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette

from reader.ui import themes
from reader.ui.preferences import PreferencesDialog
from reader.ui.reading_pane import SANS_FAMILIES
from tests.ui_helpers import add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _default_palette(qapp):
    yield
    qapp.setPalette(QPalette())


def page_colour(window) -> str:
    image = window.reading_pane.viewport().grab().toImage()
    return image.pixelColor(image.width() - 4, image.height() - 4).name()


def starred(lib, title: str) -> bool:
    row = lib.conn.execute("SELECT starred FROM articles WHERE title = ?", (title,)).fetchone()
    return bool(row[0])


def shows_key_everywhere(window, key: str) -> None:
    """The key bound to toggle-star, in the menu bar, the reading pane's menu and the overlay."""
    action = window.menus.actions["toggle-star"]
    assert (action.text(), action.shortcut().toString()) == ("Star / unstar", key)
    menu = window.reading_menu.build(QPoint(10, 10))
    assert ("Star / unstar", key) in [(a.text(), a.shortcut().toString()) for a in menu.actions()]
    menu.deleteLater()
    window.run_command("help")
    html = window.help_overlay.html().replace("\n", "")
    written = key.lower() if len(key) == 1 else key
    assert re.search(rf"<b>{re.escape(written)}</b></td><td[^>]*>Star / unstar<", html)
    window.help_overlay.close_overlay()


def test_preferences_apply_at_once_survive_a_restart_and_the_key_shows(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_J)
    assert window.reading_pane.article.title == "Story 0"
    qtbot.keyClick(window.article_list, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Appearance",
        "Reading",
        "Keys",
        "Library",
    ]

    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert page_colour(window) == themes.THEMES["dark"].page  # at once, the dialog still open
    dialog.font_kind.setCurrentIndex(dialog.font_kind.findData("sans"))
    assert window.reading_pane.document().defaultFont().families()[0] == SANS_FAMILIES[0]
    dialog.tabs.setCurrentWidget(dialog.keys)
    dialog.keys.select("toggle-star")
    dialog.keys.start_capture()
    qtbot.keyClick(dialog.keys.capture, Qt.Key.Key_X)
    shows_key_everywhere(window, "X")
    dialog.close()

    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_X)  # the new key works
    qtbot.waitUntil(lambda: starred(lib, "Story 0"))
    qtbot.keyClick(window.article_list, Qt.Key.Key_S)  # the old key no longer stars
    assert starred(lib, "Story 0")
    window.close()

    again = make_window(qtbot, lib, settings_path)
    assert again.themes.choice == "dark"
    assert page_colour(again) == themes.THEMES["dark"].page
    assert again.reading_pane.document().defaultFont().families()[0] == SANS_FAMILIES[0]
    shows_key_everywhere(again, "X")
    again.article_list.setFocus()
    qtbot.keyClick(again.article_list, Qt.Key.Key_J)
    title = again.reading_pane.article.title
    was = starred(lib, title)
    qtbot.keyClick(again.article_list, Qt.Key.Key_X)  # still the key after the restart
    qtbot.waitUntil(lambda: starred(lib, title) != was)
    again.close()
