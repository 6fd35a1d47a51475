"""The layout fixtures check themselves: each dump must still say what its .json expects.

The files in tests/fixtures/layouts/ stand in for real dumps in every layout the parser reads.
A dump ``<name>.txt`` comes with ``<name>.json`` holding the articles a reader should get from
it. These tests do not run the parser; they guard the expectations against drifting from the
text (an edited paragraph, a reordered article, a typo in a title), so a parser failure on a
fixture always means the parser is wrong, never the fixture.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
LAYOUT_DIR = FIXTURES / "layouts"
# The held-out dumps (written by someone who never saw the parser's tuning) are checked the same way.
FOLDERS = (LAYOUT_DIR, FIXTURES / "heldout")
LAYOUT_NAMES = ("lines", "blank", "wrapped", "markdown")
ARTICLE_KEYS = {"title", "dateline", "byline", "published", "summary", "crossheads", "paragraphs"}

_HYPHEN_BREAK = re.compile(r"(\w)-\n[ \t]*(\w)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+•][ \t]+|\d+[.)][ \t]+)", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_SPACES = re.compile(r"\s+")


def _pairs() -> list[str]:
    """Every fixture ("folder/name") found, whether its .txt, its .json or both exist."""
    return sorted(
        {
            f"{folder.name}/{p.stem}"
            for folder in FOLDERS
            if folder.is_dir()
            for p in folder.iterdir()
            if p.suffix in (".txt", ".json")
        }
    )


def _squash(text: str) -> str:
    """Collapse every run of whitespace to one space, as the expected paragraphs are written."""
    return _SPACES.sub(" ", text).strip()


def _plain(dump: str) -> str:
    """The dump's words with line breaks, wrap hyphens and markdown markup taken out.

    The expected values are written without markup and with wrapped lines joined, so a
    paragraph is checked against this form of the dump rather than the raw bytes.
    """
    text = dump.replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _LINE_MARK.sub("", text)
    text = _EMPHASIS.sub("", text)
    return _squash(text)


def _load(name: str) -> tuple[str, dict]:
    txt, spec = FIXTURES / f"{name}.txt", FIXTURES / f"{name}.json"
    assert txt.exists(), f"{spec.name} has no dump {txt.name}"
    assert spec.exists(), f"{txt.name} has no expectations {spec.name}"
    dump = txt.read_bytes().decode("utf-8")  # a fixture that is not UTF-8 fails here
    return dump, json.loads(spec.read_text(encoding="utf-8"))


def test_the_folders_hold_fixtures() -> None:
    for folder in FOLDERS:
        assert any(n.startswith(folder.name + "/") for n in _pairs()), f"no fixtures in {folder}"


@pytest.mark.parametrize("name", _pairs())
def test_expectations_are_well_formed(name: str) -> None:
    _, spec = _load(name)
    assert spec.get("layout") in LAYOUT_NAMES, f"{name}: layout {spec.get('layout')!r}"
    assert isinstance(spec.get("description"), str) and spec["description"].strip()
    articles = spec.get("articles")
    assert isinstance(articles, list) and len(articles) >= 1
    for i, art in enumerate(articles):
        where = f"{name} article {i + 1}"
        assert set(art) == ARTICLE_KEYS, f"{where}: keys {sorted(art)}"
        assert isinstance(art["title"], str) and art["title"].strip(), f"{where}: no title"
        assert "\n" not in art["title"], f"{where}: title spans lines"
        for key in ("dateline", "byline", "published"):
            assert art[key] is None or (isinstance(art[key], str) and art[key].strip()), where
        if art["published"] is not None:
            dt.date.fromisoformat(art["published"])  # raises on anything but YYYY-MM-DD
        for key in ("summary", "crossheads", "paragraphs"):
            assert isinstance(art[key], list), f"{where}: {key} is not a list"
            for text in art[key]:
                assert isinstance(text, str) and text.strip(), f"{where}: empty {key} entry"
                assert text == _squash(text), f"{where}: {key} entry not one spaced line: {text!r}"
        assert art["paragraphs"], f"{where}: no paragraphs"


@pytest.mark.parametrize("name", _pairs())
def test_dump_reproduces_every_expected_text_in_order(name: str) -> None:
    """Titles, datelines, bylines, bullets, cross-heads and paragraphs appear in the dump, in order.

    Each article's texts are looked for from where the previous text was found, so a moved,
    dropped or edited article or paragraph in either file is caught.
    """
    dump, spec = _load(name)
    plain = _plain(dump)
    folded = plain.casefold()
    cursor = 0
    for i, art in enumerate(spec["articles"]):
        where = f"{name} article {i + 1} ({art['title'][:40]!r})"
        # Headlines may be written in capitals or with markup; look for them case-blind.
        found = folded.find(_plain(art["title"]).casefold(), cursor)
        assert found >= 0, f"{where}: title not found after offset {cursor}"
        cursor = found + len(_plain(art["title"]))
        texts = [art["byline"], art["dateline"], *art["summary"]]
        for text in (t for t in texts if t):
            at = plain.find(_plain(text), cursor)
            assert at >= 0, f"{where}: {text!r} not found after the title"
        for para in art["paragraphs"]:
            at = plain.find(_plain(para), cursor)
            assert at >= 0, f"{where}: paragraph not found in order: {para[:70]!r}"
            cursor = at + len(_plain(para))
        for head in art["crossheads"]:
            assert _plain(head) in plain, f"{where}: cross-head {head!r} not in the dump"


@pytest.mark.parametrize("name", _pairs())
def test_lines_layout_keeps_each_paragraph_on_its_own_line(name: str) -> None:
    """In a "lines" dump a paragraph is a whole line (the lead may follow its dateline)."""
    dump, spec = _load(name)
    if spec["layout"] != "lines":
        pytest.skip("not a one-paragraph-per-line dump")
    lines = {_squash(line) for line in dump.replace("\r\n", "\n").split("\n")}
    tails = [_squash(line) for line in dump.splitlines()]
    for i, art in enumerate(spec["articles"]):
        for j, para in enumerate(art["paragraphs"]):
            if para in lines:
                continue
            where = f"{name} article {i + 1} paragraph {j + 1}"
            assert j == 0 and art["dateline"], f"{where} is not a whole line: {para[:70]!r}"
            assert any(t.startswith(art["dateline"]) and t.endswith(para) for t in tails), (
                f"{where}: the lead is not its dateline's line: {para[:70]!r}"
            )


@pytest.mark.parametrize("name", _pairs())
def test_every_published_year_is_written_in_the_dump(name: str) -> None:
    """A dateline such as "LONDON, Nov 24 (Reuters)" must not be given an invented year."""
    dump, spec = _load(name)
    for i, art in enumerate(spec["articles"]):
        if art["published"]:
            year = art["published"][:4]
            assert year in dump, f"{name} article {i + 1}: the year {year} is not in the dump"
