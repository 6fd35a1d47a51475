"""Reading ahead of the import's writer: parsing on a thread or in a process, checkpointing.

The import pipeline (reader.core.importing) writes batches on its own thread; what feeds it and
what folds its log back into the library run beside it, here. ``rows`` is the pipeline's
articles-to-rows function, handed in so this module needs nothing from the pipeline.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from reader.core.article import Article
from reader.core.dumps import ParseReport, parse_stream
from reader.core.hand_fixes import FixSet

_CHUNK = 64  # articles per hand-off from the parsing thread
# The parser may run a whole batch ahead, so that it keeps working while a batch is written.
_QUEUE_CHUNKS = 40

Row = tuple[Any, ...]
# The pipeline's articles-to-rows function (a chunk at a time) and its (picklable) second argument.
RowsFunction = Callable[[list[Article], Any], list[Row]]


def put_unless_stopped(into: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    """Put ``item`` on a bounded queue, waiting for room, unless ``stop`` is set meanwhile (the
    reader has gone): false then, so that a producer thread never blocks for ever."""
    while not stop.is_set():
        try:
            into.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def stop_producer(thread: threading.Thread, out: queue.Queue[Any], stop: threading.Event) -> None:
    """Set ``stop`` and empty the queue until the producing thread has ended (it may be
    waiting for room on the queue)."""
    stop.set()
    while thread.is_alive():
        with contextlib.suppress(queue.Empty):
            while True:
                out.get_nowait()
        thread.join(0.05)


class ThreadPrefetch:
    """Parse on a helper thread, a bounded number of chunks ahead of the writer.

    ``quiet`` is held by the parser while it works on one article and by the writer around its
    short SQL statements. Without it, every one of the thousand small steps of an ``executemany``
    would give the GIL to the parser and wait up to the interpreter's switch interval (5 ms) to
    get it back; with it the parser only runs while SQLite indexes or commits, which is the point.
    """

    def __init__(
        self,
        path: Path,
        spec: object,
        rows: RowsFunction,
        layout: str | None = None,
        fixes: FixSet | None = None,
    ) -> None:
        self._path = path
        self._spec = spec
        self._rows = rows
        self._layout = layout
        self._fixes = fixes or FixSet()
        # Filled by the parser as it goes; complete once iteration has ended.
        self.report = ParseReport()
        self.quiet = threading.Lock()
        self._queue: queue.Queue[list[Row] | BaseException | None] = queue.Queue(_QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatch-parse", daemon=True)
        self._thread.start()

    def _put(self, item: list[Row] | BaseException | None) -> bool:
        return put_unless_stopped(self._queue, item, self._stop)

    def _run(self) -> None:
        try:
            with self._path.open("rb") as f:
                chunk: list[Row] = []
                articles = self._fixes.apply(
                    parse_stream(f, layout=self._layout, report=self.report)
                )
                while True:
                    with self.quiet:
                        article = next(articles, None)
                        if article is None:
                            break
                        made = self._rows([article], self._spec)
                    chunk.extend(made)
                    if len(chunk) >= _CHUNK:
                        if not self._put(chunk):
                            return
                        chunk = []
                if chunk and not self._put(chunk):
                    return
            self._put(None)
        except BaseException as e:  # handed to the writer, which reports it
            self._put(e)

    def __iter__(self) -> Iterator[Row]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item

    def close(self) -> None:
        stop_producer(self._thread, self._queue, self._stop)


def _parse_in_child(
    path: str,
    spec: object,
    out,
    rows: RowsFunction,
    layout: str | None = None,
    fixes: FixSet | None = None,
) -> None:
    """The parsing process: pickled chunks of rows on ``out``, its ParseReport, then None (or the
    error: the exception itself when it can be pickled, else its text).

    ``out`` is the only writing end of a pipe whose reading end only the parent holds: when the
    parent dies, however it dies (kill -9 included), the next send fails and this process ends,
    instead of parsing on, or waiting on a full pipe, for good.
    """
    # Ctrl-C reaches the whole process group; the parent decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    report = ParseReport()
    try:
        try:
            with open(path, "rb") as f:
                chunk: list[Article] = []
                parsed = parse_stream(f, layout=layout, report=report)
                for article in (fixes or FixSet()).apply(parsed):
                    chunk.append(article)
                    if len(chunk) >= _CHUNK:
                        out.send_bytes(pickle.dumps(rows(chunk, spec), pickle.HIGHEST_PROTOCOL))
                        chunk = []
                if chunk:
                    out.send_bytes(pickle.dumps(rows(chunk, spec), pickle.HIGHEST_PROTOCOL))
            out.send_bytes(pickle.dumps(report, pickle.HIGHEST_PROTOCOL))
            out.send_bytes(pickle.dumps(None))
        except (BrokenPipeError, ConnectionError):
            return  # the parent is gone or stopped reading: nothing to do
        except Exception as e:
            try:
                data = pickle.dumps(e, pickle.HIGHEST_PROTOCOL)
                pickle.loads(data)  # some exceptions pickle but cannot be made again
            except Exception:
                data = pickle.dumps(f"{type(e).__name__}: {e}")
            out.send_bytes(data)
    except OSError:
        return
    finally:
        with contextlib.suppress(OSError):
            out.close()


_CHILD_GONE = object()
_EMPTY = object()
# A pipe holds 64 KiB by default, a fifth of one chunk of rows (~300 KB for 64 articles of a
# 300 MB dump): the child then waited on a full pipe, and the reader woke, several times per
# chunk. Linux lets a process widen its pipes up to /proc/sys/fs/pipe-max-size (1 MiB by default).
_PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    """Let the pipe ``fd`` hold _PIPE_BYTES where the system allows it (Linux); else as it is."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


class ProcessPrefetch:
    """Parse in a separate process: big dumps parse on another core without taking the GIL.

    On a thread the parser and the writer share one interpreter lock, so they barely overlap
    and every call the window makes into Python waits behind them; a process parses truly
    alongside. It costs a process start (~0.1 s) and pickling the rows, so small files keep
    the thread (see PROCESS_PARSE_BYTES).

    Rows come through a plain pipe (no multiprocessing.Queue, whose feeder thread and locks
    outlive a killed parent); a thread here drains it into a bounded queue so the child can
    parse up to a batch ahead. The child's only tie is that pipe: it stops when this process
    stops reading, dies or is killed.
    """

    def __init__(
        self,
        path: Path,
        spec: object,
        rows: RowsFunction,
        layout: str | None = None,
        fixes: FixSet | None = None,
    ) -> None:
        import multiprocessing

        # "spawn": forking a process that runs Qt and other threads is unsafe.
        ctx = multiprocessing.get_context("spawn")
        self.quiet: AbstractContextManager[object] = nullcontext()
        self.report = ParseReport()  # the child's, once it has finished
        self._recv, send = ctx.Pipe(duplex=False)
        _widen(send.fileno())
        self._queue: queue.Queue[object] = queue.Queue(_QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._process = ctx.Process(
            target=_parse_in_child,
            args=(str(path), spec, send, rows, layout, fixes),
            name="dispatch-parse",
            daemon=True,
        )
        try:
            self._process.start()
        finally:
            send.close()  # the child's copy is the only writer left: its end is our EOF
        self._thread = threading.Thread(target=self._drain, name="dispatch-parse-pipe", daemon=True)
        self._thread.start()
        self._head: object = _EMPTY  # taken from the queue by wait_ready

    def wait_ready(self, timeout: float) -> bool:
        """Whether the child has sent something (rows, its end, an error) within ``timeout``
        seconds; iterating then starts with it."""
        if self._head is _EMPTY:
            try:
                self._head = self._queue.get(timeout=timeout)
            except queue.Empty:
                return False
        return True

    def _drain(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._recv.recv_bytes()  # waits with the GIL released
                # Unpickled here, not by the writer: its thread mostly waits on SQLite with the
                # interpreter lock released, and this one fits in those waits.
                try:
                    item = pickle.loads(data)
                except Exception as e:  # the child checks what it sends: not expected
                    item = f"the parsing process sent what cannot be read: {e!r}"
                if not put_unless_stopped(self._queue, item, self._stop):
                    break
        except (EOFError, OSError):
            pass
        with contextlib.suppress(queue.Full):
            self._queue.put(_CHILD_GONE, timeout=1.0)

    def __iter__(self) -> Iterator[Row]:
        while True:
            if self._head is not _EMPTY:
                rows, self._head = self._head, _EMPTY
            else:
                rows = self._queue.get()
            if rows is _CHILD_GONE:
                self._process.join(1.0)
                code = self._process.exitcode
                raise RuntimeError(f"the parsing process stopped (exit status {code})")
            if rows is None:
                return
            if isinstance(rows, str):
                raise RuntimeError(rows)
            if isinstance(rows, BaseException):
                raise rows
            if isinstance(rows, ParseReport):
                self.report = rows
                continue
            assert isinstance(rows, list)
            yield from rows

    def close(self) -> None:
        self._stop.set()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        # The child's end is closed now: the draining thread sees the end of the pipe.
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                while True:
                    self._queue.get_nowait()
            self._thread.join(0.05)
        self._recv.close()
        self._process.close()


# --- writing side -------------------------------------------------------------------------------


# The thread's checkpoints in a row before the writer copies what is left itself.
_CHECKPOINT_ROUNDS = 3


class Checkpointer:
    """Folds the write-ahead log back into the library on a thread and connection of its own.

    SQLite's automatic checkpoint runs inside the writer's commit and waits for two fsyncs of
    everything written since the last one; here the writer goes on with the next batch
    meanwhile. A PASSIVE checkpoint never blocks the writer or readers. The log restarts from
    its beginning only when a batch begins after a checkpoint that copied every frame, which a
    checkpoint racing the writer never does: the log then grew for the whole import (4.9 GB for
    a 500,000-article part). So once the thread's checkpoint is over, the writer copies the few
    frames it added meanwhile itself, and its next batch restarts the log (truncated to the
    library's journal_size_limit).
    """

    def __init__(self, path: Path, every_bytes: int) -> None:
        self._wal = Path(f"{path}-wal")
        self._path = path
        self._every = every_bytes
        self._done_at = 0  # log size at the last checkpoint
        self._wake = threading.Event()
        self._idle = threading.Event()  # no checkpoint running on the thread
        self._idle.set()
        self._catch_up = False  # the thread's checkpoint needs the writer's remainder
        self._rounds = 0  # the thread's checkpoints since the writer last copied a remainder
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="dispatch-checkpoint", daemon=True)
        self._thread.start()

    def committed(self, conn: sqlite3.Connection | None = None) -> None:
        """After each batch, on the writer's connection ``conn``: a checkpoint starts on the
        thread when the log grew by ``every_bytes``; once it is over, the writer copies what it
        added meanwhile so that its next batch restarts the log."""
        try:
            size = self._wal.stat().st_size
        except OSError:
            return
        if size < self._done_at:  # the log restarted and was truncated
            self._done_at = 0
        if not self._idle.is_set():
            return
        if self._catch_up:
            # What the writer added while the thread worked: still big (a slow disk, a loaded
            # machine: 1.2 s of the writer's CPU for the 300 MB dump at load 5), the thread
            # copies it too, a few rounds at most, or a writer faster than the copies would
            # keep the log from restarting. The writer copies the small rest itself.
            if size - self._done_at >= self._every // 16 and self._rounds < _CHECKPOINT_ROUNDS:
                self._start(size)
                return
            self._catch_up = False
            self._rounds = 0
            if conn is not None:
                # A reader still on old frames makes this copy less than all: the log then
                # restarts after a later round.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return
        if size - self._done_at >= self._every:
            self._start(size)

    def _start(self, size: int) -> None:
        """A checkpoint on the thread, of the log as it is now (``size`` bytes)."""
        self._done_at = size
        self._catch_up = True
        self._rounds += 1
        self._idle.clear()
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
                try:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    self._idle.set()
        finally:
            conn.close()
