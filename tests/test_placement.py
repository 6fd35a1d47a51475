"""The classifier bound to a library: imports sort by themselves, follow renames and the reader's moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.core import section_ops as ops
from reader.core.article import Article
from reader.core.importing import import_file
from reader.core.placement import (
    BODY_CHARS,
    EXAMPLES_PER_SECTION,
    body_start,
    classify_for_library,
    load_examples,
    placer_for_library,
)
from reader.core.sections import Classifier
from reader.core.store import Library
from tests.placement_texts import (
    CLIMATE_NEW,
    CLIMATE_TAUGHT,
    DEFAULT_STORIES,
    MIDDLE_EAST_NEW,
    MIDDLE_EAST_TAUGHT,
    UNRELATED_NEW,
    dump,
)

SEED_EXPECTED = [
    "World",
    "Culture",
    "Sport",
    {"World", "Politics"},
    "Business",
    {"World", "Politics"},
]


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite3") as library:
        yield library


def placed(lib: Library) -> list[tuple[str, str, str | None, int]]:
    """(title, section, reason, by user) of every article, in import order."""
    return lib.conn.execute(
        "SELECT a.title, s.name, a.section_reason, a.section_by_user "
        "FROM articles a JOIN sections s ON s.id = a.section_id ORDER BY a.id"
    ).fetchall()


def import_texts(lib: Library, texts: list[str], path: Path, **kw):
    result = import_file(lib, dump(texts, path), classify=classify_for_library(lib), **kw)
    assert result.status == "done", result.error
    return result


def test_fixture_dump_sorts_into_the_default_sections(lib: Library, tmp_path: Path) -> None:
    result = import_texts(lib, [t for _, t in DEFAULT_STORIES], tmp_path / "mixed.txt")
    assert result.new == len(DEFAULT_STORIES)
    rows = placed(lib)
    assert [section for _, section, _, _ in rows] == [s for s, _ in DEFAULT_STORIES]
    for _, section, reason, by_user in rows:
        # "Sport: striker, league, ..." — the section, then the words that decided it.
        assert reason.startswith(f"{section}: ") and len(reason) > len(section) + 2
        assert by_user == 0
    assert lib.integrity_ok()


def test_seed_sample_is_sorted_as_the_issue_says(lib: Library, seed_dump: Path) -> None:
    result = import_file(lib, seed_dump, classify=classify_for_library(lib))
    assert result.status == "done" and result.new == 6
    sections = [section for _, section, _, _ in placed(lib)]
    for got, want in zip(sections, SEED_EXPECTED, strict=True):
        assert got in want if isinstance(want, set) else got == want


def test_classify_callable_gives_name_and_the_classifiers_explanation(lib: Library) -> None:
    classify = classify_for_library(lib)
    _, text = DEFAULT_STORIES[0]
    title, _, rest = text.partition("\n")
    summary = [line[2:] for line in rest.splitlines() if line.startswith("- ")]
    body = [line for line in rest.splitlines() if not line.startswith("- ")]
    article = Article(title, summary=summary, blocks=[("p", p) for p in body])
    name, reason = classify(article)
    expected = Classifier.default().classify(title, summary, "\n\n".join(body))
    assert (name, reason) == (expected.section, expected.explain()) == ("Sport", reason)


def test_only_the_start_of_a_long_body_is_read() -> None:
    article = Article("t", blocks=[("p", "word " * 100)] * 1000)  # 500,000 characters
    start = body_start(article)
    assert len(start) == BODY_CHARS and start.startswith("word word")
    assert body_start(Article("t", blocks=[("p", "short"), ("h", "head")])) == "short\n\nhead"


def test_a_renamed_default_keeps_its_knowledge(lib: Library, tmp_path: Path) -> None:
    sport = lib.section_id("Sport")
    ops.rename_section(lib, sport, "Football")
    import_texts(lib, [DEFAULT_STORIES[0][1]], tmp_path / "a.txt")
    [(_, section, reason, _)] = placed(lib)
    assert section == "Football" and reason.startswith("Football: ")
    assert lib.section_id("Sport") is None  # not created again by the import


def test_a_deleted_default_is_never_chosen_and_made_again_it_comes_back(
    lib: Library, tmp_path: Path
) -> None:
    ops.delete_section(lib, lib.section_id("Sport"))
    import_texts(lib, [DEFAULT_STORIES[0][1]], tmp_path / "a.txt")
    assert placed(lib)[0][1] != "Sport"
    assert lib.section_id("Sport") is None
    again = ops.create_section(lib, "sport")
    import_texts(lib, [UNRELATED_NEW[1][1]], tmp_path / "b.txt")
    assert placed(lib)[1][1] == again.name == "sport"


def test_a_user_section_named_like_a_renamed_default_does_not_take_its_knowledge(
    lib: Library, tmp_path: Path
) -> None:
    ops.rename_section(lib, lib.section_id("Sport"), "Sports")
    ops.create_section(lib, "Sport")  # the reader's own, empty, nothing taught
    import_texts(lib, [DEFAULT_STORIES[0][1]], tmp_path / "a.txt")
    assert placed(lib)[0][1] == "Sports"


def move_to_new_section(lib: Library, tmp_path: Path, name: str) -> int:
    """Import the default stories and the Middle East ones, move the latter to a new section."""
    import_texts(lib, [t for _, t in DEFAULT_STORIES] + MIDDLE_EAST_TAUGHT, tmp_path / "first.txt")
    first = len(DEFAULT_STORIES) + 1
    ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE id >= ?", (first,))]
    assert len(ids) == len(MIDDLE_EAST_TAUGHT)
    # Before the lesson they are World stories like any other.
    assert {
        lib.conn.execute("SELECT section_id FROM articles WHERE id = ?", (i,)).fetchone()[0]
        for i in ids
    } == {lib.section_id("World")}
    section = ops.create_section(lib, name)
    ops.move_articles(lib, ids, section.id)
    return section.id


def test_after_a_few_moves_similar_stories_follow_and_others_do_not(
    lib: Library, tmp_path: Path
) -> None:
    section_id = move_to_new_section(lib, tmp_path, "Middle East")
    before = lib.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    texts = MIDDLE_EAST_NEW + [t for _, t in UNRELATED_NEW]
    import_texts(lib, texts, tmp_path / "second.txt")
    rows = lib.conn.execute(
        "SELECT a.section_id, s.name, a.section_reason, a.section_by_user "
        "FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id > ? ORDER BY a.id",
        (before,),
    ).fetchall()
    assert len(rows) == len(texts)
    for sid, _, reason, by_user in rows[: len(MIDDLE_EAST_NEW)]:
        assert sid == section_id and reason.startswith("Middle East: ") and by_user == 0
    assert [name for _, name, _, _ in rows[len(MIDDLE_EAST_NEW) :]] == [s for s, _ in UNRELATED_NEW]


def test_without_the_examples_the_same_stories_stay_in_world(lib: Library, tmp_path: Path) -> None:
    ops.create_section(lib, "Middle East")  # an empty section attracts nothing
    import_texts(lib, MIDDLE_EAST_NEW, tmp_path / "a.txt")
    assert {section for _, section, _, _ in placed(lib)} == {"World"}


def test_load_examples_names_sections_as_they_are_now(lib: Library, tmp_path: Path) -> None:
    section_id = move_to_new_section(lib, tmp_path, "Middle East")
    ops.rename_section(lib, section_id, "Mideast")
    examples = load_examples(lib)
    assert len(examples) == len(MIDDLE_EAST_TAUGHT)
    assert {e.section for e in examples} == {"Mideast"}
    by_title = {e.title: e for e in examples}
    aid_convoy = by_title["Aid convoy reaches northern Gaza after weeks of delays"]
    stored = lib.conn.execute(
        "SELECT body FROM articles WHERE title = ?", (aid_convoy.title,)
    ).fetchone()[0]
    assert aid_convoy.text == stored[:BODY_CHARS] and "thirty aid trucks" in aid_convoy.text
    # Learning follows the rename: new similar stories land in "Mideast".
    assert (
        placer_for_library(lib)
        .place("Israeli strikes hit Gaza", ["Hamas says talks on hostages are off"], "")
        .section
        == "Mideast"
    )


def test_examples_per_section_keep_the_most_recent(lib: Library, tmp_path: Path) -> None:
    texts = [
        f"Local story number {i} about the harbour\nVARNHOLM: Story {i} of the day.\nMore text."
        for i in range(EXAMPLES_PER_SECTION + 5)
    ]
    import_file(lib, dump(texts, tmp_path / "many.txt"))
    ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id")]
    section = ops.create_section(lib, "Harbour")
    ops.move_articles(lib, ids[:5], section.id)
    ops.move_articles(lib, ids[5:], section.id)  # later: these are the ones kept
    examples = load_examples(lib)
    assert len(examples) == EXAMPLES_PER_SECTION
    assert "Local story number 0 about the harbour" not in {e.title for e in examples}


def test_cli_import_with_section_puts_the_whole_file_there(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    path = dump([t for _, t in DEFAULT_STORIES], tmp_path / "mixed.txt")
    assert main(["import", str(path), "--db", str(db), "--section", "  Morning   briefing "]) == 0
    with Library(db) as lib:
        rows = placed(lib)
        assert len(rows) == len(DEFAULT_STORIES)
        assert {(section, reason, by_user) for _, section, reason, by_user in rows} == {
            ("Morning briefing", "chosen when importing", 1)
        }


def test_cli_import_without_section_sorts_automatically(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    path = dump([t for _, t in DEFAULT_STORIES], tmp_path / "mixed.txt")
    assert main(["import", str(path), "--db", str(db)]) == 0
    with Library(db) as lib:
        assert [section for _, section, _, _ in placed(lib)] == [s for s, _ in DEFAULT_STORIES]


def test_cli_import_follows_the_readers_lessons(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        move_to_new_section(lib, tmp_path, "Middle East")
    path = dump(MIDDLE_EAST_NEW, tmp_path / "new.txt")
    assert main(["import", str(path), "--db", str(db)]) == 0
    with Library(db) as lib:
        names = [section for _, section, _, _ in placed(lib)][-len(MIDDLE_EAST_NEW) :]
        assert names == ["Middle East"] * len(MIDDLE_EAST_NEW)


def test_cli_import_with_an_empty_section_name_is_refused(tmp_path: Path, capsys) -> None:
    db = tmp_path / "lib.sqlite3"
    path = dump([DEFAULT_STORIES[0][1]], tmp_path / "a.txt")
    assert main(["import", str(path), "--db", str(db), "--section", "   "]) == 2
    assert "--section needs a section name" in capsys.readouterr().err
    assert not db.exists()  # refused before the library was even opened


def test_a_new_section_carved_out_of_a_default_one(lib: Library, tmp_path: Path) -> None:
    """Climate stories go to Science until the reader moves a few to "Climate"."""
    import_texts(lib, [*CLIMATE_TAUGHT, DEFAULT_STORIES[4][1]], tmp_path / "first.txt")
    assert {section for _, section, _, _ in placed(lib)} == {"Science"}
    climate = ops.create_section(lib, "Climate")
    ops.move_articles(lib, range(1, len(CLIMATE_TAUGHT) + 1), climate.id)
    before = lib.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    astronomy = DEFAULT_STORIES[4][1].replace("Astronomers find", "Astronomers spot", 1)
    import_texts(lib, [*CLIMATE_NEW, astronomy], tmp_path / "second.txt")
    got = [section for _, section, _, _ in placed(lib)][before:]
    assert got == ["Climate"] * len(CLIMATE_NEW) + ["Science"]
