"""The parser's fast paths agree with the plain Python they stand for (byte-identical articles
rest on them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import textio

# Bytes where spaces, line ends and NULs are common (memmem must not stop at a NUL).
_SPACEY = st.binary(max_size=300) | st.lists(
    st.sampled_from([b" ", b"  ", b"a", b"\n", b"\x00", b"\xc3\xa9", b"\t"]), max_size=80
).map(b"".join)


@given(_SPACEY)
@settings(max_examples=500)
def test_two_spaces_search_agrees_with_in(body):
    finder = textio._memmem_two_spaces()
    if finder is not None:  # (no memmem on this platform: the plain search is used)
        assert finder(body) == (b"  " in body)
    assert textio._in_two_spaces(body) == (b"  " in body)
    assert textio._two_spaces(body) == (b"  " in body)


def test_memmem_is_looked_for_only_after_enough_text(monkeypatch):
    monkeypatch.setattr(textio, "_two_spaces", textio._has_two_spaces)
    monkeypatch.setattr(textio, "_searched", 0)
    assert textio._two_spaces(b"a  b") and not textio._two_spaces(b"a b")
    assert textio._two_spaces is textio._has_two_spaces  # a small dump: the plain search
    monkeypatch.setattr(textio, "_MEMMEM_AFTER", 10)
    assert textio._two_spaces(b"a  b" * 4)
    assert textio._two_spaces is not textio._has_two_spaces  # decided, once
    assert not textio._two_spaces(b"a b" * 4)


def test_two_spaces_in_a_big_group():
    body = b"word " * 20_000 + b"\n"
    finder = textio._memmem_two_spaces() or textio._in_two_spaces
    assert not finder(body)
    assert finder(body + b"x  y")
    assert finder(b"  " + body)


# -- furniture: the openings' flags (worked out once per opening) against the looks they stand for


def _looks(line: str) -> tuple[str, str]:
    """The first character and the lower-cased first four, which every first look reads."""
    return line[:1], line[:4].lower()


def _boilerplate_reference(line: str) -> bool:
    from reader.core import furniture as f

    c, start = _looks(line)
    boiler = f._BOILERPLATE_STARTS
    return (
        len(line) <= 220
        and (
            c == "["
            or c.isdigit()
            or start in boiler
            or start.rstrip(" :") in boiler
            or start[:3] in boiler
        )
        and f._BOILERPLATE.match(line) is not None
    )


def _sign_off_reference(line: str) -> bool:
    from reader.core import furniture as f

    c, start = _looks(line)
    return (
        len(line) <= 200
        and (
            c in "—–-(©"
            or start.rstrip(" .") in f._SIGN_OFF_STARTS
            or start in f._SIGN_OFF_STARTS
            or "contributed" in line
        )
        and f._SIGN_OFF.match(line) is not None
    )


def _credit_reference(line: str) -> bool:
    from reader.core import furniture as f

    c, start = _looks(line)
    return (
        len(line) <= 140
        and (c == "(" or "/" in line or start.rstrip(":") in f._CREDIT_STARTS)
        and f._CREDIT.match(line) is not None
    )


def _furniture_reference(line: str, credits: bool = True):
    """furniture_of as it read before the openings were kept: every first look made again."""
    from reader.core import furniture as f

    if _boilerplate_reference(line):
        return "boilerplate", None
    if _sign_off_reference(line):
        return "sign-off", None
    if credits and _credit_reference(line):
        return "credit", None
    who = f.byline(line)
    if who is not None:
        return "byline", who
    when = f.date_line(line)
    if when is not None:
        return "date", when
    return None


_OPENINGS = [
    "", "By ", "by ", "From ", "Reporting by ", "Written by ", "Story by ", "Words by ", "Read more",
    "READ MORE: ", "Related: ", "Advertisement", "Share", "See also: ", "(Reporting by ", "Reuter",
    "— AP", "- AFP", "(c) ", "© ", "Copyright ", "Photo: ", "(Photo: ", "Image credit: ", "Getty",
    "[Image ", "2 min read", "Published ", "Updated ", "March 2, 2019", "Sign up ", "Ann Lee, ",
    "Q: ", "A", "Acme", "[", "(", "/", "1", "  ", "é", "Ünter ",
]  # fmt: skip
_TAILS = [
    "", "Ann Lee", "Ann Lee, Reuters", "Ann Lee | AFP", "Ann Lee/Getty Images", "2 March 2019",
    "March 2, 2019 · 4 min read", "x" * 95, "the mayor said.", "Editing by Bo Li)", "NASA)",
    "Jo Doe contributed to this report.", " Jr.", ".", "?", ":", "all rights reserved",
]  # fmt: skip
_LINES = st.builds(
    lambda a, b, c: a + b + c,
    st.sampled_from(_OPENINGS),
    st.sampled_from(_TAILS) | st.text(max_size=30),
    st.sampled_from(["", " 2019", "/x", ", AP", " | x", " " + "y" * 120]),
)


@given(_LINES, st.booleans())
@settings(max_examples=600)
def test_furniture_of_agrees_with_its_first_looks_made_again(line, credits):
    from reader.core import furniture as f

    assert f.furniture_of(line, credits) == _furniture_reference(line, credits)
    assert f.is_boilerplate(line) == _boilerplate_reference(line)
    assert f.is_sign_off(line) == _sign_off_reference(line)
    assert f.is_credit(line) == _credit_reference(line)


# -- style: the unrolled counts and the answers kept per set of features


def _learn_reference(s, feats, headline, stop=False, first=False, words=0, dated=False):
    """Style.learn as it read before its counts were unrolled (slices and maps)."""
    from operator import add

    ones = (1,) * len(feats)
    if not headline and not first:
        s.p[:] = map(add, s.p, feats)
        s.pn[:] = map(add, s.pn, ones)
        if not s.known:
            s._counted()
        return
    counts, totals = (s.h, s.hn) if headline else (s.p, s.pn)
    s.stops += headline and stop
    s.datelined += headline and dated
    if headline and words:
        s.lengths[0] += 1
        s.lengths[1] += words
        s.lengths[2] += words * words
    k = 2 if first else 0
    counts[k:] = map(add, counts[k:], feats[k:])
    totals[k:] = map(add, totals[k:], ones)
    s._counted()


_FEATS = st.tuples(*[st.booleans()] * 6)
_LESSONS = st.lists(
    st.tuples(
        _FEATS, st.booleans(), st.booleans(), st.booleans(), st.integers(0, 30), st.booleans()
    ),
    max_size=60,
)


@given(_LESSONS, st.lists(st.tuples(_FEATS, st.booleans()), max_size=40))
@settings(max_examples=300)
def test_style_learns_and_weighs_as_before(lessons, asked):
    from reader.core.style import Style

    fast, slow = Style(), Style()
    for lesson in lessons:
        fast.learn(*lesson)
        _learn_reference(slow, *lesson)
        assert (fast.h, fast.hn, fast.p, fast.pn) == (slow.h, slow.hn, slow.p, slow.pn)
        assert (fast.stops, fast.datelined, fast.lengths) == (
            slow.stops,
            slow.datelined,
            slow.lengths,
        )
        assert (fast.known, fast.stop_style, fast.dateline_style) == (
            slow.known,
            slow.stop_style,
            slow.dateline_style,
        )
        for feats, no_blanks in asked:
            kept = fast.consistency(feats, no_blanks)  # may come from what was kept
            fast._memo.clear()
            assert kept == fast.consistency(feats, no_blanks)  # worked out afresh


# -- markdown: the scans that stand for a pattern and for folding white space

_MD_TEXT = st.text(
    alphabet=st.sampled_from([*"ab *_[]`<&\\!()#:\t\xa0\u2028\u3000\x1c", "“", "é", "—"]),
    max_size=40,
)


@given(_MD_TEXT)
@settings(max_examples=500)
def test_markdown_scans_agree_with_what_they_stand_for(text):
    from reader.core import layout

    assert layout._has_markup(text) == bool(layout._MARKUP_CHARS.search(text))
    assert layout._spaced(text) == " ".join(text.split())


# -- lines: a chunk's unfinished last line and the next chunk are read as one text, never joined

_LINE_PIECES = st.sampled_from(
    ["news", "café", "“q”", " ", "  ", "\t", "The", "\n", "\n", "\n", "\r\n", "x" * 300]
)


@given(st.lists(_LINE_PIECES, max_size=120), st.sampled_from([1, 7, 64, 997, 4096]))
@settings(max_examples=300, deadline=None)
def test_lines_are_the_same_whatever_the_chunks(pieces, chunk_size):
    import io

    from reader.core.dumps import ParseReport

    data = "".join(pieces).encode("utf-8")
    whole, chunked = ParseReport(), ParseReport()
    expected = list(textio.iter_indented_lines(io.BytesIO(data), 1 << 20, whole))
    got = list(textio.iter_indented_lines(io.BytesIO(data), chunk_size, chunked))
    assert got == expected
    assert (chunked.encoding, chunked.encoding_doubt) == (whole.encoding, whole.encoding_doubt)


def test_lines_across_chunks_longer_than_a_group(monkeypatch):
    """Heads longer than a group (a line over 64 KiB cut by a chunk end) are joined as before."""
    import io

    monkeypatch.setattr(textio, "_GROUP", 16)
    data = b"".join(b"line %d %s\n" % (i, b"y" * (i % 40)) for i in range(500))
    expected = list(textio.iter_indented_lines(io.BytesIO(data), 1 << 20))
    for size in (10, 33, 100, 1000):
        assert list(textio.iter_indented_lines(io.BytesIO(data), size)) == expected


# -- shapes of a line: speech and Title Case, against their plain readings


def _transcript_reference(line: str) -> bool:
    head, sep, rest = line.partition(": ")
    if not sep or not rest or len(head) > 40:
        return False
    words = head.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and rest[:1].isupper()


def _title_case_reference(text: str) -> bool:
    from reader.core.shapes import _OPENING_OK

    words = text.split()
    long_words = [w for w in words if len(w) > 3]
    firsts = [
        w[1] if (w[0] in _OPENING_OK or w[0] == "<") and len(w) > 1 else w[0] for w in long_words
    ]
    caps = sum(1 for c in firsts if c.isupper())
    if (len(firsts) - caps) * 5 > len(words) or len(firsts) < 2:
        return False
    return caps >= 0.8 * len(firsts)


_SHAPE_TEXT = st.lists(
    st.sampled_from(
        ["Q", "A", ":", " ", ": ", "Mayor", "x", "é", "Abcd", "abcd", "\t", "“Abc", "<ACME", "(Zed",
         "’tis", "A" * 38, "1999"]
    ),
    max_size=16,
).map("".join)  # fmt: skip


@given(_SHAPE_TEXT)
@settings(max_examples=600)
def test_speech_and_title_case_agree_with_their_plain_readings(text):
    from reader.core.furniture import is_transcript
    from reader.core.shapes import is_title_case

    assert is_transcript(text) == _transcript_reference(text)
    assert is_title_case(text) == _title_case_reference(text)


# -- date lines: the answers kept per line are the ones the patterns give


def _date_line_reference(line: str):
    from reader.core import furniture as f

    if len(line) > 90 or not (("19" in line or "20" in line) and f._HAS_YEAR.search(line)):
        return None
    m = f._DATE_LINE.match(line)
    if m is None or not f._DATE_LINE_REST.match(m.group("rest")):
        return None
    return f.find_date(line)


_DATE_TEXT = st.builds(
    lambda a, b, c: a + b + c,
    st.sampled_from(["", "Published ", "Updated ", "Posted on ", "In ", "Mon, "]),
    st.sampled_from(
        ["2 March 2019", "March 2, 2019", "2019-03-02", "2019-02-30", "Feb 30, 2019", "30 Foo 2020",
         "the 2019 budget", "20 Jan 1999"]
    ),
    st.sampled_from(["", " · 4 min read", ", 5:04 pm ET", " and more", "x" * 80]),
)  # fmt: skip


@given(st.lists(_DATE_TEXT, max_size=6))
@settings(max_examples=300)
def test_date_lines_kept_agree_with_the_patterns(lines):
    from reader.core import furniture as f

    for line in lines + lines:  # (the second time from what was kept)
        assert f.date_line(line) == _date_line_reference(line)


# -- bylines: "Name, Agency" asked of the pattern only for a line that ends with an agency


def _byline_reference(line: str):
    """byline() asking the agency pattern of every line that gets that far."""
    from reader.core import furniture as f

    if len(line) > 100 or (line.endswith((".", "?", "!", ":")) and not line.endswith(" Jr.")):
        return None
    if line[:1] not in "BbFfRrWwSs" and "," not in line and "|" not in line and "/" not in line:
        return None
    m = f._BYLINE_BY.match(line)
    if m:
        who = m.group("who").strip()
        first = who.split()[0]
        return who if first[:1].isupper() and first.lower() not in f._NOT_NAMES else None
    m = f._BYLINE_AGENCY.match(line)
    if m and line.split()[0].lower() not in f._NOT_NAMES:
        return line
    return None


_AGENCY_ALTERNATIVES = [
    "Reuters", "AP", "AFP", "Associated Press", "Agence France-Presse", "Bloomberg", "dpa", "DPA",
    "Xinhua", "PA", "UPI", "Kyodo", "Yonhap", "ANSA", "EFE", "CNN", "BBC News", "BBC",
    "The Guardian", "Guardian staff", "Staff", "staff writer", "Staff Writer", "Staff Reporter",
    "Health Correspondent", "Business Editor", "Staff Reporter", "Sports Writer",
]  # fmt: skip


def test_every_agency_a_byline_can_end_with_is_an_ending():
    from reader.core import furniture as f

    for agency in _AGENCY_ALTERNATIVES:
        for line in (f"Ann Lee, {agency}", f"Ann Lee and Bo Li | {agency}", f"Ann Lee / {agency}"):
            assert f._BYLINE_AGENCY.match(line), line
            assert f.byline(line) == line == _byline_reference(line)


@given(
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(["Ann Lee", "The council", "By Ann Lee", "Then", "Ann Lee and Bo Li", ""]),
        st.sampled_from([", ", " | ", " / ", ",", " said, ", " "]),
        st.sampled_from([*_AGENCY_ALTERNATIVES, "the mayor", "Reuters.", "reuters", "x" * 90, ""]),
    )
)
@settings(max_examples=400)
def test_bylines_agree_with_the_pattern_asked_of_every_line(line):
    from reader.core.furniture import byline

    assert byline(line) == _byline_reference(line)
