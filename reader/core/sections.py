"""Sorting articles into topical sections, and learning from the reader's corrections.

Dumps carry no section labels, so every imported article is placed by a classifier that reads its
headline, summary and the start of its body. The knowledge is data shipped in the package
(``reader/data/sections/*.txt``: weighted words and phrases per section, written by the team), not
code; this module only counts evidence.

Scoring is a weighted-term vote, deliberately simple so that it is fast (pure Python, tens of
thousands of articles a second), deterministic and explainable:

* text is lower-cased, accents folded, possessives dropped ("Russia's" -> "russia") and split into
  words; a few capitalised short forms that lower-casing would spoil ("WHO", "US") are expanded first;
* the headline counts three times and the summary twice, because they say what the story is about;
* phrases ("prime minister", "world cup", "interest rates") are matched longest-first, so the words
  inside a matched phrase do not vote again on their own;
* each matched term adds ``weight * log2(1 + count)`` to every section it belongs to;
* the section with the most evidence wins; with too little evidence the article goes to Other.

Learning: :meth:`Classifier.with_examples` takes the reader's moves (an article moved to a section is
an :class:`Example`) and returns a new classifier whose sections combine the shipped weights with a
profile of the words that recur in the reader's examples of each section. The profile's strength
is calibrated on the examples themselves (each example is scored by the profile of the *others*), so
that a handful of moves is enough for similar stories to follow, while words common to all news
("officials", "military", "said") are never learned and unrelated stories keep their sections.

Typical use::

    clf = Classifier.default().with_examples(store.training_examples())
    placement = clf.classify(article.title, article.summary, article.body_text,
                             sections=store.section_names())
    placement.section, placement.explain()   # "Sport", "Sport: playoffs, Lakers, NBA"
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from itertools import islice
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

__all__ = [
    "DEFAULT_SECTIONS",
    "OTHER",
    "Classifier",
    "Example",
    "Placement",
]

DEFAULT_SECTIONS = [
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sport",
    "Culture",
    "Other",
]
OTHER = "Other"

_DATA = "data/sections"

# How much each part of an article counts: the headline and summary say what the story is about.
TITLE_WEIGHT = 3
SUMMARY_WEIGHT = 2
# The start of the body is enough to know the topic, and reading it all would slow large imports.
BODY_CHARS = 1200
# Below this much evidence for the best section the article goes to Other.
MIN_EVIDENCE = 6.0
# Weights learned from the reader's examples: how many terms a section keeps, how strongly generic
# news words count, and the bounds of the calibrated strength of a learned profile.
LEARNED_TERMS = 400
GENERIC_FACTOR = 0.25
MIN_STRENGTH = 2.0
MAX_STRENGTH = 40.0
STRENGTH_MARGIN = 1.2
REASONS = 3

_SEPARATOR = "\x00"  # between fields, so that no phrase is matched across a headline and a body

_WORD = re.compile(r"[^\W_]+")
_LOG2 = [math.log2(1 + c) for c in range(256)]


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """A word without accents ("dončić" -> "doncic"); names repeat, so this is cached."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# A lower-cased word with a letter outside ASCII (only such words need their accents folded).
_ACCENTED = re.compile(r"[^\W_]*[^\W\x00-\x7f_][^\W_]*")


def _fold_match(match: re.Match[str]) -> str:
    return _fold_word(match.group())


def _split(text: str, cased: Mapping[str, str] | None = None) -> list[str]:
    """Lower-cased, accent-free words; capitalised short forms in ``cased`` expanded first.

    A possessive "'s" becomes a lone "s" that matches nothing; the knowledge files are split the
    same way, so "Women's Super League" still matches. Every step runs in C (findall, join,
    lower, split) but for the rare expansion of a short form: this is the hot path of an import.
    """
    words = _WORD.findall(text)
    if cased and not cased.keys().isdisjoint(words):
        words = [cased.get(w, w) for w in words]
    joined = " ".join(words).lower()
    if not joined.isascii():
        joined = _ACCENTED.sub(_fold_match, joined)
    return joined.split()


def _gain(count: int) -> float:
    return _LOG2[count] if count < 256 else math.log2(1 + count)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article goes, how sure the classifier is (0..1) and the words that decided it."""

    section: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def explain(self) -> str:
        """The line the UI shows: "Sport: playoffs, Lakers, NBA" (just the section if no reasons)."""
        if not self.reasons:
            return self.section
        return f"{self.section}: {', '.join(self.reasons)}"


@dataclass(frozen=True, slots=True)
class Example:
    """An article the reader put in a section by hand: the classifier learns from it."""

    section: str
    title: str
    summary: list[str] = field(default_factory=list)
    text: str = ""


class Knowledge:
    """Term weights per section, parsed from the shipped data files (or any given text)."""

    def __init__(self, sections: list[str], terms: dict[str, dict[int, float]],
                 cased: dict[str, str], common: dict[str, float]) -> None:
        self.sections = sections
        self.terms = terms
        self.cased = cased
        # Words that say nothing on their own: 0 = never learned, 1 = generic news word.
        self.common = common

    @classmethod
    def load(cls) -> Knowledge:
        """Read reader/data/sections: one <section>.txt per default section, cased.txt, common.txt."""
        root = resources.files("reader") / _DATA
        sections = list(DEFAULT_SECTIONS)
        cased = _parse_cased((root / "cased.txt").read_text(encoding="utf-8"))
        tokenizer = _Tokenizer(cased, {})
        terms: dict[str, dict[int, float]] = {}
        for index, name in enumerate(sections):
            path = root / f"{name.lower()}.txt"
            if not path.is_file():
                continue
            weights = _parse_terms(path.read_text(encoding="utf-8"), tokenizer)
            for term, weight in weights.items():
                terms.setdefault(term, {})[index] = weight
        # common.txt: "@0" words are never learned, "@1" words are generic news words learned weakly.
        common_weights = _parse_terms((root / "common.txt").read_text(encoding="utf-8"), tokenizer)
        common = {term: weight for term, weight in common_weights.items() if " " not in term}
        return cls(sections, terms, cased, common)


def _parse_cased(text: str) -> dict[str, str]:
    cased = {}
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        form, _, phrase = line.partition("=")
        if form.strip():
            cased[form.strip()] = phrase.strip()
    return cased


def _plurals(word: str) -> list[str]:
    """English plural forms of the last word of a term, so that lists need not spell them out."""
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + "s"]


def _parse_terms(text: str, tokenizer: _Tokenizer) -> dict[str, float]:
    """Parse "@weight" blocks of comma-separated terms; plurals are added unless listed themselves."""
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
        for plural in _plurals(last):
            form = f"{head} {plural}" if head else plural
            if form not in explicit:
                result[form] = max(result.get(form, 0.0), w)
    return result


class _Tokenizer:
    """Words of a text as the knowledge spells them; terms of an article with their weighted counts."""

    def __init__(self, cased: Mapping[str, str], table: Mapping[str, object]) -> None:
        self._cased = dict(cased)
        self._table = table
        # The first two words of every phrase, and every proper prefix of a phrase, so that most
        # articles are matched against phrases by one set intersection in C.
        pairs: set[str] = set()
        prefixes: set[str] = set()
        for term in table:
            if " " in term:
                words = term.split(" ")
                pairs.add(" ".join(words[:2]))
                for k in range(2, len(words)):
                    prefixes.add(" ".join(words[:k]))
        self._pairs = frozenset(pairs)
        self._prefixes = frozenset(prefixes)

    def words(self, text: str) -> list[str]:
        return _split(text, self._cased)

    def counts(self, title: str, summary: Iterable[str], text: str) -> Counter[str]:
        """Weighted counts of an article's terms: phrases longest-first, then the remaining words.

        Field weights are applied by repeating the headline and summary, so that counting stays in
        C (Counter); a separator that is never a word keeps phrases from spanning fields.
        """
        title_words = self.words(title)
        summary_words = self.words(" ".join(summary)) if summary else []
        body_words = self.words(text[:BODY_CHARS]) if text else []
        seq = (
            (title_words + [_SEPARATOR]) * TITLE_WEIGHT
            + (summary_words + [_SEPARATOR]) * SUMMARY_WEIGHT
            + body_words
        )
        counts = Counter(seq)
        pairs = list(map(" ".join, zip(seq, islice(seq, 1, None))))
        hits = self._pairs.intersection(pairs)
        if not hits:
            counts.pop(_SEPARATOR, None)
            return counts
        table = self._table
        prefixes = self._prefixes
        n = len(seq)
        end = 0
        for i in [j for j, pair in enumerate(pairs) if pair in hits]:
            if i < end:
                continue
            phrase = pairs[i]
            k = i + 2
            match = k if phrase in table else 0
            while phrase in prefixes and k < n:
                phrase = f"{phrase} {seq[k]}"
                k += 1
                if phrase in table:
                    match = k
            if match:
                counts[" ".join(seq[i:match])] += 1
                for w in seq[i:match]:
                    counts[w] -= 1
                end = match
        counts.pop(_SEPARATOR, None)
        return counts


class Classifier:
    """Places articles in sections from shipped knowledge plus what the reader taught.

    Immutable and safe to share between threads; learning returns a new classifier.
    """

    def __init__(self, knowledge: Knowledge, learned: Mapping[str, Mapping[str, float]] | None = None,
                 strengths: Mapping[str, float] | None = None) -> None:
        self._knowledge = knowledge
        learned = learned or {}
        self._learned = {name: dict(terms) for name, terms in learned.items()}
        self._strengths = dict(strengths or {})
        names = list(knowledge.sections)
        for name in sorted(learned):
            if name not in names:
                names.append(name)
        self._sections = names
        index = {name: i for i, name in enumerate(names)}
        table: dict[str, dict[int, float]] = {
            term: dict(weights) for term, weights in knowledge.terms.items()
        }
        for name, terms in self._learned.items():
            strength = self._strengths.get(name, 0.0)
            i = index[name]
            for term, weight in terms.items():
                slot = table.setdefault(term, {})
                slot[i] = slot.get(i, 0.0) + strength * weight
        self._table: dict[str, tuple[tuple[int, float], ...]] = {
            term: tuple(sorted(weights.items())) for term, weights in table.items()
        }
        self._tokenizer = _Tokenizer(knowledge.cased, self._table)
        self._uncased = {phrase: form for form, phrase in knowledge.cased.items()}

    # -- construction -------------------------------------------------------------------------

    @staticmethod
    def default() -> Classifier:
        """The classifier with the shipped knowledge and nothing learned (loaded once, cached)."""
        return _default()

    @property
    def sections(self) -> list[str]:
        """Every section this classifier can name: the defaults, then sections learned from examples."""
        return list(self._sections)

    def with_examples(self, examples: Iterable[Example]) -> Classifier:
        """A classifier that also follows the reader's moves (all of them, not just the new ones).

        Pass every example the library holds: learning starts again from the shipped knowledge each
        time, so the result depends only on the set of examples, never on history.
        """
        return _learn(self._knowledge, list(examples))

    def learn(self, examples: Iterable[Example]) -> Classifier:
        """Alias of :meth:`with_examples`."""
        return self.with_examples(examples)

    def renamed(self, old: str, new: str) -> Classifier:
        """The same knowledge with section ``old`` called ``new`` (the reader renamed a section)."""
        if old not in self._sections:
            raise KeyError(old)
        if new in self._sections and new != old:
            raise ValueError(f"a section named {new!r} already exists")
        clone = object.__new__(Classifier)
        clone.__dict__.update(self.__dict__)
        clone._sections = [new if name == old else name for name in self._sections]
        if old in self._learned:
            clone._learned = {new if k == old else k: v for k, v in self._learned.items()}
            clone._strengths = {new if k == old else k: v for k, v in self._strengths.items()}
        return clone

    # -- classification ----------------------------------------------------------------------

    def scores(self, title: str, summary: Iterable[str], text: str) -> dict[str, float]:
        """Evidence for every section (for the bench and for debugging)."""
        counts = self._tokenizer.counts(title, summary, text)
        totals = self._totals(counts)
        return dict(zip(self._sections, totals, strict=True))

    def classify(
        self,
        title: str,
        summary: Iterable[str] | None = None,
        text: str = "",
        sections: Collection[str] | None = None,
    ) -> Placement:
        """The section for an article, chosen among ``sections`` (default: all known sections).

        ``sections`` are the library's current section names; a section that is not among them is
        never returned. When no section has enough evidence the article goes to "Other" if the
        library has it; otherwise to the allowed section with the most evidence (ties: the order
        of :attr:`sections`, then alphabetical). Raises ValueError when ``sections`` is empty.
        """
        summary = list(summary or [])
        counts = self._tokenizer.counts(title, summary, text)
        totals, matched = self._evidence(counts)
        names = self._sections
        if sections is None:
            allowed = list(range(len(names)))
            extra: list[str] = []
        else:
            wanted = set(sections)
            if not wanted:
                raise ValueError("no sections to choose from")
            allowed = [i for i, name in enumerate(names) if name in wanted]
            extra = sorted(wanted.difference(names))
        best = max(allowed, key=lambda i: (totals[i], -i), default=None)
        best_score = totals[best] if best is not None else 0.0
        positive = sum(totals[i] for i in allowed if totals[i] > 0)
        other_allowed = sections is None or OTHER in wanted
        if best is not None and names[best] == OTHER:
            pass
        elif best is None or best_score < MIN_EVIDENCE:
            if other_allowed:
                other = names.index(OTHER) if OTHER in names else None
                reasons = self._reasons(matched, other, title, summary, text) if other is not None else []
                share = totals[other] / positive if other is not None and positive > 0 else 0.0
                return Placement(OTHER, round(share, 3), reasons)
            if best is None or best_score <= 0:
                fallback = names[best] if best is not None else extra[0]
                return Placement(fallback, 0.0, [])
        share = best_score / positive if positive > 0 else 0.0
        return Placement(names[best], round(share, 3), self._reasons(matched, best, title, summary, text))

    def _totals(self, counts: Counter[str]) -> list[float]:
        return self._evidence(counts)[0]

    def _evidence(
        self, counts: Counter[str]
    ) -> tuple[list[float], list[tuple[str, float, tuple[tuple[int, float], ...]]]]:
        """Evidence per section, and the matched terms with their gain and weights."""
        totals = [0.0] * len(self._sections)
        table = self._table
        matched = []
        for term in counts.keys() & table.keys():
            count = counts[term]
            if count <= 0:
                continue
            g = _LOG2[count] if count < 256 else math.log2(1 + count)
            weights = table[term]
            matched.append((term, g, weights))
            for i, w in weights:
                totals[i] += w * g
        return totals, matched

    def _reasons(self, matched, index: int, title: str, summary: list[str], text: str) -> list[str]:
        scored = [
            (w * g, term) for term, g, weights in matched for i, w in weights if i == index and w > 0
        ]
        common = self._knowledge.common
        scored.sort(key=lambda item: (-item[0], item[1]))
        picked = [term for _, term in scored if term not in common][:REASONS]
        if len(picked) < REASONS:
            picked += [term for _, term in scored if term in common][: REASONS - len(picked)]
        source = " ".join([title, *summary, text[:BODY_CHARS]])
        return [self._surface(term, source) for term in picked]

    def _surface(self, term: str, source: str) -> str:
        """The term as the article writes it ("Lakers", "NBA"), for the reader's eyes."""
        found = _term_pattern(term).search(source)
        if found:
            return " ".join(found.group().split())
        if term in self._uncased and self._uncased[term] in source:
            return self._uncased[term]
        if not source.isascii():
            words = term.split(" ")
            originals = _WORD.findall(source)
            folded = [_fold_word(w.lower()) for w in originals]
            for i in range(len(folded) - len(words) + 1):
                if folded[i : i + len(words)] == words:
                    return " ".join(originals[i : i + len(words)])
        return term


@functools.lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = term.split(" ")
    return re.compile(
        r"(?<![^\W_])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![^\W_])",
        re.IGNORECASE,
    )


@functools.cache
def _default() -> Classifier:
    return Classifier(Knowledge.load())


def _example_terms(tokenizer: _Tokenizer, knowledge: Knowledge,
                   example: Example) -> tuple[Counter[str], dict[str, float]]:
    """An example's term counts, and how strongly each learnable term is present (0..1]."""
    counts = tokenizer.counts(example.title, example.summary, example.text)
    common = knowledge.common
    presence = {}
    for term, count in counts.items():
        if count <= 0 or term.isdigit() or len(term) < 2:
            continue
        factor = common.get(term, None)
        if factor is None:
            factor = 1.0
        elif factor <= 0:
            continue
        else:
            factor = GENERIC_FACTOR
        # A headline word (count >= 3) is fully present; a word met once in the body a third.
        presence[term] = factor * min(count, 3) / 3
    return counts, presence


def _profile(totals: Mapping[str, float], n: int, rivals: Mapping[str, float]) -> dict[str, float]:
    """Term weights of a learned section: how often a term recurs in its examples beyond rivals."""
    weights = {}
    for term, total in totals.items():
        w = total / n - rivals.get(term, 0.0)
        if w > 0:
            weights[term] = w
    return weights


def _learn(knowledge: Knowledge, examples: list[Example]) -> Classifier:
    base = _default() if knowledge is _default()._knowledge else Classifier(knowledge)
    if not examples:
        return base
    tokenizer = base._tokenizer
    by_section: dict[str, list[tuple[Counter[str], dict[str, float]]]] = {}
    for example in examples:
        if not example.section:
            continue
        by_section.setdefault(example.section, []).append(
            _example_terms(tokenizer, knowledge, example)
        )
    # Sums of presence per section, and per term the largest mean presence in each section, so that
    # a term shared by two taught sections counts only for the one where it recurs more.
    sums: dict[str, Counter[str]] = {}
    for name, items in by_section.items():
        total: Counter[str] = Counter()
        for _, presence in items:
            total.update(presence)
        sums[name] = total
    means = {name: {t: v / len(by_section[name]) for t, v in total.items()}
             for name, total in sums.items()}

    def rivals_of(name: str) -> dict[str, float]:
        best: dict[str, float] = {}
        for other, mean in means.items():
            if other == name:
                continue
            for term, v in mean.items():
                if v > best.get(term, 0.0):
                    best[term] = v
        return best

    shipped_index = {name: i for i, name in enumerate(knowledge.sections)}
    learned: dict[str, dict[str, float]] = {}
    strengths: dict[str, float] = {}
    for name in sorted(by_section):
        items = by_section[name]
        n = len(items)
        rivals = rivals_of(name)
        profile = _profile(sums[name], n, rivals)
        top = sorted(profile.items(), key=lambda kv: (-kv[1], kv[0]))[:LEARNED_TERMS]
        profile = dict(top)
        # Calibrate: how strong must the profile be for the reader's examples to land here when
        # judged by the profile of the *other* examples (leave one out), i.e. for new stories
        # like them? Use the median need, with a margin, within bounds.
        needs = []
        own_index = shipped_index.get(name)
        for counts, presence in items:
            if n > 1:
                held_out = Counter(sums[name])
                held_out.subtract(presence)
                weights = _profile(held_out, n - 1, rivals)
            else:
                weights = profile
            evidence = sum(weights.get(t, 0.0) * _gain(c) for t, c in counts.items() if c > 0)
            totals = base._totals(counts)
            own = totals[own_index] if own_index is not None else 0.0
            rival = max(
                [t for i, t in enumerate(totals) if i != own_index] + [MIN_EVIDENCE]
            )
            if own > rival:
                needs.append(0.0)
            elif evidence > 0:
                needs.append((rival - own) / evidence)
            else:
                needs.append(math.inf)
        needs.sort()
        median = needs[(len(needs) - 1) // 2]
        strength = min(MAX_STRENGTH, max(MIN_STRENGTH, STRENGTH_MARGIN * median))
        learned[name] = profile
        strengths[name] = strength
    return Classifier(knowledge, learned, strengths)
