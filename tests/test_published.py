"""Publication dates and bylines from import to search: before:/after: use the dump's own date."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.article import Article
from reader.core.importing import import_file
from reader.core.search import search
from reader.core.store import Library


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


def test_before_and_after_use_the_publication_date(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2019 story is found by before:2020; a year-less wire dateline counts as added today."""
    articles = [
        Article(
            title="Ferry fares frozen for winter",
            published="2019-03-02",
            blocks=[("p", "Ferry fares will not rise this winter, the operator said.")],
        ),
        Article(
            title="Ferry crews vote on new rota",
            dateline="OSLO, Nov 24, 2021 (Reuters)",
            blocks=[("p", "Ferry crews began voting on a new rota on Wednesday.")],
        ),
        Article(
            title="Ferry timetable changes next week",
            dateline="LONDON, July 2 (Reuters)",  # no year: no date is invented
            blocks=[("p", "The ferry timetable changes next week, the port said.")],
        ),
    ]

    def parse(stream, *args, **kwargs):
        yield from articles

    monkeypatch.setattr("reader.core.readahead.parse_stream", parse)
    dump = tmp_path / "ferries.txt"
    dump.write_text("stands in for the parsed articles\n", encoding="utf-8")
    assert import_file(lib, dump).new == 3

    def titles(query: str) -> set[str]:
        return {h.title for h in search(lib, query, order="date").hits}

    assert titles("ferry before:2020") == {"Ferry fares frozen for winter"}
    assert titles("ferry after:2021-11-01 before:2021-12") == {"Ferry crews vote on new rota"}
    assert titles("ferry before:2022") == {
        "Ferry fares frozen for winter",
        "Ferry crews vote on new rota",
    }
    # Added today, never dated July 2 of some guessed year.
    assert titles("ferry after:7d") == {"Ferry timetable changes next week"}
    hits = {h.title: h.published_at for h in search(lib, "ferry").hits}
    assert hits["Ferry fares frozen for winter"] == "2019-03-02 00:00:00.000"
    assert hits["Ferry timetable changes next week"] is None


WEB_PASTE = """Harbour cranes stand idle as dockers strike
By Ann Lee
Published 2 March 2019

Dockers at the port walked out on Monday over a new shift rota, leaving cranes idle.

Unions said the cafe owners near the quays had already lost most of their trade.

City opens its first public sauna by the river

HELSINKI, Nov 24 (Reuters) - The city opened a public sauna on the riverbank on Saturday.

Queues formed before dawn.
"""


def test_the_parser_s_byline_and_date_line_reach_the_library_and_search(
    lib: Library, tmp_path: Path
) -> None:
    """End to end with the real parser: furniture lines become columns, not paragraphs."""
    dump = tmp_path / "web.txt"
    dump.write_text(WEB_PASTE, encoding="utf-8")
    result = import_file(lib, dump)
    assert (result.status, result.new, result.warning) == ("done", 2, None)
    rows = lib.conn.execute(
        "SELECT title, byline, published_at, title_derived, body FROM articles ORDER BY id"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        ("Harbour cranes stand idle as dockers strike", "Ann Lee", "2019-03-02 00:00:00.000", 0),
        ("City opens its first public sauna by the river", None, None, 0),
    ]
    assert "Ann Lee" not in rows[0][4] and "2019" not in rows[0][4]
    assert {h.title for h in search(lib, "before:2020").hits} == {
        "Harbour cranes stand idle as dockers strike"
    }
