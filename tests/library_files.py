"""Real library files for the tests of export, maintenance, backups and outside tools.

Libraries are filled by the real importer from the dumps in tests/fixtures; an "older" library
is written by the migrations of that schema only, then filled by the same importer, so that
opening it with this Dispatch performs a real upgrade.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.importing import import_file
from reader.core.store import MIGRATIONS, Library, migrate

FIXTURES = Path(__file__).parent / "fixtures"
#: Dumps with distinct articles: stories about storms, harbours, courts, markets...
DUMPS = (
    "search_harbour.txt",
    "store_three.txt",
    "parse_wire.txt",
    "parse_crossheads.txt",
    "layouts/blank_bbc20.txt",
    "layouts/dense_wire.txt",
)


def import_dumps(lib: Library, dumps: tuple[str, ...] = DUMPS) -> int:
    """Import the fixture dumps into ``lib``; how many articles it holds then."""
    for name in dumps:
        result = import_file(lib, FIXTURES / name, checkpoint_thread=False)
        assert result.error is None, result.error
    return lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def imported_library(path: Path, dumps: tuple[str, ...] = DUMPS) -> Path:
    """A library file at ``path`` holding the fixture dumps, closed."""
    with Library(path) as lib:
        import_dumps(lib, dumps)
        lib.checkpoint()
    return path


class _Older(Library):
    """A Library on a connection migrated only up to ``version`` (for the importer to fill)."""

    def __init__(self, path: Path, version: int) -> None:  # Library.__init__ would migrate
        self.path = path
        self.read_only = False
        self.conn = sqlite3.connect(str(path), timeout=5.0)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        migrate(self.conn, [m for m in MIGRATIONS if m.version <= version])


def older_library(path: Path, version: int, dumps: tuple[str, ...] = DUMPS) -> Path:
    """A library file written by Dispatch's schema ``version``, holding the fixture dumps."""
    lib = _Older(path, version)
    try:
        import_dumps(lib, dumps)
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()
    return path
