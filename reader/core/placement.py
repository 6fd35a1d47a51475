"""The classifier bound to one library: its sections, its shipped knowledge, what its reader taught.

:mod:`reader.core.sections` knows words and section *names*; a library has section *rows* that the
reader can create, rename and delete. This module joins the two:

* every section of the library gets a classifier label. A section that carries a shipped section's
  knowledge (``sections.builtin``, kept across renames, so "Sport" renamed "Sports" still catches
  sport) is labelled with that shipped name; a section the reader created is labelled by its id,
  so no name the reader picks can collide with the shipped ones;
* the reader's moves (``section_examples``) become :class:`~reader.core.sections.Example` s under
  those labels, and the shipped knowledge is combined with them once, when a placer is built;
* only labels of sections that exist may be chosen, and the label chosen is turned back into the
  section's current name and id, with the reason spelled with that name ("Sports: Lakers, NBA").

Build one :class:`Placer` per import (or re-sort): building it learns from every example, placing
an article is then a pure, fast function of its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reader.core.article import Article
from reader.core.section_terms import BODY_CHARS as READ_CHARS
from reader.core.sections import DEFAULT_SECTIONS as SHIPPED_SECTIONS
from reader.core.sections import Classifier, Example
from reader.core.store import Library

__all__ = [
    "BODY_CHARS",
    "EXAMPLES_PER_SECTION",
    "Placed",
    "Placer",
    "classify_for_library",
    "load_examples",
    "placer_for_library",
]

# How much of a body the classifier is given: the start says what a story is about (the classifier
# itself reads a little less), and copying whole bodies would slow imports of long articles.
BODY_CHARS = 1500
# The most recent moves kept per section for learning: habits change, and learning from thousands
# of examples would make every import start slowly.
EXAMPLES_PER_SECTION = 300

_SHIPPED = {name.casefold(): name for name in SHIPPED_SECTIONS}


@dataclass(frozen=True, slots=True)
class Placed:
    """Where an article goes in this library: section row, its current name, and why."""

    section_id: int
    section: str
    reason: str


@dataclass(frozen=True, slots=True)
class _SectionRow:
    id: int
    name: str
    label: str


def _section_rows(lib: Library) -> list[_SectionRow]:
    """The library's sections with their classifier labels (see the module docstring)."""
    rows = lib.conn.execute(
        "SELECT id, name, builtin FROM sections ORDER BY position, id"
    ).fetchall()
    held = {builtin for _, _, builtin in rows if builtin}
    out = []
    for sid, name, builtin in rows:
        if builtin in SHIPPED_SECTIONS:
            label = builtin
        else:
            shipped = _SHIPPED.get(name.casefold())
            # A section named like a shipped one whose knowledge no other section carries (the
            # reader deleted "Health" and made it again, or an import created it by name) is it.
            if shipped is not None and shipped not in held:
                label = shipped
                held.add(shipped)
            else:
                label = f"user section {sid}"
        out.append(_SectionRow(sid, name, label))
    return out


def body_start(article: Article, limit: int = BODY_CHARS) -> str:
    """The first ``limit`` characters of an article's text, without building the whole body."""
    parts: list[str] = []
    size = 0
    for _, text in article.blocks:
        parts.append(text)
        size += len(text) + 2
        if size >= limit:
            break
    return "\n\n".join(parts)[:limit]


def _examples(lib: Library, rows: list[_SectionRow], label: bool) -> list[Example]:
    names = {r.id: (r.label if label else r.name) for r in rows}
    cursor = lib.conn.execute(
        """
        SELECT section_id, title, summary, substr(body, 1, ?) FROM (
            SELECT e.section_id, a.title, a.summary, a.body,
                   row_number() OVER (PARTITION BY e.section_id
                                      ORDER BY e.moved_at DESC, e.article_id DESC) AS n
            FROM section_examples e JOIN articles a ON a.id = e.article_id
        ) WHERE n <= ? ORDER BY section_id
        """,
        (BODY_CHARS, EXAMPLES_PER_SECTION),
    )
    return [
        Example(names[sid], title, summary.split("\n") if summary else [], text)
        for sid, title, summary, text in cursor
        if sid in names
    ]


def load_examples(lib: Library) -> list[Example]:
    """The reader's moves as training examples, named by their section's current name.

    At most :data:`EXAMPLES_PER_SECTION` per section, the most recent; the text is the start of
    the article's body as stored now.
    """
    return _examples(lib, _section_rows(lib), label=False)


class Placer:
    """Places articles among the sections of one library, as they were when it was built.

    Immutable and thread-safe; it holds no connection, so a worker may build it on its own
    connection and use it anywhere.
    """

    def __init__(self, classifier: Classifier, rows: list[_SectionRow]) -> None:
        self._classifier = classifier
        self._by_label = {r.label: r for r in rows}
        labels = frozenset(self._by_label)
        # When every section the classifier knows exists here (the usual case), it may choose
        # freely: the same answer, without filtering its sections for every article.
        known = set(classifier.sections)
        self._labels: frozenset[str] | None = None if known <= labels else labels
        self.section_ids = {r.name: r.id for r in rows}

    @property
    def classifier(self) -> Classifier:
        return self._classifier

    def place(self, title: str, summary: Iterable[str] | None, text: str) -> Placed:
        """The section for an article given as text (``text``: its body, only the start is read)."""
        p = self._classifier.classify(title, summary, text[:BODY_CHARS], sections=self._labels)
        row = self._by_label[p.section]
        if row.name == p.section:
            return Placed(row.id, row.name, p.explain())
        reason = f"{row.name}: {', '.join(p.reasons)}" if p.reasons else row.name
        return Placed(row.id, row.name, reason)

    def __call__(self, article: Article) -> tuple[str, str]:
        """(section name, reason): the ``classify`` callable of ``importing.import_file``."""
        # Only as much of the body as the classifier reads is joined (the same text it would cut).
        placed = self.place(article.title, article.summary, body_start(article, READ_CHARS))
        return placed.section, placed.reason


def placer_for_library(lib: Library, classifier: Classifier | None = None) -> Placer:
    """A placer for ``lib`` now: shipped knowledge (or ``classifier``) plus the library's examples.

    Raises ValueError for a library without any section (a library always has "Other").
    """
    rows = _section_rows(lib)
    if not rows:
        raise ValueError("the library has no sections")
    base = classifier if classifier is not None else Classifier.default()
    examples = _examples(lib, rows, label=True)
    return Placer(base.with_examples(examples) if examples else base, rows)


def classify_for_library(lib: Library) -> Callable[[Article], tuple[str, str]]:
    """The import pipeline's ``classify``: article -> (section name, reason), for ``lib`` now.

    Build it once per import: it reads the sections and learns from every example when called.
    """
    return placer_for_library(lib)
