"""Classifying while parsing: big dumps are placed in the parsing process, with the same result.

Big dumps are parsed in a separate process (importing.PROCESS_PARSE_BYTES); the library's
classifier is sent there when the import starts, so the writer only stores. These tests force that
path on small dumps (``process_parse_bytes=0``) and compare it with the writer classifying.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from reader.core import section_ops as ops
from reader.core.article import Article
from reader.core.importing import import_file
from reader.core.placement import classify_for_library
from reader.core.sections import Classifier, Example
from reader.core.store import Library
from tests.placement_texts import (
    DEFAULT_STORIES,
    MIDDLE_EAST_NEW,
    MIDDLE_EAST_TAUGHT,
    UNRELATED_NEW,
    dump,
)


class WhereClassified:
    """A picklable classifier that says which process placed each article."""

    def __call__(self, article: Article) -> tuple[str, str]:
        return "World", f"pid {os.getpid()}"


class FailsOnFrost:
    """A picklable classifier with a bug that only some articles meet."""

    def __call__(self, article: Article) -> tuple[str, str]:
        if "frost" in article.title:
            raise ZeroDivisionError("a bug in the classifier")
        return "World", "World"


def placed(lib: Library) -> list[tuple[str, str, str | None]]:
    return lib.conn.execute(
        "SELECT a.title, s.name, a.section_reason "
        "FROM articles a JOIN sections s ON s.id = a.section_id ORDER BY a.id"
    ).fetchall()


def taught_library(path: Path, tmp_path: Path) -> Library:
    """A library whose reader moved the Middle East stories to a section of their own."""
    lib = Library(path)
    texts = [t for _, t in DEFAULT_STORIES] + MIDDLE_EAST_TAUGHT
    result = import_file(lib, dump(texts, tmp_path / f"{path.stem}-first.txt"))
    assert result.status == "done", result.error
    first = len(DEFAULT_STORIES) + 1
    ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE id >= ?", (first,))]
    section = ops.create_section(lib, "Middle East")
    ops.move_articles(lib, ids, section.id)
    return lib


@pytest.mark.parametrize(
    "how",
    [
        {"process_parse_bytes": 0},  # parsing process, classified there
        {"process_parse_bytes": 0, "classify_while_parsing": False},  # there, writer classifies
        {},  # small dump: parsing thread, the writer classifies
    ],
    ids=["in-parsing-process", "process-writer-classifies", "thread"],
)
def test_every_path_places_articles_alike(tmp_path: Path, how: dict) -> None:
    texts = MIDDLE_EAST_NEW + [t for _, t in UNRELATED_NEW]  # none of them in the library yet
    new = dump(texts, tmp_path / "new.txt")
    results = []
    for name, kw in (("reference", {}), ("other", how)):
        with taught_library(tmp_path / f"{name}.sqlite3", tmp_path) as lib:
            before = lib.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
            result = import_file(lib, new, classify=classify_for_library(lib), **kw)
            assert result.status == "done", result.error
            results.append([row for i, row in enumerate(placed(lib)) if i >= before])
    reference, other = results
    assert len(reference) == len(texts)
    assert other == reference
    # What the reader taught is used on every path: the new Middle East stories follow it.
    sections = [section for _, section, _ in reference[: len(MIDDLE_EAST_NEW)]]
    assert sections == ["Middle East"] * len(MIDDLE_EAST_NEW)


def test_big_dumps_are_classified_in_the_parsing_process(tmp_path: Path) -> None:
    texts = [t for _, t in DEFAULT_STORIES]
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(
            lib, dump(texts, tmp_path / "a.txt"), classify=WhereClassified(), process_parse_bytes=0
        )
        assert result.status == "done", result.error
        reasons = {reason for _, _, reason in placed(lib)}
    assert len(reasons) == 1 and reasons != {f"pid {os.getpid()}"}


def test_a_file_imported_before_is_classified_by_the_writer_after_dedupe(tmp_path: Path) -> None:
    """Its articles are mostly in the library: the writer sets them aside before classifying."""
    texts = [t for _, t in DEFAULT_STORIES]
    path = tmp_path / "a.txt"
    with Library(tmp_path / "lib.sqlite3") as lib:
        first = import_file(
            lib, dump(texts[:2], path), classify=WhereClassified(), process_parse_bytes=0
        )
        assert first.status == "done", first.error
        again = import_file(
            lib, dump(texts, path), classify=WhereClassified(), process_parse_bytes=0
        )
        assert (again.new, again.duplicates) == (len(texts) - 2, 2)
        reasons = [reason for _, _, reason in placed(lib)]
    assert f"pid {os.getpid()}" not in reasons[:2]  # the first import: its parsing process
    assert set(reasons[2:]) == {f"pid {os.getpid()}"}  # then the writer, new articles only


def test_a_classifier_that_cannot_be_pickled_stays_with_the_writer(tmp_path: Path) -> None:
    here = os.getpid()
    texts = [t for _, t in DEFAULT_STORIES]
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(
            lib,
            dump(texts, tmp_path / "a.txt"),
            classify=lambda a: ("World", f"pid {os.getpid()}"),
            process_parse_bytes=0,
        )
        assert result.status == "done", result.error
        assert {reason for _, _, reason in placed(lib)} == {f"pid {here}"}


def test_a_classifier_failing_in_the_parsing_process_fails_the_import_cleanly(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        result = import_file(
            lib, fixtures_dir / "store_three.txt", classify=FailsOnFrost(), process_parse_bytes=0
        )
        assert result.status == "failed"
        error = result.error or ""
        assert "classifier failed on" in error and "frost" in error
        assert "a bug in the classifier" in error and "internal error" not in error
        (status,) = lib.conn.execute(
            "SELECT status FROM sources WHERE id = ?", (result.source_id,)
        ).fetchone()
        assert status == "failed"
        assert lib.integrity_ok()


def test_a_pickled_classifier_is_the_same_classifier() -> None:
    examples = []
    for text in MIDDLE_EAST_TAUGHT:
        title, body = text.split("\n", 1)
        examples.append(Example("Middle East", title, [], body))
    taught = Classifier.default().with_examples(examples).renamed("Sport", "Sports")
    clf = pickle.loads(pickle.dumps(taught))
    assert clf.sections == taught.sections and "Middle East" in clf.sections
    for text in MIDDLE_EAST_NEW + [t for _, t in DEFAULT_STORIES]:
        title, body = text.split("\n", 1)
        assert clf.classify(title, [], body) == taught.classify(title, [], body)
    # The shipped knowledge is not copied into the pickle: it is loaded where it is unpickled.
    assert len(pickle.dumps(Classifier.default())) < 10_000
