"""Bytes to clean lines, as a stream.

Dumps come from anywhere: UTF-8 with or without a BOM, UTF-16 with a BOM, legacy Windows-1252,
CR/LF/CRLF line ends (sometimes mixed in one file), NULs and stray control characters. This module
turns any of that into normalised text lines with the byte offset where each line ends, reading a
chunk at a time so memory never depends on the file's size.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import accumulate, repeat
from operator import add
from typing import BinaryIO

CHUNK_SIZE = 1 << 20
# A "line" longer than this (a binary blob, a file with no line ends) is cut into pieces so that
# memory stays bounded; real paragraphs are far shorter.
MAX_LINE = 1 << 20

_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
_TEXT_LINE_ENDS = re.compile(r"\r\n|\r|\n")

# Control characters carry no words: drop them (tabs and other white space are folded later).
_CONTROL: dict[int, str | None] = {
    c: None for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))
}
_CONTROL.update({0x09: " ", 0x0C: " ", 0xFEFF: None})
# Invisible characters that reorder or hide text (bidi overrides, embeddings, isolates and marks,
# zero-width spaces and joiners): in a title they spoof the list and the terminal, in a query
# they make a word match nothing. ZWJ and ZWNJ (U+200C/D) stay: scripts and emoji need them.
INVISIBLE: dict[int, str | None] = {
    c: None for c in (0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF)
}
INVISIBLE.update({c: None for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_CONTROL.update(INVISIBLE)
_TERMINAL: dict[int, str | None] = {c: None for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))}
_TERMINAL.update({0x09: " ", 0x0A: " ", 0x0D: " ", **INVISIBLE})


def visible(text: str) -> str:
    """Text safe to print on a terminal: no controls (escape sequences), no bidi or zero-width
    characters; line ends and tabs become spaces."""
    if text.isprintable():
        return text
    return text.translate(_TERMINAL)


def normalise(line: str) -> str:
    """Fold every run of white space (tabs, no-break spaces, ...) into one space; drop controls."""
    if line.isprintable():
        if "  " not in line and line[:1] != " " and line[-1:] != " ":
            return line  # the common case, checked by three C-speed scans
    else:
        line = line.translate(_CONTROL)
    return " ".join(line.split())


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Legacy files: Windows-1252 decodes almost every byte; the five it leaves undefined
        # become U+FFFD rather than an error.
        return raw.decode("cp1252", errors="replace")


def sniff_encoding(head: bytes) -> tuple[str | None, int]:
    """The text encoding announced by a BOM (or betrayed by NUL patterns), and the BOM length.

    None means "UTF-8, falling back to Windows-1252 line by line".
    """
    if head.startswith(codecs.BOM_UTF8):
        return None, 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = head[:4096]
    if len(sample) >= 16:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le", 0
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be", 0
    return None, 0


def iter_lines(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[str, int]]:
    """Yield (normalised line, byte offset just after the line) for every line of ``stream``."""
    for text, end, _indent in iter_indented_lines(stream, chunk_size):
        yield text, end


def iter_indented_lines(
    stream: BinaryIO, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[str, int, int]]:
    """(normalised line, end offset, indent) for every line: the indent is the width of the white
    space that normalising took off the line's start (a tab counts 4), which hard-wrapped dumps use
    to start paragraphs."""
    head = stream.read(chunk_size)
    encoding, bom = sniff_encoding(head)
    if encoding is None:
        yield from _iter_ascii_compatible(stream, head, bom, chunk_size)
    else:
        yield from _iter_wide(stream, head, bom, encoding, chunk_size)


def indent_of(line: str) -> int:
    """Width of a raw line's leading white space (a tab counts 4); 0 for a blank line."""
    stripped = line.lstrip()
    if not stripped:
        return 0
    lead = line[: len(line) - len(stripped)]
    return len(lead) + 3 * lead.count("\t")


def _iter_ascii_compatible(
    stream: BinaryIO, first: bytes, start: int, chunk_size: int
) -> Iterator[tuple[str, int, int]]:
    """UTF-8 / Windows-1252: line ends are plain bytes, so split bytes and decode line by line."""
    pos = start
    pending = first[start:]
    chunk = first
    while True:
        at_eof = not chunk
        if not at_eof and pending.endswith(b"\r"):
            # A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
            chunk = stream.read(chunk_size)
            pending += chunk
            continue
        if b"\r" in pending:
            parts = _LINE_ENDS.split(pending)
            ends = [m.end() - m.start() for m in _LINE_ENDS.finditer(pending)]
            rest = parts.pop()
        else:
            parts = pending.split(b"\n")
            rest = parts.pop()
            # The common case, a chunk at a time: one decode, one split, offsets summed in C.
            yield from _lf_lines(pending[: len(pending) - len(rest)], parts, pos)
            pos += len(pending) - len(rest)
            parts, ends = [], []
        for raw, sep in zip(parts, ends, strict=False):
            pos += len(raw) + sep
            text = raw.decode("ascii") if raw.isascii() else _decode(raw)
            # normalise(), inlined: this loop runs once per line of the dump.
            if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
                yield text, pos, 0
            else:
                yield normalise(text), pos, indent_of(text)
        if at_eof:
            if rest:
                pos += len(rest)
                text = _decode(rest)
                yield normalise(text), pos, indent_of(text)
            return
        # A blob with no line ends: hand it out in bounded pieces.
        while len(rest) > MAX_LINE:
            cut = rest.rfind(b" ", 0, MAX_LINE)
            cut = cut + 1 if cut > 0 else MAX_LINE
            piece, rest = rest[:cut], rest[cut:]
            pos += len(piece)
            yield normalise(_decode(piece)), pos, 0
        chunk = stream.read(chunk_size)
        pending = rest + chunk


def _dirty(text: str) -> bool:
    """Might normalise() change a line of this LF-separated text? (C-speed scans, no regex.)

    Controls and every white space but the plain space are not printable; the rest is two spaces
    in a row or a space at either end of a line.
    """
    return (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text[:1] == " "
        or not text.replace("\n", "").isprintable()
    )


def _lf_lines(body: bytes, parts: list[bytes], pos: int) -> Iterator[tuple[str, int, int]]:
    """Lines of ``body`` (complete LF-ended lines, already split into ``parts``) with offsets."""
    ends = accumulate(map(add, map(len, parts), repeat(1)), initial=pos)
    next(ends)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:  # a legacy line somewhere: decide line by line
        raws = [_decode(raw) for raw in parts]
        yield from zip(map(normalise, raws), ends, map(indent_of, raws), strict=True)
        return
    lines = text.split("\n")
    lines.pop()
    if _dirty(text):
        indents = [indent_of(line) if line[:1] in " \t\u00a0\u3000" else 0 for line in lines]
        yield from zip(map(normalise, lines), ends, indents, strict=True)
        return
    yield from zip(lines, ends, repeat(0), strict=False)


def _iter_wide(
    stream: BinaryIO, first: bytes, start: int, encoding: str, chunk_size: int
) -> Iterator[tuple[str, int, int]]:
    """UTF-16: decode incrementally, then split text; offsets are exact at chunk ends."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pos = start
    data = first[start:]
    pending = ""
    while True:
        at_eof = not data
        text = decoder.decode(data, final=at_eof)
        consumed = pos + len(data)
        pending += text
        if not at_eof and pending.endswith("\r"):
            data = stream.read(chunk_size)
            pos = consumed
            continue
        parts = _TEXT_LINE_ENDS.split(pending)
        rest = parts.pop()
        for line in parts:
            yield normalise(line), consumed, indent_of(line)
        if at_eof:
            if rest:
                yield normalise(rest), consumed, indent_of(rest)
            return
        while len(rest) > MAX_LINE:
            piece, rest = rest[:MAX_LINE], rest[MAX_LINE:]
            yield normalise(piece), consumed, 0
        pending = rest
        pos = consumed
        data = stream.read(chunk_size)
