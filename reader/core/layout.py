"""How a dump lays out its text, measured on its first lines, and the units that layout makes.

A *unit* is one paragraph-sized piece of the dump: a line in most dumps, several lines joined in a
hard-wrapped one, a block in markdown. The parser decides what each unit is (headline, paragraph,
furniture…) in ``reader.core.boundaries``; here we only measure and cut.

The measurement reads a bounded window at the start of the dump (``PROFILE_LINES`` lines), so
parsing stays a stream with bounded memory.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal

from reader.core.furniture import find_dateline, furniture_of, is_separator

PROFILE_LINES = 4000
PROFILE_CHARS = 3_000_000

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_MD_LIST = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")
_MD_IMAGE_ONLY = re.compile(r"^(?:\[?!\[[^\]]*\]\([^)]*\)\]?(?:\([^)]*\))?\s*)+$")
_MD_INLINE = re.compile(r"\*\*\S|__\S|\]\((?:https?:|/|#|www\.)|!\[|`[^`]+`|\b_\S[^_]*\S_\b")
_TERMINAL = ".!?\"'”’»)…:;"


@dataclass(slots=True)
class Layout:
    """What the first lines of a dump say about all of it."""

    kind: str = "lines"  # one of reader.core.dumps.LAYOUTS, without "auto"
    blank_ratio: float = 0.0  # share of text lines that follow a blank line
    wrap_width: int = 0  # hard-wrapped dumps: the width lines are wrapped at
    indent_paragraphs: bool = False  # wrapped dumps: an indented line starts a paragraph
    inline_markdown: bool = False  # **bold**, [links](url)…: strip markup from every line
    heading_levels: dict[int, int] = field(default_factory=dict)  # markdown: level → count
    article_level: int = 1  # markdown: the heading level that starts articles
    lines: int = 0  # text lines measured

    @property
    def blank_rare(self) -> bool:
        """Blank lines are rare enough to mean something (between articles, around headlines)."""
        return self.blank_ratio < 0.3


def double_spaced(raw: list[tuple[str, int, int]]) -> bool:
    """Is every line followed by a blank one, with longer gaps where the text had blank lines?

    (A dump saved "double-spaced": its real blank lines are the gaps of two blank lines or
    more.) Blank-line dumps, where every gap is one blank line, are not double-spaced.
    """
    gaps: list[int] = []
    run = -1
    for t, _, _ in raw:
        if t:
            if run >= 0:
                gaps.append(run)
            run = 0
        elif run >= 0:
            run += 1
    if len(gaps) < 8:
        return False
    return sum(g >= 1 for g in gaps) >= 0.97 * len(gaps) and any(g >= 2 for g in gaps)


def single_spaced(
    lines: Iterable[tuple[str, int, int]], after_text: bool = False
) -> Iterator[tuple[str, int, int]]:
    """A double-spaced dump's lines without the one blank line that follows every line
    (``after_text``: the line before these was text)."""
    for item in lines:
        if item[0]:
            after_text = True
            yield item
        elif after_text:
            after_text = False  # the spacing: dropped
        else:
            yield item


def measure(raw: list[tuple[str, int, int]]) -> Layout:
    """The layout of a dump from its first lines: (normalised text, end, indent) triples."""
    texts = [(t, ind) for t, _, ind in raw]
    n = sum(1 for t, _ in texts if t)
    lay = Layout(lines=n)
    if n == 0:
        return lay
    after_blank = 0
    prev_blank = False
    for t, _ in texts:
        if t:
            after_blank += prev_blank
            prev_blank = False
        else:
            prev_blank = True
    lay.blank_ratio = after_blank / n

    # Markdown: "#" headings, and inline markup that real text does not have.
    levels: dict[int, int] = {}
    inline = 0
    for t, _ in texts:
        if t[:1] == "#":
            m = _MD_HEADING.match(t)
            if m and m.group(2):
                levels[len(m.group(1))] = levels.get(len(m.group(1)), 0) + 1
        if ("*" in t or "_" in t or "](" in t or "`" in t) and _MD_INLINE.search(t):
            inline += 1
    lay.inline_markdown = inline >= max(3, n // 50)
    headings = sum(levels.values())
    first = next((t for t, _ in texts if t), "")
    opens_with_heading = first[:1] == "#" and _MD_HEADING.match(first) is not None
    if (headings >= 2 and (headings * 200 >= n or lay.inline_markdown)) or opens_with_heading:
        lay.kind = "markdown"
        lay.heading_levels = levels
        frequent = [lvl for lvl, c in sorted(levels.items()) if c >= 2]
        lay.article_level = frequent[0] if frequent else min(levels)
        return lay

    # Hard wrapping: long lines that stop mid-sentence, all about as wide as each other.
    lengths = sorted(len(t) for t, _ in texts if t)
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.95))]
    if 40 <= width <= 100:
        long_lines = mid = lower = 0
        for i, (t, _ind) in enumerate(texts[:-1]):
            if len(t) >= 0.6 * width:
                long_lines += 1
                nxt = texts[i + 1][0]
                if nxt and t[-1] not in _TERMINAL:
                    mid += 1
                    lower += nxt[0].islower()
        over = sum(1 for x in lengths if x > width + 12)
        # Wrapped prose: lines stop mid-sentence and the next line goes on, mostly in lower case
        # (a headline over a byline stops "mid-sentence" too, but the byline is capitalised).
        if long_lines >= 3 and mid >= 0.3 * long_lines and lower >= 0.3 * mid and over <= 0.03 * n:
            lay.kind = "wrapped"
            lay.wrap_width = width
            indented = sum(1 for t, ind in texts if t and ind > 0)
            lay.indent_paragraphs = 0.04 * n <= indented <= 0.75 * n
            return lay
    lay.kind = "blank" if lay.blank_ratio >= 0.45 else "lines"
    return lay


# ---------------------------------------------------------------------------------------------
# Units


@dataclass(slots=True)
class Unit:
    """A paragraph-sized piece of a dump, with what surrounds it."""

    text: str
    start: int  # byte offset of its first line's start
    end: int  # byte offset just after its last line
    blanks: int  # blank lines before it
    kind: str = "text"  # text | sep | bullet | heading | item | image
    level: int = 0  # heading level (markdown)
    lines: int = 1
    raw: str = ""  # the text before markup was stripped, when it was
    words: frozenset[str] | None = None  # content words, computed when cohesion is weighed
    skip: bool | None = None  # page furniture that look-ahead passes over (once worked out)
    # find_dateline(text), once worked out (False: not yet).
    found_dateline: tuple[str, str] | bool | None = False
    # The tests of the text alone that reader.core.unit_facts works out once (None: not yet;
    # furniture: False): a unit is weighed more than once (as the next text, then as itself;
    # in the dry run over the first lines, then in the real one).
    candidate: bool | None = None
    title_case: bool | None = None
    shaped: bool | None = None  # is_headline_shaped
    credit: bool | None = None  # is_credit
    furniture: tuple[str, str | None] | Literal[False] | None = False

    def dateline(self) -> tuple[str, str] | None:
        """The dateline that opens this unit's text, if any (worked out once)."""
        found = self.found_dateline
        if found is False:
            found = self.found_dateline = find_dateline(self.text)
        return found  # type: ignore[return-value]


# No real paragraph is this long (about 8,000 words); a longer "paragraph" (a dump with no line
# ends, a pasted table) is cut at spaces, so that no one block freezes the reading pane.
MAX_PARAGRAPH = 50_000


def make_units(lines: Iterable[tuple[str, int, int]], layout: Layout) -> Iterator[Unit]:
    """Cut normalised lines into units according to ``layout``."""
    if layout.kind == "wrapped":
        return _wrapped_units(lines, layout)  # bounds its own units, as _line_units
    if layout.kind == "markdown":
        return _bounded(_markdown_units(lines, layout))
    return _line_units(lines, layout)  # bounds its own units (one generator less a line)


def _bounded(units: Iterator[Unit]) -> Iterator[Unit]:
    for unit in units:
        if len(unit.text) <= MAX_PARAGRAPH:
            yield unit
        else:
            yield from _pieces(unit)


def _pieces(unit: Unit) -> Iterator[Unit]:
    """A unit too long for one paragraph, cut at spaces."""
    text = unit.text
    while len(text) > MAX_PARAGRAPH:
        cut = text.rfind(" ", 0, MAX_PARAGRAPH)
        cut = cut if cut > MAX_PARAGRAPH // 2 else MAX_PARAGRAPH
        yield Unit(text[:cut].rstrip(), unit.start, unit.end, unit.blanks, unit.kind)
        text = text[cut:].lstrip()
    if text:
        yield Unit(text, unit.start, unit.end, 0, unit.kind)


# The first characters of separators and bullets.
_LINE_MARKS = frozenset("-=*_~#•·+" + "-•–*·▪")


def _line_units(lines: Iterable[tuple[str, int, int]], layout: Layout) -> Iterator[Unit]:
    blanks = 0
    prev_end = 0
    strip = layout.inline_markdown
    for text, end, _indent in lines:
        if text and not strip and text[0] not in _LINE_MARKS and len(text) <= MAX_PARAGRAPH:
            # A line of plain text (most lines): what the tests below decide for it.
            yield Unit(text, prev_end, end, blanks)
            blanks = 0
        elif text:
            unit = Unit(text, prev_end, end, blanks)
            c = text[0]
            if c in "-=*_~#•·+" and is_separator(text):
                unit.kind = "sep"
            elif c in "-•–*·▪" and text[1:2] == " ":  # is_bullet(), known no separator
                unit.kind = "bullet"
                unit.text = text[2:].strip()
            if strip and unit.kind == "text":
                _strip_markup(unit)
            if len(unit.text) > MAX_PARAGRAPH:
                yield from _pieces(unit)
            else:
                yield unit
            blanks = 0
        else:
            blanks += 1
        prev_end = end


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL


def _wrapped_units(lines: Iterable[tuple[str, int, int]], layout: Layout) -> Iterator[Unit]:
    """Join hard-wrapped lines back into paragraphs.

    A new unit starts after a blank line, at an indented line (when the dump indents its
    paragraphs), after a line that ends a sentence well short of the wrap width, and around lines
    that stand alone (separators, bullets, short lines that are no sentence: headlines).
    """
    width = layout.wrap_width or 80
    short = 0.72 * width
    cur: Unit | None = None
    buf: list[str] = []
    prev_line = ""
    prev_indent = first_indent = 0
    blanks = 0
    prev_end = 0
    indent_paragraphs = layout.indent_paragraphs
    for text, end, indent in lines:
        if not text:
            blanks += 1
            prev_end = end
            continue
        # (This runs for every line of a hard-wrapped dump, several per paragraph: the tests
        # are inlined and the cheap ones first.)
        c = text[0]
        lower = c.islower()
        if (
            lower
            and not blanks
            and cur is not None
            and cur.kind == "text"
            and not (
                indent_paragraphs
                and (indent > prev_indent or (indent > 0 and indent >= first_indent))
            )
            and not (len(prev_line) < short and prev_line[-1:] in _TERMINAL)
        ):
            # Most lines: the paragraph goes on (what the tests below decide for a line that
            # starts in lower case after a line of text: no separator, bullet or byline
            # starts so, and it neither starts indented nor follows a short last line).
            if prev_line[-1] == "-":  # (the paragraph so far ends with the previous line)
                buf = _hyphen_join(buf, text)
            else:
                buf += (" ", text)
            cur.end = end
            cur.lines += 1
            prev_line = text
            prev_indent = indent
            prev_end = end
            continue
        sep = c in "-=*_~#•·+" and is_separator(text)
        alone = sep or (c in "-•–*·▪" and text[1:2] == " ")  # or is_bullet(), known no sep
        new = cur is None or blanks > 0 or alone or cur.kind != "text"
        if not new and not lower and len(text) <= 100 and _stands_alone(text):
            new = True  # a byline, a date line, a sign-off: never the rest of a paragraph
        if (
            not new
            and not lower
            and cur is not None
            and cur.lines == 1
            and prev_line[-1:] not in _TERMINAL
            and _headline_case(prev_line)
        ):
            # A headline over its first paragraph: a line that is no sentence, in Title Case
            # or capitals, stopped short of the margin or not.
            new = True
        if not new and cur is not None:
            if indent_paragraphs and (
                indent > prev_indent or (indent > 0 and indent >= first_indent)
            ):
                # Paragraphs start indented and go on at the margin: an indented line opens one.
                new = True
            elif len(prev_line) < short and (
                prev_line[-1:] in _TERMINAL or (not lower and cur.lines == 1)
            ):
                # The previous line stopped short: the end of a paragraph, or a line of its own
                # (a headline, a byline) when it was alone and this one starts with a capital.
                new = True
        if new:
            if cur is not None:
                if cur.kind == "text":
                    cur.raw = "".join(buf)
                _finish(cur, layout)
                if len(cur.text) <= MAX_PARAGRAPH:
                    yield cur
                else:
                    yield from _pieces(cur)
            cur = Unit(text, prev_end, end, blanks)
            cur.raw = text
            buf = [text]  # the paragraph's lines and the spaces between, joined when it ends
            first_indent = indent
            if alone:
                if sep:
                    cur.kind = "sep"
                else:
                    cur.kind = "bullet"
                    cur.text = text[2:].strip()
                cur.raw = ""
        else:
            assert cur is not None
            if lower and prev_line[-1] == "-":
                buf = _hyphen_join(buf, text)
            else:
                buf += (" ", text)
            cur.end = end
            cur.lines += 1
        prev_line = text
        prev_indent = indent
        blanks = 0
        prev_end = end
    if cur is not None:
        if cur.kind == "text":
            cur.raw = "".join(buf)
        yield from _bounded(iter([_finish(cur, layout)]))


def _hyphen_join(buf: list[str], text: str) -> list[str]:
    """The paragraph's pieces with ``text`` added after a line that ends in "-": a word
    hyphenated across the line end ("exam-" "ple") is made whole, a dash stays a dash."""
    last = "".join(buf)
    if len(last) > 1 and last[-2].isalpha():
        return [last[:-1], text]
    return [last, " ", text]


def _stands_alone(text: str) -> bool:
    """A byline, a date line, a sign-off or page boilerplate (not a photo credit)."""
    return furniture_of(text, credits=False) is not None


_CASE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def _headline_case(text: str) -> bool:
    """Title Case ("Bakery Chain Recalls Sandwiches") or capitals: how headlines are set."""
    words = [w for w in _CASE_WORD.findall(text) if len(w) > 3]
    if len(words) < 2:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words)


def _finish(unit: Unit, layout: Layout) -> Unit:
    if unit.kind == "text":
        unit.text = unit.raw
        unit.raw = ""
        if layout.inline_markdown:
            _strip_markup(unit)
    return unit


def _markdown_units(lines: Iterable[tuple[str, int, int]], layout: Layout) -> Iterator[Unit]:
    """Blocks of a markdown scrape: headings, list items and quotes on their own, soft-wrapped
    paragraph lines joined; markup stripped to plain text."""
    cur: Unit | None = None
    blanks = 0
    prev_end = 0
    pending: deque[Unit] = deque()
    prev_line = ""
    for text, end, _indent in lines:
        if not text:
            blanks += 1
            prev_end = end
            if cur is not None:
                pending.append(cur)
                cur = None
            while pending:
                yield _finish_md(pending.popleft())
            continue
        unit: Unit | None = None
        c = text[0]
        if c == "#":
            m = _MD_HEADING.match(text)
            if m and m.group(2):
                unit = Unit(m.group(2), prev_end, end, blanks, kind="heading")
                unit.level = len(m.group(1))
        if unit is None and c in "-=*_~•·+" and is_separator(text):
            unit = Unit(text, prev_end, end, blanks, kind="sep")
        if unit is None and c == ">":
            body = text.lstrip("> ").strip()
            if cur is not None and cur.kind == "quote":
                cur.raw += " " + body
                cur.end = end
                prev_end = end
                prev_line = text
                blanks = 0
                continue
            unit = Unit(body, prev_end, end, blanks, kind="quote")
            unit.raw = body
        if unit is None:
            m = _MD_LIST.match(text) if c in "-*+" or c.isdigit() else None
            if m:
                unit = Unit(text[m.end() :], prev_end, end, blanks, kind="item")
                unit.raw = unit.text
        # ("!" first: one character is a memchr-speed look, and most lines have none.)
        if unit is None and "!" in text and "![" in text and _MD_IMAGE_ONLY.match(text):
            unit = Unit(text, prev_end, end, blanks, kind="image")
        if unit is None:
            if (
                cur is not None
                and cur.kind in ("text", "quote", "item")
                and _soft_wrapped(prev_line, text)
            ):
                cur.raw += " " + text  # a soft-wrapped line of the same paragraph
                cur.end = end
                cur.lines += 1
                prev_end = end
                prev_line = text
                blanks = 0
                continue
            unit = Unit(text, prev_end, end, blanks)
            unit.raw = text
        if cur is not None:
            pending.append(cur)
        cur = unit
        while pending:
            yield _finish_md(pending.popleft())
        blanks = 0
        prev_end = end
        prev_line = text
    if cur is not None:
        yield _finish_md(cur)


_WHOLE_EMPHASIS = re.compile(r"^(?:\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_|\[[^\]]*\]\([^)]*\))$")


def _soft_wrapped(prev: str, line: str) -> bool:
    """Is ``line`` the continuation of ``prev`` in one markdown paragraph?

    Scrapers put bylines, dates and share links on lines of their own without blank lines
    around them; a wrapped paragraph's lines are long and stop mid-sentence.
    """
    if _WHOLE_EMPHASIS.match(line) or _WHOLE_EMPHASIS.match(prev):
        return False
    return len(prev) >= 50 or not _ends_sentence(prev)


def _finish_md(unit: Unit) -> Unit:
    if unit.kind in ("text", "quote", "item"):
        source = unit.raw or unit.text
        unit.raw = source
        unit.text = markdown_to_text(source)
        if unit.kind != "text":
            unit.kind = "text"
        if not unit.text:
            unit.kind = "image"  # nothing left but markup (an image, an empty link)
    elif unit.kind == "heading":
        unit.raw = unit.text
        unit.text = markdown_to_text(unit.text)
    return unit


def _strip_markup(unit: Unit) -> None:
    text = unit.text
    if ("*" in text or "_" in text or "](" in text or "`" in text or "[" in text) and (
        _MD_INLINE.search(text)
    ):
        unit.raw = text
        unit.text = markdown_to_text(text)
        if not unit.text:
            unit.kind = "image"


@lru_cache(maxsize=1)
def _markdown_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


# The characters that start inline markup in CommonMark (emphasis, links and images, code,
# HTML and entities, escapes, hard breaks): text without any of them is its own plain text.
_MARKUP_CHARS = re.compile(r"[*_\[\]`<&\\!]")


# The substitutions' contents hold no other delimiter: "*_*'_" would become "_'_" and then "'",
# where CommonMark pairs the delimiters in one pass and keeps "_'_" (found by exhaustion).
# Each opens with its delimiter and only then looks behind it ("**" not after a letter is
# "(?<![\w*\\]\*\*)" after it): a pattern that opens with a literal lets the engine skip to the
# next "*" or "[" at C speed, where one that opens with a look-behind is tried at every character.
_SIMPLE_LINK = re.compile(r"\[(?<![!\\\]]\[)([^\[\]\\`*_<>]+)\]\([^()\s<>\\]+\)")
_SIMPLE_STRONG = re.compile(
    r"\*\*(?<![\w*\\]\*\*)(?=[^\s*])([^*_\\`<>\[\]]+?)(?<=[^\s*])\*\*(?![\w*])"
)
_SIMPLE_EM = re.compile(r"\*(?<![\w*\\]\*)(?=[^\s*])([^*_\\`<>\[\]]+?)(?<=[^\s*])\*(?![\w*])")
_SIMPLE_UNDERSCORE_EM = re.compile(r"_(?<![\w\\]_)(?=[^\s_])([^*_\\`<>\[\]]+?)(?<=[^\s_])_(?!\w)")


_GROUP_1 = itemgetter(1)


def _has_markup(text: str) -> bool:
    """``_MARKUP_CHARS.search(text)``, one character at a time: nine memchr-speed scans cost a
    tenth of the pattern's, which the engine tries at every character of every paragraph."""
    return (
        "*" in text
        or "[" in text
        or "_" in text
        or "]" in text
        or "`" in text
        or "<" in text
        or "&" in text
        or "\\" in text
        or "!" in text
    )


def _spaced(text: str) -> str:
    """``" ".join(text.split())``: white space folded. Text already so (printable, so its only
    white space is the plain space; none doubled, none at either end) is its own answer, found
    by C scans far cheaper than splitting it into words and joining them again."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def markdown_to_text(text: str) -> str:
    """Inline markdown to the plain text a reader sees: **bold** → bold, [text](url) → text,
    images dropped, code spans kept as their text."""
    if not _has_markup(text) and not text.endswith("  "):
        # Nothing a CommonMark parser would change (most text); lines come normalised.
        return text if "  " not in text else " ".join(text.split())
    # The common forms (**strong**, *em*, _em_, [text](url)) by substitution; anything else left
    # (nesting, code, escapes, HTML, odd flanking) goes to the CommonMark parser.
    # (Each match replaced by its group 1 through a C callable: a template string would be
    # expanded by Python code for every match.)
    simple = _SIMPLE_LINK.sub(_GROUP_1, text) if "](" in text else text
    if "*" in simple:
        simple = _SIMPLE_EM.sub(_GROUP_1, _SIMPLE_STRONG.sub(_GROUP_1, simple))
    if "_" in simple:
        simple = _SIMPLE_UNDERSCORE_EM.sub(_GROUP_1, simple)
    if not _has_markup(simple) and not simple.endswith("  "):
        return _spaced(simple)
    return markdown_it_text(text)


def markdown_it_text(text: str) -> str:
    """markdown_to_text by the CommonMark parser alone (the authority the fast paths follow)."""
    tokens = _markdown_parser().parseInline(text)
    out: list[str] = []
    for tok in tokens:
        for child in tok.children or ():
            t = child.type
            if t in ("text", "code_inline"):
                out.append(child.content)
            elif t in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())
