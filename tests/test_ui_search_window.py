"""Search in the real main window on a real library file, driven with keys."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from reader.core.saved_search_ops import saved_searches
from reader.core.store import MIGRATIONS, SCHEMA_VERSION, migrate
from reader.core.views import View
from reader.ui.changes import LibraryChange
from reader.ui.main_window import MainWindow
from reader.ui.saved_searches import saved_id_of
from reader.ui.sidebar import CountRole, ViewKeyRole
from tests.ui_helpers import Spec, add_articles, make_window, numbered, open_library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NO = Qt.KeyboardModifier.NoModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def lib(tmp_path):
    lib = open_library(tmp_path / "library.sqlite3")
    add_articles(lib.conn, numbered(12, section="World"))
    add_articles(
        lib.conn,
        [
            # Inserted oldest first, as imports do (newest first follows the ids).
            # Title match: ranked first, though the oldest.
            Spec(
                "Storm closes the harbour",
                "World",
                body="The storm came at dawn. Storm walls held; the storm passed by noon.",
                hours_ago=90,
            ),
            Spec("Quiet league night", "Sport", body="Calm weather everywhere.", hours_ago=6),
            Spec("Cup final abandoned", "Sport", body="A storm stopped play twice.", hours_ago=5),
            # Newest of the storms, "storm" once in the body.
            Spec(
                "Ferry timetable changes", "World", body="A storm delayed one ferry.", hours_ago=1
            ),
        ],
    )
    yield lib
    lib.close()


@pytest.fixture
def window(qtbot, lib, settings_path):
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.close()


def key(qtbot, k, modifier=NO) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, modifier)


def search_for(qtbot, window: MainWindow, text: str) -> None:
    """Press / and type, as a user does; wait for the results to show."""
    key(qtbot, Qt.Key.Key_Slash)
    assert window.search.bar.field.hasFocus()
    qtbot.keyClicks(window.search.bar.field, text)
    qtbot.waitUntil(lambda: window.search.active and window.search.results.isVisible())
    qtbot.waitUntil(lambda: _results_for(window, text))


def _results_for(window: MainWindow, text: str) -> bool:
    ctl = window.search.ctl
    page = ctl.model.page if ctl else None
    return page is not None and page.query.text == text.strip()


def result_titles(window: MainWindow) -> list[str]:
    return [h.title for h in window.search.ctl.model.hits]


def shown_title(window: MainWindow) -> str | None:
    a = window.reading_pane.article
    return a.title if a else None


def is_read(lib, title: str) -> bool:
    row = lib.conn.execute("SELECT read FROM articles WHERE title = ?", (title,)).fetchone()
    return row[0] == 1


def test_slash_focuses_the_field_and_typing_shows_results(qtbot, window):
    assert window.search.bar.isVisible() and not window.search.results.isVisible()
    search_for(qtbot, window, "storm")
    assert not window.article_list.isVisible()
    assert set(result_titles(window)) == {
        "Storm closes the harbour",
        "Ferry timetable changes",
        "Cup final abandoned",
    }
    assert result_titles(window)[0] == "Storm closes the harbour"  # title weighs most
    assert "3 results" in window.search.bar.status.text()
    # Typing on narrows the results (debounced, no key runs a window command from the field).
    qtbot.keyClicks(window.search.bar.field, " harbour")
    qtbot.waitUntil(lambda: result_titles(window) == ["Storm closes the harbour"])
    assert window.reading_pane.article is None or not window.search.results.hasFocus()


def test_enter_opens_the_first_result_and_esc_returns_with_the_selection(qtbot, window, lib):
    for _ in range(4):  # ferry, cup final, quiet night, Story 0
        key(qtbot, Qt.Key.Key_J)
    before = shown_title(window)
    assert before == "Story 0"
    search_for(qtbot, window, "storm")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_title(window) == "Storm closes the harbour")
    assert window.search.results.hasFocus()
    assert is_read(lib, "Storm closes the harbour")
    # J moves through the results, not the hidden list.
    key(qtbot, Qt.Key.Key_J)
    assert shown_title(window) == result_titles(window)[1]
    key(qtbot, Qt.Key.Key_Escape)
    assert not window.search.active
    assert window.article_list.isVisible() and not window.search.results.isVisible()
    assert window.search.bar.text() == ""
    assert shown_title(window) == before
    row = window.article_list.currentIndex().row()
    assert window.list_model.article_id(row) == window.current_article_id
    assert window.article_list.selectionModel().isRowSelected(row)
    assert window.article_list.hasFocus()


def test_esc_in_the_field_clears_and_returns_to_the_list(qtbot, window):
    search_for(qtbot, window, "ferry")
    key(qtbot, Qt.Key.Key_Escape)
    assert not window.search.active and window.article_list.isVisible()
    assert window.article_list.hasFocus()


def test_scope_toggles_from_the_keyboard(qtbot, window, lib):
    sport = lib.section_id("Sport")
    window.open_view(View("section", sport))
    window.article_list.setFocus()
    search_for(qtbot, window, "storm")
    assert result_titles(window) == ["Cup final abandoned"]
    assert window.search.bar.scope_button.text() == "In Sport"
    key(qtbot, Qt.Key.Key_F, CTRL_SHIFT)  # from the field: the whole library
    assert window.search.bar.whole_library
    qtbot.waitUntil(lambda: len(result_titles(window)) == 3)
    assert window.search.bar.scope_button.text() == "All articles"
    window.search.results.setFocus()
    key(qtbot, Qt.Key.Key_F, CTRL_SHIFT)  # and from the results
    qtbot.waitUntil(lambda: result_titles(window) == ["Cup final abandoned"])


def test_order_toggles_between_relevance_and_newest(qtbot, window):
    search_for(qtbot, window, "storm")
    assert result_titles(window)[0] == "Storm closes the harbour"
    key(qtbot, Qt.Key.Key_O, CTRL_SHIFT)
    assert window.search.bar.order == "date"
    qtbot.waitUntil(
        lambda: (
            result_titles(window)
            == ["Ferry timetable changes", "Cup final abandoned", "Storm closes the harbour"]
        )
    )
    assert window.search.bar.order_button.text() == "Newest"
    key(qtbot, Qt.Key.Key_O, CTRL_SHIFT)
    qtbot.waitUntil(lambda: result_titles(window)[0] == "Storm closes the harbour")


def test_f3_jumps_between_highlighted_matches_in_the_reading_pane(qtbot, window):
    search_for(qtbot, window, "storm")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_title(window) == "Storm closes the harbour")
    pane = window.reading_pane
    hl = window.search.highlighter
    assert hl.count == 4  # once in the title, three times in the body
    assert len(pane.extraSelections()) == 4
    key(qtbot, Qt.Key.Key_F3)
    assert hl.current == 0 and window.statusBar().currentMessage() == "Match 1 of 4"
    key(qtbot, Qt.Key.Key_F3)
    assert hl.current == 1
    assert pane.textCursor().selectedText().casefold() == "storm"
    key(qtbot, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert hl.current == 0
    key(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert hl.current == 1
    # Leaving the search takes the highlights away.
    window.search.end()
    assert hl.count == 0 and pane.extraSelections() == []


def save_current_search(qtbot, window: MainWindow, name: str) -> int:
    key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QInputDialog, "saveSearchDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue(name)
    dialog.accept()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    found = [s for s in saved_searches(window.library) if s.name == name]
    assert len(found) == 1
    return found[0].id


def saved_item_count(window: MainWindow, sid: int) -> int | None:
    return window.search.saved_views.count(sid)


def test_saved_search_is_a_sidebar_view_with_a_live_unread_count(qtbot, window, lib):
    search_for(qtbot, window, "storm")
    key(qtbot, Qt.Key.Key_F, CTRL_SHIFT)  # whole library
    qtbot.waitUntil(lambda: len(result_titles(window)) == 3)
    sid = save_current_search(qtbot, window, "Storms")
    saved = saved_searches(window.library)[0]
    assert (saved.name, saved.query, saved.scope) == ("Storms", "storm", None)
    index = window.sidebar.currentIndex()
    assert saved_id_of(index.data(ViewKeyRole)) == sid
    assert index.parent().data() == "Saved searches"
    qtbot.waitUntil(lambda: saved_item_count(window, sid) == 3)
    # Reading a matching article counts it off, as the other views do.
    window.search.results.setFocus()
    key(qtbot, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: saved_item_count(window, sid) == 2)
    key(qtbot, Qt.Key.Key_M)  # unread again
    qtbot.waitUntil(lambda: saved_item_count(window, sid) == 3)
    assert "Storms (3 unread)" in window.windowTitle()
    # The results' bold titles follow the marking.
    row = window.search.results.currentIndex().row()
    assert not window.search.ctl.model.hits[row].read


def test_saved_view_survives_reopening_the_library(qtbot, lib, settings_path, tmp_path):
    first = make_window(qtbot, lib, settings_path)
    search_for(qtbot, first, "ferry")
    save_current_search(qtbot, first, "Ferries")
    first.close()
    lib.close()

    again = open_library(tmp_path / "library.sqlite3")
    try:
        window = make_window(qtbot, again, settings_path)
        items = window.search.saved_views.header
        assert items is not None and items.child(0).text() == "Ferries"
        assert not items.child(0).icon().isNull()  # given with the sidebar's, after first paint
        sid = saved_id_of(items.child(0).data(ViewKeyRole))
        qtbot.waitUntil(lambda: items.child(0).data(CountRole) == 1)
        # Opening it from the sidebar shows its results in the list's place.
        window.sidebar.setFocus()
        window.sidebar.setCurrentIndex(items.child(0).index())
        qtbot.waitUntil(lambda: window.search.active and _results_for(window, "ferry"))
        assert result_titles(window) == ["Ferry timetable changes"]
        assert window.search.saved_views.open_id == sid
        assert window.search.bar.whole_library  # the saved search's scope
        # Shift+K back up to the smart views ends the search.
        key(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier)
        assert not window.search.active
        assert not window.search.bar.whole_library  # the reader's own choice again
        assert window.sidebar.currentIndex().data(ViewKeyRole) == "today"
        window.close()
    finally:
        again.close()


def test_rename_and_delete_a_saved_search_from_the_sidebar(qtbot, window):
    search_for(qtbot, window, "ferry")
    sid = save_current_search(qtbot, window, "Ferries")
    index = window.search.saved_views.item(sid).index()
    menu = window.search.saved_views.build_sidebar_menu(index)
    names = [a.objectName() for a in menu.actions()]
    assert names == [
        "menu-open-saved-search",
        "menu-rename-saved-search",
        "menu-delete-saved-search",
    ]
    assert (
        window.search.saved_views.build_sidebar_menu(window.sidebar_model.index_for(View("all")))
        is None
    )
    window.sidebar.setCurrentIndex(index)
    window.sidebar.setFocus()
    key(qtbot, Qt.Key.Key_F2)  # F2 renames what the sidebar has selected
    dialog = window.findChild(QInputDialog, "renameSavedSearchDialog")
    assert dialog is not None and dialog.textValue() == "Ferries"
    dialog.setTextValue("  Boats \n ")
    dialog.accept()
    assert [s.name for s in saved_searches(window.library)] == ["Boats"]
    assert window.search.saved_views.item(sid).text() == "Boats"
    key(qtbot, Qt.Key.Key_Delete, CTRL_SHIFT)
    box = window.findChild(QMessageBox, "deleteSavedSearchDialog")
    assert box is not None and "Boats" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert saved_searches(window.library) == []
    assert window.search.saved_views.header is None
    assert not window.search.active and window.article_list.isVisible()


def test_saving_without_a_query_says_what_to_do(qtbot, window):
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.findChild(QInputDialog, "saveSearchDialog") is None
    assert "Type a search first" in window.statusBar().currentMessage()


@pytest.mark.parametrize("text", ['"storm', "storm OR", "-", "NEAR(", "'; DROP TABLE articles;--"])
def test_a_malformed_query_shows_the_fields_note_and_never_raises(qtbot, window, text):
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, text)
    qtbot.waitUntil(lambda: window.search.bar.status.isVisible())
    status = window.search.bar.status.text()
    assert status
    if text in ('"storm', "storm OR", "-"):
        assert "Not understood" in status
    assert window.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 16


def test_help_overlay_shows_the_search_keys_and_query_language(qtbot, window):
    key(qtbot, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    text = window.help_overlay.html()
    assert "Save search as view…" in text and "F3" in text and "Ctrl+Shift+F" in text
    assert "is:unread" in text and "before:/after:" in text


def test_a_v2_library_gets_the_saved_searches_table(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:2])
    conn.close()
    lib = open_library(path)
    try:
        assert lib.schema_version == SCHEMA_VERSION
        names = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master")}
        assert "saved_searches" in names
    finally:
        lib.close()


def test_results_show_two_line_rows_with_highlighted_snippets(qtbot, window):
    search_for(qtbot, window, "ferry")
    view = window.search.results
    ctl = window.search.ctl
    assert view.itemDelegateForColumn(0) is ctl.delegate
    assert view.verticalHeader().defaultSectionSize() >= 2 * view.fontMetrics().height()
    hit = ctl.model.hits[0]
    assert "<b>ferry</b>" in hit.snippet_html.casefold()


def test_esc_after_reading_a_result_selects_it_in_the_view(qtbot, window):
    window.article_list.setFocus()
    search_for(qtbot, window, "ferry")
    key(qtbot, Qt.Key.Key_Down)  # Down, like Enter, goes to the first result
    qtbot.waitUntil(lambda: shown_title(window) == "Ferry timetable changes")
    assert window.windowTitle().startswith("Search: ferry")
    key(qtbot, Qt.Key.Key_Up)  # Up on the first result: back to the field
    assert window.search.bar.field.hasFocus()
    key(qtbot, Qt.Key.Key_Escape)
    assert shown_title(window) == "Ferry timetable changes"
    assert not window.windowTitle().startswith("Search")
    row = window.article_list.currentIndex().row()
    assert window.list_model.article_id(row) == window.current_article_id
    assert window.reading_pane.textCursor().hasSelection() is False


def test_keys_in_the_results_tab_between_panes_and_choosing_a_view_ends_the_search(
    qtbot, window, lib
):
    search_for(qtbot, window, "storm")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(window.search.results.hasFocus)
    key(qtbot, Qt.Key.Key_N)  # next unread result
    assert shown_title(window) == result_titles(window)[1]
    key(qtbot, Qt.Key.Key_Tab)
    assert window.reading_pane.hasFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert window.sidebar.hasFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert window.search.results.hasFocus()
    key(qtbot, Qt.Key.Key_Return)  # focus mode hides the results too
    assert window.focus_mode and not window.search.pane.isVisible()
    key(qtbot, Qt.Key.Key_Escape)
    assert not window.focus_mode and window.search.results.isVisible()
    assert window.search.active
    window.sidebar.select_view(View("section", lib.section_id("Sport")))
    assert not window.search.active and window.article_list.isVisible()
    assert window.current_view == View("section", lib.section_id("Sport"))


def test_results_follow_a_move_and_a_saved_search_outlives_its_section(qtbot, window, lib):
    from reader.core import section_ops

    search_for(qtbot, window, "ferry")
    hit = window.search.ctl.model.hits[0]
    sport = lib.section_id("Sport")
    section_ops.move_articles(lib, [hit.id], sport)
    window.publish(LibraryChange.everything())
    assert window.search.ctl.model.hits[0].section == "Sport"
    # A search saved in a section that is later deleted searches the whole library.
    window.search.end()
    weather = section_ops.create_section(lib, "Weather")
    window.publish(LibraryChange.everything())
    window.open_view(View("section", weather.id))
    window.article_list.setFocus()
    search_for(qtbot, window, "storm")
    assert result_titles(window) == []
    sid = save_current_search(qtbot, window, "Weather storms")
    assert saved_searches(window.library)[0].scope == View("section", weather.id)
    section_ops.delete_section(lib, weather.id)
    window.publish(LibraryChange.everything())
    assert window.search.saved_views.saved[0].scope is None
    qtbot.waitUntil(lambda: saved_item_count(window, sid) == 3)
