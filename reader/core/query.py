"""The search language: what a user types → an FTS5 MATCH expression plus SQL filters.

    climate "sea level" OR coast -opinion title:storm section:science source:wire
    is:unread is:starred before:2024-05-01 after:7d

Words must all match; the last word also matches as a prefix while it is being typed (no trailing
space). ``OR`` binds the items either side of it; ``-`` (or ``NOT``) excludes. Filter values may be
quoted: ``section:"World news"``.

Parsing never raises and never lets user text reach SQL or the FTS5 grammar: every word becomes a
double-quoted FTS5 string built from the tokens SQLite's own tokenizer finds in it (so an operator,
a ``*``, a ``NEAR(`` or a quote is only ever text), and filter values are bound parameters. A query
that does not parse (an unclosed quote, a dangling ``OR``, an empty ``title:``, a bad date) is
searched as plain words, and ``ParsedQuery.message`` says so for the search field to show.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from reader.core.query_help import HELP, PLACEHOLDER
from reader.core.textio import INVISIBLE

MAX_CHARS = 1000
# Each word costs the ranking a pass over the articles that contain it (bm25's IDF).
MAX_TERMS = 16
# Prefix matching without a prefix index merges every term that starts with the prefix: fine for
# "clim*", costly for "c*". The typed-so-far word becomes a prefix only from this length on.
IMPLICIT_PREFIX_MIN = 3
EXPLICIT_PREFIX_MIN = 2

FIELDS = ("title", "section", "source", "is", "before", "after")
IS_VALUES = ("unread", "read", "starred", "unstarred")


# The date an article is filtered by: its publication date when the dump gave one.
DATE_SQL = "COALESCE(a.published_at, a.added_at)"


@dataclass(frozen=True)
class Filter:
    """One SQL condition on the articles table aliased ``a``; values are always parameters."""

    sql: str
    params: tuple = ()
    label: str = ""
    # For filters whose articles sit in one stretch of ids (a source is one import): SQL giving
    # the lowest and highest id that can pass, with the same params, so that the full-text match
    # is only walked there.
    id_range_sql: str | None = None
    id_range_size_sql: str | None = None  # how many articles id_range_sql reads (same params)
    # What the search estimates the filter's size from (reader.core.search_plans): the field
    # ("is", "section", "source"; "" for dates), the is: value after any negation, or the
    # LIKE pattern of a section or source, and whether the filter is negated.
    field: str = ""
    value: str = ""
    negated: bool = False


@dataclass(frozen=True)
class Term:
    """A word or phrase the results must (or must not) contain, as FTS5 sees it."""

    tokens: tuple[str, ...]
    prefix: bool = False
    column: str | None = None  # "title" or None for every column
    # Words that complete the prefix, chosen by the search from the library's vocabulary: when
    # set, they replace FTS5's own prefix match (which merges every completion and is slow for
    # a short, common prefix).
    completions: tuple[str, ...] = ()

    @property
    def fts(self) -> str:
        if self.prefix and self.completions:
            head = self.tokens[:-1]
            phrases = [_quote((*head, last)) for last in (self.tokens[-1], *self.completions)]
            expr = "(" + " OR ".join(phrases) + ")"
        else:
            expr = _quote(self.tokens)
            if self.prefix:
                expr += "*"
        return f"title : {expr}" if self.column else expr

    @property
    def display(self) -> str:
        text = " ".join(self.tokens)
        text = f'"{text}"' if len(self.tokens) > 1 else text
        if self.prefix:
            text += "*"
        return f"title:{text}" if self.column else text


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    groups: tuple[tuple[Term, ...], ...] = ()  # all groups must match; one term of each group
    excluded: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    malformed: bool = False
    message: str = ""

    @property
    def match(self) -> str | None:
        """FTS5 expression for the words that must match (None when the query has none)."""
        if not self.groups:
            return None
        parts = []
        for group in self.groups:
            inner = " OR ".join(t.fts for t in group)
            parts.append(f"({inner})")
        expr = " AND ".join(parts)
        if self.excluded:
            expr = f"({expr}) NOT ({self.exclude})"
        return expr

    @property
    def exclude(self) -> str | None:
        """FTS5 expression for the excluded words (used alone when nothing positive is asked)."""
        if not self.excluded:
            return None
        return " OR ".join(t.fts for t in self.excluded)

    @property
    def is_empty(self) -> bool:
        return not (self.groups or self.excluded or self.filters)

    @property
    def has_prefix(self) -> bool:
        return any(t.prefix for g in self.groups for t in g)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for g in self.groups for t in g)

    def describe(self) -> str:
        """What is being searched for, in words a user reads."""
        bits = [" OR ".join(t.display for t in g) for g in self.groups]
        bits += [f"-{t.display}" for t in self.excluded]
        bits += [f.label for f in self.filters]
        return " ".join(bits)


def _quote(tokens: tuple[str, ...]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


# --- tokens: ask SQLite's own tokenizer, so that a phrase is never empty ------------------------

_local = threading.local()


def _tokenizer() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        # Same tokenizer as the library minus porter: the tokens go back into a MATCH string,
        # where the library's tokenizer stems them.
        conn.execute(
            "CREATE VIRTUAL TABLE tok USING fts5(x, tokenize='unicode61 remove_diacritics 2')"
        )
        conn.execute("CREATE VIRTUAL TABLE tok_v USING fts5vocab(tok, instance)")
        conn.execute(
            "CREATE VIRTUAL TABLE stem USING fts5(x, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        conn.execute("CREATE VIRTUAL TABLE stem_v USING fts5vocab(stem, instance)")
        _local.conn = conn
    return conn


def _tokens(table: str, texts: list[str], where: str = "") -> list[tuple[int, str]]:
    """(text's index, token) pairs from one of the tokenizer's tables, in text order."""
    if not texts:
        return []
    conn = _tokenizer()
    with conn:
        conn.execute(f"DELETE FROM {table}")
        conn.executemany(
            f"INSERT INTO {table} (rowid, x) VALUES (?, ?)", [(i, t) for i, t in enumerate(texts)]
        )
        rows = conn.execute(
            f"SELECT doc, term FROM {table}_v {where} ORDER BY doc, offset"
        ).fetchall()
        conn.execute(f"DELETE FROM {table}")
    return rows


def tokenize(texts: list[str]) -> list[list[str]]:
    """The FTS5 tokens of each text (lower-cased, diacritics removed), in order."""
    out: list[list[str]] = [[] for _ in texts]
    for doc, term in _tokens("tok", texts):
        out[doc].append(term)
    return out


def stems(words: list[str]) -> list[str | None]:
    """The library tokenizer's form of each single word (porter stem), None when it has none."""
    out: list[str | None] = [None] * len(words)
    for doc, term in _tokens("stem", words, "WHERE offset = 0"):
        out[doc] = term
    return out


# --- lexing ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_FIELD = re.compile(r"(-?)([A-Za-z]+):(?=\S)")


def clean(text: str) -> str:
    """Text safe to bind and tokenize: no lone surrogates, controls or invisible marks; bounded.

    Invisible characters (a zero-width space pasted inside a word) are dropped, not spaced:
    the word must still match what it reads as.
    """
    if not isinstance(text, str):
        text = str(text)
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.translate(INVISIBLE)).translate(_QUOTES)
    return text[:MAX_CHARS]


@dataclass
class _Item:
    kind: str  # "word", "or", "filter"
    value: str = ""
    negated: bool = False
    phrase: bool = False
    star: bool = False  # explicit trailing *
    field: str | None = None
    last: bool = False  # the word being typed (no whitespace after it)


class _Malformed(Exception):
    pass


def _lex(text: str) -> list[_Item]:
    items: list[_Item] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        fld = None
        m = _FIELD.match(text, i)
        if m and m.group(2).lower() in FIELDS:
            negated = m.group(1) == "-"
            fld = m.group(2).lower()
            i = m.end()
        elif text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        elif text[i] == "-":
            raise _Malformed("a lone '-'")
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise _Malformed("an unclosed quote")
            value = text[i + 1 : close]
            i = close + 1
            star = i < n and text[i] == "*"
            if star:
                i += 1
            items.append(
                _Item(
                    "filter" if fld and fld != "title" else "word",
                    value,
                    negated,
                    True,
                    star,
                    fld,
                    last=i >= n,
                )
            )
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        value = text[i:j]
        i = j
        if not fld and not negated and value == "OR":
            items.append(_Item("or"))
            continue
        if not fld and not negated and value == "AND":
            continue
        if not fld and not negated and value == "NOT":
            items.append(_Item("not"))
            continue
        if fld and fld != "title":
            items.append(_Item("filter", value, negated, field=fld))
            continue
        if value.endswith(":") and value[:-1].lstrip("-").lower() in FIELDS:
            raise _Malformed(f"'{value}' without a value")
        star = value.endswith("*")
        items.append(_Item("word", value.rstrip("*"), negated, False, star, fld, last=i >= n))
    return items


# --- building ---------------------------------------------------------------------------------


def parse_query(text: str, today: date | None = None) -> ParsedQuery:
    """Parse what the user typed. Never raises."""
    try:
        return _parse(text, today)
    except Exception as e:  # the contract is "never raises": say why instead
        logging.getLogger(__name__).exception("could not parse the query %r", text)
        return _plain(
            clean(text), f"Could not read the query ({type(e).__name__}); searching for the words."
        )


def _parse(raw: str, today: date | None) -> ParsedQuery:
    text = clean(raw)
    note = "Query shortened to its first 1,000 characters. " if len(raw) > MAX_CHARS else ""
    try:
        items = _lex(text)
        return _build(text, items, today, note)
    except _Malformed as e:
        return _plain(text, f"{note}Not understood ({e}): searching for the words.", today)


def _build(text: str, items: list[_Item], today: date | None, note: str) -> ParsedQuery:
    # NOT x → -x
    merged: list[_Item] = []
    pending_not = False
    for it in items:
        if it.kind == "not":
            if pending_not:
                raise _Malformed("'NOT NOT'")
            pending_not = True
            continue
        if pending_not:
            if it.kind == "or":
                raise _Malformed("'NOT' before 'OR'")
            it.negated = not it.negated
            pending_not = False
        merged.append(it)
    if pending_not:
        raise _Malformed("'NOT' with nothing after it")

    filters: list[Filter] = []
    words = [it for it in merged if it.kind == "word"]
    token_lists = tokenize([w.value for w in words])
    tokens_of = {id(w): toks for w, toks in zip(words, token_lists, strict=True)}

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    prev_kind = None
    for it in merged:
        if it.kind == "or":
            if prev_kind != "word" or join_next:
                raise _Malformed("a stray 'OR'")
            join_next = True
            prev_kind = "or"
            continue
        if it.kind == "filter":
            if join_next:
                raise _Malformed("'OR' next to a filter")
            filters.append(_filter(it, today))
            prev_kind = "filter"
            continue
        toks = tokens_of[id(it)]
        if not toks:
            # Pure punctuation ("*", "—", "(") has nothing to search for: skip it.
            if join_next:
                raise _Malformed("'OR' with nothing searchable next to it")
            if it.field:
                raise _Malformed("'title:' with nothing searchable after it")
            prev_kind = "skip"
            continue
        prefix = False
        if it.star:
            prefix = len(toks[-1]) >= EXPLICIT_PREFIX_MIN
        elif it.last and not it.phrase and len(toks[-1]) >= IMPLICIT_PREFIX_MIN:
            prefix = True
        term = Term(tuple(toks), prefix, "title" if it.field == "title" else None)
        if it.negated:
            if join_next:
                raise _Malformed("'OR' next to an excluded word")
            excluded.append(term)
            prev_kind = "neg"
            continue
        if join_next:
            groups[-1].append(term)
            join_next = False
        else:
            groups.append([term])
        prev_kind = "word"
    if join_next:
        raise _Malformed("'OR' at the end")
    groups = _unique(groups)
    excluded = list(dict.fromkeys(excluded))
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        note += f"Only the first {MAX_TERMS} words are searched. "
        groups, excluded = _trim(groups, excluded)
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        filters=tuple(filters),
        message=note.strip(),
    )


def _unique(groups: list[list[Term]]) -> list[list[Term]]:
    """The same word twice asks nothing more (but would cost the ranking twice)."""
    seen: set[tuple[Term, ...]] = set()
    out = []
    for g in groups:
        g = list(dict.fromkeys(g))
        key = tuple(g)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _trim(groups: list[list[Term]], excluded: list[Term]) -> tuple[list, list]:
    budget = MAX_TERMS
    out: list[list[Term]] = []
    for g in groups:
        if len(g) > budget:
            break
        out.append(g)
        budget -= len(g)
    return out, excluded[: max(0, budget)]


def _plain(text: str, message: str, today: date | None = None) -> ParsedQuery:
    """Fallback: every word of the text must match; well-formed filters still apply."""
    filters: list[Filter] = []
    rest: list[str] = []
    for chunk in text.split():
        m = _FIELD.match(chunk.lstrip('"'))
        if m and m.group(2).lower() in FIELDS and m.group(2).lower() != "title":
            value = chunk.lstrip('"')[m.end() :].strip('"')
            try:
                filters.append(
                    _filter(
                        _Item("filter", value, m.group(1) == "-", field=m.group(2).lower()), today
                    )
                )
                continue
            except _Malformed:
                pass
        rest.append(chunk)
    try:
        toks = tokenize([" ".join(rest)])[0]
    except Exception:
        logging.getLogger(__name__).exception("could not tokenize the query %r", text)
        toks = []
    toks = toks[:MAX_TERMS]
    groups = []
    ends_typing = bool(text) and not text[-1].isspace()
    toks = list(dict.fromkeys(toks))
    for k, tok in enumerate(toks):
        prefix = ends_typing and k == len(toks) - 1 and len(tok) >= IMPLICIT_PREFIX_MIN
        groups.append((Term((tok,), prefix),))
    return ParsedQuery(
        text=text, groups=tuple(groups), filters=tuple(filters), malformed=True, message=message
    )


def _filter(it: _Item, today: date | None) -> Filter:
    value = " ".join(it.value.split())
    fld = it.field
    neg = it.negated
    if not value:
        raise _Malformed(f"'{fld}:' without a value")
    if fld == "is":
        v = value.lower()
        if v not in IS_VALUES:
            raise _Malformed(f"'is:{value}' (use is:unread, is:read, is:starred)")
        if neg:
            v = {
                "unread": "read",
                "read": "unread",
                "starred": "unstarred",
                "unstarred": "starred",
            }[v]
        sql = {
            "unread": "a.read = 0",
            "read": "a.read = 1",
            "starred": "a.starred = 1",
            "unstarred": "a.starred = 0",
        }[v]
        return Filter(sql, (), f"is:{v}", field="is", value=v)
    if fld == "section":
        # Case-insensitive name prefix: "section:sci" finds Science.
        like = _like_escape(value) + "%"
        op = "NOT IN" if neg else "IN"
        return Filter(
            f"a.section_id {op} (SELECT id FROM sections WHERE name LIKE ? ESCAPE '\\')",
            (like,),
            f"{'-' if neg else ''}section:{_q(value)}",
            field="section",
            value=like,
            negated=neg,
        )
    if fld == "source":
        like = "%" + _like_escape(value) + "%"
        cond = (
            "a.source_id IN (SELECT id FROM sources WHERE name LIKE ?1 ESCAPE '\\' "
            "OR path LIKE ?1 ESCAPE '\\')"
        )
        id_range = id_range_size = None
        if neg:
            cond = f"(a.source_id IS NULL OR NOT {cond})"
        else:
            id_range = "SELECT min(a.id), max(a.id) FROM articles a WHERE " + cond.replace(
                "?1", "?"
            )
            # What finding that range costs: the articles those sources brought.
            id_range_size = (
                "SELECT COALESCE(sum(new_count), 0) FROM sources"
                " WHERE name LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\'"
            )
        return Filter(
            cond.replace("?1", "?"),
            (like, like),
            f"{'-' if neg else ''}source:{_q(value)}",
            id_range,
            id_range_size,
            field="source",
            value=like,
            negated=neg,
        )
    if fld in ("before", "after"):
        if neg:
            fld = "after" if fld == "before" else "before"
        day = parse_date(value, today)
        if day is None:
            raise _Malformed(f"'{value}' is not a date (use 2024-05-01, 2024-05, 2024, 7d, 2w)")
        if fld == "before":
            return Filter(f"{DATE_SQL} < ?", (day.isoformat(),), f"before:{day.isoformat()}")
        return Filter(f"{DATE_SQL} >= ?", (day.isoformat(),), f"after:{day.isoformat()}")
    raise _Malformed(f"unknown filter '{fld}:'")


def _q(value: str) -> str:
    return f'"{value}"' if " " in value else value


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_REL = re.compile(r"(\d{1,5})([dwmy])", re.I)


def parse_date(value: str, today: date | None = None) -> date | None:
    """2024-05-01, 2024-05 (its first day), 2024, today, yesterday, or 7d / 2w / 3m / 1y ago."""
    today = today or datetime.now(timezone.utc).date()
    v = value.strip().lower()
    if v == "today":
        return today
    if v == "yesterday":
        return today - timedelta(days=1)
    m = _REL.fullmatch(v)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        days = n * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
        try:
            return today - timedelta(days=days)
        except OverflowError:
            return date.min
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(v) == size:
            try:
                return datetime.strptime(v, fmt).date()
            except ValueError:
                continue
    return None


__all__ = [
    "HELP",
    "PLACEHOLDER",
    "Filter",
    "ParsedQuery",
    "Term",
    "parse_date",
    "parse_query",
    "tokenize",
]
