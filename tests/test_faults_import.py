"""Fault injection into imports: kills, signals, full disks, concurrent writers and edits.

After every fault: the library opens, ``integrity_ok`` (SQLite's check, the full-text index and
the kept counts against a recount) holds, importing again gives exact totals, the command line
said one line and no traceback, and no process of the import outlives it.
"""

from __future__ import annotations

import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.importing import PROCESS_PARSE_BYTES, import_file
from reader.core.section_ops import delete_section
from reader.core.store import INTERRUPTED, Library
from tests.test_importing import many_articles

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "reader"]


@pytest.fixture(scope="module")
def big_dump(tmp_path_factory) -> Path:
    """A dump just big enough to be parsed in a separate process."""
    folder = tmp_path_factory.mktemp("big")
    n = PROCESS_PARSE_BYTES // 280 + 1000
    path = many_articles(folder / "big.txt", n)
    assert path.stat().st_size >= PROCESS_PARSE_BYTES
    return path


def _cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw
    )


_PROGRESS = re.compile(r"^\S.*: \d+% \([\d,]+ articles, [\d,.]+ MB/s\)$")


def _said(stderr: str) -> list[str]:
    """stderr's lines without the plain progress lines a slow import prints every few seconds
    when stderr is not a terminal (on a loaded machine even a small import is slow)."""
    return [ln for ln in stderr.strip().splitlines() if not _PROGRESS.match(ln)]


def _wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def count_articles(db: Path) -> int:
    """Articles in the library at ``db``, read without writing (0 while it cannot be read)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _sound_and_exact(db: Path, dump: Path, n: int) -> None:
    """The library opens and checks out; importing the dump again gives the exact totals."""
    with Library(db) as lib:
        assert lib.integrity_ok()
        result = import_file(lib, dump, process_parse_bytes=1 << 40)
        assert result.status == "done"
        assert result.new + result.duplicates == n
        (count,) = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        assert count == n
        rows = lib.conn.execute("SELECT status, new_count FROM sources").fetchall()
        assert [s for s, _ in rows].count("running") == 0
        assert lib.integrity_ok()


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
def test_kill_9_mid_import_leaves_no_process_and_a_sound_library(big_dump, tmp_path) -> None:
    dump = big_dump
    db = tmp_path / "library.sqlite3"
    cli = _cli("import", str(dump), "--db", str(db))
    _wait_until(lambda: children(cli.pid) and count_articles(db) > 0)
    helpers = children(cli.pid)
    os.kill(cli.pid, signal.SIGKILL)
    # Its output pipes close when the last process holding them ends: a helper left running
    # would keep them open, so this wait is also the test.
    cli.communicate(timeout=15)
    # The parsing process (and multiprocessing's resource tracker) end with their parent.
    _wait_until(lambda: not any(alive(p) for p in helpers), timeout=10)
    # The next open marks the import interrupted (importing again resumes it: see below).
    with Library(db) as lib:
        (status, error) = lib.conn.execute("SELECT status, error FROM sources").fetchone()
        assert (status, error) == ("cancelled", INTERRUPTED)
        assert lib.integrity_ok()


@needs_proc
def test_sigterm_stops_an_import_cleanly(big_dump, tmp_path) -> None:
    dump = big_dump
    db = tmp_path / "library.sqlite3"
    cli = _cli("import", str(dump), "--db", str(db))
    _wait_until(lambda: count_articles(db) > 0)
    helpers = children(cli.pid)
    cli.send_signal(signal.SIGTERM)
    _, err = cli.communicate(timeout=30)
    assert cli.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in err
    (line,) = _said(err)
    assert "stopped by SIGTERM" in line and "Import it again" in line
    _wait_until(lambda: not any(alive(p) for p in helpers), timeout=10)
    # The import had the library alone (a rollback journal: reader.core.journal_modes): stopped,
    # it put the write-ahead log back, as the file's header says, and left no journal.
    assert db.read_bytes()[18:20] == b"\x02\x02"
    assert not Path(f"{db}-journal").exists()
    with Library(db) as lib:
        status, error, new = lib.conn.execute(
            "SELECT status, error, new_count FROM sources"
        ).fetchone()
        assert (status, error) == ("cancelled", f"{INTERRUPTED}: stopped by SIGTERM")
        assert new == lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] > 0
        assert lib.integrity_ok()


def test_kill_at_random_points_then_integrity_and_exact_totals(tmp_path) -> None:
    """kill -9 or SIGTERM after a random delay (before, during or after the writes), then an
    import that resumes the interrupted one: one source row for the file, exact totals."""
    rng = random.Random(int(os.environ.get("DISPATCH_FAULT_SEED", "13")))
    n = 5000  # over a second of importing: every kill below lands before the end
    dump = many_articles(tmp_path / "d.txt", n)
    db = tmp_path / "library.sqlite3"
    for first_commit in (False, True, True):
        cli = _cli("import", str(dump), "--db", str(db))
        if first_commit:
            _wait_until(lambda: count_articles(db) > 0)
        time.sleep(rng.uniform(0.0, 0.2))
        cli.send_signal(rng.choice([signal.SIGKILL, signal.SIGTERM]))
        _, err = cli.communicate(timeout=30)
        assert "Traceback" not in err
    again = subprocess.run(
        [*CLI, "import", str(dump), "--db", str(db)], cwd=ROOT, capture_output=True, text=True
    )
    assert again.returncode == 0 and not _said(again.stderr), again.stderr
    assert "resumed an interrupted import" in again.stdout
    with Library(db) as lib:
        rows = lib.conn.execute("SELECT status, new_count, duplicate_count FROM sources").fetchall()
    assert rows == [("done", n, 0)]  # one row for the file, totals as if never stopped
    _sound_and_exact(db, dump, n)


def test_two_imports_at_once(tmp_path) -> None:
    a = many_articles(tmp_path / "a.txt", 1500)
    b = tmp_path / "b.txt"
    b.write_text(a.read_text().replace("Council in", "Assembly of"), encoding="utf-8")
    db = tmp_path / "library.sqlite3"
    Library(db).close()
    runs = [_cli("import", str(p), "--db", str(db)) for p in (a, b, a)]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0 and not err.strip(), err
    with Library(db) as lib:
        assert lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3000
        assert lib.integrity_ok()


def test_deleting_a_section_during_an_import_does_not_abort_it(tmp_path) -> None:
    dump = many_articles(tmp_path / "d.txt", 1200)
    db = tmp_path / "library.sqlite3"
    with Library(db) as lib, Library(db) as other:
        deleted = []

        def on_commit(batch) -> None:
            if not deleted:  # the reader deletes the section the import fills, mid-import
                deleted.append(delete_section(other, other.section_id("Wire")))

        lib.ensure_section("Wire")
        result = import_file(lib, dump, section="Wire", on_commit=on_commit, batch_articles=200)
        assert deleted and result.status == "done", result.error
        assert result.new == 1200
        assert lib.integrity_ok()


# --- full disk ---------------------------------------------------------------------------------


def _limited(limit_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail, not kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return apply


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
@pytest.mark.parametrize("limit_mb", [1, 6])
def test_a_full_disk_gives_one_line_and_loses_nothing(tmp_path, limit_mb: int) -> None:
    """No file may grow past the limit: the import, its checkpoint and a later 'nothing new'
    import each end with one line, never a traceback; the library stays sound."""
    dump = many_articles(tmp_path / "d.txt", 6000)
    db = tmp_path / "library.sqlite3"
    for _ in range(2):
        run = subprocess.run(
            [*CLI, "import", str(dump), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            preexec_fn=_limited(limit_mb << 20),
        )
        assert "Traceback" not in run.stderr
        assert len(_said(run.stderr)) <= 1, run.stderr
        if run.returncode:
            assert "full" in run.stderr or "disk" in run.stderr, run.stderr
    _sound_and_exact(db, dump, 6000)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small filesystem needs root")
def test_a_small_filesystem_fills_up(tmp_path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)]).returncode:
        pytest.skip("cannot mount a small filesystem here")
    try:
        dump = many_articles(tmp_path / "d.txt", 6000)
        db = folder / "library.sqlite3"
        for _ in range(2):
            run = subprocess.run(
                [*CLI, "import", str(dump), "--db", str(db)], cwd=ROOT, capture_output=True,
                text=True,
            )  # fmt: skip
            assert run.returncode == 1 and "Traceback" not in run.stderr
            (line,) = _said(run.stderr)
            assert "the disk holding the library is full" in line
        with Library(db) as lib:
            assert lib.integrity_ok()
            (status,) = lib.conn.execute("SELECT status FROM sources WHERE id = 1").fetchone()
            assert status == "failed"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
