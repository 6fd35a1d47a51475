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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from reader.core.article import Article
from reader.core.boundaries import Segmenter
from reader.core.furniture import find_dateline, is_bullet, is_separator
from reader.core.layout import (
    PROFILE_CHARS,
    PROFILE_LINES,
    Unit,
    double_spaced,
    make_units,
    measure,
    single_spaced,
)
from reader.core.shapes import is_headline_shaped
from reader.core.style import Style
from reader.core.textio import CHUNK_SIZE, iter_indented_lines, iter_lines, sniff_encoding
from reader.core.unit_facts import worked_out
from reader.core.wording import counted

__all__ = [
    "LAYOUTS",
    "DumpError",
    "ParseReport",
    "check_dump",
    "find_dateline",
    "is_bullet",
    "is_headline_shaped",
    "is_separator",
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
LAYOUT_NAMES = {
    "lines": "one paragraph per line",
    "blank": "blank-line paragraphs",
    "wrapped": "hard-wrapped lines",
    "markdown": "markdown",
}


@dataclass(slots=True)
class ParseReport:
    """What a parse found out about its dump, filled in as it goes."""

    layout: str = ""  # the layout used (detected, or the one asked for)
    detected: bool = True  # False when the caller forced the layout
    articles: int = 0
    doubtful: int = 0  # articles whose ``doubts()`` are not empty
    merged: int = 0  # of those, articles that look like several merged into one
    markup: bool = False  # markdown markup was taken off the text
    # How the text was decoded ("utf-8", "cp1251", "utf-16-le", "utf-8 and cp1252"), filled in by
    # textio.iter_lines; and why the text may be garbled (mojibake), None when it reads cleanly.
    encoding: str = ""
    encoding_doubt: str | None = None

    def warning(self) -> str | None:
        """One line for a person when the parse looks doubtful ("3 articles look merged")."""
        parts = []
        if self.merged:
            n = self.merged
            parts.append(f"{counted(n, 'article')} look{'s' if n == 1 else ''} merged")
        elif self.doubtful:
            n = self.doubtful
            parts.append(f"{counted(n, 'article')} may be parsed wrong")
        if self.encoding_doubt:
            parts.append(f"text encoding {self.encoding or 'unknown'}: {self.encoding_doubt}")
        return "; ".join(parts) or None


class DumpError(Exception):
    """A file that cannot be read as a dump; the message is fit to show to a person."""


# ---------------------------------------------------------------------------------------------
# The parse


def parse_indented(
    lines: Iterable[tuple[str, int, int]],
    *,
    layout: str | None = None,
    report: ParseReport | None = None,
) -> Iterator[Article]:
    """Articles from (normalised line, end offset, indent) triples.

    The layout is measured on a bounded window of the first lines (or taken from ``layout``),
    then the lines are cut into units and the units weighed into articles.
    """
    it = iter(lines)
    window: list[tuple[str, int, int]] = []
    chars = 0
    for item in it:
        window.append(item)
        chars += len(item[0])
        if len(window) >= PROFILE_LINES or chars >= PROFILE_CHARS:
            break
    if double_spaced(window):
        it = single_spaced(it, after_text=bool(window[-1][0]))
        window = list(single_spaced(window))
    measured = measure(window)
    if layout and layout != "auto":
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
        measured.kind = layout
        if layout == "wrapped" and not measured.wrap_width:
            measured.wrap_width = _wrap_width(window)
        if layout == "markdown" and not measured.heading_levels:
            measured.article_level = 1
    if report is not None:
        report.layout = measured.kind
        report.markup = measured.kind == "markdown" or measured.inline_markdown
        report.detected = not (layout and layout != "auto")
    # The dump's headline style, learned from a dry run over the window, guides the real run.
    style = Style()
    seen: list[Unit] = []
    if window:
        seen = list(make_units(window, measured))
        for _ in Segmenter(measured, style, dry=True).articles(iter(seen)):
            pass
    seg = Segmenter(measured, style.scaled(12))
    units = make_units(chain(window, it), measured)
    if seen:
        # The window's units again: what the dry run worked out about their text is kept.
        units = chain(worked_out(islice(units, len(seen)), seen), units)
    for article in seg.articles(units):
        if report is not None:
            report.articles += 1
            if article.doubtful():
                report.doubtful += 1
                report.merged += article.looks_merged()
        yield article


def _wrap_width(window: list[tuple[str, int, int]]) -> int:
    lengths = sorted(len(t) for t, _, _ in window if t)
    return lengths[int(len(lengths) * 0.95)] if lengths else 80


def parse_lines(
    lines: Iterable[tuple[str, int]], *, layout: str | None = None
) -> Iterator[Article]:
    """Articles from (normalised line, end offset) pairs (no indentation known)."""
    return parse_indented(((t, e, 0) for t, e in lines), layout=layout)


# ---------------------------------------------------------------------------------------------
# Entry points


def parse_stream(
    stream: BinaryIO,
    chunk_size: int = CHUNK_SIZE,
    *,
    layout: str | None = None,
    report: ParseReport | None = None,
) -> Iterator[Article]:
    """Articles from a binary stream, yielded as they are found.

    ``layout`` forces one of ``LAYOUTS`` (None or "auto": detect); ``report``, when given, is
    filled in with the layout used, how many articles look doubtful and how the text was decoded.
    """
    lines = iter_indented_lines(stream, chunk_size, report)
    return parse_indented(lines, layout=layout, report=report)


def parse_bytes(data: bytes, *, layout: str | None = None) -> list[Article]:
    import io

    return list(parse_stream(io.BytesIO(data), layout=layout))


def parse_path(
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    report: ParseReport | None = None,
) -> Iterator[Article]:
    """Articles of the dump at ``path``; raises DumpError (before yielding) when it is no dump."""
    check_dump(path)
    with open(path, "rb") as f:
        yield from parse_stream(f, layout=layout, report=report)


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


# Every byte but the controls binary_reason counts (below 32, less tab, LF, form feed and CR).
_NOT_CONTROLS = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13)))


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
    # (Counted in C: the bytes left once all but those controls are deleted.)
    controls = len(head.translate(None, _NOT_CONTROLS))
    if controls > len(head) * 0.05:
        return "a binary file"
    return None
