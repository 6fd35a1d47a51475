"""Section operations on a real library: create, rename, reorder, delete, move articles, re-sort."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reader.cli.resort import run as resort_run
from reader.core import section_ops as ops
from reader.core.importing import import_file
from reader.core.placement import classify_for_library
from reader.core.search import search
from reader.core.store import DEFAULT_SECTIONS, Library
from tests.placement_texts import DEFAULT_STORIES, MIDDLE_EAST_NEW, MIDDLE_EAST_TAUGHT, dump


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite3") as library:
        yield library


@pytest.fixture
def stocked(lib: Library, tmp_path: Path) -> Library:
    """The default stories and the Middle East ones, sorted by the classifier."""
    texts = [t for _, t in DEFAULT_STORIES] + MIDDLE_EAST_TAUGHT
    result = import_file(
        lib, dump(texts, tmp_path / "dump.txt"), classify=classify_for_library(lib)
    )
    assert result.status == "done" and result.new == len(texts)
    return lib


def names(lib: Library) -> list[str]:
    return [s.name for s in ops.sections(lib)]


def snapshot(lib: Library) -> list[tuple]:
    """Everything an article is, but its section: nothing of it may be lost."""
    return lib.conn.execute(
        "SELECT id, title, summary, body, fingerprint, read, starred FROM articles ORDER BY id"
    ).fetchall()


def section_of(lib: Library, article_id: int) -> tuple[str, str | None, int]:
    return lib.conn.execute(
        "SELECT s.name, a.section_reason, a.section_by_user FROM articles a "
        "JOIN sections s ON s.id = a.section_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()


def title_hits(lib: Library, words: str) -> int:
    return lib.conn.execute(
        "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (words,)
    ).fetchone()[0]


# --- create ---------------------------------------------------------------------------------------


def test_new_section_goes_above_other_with_a_clean_name(lib: Library) -> None:
    created = ops.create_section(lib, "  Middle \t\u200b East\n")
    assert created.name == "Middle East"
    assert names(lib) == [*DEFAULT_SECTIONS[:-1], "Middle East", "Other"]
    assert [s.position for s in ops.sections(lib)] == list(range(len(DEFAULT_SECTIONS) + 1))
    top = ops.create_section(lib, "Briefing", position=0)
    assert names(lib)[0] == "Briefing" and top.position == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "needs a name"),
        ("   \t ", "needs a name"),
        ("sport", "already a section called “Sport”"),
        ("OTHER", "already a section called “Other”"),
        ("Unread", "view of the sidebar"),
        ("x" * (ops.MAX_NAME + 1), f"at most {ops.MAX_NAME} characters"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(
    lib: Library, name: str, message: str
) -> None:
    before = ops.sections(lib)
    with pytest.raises(ops.SectionError, match=message):
        ops.create_section(lib, name)
    assert ops.sections(lib) == before
    assert not lib.conn.in_transaction


def test_accented_names_are_duplicates_ignoring_case(lib: Library) -> None:
    ops.create_section(lib, "Économie")
    with pytest.raises(ops.SectionError, match="already a section"):
        ops.create_section(lib, "économie")


# --- rename ---------------------------------------------------------------------------------------


def test_rename_a_default_and_its_reasons_follow(stocked: Library) -> None:
    sport = stocked.section_id("Sport")
    renamed = ops.rename_section(stocked, sport, "Sports")
    assert renamed.name == "Sports" and renamed.id == sport
    name, reason, _ = section_of(stocked, 1)
    assert name == "Sports" and reason.startswith("Sports: ")
    # Other sections' reasons are untouched.
    assert section_of(stocked, 2)[1].startswith("Business: ")


def test_rename_only_the_case(lib: Library) -> None:
    sid = ops.create_section(lib, "climate").id
    assert ops.rename_section(lib, sid, "Climate").name == "Climate"


def test_rename_refusals(lib: Library) -> None:
    with pytest.raises(ops.SectionError, match="cannot be renamed"):
        ops.rename_section(lib, lib.section_id("Other"), "Misc")
    with pytest.raises(ops.SectionError, match="already a section called “World”"):
        ops.rename_section(lib, lib.section_id("Politics"), "world")
    with pytest.raises(ops.SectionError, match="no longer exists"):
        ops.rename_section(lib, 9999, "Anything")
    assert names(lib) == list(DEFAULT_SECTIONS)


# --- reorder --------------------------------------------------------------------------------------


def test_move_section_and_reorder(lib: Library) -> None:
    other = lib.section_id("Other")
    order = ops.move_section(lib, other, 0)
    assert [s.name for s in order] == ["Other", *DEFAULT_SECTIONS[:-1]]
    order = ops.move_section(lib, other, 99)  # clamped to the end
    assert [s.name for s in order] == list(DEFAULT_SECTIONS)
    ids = [s.id for s in ops.sections(lib)]
    order = ops.reorder_sections(lib, list(reversed(ids)))
    assert [s.name for s in order] == list(reversed(DEFAULT_SECTIONS))
    assert [s.position for s in order] == list(range(len(ids)))
    with pytest.raises(ops.SectionError, match="changed meanwhile"):
        ops.reorder_sections(lib, ids[:-1])
    assert [s.name for s in ops.sections(lib)] == list(reversed(DEFAULT_SECTIONS))


# --- delete ---------------------------------------------------------------------------------------


def test_delete_moves_articles_to_other_and_loses_nothing(stocked: Library) -> None:
    lib = stocked
    before = snapshot(lib)
    hits = title_hits(lib, "Hezbollah")
    world = lib.section_id("World")
    in_world = [
        r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE section_id = ?", (world,))
    ]
    ops.move_articles(lib, in_world[:2], world)  # two taught examples, dropped with the section
    deleted = ops.delete_section(lib, world)
    assert deleted.section.name == "World" and deleted.examples_dropped == 2
    assert sorted(deleted.article_ids) == sorted(in_world)
    assert deleted.moved_to == lib.section_id("Other")
    assert deleted.section_ids == {world, deleted.moved_to}
    assert "World" not in names(lib)
    assert [s.position for s in ops.sections(lib)] == list(range(len(DEFAULT_SECTIONS) - 1))
    for aid in in_world:
        name, reason, by_user = section_of(lib, aid)
        assert name == "Other" and "“World” was deleted" in reason and by_user == 0
    assert snapshot(lib) == before
    assert lib.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 0
    assert title_hits(lib, "Hezbollah") == hits
    assert lib.integrity_ok()


def test_other_cannot_be_deleted(lib: Library) -> None:
    with pytest.raises(ops.SectionError, match="cannot be deleted"):
        ops.delete_section(lib, lib.section_id("Other"))
    assert names(lib) == list(DEFAULT_SECTIONS)


def test_deleting_a_missing_section_is_a_clear_error(lib: Library) -> None:
    with pytest.raises(ops.SectionError, match="no longer exists"):
        ops.delete_section(lib, 12345)


# --- moving articles ------------------------------------------------------------------------------


def test_move_articles_records_examples(stocked: Library) -> None:
    lib = stocked
    target = ops.create_section(lib, "Middle East")
    ids = [9, 10, 11, 424242]  # the last one does not exist: ignored
    moved = ops.move_articles(lib, ids, target.id)
    assert moved.article_ids == [9, 10, 11]
    assert moved.from_sections == {lib.section_id("World"): 3}
    assert moved.section_ids == {target.id, lib.section_id("World")}
    for aid in moved.article_ids:
        assert section_of(lib, aid) == ("Middle East", ops.MOVED_REASON, 1)
    examples = lib.conn.execute(
        "SELECT article_id, section_id FROM section_examples ORDER BY article_id"
    ).fetchall()
    assert examples == [(9, target.id), (10, target.id), (11, target.id)]
    # Moving one again replaces its example.
    ops.move_articles(lib, [9], lib.section_id("Politics"))
    assert lib.conn.execute(
        "SELECT section_id FROM section_examples WHERE article_id = 9"
    ).fetchone()[0] == lib.section_id("Politics")
    assert lib.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 3
    assert lib.integrity_ok()


def test_move_to_a_missing_section_changes_nothing(stocked: Library) -> None:
    before = stocked.conn.execute("SELECT id, section_id FROM articles").fetchall()
    with pytest.raises(ops.SectionError, match="no longer exists"):
        ops.move_articles(stocked, [1, 2], 777)
    assert stocked.conn.execute("SELECT id, section_id FROM articles").fetchall() == before


def test_undo_move_restores_sections_reasons_and_examples(stocked: Library) -> None:
    lib = stocked
    politics = lib.section_id("Politics")
    ops.move_articles(lib, [2], politics)  # an earlier lesson, to be restored by the undo
    state = lib.conn.execute(
        "SELECT id, section_id, section_reason, section_by_user FROM articles ORDER BY id"
    ).fetchall()
    examples = lib.conn.execute("SELECT * FROM section_examples ORDER BY article_id").fetchall()
    moved = ops.move_articles(lib, [1, 2, 3], lib.section_id("Culture"))
    undone = ops.undo_move(lib, moved)
    assert sorted(undone.article_ids) == [1, 2, 3]
    assert (
        lib.conn.execute(
            "SELECT id, section_id, section_reason, section_by_user FROM articles ORDER BY id"
        ).fetchall()
        == state
    )
    assert (
        lib.conn.execute("SELECT * FROM section_examples ORDER BY article_id").fetchall()
        == examples
    )


def test_a_long_selection_is_moved_in_one_go(lib: Library, tmp_path: Path) -> None:
    texts = [f"Short item {i}\nVARNHOLM: Item {i} of a long list.\nEnd." for i in range(1300)]
    import_file(lib, dump(texts, tmp_path / "long.txt"))
    ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles")]
    target = ops.create_section(lib, "Lists")
    moved = ops.move_articles(lib, ids, target.id)
    assert len(moved.article_ids) == 1300
    assert (
        lib.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE section_id = ? AND section_by_user = 1",
            (target.id,),
        ).fetchone()[0]
        == 1300
    )


# --- re-sort --------------------------------------------------------------------------------------


def test_resort_sorts_what_was_imported_unsorted_and_leaves_hand_placed_alone(
    lib: Library, tmp_path: Path
) -> None:
    texts = [t for _, t in DEFAULT_STORIES]
    import_file(lib, dump(texts, tmp_path / "plain.txt"))  # no classifier: all in Other
    assert set(names_of_articles(lib)) == {"Other"}
    culture = lib.section_id("Culture")
    ops.move_articles(lib, [1], culture)  # the sport story, put in Culture by the reader
    calls: list[tuple[int, int]] = []
    result = ops.resort_all(lib, progress=lambda d, t: calls.append((d, t)), batch=3)
    assert result.examined == len(texts) - 1 and not result.cancelled
    assert names_of_articles(lib) == ["Culture", *[s for s, _ in DEFAULT_STORIES[1:]]]
    assert section_of(lib, 1) == ("Culture", ops.MOVED_REASON, 1)
    assert result.moved == {s: 1 for s, _ in DEFAULT_STORIES[1:]}
    assert calls[0] == (0, 7) and calls[-1] == (7, 7) and len(calls) == 4  # 0, 3, 6, 7
    # Again: nothing left to move.
    again = ops.resort_all(lib)
    assert again.total_moved == 0 and again.examined == len(texts) - 1
    assert lib.integrity_ok()


def names_of_articles(lib: Library) -> list[str]:
    return [
        r[0]
        for r in lib.conn.execute(
            "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id ORDER BY a.id"
        )
    ]


def test_resort_applies_the_readers_lessons(stocked: Library, tmp_path: Path) -> None:
    lib = stocked
    before = lib.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    # Similar stories arrive before the reader teaches anything: they go to World.
    import_file(
        lib, dump(MIDDLE_EAST_NEW, tmp_path / "new.txt"), classify=classify_for_library(lib)
    )
    later = [r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE id > ?", (before,))]
    assert {section_of(lib, i)[0] for i in later} == {"World"}
    target = ops.create_section(lib, "Middle East")
    ops.move_articles(lib, range(9, 14), target.id)
    result = ops.resort_all(lib)
    assert {section_of(lib, i)[0] for i in later} == {"Middle East"}
    assert result.moved == {"Middle East": len(later)}
    assert result.section_ids == {target.id, lib.section_id("World")}
    assert names_of_articles(lib)[:8] == [s for s, _ in DEFAULT_STORIES]


def test_resort_can_be_cancelled_between_batches(lib: Library, tmp_path: Path) -> None:
    import_file(lib, dump([t for _, t in DEFAULT_STORIES], tmp_path / "plain.txt"))
    seen: list[int] = []
    result = ops.resort_all(
        lib, progress=lambda d, t: seen.append(d), cancelled=lambda: len(seen) >= 2, batch=3
    )
    assert result.cancelled and result.examined == 3
    assert names_of_articles(lib)[:3] == [s for s, _ in DEFAULT_STORIES[:3]]
    assert set(names_of_articles(lib)[3:]) == {"Other"}
    assert not lib.conn.in_transaction


def test_resort_while_another_connection_reads_and_searches(
    stocked: Library, tmp_path: Path
) -> None:
    """The window keeps reading (its own connection) while a worker thread re-sorts."""
    errors: list[BaseException] = []
    path = stocked.path

    def worker() -> None:
        try:
            with Library(path) as own:
                ops.move_articles(own, [9, 10, 11], ops.create_section(own, "Middle East").id)
                ops.resort_all(own, batch=2)
        except BaseException as e:  # reported below
            errors.append(e)

    thread = threading.Thread(target=worker)
    thread.start()
    while thread.is_alive():
        assert stocked.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 13
        assert search(stocked, "Hezbollah").total >= 1
    thread.join()
    assert not errors
    assert stocked.integrity_ok()


def test_resort_cli(tmp_path: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        import_file(lib, dump([t for _, t in DEFAULT_STORIES], tmp_path / "plain.txt"))
        ops.move_articles(lib, [1], lib.section_id("Culture"))
    assert resort_run(db) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("Re-sorted: 7 articles looked at, 7 moved (")
    assert out.endswith("; 1 placed by you left alone")


def test_resort_cli_on_a_bad_file(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("not a database", encoding="utf-8")
    assert resort_run(bad) == 2
    assert "not a Dispatch library" in capsys.readouterr().err


# --- schema ---------------------------------------------------------------------------------------


def test_v1_library_is_migrated_with_its_sections_knowledge(tmp_path: Path) -> None:
    from reader.core.store import MIGRATIONS, migrate

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO articles (title, body, section_id, fingerprint, words, added_at) "
        "VALUES ('Old', 'Kept.', 1, 'fp', 1, '2026-01-01 00:00:00.000')"
    )
    conn.commit()
    conn.close()
    with Library(path) as lib:
        assert lib.schema_version >= 2  # later migrations run too
        builtin = lib.conn.execute(
            "SELECT name, builtin FROM sections ORDER BY position"
        ).fetchall()
        assert builtin == [(n, n) for n in DEFAULT_SECTIONS]
        assert lib.conn.execute("SELECT title FROM articles").fetchall() == [("Old",)]
        assert lib.integrity_ok()


def test_deleting_an_article_drops_its_example(stocked: Library) -> None:
    ops.move_articles(stocked, [9], stocked.section_id("Politics"))
    stocked.conn.execute("DELETE FROM articles WHERE id = 9")
    stocked.conn.commit()
    assert stocked.conn.execute("SELECT COUNT(*) FROM section_examples").fetchone()[0] == 0


def test_resort_leaves_a_file_imported_into_one_section_alone(lib: Library, tmp_path: Path) -> None:
    texts = [t for _, t in DEFAULT_STORIES]
    import_file(lib, dump(texts, tmp_path / "brief.txt"), section="Morning briefing")
    result = ops.resort_all(lib)
    assert result.examined == 0 and result.total_moved == 0
    assert set(names_of_articles(lib)) == {"Morning briefing"}
    # Deleting that section hands its articles back to Dispatch: a re-sort now places them.
    ops.delete_section(lib, lib.section_id("Morning briefing"))
    assert ops.resort_all(lib).total_moved == len(texts)
    assert names_of_articles(lib) == [s for s, _ in DEFAULT_STORIES]
