"""Preferences (Ctrl+,): the Appearance page applies each choice at once and keeps it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPalette

from reader.ui import themes
from reader.ui.preferences import PreferencesDialog
from reader.ui.reading_pane import SANS_FAMILIES
from tests.ui_helpers import add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _default_palette(qapp):
    yield
    qapp.setPalette(QPalette())


def open_preferences(qtbot, window) -> PreferencesDialog:
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def page_colour(window) -> str:
    image = window.reading_pane.viewport().grab().toImage()
    return image.pixelColor(image.width() - 4, image.height() - 4).name()


def test_ctrl_comma_opens_preferences_and_the_menu_has_it(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    action = window.menus.actions["preferences"]
    assert action.text() == "Preferences…"
    assert action.shortcut().toString() == "Ctrl+,"
    assert action.menuRole() == QAction.MenuRole.PreferencesRole
    assert action in window.menus["Edit"].actions()
    dialog = open_preferences(qtbot, window)
    assert dialog.tabs.tabText(0) == "Appearance"
    window.run_command("preferences")  # again: the same dialog, brought forward
    assert window.findChildren(PreferencesDialog) == [dialog]


def test_appearance_choices_apply_at_once_and_survive_a_restart(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3, body="Words of a paragraph. " * 80))
    window = make_window(qtbot, lib, settings_path)
    window.run_command("next-article")
    pane = window.reading_pane
    dialog = open_preferences(qtbot, window)

    choose(dialog.theme, "dark")
    assert page_colour(window) == themes.THEMES["dark"].page

    margins = {}
    for width in ("narrow", "wide"):
        choose(dialog.width_choice, width)
        margins[width] = pane.document().rootFrame().frameFormat().leftMargin()
    assert margins["narrow"] > margins["wide"]

    choose(dialog.spacing_choice, 205)
    assert "line-height:205%" in pane.toHtml().replace(" ", "")

    choose(dialog.font_kind, "sans")
    assert pane.document().defaultFont().families()[0] == SANS_FAMILIES[0]
    choose(dialog.size_choice, 2)
    assert pane.text_step == 2
    dialog.close()
    window.close()

    again = make_window(qtbot, lib, settings_path)
    again.run_command("next-article")
    assert again.themes.choice == "dark"
    assert page_colour(again) == themes.THEMES["dark"].page
    assert again.typography.width == "wide" and again.reading_pane.measure_chars == 90
    assert again.typography.spacing == 205
    assert "line-height:205%" in again.reading_pane.toHtml().replace(" ", "")
    assert again.reading_pane.document().defaultFont().families()[0] == SANS_FAMILIES[0]
    assert again.reading_pane.text_step == 2
    reopened = open_preferences(qtbot, again)  # the page shows what was chosen
    assert reopened.theme.currentData() == "dark"
    assert reopened.font_kind.currentData() == "sans"
    assert reopened.width_choice.currentData() == "wide"
    assert reopened.size_choice.currentData() == 2


def test_any_installed_family_can_be_the_body_font(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    dialog = open_preferences(qtbot, window)
    assert not dialog.family.isEnabled()
    choose(dialog.font_kind, "other")
    assert dialog.family.isEnabled()
    family = dialog.family.itemText(dialog.family.count() - 1)
    dialog.family.setCurrentIndex(dialog.family.count() - 1)
    assert window.typography.font == family
    assert window.reading_pane.document().defaultFont().families()[0] == family


def is_read(lib, article_id: int) -> bool:
    return bool(
        lib.conn.execute("SELECT read FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    )


def test_never_mark_read_leaves_opened_articles_unread(qtbot, lib, settings_path):
    ids = add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    dialog = open_preferences(qtbot, window)
    choose(dialog.mark_read, "never")
    assert not dialog.mark_seconds.isEnabled()
    dialog.close()
    window.run_command("next-article")
    window.run_command("next-article")
    assert window.current_article_id == ids[1]
    assert not is_read(lib, ids[0]) and not is_read(lib, ids[1])
    window.run_command("toggle-read")  # the key still marks it
    qtbot.waitUntil(lambda: is_read(lib, ids[1]))
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.read_marking.mode == "never"


def test_mark_read_after_some_seconds_on_the_article(qtbot, lib, settings_path):
    ids = add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    dialog = open_preferences(qtbot, window)
    choose(dialog.mark_read, "delay")
    assert dialog.mark_seconds.isEnabled()
    dialog.mark_seconds.setValue(1)
    dialog.close()
    window.run_command("next-article")  # opened, then left before its second is up
    assert window.read_marking.pending == ids[0]
    window.run_command("next-article")
    assert window.read_marking.pending == ids[1]
    qtbot.waitUntil(lambda: is_read(lib, ids[1]), timeout=5000)
    assert not is_read(lib, ids[0])
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert (again.read_marking.mode, again.read_marking.seconds) == ("delay", 1)
