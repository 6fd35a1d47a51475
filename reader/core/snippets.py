"""Snippets and highlights: where a search's words are in the text, marked.

Highlights come back wrapped in :data:`MARK_OPEN` / :data:`MARK_CLOSE`, random per process so no
article text can contain them; :func:`marked_to_html` escapes the text and turns them into tags.
Snippets and highlights are made only for the rows of a page (:mod:`reader.core.search`) and for
the article open in the reading pane (:func:`highlight_article`).
"""

from __future__ import annotations

import html
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.query import ParsedQuery, parse_query

if TYPE_CHECKING:
    from reader.core.store import Library

SNIPPET_TOKENS = 24
ELLIPSIS = "…"

_TOKEN = secrets.token_hex(8)
MARK_OPEN = f"\ue000{_TOKEN}\ue001"
MARK_CLOSE = f"\ue002{_TOKEN}\ue003"


# --- result rows ------------------------------------------------------------------------------


def marked_snippets(
    lib: Library, q: ParsedQuery, ids: list[int], per_row: bool
) -> dict[int, tuple[str, str]]:
    """Highlighted title and the best snippet (body, else summary) of each id.

    Newest-first pages are a contiguous run of matches: one statement walks the match between
    the page's lowest and highest id. Ranked pages are scattered over up to RANK_CAP matches:
    one short statement per row (``rowid = ?`` lets FTS5 seek), except for prefix queries, where
    every statement would gather the prefix's completions again. (``rowid IN (...)`` is never a
    constraint here: FTS5 would run the whole match once per id; the unary ``+`` keeps it a
    filter.)

    A body over :data:`HIGHLIGHT_BODY_LIMIT` characters gets its snippet from
    :func:`_long_snippet`: FTS5's snippet() took 3 s on a 1 MB body and 31 s on 3 MB.
    """
    conn = lib.conn
    match = q.match
    long_ids = _long_bodies(conn, ids)
    body_snippet = "snippet(articles_fts, 2, ?1, ?2, ?3, ?4)"
    if long_ids:  # CASE is lazy: snippet() never runs on those rows
        listed = ",".join(str(int(i)) for i in long_ids)
        body_snippet = f"CASE WHEN rowid IN ({listed}) THEN NULL ELSE {body_snippet} END"
    cols = (
        f"SELECT rowid, highlight(articles_fts, 0, ?1, ?2), {body_snippet},"
        " snippet(articles_fts, 1, ?1, ?2, ?3, ?4) FROM articles_fts WHERE articles_fts MATCH ?5"
    )
    head = (MARK_OPEN, MARK_CLOSE, ELLIPSIS, SNIPPET_TOKENS, match)
    if per_row:
        rows = []
        for article_id in ids:
            rows += conn.execute(cols + " AND rowid = ?6", (*head, article_id)).fetchall()
    else:
        marks = ",".join("?" * len(ids))
        sql = cols + f" AND rowid BETWEEN ?6 AND ?7 AND +rowid IN ({marks})"
        rows = conn.execute(sql, (*head, min(ids), max(ids), *ids)).fetchall()
    out: dict[int, tuple[str, str]] = {}
    for article_id, title, body, summary in rows:
        if article_id in long_ids:
            body = _long_snippet(_body(conn, article_id), q)
        if MARK_OPEN in (body or ""):
            snippet = body
        elif MARK_OPEN in (summary or ""):
            snippet = summary
        else:
            snippet = body or summary or ""
        out[article_id] = (title or "", one_line(snippet))
    return out


def one_line(text: str) -> str:
    return " ".join(text.replace("## ", "").split())


def lead(summary: str, body: str) -> str:
    text = one_line(summary or body or "")
    words = text.split(" ")
    if len(words) > SNIPPET_TOKENS:
        return " ".join(words[:SNIPPET_TOKENS]) + ELLIPSIS
    return text


# --- markers ----------------------------------------------------------------------------------


def strip_marks(text: str) -> str:
    return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def marked_to_html(text: str, open_tag: str = "<b>", close_tag: str = "</b>") -> str:
    """Escape the article text, then turn the markers into tags."""
    return (
        html.escape(text, quote=False).replace(MARK_OPEN, open_tag).replace(MARK_CLOSE, close_tag)
    )


def cut_marked(text: str, keep: int) -> str:
    """The first ``keep`` characters of marked text (the markers not counted), ending with
    :data:`ELLIPSIS` when anything was cut; a mark open at the cut is closed.

    For a line too narrow for its snippet: the cut shows as "…", never as text that just stops.
    """
    if keep >= len(strip_marks(text)):
        return text
    out: list[str] = []
    left = max(0, keep)
    inside = False
    i = 0
    while i < len(text) and left > 0:
        if text.startswith(MARK_OPEN, i):
            out.append(MARK_OPEN)
            inside, i = True, i + len(MARK_OPEN)
        elif text.startswith(MARK_CLOSE, i):
            out.append(MARK_CLOSE)
            inside, i = False, i + len(MARK_CLOSE)
        else:
            out.append(text[i])
            left, i = left - 1, i + 1
    cut = "".join(out).rstrip()
    if inside:
        cut += MARK_CLOSE
    return cut + ELLIPSIS


def drop_marked(text: str, n: int) -> str:
    """Marked text without its first ``n`` characters (the markers not counted); a mark open
    at the cut opens again after it."""
    left = n
    inside = False
    i = 0
    while i < len(text) and left > 0:
        if text.startswith(MARK_OPEN, i):
            inside, i = True, i + len(MARK_OPEN)
        elif text.startswith(MARK_CLOSE, i):
            inside, i = False, i + len(MARK_CLOSE)
        else:
            left, i = left - 1, i + 1
    return (MARK_OPEN if inside else "") + text[i:]


def fit_marked(text: str, keep: int) -> str:
    """Marked text in ``keep`` characters, showing its first match: cut at the end (as
    :func:`cut_marked`), and at the start too, from a word, when the match would fall past the
    cut. Each cut shows as :data:`ELLIPSIS`."""
    plain, spans = mark_spans(text)
    if len(plain) <= keep or not spans or spans[0][1] <= keep - 1:
        return cut_marked(text, keep)
    # The match ends about two thirds in: some words before it, some after.
    start = max(0, spans[0][1] - (keep * 2) // 3)
    space = plain.find(" ", start)
    if 0 <= space < spans[0][0]:
        start = space + 1
    if start <= 0:
        return cut_marked(text, keep)
    return cut_marked(ELLIPSIS + drop_marked(text, start), keep)


def mark_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text and the (start, end) of each highlighted stretch in it."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    rest = text
    while True:
        i = rest.find(MARK_OPEN)
        if i < 0:
            plain.append(rest)
            break
        j = rest.find(MARK_CLOSE, i + len(MARK_OPEN))
        if j < 0:
            plain.append(rest.replace(MARK_OPEN, ""))
            break
        plain.append(rest[:i])
        pos += i
        inner = rest[i + len(MARK_OPEN) : j]
        plain.append(inner)
        spans.append((pos, pos + len(inner)))
        pos += len(inner)
        rest = rest[j + len(MARK_CLOSE) :]
    return "".join(plain), spans


# --- the reading pane -------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlighted:
    """An article's text with every match marked, for the reading pane's highlights and jumps."""

    title: str
    summary: str
    body: str

    @property
    def count(self) -> int:
        return sum(s.count(MARK_OPEN) for s in (self.title, self.summary, self.body))


#: Bodies longer than this are marked word by word (see :func:`_marked_words`), not by FTS5.
HIGHLIGHT_BODY_LIMIT = 100_000
_WORD = re.compile(r"\w+")
_SEPARATOR = "qxzdispatchqxz"  # a token between words, so adjacent matches are marked apart


def highlight_article(
    lib: Library, query: str | ParsedQuery, article_id: int
) -> Highlighted | None:
    """The article with the query's matches marked; None when it does not match the words.

    A body over :data:`HIGHLIGHT_BODY_LIMIT` characters comes back as its distinct words, each
    once, the matching ones marked: FTS5's highlight() takes 3.6 s on a 1 MB body and 31 s on
    3 MB (it grows faster than the text), and the reading pane only needs which words matched.
    """
    q = query if isinstance(query, ParsedQuery) else parse_query(query)
    if not q.match:
        return None
    conn = lib.conn
    size = conn.execute("SELECT length(body) FROM articles WHERE id = ?", (article_id,)).fetchone()
    long_body = size is not None and (size[0] or 0) > HIGHLIGHT_BODY_LIMIT
    body_sql = "''" if long_body else "highlight(articles_fts, 2, ?1, ?2)"
    row = conn.execute(
        "SELECT highlight(articles_fts, 0, ?1, ?2), highlight(articles_fts, 1, ?1, ?2),"
        f" {body_sql} FROM articles_fts WHERE articles_fts MATCH ?3 AND rowid = ?4",
        (MARK_OPEN, MARK_CLOSE, q.match, article_id),
    ).fetchone()
    if row is None:
        return None
    body = row[2] or ""
    if long_body:
        (text,) = conn.execute("SELECT body FROM articles WHERE id = ?", (article_id,)).fetchone()
        body = _marked_words(text or "", q)
    return Highlighted(row[0] or "", row[1] or "", body)


def _marked_words(text: str, q: ParsedQuery) -> str:
    """The distinct words of ``text``, the ones the query's words match marked (FTS5 rules).

    Linear in the text: the words are collected once and FTS5 marks a document of a few
    thousand words. Phrases are matched word by word, as the pane highlights them anyway.
    """
    alternatives: list[str] = []
    for group in q.groups:
        for term in group:
            if term.column is not None:
                continue  # a title-only word never marks the body
            for i, token in enumerate(term.tokens):
                last = i == len(term.tokens) - 1
                if last and term.prefix and term.completions:
                    alternatives += [_quote_word(w) for w in (token, *term.completions)]
                else:
                    alternatives.append(_quote_word(token) + ("*" if last and term.prefix else ""))
    words = dict.fromkeys(_WORD.findall(text))
    if not alternatives or not words:
        return ""
    mem = sqlite3.connect(":memory:")
    try:
        mem.execute(
            "CREATE VIRTUAL TABLE w USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')"
        )
        mem.execute("INSERT INTO w (x) VALUES (?)", (f" {_SEPARATOR} ".join(words),))
        row = mem.execute(
            "SELECT highlight(w, 0, ?, ?) FROM w WHERE w MATCH ?",
            (MARK_OPEN, MARK_CLOSE, " OR ".join(alternatives)),
        ).fetchone()
    finally:
        mem.close()
    return row[0] if row else ""


def _long_bodies(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    """Which of ``ids`` have a body too long for FTS5's snippet() and highlight()."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        r[0]
        for r in conn.execute(
            f"SELECT id FROM articles WHERE id IN ({marks}) AND length(body) > ?",
            (*ids, HIGHLIGHT_BODY_LIMIT),
        )
    }


def _body(conn: sqlite3.Connection, article_id: int) -> str:
    row = conn.execute("SELECT body FROM articles WHERE id = ?", (article_id,)).fetchone()
    return (row[0] or "") if row else ""


def _long_snippet(text: str, q: ParsedQuery, width: int = 160) -> str:
    """A snippet of a long body around its first match, matches marked: linear in the text."""
    marked = _marked_words(text, q)
    words = re.findall(re.escape(MARK_OPEN) + "(.*?)" + re.escape(MARK_CLOSE), marked)
    if not words:
        return ""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return ""
    start = max(0, text.rfind(" ", 0, max(0, first.start() - width // 3)) + 1)
    end = text.find(" ", min(len(text), start + width))
    end = len(text) if end < 0 else end
    piece = pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", text[start:end])
    return f"{ELLIPSIS if start else ''}{piece}{ELLIPSIS if end < len(text) else ''}"


def _quote_word(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'
