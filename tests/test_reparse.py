"""``dispatch reparse`` and reader.core.reparse on real library files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import readahead
from reader.core.article import Article
from reader.core.dump_copies import copy_info, open_copy
from reader.core.dumps import parse_path
from reader.core.hand_fixes import join
from reader.core.importing import import_file
from reader.core.reparse import ReparseError, reparse_source, sources
from reader.core.store import Library

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
DUMP = LAYOUTS / "blank_bbc40.txt"


def older_parser(real):  # type: ignore[no-untyped-def]
    """A parser as an older Dispatch had it: the first 16 articles come out as 4, each having
    swallowed the three after it (their headlines taken for cross-heads)."""

    def parse_stream(*args, **kwargs) -> Iterator[Article]:  # type: ignore[no-untyped-def]
        group: list[Article] = []
        for i, a in enumerate(real(*args, **kwargs)):
            if i >= 16:
                yield a
                continue
            group.append(a)
            if len(group) == 4:
                merged = group[0]
                for other in group[1:]:
                    merged = join(merged, other)
                yield merged
                group = []

    return parse_stream


@pytest.fixture
def old_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library imported with the older parse: 28 articles where the parser now finds 40."""
    db = tmp_path / "old.sqlite3"
    with monkeypatch.context() as m:
        m.setattr(readahead, "parse_stream", older_parser(readahead.parse_stream))
        with Library(db) as lib:
            assert import_file(lib, DUMP).new == 28
    return db


def _state(lib: Library) -> dict[str, tuple]:
    return {
        r[0]: r[1:]
        for r in lib.conn.execute(
            "SELECT fingerprint, id, read, starred, section_id, section_by_user FROM articles"
        )
    }


def test_reparse_recovers_what_the_current_parser_finds(old_library: Path) -> None:
    current = [a.title for a in parse_path(DUMP)]
    assert len(current) == 40
    with Library(old_library) as lib:
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id")]
        merged, unchanged = ids[:4], ids[4:]
        science = lib.section_id("Science")
        # The reader's state: a merged article read and starred, unchanged ones read, starred,
        # moved by hand.
        lib.conn.execute("UPDATE articles SET read = 1, starred = 1 WHERE id = ?", (merged[1],))
        lib.conn.execute("UPDATE articles SET read = 1 WHERE id IN (?, ?)", unchanged[:2])
        lib.conn.execute("UPDATE articles SET starred = 1 WHERE id = ?", (unchanged[2],))
        lib.conn.execute(
            "UPDATE articles SET section_id = ?, section_by_user = 1 WHERE id = ?",
            (science, unchanged[3]),
        )
        lib.conn.commit()
        before = _state(lib)
        result = reparse_source(lib, sources(lib)[0])
        assert result.summary() == (
            "blank_bbc40.txt: 28 articles became 40 (24 unchanged, 4 rewritten, 12 new, 0 removed)"
        )
        titles = [r[0] for r in lib.conn.execute("SELECT title FROM articles")]
        assert sorted(titles) == sorted(current)
        after = _state(lib)
        for fp, row in before.items():  # unchanged articles: same row, same state
            if row[0] in unchanged:
                assert after[fp] == row
        # The four pieces of the read and starred merged article are read and starred.
        pieces = [row for row in after.values() if row[1] and row[2] and row[0] not in unchanged]
        assert len(pieces) == 4 and merged[1] in [row[0] for row in pieces]
        assert lib.integrity_ok()
        again = reparse_source(lib, sources(lib)[0])
        assert again.summary() == "blank_bbc40.txt: 40 articles, all unchanged"


def test_dry_run_changes_nothing(old_library: Path) -> None:
    with Library(old_library) as lib:
        before = _state(lib)
        result = reparse_source(lib, sources(lib)[0], dry_run=True)
        assert result.summary().startswith("blank_bbc40.txt: 28 articles would become 40")
        assert _state(lib) == before


def test_a_failed_reparse_leaves_the_library_as_it_was(
    old_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(old_library) as lib:
        before = _state(lib)

        def place(article: Article) -> tuple[int, str]:
            raise RuntimeError("classifier broke")

        with pytest.raises(RuntimeError):
            reparse_source(lib, sources(lib)[0], place=place)
        assert _state(lib) == before
        assert lib.integrity_ok()


def test_the_copy_kept_at_import_is_the_dump(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        import_file(lib, DUMP)
        info = copy_info(lib, 1)
        assert info is not None and info.raw_size == DUMP.stat().st_size
        assert info.stored_size < info.raw_size * 0.6
        with open_copy(lib, 1) as f:
            assert f.read() == DUMP.read_bytes()


def test_a_library_without_copies_rereads_the_original_or_says_it_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "news.txt"
    dump.write_bytes(DUMP.read_bytes())
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        import_file(lib, dump)
        lib.conn.execute("DELETE FROM dump_copies")  # as an older Dispatch left it
        lib.conn.commit()
        result = reparse_source(lib, sources(lib)[0])
        assert result.origin == f"the original file {dump}"
        assert copy_info(lib, 1) is not None  # kept from now on
        lib.conn.execute("DELETE FROM dump_copies")
        lib.conn.commit()
    dump.unlink()
    assert main(["reparse", "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"dispatch: news.txt: no copy was kept when it was imported (by an older Dispatch) "
        f"and {dump} is gone; import it again to re-parse it"
    )


def test_cli_reports_each_source_and_exit_codes(
    old_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(old_library)
    assert main(["reparse", "--db", db, "--dry-run", "blank_bbc40.txt"]) == 0
    assert "28 articles would become 40" in capsys.readouterr().out
    assert main(["reparse", "--db", db, "1"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == (
        "blank_bbc40.txt: 28 articles became 40 (24 unchanged, 4 rewritten, 12 new, 0 removed)"
    )
    assert main(["reparse", "--db", db, "nothing.txt"]) == 2
    out, err = capsys.readouterr()
    assert (out, err.strip()) == ("", "dispatch: no imported dump 'nothing.txt' in this library")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (40,)
    conn.close()


def test_a_running_import_is_not_reparsed(old_library: Path) -> None:
    with Library(old_library) as lib:
        src = sources(lib)[0]
        running = type(src)(src.id, src.path, src.name, src.size, "running", src.imported_at)
        with pytest.raises(ReparseError, match="being imported"):
            reparse_source(lib, running)


def test_an_unfinished_import_is_not_reparsed(tmp_path: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        result = import_file(lib, DUMP, cancelled=lambda: True)
        assert result.status == "cancelled"
        assert sources(lib) and copy_info(lib, result.source_id or 0) is None
    assert main(["reparse", "--db", str(db)]) == 0  # none finished: nothing to do
    assert capsys.readouterr().out == "No finished imports in this library: nothing to re-parse.\n"
    assert main(["reparse", "--db", str(db), "blank_bbc40.txt"]) == 1
    assert capsys.readouterr().err == (
        "dispatch: blank_bbc40.txt: its import did not finish (cancelled); "
        "import it again to finish it instead\n"
    )


def test_removing_articles_needs_yes(tmp_path: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        import_file(lib, DUMP)
        # An article the dump does not hold (edited in the file by another program, say).
        lib.conn.execute(
            "UPDATE articles SET title = 'Not in the dump', body = 'Nothing of it either.', "
            "fingerprint = 'x' WHERE id = 1"
        )
        lib.conn.commit()
    assert main(["reparse", "--db", str(db)]) == 1  # stdin is no terminal here
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "blank_bbc40.txt: 40 articles would become 40 (39 unchanged, 0 rewritten, 1 new, "
        "1 removed) — removing articles needs --yes",
        "dispatch: blank_bbc40.txt: re-parsing would remove 1 article that nothing in the new "
        "parse overlaps; nothing was changed",
    ]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT title FROM articles WHERE id = 1").fetchone() == (
        "Not in the dump",
    )
    conn.close()
    assert main(["reparse", "--db", str(db), "--yes"]) == 0
    assert "(39 unchanged, 0 rewritten, 1 new, 1 removed)" in capsys.readouterr().out
