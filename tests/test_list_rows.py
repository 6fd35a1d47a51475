"""The list's date wording and row details (source, snippet): pure functions and one query."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from reader.core.list_dates import list_date
from reader.core.list_rows import ELLIPSIS, cut, first_paragraph, row_details
from tests.ui_helpers import Spec, add_articles, add_source

UTC = timezone.utc
NEW_YORK_WINTER = timezone(timedelta(hours=-5))
TOKYO = timezone(timedelta(hours=9))


def _now(*args, tz=UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("added", "now", "expected"),
    [
        ("2026-12-03 14:05:00.000", _now(2026, 12, 3, 18), "Today 14:05"),
        ("2026-12-02 23:59:00.000", _now(2026, 12, 3, 0, 1), "Yesterday"),
        ("2026-12-01 10:00:00.000", _now(2026, 12, 3, 18), "Tue 1 Dec"),
        ("2026-03-12 10:00:00.000", _now(2026, 12, 3, 18), "Thu 12 Mar"),
        ("2024-03-12 10:00:00.000", _now(2026, 12, 3, 18), "12 Mar 2024"),
        # Across a year's end: a few days back keep their weekday, older ones their year.
        ("2026-12-30 10:00:00.000", _now(2027, 1, 2, 9), "Wed 30 Dec"),
        ("2026-12-20 10:00:00.000", _now(2027, 1, 2, 9), "20 Dec 2026"),
        ("2026-12-31 20:00:00.000", _now(2027, 1, 1, 8), "Yesterday"),
        ("not a date", _now(2026, 12, 3), "not a date"),
    ],
)
def test_added_dates_are_worded_as_people_say_them(added, now, expected):
    assert list_date(added, None, now) == expected


def test_added_dates_are_shown_in_the_readers_zone():
    # 03:30 UTC on 3 Dec is 22:30 on 2 Dec in New York and 12:30 on 3 Dec in Tokyo.
    stamp = "2026-12-03 03:30:00.000"
    assert list_date(stamp, None, _now(2026, 12, 2, 23, tz=NEW_YORK_WINTER)) == "Today 22:30"
    assert list_date(stamp, None, _now(2026, 12, 3, 20, tz=NEW_YORK_WINTER)) == "Yesterday"
    assert list_date(stamp, None, _now(2026, 12, 3, 13, tz=TOKYO)) == "Today 12:30"
    # Local midnight at a year's end: 31 Dec 23:30 in New York is already 1 Jan in UTC.
    new_year = "2027-01-01 04:30:00.000"
    assert list_date(new_year, None, _now(2027, 1, 5, tz=NEW_YORK_WINTER)) == "Thu 31 Dec"


def test_a_publication_day_wins_and_never_shows_a_time_or_shifts_zone():
    added = "2026-12-03 14:05:00.000"
    published = "2026-12-03 00:00:00.000"
    # Midnight "UTC" of a day-only date is still that day for a reader in New York.
    assert list_date(added, published, _now(2026, 12, 3, 20, tz=NEW_YORK_WINTER)) == "Today"
    assert list_date(added, "2026-12-02 00:00:00.000", _now(2026, 12, 3, tz=TOKYO)) == "Yesterday"
    assert list_date(added, "2019-03-02 00:00:00.000", _now(2026, 12, 3)) == "2 Mar 2019"
    # A publication value that is not a date falls back to when the article was added.
    assert list_date(added, "garbage", _now(2026, 12, 3, 18)) == "Today 14:05"


def test_first_paragraph_skips_cross_heads_and_cuts_at_a_word():
    assert (
        first_paragraph("## A cross-head\n\nFirst  words\nhere.\n\nSecond.") == "First words here."
    )
    assert first_paragraph("\\# not a head\n\nMore") == "# not a head"
    assert first_paragraph("") == ""
    long = "word " * 200
    short = first_paragraph(long, limit=50)
    assert short.endswith(ELLIPSIS) and len(short) <= 50
    assert not short[:-1].endswith(" ")
    assert cut("short", 50) == "short"


def test_row_details_give_the_source_and_the_summary_else_the_first_paragraph(lib):
    src = add_source(lib.conn, "wire-07.txt")
    with_summary, without = add_articles(
        lib.conn,
        [
            Spec("One", summary=("The summary line", "and its second."), source_id=src),
            Spec("Two", body="## Head\n\nOpening paragraph " + "x " * 400 + "\n\nNext."),
        ],
    )
    details = row_details(lib, [with_summary, without])
    assert details[with_summary].source == "wire-07.txt"
    assert details[with_summary].snippet == "The summary line and its second."
    assert details[without].source == ""
    assert details[without].snippet.startswith("Opening paragraph x x")
    assert details[without].snippet.endswith(ELLIPSIS)
    assert "Next" not in details[without].snippet
    assert row_details(lib, [with_summary], snippets=False)[with_summary].snippet == ""
    assert row_details(lib, []) == {}
