"""Sorting articles into topical sections, and learning from the reader's corrections.

Dumps carry no section labels, so every imported article is placed by a classifier that reads its
headline, summary and the start of its body. The knowledge is data shipped in the package
(``reader/data/sections/*.txt``: weighted words and phrases per section, written by the team), not
code; this module only counts evidence.

Scoring is a weighted-term vote, deliberately simple so that it is fast (tens of thousands of
articles a second: the terms are found by one compiled scan), deterministic and explainable:

* text is lower-cased, accents folded and split into words ("Russia's" -> "russia", "s"); a few
  capitalised short forms that lower-casing would spoil ("WHO", "US") are expanded first;
* the headline counts three times and the summary twice, because they say what the story is about;
* phrases ("prime minister", "world cup", "interest rates") are matched longest-first, so the words
  inside a matched phrase do not vote again on their own;
* each matched term adds ``weight * log2(1 + count)`` to every section it belongs to;
* the section with the most evidence wins; with too little evidence the article goes to Other.

Turning text into weighted terms (folding, splitting, phrases) is :mod:`reader.core.section_terms`.

Learning: :meth:`Classifier.with_examples` takes the reader's moves (an article moved to a section
is an :class:`Example`) and returns a new classifier that also knows, for each section the reader
taught, the centroid of its examples' words. A new story whose similarity to that centroid reaches
the section's threshold goes there; the threshold is calibrated on the examples themselves (each is
compared with what the *others* taught), so that a few moves are enough for similar stories to
follow. Words common to all news ("officials", "said") are not learned and generic news words
("military", "talks") count little, so unrelated stories keep their sections.

Typical use (the import worker; ``moves`` are the reader's recorded moves, ``names`` the
library's current sections)::

    clf = Classifier.default().with_examples(
        Example(move.section, move.title, move.summary, move.text) for move in moves
    )
    placement = clf.classify(article.title, article.summary, article.body_text, sections=names)
    placement.section, placement.explain()   # "Sport", "Sport: playoffs, Lakers, NBA"

Build the learned classifier once per import (or after each move) and share it: it is immutable
and thread-safe. Learning from a few thousand examples takes well under a second.
"""

from __future__ import annotations

import copy
import functools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import compress, filterfalse, islice
from operator import itemgetter
from typing import Protocol

from reader.core.section_terms import Analysis, Tokenizer, parse_cased, parse_terms
from reader.core.store import DEFAULT_SECTIONS as _LIBRARY_DEFAULTS
from reader.core.store import FALLBACK_SECTION

__all__ = [
    "DEFAULT_SECTIONS",
    "OTHER",
    "Classifier",
    "Example",
    "Placement",
]

# One list for the whole program: the store creates these in a new library, and the shipped
# knowledge has one word list per name.
DEFAULT_SECTIONS = list(_LIBRARY_DEFAULTS)
OTHER = FALLBACK_SECTION

_DATA = "data/sections"

# Below this much evidence for the best section the article goes to Other.
MIN_EVIDENCE = 6.0
# Learning from the reader's examples (see _Taught): how much generic news words count, how many
# terms a taught section keeps, and the bounds of the similarity a story needs to join it.
GENERIC_FACTOR = 0.25
TAUGHT_TERMS = 500
THRESHOLD_PRIOR = 0.2
THRESHOLD_MIN = 0.08
THRESHOLD_MAX = 0.5
THRESHOLD_FRACTION = 0.6
MIN_SHARED = 2
REASONS = 3

_LOG2 = [math.log2(1 + c) for c in range(256)]
_POSITIVE = (0.0).__lt__
_TERM = itemgetter(1)


def _gain(count: int) -> float:
    """How much a term said ``count`` times counts: log2(1 + count), nothing for none."""
    if count <= 0:
        return 0.0
    return _LOG2[count] if count < 256 else math.log2(1 + count)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article goes, how sure the classifier is (0..1) and the words that decided it."""

    section: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def explain(self) -> str:
        """What the UI shows: "Sport: playoffs, Lakers, NBA" (the section alone if no reasons)."""
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

    @classmethod
    def from_article(cls, section: str, article: _ArticleLike) -> Example:
        """The example made by moving ``article`` (anything with title, summary, body_text)."""
        return cls(section, article.title, list(article.summary), article.body_text)


class _ArticleLike(Protocol):
    title: str
    summary: list[str]

    @property
    def body_text(self) -> str: ...


class Knowledge:
    """Term weights per section and the word lists learning needs, parsed from the data files."""

    def __init__(
        self,
        sections: list[str],
        terms: dict[str, dict[int, float]],
        cased: dict[str, str],
        common: dict[str, float],
        variants: dict[str, str] | None = None,
    ) -> None:
        self.sections = sections
        self.terms = terms
        self.cased = cased
        # Words that say nothing on their own: 0 = never learned, 1 = generic news word.
        self.common = common
        # Learning treats these as one word ("syrian" -> "syria").
        self.variants = variants or {}
        # Memo of _learnable(): the same words recur in every article.
        self.learnable: dict[str, tuple[str, float]] = {}
        self._tokenizer: Tokenizer | None = None

    def tokenizer(self, table: Mapping[str, object]) -> Tokenizer:
        """The tokenizer of these terms (``table``: built from :attr:`terms`), made once: its
        compiled matcher takes ~30 ms, and every learned classifier shares it."""
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(self.cased, table)
        return self._tokenizer

    @classmethod
    def load(cls) -> Knowledge:
        """Read reader/data/sections: <section>.txt per default section, cased, common, variants."""
        root = resources.files("reader") / _DATA
        sections = list(DEFAULT_SECTIONS)
        cased = parse_cased((root / "cased.txt").read_text(encoding="utf-8"))
        tokenizer = Tokenizer(cased, {})
        terms: dict[str, dict[int, float]] = {}
        for index, name in enumerate(sections):
            path = root / f"{name.lower()}.txt"
            if not path.is_file():
                continue
            weights = parse_terms(path.read_text(encoding="utf-8"), tokenizer)
            for term, weight in weights.items():
                terms.setdefault(term, {})[index] = weight
        # common.txt: "@0" words are never learned; "@1" words, generic news words, learned weakly.
        common_weights = parse_terms((root / "common.txt").read_text(encoding="utf-8"), tokenizer)
        common = dict(common_weights)
        variants: dict[str, str] = {}
        for line in (root / "variants.txt").read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "=" not in line:
                continue
            forms, _, base = line.partition("=")
            base_key = " ".join(tokenizer.words(base))
            for form in forms.split(","):
                key = " ".join(tokenizer.words(form))
                if key and base_key and key != base_key:
                    variants[key] = base_key
        return cls(sections, terms, cased, common, variants)


def _ranks(terms: frozenset[str]) -> dict[str, int]:
    """Each term's place in the set's order (see Classifier._multi_found)."""
    return {term: rank for rank, term in enumerate(terms)}


@dataclass(frozen=True, slots=True)
class _Taught:
    """What the reader taught about one section: the centroid of its examples and a threshold.

    Each example becomes a vector of its learnable terms (weight ``factor * log2(1 + count)``,
    normalised); the section's centroid is their mean. A new story joins the section when its cosine
    similarity to the centroid reaches ``threshold``, which is calibrated on the examples
    themselves: each is compared with the centroid of the *others* (leave one out), and the
    threshold is a fraction of the median of those similarities (within bounds), so that most
    stories like the examples clear it while stories that merely share everyday news words do not.
    """

    centroid: dict[str, float]
    threshold: float


class Classifier:
    """Places articles in sections from shipped knowledge plus what the reader taught.

    Immutable and safe to share between threads; learning and renaming return new classifiers.
    """

    def __init__(self, knowledge: Knowledge, taught: Mapping[str, _Taught] | None = None) -> None:
        self._knowledge = knowledge
        self._taught = dict(taught or {})
        names = list(knowledge.sections)
        for name in sorted(self._taught):
            if name not in names:
                names.append(name)
        self._sections = names
        self._table: dict[str, tuple[tuple[int, float], ...]] = {
            term: tuple(sorted(weights.items())) for term, weights in knowledge.terms.items()
        }
        # The same weights as flat dicts for the loop of _evidence: a term of one section (nearly
        # all) -> its weight and its section; the few terms of several sections apart.
        self._weight: dict[str, float] = {}
        self._section_of: dict[str, int] = {}
        self._multi: dict[str, tuple[tuple[int, float], ...]] = {}
        for term, weights in self._table.items():
            if len(weights) == 1:
                self._section_of[term], self._weight[term] = weights[0]
            else:
                self._multi[term] = weights
        self._multi_terms = frozenset(self._multi)
        # For _evidence's loop: every term's section and weight; the terms of several sections
        # (added apart) in slot -1, a last total that tells whether the article holds any.
        self._slot_of = {**self._section_of, **dict.fromkeys(self._multi, -1)}
        self._weight_of = {**self._weight, **dict.fromkeys(self._multi, 1.0)}
        self._multi_rank = _ranks(self._multi_terms)
        self._all_positive = all(w > 0 for weights in self._table.values() for _, w in weights)
        self._tokenizer = knowledge.tokenizer(self._table)
        self._uncased = {phrase: form for form, phrase in knowledge.cased.items()}
        self._taught_index = [(names.index(name), t) for name, t in sorted(self._taught.items())]
        # Word -> [(section index, centroid weight)] over all taught sections, so that one pass
        # over an article's words scores every taught section at once.
        self._taught_words: dict[str, list[tuple[int, float]]] = {}
        self._centroids: dict[int, dict[str, float]] = {}
        self._thresholds: dict[int, float] = {}
        for index, learned in self._taught_index:
            self._centroids[index] = learned.centroid
            self._thresholds[index] = learned.threshold
            for term, weight in learned.centroid.items():
                self._taught_words.setdefault(term, []).append((index, weight))

    # The parts built from the shipped knowledge: a pickled classifier (sent to the import's
    # parsing process) leaves them out and takes this process's copy, loaded once.
    _SHIPPED_PARTS = (
        "_knowledge",
        "_table",
        "_weight",
        "_section_of",
        "_multi",
        "_multi_terms",
        "_slot_of",
        "_weight_of",
        "_multi_rank",
        "_tokenizer",
        "_uncased",
    )

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        if self._knowledge is _default()._knowledge:
            for name in self._SHIPPED_PARTS:
                del state[name]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        if "_knowledge" not in state:
            shipped = _default()
            state.update({name: getattr(shipped, name) for name in self._SHIPPED_PARTS})
        self.__dict__.update(state)
        # The order of this process's set, whichever process made the classifier.
        self._multi_rank = _ranks(self._multi_terms)

    # -- construction -------------------------------------------------------------------------

    @staticmethod
    def default() -> Classifier:
        """The classifier with the shipped knowledge and nothing learned (loaded once, cached)."""
        return _default()

    @property
    def sections(self) -> list[str]:
        """Every section this classifier can name: the defaults, then the taught ones (sorted)."""
        return list(self._sections)

    def with_examples(self, examples: Iterable[Example]) -> Classifier:
        """A classifier that also follows the reader's moves: pass *all* the library's examples.

        Learning starts from the shipped knowledge each time, so the result depends only on the set
        of examples (not on their order or on earlier calls). A section may be a default one (the
        reader's habits pull more stories into it) or new ("Middle East"): it is then added to
        :attr:`sections`. Examples with an empty section name are ignored.
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
        clone = copy.copy(self)
        clone._taught = {new if k == old else k: v for k, v in self._taught.items()}
        clone._sections = [new if name == old else name for name in self._sections]
        return clone

    # -- classification ----------------------------------------------------------------------

    def scores(self, title: str, summary: Iterable[str], text: str) -> dict[str, float]:
        """Evidence for every section (for the bench and for debugging)."""
        analysis = self._tokenizer.analyse(
            title, summary or (), text or "", keep_words=bool(self._taught_words)
        )
        totals, _, _ = self._evidence(analysis.counts, analysis.words)
        return dict(zip(self._sections, totals, strict=True))

    def classify(
        self,
        title: str,
        summary: Iterable[str] | None = None,
        text: str = "",
        sections: Collection[str] | None = None,
    ) -> Placement:
        """The section for an article, chosen among ``sections`` (default: all known sections).

        ``summary`` is the article's summary lines (deck), ``text`` its body (only the start is
        read). ``sections`` are the library's current section names: a name that is not among them
        is never returned. When no allowed section has enough evidence the article goes to "Other"
        if it is allowed; without "Other", to the allowed section with the most evidence (ties: the
        order of :attr:`sections`), with score 0 and no reasons when there is none at all.
        ``Placement.score`` is the share of the evidence that went to the chosen section.
        Raises ValueError when ``sections`` is empty.
        """
        analysis = self._tokenizer.analyse(
            title, summary or (), text or "", keep_words=bool(self._taught_words)
        )
        totals, taught_terms, multi = self._evidence(analysis.counts, analysis.words)
        names = self._sections
        if sections is None:  # the usual case, in C: max, index, filter, sum
            top = max(totals)
            best: int | None = totals.index(top)
            positive = sum(filter(_POSITIVE, totals))
            allowed: Iterable[int] = range(len(names))
            other_allowed = True
            extra: list[str] = []
        else:
            wanted = set(sections)
            if not wanted:
                raise ValueError("no sections to choose from")
            allowed = [i for i, name in enumerate(names) if name in wanted]
            other_allowed = OTHER in wanted
            extra = sorted(wanted.difference(names))
            best = max(allowed, key=lambda i: (totals[i], -i), default=None)
            positive = sum(totals[i] for i in allowed if totals[i] > 0)
        if best is not None and (totals[best] >= MIN_EVIDENCE or names[best] == OTHER):
            chosen = best
        elif other_allowed:
            chosen = names.index(OTHER)
        elif best is not None and totals[best] > 0:
            chosen = best
        else:
            return Placement(names[best] if best is not None else extra[0], 0.0, [])
        share = totals[chosen] / positive if positive > 0 else 0.0
        reasons = self._reasons(taught_terms.get(chosen, {}), multi, chosen, analysis)
        return Placement(names[chosen], round(min(share, 1.0), 3), reasons)

    def classify_article(
        self, article: _ArticleLike, sections: Collection[str] | None = None
    ) -> Placement:
        """:meth:`classify` for an :class:`~reader.core.article.Article` (title, summary, body)."""
        return self.classify(article.title, article.summary, article.body_text, sections)

    def _evidence(
        self, counts: Counter[str], words: Counter[str] | None = None
    ) -> tuple[list[float], dict[int, dict[str, float]], set[str] | None]:
        """Evidence per section, the article's learnable words for each taught section whose
        evidence came from what the reader taught, and the terms of several sections the article
        holds (None when none: see :meth:`_multi_found`).

        ``counts`` holds only the knowledge's terms (the tokenizer counts nothing else): each adds
        ``weight * log2(1 + count)`` to its section, in the order of ``counts``; then the terms of
        several sections. What each added is worked out again by :meth:`_added`, for the chosen
        section only.
        """
        n = len(self._sections)
        # The last total (slot -1) gathers the terms of several sections with weight 1: it is
        # above 0 exactly when the article holds one of them.
        totals = [0.0] * (n + 1)
        slot, weight_of = self._slot_of, self._weight_of
        try:
            for term, count in counts.items():
                totals[slot[term]] += weight_of[term] * _LOG2[count]
        except IndexError:  # a term said more than 255 times (a headline of one word, repeated)
            totals = [0.0] * (n + 1)
            for term, count in counts.items():
                totals[slot[term]] += weight_of[term] * _gain(count)
        multi = self._multi_found(counts) if totals.pop() else None
        for term in multi or ():
            g = _gain(counts[term])
            for i, w in self._multi[term]:
                totals[i] += w * g
        taught_terms: dict[int, dict[str, float]] = {}
        if self._taught_words and words is not None:
            vector = _vector(words, self._knowledge)
            dots: dict[int, float] = {}
            shared: dict[int, int] = {}
            for term in vector.keys() & self._taught_words.keys():
                v = vector[term]
                for index, weight in self._taught_words[term]:
                    dots[index] = dots.get(index, 0.0) + v * weight
                    shared[index] = shared.get(index, 0) + 1
            if dots:
                norm = math.sqrt(sum(v * v for v in vector.values()))
                # A taught section takes the story when its similarity reaches the threshold: its
                # evidence is then the best shipped evidence scaled by similarity / threshold.
                reference = max(MIN_EVIDENCE, *totals)
                for index, dot in dots.items():
                    if shared[index] < MIN_SHARED:  # one word in common is a coincidence
                        continue
                    evidence = reference * (dot / norm) / self._thresholds[index]
                    if evidence > totals[index]:
                        totals[index] = evidence
                        taught_terms[index] = vector  # the shared words are found if it wins
        return totals, taught_terms, multi

    def _multi_found(self, counts: Mapping[str, int]) -> set[str]:
        """The terms of several sections in ``counts``, as a set that iterates in the order the
        set ``counts.keys() & self._multi_terms`` did (that walked all the terms of several
        sections for every article): the same terms added to the same totals in the same order
        give the same sums, to the last bit."""
        found = [term for term in counts if term in self._multi_terms]
        if len(found) > 1:
            found.sort(key=self._multi_rank.__getitem__)
        return set(found)

    def _added(
        self, counts: Mapping[str, int], index: int, multi: set[str] | None
    ) -> list[tuple[float, str]]:
        """(-added, term) for every term that added to section ``index``, as _evidence added."""
        weight = self._weight_of
        # The section's own terms picked in C (most of the article's belong to other sections).
        mine = compress(counts, map(index.__eq__, map(self._slot_of.__getitem__, counts)))
        out = [(-(weight[term] * _gain(counts[term])), term) for term in mine]
        for term in multi or ():
            g = _gain(counts[term])
            for i, w in self._multi[term]:
                if i == index:
                    out.append((-(w * g), term))
        return out

    def _reasons(
        self,
        taught_terms: Mapping[str, float],
        multi: set[str] | None,
        index: int,
        analysis: Analysis,
    ) -> list[str]:
        """The few terms that gave the chosen section most of its evidence, as written.

        ``multi``: the terms of several sections the article holds (see :meth:`_evidence`).
        """
        if taught_terms:
            centroid = self._centroids[index]
            shared = taught_terms.keys() & centroid.keys()
            scored = [(-taught_terms[t] * centroid[t], t) for t in shared]
        elif self._all_positive:
            scored = self._added(analysis.counts, index, multi)
        else:  # a term of weight 0 (or less) adds nothing: not a reason
            scored = [item for item in self._added(analysis.counts, index, multi) if item[0] < 0]
        if not scored:
            return []
        common = self._knowledge.common.__contains__
        scored.sort()  # the most evidence first; ties by the term
        # The first REASONS terms not common, then common ones if too few: walks stop early.
        picked = list(islice(filterfalse(common, map(_TERM, scored)), REASONS))
        if len(picked) < REASONS:
            picked += islice(filter(common, map(_TERM, scored)), REASONS - len(picked))
        padded = f" {analysis.folded} "
        return [self._surface(term, analysis, padded) for term in picked]

    def _surface(self, term: str, analysis: Analysis, padded: str | None = None) -> str:
        """The term as the article writes it ("Lakers", "NBA"), for the reader's eyes.

        ``padded``: the article's folded text with a space each side, when already made.
        """
        if term in self._uncased:
            return self._uncased[term]
        folded, written = analysis.folded, analysis.written
        if padded is None:
            padded = f" {folded} "
        at = padded.find(f" {term} ")
        if at >= 0 and len(folded) == len(written):
            surface = written[at : at + len(term)]
            if " s " not in f" {surface} ":
                return surface
        # Possessives and the rare text whose folding changed its length: search the words.
        words = term.split(" ")
        originals = written.split()
        folded_words = folded.split()
        if len(originals) == len(folded_words):
            n = len(words)
            for i in range(len(folded_words) - n + 1):
                if folded_words[i : i + n] == words:
                    return " ".join(w for w in originals[i : i + n] if w != "s")
            # A word learning counted as another ("Israeli" as "israel"): show the article's word.
            learnable = self._knowledge.learnable
            for original, word in zip(originals, folded_words, strict=True):
                if learnable.get(word, (None,))[0] == term:
                    return original
        return term


@functools.cache
def _default() -> Classifier:
    return Classifier(Knowledge.load())


def _learnable(term: str, knowledge: Knowledge) -> tuple[str, float]:
    """The word learning counts a term as, and its weight (0: not learned).

    Variants count as one word ("Syrians", "Syrian", "Syria"), and so do plain plurals.
    """
    if len(term) < 2 or term.isdigit():
        return term, 0.0
    variants = knowledge.variants
    base = variants.get(term)
    if base is None:
        base = term
        plural = term[-1] == "s" and term[-2] not in "su" and not term.endswith("is")
        if plural and len(term) > 4 and " " not in term:
            singular = term[:-3] + "y" if term.endswith("ies") else term[:-1]
            base = variants.get(singular, singular)
    factor = knowledge.common.get(base, knowledge.common.get(term))
    if factor is None:
        return base, 1.0
    return base, GENERIC_FACTOR if factor > 0 else 0.0


def _vector(counts: Mapping[str, int], knowledge: Knowledge) -> dict[str, float]:
    """The learnable words of an article with their weights (everyday words weigh little or 0)."""
    cache = knowledge.learnable
    merged: dict[str, int] = {}
    weights: dict[str, float] = {}
    for term, count in counts.items():
        if count <= 0:
            continue
        found = cache.get(term)
        if found is None:
            found = cache[term] = _learnable(term, knowledge)
        base, weight = found
        if weight:
            merged[base] = merged.get(base, 0) + count
            weights[base] = weight
    return {
        base: weights[base] * (_LOG2[count] if count < 256 else math.log2(1 + count))
        for base, count in merged.items()
    }


def _unit(vector: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm > 0 else {}


def _learn(knowledge: Knowledge, examples: list[Example]) -> Classifier:
    base = _default() if knowledge is _default()._knowledge else Classifier(knowledge)
    tokenizer = base._tokenizer
    units: dict[str, list[dict[str, float]]] = {}
    for example in examples:
        if not example.section:
            continue
        words = tokenizer.analyse(example.title, example.summary, example.text, True).words
        unit = _unit(_vector(words or Counter(), knowledge))
        if unit:
            units.setdefault(example.section, []).append(unit)
    if not units:
        return base
    taught: dict[str, _Taught] = {}
    for name in sorted(units):
        items = units[name]
        n = len(items)
        total: Counter[str] = Counter()
        for unit in items:
            total.update(unit)
        # Leave one out: how similar is each example to what the others taught?
        similarities = []
        if n > 1:
            # cos(u, T - u) for a unit vector u and the sum T of all of them, without building
            # T - u: u.(T - u) = u.T - 1 and |T - u|^2 = |T|^2 - 2 u.T + 1. Linear in the examples.
            total_sq = sum(v * v for v in total.values())
            for unit in items:
                dot = sum(v * total[t] for t, v in unit.items())
                rest_sq = total_sq - 2 * dot + 1
                similarities.append((dot - 1) / math.sqrt(rest_sq) if rest_sq > 1e-12 else 0.0)
            similarities.sort()
            median = similarities[(n - 1) // 2]
            # Few examples say little about their spread: lean on the prior until there are more.
            weight = min(1.0, (n - 1) / 4)
            threshold = weight * THRESHOLD_FRACTION * median + (1 - weight) * THRESHOLD_PRIOR
        else:
            threshold = THRESHOLD_PRIOR
        threshold = min(THRESHOLD_MAX, max(THRESHOLD_MIN, threshold))
        mean = {t: v / n for t, v in total.items()}
        top = sorted(mean.items(), key=lambda kv: (-kv[1], kv[0]))[:TAUGHT_TERMS]
        norm = math.sqrt(sum(v * v for _, v in top))
        taught[name] = _Taught({t: v / norm for t, v in top}, threshold)
    return Classifier(knowledge, taught)
