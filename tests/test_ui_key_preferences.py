"""Preferences → Keys: rebind by pressing the new key, conflicts shown, reset one or all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from reader.ui.preferences import PreferencesDialog
from tests.ui_helpers import add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def keys_page(qtbot, window):
    window.run_command("preferences")
    dialog = window.findChild(PreferencesDialog)
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentWidget(dialog.keys)
    return dialog, dialog.keys


def rebind(qtbot, page, name: str, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    page.select(name)
    page.start_capture()
    qtbot.keyClick(page.capture, key, modifier)


def test_a_key_rebound_works_shows_everywhere_and_is_kept(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    dialog, page = keys_page(qtbot, window)
    assert page.item_for("next-article").text(1) == "J"
    assert page.item_for("preferences").text(1) == "Ctrl+,"
    rebind(qtbot, page, "next-article", Qt.Key.Key_X)
    assert window.keymap.keys("next-article") == ("X",)
    assert page.item_for("next-article").text(1) == "X"
    assert window.menus.actions["next-article"].shortcut().toString() == "X"
    dialog.close()

    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_X)
    assert window.list_model.index(0, 0).data() == window.reading_pane.article.title
    window.run_command("help")
    assert "<b>x</b></td><td" in window.help_overlay.html().replace("\n", "")
    window.help_overlay.close_overlay()
    q = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert "next-article" in str(q.value("keys/overrides"))  # kept at once, not only on close
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.keymap.command_for("X") == "next-article"
    assert again.menus.actions["next-article"].shortcut().toString() == "X"


def test_a_conflicting_key_is_shown_and_taken_only_when_pressed_again(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    _dialog, page = keys_page(qtbot, window)
    rebind(qtbot, page, "next-article", Qt.Key.Key_K)
    assert "Previous article" in page.capture.text()
    assert window.keymap.keys("next-article") == ("J",)  # nothing changed yet
    qtbot.keyClick(page.capture, Qt.Key.Key_K)
    assert window.keymap.keys("next-article") == ("K",)
    assert window.keymap.keys("previous-article") == ()
    assert page.item_for("previous-article").text(1) == "—"


def test_escape_cancels_and_tab_can_be_bound(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    _dialog, page = keys_page(qtbot, window)
    page.select("toggle-star")
    page.start_capture()
    qtbot.keyClick(page.capture, Qt.Key.Key_Escape)
    assert not page.capture.capturing and window.keymap.keys("toggle-star") == ("S",)
    rebind(qtbot, page, "toggle-star", Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert window.keymap.keys("toggle-star") == ("Shift+F6",)


def test_reset_one_and_reset_all(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    _dialog, page = keys_page(qtbot, window)
    rebind(qtbot, page, "toggle-star", Qt.Key.Key_J)
    qtbot.keyClick(page.capture, Qt.Key.Key_J)  # taken from next-article
    rebind(qtbot, page, "toggle-read", Qt.Key.Key_F7)
    assert window.keymap.command_for("J") == "toggle-star"
    page.select("next-article")
    page.reset_button.click()
    assert window.keymap.keys("next-article") == ("J",)
    assert window.keymap.command_for("J") == "next-article"
    assert "J" not in window.keymap.keys("toggle-star")
    assert window.keymap.keys("toggle-read") == ("F7",)
    page.reset_all_button.click()
    assert window.keymap.overrides == {}
    assert window.keymap.keys("toggle-star") == ("S",)
    assert window.menus.actions["toggle-read"].shortcut().toString() == "M"
