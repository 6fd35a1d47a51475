"""Hand fixes (split, join, edit headline) on real library files: undo, re-import, re-parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import fix_ops
from reader.core.hand_fixes import FixError, FixSet, load_fixes
from reader.core.importing import import_file
from reader.core.reparse import reparse_source, sources
from reader.core.search import search
from reader.core.store import Library

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def _rows(lib: Library) -> list[tuple]:
    return lib.conn.execute(
        "SELECT id, title, dateline, summary, body, fingerprint, words, section_id, read, "
        "starred, source_id FROM articles ORDER BY id"
    ).fetchall()


def _titles(lib: Library) -> list[str]:
    return [r[0] for r in lib.conn.execute("SELECT title FROM articles ORDER BY id")]


def _ids(lib: Library) -> list[int]:
    return [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id")]


@pytest.fixture
def seed_dump() -> Path:
    """A dump of the project's own (the shared sample is not beside every checkout)."""
    return LAYOUTS / "blank_bbc20.txt"


@pytest.fixture
def seeded(lib: Library, seed_dump: Path) -> Library:
    assert import_file(lib, seed_dump).status == "done"
    return lib


def test_split_makes_an_article_of_a_paragraph_and_undo_puts_it_back(seeded: Library) -> None:
    lib = seeded
    before = _rows(lib)
    target = _ids(lib)[3]
    blocks = fix_ops.article_blocks(lib, target)
    headline = blocks[2][1]
    done = fix_ops.split_article(lib, target, 2)
    assert len(_rows(lib)) == len(before) + 1
    new_id = done.inserted[0]
    title, body, section, read = lib.conn.execute(
        "SELECT title, body, section_id, read FROM articles WHERE id = ?", (new_id,)
    ).fetchone()
    assert (section, read) == lib.conn.execute(
        "SELECT section_id, read FROM articles WHERE id = ?", (target,)
    ).fetchone()
    assert title == headline
    assert body.startswith(blocks[3][1])
    old_body = lib.conn.execute("SELECT body FROM articles WHERE id = ?", (target,)).fetchone()[0]
    assert headline not in old_body and blocks[1][1] in old_body
    # The new article is searchable by its headline (the full-text index follows).
    word = max(headline.split(), key=len).strip(".,“”")
    assert new_id in [h.id for h in search(lib, word).hits]
    assert lib.integrity_ok()
    assert fix_ops.undo_fix(lib, done) == "Split undone"
    assert _rows(lib) == before
    assert len(load_fixes(lib).fixes) == 0
    assert lib.integrity_ok()


def test_join_with_previous_and_undo(seeded: Library) -> None:
    lib = seeded
    before = _rows(lib)
    ids = _ids(lib)
    b_title = _titles(lib)[2]
    done = fix_ops.join_previous(lib, ids[2])
    assert done.article_id == ids[1]
    assert _ids(lib) == [ids[0], ids[1], *ids[3:]]
    body = lib.conn.execute("SELECT body FROM articles WHERE id = ?", (ids[1],)).fetchone()[0]
    assert f"## {b_title}" in body  # its headline became a cross-head: no text lost
    fix_ops.undo_fix(lib, done)
    assert _rows(lib) == before
    assert lib.integrity_ok()


def test_join_refuses_the_first_article_of_a_dump(seeded: Library) -> None:
    with pytest.raises(FixError, match="No article comes before"):
        fix_ops.join_previous(seeded, _ids(seeded)[0])


def test_split_refuses_the_first_and_last_paragraphs(seeded: Library) -> None:
    lib = seeded
    target = _ids(lib)[3]
    n = len(fix_ops.article_blocks(lib, target))
    before = _rows(lib)
    with pytest.raises(FixError, match="first paragraph"):
        fix_ops.split_article(lib, target, 0)
    with pytest.raises(FixError, match="no text"):
        fix_ops.split_article(lib, target, n - 1)
    assert _rows(lib) == before


def test_edit_headline_and_undo(seeded: Library) -> None:
    lib = seeded
    before = _rows(lib)
    target = _ids(lib)[0]
    done = fix_ops.edit_headline(lib, target, "  A   headline the reader wrote ")
    assert _titles(lib)[0] == "A headline the reader wrote"
    assert [h.id for h in search(lib, "reader wrote").hits] == [target]
    with pytest.raises(FixError, match="empty"):
        fix_ops.edit_headline(lib, target, "   ")
    fix_ops.undo_fix(lib, done)
    assert _rows(lib) == before


def _fix_three(lib: Library) -> list[str]:
    ids = _ids(lib)
    fix_ops.split_article(lib, ids[3], 2)
    fix_ops.join_previous(lib, ids[5])
    fix_ops.edit_headline(lib, ids[0], "Edited by hand")
    return _titles(lib)


def test_fixes_are_kept_when_the_same_dump_is_imported_again(
    seeded: Library, seed_dump: Path, tmp_path: Path
) -> None:
    lib = seeded
    fixed = _titles(lib)
    fixed = _fix_three(lib)
    rows = _rows(lib)
    again = import_file(lib, seed_dump)
    assert (again.status, again.new) == ("done", 0)  # every fixed article recognised
    assert _rows(lib) == rows
    # Imported anew (the articles gone), the dump comes back as the reader fixed it.
    lib.conn.execute("DELETE FROM articles")
    lib.conn.commit()
    assert import_file(lib, seed_dump).new == len(fixed)
    assert sorted(_titles(lib)) == sorted(fixed)


def test_fixes_are_kept_by_a_reparse(seeded: Library) -> None:
    lib = seeded
    fixed = _fix_three(lib)
    rows = _rows(lib)
    result = reparse_source(lib, sources(lib)[0])
    assert (result.unchanged, result.new, result.removed, result.fixes_applied) == (
        len(fixed),
        0,
        0,
        3,
    )
    assert _rows(lib) == rows


def test_fixes_apply_in_the_order_they_were_made(seeded: Library, seed_dump: Path) -> None:
    """Join two articles, then split the result where they were joined, then retitle the
    second: applied to a fresh parse, the fixes give what the library holds."""
    lib = seeded
    ids = _ids(lib)
    fix_ops.join_previous(lib, ids[2])
    blocks = fix_ops.article_blocks(lib, ids[1])
    at = next(i for i, (kind, _) in enumerate(blocks) if kind == "h")
    split = fix_ops.split_article(lib, ids[1], at)
    fix_ops.edit_headline(lib, split.inserted[0], "Second, retitled")
    expected = sorted(_titles(lib))
    from reader.core.dumps import parse_path

    fixes = load_fixes(lib)
    assert sorted(a.title for a in fixes.apply(parse_path(seed_dump))) == expected
    assert fixes.applied == {f.id for f in fixes.fixes}


def test_no_fixes_leave_the_parse_alone(seed_dump: Path) -> None:
    from reader.core.dumps import parse_path

    plain = [a.fingerprint for a in parse_path(seed_dump)]
    assert [a.fingerprint for a in FixSet().apply(parse_path(seed_dump))] == plain


def test_fixes_are_kept_on_a_layout_fixture_parsed_in_a_process(lib: Library) -> None:
    """A big dump is parsed in another process: the fixes travel to it."""
    dump = LAYOUTS / "blank_bbc40.txt"
    import_file(lib, dump)
    ids = _ids(lib)
    fix_ops.join_previous(lib, ids[7])
    fix_ops.edit_headline(lib, ids[9], "Retitled in a process")
    rows = _rows(lib)
    lib.conn.execute("DELETE FROM articles")
    lib.conn.commit()
    result = import_file(lib, dump, process_parse_bytes=1)
    assert result.new == len(rows)
    assert sorted(_titles(lib)) == sorted(r[1] for r in rows)


def test_join_after_a_split_joins_the_piece_that_now_comes_before(
    seeded: Library, seed_dump: Path
) -> None:
    """The piece a split made has a new id, yet it is what precedes the next article."""
    lib = seeded
    ids = _ids(lib)
    split = fix_ops.split_article(lib, ids[3], 2)
    piece = split.inserted[0]
    assert fix_ops.previous_article(lib, ids[4]) == piece
    assert fix_ops.previous_article(lib, piece) == ids[3]
    joined = fix_ops.join_previous(lib, ids[4])
    assert joined.article_id == piece
    rows = _rows(lib)
    result = reparse_source(lib, sources(lib)[0])  # the fixes give back what the library holds
    assert (result.unchanged, result.new, result.removed) == (len(rows), 0, 0)
    assert import_file(lib, seed_dump).new == 0
    assert _rows(lib) == rows
