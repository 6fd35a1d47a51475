"""Reading comfort (issue 15): the article header, the reading pane's menu, focus mode, F3
centring the match, search rows cut with "…", and the section picker's hint."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from reader.core import views
from reader.core.importing import import_file
from reader.core.placement import classify_for_library
from reader.core.snippets import (
    ELLIPSIS,
    MARK_CLOSE,
    MARK_OPEN,
    cut_marked,
    drop_marked,
    fit_marked,
    strip_marks,
)
from reader.ui.reading_menu import READING_MENU, menu_names
from reader.ui.reading_pane import WORD_JOINER, article_html, unbreakable
from reader.ui.search_engine import fitted_html
from tests.ui_helpers import Spec, add_articles, click_text, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NO = Qt.KeyboardModifier.NoModifier


def key(qtbot, k, modifier=NO) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, modifier)


def plain_lines(pane) -> list[str]:
    text = pane.toPlainText().replace(WORD_JOINER, "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# --- the header ------------------------------------------------------------------------------


@pytest.fixture
def seeded(lib, seed_dump):
    """The real sample dump, imported and sorted as the window's import does."""
    import_file(lib, seed_dump, classify=classify_for_library(lib))
    return lib


def gaza_id(lib) -> int:
    row = lib.conn.execute("SELECT id FROM articles WHERE title LIKE 'Gaza rescuers%'").fetchone()
    assert row is not None
    return row[0]


def test_header_is_kicker_headline_bullets_then_one_meta_line(qtbot, seeded, settings_path):
    window = make_window(qtbot, seeded, settings_path)
    window.show_article(gaza_id(seeded))
    record = window.reading_pane.article
    lines = plain_lines(window.reading_pane)
    assert lines[0] == f"{record.section} · Why here?"
    assert lines[1] == record.title
    bullets = [b.strip() for b in record.summary.splitlines() if b.strip()]
    assert lines[2 : 2 + len(bullets)] == bullets
    meta = lines[2 + len(bullets)]
    assert "from seed-dump.txt" in meta and meta.endswith("min read")
    assert " words" not in meta  # "1 words" is gone with the word count
    # The classifier's reasons are there on demand only.
    assert record.section_reason and record.section_reason not in window.reading_pane.toPlainText()
    window.close()


def meta_block(pane):
    doc = pane.document()
    block = doc.begin()
    while block.isValid():
        if "min\u00a0read" in block.text():
            return block
        block = block.next()
    raise AssertionError("no meta line")


@pytest.mark.parametrize("width", [300, 340, 380, 420, 480, 560])
def test_meta_line_wraps_between_items_never_inside_one(qtbot, lib, settings_path, width):
    from tests.ui_helpers import add_source

    src = add_source(lib.conn, "seed-dump-harbour.txt")
    (aid,) = add_articles(lib.conn, [Spec("Cranes idle", source_id=src)])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET byline = 'Ann Lee-Smith and Bo Chan', "
            "published_at = '2019-03-02 00:00:00.000' WHERE id = ?",
            (aid,),
        )
    window = make_window(qtbot, lib, settings_path)
    window.show_article(aid)
    pane = window.reading_pane
    pane.setFixedWidth(width)  # a narrow reading pane
    qtbot.waitUntil(lambda: pane.width() == width)
    block = meta_block(pane)
    layout = block.layout()
    text = block.text()
    assert layout.lineCount() >= (2 if width <= 480 else 1)  # narrow: it does wrap
    items = [unbreakable(i) for i in ("By Ann Lee-Smith and Bo Chan", "2 Mar 2019")]
    items += [unbreakable("from seed-dump-harbour.txt"), "1\u00a0min\u00a0read"]
    for i in range(1, layout.lineCount()):
        start = layout.lineAt(i).textStart()
        # Every line but the first starts with an item, right after a separator.
        assert text[:start].endswith("· "), (width, text[:start])
        assert any(text[start:].startswith(item) for item in items), text[start:]
    window.close()


def test_dump_text_in_the_meta_line_is_text_not_markup(lib, qtbot):
    (aid,) = add_articles(lib.conn, [Spec("Cranes idle")])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET byline = '<a href=\"x\">Ann</a>' WHERE id = ?", (aid,)
        )
    html = article_html(views.article(lib, aid), 11)
    assert '<a href="x">' not in html and "&lt;a" in html


def test_why_here_shows_the_reasons_as_plain_text(qtbot, lib, settings_path):
    ids = add_articles(lib.conn, [Spec("Harbour story", "World"), Spec("Second", "World")])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET section_reason = 'World: <b>harbour</b>, cranes'",
        )
    window = make_window(qtbot, lib, settings_path)
    window.show_article(ids[0])
    pane = window.reading_pane
    click_text(qtbot, pane, "Why here?")
    qtbot.waitUntil(lambda: "World: <b>harbour</b>, cranes" in pane.toPlainText())
    window.show_article(ids[1])  # asked for one article, not every one after it
    assert "Why here?" in pane.toPlainText() and "harbour" not in pane.toPlainText()
    window.close()


def test_copying_the_meta_line_gives_the_file_name_whole(qtbot, seeded, settings_path):
    window = make_window(qtbot, seeded, settings_path)
    window.show_article(gaza_id(seeded))
    pane = window.reading_pane
    found = pane.document().find("seed-")
    cursor = QTextCursor(found)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    assert WORD_JOINER in cursor.selectedText()
    pane.copy()
    assert QApplication.clipboard().text().startswith("seed-dump.txt · ")
    window.close()


# --- the reading pane's menu -------------------------------------------------------------------


def run_context_menu(qtbot, pane, then) -> list[str]:
    """Right-click in the pane; ``then(menu)`` runs while the menu is open; its entries."""
    seen: list[str] = []

    def act() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend(
            f"{a.text()}\t{a.shortcut().toString()}" if a.text() else "" for a in menu.actions()
        )
        then(menu)

    QTimer.singleShot(50, act)
    pos = QPoint(pane.viewport().width() // 2, 40)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, pane.viewport().mapToGlobal(pos))
    QApplication.sendEvent(pane.viewport(), event)
    qtbot.waitUntil(lambda: bool(seen))
    return seen


# A popup menu asks the platform for the keyboard: the offscreen plugin says it cannot.
@pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)
def test_reading_pane_menu_lists_the_article_commands_with_their_keys(qtbot, lib, settings_path):
    ids = add_articles(lib.conn, numbered(2))
    window = make_window(qtbot, lib, settings_path)
    window.keymap.bind("toggle-star", ["X"])
    window.show_article(ids[0])
    pane = window.reading_pane

    def star(menu: QMenu) -> None:
        [action] = [a for a in menu.actions() if a.objectName() == "reading-toggle-star"]
        action.trigger()
        menu.close()

    entries = run_context_menu(qtbot, pane, star)
    named = [e for e in entries if e]
    assert named[0] == "Read in focus mode (the article fills the window)\tReturn"
    assert "Mark read / unread\tM" in named
    assert "Star / unstar\tX" in named  # the key bound now
    assert "Move the selected articles to a section…\tV" in named
    assert "Why is this article in its section?\t" in named
    assert any(e.startswith(("&Copy", "Copy")) for e in named)
    assert any("Select All" in e for e in named)
    assert not any("Link Location" in e for e in named)
    qtbot.waitUntil(
        lambda: (
            lib.conn.execute("SELECT starred FROM articles WHERE id = ?", (ids[0],)).fetchone()
            == (1,)
        )
    )
    window.close()


def test_the_menu_list_skips_unregistered_names_and_spare_separators():
    registered = {"toggle-read", "copy-text"}
    names = ("-", "focus-mode", "-", "toggle-read", "-", "-", "split-here", "-", "copy-text", "-")
    assert menu_names(names, registered) == ["toggle-read", "-", "copy-text"]  # type: ignore[arg-type]
    assert "focus-mode" in READING_MENU and "toggle-star" in READING_MENU


# --- focus mode ----------------------------------------------------------------------------------


def test_focus_mode_hides_every_bar_and_escape_restores_what_was_shown(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    window.menus.toolbar.hide()  # the reader had hidden the toolbar: it stays hidden
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_J)
    key(qtbot, Qt.Key.Key_Return)
    assert window.focus_mode
    for bar in (window.menuBar(), window.statusBar(), window.sidebar, window.list_pane):
        assert not bar.isVisible(), bar
    assert window.reading_pane.isVisible() and window.reading_pane.hasFocus()
    assert window.focus_part.note.isVisible() and "Esc" in window.focus_part.note.text()
    key(qtbot, Qt.Key.Key_J)  # keys still work with the menu bar hidden
    assert window.reading_pane.article.title == "Story 1"
    key(qtbot, Qt.Key.Key_S)  # what the status bar would say shows over the page
    assert window.focus_part.note.isVisible() and "Starred" in window.focus_part.note.text()
    key(qtbot, Qt.Key.Key_Escape)
    assert not window.focus_mode
    for bar in (window.menuBar(), window.statusBar(), window.sidebar, window.list_pane):
        assert bar.isVisible(), bar
    assert not window.menus.toolbar.isVisible()
    assert not window.focus_part.note.isVisible()
    window.close()


# --- F3 ----------------------------------------------------------------------------------------


def test_f3_centres_the_match_in_the_page(qtbot, lib, settings_path):
    filler = "\n\n".join(f"Paragraph {i} of ordinary harbour news and weather." for i in range(80))
    body = f"{filler}\n\nThe zeppelin was seen at noon.\n\n{filler}"
    add_articles(lib.conn, [Spec("Long story", body=body)])
    window = make_window(qtbot, lib, settings_path)
    window.resize(1000, 700)
    window.article_list.setFocus()
    key(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search.bar.field, "zeppelin")
    qtbot.waitUntil(lambda: window.search.active and window.search.results.isVisible())
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.search.highlighter.count == 1)
    pane = window.reading_pane
    key(qtbot, Qt.Key.Key_F3)
    assert pane.textCursor().selectedText() == "zeppelin"
    middle = pane.viewport().height() / 2
    line = pane.fontMetrics().height() * 2
    assert abs(pane.cursorRect().center().y() - middle) <= line
    window.close()


# --- search rows ---------------------------------------------------------------------------------


def marked(text: str) -> str:
    return text.replace("[", MARK_OPEN).replace("]", MARK_CLOSE)


def test_cut_marked_keeps_marks_closed_and_ends_with_an_ellipsis():
    text = marked("the [storm] came at [dawn] and left")
    assert cut_marked(text, 100) == text
    assert cut_marked(text, 6) == marked("the [st]") + ELLIPSIS
    assert cut_marked(text, 4) == "the" + ELLIPSIS  # no space before the ellipsis
    assert strip_marks(cut_marked(text, 23)) == "the storm came at dawn" + ELLIPSIS


def test_a_match_past_the_cut_is_brought_into_view_with_an_ellipsis_before():
    text = marked("one two three four five six seven eight nine [storm] ten eleven")
    fitted = fit_marked(text, 20)
    assert fitted.startswith(ELLIPSIS) and fitted.endswith(ELLIPSIS)
    assert MARK_OPEN + "storm" + MARK_CLOSE in fitted
    assert len(strip_marks(fitted)) <= 21
    assert strip_marks(fitted)[1] != " "  # cut at a word
    early = marked("[storm] one two three four five six seven eight nine ten")
    assert fit_marked(early, 20) == cut_marked(early, 20)  # already in view: cut at the end
    assert drop_marked(marked("ab[cdef]gh"), 4) == marked("[ef]gh")


def test_result_rows_too_wide_end_with_an_ellipsis(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    font = QFont()
    text = marked("Storm walls held; the [storm] passed by noon and the harbour opened again")
    short = fitted_html(text, font, 10_000)
    assert ELLIPSIS not in short
    width = QFontMetrics(font).horizontalAdvance("Storm walls held; the storm pa")
    cut = fitted_html(text, font, width)
    assert cut.endswith(ELLIPSIS) and "storm" in cut and "harbour" not in cut
    late = marked("Storm walls held; the harbour opened again and the [zeppelin] passed by")
    narrow = fitted_html(late, font, width)
    assert narrow.startswith(ELLIPSIS) and "zeppelin" in narrow  # the end fits here
    assert QFontMetrics(font).horizontalAdvance(strip_marks(late)) > width


def test_snippets_cut_at_both_ends_say_so(lib):
    from reader.core.search import search

    filler = " ".join(f"word{i}" for i in range(200))
    add_articles(lib.conn, [Spec("Deep", body=f"{filler} zeppelin seen {filler}")])
    page = search(lib, "zeppelin")
    snippet = page.hits[0].snippet_text
    assert snippet.startswith(ELLIPSIS) and snippet.endswith(ELLIPSIS), snippet
