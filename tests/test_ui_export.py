"""From the window: File → Export…, Export as PDF…, Print…, the copies and Help → Library….

Real windows on real library files (the fixture dumps, imported by the real importer); exports
and maintenance run on their real worker threads and the tests wait on their signals.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication

from reader.core.store import Library
from reader.ui.article_model import TITLE
from reader.ui.reading_menu import READING_MENU, menu_names
from tests.library_files import imported_library
from tests.ui_helpers import make_window


@pytest.fixture
def lib(tmp_path):
    library = Library(imported_library(tmp_path / "library.sqlite3"))
    yield library
    library.close()


@pytest.fixture
def window(qtbot, lib, tmp_path):
    w = make_window(qtbot, lib, tmp_path / "settings.ini")
    qtbot.waitUntil(lambda: w.started)
    yield w
    w.close()


def select_rows(window, rows: list[int]) -> list[int]:
    sm = window.article_list.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    sm.clearSelection()
    for r in rows:
        sm.setCurrentIndex(window.list_model.index(r, TITLE), flags.Select | flags.Rows)
    return [window.list_model.article_id(r) for r in rows]


def run_export(qtbot, window, target: Path, fmt: str = "md", choice: int = 0, each=False):
    window.run_command("export")
    dialog = window.export_actions.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.source_buttons[choice].setChecked(True)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))
    dialog.each_box.setChecked(each)
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(window.export_actions.finished_any, timeout=20000):
        dialog.accept()
    return window.export_actions.last_result


def test_the_commands_are_in_the_menus_and_the_reading_pane_menu(window):
    file_menu = [a.objectName() for a in window.menus["File"].actions()]
    for name in ("export", "export-pdf", "print"):
        assert f"action-{name}" in file_menu
    assert "action-library-info" in [a.objectName() for a in window.menus["Help"].actions()]
    article_menu = [a.objectName() for a in window.menus["Article"].actions()]
    assert "action-copy-markdown" in article_menu and "action-copy-text" in article_menu
    shown = menu_names(READING_MENU, window.registry)
    assert "copy-markdown" in shown and "copy-text" in shown
    assert window.keymap.command_for("Ctrl+E") == "export"
    assert window.keymap.command_for("Ctrl+P") == "print"


def test_export_the_selected_articles(qtbot, window, lib, tmp_path):
    ids = select_rows(window, [0, 2, 3])
    result = run_export(qtbot, window, tmp_path / "picked.md")
    assert result is not None and result.articles == 3 and not result.cancelled
    text = (tmp_path / "picked.md").read_text(encoding="utf-8")
    titles = [lib.conn.execute("SELECT title FROM articles WHERE id = ?", (i,)).fetchone()[0]
              for i in ids]  # fmt: skip
    headings = [
        re.sub(r"\\(.)", r"\1", line[2:]) for line in text.splitlines() if line.startswith("# ")
    ]
    assert headings == titles
    assert "Exported 3 articles" in window.statusBar().currentMessage()
    assert not window.export_actions.status.isVisible()


def test_export_the_search_results_one_file_each(qtbot, window, lib, tmp_path):
    window.run_command("search")
    qtbot.keyClicks(window.search.bar.field, "harbour")
    qtbot.waitUntil(lambda: window.search.active and window.search.results.model().rowCount() > 0)
    window.search.results.clearSelection()
    window.current_article_id = None
    window.run_command("export")
    dialog = window.export_actions.dialog
    labels = [b.text() for b in dialog.source_buttons]
    dialog.reject()
    choice = next(i for i, t in enumerate(labels) if "harbour" in t)
    folder = tmp_path / "harbour"
    result = run_export(qtbot, window, folder, "html", choice=choice, each=True)
    expected = lib.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'harbour'"
    ).fetchone()[0]
    assert result.articles == expected == len(list(folder.glob("*.html"))) > 1


def test_a_big_export_runs_on_a_worker_and_can_be_cancelled(qtbot, window, lib, tmp_path):
    actions = window.export_actions
    from reader.ui.export_actions import Source

    ids = tuple(r[0] for r in lib.conn.execute("SELECT id FROM articles")) * 2000  # ~100,000
    target = tmp_path / "big.txt"
    thread = actions.start(Source("many", ids=ids), target, "txt", folder=False)
    assert actions.status.isVisible()
    # Progress reaches the status bar while the window's thread is free (waited on through the
    # bar: waiting on the worker's own signal would disconnect it while the worker emits it).
    qtbot.waitUntil(lambda: actions.status.bar.value() > 0, timeout=20000)
    assert not thread.isFinished()
    with qtbot.waitSignal(actions.finished_any, timeout=20000):
        actions.status.cancel_button.click()
    assert actions.last_result is None or actions.last_result.cancelled
    assert not target.exists() and not list(tmp_path.glob(".*.partial"))
    assert "cancelled" in window.statusBar().currentMessage().lower()


def test_copy_as_markdown_and_text(qtbot, window, lib):
    select_rows(window, [1])
    article_id = window.list_model.article_id(1)
    window.show_article(article_id)
    title = lib.conn.execute("SELECT title FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    window.run_command("copy-markdown")
    copied = QApplication.clipboard().text()
    assert copied.startswith("# ") and re.sub(r"\\(.)", r"\1", copied.splitlines()[0][2:]) == title
    window.run_command("copy-text")
    assert QApplication.clipboard().text().startswith(title + "\n")


def test_export_as_pdf_one_page_an_article(qtbot, window, tmp_path):
    from reader.ui import print_support

    select_rows(window, [0, 1, 2])
    target = tmp_path / "three.pdf"
    assert print_support.export_pdf(window, target) == target
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3


def test_print_refuses_too_many_and_nothing(qtbot, window, monkeypatch):
    from reader.ui import print_support

    monkeypatch.setattr(print_support, "MAX_PRINT", 2)
    select_rows(window, [0, 1, 2])
    window.run_command("print")
    assert "at most 2" in window.statusBar().currentMessage()


def test_library_dialog_facts_and_maintain_now(qtbot, window, lib):
    window.run_command("library-info")
    from reader.ui.library_info import LibraryInfoDialog

    dialog = window.findChild(LibraryInfoDialog, "libraryInfoDialog")
    assert dialog is not None and dialog.isVisible()
    total = lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert dialog.path_field.text() == str(lib.path) and dialog.path_field.isReadOnly()
    assert dialog.values["Articles"].text() == f"{total:,}"
    assert dialog.values["Schema version"].text() == str(lib.schema_version)
    dialog.copy_path()
    assert QApplication.clipboard().text() == str(lib.path)
    with qtbot.waitSignal(dialog.maintained, timeout=30000):
        dialog.maintain_button.click()
    log = dialog.log.toPlainText()
    assert "Integrity check: ok" in log and "Full-text index: optimized" in log
    assert dialog.last_report is not None and dialog.last_report.sound
    assert dialog.maintain_button.text() == "&Maintain now"
    dialog.reject()
