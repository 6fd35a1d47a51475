"""Marking: read / unread, star, a whole view read, and Ctrl+Z.

Every marking is kept on the window's undo stack and published as one
:class:`~reader.ui.changes.LibraryChange`, which every pane follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from reader.core import marking as flags
from reader.core import views
from reader.core.marking import Change

from .changes import LibraryChange
from .gui_writes import GuiWriter
from .undo import MarkingUndo

if TYPE_CHECKING:
    from .main_window import MainWindow

_DONE = {
    ("read", True): "Marked read",
    ("read", False): "Marked unread",
    ("starred", True): "Starred",
    ("starred", False): "Unstarred",
}


class Marking:
    """The marking commands of one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        # Marking never waits on an import's write lock: a busy library retries it shortly.
        self.writer = GuiWriter(window.conn, lambda text: self._status(text, 8000), window)

    def _status(self, text: str, ms: int) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _undo_hint(self) -> str:
        return f"{self.window.key_hint('undo')} to undo"

    def mark(self, change: Change) -> None:
        """An undoable marking: kept for Ctrl+Z, told to every pane."""
        if change.count == 0:
            return
        w = self.window
        w.undo_stack.push(MarkingUndo(w.library, change, w.publish))
        w.publish(LibraryChange.of_marking(change))

    def toggle(self, column: Literal["read", "starred"]) -> None:
        w = self.window
        article_id = w.current_article_id
        if article_id is None:
            return
        row = views.row(w.library, article_id)
        if row is None:
            return
        value = not getattr(row, column)

        def done(change: Change) -> None:
            self.mark(change)
            self._status(f"{_DONE[(column, value)]} — {self._undo_hint()}", 3000)

        self.writer.write(lambda: flags.set_flag(w.library, [article_id], column, value), done)

    def toggle_read(self) -> None:
        self.toggle("read")

    def toggle_star(self) -> None:
        self.toggle("starred")

    def mark_view_read(self) -> None:
        w = self.window
        view = w.current_view
        query = w.list_model.query
        cutoff = query.cutoff if view.kind == "today" and query is not None else None
        name = w.sidebar_model.name_of(view)

        def done(change: Change) -> None:
            if change.count == 0:
                self._status("Nothing unread here", 3000)
                return
            self.mark(change)
            text = f"Marked {change.count:,} articles in {name} read — {self._undo_hint()}"
            self._status(text, 5000)

        self.writer.write(lambda: flags.mark_view_read(w.library, view, cutoff), done)

    def mark_articles_read(self, ids: list[int], name: str) -> None:
        """Mark these articles read (what a search lists), undoable like any marking."""

        def done(change: Change) -> None:
            if change.count == 0:
                self._status("Nothing unread here", 3000)
                return
            self.mark(change)
            what = "1 article" if change.count == 1 else f"{change.count:,} articles"
            self._status(f"Marked {what} in {name} read — {self._undo_hint()}", 5000)

        library = self.window.library
        self.writer.write(lambda: flags.set_flag(library, ids, "read", True), done)

    def undo(self) -> None:
        done = self.window.undo_stack.undo()
        self._status(done or "Nothing to undo", 4000 if done else 3000)
