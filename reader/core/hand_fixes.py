"""The reader's hand fixes to a parse: split an article, join it to the one before, retitle it.

A fix is data, not an edit of rows: it names the text it applies to by stable anchors (short
hashes of a paragraph's or a headline's text), never by row ids, so that the same fix is applied
again when the same dump is imported again or re-parsed (reader.core.reparse), whatever ids the
articles get then. The library always holds ``fixes(parse(dump))``: a fix made in the window
changes the rows exactly as applying it to the parser's output does, so a re-import finds every
article already there (same fingerprints) and adds nothing.

The operations keep every text the parser produced as it was (a block is moved, or becomes a
headline, or a headline becomes a cross-head), so anchors taken after earlier fixes are still
texts of the parser's output: one pass over a parsed article finds every fix that may touch it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from hashlib import blake2b
from typing import TYPE_CHECKING, Any, Literal

from reader.core.article import Article, Block

if TYPE_CHECKING:  # store imports this module for its migration
    from reader.core.store import Library

FixKind = Literal["split", "join", "title"]


def anchor(text: str) -> str:
    """A short stable hash of one text (a paragraph, a cross-head, a headline)."""
    return blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Fix:
    """One hand fix. ``anchor``/``anchor_len`` name the text it starts from:

    - split: the block that becomes the new article's headline; ``context`` is the anchor of the
      block before it (so a repeated paragraph elsewhere is not taken for it);
    - join: the first block of the article joined to the one before; ``old_title`` its headline;
    - title: the first block of the article retitled; ``old_title`` → ``new_title``.
    """

    id: int
    kind: FixKind
    anchor: str
    anchor_len: int
    context: str | None = None
    old_title: str | None = None
    new_title: str | None = None


class FixError(Exception):
    """A fix that cannot be made here; the message is fit for the status bar."""


# --- the operations, on articles -----------------------------------------------------------


def split_at(a: Article, index: int) -> tuple[Article, Article]:
    """``a`` cut before its block ``index``, which becomes the second article's headline."""
    if index <= 0:
        raise FixError("This is already the article's first paragraph; edit the headline instead.")
    if index >= len(a.blocks) - 1:
        raise FixError("Nothing follows this paragraph: the new article would have no text.")
    head = _copy(a, blocks=a.blocks[:index])
    tail = Article(
        title=a.blocks[index][1],
        blocks=a.blocks[index + 1 :],
        start=a.start,
        end=a.end,
        published=a.published,
    )
    return head, tail



def _copy(a: Article, **changes: Any) -> Article:
    """``a`` with ``changes``; its lists are new ones, so that the fix never alters ``a``."""
    fresh = {"summary": list(a.summary), "blocks": list(a.blocks), "dropped": list(a.dropped)}
    return replace(a, **{**fresh, **changes})

def join(a: Article, b: Article) -> Article:
    """``b`` appended to ``a``: its headline becomes a cross-head, its summary and dateline
    paragraphs (nothing of its text is lost)."""
    blocks: list[Block] = [*a.blocks, ("h", b.title)]
    blocks += [("p", s) for s in b.summary]
    if b.dateline:
        blocks.append(("p", b.dateline))
    blocks += b.blocks
    return _copy(a, blocks=blocks, end=b.end, dropped=[*a.dropped, *b.dropped])


def retitle(a: Article, title: str) -> Article:
    title = " ".join(title.split())
    if not title:
        raise FixError("A headline cannot be empty.")
    return _copy(a, title=title, title_derived=False)


# --- fixes made from articles ----------------------------------------------------------------


def split_fix(a: Article, index: int) -> Fix:
    split_at(a, index)  # raises for a split that cannot be made
    text = a.blocks[index][1]
    return Fix(0, "split", anchor(text), len(text), context=anchor(a.blocks[index - 1][1]))


def _first_block(a: Article) -> str:
    if not a.blocks:
        raise FixError("This article has no text to recognise it by.")
    return a.blocks[0][1]


def join_fix(b: Article) -> Fix:
    first = _first_block(b)
    return Fix(0, "join", anchor(first), len(first), old_title=b.title)


def title_fix(a: Article, title: str) -> Fix:
    first = _first_block(a)
    new = retitle(a, title).title
    return Fix(0, "title", anchor(first), len(first), old_title=a.title, new_title=new)


# --- applying fixes to a stream of articles -------------------------------------------------


def _matches_head(fix: Fix, piece: Article) -> bool:
    return (
        bool(piece.blocks)
        and len(piece.blocks[0][1]) == fix.anchor_len
        and piece.title == fix.old_title
        and anchor(piece.blocks[0][1]) == fix.anchor
    )


def _apply_one(fix: Fix, pieces: list[Article]) -> bool:
    """Apply ``fix`` to the first piece it fits (in place); whether it did."""
    for i, piece in enumerate(pieces):
        if fix.kind == "split":
            for j in range(1, len(piece.blocks) - 1):
                text = piece.blocks[j][1]
                if (
                    len(text) == fix.anchor_len
                    and anchor(text) == fix.anchor
                    and anchor(piece.blocks[j - 1][1]) == fix.context
                ):
                    pieces[i : i + 1] = split_at(piece, j)
                    return True
        elif fix.kind == "join":
            if i > 0 and _matches_head(fix, piece):
                pieces[i - 1 : i + 1] = [join(pieces[i - 1], piece)]
                return True
        elif _matches_head(fix, piece):
            assert fix.new_title is not None
            pieces[i] = retitle(piece, fix.new_title)
            return True
    return False


@dataclass
class FixSet:
    """The library's fixes, ready to apply to a parse (picklable: a parsing process gets it)."""

    fixes: list[Fix] = field(default_factory=list)
    applied: set[int] = field(default_factory=set)  # ids of fixes that found their text
    _by_anchor: dict[str, list[Fix]] = field(default_factory=dict)
    _lengths: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        for fix in self.fixes:
            self._by_anchor.setdefault(fix.anchor, []).append(fix)
            self._lengths.add(fix.anchor_len)

    def __bool__(self) -> bool:
        return bool(self.fixes)

    def _candidates(self, a: Article) -> list[Fix]:
        """Fixes whose anchor is one of ``a``'s texts (cheap: only texts of an anchor's length
        are hashed)."""
        lengths = self._lengths
        texts = [a.title, *a.summary, *(t for _, t in a.blocks)]
        if a.dateline:
            texts.append(a.dateline)
        found: dict[int, Fix] = {}
        for text in texts:
            if len(text) in lengths:
                for fix in self._by_anchor.get(anchor(text), ()):
                    found[fix.id] = fix
        return [found[k] for k in sorted(found)]

    def apply(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles with the fixes applied, in the order they were made.

        One article is held back: a join may append the next one to it.
        """
        if not self.fixes:
            yield from articles
            return
        held: list[Article] = []
        for a in articles:
            fixes = self._candidates(a)
            if not fixes:
                yield from held
                held = [a]
                continue
            pieces = [*held, a]
            for fix in fixes:
                if _apply_one(fix, pieces):
                    self.applied.add(fix.id)
            yield from pieces[:-1]
            held = pieces[-1:]
        yield from held


# --- the table -------------------------------------------------------------------------------

_COLUMNS = "id, kind, anchor, anchor_len, context, old_title, new_title"


def load_fixes(lib: Library) -> FixSet:
    """Every fix of the library, oldest first (empty for a library without the table yet)."""
    try:
        rows = lib.conn.execute(f"SELECT {_COLUMNS} FROM hand_fixes ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return FixSet()
    return FixSet([Fix(*r) for r in rows])


def record_fix(lib: Library, fix: Fix, source_id: int | None, made_at: str) -> int:
    """Store ``fix`` (inside the caller's transaction); its id."""
    cur = lib.conn.execute(
        "INSERT INTO hand_fixes (kind, anchor, anchor_len, context, old_title, new_title, "
        "source_id, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fix.kind,
            fix.anchor,
            fix.anchor_len,
            fix.context,
            fix.old_title,
            fix.new_title,
            source_id,
            made_at,
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def fix_count(lib: Library, source_id: int | None = None) -> int:
    if source_id is None:
        return lib.conn.execute("SELECT count(*) FROM hand_fixes").fetchone()[0]
    return lib.conn.execute(
        "SELECT count(*) FROM hand_fixes WHERE source_id = ?", (source_id,)
    ).fetchone()[0]
