"""The Trash, sources and old articles from the window, on real library files.

The real main window; deletes run on their real worker thread (waited on through the window's
state, never a sleep); confirmations are answered by replacing the dialog's question with one
that records what it asked.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core import views
from reader.core.importing import import_file
from reader.core.views import ALL, TRASH, View
from reader.ui import sources_actions, trash_actions
from reader.ui.settings import Settings
from reader.ui.sidebar import accessible_name
from tests.ui_helpers import Spec, add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every confirmation the window asks, answered yes."""
    questions: list[str] = []

    def confirm(self, title: str, text: str, button: str) -> bool:
        questions.append(f"{title}|{text}|{button}")
        return True

    monkeypatch.setattr(trash_actions.TrashActions, "_confirm", confirm)
    monkeypatch.setattr(sources_actions.SourceActions, "_ask", confirm)
    return questions


@pytest.fixture
def window(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(12, section="World"))
    add_articles(lib.conn, [Spec("Starred story", "Sport", starred=1, hours_ago=5)])
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.trash.jobs.wait()
    w.close()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def titles(window) -> list[str]:
    m = window.list_model
    return [m.row_at(r).title for r in range(m.rowCount())]  # type: ignore[union-attr]


def idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.trash.jobs.busy, timeout=30_000)


def trashed(lib) -> int:
    return lib.conn.execute(
        "SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL"
    ).fetchone()[0]


def test_delete_key_moves_to_the_trash_and_ctrl_z_brings_back(qtbot, window, lib):
    window.article_list.setFocus()
    window.reading.list.set_current_row(0)
    first = titles(window)[0]
    press(qtbot, Qt.Key.Key_Delete)
    idle(qtbot, window)
    assert first not in titles(window)
    assert trashed(lib) == 1
    assert window.counts.total == 12 and window.counts.get(TRASH) == 1
    assert "Moved 1 article to the Trash" in window.statusBar().currentMessage()
    assert window.current_article_id is not None  # on to the next article
    trash_item = window.sidebar_model.item_for(TRASH)
    assert trash_item is not None and trash_item.text() == "Trash"
    assert accessible_name(trash_item.index()) == "Trash, 1 article"  # not "1 unread"
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot, window)
    assert first in titles(window) and trashed(lib) == 0
    assert window.counts.total == 13
    assert lib.integrity_ok()


def test_trash_view_restore_delete_for_good_and_empty(qtbot, window, lib, asked):
    ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id LIMIT 4")]
    window.trash.move_to_trash(ids)
    idle(qtbot, window)
    window.open_view(TRASH)
    window.article_list.setFocus()
    assert len(titles(window)) == 4
    assert "4 articles" in window.status_label.text() and "unread" not in window.status_label.text()
    window.reading.list.set_current_row(0)  # opened (and marked read) in the Trash
    qtbot.waitUntil(lambda: window.current_article_id is not None)
    assert window.counts.total == 9 and window.counts.get(ALL) == 9  # the Trash counts nowhere
    press(qtbot, Qt.Key.Key_R)  # restore
    idle(qtbot, window)
    assert len(titles(window)) == 3 and trashed(lib) == 3
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # back in the Trash
    idle(qtbot, window)
    assert trashed(lib) == 4
    window.reading.list.set_current_row(0)
    press(qtbot, Qt.Key.Key_Delete)  # in the Trash: for good, after asking
    idle(qtbot, window)
    assert asked[-1].startswith("Delete for good|Delete 1 article for good?")
    assert trashed(lib) == 3
    assert lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
    window.run_command("empty-trash")
    idle(qtbot, window)
    assert "Delete the 3 articles in the Trash for good?" in asked[-1]
    assert trashed(lib) == 0 and titles(window) == []
    assert window.counts.get(TRASH) == 0
    assert "The Trash is empty" in window.article_list.empty_label.text()
    assert lib.integrity_ok()


def test_delete_every_search_result_counts_first_and_undoes(qtbot, window, lib, asked):
    window.run_command("search")
    window.search_bar.set_text("story")
    qtbot.waitUntil(lambda: window.search.active and window.search.ctl is not None
                    and window.search.ctl.model.rowCount() > 0, timeout=10_000)  # fmt: skip
    window.run_command("delete-all-results")
    idle(qtbot, window)
    assert "Move the 13 articles that “story” finds to the Trash?" in asked[-1]
    assert trashed(lib) == 13 and window.counts.total == 0
    qtbot.waitUntil(lambda: window.search.ctl.model.rowCount() == 0, timeout=10_000)
    window.marking.undo()
    idle(qtbot, window)
    assert trashed(lib) == 0 and window.counts.total == 13


def test_remove_a_source_with_its_count_then_undo(qtbot, lib, settings_path, asked):
    dump = sorted(LAYOUTS.glob("*.txt"))[0]
    result = import_file(lib, dump, process_parse_bytes=1 << 40)
    png = settings_path.parent / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    import_file(lib, png)
    import_file(lib, png)
    window = make_window(qtbot, lib, settings_path)
    good = next(s for s in views.sources(lib) if s.status == "done")
    index = window.sidebar_model.index_for(View("source", good.id))
    menu = window.sources.build_sidebar_menu(index)
    assert menu is not None
    names = [a.objectName() for a in menu.actions() if not a.isSeparator()]
    assert names == [
        "menu-reimport-source",
        "menu-reparse-source",
        "menu-remove-source",
        "menu-clear-failed-sources",
    ]
    next(a for a in menu.actions() if a.objectName() == "menu-remove-source").trigger()
    idle(qtbot, window)
    n = result.new
    assert f"Remove “{good.name}” and its {n:,} articles from the library?" in asked[-1]
    assert window.sidebar_model.item_for(View("source", good.id)) is None
    assert trashed(lib) == n and window.counts.total == 0
    window.marking.undo()
    idle(qtbot, window)
    assert window.sidebar_model.item_for(View("source", good.id)) is not None
    assert trashed(lib) == 0 and window.counts.total == n
    # The PNG dropped twice: two failed entries, cleared in one go (the articles stay).
    failed = [s for s in views.sources(lib) if s.status == "failed"]
    assert len(failed) == 2
    window.run_command("clear-failed-sources")
    assert "Clear 2 entries of failed or cancelled imports" in asked[-1]
    assert [s.id for s in views.sources(lib)] == [good.id]
    assert all(window.sidebar_model.item_for(View("source", s.id)) is None for s in failed)
    assert window.counts.total == n
    window.trash.jobs.wait()
    window.close()


def test_start_up_empties_old_trash_and_runs_the_rule_never_starred(qtbot, lib, settings_path):
    old = 24 * 120
    ids = add_articles(
        lib.conn,
        [
            Spec("Old read", hours_ago=old, read=1),
            Spec("Old read starred", hours_ago=old, read=1, starred=1),
            Spec("Old unread", hours_ago=old),
            Spec("Deleted long ago", hours_ago=old),
            Spec("Deleted long ago, starred", hours_ago=old, starred=1),
        ],
    )
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET deleted_at = '2000-01-01 00:00:00.000' WHERE id IN (?, ?)",
            (ids[3], ids[4]),
        )
    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    settings.for_library(lib.path).set(trash_actions.DELETE_READ_DAYS, 90)
    settings.sync()
    window = make_window(qtbot, lib, settings_path)
    # The rules run once the window has painted, on the worker: wait for what they did.
    qtbot.waitUntil(lambda: len(window.undo_stack) == 1, timeout=30_000)
    idle(qtbot, window)
    left = dict(lib.conn.execute("SELECT title, deleted_at IS NOT NULL FROM articles").fetchall())
    assert left == {
        "Old read": 1,  # in the Trash now (Ctrl+Z brings it back)
        "Old read starred": 0,
        "Old unread": 0,
        "Deleted long ago, starred": 1,  # the Trash's emptying never takes a starred one
    }
    window.marking.undo()
    idle(qtbot, window)
    assert lib.conn.execute(
        "SELECT deleted_at FROM articles WHERE id = ?", (ids[0],)
    ).fetchone() == (None,)
    window.close()


def test_old_articles_dialog_previews_and_marks(qtbot, window, lib, monkeypatch):
    from reader.ui.retention_dialog import RetentionDialog

    add_articles(
        lib.conn,
        [Spec("Ancient", hours_ago=24 * 400), Spec("Ancient read", hours_ago=24 * 400, read=1)],
    )
    dialog = RetentionDialog(window)
    qtbot.addWidget(dialog)
    dialog.mark_days.setValue(300)
    assert dialog.mark_button.text() == "Mark 1 article read"
    assert not dialog.rule_on.isChecked()  # off by default
    dialog.rule_days.setValue(300)
    assert (
        "would move 1 article (read, unstarred, older than 300 days)" in dialog.rule_preview.text()
    )
    dialog.rule_on.setChecked(True)
    assert "will move 1 article" in dialog.rule_preview.text()
    dialog.mark_button.click()
    qtbot.waitUntil(
        lambda: (
            lib.conn.execute("SELECT read FROM articles WHERE title = 'Ancient'").fetchone() == (1,)
        )
    )
    window.marking.undo()
    assert lib.conn.execute("SELECT read FROM articles WHERE title = 'Ancient'").fetchone() == (0,)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.accept()
    idle(qtbot, window)
    assert window.settings.get(trash_actions.DELETE_READ_DAYS) == 300
    assert lib.conn.execute(
        "SELECT deleted_at IS NOT NULL FROM articles WHERE title = 'Ancient read'"
    ).fetchone() == (1,)


def test_a_big_delete_keeps_the_window_responsive(qtbot, window, lib):
    """20,000 articles to the Trash and back: the event loop keeps turning meanwhile."""
    ids = add_articles(lib.conn, numbered(20_000, section="Business"))
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    t0 = time.perf_counter()
    window.trash.move_to_trash(ids)
    idle(qtbot, window)
    took = time.perf_counter() - t0
    window.marking.undo()
    idle(qtbot, window)
    timer.stop()
    assert trashed(lib) == 0
    assert len(gaps) > 20  # the loop ran all along
    assert max(gaps) < max(0.5, took / 2), (max(gaps), took)
    assert datetime.now(timezone.utc)  # (timestamps in the library's format)
    assert views.view_size(lib, ALL) == 20_013


def test_delete_in_search_results_takes_the_selected_result(qtbot, window, lib):
    window.run_command("search")
    window.search_bar.set_text("starred")
    qtbot.waitUntil(lambda: window.search.active and window.search.ctl is not None
                    and window.search.ctl.model.rowCount() == 1, timeout=10_000)  # fmt: skip
    results = window.search.results
    results.setFocus()
    results.selectRow(0)
    press(qtbot, Qt.Key.Key_Delete)
    idle(qtbot, window)
    assert lib.conn.execute(
        "SELECT title FROM articles WHERE deleted_at IS NOT NULL"
    ).fetchall() == [("Starred story",)]
    qtbot.waitUntil(lambda: window.search.ctl.model.rowCount() == 0, timeout=10_000)
    assert window.counts.get(views.STARRED) == 0
