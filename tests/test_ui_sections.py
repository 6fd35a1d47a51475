"""Sections from the window: manage them, move articles (picker, drag), undo, reasons, re-sort.

The real main window on real library files; dialogs are answered by monkeypatching QInputDialog
and QMessageBox; the re-sort runs on its real thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from reader.core import section_ops
from reader.core.views import ALL, View
from reader.ui.article_model import ARTICLE_IDS_MIME, TITLE, article_ids_from_mime
from reader.ui.commands import DEFAULT_KEYS, Keymap, normalize
from reader.ui.help_overlay import help_html
from reader.ui.reading_pane import placement_text
from reader.ui.section_picker import Section, filter_sections
from tests.ui_helpers import Spec, add_articles, click_text, make_window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SPORT_TEXT = (
    "The Lakers won the basketball playoff game against the Celtics as their guard scored "
    "31 points in the fourth quarter of the NBA series."
)
BUSINESS_TEXT = (
    "Shares rose after the bank reported higher quarterly profit and revenue, investors said, "
    "as the stock market rallied."
)


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, lib, tmp_path):
    add_articles(lib.conn, [Spec(f"World story {i}", "World", hours_ago=10 + i) for i in range(6)])
    add_articles(lib.conn, [Spec(f"Match {i}", "Sport", hours_ago=30 + i) for i in range(3)])
    w = make_window(qtbot, lib, tmp_path / "settings.ini")
    yield w
    thread = w.section_actions.resort_thread
    if thread is not None:
        thread.cancel()
        thread.wait()
    w.close()


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, k, modifier)


def section_id(lib, name: str) -> int:
    return lib.conn.execute("SELECT id FROM sections WHERE name = ?", (name,)).fetchone()[0]


def section_of(lib, title: str) -> str:
    return lib.conn.execute(
        "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.title = ?",
        (title,),
    ).fetchone()[0]


def sidebar_sections(window) -> list[str]:
    header = window.sidebar_model.sections_header
    return [header.child(i).text() for i in range(header.rowCount())]


def answer_text(monkeypatch, *answers: tuple[str, bool]) -> list[tuple]:
    """QInputDialog.getText answers, in order; returns the prompts it was asked."""
    asked = []
    queue = list(answers)

    def get_text(parent, title, label, *args, **kwargs):
        asked.append((title, label, args))
        return queue.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def answer_question(monkeypatch, answer) -> list[str]:
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def record_warnings(monkeypatch) -> list[str]:
    said = []

    def warning(parent, title, text, *args, **kwargs):
        # What the box shows: dialogs get their text escaped into rich text (plain_text.rich).
        said.append(QTextDocumentFragment.fromHtml(text).toPlainText())

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return said


def select_rows(window, rows: list[int]) -> None:
    """Select rows as Ctrl-clicks would (current on the last)."""
    sm = window.article_list.selectionModel()
    model = window.list_model
    flags = QItemSelectionModel.SelectionFlag
    sm.clearSelection()
    for r in rows:
        sm.setCurrentIndex(model.index(r, TITLE), flags.Select | flags.Rows)


def titles_in_list(window) -> list[str]:
    return [window.list_model.row_at(r).title for r in range(window.list_model.rowCount())]


# --- commands and keys ---------------------------------------------------------------------------


def test_section_commands_have_free_keys_and_show_in_help(window):
    keymap = Keymap()
    names = [
        "move-to-section",
        "new-section",
        "rename-section",
        "move-section-up",
        "move-section-down",
        "delete-section",
        "resort-all",
        "import-into-section",
    ]
    text = help_html(window.registry, keymap)
    for name in names:
        assert name in window.registry
        assert keymap.keys(name), name
        for k in keymap.keys(name):
            # The key runs this command (saved searches share F2 and Ctrl+Shift+Del on purpose:
            # the search wiring routes those commands when a saved search is selected).
            assert keymap.command_for(k) == name, k
            others = {n for n, ks in DEFAULT_KEYS.items() if normalize(k) in map(normalize, ks)}
            assert others - {name} <= {"rename-saved-search", "delete-saved-search"}, k
        assert window.registry[name].description in text.replace("&#x27;", "'")
    assert keymap.command_for("V") == "move-to-section"
    assert "Sections" in text
    menu = window.menuBar().findChild(type(window.menuBar().actions()[0].menu()), "menuSections")
    assert menu is not None
    assert any("Re-sort all articles" in a.text() for a in menu.actions())


# --- managing sections -----------------------------------------------------------------------------


def test_create_rename_reorder_delete_from_the_keyboard(qtbot, window, lib, monkeypatch):
    answer_text(monkeypatch, ("Middle East", True))
    key(
        qtbot,
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    names = sidebar_sections(window)
    assert names[-2:] == ["Middle East", "Other"]  # new sections go above Other

    # Rename the section open in the sidebar (F2).
    window.open_view(View("section", section_id(lib, "Middle East")))
    asked = answer_text(monkeypatch, ("Mideast", True))
    key(qtbot, window, Qt.Key.Key_F2)
    assert asked[0][2][1] == "Middle East"  # the field starts with the old name
    assert sidebar_sections(window)[-2:] == ["Mideast", "Other"]
    assert window.windowTitle().startswith("Mideast")

    # Move it up twice, then down once.
    up = (Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    down = (Qt.Key.Key_Down, up[1])
    key(qtbot, window, *up)
    key(qtbot, window, *up)
    assert sidebar_sections(window)[-4:] == ["Mideast", "Sport", "Culture", "Other"]
    key(qtbot, window, *down)
    assert sidebar_sections(window)[-4:] == ["Sport", "Mideast", "Culture", "Other"]
    assert [s.name for s in section_ops.sections(lib)] == sidebar_sections(window)
    # The open view is still selected in the sidebar.
    assert window.sidebar.currentIndex().data() == "Mideast"

    # Delete Sport: the confirmation says where its 3 articles go; the view is left alone.
    window.open_view(View("section", section_id(lib, "Sport")))
    asked = answer_question(monkeypatch, QMessageBox.StandardButton.Cancel)
    key(
        qtbot,
        window,
        Qt.Key.Key_Delete,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert "Sport" in asked[0] and "3 articles go to Other" in asked[0]
    assert "Sport" in sidebar_sections(window)
    answer_question(monkeypatch, QMessageBox.StandardButton.Yes)
    key(
        qtbot,
        window,
        Qt.Key.Key_Delete,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert "Sport" not in sidebar_sections(window)
    assert section_of(lib, "Match 0") == "Other"
    # Where the articles went is opened, with them in it and the counts right.
    assert window.current_view == View("section", section_id(lib, "Other"))
    assert sorted(titles_in_list(window)) == ["Match 0", "Match 1", "Match 2"]
    assert window.counts.get(View("section", section_id(lib, "Other"))) == 3
    assert "Deleted section Sport" in window.statusBar().currentMessage()


def test_bad_names_and_other_are_refused_with_a_message(qtbot, window, lib, monkeypatch):
    said = record_warnings(monkeypatch)
    answer_text(monkeypatch, ("  world ", True), ("Unread", True), ("", False))
    before = sidebar_sections(window)
    window.run_command("new-section")
    window.run_command("new-section")
    window.run_command("new-section")  # cancelled: nothing said
    assert said == [
        "There is already a section called “World”.",
        "“Unread” is a view of the sidebar already; choose another name.",
    ]
    assert sidebar_sections(window) == before
    window.open_view(View("section", section_id(lib, "Other")))
    window.run_command("rename-section")
    window.run_command("delete-section")
    assert len(said) == 4 and all("Other" in s for s in said[2:])
    # With no section selected the commands say what to do.
    window.open_view(ALL)
    window.run_command("rename-section")
    assert "Select a section" in window.statusBar().currentMessage()


def test_sidebar_context_menu_acts_on_the_row_under_the_mouse(qtbot, window, lib, monkeypatch):
    actions = window.section_actions
    model = window.sidebar_model
    sport = model.index_for(View("section", section_id(lib, "Sport")))
    menu = actions.build_context_menu(sport)
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert texts == [
        "Rename…",
        "Move up",
        "Move down",
        "Delete…",
        "New section…",
        "Re-sort all articles…",
    ]
    answer_text(monkeypatch, ("Sports", True))
    menu.findChild(type(menu.actions()[0]), "menu-rename-section").trigger()
    assert "Sports" in sidebar_sections(window)
    other = model.index_for(View("section", section_id(lib, "Other")))
    menu = actions.build_context_menu(other)
    disabled = [a.text().split("\t")[0] for a in menu.actions() if not a.isEnabled()]
    assert disabled == ["Rename…", "Move down", "Delete…"]
    assert actions.build_context_menu(model.index_for(ALL)) is None
    header_menu = actions.build_context_menu(model.sections_header.index())
    assert [a.text().split("\t")[0] for a in header_menu.actions()] == [
        "New section…",
        "Re-sort all articles…",
    ]


# --- moving articles with the picker -----------------------------------------------------------------


def test_filter_sections_prefix_then_word_then_inner():
    secs = [Section(i, n, i) for i, n in enumerate(["World", "Sport", "Motorsport", "Wide Sports"])]
    assert [s.name for s in filter_sections(secs, "spo")] == ["Sport", "Wide Sports", "Motorsport"]
    assert [s.name for s in filter_sections(secs, "")] == [s.name for s in secs]
    assert filter_sections(secs, "xyz") == []


def test_picker_filters_as_you_type_and_moves_the_selection(qtbot, window, lib):
    window.open_view(View("section", section_id(lib, "World")))
    window.article_list.setFocus()
    key(qtbot, window, Qt.Key.Key_J)  # opens World story 0
    assert window.reading_pane.article.title == "World story 0"
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # extend: 2 rows
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # 3 rows
    # Choosing several rows opens none of them (they stay unread).
    assert window.reading_pane.article.title == "World story 0"
    unread = lib.conn.execute("SELECT COUNT(*) FROM articles WHERE read = 0").fetchone()[0]
    assert unread == 8

    key(qtbot, window, Qt.Key.Key_V)
    picker = window.section_actions.picker
    assert picker.isVisible() and picker.edit.hasFocus()
    assert picker.title.text() == "Move 3 articles to…"
    assert "World  (current)" in picker.visible_names()
    qtbot.keyClicks(picker.edit, "s")
    shown = picker.visible_names()
    assert shown[:2] == ["Science", "Sport"]  # names starting with it first, in sidebar order
    assert "Business" in shown and "Health" not in shown
    assert shown[-1] == "Create section “s”"
    assert picker.list.currentItem().text() == "Science"
    qtbot.keyClicks(picker.edit, "po")
    assert picker.visible_names() == ["Sport", "Create section “spo”"]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert not picker.isVisible()

    assert [section_of(lib, f"World story {i}") for i in range(4)] == [
        "Sport",
        "Sport",
        "Sport",
        "World",
    ]
    # The articles left the World view; the one in their place is open and selected.
    assert titles_in_list(window) == [f"World story {i}" for i in (3, 4, 5)]
    assert window.reading_pane.article.title == "World story 3"
    assert window.article_list.currentIndex().row() == 0
    assert window.counts.get(View("section", section_id(lib, "Sport"))) == 5
    assert "Moved 3 articles to Sport" in window.statusBar().currentMessage()
    assert window.article_list.hasFocus()

    # Ctrl+Z puts them back where they were, as they were.
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [section_of(lib, f"World story {i}") for i in range(3)] == ["World"] * 3
    assert lib.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 0
    assert titles_in_list(window)[:3] == ["World story 0", "World story 1", "World story 2"]
    assert window.counts.get(View("section", section_id(lib, "Sport"))) == 3
    assert "Move undone" in window.statusBar().currentMessage()


def test_picker_navigation_escape_and_create(qtbot, window, lib):
    window.open_view(ALL)
    window.article_list.setFocus()
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_V)
    picker = window.section_actions.picker
    # Down/Up choose among the pickable rows; Esc cancels and moves nothing.
    first = picker.list.currentItem().text()
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    assert picker.list.currentItem().text() != first
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert section_of(lib, "World story 0") == "World"
    assert window.article_list.hasFocus()

    # A name that does not exist is offered as a new section.
    key(qtbot, window, Qt.Key.Key_V)
    qtbot.keyClicks(picker.edit, "Middle East")
    assert picker.visible_names() == ["Create section “Middle East”"]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert section_of(lib, "World story 0") == "Middle East"
    assert "Middle East" in sidebar_sections(window)
    # The reading pane says why it is there now, when asked.
    window.run_command("why-here")
    assert "Moved to Middle East by you" in window.reading_pane.toPlainText()
    # Learned: the move is a training example.
    assert lib.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 1


def test_nothing_selected_says_so(qtbot, window):
    window.article_list.selectionModel().clearSelection()
    window.current_article_id = None
    window.run_command("move-to-section")
    assert not window.section_actions.picker.isVisible()
    assert "Select the articles" in window.statusBar().currentMessage()


# --- moving articles by dragging ---------------------------------------------------------------------


def drag_events(target, pos: QPoint, mime: QMimeData):
    buttons = (Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    action = Qt.DropAction.MoveAction
    enter = QDragEnterEvent(pos, action, mime, *buttons)
    move = QDragMoveEvent(pos, action, mime, *buttons)
    drop = QDropEvent(QPointF(pos), action, mime, *buttons)
    return enter, move, drop


def test_drag_from_list_dropped_on_a_section_moves_the_articles(qtbot, window, lib):
    window.open_view(View("section", section_id(lib, "World")))
    select_rows(window, [1, 3])
    indexes = window.article_list.selectionModel().selectedIndexes()
    mime = window.list_model.mimeData(indexes)
    assert mime.hasFormat(ARTICLE_IDS_MIME)
    moved_ids = article_ids_from_mime(mime)
    assert [window.list_model.row_of(i) for i in moved_ids] == [1, 3]

    sidebar = window.sidebar
    viewport = sidebar.viewport()
    # Over a smart view: the drag is ours (entered) but that row takes no drop.
    all_pos = sidebar.visualRect(window.sidebar_model.index_for(ALL)).center()
    enter, move, _ = drag_events(viewport, all_pos, mime)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, move)
    assert not move.isAccepted()
    assert not sidebar.drop_target().isValid()

    business = window.sidebar_model.index_for(View("section", section_id(lib, "Business")))
    pos = sidebar.visualRect(business).center()
    _, move, drop = drag_events(viewport, pos, mime)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    assert sidebar.drop_target() == business  # highlighted while hovered
    with qtbot.waitSignal(sidebar.articles_dropped) as dropped:
        QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()
    assert dropped.args == [moved_ids, section_id(lib, "Business")]
    assert not sidebar.drop_target().isValid()
    assert [section_of(lib, f"World story {i}") for i in range(5)] == [
        "World",
        "Business",
        "World",
        "Business",
        "World",
    ]
    assert titles_in_list(window) == [f"World story {i}" for i in (0, 2, 4, 5)]
    # Sidebar counts are unread counts: row 1 was opened (read) when it was clicked.
    assert window.counts.get(View("section", section_id(lib, "Business"))) == 1
    # And undo works for drops as for the picker.
    window.run_command("undo")
    assert section_of(lib, "World story 1") == "World"


def test_drag_leave_clears_the_highlight(qtbot, window, lib):
    mime = QMimeData()
    mime.setData(ARTICLE_IDS_MIME, b"1")
    sidebar = window.sidebar
    index = window.sidebar_model.index_for(View("section", section_id(lib, "Sport")))
    enter, _move, _ = drag_events(sidebar.viewport(), sidebar.visualRect(index).center(), mime)
    QApplication.sendEvent(sidebar.viewport(), enter)
    assert sidebar.drop_target() == index
    QApplication.sendEvent(sidebar.viewport(), QDragLeaveEvent())
    assert not sidebar.drop_target().isValid()


def test_file_dropped_on_the_sidebar_still_imports(qtbot, window, lib, tmp_path):
    from reader.ui.importer import ImportController

    dump = tmp_path / "dump.txt"
    dump.write_text(
        "Harbour ferry gets an electric engine\n\nBERGEN: The old harbour ferry returned to "
        "service with a battery engine on Monday.\nIt crosses twenty times a day.\n",
        encoding="utf-8",
    )
    controller = ImportController(window, lib.path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dump))])
    sidebar = window.sidebar
    pos = sidebar.visualRect(window.sidebar_model.index_for(View("section", 1))).center()
    enter, _, drop = drag_events(sidebar.viewport(), pos, mime)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        QApplication.sendEvent(sidebar.viewport(), enter)
        assert enter.isAccepted()  # by the window's import handler, up the parent chain
        QApplication.sendEvent(sidebar.viewport(), drop)
        assert drop.isAccepted()
    assert (
        lib.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE title = 'Harbour ferry gets an electric engine'"
        ).fetchone()[0]
        == 1
    )
    controller.shutdown()


# --- why an article is where it is ----------------------------------------------------------------


def test_reading_pane_shows_why_the_article_was_placed(qtbot, lib, tmp_path):
    ids = add_articles(lib.conn, [Spec("Lakers beat Celtics", "Sport", body=SPORT_TEXT)])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET section_reason = 'Sport: playoffs, Lakers, NBA' WHERE id = ?",
            (ids[0],),
        )
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    window.show_article(ids[0])
    pane = window.reading_pane

    def lines() -> list[str]:
        return [line.strip() for line in pane.toPlainText().splitlines() if line.strip()]

    # Not shown to every reader: the kicker offers "Why here?", the headline comes next.
    assert lines()[0].upper().startswith("SPORT") and lines()[0].endswith("Why here?")
    assert lines()[1] == "Lakers beat Celtics"
    assert "playoffs" not in pane.toPlainText()
    click_text(qtbot, pane, "Why here?")  # handled in the pane: no browser, no URL opened
    qtbot.waitUntil(lambda: "playoffs" in pane.toPlainText())
    assert lines()[1] == "Sport: playoffs, Lakers, NBA"  # just under the section kicker
    assert lines()[2] == "Lakers beat Celtics"
    click_text(qtbot, pane, "Hide why")
    qtbot.waitUntil(lambda: "playoffs" not in pane.toPlainText())
    window.close()


def test_placement_text_for_each_kind_of_reason():
    from reader.core.views import ArticleRecord

    def rec(section, why):
        return ArticleRecord(1, "t", None, "", "b", 1, section, None, None, 1, "", None, 0, 0, why)

    assert placement_text(rec("Sport", "Sport: NBA")) == "Sport: NBA"
    assert placement_text(rec("Sport", "Moved by you")) == "Moved to Sport by you"
    assert placement_text(rec("Dumps", "chosen when importing")) == "Put in Dumps when imported"
    assert placement_text(rec("Other", "Other")) == "In Other: no section's words stood out"
    assert placement_text(rec("World", None)) is None


# --- re-sorting -------------------------------------------------------------------------------------


def test_resort_runs_on_a_thread_and_leaves_hand_placed_articles(qtbot, lib, tmp_path, monkeypatch):
    auto = add_articles(
        lib.conn,
        [Spec(f"Lakers game {i}", "World", body=SPORT_TEXT, hours_ago=5 + i) for i in range(30)]
        + [Spec("Bank profits", "World", body=BUSINESS_TEXT)],
    )
    hand = add_articles(lib.conn, [Spec("Kept Lakers story", "World", body=SPORT_TEXT)])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET section_by_user = 1, section_reason = 'Moved by you' WHERE id = ?",
            (hand[0],),
        )
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    window.open_view(View("section", section_id(lib, "World")))
    window.show_article(auto[0])
    asked = answer_question(monkeypatch, QMessageBox.StandardButton.Yes)
    actions = window.section_actions
    key(
        qtbot,
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    thread = actions.resort_thread
    assert thread is not None and actions.resort_status.isVisible()
    qtbot.waitUntil(lambda: actions.resort_thread is None, timeout=20000)
    assert (
        "31 articles" in asked[0]
        and "The article you placed yourself stays where it is." in asked[0]
    )
    qtbot.waitUntil(lambda: actions.resort_thread is None)
    result = actions.last_resort
    assert not result.cancelled and result.examined == 31
    assert result.moved == {"Sport": 30, "Business": 1}
    assert section_of(lib, "Kept Lakers story") == "World"
    assert section_of(lib, "Lakers game 0") == "Sport"
    assert not actions.resort_status.isVisible()
    assert "Re-sorted 31 articles: 31 moved (30 to Sport, 1 to Business)" in (
        window.statusBar().currentMessage()
    )
    # The window followed: the World view lost them, the counts moved on, and the article read
    # left World with them (the reading pane shows only an article of the open view).
    assert titles_in_list(window) == ["Kept Lakers story"]
    assert window.counts.get(View("section", section_id(lib, "Sport"))) == 29  # 1 was read
    assert window.reading_pane.article is None
    assert "No article open" in window.reading_pane.toPlainText()
    window.close()


def test_resort_cancel_keeps_what_was_done(qtbot, lib, tmp_path, monkeypatch):
    from reader.ui import library_thread, resort_worker

    add_articles(
        lib.conn,
        [Spec(f"Lakers game {i}", "World", body=SPORT_TEXT, hours_ago=5 + i) for i in range(50)],
    )
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    actions = window.section_actions
    # Every batch is reported, and the worker waits after its first batch until the window has
    # clicked Cancel: the cancel lands between batches whatever the machine's speed.
    monkeypatch.setattr(library_thread, "REPORT_INTERVAL", 0)
    clicked = threading.Event()
    report = resort_worker.ResortThread.report

    def progress(self, done, total):
        report(self, done, total)
        if done:
            clicked.wait(10)

    monkeypatch.setattr(resort_worker.ResortThread, "report", progress)

    def on_progress(done, total):
        if done and not clicked.is_set():
            assert actions.resort_status.label.text() == f"Re-sorting {done:,} / {total:,}"
            actions.resort_status.cancel_button.click()
            clicked.set()

    thread = actions.start_resort(batch=5)
    thread.progressed.connect(on_progress)
    with qtbot.waitSignal(thread.resorted, timeout=20000) as done:
        pass
    result = done.args[0]
    qtbot.waitUntil(lambda: actions.resort_thread is None)
    assert result.cancelled and 0 < result.examined < 50
    moved = lib.conn.execute(
        "SELECT COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id "
        "WHERE s.name = 'Sport'"
    ).fetchone()[0]
    assert moved == result.total_moved == result.examined
    assert "Re-sort cancelled" in window.statusBar().currentMessage()
    window.close()


# --- import into a section ------------------------------------------------------------------------


def test_import_into_a_new_section(qtbot, window, lib, tmp_path, monkeypatch):
    from reader.ui.importer import ImportController

    dump = tmp_path / "harbour.txt"
    dump.write_text(
        "Harbour ferry gets an electric engine\n\nBERGEN: The old harbour ferry returned to "
        "service with a battery engine on Monday.\nIt crosses twenty times a day.\n",
        encoding="utf-8",
    )
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    asked = []

    def get_files(parent, title, folder, filters):
        asked.append((title, filters))
        return [str(dump)], filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(get_files))
    controller = ImportController(window, lib.path)
    key(
        qtbot,
        window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    picker = window.section_actions.picker
    assert picker.isVisible() and picker.title.text() == "Import into section…"
    qtbot.keyClicks(picker.edit, "Ferries")
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert asked == [("Import news dumps into Ferries", "News dumps (*.txt *.text);;All files (*)")]
    assert section_of(lib, "Harbour ferry gets an electric engine") == "Ferries"
    assert sidebar_sections(window)[-2:] == ["Ferries", "Other"]
    controller.shutdown()


def test_import_into_section_without_an_importer_says_how(qtbot, window):
    window.run_command("import-into-section")
    assert not window.section_actions.picker.isVisible()
    assert "--section" in window.statusBar().currentMessage()


def test_many_moves_stay_undoable_in_order(qtbot, window, lib):
    window.open_view(ALL)
    sport, science = section_id(lib, "Sport"), section_id(lib, "Science")
    a, b = (
        lib.conn.execute("SELECT id FROM articles WHERE title = ?", (t,)).fetchone()[0]
        for t in ("World story 0", "World story 1")
    )
    window.section_actions.move_articles([a], sport)
    window.section_actions.move_articles([a, b], science)
    window.run_command("undo")
    assert (section_of(lib, "World story 0"), section_of(lib, "World story 1")) == (
        "Sport",
        "World",
    )
    window.run_command("undo")
    assert section_of(lib, "World story 0") == "World"
    reason = section_ops.reason(lib, a)
    assert reason == (None, False)


@pytest.fixture(autouse=True)
def _no_real_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return Path(tmp_path)


def test_moved_articles_still_listed_stay_selected(qtbot, window, lib):
    window.open_view(ALL)
    window.article_list.setFocus()
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    reading = window.reading_pane.article.title
    key(qtbot, window, Qt.Key.Key_V)
    qtbot.keyClicks(window.section_actions.picker.edit, "health")
    qtbot.keyClick(window.section_actions.picker.edit, Qt.Key.Key_Return)
    # All articles still lists them: both rows stay selected, the article read stays open.
    selected = sorted(i.row() for i in window.article_list.selectionModel().selectedRows())
    assert selected == [0, 1]
    assert [window.list_model.row_at(r).section_id for r in selected] == [
        section_id(lib, "Health")
    ] * 2
    assert window.reading_pane.article.title == reading
    assert window.reading_pane.article.section == "Health"
    assert window.list_model.index(0, 1).data() == "Health"  # the Section column follows


def test_closing_the_window_stops_a_running_resort(qtbot, lib, tmp_path):
    add_articles(
        lib.conn,
        [Spec(f"Lakers game {i}", "World", body=SPORT_TEXT, hours_ago=5 + i) for i in range(60)],
    )
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    thread = window.section_actions.start_resort(batch=3)
    window.close()
    # The close waited for the worker: no thread outlives the window's library.
    assert thread.isFinished()
    in_sport = lib.conn.execute(
        "SELECT COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id "
        "WHERE s.name = 'Sport'"
    ).fetchone()[0]
    assert in_sport % 3 == 0 or in_sport == 60  # whole batches only
    assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_too_big_a_selection_is_refused_with_a_message(qtbot, window, lib, monkeypatch):
    from reader.ui import section_actions

    monkeypatch.setattr(section_actions, "MAX_MOVE", 2)
    window.open_view(ALL)
    select_rows(window, [0, 1, 2])
    window.run_command("move-to-section")
    assert not window.section_actions.picker.isVisible()
    assert "at most 2 articles" in window.statusBar().currentMessage()


def test_drop_on_their_own_section_changes_nothing(qtbot, window, lib):
    window.open_view(View("section", section_id(lib, "World")))
    select_rows(window, [0, 1])
    mime = window.list_model.mimeData(window.article_list.selectionModel().selectedRows(TITLE))
    sidebar = window.sidebar
    world = window.sidebar_model.index_for(View("section", section_id(lib, "World")))
    enter, move, drop = drag_events(sidebar.viewport(), sidebar.visualRect(world).center(), mime)
    for event in (enter, move, drop):
        QApplication.sendEvent(sidebar.viewport(), event)
    assert "Already in World" in window.statusBar().currentMessage()
    assert lib.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 0
    assert lib.conn.execute("SELECT MAX(section_by_user) FROM articles").fetchone()[0] == 0
    assert len(window.undo_stack) == 0
