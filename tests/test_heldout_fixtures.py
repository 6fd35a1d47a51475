"""The held-out fixtures check themselves: each dump must still say what its .json expects.

tests/fixtures/heldout/ holds dumps written apart from the layout fixtures and kept out of
parser tuning, so they can measure the parser on text it was not shaped around. Like
test_layout_fixtures.py, these tests never run the parser: they catch an expectation that has
drifted from its dump, so a miss on a held-out dump always means the parser is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.test_layout_fixtures import ARTICLE_KEYS, LAYOUT_NAMES, _plain, _squash

HELDOUT_DIR = Path(__file__).parent / "fixtures" / "heldout"


def _names() -> list[str]:
    """Every held-out name found, whether its .txt, its .json or both exist."""
    if not HELDOUT_DIR.is_dir():
        return []
    return sorted({p.stem for p in HELDOUT_DIR.iterdir() if p.suffix in (".txt", ".json")})


def _load(name: str) -> tuple[str, dict]:
    txt, spec = HELDOUT_DIR / f"{name}.txt", HELDOUT_DIR / f"{name}.json"
    assert txt.exists() and spec.exists(), f"{name}: the .txt and .json must come as a pair"
    dump = txt.read_bytes().decode("utf-8")
    return dump, json.loads(spec.read_text(encoding="utf-8"))


def test_the_folder_holds_fixtures() -> None:
    assert len(_names()) >= 1, f"no held-out fixtures in {HELDOUT_DIR}"


@pytest.mark.parametrize("name", _names())
def test_expectations_are_well_formed(name: str) -> None:
    _, spec = _load(name)
    assert spec.get("layout") in LAYOUT_NAMES, f"{name}: layout {spec.get('layout')!r}"
    assert isinstance(spec.get("description"), str) and spec["description"].strip()
    assert isinstance(spec.get("articles"), list) and spec["articles"], f"{name}: no articles"
    for i, art in enumerate(spec["articles"]):
        where = f"{name} article {i + 1}"
        assert set(art) == ARTICLE_KEYS, f"{where}: keys {sorted(art)}"
        assert isinstance(art["title"], str) and art["title"] == _squash(art["title"]), where
        assert art["title"], f"{where}: no title"
        for key in ("dateline", "byline", "published"):
            assert art[key] is None or (isinstance(art[key], str) and art[key].strip()), where
        if art["published"] is not None:
            dt.date.fromisoformat(art["published"])
        for key in ("summary", "crossheads", "paragraphs"):
            assert isinstance(art[key], list), f"{where}: {key} is not a list"
            for text in art[key]:
                assert isinstance(text, str) and text and text == _squash(text), (
                    f"{where}: {key} entry is not one spaced line: {text!r}"
                )
        assert art["paragraphs"], f"{where}: no paragraphs"


@pytest.mark.parametrize("name", _names())
def test_dump_reproduces_every_expected_text_in_order(name: str) -> None:
    """Each article's title, then its other texts and paragraphs, are found in dump order."""
    dump, spec = _load(name)
    plain = _plain(dump)
    folded = plain.casefold()
    cursor = 0
    for i, art in enumerate(spec["articles"]):
        where = f"{name} article {i + 1} ({art['title'][:40]!r})"
        title = _plain(art["title"])
        found = folded.find(title.casefold(), cursor)
        assert found >= 0, f"{where}: title not found after offset {cursor}"
        cursor = found + len(title)
        for text in (t for t in (art["byline"], art["dateline"], *art["summary"]) if t):
            assert plain.find(_plain(text), cursor) >= 0, f"{where}: {text!r} not after the title"
        for para in art["paragraphs"]:
            at = plain.find(_plain(para), cursor)
            assert at >= 0, f"{where}: paragraph not found in order: {para[:70]!r}"
            cursor = at + len(_plain(para))
        for head in art["crossheads"]:
            assert _plain(head) in plain, f"{where}: cross-head {head!r} not in the dump"


@pytest.mark.parametrize("name", _names())
def test_published_years_are_written_in_the_dump(name: str) -> None:
    """No expected date may carry a year the dump never states."""
    dump, spec = _load(name)
    for i, art in enumerate(spec["articles"]):
        if art["published"]:
            assert art["published"][:4] in dump, f"{name} article {i + 1}: invented year"


@pytest.mark.parametrize("name", _names())
def test_lines_layout_keeps_each_paragraph_on_its_own_line(name: str) -> None:
    """In a "lines" dump each paragraph is a whole line, bar a lead written after its dateline."""
    dump, spec = _load(name)
    if spec["layout"] != "lines":
        pytest.skip("not a one-paragraph-per-line dump")
    lines = [_squash(line) for line in dump.splitlines()]
    whole = set(lines)
    for i, art in enumerate(spec["articles"]):
        for j, para in enumerate(art["paragraphs"]):
            if para in whole:
                continue
            where = f"{name} article {i + 1} paragraph {j + 1}"
            assert j == 0 and art["dateline"], f"{where} is not a whole line: {para[:70]!r}"
            assert any(t.startswith(art["dateline"]) and t.endswith(para) for t in lines), where
