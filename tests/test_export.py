"""Export: `dispatch export` and reader.core.export on real library files.

Libraries are filled by the real importer (tests/library_files.py), a hostile dump included:
markup of every kind in the headline, the summary and the paragraphs must come out as the text
it is, in Markdown (checked by rendering it with a CommonMark parser) and in HTML (parsed).
"""

from __future__ import annotations

import html
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

from reader.cli import main
from reader.core import export as E
from reader.core.export_formats import as_text
from reader.core.store import Library
from reader.core.views import article
from tests.library_files import imported_library

HOSTILE = """\
Markup <script>alert("x")</script> & *stars* in the [headline](http://x.test) #1

- A summary with [a link](http://example.com) and `code` &amp; more
- 1. Not a list

LONDON: The first paragraph has **bold** and _under_ and <b>tags</b> and a | pipe | and ~~strike~~ &copy;.

# Not a heading but a paragraph that starts with a hash

\\ A paragraph that starts with a backslash \\* and more \\\\ backslashes.

1. not a numbered list

> not a quote

+ not a list either

=====

Second story about the harbour at Portwell

The harbour flooded again on Tuesday, the council said, and repairs will wait for the tides.

Engineers said the walls would hold.
"""


#: Written straight into the library, as a hand edit or another program may: the parser already
#: drops some markup from dumps, so this is what reaches export untouched.
RAW = {
    "title": '<img src=x onerror="alert(1)"> **Bold** [link](http://x.test) `code` #1',
    "summary": "- dash bullet\n1. numbered & &amp; entity\n# hash\n> quote",
    "body": "\n\n".join(
        [
            "<script>alert(1)</script> and <b>bold</b> and &copy; and | a | table |",
            "## A cross-head with *stars*",
            "\\# A paragraph that starts with a hash",
            "\\\\ A paragraph that starts with a backslash, \\* and \\\\ more",
            "1. not a list",
            "- not a list either",
            "+ nor this",
            "=====",
            "> not a quote",
            "```",
            "~~not struck~~ and _not emphasis_ and ![img](http://x.test/i.png)",
        ]
    ),
    "dateline": "PARIS <i>",
}


def hostile_library(tmp_path: Path) -> Path:
    dump = tmp_path / "hostile.txt"
    dump.write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "library.sqlite3"
    with Library(db) as lib:
        from reader.core.importing import import_file

        assert import_file(lib, dump, checkpoint_thread=False, layout="blank").new >= 2
        with lib.conn:
            lib.conn.execute(
                "INSERT INTO articles (title, summary, body, dateline, section_id, fingerprint,"
                " words, added_at) VALUES (:title, :summary, :body, :dateline, 1, 'raw', 50,"
                " '2026-01-01 00:00:00.000')",
                RAW,
            )
    return db


def stored(db: Path) -> list[tuple[str, str, str, str | None]]:
    """(title, summary, body, dateline) of every article, newest first."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT title, summary, body, dateline FROM articles ORDER BY id DESC"
        ).fetchall()
    finally:
        conn.close()


class _Text(HTMLParser):
    """The text and the element names of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse_html(text: str) -> _Text:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return parser


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs and cross-heads as a reader sees them (storage marks taken off)."""
    out = []
    for p in body.split("\n\n"):
        out.append(p[1:] if p.startswith("\\") else p[3:] if p.startswith("## ") else p)
    return [p for p in out if p]


def test_markdown_shows_every_character_of_the_dump_as_text(tmp_path: Path) -> None:
    db = hostile_library(tmp_path)
    out = tmp_path / "out.md"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    md = out.read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    doc = parse_html(rendered)
    # Only the export's own structure; none of the dump's markup became markup.
    assert doc.tags <= {"h1", "h2", "p", "em", "ul", "li", "strong", "hr"}, doc.tags
    text = "".join(doc.parts)
    for title, summary, body, dateline in stored(db):
        assert title in text
        for line in summary.splitlines():
            assert line in text, line
        for p in paragraphs(body):
            assert p in text, p
        if dateline:
            assert dateline in text
    assert text.count("<script>alert(1)</script>") == 1
    assert "\n# A paragraph that starts with a hash" not in md


def test_html_escapes_everything_from_the_dump(tmp_path: Path) -> None:
    db = hostile_library(tmp_path)
    out = tmp_path / "out.html"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0  # format from the name
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    doc = parse_html(page)
    assert doc.tags <= {"html", "head", "meta", "title", "style", "body", "article", "h1", "h2",
                        "p", "ul", "li", "span"}  # fmt: skip
    text = "".join(doc.parts)
    for title, _summary, body, _dateline in stored(db):
        assert title in text
        for p in paragraphs(body):
            assert p in text, p


def test_plain_text_is_the_text(tmp_path: Path) -> None:
    db = hostile_library(tmp_path)
    out = tmp_path / "out.txt"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for title, _summary, body, _dateline in stored(db):
        assert f"{title}\n" in text
        for p in paragraphs(body):
            assert f"{p}\n" in text
    assert "\n\\ A paragraph that starts with a backslash, \\* and \\\\ more\n" in text
    assert "\n# A paragraph that starts with a hash\n" in text and "\\#" not in text
    assert "\nA cross-head with *stars*\n" in text


def test_whole_library_in_one_file_newest_first(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    titles = [t for t, *_ in stored(db)]
    out = tmp_path / "all.md"
    assert main(["export", "--db", str(db), "-o", str(out), "--format", "md"]) == 0
    assert re.fullmatch(
        rf"Exported {len(titles)} articles to .* in [\d.]+ s\n", capsys.readouterr().out
    )
    headings = [
        line[2:] for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("# ")
    ]
    assert len(headings) == len(titles) > 20
    unescaped = [re.sub(r"\\(.)", r"\1", h) for h in headings]
    assert unescaped == titles
    assert not list(tmp_path.glob(".*.partial"))


def test_a_search_s_results_in_the_order_asked(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    out = tmp_path / "harbour.txt"
    assert main(["export", "--db", str(db), "--query", "harbour", "-o", str(out)]) == 0
    with Library(db) as lib:
        ids = E.search_ids(lib, "harbour")
        ranked = E.search_ids(lib, "harbour", order="rank")
        expected = [article(lib, i).title for i in ids]  # type: ignore[union-attr]
        first_ranked = article(lib, ranked[0]).title  # type: ignore[union-attr]
    assert ids == sorted(ids, reverse=True) and sorted(ranked) == sorted(ids)
    text = out.read_text(encoding="utf-8")
    assert [t for t in expected if t in text] == expected
    positions = [text.index(t + "\n") for t in expected]
    assert positions == sorted(positions)
    assert text.count("=" * 40) == len(expected) - 1
    out_rank = tmp_path / "ranked.md"
    main(["export", "--db", str(db), "--query", "harbour", "--order", "rank", "-o", str(out_rank)])
    first = out_rank.read_text(encoding="utf-8").splitlines()[0]
    assert re.sub(r"\\(.)", r"\1", first[2:]) == first_ranked

    capsys.readouterr()
    nothing = tmp_path / "nothing.md"
    assert main(["export", "--db", str(db), "--query", "zzqqxx", "-o", str(nothing)]) == 1
    assert "no articles match" in capsys.readouterr().err
    assert not nothing.exists()


def test_one_file_each_with_safe_unique_names(tmp_path: Path) -> None:
    db = hostile_library(tmp_path)
    with Library(db) as lib:  # the same headline twice (a new article under the same title)
        conn = lib.conn
        with conn:
            conn.execute(
                "INSERT INTO articles (title, summary, body, section_id, fingerprint, words,"
                " added_at) SELECT title, '', 'Another text.', section_id, 'x', 2, added_at"
                " FROM articles WHERE title LIKE 'Second%'"
            )
    folder = tmp_path / "each"
    assert main(["export", "--db", str(db), "-o", f"{folder}/", "--format", "html"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == len(stored(db)) == 5
    assert all(re.fullmatch(r"[\w-]+\.html", n) for n in names), names
    assert "Second-story-about-the-harbour-at-Portwell.html" in names
    assert "Second-story-about-the-harbour-at-Portwell-2.html" in names
    # Again into the same folder: nothing is overwritten.
    assert main(["export", "--db", str(db), "-o", str(folder), "--format", "html"]) == 0
    assert len(list(folder.iterdir())) == 10
    for p in folder.iterdir():
        assert "<script>" not in p.read_text(encoding="utf-8")


def test_safe_names() -> None:
    assert E.safe_name("A/B: c?*", 1) == "A-B-c"
    assert E.safe_name("CON", 7) == "article-7-CON"
    assert E.safe_name("...", 9) == "article-9"
    assert E.safe_name("Москва: пожар", 3) == "Москва-пожар"
    long = E.safe_name("ж" * 200, 4)
    assert len(long.encode()) <= E.NAME_BYTES and long == "ж" * (E.NAME_BYTES // 2)
    taken: set[str] = set()
    assert [E.unique_name("a", ".md", taken) for _ in range(3)] == ["a.md", "a-2.md", "a-3.md"]
    assert E.unique_name("A", ".md", taken) == "A-4.md"  # case-insensitive file systems


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    out = tmp_path / "cancelled.md"
    out.write_text("what was there before")
    calls = []
    with Library(db) as lib:
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles")] * 20  # > one block
        result = E.export(lib, out, "md", ids=ids, cancelled=lambda: calls.append(1) or True)
    assert result.cancelled and calls
    assert out.read_text() == "what was there before"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_bad_output_gets_one_line(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert (
        main(["export", "--db", str(db), "-o", str(folder), "--format", "md"]) == 0
    )  # a folder: one each
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", "--db", str(db), "-o", str(blocker / "out.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dispatch export: Cannot write") and err.count("\n") == 1
    assert main(["export", "--db", str(tmp_path / "none.sqlite3"), "-o", "x.md"]) == 2
    assert "no library" in capsys.readouterr().err


def test_copy_formats_of_one_article(tmp_path: Path) -> None:
    db = hostile_library(tmp_path)
    with Library(db) as lib:
        last = max(r[0] for r in lib.conn.execute("SELECT id FROM articles"))
        a = article(lib, last)
    assert a is not None
    md = as_text(a, a.body, "md")
    assert md.startswith("# \\<img src=x") and "\\*\\*Bold\\*\\*" in md
    assert "- 1\\. numbered" in md and "\n\\# A paragraph that starts with a hash" in md
    assert "\n## A cross-head with \\*stars\\*\n" in md
    text = as_text(a, a.body, "txt")
    assert text.startswith(a.title + "\n") and "<b>bold</b>" in text
    fragment = as_text(a, a.body, "html")
    assert html.escape(a.title) in fragment and "<script>" not in fragment


def test_the_trash_is_left_out(tmp_path: Path) -> None:
    from reader.core.trash import trash_articles

    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        harbour = E.search_ids(lib, "harbour")
        trash_articles(lib, harbour[:1])
        assert E.search_ids(lib, "harbour") == harbour[1:]
        out = tmp_path / "all.txt"
        E.export(lib, out, "txt")
        gone = article(lib, harbour[0])
    assert gone is not None
    assert f"{gone.title}\n" not in out.read_text(encoding="utf-8")


def _file_size_limit(limit_bytes: int):
    import resource
    import signal

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail, not kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return apply


def test_a_full_disk_gives_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """The writer thread's error (no space) reaches the command: one line, no partial file."""
    import subprocess
    import sys

    db = imported_library(tmp_path / "library.sqlite3")  # its export: about 35 KB
    out = tmp_path / "out" / "big.md"
    out.parent.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--db", str(db), "-o", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
        # Above SQLite's 32 KB shared-memory file, under the export.
        preexec_fn=_file_size_limit(33_000),
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("dispatch export: Cannot write") and run.stderr.count("\n") == 1
    assert list(out.parent.iterdir()) == []
