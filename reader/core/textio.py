"""Bytes to clean lines, as a stream.

Dumps come from anywhere: UTF-8 with or without a BOM, UTF-16 with or without one, legacy code
pages (Windows-1252, Windows-1251, Shift-JIS, ...; see charsets.py), CR/LF/CRLF line ends
(sometimes mixed in one file), NULs and stray control characters. This module turns any of that
into normalised text lines with the byte offset where each line ends, reading a chunk at a time so
memory never depends on the file's size.

UTF-8 is the fast path: a chunk is decoded in one call. A line that is not UTF-8 is decoded with
the file's legacy code page, detected once, from the first chunk's non-UTF-8 lines. What was
decoded how, and whether the text may be garbled, goes to an optional report.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, filterfalse, repeat
from operator import add, itemgetter
from typing import BinaryIO, Protocol

from reader.core.charsets import DEFAULT_LEGACY, SAMPLE_BYTES, canonical, detect_legacy, sniff_utf16
from reader.core.wording import counted

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


class EncodingReport(Protocol):
    """Where iter_lines says how it decoded (dumps.ParseReport is one)."""

    encoding: str
    encoding_doubt: str | None


# Text that was UTF-8, read as Windows-1252 and saved as UTF-8 again: "â€™" for "’", "Ã©" for "é"
# (a UTF-8 continuation byte 0xA0-0xBF read as Windows-1252 is U+00A0-U+00BF).
_CONTINUATION = "".join(map(chr, range(0xA0, 0xC0)))


def _count_after(mark: str, neighbours: str, text: str, before: bool = True) -> int:
    """How often ``mark`` has one of ``neighbours`` just before it (or just after it).

    Finding one character is a memchr-speed scan; a regular expression would look at every
    character of every chunk, and these marks are rare.
    """
    n = 0
    i = text.find(mark)
    while i >= 0:
        j = i - 1 if before else i + 1
        if 0 <= j < len(text) and text[j] in neighbours:
            n += 1
        i = text.find(mark, i + 1)
    return n


class _Decoder:
    """Decodes lines that are not UTF-8 with the file's code page; keeps count of what is doubtful.

    Without a report, nothing is counted: the fast path stays as it was.
    """

    def __init__(self, report: EncodingReport | None, wide: str | None = None) -> None:
        self.report = report
        self.wide = wide  # the whole file's codec when it is not ASCII-compatible (UTF-16)
        self.legacy: str | None = None  # detected at the first line that is not UTF-8
        self.guess_doubt: str | None = None
        self.utf8 = False  # some line was UTF-8 beyond ASCII
        self.replaced = 0
        self.double = 0
        self.publish()

    def checked(self, text: str, utf8: bool = True) -> None:
        """Count what looks garbled in decoded text: C-speed scans, and none without a report."""
        if self.report is None:
            return
        if utf8 and not self.utf8 and not text.isascii():
            self.utf8 = True
            self.publish()
        if "\ufffd" in text:
            self.replaced += text.count("\ufffd")
            self.publish()
        found = _count_after("€", "â", text) + _count_after("Ã", _CONTINUATION, text, before=False)
        if found:
            self.double += found
            self.publish()

    def lines(self, parts: list[bytes]) -> list[str]:
        """Each line as UTF-8 if it is, else in the file's legacy code page."""
        out = []
        for raw in parts:
            try:
                text = raw.decode("utf-8")
                utf8 = True
            except UnicodeDecodeError:
                if self.legacy is None:
                    self.detect(parts)
                text = raw.decode(self.legacy or DEFAULT_LEGACY, errors="replace")
                utf8 = False
            out.append(text)
            if self.report is not None and not text.isascii():
                self.checked(text, utf8)
        return out

    def line(self, raw: bytes) -> str:
        return self.lines([raw])[0]

    def detect(self, parts: list[bytes]) -> None:
        sample = bytearray()
        for raw in parts:
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                sample += raw + b"\n"
                if len(sample) >= SAMPLE_BYTES:
                    break
        self.legacy, self.guess_doubt = detect_legacy(bytes(sample))
        self.publish()

    def publish(self) -> None:
        if self.report is None:
            return
        if self.wide:
            name = canonical(self.wide)
        elif self.legacy:
            name = f"utf-8 and {self.legacy}" if self.utf8 else self.legacy
        else:
            name = "utf-8"
        doubts = [self.guess_doubt] if self.guess_doubt else []
        if self.replaced:
            n = self.replaced
            doubts.append(f"{counted(n, 'character')} could not be decoded")
        if self.double:
            n = self.double
            doubts.append(f"{counted(n, 'place')} look encoded twice (â€™ for ’)")
        self.report.encoding = name
        self.report.encoding_doubt = "; ".join(doubts) or None


def sniff_encoding(head: bytes) -> tuple[str | None, int]:
    """The text encoding announced by a BOM (or betrayed by NUL patterns), and the BOM length.

    None means "UTF-8, falling back to the file's legacy code page line by line".
    """
    if head.startswith(codecs.BOM_UTF8):
        return None, 3
    if head.startswith(codecs.BOM_UTF32_LE):
        return "utf-32-le", 4
    if head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32-be", 4
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
    return sniff_utf16(head), 0


def iter_lines(
    stream: BinaryIO, chunk_size: int = CHUNK_SIZE, report: EncodingReport | None = None
) -> Iterator[tuple[str, int]]:
    """Yield (normalised line, byte offset just after the line) for every line of ``stream``.

    ``report`` (if given) learns the encoding and any doubt about the decoding as lines go by.
    """
    for text, end, _indent in iter_indented_lines(stream, chunk_size, report):
        yield text, end


def iter_indented_lines(
    stream: BinaryIO, chunk_size: int = CHUNK_SIZE, report: EncodingReport | None = None
) -> Iterator[tuple[str, int, int]]:
    """(normalised line, end offset, indent) for every line: the indent is the width of the white
    space that normalising took off the line's start (a tab counts 4), which hard-wrapped dumps use
    to start paragraphs. ``report``: as for iter_lines.

    The lines are made a chunk at a time and chained in C: a generator that handed out each line
    would cost a frame switch per line of the dump for each level it was nested in.
    """
    return chain.from_iterable(_batches(stream, chunk_size, report))


Batch = Iterable[tuple[str, int, int]]


def _batches(stream: BinaryIO, chunk_size: int, report: EncodingReport | None) -> Iterator[Batch]:
    head = stream.read(chunk_size)
    encoding, bom = sniff_encoding(head)
    decoder = _Decoder(report, encoding)
    if encoding is None:
        yield from _ascii_compatible_batches(stream, head, bom, chunk_size, decoder)
    else:
        yield from _wide_batches(stream, head, bom, encoding, chunk_size, decoder)


def indent_of(line: str) -> int:
    """Width of a raw line's leading white space (a tab counts 4); 0 for a blank line."""
    stripped = line.lstrip()
    if not stripped:
        return 0
    lead = line[: len(line) - len(stripped)]
    return len(lead) + 3 * lead.count("\t")


def _ascii_compatible_batches(
    stream: BinaryIO, first: bytes, start: int, chunk_size: int, decoder: _Decoder
) -> Iterator[Batch]:
    """UTF-8 / legacy code pages: line ends are plain bytes, so split bytes and decode lines."""
    pos = start
    pending = first[start:]
    chunk = first
    # From the second chunk on, what is left of the last one (its unfinished line) and the new
    # chunk are ``head`` and ``chunk``: the text is head + chunk, made only where it is needed.
    # (Joining them copied a whole chunk each time, into fresh memory to fault in.)
    head: bytes | None = None
    while True:
        at_eof = not chunk
        if head is not None:
            nl = chunk.rfind(b"\n")
            if nl < 0 or len(head) >= _GROUP or b"\r" in chunk:
                pending = head + chunk
                head = None
        if head is not None:
            # The common case: complete LF-ended lines in this chunk, read with the head
            # before them as one text by _lf_groups.
            complete = len(head) + nl + 1
            rest = chunk[nl + 1 :]
            yield from _lf_groups(chunk, complete, pos, decoder, head)
            pos += complete
            parts, ends = [], []
        elif not at_eof and pending.endswith(b"\r"):
            # A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
            chunk = stream.read(chunk_size)
            pending += chunk
            continue
        elif b"\r" in pending:
            parts = _LINE_ENDS.split(pending)
            ends = [m.end() - m.start() for m in _LINE_ENDS.finditer(pending)]
            rest = parts.pop()
        else:
            # The common case: lines made a group at a time, in C (see _lf_groups).
            complete = pending.rfind(b"\n") + 1
            rest = pending[complete:]
            yield from _lf_groups(pending, complete, pos, decoder)
            pos += complete
            parts, ends = [], []
        if parts:
            texts = decoder.lines(parts)
            batch = []
            for text, raw, sep in zip(texts, parts, ends, strict=False):
                pos += len(raw) + sep
                # normalise(), inlined: this loop runs once per line of the dump.
                if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
                    batch.append((text, pos, 0))
                else:
                    batch.append((normalise(text), pos, indent_of(text)))
            yield batch
        if at_eof:
            if rest:
                pos += len(rest)
                text = decoder.line(rest)
                yield ((normalise(text), pos, indent_of(text)),)
            return
        # A blob with no line ends: hand it out in bounded pieces.
        while len(rest) > MAX_LINE:
            cut = rest.rfind(b" ", 0, MAX_LINE)
            cut = cut + 1 if cut > 0 else MAX_LINE
            piece, rest = rest[:cut], rest[cut:]
            pos += len(piece)
            yield ((normalise(decoder.line(piece)), pos, 0),)
        chunk = stream.read(chunk_size)
        head = rest


# Printable ASCII: what _dirty() deletes from a chunk's bytes, leaving controls, line ends and
# non-ASCII characters (whole: every byte of a multi-byte UTF-8 character is 0x80 or more).
_ASCII_PRINTABLE = bytes(range(0x20, 0x7F))
_FIRST = itemgetter(slice(None, 1))
_LAST = itemgetter(slice(-1, None))


def _has_two_spaces(body: bytes) -> bool:
    """``b"  " in body``, by the C library's memmem where there is one, once the process has
    read enough text to pay for finding it (ctypes and the library: 13M instructions, about as
    much as memmem saves over 4 MiB; small dumps and the command line never load it).

    CPython's search for a two-byte needle whose last byte is as common as a space (every sixth
    byte of prose) stops at every space: about 1.5 ns a byte, 7% of parsing a clean UTF-8 dump.
    memmem's two-byte loop takes a third of that, and finds the same thing.
    """
    global _two_spaces, _searched
    _searched += len(body)
    if _searched < _MEMMEM_AFTER:
        return b"  " in body
    _two_spaces = _memmem_two_spaces() or _in_two_spaces
    return _two_spaces(body)


_MEMMEM_AFTER = 4 << 20
_searched = 0


def _in_two_spaces(body: bytes) -> bool:
    return b"  " in body


def _memmem_two_spaces() -> Callable[[bytes], bool] | None:
    try:
        import ctypes

        memmem = ctypes.CDLL(None).memmem
    except Exception:  # no C library to ask (Windows has no memmem): Python's search does
        return None
    memmem.restype = ctypes.c_void_p
    memmem.argtypes = (ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t)

    def two_spaces(body: bytes) -> bool:
        return memmem(body, len(body), b"  ", 2) is not None

    return two_spaces


_two_spaces: Callable[[bytes], bool] = _has_two_spaces


def _dirty(body: bytes, lines: list[str]) -> bool:
    """Might normalise() change a line of this LF-separated UTF-8 ``body`` (split into ``lines``)?

    Controls and every white space but the plain space are not printable; the rest is two spaces
    in a row or a space at either end of a line. Printability is asked of the few characters left
    once printable ASCII is deleted (bytes.translate, far cheaper than str.isprintable over all
    of it), and the ends of lines are looked at one character each, in C (a search for " \n" or
    "\n " stops at every space of the chunk).
    """
    if _two_spaces(body):
        return True
    rest = body.translate(None, _ASCII_PRINTABLE)
    if len(rest) != rest.count(b"\n") and not rest.decode("utf-8").replace("\n", "").isprintable():
        return True
    return " " in map(_FIRST, lines) or " " in map(_LAST, lines)


# The lines of a chunk are made this many bytes at a time (to the next line end): each group's
# bytes and strings are still in the CPU's cache when they are looked at and handed on, where a
# whole chunk's (1 MiB) were not.
_GROUP = 1 << 16


def _lf_groups(
    pending: bytes, complete: int, pos: int, decoder: _Decoder, head: bytes = b""
) -> Iterator[Batch]:
    """The lines of ``(head + pending)[:complete]`` (complete LF-ended lines) with their end
    offsets; ``head`` (shorter than a group) is joined to the first group only.

    A group of clean UTF-8 lines (nothing for normalise() to change) is handed on as it is. At
    the first group that is not, the rest of the chunk is made as one (_lf_lines), as the whole
    chunk was before: a line that is not UTF-8 sends every line of its chunk to the decoder's
    line-by-line path, which the groups before it (clean) come out of the same.
    """
    skip = len(head)  # (positions below are in head + pending)
    start = 0
    while start < complete:
        cut = pending.find(b"\n", start + _GROUP - skip)
        end = cut + skip + 1 if 0 <= cut < complete - skip else complete
        body = head + pending[: end - skip] if start < skip else pending[start - skip : end - skip]
        parts = body.split(b"\n")
        parts.pop()
        try:
            lines = list(map(bytes.decode, parts))
        except UnicodeDecodeError:
            lines = None
        if lines is None or _dirty(body, lines):
            yield _lf_lines(head + pending if skip else pending, start, complete, pos, decoder)
            return
        if decoder.report is not None:
            # What checked() looks for is not ASCII: the lines that are not, joined, are enough.
            decoder.checked("\n".join(filterfalse(str.isascii, lines)))
        ends = accumulate(map(add, map(len, parts), repeat(1)), initial=pos)
        next(ends)
        yield zip(lines, ends, repeat(0), strict=False)
        pos += end - start
        start = end


def _lf_lines(pending: bytes, start: int, complete: int, pos: int, decoder: _Decoder) -> Batch:
    """The lines of ``pending[start:complete]`` (the rest of a chunk) with their end offsets."""
    body = pending[start:complete]
    parts = body.split(b"\n")
    parts.pop()
    ends = accumulate(map(add, map(len, parts), repeat(1)), initial=pos)
    next(ends)
    try:
        # Line by line, in C: a line of ASCII decodes at memcpy speed into a one-byte string,
        # where one non-ASCII character anywhere made the whole chunk a two-byte string,
        # decoded character by character (about three times the cost) and split again.
        lines = list(map(bytes.decode, parts))
    except UnicodeDecodeError:  # a legacy line somewhere: decide line by line
        if decoder.legacy is None:
            # The code page is guessed from the whole chunk's lines that are not UTF-8.
            whole = pending[:complete].split(b"\n")
            whole.pop()
            decoder.detect(whole)
        raws = decoder.lines(parts)
        return zip(map(normalise, raws), ends, map(indent_of, raws), strict=True)
    if decoder.report is not None:
        decoder.checked("\n".join(filterfalse(str.isascii, lines)))
    if _dirty(body, lines):
        indents = [indent_of(line) if line[:1] in " \t\u00a0\u3000" else 0 for line in lines]
        return zip(map(normalise, lines), ends, indents, strict=True)
    return zip(lines, ends, repeat(0), strict=False)


def _wide_batches(
    stream: BinaryIO, first: bytes, start: int, encoding: str, chunk_size: int, decoder: _Decoder
) -> Iterator[Batch]:
    """UTF-16/32: decode incrementally, then split text; offsets are exact at chunk ends."""
    incremental = codecs.getincrementaldecoder(encoding)(errors="replace")
    pos = start
    data = first[start:]
    pending = ""
    while True:
        at_eof = not data
        text = incremental.decode(data, final=at_eof)
        decoder.checked(text, utf8=False)
        consumed = pos + len(data)
        pending += text
        if not at_eof and pending.endswith("\r"):
            data = stream.read(chunk_size)
            pos = consumed
            continue
        parts = _TEXT_LINE_ENDS.split(pending)
        rest = parts.pop()
        yield [(normalise(line), consumed, indent_of(line)) for line in parts]
        if at_eof:
            if rest:
                yield ((normalise(rest), consumed, indent_of(rest)),)
            return
        while len(rest) > MAX_LINE:
            piece, rest = rest[:MAX_LINE], rest[MAX_LINE:]
            yield ((normalise(piece), consumed, 0),)
        pending = rest
        pos = consumed
        data = stream.read(chunk_size)
