"""The import pipeline: dump file → parse → section → library, in batched transactions.

Used by ``dispatch import`` and by the window's import worker, so it knows nothing of terminals or
Qt: it reports through callbacks, all called on the caller's thread.

Speed: parsing is Python and holds the GIL; storing and indexing are SQLite and release it. A helper
thread parses up to one batch ahead (bounded, so memory does not grow with the file) while this
thread writes, so the two overlap on a multi-core machine. Each batch's duplicates are set aside
with one indexed lookup before the classifier runs; the rest are inserted and indexed for full-text
search with one ``INSERT ... SELECT`` inside the batch's own transaction, so the index is exact
after every commit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal

from reader.core.article import Article
from reader.core.dumps import DumpError, check_dump, parse_stream
from reader.core.store import FALLBACK_SECTION, Library, now_utc

Status = Literal["done", "cancelled", "failed"]
Classifier = Callable[[Article], tuple[str, str]]

BATCH_ARTICLES = 2000
# The first batch is small and each next one twice as big up to BATCH_ARTICLES: writing (and
# the window's list) starts as soon as a few articles are parsed, not after a whole batch.
FIRST_BATCH_ARTICLES = 200
BATCH_BYTES = 16 * 1024 * 1024  # text held for one batch, whatever the article sizes
BATCH_SECONDS = 2.0  # a slow parse still shows new articles every two seconds
PROGRESS_INTERVAL = 0.2
# While importing, on the import's own connection: a larger page cache keeps the indexes' pages
# (fingerprints arrive in random order) in memory across batches, and checkpointing the WAL every
# 128 MB instead of every 4 MB copies pages rewritten by successive batches once, not each time.
# Sizes chosen by bench/bench_import.py: larger batches write less but hold more memory.
IMPORT_CACHE_KIB = 16 * 1024
# For the command line, the write-ahead log is folded back into the file by a checkpointing
# thread with a connection of its own (see _Checkpointer) once it holds this much, so that the
# writer never waits for a checkpoint's fsync: 8.0-11.2 s -> 7.4-9.1 s for a 100 MB dump, final
# checkpoint included. The window's worker keeps SQLite's own checkpoints every IMPORT_WAL_PAGES:
# with the thread the window's event loop stalled for up to 370-700 ms (100 MB, two runs)
# against 114-158 ms (bench_import_gui).
IMPORT_CHECKPOINT_BYTES = 128 * 1024 * 1024
IMPORT_WAL_AUTOCHECKPOINT = 32768  # pages (128 MB; journal_size_limit shrinks the file after)
_CHUNK = 64  # articles per hand-off from the parsing thread
# The parser may run a whole batch ahead, so that it keeps working while a batch is written.
_QUEUE_CHUNKS = 40
# Dumps at least this big are parsed in a separate process (see _ProcessPrefetch).
PROCESS_PARSE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Progress:
    bytes_done: int
    bytes_total: int
    articles: int
    new: int
    duplicates: int
    skipped: int


@dataclass(frozen=True, slots=True)
class Batch:
    """What one commit added, so a view can refresh only what changed."""

    new_ids: list[int]
    section_ids: set[int]


@dataclass(frozen=True, slots=True)
class ImportResult:
    source_id: int | None
    path: Path
    name: str
    status: Status
    new: int
    duplicates: int
    skipped: int
    seconds: float
    error: str | None = None

    @property
    def articles(self) -> int:
        return self.new + self.duplicates + self.skipped


class _Failed(Exception):
    """An import that cannot go on; the message is fit to show a user."""


# --- parsing side (runs on the helper thread) -------------------------------------------------

# (title, dateline, summary, body, fingerprint, words, published_at, end offset, article or None)
_Row = tuple[str, str | None, str, str, str, int, str | None, int, Article | None]

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE_IN_DATELINE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})\b(?:,?\s+(\d{4}))?"
)


def published_from_dateline(dateline: str | None, today: date | None = None) -> str | None:
    """'LONDON, Nov 24 (Reuters)' → '2026-11-24 00:00:00.000' (time unknown: midnight UTC).

    Wire datelines rarely carry a year: the latest such date not after tomorrow is taken, so a
    December story imported in January lands in the year before.
    """
    if not dateline:
        return None
    m = _DATE_IN_DATELINE.search(dateline)
    if not m:
        return None
    month = _MONTHS[m.group(1).lower()]
    day = int(m.group(2))
    today = today or datetime.now(timezone.utc).date()
    years = [int(m.group(3))] if m.group(3) else [today.year, today.year - 1]
    for year in years:
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if m.group(3) or (d - today).days <= 1:
            return f"{d.isoformat()} 00:00:00.000"
    return None


def _row(a: Article, today: date, keep: bool) -> _Row:
    return (
        a.title,
        a.dateline,
        "\n".join(a.summary),
        a.body_text,
        a.fingerprint,
        a.words,
        published_from_dateline(a.dateline, today),
        a.end,
        a if keep else None,  # only a classifier needs it; without, it is memory
    )


class _Prefetch:
    """Parse on a helper thread, a bounded number of chunks ahead of the writer.

    ``quiet`` is held by the parser while it works on one article and by the writer around its
    short SQL statements. Without it, every one of the thousand small steps of an ``executemany``
    would give the GIL to the parser and wait up to the interpreter's switch interval (5 ms) to
    get it back; with it the parser only runs while SQLite indexes or commits, which is the point.
    """

    def __init__(self, path: Path, keep_articles: bool) -> None:
        self._path = path
        self._keep = keep_articles
        self.quiet = threading.Lock()
        self._queue: queue.Queue[list[_Row] | BaseException | None] = queue.Queue(_QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatch-parse", daemon=True)
        self._thread.start()

    def _put(self, item: list[_Row] | BaseException | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        today = datetime.now(timezone.utc).date()
        try:
            with self._path.open("rb") as f:
                chunk: list[_Row] = []
                articles = parse_stream(f)
                while True:
                    with self.quiet:
                        article = next(articles, None)
                        if article is None:
                            break
                        row = _row(article, today, self._keep)
                    chunk.append(row)
                    if len(chunk) >= _CHUNK:
                        if not self._put(chunk):
                            return
                        chunk = []
                if chunk and not self._put(chunk):
                    return
            self._put(None)
        except BaseException as e:  # handed to the writer, which reports it
            self._put(e)

    def __iter__(self) -> Iterator[_Row]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(0.05)


def _parse_in_child(path: str, keep: bool, out) -> None:
    """The parsing process: rows in chunks on ``out``, then None (or the error, as text)."""
    today = datetime.now(timezone.utc).date()
    try:
        with open(path, "rb") as f:
            chunk: list[_Row] = []
            for article in parse_stream(f):
                chunk.append(_row(article, today, keep))
                if len(chunk) >= _CHUNK:
                    out.put(chunk)
                    chunk = []
            if chunk:
                out.put(chunk)
        out.put(None)
    except BaseException as e:
        out.put(f"{type(e).__name__}: {e}")


class _ProcessPrefetch:
    """Parse in a separate process: big dumps parse on another core without taking the GIL.

    On a thread the parser and the writer share one interpreter lock, so they barely overlap
    and every call the window makes into Python waits behind them; a process parses truly
    alongside. It costs a process start (~0.1 s) and pickling the rows, so small files keep
    the thread (see PROCESS_PARSE_BYTES).
    """

    def __init__(self, path: Path, keep_articles: bool) -> None:
        import multiprocessing

        # "spawn": forking a process that runs Qt and other threads is unsafe.
        ctx = multiprocessing.get_context("spawn")
        self.quiet: AbstractContextManager[object] = nullcontext()
        self._queue = ctx.Queue(_QUEUE_CHUNKS)
        self._process = ctx.Process(
            target=_parse_in_child,
            args=(str(path), keep_articles, self._queue),
            name="dispatch-parse",
            daemon=True,
        )
        self._process.start()

    def __iter__(self) -> Iterator[_Row]:
        while True:
            try:
                item = self._queue.get(timeout=0.5)
            except queue.Empty:
                if not self._process.is_alive():
                    code = self._process.exitcode
                    message = f"the parsing process stopped (exit status {code})"
                    raise RuntimeError(message) from None
                continue
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(item)
            yield from item

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(5)
        self._queue.close()
        self._queue.cancel_join_thread()


# --- writing side -------------------------------------------------------------------------------


class _Checkpointer:
    """Folds the write-ahead log back into the library on a thread and connection of its own.

    SQLite's automatic checkpoint runs inside the writer's commit and waits for two fsyncs of
    everything written since the last one; here the writer goes on with the next batch
    meanwhile. A PASSIVE checkpoint never blocks the writer or readers, and the log restarts
    from its beginning at the next batch once it has been copied entirely.
    """

    def __init__(self, path: Path, every_bytes: int) -> None:
        self._wal = Path(f"{path}-wal")
        self._path = path
        self._every = every_bytes
        self._done_at = 0  # log size at the last checkpoint
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="dispatch-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """After each batch: a checkpoint starts when the log grew by ``every_bytes``."""
        try:
            size = self._wal.stat().st_size
        except OSError:
            return
        if size < self._done_at:  # the log restarted and was truncated
            self._done_at = 0
        if size - self._done_at >= self._every:
            self._done_at = size
            self._wake.set()

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(str(self._path), timeout=5.0)
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stop:
                    return
                # A checkpoint that cannot run now (a reader, the disk) is tried after the next
                # batch; the import itself never depends on one.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()


_INSERT = (
    "INSERT OR IGNORE INTO articles (title, dateline, summary, body, fingerprint, words, "
    "published_at, section_id, section_reason, section_by_user, source_id, added_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class _Importer:
    def __init__(
        self,
        lib: Library,
        path: Path,
        section: str | None,
        classify: Classifier | None,
        progress: Callable[[Progress], None] | None,
        cancelled: Callable[[], bool] | None,
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
        self.size = 0
        self.bytes_done = 0
        self.new = self.duplicates = self.skipped = 0
        self._sections: dict[str, int] = {}
        self._last_progress = float("-inf")
        self._fixed: tuple[int, str | None, int] | None = None
        self.quiet: AbstractContextManager[object] = nullcontext()
        self.checkpointer: _Checkpointer | None = None
        self.checkpoint_thread = True

    # sources row ---------------------------------------------------------------------------
    def start_source(self) -> None:
        try:
            self.size = self.path.stat().st_size
        except OSError:
            self.size = 0
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO sources (path, name, size, imported_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                (str(self.path.absolute()), self.path.name or str(self.path), self.size, now_utc()),
            )
        self.source_id = cur.lastrowid

    def finish_source(self, status: Status, error: str | None) -> None:
        if self.source_id is None:
            return
        if self.conn.in_transaction:
            self.conn.rollback()
        with self.conn:
            self.conn.execute(
                "UPDATE sources SET status = ?, error = ?, finished_at = ?, new_count = ?, "
                "duplicate_count = ?, skipped_count = ? WHERE id = ?",
                (
                    status,
                    error,
                    now_utc(),
                    self.new,
                    self.duplicates,
                    self.skipped,
                    self.source_id,
                ),
            )

    # sections ------------------------------------------------------------------------------
    def section_for(self, name: str) -> int:
        key = " ".join(name.split()).casefold()
        sid = self._sections.get(key)
        if sid is None:
            sid = self.lib.ensure_section(name)  # its own tiny commit, outside any batch
            self._sections[key] = sid
        return sid

    def place(self, article: Article | None) -> tuple[int, str | None, int]:
        """(section id, reason, chosen by the user)."""
        if self._fixed is not None:
            return self._fixed
        if self.section is not None:
            self._fixed = (self.section_for(self.section), "chosen when importing", 1)
            return self._fixed
        if self.classify is None:
            self._fixed = (self.section_for(FALLBACK_SECTION), None, 0)
            return self._fixed
        assert article is not None  # kept by the parsing thread when there is a classifier
        try:
            name, reason = self.classify(article)
        except Exception as e:
            logging.getLogger(__name__).exception("the classifier failed")
            title = article.title or "an untitled article"
            raise _Failed(f"the classifier failed on “{title}”: {e}") from e
        if not name or not name.strip():
            name = FALLBACK_SECTION
        return self.section_for(name), reason, 0

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
        return self.cancelled is not None and bool(self.cancelled())

    # the batch -----------------------------------------------------------------------------
    def write(self, batch: list[_Row]) -> None:
        """One transaction: the batch's new articles and their full-text rows, or nothing.

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
        for title, dateline, summary, body, fp, words, published, _end, article in batch:
            if fp in known:
                continue
            known.add(fp)
            sid, reason, by_user = self.place(article)
            rows.append(
                (title, dateline, summary, body, fp, words, published, sid, reason, by_user)
            )
        if not rows:
            self.duplicates += len(batch)
            with self.conn:
                self._update_source_counts()
            return
        added = now_utc()
        try:
            with quiet:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO fts_deferred (flag) VALUES (1)")
                (before,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
                conn.executemany(_INSERT, [(*r, self.source_id, added) for r in rows])
            # One long step with the GIL released: the parser works meanwhile.
            conn.execute(
                "INSERT INTO articles_fts (rowid, title, summary, body) "
                "SELECT id, title, summary, body FROM articles WHERE id > ?",
                (before,),
            )
            with quiet:
                conn.execute("DELETE FROM fts_deferred")
                placed = conn.execute(
                    "SELECT id, section_id FROM articles WHERE id > ?", (before,)
                ).fetchall()
                new = len(placed)
                self._update_source_counts(new, len(batch) - new)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        self.new += new
        self.duplicates += len(batch) - new
        if self.checkpointer is not None:
            self.checkpointer.committed()
        if self.on_commit is not None and placed:
            self.on_commit(Batch([i for i, _ in placed], {s for _, s in placed}))

    def _update_source_counts(self, new: int = 0, duplicates: int = 0) -> None:
        self.conn.execute(
            "UPDATE sources SET new_count = ?, duplicate_count = ?, skipped_count = ? WHERE id = ?",
            (self.new + new, self.duplicates + duplicates, self.skipped, self.source_id),
        )

    # the loop ------------------------------------------------------------------------------
    def run(self) -> Status:
        check_dump(self.path)
        conn = self.conn
        (cache,) = conn.execute("PRAGMA cache_size").fetchone()
        (autocheckpoint,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        keep = self.classify is not None
        big = self.size >= self.process_parse_bytes
        reader = (_ProcessPrefetch if big else _Prefetch)(self.path, keep_articles=keep)
        self.quiet = reader.quiet
        if big and self.checkpoint_thread:
            self.checkpointer = _Checkpointer(self.lib.path, IMPORT_CHECKPOINT_BYTES)
            conn.execute("PRAGMA wal_autocheckpoint = 0")
        else:
            conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_AUTOCHECKPOINT}")
        try:
            return self._loop(reader)
        finally:
            reader.close()
            self.quiet = nullcontext()
            if self.checkpointer is not None:
                self.checkpointer.close()
                self.checkpointer = None
            conn.execute(f"PRAGMA cache_size = {int(cache)}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")

    def _loop(self, reader: _Prefetch | _ProcessPrefetch) -> Status:
        pending: list[_Row] = []
        pending_bytes = 0
        batch_started = time.monotonic()
        articles = 0
        limit = min(FIRST_BATCH_ARTICLES, self.batch_articles)
        for row in reader:
            articles += 1
            self.bytes_done = row[7]
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
    cancelled: Callable[[], bool] | None = None,
    on_commit: Callable[[Batch], None] | None = None,
    batch_articles: int = BATCH_ARTICLES,
    progress_interval: float = PROGRESS_INTERVAL,
    process_parse_bytes: int = PROCESS_PARSE_BYTES,
    checkpoint_thread: bool = True,
) -> ImportResult:
    """Import one dump into ``lib``. Never raises for a bad file: the result says what happened.

    ``section`` puts every article in that section (created if missing). Otherwise ``classify``
    (article → (section name, reason)) places each article; without it everything goes to
    "Other". ``progress`` is called at most every ``progress_interval`` seconds and once at the
    end; ``cancelled`` is polled between articles; ``on_commit`` after every committed batch.
    A cancelled or failed import keeps the batches already committed.
    ``checkpoint_thread``: for dumps parsed in a separate process, checkpoint the log on a
    thread of its own (faster; the window's worker turns it off, see IMPORT_CHECKPOINT_BYTES).
    """
    if section is not None and not section.strip():
        raise ValueError("section needs a name")
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
    error: str | None = None
    try:
        imp.start_source()
        status = imp.run()
    except DumpError as e:
        status, error = "failed", str(e)
    except _Failed as e:
        status, error = "failed", f"{path.name}: {e}"
    except sqlite3.Error as e:
        status, error = "failed", f"{path.name}: could not write to the library ({e})"
    except OSError as e:
        status, error = "failed", f"{path.name}: cannot be read ({e.strerror or e})"
    except UnicodeError as e:
        status, error = "failed", f"{path.name}: cannot be decoded as text ({e})"
    except Exception as e:
        # A parser or classifier bug met by some odd file: report it like any bad file.
        logging.getLogger(__name__).exception("importing %s failed", path)
        status, error = "failed", f"{path.name}: could not be imported (internal error: {e!r})"
    except BaseException:
        # Interrupted (Ctrl-C): what was committed stays, and the source says so.
        with contextlib.suppress(sqlite3.Error):
            imp.finish_source("cancelled", "interrupted")
        raise
    try:
        imp.finish_source(status, error)
    except sqlite3.Error as e:
        status, error = "failed", error or f"{path.name}: could not write to the library ({e})"
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
    )
