"""How the import's writer uses its connection (reader.core.importing), on real library files."""

from __future__ import annotations

from pathlib import Path

from reader.core.importing import import_file
from reader.core.store import Library

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
