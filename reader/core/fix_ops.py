"""Hand fixes made on the library: split an article, join it to the previous one, edit a headline.

Each operation changes the rows as applying its fix to the parser's output would
(reader.core.hand_fixes), records the fix, and returns what undoing it needs: the rows as they
were, in full, and the ids it inserted. Everything happens in one write transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from reader.core.article import Article, Block, text_to_blocks
from reader.core.hand_fixes import (
    FixError,
    FixKind,
    anchor,
    join,
    join_fix,
    record_fix,
    retitle,
    split_at,
    split_fix,
    title_fix,
)
from reader.core.store import Library, now_utc
from reader.core.transactions import write_transaction

# The columns a fix rewrites (an undo writes them back).
TEXT_COLUMNS = (
    "title",
    "dateline",
    "summary",
    "body",
    "fingerprint",
    "words",
    "published_at",
    "byline",
    "title_derived",
)


@dataclass(frozen=True)
class FixDone:
    """A fix made in the library, with what undoing it needs."""

    fix_id: int
    kind: FixKind
    article_id: int  # the article to show afterwards
    message: str  # a line for the status bar
    before: list[dict] = field(default_factory=list)  # whole rows, as they were
    inserted: list[int] = field(default_factory=list)
    examples: list[tuple] = field(default_factory=list)  # section_examples of deleted rows

    @property
    def changed_ids(self) -> list[int]:
        return [r["id"] for r in self.before] + self.inserted


def _row(conn: sqlite3.Connection, article_id: int) -> dict:
    cur = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,))
    row = cur.fetchone()
    if row is None:
        raise FixError("That article is no longer in the library.")
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def article_from_row(row: dict) -> Article:
    """The article as the parser would have given it (what a fix works on)."""
    published = row.get("published_at")
    return Article(
        title=row["title"],
        dateline=row["dateline"],
        summary=[s for s in (row["summary"] or "").split("\n") if s],
        blocks=text_to_blocks(row["body"]),
        byline=row.get("byline"),
        published=published[:10] if published else None,
        title_derived=bool(row.get("title_derived")),
    )


def article_blocks(lib: Library, article_id: int) -> list[Block]:
    """The article's body blocks, as the reading pane numbers them."""
    return article_from_row(_row(lib.conn, article_id)).blocks


def _values(a: Article, published_at: str | None) -> tuple:
    from reader.core.import_rows import text_columns

    return text_columns(a, published=published_at)


def _taken(conn: sqlite3.Connection, fingerprint: str, but: tuple[int, ...]) -> int | None:
    row = conn.execute("SELECT id FROM articles WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return row[0] if row is not None and row[0] not in but else None


def _update(conn: sqlite3.Connection, article_id: int, values: tuple) -> None:
    sets = ", ".join(f"{c} = ?" for c in TEXT_COLUMNS)
    conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*values, article_id))


def split_article(lib: Library, article_id: int, block: int) -> FixDone:
    """Cut the article before its body block ``block``, which becomes the new one's headline.

    The new article keeps the section, read and starred state, source and arrival time. When the
    library already holds it (imported from another dump), only the cut is made.
    """
    with write_transaction(lib, FixError) as conn:
        row = _row(conn, article_id)
        a = article_from_row(row)
        if not 0 <= block < len(a.blocks):
            raise FixError("There is no such paragraph in this article.")
        fix = split_fix(a, block)
        head, tail = split_at(a, block)
        if _taken(conn, head.fingerprint, (article_id,)) is not None:
            raise FixError("The first part would be the same as an article already there.")
        _update(conn, article_id, _values(head, row["published_at"]))
        inserted = []
        if _taken(conn, tail.fingerprint, ()) is None:
            cur = conn.execute(
                "INSERT INTO articles (" + ", ".join(TEXT_COLUMNS) + ", section_id, source_id, "
                "added_at, read, starred, section_reason, section_by_user) "
                "VALUES (" + ", ".join("?" * (len(TEXT_COLUMNS) + 7)) + ")",
                (
                    *_values(tail, row["published_at"]),
                    row["section_id"],
                    row["source_id"],
                    row["added_at"],
                    row["read"],
                    row["starred"],
                    row["section_reason"],
                    row["section_by_user"],
                ),
            )
            assert cur.lastrowid is not None
            inserted.append(cur.lastrowid)
        fix_id = record_fix(lib, fix, row["source_id"], now_utc())
    shown = inserted[0] if inserted else article_id
    message = f"Split: “{tail.title}” is an article of its own"
    if not inserted:
        message = f"Split: “{tail.title}” was already in the library"
    return FixDone(fix_id, "split", shown, message, [row], inserted)


def previous_article(lib: Library, article_id: int) -> int | None:
    """The article before this one in its dump: imported just before it in the same source, or,
    where the reader split articles, the piece a split put between them.

    A split's new piece has a new (larger) id; its fix says where it belongs: its headline's
    anchor follows the block whose anchor ends the piece before it (``Fix.context``).
    """
    conn = lib.conn
    row = conn.execute(
        "SELECT source_id, title FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    source_id, title = row
    after = dict(
        conn.execute(
            "SELECT anchor, context FROM hand_fixes WHERE kind = 'split' AND source_id = ?",
            (source_id,),
        ).fetchall()
    )
    pieces = _pieces(conn, source_id, set(after)) if after else {}
    ends = {pid: last for pid, (_, last) in pieces.items()}
    parent_end = after.get(anchor(title)) if article_id in pieces else None
    if parent_end is not None:  # a split's piece: the piece before it ends where it was cut
        found = _ending(conn, source_id, parent_end, article_id)
        if found is not None:
            return found
    prev = conn.execute(
        "SELECT id FROM articles WHERE source_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
        (source_id, article_id),
    ).fetchone()
    if prev is None:
        return None
    current: int = prev[0]
    seen = {current}
    while pieces:  # on through the pieces split off it, in the order they follow it
        last = ends.get(current) or _last_anchor(conn, current)
        following = [
            pid
            for pid, (head, _) in pieces.items()
            if pid not in seen and pid != article_id and after.get(head) == last
        ]
        if not following:
            break
        current = following[0]
        seen.add(current)
    return current


def _last_anchor(conn: sqlite3.Connection, article_id: int) -> str | None:
    row = conn.execute("SELECT body FROM articles WHERE id = ?", (article_id,)).fetchone()
    blocks = text_to_blocks(row[0]) if row else []
    return anchor(blocks[-1][1]) if blocks else None


def _pieces(
    conn: sqlite3.Connection, source_id: int, heads: set[str]
) -> dict[int, tuple[str, str | None]]:
    """Articles of the source whose headline a split made: id -> (its headline's anchor, its
    last block's anchor)."""
    out = {}
    for pid, title, body in conn.execute(
        "SELECT id, title, body FROM articles WHERE source_id = ?", (source_id,)
    ):
        head = anchor(title)
        if head in heads:
            blocks = text_to_blocks(body)
            out[pid] = (head, anchor(blocks[-1][1]) if blocks else None)
    return out


def _ending(conn: sqlite3.Connection, source_id: int, end: str, but: int) -> int | None:
    for pid, body in conn.execute(
        "SELECT id, body FROM articles WHERE source_id = ? AND id != ? ORDER BY id",
        (source_id, but),
    ):
        blocks = text_to_blocks(body)
        if blocks and anchor(blocks[-1][1]) == end:
            return pid
    return None


def join_previous(lib: Library, article_id: int) -> FixDone:
    """Append the article to the one before it in its dump (its headline becomes a cross-head)."""
    with write_transaction(lib, FixError) as conn:
        row_b = _row(conn, article_id)
        prev = previous_article(lib, article_id)
        if prev is None:
            raise FixError("No article comes before this one in its dump.")
        row_a = _row(conn, prev)
        if row_a.get("deleted_at"):
            raise FixError("The article before this one in its dump is in the Trash.")
        b = article_from_row(row_b)
        fix = join_fix(b)
        merged = join(article_from_row(row_a), b)
        if _taken(conn, merged.fingerprint, (prev, article_id)) is not None:
            raise FixError("The joined article would be the same as one already there.")
        examples = conn.execute(
            "SELECT article_id, section_id, moved_at FROM section_examples WHERE article_id = ?",
            (article_id,),
        ).fetchall()
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        _update(conn, prev, _values(merged, row_a["published_at"]))
        fix_id = record_fix(lib, fix, row_b["source_id"], now_utc())
    message = f"Joined “{b.title}” to “{merged.title}”"
    return FixDone(fix_id, "join", prev, message, [row_a, row_b], [], examples)


def edit_headline(lib: Library, article_id: int, title: str) -> FixDone:
    with write_transaction(lib, FixError) as conn:
        row = _row(conn, article_id)
        a = article_from_row(row)
        fix = title_fix(a, title)
        if fix.new_title == a.title:
            raise FixError("The headline is unchanged.")
        new = retitle(a, title)
        if _taken(conn, new.fingerprint, (article_id,)) is not None:
            raise FixError("An article with this headline and text is already there.")
        _update(conn, article_id, _values(new, row["published_at"]))
        fix_id = record_fix(lib, fix, row["source_id"], now_utc())
    return FixDone(fix_id, "title", article_id, f"Headline: “{new.title}”", [row])


def undo_fix(lib: Library, done: FixDone) -> str:
    """Put the rows back as they were before ``done`` and forget its fix."""
    with write_transaction(lib, FixError) as conn:
        conn.execute("DELETE FROM hand_fixes WHERE id = ?", (done.fix_id,))
        conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in done.inserted])
        for row in done.before:
            exists = conn.execute("SELECT 1 FROM articles WHERE id = ?", (row["id"],)).fetchone()
            if exists:
                _update(conn, row["id"], tuple(row[c] for c in TEXT_COLUMNS))
                continue
            names = list(row)
            conn.execute(
                f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[n] for n in names],
            )
        conn.executemany(
            "INSERT OR REPLACE INTO section_examples (article_id, section_id, moved_at) "
            "VALUES (?, ?, ?)",
            done.examples,
        )
    return {"split": "Split undone", "join": "Join undone", "title": "Headline edit undone"}[
        done.kind
    ]
