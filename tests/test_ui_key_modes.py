"""Key modes as data: each command registered once, a mode decides which commands keys reach,
and every key hint the window shows comes from the keymap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from reader.ui.commands import DEFAULT_KEYS, MODE_KEYS, MODE_OF, MODES, CommandRegistry, Keymap
from reader.ui.main_window import MainWindow
from reader.ui.settings import KEYMAP, Settings
from tests.ui_helpers import Spec, add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, modifier)


def test_the_tables_say_what_each_key_does_in_each_mode() -> None:
    keymap = Keymap()
    assert keymap.command_for("J") == "next-article"
    assert keymap.command_for("J", ["search"]) == "next-result"
    assert keymap.command_for("Esc", ["focus", "search"]) == "leave-focus-mode"
    assert keymap.command_for("Esc", ["search"]) == "leave-search"
    assert keymap.command_for("F2", ["saved-search"]) == "rename-saved-search"
    assert keymap.command_for("F2") == "rename-section"
    # A key a mode leaves alone reaches normal mode's command.
    assert keymap.command_for("S", ["search"]) == "toggle-star"
    assert set(MODE_KEYS) == set(MODES)
    assert all(MODE_OF[name] in MODES for name in DEFAULT_KEYS)
    # Within one mode, no key runs two commands.
    for mode, bindings in MODE_KEYS.items():
        seen: dict[str, str] = {}
        for name in bindings:
            for k in keymap.keys(name):
                assert seen.setdefault(k, name) == name, (mode, k)
    assert not hasattr(CommandRegistry, "replace")  # commands are never rewritten


def test_rebinding_within_a_mode_leaves_other_modes_alone() -> None:
    keymap = Keymap()
    keymap.bind("next-result", ["X"])
    assert keymap.command_for("X", ["search"]) == "next-result"
    assert keymap.command_for("J", ["search"]) == "next-article"  # J no longer bound in search
    assert keymap.keys("next-article") == ("J",)


@pytest.fixture
def window(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(5, section="World"))
    add_articles(lib.conn, [Spec("Storm at sea", "World", body="A storm.", hours_ago=500)])
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.close()


def test_every_command_is_registered_once_with_a_binding(window) -> None:
    window.search  # noqa: B018  (built after the first paint)
    window.section_actions  # noqa: B018
    names = [c.name for c in window.registry]
    assert len(names) == len(set(names))
    assert set(names) == set(DEFAULT_KEYS)


def test_a_menu_entry_does_what_its_key_does_in_the_mode(qtbot, window) -> None:
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "storm")
    qtbot.waitUntil(
        lambda: window.search.ctl is not None and window.search.ctl.model.rowCount() == 1
    )
    window.menus.actions["next-article"].trigger()  # Go → Next article: the next result
    assert window.reading_pane.article.title == "Storm at sea"  # not the list's "Story 0"


def test_key_hints_follow_the_keymap(qtbot, lib, settings_path) -> None:
    add_articles(lib.conn, numbered(3, section="World"))
    qsettings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings = Settings(qsettings)
    settings.set(KEYMAP, {"undo": ["Ctrl+U"], "next-article": ["Down"], "help": ["F12"]})
    window: MainWindow = make_window(qtbot, lib, settings_path)
    window.article_list.setFocus()
    text = window.reading_pane.toPlainText()
    assert "Down and K move through the list" in text and "Press F12" in text
    window.reading.move_article(1)
    key(qtbot, Qt.Key.Key_S)
    assert window.statusBar().currentMessage() == "Starred — Ctrl+U to undo"
    window.enter_focus_mode()
    assert "Esc to return" in window.focus_part.note.text()  # over the page: no status bar
    window.leave_focus_mode()
    assert window.menus.actions["undo"].shortcut().toString() == "Ctrl+U"
    window.close()


def test_help_lists_each_modes_keys_under_the_mode(window) -> None:
    from reader.ui.help_overlay import help_html

    window.search  # noqa: B018
    text = help_html(window.registry, window.keymap)
    normal, _, modes = text.partition("In search results")
    assert "Next result" in modes and "Next result" not in normal
    assert "Leave focus mode" in text.partition("In focus mode")[2]


def test_the_picker_is_a_key_mode_whose_hint_follows_the_keymap(qtbot, lib, settings_path) -> None:
    add_articles(lib.conn, numbered(3, section="World"))
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    settings.set(KEYMAP, {"picker-next": ["Ctrl+N"], "picker-cancel": ["Ctrl+G"]})
    window: MainWindow = make_window(qtbot, lib, settings_path)
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    key(qtbot, Qt.Key.Key_V)
    picker = window.section_actions.picker
    assert picker.isVisible() and window.modes()[0] == "picker"
    assert picker.hint.text() == "Up/Ctrl+N choose · Enter pick · Ctrl+G cancel"
    first = picker.list.currentItem().text()
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)  # no longer bound: the choice stays
    assert picker.list.currentItem().text() == first
    qtbot.keyClick(picker.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert picker.list.currentItem().text() != first
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)  # no longer bound: the picker stays
    assert picker.isVisible()
    qtbot.keyClick(picker.edit, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert not picker.isVisible()
    window.close()


def test_the_picker_hint_and_the_help_close_line_come_from_the_default_keys(window) -> None:
    from reader.ui.help_overlay import help_html

    picker = window.section_actions.picker
    assert picker.key_hint() == "Up/Down choose · Enter pick · Esc cancel"
    text = help_html(window.registry, window.keymap)
    assert "Pick the chosen section" in text.partition("In the section picker")[2]
    assert "Press Esc or ? to close." in text
    window.keymap.bind("help", ["F12"])
    assert "Press Esc or F12 to close." in help_html(window.registry, window.keymap)
    # A picker command run while the picker is shut (from a menu, say) does nothing.
    window.run_command("picker-pick")
    assert not picker.isVisible()


def test_the_help_overlay_closes_with_the_rebound_help_key(qtbot, window) -> None:
    window.keymap.bind("help", ["F12"])
    window.show_help()
    assert window.help_overlay.isVisible()
    qtbot.keyClick(window.help_overlay, Qt.Key.Key_F1)  # no longer the help key
    assert window.help_overlay.isVisible()
    qtbot.keyClick(window.help_overlay, Qt.Key.Key_F12)
    assert not window.help_overlay.isVisible()


def test_a_command_that_fails_says_so_in_the_status_bar(qtbot, window, lib) -> None:
    """One convention: the library's errors (and CommandError) raised by any command end in
    the status bar, never in a traceback; the library keeps what it had."""
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    read = "SELECT count(*) FROM articles WHERE read = 1"
    read_before = lib.conn.execute(read).fetchone()[0]
    lib.conn.execute("PRAGMA query_only = ON")  # every write now fails, as on a full disk
    try:
        key(qtbot, Qt.Key.Key_S)
        message = window.statusBar().currentMessage()
        assert message == "Star / unstar: failed (attempt to write a readonly database)"
        window.menus.actions["mark-view-read"].trigger()
        assert window.statusBar().currentMessage().startswith("Mark ")
        assert "failed (attempt to write a readonly database)" in (
            window.statusBar().currentMessage()
        )
    finally:
        lib.conn.execute("PRAGMA query_only = OFF")
    assert lib.conn.execute("SELECT count(*) FROM articles WHERE starred = 1").fetchone() == (0,)
    assert lib.conn.execute(read).fetchone()[0] == read_before
    # A failed write leaves nothing queued behind it: the next one goes through.
    key(qtbot, Qt.Key.Key_S)
    assert lib.conn.execute("SELECT count(*) FROM articles WHERE starred = 1").fetchone() == (1,)
    assert window.statusBar().currentMessage().startswith("Starred")
