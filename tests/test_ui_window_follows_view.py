"""The reading pane, the status bar and Shift+A follow the open view (issue 14's window bugs).

Each test drives the real window with keys on a real library file.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reader.core.views import View
from reader.ui.main_window import MainWindow
from tests.ui_helpers import Spec, add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def key(qtbot, k, modifier=NO) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, modifier)


def shown_title(window: MainWindow) -> str | None:
    a = window.reading_pane.article
    return a.title if a else None


def assert_pane_follows_view(window: MainWindow) -> None:
    """The reading pane shows an article of the open view, or says no article is open."""
    article = window.reading_pane.article
    if article is None:
        assert window.current_article_id is None
        assert "No article open" in window.reading_pane.toPlainText()
        return
    assert window.current_article_id == article.id
    assert window.list_model.row_of(article.id) is not None, (
        f"{article.title!r} is shown but not listed in {window.current_view.key}"
    )


@pytest.fixture
def window(qtbot, lib, settings_path):
    long_body = "\n\n".join(f"Paragraph {i} " + "words " * 80 for i in range(30))
    add_articles(lib.conn, numbered(6, section="World", body=long_body))
    add_articles(
        lib.conn,
        [
            Spec("Storm stops the match", "Sport", body="A storm stopped play.", hours_ago=300),
            Spec("Cup final tonight", "Sport", body="Calm weather.", hours_ago=301),
            Spec("Markets calm", "Business", body="Nothing moved.", hours_ago=302),
        ],
    )
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.close()


def section(lib, name: str) -> View:
    return View("section", lib.section_id(name))


def test_next_view_closes_an_article_the_new_view_does_not_list(qtbot, window, lib):
    window.open_view(section(lib, "World"))
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    assert shown_title(window) == "Story 0"
    for _ in range(3):  # Shift+J: on through the sidebar, none of them listing Story 0
        key(qtbot, Qt.Key.Key_J, SHIFT)
        assert window.current_view != section(lib, "World")
        assert_pane_follows_view(window)
    key(qtbot, Qt.Key.Key_K, SHIFT)
    assert_pane_follows_view(window)


def test_a_click_in_the_sidebar_closes_an_article_of_another_view(qtbot, window, lib):
    window.open_view(section(lib, "Business"))
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    assert shown_title(window) == "Markets calm"
    window.sidebar.setCurrentIndex(window.sidebar_model.index_for(section(lib, "Sport")))
    assert window.current_view == section(lib, "Sport")
    assert window.reading_pane.article is None
    assert_pane_follows_view(window)
    # A view that lists the article keeps it open.
    key(qtbot, Qt.Key.Key_J)
    title = shown_title(window)
    window.sidebar.setCurrentIndex(window.sidebar_model.index_for(View("all")))
    assert shown_title(window) == title
    assert_pane_follows_view(window)


def test_n_on_to_another_view_shows_an_article_of_that_view(qtbot, window, lib):
    world = lib.section_id("World")
    with lib.conn:
        lib.conn.execute("UPDATE articles SET read = 1 WHERE section_id = ?", (world,))
    window.open_view(section(lib, "World"))
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)  # a read article of World
    key(qtbot, Qt.Key.Key_N)  # nothing unread in World: on to another section
    assert window.current_view != section(lib, "World")
    assert window.reading_pane.article is not None
    assert_pane_follows_view(window)


def test_alt_left_goes_back_to_the_view_the_article_was_read_in(qtbot, window, lib):
    window.open_view(section(lib, "World"))
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    assert shown_title(window) == "Story 0"
    window.open_view(section(lib, "Business"))
    key(qtbot, Qt.Key.Key_J)
    assert shown_title(window) == "Markets calm"
    key(qtbot, Qt.Key.Key_Left, ALT)
    assert shown_title(window) == "Story 0"
    assert window.current_view == section(lib, "World")
    assert_pane_follows_view(window)
    key(qtbot, Qt.Key.Key_Right, ALT)
    assert shown_title(window) == "Markets calm"
    assert window.current_view == section(lib, "Business")
    assert_pane_follows_view(window)


def test_esc_leaving_a_search_closes_a_result_the_view_does_not_list(qtbot, window, lib):
    window.open_view(section(lib, "Business"))
    window.article_list.setFocus()
    if not window.search.bar.whole_library:
        window.search.bar.toggle_scope()
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "storm")
    qtbot.waitUntil(
        lambda: (
            window.search.ctl is not None
            and any(h.title == "Storm stops the match" for h in window.search.ctl.model.hits)
        )
    )
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_title(window) == "Storm stops the match")
    key(qtbot, Qt.Key.Key_Escape)
    assert not window.search.active
    assert window.current_view == section(lib, "Business")
    assert_pane_follows_view(window)


@pytest.mark.parametrize("k", [Qt.Key.Key_S, Qt.Key.Key_M])
def test_star_and_read_keep_the_reading_position(qtbot, window, lib, k):
    window.open_view(section(lib, "World"))
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    bar = window.reading_pane.verticalScrollBar()
    assert bar.maximum() > 0
    key(qtbot, Qt.Key.Key_Space)
    key(qtbot, Qt.Key.Key_Space)
    position = bar.value()
    assert position > 0
    key(qtbot, k)
    assert bar.value() == position
    key(qtbot, k)
    assert bar.value() == position
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert bar.value() == position
    if k == Qt.Key.Key_S:
        assert window.reading_pane.article.starred == 1


def unread(lib, title: str) -> bool:
    return (
        lib.conn.execute("SELECT read FROM articles WHERE title = ?", (title,)).fetchone()[0] == 0
    )


def test_shift_a_in_search_results_marks_what_is_listed(qtbot, window, lib):
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "storm")
    qtbot.waitUntil(
        lambda: (
            window.search.active
            and window.search.ctl is not None
            and [h.title for h in window.search.ctl.model.hits] == ["Storm stops the match"]
        )
    )
    window.search.results.setFocus()
    key(qtbot, Qt.Key.Key_A, SHIFT)
    assert not unread(lib, "Storm stops the match")
    assert unread(lib, "Cup final tonight") and unread(lib, "Story 0")
    assert "Marked 1 article" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.search.ctl.model.hits[0].read)
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert unread(lib, "Storm stops the match")
    qtbot.waitUntil(lambda: not window.search.ctl.model.hits[0].read)


def test_shift_a_in_a_saved_search_marks_what_is_listed(qtbot, window, lib):
    from reader.core.saved_search_ops import save_search

    sid = save_search(lib, "Paragraphs", "paragraph")
    window.search.saved_views.reload()
    item = window.search.saved_views.item(sid)
    window.sidebar.setCurrentIndex(item.index())
    qtbot.waitUntil(
        lambda: (
            window.search.active
            and window.search.ctl is not None
            and window.search.ctl.model.rowCount() == 6
        )
    )
    window.search.results.setFocus()
    key(qtbot, Qt.Key.Key_A, SHIFT)
    assert all(not unread(lib, f"Story {i}") for i in range(6))
    assert unread(lib, "Markets calm")
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert all(unread(lib, f"Story {i}") for i in range(6))


def test_status_bar_counts_the_open_view(qtbot, window, lib):
    assert window.status_label.text() == "9 unread · 9 articles"
    window.open_view(section(lib, "Sport"))
    assert window.status_label.text() == "2 unread · 2 articles"
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    assert window.status_label.text() == "1 unread · 2 articles"
    window.open_view(section(lib, "Business"))
    assert window.status_label.text() == "1 unread · 1 article"


def test_one_change_event_keeps_every_pane_right(qtbot, window, lib):
    """A move published once: the sidebar's counts, the list, the reading pane, the search
    results and the status bar all follow, with nobody refreshing them by hand."""
    business, sport = section(lib, "Business"), section(lib, "Sport")
    window.open_view(sport)
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "storm")
    qtbot.waitUntil(
        lambda: (
            window.search.ctl is not None
            and [h.title for h in window.search.ctl.model.hits] == ["Storm stops the match"]
        )
    )
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_title(window) == "Storm stops the match")
    storm = window.current_article_id
    assert window.counts.get(business) == 1
    window.section_actions.move_articles([storm], business.id)
    assert window.search.ctl.model.hits[0].section == "Business"  # the results
    assert window.reading_pane.article.section == "Business"  # the reading pane, in place
    assert window.counts.get(business) == 1  # it was read: the unread counts stay
    assert window.sidebar_model.item_for(business) is not None
    key(qtbot, Qt.Key.Key_Escape)  # back to Sport, which no longer lists it
    assert window.current_view == sport
    assert window.list_model.rowCount() == 1  # the list
    assert window.status_label.text() == "1 unread · 1 article"  # the status bar
    assert_pane_follows_view(window)
