"""Schema v9: forget the publication years that Dispatch once made up.

Before schema v7 the importer dated a wire dateline without a year ("LONDON, July 2 (Reuters)")
in the latest such day not after the import, so a 2021 story imported in 2026 became 2026-07-02
and before:/after: placed it in the wrong year. Those guesses are set back to NULL (unknown): the
article then counts by when it was added, as every undated article does.

Only what the old importer wrote is touched: rows imported before v7 (title_derived is NULL),
whose dateline has a month and day but no year, and whose published_at is that month and day at
midnight. Dates with a year in the dateline, and anything written since v7, stay. The pattern is
the old importer's own, kept here as it was: a migration must not change with later code.
"""

from __future__ import annotations

import re
import sqlite3

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE_IN_DATELINE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})\b(?:,?\s+(\d{4}))?"
)


def guessed(dateline: str, published_at: str) -> bool:
    """Was ``published_at`` made up from ``dateline``'s month and day, with no year given?"""
    m = _DATE_IN_DATELINE.search(dateline)
    if not m or m.group(3):
        return False
    month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
    return published_at[4:] == f"-{month:02d}-{day:02d} 00:00:00.000"


def forget_guessed_years(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, dateline, published_at FROM articles "
        "WHERE title_derived IS NULL AND published_at IS NOT NULL AND dateline IS NOT NULL"
    )
    ids = [(i,) for i, dateline, published in rows if guessed(dateline, published)]
    conn.executemany("UPDATE articles SET published_at = NULL WHERE id = ?", ids)
