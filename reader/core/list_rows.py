"""What a reader's list row shows besides its headline: the source's name and a snippet.

Fetched for one page of rows at a time (by primary key, about a millisecond for 200 rows), never
for a whole view. A snippet is the start of the summary, else of the first paragraph: only the
first :data:`SNIPPET_READ` characters of the text are ever handed back to Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from reader.core.store import Library

#: Characters read from the stored text: two list lines of the widest pane need far fewer.
SNIPPET_READ = 400
ELLIPSIS = "…"
_HEAD_PREFIX = "## "  # a cross-head in stored bodies (reader.core.article.blocks_to_text)


class RowDetails(NamedTuple):
    source: str
    snippet: str


def first_paragraph(text: str, limit: int = SNIPPET_READ, truncated: bool = False) -> str:
    """The first paragraph of stored text (cross-heads skipped), on one line, cut at a word
    with "…" when longer than ``limit`` characters. Plain text, as stored.

    ``truncated`` says ``text`` is only the start of the stored text: a paragraph that runs to
    its end goes on, so it loses its last (maybe partial) word and gets "…".
    """
    chunks = text.split("\n\n")
    for i, chunk in enumerate(chunks):
        if not chunk.strip() or chunk.startswith(_HEAD_PREFIX):
            continue
        if chunk.startswith("\\"):  # an escaped paragraph that began with "#" or "\"
            chunk = chunk[1:]
        line = " ".join(chunk.split())
        if truncated and i == len(chunks) - 1:
            return cut(line, limit, more=True)
        return cut(line, limit)
    return ""


def cut(text: str, limit: int, more: bool = False) -> str:
    """``text`` cut at the last word end before ``limit`` characters, with "…" when cut.

    ``more``: the text goes on past its end (its last word may be partial): always cut.
    """
    if len(text) <= limit and not more:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > len(head) // 2:
        head = head[:space]
    return head.rstrip(" ,;:—-") + ELLIPSIS


def row_details(lib: Library, ids: Sequence[int], snippets: bool = True) -> dict[int, RowDetails]:
    """Source name and snippet of each article in ``ids`` (one page of the list)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    text = (
        f"substr(CASE WHEN a.summary != '' THEN a.summary ELSE a.body END, 1, {SNIPPET_READ + 1})"
        if snippets
        else "''"
    )
    sql = (
        f"SELECT a.id, COALESCE(s.name, ''), {text} FROM articles a"
        f" LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks})"
    )
    out: dict[int, RowDetails] = {}
    for article_id, source, start in lib.conn.execute(sql, tuple(ids)):
        snippet = first_paragraph(start, truncated=len(start) > SNIPPET_READ) if start else ""
        out[article_id] = RowDetails(source, snippet)
    return out
