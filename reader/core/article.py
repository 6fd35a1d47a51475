"""The article: what the parser produces and the library stores.

The body keeps paragraphs and cross-heads in reading order as ``blocks``; the library stores it as
plain text (``body_text``) so that people who open the SQLite file themselves can read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Literal

BlockKind = Literal["p", "h"]
Block = tuple[BlockKind, str]


# An article longer than this, or with this many cross-heads, is flagged as possibly merged.
SUSPECT_WORDS = 6000
SUSPECT_CROSSHEADS = 8

# Cross-heads are stored as Markdown-style "## " lines; a paragraph that happens to start with
# "#" or "\" is escaped so that the round trip is exact.
_HEAD_PREFIX = "## "
_KIND = itemgetter(0)
_TEXT = itemgetter(1)
_FIRST = itemgetter(slice(None, 1))


@dataclass(slots=True)
class Article:
    title: str
    dateline: str | None = None
    summary: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    # Byte offsets of the article in its dump: start of its first line, end of its last line.
    start: int = 0
    end: int = 0
    # The dateline prefix as written, separator included ("WASHINGTON (AP) — "); "" when none.
    lead_prefix: str = ""
    # Index in ``blocks`` of the paragraph the dateline was taken from (after a byline it is 1).
    lead_block: int = 0
    # Lines the parser kept out of the text: scraping debris (a repeated headline), separators,
    # sign-offs and credits ("Reuter", "(Reporting by ...)"), captions and page boilerplate.
    dropped: list[str] = field(default_factory=list)
    # "By Ann Lee", "Ann Lee, Reuters": who wrote it, without the "By ".
    byline: str | None = None
    # Publication date as an ISO date ("2019-03-02"), from a date line or a dated dateline; never
    # with an invented year.
    published: str | None = None
    # The dump gave no headline: ``title`` was made from the first sentence.
    title_derived: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]

    @property
    def crossheads(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "h"]

    @property
    def body_text(self) -> str:
        return blocks_to_text(self.blocks)

    @property
    def words(self) -> int:
        """Words a reader reads: summary, cross-heads and paragraphs (not the headline).

        Lines are whitespace-normalised by the parser, so counting spaces counts words.
        """
        summary, blocks = self.summary, self.blocks
        spaces = sum(map(str.count, summary, repeat(" ")))
        spaces += sum(map(str.count, map(_TEXT, blocks), repeat(" ")))
        return spaces + len(summary) + len(blocks)

    @property
    def fingerprint(self) -> str:
        """Identity of the content for duplicate detection.

        Spacing is ignored (the parser already folded white space), so the same story scraped
        twice is recognised; any change of words or punctuation makes a different article.
        """
        from hashlib import blake2b  # imported here: the window reads articles, never hashes

        return blake2b(fingerprint_bytes(self), digest_size=16).hexdigest()

    @property
    def crosshead_positions(self) -> list[int]:
        """For each cross-head, how many paragraphs come before it: where to show it."""
        out, n = [], 0
        for kind, _ in self.blocks:
            if kind == "p":
                n += 1
            else:
                out.append(n)
        return out

    def looks_merged(self) -> bool:
        """Too long, or too many cross-heads, for one article: headlines may have been missed."""
        return self._long() or self._heads() >= SUSPECT_CROSSHEADS

    def doubtful(self) -> bool:
        """``bool(self.doubts())`` without the words: the parser asks it of every article."""
        return (
            self.title_derived
            or self._long()
            # (fewer blocks than that many cross-heads: not counted)
            or (len(self.blocks) >= SUSPECT_CROSSHEADS and self._heads() >= SUSPECT_CROSSHEADS)
        )

    def _heads(self) -> int:
        return [kind for kind, _ in self.blocks].count("h")  # (asked of every article parsed)

    def _long(self) -> bool:
        # A word and its space take two characters at least: most articles are ruled out by
        # their length alone, without counting words (this runs for every article parsed).
        if sum(map(len, map(_TEXT, self.blocks))) < 2 * SUSPECT_WORDS:
            return False
        return self.words > SUSPECT_WORDS

    def doubts(self) -> list[str]:
        """Why this article may be parsed wrong (empty when it looks right); words for a person."""
        out = []
        if self._long():
            out.append(f"very long ({self.words:,} words): articles may be merged")
        heads = self._heads()
        if heads >= SUSPECT_CROSSHEADS:
            out.append(f"{heads} cross-heads: headlines may have been taken for cross-heads")
        if self.title_derived:
            out.append("no headline: the title was made from the first sentence")
        return out

    def to_json(self) -> dict:
        # One pass over the blocks (this runs once per article of every `dispatch parse --json`).
        paragraphs: list[str] = []
        crossheads: list[str] = []
        positions: list[int] = []
        words = sum(s.count(" ") + 1 for s in self.summary)
        for kind, text in self.blocks:
            words += text.count(" ") + 1
            if kind == "p":
                paragraphs.append(text)
            else:
                crossheads.append(text)
                positions.append(len(paragraphs))
        return {
            "title": self.title,
            "title_derived": self.title_derived,
            "byline": self.byline,
            "published": self.published,
            "dateline": self.dateline,
            "summary": list(self.summary),
            "paragraphs": paragraphs,
            "crossheads": crossheads,
            "crosshead_positions": positions,
            "words": words,
            "fingerprint": self.fingerprint,
            "dropped": list(self.dropped),
            "start": self.start,
            "end": self.end,
        }


def fingerprint_parts(a: Article) -> list[bytes]:
    """The UTF-8 of the headline, each summary line and each block, in that order.

    Each part is encoded on its own (UTF-8 of a join is the join of the parts' UTF-8): the parts
    in ASCII, most of them, are copied as they are, and only the ones beyond ASCII go through the
    slower encoder (a single curly quote made a whole joined text need it).
    """
    return list(map(str.encode, (a.title, *a.summary, *map(_TEXT, a.blocks))))


def fingerprint_bytes(a: Article, parts: list[bytes] | None = None) -> bytes:
    """What :attr:`Article.fingerprint` hashes: :func:`fingerprint_parts` apart by the record
    separator (0x1E); ``parts`` when already made."""
    return b"\x1e".join(fingerprint_parts(a) if parts is None else parts)


def unmarked(blocks: list[Block]) -> bool:
    """Whether :func:`blocks_to_text` is the blocks' texts joined as they are: no cross-head,
    no paragraph starting with "#" or "\\" (usually so)."""
    if "h" in map(_KIND, blocks):
        return False
    firsts = "".join(map(_FIRST, map(_TEXT, blocks)))
    return "#" not in firsts and "\\" not in firsts


def blocks_to_utf8(blocks: list[Block], encoded: list[bytes]) -> bytes:
    """``blocks_to_text(blocks).encode()`` from each block's text already in UTF-8 (``encoded``)."""
    if unmarked(blocks):
        return b"\n\n".join(encoded)
    out = []
    for (kind, _), data in zip(blocks, encoded, strict=True):
        if kind == "h":
            out.append(b"## " + data)
        elif data.startswith((b"#", b"\\")):
            out.append(b"\\" + data)
        else:
            out.append(data)
    return b"\n\n".join(out)


def blocks_to_text(blocks: list[Block]) -> str:
    """Paragraphs separated by blank lines; cross-heads as "## " lines."""
    if unmarked(blocks):
        return "\n\n".join(map(_TEXT, blocks))
    out = []
    for kind, text in blocks:
        if kind == "h":
            out.append(_HEAD_PREFIX + text)
        elif text.startswith(("#", "\\")):
            out.append("\\" + text)
        else:
            out.append(text)
    return "\n\n".join(out)


def text_to_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in text.split("\n\n"):
        if not chunk:
            continue
        if chunk.startswith(_HEAD_PREFIX):
            blocks.append(("h", chunk[len(_HEAD_PREFIX) :]))
        elif chunk.startswith("\\"):
            blocks.append(("p", chunk[1:]))
        else:
            blocks.append(("p", chunk))
    return blocks
