"""Hand fixes and re-parse from the window, on real library files, with their keys and undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core import readahead
from reader.core.importing import import_file
from reader.core.store import Library
from reader.core.views import View
from reader.ui.hand_fixes import body_block_at
from tests.test_reparse import DUMP, older_parser
from tests.ui_helpers import make_window

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
BBC20 = Path(__file__).parent / "fixtures" / "layouts" / "blank_bbc20.txt"


def count(lib: Library) -> int:
    return lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def ids(lib: Library) -> list[int]:
    return [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id")]


def press(qtbot, window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


@pytest.fixture
def window(qtbot, lib: Library, tmp_path: Path):
    import_file(lib, BBC20)
    w = make_window(qtbot, lib, tmp_path / "settings.ini")
    qtbot.waitUntil(lambda: w.started)
    return w


def long_article(lib: Library) -> int:
    """An article with at least five body blocks."""
    for article_id, body in lib.conn.execute("SELECT id, body FROM articles ORDER BY id"):
        if body.count("\n\n") >= 4:
            return article_id
    raise AssertionError("no long article in the fixture")


def put_cursor(window, index: int) -> None:
    """The reader clicks into the body's block ``index``."""
    pane = window.reading_pane
    block = pane.document().lastBlock()
    while body_block_at(pane, QTextCursor(block)) != index:
        block = block.previous()
        assert block.isValid()
    pane.setTextCursor(QTextCursor(block))


def test_split_here_from_the_keyboard_and_undo(qtbot, window, lib: Library) -> None:
    target = long_article(lib)
    window.show_article(target)
    window.reading_pane.setFocus()
    put_cursor(window, 2)
    headline = window.reading_pane.textCursor().block().text()
    before = count(lib)
    press(qtbot, window, Qt.Key.Key_S, CTRL_ALT)
    assert count(lib) == before + 1
    new_title = lib.conn.execute("SELECT title FROM articles ORDER BY id DESC").fetchone()[0]
    assert new_title == headline
    assert "is an article of its own — Ctrl+Z to undo" in window.statusBar().currentMessage()
    assert headline not in window.reading_pane.toPlainText()  # the pane shows the cut article
    assert window.list_model.rowCount() == before + 1
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert count(lib) == before
    assert headline in window.reading_pane.toPlainText()


def test_split_at_the_first_paragraph_says_why_not(qtbot, window, lib: Library) -> None:
    window.show_article(long_article(lib))
    window.reading_pane.setFocus()
    put_cursor(window, 0)
    before = count(lib)
    press(qtbot, window, Qt.Key.Key_S, CTRL_ALT)
    assert count(lib) == before
    assert window.statusBar().currentMessage() == (
        "This is already the article's first paragraph; edit the headline instead."
    )


def test_split_with_no_paragraph_clicked_cuts_at_the_first_in_view(
    qtbot, window, lib: Library
) -> None:
    target = long_article(lib)
    window.show_article(target)
    window.reading_pane.setFocus()
    second = lib.conn.execute("SELECT body FROM articles WHERE id = ?", (target,)).fetchone()[0]
    second = second.split("\n\n")[1]
    before = count(lib)
    press(qtbot, window, Qt.Key.Key_S, CTRL_ALT)  # the text cursor is in the header
    assert count(lib) == before + 1
    title = lib.conn.execute("SELECT title FROM articles ORDER BY id DESC").fetchone()[0]
    assert title == second


def test_join_with_previous_and_undo(qtbot, window, lib: Library) -> None:
    _first, second, third = ids(lib)[:3]
    title = lib.conn.execute("SELECT title FROM articles WHERE id = ?", (third,)).fetchone()[0]
    window.show_article(third)
    press(qtbot, window, Qt.Key.Key_J, CTRL_ALT)
    assert third not in ids(lib)
    assert window.current_article_id == second
    assert title in window.reading_pane.toPlainText()  # now a cross-head of the previous one
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert third in ids(lib)
    assert window.current_article_id == third


def test_join_the_first_article_says_so(qtbot, window, lib: Library) -> None:
    before = count(lib)
    window.show_article(ids(lib)[0])
    press(qtbot, window, Qt.Key.Key_J, CTRL_ALT)
    assert count(lib) == before
    assert window.statusBar().currentMessage() == "No article comes before this one in its dump."


def test_edit_headline_and_undo(qtbot, window, lib: Library) -> None:
    target = ids(lib)[4]
    window.show_article(target)
    old = window.reading_pane.article.title
    press(qtbot, window, Qt.Key.Key_E, CTRL_ALT)
    dialog = window.hand_fixes.headline_dialog
    assert dialog is not None and dialog.isVisible() and dialog.textValue() == old
    dialog.setTextValue("<b>A headline</b> typed by the reader")
    dialog.accept()
    assert window.reading_pane.article.title == "<b>A headline</b> typed by the reader"
    assert "<b>A headline</b>" in window.reading_pane.toPlainText()  # shown as written
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.article.title == old


def test_reparse_from_the_sidebar_confirms_with_counts(
    qtbot, lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(readahead, "parse_stream", older_parser(readahead.parse_stream))
        import_file(lib, DUMP)
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    qtbot.waitUntil(lambda: window.started)
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    source = window.sidebar_model.index_for(View("source", 1))
    menu = window.sources.build_sidebar_menu(source)
    assert menu is not None
    action = menu.findChild(type(menu.actions()[0]), "menu-reparse-source")
    fixes = window.hand_fixes
    with qtbot.waitSignal(fixes.reparsed, timeout=30000) as done:
        action.trigger()
        assert fixes.worker is not None  # counted on the worker, the window free meanwhile
    assert done.args[0] is not None and done.args[0].after == 40
    assert "blank_bbc40.txt: 28 articles would become 40" in asked[0]
    assert count(lib) == 40
    assert window.list_model.rowCount() == 40
    assert "28 articles became 40" in window.statusBar().currentMessage()


def test_split_here_from_the_reading_pane_menu(qtbot, window, lib: Library) -> None:
    target = long_article(lib)
    window.show_article(target)
    pane = window.reading_pane
    put_cursor(window, 3)
    block = pane.textCursor().block()
    headline = block.text()
    pane.setTextCursor(QTextCursor(pane.document()))  # the click elsewhere: the menu's point counts
    top = pane.document().documentLayout().blockBoundingRect(block).top()
    pane.verticalScrollBar().setValue(int(top) - 20)  # the reader scrolled to it
    point = pane.cursorRect(QTextCursor(block)).center()
    assert pane.viewport().rect().contains(point)
    pane.menu_cursor = pane.cursorForPosition(point)
    assert pane.menu_builder is not None
    menu = pane.menu_builder(point)
    names = [a.objectName() for a in menu.actions()]
    assert {"reading-split-here", "reading-join-previous", "reading-edit-headline"} <= set(names)
    split = next(a for a in menu.actions() if a.objectName() == "reading-split-here")
    assert split.shortcut().toString() == "Ctrl+Alt+S"  # shown, not bound
    before = count(lib)
    split.trigger()
    menu.deleteLater()
    assert count(lib) == before + 1
    title = lib.conn.execute("SELECT title FROM articles ORDER BY id DESC").fetchone()[0]
    assert title == headline
    assert pane.menu_cursor is None
