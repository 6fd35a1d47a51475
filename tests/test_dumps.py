"""The dump parser: structures, datelines, encodings, the sample, and properties over generated dumps."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reader.core.article import blocks_to_text, text_to_blocks
from reader.core.dumps import (
    DumpError,
    ParseReport,
    check_dump,
    find_dateline,
    is_bullet,
    is_separator,
    parse_bytes,
    parse_path,
    parse_stream,
)
from reader.core.textio import normalise

ROOT = Path(__file__).resolve().parents[1]


def parse_text(text: str, encoding: str = "utf-8"):
    return parse_bytes(text.encode(encoding))


def summary(a):
    return (a.title, a.dateline, a.summary, a.paragraphs, a.crossheads)


# --- fixtures the team wrote, one per structure ---------------------------------------------


def test_wire_datelines(fixtures_dir):
    arts = list(parse_path(fixtures_dir / "parse_wire.txt"))
    assert [a.title for a in arts] == [
        "Harbour authority approves night ferries after months of delay",
        "Grain prices ease as rains return to the southern plains",
        "Museum returns bronze figures to their village",
        "Storm closes mountain passes for a second day",
        "Volunteers count birds on the lagoon",
    ]
    assert [a.dateline for a in arts] == [
        "WELLINGTON (AP)",
        "CHICAGO, Nov 24 (Reuters)",
        "Lagos (AFP)",
        "DENVER",
        "Faro",
    ]
    assert arts[0].paragraphs[0].startswith("The harbour authority on Tuesday")
    assert arts[1].paragraphs[0].startswith("Wheat futures fell")
    assert arts[2].paragraphs[0].startswith("A museum in the north")
    assert arts[3].paragraphs[0].startswith("Snow and high winds")
    # Blank lines between paragraphs do not end an article.
    assert len(arts[0].paragraphs) == 3
    assert len(arts[1].paragraphs) == 3
    assert all(a.crossheads == [] for a in arts)


def test_debris_headline_after_body(fixtures_dir):
    arts = list(parse_path(fixtures_dir / "parse_debris.txt"))
    assert len(arts) == 2
    first = arts[0]
    assert first.title == "Old tram depot to become a library"
    assert first.dateline == "OSLO"
    assert len(first.paragraphs) == 3
    assert first.dropped == ["Old tram depot to become a library"]
    assert "Old tram depot to become a library" not in first.paragraphs
    assert arts[1].title == "Chess club celebrates its hundredth year"
    assert arts[1].summary == ["The club has met in the same cafe since 1925"]
    assert arts[1].dateline == "HAVANA"


def test_crossheads_keep_their_place(fixtures_dir):
    arts = list(parse_path(fixtures_dir / "parse_crossheads.txt"))
    assert len(arts) == 2
    a = arts[0]
    assert a.summary == [
        "Residents raised the money in six weeks",
        "The council will match every euro",
    ]
    assert a.crossheads == ["A long campaign", "What happens next"]
    assert a.crosshead_positions == [2, 4]
    assert [k for k, _ in a.blocks] == ["p", "p", "h", "p", "p", "h", "p", "p"]
    assert text_to_blocks(a.body_text) == a.blocks
    assert arts[1].title == "Bridge repairs to close river crossing for a month"
    assert arts[1].dateline == "MAINZ"


def test_leads_without_dateline(fixtures_dir):
    arts = list(parse_path(fixtures_dir / "parse_nodateline.txt"))
    assert [a.title for a in arts] == [
        "Why the price of coffee keeps rising",
        "A quiet revolution in school lunches",
    ]
    assert arts[0].dateline is None
    assert len(arts[0].paragraphs) == 3
    assert arts[1].dateline is None
    assert arts[1].summary == ["Half of the city's schools now cook on site"]
    assert arts[1].paragraphs[0] == "Kitchens that had been closed for twenty years are open again."


def test_lone_headline_before_an_article(fixtures_dir):
    text = (
        "A headline with no story under it\n" + (fixtures_dir / "parse_crossheads.txt").read_text()
    )
    arts = parse_text(text)
    assert [a.title for a in arts[:2]] == [
        "A headline with no story under it",
        "Town votes to keep its last cinema",
    ]
    assert arts[0].blocks == [] and arts[0].summary == []
    assert arts[1].summary == [
        "Residents raised the money in six weeks",
        "The council will match every euro",
    ]
    assert arts[1].dateline == "GHENT"
    two = parse_text(
        "First headline with nothing below\nSecond headline about the port\nOSLO: The port reopened.\n"
    )
    assert [a.title for a in two] == [
        "First headline with nothing below",
        "Second headline about the port",
    ]
    assert two[1].dateline == "OSLO"


@pytest.mark.parametrize(
    "line, byline, published",
    [
        ("By Ann Lee", "Ann Lee", None),
        ("Updated 24 November 2026, 10:31", None, "2026-11-24"),
    ],
)
def test_byline_or_date_under_a_headline(line, byline, published):
    """Bylines and date lines are fields of the article (and kept as written in `dropped`)."""
    (a,) = parse_text(
        f"Harbour reopens after storm repairs\n{line}\nOSLO: The port reopened.\nShips returned.\n"
    )
    assert a.title == "Harbour reopens after storm repairs"
    assert a.paragraphs == ["The port reopened.", "Ships returned."]
    assert a.dateline == "OSLO"
    assert (a.byline, a.published) == (byline, published)
    assert a.dropped == [line]


def test_sample_parses_exactly(seed_dump):
    expected = json.loads((seed_dump.parent / "seed-dump.expected.json").read_text("utf-8"))
    arts = list(parse_path(seed_dump))
    assert len(arts) == len(expected["articles"])
    for got, exp in zip(arts, expected["articles"]):
        assert summary(got) == (
            exp["title"],
            exp["dateline"],
            exp["summary"],
            exp["paragraphs"],
            exp["crossheads"],
        )


# --- datelines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("DUBAI: As the season opens", "DUBAI"),
        ("Gaza City: Rescuers said", "Gaza City"),
        ("EL SEGUNDO: The team", "EL SEGUNDO"),
        ("WASHINGTON (AP) — The Senate", "WASHINGTON (AP)"),
        ("LONDON, Nov 24 (Reuters) - Shares", "LONDON, Nov 24 (Reuters)"),
        ("Paris (AFP) - France said", "Paris (AFP)"),
        ("KYIV, Ukraine (AP) — Drones", "KYIV, Ukraine (AP)"),
        ("NEW YORK — Stocks", "NEW YORK"),
        ("Rio de Janeiro: Carnival", "Rio de Janeiro"),
        ("SAN FRANCISCO, March 3 — Tech", "SAN FRANCISCO, March 3"),
    ],
)
def test_dateline_styles(line, dateline):
    found = find_dateline(line)
    assert found is not None
    assert found[0] == dateline
    assert line[len(found[1]) :][0].isupper()


@pytest.mark.parametrize(
    "line",
    [
        "Showrunner Tony Gilroy adds: “Knowing where you are going",
        "Trump - who spoke on Friday - said",
        "The minister said: we will act",
        "“We will,” he said.",
        "In a statement, the ministry said",
    ],
)
def test_not_datelines(line):
    assert find_dateline(line) is None


# --- decoding ------------------------------------------------------------------------------

TEXT = "Café owners ‘cautious’ as rents rise\n\n- Prices up 4%\nLYON: Owners of cafés said the rise — the third this year — hurt.\nMore follows.\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom"]
)
def test_unicode_encodings(encoding):
    if encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")
    else:
        data = TEXT.encode(encoding)
    (a,) = parse_bytes(data)
    assert a.title == "Café owners ‘cautious’ as rents rise"
    assert a.dateline == "LYON"
    assert a.paragraphs == [
        "Owners of cafés said the rise — the third this year — hurt.",
        "More follows.",
    ]


def test_windows_1252_fallback():
    (a,) = parse_bytes(TEXT.encode("cp1252"))
    assert a.title == "Café owners ‘cautious’ as rents rise"
    assert a.paragraphs[0] == "Owners of cafés said the rise — the third this year — hurt."


@pytest.mark.parametrize("newline", ["\r\n", "\r", "mixed"])
def test_line_ends(newline):
    lines = TEXT.split("\n")
    if newline == "mixed":
        seps = ["\r\n", "\n", "\r"]
        text = "".join(line + seps[i % 3] for i, line in enumerate(lines[:-1]))
    else:
        text = newline.join(lines)
    (a,) = parse_text(text)
    assert summary(a) == summary(parse_text(TEXT)[0])


def test_crlf_across_chunk_boundary():
    text = TEXT.replace("\n", "\r\n").encode()
    from reader.core.dumps import parse_stream

    for size in range(1, 40):
        (a,) = parse_stream(io.BytesIO(text), chunk_size=size)
        assert summary(a) == summary(parse_text(TEXT)[0]), size
    assert a.end == len(text)


def test_whitespace_and_controls_are_normalised():
    text = "Title\u00a0with  spaces \t\n\n- bullet\x00 one  \nLYON:\u00a0Lead\x07 para  graph.\n\n\n\nNext\x1b para.\n"
    (a,) = parse_text(text)
    assert a.title == "Title with spaces"
    assert a.summary == ["bullet one"]
    assert a.dateline == "LYON"
    assert a.paragraphs == ["Lead para graph.", "Next para."]


def test_byte_offsets_grow_and_end_at_file_size(fixtures_dir):
    data = (fixtures_dir / "parse_wire.txt").read_bytes()
    arts = parse_bytes(data)
    ends = [a.end for a in arts]
    assert ends == sorted(ends)
    assert ends[-1] == len(data)
    assert arts[1].start == data.index(b"Grain prices")


# --- files that are not dumps -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_check_dump_refuses(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(DumpError, match=reason):
        check_dump(p)


def test_check_dump_missing_and_folder(tmp_path):
    with pytest.raises(DumpError, match="no such file"):
        check_dump(tmp_path / "nope.txt")
    with pytest.raises(DumpError, match="folder"):
        check_dump(tmp_path)


def test_stray_nul_is_not_binary(tmp_path):
    p = tmp_path / "ok.txt"
    p.write_bytes(TEXT.encode() + b"\x00" + TEXT.encode())
    check_dump(p)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "reader", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_cli_json_and_outline(fixtures_dir):
    out = run_cli("parse", fixtures_dir / "parse_crossheads.txt", "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["title"] for r in rows] == [
        "Town votes to keep its last cinema",
        "Bridge repairs to close river crossing for a month",
    ]
    assert set(rows[0]) >= {"title", "dateline", "summary", "paragraphs", "crossheads"}
    out = run_cli("parse", fixtures_dir / "parse_crossheads.txt")
    assert out.returncode == 0
    assert "1. Town votes to keep its last cinema" in out.stdout
    assert "## A long campaign" in out.stdout


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "png", "zip", "pdf"])
def test_cli_bad_files_get_one_line(tmp_path, kind):
    p = tmp_path / f"x.{kind}"
    if kind == "folder":
        p.mkdir()
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "png":
        p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    elif kind == "zip":
        p.write_bytes(b"PK\x03\x04" + bytes(100))
    elif kind == "pdf":
        p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    out = run_cli("parse", p, "--json")
    assert out.returncode != 0
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


# --- properties -----------------------------------------------------------------------------


def _key(line: str) -> str:
    return line[2:].strip() if is_bullet(line) and not is_separator(line) else line


LINE_SHAPES = st.one_of(
    st.text(min_size=0, max_size=60),
    st.sampled_from(
        ["", "", "- a bullet", "• another", "OSLO: Lead text here.", "A Headline Line",
         "A Headline Line", "Short one", "Sentence that ends.", "WASHINGTON (AP) — Lead.",
         "“Quoted,” he said.", "-", "- ", "## not a head", "\\back", "Two. Sentences here",
         "---", "* * *", "By Ann Lee", "(CNN) — Lead."]
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE_SHAPES, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_nothing_is_lost(lines, newline):
    """Every non-blank line lands in exactly one field: the title (unless derived), summary, body,
    or ``dropped`` (debris headlines, separators and furniture, as written)."""
    text = newline.join(lines)
    data = text.encode("utf-8", errors="surrogatepass")
    assume(b"\xed" not in data)  # lone surrogates are not text
    report = ParseReport()
    parsed = list(parse_stream(io.BytesIO(data), report=report))
    # Line splitting as the parser sees it (any line end, including the ones inside generated text).
    import re

    expected = Counter(_key(normalise(x)) for x in re.split(r"\r\n|\r|\n", text) if normalise(x))
    if report.layout in ("markdown", "wrapped") or report.markup:
        # Lines are joined into paragraphs and markup is taken off: compare the words instead.
        _same_words(parsed, text)
        return
    got: Counter[str] = Counter()
    for a in parsed:
        if a.title and not a.title_derived:
            got[a.title] += 1
        for s in a.summary:
            got[s] += 1
        for i, (kind, t) in enumerate(a.blocks):
            t = (a.lead_prefix + t) if i == a.lead_block and kind == "p" else t
            got[_key(t)] += 1
        for d in a.dropped:
            got[d] += 1
        # The stored body round-trips exactly.
        assert text_to_blocks(blocks_to_text(a.blocks)) == a.blocks
    if not parsed:  # only separator lines: nothing to attach them to
        expected = Counter()
    assert got == expected


def _same_words(parsed, text):
    import re

    def words(s):
        return re.findall(r"[^\W_]+", s)

    got = Counter()
    for a in parsed:
        if not a.title_derived:
            got.update(words(a.title))
        for s in (*a.summary, *(t for _, t in a.blocks), *a.dropped, a.lead_prefix):
            got.update(words(s))
    lines = [normalise(line) for line in re.split(r"\r\n|\r|\n", text)]
    expected = Counter(w for line in lines for w in words(line))
    # Markup is not text, and taking it off may join what it separated ("0*0" is "00"): every
    # word kept is in the dump once its markup characters are gone; the rest is kept somewhere.
    bare = re.sub(r"[*_`\[\]()#>!\\]", "", " ".join(lines))
    invented = [w for w in got if w not in bare]
    assert not invented, f"words the dump does not have: {invented}"
    missing = expected - got
    assert sum(missing.values()) <= sum(expected.values()) // 2 + 2, missing


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_never_raises_on_arbitrary_bytes(data):
    for a in parse_bytes(data):
        assert isinstance(a.title, str)
        a.to_json()


@given(st.binary(max_size=200))
def test_never_raises_with_boms(data):
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        parse_bytes(bom + data)


def test_generated_benchmark_dump_parses_back(tmp_path):
    """The benchmark generator's dumps parse into the articles it wrote."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_dump import Writer, generate
    finally:
        sys.path.pop(0)
    out = tmp_path / "gen.txt"
    n = generate(out, 0.4, seed=7)
    writer = Writer(7)
    expected_titles = []
    for _ in range(n):
        lines = list(writer.article())
        expected_titles.append(lines[0])
    arts = list(parse_path(out))
    # Its text is made of invented words: there is little of the change of vocabulary across a
    # boundary that tells real articles apart when nothing else does (a headline with neither
    # bullets nor a dateline), so a few of those are missed or a cross-head taken for one.
    from difflib import SequenceMatcher

    titles = [a.title for a in arts]
    matched = sum(
        m.size for m in SequenceMatcher(None, titles, expected_titles).get_matching_blocks()
    )
    assert matched >= 0.95 * len(expected_titles), (matched, len(expected_titles))
    assert len(titles) <= 1.05 * len(expected_titles)
    assert sum(len(a.crossheads) for a in arts) > 0
    assert sum(1 for a in arts if a.dateline) > n // 2
