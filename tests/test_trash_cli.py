"""``dispatch trash`` from a terminal, on a real library file, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from reader.core import trash
from reader.core.store import Library
from tests.test_cli import dispatch, headless_env

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def test_dispatch_trash_says_what_it_holds_and_empties_it(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    dump = sorted(LAYOUTS.glob("*.txt"))[0]
    env = headless_env()
    assert dispatch("import", str(dump), "--db", str(db), env=env).returncode == 0
    proc = dispatch("trash", "--db", str(db), env=env)
    assert (proc.returncode, proc.stdout) == (0, "The Trash holds 0 articles.\n")
    with Library(db) as lib:
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id LIMIT 3")]
        with lib.conn:
            lib.conn.execute("UPDATE articles SET starred = 1 WHERE id = ?", (ids[0],))
        trash.trash_articles(lib, ids)
    proc = dispatch("trash", "--db", str(db), env=env)
    assert (proc.returncode, proc.stdout) == (0, "The Trash holds 3 articles (1 starred).\n")
    proc = dispatch("trash", "--empty", "--db", str(db), env=env)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == "Emptied the Trash: 3 articles deleted for good.\n"
    with Library(db) as lib:
        assert trash.trash_size(lib) == 0
        assert lib.conn.execute(
            "SELECT count(*) FROM articles WHERE id IN (?, ?, ?)", ids
        ).fetchone() == (0,)
        assert lib.integrity_ok()


def test_dispatch_trash_on_a_file_that_is_not_a_library_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a library\n")
    proc = dispatch("trash", "--empty", "--db", str(bad), env=headless_env())
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert bad.read_text() == "not a library\n"
