"""bench/parse_golden.py, the check that keeps the parser's speed-ups honest, can tell a change.

It records a hash of every field of every article of many dumps; a parser that differs in one
field of one article must be reported.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from reader.core import drafts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def golden():
    return runpy.run_path(str(ROOT / "bench" / "parse_golden.py"))


def test_the_golden_check_is_the_same_twice_and_names_a_changed_article(
    golden, tmp_path: Path, monkeypatch, capsys
):
    args = ["--out", str(tmp_path / "g.json"), "--mb", "0.05", "--seeds", "1"]
    args += ["--cache", str(tmp_path / "gen")]
    assert golden["main"](["record", *args]) == 0
    assert golden["main"](["check", *args]) == 0
    assert "SAME" in capsys.readouterr().out

    # A derived title one character longer: only articles without a headline differ.
    derive = drafts.derive_title
    monkeypatch.setattr(drafts, "derive_title", lambda a: derive(a) + "!" if derive(a) else "")
    assert golden["main"](["check", *args]) == 1
    out = capsys.readouterr().out
    assert "DIFFER" in out and "first difference at article" in out
