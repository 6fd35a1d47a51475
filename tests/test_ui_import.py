"""Importing from the window: dialog, worker thread, queue, cancel, drops, log, hand-over."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.core.store import Library
from reader.ui.import_worker import ImportQueue
from reader.ui.importer import ImportController, expand_paths
from reader.ui.single_instance import InstanceServer, hand_over, server_name
from tests.ui_helpers import window_with_user_settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from gen_dump import generate  # noqa: E402

sys.path.pop(0)

DUMP_ONE = """Lighthouse keepers return to the northern cape

- The light was automated in 1991
TROMSØ: Two keepers moved back into the lighthouse on the northern cape this week, the first to live there in more than thirty years.
They will guide visitors through the summer season.
The foundation that owns the building paid for new windows.
Orchard growers try netting against late frost

- Growers lost a third of the crop last spring
VALENCE: Fruit growers in the valley have begun stretching fine nets over their orchards to hold warmth in on cold nights.
Early trials kept blossoms alive at two degrees below zero.
"""

DUMP_TWO = """City opens its first public sauna by the river

HELSINKI (AP) — The city opened a public sauna on the riverbank on Saturday, with free entry for the first month.
Queues formed before dawn.
"""


@pytest.fixture
def dumps(tmp_path: Path) -> dict[str, Path]:
    files = {
        "one": tmp_path / "one.txt",
        "two": tmp_path / "two.txt",
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "picture.txt",
    }
    files["one"].write_text(DUMP_ONE, encoding="utf-8")
    files["two"].write_text(DUMP_TWO, encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return files


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite3"
    Library(path).close()
    return path


@pytest.fixture
def window(qtbot, library_path, tmp_path, monkeypatch):
    lib = Library(library_path)
    win = window_with_user_settings(qtbot, lib, tmp_path, monkeypatch)
    yield win
    win.close()
    lib.close()


def article_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def sources(path: Path) -> list[tuple[str, str, int, str | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT name, status, new_count, error FROM sources ORDER BY id"
        ).fetchall()


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_dialog_imports_on_a_worker_thread(qtbot, window, library_path, dumps, monkeypatch):
    controller = ImportController(window, library_path)
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda *a, **k: ([str(dumps["one"]), str(dumps["two"])], "News dumps (*.txt *.text)"),
    )
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        window.run_command("import")
    summary = blocker.args[0]
    assert [r.status for r in summary.results] == ["done", "done"]
    assert summary.new == 3
    assert summary.text() == "2 files: 3 new articles"
    assert article_count(library_path) == 3
    # The open view shows the new articles without a restart.
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 3)
    assert "3 new articles" in window.statusBar().currentMessage()
    # The dialog remembers its folder.
    from PySide6.QtCore import QSettings

    assert QSettings().value("import/last_folder") == str(dumps["one"].parent)
    controller.shutdown()


def test_mixed_batch_good_files_always_imported(qtbot, window, library_path, dumps):
    controller = ImportController(window, library_path)
    batch = [
        dumps["binary"],
        dumps["one"],
        dumps["empty"],
        dumps["two"],
        dumps["one"].with_name("gone.txt"),
    ]
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        controller.import_paths(batch)
    summary = blocker.args[0]
    assert [r.status for r in summary.results] == ["failed", "done", "failed", "done", "failed"]
    assert summary.new == 3
    assert summary.failed == 3
    assert summary.text() == "5 files: 3 new articles, 3 files failed"
    errors = {r.name: r.error for r in summary.results if r.error}
    assert "not a text file" in errors["picture.txt"]
    assert "empty" in errors["empty.txt"]
    assert "no such file" in errors["gone.txt"]
    # The log lists each file with its counts and, for failures, the reason.
    controller.show_log()
    table = controller._log.table
    rows = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(7)]
        for r in range(table.rowCount())
    }
    assert rows["one.txt"][1:3] == ["Imported", "2"]
    assert rows["picture.txt"][1] == "Failed"
    assert "not a text file" in rows["picture.txt"][6]
    controller._log.close()
    assert integrity(library_path) == "ok"
    controller.shutdown()


def test_reimport_adds_nothing(qtbot, window, library_path, dumps):
    controller = ImportController(window, library_path)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        controller.import_paths([dumps["one"]])
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        controller.import_paths([dumps["one"]])
    summary = blocker.args[0]
    assert (summary.new, summary.duplicates) == (0, 2)
    assert article_count(library_path) == 2
    controller.shutdown()


def test_cancel_mid_import_keeps_what_was_committed(qtbot, window, library_path, tmp_path):
    big = tmp_path / "big.txt"
    generate(big, 6, seed=3)
    # Report after every commit, so the cancel lands while most of the file is still unread.
    controller = ImportController(window, library_path, report_interval=0, batch_articles=50)
    queue = controller.queue
    with qtbot.waitSignal(queue.run_finished, timeout=60000) as blocker:
        # Cancel once a batch is committed: that batch stays, the rest never comes.
        queue.articles_added.connect(lambda _ids: controller.cancel())
        controller.import_paths([big])
    summary = blocker.args[0]
    (result,) = summary.results
    assert result.status == "cancelled"
    assert summary.cancelled
    stored = article_count(library_path)
    assert stored == result.new
    assert stored > 0
    assert sources(library_path)[0][1] == "cancelled"
    assert integrity(library_path) == "ok"
    assert not controller.status.cancel.isVisible()
    controller.shutdown()


def test_imports_started_during_a_run_are_queued(qtbot, library_path, dumps, tmp_path):
    big = tmp_path / "big.txt"
    generate(big, 2, seed=5)
    queue = ImportQueue(library_path)
    started: list[str] = []
    queue.file_started.connect(lambda fp: started.append(fp.job.path.name))
    runs = []
    queue.run_finished.connect(runs.append)
    with qtbot.waitSignal(queue.run_finished, timeout=60000):
        queue.add([big])
        queue.add([dumps["one"]])
        queue.add([dumps["two"]])
        assert queue.busy and queue.pending == 2
    assert started == ["big.txt", "one.txt", "two.txt"]
    assert len(runs) == 1
    assert [r.name for r in runs[0].results] == ["big.txt", "one.txt", "two.txt"]
    assert all(r.status == "done" for r in runs[0].results)
    assert queue.shutdown()


def test_progress_is_throttled(qtbot, library_path, tmp_path):
    big = tmp_path / "big.txt"
    generate(big, 4, seed=9)
    queue = ImportQueue(library_path)
    reports = []
    queue.progressed.connect(reports.append)
    with qtbot.waitSignal(queue.run_finished, timeout=60000) as blocker:
        queue.add([big])
    (result,) = blocker.args[0].results
    assert result.new > 500
    # A few updates a second, never one per article.
    assert len(reports) < result.new / 50
    assert reports[-1].progress.bytes_done == reports[-1].progress.bytes_total
    assert queue.shutdown()


def drop(target, paths: list[Path]) -> None:
    """A drag entering ``target`` and dropping there, as Qt delivers them (to it, then up)."""
    from PySide6.QtGui import QDragEnterEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    modifiers = (Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, *modifiers)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, *modifiers)
    QApplication.sendEvent(target, event)
    assert event.isAccepted()


def test_drop_files_and_folders(qtbot, window, library_path, dumps, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / "two.txt").write_text(DUMP_TWO, encoding="utf-8")
    (folder / "a-photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(50))
    (folder / "notes.md").write_text("# not a dump\n")
    controller = ImportController(window, library_path)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        # Dropped on the article list: it takes no drops itself, so the window gets them.
        drop(window.article_list.viewport(), [dumps["one"], folder])
    summary = blocker.args[0]
    assert [r.name for r in summary.results] == ["one.txt", "two.txt"]
    assert article_count(library_path) == 3
    assert sorted(n.name for n in controller.notes) == ["a-photo.jpg", "notes.md"]
    assert all("skipped" in n.reason for n in controller.notes)
    controller.shutdown()


def test_expand_paths_orders_and_skips(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("x")
    (tmp_path / "a.TXT").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    files, notes = expand_paths([tmp_path])
    assert [f.name for f in files] == ["a.TXT", "z.txt"]
    assert [n.name for n in notes] == ["c.pdf"]


def test_quit_during_import_asks_and_leaves_library_consistent(
    qtbot, window, library_path, tmp_path, monkeypatch
):
    big = tmp_path / "big.txt"
    generate(big, 6, seed=4)
    controller = ImportController(window, library_path)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(controller.queue.progressed, timeout=30000):
        controller.import_paths([big])
    window.close()  # answered No: the window stays and the import goes on
    assert window.isVisible()
    assert controller.queue.busy
    window.close()  # answered Yes: cancel, wind up, close
    assert not window.isVisible()
    assert asked == ["An import is running", "An import is running"]
    assert integrity(library_path) == "ok"
    (row,) = sources(library_path)
    assert row[1] in ("cancelled", "done")
    assert row[2] == article_count(library_path)


def test_second_launch_hands_files_to_the_running_window(qtbot, window, library_path, dumps):
    controller = ImportController(window, library_path)
    name = server_name(library_path) + "-test"
    server = InstanceServer(name)
    assert server.listen()
    server.files_received.connect(controller.import_paths)
    # The second launch is another process, as when a file manager starts `dispatch FILE`.
    import subprocess

    code = (
        "import sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication;"
        "from reader.ui.single_instance import hand_over; app = QCoreApplication([]);"
        "sys.exit(0 if hand_over(sys.argv[1], [Path(sys.argv[2])]) else 3)"
    )
    with qtbot.waitSignal(controller.queue.run_finished, timeout=30000):
        second = subprocess.Popen([sys.executable, "-c", code, name, str(dumps["one"])])
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=20000)
    assert second.returncode == 0
    assert article_count(library_path) == 2
    server.close()
    assert hand_over(name, [dumps["two"]]) is False  # nobody listening any more: start a window
    controller.shutdown()


def test_server_name_depends_on_library(tmp_path):
    assert server_name(tmp_path / "a.sqlite3") != server_name(tmp_path / "b.sqlite3")
    assert server_name(tmp_path / "a.sqlite3") == server_name(tmp_path / "." / "a.sqlite3")


def test_drag_enter_accepts_only_files(qtbot, window, library_path):
    from PySide6.QtGui import QDragEnterEvent

    controller = ImportController(window, library_path)
    mime = QMimeData()
    mime.setText("just text")
    event = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    assert not event.isAccepted()
    assert not controller.queue._thread.isRunning()  # idle: no thread left running
    controller.shutdown()


def test_empty_library_button_toolbar_and_menu_open_the_dialog(
    qtbot, window, library_path, dumps, monkeypatch
):
    from PySide6.QtWidgets import QPushButton

    controller = ImportController(window, library_path)
    asked = []

    def fake_dialog(parent, title, folder, filters):
        asked.append(filters)
        return ([str(dumps["two"])] if len(asked) == 3 else []), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_dialog)
    button = window.article_list.findChild(QPushButton, "emptyImportButton")
    qtbot.waitUntil(button.isVisible)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.menus.toolbar_actions["import"].trigger()
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        window.menus.actions["import"].trigger()  # File → Import…
    assert asked == ["News dumps (*.txt *.text);;All files (*)"] * 3
    qtbot.waitUntil(lambda: not button.isVisible())  # no longer empty
    controller.shutdown()


def test_import_log_and_cancel_commands(qtbot, window, library_path, dumps):
    controller = ImportController(window, library_path)
    window.run_command("cancel-import")
    assert window.statusBar().currentMessage() == "No import is running"
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        controller.import_paths([dumps["empty"]])
    window.run_command("import-log")
    log = controller._log
    assert log.isVisible()
    assert log.table.item(0, 0).text() == "empty.txt"
    assert "empty" in log.table.item(0, 6).text()
    log.close()
    controller.shutdown()


def test_about_shows_the_version(qtbot, window, monkeypatch):
    from reader.appinfo import version

    shown = []
    monkeypatch.setattr(
        QMessageBox, "about", lambda parent, title, text: shown.append((title, text))
    )
    window.menus["Help"].aboutToShow.emit()  # opened, as a reader reaches it
    window.menus.actions["about"].trigger()
    ((title, text),) = shown
    assert title == "About Dispatch"
    assert f"Dispatch {version()}" in text
    assert window.keymap.display("about") == "Shift+F1"


def test_welcome_gives_way_once_articles_arrive(qtbot, window, library_path, dumps):
    assert "Welcome to Dispatch" in window.reading_pane.toPlainText()
    controller = ImportController(window, library_path)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000):
        controller.import_paths([dumps["one"]])
    qtbot.waitUntil(lambda: "No article open" in window.reading_pane.toPlainText())
    controller.shutdown()
