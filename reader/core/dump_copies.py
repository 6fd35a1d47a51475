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
import sqlite3
import zlib
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import Protocol

import zstandard

from reader.core.store import Library, now_utc

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


def _compressor() -> zstandard.ZstdCompressionObj:
    # The checksum lets a damaged copy fail as it is read rather than parse as garbage.
    return zstandard.ZstdCompressor(level=1, write_checksum=True).compressobj()


def _decompressor(codec: str) -> _Unpack:
    if codec == ZLIB:
        return zlib.decompressobj()
    return zstandard.ZstdDecompressor().decompressobj()


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
    squeeze = _compressor()
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
    """The source's copy, or None: none kept, or one in a codec this version cannot read (a
    newer Dispatch's), which serves no better than none."""
    try:
        row = lib.conn.execute(
            "SELECT raw_size, stored_size, digest, layout, codec FROM dump_copies "
            "WHERE source_id = ?",
            (source_id,),
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
