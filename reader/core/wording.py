"""Small pieces of wording shared by the messages the core and the command line write."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """ "1 article", "2,048 articles" (regular plurals only)."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
