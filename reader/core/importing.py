"""The import pipeline: dump file → parse → section → library, in batched transactions.

Used by ``dispatch import`` and by the window's import worker, so it knows nothing of terminals or
Qt: it reports through callbacks, all called on the caller's thread.

Speed: parsing is Python and holds the GIL; storing and indexing are SQLite and release it. A helper
thread parses up to one batch ahead (bounded, so memory does not grow with the file) while this
thread writes, so the two overlap on a multi-core machine; big dumps are parsed, and classified,
in a separate process (see _Importer.row_spec). Each batch's duplicates are set aside with one
indexed lookup (before the classifier runs, when this thread classifies); the rest are inserted and
indexed for full-text search with one ``INSERT ... SELECT`` inside the import's transaction, so
the index is exact after every commit. A transaction is one batch, except while a big
command-line import has the library alone (_Importer._hold).
"""

from __future__ import annotations

import contextlib
import json
import logging
import pickle
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path

from reader.core.article import Article
from reader.core.dump_copies import CopyMaker
from reader.core.dumps import LAYOUTS, DumpError, ParseReport, check_dump
from reader.core.hand_fixes import load_fixes
from reader.core.import_records import SectionIds, begin_source, insert_articles

# Re-exported: what an import reports lived here first.
from reader.core.import_results import Batch as Batch
from reader.core.import_results import ImportResult as ImportResult
from reader.core.import_results import Progress as Progress
from reader.core.import_results import Status as Status
from reader.core.import_results import library_error_text as library_error_text
from reader.core.import_rows import END as _END
from reader.core.import_rows import ClassifierFailed, RowSpec, classified, make_rows
from reader.core.import_rows import Row as _Row

# Re-exported: the date helpers lived here first.
from reader.core.import_rows import published_at as published_at
from reader.core.import_rows import published_from_dateline as published_from_dateline
from reader.core.journal_modes import AfterCommit, WalOnRequest
from reader.core.journal_modes import rollback_journal_while_alone as alone_journal
from reader.core.readahead import Checkpointer, ProcessPrefetch, ThreadPrefetch
from reader.core.store import (
    FALLBACK_SECTION,
    INTERRUPTED,
    Library,
    is_corruption,
    now_utc,
)

log = logging.getLogger(__name__)

Classifier = Callable[[Article], tuple[str, str]]
# Polled between articles: true to stop; a text says why it stopped (a signal, a shutdown), and
# the source is then marked interrupted rather than cancelled by the reader.
CancelCheck = Callable[[], "bool | str"]

BATCH_ARTICLES = 2000
# The first batch is small and each next one twice as big up to BATCH_ARTICLES: writing (and
# the window's list) starts as soon as a few articles are parsed, not after a whole batch.
FIRST_BATCH_ARTICLES = 200
BATCH_BYTES = 16 * 1024 * 1024  # text held for one batch, whatever the article sizes
BATCH_SECONDS = 2.0  # a slow parse still shows new articles every two seconds
PROGRESS_INTERVAL = 0.2
HOLD_SECONDS = 2.0  # a transaction spans batches this long while the import is alone (_hold)
# While importing, on the import's own connection: a larger page cache keeps the indexes' pages
# (fingerprints arrive in random order) in memory across batches, and checkpointing the WAL every
# 128 MB instead of every 4 MB copies pages rewritten by successive batches once, not each time.
# Sizes chosen by bench/bench_import.py: larger batches write less but hold more memory.
IMPORT_CACHE_KIB = 16 * 1024
# Each inserted row also runs triggers and foreign-key checks, so SQLite keeps a statement journal
# (the pages it changes, to undo that one row); past 64 KiB it spills to a temporary file. In
# memory instead: a 300 MB dump's import made 3.5 GB of write() calls to such files (and ~40 % of
# the writer's CPU went to the kernel); kept in memory, none, and the rows stored are the same.
IMPORT_TEMP_STORE = 2  # MEMORY
# The command line's log (unless alone: journal_modes) is folded back into the file by a thread
# with a connection of its own (readahead.Checkpointer) once it holds this much, so that the writer
# never waits for a checkpoint's fsync: 8.0-11.2 s -> 7.4-9.1 s for a 100 MB dump, final
# checkpoint included. The window's worker keeps SQLite's own checkpoints every IMPORT_WAL_PAGES:
# with the thread the window's event loop stalled for up to 370-700 ms (100 MB, two runs)
# against 114-158 ms (bench_import_gui).
IMPORT_CHECKPOINT_BYTES = 128 * 1024 * 1024
IMPORT_WAL_AUTOCHECKPOINT = 32768  # pages (128 MB; journal_size_limit shrinks the file after)
# Dumps at least this big are parsed in a separate process (see readahead.ProcessPrefetch).
PROCESS_PARSE_BYTES = 16 * 1024 * 1024
# While that process starts, the dump's copy is stored every this often (see _wait_for_parser).
COPY_WAIT_SECONDS = 0.02


class _Failed(Exception):
    """An import that cannot go on; the message is fit to show a user."""


class _Importer:
    def __init__(
        self,
        lib: Library,
        path: Path,
        section: str | None,
        classify: Classifier | None,
        progress: Callable[[Progress], None] | None,
        cancelled: CancelCheck | None,
        on_commit: Callable[[Batch], None] | None,
        batch_articles: int,
        progress_interval: float,
    ) -> None:
        self.lib = lib
        self.conn = lib.conn
        self.path = path
        self.section = section
        self.classify = classify
        self.progress = progress
        self.cancelled = cancelled
        self.on_commit = on_commit
        self.batch_articles = max(1, batch_articles)
        self.progress_interval = progress_interval
        self.source_id: int | None = None
        self.process_parse_bytes = PROCESS_PARSE_BYTES
        self.layout: str | None = None  # one of dumps.LAYOUTS; None: detected
        self.size = 0
        self.bytes_done = 0
        self.new = self.duplicates = self.skipped = 0
        self.resumed = 0  # articles stored by the interrupted import this one resumes
        self._counted = (0, 0)  # (new, duplicates) as last committed
        self._held: list[tuple[int, int]] = []  # (id, section) written since the last commit
        self._began = 0.0  # when the open transaction began
        self.stop_reason: str | None = None  # why ``cancelled`` stopped it, when it said
        self.section_ids = SectionIds()
        self._last_progress = float("-inf")
        self._fixed: tuple[str, str | None, int] | None = None
        self.quiet: AbstractContextManager[object] = nullcontext()
        self.checkpointer: AfterCommit | None = None
        self.checkpoint_thread = True
        self.classify_while_parsing = True
        self.parse_report = ParseReport()
        self.copy: CopyMaker | None = None  # the dump's copy for re-parsing, made as it imports

    # sources row ---------------------------------------------------------------------------
    def start_source(self) -> None:
        """The file's row in ``sources`` (see import_records.begin_source)."""
        try:
            self.size = self.path.stat().st_size
        except OSError:
            self.size = 0
        self.source_id, self.resumed = begin_source(self.lib, self.path, self.size)

    def counts(self, new: int = 0, duplicates: int = 0) -> tuple[int, int]:
        """(new, duplicates) as the source row keeps them: a resumed run's earlier articles are
        its own, not duplicates."""
        dup = self.duplicates + duplicates
        return self.resumed + self.new + new, max(0, dup - self.resumed)

    def finish_source(self, status: Status, error: str | None) -> None:
        if self.source_id is None:
            return
        if self.conn.in_transaction:
            self.rollback()
        new, duplicates = self.counts()
        with self.conn:
            self.conn.execute(
                "UPDATE sources SET status = ?, error = ?, finished_at = ?, new_count = ?, "
                "duplicate_count = ?, skipped_count = ?, owner = NULL, warning = ? WHERE id = ?",
                (
                    status,
                    error,
                    now_utc(),
                    new,
                    duplicates,
                    self.skipped,
                    self.parse_report.warning() if status != "failed" else None,
                    self.source_id,
                ),
            )
        if self.copy is not None:  # unless sealed: the import did not finish, or added nothing
            self.copy.drop()

    # sections ------------------------------------------------------------------------------
    def place(self, placement: Article | tuple[str, str] | None) -> tuple[str, str | None, int]:
        """(section name, reason, chosen by the user); ids are looked up at write time.

        ``placement`` is the row's last field: the section found while parsing, or the article
        for this thread to classify (see reader.core.import_rows).
        """
        if isinstance(placement, tuple):
            name, reason = placement
            return (name if name and name.strip() else FALLBACK_SECTION), reason, 0
        if self._fixed is not None:
            return self._fixed
        if self.section is not None:
            self._fixed = (self.section, "chosen when importing", 1)
            return self._fixed
        if self.classify is None:
            self._fixed = (FALLBACK_SECTION, None, 0)
            return self._fixed
        assert placement is not None  # kept by the parsing side when the writer classifies
        try:
            name, reason = classified(self.classify, placement)
        except ClassifierFailed as e:
            log.error("the classifier failed", exc_info=e.__cause__)
            raise _Failed(str(e)) from e
        if not name or not name.strip():
            name = FALLBACK_SECTION
        return name, reason, 0

    # progress ------------------------------------------------------------------------------
    def report(self, articles: int, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < self.progress_interval:
            return
        self._last_progress = now
        self.progress(
            Progress(
                min(self.bytes_done, self.size) if self.size else self.bytes_done,
                self.size,
                articles,
                self.new,
                self.duplicates,
                self.skipped,
            )
        )

    def is_cancelled(self) -> bool:
        if self.cancelled is None:
            return False
        answer = self.cancelled()
        if isinstance(answer, str) and answer:
            self.stop_reason = answer
        return bool(answer)

    # the batch -----------------------------------------------------------------------------
    def write(self, batch: list[_Row]) -> None:
        """The batch's new articles and their full-text rows, in the import's transaction: all
        of them, or nothing since the last commit.

        Articles already in the library (or earlier in this batch) are set aside before the
        classifier sees them, so re-importing a file costs parsing only.
        """
        conn = self.conn
        quiet = self.quiet
        with quiet:
            known = {
                r[0]
                for r in conn.execute(
                    "SELECT fingerprint FROM articles "
                    "WHERE fingerprint IN (SELECT value FROM json_each(?))",
                    (json.dumps([r[4] for r in batch]),),
                )
            }
        rows = []
        for row in batch:
            fp = row[4]
            if fp in known:
                continue
            known.add(fp)
            name, reason, by_user = self.place(row[-1])
            rows.append((*row[:_END], name, reason, by_user))
        added = now_utc()
        placed: list[tuple[int, int]] = []
        try:
            with quiet:
                if not conn.in_transaction:
                    conn.execute("BEGIN IMMEDIATE")
                    self._began = time.monotonic()
            if rows:
                placed = self._insert(rows, added)
            with quiet:
                new = len(placed)
                self._update_source_counts(new, len(batch) - new)
                if not self._hold():
                    conn.commit()
        except BaseException:
            self.rollback()
            raise
        self.new += len(placed)
        self.duplicates += len(batch) - len(placed)
        self._held.extend(placed)
        if not conn.in_transaction:
            self._committed()

    def _insert(self, rows: list[tuple], added: str) -> list[tuple[int, int]]:
        """The rows stored and indexed; (id, section id) of each."""
        conn = self.conn
        with self.quiet:
            ids = self.section_ids(conn, {r[_END] for r in rows})
            conn.execute("INSERT INTO fts_deferred (flag) VALUES (1)")
            (before,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
            tail = (self.source_id, added)
            sections = [ids[r[_END]] for r in rows]
            inserted = insert_articles(
                self.lib, [(*r[:_END], s, *r[_END + 1 :], *tail) for r, s in zip(rows, sections)]
            )
        # One long step with the GIL released: the parser works meanwhile.
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, summary, body) "
            "SELECT id, title, summary, body FROM articles WHERE id > ?",
            (before,),
        )
        with self.quiet:
            if self.copy is not None:
                self.copy.store()  # the dump's copy, as far as it is compressed
            conn.execute("DELETE FROM fts_deferred")
            return self._placed(before, inserted, sections)

    def _hold(self) -> bool:
        """Whether the transaction stays open for the next batch.

        Only while the import has the library alone (journal_modes: a rollback journal, no
        opening asking for the log), and for at most HOLD_SECONDS. Each commit writes again
        every page the batches since the last one changed and journals it first: the random
        keys (titles, fingerprints) change pages all over their indexes. A 300 MB import
        committing every 2 s rather than every batch made 395-413k page writes instead of
        507k and 99-107 syncs instead of 263. A crash loses at most that much work, which
        importing the file again resumes.
        """
        wal = self.checkpointer
        return (
            isinstance(wal, WalOnRequest)
            and wal.alone()
            and time.monotonic() - self._began < HOLD_SECONDS
        )

    def commit(self) -> None:
        """Commit the batches written since the last commit, if any, and announce them."""
        if self.conn.in_transaction:
            try:
                self.conn.commit()
            except BaseException:
                self.rollback()
                raise
            self._committed()

    def rollback(self) -> None:
        """Undo the batches written since the last commit, counts included."""
        with contextlib.suppress(sqlite3.Error):
            self.conn.rollback()
        self.new, self.duplicates = self._counted
        self._held = []

    def _committed(self) -> None:
        self._counted = (self.new, self.duplicates)
        placed, self._held = self._held, []
        if self.checkpointer is not None:
            self.checkpointer.committed(self.conn)
        if self.on_commit is not None and placed:
            self.on_commit(Batch([i for i, _ in placed], {s for _, s in placed}))

    def _placed(self, before: int, inserted: int, sections: list[int]) -> list[tuple[int, int]]:
        """(id, section id) of the rows the batch stored. Every row was new (duplicates were set
        aside first, in this same write transaction) and a rowid is the largest so far plus one,
        so they are ``before + 1``, ``before + 2``, ... in order: no need to read them back (a
        SELECT of section_id walks past each body's overflow pages). Should any row have been
        ignored after all, they are read back."""
        conn = self.conn
        if inserted == len(sections):
            (last,) = conn.execute("SELECT MAX(id) FROM articles").fetchone()
            if last == before + inserted:
                return list(zip(range(before + 1, last + 1), sections))
        sql = "SELECT id, section_id FROM articles WHERE id > ?"
        return conn.execute(sql, (before,)).fetchall()

    def close_copy(self) -> None:
        if self.copy is not None:
            self.copy.close()

    def _update_source_counts(self, new: int = 0, duplicates: int = 0) -> None:
        self.conn.execute(
            "UPDATE sources SET new_count = ?, duplicate_count = ?, skipped_count = ? WHERE id = ?",
            (*self.counts(new, duplicates), self.skipped, self.source_id),
        )

    # the loop ------------------------------------------------------------------------------
    def run(self) -> Status:
        check_dump(self.path)
        conn = self.conn
        (cache,) = conn.execute("PRAGMA cache_size").fetchone()
        (autocheckpoint,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        (temp_store,) = conn.execute("PRAGMA temp_store").fetchone()
        conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        conn.execute(f"PRAGMA temp_store = {IMPORT_TEMP_STORE}")
        big = self.size >= self.process_parse_bytes
        spec = self.row_spec(big)
        prefetch = ProcessPrefetch if big else ThreadPrefetch
        reader = prefetch(
            self.path, spec, make_rows, layout=self.layout, fixes=load_fixes(self.lib)
        )
        self.quiet = reader.quiet
        assert self.source_id is not None
        journal = contextlib.ExitStack()  # a rollback journal while the library is ours alone:
        alone = big and self.checkpoint_thread and journal.enter_context(alone_journal(conn))
        self.copy = CopyMaker(self.lib, self.source_id, self.path, self.layout)
        checkpointer = partial(Checkpointer, self.lib.path, IMPORT_CHECKPOINT_BYTES)
        if alone:  # the log (and its thread) again should another program open the library
            self.checkpointer = WalOnRequest(self.lib.path, checkpointer)
        elif big and self.checkpoint_thread:
            self.checkpointer = checkpointer()
            conn.execute("PRAGMA wal_autocheckpoint = 0")
        else:
            conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_AUTOCHECKPOINT}")
        try:
            if isinstance(reader, ProcessPrefetch) and not self._wait_for_parser(reader):
                return "cancelled"  # at once, not after the parser's first rows
            return self._loop(reader)
        finally:
            self.commit()  # the batches written since the last commit are whole: kept
            self.parse_report = reader.report
            reader.close()
            self.quiet = nullcontext()
            if self.checkpointer is not None:
                self.checkpointer.close()
                self.checkpointer = None
            conn.execute(f"PRAGMA cache_size = {int(cache)}")
            conn.execute(f"PRAGMA temp_store = {int(temp_store)}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
            journal.close()

    def row_spec(self, big: bool) -> RowSpec:
        """Where articles are classified: in the parsing process for big dumps, when the
        classifier can be sent there (a library's Placer can: it is a snapshot of what the reader
        taught, taken when the import started); else here, by the writer.

        A dump parsed on a thread stays classified by the writer: the thread shares this
        process's interpreter lock, so moving the work there gains little, and the writer sets
        duplicates aside first (a re-import classifies nothing). So does a file imported before.
        """
        if self.section is not None or self.classify is None:
            return RowSpec()
        if big and self.classify_while_parsing and not self.imported_before():
            try:
                pickle.dumps(self.classify, pickle.HIGHEST_PROTOCOL)
            except Exception:  # a closure, a lambda: it stays in this process
                log.debug("the classifier cannot be sent to the parsing process")
            else:
                return RowSpec(classify=self.classify)
        return RowSpec(keep=True)

    def imported_before(self) -> bool:
        """Whether this file was imported (or begun) before: its articles are then mostly in the
        library already, and the writer, which sets duplicates aside first, classifies only the
        new ones (a re-import or a resumed import costs parsing, not classification)."""
        if self.resumed:
            return True
        row = self.conn.execute(
            "SELECT 1 FROM sources WHERE path = ? AND id != ? LIMIT 1",
            (str(self.path.absolute()), self.source_id),
        ).fetchone()
        return row is not None

    def _wait_for_parser(self, reader: ProcessPrefetch) -> bool:
        """Until the parsing process sends its first rows (its interpreter, imports and
        classifier take a second or so) this process has a core to spare: for a file not
        imported before, the dump's copy is read, compressed and stored meanwhile, in short
        transactions of its own, instead of competing with the batches later (or holding up the
        end); a re-import begins its copy with the first batch that brings new articles. A
        cancel is seen meanwhile too: False then."""
        copy, conn = self.copy, self.conn
        assert copy is not None
        copying = not self.imported_before()
        while not reader.wait_ready(COPY_WAIT_SECONDS):
            if self.is_cancelled():
                return False
            if not copying or copy.finished:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                copy.store()
                conn.commit()
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.rollback()
                raise
        return True

    def _loop(self, reader: ThreadPrefetch | ProcessPrefetch) -> Status:
        pending: list[_Row] = []
        pending_bytes = 0
        batch_started = time.monotonic()
        articles = 0
        limit = min(FIRST_BATCH_ARTICLES, self.batch_articles)
        for row in reader:
            articles += 1
            self.bytes_done = row[_END]
            if not row[5]:
                self.skipped += 1  # no words: a headline with no text
            else:
                pending.append(row)
                pending_bytes += len(row[0]) + len(row[2]) + len(row[3])
            if (
                len(pending) >= limit
                or pending_bytes >= BATCH_BYTES
                or (pending and time.monotonic() - batch_started >= BATCH_SECONDS)
            ):
                if self.is_cancelled():
                    return "cancelled"
                self.write(pending)
                pending, pending_bytes = [], 0
                batch_started = time.monotonic()
                limit = min(limit * 2, self.batch_articles)
            self.report(articles)
            if self.is_cancelled():
                return "cancelled"
        if pending:
            if self.is_cancelled():
                return "cancelled"
            self.write(pending)
        self.bytes_done = self.size
        self.report(articles, force=True)
        return "done"


def import_file(
    lib: Library,
    path: Path | str,
    *,
    section: str | None = None,
    classify: Classifier | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancelled: CancelCheck | None = None,
    on_commit: Callable[[Batch], None] | None = None,
    batch_articles: int = BATCH_ARTICLES,
    progress_interval: float = PROGRESS_INTERVAL,
    process_parse_bytes: int = PROCESS_PARSE_BYTES,
    checkpoint_thread: bool = True,
    layout: str | None = None,
    classify_while_parsing: bool = True,
) -> ImportResult:
    """Import one dump into ``lib``. Never raises for a bad file: the result says what happened.

    ``section`` puts every article in that section (created if missing). Otherwise ``classify``
    (article → (section name, reason)) places each article; without it everything goes to
    "Other". ``progress`` is called at most every ``progress_interval`` seconds and once at the
    end; ``cancelled`` is polled between articles (a text it returns is kept as why the import
    was interrupted); ``on_commit`` after every commit, with the batches it committed. A cancelled
    import, or one that fails between batches, keeps every batch written; one that fails inside a
    batch keeps those committed before it. Importing a file whose last import was interrupted
    resumes that import's source row (``ImportResult.resumed``).
    ``checkpoint_thread``: for dumps parsed in a separate process, checkpoint the log on a
    thread of its own (faster; the window's worker turns it off, see IMPORT_CHECKPOINT_BYTES).
    ``layout``: parse the dump as one of dumps.LAYOUTS (None or "auto": detected).
    ``classify_while_parsing``: a dump parsed in a separate process is classified there when
    ``classify`` can be pickled (see _Importer.row_spec); false keeps it in the writer.
    """
    if section is not None and not section.strip():
        raise ValueError("section needs a name")
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    path = Path(path)
    t0 = time.perf_counter()
    imp = _Importer(
        lib,
        path,
        section,
        classify,
        progress,
        cancelled,
        on_commit,
        batch_articles,
        progress_interval,
    )
    imp.process_parse_bytes = process_parse_bytes
    imp.checkpoint_thread = checkpoint_thread
    imp.layout = layout
    imp.classify_while_parsing = classify_while_parsing
    error: str | None = None
    damaged = False
    try:
        imp.start_source()
        status = imp.run()
        if status == "cancelled" and imp.stop_reason:
            error = f"{INTERRUPTED}: {imp.stop_reason}"
    except DumpError as e:
        status, error = "failed", str(e)
    except _Failed as e:
        status, error = "failed", f"{path.name}: {e}"
    except ClassifierFailed as e:  # in the parsing process: its traceback stayed there
        log.error("the classifier failed in the parsing process: %s", e)
        status, error = "failed", f"{path.name}: {e}"
    except sqlite3.Error as e:
        damaged = is_corruption(e)
        status, error = "failed", f"{path.name}: {library_error_text(e)}"
    except OSError as e:
        status, error = "failed", f"{path.name}: cannot be read ({e.strerror or e})"
    except UnicodeError as e:
        status, error = "failed", f"{path.name}: cannot be decoded as text ({e})"
    except Exception as e:
        # A parser or classifier bug met by some odd file: report it like any bad file.
        log.exception("importing %s failed", path)
        status, error = "failed", f"{path.name}: could not be imported (internal error: {e!r})"
    except BaseException:
        # Interrupted (Ctrl-C): what was committed stays, and the source says so.
        with contextlib.suppress(sqlite3.Error):
            imp.finish_source("cancelled", f"{INTERRUPTED}: stopped by Ctrl-C")
        imp.close_copy()
        raise
    try:
        if status == "done" and imp.new + imp.resumed and imp.copy is not None:
            imp.copy.seal()  # kept for re-parsing (core/reparse.py)
        imp.finish_source(status, error)
    except sqlite3.Error as e:
        # The row stays 'running' with this process as its owner: the next open marks it
        # interrupted, and importing the file again resumes it.
        damaged = damaged or is_corruption(e)
        status = "failed"
        error = error or f"{path.name}: {library_error_text(e)}"
    finally:
        imp.close_copy()
    return ImportResult(
        source_id=imp.source_id,
        path=path,
        name=path.name or str(path),
        status=status,
        new=imp.new,
        duplicates=imp.duplicates,
        skipped=imp.skipped,
        seconds=time.perf_counter() - t0,
        error=error,
        warning=imp.parse_report.warning() if status != "failed" else None,
        resumed=imp.resumed,
        library_damaged=damaged,
    )
