"""One "library changed" event: what an operation changed, for every pane to keep itself right.

Every operation that writes (marking, starring, moving, an import's batch, a re-sort, a section
edit) publishes one :class:`LibraryChange` through the window; the sidebar's counts, the list,
the reading pane, the search results and the status bar each subscribe and update what they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from reader.core.marking import Change


class LibraryChange(NamedTuple):
    """What changed. ``None`` for ids means "any": re-read rather than guess.

    A named tuple, not a frozen dataclass: making that class ran its generated methods
    through the compiler at every start (about 3M instructions of it).
    """

    #: A read/star marking, exact: counts and cached rows follow it without re-reading.
    marking: Change | None = None
    #: Articles whose flags or section changed.
    article_ids: frozenset[int] | None = frozenset()
    #: Sections whose lists changed (articles came, left, were marked).
    section_ids: frozenset[int] | None = frozenset()
    #: Sections or sources were added, renamed, reordered or deleted: the sidebar's rows.
    names: bool = False
    #: New articles arrived (an import's batch).
    added: bool = False

    @classmethod
    def of_marking(cls, change: Change) -> LibraryChange:
        ids = frozenset(change.ids) if change.rows is not None else None
        return cls(marking=change, article_ids=ids, section_ids=frozenset(change.section_ids))

    @classmethod
    def of_articles(
        cls, article_ids: Iterable[int] | None, section_ids: Iterable[int] | None
    ) -> LibraryChange:
        """Articles moved between sections (a move, its undo, a re-sort)."""
        return cls(
            article_ids=None if article_ids is None else frozenset(article_ids),
            section_ids=None if section_ids is None else frozenset(section_ids),
        )

    @classmethod
    def of_import(cls, section_ids: Iterable[int] | None) -> LibraryChange:
        """New articles (in these sections) and perhaps a new source."""
        ids = None if section_ids is None else frozenset(section_ids)
        return cls(section_ids=ids, names=True, added=True)

    @classmethod
    def everything(cls) -> LibraryChange:
        return cls(article_ids=None, section_ids=None, names=True, added=True)

    def touches_article(self, article_id: int) -> bool:
        return self.article_ids is None or article_id in self.article_ids

    def touches_section(self, section_id: int | None) -> bool:
        return self.section_ids is None or section_id in self.section_ids
