"""An article as the import's writer stores it: one row, made on the parsing side of the pipeline.

The row is made where the article is parsed (a helper thread, or a separate process for big
dumps) so that the writer only stores. It ends with what the writer needs to place the article:

* nothing, when every article goes to one section;
* the article itself, when the writer classifies it (a classifier that cannot be sent to another
  process, or a dump parsed on a thread: there the writer sets duplicates aside first, so a
  re-import costs no classification);
* the section name and reason, when the article was classified while parsing: big dumps, whose
  parsing process runs on another core, so placing articles no longer slows the writer down.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from reader.core.article import Article

__all__ = ["END", "Placed", "Row", "RowSpec", "make_row", "published_at", "published_from_dateline"]

Classifier = Callable[[Article], tuple[str, str]]
#: A section name and reason found while parsing.
Placed = tuple[str, str]

# (title, dateline, summary, body, fingerprint, words, published_at, byline, title_derived,
#  end offset, placement: None, the Article, or (section name, reason))
Row = tuple[
    str, str | None, str, str, str, int, str | None, str | None, int, int, Article | Placed | None
]
END: Final = 9  # where a row keeps its end offset; the stored columns come before it


class ClassifierFailed(Exception):
    """The classifier raised on an article; the message names the article, fit for a user."""


@dataclass(frozen=True, slots=True)
class RowSpec:
    """How the parsing side ends each row. Picklable when ``classify`` is (a library's Placer)."""

    #: Keep the Article in the row: the writer classifies it.
    keep: bool = False
    #: Classify while parsing with this (a snapshot of the library's classifier).
    classify: Classifier | None = None


_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE_IN_DATELINE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})\b(?:,?\s+(\d{4}))?"
)


def published_from_dateline(dateline: str | None) -> str | None:
    """'GENEVA, March 5, 2019 (AFP)' → '2019-03-05 00:00:00.000' (time unknown: midnight UTC).

    Wire datelines rarely carry a year ('LONDON, Nov 24 (Reuters)'); those give None: a year
    guessed from today would misdate every story older than a year, and silently.
    """
    if not dateline:
        return None
    m = _DATE_IN_DATELINE.search(dateline)
    if not m or not m.group(3):
        return None
    try:
        d = date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:
        return None
    return f"{d.isoformat()} 00:00:00.000"


def published_at(a: Article) -> str | None:
    """The library's published_at for ``a``: its date line's, else its dateline's (if dated)."""
    if a.published:
        try:
            return f"{date.fromisoformat(a.published).isoformat()} 00:00:00.000"
        except ValueError:
            pass  # not a date after all: fall back to the dateline
    return published_from_dateline(a.dateline)


def classified(classify: Classifier, a: Article) -> Placed:
    """``classify(a)``; its failure becomes ClassifierFailed, naming the article."""
    try:
        return classify(a)
    except Exception as e:
        title = a.title or "an untitled article"
        raise ClassifierFailed(f"the classifier failed on “{title}”: {e}") from e


def text_columns(a: Article, words: int | None = None, published: str | None = None) -> tuple:
    """The article's stored text columns, in fix_ops.TEXT_COLUMNS' order (``words`` when
    already counted; ``published`` when the stored date is kept rather than parsed again)."""
    return (
        a.title,
        a.dateline,
        "\n".join(a.summary),
        a.body_text,
        a.fingerprint,
        a.words if words is None else words,
        published if published is not None else published_at(a),
        a.byline,
        int(a.title_derived),
    )


def make_row(a: Article, spec: RowSpec) -> Row:
    """The stored columns of ``a``, its end offset, and its placement as ``spec`` says."""
    placement: Article | Placed | None = None
    words = a.words  # counted once: it walks the whole text (0.7 s for a 300 MB dump)
    if spec.classify is not None:
        placement = classified(spec.classify, a) if words else None  # empty ones are skipped
    elif spec.keep:
        placement = a
    return (
        *text_columns(a, words),
        a.end,
        placement,
    )
