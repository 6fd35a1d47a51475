"""The shape of a line of news text: could it be a headline, is it a sentence, what words it
carries. Pure functions of the text, used to weigh where articles start."""

from __future__ import annotations

import re

from reader.core.layout import Unit

MAX_HEADLINE_CHARS = 180
MAX_HEADLINE_WORDS = 28
CLOSING = "\"'”’»)]›"
_TERMINAL = ".,;:…"
_OPENING_OK = "\"'“‘’”«(‹¿¡"
# Wire copy marks a company's name so: "<ACME HOLDINGS> BUYS WIDGETCO", "<Acme Corp> sets payout".
_WIRE_MARK = re.compile(r"<[A-Z0-9][^<>]{0,60}> ")
# Abbreviations whose full stop does not end a sentence ("Mr. Witkoff", "U.S. Senate").
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "prof", "lt", "col",
    "capt", "sgt", "vs", "no", "inc", "co", "corp", "ltd", "mt", "ft", "rev", "u.s", "u.k", "u.n",
    "e.u", "d.c", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "a.m", "p.m", "approx", "est", "dept", "univ",
}  # fmt: skip
_SENTENCE_BREAK = re.compile(r"(\S+)[.?!][”’\"']?\s+[“‘\"']?[A-Z0-9]")
_BREAK_TAIL = re.compile(r"[.?!][”’\"']?\s+[“‘\"']?[A-Z0-9]")
BYLINE_START = re.compile(r"^(?:by|from|reporting by|words by)\s", re.IGNORECASE)
HAS_DIGIT = re.compile(r"\d")
_STOP = frozenset(
    """about above after again against also although among another any anyone are around back
    been before being below between both but came can could did does doing down during each
    even ever every few first from further get gets going good had has have having her here hers
    herself him himself his how however into its itself just last later least less like made
    make many may might more most much must near need never new next not now off often once one
    only other others our ours out over own per said same says see seen she should since some
    still such take than that the their theirs them themselves then there these they this those
    though three through thus time told too two under until upon very was way well were what
    when where whether which while who whom whose why will with within without would year years
    yet you your yours week weeks today monday tuesday wednesday thursday friday saturday sunday
    percent people""".split()
)


def is_headline_shaped(line: str) -> bool:
    """Short, not a sentence: no closing full stop, no sentence break inside."""
    if len(line) > MAX_HEADLINE_CHARS or not line:
        return False
    first = line[0]
    if not (
        first.isupper()
        or first.isdigit()
        or first in _OPENING_OK
        or (first.isalpha() and len(line) > 1 and line[1].isupper())  # camelCase: "iPhone"
        or (first == "<" and _WIRE_MARK.match(line))
    ):
        return False
    core = line.rstrip(CLOSING)
    if not core or core[-1] in _TERMINAL:
        return False
    if line.count(" ") >= MAX_HEADLINE_WORDS:
        return False
    return not sentence_break(line)


def sentence_break(line: str) -> bool:
    # Every break ends in what _BREAK_TAIL finds; it opens with a character class, which the
    # engine scans for in C, where _SENTENCE_BREAK (opening with \S+) is tried at every character.
    if _BREAK_TAIL.search(line) is None:
        return False
    for m in _SENTENCE_BREAK.finditer(line):
        if m.group(1).rstrip(".").lower().lstrip("(“‘\"'") not in _ABBREV:
            return True
    return False


def is_candidate(text: str) -> bool:
    """Could be a headline at all (loosely: headlines may end in "." or "?")."""
    if len(text) > MAX_HEADLINE_CHARS or not text:
        return False
    first = text[0]
    if not (
        first.isupper()
        or first.isdigit()
        or first in _OPENING_OK
        or (first.isalpha() and len(text) > 1 and text[1].isupper())
        or (first == "<" and _WIRE_MARK.match(text))
    ):
        return False
    spaces = text.count(" ")
    if spaces >= MAX_HEADLINE_WORDS:
        return False
    core = text.rstrip(CLOSING)
    if not core or core[-1] in ",;:":
        return False
    # A headline may end in a full stop, but then it is short: a long one is a sentence.
    return core[-1] != "." or spaces < 14


def is_caps(text: str) -> bool:
    """ALL CAPS ("COCOA GROWERS WARN"; "ACME <ACME.N> RAISES DIVIDEND")."""
    return text.isupper() and len(text) >= 6


_OPENING_OR_MARK = _OPENING_OK + "<"


def is_title_case(text: str) -> bool:
    """Most words of four letters or more capitalised ("How a Small Town Saved Its Bakery")."""
    words = text.split()
    total = len(words)
    n = caps = misses = 0
    for w in words:
        if len(w) > 3:
            n += 1
            c = w[0]
            if c in _OPENING_OR_MARK:  # (an opening quote or bracket, "<": the next letter)
                c = w[1]
            if c.isupper():
                caps += 1
            else:
                misses += 1
                if misses * 5 > total:
                    # More than a fifth of all words (so of the long ones) are not capitalised:
                    # sentence case, whatever follows (most lines that are asked).
                    return False
    if n < 2:
        return False
    return caps >= 0.8 * n


# Words of four letters or more (digits and apostrophes split them: "council's" is "council"),
# found by the regular-expression engine, so that no Python code runs per word.
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
# In lower-case ASCII a letter is a-z: every other byte made a space, the words are what split()
# finds, several times cheaper than the Unicode class (the engine tests it per character). Curly
# quotes and dashes split words either way, so they are made spaces first: most news text is
# then ASCII.
_NOT_LETTER = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))
_SPLITTERS = ("\u2019", "\u201c", "\u201d", "\u2018", "\u2014", "\u2013")


def content_words(unit: Unit) -> frozenset[str]:
    """The words that carry a unit's subject: lower case, four letters or more, stop words out.
    The first 150 characters are enough (measured on the layout fixtures: the same separation
    across article boundaries as whole paragraphs)."""
    if unit.words is None:
        text = unit.text[:150].lower()
        if not text.isascii():
            for c in _SPLITTERS:
                if c in text:
                    text = text.replace(c, " ")
        if text.isascii():
            words = text.encode("ascii").translate(_NOT_LETTER).decode("ascii").split()
            unit.words = frozenset([w for w in words if len(w) > 3 and w not in _STOP])
        else:
            unit.words = frozenset(_CONTENT_WORD.findall(text)) - _STOP
    return unit.words


def ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSING)
    return bool(core) and core[-1] in ".!?…"
