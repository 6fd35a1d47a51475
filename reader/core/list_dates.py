"""The article list's dates, worded as people say them: "Today 14:05", "Yesterday",
"Mon 1 Dec", "12 Mar 2024".

Pure functions of a stored stamp and "now" (which carries the reader's time zone), so that the
wording is tested at midnight, across a year's end and in any zone without touching the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

#: Days back that still get a weekday ("Mon 1 Dec") across a year's end: older dates of another
#: year carry their year ("12 Mar 2024").
RECENT_DAYS = 7


def parse_utc(stamp: str) -> datetime | None:
    """A library timestamp ('YYYY-MM-DD HH:MM:SS.SSS', UTC) as an aware datetime."""
    # fromisoformat, not strptime: the first strptime imports _strptime (8 ms of a cold start).
    try:
        return datetime.fromisoformat(stamp[:19]).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def day_words(day: date, today: date) -> str:
    """A calendar day relative to ``today``: "Today", "Yesterday", "Mon 1 Dec", "12 Mar 2024"."""
    delta = (today - day).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Yesterday"
    if day.year == today.year or 0 < delta < RECENT_DAYS:
        return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return f"{day.day} {day.strftime('%b %Y')}"


def list_date(added_at: str, published_at: str | None, now: datetime) -> str:
    """The date a list row shows: the publication day when the dump gave one, else when added.

    ``now`` is an aware datetime in the reader's zone; ``added_at`` (UTC) is shown in that zone,
    with its time when it is today. A publication date is a calendar day only (stored as
    midnight, no zone): it is never shifted across zones and never shows a time.
    """
    today = now.date()
    if published_at:
        try:
            return day_words(date.fromisoformat(published_at[:10]), today)
        except ValueError:
            pass  # not a date after all: fall back to when it was added
    moment = parse_utc(added_at)
    if moment is None:
        return added_at
    local = moment.astimezone(now.tzinfo)
    words = day_words(local.date(), today)
    return f"{words} {local.strftime('%H:%M')}" if words == "Today" else words
