"""Lexical cohesion: do the paragraphs after a line carry on the subject of those before it?

Used by ``reader.core.boundaries`` to weigh a doubtful headline: across an article boundary the
vocabulary changes, inside an article it carries on (as TextTiling measures it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from reader.core.drafts import Draft
from reader.core.layout import Unit
from reader.core.shapes import content_words
from reader.core.unit_facts import candidate_of, shaped_of

# Paragraphs on each side of a line whose words are compared.
COHESION_SPAN = 3


def subject_changes(draft: Draft, ahead: Iterable[Unit]) -> bool:
    """Do the paragraphs before and after share no word at all (each side with a few)?"""
    before, after = windows(draft, ahead)
    return len(before) >= 5 and len(after) >= 5 and not before & after


def windows(draft: Draft, ahead: Iterable[Unit]) -> tuple[set[str], set[str]]:
    """The content words of the last paragraphs and of the next ones, up to the next
    headline-shaped line."""
    before: set[str] = set()
    for b in list(draft.body_units)[-COHESION_SPAN:]:
        before |= content_words(b)
    after: set[str] = set()
    n = 0
    for unit in ahead:
        if unit.kind != "text":
            continue
        if n and candidate_of(unit) and shaped_of(unit):
            break  # the next headline-shaped line: the window ends there
        after |= content_words(unit)
        n += 1
        if n == COHESION_SPAN:
            break
    return before, after


def cohesion(u: Unit, draft: Draft, ahead: Iterable[Unit]) -> float:
    """Evidence from the words around ``u`` that an article starts there (positive) or goes on
    (negative): lexical cohesion, as TextTiling measures it."""
    words = content_words(u)
    before, after = windows(draft, ahead)
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
    weight = min(1.0, (len(before) + len(after)) / 60)
    shift = 1.0 if cos == 0 else max(-1.5, min(0.8, 0.9 - 15.0 * cos))
    score += weight * shift
    return score
