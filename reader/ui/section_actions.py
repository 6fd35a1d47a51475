"""The window's section commands: manage sections, move articles, re-sort, import into one.

Every command is a plain function registered in the window's :class:`CommandRegistry` (keys in
``commands.DEFAULT_KEYS``), also reachable from the sidebar's context menu and the Sections menu.
The work is done by :mod:`reader.core.section_ops`, which says what changed; this module hands
that to every pane as one :class:`~reader.ui.changes.LibraryChange` (``window.publish``) and
keeps the selection sensible. Errors are SectionError messages, shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox

from reader.core import section_ops
from reader.core.section_ops import Moved, SectionError
from reader.core.store import FALLBACK_SECTION
from reader.core.views import Section, View

from .changes import LibraryChange
from .plain_text import ask, warn
from .progress_status import ProgressStatus
from .resort_worker import ResortThread
from .section_picker import SectionPicker
from .sidebar import ViewKeyRole

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Moving more articles at once than this asks for a smaller selection (each is looked up).
MAX_MOVE = 50_000
#: Moved articles shown selected afterwards, at most (each row is looked up).
RESELECT_LIMIT = 500


@dataclass
class MoveUndo:
    """An undo record for the window's undo stack (beside its markings)."""

    actions: SectionActions
    moved: Moved

    def undo(self) -> str:
        return self.actions.undo_move(self.moved)

    def discard(self) -> None:
        """Nothing to free: the record lives in memory only."""


class SectionActions(QObject):
    """Section commands of one main window; the window owns it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.picker = SectionPicker(window, window.keymap)
        window.add_mode("picker", self.picker.isVisible)
        self.picker.chosen.connect(self._on_picked)
        self.picker.cancelled.connect(self._on_picker_cancelled)
        self._pick_purpose: str | None = None
        self._pick_ids: list[int] = []
        self.resort_thread: ResortThread | None = None
        self.resort_status = ProgressStatus(
            "resort", "Re-sorting", "Stop re-sorting; what was re-sorted so far is kept"
        )
        window.statusBar().addPermanentWidget(self.resort_status)
        self.resort_status.cancel_button.clicked.connect(self.cancel_resort)
        self.last_resort: section_ops.Resorted | None = None

        sidebar = window.sidebar
        sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        sidebar.customContextMenuRequested.connect(self.context_menu)
        sidebar.articles_dropped.connect(self.drop_articles)
        window.add_part(self)
        self._register()
        window.menus.add_entries()  # built after the first paint: the Sections menu now

    @property
    def lib(self):
        return self.window.library

    def _register(self) -> None:
        add = self.window.registry.add
        add(
            "move-to-section",
            "Move the selected articles to a section…",
            "Sections",
            self.choose_move_target,
        )
        add("new-section", "New section…", "Sections", self.new_section)
        add("rename-section", "Rename the selected section…", "Sections", self.rename_section)
        add(
            "move-section-up",
            "Move the selected section up",
            "Sections",
            lambda: self.move_section(-1),
        )
        add(
            "move-section-down",
            "Move the selected section down",
            "Sections",
            lambda: self.move_section(1),
        )
        add("delete-section", "Delete the selected section…", "Sections", self.delete_section)
        add("resort-all", "Re-sort all articles…", "Sections", self.resort_all)
        add(
            "import-into-section",
            "Import news dumps into a section…",
            "Application",
            self.import_into_section,
        )
        for name, (description, run) in self.picker.commands().items():
            add(name, description, "Sections", run)

    # =========================================================================================
    # Helpers

    def _sections(self) -> list[Section]:
        return section_ops.sections(self.lib)

    def _status(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _error(self, title: str, error: SectionError | str) -> None:
        warn(self.window, title, str(error))

    def selected_section(self) -> Section | None:
        """The section selected in the sidebar (or open in the list)."""
        key = self.window.sidebar.currentIndex().data(ViewKeyRole)
        view = View.from_key(key) if key else None
        if view is None or view.kind != "section":
            view = self.window.current_view
        if view.kind != "section":
            return None
        return next((s for s in self._sections() if s.id == view.id), None)

    def _section_or_tell(self, section_id: int | None) -> Section | None:
        if section_id is not None:
            found = next((s for s in self._sections() if s.id == section_id), None)
        else:
            found = self.selected_section()
        if found is None:
            self._status("Select a section in the sidebar first", 4000)
        return found

    def _publish(self, change: LibraryChange) -> None:
        """Every pane (sidebar, list, reading pane, search) follows what an edit changed."""
        self.window.publish(change)

    # =========================================================================================
    # Managing sections

    def new_section(self) -> Section | None:
        name, ok = QInputDialog.getText(
            self.window, "New section", "Name of the new section:", QLineEdit.EchoMode.Normal, ""
        )
        if not ok:
            return None
        return self._create(name)

    def _create(self, name: str) -> Section | None:
        try:
            section = section_ops.create_section(self.lib, name)
        except SectionError as e:
            self._error("Cannot create the section", e)
            return None
        self._publish(LibraryChange(section_ids=frozenset({section.id}), names=True))
        self._status(f"Created section {section.name}")
        return section

    def rename_section(self, section_id: int | None = None) -> None:
        section = self._section_or_tell(section_id)
        if section is None:
            return
        if section.name.casefold() == FALLBACK_SECTION.casefold():
            self._error(
                "Cannot rename the section",
                f"“{section.name}” holds what fits in no other section; it cannot be renamed.",
            )
            return
        name, ok = QInputDialog.getText(
            self.window,
            "Rename section",
            f"New name for “{section.name}”:",
            QLineEdit.EchoMode.Normal,
            section.name,
        )
        if not ok:
            return
        try:
            renamed = section_ops.rename_section(self.lib, section.id, name)
        except SectionError as e:
            self._error("Cannot rename the section", e)
            return
        if renamed.name != section.name:
            self._publish(
                LibraryChange(article_ids=None, section_ids=frozenset({renamed.id}), names=True)
            )
            self._status(f"Renamed {section.name} to {renamed.name}")

    def move_section(self, step: int, section_id: int | None = None) -> None:
        section = self._section_or_tell(section_id)
        if section is None:
            return
        order = [s.id for s in self._sections()]
        i = order.index(section.id)
        j = max(0, min(len(order) - 1, i + step))
        if j == i:
            self._status(f"{section.name} is {'first' if step < 0 else 'last'} already", 3000)
            return
        try:
            section_ops.move_section(self.lib, section.id, j)
        except SectionError as e:
            self._error("Cannot move the section", e)
            return
        self._publish(LibraryChange(names=True))
        self.window.sidebar.select_view(self.window.current_view)

    def delete_section(self, section_id: int | None = None) -> None:
        section = self._section_or_tell(section_id)
        if section is None:
            return
        if section.name.casefold() == FALLBACK_SECTION.casefold():
            self._error(
                "Cannot delete the section",
                f"“{section.name}” holds what fits in no other section; it cannot be deleted.",
            )
            return
        count = section_ops.article_count(self.lib, section.id)
        if count:
            what = (
                f"Its {count:,} articles go to {FALLBACK_SECTION}"
                if count > 1
                else f"Its article goes to {FALLBACK_SECTION}"
            )
            detail = f"{what}; nothing is deleted but the section."
        else:
            detail = "It holds no articles."
        answer = ask(
            self.window,
            "Delete section",
            f"Delete the section “{section.name}”?\n\n{detail}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        was_open = self.window.current_view == View("section", section.id)
        try:
            deleted = section_ops.delete_section(self.lib, section.id)
        except SectionError as e:
            self._error("Cannot delete the section", e)
            return
        # Undo records of earlier moves may name the deleted section: undo_move sends those
        # articles to Other, so they stay valid.
        self._publish(
            LibraryChange(
                article_ids=frozenset(deleted.article_ids),
                section_ids=frozenset(deleted.section_ids),
                names=True,
            )
        )
        if was_open:
            self.window.open_view(View("section", deleted.moved_to))
        moved = len(deleted.article_ids)
        tail = f"; {moved:,} articles moved to {FALLBACK_SECTION}" if moved else ""
        self._status(f"Deleted section {section.name}{tail}", 6000)

    # =========================================================================================
    # Moving articles

    def selected_article_ids(self) -> list[int] | None:
        """The articles selected in the list, in list order, else the one being read; None when
        more than :data:`MAX_MOVE` are selected (each would be looked up)."""
        model = self.window.list_model
        rows: set[int] = set()
        selection = self.window.article_list.selectionModel().selection()
        for rng in (selection.at(i) for i in range(selection.size())):
            rows.update(range(rng.top(), rng.bottom() + 1))
            if len(rows) > MAX_MOVE:
                return None
        if rows:
            ids = [model.article_id(r) for r in sorted(rows)]
            return [i for i in ids if i is not None]
        current = self.window.current_article_id
        return [current] if current is not None else []

    def choose_move_target(self) -> None:
        ids = self.selected_article_ids()
        if ids is None:
            self._status(f"Select at most {MAX_MOVE:,} articles to move at once", 6000)
            return
        if not ids:
            self._status("Select the articles to move first", 4000)
            return
        holding = section_ops.sections_of(self.lib, ids)
        current = next(iter(holding)) if len(holding) == 1 else None
        what = "article" if len(ids) == 1 else f"{len(ids):,} articles"
        self._pick_purpose = "move"
        self._pick_ids = ids
        self.picker.open(self._sections(), f"Move {what} to…", current_id=current)

    def _on_picked(self, section_id: int | None, name: str) -> None:
        purpose, ids = self._pick_purpose, self._pick_ids
        self._pick_purpose, self._pick_ids = None, []
        if section_id is None:
            section = self._create(name)
            if section is None:
                return
            section_id, name = section.id, section.name
        if purpose == "move":
            self.move_articles(ids, section_id)
        elif purpose == "import":
            self._start_import(name)

    def _on_picker_cancelled(self) -> None:
        self._pick_purpose, self._pick_ids = None, []

    def drop_articles(self, article_ids: Sequence[int], section_id: int) -> Moved | None:
        """Articles dropped on a section: those already there are left as they are (a drag let
        go over its own section is a slip, not a lesson for the classifier)."""
        ids = list(article_ids)
        there = section_ops.already_in(self.lib, ids, section_id)
        if ids and len(there) == len(set(ids)):
            self._status(f"Already in {self._name(section_id)}", 3000)
            return None
        return self.move_articles([i for i in ids if i not in there], section_id)

    def move_articles(self, article_ids: Sequence[int], section_id: int) -> Moved | None:
        """Move articles (keyboard or drop), undoable with Ctrl+Z; the list stays sensible."""
        ids = list(article_ids)
        if not ids:
            return None
        first_row = self._first_selected_row()
        try:
            moved = section_ops.move_articles(self.lib, ids, section_id)
        except SectionError as e:
            self._error("Cannot move the articles", e)
            return None
        if not moved.article_ids:
            self._status("Those articles no longer exist", 4000)
            self._publish(LibraryChange.everything())
            return moved
        self._push_undo(MoveUndo(self, moved))
        self._after_move(moved, first_row, moved.section_ids)
        name = self._name(section_id)
        n = len(moved.article_ids)
        what = "1 article" if n == 1 else f"{n:,} articles"
        hint = self.window.key_hint("undo")
        self._status(f"Moved {what} to {name} — {hint} to undo", 6000)
        return moved

    def _push_undo(self, record: MoveUndo) -> None:
        self.window.undo_stack.push(record)

    def undo_move(self, moved: Moved) -> str:
        try:
            back = section_ops.undo_move(self.lib, moved)
        except SectionError as e:
            self._error("Cannot undo the move", e)
            return "Nothing undone"
        # The articles went back to sections the record of the undo does not name: re-read.
        self._after_move(back, None, None, reselect=back.article_ids)
        n = len(back.article_ids)
        return f"Move undone ({n:,} article{'s' if n != 1 else ''} put back)"

    def _name(self, section_id: int) -> str:
        return next((s.name for s in self._sections() if s.id == section_id), "?")

    def _first_selected_row(self) -> int | None:
        selection = self.window.article_list.selectionModel().selection()
        rows = [selection.at(i).top() for i in range(selection.size())]
        return min(rows) if rows else None

    def _after_move(
        self,
        moved: Moved,
        first_row: int | None,
        section_ids: set[int] | None,
        reselect: list[int] | None = None,
    ) -> None:
        w = self.window
        current = w.current_article_id  # before the change: the pane may close it
        w.publish(LibraryChange.of_articles(moved.article_ids, section_ids))
        model = w.list_model
        ids = reselect if reselect is not None else moved.article_ids
        rows = [r for r in (model.row_of(i) for i in ids[:RESELECT_LIMIT]) if r is not None]
        if rows:
            # Still listed here (a smart view, or put back by undo): show them selected, so the
            # reader sees what moved; the article being read stays the current row.
            current_row = model.row_of(current) if current in ids else None
            w.reading.list.set_current_row(
                current_row if current_row is not None else min(rows), open_article=False
            )
            selection = w.article_list.selectionModel()
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            for r in rows:
                selection.select(model.index(r, 0), flags)
        elif current in ids and first_row is not None and model.rowCount():
            # The articles left this view (a section): on to the one now in their place.
            w.reading.list.set_current_row(min(first_row, model.rowCount() - 1))

    # =========================================================================================
    # Re-sorting

    def resort_all(self) -> None:
        if self.resort_thread is not None:
            self._status("Re-sorting is under way already", 4000)
            return
        by_hand, total = section_ops.placed_by_hand(self.lib)
        auto = total - by_hand
        if not auto:
            self._status("Nothing to re-sort: every article was placed by you", 5000)
            return
        kept = ""
        if by_hand == 1:
            kept = "The article you placed yourself stays where it is."
        elif by_hand:
            kept = f"The {by_hand:,} articles you placed yourself stay where they are."
        what = "the article" if auto == 1 else f"the {auto:,} articles"
        answer = ask(
            self.window,
            "Re-sort all articles",
            f"Place {what} Dispatch sorted again, with what it knows now "
            f"(including the moves you made)?\n\n{kept}".rstrip(),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.start_resort()

    def start_resort(self, batch: int | None = None) -> ResortThread:
        thread = ResortThread(self.lib.path, self, batch=batch)
        thread.progressed.connect(self.resort_status.show_progress)
        thread.resorted.connect(self._on_resorted)
        thread.failed.connect(self._on_resort_failed)
        thread.finished.connect(self._on_resort_thread_finished)
        self.resort_thread = thread
        self.resort_status.start()
        thread.start()
        return thread

    def cancel_resort(self) -> None:
        if self.resort_thread is not None:
            self.resort_thread.cancel()
            self.resort_status.show_cancelling()

    def _on_resorted(self, result: section_ops.Resorted) -> None:
        self.last_resort = result
        self._publish(LibraryChange.of_articles(None, result.section_ids))
        moved = result.total_moved
        if moved:
            top = sorted(result.moved.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
            where = ", ".join(f"{n:,} to {name}" for name, n in top)
            more = "…" if len(result.moved) > 4 else ""
            detail = f"{moved:,} moved ({where}{more})"
        else:
            detail = "none moved"
        if result.cancelled:
            self._status(f"Re-sort cancelled after {result.examined:,} articles: {detail}", 10000)
        else:
            self._status(f"Re-sorted {result.examined:,} articles: {detail}", 10000)

    def _on_resort_failed(self, message: str) -> None:
        self._publish(LibraryChange.everything())
        self._error("Re-sorting failed", message)

    def _on_resort_thread_finished(self) -> None:
        thread, self.resort_thread = self.resort_thread, None
        self.resort_status.finish()
        if thread is not None:
            thread.deleteLater()

    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        """Closing: a running re-sort stops at its next batch (what it did is kept)."""
        thread = self.resort_thread
        if thread is not None:
            thread.cancel()
            thread.wait()

    # =========================================================================================
    # Import into a section

    def import_into_section(self) -> None:
        if self.window.section_import_handler is None:
            self._status(
                "Import into a section from the command line: dispatch import --section NAME FILE…",
                8000,
            )
            return
        self._pick_purpose = "import"
        self._pick_ids = []
        self.picker.open(self._sections(), "Import into section…")

    def _start_import(self, name: str) -> None:
        handler = self.window.section_import_handler
        if handler is not None:
            handler(name)

    # =========================================================================================
    # The sidebar's context menu

    def context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu(self.window.sidebar.indexAt(pos))
        if menu is not None:
            menu.exec(self.window.sidebar.viewport().mapToGlobal(pos))

    def build_context_menu(self, index: QModelIndex) -> QMenu | None:
        key = index.data(ViewKeyRole) if index.isValid() else None
        view = View.from_key(key) if key else None
        menu = QMenu(self.window)
        menu.setObjectName("sectionMenu")
        keys = self.window.keymap

        def add(text: str, command: str, run: Callable[[], object], enabled: bool = True) -> None:
            shortcut = keys.display(command).split(", ")[0]
            action = menu.addAction(f"{text}\t{shortcut}" if shortcut else text)
            action.setObjectName(f"menu-{command}")
            action.setEnabled(enabled)
            action.triggered.connect(lambda _=False: run())

        if view is not None and view.kind == "section":
            order = [s.id for s in self._sections()]
            sid = view.id
            is_other = self.window.sidebar_model.name_of(view).casefold() == (
                FALLBACK_SECTION.casefold()
            )
            add("Rename…", "rename-section", lambda: self.rename_section(sid), not is_other)
            add(
                "Move up",
                "move-section-up",
                lambda: self.move_section(-1, sid),
                bool(order) and order[0] != sid,
            )
            add(
                "Move down",
                "move-section-down",
                lambda: self.move_section(1, sid),
                bool(order) and order[-1] != sid,
            )
            add("Delete…", "delete-section", lambda: self.delete_section(sid), not is_other)
            menu.addSeparator()
        elif view is not None or (index.isValid() and index != self._sections_header()):
            return None
        add("New section…", "new-section", self.new_section)
        add("Re-sort all articles…", "resort-all", self.resort_all, self.resort_thread is None)
        return menu

    def _sections_header(self) -> QModelIndex:
        return self.window.sidebar_model.sections_header.index()
