"""Where articles start, from evidence weighed together, and the articles assembled from units.

Every unit of a dump (see ``reader.core.layout``) that could be a headline — short, not a run-on
sentence — is weighed:

- what follows it: summary bullets, a byline, a date line, a lead that opens with a dateline;
- what comes before it: the start of the dump, a separator, a sign-off ("Reuter", "— AP"), the
  headline just before (then it is a deck or a kicker, not a new article);
- the blank lines around it, measured against how the dump uses blank lines;
- its shape: length, case pattern, closing punctuation, a sentence break inside, speech ("Mayor:");
- lexical cohesion: whether its words come back in the paragraphs after it rather than before,
  and how much the vocabulary changes across it (as TextTiling does);
- consistency: the dump's confident headlines teach what its headlines look like (case, blank
  lines, cues after them), and doubtful ones are compared with that.

No single cue decides unless it is structural (a markdown heading at the article level, bullets
after a headline-shaped line). Memory stays bounded: a few units of look-ahead and look-behind.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.core.article import Article
from reader.core.furniture import (
    byline,
    date_line,
    dateline_date,
    find_dateline,
    is_boilerplate,
    is_credit,
    is_sign_off,
    is_transcript,
)
from reader.core.layout import Layout, Unit

_DEBUG = bool(os.environ.get("DISPATCH_PARSE_DEBUG"))
LOOK = 8  # units of look-ahead
# An article longer than this is cut, and the rest continues as "(continued)": one 20 MB article
# would freeze any reader. About 80,000 words.
MAX_ARTICLE_CHARS = 500_000

MAX_HEADLINE_CHARS = 180
MAX_HEADLINE_WORDS = 28
_CLOSING = "\"'”’»)]›"
_TERMINAL = ".,;:…"
_OPENING_OK = "\"'“‘’”«(‹¿¡"
# Abbreviations whose full stop does not end a sentence ("Mr. Witkoff", "U.S. Senate").
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "prof", "lt", "col",
    "capt", "sgt", "vs", "no", "inc", "co", "corp", "ltd", "mt", "ft", "rev", "u.s", "u.k", "u.n",
    "e.u", "d.c", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "a.m", "p.m", "approx", "est", "dept", "univ",
}  # fmt: skip
_SENTENCE_BREAK = re.compile(r"(\S+)[.?!][”’\"']?\s+[“‘\"']?[A-Z0-9]")
_BYLINE_START = re.compile(r"^(?:by|from|reporting by|words by)\s", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
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
    camel = first.isalpha() and len(line) > 1 and line[1].isupper()
    if not (first.isupper() or first.isdigit() or first in _OPENING_OK or camel):
        return False
    core = line.rstrip(_CLOSING)
    if not core or core[-1] in _TERMINAL:
        return False
    if line.count(" ") >= MAX_HEADLINE_WORDS:
        return False
    return not _sentence_break(line)


def _sentence_break(line: str) -> bool:
    for m in _SENTENCE_BREAK.finditer(line):
        if m.group(1).rstrip(".").lower().lstrip("(“‘\"'") not in _ABBREV:
            return True
    return False


def _candidate(text: str) -> bool:
    """Could be a headline at all (loosely: headlines may end in "." or "?")."""
    if len(text) > MAX_HEADLINE_CHARS or not text:
        return False
    first = text[0]
    camel = first.isalpha() and len(text) > 1 and text[1].isupper()
    if not (first.isupper() or first.isdigit() or first in _OPENING_OK or camel):
        return False
    if text.count(" ") >= MAX_HEADLINE_WORDS:
        return False
    core = text.rstrip(_CLOSING)
    if not core or core[-1] in ",;:":
        return False
    # A headline may end in a full stop, but then it is short: a long one is a sentence.
    return core[-1] != "." or text.count(" ") < 14


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters if c.isalpha() and c.isascii())


def _is_title_case(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if len(w) > 3]
    if len(words) < 2:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words)


def _stem(word: str) -> str:
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(unit: Unit) -> frozenset[str]:
    if unit.words is None:
        unit.words = frozenset(
            _stem(w) for w in _WORD.findall(unit.text.lower()) if len(w) > 3 and w not in _STOP
        )
    return unit.words


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(_CLOSING)
    return bool(core) and core[-1] in ".!?…"


# ---------------------------------------------------------------------------------------------
# What the dump's headlines look like, learned from the confident ones


# What is learned is how headlines stand in the dump (blank lines, cues after them) and their case
# pattern, against paragraphs. Closing punctuation is not among them: every line weighed here is
# already short and mostly unpunctuated, and paragraphs never are, so it would tell nothing.
FEATURES = ("blank_before", "double_before", "blank_after", "cued", "caps", "title")
_CUED = FEATURES.index("cued")
_CASES = (FEATURES.index("caps"), FEATURES.index("title"))
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

    @property
    def nh(self) -> int:
        return max(self.hn)

    @property
    def known(self) -> bool:
        return max(self.hn) >= 2 and max(self.pn) >= 2

    @property
    def stop_style(self) -> bool:
        """This dump's headlines often end with a full stop."""
        return self.nh >= 3 and self.stops >= 0.3 * self.nh

    def learn(
        self, feats: tuple[bool, ...], headline: bool, stop: bool = False, first: bool = False
    ) -> None:
        counts, totals = (self.h, self.hn) if headline else (self.p, self.pn)
        self.stops += headline and stop
        for i, f in enumerate(feats):
            if first and i < 2:
                continue  # blank lines before the first line of a dump say nothing
            counts[i] += f
            totals[i] += 1

    def consistency(self, feats: tuple[bool, ...]) -> float:
        """log P(features | headline) / P(features | not), per feature capped, in all capped."""
        if not self.known:
            return 0.0
        total = 0.0
        for i, f in enumerate(feats):
            if self.hn[i] == 0 or self.pn[i] == 0:
                continue
            pp = (self.p[i] + 0.5) / (self.pn[i] + 1)
            # Shrunk towards the paragraphs' rate: two headlines prove little, a dozen do.
            ph = (self.h[i] + _PRIOR * pp) / (self.hn[i] + _PRIOR)
            if not f:
                ph, pp = 1 - ph, 1 - pp
            lr = max(-1.6, min(1.6, math.log(ph / pp)))
            if f and i in _CASES:
                # Capitals or Title Case are rare in paragraphs: seen on a line they never argue
                # against a headline, even in a dump whose other headlines are in sentence case.
                lr = max(lr, 0.0)
            if i == _CUED:
                # A cue is weighed where it is seen; its absence is weak evidence: in many
                # dumps only some articles carry bylines, bullets or datelines.
                lr = 0.0 if f else max(lr, -0.8)
            total += lr
        return max(-3.5, min(3.5, total))

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
        return Style(h, hn, p, pn, round(self.stops * k))


def features(unit: Unit, nxt: Unit | None, cue: float) -> tuple[bool, ...]:
    text = unit.text
    return (
        unit.blanks > 0,
        unit.blanks > 1,
        nxt is not None and nxt.blanks > 0,
        cue >= 2.0,
        len(text) <= 300 and _is_caps(text),
        len(text) <= 300 and _is_title_case(text),
    )


# ---------------------------------------------------------------------------------------------
# The article being assembled


class Draft:
    __slots__ = ("article", "body_units", "closed", "lead_unit", "paragraph_lines", "size")

    def __init__(self, title: str, start: int) -> None:
        self.article = Article(title=title, start=start, end=start)
        self.closed = False  # a trailing headline ended it: the next line starts a new article
        self.paragraph_lines = 0
        self.size = 0
        self.body_units: deque[Unit] = deque(maxlen=3)  # for cohesion: the last paragraphs
        self.lead_unit: Unit | None = None  # the paragraph the dateline was taken from

    @property
    def has_body(self) -> bool:
        return bool(self.article.blocks)

    def add_paragraph(self, unit: Unit) -> None:
        a = self.article
        text = unit.text
        # The lead is the first paragraph, or the second after a short one (a byline, a date).
        if a.dateline is None and (
            self.paragraph_lines == 0
            or (self.paragraph_lines == 1 and a.blocks[0][1].count(" ") < 10)
        ):
            found = find_dateline(text)
            if found is not None:
                dl, prefix = found
                a.dateline = dl
                a.lead_prefix = prefix
                a.lead_block = len(a.blocks)
                self.lead_unit = unit
                text = text[len(prefix) :]
        a.blocks.append(("p", text))
        self.paragraph_lines += 1
        self.size += len(text)
        self.body_units.append(unit)
        a.end = unit.end

    def add_crosshead(self, unit: Unit) -> None:
        self.article.blocks.append(("h", unit.text))
        self.size += len(unit.text)
        self.article.end = unit.end

    def finish(self) -> Article:
        a = self.article
        # A cross-head with nothing after it heads nothing: it is the article's closing line.
        if a.blocks and a.blocks[-1][0] == "h":
            a.blocks[-1] = ("p", a.blocks[-1][1])
        if a.published is None:
            a.published = dateline_date(a.dateline)
        if not a.title:
            derived = derive_title(a)
            if derived:
                a.title = derived
                a.title_derived = True
        return a

    def split_at_last_dateline(self) -> Draft | None:
        """Cut off the tail that starts at the last dateline-led paragraph after the lead.

        Used when a repeated headline shows up after a body: the headline belongs to an article
        whose lead (with its dateline) was taken for a paragraph of the article before it.
        """
        blocks = self.article.blocks
        for i in range(len(blocks) - 1, 0, -1):
            kind, text = blocks[i]
            if kind == "p":
                found = find_dateline(text)
                if found:
                    tail = Draft("", self.article.end)
                    tail.article.blocks = blocks[i:]
                    dl, prefix = found
                    tail.article.dateline = dl
                    tail.article.lead_prefix = prefix
                    tail.article.blocks[0] = ("p", text[len(prefix) :])
                    tail.article.end = self.article.end
                    tail.paragraph_lines = len(tail.article.blocks)
                    del blocks[i:]
                    return tail
        return None


def derive_title(a: Article) -> str:
    """A title for an article the dump gave none: its first sentence, clipped at a word."""
    source = next((t for kind, t in a.blocks if kind == "p"), None) or (
        a.summary[0] if a.summary else ""
    )
    if not source:
        return ""
    m = re.search(r"[.!?…](?:[”’\"')\]]*)\s", source)
    sentence = source[: m.end()].strip() if m else source
    if len(sentence) > 110:
        cut = sentence.rfind(" ", 0, 100)
        sentence = sentence[: cut if cut > 40 else 100].rstrip(" ,;:") + "…"
    return sentence


# ---------------------------------------------------------------------------------------------
# The parser


class Segmenter:
    """Units in, articles out; see the module docstring for the evidence."""

    def __init__(self, layout: Layout, style: Style | None = None, dry: bool = False) -> None:
        self.layout = layout
        self.style = style or Style()
        # A dry run (over the first window, to learn the style) counts every paragraph as an
        # example of what is not a headline; the real run learns from doubtful lines only.
        self.dry = dry
        self.markdown = layout.kind == "markdown"

    def articles(self, units: Iterator[Unit]) -> Iterator[Article]:
        ahead: deque[Unit] = deque()
        it = iter(units)
        exhausted = False

        def fill(k: int) -> bool:
            nonlocal exhausted
            while len(ahead) < k and not exhausted:
                nxt = next(it, None)
                if nxt is None:
                    exhausted = True
                    break
                ahead.append(nxt)
            return len(ahead) >= k

        self.ahead = ahead
        draft: Draft | None = None
        pending_dropped: list[str] = []
        hint = False  # a separator or sign-off since the last text: a boundary is near
        prev_text: Unit | None = None  # the last unit that was text (any kind but dropped)

        def start(title: str, unit: Unit) -> Draft:
            d = Draft(title, unit.start)
            d.article.end = unit.end
            if pending_dropped:
                d.article.dropped.extend(pending_dropped)
                pending_dropped.clear()
            return d

        def drop(unit: Unit) -> None:
            text = unit.raw or unit.text
            if draft is None or draft.closed:
                pending_dropped.append(text)
            else:
                draft.article.dropped.append(text)
                draft.article.end = unit.end

        while True:
            fill(LOOK)
            if not ahead:
                break
            self.draft = draft
            u = ahead.popleft()
            kind = u.kind
            text = u.text

            if kind == "sep" or kind == "image":
                drop(u)
                if kind == "sep":
                    hint = True
                    if draft is not None and draft.has_body:
                        nxt = self._next_text()
                        if nxt is not None and _candidate(nxt.text):
                            draft.closed = True
                continue

            if draft is not None and draft.size > MAX_ARTICLE_CHARS and kind != "heading":
                # Too long to be one article: cut here, the rest continues under the same title.
                yield draft.finish()
                title = draft.article.title
                draft = start(f"{title} (continued)" if title else "", u)
                draft.article.title_derived = True

            if kind == "heading":
                decision = self._heading(u, draft)
                if decision == "drop":
                    drop(u)
                    continue
                if decision == "headline":
                    if draft is not None:
                        yield draft.finish()
                    draft = start(text, u)
                    self.style.learn(features(u, self._next_text(), self._cue_after()), True)
                else:
                    if draft is None or draft.closed:
                        if draft is not None:
                            yield draft.finish()
                        draft = start("", u)
                    draft.add_crosshead(u)
                hint = False
                prev_text = u
                continue

            if len(text) <= 220 and kind == "text":
                furniture = self._furniture(u, draft)
                if furniture is not None:
                    what, value = furniture
                    # Every furniture line is kept as written in `dropped`; bylines and dates
                    # also fill their fields.
                    if draft is not None and not draft.closed:
                        a = draft.article
                        if what == "byline" and a.byline is None:
                            a.byline = value
                        elif what == "date" and a.published is None:
                            a.published = value
                    drop(u)
                    if what == "sign-off":
                        hint = True
                    continue

            if kind == "bullet":
                if draft is None or draft.closed:
                    if draft is not None:
                        yield draft.finish()
                    draft = start("", u)
                if not draft.has_body and not self.markdown:
                    draft.article.summary.append(text)
                    draft.article.end = u.end
                else:
                    draft.add_paragraph(u)
                prev_text = u
                hint = False
                continue

            decision = "paragraph"
            if _candidate(text):
                fill(LOOK)
                nxt = ahead[0] if ahead else None
                if (
                    nxt is not None
                    and nxt.text == text
                    and nxt.blanks == 0
                    and not self.markdown
                    and is_headline_shaped(text)
                ):
                    # Repeated: scraping debris. The repeat is dropped.
                    ahead.popleft()
                    if draft is not None and not draft.closed and draft.has_body:
                        if not draft.article.title:
                            draft.article.title = text
                            draft.article.dropped.append(nxt.text)
                            draft.article.end = nxt.end
                            draft.closed = True
                            continue
                        tail = draft.split_at_last_dateline()
                        if tail is not None:
                            yield draft.finish()
                            tail.article.title = text
                            tail.article.dropped.append(nxt.text)
                            tail.article.end = nxt.end
                            tail.closed = True
                            draft = tail
                            continue
                    if draft is not None:
                        yield draft.finish()
                    draft = start(text, u)
                    draft.article.dropped.append(nxt.text)
                    draft.article.end = nxt.end
                    hint = False
                    prev_text = u
                    continue
                decision = self._decide(u, draft, prev_text, hint)

            if decision == "headline":
                if draft is not None:
                    yield draft.finish()
                draft = start(text, u)
            elif decision == "trailing-title":
                assert draft is not None
                draft.article.title = text
                draft.article.end = u.end
                draft.closed = True
            elif decision == "crosshead":
                assert draft is not None
                draft.add_crosshead(u)
            else:
                if draft is None or draft.closed:
                    if draft is not None:
                        yield draft.finish()
                    draft = start("", u)
                draft.add_paragraph(u)
                if self.dry:
                    fill(1)
                    self.style.learn(features(u, ahead[0] if ahead else None, 0.0), False)
            hint = False
            prev_text = u

        if draft is not None:
            article = draft.finish()
            if pending_dropped:
                article.dropped.extend(pending_dropped)
            yield article

    draft: Draft | None = None

    # -- helpers ------------------------------------------------------------------------------

    def _next_text(self, skip: int = 0) -> Unit | None:
        """The next unit that carries text, past furniture and images."""
        seen = 0
        for unit in self.ahead:
            if unit.kind in ("image", "sep"):
                continue
            if (
                unit.kind == "text"
                and len(unit.text) <= 220
                and (is_boilerplate(unit.text) or is_credit(unit.text))
            ):
                continue
            if seen == skip:
                return unit
            seen += 1
        return None

    def _heading(self, u: Unit, draft: Draft | None) -> str:
        level = self.layout.article_level
        if u.level == level:
            return "headline"
        if u.level < level:
            return "drop"  # a site title or a section name above the articles
        return "crosshead"

    def _furniture(self, u: Unit, draft: Draft | None) -> tuple[str, str | None] | None:
        text = u.text
        if is_boilerplate(text):
            return "boilerplate", None
        if is_sign_off(text):
            return "sign-off", None
        if is_credit(text):
            return "credit", None
        who = byline(text)
        if who is not None:
            return "byline", who
        when = date_line(text)
        if when is not None:
            return "date", when
        # A photo caption: a short line right before a credit line.
        nxt = self.ahead[0] if self.ahead else None
        if (
            nxt is not None
            and nxt.kind == "text"
            and len(nxt.text) <= 140
            and is_credit(nxt.text)
            and text.count(" ") < 40
        ):
            return "caption", None
        return None

    def _cue_after(self) -> float:
        """How strongly what follows announces an article: bullets, byline, date, dateline."""
        nxt = self._next_text()
        if nxt is None:
            return 0.0
        text = nxt.text
        if nxt.kind == "bullet" and not self.markdown:
            return 4.0
        if nxt.kind != "text":
            return 0.0
        if len(text) <= 100 and (byline(text) is not None or date_line(text) is not None):
            return 4.0
        found = find_dateline(text)
        if found is not None and not is_headline_shaped(text):
            dl, prefix = found
            if prefix.rstrip()[-1:] != ":":
                return 3.5  # "LONDON, Nov 24 (Reuters) - ", "NEW YORK (AP) — "
            # "DUBAI: " opens a lead; "Duncan: " who speaks again a few lines on is a transcript.
            if self._speaker_again(nxt, prefix):
                return 0.0
            place = dl.split(",")[0]
            return 3.0 if place.upper() == place else 2.5
        return 0.0

    def _speaker_again(self, first: Unit, prefix: str) -> bool:
        """Does another of the next few units open with the same "Name: ", or with speech?"""
        if self.draft is not None:
            for unit in self.draft.body_units:
                if unit is not self.draft.lead_unit and unit.text.startswith(prefix):
                    return True
        seen = False
        for unit in self.ahead:
            if unit is first:
                seen = True
                continue
            if seen and unit.kind == "text":
                text = unit.text
                if is_headline_shaped(text):
                    break  # another article may start here: its dateline is no speech
                if text.startswith(prefix) or (text[:1].isupper() and is_transcript(text)):
                    return True
        return False

    def _decide(self, u: Unit, draft: Draft | None, prev: Unit | None, hint: bool) -> str:
        text = u.text
        lay = self.layout
        style = self.style
        cue = self._cue_after()
        nxt = self._next_text()
        if cue and text.rstrip(_CLOSING).endswith(".") and nxt is not None:
            # A sentence before "Name: …" introduces the speaker; a headline is rarely a sentence.
            found = find_dateline(nxt.text)
            if found is not None and found[1].rstrip().endswith(":"):
                cue = min(cue, 1.0)

        if draft is not None and draft.has_body and not draft.article.title and not draft.closed:
            # An article whose headline has not been seen: scraped pages put it after the body.
            if cue >= 3.0:
                return "headline"
            if (
                lay.blank_rare
                and is_headline_shaped(text)
                and nxt is not None
                and (nxt.blanks > 0 or is_headline_shaped(nxt.text))
            ):
                return "trailing-title"

        score = 0.0
        structural = 0.0
        if draft is None or draft.closed:
            structural += 4.0
        elif hint:
            structural += 3.5
        score += structural + cue

        if draft is not None and not draft.closed and not draft.has_body:
            if draft.article.summary:
                return "paragraph"
            if draft.article.title:
                # Right under a headline: a deck, a kicker, a byline-like line — unless what
                # follows announces an article of its own (the previous headline stood alone).
                if cue < 3.0 or _BYLINE_START.match(text) or _HAS_DIGIT.search(text):
                    return "paragraph"
                score -= 2.0

        # The blank lines around it: what they mean is learned from the dump (below); before
        # there is anything to learn from, blank lines that are rare mark boundaries.
        feats = features(u, nxt, cue)
        if not style.known:
            if lay.blank_rare:
                score += 2.0 if u.blanks else 0.0
                score += 0.6 if feats[2] else 0.0
            elif u.blanks > 1:
                score += 1.5
            elif u.blanks == 0:
                score -= 2.0

        # Its shape.
        words = text.count(" ") + 1
        if words == 1:
            score -= 2.5
        elif words == 2:
            score -= 0.8
        elif words <= 14:
            score += 0.5
        elif words > 20:
            score -= 1.5
        core = text.rstrip(_CLOSING)
        end = core[-1:]
        if is_headline_shaped(text):
            score += 0.5  # no sentence: no closing full stop, no break inside
        if end == ".":
            score -= 0.3 if style.stop_style else (2.0 if core is text else 2.5)
        elif end == "!":
            score -= 0.8
        elif end == "…":
            score -= 1.0
        elif end == "?":
            score -= 0.3
        if _sentence_break(text):
            # "Markets rally. Then they don't." A short line with two sentences can still be a
            # headline; a long one is a paragraph.
            score -= 0.5 if style.stop_style else (1.2 if words <= 12 else 2.5)
        if is_transcript(text):
            score -= 2.0 if end in ".?!" else 0.7
        if not structural:
            score += style.consistency(feats)

        # Its neighbours.
        if nxt is None:
            score -= 2.5
        else:
            ntext = nxt.text
            if nxt.kind == "text" and ntext.count(" ") >= 11 and _ends_sentence(ntext):
                score += 0.8
            elif nxt.kind == "text" and is_headline_shaped(ntext) and cue == 0:
                score -= 0.8
        if prev is not None and prev.text.rstrip(_CLOSING).endswith(":"):
            score -= 2.5
        if draft is not None and draft.paragraph_lines == 1 and not structural:
            score -= 0.3
        if self.markdown and not structural:
            score -= 3.0  # markdown dumps mark their headlines

        # Lexical cohesion, for the doubtful.
        if -3.0 < score < 3.5 and draft is not None and draft.has_body and not structural:
            score += self._cohesion(u, draft)

        if _DEBUG and not self.dry:
            print(
                f"[{score:+.2f} cue={cue} st={structural} lr={style.consistency(feats):+.2f} "
                f"coh={self._cohesion(u, draft) if draft and draft.has_body else 0:+.2f} "
                f"f={''.join('1' if f else '0' for f in feats)}] {text[:70]}",
                file=sys.stderr,
            )
        if score > 0.5 and (structural or cue >= 2.5 or score >= 3.0):
            # Confident: announced by what surrounds it, or clear on every count.
            style.learn(feats, True, end == ".", first=draft is None)
        elif score <= -2.5:
            style.learn(feats, False)
        if score > 0.5:
            return "headline"
        if (
            draft is not None
            and draft.has_body
            and is_headline_shaped(text)
            and words <= 10
            and nxt is not None
            and nxt.kind == "text"
            and not self.markdown
        ):
            return "crosshead"
        return "paragraph"

    def _cohesion(self, u: Unit, draft: Draft) -> float:
        words = content_words(u)
        before: set[str] = set()
        for b in draft.body_units:
            before |= content_words(b)
        after: set[str] = set()
        n = 0
        for unit in self.ahead:
            if unit.kind != "text" or unit.kind == "heading":
                continue
            if n and _candidate(unit.text) and is_headline_shaped(unit.text):
                break  # the next headline-shaped line: the window ends there
            after |= content_words(unit)
            n += 1
            if n == 3:
                break
        if not before or not after:
            return 0.0
        score = 0.0
        if words:
            # A headline's words come back after it, not before; a cross-head's too, so this
            # tells a heading from a paragraph more than one heading from another.
            rec_after = len(words & after) / len(words)
            rec_before = len(words & before) / len(words)
            score += 1.0 * (rec_after - rec_before)
        else:
            score -= 0.5
        # The change of vocabulary across the line: the stronger cue, weighed by how many words
        # it rests on (two short paragraphs say little).
        # Measured on news text (tests/fixtures/layouts): across an article boundary the
        # content words of three paragraphs either side share nothing in 70% of cases and
        # rarely more than a cosine of 0.05; inside an article the median is 0.09.
        cos = len(before & after) / math.sqrt(len(before) * len(after))
        weight = min(1.0, (len(before) + len(after)) / 40)
        shift = 1.0 if cos == 0 else max(-1.5, min(0.8, 0.9 - 15.0 * cos))
        score += weight * shift
        return score
