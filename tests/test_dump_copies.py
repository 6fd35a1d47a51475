"""The copies of imported dumps kept for re-parsing (reader.core.dump_copies): codecs old and new."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
import zstandard

from reader.core import dump_copies
from reader.core.dump_copies import CODEC, copy_info, open_copy, store_copy
from reader.core.importing import import_file
from reader.core.reparse import reparse_source, sources
from reader.core.store import Library

DUMP = Path(__file__).parent / "fixtures" / "layouts" / "blank_bbc40.txt"


def _codec(lib: Library, source_id: int) -> str:
    return lib.conn.execute(
        "SELECT codec FROM dump_copies WHERE source_id = ?", (source_id,)
    ).fetchone()[0]


def _as_zlib_copy(lib: Library, source_id: int, raw: bytes, chunk: int = 1000) -> None:
    """Replace the source's copy by one as Dispatch made them before Zstandard: zlib level 1,
    in several stored chunks."""
    data = zlib.compress(raw, 1)
    conn = lib.conn
    with conn:
        conn.execute("DELETE FROM dump_chunks WHERE source_id = ?", (source_id,))
        conn.executemany(
            "INSERT INTO dump_chunks (source_id, seq, data) VALUES (?, ?, ?)",
            [(source_id, i, data[o : o + chunk]) for i, o in enumerate(range(0, len(data), chunk))],
        )
        conn.execute(
            "UPDATE dump_copies SET codec = 'zlib-1', stored_size = ? WHERE source_id = ?",
            (len(data), source_id),
        )


def test_new_copies_are_zstandard_and_give_back_the_bytes(tmp_path: Path) -> None:
    raw = DUMP.read_bytes() * 3 + "é ü 日本 \r\n\x00 end".encode()
    dump = tmp_path / "news.txt"
    dump.write_bytes(raw)
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(lib, dump)
        sid = result.source_id or 0
        assert _codec(lib, sid) == CODEC == "zstd-1"
        info = copy_info(lib, sid)
        assert info is not None and info.raw_size == len(raw)
        assert info.stored_size < len(raw) * 0.5
        with open_copy(lib, sid) as f:
            assert f.read() == raw


def test_a_copy_spread_over_many_chunks_reads_back(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dump_copies, "READ_BYTES", 4096)
    monkeypatch.setattr(dump_copies, "CHUNK_BYTES", 512)
    noise = random.Random(7).randbytes(200_000).hex()  # compresses to about half, in blocks
    raw = DUMP.read_bytes() + f"\n\nNoise\n\n{noise}\n".encode()
    dump = tmp_path / "news.txt"
    dump.write_bytes(raw)
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, dump)
        (chunks,) = lib.conn.execute("SELECT count(*) FROM dump_chunks").fetchone()
        assert chunks > 3
        with open_copy(lib, 1) as f:
            assert f.read() == raw


def test_copies_made_with_zlib_are_still_read_and_reparsed(tmp_path: Path) -> None:
    dump = tmp_path / "news.txt"
    dump.write_bytes(DUMP.read_bytes())
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, dump)
        _as_zlib_copy(lib, 1, DUMP.read_bytes())
        dump.unlink()  # only the copy can serve
        with open_copy(lib, 1) as f:
            assert f.read() == DUMP.read_bytes()
        result = reparse_source(lib, sources(lib)[0])
        assert result.origin == "the copy kept at import"
        assert (result.before, result.after, result.unchanged) == (40, 40, 40)


def test_a_copy_in_a_codec_this_version_cannot_read_is_as_good_as_none(tmp_path: Path) -> None:
    dump = tmp_path / "news.txt"
    dump.write_bytes(DUMP.read_bytes())
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, dump)
        with lib.conn:
            lib.conn.execute("UPDATE dump_copies SET codec = 'brotli-11'")
        assert copy_info(lib, 1) is None
        result = reparse_source(lib, sources(lib)[0])
        assert result.origin == f"the original file {dump}"  # not garbage from the copy
        assert _codec(lib, 1) == CODEC  # and a readable copy is kept from now on


def test_a_damaged_copy_fails_as_it_is_read(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        store_copy(lib, _source(lib), DUMP)
        (data,) = lib.conn.execute("SELECT data FROM dump_chunks WHERE seq = 0").fetchone()
        spoiled = bytearray(data)
        spoiled[len(spoiled) // 2] ^= 0xFF
        with lib.conn:
            lib.conn.execute("UPDATE dump_chunks SET data = ? WHERE seq = 0", (bytes(spoiled),))
        with pytest.raises(zstandard.ZstdError), open_copy(lib, 1) as f:
            f.read()


def _source(lib: Library) -> int:
    with lib.conn:
        cur = lib.conn.execute(
            "INSERT INTO sources (path, name, imported_at, status) "
            "VALUES ('x.txt', 'x.txt', '2026-01-01 00:00:00.000', 'done')"
        )
    assert cur.lastrowid is not None
    return cur.lastrowid
