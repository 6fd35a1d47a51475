"""What a dump's headlines look like, learned from its confident ones and weighed against its
paragraphs: the consistency evidence of ``reader.core.boundaries``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import add

from reader.core.layout import Unit
from reader.core.shapes import is_title_case

# What is learned is how headlines stand in the dump (blank lines, cues after them) and their case
# pattern, against paragraphs. Closing punctuation is not among them: every line weighed here is
# already short and mostly unpunctuated, and paragraphs never are, so it would tell nothing.
FEATURES = ("blank_before", "double_before", "blank_after", "cued", "caps", "title")
_CUED = FEATURES.index("cued")
_TITLE_CASE = FEATURES.index("title")
_CAPS = FEATURES.index("caps")
_SET_APART = FEATURES.index("blank_after")
_INDEXES = range(len(FEATURES))
_ONES = (1,) * len(FEATURES)
_PRIOR = 2.0  # the weight, in headlines, of the prior that a feature tells nothing


@dataclass(slots=True)
class Style:
    """How often each feature is seen on the dump's confident headlines (``h`` of ``hn``) and on
    its paragraphs (``p`` of ``pn``); a doubtful line is weighed by the likelihood ratio of its
    features. Counts are kept per feature, as some are unknown for some lines (nothing stands
    before the dump's first line)."""

    h: list[int] = field(default_factory=lambda: [0] * len(FEATURES))
    hn: list[int] = field(default_factory=lambda: [0] * len(FEATURES))
    p: list[int] = field(default_factory=lambda: [0] * len(FEATURES))
    pn: list[int] = field(default_factory=lambda: [0] * len(FEATURES))
    stops: int = 0  # confident headlines that end with a full stop
    # Their lengths in words: count, sum, sum of squares.
    lengths: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    datelined: int = 0  # confident headlines whose lead opens with a dateline ("CHICAGO - ")
    # The likelihood ratios of each feature absent and present, and the counts they were
    # worked out from (consistency() runs for every doubtful line; learning is rarer).
    _table: list[tuple[float, float]] | None = field(default=None, repr=False, compare=False)
    _at: int = field(default=0, repr=False, compare=False)
    # What consistency() answered for each set of features since the table was worked out.
    _memo: dict[tuple[tuple[bool, ...], bool], float] = field(
        default_factory=dict, repr=False, compare=False
    )
    # Worked out when the counts change (they are read for every doubtful line):
    # known: enough headlines and paragraphs seen to weigh features by them;
    # stop_style: this dump's headlines often end with a full stop;
    # dateline_style: most of its headlines stand before a lead that opens with a dateline.
    known: bool = field(default=False, init=False, repr=False, compare=False)
    stop_style: bool = field(default=False, init=False, repr=False, compare=False)
    dateline_style: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._counted()

    def _counted(self) -> None:
        nh = max(self.hn)
        self.known = nh >= 2 and max(self.pn) >= 2
        self.stop_style = nh >= 3 and self.stops >= 0.3 * nh
        self.dateline_style = self.datelined >= 2 and self.datelined >= 0.5 * nh

    @property
    def nh(self) -> int:
        return max(self.hn)

    def learn(
        self,
        feats: tuple[bool, ...],
        headline: bool,
        stop: bool = False,
        first: bool = False,
        words: int = 0,
        dated: bool = False,
    ) -> None:
        if not first:
            # Most calls: every count and total moves, one by one (six features: cheaper than
            # slices and maps). For a paragraph only ``known`` can change (once, when enough
            # paragraphs are seen).
            if headline:
                counts, totals = self.h, self.hn
            else:
                counts, totals = self.p, self.pn
            f0, f1, f2, f3, f4, f5 = feats
            counts[0] += f0
            counts[1] += f1
            counts[2] += f2
            counts[3] += f3
            counts[4] += f4
            counts[5] += f5
            totals[0] += 1
            totals[1] += 1
            totals[2] += 1
            totals[3] += 1
            totals[4] += 1
            totals[5] += 1
            if not headline:
                if not self.known:
                    self._counted()
                return
        else:
            counts, totals = (self.h, self.hn) if headline else (self.p, self.pn)
            # Each feature's count goes up by the feature (a bool), its total by one; but blank
            # lines before the first line of a dump say nothing.
            counts[2:] = map(add, counts[2:], feats[2:])
            totals[2:] = map(add, totals[2:], _ONES)
        self.stops += headline and stop
        self.datelined += headline and dated
        if headline and words:
            n = self.lengths
            n[0] += 1
            n[1] += words
            n[2] += words * words
        self._counted()

    def consistency(self, feats: tuple[bool, ...], no_blanks: bool = False) -> float:
        """log P(features | headline) / P(features | not), per feature capped, in all capped."""
        if not self.known:
            return 0.0
        table = self._table
        seen = self.hn[2] + self.pn[2]
        # Worked out again when the examples have grown by a tenth (or a few, early on).
        if table is None or seen >= self._at + max(3, self._at // 10):
            table = self._table = [(self._lr(i, False), self._lr(i, True)) for i in _INDEXES]
            self._at = seen
            self._memo.clear()
        key = (feats, no_blanks)
        memo = self._memo.get(key)
        if memo is not None:
            return memo  # (six features: a few dozen sets; the sum below is the same for each)
        total = 0.0
        for pair, f in zip(table, feats):
            total += pair[f]
        if no_blanks and not feats[_SET_APART] and not feats[_CUED]:
            # Nothing after it (no blank line, no cue) counts once, and weakly: in a dump
            # without blank lines whose headlines mostly carry bylines, a brief's headline has
            # neither, and "set apart" is then the cue seen twice.
            total -= table[_SET_APART][0] + table[_CUED][0]
            total += max(-1.0, table[_SET_APART][0] + table[_CUED][0])
        memo = self._memo[key] = max(-4.5, min(4.5, total))
        return memo

    def length_fit(self, words: int) -> float:
        """Penalty for a line much shorter or longer than this dump's headlines (cross-heads
        and kickers are short where headlines are long; sentences long where they are short)."""
        n, total, squares = self.lengths
        if n < 4:
            return 0.0
        mean = total / n
        sd = max(2.0, math.sqrt(max(0.0, squares / n - mean * mean)))
        z = abs(words - mean) / sd
        return -min(2.0, 0.8 * (z - 1.5)) if z > 1.5 else 0.0

    def _lr(self, i: int, f: bool) -> float:
        if self.hn[i] == 0 or self.pn[i] == 0:
            return 0.0
        pp = (self.p[i] + 0.5) / (self.pn[i] + 1)
        # Shrunk towards the paragraphs' rate: two headlines prove little, a dozen do.
        ph = (self.h[i] + _PRIOR * pp) / (self.hn[i] + _PRIOR)
        if not f:
            if ph < 0.5:
                return 0.0  # a minority of the headlines have it: its absence says little
            ph, pp = 1 - ph, 1 - pp
        elif i == _CAPS and ph < 0.3 and self.hn[i] >= 4:
            # A line in capitals where the headlines are not: a section label, a kicker or a
            # cross-head ("WHY IT MATTERS"); paragraphs are never in capitals, so the ratio
            # against them would say the opposite.
            return -1.0
        # Capped: a few examples prove little; many of them (a dump whose headlines all stand
        # after a blank line while its paragraphs never do) may speak louder.
        cap = 2.6 if self.hn[i] >= 8 and self.pn[i] >= 12 else 1.6
        lr = max(-cap, min(cap, math.log(ph / pp)))
        if f and i == _TITLE_CASE:
            # Title Case is rare in paragraphs: seen on a line it never argues against a
            # headline, even in a dump whose other headlines are in sentence case. (Capitals do:
            # "WHY IT MATTERS" in a dump of sentence-case headlines is a cross-head.)
            lr = max(lr, 0.0)
        if i == _CUED:
            # A cue is weighed where it is seen; its absence is weak evidence: in many dumps
            # only some articles carry bylines, bullets or datelines.
            lr = 0.0 if f else max(lr, -0.8)
        return lr

    def scaled(self, weight: int) -> Style:
        """A copy that weighs like at most ``weight`` examples of each kind."""

        def scale(counts: list[int], totals: list[int]) -> tuple[list[int], list[int]]:
            k = [min(1.0, weight / t) if t else 1.0 for t in totals]
            return (
                [round(c * x) for c, x in zip(counts, k)],
                [round(t * x) for t, x in zip(totals, k)],
            )

        h, hn = scale(self.h, self.hn)
        p, pn = scale(self.p, self.pn)
        k = min(1.0, weight / self.nh) if self.nh else 1.0
        kl = min(1.0, weight / self.lengths[0]) if self.lengths[0] else 1.0
        lengths = [x * kl for x in self.lengths]
        return Style(h, hn, p, pn, round(self.stops * k), lengths, round(self.datelined * k))


def features(
    unit: Unit, nxt: Unit | None, cue: float, title: bool | None = None
) -> tuple[bool, ...]:
    """``title``: is_title_case(unit.text) when the caller has worked it out already."""
    text = unit.text
    short = len(text) <= 300
    if short and title is None:
        title = unit.title_case
        if title is None:
            title = unit.title_case = is_title_case(text)
    return (
        unit.blanks > 0,
        unit.blanks > 1,
        # Set apart from what follows: by a blank line, or by bullets, a byline, a dateline.
        (nxt is not None and nxt.blanks > 0) or cue >= 2.0,
        cue >= 2.0,
        short and text.isupper() and len(text) >= 6,  # is_caps(text), inlined
        short and bool(title),
    )
