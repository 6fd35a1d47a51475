"""Fault injection at the library's path: foreign, damaged, truncated, empty and read-only files.

What must hold: a file that is not a Dispatch library is refused with one line and left
byte-identical; a damaged library is detected, set aside (never deleted) and what SQLite can still
read is recovered; nothing ever prints a traceback.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.importing import import_file
from reader.core.libfile import identify, owner_alive, process_owner
from reader.core.recovery import damaged_copies, recover, set_aside
from reader.core.store import (
    INTERRUPTED,
    SCHEMA_VERSION,
    Library,
    LibraryDamaged,
    LibraryError,
)
from tests.test_importing import many_articles


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A library of 3,000 articles, closed and checkpointed: copy it before damaging it."""
    folder = tmp_path_factory.mktemp("filled")
    path = folder / "library.sqlite3"
    with Library(path) as lib:
        result = import_file(lib, many_articles(folder / "many.txt", 3000))
        assert result.new == 3000
        lib.checkpoint()
    return path


def _copy(filled: Path, tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(filled.read_bytes())
    return path


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- files that are not Dispatch libraries: refused, byte-identical -------------------------


@pytest.mark.parametrize("version", [0, 1, SCHEMA_VERSION, SCHEMA_VERSION + 3])
def test_another_programs_database_is_refused_untouched(tmp_path: Path, capsys, version) -> None:
    """Whatever its user_version (apps set their own), it is never switched to WAL or migrated."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("CREATE TABLE articles (x)")  # even a table name Dispatch uses
    conn.execute("INSERT INTO articles VALUES ('theirs')")
    conn.commit()
    conn.close()
    before = _digest(path)
    status = main(["import", str(many_articles(tmp_path / "d.txt", 3)), "--db", str(path)])
    line = _one_line(capsys.readouterr().err)
    assert status == 2 and "another program" in line
    for read_only in (False, True):
        with pytest.raises(LibraryError, match="another program"):
            Library(path, read_only=read_only)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.txt", "other.db"]  # no -wal, -shm


@pytest.mark.parametrize(
    "content", [b"a shopping list\n", b"SQLite format 2\x00" + bytes(200), bytes(range(256)) * 40]
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, capsys, content) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    status = main(["search", "anything", "--db", str(path)])
    assert status == 2
    assert "not a Dispatch library" in _one_line(capsys.readouterr().err)
    assert path.read_bytes() == content


def test_a_zero_byte_file_becomes_a_library(tmp_path: Path) -> None:
    """The guide: anything that is not an empty file or a Dispatch library is refused."""
    path = tmp_path / "library.sqlite3"
    path.touch()
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION


def test_identify_writes_nothing(filled: Path, tmp_path: Path) -> None:
    path = _copy(filled, tmp_path)
    before = _digest(path)
    assert identify(path, SCHEMA_VERSION).kind == "library"
    assert _digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["library.sqlite3"]


# --- damaged libraries ----------------------------------------------------------------------


def test_a_truncated_library_is_damaged_set_aside_and_recovered(
    filled: Path, tmp_path: Path, capsys
) -> None:
    path = _copy(filled, tmp_path)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)
    cut = path.read_bytes()
    with pytest.raises(LibraryDamaged):
        Library(path)
    status = main(["import", str(many_articles(tmp_path / "d.txt", 3)), "--db", str(path)])
    line = _one_line(capsys.readouterr().err)
    assert status == 2
    assert "is damaged" in line and "dispatch recover" in line and "malformed" not in line
    (aside,) = damaged_copies(path)
    assert aside.read_bytes() == cut  # set aside, not changed
    assert not path.exists()
    assert main(["recover", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    with Library(path) as lib:
        (n,) = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        assert 300 < n < 3000  # the first half of the file, roughly
        assert f"{n:,} articles recovered" in out
        assert lib.integrity_ok()
    assert aside.read_bytes() == cut


def _schema_pages(path: Path) -> set[int]:
    """The file offsets (in pages) of the schema's b-tree, and of the articles table's interior
    pages: damaged, no article can be read at all (with 16 KiB pages, 3,000 articles fill a
    b-tree of two levels, whose root one page in a hundred is)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'sqlite_schema' "
            "OR (name = 'articles' AND pagetype = 'internal')"
        ).fetchall()
    finally:
        conn.close()
    return {pageno - 1 for (pageno,) in rows}


def _scribble(path: Path, pages: int, seed: int) -> None:
    """Random bytes over a few pages of the file (never the first: that is the header test; nor
    the schema's, which leave nothing to recover and would make the test depend on where an
    index's pages happen to fall)."""
    rng = random.Random(seed)
    with path.open("rb") as f:
        size = int.from_bytes(f.read(100)[16:18], "big")  # the page size, from the header
    count = path.stat().st_size // size
    schema = _schema_pages(path)
    with path.open("r+b") as f:
        for _ in range(pages):
            page = rng.randrange(2, count)
            data = rng.randbytes(size)
            if page in schema:
                continue
            f.seek(page * size)
            f.write(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_over_pages_are_met_with_one_line_and_recovery(
    filled: Path, tmp_path: Path, capsys, seed: int
) -> None:
    """Open, import, re-sort and search each either work or say 'damaged' in one line; then
    recovery keeps every article SQLite can still read and the new library is sound."""
    path = _copy(filled, tmp_path)
    _scribble(path, 5, seed)
    dump = many_articles(tmp_path / "more.txt", 5)
    for argv in (["search", "council"], ["import", str(dump)], ["resort"]):
        status = main([*argv, "--db", str(path)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        if status != 0:
            assert "is damaged" in _one_line(captured.err)
            break
    if path.exists():  # the damage was never met: the full check finds it
        with Library(path) as lib:
            damage = lib.damage()
        if damage is None:
            pytest.skip("the scribbled pages were free pages")
        set_aside(path)
    (aside,) = damaged_copies(path)
    with Library(path) as lib:
        got = recover(aside, lib)
        (n,) = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        assert n == got.articles > 2500
        assert lib.integrity_ok()


def test_set_aside_keeps_the_log_with_its_file(filled: Path, tmp_path: Path) -> None:
    path = _copy(filled, tmp_path)
    Path(f"{path}-wal").write_bytes(b"log")
    aside = set_aside(path)
    assert aside.name.startswith("library.sqlite3.damaged-")
    assert Path(f"{aside}-wal").read_bytes() == b"log"
    assert not path.exists() and not Path(f"{path}-wal").exists()
    assert set_aside(_copy(filled, tmp_path)) != aside  # a second one never overwrites


# --- read-only ----------------------------------------------------------------------------


@pytest.fixture
def read_only_folder(filled: Path, tmp_path: Path):
    """A library in a folder mounted read-only (root can write anywhere else)."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        _copy(filled, folder)
        folder.chmod(0o555)
        (folder / "library.sqlite3").chmod(0o444)
        yield folder
        folder.chmod(0o755)
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)]).returncode:
        pytest.skip("cannot mount a read-only folder here")
    try:
        _copy(filled, folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_read_only_library_can_be_searched_not_imported_into(read_only_folder, capsys) -> None:
    path = read_only_folder / "library.sqlite3"
    assert main(["search", "council", "--db", str(path), "--limit", "2"]) == 0
    assert "2 results" in capsys.readouterr().out
    status = main(["import", str(path), "--db", str(path)])
    line = _one_line(capsys.readouterr().err)
    assert status == 2 and "permission denied" in line and "readonly" not in line
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["library.sqlite3"]


# --- imports whose process died -------------------------------------------------------------


def test_owner_of_a_dead_process_is_not_alive() -> None:
    assert owner_alive(process_owner())
    child = subprocess.run(
        [sys.executable, "-c", "from reader.core.libfile import process_owner as p; print(p())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert not owner_alive(child.stdout.strip())
    assert not owner_alive(None) and not owner_alive("nonsense")


def test_a_running_source_whose_process_died_is_marked_interrupted_at_open(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO sources (path, name, imported_at, status, owner) VALUES "
        "('/x/dead.txt', 'dead.txt', '2026-01-01', 'running', ?),"
        "('/x/alive.txt', 'alive.txt', '2026-01-01', 'running', ?)",
        (f"{socket.gethostname()}::999999999:1", process_owner()),
    )
    conn.commit()
    conn.close()
    with Library(path) as lib:
        rows = lib.conn.execute("SELECT name, status, error FROM sources ORDER BY id").fetchall()
    assert rows == [("dead.txt", "cancelled", INTERRUPTED), ("alive.txt", "running", None)]


def test_interrupted_imports_are_listed_until_imported_again(tmp_path: Path) -> None:
    from reader.core.store import interrupted_imports

    dump = many_articles(tmp_path / "d.txt", 300)
    with Library(tmp_path / "library.sqlite3") as lib:
        commits: list[object] = []
        stopped = import_file(
            lib, dump, on_commit=commits.append, batch_articles=50,
            cancelled=lambda: "Dispatch was closed" if commits else False,
        )  # fmt: skip
        assert stopped.status == "cancelled" and 0 < stopped.new < 300
        (found,) = interrupted_imports(lib)
        assert (found.name, found.error) == ("d.txt", "interrupted: Dispatch was closed")
        again = import_file(lib, dump)
        assert again.source_id == found.source_id and again.resumed == stopped.new
        assert interrupted_imports(lib) == []


def test_a_log_file_that_cannot_be_written_gets_one_line(filled: Path, tmp_path: Path, capsys):
    """A -wal left by another user (here: made immutable): import says so, search still works."""
    path = _copy(filled, tmp_path)
    wal = Path(f"{path}-wal")
    wal.touch()
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(wal)]).returncode:
        pytest.skip("cannot make a file unwritable here")
    try:
        if os.access(wal, os.W_OK):
            pytest.skip("this user can write even an immutable file")
        status = main(["import", str(tmp_path / "none.txt"), "--db", str(path)])
        line = _one_line(capsys.readouterr().err)
        assert status == 2 and f"Cannot write to {wal}" in line
        assert main(["search", "council", "--db", str(path), "--limit", "1"]) == 0
        assert "1 result" in capsys.readouterr().out
    finally:
        subprocess.run(["chattr", "-i", str(wal)])
