"""How the import's writer uses its connection (reader.core.importing), on real library files."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.core import dump_copies
from reader.core.dump_copies import CopyInfo, copy_info, file_digest, open_copy
from reader.core.import_records import SectionIds, begin_source, insert_articles
from reader.core.importing import PROCESS_PARSE_BYTES, import_file
from reader.core.store import Library
from tests.test_faults_import import _cli, _wait_until, count_articles, needs_proc
from tests.test_importing import many_articles

DUMP = Path(__file__).parent / "fixtures" / "layouts" / "blank_bbc40.txt"


def test_statement_journals_stay_in_memory_while_importing_only(tmp_path: Path) -> None:
    """Each row's statement journal (triggers, foreign keys) would spill to temporary files:
    gigabytes of writes for a big dump. In memory during the import; as it was after."""
    seen: list[int] = []
    with Library(tmp_path / "lib.sqlite3") as lib:
        (before,) = lib.conn.execute("PRAGMA temp_store").fetchone()
        assert before != 2
        result = import_file(
            lib,
            DUMP,
            batch_articles=10,
            on_commit=lambda _b: seen.append(lib.conn.execute("PRAGMA temp_store").fetchone()[0]),
        )
        assert result.status == "done" and result.new == 40
        assert seen and set(seen) == {2}
        assert lib.conn.execute("PRAGMA temp_store").fetchone() == (before,)
        assert lib.integrity_ok()


@pytest.mark.parametrize("n", [1, 15, 16, 17, 37, 64])
def test_articles_are_inserted_many_rows_per_statement_in_order_duplicates_left_out(
    tmp_path: Path, n: int
) -> None:
    """insert_articles: several rows per statement and the rest one by one, whatever the count;
    a fingerprint already stored, or met earlier in the same call, is left out (whether it falls
    in a statement of many rows or in the rest), the others get consecutive ids in their order,
    and the sections' counts (kept by triggers) and the foreign keys follow."""
    with Library(tmp_path / "lib.sqlite3") as lib:
        conn = lib.conn
        ids = SectionIds()(conn, {"World", "Sport"})
        source_id, _ = begin_source(lib, tmp_path / "dump.txt", 1)

        def row(i: int, fp: str) -> tuple[object, ...]:
            section = ids["World" if i % 3 else "Sport"]
            return (
                f"Headline {i}",
                None,
                "",
                f"Body {i}.",
                fp,
                2,
                None,
                None,
                0,
                section,
                "test",
                0,
                source_id,
                "2026-12-04 10:00:00.000",
            )

        with conn:
            assert insert_articles(lib, [row(-1, "stored")]) == 1
        rows = [row(i, f"fp{i}") for i in range(n)]
        rows.insert(n // 2, row(1000, "stored"))  # in the library already
        rows.append(row(1001, "fp0"))  # earlier in this call
        with conn:
            assert insert_articles(lib, rows) == n
        got = conn.execute("SELECT id, title FROM articles WHERE id > 1 ORDER BY id").fetchall()
        assert [t for _, t in got] == [f"Headline {i}" for i in range(n)]
        assert [i for i, _ in got] == list(range(2, n + 2))
        counts = dict(conn.execute("SELECT section_id, articles FROM section_counts").fetchall())
        sport = sum(1 for i in [-1, *range(n)] if i % 3 == 0)
        assert counts.get(ids["Sport"], 0) == sport
        assert counts.get(ids["World"], 0) == n + 1 - sport
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# --- the dump's copy, made while importing (reader.core.dump_copies.CopyMaker) ------------------


def _chunks(lib: Library, source_id: int) -> int:
    sql = "SELECT count(*) FROM dump_chunks WHERE source_id = ?"
    return lib.conn.execute(sql, (source_id,)).fetchone()[0]


def _copies(lib: Library) -> dict[int, str]:
    return dict(lib.conn.execute("SELECT source_id, digest FROM dump_copies").fetchall())


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump_copies, "READ_BYTES", 16 * 1024)
    monkeypatch.setattr(dump_copies, "CHUNK_BYTES", 2 * 1024)


def test_the_copy_is_stored_as_the_import_goes_and_sealed_at_its_end(
    tmp_path: Path, small_chunks: None
) -> None:
    dump = many_articles(tmp_path / "d.txt", 3000)
    seen: list[tuple[int, CopyInfo | None]] = []
    with Library(tmp_path / "lib.sqlite3") as lib:

        def on_commit(_batch: object) -> None:
            seen.append((_chunks(lib, 1), copy_info(lib, 1)))

        result = import_file(lib, dump, batch_articles=100, on_commit=on_commit)
        assert result.status == "done" and result.new == 3000
        assert len(seen) > 10
        # Before the end: chunks already stored, but no copy to read until it is sealed.
        assert any(n > 0 for n, _ in seen[:-1])
        assert all(info is None for _, info in seen)
        info = copy_info(lib, 1)
        assert info is not None and info.raw_size == dump.stat().st_size
        assert info.digest == file_digest(dump)
        assert (
            info.stored_size
            == lib.conn.execute(
                "SELECT sum(length(data)) FROM dump_chunks WHERE source_id = 1"
            ).fetchone()[0]
        )
        with open_copy(lib, 1) as f:
            assert f.read() == dump.read_bytes()
        assert not [t for t in threading.enumerate() if t.name == "dispatch-copy"]
        assert lib.integrity_ok()


def test_a_cancelled_import_leaves_no_copy(tmp_path: Path, small_chunks: None) -> None:
    dump = many_articles(tmp_path / "d.txt", 2000)
    commits: list[object] = []
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(
            lib,
            dump,
            batch_articles=100,
            on_commit=commits.append,
            cancelled=lambda: len(commits) >= 5,
        )
        assert result.status == "cancelled" and result.new == 500
        assert _copies(lib) == {} and _chunks(lib, 1) == 0
        assert not [t for t in threading.enumerate() if t.name == "dispatch-copy"]


def test_a_reimport_makes_no_copy_and_keeps_the_first(tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "d.txt", 300)
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, dump)
        again = import_file(lib, dump)
        assert again.status == "done" and again.new == 0
        assert list(_copies(lib)) == [1]
        with open_copy(lib, 1) as f:
            assert f.read() == dump.read_bytes()


def test_a_copy_that_cannot_be_read_costs_the_import_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = dump_copies._Squeezer.chunks

    def failing(self, path, stop=None):  # type: ignore[no-untyped-def]
        chunks = real(self, path, stop)
        yield next(chunks)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(dump_copies._Squeezer, "chunks", failing)
    monkeypatch.setattr(dump_copies, "CHUNK_BYTES", 1024)
    dump = many_articles(tmp_path / "d.txt", 1000)
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(lib, dump, batch_articles=100)
        assert result.status == "done" and result.new == 1000
        assert _copies(lib) == {} and _chunks(lib, 1) == 0
        assert "no copy of" in caplog.text and "Input/output error" in caplog.text
        assert lib.integrity_ok()


@needs_proc
def test_a_killed_import_leaves_an_unfinished_copy_that_is_never_read_and_is_redone(
    tmp_path: Path,
) -> None:
    dump = many_articles(tmp_path / "big.txt", PROCESS_PARSE_BYTES // 280 + 1000)
    db = tmp_path / "library.sqlite3"
    cli = _cli("import", str(dump), "--db", str(db))

    def partial_copy() -> bool:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                return conn.execute("SELECT count(*) FROM dump_chunks").fetchone()[0] > 0
            finally:
                conn.close()
        except sqlite3.Error:
            return False

    _wait_until(lambda: count_articles(db) > 0 and partial_copy())
    os.kill(cli.pid, signal.SIGKILL)
    cli.communicate(timeout=15)
    with Library(db) as lib:
        assert lib.integrity_ok()
        assert _copies(lib) == {1: ""} and _chunks(lib, 1) > 0  # unfinished: never read
        assert copy_info(lib, 1) is None
        # Importing another file drops the stopped import's unfinished copy ...
        assert import_file(lib, DUMP).new == 40
        assert list(_copies(lib)) == [2]
        # ... and importing the file again resumes it, with a whole copy.
        result = import_file(lib, dump)
        assert result.status == "done" and result.source_id == 1 and result.resumed > 0
        with open_copy(lib, 1) as f:
            assert f.read() == dump.read_bytes()
        assert lib.integrity_ok()


def test_a_copying_thread_that_stops_without_a_word_does_not_hang_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dump_copies.CopyMaker, "_run", lambda self: None)
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(lib, DUMP)
        assert result.status == "done" and result.new == 40
        assert _copies(lib) == {}


# --- what each batch reports (on_commit), without reading its rows back ----------------------


def _town_section(article: object) -> tuple[str, str]:
    """Places by the town in the title: several sections per batch, in no particular order."""
    title = getattr(article, "title", "")
    towns = {"Varnholm": "World", "Keldmoor": "Sport", "Tessford": "Brand new", "Orrick": "Health"}
    return next((s for t, s in towns.items() if t in title), "Business"), "by town"


@pytest.mark.parametrize("skipped_by_a_trigger", [0, 10])
def test_each_batch_reports_exactly_the_rows_it_stored(
    tmp_path: Path, skipped_by_a_trigger: int
) -> None:
    """Batches report their new ids and sections from the ids they were given (the largest so
    far plus one, in order), not by reading their rows back: checked against the table after
    a gap at the end of the ids, with duplicates in the dump and several sections per batch. A
    row not stored after all (here a trigger skips it) makes the batch read its rows back."""
    first = many_articles(tmp_path / "first.txt", 30)
    dump = many_articles(tmp_path / "dump.txt", 230)  # 29 of its first 30 are in the library
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, first, section="World")
        with lib.conn:  # the newest article gone: the next id is not the count plus one
            lib.conn.execute("DELETE FROM articles WHERE id = (SELECT MAX(id) FROM articles)")
            if skipped_by_a_trigger:  # new articles number 40 to 49
                lib.conn.execute(
                    "CREATE TRIGGER skip_some BEFORE INSERT ON articles "
                    "WHEN new.title LIKE '% number 4_ %' BEGIN SELECT RAISE(IGNORE); END"
                )
        (before,) = lib.conn.execute("SELECT MAX(id) FROM articles").fetchone()
        commits: list = []
        result = import_file(
            lib, dump, classify=_town_section, batch_articles=40, on_commit=commits.append
        )
        assert result.status == "done" and result.new == 201 - skipped_by_a_trigger
        stored = lib.conn.execute(
            "SELECT a.id, s.name FROM articles a JOIN sections s ON s.id = a.section_id "
            "WHERE a.id > ? ORDER BY a.id",
            (before,),
        ).fetchall()
        assert len(stored) == 201 - skipped_by_a_trigger
        assert [i for b in commits for i in b.new_ids] == [i for i, _ in stored]
        names = dict(lib.conn.execute("SELECT id, name FROM sections").fetchall())
        by_id = dict(stored)
        for b in commits:
            assert {names[s] for s in b.section_ids} == {by_id[i] for i in b.new_ids}
        assert {n for _, n in stored} == {"World", "Sport", "Brand new", "Health", "Business"}
        assert lib.integrity_ok()


# --- the copy made while the parsing process starts ----------------------------------------------


class _SlowToStart:
    """A classifier that can be sent to the parsing process and makes it slow to send its
    first rows, as a real classifier's loading does."""

    def __init__(self, seconds: float = 0.5) -> None:
        self.started = False
        self.seconds = seconds

    def __call__(self, article: object) -> tuple[str, str]:
        if not self.started:
            self.started = True
            time.sleep(self.seconds)
        return "World", "slow to start"


def _random_dump(path: Path, articles: int) -> Path:
    """Articles of random words: a copy of several chunks (it hardly compresses)."""
    rng = random.Random(17)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def words(n: int) -> str:
        return " ".join("".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(n))

    parts = [f"{words(8).capitalize()}\n{words(250).capitalize()}.\n\n" for _ in range(articles)]
    path.write_text("".join(parts), encoding="utf-8")
    return path


def test_a_new_dump_is_copied_while_the_parsing_process_starts(tmp_path: Path) -> None:
    """The parsing process takes a while to send its first rows: the whole copy is stored by
    then (the writer had a core to spare), not a chunk at a time with the batches. A re-import
    still makes no copy."""
    dump = _random_dump(tmp_path / "d.txt", 1500)
    with Library(tmp_path / "lib.sqlite3") as lib:
        seen: list[tuple[int, CopyInfo | None]] = []

        def on_commit(_batch: object) -> None:
            seen.append((_chunks(lib, 1), copy_info(lib, 1)))

        result = import_file(
            lib, dump, classify=_SlowToStart(), process_parse_bytes=0, on_commit=on_commit
        )
        assert result.status == "done" and result.new == 1500
        total = _chunks(lib, 1)
        assert total >= 2
        assert seen[0] == (total, None)  # all stored before the first batch, sealed at the end
        info = copy_info(lib, 1)
        assert info is not None and info.digest == file_digest(dump)
        with open_copy(lib, 1) as f:
            assert f.read() == dump.read_bytes()
        again = import_file(lib, dump, classify=_SlowToStart(), process_parse_bytes=0)
        assert again.new == 0 and _copies(lib).keys() == {1}


def test_cancelled_while_the_parsing_process_starts_keeps_no_copy(tmp_path: Path) -> None:
    dump = _random_dump(tmp_path / "d.txt", 300)

    def cancelled() -> bool:
        return _chunks(lib, 1) > 0  # once part of the copy is stored

    with Library(tmp_path / "lib.sqlite3") as lib:
        # The parser would send nothing for a minute: the cancel is seen long before.
        result = import_file(
            lib, dump, classify=_SlowToStart(60), process_parse_bytes=0, cancelled=cancelled
        )
        assert result.status == "cancelled" and result.new == 0
        assert result.seconds < 30
        assert _copies(lib) == {} and _chunks(lib, 1) == 0
        assert not [t for t in threading.enumerate() if t.name == "dispatch-copy"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_parsing_process_pipe_holds_a_chunk_of_rows(tmp_path: Path) -> None:
    """A pipe's default 64 KiB is a fifth of one chunk of rows: the child waited on it, and
    the reader woke, several times per chunk. Widened, the rows still all arrive."""
    import fcntl

    from reader.core.import_rows import RowSpec, make_rows
    from reader.core.readahead import ProcessPrefetch

    dump = many_articles(tmp_path / "d.txt", 150)
    reader = ProcessPrefetch(dump, RowSpec(), make_rows)
    try:
        assert fcntl.fcntl(reader._recv.fileno(), fcntl.F_GETPIPE_SZ) >= 1 << 20
        assert len(list(reader)) == 150
    finally:
        reader.close()


# --- the checkpointing thread takes the big remainders (readahead.Checkpointer) -----------------


def test_a_big_remainder_is_checkpointed_on_the_thread_and_a_small_one_by_the_writer(
    tmp_path: Path,
) -> None:
    """What the writer added while the thread's checkpoint ran was copied by the writer, on its
    own path, however big (1.2 s of its CPU for the 300 MB dump on a loaded machine). A big
    remainder now goes to the thread again, three rounds at most (so that the log still
    restarts); the writer copies only a small one, or whatever is left after those rounds."""
    from reader.core.readahead import _CHECKPOINT_ROUNDS, Checkpointer

    with Library(tmp_path / "lib.sqlite3") as lib:
        conn = lib.conn
        # 64 pages: a small remainder (a sixteenth of that) is then a few pages of the log.
        every = 64 * conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TABLE filler (data BLOB)")
        checkpoints: list[str] = []
        conn.set_trace_callback(lambda sql: checkpoints.append(sql) if "checkpoint" in sql else 0)

        def write(kib: int) -> None:
            with conn:
                conn.execute("INSERT INTO filler VALUES (randomblob(?))", (kib * 1024,))

        cp = Checkpointer(lib.path, every)
        # A reader on an old snapshot: no checkpoint copies the frames after it, so each
        # remainder stays (as when the writer adds them while the thread copies).
        reader = sqlite3.connect(lib.path)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM filler").fetchone()
            write(2 * every // 1024)
            for _ in range(_CHECKPOINT_ROUNDS):
                cp.committed(conn)  # the thread starts (again): the writer copies nothing
                write(every // 1024)  # a big remainder meanwhile
                assert cp._idle.wait(10)
                assert checkpoints == []
            cp.committed(conn)  # rounds used up: the writer copies what is left
            assert len(checkpoints) == 1
            reader.rollback()
            write(2 * every // 1024)
            cp.committed(conn)
            write(1)  # a small remainder this time
            assert cp._idle.wait(10)
            cp.committed(conn)
            assert len(checkpoints) == 2
        finally:
            reader.close()
            cp.close()
