"""A compressed copy of each imported dump, kept in the library so that it can be parsed again.

Why a copy of the raw bytes rather than what the parser kept: a better parser may need any of
them (a line it dropped, a blank line it ignored), and the bytes survive every parser change.
Zstandard at level 1 (the ``zstandard`` package): on the 300 MB generated dump, 0.33 s of CPU per
100 MiB and a 42.9 % copy, against 1.42 s and 45.6 % for zlib at level 1, the fastest of the
standard library's codecs (measured together on a busy two-core machine); reading back takes
0.13 s per 100 MiB against 1.42 s. Copies made by earlier versions (codec "zlib-1") are read as
they are.

The copy is stored in chunks of about a megabyte so that neither writing nor reading it holds
the whole dump in memory at once.
"""

from __future__ import annotations

import io
import logging
import queue
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reader.core.readahead import put_unless_stopped, stop_producer
from reader.core.store import Library, now_utc

if TYPE_CHECKING:
    import zstandard

log = logging.getLogger(__name__)

CODEC = "zstd-1"  # what new copies are made with
ZLIB = "zlib-1"  # copies made before Zstandard: still read
CODECS = (CODEC, ZLIB)
READ_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20  # compressed bytes per stored row


@dataclass(frozen=True)
class CopyInfo:
    source_id: int
    raw_size: int
    stored_size: int
    digest: str
    layout: str | None = None  # the layout the import was told to use; None: detected


class _Unpack(Protocol):
    def decompress(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


# zstandard is imported where it is used: importing it takes 10-20 ms, which nothing that merely
# imports the import pipeline (the window, as it makes its import controller) need pay.


def _compressor() -> zstandard.ZstdCompressionObj:
    import zstandard

    # The checksum lets a damaged copy fail as it is read rather than parse as garbage.
    return zstandard.ZstdCompressor(level=1, write_checksum=True).compressobj()


def _decompressor(codec: str) -> _Unpack:
    if codec == ZLIB:
        return zlib.decompressobj()
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj()


def file_digest(path: Path) -> str:
    h = blake2b(digest_size=16)
    with path.open("rb") as f:
        while block := f.read(READ_BYTES):
            h.update(block)
    return h.hexdigest()


class _Squeezer:
    """A dump's bytes read, hashed and compressed into chunks of about CHUNK_BYTES."""

    def __init__(self) -> None:
        self.raw = 0
        self.digest = blake2b(digest_size=16)
        self._squeeze = _compressor()
        self._pending: list[bytes] = []
        self._size = 0

    def chunks(self, path: Path, stop: threading.Event | None = None) -> Iterator[bytes]:
        with path.open("rb") as f:
            while block := f.read(READ_BYTES):
                if stop is not None and stop.is_set():
                    return
                self.raw += len(block)
                self.digest.update(block)
                out = self._squeeze.compress(block)
                if out:
                    self._pending.append(out)
                    self._size += len(out)
                    if self._size >= CHUNK_BYTES:
                        yield self._take()
        self._pending.append(self._squeeze.flush())
        yield self._take()

    def _take(self) -> bytes:
        data = b"".join(self._pending)
        self._pending, self._size = [], 0
        return data


# A copy whose digest is still empty is being written (by an import, in its batches'
# transactions): copy_info ignores it, and the next copy made drops those of imports that stopped.
_BEING_WRITTEN = ""


def _begin(conn: sqlite3.Connection, source_id: int, layout: str | None) -> None:
    conn.execute(
        "DELETE FROM dump_copies WHERE source_id = ? OR (digest = ? AND source_id IN "
        "(SELECT id FROM sources WHERE status != 'running'))",
        (source_id, _BEING_WRITTEN),
    )
    conn.execute(
        "INSERT INTO dump_copies (source_id, codec, raw_size, stored_size, digest, layout, "
        "stored_at) VALUES (?, ?, 0, 0, ?, ?, ?)",
        (source_id, CODEC, _BEING_WRITTEN, layout if layout != "auto" else None, now_utc()),
    )


def _has_copies(conn: sqlite3.Connection) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dump_chunks'"
    return conn.execute(sql).fetchone() is not None


def _add_chunk(conn: sqlite3.Connection, source_id: int, seq: int, data: bytes) -> None:
    conn.execute(
        "INSERT INTO dump_chunks (source_id, seq, data) VALUES (?, ?, ?)", (source_id, seq, data)
    )


def _seal(conn: sqlite3.Connection, info: CopyInfo) -> None:
    conn.execute(
        "UPDATE dump_copies SET raw_size = ?, stored_size = ?, digest = ? WHERE source_id = ?",
        (info.raw_size, info.stored_size, info.digest, info.source_id),
    )


def _drop(conn: sqlite3.Connection, source_id: int) -> None:
    conn.execute("DELETE FROM dump_copies WHERE source_id = ?", (source_id,))  # chunks cascade


def store_copy(lib: Library, source_id: int, path: Path, layout: str | None = None) -> CopyInfo:
    """Compress ``path`` into the library as the copy of source ``source_id`` (one transaction,
    replacing any copy it had). Raises OSError when the file cannot be read, sqlite3.Error when
    the library cannot be written; nothing is half-written either way."""
    conn = lib.conn
    if conn.in_transaction:
        conn.commit()
    squeezer = _Squeezer()
    stored = seq = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        _begin(conn, source_id, layout)
        for data in squeezer.chunks(path):
            _add_chunk(conn, source_id, seq, data)
            seq += 1
            stored += len(data)
        info = CopyInfo(source_id, squeezer.raw, stored, squeezer.digest.hexdigest(), layout)
        _seal(conn, info)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return info


def copy_info(lib: Library, source_id: int) -> CopyInfo | None:
    """The source's copy, or None: none kept, or one in a codec this version cannot read (a
    newer Dispatch's), which serves no better than none."""
    try:
        row = lib.conn.execute(
            "SELECT raw_size, stored_size, digest, layout, codec FROM dump_copies "
            "WHERE source_id = ? AND digest != ?",
            (source_id, _BEING_WRITTEN),
        ).fetchone()
    except sqlite3.OperationalError:  # a library from before the copies
        return None
    if row is None:
        return None
    if row[4] not in CODECS:
        log.warning("the copy of source %s is in an unknown codec %r", source_id, row[4])
        return None
    return CopyInfo(source_id, *row[:4])


class _CopyReader(io.RawIOBase):
    """The dump's bytes, decompressed a stored chunk at a time."""

    def __init__(self, lib: Library, source_id: int) -> None:
        super().__init__()
        self._conn = lib.conn
        self._source = source_id
        self._seq = 0
        row = self._conn.execute(
            "SELECT codec FROM dump_copies WHERE source_id = ?", (source_id,)
        ).fetchone()
        self._unzip = _decompressor(row[0] if row else CODEC)
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def _refill(self) -> None:
        while not self._buffer and not self._done:
            row = self._conn.execute(
                "SELECT data FROM dump_chunks WHERE source_id = ? AND seq = ?",
                (self._source, self._seq),
            ).fetchone()
            self._seq += 1
            if row is None:
                self._buffer = self._unzip.flush()
                self._done = True
            else:
                self._buffer = self._unzip.decompress(row[0])

    def readinto(self, b) -> int:
        self._refill()
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def open_copy(lib: Library, source_id: int) -> io.BufferedReader:
    """The stored copy of a source's dump as a binary stream (see copy_info first)."""
    return io.BufferedReader(_CopyReader(lib, source_id), buffer_size=READ_BYTES)


def keep_copy_after_import(
    lib: Library, source_id: int | None, path: Path, layout: str | None = None
) -> CopyInfo | None:
    """After an import: keep the dump's copy; a copy that cannot be made costs the reader only
    re-parsing later, so it is logged, never an import failure."""
    if source_id is None:
        return None
    try:
        return store_copy(lib, source_id, path, layout)
    except (OSError, sqlite3.Error) as e:
        log.warning("no copy of %s kept for re-parsing: %s", path, e)
        return None


_QUEUE_CHUNKS = 8  # compressed chunks made ahead of the writer: at most ~8 MB held
_NOTHING_YET = object()


class CopyMaker:
    """The copy of a dump made while it is imported, so that it costs the import no time at its
    end: read, hashed and compressed on a thread of its own (Zstandard and the hash release the
    interpreter lock, so the work fills the moments the writer waits for the parser); the
    import's writer stores the chunks ready at each batch, in the batch's own transaction, and
    :meth:`seal` finishes it.

    Until sealed the copy's digest is empty: copy_info ignores it, and a copy left by an import
    that stopped (killed, cancelled) is dropped by the next copy made, or when that import is
    resumed. Begun only when a batch brings new articles: a re-import reads no more than before.
    """

    def __init__(self, lib: Library, source_id: int, path: Path, layout: str | None = None) -> None:
        self._conn = lib.conn
        self._source = source_id
        self._path = path
        self._layout = layout if layout != "auto" else None
        self._squeezer = _Squeezer()
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seq = self._stored = 0
        self._read_all = False
        self.failed = False
        self.sealed = False

    @property
    def begun(self) -> bool:
        return self._thread is not None

    @property
    def finished(self) -> bool:
        """Every chunk stored (or the copy given up): nothing left for :meth:`store` to do."""
        return self.failed or self._read_all

    def _run(self) -> None:
        try:
            for data in self._squeezer.chunks(self._path, self._stop):
                if not self._put(data):
                    return
            self._put(None)
        except Exception as e:  # the file cannot be read: the writer gives the copy up
            self._put(e)

    def _put(self, item: bytes | BaseException | None) -> bool:
        return put_unless_stopped(self._queue, item, self._stop)

    def store(self, wait: bool = False) -> None:
        """Inside the writer's transaction: begin the copy (the first time), then store the
        chunks ready now; with ``wait``, all of them to the end of the file."""
        if self.failed or self._read_all:
            return
        if self._thread is None:
            if not _has_copies(self._conn):  # a library being filled before its upgrade (tests)
                self.failed = True
                return
            _begin(self._conn, self._source, self._layout)
            self._thread = threading.Thread(target=self._run, name="dispatch-copy", daemon=True)
            self._thread.start()
        while not self._read_all:
            item = self._next(wait)
            if item is _NOTHING_YET:
                return
            if item is None:
                self._read_all = True
            elif isinstance(item, BaseException):
                log.warning("no copy of %s kept for re-parsing: %s", self._path, item)
                self.failed = True
                _drop(self._conn, self._source)
                return
            else:
                assert isinstance(item, bytes)
                _add_chunk(self._conn, self._source, self._seq, item)
                self._seq += 1
                self._stored += len(item)

    def _next(self, wait: bool) -> bytes | BaseException | object | None:
        while True:
            try:
                return self._queue.get(timeout=0.2) if wait else self._queue.get_nowait()
            except queue.Empty:
                if not wait:
                    return _NOTHING_YET
                if self._thread is not None and not self._thread.is_alive():
                    return RuntimeError("the copying thread stopped")

    def seal(self) -> CopyInfo | None:
        """At the end of an import that stored articles, in a transaction of its own: the rest of
        the copy, its size and digest. A copy that cannot be made costs the reader only
        re-parsing later: logged, never an import failure."""
        conn = self._conn
        if conn.in_transaction:
            conn.commit()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self.store(wait=True)
                info = None
                if not self.failed:
                    info = CopyInfo(
                        self._source,
                        self._squeezer.raw,
                        self._stored,
                        self._squeezer.digest.hexdigest(),
                        self._layout,
                    )
                    _seal(conn, info)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        except sqlite3.Error as e:
            log.warning("no copy of %s kept for re-parsing: %s", self._path, e)
            self.failed = True
            return None
        self.sealed = info is not None
        return info

    def drop(self) -> None:
        """The unsealed copy this import began, if any, in a transaction of its own. Only a
        tidy-up: left behind (a full disk), the next copy made drops it."""
        if not self.begun or self.sealed:
            return
        try:
            with self._conn:
                _drop(self._conn, self._source)
        except sqlite3.Error as e:
            log.warning("the unfinished copy of %s stays until the next import: %s", self._path, e)

    def close(self) -> None:
        """Stop the thread (done or not); what was stored stays as the transactions left it."""
        self._stop.set()
        if self._thread is not None:
            stop_producer(self._thread, self._queue, self._stop)
