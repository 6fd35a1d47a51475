"""Saved searches as views in the sidebar: the group, their unread counts, save / rename / delete.

A saved search is a query with an optional scope (a view). Its row in the sidebar opens it in the
search results; its unread count is counted off the GUI thread (:class:`SavedCounter`) whenever
the library changes.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from reader.core.query import parse_query
from reader.core.saved_search_ops import (
    SavedSearch,
    SavedSearchError,
    clean_name,
    delete_saved_search,
    rename_saved_search,
    save_search,
    saved_search_unread,
    saved_searches,
)
from reader.core.store import Library
from reader.core.views import ALL, View

from . import icons
from .plain_text import message_box
from .sidebar import CountRole, KindRole, ViewKeyRole, header_item

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .search_wiring import WindowSearch

SAVED_PREFIX = "search:"
SAVED_ICON = "mdi6.text-search"
#: A saved search's unread count stops at this (the sidebar then shows "10,000+").
COUNT_LIMIT = 10_000


def saved_key(search_id: int) -> str:
    return f"{SAVED_PREFIX}{search_id}"


def saved_id_of(key: object) -> int | None:
    """The saved search id of a sidebar key ("search:3"), None for anything else."""
    if isinstance(key, str) and key.startswith(SAVED_PREFIX) and key[len(SAVED_PREFIX) :].isdigit():
        return int(key[len(SAVED_PREFIX) :])
    return None


# --- unread counts, off the GUI thread ----------------------------------------------------------


class CountSignals(QObject):
    done = Signal(object)  # {search id: (n, exact)}


class CountJob(QRunnable):
    """Counts the unread articles of saved searches on its own connection."""

    def __init__(self, path: Path, searches: list[SavedSearch], signals: CountSignals) -> None:
        super().__init__()
        self.path = path
        self.searches = searches
        self.signals = signals  # held here so it outlives a closed window until the job ends

    def run(self) -> None:
        out: dict[int, tuple[int, bool]] = {}
        try:
            with Library(self.path) as lib:
                for s in self.searches:
                    try:
                        out[s.id] = saved_search_unread(lib, s, limit=COUNT_LIMIT)
                    except sqlite3.Error:
                        continue  # shown without a count; the next change counts again
        except Exception:  # the library went away (a test's folder, a moved file): no counts
            logging.getLogger(__name__).exception("saved searches could not be counted")
            out = {}
        # The window may have closed (the application quitting) while this counted.
        with contextlib.suppress(RuntimeError):
            self.signals.done.emit(out)


class SavedCounter(QObject):
    """One count at a time; a change during a count asks for one more afterwards.

    Counting a saved search costs up to about 1.5 s on a library of 1,000,000 articles (a
    common word, counted to 10,000), and the window's counts change with every article read: a
    count that follows a busy one waits twice as long as that one took (at most 5 s), so that
    reading fast never keeps a core busy with recounts. On small libraries the wait is nil.
    """

    counted = Signal(object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.running = False
        self.dirty = False
        self.last_ms = 0.0
        self._started = 0.0
        self._signals = CountSignals()
        self._signals.done.connect(self._on_done)
        self._searches: Callable[[], list[SavedSearch]] = list
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._start)

    def request(self, searches: Callable[[], list[SavedSearch]]) -> None:
        self._searches = searches
        if self.running or self._later.isActive():
            self.dirty = self.running
            return
        self._start()

    def _start(self) -> None:
        found = self._searches()
        if not found:
            return
        self.running = True
        self._started = time.perf_counter()
        QThreadPool.globalInstance().start(CountJob(self.path, found, self._signals))

    def _on_done(self, counts: dict) -> None:
        self.running = False
        self.last_ms = (time.perf_counter() - self._started) * 1000
        self.counted.emit(counts)
        if self.dirty:
            self.dirty = False
            wait = min(5000, int(2 * self.last_ms)) if self.last_ms > 50 else 0
            self._later.start(wait)


# --- the window's search -----------------------------------------------------------------------


# --- the sidebar group and its commands ----------------------------------------------------------


class SavedSearchViews(QObject):
    """The saved searches of one window's search: the sidebar group and its commands."""

    #: The sidebar's saved searches changed (saved, renamed, deleted) or got their counts.
    changed = Signal()

    def __init__(self, window: MainWindow, search: WindowSearch) -> None:
        super().__init__(search)
        self.window = window
        self.search = search
        self.saved: list[SavedSearch] = []
        self.header: QStandardItem | None = None
        self.counts: dict[int, tuple[int, bool]] = {}
        #: The saved search open in the results, if one is.
        self.open_id: int | None = None
        self._dialog: QWidget | None = None
        self.counter = SavedCounter(Path(window.library.path), self)
        self.counter.counted.connect(self._on_counted)
        window.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        window.sidebar_rebuilt.connect(self.reload)
        window.startup_finished.connect(self.enable_icons)

    def _status(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def opened(self) -> SavedSearch | None:
        return next((s for s in self.saved if s.id == self.open_id), None)

    def recount(self) -> None:
        if self.saved:
            self.counter.request(lambda: list(self.saved))

    def is_selected(self) -> bool:
        return self.selected() is not None

    def selected(self) -> SavedSearch | None:
        sid = saved_id_of(self.window.sidebar.currentIndex().data(ViewKeyRole))
        return next((s for s in self.saved if s.id == sid), None) if sid is not None else None

    def _load(self) -> list[SavedSearch]:
        """The saved searches; one whose section or source was deleted searches everything."""
        model = self.window.sidebar_model
        out = []
        for s in saved_searches(self.window.library):
            if s.scope is not None and model.item_for(s.scope) is None:
                s = replace(s, scope=None)
            out.append(s)
        return out

    def reload(self) -> None:
        self.saved = self._load()
        self._install_group()
        self.counter.request(lambda: list(self.saved))

    def _install_group(self) -> None:
        """(Re)build the "Saved searches" group, after the smart views; none when empty."""
        w = self.window
        model = w.sidebar_model
        if not self.saved and self.header is None:
            self.saved = self._load()
        sm = w.sidebar.selectionModel()
        blocker = sm.blockSignals(True)
        try:
            if self.header is not None and self.header.model() is model:
                model.removeRow(self.header.row())
            self.header = None
            if not self.saved:
                return
            header = header_item("Saved searches")
            for s in self.saved:
                item = QStandardItem(s.name)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setData(saved_key(s.id), ViewKeyRole)
                item.setData("view", KindRole)
                n = self.counts.get(s.id, (0, True))[0]
                item.setData(n, CountRole)
                scope = model.name_of(s.scope) if s.scope else "the whole library"
                item.setToolTip(f"Saved search: {s.query}\nSearches {scope}")
                if model.icons_enabled:
                    item.setIcon(icons.icon(SAVED_ICON))
                header.appendRow(item)
            row = model.sections_header.row() if model.sections_header.model() is model else 4
            model.insertRow(row, header)
            self.header = header
            w.sidebar.setExpanded(header.index(), True)
            opened = self.item(self.open_id) if self.open_id is not None else None
            if opened is not None:
                w.sidebar.setCurrentIndex(opened.index())
        finally:
            sm.blockSignals(blocker)
        self.changed.emit()

    def enable_icons(self) -> None:
        """The sidebar loads icons after the first paint; saved searches get theirs then."""
        if self.header is None:
            return
        for r in range(self.header.rowCount()):
            child = self.header.child(r)
            if child is not None:
                child.setIcon(icons.icon(SAVED_ICON))

    def item(self, search_id: int) -> QStandardItem | None:
        if self.header is None:
            return None
        for r in range(self.header.rowCount()):
            child = self.header.child(r)
            if child is not None and saved_id_of(child.data(ViewKeyRole)) == search_id:
                return child
        return None

    def count(self, search_id: int) -> int | None:
        item = self.item(search_id)
        return item.data(CountRole) if item is not None else None

    def _on_counted(self, counts: dict) -> None:
        self.counts.update(counts)
        for sid, (n, exact) in counts.items():
            item = self.item(sid)
            if item is not None and item.data(CountRole) != n:
                item.setData(n, CountRole)
            if item is not None and not exact:
                item.setToolTip(item.toolTip().split("\n(")[0] + f"\n(at least {n:,} unread)")
        self.search.update_title()
        self.changed.emit()

    # -- save, rename, delete -----------------------------------------------------------------

    def ask_save(self) -> None:
        query = " ".join(self.search.bar.text().split())
        if not query:
            hint = self.window.key_hint("search")
            self._status(f"Type a search first ({hint}), then save it as a view", 5000)
            self.search.bar.focus()
            return
        if parse_query(query).is_empty:
            self._status("There is nothing to search for in this query", 5000)
            return
        scope = None if self.search.bar.whole_library else self.search.scope()
        if scope == ALL:
            scope = None
        dialog = QInputDialog(self.window)
        dialog.setObjectName("saveSearchDialog")
        dialog.setWindowTitle("Save search as view")
        where = self.window.sidebar_model.name_of(scope) if scope else "the whole library"
        dialog.setLabelText(f"Name for the search “{query}” in {where}:")
        default = next((s.name for s in self.saved if s.id == self.open_id), query[:40])
        dialog.setTextValue(default)
        dialog.textValueSelected.connect(lambda name: self.save(name, query, scope))
        self._show_dialog(dialog)

    def save(self, name: str, query: str, scope: View | None) -> int | None:
        name = clean_name(name)
        existed = any(s.name.casefold() == name.casefold() for s in self.saved)
        try:
            sid = save_search(self.window.library, name, query, scope)
        except SavedSearchError as e:
            self._status(str(e), 6000)
            return None
        except sqlite3.Error as e:
            self._status(f"Could not save the search: {e}", 6000)
            return None
        self.open_id = sid
        self.reload()
        verb = "Updated" if existed else "Saved"
        self._status(f"{verb} “{name}” under Saved searches in the sidebar", 5000)
        return sid

    def _target(self, search_id: int | None) -> SavedSearch | None:
        if search_id is not None:
            return next((s for s in self.saved if s.id == search_id), None)
        found = self.selected()
        if found is None and self.open_id is not None:
            found = next((s for s in self.saved if s.id == self.open_id), None)
        return found

    def ask_rename(self, search_id: int | None = None) -> None:
        s = self._target(search_id)
        if s is None:
            self._status("Select a saved search in the sidebar first", 4000)
            return
        dialog = QInputDialog(self.window)
        dialog.setObjectName("renameSavedSearchDialog")
        dialog.setWindowTitle("Rename saved search")
        dialog.setLabelText(f"New name for “{s.name}”:")
        dialog.setTextValue(s.name)
        dialog.textValueSelected.connect(lambda name: self.rename(s.id, name))
        self._show_dialog(dialog)

    def rename(self, search_id: int, name: str) -> bool:
        try:
            renamed = rename_saved_search(self.window.library, search_id, name)
        except SavedSearchError as e:
            self._status(str(e), 6000)
            return False
        self.reload()
        self._status(f"Renamed to “{renamed.name}”", 4000)
        return True

    def ask_delete(self, search_id: int | None = None) -> None:
        s = self._target(search_id)
        if s is None:
            self._status("Select a saved search in the sidebar first", 4000)
            return
        box = message_box(
            self.window,
            QMessageBox.Icon.Question,
            "Delete saved search",
            f"Delete the saved search “{s.name}” ({s.query})?\n\nNo article is deleted.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        box.setObjectName("deleteSavedSearchDialog")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result: (
                self.delete(s.id)
                if result == QMessageBox.StandardButton.Yes and self.item(s.id) is not None
                else None
            )
        )
        self._show_dialog(box)

    def delete(self, search_id: int) -> bool:
        s = next((x for x in self.saved if x.id == search_id), None)
        was_open = self.open_id == search_id
        if not delete_saved_search(self.window.library, search_id):
            return False
        self.counts.pop(search_id, None)
        if was_open:
            self.search.end(restore=False)
        self.reload()
        w = self.window
        if was_open or saved_id_of(w.sidebar.currentIndex().data(ViewKeyRole)) is None:
            blocker = w.sidebar.selectionModel().blockSignals(True)
            w.sidebar.select_view(w.current_view)
            w.sidebar.selectionModel().blockSignals(blocker)
        self._status(f"Deleted the saved search “{s.name if s else ''}”", 4000)
        return True

    def _show_dialog(self, dialog: QInputDialog | QMessageBox) -> None:
        self._dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.window.activateWindow())
        dialog.open()

    def _sidebar_menu(self, pos: QPoint) -> None:
        menu = self.build_sidebar_menu(self.window.sidebar.indexAt(pos))
        if menu is not None:
            menu.exec(self.window.sidebar.viewport().mapToGlobal(pos))

    def build_sidebar_menu(self, index: QModelIndex) -> QMenu | None:
        """Rename / delete for a saved search; None elsewhere (sections have their own menu)."""
        sid = saved_id_of(index.data(ViewKeyRole)) if index.isValid() else None
        if sid is None:
            return None
        menu = QMenu(self.window)
        menu.setObjectName("savedSearchMenu")
        keys = self.window.keymap
        for text, command, run in (
            ("Open", "", lambda: self.window.sidebar.setCurrentIndex(index)),
            ("Rename…", "rename-saved-search", lambda: self.ask_rename(sid)),
            ("Delete…", "delete-saved-search", lambda: self.ask_delete(sid)),
        ):
            shortcut = keys.display(command).split(", ")[0] if command else ""
            action = menu.addAction(f"{text}\t{shortcut}" if shortcut else text)
            action.setObjectName(f"menu-{command or 'open-saved-search'}")
            action.triggered.connect(lambda _=False, run=run: run())
        return menu
