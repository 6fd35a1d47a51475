"""What the window gives screen readers, checked in process (offscreen): names, descriptions,
the help dialog. tests/test_a11y_atspi.py reads the same through AT-SPI where it can run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QSplitter, QTextBrowser

from reader.core.views import View
from reader.ui.help_overlay import written_key, written_keys
from tests.ui_helpers import Spec, add_articles, add_source, make_window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NAME = Qt.ItemDataRole.AccessibleTextRole
DESCRIPTION = Qt.ItemDataRole.AccessibleDescriptionRole


@pytest.fixture
def window(qtbot, lib, settings_path):
    lib.ensure_section("World")
    lib.ensure_section("Politics")
    source = add_source(lib.conn, "evening.txt", new_count=2)
    add_articles(
        lib.conn,
        [
            Spec("Storm closes the bridge", hours_ago=1, source_id=source, starred=1),
            Spec("Bridge opens again", hours_ago=2, source_id=source, read=1),
        ],
    )
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.close()


def test_keys_are_written_as_people_write_them() -> None:
    assert written_key("J") == "j"
    assert written_key("Shift+J") == "Shift+J"
    assert written_key("?") == "?"
    assert written_key("Ctrl+Z") == "Ctrl+Z"
    assert written_key("Space") == "Space"


def test_the_help_lists_rebound_keys_as_written(window) -> None:
    window.keymap.bind("next-article", ["Shift+N"])
    window.keymap.bind("previous-article", ["X"])
    assert written_keys(window.keymap, "next-article") == "Shift+N"
    assert written_keys(window.keymap, "previous-article") == "x"
    assert written_keys(window.keymap, "focus-next-pane") == "Tab, l"


def test_sidebar_rows_are_named_with_their_counts_and_described_by_their_group(window) -> None:
    model = window.sidebar_model
    world = model.index_for(View("section", window.library.ensure_section("World")))
    assert world.data(NAME) == "World, 1 unread"
    assert world.data(DESCRIPTION).startswith("Section in Sections, ")
    assert model.index_for(View("starred")).data(NAME) == "Starred, 1 unread"
    politics = model.index_for(View("section", window.library.ensure_section("Politics")))
    assert politics.data(NAME) == "Politics, none unread"
    source = model.index_for(View("source", 1))
    assert source.data(NAME) == "evening.txt, 2 articles"
    described = source.data(DESCRIPTION)
    assert described.startswith("Source in Sources, 1 of 1: /tmp/evening.txt; Imported ")
    assert "<" not in described  # the tooltip's text, not its markup
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Views"
    assert window.sidebar.accessibleName() == "Sidebar"


def test_list_rows_say_their_state_and_dates_say_the_whole_date(window) -> None:
    model = window.list_model
    names = [model.index(r, 0).data(NAME) for r in range(model.rowCount())]
    assert names == ["Storm closes the bridge, unread, starred", "Bridge opens again"]
    date = model.index(0, model.columnCount() - 1).data(NAME)
    assert date.startswith("Added ") and len(date) > 12


def test_the_reading_pane_says_the_articles_state_and_lists_its_headings(qtbot, window) -> None:
    window.article_list.setFocus()
    window.run_command("next-article")
    pane = window.reading_pane
    assert pane.accessibleDescription() == "Storm closes the bridge (read, starred)"
    outline = window.accessibility.outline
    qtbot.waitUntil(lambda: [h[1] for h in outline.headings] == ["Storm closes the bridge"])
    (marker,) = [m for m in outline.markers if not m.isHidden()]
    assert marker.accessibleName() == "Storm closes the bridge"
    assert marker.accessibleDescription() == "Heading level 1"
    window.run_command("toggle-read")
    qtbot.waitUntil(lambda: pane.accessibleDescription().endswith("(unread, starred)"))


def test_nameless_controls_get_names(window) -> None:
    for splitter in window.findChildren(QSplitter):
        for i in range(splitter.count()):
            assert splitter.handle(i).accessibleName().startswith("Resize ")
    window.search_bar.field.setText("bridge")  # the clear button comes with text
    QApplication.processEvents()  # the button is named once Qt has built it
    buttons = [b for b in window.search_bar.field.children() if hasattr(b, "accessibleName")]
    assert any(b.accessibleName() == "Clear the search" for b in buttons)
    assert [a.text() for a in window.menus["Go"].actions()][:2] == [
        "Next article",
        "Previous article",
    ]


def test_the_help_is_a_modal_dialog_that_gives_focus_back(qtbot, window) -> None:
    window.article_list.setFocus()
    window.run_command("help")
    overlay = window.help_overlay
    assert isinstance(overlay, QDialog) and overlay.isModal() and overlay.isVisible()
    assert isinstance(overlay.text, QTextBrowser) and overlay.text.isReadOnly()
    assert overlay.text.toPlainText().startswith("Keyboard shortcuts")
    qtbot.keyClick(overlay.text, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    assert QApplication.focusWidget() is window.article_list


def test_the_pages_links_can_be_pressed_by_a_screen_reader(qtbot, window) -> None:
    with window.library.conn as conn:
        conn.execute("UPDATE articles SET section_reason = 'storm, bridge'")
    window.article_list.setFocus()
    window.run_command("next-article")
    outline = window.accessibility.outline
    qtbot.waitUntil(lambda: [link[0] for link in outline.links] == ["Why here?"])
    (marker,) = [m for m in outline.link_markers if not m.isHidden()]
    assert marker.accessibleName() == "Why here?" and marker.width() > 0
    assert "Storm, bridge" not in window.reading_pane.toPlainText()
    marker.activate()
    qtbot.waitUntil(lambda: "Storm, bridge" in window.reading_pane.toPlainText())
