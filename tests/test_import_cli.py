"""``dispatch import``: one summary line per file, errors on stderr, exit status."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import import_dumps, main
from reader.core.importing import Progress

SUMMARY = re.compile(
    r"^store_three\.txt: 3 articles — 3 new, 0 duplicates, 0 skipped \(\d+\.\d s\)$"
)


def articles_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def test_import_prints_one_summary_line(tmp_path: Path, fixtures_dir: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    assert main(["import", str(fixtures_dir / "store_three.txt"), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert SUMMARY.match(out.strip()), out
    assert err == ""  # not a terminal, and too quick for a progress line
    assert articles_in(db) == 3


def test_reimport_says_nothing_new(tmp_path: Path, fixtures_dir: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    dump = str(fixtures_dir / "store_three.txt")
    main(["import", dump, "--db", str(db)])
    capsys.readouterr()
    assert main(["import", dump, "--db", str(db)]) == 0
    out = capsys.readouterr().out.strip()
    assert re.match(
        r"^store_three\.txt: 3 articles — nothing new \(3 already in the library\) \(\d+\.\d s\)$",
        out,
    ), out
    assert articles_in(db) == 3


def test_bad_files_are_reported_and_the_others_imported(
    tmp_path: Path, fixtures_dir: Path, capsys
) -> None:
    db = tmp_path / "lib.sqlite3"
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    files = [
        tmp_path / "missing.txt",
        fixtures_dir / "store_three.txt",
        png,
        empty,
        fixtures_dir / "store_overlap.txt",
    ]
    status = main(["import", *map(str, files), "--db", str(db)])
    out, err = capsys.readouterr()
    assert status == 1
    errors = err.strip().splitlines()
    assert errors == [
        "missing.txt: no such file — not imported",
        "picture.txt: is not a text file (it looks like a PNG image) — not imported",
        "empty.txt: is empty — not imported",
    ]
    lines = out.strip().splitlines()
    assert SUMMARY.match(lines[0])
    assert lines[1].startswith("store_overlap.txt: 3 articles — 1 new, 2 duplicates, 0 skipped")
    assert lines[2] == "5 files: 4 new articles, 2 duplicates; 3 failed"
    assert articles_in(db) == 4


def test_a_library_that_cannot_be_opened(tmp_path: Path, fixtures_dir: Path, capsys) -> None:
    not_db = tmp_path / "notes.sqlite3"
    not_db.write_text("shopping list\n")
    status = main(["import", str(fixtures_dir / "store_three.txt"), "--db", str(not_db)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("dispatch: ") and "not an SQLite database" in err
    assert not_db.read_text() == "shopping list\n"


def test_section_option(tmp_path: Path, fixtures_dir: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    dump = str(fixtures_dir / "store_three.txt")
    assert main(["import", dump, "--db", str(db), "--section", "Coast"]) == 0
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT DISTINCT s.name FROM articles a JOIN sections s ON s.id = a.section_id"
    ).fetchall()
    conn.close()
    assert rows == [("Coast",)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    term = _Terminal()
    view = import_dumps._ProgressView("dump.txt", term)
    view(Progress(5_000_000, 10_000_000, 1234, 1000, 234, 0))
    view(Progress(10_000_000, 10_000_000, 2468, 2000, 468, 0))
    view.clear()
    frames = term.getvalue().split("\r")
    assert "dump.txt [" in frames[1] and " 50%" in frames[1] and "1,234 articles" in frames[1]
    assert "100%" in frames[2] and "2,468 articles" in frames[2]
    assert frames[-1] == ""  # the bar is wiped before the summary line
    assert "\n" not in term.getvalue()


def test_plain_progress_lines_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_dumps, "PLAIN_PROGRESS_EVERY", 0.0)
    out = io.StringIO()
    view = import_dumps._ProgressView("dump.txt", out)
    view(Progress(2_500_000, 10_000_000, 500, 500, 0, 0))
    assert out.getvalue().startswith("dump.txt: 25% (500 articles, ")
    assert "\r" not in out.getvalue()


def test_summary_wording() -> None:
    from reader.core.importing import ImportResult

    def r(**kw) -> ImportResult:
        base = dict(
            source_id=1, path=Path("d.txt"), name="d.txt", status="done", new=0,
            duplicates=0, skipped=0, seconds=75.2, error=None,
        )  # fmt: skip
        base.update(kw)
        return ImportResult(**base)

    assert import_dumps.summary(r(new=1)) == (
        "d.txt: 1 article — 1 new, 0 duplicates, 0 skipped (1 min 15 s)"
    )
    assert import_dumps.summary(r(skipped=2)) == (
        "d.txt: 2 articles — nothing new (2 empty articles skipped) (1 min 15 s)"
    )
    assert import_dumps.summary(r(status="cancelled", new=1000, duplicates=1)) == (
        "d.txt: 1,001 articles — interrupted; 1,000 new articles kept (1 min 15 s)"
    )
    assert import_dumps.summary(r()) == (
        "d.txt: no articles found: nothing in it reads as news text (1 min 15 s)"
    )
    assert import_dumps.summary(r(new=19, warning="3 articles look merged")) == (
        "d.txt: 19 articles — 19 new, 0 duplicates, 0 skipped (1 min 15 s)"
        " — warning: 3 articles look merged"
    )
    assert import_dumps.summary(r(status="failed", error="d.txt: is empty", warning="x")) == (
        "d.txt: is empty — not imported"
    )


def test_module_entry_point_exit_status(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(fixtures_dir / "store_three.txt"),
         str(tmp_path / "nope.txt"), "--db", str(db)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert SUMMARY.match(proc.stdout.splitlines()[0])
    assert proc.stderr.strip() == "nope.txt: no such file — not imported"
