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
from dataclasses import dataclass, replace
from datetime import date
from typing import Final, cast

from reader.core.article import Article, blocks_to_utf8, fingerprint_bytes, fingerprint_parts

__all__ = [
    "END",
    "PipedText",
    "Placed",
    "Row",
    "RowSpec",
    "make_row",
    "make_rows",
    "published_at",
    "published_from_dateline",
]

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
    #: The rows are pickled to another process (the spec itself was: see __reduce__).
    piped: bool = False

    def __reduce__(self) -> tuple[type[RowSpec], tuple[bool, Classifier | None, bool]]:
        # A spec sent to another process (the parsing process of a big dump) makes rows that
        # are sent back the same way: they may then carry their body as UTF-8 (PipedText).
        return (RowSpec, (self.keep, self.classify, True))


class PipedText:
    """A row's text as the UTF-8 already made for its fingerprint: pickled, it is that str again.

    Pickling a str encodes it to UTF-8, which is slow for text beyond Latin-1 (one curly quote
    is enough); the parsing process has the UTF-8 of every block anyway, so a body crosses the
    pipe as those bytes, and unpickling makes the str from them (the decoding unpickling a str
    always does). Only in rows of a piped RowSpec: the writer never sees this type.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __reduce__(self) -> tuple[type[str], tuple[bytes, str]]:
        return (str, (self.data, "utf-8"))


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


def text_columns(
    a: Article,
    words: int | None = None,
    published: str | None = None,
    fingerprint: str | None = None,
) -> tuple:
    """The article's stored text columns, in fix_ops.TEXT_COLUMNS' order (``words`` and
    ``fingerprint`` when already worked out; ``published`` when the stored date is kept rather
    than parsed again)."""
    if words is None or fingerprint is None:
        made, counted = fingerprint_and_words(a)
        fingerprint = made if fingerprint is None else fingerprint
        words = counted if words is None else words
    return (
        a.title,
        a.dateline,
        "\n".join(a.summary),
        a.body_text,
        fingerprint,
        words,
        published if published is not None else published_at(a),
        a.byline,
        int(a.title_derived),
    )


def fingerprint_and_words(a: Article) -> tuple[str, int]:
    """``(a.fingerprint, a.words)`` in one walk of the text: the spaces of the summary and the
    blocks are counted in the UTF-8 the fingerprint hashes (a space is one byte there, and no
    other character holds that byte), less the headline's."""
    return _fingerprint_and_words(a, fingerprint_bytes(a))


def _fingerprint_and_words(a: Article, data: bytes) -> tuple[str, int]:
    from hashlib import blake2b  # here, as in Article.fingerprint: hashlib loads OpenSSL

    words = data.count(b" ") - a.title.count(" ") + len(a.summary) + len(a.blocks)
    return blake2b(data, digest_size=16).hexdigest(), words


def _piped_columns(a: Article) -> tuple[str, str, int]:
    """(body, fingerprint, words) for a row sent through a pipe: the body as the UTF-8 of its
    blocks (PipedText, typed as the str the writer unpickles), made from the fingerprint's."""
    parts = fingerprint_parts(a)
    fingerprint, words = _fingerprint_and_words(a, fingerprint_bytes(a, parts))
    body = PipedText(blocks_to_utf8(a.blocks, parts[1 + len(a.summary) :]))
    return cast(str, body), fingerprint, words


def make_row(a: Article, spec: RowSpec) -> Row:
    """The stored columns of ``a``, its end offset, and its placement as ``spec`` says."""
    placement: Article | Placed | None = None
    if spec.piped:
        body, fingerprint, words = _piped_columns(a)
    else:
        body = a.body_text
        fingerprint, words = fingerprint_and_words(a)
    if spec.classify is not None:
        placement = classified(spec.classify, a) if words else None  # empty ones are skipped
    elif spec.keep:
        placement = a
    return (
        a.title,
        a.dateline,
        "\n".join(a.summary),
        body,
        fingerprint,
        words,
        published_at(a),
        a.byline,
        int(a.title_derived),
        a.end,
        placement,
    )


def make_rows(articles: list[Article], spec: RowSpec) -> list[Row]:
    """:func:`make_row` of each article; a classifying ``spec`` places them once all their rows
    are made, one classifier call after another.

    Parsing an article between two calls pushes the classifier's tables (its term automaton, its
    weights) out of the processor's caches. Classified a chunk at a time, in the parsing process of
    a 300 MB import, 63,915 articles took 3.1-3.4 s instead of 4.4-4.6 s, for the same rows.
    """
    classify = spec.classify
    if classify is None:
        return [make_row(a, spec) for a in articles]
    rows = [make_row(a, replace(spec, classify=None)) for a in articles]
    return [
        (*row[:-1], classified(classify, a) if row[5] else None)  # empty ones are skipped
        for row, a in zip(rows, articles, strict=True)
    ]
