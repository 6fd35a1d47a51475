"""The parser's fast paths agree with the plain Python they stand for (byte-identical articles
rest on them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import textio

# Bytes where spaces, line ends and NULs are common (memmem must not stop at a NUL).
_SPACEY = st.binary(max_size=300) | st.lists(
    st.sampled_from([b" ", b"  ", b"a", b"\n", b"\x00", b"\xc3\xa9", b"\t"]), max_size=80
).map(b"".join)


@given(_SPACEY)
@settings(max_examples=500)
def test_two_spaces_search_agrees_with_in(body):
    finder = textio._memmem_two_spaces()
    if finder is not None:  # (no memmem on this platform: the plain search is used)
        assert finder(body) == (b"  " in body)
    assert textio._in_two_spaces(body) == (b"  " in body)
    assert textio._two_spaces(body) == (b"  " in body)


def test_two_spaces_in_a_big_group():
    body = b"word " * 20_000 + b"\n"
    finder = textio._memmem_two_spaces() or textio._in_two_spaces
    assert not finder(body)
    assert finder(body + b"x  y")
    assert finder(b"  " + body)
