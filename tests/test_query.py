"""The search language: parsing, filters, and hostile input against a real FTS5 table."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.query import (
    EXPLICIT_PREFIX_MIN,
    MAX_TERMS,
    parse_date,
    parse_query,
    tokenize,
)

TODAY = date(2026, 3, 15)

ROWS = [
    # id, title, summary, body, section, source, added, published, read, starred
    (
        1,
        "Storm batters the northern coast",
        "Harbour walls breached",
        "Fishermen watched the storm surge climb the harbour steps.",
        "World",
        "coastal.txt",
        "2026-03-10 08:00:00.000",
        None,
        0,
        0,
    ),
    (
        2,
        "Sea level survey published",
        "",
        "The sea level rose faster than the survey expected; coastal towns plan new defences.",
        "Science",
        "survey.txt",
        "2026-03-12 09:00:00.000",
        "2026-03-11 12:00:00.000",
        1,
        1,
    ),
    (
        3,
        "Opinion: why the coast matters",
        "",
        "A columnist on coastal life and storms.",
        "Culture",
        "coastal.txt",
        "2026-03-14 10:00:00.000",
        None,
        0,
        1,
    ),
    (
        4,
        "Café owners cheer tourism rebound",
        "",
        "Owners of the café on the pier said the season started early.",
        "Business",
        "towns.txt",
        "2026-01-05 10:00:00.000",
        "2025-12-30 10:00:00.000",
        1,
        0,
    ),
]


def make_db() -> sqlite3.Connection:
    """The schema's tables the query's SQL touches (SCHEMA.md), filled with a few articles."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(
        """
        CREATE TABLE sections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                               position INTEGER NOT NULL);
        CREATE TABLE sources (id INTEGER PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL);
        CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL,
            body TEXT NOT NULL, section_id INTEGER NOT NULL, source_id INTEGER,
            added_at TEXT NOT NULL, published_at TEXT, read INTEGER NOT NULL,
            starred INTEGER NOT NULL);
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, content='articles',
            content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
        """
    )
    sections: dict[str, int] = {}
    sources: dict[str, int] = {}
    for row in ROWS:
        sec = sections.setdefault(row[4], len(sections) + 1)
        src = sources.setdefault(row[5], len(sources) + 1)
        conn.execute("INSERT OR IGNORE INTO sections VALUES (?, ?, ?)", (sec, row[4], sec))
        conn.execute(
            "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (src, f"/dumps/{row[5]}", row[5])
        )
        conn.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
            (row[0], row[1], row[2], row[3], sec, src, row[6], row[7], row[8], row[9]),
        )
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.commit()
    return conn


DB = make_db()


def run(text: str, conn: sqlite3.Connection = DB) -> list[int]:
    """Execute a parsed query the way the search module does: match first, then filter."""
    q = parse_query(text, today=TODAY)
    where, params = [], []
    if q.match:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(q.match)
    elif q.exclude:
        where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(q.exclude)
    for f in q.filters:
        where.append(f.sql)
        params.extend(f.params)
    if not where:
        return []
    sql = f"SELECT a.id FROM articles a WHERE {' AND '.join(where)} ORDER BY a.id"
    return [r[0] for r in conn.execute(sql, params)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("storm", [1, 3]),  # porter: storms
        ("storm coast", [1, 3]),  # both words; "coast" also as a prefix (coastal)
        ("sea coast", [2]),  # "coast" as a prefix: coastal
        ("sea coast ", []),  # finished word: no prefix, "coastal" is another word
        ("sea level", [2]),
        ('"level rose"', [2]),
        ('"rose level"', []),
        ("harbour OR pier", [1, 4]),
        ("coast -opinion", [1]),
        ("coast NOT opinion", [1]),
        ("coast* -opinion", [1, 2]),
        ("-storm", [2, 4]),
        ("title:storm", [1]),
        ('title:"sea level"', [2]),
        ("section:science", [2]),
        ("section:sci", [2]),
        ("-section:science", [1, 3, 4]),
        ("source:coastal", [1, 3]),
        ("source:coastal -source:coastal", []),
        ("is:unread", [1, 3]),
        ("is:starred", [2, 3]),
        ("-is:starred", [1, 4]),
        ("is:read is:starred", [2]),
        ("after:2026-03-11", [2, 3]),  # published date counts when known (2 was published 11th)
        ("before:2026-03-11", [1, 4]),
        ("after:2026-03", [1, 2, 3]),
        ("before:2026", [4]),
        ("after:7d", [1, 2, 3]),  # since 2026-03-08
        ("cafe", [4]),  # diacritics do not matter
        ("CAFÉ owners", [4]),
        ("caf*", [4]),
        ("storm OR pier is:unread", [1, 3]),
        ("“sea level”", [2]),  # typographic quotes are quotes
    ],
)
def test_language(text: str, expected: list[int]) -> None:
    q = parse_query(text, today=TODAY)
    assert not q.malformed, q.message
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"sea level', [2]),  # unclosed quote: the words
        ('sea "level', [2]),
        ("harbour OR", []),  # dangling OR: "or" becomes a word no article has
        ("-  storm", [1, 3]),  # lone "-": the words
    ],
)
def test_malformed_is_searched_as_words_and_says_so(text: str, expected: list[int]) -> None:
    q = parse_query(text, today=TODAY)
    assert q.malformed
    assert "searching for the words" in q.message
    assert run(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "NEAR(",
        "NEAR(a b)",
        "-",
        "AND",
        ":",
        "title:",
        "is:",
        "is:bogus",
        "OR",
        "OR OR",
        "a OR",
        "NOT",
        "before:yesterdayish",
        "after:2024-02-30",
        "(",
        ")",
        "^",
        "a:b",
        "'; DROP TABLE articles; --",
        '"; DROP TABLE articles; --',
        "\x00",
        "\ud800",
        "\\",
        '" OR 1=1 --',
        "col:umn",
        "{title}: x",
        "title:* x",
        "--",
        "- -",
        '""',
        '"*"',
        "**x**",
        "x" * 5000,
        "word " * 500,
        "日本語",
        "🙂",
        "NEAR",
        "a NEAR b",
    ],
)
def test_hostile_input_never_raises_nor_injects(text: str) -> None:
    q = parse_query(text)
    if q.match:
        DB.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (q.match,))
    run(text)  # executes filters too
    assert DB.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ROWS)


def test_malformed_fallback_keeps_valid_filters() -> None:
    q = parse_query('is:starred "sea level', today=TODAY)
    assert q.malformed
    assert [f.sql for f in q.filters] == ["a.starred = 1"]
    assert run('is:starred "sea level') == [2]


def test_stray_operators_are_reported() -> None:
    for text in ("storm OR", "OR storm", "storm OR OR coast", "- storm", "storm NOT", "title:"):
        q = parse_query(text)
        assert q.malformed, text
        assert q.message


def test_last_word_is_a_prefix_only_while_typed() -> None:
    assert parse_query("climate chan").match == '("climate") AND ("chan"*)'
    assert parse_query("climate chan ").match == '("climate") AND ("chan")'
    # Too short to be worth a prefix scan; typed on, it becomes one.
    assert parse_query("climate ch").match == '("climate") AND ("ch")'
    assert parse_query('"climate chan"').match == '("climate chan")'


def test_explicit_prefix_needs_a_few_letters() -> None:
    assert parse_query("x*").match == '("x")'
    assert parse_query("ab*").match == '("ab"*)'
    assert EXPLICIT_PREFIX_MIN == 2


def test_words_are_quoted_so_operators_are_text() -> None:
    q = parse_query('NEAR(a b) AND title:x* "c" OR d')
    assert q.match is not None
    # every operand is a double-quoted FTS5 string
    assert "NEAR(" not in q.match
    assert run("storm AND coast") == [1, 3]


def test_terms_are_capped() -> None:
    q = parse_query(" ".join(f"w{i}" for i in range(200)))
    assert len(q.terms) == MAX_TERMS
    assert "first" in q.message


def test_describe_and_terms() -> None:
    q = parse_query('"sea level" OR coast -opinion is:unread', today=TODAY)
    assert q.describe() == '"sea level" OR coast -opinion is:unread'
    assert [t.display for t in q.terms] == ['"sea level"', "coast"]


def test_parse_date() -> None:
    assert parse_date("2024-05-01") == date(2024, 5, 1)
    assert parse_date("2024-05") == date(2024, 5, 1)
    assert parse_date("2024") == date(2024, 1, 1)
    assert parse_date("today", TODAY) == TODAY
    assert parse_date("yesterday", TODAY) == date(2026, 3, 14)
    assert parse_date("2w", TODAY) == date(2026, 3, 1)
    assert parse_date("99999y", TODAY) == date.min
    for bad in ("2024-13-01", "2024-02-30", "soon", "", "7x", "-1d"):
        assert parse_date(bad, TODAY) is None


def test_tokenize_matches_sqlite() -> None:
    assert tokenize(["Héllo, WORLD!", "***", "a-b"]) == [["hello", "world"], [], ["a", "b"]]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_text_gives_a_valid_match(text: str) -> None:
    q = parse_query(text)
    if q.match:
        DB.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (q.match,))
    if q.exclude:
        DB.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (q.exclude,))
    run(text)


_PIECES = st.sampled_from(
    [
        '"',
        "*",
        "-",
        "OR",
        "AND",
        "NOT",
        "NEAR(",
        ")",
        "(",
        ":",
        "title:",
        "section:",
        "source:",
        "is:",
        "is:unread",
        "before:",
        "after:7d",
        "^",
        "storm",
        "coast",
        "sea",
        " ",
        "  ",
        "'",
        ";",
        "--",
        "{",
        "}",
        "+",
        "é",
        "\u0301",
        "日本",
        "🙂",
        "\x00",
        "\\",
        "%",
        "_",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_operator_soup_gives_a_valid_match(text: str) -> None:
    q = parse_query(text)
    if q.match:
        DB.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (q.match,))
    run(text)
    assert isinstance(q.message, str)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["storm", "coast", "sea", "level", "owners", "pier"]),
        min_size=1,
        max_size=4,
    )
)
def test_plain_words_are_all_required(words: list[str]) -> None:
    got = run(" ".join(words) + " ")
    for article_id in got:
        row = (
            DB.execute(
                "SELECT title || ' ' || summary || ' ' || body FROM articles WHERE id = ?",
                (article_id,),
            )
            .fetchone()[0]
            .lower()
        )
        for w in words:
            assert w in row


def test_repeated_words_are_asked_once() -> None:
    assert parse_query("storm storm STORM coast").match == '("storm") AND ("coast"*)'
    assert parse_query("a OR b a OR b -c -c").match == '(("a" OR "b")) NOT ("c")'
    assert parse_query('"storm storm" storm ').match == '("storm storm") AND ("storm")'
