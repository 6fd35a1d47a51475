"""A compressed copy of each imported dump, kept in the library so that it can be parsed again.

Why a copy of the raw bytes rather than what the parser kept: a better parser may need any of
them (a line it dropped, a blank line it ignored), and the bytes survive every parser change.
zlib at level 1: the fastest of the standard library's codecs by far (lzma's fastest preset
compresses 10 % smaller at a fifth of the speed), and level 6 saves 5 % more at four times the
time. Measured (bench/bench_reparse.py) on a 100 MB generated dump, on a busy two-core machine: a
45.6 MB copy (46 % of the dump; the seed sample: 45 %), 20 % of the 230 MB library, made in 6.1 s
of a 44 s import (14 %); zlib alone, unloaded: 2.7 s to compress, 1.6 s to read back.

The copy is stored in chunks of about a megabyte so that neither writing nor reading it holds
the whole dump in memory at once.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import zlib
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

from reader.core.store import Library, now_utc

log = logging.getLogger(__name__)

CODEC = "zlib-1"
READ_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20  # compressed bytes per stored row


@dataclass(frozen=True)
class CopyInfo:
    source_id: int
    raw_size: int
    stored_size: int
    digest: str
    layout: str | None = None  # the layout the import was told to use; None: detected


def file_digest(path: Path) -> str:
    h = blake2b(digest_size=16)
    with path.open("rb") as f:
        while block := f.read(READ_BYTES):
            h.update(block)
    return h.hexdigest()


def store_copy(lib: Library, source_id: int, path: Path, layout: str | None = None) -> CopyInfo:
    """Compress ``path`` into the library as the copy of source ``source_id`` (one transaction,
    replacing any copy it had). Raises OSError when the file cannot be read, sqlite3.Error when
    the library cannot be written; nothing is half-written either way."""
    conn = lib.conn
    if conn.in_transaction:
        conn.commit()
    digest = blake2b(digest_size=16)
    squeeze = zlib.compressobj(1)
    raw = stored = seq = 0
    pending: list[bytes] = []
    pending_size = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM dump_copies WHERE source_id = ?", (source_id,))
        conn.execute(
            "INSERT INTO dump_copies (source_id, codec, raw_size, stored_size, digest, layout, "
            "stored_at) VALUES (?, ?, 0, 0, '', ?, ?)",
            (source_id, CODEC, layout if layout != "auto" else None, now_utc()),
        )

        def flush(final: bool) -> None:
            nonlocal pending, pending_size, stored, seq
            if pending and (final or pending_size >= CHUNK_BYTES):
                data = b"".join(pending)
                conn.execute(
                    "INSERT INTO dump_chunks (source_id, seq, data) VALUES (?, ?, ?)",
                    (source_id, seq, data),
                )
                seq += 1
                stored += len(data)
                pending, pending_size = [], 0

        with path.open("rb") as f:
            while block := f.read(READ_BYTES):
                raw += len(block)
                digest.update(block)
                out = squeeze.compress(block)
                if out:
                    pending.append(out)
                    pending_size += len(out)
                    flush(False)
        pending.append(squeeze.flush())
        pending_size += len(pending[-1])
        flush(True)
        conn.execute(
            "UPDATE dump_copies SET raw_size = ?, stored_size = ?, digest = ? WHERE source_id = ?",
            (raw, stored, digest.hexdigest(), source_id),
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return CopyInfo(source_id, raw, stored, digest.hexdigest(), layout)


def copy_info(lib: Library, source_id: int) -> CopyInfo | None:
    try:
        row = lib.conn.execute(
            "SELECT raw_size, stored_size, digest, layout FROM dump_copies WHERE source_id = ?",
            (source_id,),
        ).fetchone()
    except sqlite3.OperationalError:  # a library from before the copies
        return None
    return CopyInfo(source_id, *row) if row else None


class _CopyReader(io.RawIOBase):
    """The dump's bytes, decompressed a stored chunk at a time."""

    def __init__(self, lib: Library, source_id: int) -> None:
        super().__init__()
        self._conn = lib.conn
        self._source = source_id
        self._seq = 0
        self._unzip = zlib.decompressobj()
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
