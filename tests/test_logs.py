"""reader.logs: the rotating log file, uncaught exceptions, Help → Show log, broad catches."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader import logs


@pytest.fixture
def log_file(tmp_path: Path):
    """The file handler pointed at the test's folder; the user's log folder is never touched."""
    path = tmp_path / "log" / logs.LOG_NAME
    logs.setup(path)
    yield path
    handler = logs.file_handler()
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_default_folder_is_the_users_log_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if sys.platform.startswith("linux"):
        assert logs.log_path() == tmp_path / "state" / "Dispatch" / "log" / "dispatch.log"


def test_records_reach_the_file_and_setup_is_idempotent(log_file: Path) -> None:
    logs.setup(log_file)
    logging.getLogger("reader.test").warning("disk on fire")
    logs.file_handler().flush()
    lines = log_file.read_text().splitlines()
    assert len(lines) == 1  # one handler, not two
    assert lines[0].endswith("WARNING reader.test: disk on fire")


def test_the_file_rotates_at_about_a_megabyte(log_file: Path) -> None:
    log = logging.getLogger("reader.test")
    for _ in range(2_600):
        log.warning("x" * 1_000)
    logs.file_handler().flush()
    sizes = {p.name: p.stat().st_size for p in log_file.parent.iterdir()}
    assert set(sizes) == {"dispatch.log", "dispatch.log.1", "dispatch.log.2"}
    assert all(size <= logs.MAX_BYTES for size in sizes.values())


def test_nothing_is_made_until_something_is_logged(log_file: Path) -> None:
    assert not log_file.parent.exists()  # not even the folder: starts that log nothing pay nothing
    logging.getLogger("reader.test").info("now")
    assert log_file.exists()


def test_an_unwritable_folder_falls_back_to_stderr(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    logs.setup(blocker / "log" / "dispatch.log")
    try:
        logging.getLogger("reader.test").info("not shown")
        logging.getLogger("reader.test").error("the disk is read-only")
        assert capsys.readouterr().err == "the disk is read-only\n"
    finally:
        handler = logs.file_handler()
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_uncaught_exceptions_are_logged_on_any_thread(tmp_path: Path) -> None:
    path = tmp_path / "dispatch.log"
    script = textwrap.dedent(
        f"""
        import threading
        from pathlib import Path
        from reader import logs
        logs.setup(Path({str(path)!r}))
        def work():
            raise ValueError("in a worker")
        t = threading.Thread(target=work, name="worker-1")
        t.start(); t.join()
        raise RuntimeError("in the main thread")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    assert "RuntimeError: in the main thread" in proc.stderr  # the terminal still sees it
    text = path.read_text()
    assert "CRITICAL reader.uncaught: uncaught exception in thread worker-1" in text
    assert "ValueError: in a worker" in text
    assert "CRITICAL reader.uncaught: uncaught exception\nTraceback" in text
    assert "RuntimeError: in the main thread" in text


@pytest.fixture
def opened(tmp_path: Path, monkeypatch) -> Path:
    """A stand-in xdg-open on PATH that writes down what it was asked to open."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the desktop's opener is xdg-open on Linux only")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "opened.txt"
    opener = bindir / "xdg-open"
    opener.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$1" > "{record}.part" && mv "{record}.part" "{record}"\n'
    )
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return record


def test_open_log_file_opens_the_file_in_use(qtbot, opened: Path, log_file: Path) -> None:
    assert logs.open_log_file()
    qtbot.waitUntil(opened.exists)
    assert opened.read_text() == f"{log_file}\n"
    assert log_file.exists()  # made empty, so the viewer has a file to show


def test_open_log_file_without_an_opener(tmp_path: Path, monkeypatch, log_file: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert not logs.open_log_file()


def test_help_show_log(qtbot, lib, settings_path, opened: Path, log_file: Path) -> None:
    from tests.ui_helpers import make_window

    window = make_window(qtbot, lib, settings_path)
    action = window.menus.actions["show-log"]
    assert action in window.menus["Help"].actions()
    action.trigger()
    qtbot.waitUntil(opened.exists)
    assert opened.read_text() == f"{log_file}\n"


def test_saved_search_counts_log_why_they_failed(tmp_path: Path, caplog) -> None:
    from reader.ui.saved_searches import CountJob, CountSignals

    not_a_library = tmp_path / "notes.sqlite3"
    not_a_library.write_text("shopping list\n")
    signals = CountSignals()
    results = []
    signals.done.connect(results.append)
    with caplog.at_level(logging.ERROR):
        CountJob(not_a_library, [], signals).run()
    assert results == [{}]
    (record,) = [r for r in caplog.records if r.name == "reader.ui.saved_searches"]
    assert record.exc_info is not None and "not a Dispatch library" in caplog.text


def test_a_classifier_bug_is_logged_with_its_traceback(lib, fixtures_dir: Path, caplog) -> None:
    from reader.core.importing import import_file

    def broken(article):
        raise ZeroDivisionError("a bug in the classifier")

    with caplog.at_level(logging.ERROR):
        result = import_file(lib, fixtures_dir / "store_three.txt", classify=broken)
    assert result.status == "failed"
    (record,) = [r for r in caplog.records if r.name == "reader.core.importing"]
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_a_query_that_cannot_be_parsed_is_logged(monkeypatch, caplog) -> None:
    from reader.core import query

    def broken(raw, today):
        raise IndexError("a bug in the query parser")

    monkeypatch.setattr(query, "_parse", broken)
    with caplog.at_level(logging.ERROR):
        parsed = query.parse_query("storm")
    assert "Could not read the query (IndexError)" in (parsed.message or "")
    (record,) = [r for r in caplog.records if r.name == "reader.core.query"]
    assert record.exc_info is not None and record.exc_info[0] is IndexError


def test_setting_up_costs_the_start_no_imports() -> None:
    """The window's start is measured: setup() leaves logging.handlers, platformdirs and
    subprocess for the first record (or Help → Show log)."""
    code = (
        "import sys; from reader import logs; logs.setup(); "
        "print(' '.join(m for m in ('logging.handlers', 'platformdirs', 'subprocess') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.split() == []
