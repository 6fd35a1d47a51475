"""Marking: read / unread, star, a whole view read, and Ctrl+Z.

Every marking is kept on the window's undo stack and published as one
:class:`~reader.ui.changes.LibraryChange`, which every pane follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from reader.core import marking as flags
from reader.core import views
from reader.core.marking import Change
from reader.core.views import Row, View

from .changes import LibraryChange
from .gui_writes import GuiWriter
from .undo import MarkingUndo

if TYPE_CHECKING:
    from reader.core.read_sweep import ReadSweep

    from .main_window import MainWindow
    from .read_sweeps import SweepJob, SweepRunner

_DONE = {
    ("read", True): "Marked read",
    ("read", False): "Marked unread",
    ("starred", True): "Starred",
    ("starred", False): "Unstarred",
}


#: Markings of more articles than this run as a sweep, off the window's thread.
BIG_MARKING = 2_000


class Marking:
    """The marking commands of one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        # Marking never waits on an import's write lock: a busy library retries it shortly.
        self.writer = GuiWriter(window.conn, lambda text: self._status(text, 8000), window)
        self._sweeps: SweepRunner | None = None  # made at the first big marking
        self._names: dict[int, str] = {}  # id(job) -> what it marks, for the status bar
        window.list_model.read_override = self._forced_read
        window.add_part(self)

    # -- the window's closing part

    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        """Closing: a marking the window already shows as done is finished first."""
        if self._sweeps is not None:
            self._sweeps.wait()

    @property
    def sweeps(self) -> SweepRunner:
        """The thread of big markings (its module is not imported before the first paint)."""
        if self._sweeps is None:
            from .read_sweeps import SweepRunner

            self._sweeps = SweepRunner(self.window.library.path, self.window)
            self._sweeps.listed.connect(self._sweep_listed)
            self._sweeps.ended.connect(self._sweep_ended)
        return self._sweeps

    # -- big markings, off the window's thread

    def _forced_read(self, row: Row) -> int | None:
        if self._sweeps is None or not self._sweeps.busy:
            return None
        return self._sweeps.forced_read(row, self.window.list_model.view)

    def adjust_counts(self, counts: views.Counts) -> None:
        """Counts just read from the library, as running markings will leave them."""
        if self._sweeps is not None and self._sweeps.busy:
            self._sweeps.adjust(counts.unread)

    def _sweep(self, job: SweepJob, name: str) -> None:
        self._names[id(job)] = name
        self.sweeps.start(job)
        self.window.undo_stack.push(SweepUndo(self, job))
        self.window.article_list.viewport().update()  # painted read at once
        self._status(f"Marking {name} read…", 0)

    def _sweep_undo(self, job: SweepJob, name: str) -> None:
        self._names[id(job)] = name
        self.sweeps.start(job)
        self.window.article_list.viewport().update()

    def _sweep_listed(self, job: SweepJob) -> None:
        w = self.window
        w.pane_updates.update_counts(LibraryChange())  # the counts it will leave, at once
        w.article_list.viewport().update()
        sweep = job.sweep
        if sweep is None or job.cancel.is_set():
            return
        name = self._names.get(id(job), "")
        if sweep.value:
            what = "1 article" if len(sweep.ids) == 1 else f"{len(sweep.ids):,} articles"
            text = f"Marked {what} in {name} read — {self._undo_hint()}"
        else:
            text = f"Undone ({len(sweep.ids):,} articles)"
        self._status(text, 5000)

    def _sweep_ended(self, job: SweepJob) -> None:
        self._names.pop(id(job), None)
        sweep = job.sweep
        if job.error is not None:
            self._status(f"The marking could not be saved ({job.error})", 8000)
        if sweep is not None and sweep.done:
            change = Change("read", sweep.value, None, sweep.changed, set(sweep.section_ids))
            self.window.publish(LibraryChange.of_marking(change))
        self.window.article_list.viewport().update()

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
        if self._big(view):
            from reader.core import read_sweep

            from .read_sweeps import SweepJob

            def listing(lib):
                return read_sweep.sweep_view(lib, view, cutoff)

            self._sweep(SweepJob(listing, view=view), name)
            return

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

        if len(ids) > BIG_MARKING:
            from reader.core import read_sweep

            from .read_sweeps import SweepJob

            self._sweep(SweepJob(lambda lib: read_sweep.sweep_ids(lib, ids, 1)), name)
            return
        library = self.window.library
        self.writer.write(lambda: flags.set_flag(library, ids, "read", True), done)

    def _big(self, view: View) -> bool:
        """Whether marking a view read is a sweep's work (a source's count is of articles)."""
        w = self.window
        if view.kind == "source" or not w.pane_updates.counts_loaded:
            return w.list_model.rowCount() > BIG_MARKING
        return w.counts.get(view) > BIG_MARKING

    def undo(self) -> None:
        done = self.window.undo_stack.undo()
        self._status(done or "Nothing to undo", 4000 if done else 3000)


class SweepUndo:
    """Ctrl+Z of a big marking: it stops where it is, and what it did is undone by a sweep."""

    def __init__(self, marking: Marking, job: SweepJob) -> None:
        self.marking = marking
        self.job = job

    def undo(self) -> str:
        from reader.core import read_sweep

        from .read_sweeps import SweepJob

        job = self.job
        job.cancel.set()

        def undoing(lib) -> ReadSweep:
            # Sweeps run in order: the marking has stopped by now.
            sweep = job.sweep
            if sweep is None:
                return read_sweep.sweep_ids(lib, [], 0)
            back = sweep.undo_sweep()
            read_sweep.prepare(lib, back)
            return back

        name = self.marking._names.get(id(job), "")
        self.marking._sweep_undo(SweepJob(undoing, shadow=job), name)
        return "Undoing the marking"

    def discard(self) -> None:
        """Nothing to free: the marking's ids go with the record."""
