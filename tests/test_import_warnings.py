"""A doubtful parse is never silent: the importer's result, the command line, the window's status
bar and its import log all say what looks wrong, also when the parse ran in another process."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import import_dumps
from reader.core.importing import import_file
from reader.core.store import Library

TEXT = (
    "Harbour cranes stand idle as dockers strike\n\n"
    "LE HAVRE: Dockers at the port walked out on Monday over a new shift rota, leaving cranes "
    "idle and about forty ships waiting in the roads — the third stoppage this year.\n"
    "Unions said the café owners near the quays had already lost most of their trade.\n"
)
WARNING = "text encoding cp1252: 1 character could not be decoded"


@pytest.fixture
def doubtful(tmp_path: Path) -> Path:
    """A Windows-1252 dump with one byte that has no character there (0x81)."""
    path = tmp_path / "doubtful.txt"
    path.write_bytes(TEXT.encode("cp1252").replace(b"Monday", b"Mon\x81day"))
    return path


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    path = tmp_path / "sound.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def stored_warning(lib: Library, source_id: int | None) -> str | None:
    return lib.conn.execute("SELECT warning FROM sources WHERE id = ?", (source_id,)).fetchone()[0]


@pytest.mark.parametrize("in_process", [False, True], ids=["thread", "process"])
def test_the_parse_report_comes_back_from_thread_and_process(
    lib: Library, doubtful: Path, sound: Path, in_process: bool
) -> None:
    threshold = 0 if in_process else 1 << 30
    result = import_file(lib, doubtful, process_parse_bytes=threshold)
    assert (result.status, result.new) == ("done", 1)
    assert result.warning == WARNING
    assert stored_warning(lib, result.source_id) == WARNING
    clean = import_file(lib, sound, process_parse_bytes=threshold)
    assert clean.status == "done" and clean.warning is None
    assert stored_warning(lib, clean.source_id) is None


def test_a_failed_import_has_an_error_not_a_warning(lib: Library, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = import_file(lib, empty)
    assert result.status == "failed" and result.warning is None


def test_command_line_summary_carries_the_warning(
    tmp_path: Path, doubtful: Path, sound: Path, capsys
) -> None:
    assert import_dumps.run([doubtful, sound], db=tmp_path / "lib.sqlite3") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("doubtful.txt: 1 article — 1 new")
    assert lines[0].endswith(f" — warning: {WARNING}")
    assert "warning" not in lines[1]


def test_window_status_bar_and_import_log_say_so(
    qtbot, lib, settings_path, doubtful: Path, sound: Path
) -> None:
    from reader.ui.import_panel import ImportLog
    from reader.ui.importer import ImportController
    from tests.ui_helpers import make_window

    window = make_window(qtbot, lib, settings_path)
    controller = ImportController(window, lib.path)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=20000) as blocker:
        controller.import_paths([doubtful, sound])
    summary = blocker.args[0]
    assert [r.warning for r in summary.results] == [WARNING, None]
    message = window.statusBar().currentMessage()
    assert message == f"2 files: 2 new articles — doubtful.txt: {WARNING} (see the import log)"
    log = ImportLog(lib, [])
    qtbot.addWidget(log)
    details = {
        log.table.item(r, 0).text(): log.table.item(r, 6).text()
        for r in range(log.table.rowCount())
    }
    assert details == {"doubtful.txt": WARNING, "sound.txt": ""}
    controller.shutdown()


def test_status_text_for_several_doubtful_files() -> None:
    from reader.core.importing import ImportResult
    from reader.ui.import_worker import RunSummary

    def r(name: str, warning: str | None) -> ImportResult:
        return ImportResult(1, Path(name), name, "done", 5, 0, 0, 0.1, warning=warning)

    assert RunSummary([r("a.txt", None), r("b.txt", None)]).text() == "2 files: 10 new articles"
    assert RunSummary([r("a.txt", "2 articles look merged"), r("b.txt", "x")]).text() == (
        "2 files: 10 new articles — 2 files look parsed wrong (see the import log)"
    )
