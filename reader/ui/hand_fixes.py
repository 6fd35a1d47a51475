"""The window's hand fixes of the parse: split here, join with previous, edit the headline, and
re-parse a source with the current parser.

Split, join and edit are undoable with Ctrl+Z (their records sit on the window's undo stack
beside markings and moves); the work is reader.core.fix_ops'. Re-parsing runs on a worker thread:
first a dry run counts what would change, the reader confirms with those counts, then the real
run (one transaction: a failure leaves the library as it was).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextBlock, QTextCursor
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from reader.core import fix_ops
from reader.core.article import text_to_blocks
from reader.core.fix_ops import FixDone
from reader.core.hand_fixes import FixError
from reader.core.reparse import (
    Reparsed,
    ReparseError,
    SourceRow,
    library_place,
    reparse_source,
    sources,
)
from reader.core.store import Library
from reader.core.views import View

from .changes import LibraryChange
from .commands import CommandError
from .library_thread import LibraryThread
from .plain_text import ask
from .sidebar import ViewKeyRole

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .reading_pane import ReadingPane

log = logging.getLogger(__name__)


@dataclass
class FixUndo:
    """An undo record for the window's undo stack."""

    actions: HandFixActions
    done: FixDone

    def undo(self) -> str:
        return self.actions.undo(self.done)

    def discard(self) -> None:
        """Nothing to free: the rows are held in memory only."""


def body_block_at(pane: ReadingPane, cursor: QTextCursor) -> int | None:
    """The index in the article's body blocks of the paragraph or cross-head at ``cursor``.

    The body is the end of the page: its blocks are matched to the document's from the last one
    back, by their text (the first paragraph shows its dateline before it).
    """
    article = pane.article
    if article is None:
        return None
    blocks = text_to_blocks(article.body)
    number = cursor.block().blockNumber()
    i = len(blocks) - 1
    block: QTextBlock = pane.document().lastBlock()
    while block.isValid() and i >= 0:
        text = block.text().replace("\u2060", "")
        if not text.strip():
            block = block.previous()
            continue
        if not text.endswith(blocks[i][1]):
            return None
        if block.blockNumber() == number:
            return i
        i -= 1
        block = block.previous()
    return None


def first_visible_block(pane: ReadingPane) -> int | None:
    """The first body block (after the first) whose top shows in the pane: where a split made
    from the keyboard, with no click, cuts."""
    top = pane.cursorForPosition(pane.viewport().rect().topLeft())
    bottom = pane.cursorForPosition(pane.viewport().rect().bottomLeft()).block().blockNumber()
    block = top.block()
    while block.isValid() and block.blockNumber() <= bottom:
        cursor = QTextCursor(block)
        index = body_block_at(pane, cursor)
        if index is not None and index > 0 and pane.cursorRect(cursor).top() >= 0:
            return index
        block = block.next()
    return None


class ReparseThread(LibraryThread):
    """One re-parse (or its dry run) on its own connection: ``done(Reparsed)`` or ``failed``."""

    done = Signal(object)
    expected = (ReparseError,)

    def __init__(self, library_path: Path, source: SourceRow, dry_run: bool, parent=None) -> None:
        super().__init__(library_path, parent)
        self.source = source
        self.dry_run = dry_run

    def work(self, lib: Library) -> None:
        place = None if self.dry_run else library_place(lib)
        result = reparse_source(
            lib, self.source, place=place, dry_run=self.dry_run, cancelled=self._cancel.is_set
        )
        self.done.emit(result)

    def stopped(self, error: Exception) -> str:
        return f"{self.source.name}: re-parsing failed ({error}); nothing was changed"


class HandFixActions(QObject):
    """The hand-fix commands of one main window."""

    #: A re-parse finished (its Reparsed), for whoever waits on it.
    reparsed = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.worker: ReparseThread | None = None
        self.last_reparse: Reparsed | None = None
        self.headline_dialog: QInputDialog | None = None
        add = window.registry.add
        add(
            "split-here",
            "Split the article here (this paragraph starts a new one)",
            "Articles",
            self.split_here,
        )
        add("join-previous", "Join with the previous article", "Articles", self.join_previous)
        add("edit-headline", "Edit the headline…", "Articles", self.edit_headline)
        add(
            "reparse-source",
            "Re-parse the source with the current parser…",
            "Articles",
            self.reparse,
        )
        window.add_part(self)
        window.menus.add_entries()
        # A menu opened on another article says nothing of where to split this one.
        window.article_shown.connect(self._forget_menu_point)

    def _forget_menu_point(self, _article_id: int) -> None:
        self.window.reading_pane.menu_cursor = None

    @property
    def lib(self) -> Library:
        return self.window.library

    def _article_id(self) -> int:
        article_id = self.window.current_article_id
        if article_id is None:
            raise CommandError("Open an article first")
        return article_id

    def _status(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _done(self, done: FixDone, show: int | None) -> None:
        self.window.undo_stack.push(FixUndo(self, done))
        self.window.publish(LibraryChange.everything())
        if show is not None:
            self.window.show_article(show)
        self._status(f"{done.message} — {self.window.key_hint('undo')} to undo")

    # -- the commands ------------------------------------------------------------------------

    def split_here(self) -> FixDone | None:
        """Split at the paragraph clicked (or right-clicked), else at the first one in view."""
        article_id = self._article_id()
        pane = self.window.reading_pane
        index = None
        # Where the reading pane's menu was opened (consumed), else where the reader clicked.
        for cursor in (pane.menu_cursor, pane.textCursor()):
            if cursor is not None and index is None:
                index = body_block_at(pane, cursor)
        pane.menu_cursor = None
        if index is None:
            index = first_visible_block(pane)
        if index is None:
            raise CommandError("Click the paragraph that should start the new article, then split")
        try:
            done = fix_ops.split_article(self.lib, article_id, index)
        except FixError as e:
            raise CommandError(str(e)) from e
        self._done(done, None)
        return done

    def join_previous(self) -> FixDone | None:
        try:
            done = fix_ops.join_previous(self.lib, self._article_id())
        except FixError as e:
            raise CommandError(str(e)) from e
        self._done(done, done.article_id)
        return done

    def edit_headline(self) -> QInputDialog:
        """Ask for the new headline (the dialog does not block; OK applies it)."""
        article_id = self._article_id()
        pane = self.window.reading_pane
        title = pane.article.title if pane.article is not None else ""
        dialog = QInputDialog(self.window)
        dialog.setObjectName("editHeadline")
        dialog.setWindowTitle("Edit the headline")
        dialog.setLabelText("Headline:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(title)
        dialog.resize(560, dialog.sizeHint().height())
        dialog.textValueSelected.connect(lambda text: self._retitle(article_id, text))
        dialog.finished.connect(dialog.deleteLater)
        self.headline_dialog = dialog
        dialog.open()
        return dialog

    def _retitle(self, article_id: int, title: str) -> None:
        try:
            done = fix_ops.edit_headline(self.lib, article_id, title)
        except FixError as e:
            self._status(str(e))
            return
        self._done(done, None)

    def undo(self, done: FixDone) -> str:
        try:
            text = fix_ops.undo_fix(self.lib, done)
        except FixError as e:
            return f"Nothing undone: {e}"
        self.window.publish(LibraryChange.everything())
        if done.kind == "join":
            self.window.show_article(done.before[1]["id"])
        return text

    # -- re-parse ----------------------------------------------------------------------------

    def source(self, source_id: int | None) -> SourceRow | None:
        return next((s for s in sources(self.lib) if s.id == source_id), None)

    def reparse_id(self, source_id: int) -> ReparseThread:
        """The sidebar's menu on a source: re-parse that one."""
        source = self.source(source_id)
        if source is None:
            raise CommandError("That imported file is no longer in the library")
        return self.reparse(source)

    def chosen_source(self) -> SourceRow | None:
        """The source selected in the sidebar, else the open article's."""
        key = self.window.sidebar.currentIndex().data(ViewKeyRole)
        view = View.from_key(key) if key else None
        wanted = view.id if view is not None and view.kind == "source" else None
        if wanted is None and self.window.current_article_id is not None:
            row = self.lib.conn.execute(
                "SELECT source_id FROM articles WHERE id = ?", (self.window.current_article_id,)
            ).fetchone()
            wanted = row[0] if row else None
        return next((s for s in sources(self.lib) if s.id == wanted), None)

    def reparse(self, source: SourceRow | None = None) -> ReparseThread:
        """Count what a re-parse would change (on a worker), then ask, then re-parse."""
        if self.worker is not None:
            raise CommandError("A re-parse is under way already")
        source = source or self.chosen_source()
        if source is None:
            raise CommandError("Select an imported file in the sidebar (Sources) to re-parse it")
        self._status(f"Counting what re-parsing {source.name} would change…", 0)
        return self._start(source, dry_run=True)

    def _start(self, source: SourceRow, dry_run: bool) -> ReparseThread:
        thread = ReparseThread(self.lib.path, source, dry_run, self)
        thread.done.connect(self._counted if dry_run else self._reparsed)
        thread.failed.connect(self._failed)
        thread.finished.connect(lambda: self._thread_finished(thread))
        self.worker = thread
        thread.start()
        return thread

    def _thread_finished(self, thread: ReparseThread) -> None:
        if self.worker is thread:
            self.worker = None
        thread.deleteLater()

    def _counted(self, result: Reparsed) -> None:
        self.window.statusBar().clearMessage()
        if not (result.rewritten or result.new or result.removed):
            self._status(f"{result.summary()}: the current parser finds nothing new")
            self.reparsed.emit(result)
            return
        removed = ""
        if result.removed:
            removed = f"\n\n{result.removed:,} articles no new one overlaps will be removed."
        answer = ask(
            self.window,
            "Re-parse with the current parser",
            f"{result.summary()}.\n\nArticles that stay keep their read, starred and section "
            f"state, and your hand fixes are applied again.{removed}\n\nRe-parse it now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self._status("Re-parse cancelled: nothing changed", 5000)
            return
        source = next((s for s in sources(self.lib) if s.id == result.source_id), None)
        if source is not None:
            self._start(source, dry_run=False)

    def _reparsed(self, result: Reparsed) -> None:
        self.last_reparse = result
        self.window.publish(LibraryChange.everything())
        self._status(result.summary(), 15000)
        self.reparsed.emit(result)

    def _failed(self, message: str) -> None:
        self._status(message, 15000)
        self.reparsed.emit(None)

    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        """Closing: a running re-parse is cancelled (nothing of it is kept)."""
        for thread in self.findChildren(ReparseThread):
            thread.cancel()
            thread.wait()
