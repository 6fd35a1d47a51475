"""The tests of a unit's text alone, worked out once per unit.

The parser asks them of the same unit several times (as the next text after a candidate, as a
caption's neighbour, then as itself), and a dump's first lines are weighed twice (a dry run learns
the dump's headline style, then the real run): each answer is kept on the unit, and the real run
takes over those of the dry run's units with the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from reader.core.furniture import is_credit
from reader.core.layout import Unit
from reader.core.shapes import is_candidate, is_headline_shaped, is_title_case


def candidate_of(unit: Unit) -> bool:
    """is_candidate(unit.text)."""
    c = unit.candidate
    if c is None:
        c = unit.candidate = is_candidate(unit.text)
    return c


def shaped_of(unit: Unit) -> bool:
    """is_headline_shaped(unit.text)."""
    shaped = unit.shaped
    if shaped is None:
        shaped = unit.shaped = is_headline_shaped(unit.text)
    return shaped


def title_case_of(unit: Unit) -> bool:
    """is_title_case(unit.text)."""
    title = unit.title_case
    if title is None:
        title = unit.title_case = is_title_case(unit.text)
    return title


def credit_of(unit: Unit) -> bool:
    """is_credit(unit.text)."""
    credit = unit.credit
    if credit is None:
        credit = unit.credit = is_credit(unit.text)
    return credit


def dateline_led(unit: Unit | None) -> bool:
    """Is ``unit`` (the text after a headline) a lead that opens with a dateline ("CHICAGO,
    March 3 - ")? The dump's style counts its headlines that stand so."""
    return unit is not None and unit.kind == "text" and unit.dateline() is not None


def worked_out(units: Iterable[Unit], seen: list[Unit]) -> Iterator[Unit]:
    """``units`` with the answers copied from ``seen`` (the same units, as the dry run made and
    weighed them) where the text is the same: they depend on nothing else."""
    for unit, before in zip(units, seen):
        if unit.text == before.text:
            unit.found_dateline = before.found_dateline
            unit.words = before.words
            unit.candidate = before.candidate
            unit.title_case = before.title_case
            unit.shaped = before.shaped
            unit.credit = before.credit
            unit.furniture = before.furniture
        yield unit
