"""Which text encoding a dump that is not UTF-8 is written in, and whether the guess is sound.

Most dumps are UTF-8 and never come here. The rest are legacy files from one region's Windows or
ISO code page (Windows-1251 Russian, Shift-JIS Japanese, ISO-8859-2 Polish ...) or UTF-16 saved
without a byte-order mark. Legacy code pages are told apart by charset-normalizer, which decodes a
sample with every candidate and measures how messy and how language-like each result is; the
rules here only pick among the candidates it finds equally good, so that Western text stays
Windows-1252 as it always was.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

log = logging.getLogger(__name__)

# What a dump that is not UTF-8 is read as when nothing better is known: the code page of most
# Western legacy files, and one that decodes all but five bytes.
DEFAULT_LEGACY = "cp1252"
# Bytes of non-UTF-8 lines handed to the detector: enough for any code page, bounded in time.
SAMPLE_BYTES = 256 * 1024
# Candidates whose mess ratio is this close to the best one's are equally good: preference decides.
_TIE = 0.01
# A best guess messier than this is reported as doubtful (charset-normalizer drops those above 0.2).
_DOUBTFUL_CHAOS = 0.1

# Among equally good candidates, the more widespread code page wins (lower index first).
_PREFERENCE = [
    "cp1252", "cp1250", "cp1251", "koi8-r", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "iso8859-2", "iso8859-7", "iso8859-5", "iso8859-9", "iso8859-13", "iso8859-15",
    "koi8-u", "cp932", "shift_jis", "euc_jp", "gb18030", "gbk", "gb2312", "big5", "cp949",
    "euc_kr", "cp874", "tis-620",
]  # fmt: skip
# Windows code pages and the ISO page with the same letters elsewhere. A file without a single
# byte in 0x80-0x9F (where Windows pages keep letters and ISO pages only control codes) that both
# read cleanly is an ISO file: Czech in Windows-1250 cannot avoid "š" (0x9A), for instance.
_ISO_SIBLING = {"cp1250": "iso8859-2", "cp1253": "iso8859-7", "cp1254": "iso8859-9",
                "cp1257": "iso8859-13"}  # fmt: skip
# Bytes looked at for UTF-16 without a byte-order mark.
SNIFF_BYTES = 64 * 1024


# Languages of Windows-1252 (charset-normalizer's names); "Unknown" for samples too short to tell.
_WESTERN = {"English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch", "Swedish",
            "Norwegian", "Danish", "Finnish", "Indonesian", "Unknown"}  # fmt: skip
# Latin-1 symbols (¹ ³ ¿ ± ¾ ...) between two letters: Central European letters read as Western.
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[\u00a1-\u00b6\u00b8-\u00bf\u00d7\u00f7](?=[^\W\d_])")
_LETTER = re.compile(r"[^\W\d_]")


def _reads_western(sample: bytes) -> bool:
    """Does ``sample`` read as Windows-1252 text: mostly plain letters, no symbols inside words?

    Cyrillic, Greek or Arabic read that way is nearly all accented letters; Polish or Czech from
    ISO-8859-2 has "³" for "ł" and "¹" for "š" inside words.
    """
    text = sample.decode(DEFAULT_LEGACY, errors="replace")
    letters = _LETTER.findall(text)
    accented = sum(1 for ch in letters if ch > "\x7f")
    undefined = text.count("\ufffd")
    odd = len(_SYMBOL_IN_WORD.findall(text))
    return (
        accented <= 0.3 * len(letters)
        and undefined <= max(1, accented // 100)
        and odd <= accented // 50
    )


def _rank(match: CharsetMatch, rank: dict[str, int]) -> int:
    """Place of a candidate in _PREFERENCE; Windows-1252 comes last when the detector hears
    another language in it (Czech from Windows-1250 reads cleanly in Windows-1252 too: "ø" for
    "ř", "è" for "č")."""
    codec = canonical(match.encoding)
    if codec == DEFAULT_LEGACY and match.language not in _WESTERN:
        return len(rank)
    return rank.get(codec, len(rank))


def _western_match(matches: list[CharsetMatch]) -> bool:
    """The detector itself hears a Western language in the text read as Windows-1252."""
    return any(
        canonical(m.encoding) == DEFAULT_LEGACY and m.language in _WESTERN - {"Unknown"}
        for m in matches
    )


def _shouting(text: str) -> bool:
    """Mostly capitals: how Russian in KOI8-R reads as Windows-1251 (and the other way round),
    the two code pages keeping capitals and small letters in each other's places."""
    text = text[:32768]
    lower = sum(1 for ch in text if ch.islower())
    upper = sum(1 for ch in text if ch.isupper())
    return upper >= 20 and upper > 2 * lower


def canonical(codec: str) -> str:
    """Python's own name for a codec ("koi8_r" → "koi8-r"), so that names compare."""
    return codecs.lookup(codec).name


def _ascii_compatible(codec: str) -> bool:
    """Line ends and ASCII are themselves in this codec, so lines can be split as bytes."""
    try:
        return "\r\n az:".encode(codec) == b"\r\n az:"
    except (LookupError, UnicodeError):
        return False


def _decodes(sample: bytes, codec: str) -> str | None:
    try:
        return sample.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None


def _bounded(sample: bytes) -> bytes:
    """At most SAMPLE_BYTES of ``sample``, never cut inside a character.

    The cut falls after a line end or a space: no multi-byte code page (Shift-JIS, GB18030,
    Big5) uses those bytes inside a character, and a character cut in half would make the
    detector reject the right code page.
    """
    if len(sample) <= SAMPLE_BYTES:
        return sample
    cut = max(sample.rfind(b"\n", 0, SAMPLE_BYTES), sample.rfind(b" ", 0, SAMPLE_BYTES))
    return sample[: cut + 1] if cut > 0 else sample[:SAMPLE_BYTES]


def detect_legacy(sample: bytes) -> tuple[str, str | None]:
    """(codec, doubt) for ``sample``, bytes of lines that are not UTF-8.

    The doubt is None when the text reads cleanly in the codec, else words for a person.
    """
    from charset_normalizer import from_bytes  # imported here: UTF-8 dumps never need it

    sample = _bounded(sample)
    try:
        matches = [
            m
            for m in from_bytes(sample, preemptive_behaviour=False)
            if _ascii_compatible(m.encoding)
        ]
    except Exception:  # a detector bug must not cost the import: the old default stands
        log.exception("charset detection failed")
        matches = []
    if not matches:
        return DEFAULT_LEGACY, (
            "the text encoding was not recognised (read as cp1252): some characters may be wrong"
        )
    best = min(matches, key=lambda m: m.chaos)
    ties = [m for m in matches if m.chaos <= best.chaos + _TIE]
    rank = {name: i for i, name in enumerate(_PREFERENCE)}
    chosen = min(ties, key=lambda m: (_shouting(str(m)), _rank(m, rank)))
    codec = canonical(chosen.encoding)
    if codec != DEFAULT_LEGACY and (
        _decodes(sample, DEFAULT_LEGACY) == str(chosen)
        or ((chosen.language in _WESTERN or _western_match(matches)) and _reads_western(sample))
    ):
        # The detector is unsure between code pages on short Western samples (French as
        # Windows-1257, German as Windows-1250): Western files stay Windows-1252.
        codec = DEFAULT_LEGACY
    sibling = _ISO_SIBLING.get(codec)
    if sibling and not any(0x80 <= b < 0xA0 for b in set(sample)) and _decodes(sample, sibling):
        codec = sibling
    doubt = None
    if chosen.chaos >= _DOUBTFUL_CHAOS:
        doubt = f"the text may be garbled: it reads only roughly as {codec}"
    log.info("detected %s (mess %.3f) for a %d-byte sample", codec, chosen.chaos, len(sample))
    return codec, doubt


# Format characters that real text uses: soft hyphen, zero-width (non-)joiners and marks, BOM.
_TEXT_FORMAT = {"\u00ad", *map(chr, range(0x200B, 0x2010)), *map(chr, range(0x202A, 0x202F)),
                "\u2060", "\ufeff"}  # fmt: skip


def _clean_text(text: str) -> bool:
    """Hardly any control, format, unassigned or private-use characters.

    Text read with the wrong byte order, or bytes that are not UTF-16 at all, decode to those
    (Latin text in the wrong order: "e " becomes U+2065, unassigned).
    """
    bad = 0
    for ch in set(text):
        if ch in "\t\n\r\f" or ch in _TEXT_FORMAT:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs"):
            bad += text.count(ch)
    return bad <= len(text) // 200


def sniff_utf16(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    Latin text is betrayed by NULs in every other byte (the caller checks that first); text in
    other scripts (Cyrillic, Greek, Chinese) has NULs only where it has ASCII: spaces, digits,
    line ends. So: some NULs, mostly on one side of the byte pairs, and the pairs decode to
    clean characters with spaces or line ends among them, which the pairs of a UTF-8, legacy or
    binary file do not.
    """
    sample = sample[: min(len(sample), SNIFF_BYTES) & ~1]
    nuls = sample.count(0)
    if nuls < 4 or len(sample) < 32:
        return None  # too little to tell ("00000000\n\0\n\0" is no UTF-16)
    odd = sample[1::2].count(0)
    for codec, aligned in (("utf-16-le", odd), ("utf-16-be", nuls - odd)):
        if aligned < 0.75 * nuls:
            continue
        text = _decodes(_whole_units(sample, codec), codec)
        if text and _clean_text(text) and (text.count(" ") + text.count("\n")) * 1000 >= len(text):
            return codec
    return None


def _whole_units(sample: bytes, codec: str) -> bytes:
    """``sample`` without a surrogate pair cut in half at its end."""
    last = sample[-2:]
    high = last[1] if codec == "utf-16-le" else last[0]
    return sample[:-2] if len(last) == 2 and 0xD8 <= high <= 0xDB else sample
