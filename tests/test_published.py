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
