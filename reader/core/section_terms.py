"""The words and phrases of a text as the section knowledge spells them.

Text is lower-cased, accents folded and split into words; capitalised short forms ("WHO", "US")
are expanded first; the knowledge's terms are then found in one compiled scan, phrases
longest-first (:class:`_TermMatcher`). The classifier (:mod:`reader.core.sections`) counts the
evidence; this module only turns text into weighted term counts, fast (the hot path of an import
runs in C: translate, lower, split, join, the scan, Counter).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

try:  # Counter's own counting loop in C (what Counter(iterable) calls after Python checks)
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Pythons without the C helper

    def _count_elements(mapping: dict, iterable: Iterable[str]) -> None:
        for elem in iterable:
            mapping[elem] = mapping.get(elem, 0) + 1


from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

# How much each part of an article counts: the headline and summary say what the story is about.
TITLE_WEIGHT = 3
SUMMARY_WEIGHT = 2
# The start of the body is enough to know the topic, and reading it all would slow large imports.
BODY_CHARS = 700

# Between fields, so that no phrase is matched across a headline and a body: a "word" that no text
# contains (if one ever did, it is removed from that text first), so one findall splits everything.
_SEPARATOR = "qqfieldbreakqq"

_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """A word without accents ("dončić" -> "doncic"); names repeat, so this is cached."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=256)
def _cased_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^ ]){re.escape(form)}(?![^ ])")


def split_words(text: str, cased: Mapping[str, str] | None = None) -> list[str]:
    """Lower-cased, accent-free words; capitalised short forms in ``cased`` expanded first."""
    return split_keep(text, cased)[0]


# ASCII bytes that are not letters or digits become spaces; other bytes (UTF-8 of everything
# beyond ASCII) are kept, and dealt with by _spaced_words.
_ASCII_SPACES = bytes(
    b if (chr(b).isascii() and chr(b).isalnum()) or b >= 0x80 else 0x20 for b in range(256)
)
# Punctuation beyond ASCII that news text is full of: curly quotes, dashes, ellipsis, no-break
# and thin spaces. None is part of a word; each is replaced by a space in one C scan.
_PUNCTUATION = "“”‘’—–…«»\u00a0\u2009\u200b"


def _spaced_words(text: str) -> list[str]:
    """``_WORD.findall(text)``, three times faster (see :func:`_spaced_text`)."""
    return _spaced_text(text).split()


def split_keep(text: str, cased: Mapping[str, str] | None) -> tuple[list[str], str, str]:
    """Words as :func:`split_words` gives them, with the words joined as written and folded.

    A possessive "'s" becomes a lone "s" that matches nothing; the knowledge files are split the
    same way, so "Women's Super League" still matches. The joined strings let the reasons be shown
    as the article writes them.
    """
    words = _spaced_words(text)
    written, folded = _expand_and_fold(" ".join(words), cased)
    return folded.split(), written, folded


def _spaced_text(text: str) -> str:
    """The words of ``text`` as written, apart by one or more spaces (``_WORD.findall`` joined).

    ASCII punctuation becomes spaces in one C ``bytes.translate``, common punctuation beyond ASCII
    in a few ``str.replace``; only a text with other characters (accented names) looks at its
    words one by one. Runs of spaces are left: splitting and joining again would cost as much.
    The marks go first (they are not ASCII, the translation leaves them alone): a text with no
    other character beyond ASCII is then ASCII, and is encoded and decoded as such (the UTF-8 of
    text beyond Latin-1, both ways, was most of the cost for a text with curly quotes).
    """
    if not text.isascii():
        for mark in _PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
    try:
        spaced = text.encode("utf-8").translate(_ASCII_SPACES).decode("utf-8")
    except UnicodeError:  # a lone surrogate
        return " ".join(_WORD.findall(text))
    if spaced.isascii():
        return spaced
    words = spaced.split()
    return " ".join(
        [part for word in words for part in ((word,) if word.isascii() else _WORD.findall(word))]
    )


def _expand_and_fold(
    written: str, cased: Mapping[str, str] | None, not_forms: bytes | None = None
) -> tuple[str, str]:
    """(``written`` with short forms expanded, the same lower-cased and accent-free).

    ``written`` holds words apart by spaces; a form counts where it stands as a word.
    ``not_forms`` (see :func:`_not_form_bytes`) lets an ASCII text be checked in one pass.
    """
    if cased and not_forms is not None and written.isascii():
        # Only the forms' characters and the spaces kept: a form standing as a word in the text
        # still does in that (few bytes: capitals and spaces), so most texts skip the loop.
        kept = f" {written.encode().translate(None, not_forms).decode()} "
        if not any(f" {form} " in kept for form in cased):
            cased = None
    if cased:
        padded = ""
        for form, phrase in cased.items():
            if form in written:  # in C; most texts hold no form, and fewer as a word
                padded = padded or f" {written} "
                word = f" {form} "
                # Twice: a replacement takes the space that the next form's word needs too.
                padded = padded.replace(word, f" {phrase} ").replace(word, f" {phrase} ")
        if padded:
            written = padded[1:-1]
    folded = written.lower()
    if folded.isascii():
        return written, folded
    # Fold the words beyond ASCII one by one (a regex over the text backtracked on every word:
    # most of the cost of a text with one accent).
    words = folded.split(" ")
    return written, " ".join([w if w.isascii() else _fold_word(w) for w in words])


def _not_form_bytes(cased: Mapping[str, str]) -> bytes | None:
    """Every byte but the space and those of the short forms (for bytes.translate's delete),
    or None when a form is not ASCII or not one word."""
    forms = "".join(cased)
    if not forms.isascii() or any(
        not form or form != form.strip() or " " in form for form in cased
    ):
        return None
    return bytes(range(256)).translate(None, (forms + " ").encode())


def parse_cased(text: str) -> dict[str, str]:
    cased = {}
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        form, _, phrase = line.partition("=")
        if form.strip():
            cased[form.strip()] = phrase.strip()
    return cased


def plurals(word: str) -> list[str]:
    """English plural forms of the last word of a term, so that lists need not spell them out."""
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        return [word + "es"]
    if word.endswith("s"):  # already plural ("troops") or never pluralised ("news", "chaos")
        return []
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + "s"]


def parse_terms(text: str, tokenizer: Tokenizer) -> dict[str, float]:
    """Parse "@weight" blocks of comma-separated terms; plurals are added unless listed."""
    explicit: dict[str, float] = {}
    weight = 1.0
    block: list[str] = []

    def flush() -> None:
        for raw in " ".join(block).split(","):
            words = tokenizer.words(raw)
            if words:
                key = " ".join(words)
                explicit[key] = max(explicit.get(key, 0.0), weight)
        block.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@"):
            flush()
            weight = float(stripped[1:])
            continue
        block.append(stripped)
    flush()
    result = dict(explicit)
    for key, w in explicit.items():
        head, _, last = key.rpartition(" ")
        for plural in plurals(last):
            form = f"{head} {plural}" if head else plural
            if form not in explicit:
                result[form] = max(result.get(form, 0.0), w)
    return result


class Tokenizer:
    """Words of a text as the knowledge spells them; an article's terms with weighted counts."""

    def __init__(self, cased: Mapping[str, str], table: Mapping[str, object]) -> None:
        self._cased = dict(cased)
        # Short forms whose phrases are plain words apart by one space (the shipped ones): the
        # fast path of analyse() may then space an ASCII text's words without splitting it.
        self._plain_cased = all(p == " ".join(p.split()) for p in self._cased.values())
        self._not_forms = _not_form_bytes(self._cased)
        self._table = table
        self._matcher = _TermMatcher(list(table))

    def __getstate__(self) -> dict[str, object]:
        return {"cased": self._cased, "table": self._table}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["cased"], state["table"])  # type: ignore[misc]

    def words(self, text: str) -> list[str]:
        return split_words(text, self._cased)

    def counts(self, title: str, summary: Iterable[str], text: str) -> Counter[str]:
        return self.analyse(title, summary, text).counts

    def analyse(
        self, title: str, summary: Iterable[str], text: str, keep_words: bool = False
    ) -> Analysis:
        """Weighted counts of an article's terms: phrases longest-first, then the remaining words.

        The headline counts TITLE_WEIGHT times, the summary SUMMARY_WEIGHT times, the start of the
        body once. Only the knowledge's terms are counted, each at least once (see _TermMatcher);
        ``keep_words`` also counts every plain word (what learning compares).
        """
        if isinstance(summary, str):  # one summary line passed on its own
            summary = [summary]
        summary_text = " ".join(summary) if summary else ""
        body = text[:BODY_CHARS]
        joined = f"{title} {_SEPARATOR} {summary_text} {_SEPARATOR} {body}"
        written, folded = _expand_and_fold(_spaced_text(joined), self._cased, self._not_forms)
        if not keep_words and self._plain_cased and folded.isascii():
            fields = _fields(folded)
            if fields is not None:
                return Analysis(self._matcher.counts_spaced(*fields), written, folded)
        seq = folded.split()
        if seq.count(_SEPARATOR) != 2:  # a text spelling the separator: drop it there
            parts = [
                re.sub(_SEPARATOR, " ", part, flags=re.IGNORECASE)
                for part in (title, summary_text, body)
            ]
            joined = f"{parts[0]} {_SEPARATOR} {parts[1]} {_SEPARATOR} {parts[2]}"
            written, folded = _expand_and_fold(_spaced_text(joined), self._cased)
            seq = folded.split()
        a = seq.index(_SEPARATOR)
        b = seq.index(_SEPARATOR, a + 1)
        counts = self._matcher.counts(seq[:a], seq[a + 1 : b], seq[b + 1 :])
        # Learning compares plain words: phrases would split "Gaza" into "northern Gaza", "Gaza
        # Strip"... and hide what stories share.
        words = None
        if keep_words:
            words = Counter(seq[:a] * TITLE_WEIGHT + seq[a + 1 : b] * SUMMARY_WEIGHT + seq[b + 1 :])
        return Analysis(counts, written, folded, words)


class _TermMatcher:
    """Finds the knowledge's terms in runs of words in one compiled scan, phrases longest-first.

    Each term is a pattern of its words with two spaces between them and one on each side
    (" prime  minister "), searched for in the words joined the same way: a pattern can then only
    start and end where words do, and two words side by side never share a space. Leftmost-longest
    matching without overlaps is the rule the knowledge is written for: at each word the longest
    term that starts there is counted, and the words inside it do not vote again on their own.
    The scan is ahocorasick_rs (Aho-Corasick, Rust): one pass in C over the text instead of a
    Python walk over every word pair, whatever the number of terms.
    """

    def __init__(self, terms: list[str]) -> None:
        patterns = [f" {'  '.join(term.split(' '))} " for term in terms]
        self._term_of = dict(zip(patterns, terms, strict=True))
        self._find = None
        if patterns:
            # A contiguous NFA: 4 MB for the shipped 20,000 terms, built in ~30 ms; a DFA scans
            # twice as fast but takes 30 MB in every process that classifies.
            matcher = AhoCorasick(
                patterns,
                matchkind=MatchKind.LeftmostLongest,
                store_patterns=True,
                implementation=Implementation.ContiguousNFA,
            )
            self._find = matcher.find_matches_as_strings

    def counts_spaced(self, title: str, summary: str, body: str) -> Counter[str]:
        """:meth:`counts` of fields already spaced for the scan (see :func:`_fields`)."""
        find = self._find
        counts: Counter[str] = Counter()
        if find is None:
            return counts
        found = find(title) * TITLE_WEIGHT + find(summary) * SUMMARY_WEIGHT + find(body)
        if found:
            _count_elements(counts, map(self._term_of.__getitem__, found))
        return counts

    def counts(self, title: list[str], summary: list[str], body: list[str]) -> Counter[str]:
        """The terms in a headline, a summary and a body, counted by their weights."""
        find = self._find
        if find is None:
            return Counter()
        found = (
            find(f" {'  '.join(title)} ") * TITLE_WEIGHT
            + find(f" {'  '.join(summary)} ") * SUMMARY_WEIGHT
            + find(f" {'  '.join(body)} ")
        )
        return Counter(map(self._term_of.__getitem__, found))


_FIELD_BREAK = f" {_SEPARATOR} "
_RUNS = re.compile("  +")


def _fields(folded: str) -> list[str] | None:
    """The headline, summary and body of an ASCII ``folded`` text, spaced as _TermMatcher
    searches them (``f" {'  '.join(words)} "``, or "" for no word), or None unless it holds
    exactly two separators.

    The same strings as splitting the text into words and joining each field's again, in a few
    passes of C over the text instead of making an object of every word: runs of spaces become
    one, then every space two. Only for text whose white space is the ASCII space alone (the
    caller checks: ASCII text out of _spaced_text and _expand_and_fold, plain short forms).
    """
    folded = _RUNS.sub(" ", folded)
    spaced = f" {folded.strip(' ').replace(' ', '  ')} "
    fields = spaced.split(_FIELD_BREAK)
    return fields if len(fields) == 3 else None


@dataclass(slots=True)
class Analysis:
    # The knowledge's terms the article holds, weighted (never 0: words inside a counted phrase
    # are not counted on their own).
    counts: Counter[str]
    # The article's words joined by single spaces, as written and as folded (for the reasons).
    written: str
    folded: str
    # Plain word counts (no phrases), when asked for: what learning compares.
    words: Counter[str] | None = None
