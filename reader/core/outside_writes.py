"""What another program's import leaves in the library, in a form cheap enough to poll.

The window learns of its own imports from their batches; an import run by another program (a
``dispatch import`` in a terminal while the window is open) commits through a connection of its
own, and nothing tells the window. Its new articles and its entry in the sources show in these
three numbers: the articles' largest rowid and the small sources table, read in well under a
millisecond whatever the library's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from reader.core.store import Library


class ImportMark(NamedTuple):
    newest_article: int
    newest_source: int
    running_sources: int


def import_mark(lib: Library) -> ImportMark:
    """The newest article's and source's ids, and how many imports are running."""
    row = lib.conn.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM articles), "
        "(SELECT COALESCE(MAX(id), 0) FROM sources), "
        "(SELECT COUNT(*) FROM sources WHERE status = 'running')"
    ).fetchone()
    return ImportMark(*row)
