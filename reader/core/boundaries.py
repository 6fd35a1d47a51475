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

import os
import sys
from collections import deque
from collections.abc import Iterator
from itertools import islice

from reader.core.article import Article
from reader.core.cohesion import cohesion, subject_changes
from reader.core.drafts import MAX_ARTICLE_CHARS, Draft
from reader.core.furniture import (
    byline,
    date_line,
    furniture_of,
    is_boilerplate,
    is_transcript,
)
from reader.core.layout import Layout, Unit
from reader.core.shapes import (
    BYLINE_START,
    CLOSING,
    HAS_DIGIT,
    MAX_HEADLINE_CHARS,
    ends_sentence,
    is_candidate,
    sentence_break,
)
from reader.core.style import FEATURES, Style, features
from reader.core.unit_facts import candidate_of, credit_of, dateline_led, shaped_of, title_case_of

_DEBUG = bool(os.environ.get("DISPATCH_PARSE_DEBUG"))
_TITLE = FEATURES.index("title")
# A line whose evidence adds up to more than this starts an article.
THRESHOLD = 1.0
LOOK = 8  # units of look-ahead
# Furniture lines are short; the few kinds that run longer open with one of these words.
_LONG_FURNITURE = frozenset(
    "Read READ Related See Also Additional Reporting Writing Editing Compiled (Reporting "
    "(Additional (Writing (Editing (Compiled Sign Subscribe Follow Click Copyright ©".split()
)


def _plain_paragraph(text: str, n: int) -> bool:
    """Is a text of ``n`` (121 to 220) characters a paragraph on its face: no possible headline
    and no furniture that runs long ("Read more: …")?"""
    return (n > MAX_HEADLINE_CHARS or not is_candidate(text)) and (
        text.split(" ", 1)[0] not in _LONG_FURNITURE
    )


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
        self.blank_rare = layout.blank_rare  # (a property, read for most doubtful lines)

    def articles(self, units: Iterator[Unit]) -> Iterator[Article]:
        ahead: deque[Unit] = deque()
        it = iter(units)
        exhausted = False

        def fill(k: int) -> bool:
            nonlocal exhausted
            need = k - len(ahead)
            if need > 0 and not exhausted:
                ahead.extend(islice(it, need))
                exhausted = len(ahead) < k
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

        def open_untitled(unit: Unit) -> Article | None:
            """Make sure an article is open to take ``unit``: when none is (or the last was
            closed by its trailing headline), start one with no headline yet and hand back the
            finished one."""
            nonlocal draft
            if draft is not None and not draft.closed:
                return None
            done = draft.finish() if draft is not None else None
            draft = start("", unit)
            return done

        def drop(unit: Unit) -> None:
            text = unit.raw or unit.text
            if draft is None or draft.closed:
                pending_dropped.append(text)
            else:
                draft.article.dropped.append(text)
                draft.article.end = unit.end

        dry = self.dry
        while True:
            if len(ahead) < LOOK:
                fill(4 * LOOK)  # in batches: refilling after every unit costs more than it saves
                if not ahead:
                    break
            self.draft = draft
            u = ahead.popleft()
            kind = u.kind
            text = u.text

            n = len(text)
            if (
                n > 120
                and kind == "text"
                and draft is not None
                and draft.paragraph_lines >= 2
                and not draft.closed
                and draft.size <= MAX_ARTICLE_CHARS
                and not dry
                and (n > 220 or _plain_paragraph(text, n))
            ):
                # The common case, kept cheap: one more long paragraph of an article well under
                # way (past its lead, so no dateline to look for); and the long paragraphs right
                # after it, taken here while the look-ahead needs no refill.
                a = draft.article
                blocks = a.blocks
                body_units = draft.body_units
                while True:
                    blocks.append(("p", text))
                    a.end = u.end
                    draft.paragraph_lines += 1
                    draft.size += n
                    body_units.append(u)
                    if len(ahead) <= LOOK or draft.size > MAX_ARTICLE_CHARS:
                        break
                    u = ahead[0]
                    text = u.text
                    n = len(text)
                    if n <= 120 or u.kind != "text" or (n <= 220 and not _plain_paragraph(text, n)):
                        u = body_units[-1]
                        break
                    ahead.popleft()
                hint = False
                prev_text = u
                continue

            if kind == "sep" or kind == "image":
                drop(u)
                if kind == "sep":
                    hint = True
                    if draft is not None and draft.has_body:
                        nxt = self._next_text()
                        if nxt is not None and candidate_of(nxt):
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
                    done = open_untitled(u)
                    if done is not None:
                        yield done
                    assert draft is not None
                    draft.add_crosshead(u)
                hint = False
                prev_text = u
                continue

            if kind == "text" and (
                len(text) <= 120 or (len(text) <= 220 and text.split(" ", 1)[0] in _LONG_FURNITURE)
            ):
                furniture = u.furniture
                if furniture is False:
                    furniture = u.furniture = furniture_of(text)
                if furniture is None and ahead:
                    # A photo caption: a short line right before a credit line.
                    below = ahead[0]
                    if (
                        below.kind == "text"
                        and len(below.text) <= 140
                        and credit_of(below)
                        and text.count(" ") < 40
                    ):
                        furniture = ("caption", None)
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
                    done = open_untitled(u)
                    if done is not None:
                        yield done
                assert draft is not None
                if not draft.has_body and not self.markdown:
                    draft.article.summary.append(text)
                    draft.article.end = u.end
                else:
                    draft.add_paragraph(u)
                prev_text = u
                hint = False
                continue

            decision = "paragraph"
            candidate = u.candidate
            if candidate is None:
                candidate = u.candidate = is_candidate(text)
            if candidate:
                fill(LOOK)
                nxt = ahead[0] if ahead else None
                if (
                    nxt is not None
                    and nxt.text == text
                    and nxt.blanks == 0
                    and not self.markdown
                    and shaped_of(u)
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
                    done = open_untitled(u)
                    if done is not None:
                        yield done
                assert draft is not None
                draft.add_paragraph(u)
                if dry:
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

    def _next_text(self) -> Unit | None:
        """The next unit that carries text, past furniture, images and photo captions."""
        ahead = self.ahead
        if ahead and ahead[0].skip is False:
            return ahead[0]  # known already to carry text (most calls)
        for i, unit in enumerate(ahead):
            if unit.skip is None:
                kind = unit.kind
                unit.skip = kind in ("image", "sep") or (
                    kind == "text"
                    and len(unit.text) <= 220
                    and (is_boilerplate(unit.text) or credit_of(unit))
                )
                if not unit.skip and kind == "text" and i + 1 < len(ahead):
                    # A caption: a short line right above a photo credit.
                    after = ahead[i + 1]
                    unit.skip = (
                        after.kind == "text"
                        and len(after.text) <= 140
                        and unit.text.count(" ") < 40
                        and credit_of(after)
                    )
            if not unit.skip:
                return unit
        return None

    def _heading(self, u: Unit, draft: Draft | None) -> str:
        level = self.layout.article_level
        if u.level == level:
            return "headline"
        if u.level < level:
            return "drop"  # a site title or a section name above the articles
        return "crosshead"

    def _cue_after(self, current: Unit | None = None) -> float:
        """How strongly what follows announces an article: bullets, byline, date, dateline."""
        return self._cue_and_next(current)[0]

    def _cue_and_next(self, current: Unit | None = None) -> tuple[float, Unit | None]:
        """_cue_after, and the next unit with text (``_next_text()``) it was read from."""
        nxt = self._next_text()
        if nxt is None:
            return 0.0, None
        text = nxt.text
        if nxt.kind == "bullet" and not self.markdown:
            return 4.0, nxt
        if nxt.kind != "text":
            return 0.0, nxt
        if len(text) <= 100 and (byline(text) is not None or date_line(text) is not None):
            return 4.0, nxt
        found = nxt.dateline()
        if found is not None and not shaped_of(nxt):
            dl, prefix = found
            if prefix.rstrip()[-1:] != ":":
                return 3.5, nxt  # "LONDON, Nov 24 (Reuters) - ", "NEW YORK (AP) — "
            # "DUBAI: " opens a lead; "Duncan: " who speaks again a few lines on is a transcript,
            # and so is the answer to a "Q: " line.
            if self._speaker_again(nxt, prefix) or (
                current is not None and is_transcript(current.text)
            ):
                return 0.0, nxt
            place = dl.split(",")[0]
            return (3.0 if place.upper() == place else 2.5), nxt
        return 0.0, nxt

    def _among_questions(self, u: Unit, draft: Draft | None) -> bool:
        """Is another short question (not "Q: …") asked within two lines either side?"""

        def question(unit: Unit) -> bool:
            t = unit.text
            return (
                unit.kind == "text"
                and t.rstrip(CLOSING).endswith("?")
                and t.count(" ") < 20
                and not is_transcript(t)
            )

        if draft is not None and any(question(b) for b in list(draft.body_units)[-2:]):
            return True
        seen = 0
        for unit in self.ahead:
            if unit.kind != "text":
                continue
            if question(unit):
                return True
            seen += 1
            if seen == 2:
                break
        return False

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
                if shaped_of(unit) and not is_transcript(text):
                    break  # another article may start here: its dateline is no speech
                if text.startswith(prefix) or (text[:1].isupper() and is_transcript(text)):
                    return True
        return False

    def _decide(self, u: Unit, draft: Draft | None, prev: Unit | None, hint: bool) -> str:
        text = u.text
        lay = self.layout
        style = self.style
        # What is worked out once here (the style's stop_style, the line's case and shape) is
        # read several times below; the style learns only just before a decision is returned.
        cue, nxt = self._cue_and_next(u)
        sentence = text.rstrip(CLOSING).endswith(".")
        stop_style = style.stop_style
        title: bool | None = None  # is_title_case(text), once needed
        lead = False  # announced by a dateline lead in a dump whose headlines stand so
        if (
            sentence
            and cue < 2.0
            and not hint
            and draft is not None
            and not draft.closed
            and (not stop_style or style.dateline_style)
            and not (u.blanks and self.blank_rare)  # set off by a blank line where few are
        ):
            title = title_case_of(u)
            if not title:
                # A sentence in sentence case, announced by nothing, in a dump whose headlines
                # do not end with full stops or stand before dateline leads: a paragraph (most
                # short lines that reach here are).
                return "paragraph"
        if cue and sentence and nxt is not None:
            # A sentence before "Name: …" introduces the speaker, and one before a byline or a
            # date is the end of an article whose page put them at its foot: headlines are
            # rarely sentences.
            found = nxt.dateline()
            if found is not None and found[1].rstrip().endswith(":"):
                cue = min(cue, 1.0)
            elif found is not None and style.dateline_style:
                # A dateline opens a lead, at no article's foot: in a dump whose headlines stand
                # so, a full stop (wire copy ends some headlines so) counts less against one.
                lead = True
            elif not stop_style:
                if title is None:
                    title = title_case_of(u)
                if not title:
                    cue = min(cue, 2.0)

        shaped = shaped_of(u)
        has_body = draft is not None and bool(draft.article.blocks)  # (Draft.has_body)
        if has_body and not draft.article.title and not draft.closed:  # type: ignore[union-attr]
            # An article whose headline has not been seen: scraped pages put it after the body.
            if cue >= 3.0:
                return "headline"
            if (
                self.blank_rare
                and shaped
                and nxt is not None
                and (nxt.blanks > 0 or shaped_of(nxt))
            ):
                return "trailing-title"

        score = 0.0
        structural = 0.0
        if draft is None or draft.closed:
            structural += 4.0
        elif hint:
            structural += 3.5
        score += structural + cue

        if draft is not None and not draft.closed and not has_body:
            if draft.article.summary:
                return "paragraph"
            if draft.article.title:
                # Right under a headline: a deck, a kicker, a byline-like line — unless what
                # follows announces an article of its own (the previous headline stood alone).
                if cue < 3.0 or BYLINE_START.match(text) or HAS_DIGIT.search(text):
                    return "paragraph"
                score -= 2.0
        elif cue >= 3.0 and shaped and not self.markdown:
            # Announced by bullets, a byline, a date or a dateline lead, and shaped like a
            # headline: nothing else weighed here could outweigh that.
            feats = features(u, nxt, cue, title)
            words = text.count(" ") + 1
            style.learn(feats, True, False, draft is None, words, dateline_led(nxt))
            return "headline"

        # The blank lines around it: what they mean is learned from the dump (below); before
        # there is anything to learn from, blank lines that are rare mark boundaries.
        feats = features(u, nxt, cue, title)
        if not style.known:
            if self.blank_rare:
                score += 2.0 if u.blanks else 0.0
                score += 0.6 if feats[2] else 0.0
            elif u.blanks > 1:
                score += 1.5
            elif u.blanks == 0 and draft is not None:
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
        core = text.rstrip(CLOSING)
        end = core[-1:]
        if shaped:
            score += 0.5  # no sentence: no closing full stop, no break inside
        # Sentences end with a full stop; so do a few headlines, and a line in Title Case is
        # no sentence of a paragraph ("I Was Never Afraid of the Sea. Only of the Boats.").
        lenient = stop_style or lead or feats[_TITLE]
        if end == ".":
            score -= 0.3 if stop_style else 0.8 if lenient else 2.0 if core is text else 2.5
        elif end == "!":
            score -= 0.8
        elif end == "…":
            score -= 1.0
        elif end == "?":
            score -= 0.3
        # (A line shaped like a headline has no sentence break: is_headline_shaped looked.)
        if not shaped and sentence_break(text):
            # "Markets rally. Then they don't." A short line with two sentences can still be a
            # headline; a long one is a paragraph.
            score -= 0.5 if lenient else (1.2 if words <= 12 else 2.5)
        transcript = is_transcript(text)
        if transcript:
            score -= 2.0 if end in ".?!" else 0.7
        elif (
            end == "?"
            and not structural
            and not feats[_TITLE]
            and self._among_questions(u, draft)
            and not (has_body and subject_changes(draft, self.ahead))  # type: ignore[arg-type]
        ):
            # An interview: questions, each with its answer, a line or two apart, on one subject
            # (a run of one-paragraph stories under question headlines changes subject).
            score -= 2.5
        if not structural:
            score += style.consistency(feats, lay.blank_ratio < 0.05) + style.length_fit(words)

        # Its neighbours.
        prose = 0  # words less one of the next text when it is a sentence (-1: it is not)
        if nxt is None:
            score -= 2.5
        elif nxt.kind == "text":
            ntext = nxt.text
            prose = ntext.count(" ") if ends_sentence(ntext) else -1
            if prose >= 11:
                score += 0.8
            elif cue == 0 and shaped_of(nxt):
                score -= 0.8
        if prev is not None and prev.text.rstrip(CLOSING).endswith(":"):
            score -= 2.5
        if draft is not None and draft.paragraph_lines == 1 and not structural:
            score -= 0.3
        if draft is not None and not structural and cue < 2.0 and words <= 8 and draft.crossheads:
            score -= 1.0  # an article that already has cross-heads: a short line like them
        if self.markdown and not structural:
            score -= 3.0  # markdown dumps mark their headlines

        # Lexical cohesion, for the doubtful.
        # (Cohesion moves a score by +2.0 or -2.5 at most: it is worked out only where it can
        # take the score across the threshold.)
        if -1.0 < score < 3.5 and has_body and not structural:
            score += cohesion(u, draft, self.ahead)  # type: ignore[arg-type]

        if _DEBUG and not self.dry:
            print(
                f"[{score:+.2f} cue={cue} st={structural} lr={style.consistency(feats):+.2f} "
                f"coh={cohesion(u, draft, self.ahead) if draft and draft.has_body else 0:+.2f} "
                f"f={''.join('1' if f else '0' for f in feats)}] {text[:70]}",
                file=sys.stderr,
            )
        if score > THRESHOLD and (structural or cue >= 2.5 or score >= 3.0):
            # Confident: announced by what surrounds it, or clear on every count.
            # (A full stop forgiven for the dateline after it tells nothing of other lines.)
            stop = end == "." and not lead
            style.learn(feats, True, stop, draft is None, words, dateline_led(nxt))
        elif score <= -2.5:
            style.learn(feats, False)
        if score > THRESHOLD:
            return "headline"
        if (
            has_body
            and shaped
            and words <= 10
            and prose >= 7  # a cross-head heads prose, not a table's next row
            and not self.markdown
            and end != "?"  # a question inside an article is asked, as in an interview
            and not transcript
        ):
            return "crosshead"
        return "paragraph"
