"""A big command-line import with the library to itself writes with a rollback journal
(reader.core.journal_modes); anyone who opens the library meanwhile brings the log back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.core import importing
from reader.core.importing import ImportResult, import_file
from reader.core.journal_modes import (
    WalOnRequest,
    rollback_journal_while_alone,
    use_wal,
    wal_request,
)
from reader.core.store import Library
from tests.test_importing import _generated, many_articles, window_reading

ROOT = Path(__file__).resolve().parents[1]


def _mode(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def import_as_the_command_line(lib: Library, dump: Path, **options) -> ImportResult:
    """``import_file`` as ``dispatch import`` runs a big dump (parsed in a process of its own,
    a rollback journal when alone), on a small one."""
    return import_file(lib, dump, process_parse_bytes=0, **options)


def _fingerprints(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT fingerprint FROM articles ORDER BY id")]
    finally:
        conn.close()


def test_alone_a_big_import_writes_with_a_rollback_journal_then_goes_back_to_the_log(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(importing, "HOLD_SECONDS", 0.0)  # a commit per batch, to watch each
    dump = _generated(tmp_path, 1, seed=21)
    path = tmp_path / "lib.sqlite3"
    seen: list[tuple[str, bool]] = []
    with Library(path) as lib:
        result = import_as_the_command_line(
            lib,
            dump,
            batch_articles=50,
            on_commit=lambda _b: seen.append((_mode(lib.conn), Path(f"{path}-wal").exists())),
        )
        assert result.status == "done", result.error
        assert len(seen) > 3 and set(seen) == {("delete", False)}
        conn = lib.conn
        assert _mode(conn) == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL, as opened
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
        assert lib.integrity_ok()
    # What the log's way stores, to the row.
    other = tmp_path / "other.sqlite3"
    with Library(other) as lib, window_reading(other):
        seen.clear()
        result = import_as_the_command_line(
            lib,
            dump,
            batch_articles=50,
            on_commit=lambda _b: seen.append((_mode(lib.conn), False)),
        )
        assert result.status == "done" and set(seen) == {("wal", False)}
    assert _fingerprints(path) == _fingerprints(other) and len(_fingerprints(path)) > 100


def test_the_windows_import_keeps_the_log(tmp_path):
    """The window reads while its worker imports: its imports never leave WAL mode."""
    dump = many_articles(tmp_path / "d.txt", 300)
    seen: list[str] = []
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(
            lib,
            dump,
            process_parse_bytes=0,  # a big dump's path, on a small one
            checkpoint_thread=False,  # as reader.ui.import_worker asks
            batch_articles=50,
            on_commit=lambda _b: seen.append(_mode(lib.conn)),
        )
        assert result.status == "done" and seen and set(seen) == {"wal"}


def test_switching_back_to_the_log_waits_for_the_writer(tmp_path):
    """SQLite answers "locked" at once while a rollback-journal writer holds the file (waiting
    could deadlock); use_wal tries again until the writer commits."""
    path = tmp_path / "x.sqlite3"
    writer = sqlite3.connect(path, check_same_thread=False)
    writer.execute("PRAGMA journal_mode = DELETE")
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    writer.execute("PRAGMA cache_size = 10")  # spills: the writer takes the exclusive lock
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 2000)
    opener = sqlite3.connect(path, timeout=5.0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        opener.execute("PRAGMA journal_mode = WAL")
    committed = threading.Event()

    def commit_soon() -> None:
        committed.wait(5)
        writer.commit()

    thread = threading.Thread(target=commit_soon)
    thread.start()
    committed.set()
    assert use_wal(opener, wait=10) == "wal"
    thread.join()
    assert opener.execute("SELECT COUNT(*) FROM t").fetchone() == (2000,)
    writer.close()
    opener.close()


def test_no_rollback_journal_while_another_connection_reads(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with (
        Library(path) as lib,
        window_reading(path),
        rollback_journal_while_alone(lib.conn) as alone,
    ):
        assert not alone and _mode(lib.conn) == "wal"
    with Library(path) as lib:
        with rollback_journal_while_alone(lib.conn) as alone:
            assert alone and _mode(lib.conn) == "delete"
        assert _mode(lib.conn) == "wal"


def test_a_library_opened_during_the_import_brings_the_log_back(tmp_path, monkeypatch):
    """The window opening mid-import: it opens at once, reads, and the import ends as it would."""
    monkeypatch.setattr(importing, "HOLD_SECONDS", 0.0)  # the window opens after a commit
    dump = _generated(tmp_path, 3, seed=22)
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    first = threading.Event()
    proceed = threading.Event()
    done: list[object] = []

    threads: list[bool] = []

    def on_commit(_batch) -> None:
        if not first.is_set():
            first.set()
            proceed.wait(30)  # the window opens while the import goes on with its next batch
        threads.append(any(t.name == "dispatch-checkpoint" for t in threading.enumerate()))

    def run() -> None:
        with Library(path) as lib:
            done.append(
                import_as_the_command_line(lib, dump, batch_articles=40, on_commit=on_commit)
            )

    thread = threading.Thread(target=run)
    thread.start()
    assert first.wait(60)
    proceed.set()
    with Library(path) as window:
        assert _mode(window.conn) == "wal"
        counts = [window.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]]
        thread.join(120)
        counts.append(window.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        result = done[0]
        assert result.status == "done", result.error  # type: ignore[attr-defined]
        assert 0 < counts[0] <= counts[1] == result.new  # type: ignore[attr-defined]
        assert window.integrity_ok()
    # The import granted the opening's request after a commit, and went on with the log's thread.
    assert threads[0] is False and threads[-1] is True
    assert not wal_request(path).exists()


def test_alone_an_import_commits_every_hold_seconds_not_every_batch(tmp_path, monkeypatch):
    """Nobody reads a library the import has alone: one commit for many batches writes each
    changed page once, not once a batch; the rows are the same."""
    dump = _generated(tmp_path, 2, seed=23)
    fingerprints = []
    for hold in (0.0, 600.0):
        monkeypatch.setattr(importing, "HOLD_SECONDS", hold)
        path = tmp_path / f"lib-{hold}.sqlite3"
        commits: list[tuple[str, int]] = []
        with Library(path) as lib:
            result = import_as_the_command_line(
                lib,
                dump,
                batch_articles=40,
                on_commit=lambda b, lib=lib, c=commits: c.append((_mode(lib.conn), len(b.new_ids))),
            )
            assert result.status == "done", result.error
            (new_count,) = lib.conn.execute(
                "SELECT new_count FROM sources WHERE id = ?", (result.source_id,)
            ).fetchone()
            assert sum(n for _, n in commits) == result.new == new_count > 200
            assert {m for m, _ in commits} == {"delete"} and lib.integrity_ok()
        fingerprints.append(_fingerprints(path))
        if hold:
            assert len(commits) == 1  # the whole import, announced once it is committed
        else:
            assert len(commits) > 5
    assert fingerprints[0] == fingerprints[1]


def test_an_opening_while_the_import_holds_its_transaction_is_granted_at_the_next_batch(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(importing, "HOLD_SECONDS", 600.0)  # only the request ends it
    dump = _generated(tmp_path, 3, seed=24)
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    first, proceed = threading.Event(), threading.Event()
    done: list[object] = []
    modes: list[str] = []

    def progress(p) -> None:
        if p.new and not first.is_set():  # a batch written, not committed
            first.set()
            proceed.wait(30)

    def run() -> None:
        with Library(path) as lib:
            done.append(
                import_as_the_command_line(
                    lib,
                    dump,
                    batch_articles=40,
                    progress=progress,
                    progress_interval=0,
                    on_commit=lambda _b: modes.append(_mode(lib.conn)),
                )
            )

    thread = threading.Thread(target=run)
    thread.start()
    assert first.wait(60)
    proceed.set()
    with Library(path) as window:  # waits for the import's next batch, not for its end
        assert _mode(window.conn) == "wal"
        (seen,) = window.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        thread.join(120)
        result = done[0]
        assert result.status == "done", result.error  # type: ignore[attr-defined]
        assert 0 < seen < result.new  # type: ignore[attr-defined]
        assert len(modes) > 2 and set(modes) == {"wal"}  # a commit a batch from then on
        assert window.integrity_ok()
    assert not wal_request(path).exists()


class _FailsLater:
    """A classifier that fails at its 150th article (in the parsing process, where it is sent)."""

    def __init__(self) -> None:
        self.seen = 0

    def __call__(self, article) -> tuple[str, str]:
        self.seen += 1
        if self.seen >= 150:
            raise RuntimeError("the classifier broke")
        return "World", "test"


def test_a_failure_between_held_batches_keeps_them_and_one_inside_a_batch_undoes_them(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(importing, "HOLD_SECONDS", 600.0)
    dump = _generated(tmp_path, 2, seed=25)
    # The classifier fails while parsing: the batches written before are whole, and kept.
    with Library(tmp_path / "a.sqlite3") as lib:
        result = import_as_the_command_line(lib, dump, batch_articles=40, classify=_FailsLater())
        assert result.status == "failed" and "classifier broke" in (result.error or "")
        (n,) = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        (new_count,) = lib.conn.execute("SELECT new_count FROM sources").fetchone()
        assert 0 < n == result.new == new_count < 150 and lib.integrity_ok()
    # Storing fails inside the third batch: the two before it, not committed yet, go with it.
    from reader.core.dump_copies import CopyMaker

    real_store = CopyMaker.store
    calls = []

    def store(self) -> None:
        if self._conn.execute("SELECT COUNT(*) FROM fts_deferred").fetchone()[0]:
            calls.append(1)  # inside a batch (not while waiting for the parser)
            if len(calls) == 3:
                raise sqlite3.OperationalError("disk I/O error")
        real_store(self)

    monkeypatch.setattr(CopyMaker, "store", store)
    written: list[int] = []
    with Library(tmp_path / "b.sqlite3") as lib:
        result = import_as_the_command_line(
            lib,
            dump,
            batch_articles=40,
            progress=lambda p: written.append(p.new),
            progress_interval=0,
        )
        assert result.status == "failed" and "disk I/O error" in (result.error or "")
        assert len(calls) == 3 and max(written) >= 80  # two batches written, then undone
        (n,) = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        (new_count,) = lib.conn.execute("SELECT new_count FROM sources").fetchone()
        assert n == result.new == new_count == 0 and lib.integrity_ok()


def test_an_import_grants_a_request_for_the_log_after_its_commit(tmp_path):
    path = tmp_path / "lib.sqlite3"
    made: list[str] = []

    class Next:
        def committed(self, conn=None) -> None:
            made.append("committed")

        def close(self) -> None:
            made.append("closed")

    with Library(path) as lib, rollback_journal_while_alone(lib.conn) as alone:
        assert alone
        wal_request(path).touch()  # left by an opening that was killed: not a request
        after = WalOnRequest(path, then=Next)
        after.committed(lib.conn)
        assert _mode(lib.conn) == "delete" and made == []
        wal_request(path).touch()
        after.committed(lib.conn)
        assert _mode(lib.conn) == "wal" and made == []
        assert lib.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # the thread's
        after.committed(lib.conn)
        after.close()
        assert made == ["committed", "closed"]


_KILLED_MID_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 10")  # spills pages into the file before the commit
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE articles SET body = body || ' changed'")
conn.executemany("INSERT INTO sections (name, position) VALUES (?, 100)",
                 [(f"half-written {i}",) for i in range(200)])
conn.execute("UPDATE sources SET status = 'failed'")
os.kill(os.getpid(), 9)
"""


def test_a_rollback_journal_left_by_a_killed_import_is_rolled_back_at_the_next_open(tmp_path):
    """kill -9 in the middle of a transaction leaves a hot journal and a half-written file: the
    next open must neither call the library damaged nor show the half-written state."""
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        result = import_file(lib, many_articles(tmp_path / "d.txt", 400), section="World")
        assert result.status == "done"
        sections = lib.conn.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
    before = _fingerprints(path)
    proc = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(path)], cwd=ROOT)
    assert proc.returncode == -9
    assert Path(f"{path}-journal").stat().st_size > 0  # hot: the file holds half a transaction
    with Library(path) as lib:
        assert _mode(lib.conn) == "wal"
        assert lib.conn.execute("SELECT COUNT(*) FROM sections").fetchone()[0] == sections
        statuses = {r[0] for r in lib.conn.execute("SELECT status FROM sources")}
        assert statuses == {"done"}
        assert lib.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE body LIKE '% changed'"
        ).fetchone() == (0,)
        assert lib.integrity_ok()
    assert _fingerprints(path) == before
    assert not Path(f"{path}-journal").exists()


def test_read_only_opening_reads_a_library_left_in_rollback_mode(tmp_path):
    """An import killed before it put the log back leaves the library in rollback-journal mode:
    opened read-only (a folder the reader cannot write), it still reads."""
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        import_file(lib, many_articles(tmp_path / "d.txt", 50), section="World")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    conn.close()
    with Library(path, read_only=True) as lib:
        assert lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (50,)
