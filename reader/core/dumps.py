"""Plain-text news dumps to articles.

A dump is a stream of articles with no markup. The parser reads it line by line and decides what
each line is from its shape and from the line that follows it:

- a *headline* is a short line with no closing full stop that is followed by summary bullets, by
  a lead paragraph opening with a dateline, or by a blank line and then a new paragraph;
- *summary bullets* are ``- `` lines between a headline and the first paragraph;
- the *dateline* opens the lead paragraph: ``DUBAI: ``, ``WASHINGTON (AP) — ``,
  ``LONDON, Nov 24 (Reuters) - ``, ``Paris (AFP) - ``;
- a *cross-head* is a headline-shaped line inside an article that announces no new article;
- scraped pages sometimes carry an article's headline after its body, repeated: the body gets the
  headline and the repeat is dropped (``Article.dropped`` keeps it, so nothing vanishes unseen).

Blank lines never end an article by themselves. Memory is bounded by the largest article.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reader.core.article import Article
from reader.core.textio import CHUNK_SIZE, iter_lines, sniff_encoding

__all__ = [
    "LAYOUTS",
    "DumpError",
    "ParseReport",
    "check_dump",
    "parse_lines",
    "parse_path",
    "parse_stream",
]

# How a dump lays out its paragraphs. "auto" (the default) detects it from the dump itself.
#   lines    one paragraph per line (blank lines optional, e.g. between articles)
#   blank    paragraphs separated by blank lines
#   wrapped  hard-wrapped lines; a paragraph starts after a blank line or at an indented line
#   markdown a web-to-markdown scrape: "#" headlines, **bold**, [links](url), lists, quotes
LAYOUTS = ("auto", "lines", "blank", "wrapped", "markdown")


@dataclass(slots=True)
class ParseReport:
    """What a parse found out about its dump, filled in as it goes."""

    layout: str = ""  # the layout used (detected, or the one asked for)
    detected: bool = True  # False when the caller forced the layout
    articles: int = 0
    doubtful: int = 0  # articles whose ``doubts()`` are not empty
    merged: int = 0  # of those, articles that look like several merged into one

    def warning(self) -> str | None:
        """One line for a person when the parse looks doubtful ("3 articles look merged")."""
        if self.merged:
            n = self.merged
            return f"{n:,} article{'s' if n != 1 else ''} look{'s' if n == 1 else ''} merged"
        if self.doubtful:
            n = self.doubtful
            return f"{n:,} article{'s' if n != 1 else ''} may be parsed wrong"
        return None


class DumpError(Exception):
    """A file that cannot be read as a dump; the message is fit to show to a person."""


# ---------------------------------------------------------------------------------------------
# Line shapes

_BULLET = re.compile(r"^[-•–*·▪] ")
_CLOSING = "\"'”’»)]›"
_TERMINAL = ".,;:…"
_OPENING_OK = "\"'“‘’”«(‹¿¡"
# Abbreviations whose full stop does not end a sentence ("Mr. Witkoff", "U.S. Senate").
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "prof", "lt", "col",
    "capt", "sgt", "vs", "no", "inc", "co", "corp", "ltd", "mt", "ft", "rev", "u.s", "u.k", "u.n",
    "e.u", "d.c", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "a.m", "p.m", "approx", "est", "dept", "univ",
}  # fmt: skip
_SENTENCE_BREAK = re.compile(r"(\S+)[.?!][”’\"']?\s+[“‘\"']?[A-Z0-9]")

_SEPARATOR_CHARS = "-=*_~#•·+"
_SEPARATOR_LINE = re.compile(r"^(?:([-=*_~#•·+])\s?)\1?(?:\s?\1){1,}$")

_BYLINE = re.compile(r"^(?:by|from|reporting by|words by)\s", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")

MAX_HEADLINE_CHARS = 180
MAX_HEADLINE_WORDS = 28

# Datelines. A place is one to five capitalised words ("Gaza City", "EL SEGUNDO", "Rio de Janeiro"),
# optionally followed by a region or a date ("KYIV, Ukraine", "LONDON, Nov 24"), optionally by an
# agency in brackets, then a colon or a dash.
_PLACE_WORD = r"[A-Z][\w'’.\-]*"
_PLACE_LINK = r"(?:al|el|de|del|des|di|da|do|dos|du|la|le|les|los|las|of|on|upon|am|an|der|sur|y|e)"
_PLACE = rf"{_PLACE_WORD}(?:[ \-](?:{_PLACE_WORD}|{_PLACE_LINK}(?=[ \-][A-Z]))){{0,4}}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
_AGENCY = r"\((?:[A-Z][\w&./\- ]{0,24})\)"
# Spaced hyphens or dashes ("LONDON - "), or unspaced em/en dashes ("LONDON—"); never an unspaced
# hyphen ("NEW YORK-based").
_SEPARATOR = r"(?:\s+[—–-]{1,2}\s+|\s*[—–]{1,2}\s*)"

_DATELINE_COLON = re.compile(rf"^(?P<dl>{_PLACE}(?:,\s*{_PLACE})?(?:\s+{_AGENCY})?)\s*:\s+(?=\S)")
_DATELINE_DASH = re.compile(
    rf"^(?P<dl>(?P<place>{_PLACE})(?P<extra>(?:,\s*(?:{_DATE}|{_PLACE}))*)"
    rf"(?:\s*(?P<agency>{_AGENCY}))?){_SEPARATOR}(?=\S)"
)
# "(CNN) — Lead": an agency with no place.
_DATELINE_AGENCY = re.compile(rf"^(?P<dl>{_AGENCY}){_SEPARATOR}(?=\S)")
_MAX_DATELINE = 60


def find_dateline(line: str) -> tuple[str, str] | None:
    """(dateline as written, the prefix to strip from the paragraph) or None."""
    m = _DATELINE_COLON.match(line)
    if m:
        dl = m.group("dl")
        if len(dl) <= _MAX_DATELINE:
            return dl, m.group(0)
    m = _DATELINE_DASH.match(line)
    if m:
        dl = m.group("dl")
        place = m.group("place")
        # "Trump - who ..." must not pass: a dash dateline needs an agency, a date, or capitals.
        shouty = place.upper() == place and sum(c.isalpha() for c in place) >= 2
        dated = bool(re.search(_DATE, m.group("extra") or ""))
        if len(dl) <= _MAX_DATELINE and (m.group("agency") or shouty or dated):
            return dl, m.group(0)
    if line[:1] == "(":
        m = _DATELINE_AGENCY.match(line)
        if m:
            return m.group("dl"), m.group(0)
    return None


def is_separator(line: str) -> bool:
    return line[:1] in _SEPARATOR_CHARS and _SEPARATOR_LINE.match(line) is not None


def is_bullet(line: str) -> bool:
    return _BULLET.match(line) is not None


def is_headline_shaped(line: str) -> bool:
    """Short, not a sentence: no closing full stop, no sentence break inside."""
    if len(line) > MAX_HEADLINE_CHARS or not line:
        return False
    first = line[0]
    # "iPhone sales..." and "eBay..." are headlines; "and then he said" is not.
    camel = first.isalpha() and len(line) > 1 and line[1].isupper()
    if not (first.isupper() or first.isdigit() or first in _OPENING_OK or camel):
        return False
    core = line.rstrip(_CLOSING)
    if not core or core[-1] in _TERMINAL:
        return False
    if line.count(" ") >= MAX_HEADLINE_WORDS:
        return False
    for m in _SENTENCE_BREAK.finditer(line):
        if m.group(1).rstrip(".").lower().lstrip("(“‘\"'") not in _ABBREV:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Tokens: non-blank lines with what surrounds them


@dataclass(slots=True)
class _Line:
    text: str
    end: int  # byte offset just after the line
    start: int  # byte offset of the line's start (after the previous line's end)
    blank_before: bool
    _headline: bool | None = None
    _dateline: tuple[str, str] | bool | None = False

    @property
    def bullet(self) -> bool:
        return self.text[:1] in "-•–*·▪" and is_bullet(self.text) and not is_separator(self.text)

    @property
    def separator(self) -> bool:
        return is_separator(self.text)

    @property
    def headline_shaped(self) -> bool:
        if self._headline is None:
            self._headline = not self.bullet and is_headline_shaped(self.text)
        return self._headline

    @property
    def dateline(self) -> tuple[str, str] | None:
        if self._dateline is False:
            self._dateline = find_dateline(self.text)
        return self._dateline  # type: ignore[return-value]


def _tokens(lines: Iterable[tuple[str, int]]) -> Iterator[_Line]:
    blank = False
    prev_end = 0
    for text, end in lines:
        if text:
            yield _Line(text, end, prev_end, blank)
            blank = False
        else:
            blank = True
        prev_end = end


# ---------------------------------------------------------------------------------------------
# The article being assembled


class _Draft:
    __slots__ = ("article", "blank_gaps", "closed", "paragraph_lines", "pending_heads")

    def __init__(self, title: str, start: int) -> None:
        self.article = Article(title=title, start=start, end=start)
        self.closed = False  # a trailing headline ended it: the next line starts a new article
        self.paragraph_lines = 0
        self.blank_gaps = 0  # paragraphs preceded by a blank line
        self.pending_heads: list[tuple[int, str]] = []

    @property
    def has_body(self) -> bool:
        return bool(self.article.blocks)

    def add_paragraph(self, line: _Line) -> None:
        a = self.article
        text = line.text
        # The lead is the first paragraph, or the second after a short one (a byline, a date).
        if a.dateline is None and (
            self.paragraph_lines == 0
            or (self.paragraph_lines == 1 and a.blocks[0][1].count(" ") < 10)
        ):
            found = line.dateline
            if found is not None:
                dl, prefix = found
                a.dateline = dl
                a.lead_prefix = prefix
                a.lead_block = len(a.blocks)
                text = text[len(prefix) :]
        a.blocks.append(("p", text))
        self.paragraph_lines += 1
        if line.blank_before:
            self.blank_gaps += 1
        a.end = line.end

    def add_crosshead(self, line: _Line) -> None:
        self.article.blocks.append(("h", line.text))
        self.article.end = line.end

    def finish(self) -> Article:
        a = self.article
        # A cross-head with nothing after it heads nothing: it is the article's closing line.
        if a.blocks and a.blocks[-1][0] == "h":
            a.blocks[-1] = ("p", a.blocks[-1][1])
        return a

    def split_at_last_dateline(self) -> _Draft | None:
        """Cut off the tail that starts at the last dateline-led paragraph after the lead.

        Used when a repeated headline shows up after a body: the headline belongs to an article
        whose lead (with its dateline) was taken for a paragraph of the article before it.
        """
        blocks = self.article.blocks
        for i in range(len(blocks) - 1, 0, -1):
            kind, text = blocks[i]
            if kind == "p":
                found = find_dateline(text)
                if found:
                    tail = _Draft("", self.article.end)
                    tail.article.blocks = blocks[i:]
                    dl, prefix = found
                    tail.article.dateline = dl
                    tail.article.lead_prefix = prefix
                    tail.article.blocks[0] = ("p", text[len(prefix) :])
                    tail.article.end = self.article.end
                    tail.paragraph_lines = len(tail.article.blocks)
                    del blocks[i:]
                    return tail
        return None


# ---------------------------------------------------------------------------------------------
# The parser


def parse_lines(lines: Iterable[tuple[str, int]]) -> Iterator[Article]:
    """Articles from (normalised line, end offset) pairs; see the module docstring for the rules."""
    it = _tokens(lines)
    look: list[_Line] = []

    def peek(k: int = 0) -> _Line | None:
        while len(look) <= k:
            nxt = next(it, None)
            if nxt is None:
                return None
            look.append(nxt)
        return look[k]

    def take() -> _Line | None:
        if look:
            return look.pop(0)
        return next(it, None)

    cur: _Draft | None = None
    pending_dropped: list[str] = []

    def start(title: str, line: _Line) -> _Draft:
        d = _Draft(title, line.start)
        d.article.end = line.end
        if pending_dropped:
            d.article.dropped.extend(pending_dropped)
            pending_dropped.clear()
        return d

    special_first = _SEPARATOR_CHARS + "-•–*·▪"
    while True:
        line = take() if look else next(it, None)
        if line is None:
            break

        text = line.text
        if (
            len(text) > MAX_HEADLINE_CHARS
            and cur is not None
            and not cur.closed
            and cur.paragraph_lines >= 2
            and text[0] not in special_first
        ):
            # The common case, kept cheap: one more long paragraph of an article well under way.
            a = cur.article
            a.blocks.append(("p", text))
            cur.paragraph_lines += 1
            if line.blank_before:
                cur.blank_gaps += 1
            a.end = line.end
            continue

        if line.separator:
            # "---", "* * *", "=====": between articles a boundary, inside one a scene break.
            # Either way it is markup, not text: it is kept in `dropped`, not in the body.
            nxt = peek()
            if cur is None:
                pending_dropped.append(line.text)  # before any article: given to the first one
                continue
            cur.article.dropped.append(line.text)
            if nxt is not None and nxt.headline_shaped and cur.has_body:
                cur.closed = True
            continue

        if line.bullet:
            if cur is None or cur.closed:
                if cur is not None:
                    yield cur.finish()
                cur = start("", line)
            if not cur.has_body:
                cur.article.summary.append(line.text[2:].strip())
                cur.article.end = line.end
            else:
                cur.add_paragraph(line)
            continue

        if not line.headline_shaped:
            if cur is None or cur.closed:
                if cur is not None:
                    yield cur.finish()
                cur = start("", line)
            cur.add_paragraph(line)
            continue

        # A headline-shaped line: a new article's headline, a trailing headline, or a cross-head.
        nxt = peek()
        if nxt is not None and nxt.text == line.text and not nxt.blank_before:
            # Repeated: scraping debris. The repeat is dropped.
            take()
            if cur is not None and not cur.closed and cur.has_body and not cur.article.title:
                cur.article.title = line.text
                cur.article.dropped.append(nxt.text)
                cur.article.end = nxt.end
                cur.closed = True
                continue
            if cur is not None and not cur.closed and cur.has_body:
                tail = cur.split_at_last_dateline()
                if tail is not None:
                    yield cur.finish()
                    tail.article.title = line.text
                    tail.article.dropped.append(nxt.text)
                    tail.article.end = nxt.end
                    tail.closed = True
                    cur = tail
                    continue
            if cur is not None:
                yield cur.finish()
            cur = start(line.text, line)
            cur.article.dropped.append(nxt.text)
            cur.article.end = nxt.end
            continue

        decision = _classify_headline_shaped(line, nxt, cur)
        if decision == "headline":
            if cur is not None:
                yield cur.finish()
            cur = start(line.text, line)
        elif decision == "trailing-title":
            assert cur is not None
            cur.article.title = line.text
            cur.article.end = line.end
            cur.closed = True
        elif decision == "crosshead":
            assert cur is not None
            cur.add_crosshead(line)
        else:  # a paragraph that happens to be short
            if cur is None or cur.closed:
                if cur is not None:
                    yield cur.finish()
                cur = start("", line)
            cur.add_paragraph(line)

    if cur is not None:
        yield cur.finish()


def _classify_headline_shaped(line: _Line, nxt: _Line | None, cur: _Draft | None) -> str:
    if cur is None or cur.closed:
        if nxt is None:
            return "headline"  # a lone headline at the end: an article with no body yet
        return "headline"
    untitled_body = cur.has_body and not cur.article.title
    if not cur.has_body:
        # Right after a headline (or its bullets), before any paragraph: a byline ("By Ann Lee"),
        # a date or a deck line of this article, even when a dateline lead follows.
        if not cur.article.title:
            return "headline" if _announces_article(nxt) else "paragraph"
        if cur.article.summary or nxt is None:
            return "paragraph"
        # A headline left with no body (a lone headline in the dump) followed by a real
        # article: bullets, or a dateline lead after a line that is neither byline nor date.
        if nxt.bullet:
            return "headline"
        if (
            _announces_article(nxt)
            and not _BYLINE.match(line.text)
            and not _HAS_DIGIT.search(line.text)
        ):
            return "headline"
        return "paragraph"
    if nxt is None:
        return "trailing-title" if untitled_body else "paragraph"
    if _announces_article(nxt):
        return "headline"
    if untitled_body and (nxt.blank_before or nxt.headline_shaped):
        return "trailing-title"
    if nxt.blank_before and not nxt.headline_shaped:
        # "Headline\n\nLead paragraph with no dateline" vs a cross-head set off by blank lines.
        # Headlines are rarely under five words and cross-heads rarely over six; in between, a
        # blank line in a dump that does not separate its paragraphs with blanks is structural.
        words = line.text.count(" ") + 1
        if words >= 7:
            return "headline"
        if words <= 4:
            return "crosshead"
        blank_style = cur.paragraph_lines >= 2 and cur.blank_gaps * 2 >= cur.paragraph_lines
        return "crosshead" if blank_style else "headline"
    return "crosshead"


def _announces_article(nxt: _Line | None) -> bool:
    if nxt is None:
        return False
    return nxt.bullet or (not nxt.headline_shaped and nxt.dateline is not None)


# ---------------------------------------------------------------------------------------------
# Entry points


def parse_stream(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[Article]:
    """Articles from a binary stream, yielded as they are found."""
    return parse_lines(iter_lines(stream, chunk_size))


def parse_bytes(data: bytes) -> list[Article]:
    import io

    return list(parse_stream(io.BytesIO(data)))


def parse_path(path: str | os.PathLike[str]) -> Iterator[Article]:
    """Articles of the dump at ``path``; raises DumpError (before yielding) when it is no dump."""
    check_dump(path)
    with open(path, "rb") as f:
        yield from parse_stream(f)


# ---------------------------------------------------------------------------------------------
# Refusing what is not a dump

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"RIFF", "an audio or video file"),
    (b"OggS", "an audio or video file"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x00", "a binary file"),
)


# Signatures that a text could start with by chance: believed only with NULs around.
_WEAK_MAGIC = {b"MZ", b"BZh", b"ID3", b"RIFF", b"OggS", b"GIF8"}


def check_dump(path: str | os.PathLike[str]) -> None:
    """Raise DumpError with a plain-words reason if ``path`` cannot be a text dump."""
    p = Path(path)
    name = p.name or str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise DumpError(f"{name}: no such file") from None
    except PermissionError:
        raise DumpError(f"{name}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise DumpError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if p.is_dir():
        raise DumpError(f"{name}: is a folder, not a file")
    if st.st_size == 0:
        raise DumpError(f"{name}: is empty")
    try:
        with open(p, "rb") as f:
            head = f.read(8192)
    except PermissionError:
        raise DumpError(f"{name}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise DumpError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    reason = binary_reason(head)
    if reason:
        raise DumpError(f"{name}: is not a text file (it looks like {reason})")
    if not head.strip(b" \t\r\n\x00\x0b\x0c") or (
        st.st_size <= len(head) and not any(line for line, _ in _lines_of(head))
    ):
        raise DumpError(f"{name}: is empty (it holds only blank lines)")


def _lines_of(data: bytes) -> Iterator[tuple[str, int]]:
    import io

    return iter_lines(io.BytesIO(data))


def binary_reason(head: bytes) -> str | None:
    """What kind of binary file ``head`` starts, or None if it can be text."""
    encoding, _ = sniff_encoding(head)
    if encoding is not None:
        return None  # UTF-16: NULs are expected
    has_nul = 0 in head
    for magic, what in _MAGIC:
        if head.startswith(magic) and (has_nul or magic not in _WEAK_MAGIC):
            return what
    if not head:
        return None
    # A stray NUL in a scraped page is damage, not a binary file; many are.
    if head.count(0) > max(2, len(head) // 100):
        return "a binary file"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(head) * 0.05:
        return "a binary file"
    return None
