"""Delete, restore, empty the Trash, and Ctrl+Z: the window's Trash commands.

Delete moves the selected articles (or every search result) to the Trash, undone by Ctrl+Z;
Shift+Delete and emptying the Trash delete for good, and ask first, saying how many. The work
runs on :class:`~reader.ui.trash_worker.TrashJobs` (a worker thread, in chunks), so a delete of
100,000 articles never freezes the window; its result is published as one
:class:`~reader.ui.changes.LibraryChange` like any other change. At start-up the Trash is
emptied of what is older than the setting, and the reader's delete rule runs (both off the GUI
thread; neither ever takes a starred article).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from reader.core import retention, trash
from reader.core.trash import Deleted
from reader.core.views import ALL, TRASH

from .changes import LibraryChange
from .commands import CommandError
from .progress_status import ProgressStatus
from .settings import Setting
from .trash_worker import TrashJobs

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Days an article stays in the Trash before the start-up emptying (0: until emptied by hand).
TRASH_DAYS = Setting("library/trash_days", int, trash.DEFAULT_TRASH_DAYS, per_library=True)
#: The delete rule: read, unstarred articles older than this many days to the Trash (0: off).
DELETE_READ_DAYS = Setting("library/delete_read_days", int, 0, per_library=True)
#: Selections above this size are refused (each row is looked up); search results have their own.
MAX_SELECTED = 50_000


def articles(n: int) -> str:
    return "1 article" if n == 1 else f"{n:,} articles"


@dataclass
class DeleteUndo:
    """Ctrl+Z of a delete (or a removed source): the articles come back from the Trash."""

    actions: TrashActions
    deleted: Deleted

    def undo(self) -> str:
        return self.actions.undo_delete(self.deleted)

    def discard(self) -> None:
        """Nothing to free: the delete's stamp is in the library."""


@dataclass
class RestoreUndo:
    """Ctrl+Z of a restore: the articles go back to the Trash."""

    actions: TrashActions
    ids: list[int]

    def undo(self) -> str:
        self.actions.move_to_trash(self.ids, push_undo=False)
        return f"Putting {articles(len(self.ids))} back in the Trash…"

    def discard(self) -> None:
        """Nothing to free."""


class TrashActions(QObject):
    """The Trash commands of one window; the window owns it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.status = ProgressStatus("trash")
        window.statusBar().addPermanentWidget(self.status)
        self.jobs = TrashJobs(window.library.path, self.status, self)
        self.jobs.failed.connect(lambda text: self._status(text, 10_000))
        self._first_row: int | None = None
        window.add_mode("trash", self.in_trash)
        window.add_part(self)
        window.startup_finished.connect(self.run_housekeeping)
        self._register()

    # -- helpers

    def _status(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _undo_hint(self) -> str:
        return f"{self.window.key_hint('undo')} to undo"

    def in_trash(self) -> bool:
        return self.window.current_view.kind == "trash"

    def _search_on(self) -> bool:
        search = self.window._search
        return search is not None and search.active

    def _register(self) -> None:
        add = self.window.registry.add
        add("delete-articles", "Move the selected articles to the Trash", "Marking", self.delete)
        add(
            "delete-forever",
            "Delete the selected articles for good…",
            "Marking",
            self.delete_forever,
        )
        add(
            "delete-from-trash",
            "Delete the selected articles in the Trash for good…",
            "Marking",
            self.delete_forever,
        )
        add(
            "restore-articles",
            "Restore the selected articles from the Trash",
            "Marking",
            self.restore,
        )
        add("empty-trash", "Empty the Trash…", "Marking", self.empty_trash)
        add("delete-results", "Move the selected results to the Trash", "Search", self.delete)
        add(
            "delete-all-results",
            "Move every article the search lists to the Trash…",
            "Search",
            self.delete_all_results,
        )

    def selected_ids(self) -> list[int] | None:
        """The selected articles of the list shown (the results while a search is on), else the
        one being read; None when more than :data:`MAX_SELECTED` are selected."""
        w = self.window
        shown = w.shown_list()
        model = shown.model()
        rows = sorted({i.row() for i in shown.selectionModel().selectedRows()})
        self._first_row = rows[0] if rows else None
        if len(rows) > MAX_SELECTED:
            return None
        if rows:
            ids = [model.article_id(r) for r in rows]  # type: ignore[attr-defined]
            return [i for i in ids if i is not None]
        current = w.current_article_id
        return [current] if current is not None else []

    def _picked(self, verb: str) -> list[int] | None:
        ids = self.selected_ids()
        if ids is None:
            self._status(f"Select at most {MAX_SELECTED:,} articles to {verb} at once", 6000)
            return None
        if not ids:
            self._status(f"Select the articles to {verb} first", 4000)
            return None
        return ids

    def _confirm(self, title: str, text: str, button: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a query is text, never markup
        yes = box.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("trashConfirm")
        box.exec()
        return box.clickedButton() is yes

    # -- after a job

    def _publish(self, names: bool = False) -> None:
        w = self.window
        w.publish(LibraryChange(article_ids=None, section_ids=None, names=names))
        if self._search_on() and w.search.ctl is not None:
            w.search.ctl.rerun()

    def _reselect(self) -> None:
        """On to the article now in the place of the first one deleted."""
        w = self.window
        row, self._first_row = self._first_row, None
        if self._search_on() or w.current_article_id is not None or row is None:
            return
        n = w.list_model.rowCount()
        if n:
            w.reading.list.set_current_row(min(row, n - 1))

    # -- commands

    def delete(self) -> None:
        """Delete: the selected articles to the Trash (in the Trash: delete for good)."""
        if self.in_trash() and not self._search_on():
            self.delete_forever()
            return
        ids = self._picked("delete")
        if ids is not None:
            self.move_to_trash(ids)

    def move_to_trash(self, ids: Sequence[int], push_undo: bool = True) -> None:
        ids = list(ids)

        def done(deleted: Deleted) -> None:
            if push_undo and deleted.count:
                self.window.undo_stack.push(DeleteUndo(self, deleted))
            self._publish()
            self._reselect()
            text = f"Moved {articles(deleted.count)} to the Trash"
            self._status(f"{text} — {self._undo_hint()}" if push_undo else text, 6000)

        self.jobs.run(
            "Moving to the Trash",
            lambda lib, progress: trash.trash_articles(lib, ids, progress=progress),
            done,
        )

    def delete_all_results(self) -> None:
        """Every article the search lists to the Trash, after saying how many (it may be
        100,000: counted and deleted on the worker)."""
        from reader.core.search import matching_ids  # search loads after the first paint

        w = self.window
        if not self._search_on():
            raise CommandError("Search first: this deletes every article a search lists")
        search = w.search
        text = search.bar.text()
        scope = None if search.bar.whole_library else search.scope()
        scope = None if scope == ALL else scope
        if scope == TRASH:
            raise CommandError("These results are in the Trash already")

        def counted(ids: list[int]) -> None:
            if not ids:
                self._status("The search lists no articles", 4000)
                return
            query = " ".join(text.split())
            if self._confirm(
                "Delete every result",
                f"Move the {articles(len(ids))} that “{query}” finds to the Trash?\n\n"
                f"{self.window.key_hint('undo')} brings them back.",
                f"Move {articles(len(ids))} to the Trash",
            ):
                self.move_to_trash(ids)

        self.jobs.run(
            "Counting the results",
            lambda lib, _progress: matching_ids(lib, text, scope=scope),
            counted,
        )

    def delete_forever(self) -> None:
        ids = self._picked("delete")
        if ids is None:
            return
        if not self._confirm(
            "Delete for good",
            f"Delete {articles(len(ids))} for good? This cannot be undone.",
            f"Delete {articles(len(ids))}",
        ):
            return

        def done(n: int) -> None:
            self._publish(names=True)
            self._reselect()
            self._status(f"Deleted {articles(n)} for good", 6000)

        self.jobs.run(
            "Deleting",
            lambda lib, progress: trash.delete_forever(lib, ids, progress=progress),
            done,
        )

    def restore(self) -> None:
        if not self.in_trash():
            raise CommandError("Restore works in the Trash: open it in the sidebar")
        ids = self._picked("restore")
        if ids is None:
            return

        def done(n: int) -> None:
            self.window.undo_stack.push(RestoreUndo(self, ids))
            self._publish(names=True)
            self._reselect()
            self._status(f"Restored {articles(n)} — {self._undo_hint()}", 6000)

        self.jobs.run(
            "Restoring",
            lambda lib, progress: trash.restore(lib, ids, progress=progress),
            done,
        )

    def empty_trash(self) -> None:
        n = trash.trash_size(self.window.library)
        if n == 0:
            self._status("The Trash is empty", 3000)
            return
        if not self._confirm(
            "Empty the Trash",
            f"Delete the {articles(n)} in the Trash for good? This cannot be undone.",
            "Empty the Trash",
        ):
            return

        def done(gone: int) -> None:
            self._publish(names=True)
            self._status(f"The Trash is empty ({articles(gone)} deleted for good)", 6000)

        self.jobs.run(
            "Emptying the Trash",
            lambda lib, progress: trash.empty_trash(lib, progress=progress),
            done,
        )

    def undo_delete(self, deleted: Deleted) -> str:
        """Ctrl+Z of a delete: put back on the worker; the status bar says when it is done."""

        def done(n: int) -> None:
            self._publish(names=True)
            self._status(f"Delete undone ({articles(n)} put back)", 6000)

        self.jobs.run(
            "Putting back",
            lambda lib, progress: trash.undo_delete(lib, deleted, progress=progress),
            done,
        )
        return f"Putting back {articles(deleted.count)}…"

    def push_delete(self, deleted: Deleted) -> None:
        """Keep a delete done elsewhere (a removed source, the delete rule) for Ctrl+Z."""
        if deleted.count or deleted.source_id is not None:
            self.window.undo_stack.push(DeleteUndo(self, deleted))

    # -- start-up rules

    def run_housekeeping(self) -> None:
        """Empty the Trash of old articles and apply the delete rule, on the worker."""
        s = self.window.settings
        days, rule = s.get(TRASH_DAYS), s.get(DELETE_READ_DAYS)
        lib = self.window.library
        if not trash.anything_expired(lib, days) and not retention.any_read_older_than(lib, rule):
            return  # most starts: no thread at all

        def done(result: retention.Housekeeping) -> None:
            if result.retired is not None:
                self.push_delete(result.retired)
            message = result.message(rule)
            if message:
                self._publish(names=True)
                hint = f" — {self._undo_hint()}" if result.retired else ""
                self._status(message + hint, 10_000)

        self.jobs.run(
            "Tidying the library",
            lambda lib, _progress: retention.housekeeping(lib, days, rule),
            done,
        )

    # -- closing

    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        self.jobs.wait()
