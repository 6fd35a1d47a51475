"""Search in the main window: the field above the list, results in place of the list, matches
highlighted in the reading pane, and saved searches as smart views in the sidebar.

The window stays a thin wiring layer: it creates one :class:`WindowSearch`, which

* puts the :class:`~reader.ui.search_field.SearchBar` above the article list and a results table
  beside it (shown instead of the list while a search is on; the list keeps its own model and
  selection, so the window's own code never sees the results);
* registers the search commands (keys are data in ``commands.DEFAULT_KEYS``) and, while a search
  is on, routes the list commands (J/K, N/P, Space, Enter, Esc, Tab) to the results;
* keeps a "Saved searches" group in the sidebar, with unread counts counted off the GUI thread
  whenever the window's counts change.

Searches run in the controller's worker thread, created at the first search (an idle window
holds no search thread) and shut down when the window closes.
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

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QTableView,
    QWidget,
)

from reader.core.query import parse_query
from reader.core.saved_search_ops import clean_name, rename_saved_search
from reader.core.search import (
    SavedSearch,
    SavedSearchError,
    delete_saved_search,
    highlight_article,
    save_search,
    saved_search_unread,
    saved_searches,
    unread_matches,
)
from reader.core.store import Library
from reader.core.views import ALL, View

from . import icons
from .changes import LibraryChange
from .search_engine import (
    DATE,
    SECTION,
    TITLE,
    MatchHighlighter,
    SearchController,
)
from .sidebar import CountRole, KindRole, ViewKeyRole, header_item

if TYPE_CHECKING:
    from reader.core.search import Page

    from .main_window import MainWindow

APP_NAME = "Dispatch"
SAVED_PREFIX = "search:"
SAVED_ICON = "mdi6.text-search"
#: A saved search's unread count stops at this (the sidebar then shows "10,000+").
COUNT_LIMIT = 10_000

RESULTS_STYLE = """
#searchResults { border: 2px solid transparent; }
#searchResults:focus { border: 2px solid palette(highlight); }
"""


def saved_key(search_id: int) -> str:
    return f"{SAVED_PREFIX}{search_id}"


def saved_id_of(key: object) -> int | None:
    """The saved search id of a sidebar key ("search:3"), None for anything else."""
    if isinstance(key, str) and key.startswith(SAVED_PREFIX) and key[len(SAVED_PREFIX) :].isdigit():
        return int(key[len(SAVED_PREFIX) :])
    return None


# --- the results table -------------------------------------------------------------------------


class SearchResultsView(QTableView):
    """The results, two lines a row (title over snippet), shown where the article list was."""

    def __init__(self, controller_row_height: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setStyleSheet(RESULTS_STYLE)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("searchEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_label.hide()

    def set_up_columns(self) -> None:
        """After the model is set: the title stretches, section and date keep a fixed width."""
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((SECTION, 110), (DATE, 100)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, width)

    def set_empty_text(self, text: str) -> None:
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
        self.empty_label.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.empty_label.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))


# --- saved-search unread counts, off the GUI thread --------------------------------------------


class _CountSignals(QObject):
    done = Signal(object)  # {search id: (n, exact)}


class _CountJob(QRunnable):
    """Counts the unread articles of saved searches on its own connection."""

    def __init__(self, path: Path, searches: list[SavedSearch], signals: _CountSignals) -> None:
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
        self._signals = _CountSignals()
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
        QThreadPool.globalInstance().start(_CountJob(self.path, found, self._signals))

    def _on_done(self, counts: dict) -> None:
        self.running = False
        self.last_ms = (time.perf_counter() - self._started) * 1000
        self.counted.emit(counts)
        if self.dirty:
            self.dirty = False
            wait = min(5000, int(2 * self.last_ms)) if self.last_ms > 50 else 0
            self._later.start(wait)


# --- the window's search -----------------------------------------------------------------------


class WindowSearch(QObject):
    """Everything search adds to a :class:`MainWindow` (see the module docstring)."""

    #: The sidebar's saved searches changed (saved, renamed, deleted) or got their counts.
    saved_changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.path = Path(window.library.path)
        self.bar = window.search_bar
        self.results = SearchResultsView()
        self.highlighter = MatchHighlighter(window.reading_pane)
        self.ctl: SearchController | None = None
        self.saved: list[SavedSearch] = []
        self.saved_header: QStandardItem | None = None
        self.saved_counts: dict[int, tuple[int, bool]] = {}
        self.open_saved_id: int | None = None
        self._scope_override: View | None = None
        self._applying_saved = False
        # The scope the reader had chosen before a saved search set its own (given back after).
        self._user_whole: bool | None = None
        self._previous_article: int | None = None
        self._restore_on_end = True
        self._want_first = False
        self._syncing = False
        self._dialog: QWidget | None = None
        self.counter = SavedCounter(self.path, self)
        self.counter.counted.connect(self._on_counted)

        self._build_pane()
        self._register()
        self.bar.query_changed.connect(self._on_query_typed)
        self.bar.cleared.connect(self._on_bar_cleared)
        self.bar.scope_changed.connect(self._on_scope_changed)
        self.bar.order_changed.connect(lambda _order: self._show_scope_label())
        window.sidebar.selectionModel().currentChanged.connect(self._on_sidebar_current)
        window.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        window.article_shown.connect(self._on_article_shown)
        window.changed.connect(self._on_library_changed)
        window.sidebar_rebuilt.connect(self.reload_saved)
        window.startup_finished.connect(self._enable_icons)
        window.add_part(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        # Built after the window's first paint: its menu, toolbar button and saved searches now.
        window.menus.add_entries()
        self.reload_saved()
        if window.started:  # else the window's startup_finished brings the icons
            self._enable_icons()

    # =========================================================================================
    # Layout

    def _build_pane(self) -> None:
        """The results share the list's place, under the window's search field."""
        w = self.window
        self.pane = w.list_pane
        self.results.setVisible(False)
        layout = self.pane.layout()
        assert layout is not None
        layout.addWidget(self.results, 1)
        self.results.installEventFilter(w)  # J/K, Enter, Esc... reach the window's keymap
        self.results.installEventFilter(self)  # Up on the first result: back to the field
        self.results.setFocusProxy(None)

    @property
    def active(self) -> bool:
        return self.ctl is not None and self.ctl.active

    # =========================================================================================
    # Commands

    def _register(self) -> None:
        reg = self.window.registry
        add = reg.add
        add("search", 'Search (words, "phrase", OR, -word, filters)', "Search", self.focus)
        add(
            "toggle-search-scope",
            "Search this view / the whole library",
            "Search",
            self.toggle_scope,
        )
        add(
            "toggle-search-order",
            "Sort results by relevance / newest first",
            "Search",
            self.toggle_order,
        )
        add("next-match", "Next match in the article", "Search", lambda: self.jump(1))
        add("previous-match", "Previous match in the article", "Search", lambda: self.jump(-1))
        add("save-search", "Save search as view…", "Search", self.ask_save)
        add(
            "rename-saved-search",
            "Rename the selected saved search…",
            "Search",
            self.ask_rename,
        )
        add(
            "delete-saved-search",
            "Delete the selected saved search…",
            "Search",
            self.ask_delete,
        )
        # While a search is on, the list's commands act on the results.
        self._wrap("next-article", lambda: self.move_result(1))
        self._wrap("previous-article", lambda: self.move_result(-1))
        self._wrap("next-unread", lambda: self.unread_result(backwards=False))
        self._wrap("previous-unread", lambda: self.unread_result(backwards=True))
        self._wrap("page-down", self._page_down)
        self._wrap("mark-view-read", self._mark_view_read)
        self._wrap("focus-next-pane", lambda: self._move_focus(1))
        self._wrap("focus-previous-pane", lambda: self._move_focus(-1))
        self._wrap("focus-mode", self._enter_focus_mode)
        self._wrap("leave", self._leave)
        # Views: Shift+J/K walk the sidebar as shown, saved searches included.
        self._wrap("next-view", lambda: self.move_view(1), when=self._has_saved)
        self._wrap("previous-view", lambda: self.move_view(-1), when=self._has_saved)
        # F2 and Ctrl+Shift+Del act on whatever is selected in the sidebar.
        self._wrap("rename-section", self.ask_rename, when=self._saved_selected)
        self._wrap("delete-section", self.ask_delete, when=self._saved_selected)

    def _wrap(
        self, name: str, run: Callable[[], object], when: Callable[[], bool] | None = None
    ) -> None:
        reg = self.window.registry
        if name not in reg:
            return
        original = reg[name].run
        condition = when or (lambda: self.active)

        def routed() -> object:
            return run() if condition() else original()

        reg.replace(name, routed)

    def _status(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def focus(self) -> None:
        """``/`` and Ctrl+F: to the field (out of focus mode first)."""
        if self.window.focus_mode:
            self.window.run_command("leave")
        self.bar.focus()

    def toggle_scope(self) -> None:
        self.bar.toggle_scope()
        where = self._scope_name()
        self._status(f"Searching {where}", 3000)

    def toggle_order(self) -> None:
        self.bar.toggle_order()
        order = "newest first" if self.bar.order == "date" else "best matches first"
        self._status(f"Search results: {order}", 3000)

    def jump(self, step: int) -> None:
        if not self.highlighter.count:
            self._status(
                "No search matches in this article" if self.active else "Search first (/)", 3000
            )
            return
        if step > 0:
            self.highlighter.next()
        else:
            self.highlighter.previous()
        self._status(self.highlighter.status(), 3000)

    # =========================================================================================
    # Running searches

    def _scope(self) -> View | None:
        return self._scope_override or self.window.current_view

    def _scope_name(self) -> str:
        if self.bar.whole_library:
            return "the whole library"
        view = self._scope()
        name = self.window.sidebar_model.name_of(view) if view else ""
        return f"in {name}" if name else "this view"

    def _show_scope_label(self) -> None:
        """The scope button names the view searched ("In Sport") instead of "This view"."""
        if not self.bar.whole_library:
            view = self._scope()
            name = self.window.sidebar_model.name_of(view) if view and view != ALL else ""
            if name:
                self.bar.scope_button.setText(f"In {name}")

    def _ensure_controller(self) -> SearchController:
        if self.ctl is None:
            ctl = SearchController(self.bar, self.path, self._scope, self)
            ctl.started.connect(self._on_started)
            ctl.ended.connect(self._on_ended)
            ctl.first_result_wanted.connect(self._on_first_wanted)
            ctl.results_changed.connect(self._on_results)
            self.ctl = ctl
            self.results.setModel(ctl.model)
            self.results.setItemDelegateForColumn(TITLE, ctl.delegate)
            self.results.verticalHeader().setDefaultSectionSize(
                ctl.delegate.row_height(self.results)
            )
            self.results.set_up_columns()
            self.results.selectionModel().currentRowChanged.connect(self._on_result_current)
            self.results.selectionModel().selectionChanged.connect(self._on_result_current)
        return self.ctl

    def _on_query_typed(self, text: str) -> None:
        if self.ctl is None and text.strip():
            self._ensure_controller().rerun()  # the controller missed this first query
        self._show_scope_label()

    def _on_scope_changed(self, _whole: bool) -> None:
        if not self._applying_saved:
            self._scope_override = None
            self._user_whole = None  # chosen now: kept after the search
        self._show_scope_label()

    def _on_started(self) -> None:
        w = self.window
        self._previous_article = self._selected_list_article()
        self._restore_on_end = True
        # The hidden list loses its selection: commands on "the selected articles" (move to a
        # section) then act on the result being read, not on a row nobody sees.
        w.article_list.selectionModel().clearSelection()
        w.article_list.hide()
        self.results.show()
        self.results.set_empty_text("Searching…")

    def _on_results(self, page: Page) -> None:
        if page.offset == 0:
            self._update_title()
            self.results.set_empty_text("" if page.hits else "No articles match.")
            self._highlight(self.window.current_article_id)
            current = self.window.current_article_id
            row = self.ctl.model.row_of(current) if current is not None and self.ctl else None
            if row is not None:
                self._select_result(row, open_article=False)
            if self._want_first:
                self._want_first = False
                if page.hits:
                    self._select_result(0)
                    self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_first_wanted(self) -> None:
        ctl = self.ctl
        if ctl is None or not self.bar.text().strip():
            return
        if (
            ctl.model.rowCount()
            and ctl.model.page is not None
            and ctl._request is not None
            and (ctl.model.page.query.text == parse_query(self.bar.text()).text)
        ):
            self._select_result(0)
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._want_first = True  # when the results for this text arrive

    def _on_bar_cleared(self) -> None:
        if self.bar.field.hasFocus() and not self.active:
            self.window.article_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def end(self, restore: bool = True) -> None:
        """Leave the search: back to the view (with its selection when ``restore``)."""
        self._restore_on_end = restore
        if self.bar.text():
            self.bar.clear()
        elif self.active and self.ctl is not None:
            self.ctl._on_cleared()
        self._restore_on_end = True

    def _on_ended(self) -> None:
        w = self.window
        focus = QApplication.focusWidget()
        keeps_focus = focus is not None and focus in (w.sidebar, w.reading_pane)
        self._want_first = False
        self.highlighter.clear()
        w.statusBar().clearMessage()  # "3 matches here" is about the search just left
        cursor = w.reading_pane.textCursor()  # the last jump's selection goes too
        if cursor.hasSelection():
            cursor.clearSelection()
            w.reading_pane.setTextCursor(cursor)
        self.results.hide()
        self.results.set_empty_text("")
        w.article_list.show()
        self._scope_override = None
        if self.open_saved_id is not None:
            self.open_saved_id = None
            view = w.current_view
            blocker = w.sidebar.selectionModel().blockSignals(True)
            w.sidebar.select_view(view)
            w.sidebar.selectionModel().blockSignals(blocker)
            w.sidebar.viewport().update()
        if self._user_whole is not None:
            if self.bar.whole_library != self._user_whole:
                self._applying_saved = True
                try:
                    self.bar.toggle_scope()
                finally:
                    self._applying_saved = False
            self._user_whole = None
        self.bar._update_buttons()
        w.pane_updates.update_title()  # the window titles its view again
        if self._restore_on_end:
            previous = self._previous_article
            if previous is not None and previous != w.current_article_id:
                w.show_article(previous)
            # Back on the row read before the search; else on the result being read, when
            # the view has it.
            target = previous if previous is not None else w.current_article_id
            row = w.list_model.row_of(target) if target is not None else None
            if row is not None:
                self._select_list_row(row)
            if not keeps_focus:
                w.article_list.setFocus(Qt.FocusReason.OtherFocusReason)
        w.reading.close_article_not_listed()  # a result the view does not list is not left open

    def _selected_list_article(self) -> int | None:
        w = self.window
        current = w.article_list.currentIndex()
        if current.isValid() and w.article_list.selectionModel().isRowSelected(current.row()):
            return w.list_model.article_id(current.row())
        return None

    def _select_list_row(self, row: int) -> None:
        """Select a row of the window's list whose article is the one shown (opens nothing)."""
        w = self.window
        index = w.list_model.index(row, 0)
        w.article_list.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        w.article_list.scrollTo(index)

    # =========================================================================================
    # Results: selecting, moving, reading

    def _select_result(self, row: int, open_article: bool = True) -> None:
        if self.ctl is None:
            return
        index = self.ctl.model.index(row, 0)
        if not index.isValid():
            return
        self._syncing = not open_article
        try:
            self.results.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._syncing = False
        self.results.scrollTo(index)

    def _selected_result(self) -> int:
        current = self.results.currentIndex()
        if current.isValid() and self.results.selectionModel().isRowSelected(current.row()):
            return current.row()
        return -1

    def _on_result_current(self, *_args) -> None:
        if self._syncing or self.ctl is None:
            return
        row = self._selected_result()
        if row < 0:
            return
        article_id = self.ctl.model.article_id(row)
        if article_id is not None and article_id != self.window.current_article_id:
            self.window.show_article(article_id)

    def move_result(self, step: int) -> None:
        if self.ctl is None:
            return
        count = self.ctl.model.rowCount()
        if not count:
            return
        row = self._selected_result()
        target = (0 if step > 0 else count - 1) if row < 0 else max(0, min(count - 1, row + step))
        if target != row:
            self._select_result(target)
        if target == count - 1 and self.ctl.model.canFetchMore(QModelIndex()):
            self.ctl.model.fetchMore(QModelIndex())

    def unread_result(self, backwards: bool) -> None:
        if self.ctl is None:
            return
        hits = self.ctl.model.hits
        row = self._selected_result()
        rows = range(row - 1, -1, -1) if backwards else range(row + 1, len(hits))
        for r in rows:
            if not hits[r].read:
                self._select_result(r)
                return
        more = not backwards and self.ctl.model.canFetchMore(QModelIndex())
        if more:
            self.ctl.model.fetchMore(QModelIndex())
            self._status("No more unread results yet: loading more…", 3000)
        else:
            self._status(f"No {'earlier' if backwards else 'more'} unread results", 3000)

    def _page_down(self) -> None:
        w = self.window
        if w.current_article_id is not None and w.reading_pane.page_down():
            return
        self.unread_result(backwards=False)

    def _mark_view_read(self) -> None:
        """Shift+A in the results: every unread article the search finds, read (Ctrl+Z undoes)."""
        text = self.bar.text()
        scope = None if self.bar.whole_library else self._scope()
        try:
            ids = unread_matches(self.window.conn, text, scope=None if scope == ALL else scope)
        except sqlite3.Error as e:
            self._status(f"Could not mark the results read: {e}", 6000)
            return
        saved = next((s for s in self.saved if s.id == self.open_saved_id), None)
        name = saved.name if saved is not None else f"the results for “{' '.join(text.split())}”"
        self.window.marking.mark_articles_read(ids, name)

    def _panes(self) -> list[QWidget]:
        w = self.window
        if w.focus_mode:
            return [w.reading_pane]
        return [w.sidebar, self.results, w.reading_pane]

    def _move_focus(self, step: int) -> None:
        panes = self._panes()
        focus = QApplication.focusWidget()
        i = next(
            (k for k, p in enumerate(panes) if focus is p or (focus and p.isAncestorOf(focus))),
            -1,
        )
        if i < 0:
            target = panes[0 if step > 0 else -1] if focus is not self.bar.field else panes[1]
        else:
            target = panes[(i + step) % len(panes)]
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def _enter_focus_mode(self) -> None:
        w = self.window
        if w.current_article_id is None:
            return
        w.enter_focus_mode()
        self.pane.hide()

    def _leave(self) -> None:
        w = self.window
        if w.focus_mode:
            w.leave()  # shows the sidebar and the list
            w.article_list.hide()
            self.pane.show()
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.end()  # full screen stays: the next Esc leaves it

    # =========================================================================================
    # Reading pane highlights and keeping the results in step

    def _on_article_shown(self, article_id: int) -> None:
        if not self.active:
            return
        self._highlight(article_id)
        if (
            self.ctl is not None
            and self.ctl.model.article_id(self._selected_result()) != article_id
        ):
            row = self.ctl.model.row_of(article_id)
            if row is not None:
                self._select_result(row, open_article=False)  # back/forward in history

    def _highlight(self, article_id: int | None) -> None:
        if article_id is None or not self.bar.text().strip():
            self.highlighter.clear()
            return
        try:
            hl = highlight_article(self.window.conn, self.bar.text(), article_id)
        except sqlite3.Error:
            hl = None
        n = self.highlighter.set_highlighted(hl)
        if n:
            keys = self.window.keymap.display("next-match").split(", ")[0]
            self._status(f"{n} match{'es' if n != 1 else ''} here — {keys} to go to the next", 4000)

    def _on_library_changed(self, _change: LibraryChange) -> None:
        """The results' flags and sections follow; saved searches are recounted."""
        if self.ctl is not None and self.ctl.model.hits:
            self._refresh_result_flags()
        if self.saved:
            self.counter.request(lambda: list(self.saved))
        self._update_title()

    def _refresh_result_flags(self) -> None:
        """Read, starred and section of the loaded results, as the library has them now."""
        model = self.ctl.model if self.ctl else None
        if model is None:
            return
        ids = [h.id for h in model.hits]
        now: dict[int, tuple[bool, bool, int, str]] = {}
        conn = self.window.conn
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT a.id, a.read, a.starred, a.section_id, s.name FROM articles a"
                f" JOIN sections s ON s.id = a.section_id WHERE a.id IN ({marks})"
            )
            for i, read, starred, section_id, section in conn.execute(sql, chunk):
                now[i] = (bool(read), bool(starred), section_id, section)
        for row, hit in enumerate(model.hits):
            got = now.get(hit.id)
            if got is None or (hit.read, hit.starred, hit.section_id, hit.section) == got:
                continue
            read, starred, section_id, section = got
            model.hits[row] = replace(
                hit, read=read, starred=starred, section_id=section_id, section=section
            )
            model.dataChanged.emit(model.index(row, 0), model.index(row, model.columnCount() - 1))

    # =========================================================================================
    # Saved searches in the sidebar

    def _has_saved(self) -> bool:
        return bool(self.saved)

    def _saved_selected(self) -> bool:
        return self._selected_saved() is not None

    def _selected_saved(self) -> SavedSearch | None:
        sid = saved_id_of(self.window.sidebar.currentIndex().data(ViewKeyRole))
        return next((s for s in self.saved if s.id == sid), None) if sid is not None else None

    def _load_saved(self) -> list[SavedSearch]:
        """The saved searches; one whose section or source was deleted searches everything."""
        model = self.window.sidebar_model
        out = []
        for s in saved_searches(self.window.conn):
            if s.scope is not None and model.item_for(s.scope) is None:
                s = replace(s, scope=None)
            out.append(s)
        return out

    def reload_saved(self) -> None:
        self.saved = self._load_saved()
        self._install_saved_group()
        self.counter.request(lambda: list(self.saved))

    def _install_saved_group(self) -> None:
        """(Re)build the "Saved searches" group, after the smart views; none when empty."""
        w = self.window
        model = w.sidebar_model
        if not self.saved and self.saved_header is None:
            self.saved = self._load_saved()
        sm = w.sidebar.selectionModel()
        blocker = sm.blockSignals(True)
        try:
            if self.saved_header is not None and self.saved_header.model() is model:
                model.removeRow(self.saved_header.row())
            self.saved_header = None
            if not self.saved:
                return
            header = header_item("Saved searches")
            for s in self.saved:
                item = QStandardItem(s.name)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setData(saved_key(s.id), ViewKeyRole)
                item.setData("view", KindRole)
                n = self.saved_counts.get(s.id, (0, True))[0]
                item.setData(n, CountRole)
                scope = model.name_of(s.scope) if s.scope else "the whole library"
                item.setToolTip(f"Saved search: {s.query}\nSearches {scope}")
                if model.icons_enabled:
                    item.setIcon(icons.icon(SAVED_ICON))
                header.appendRow(item)
            row = model.sections_header.row() if model.sections_header.model() is model else 4
            model.insertRow(row, header)
            self.saved_header = header
            w.sidebar.setExpanded(header.index(), True)
            if self.open_saved_id is not None:
                item = self._saved_item(self.open_saved_id)
                if item is not None:
                    w.sidebar.setCurrentIndex(item.index())
        finally:
            sm.blockSignals(blocker)
        self.saved_changed.emit()

    def _enable_icons(self) -> None:
        """The sidebar loads icons after the first paint; saved searches get theirs then."""
        if self.saved_header is None:
            return
        for r in range(self.saved_header.rowCount()):
            child = self.saved_header.child(r)
            if child is not None:
                child.setIcon(icons.icon(SAVED_ICON))

    def _saved_item(self, search_id: int) -> QStandardItem | None:
        if self.saved_header is None:
            return None
        for r in range(self.saved_header.rowCount()):
            child = self.saved_header.child(r)
            if child is not None and saved_id_of(child.data(ViewKeyRole)) == search_id:
                return child
        return None

    def saved_count(self, search_id: int) -> int | None:
        item = self._saved_item(search_id)
        return item.data(CountRole) if item is not None else None

    def _on_counted(self, counts: dict) -> None:
        self.saved_counts.update(counts)
        for sid, (n, exact) in counts.items():
            item = self._saved_item(sid)
            if item is not None and item.data(CountRole) != n:
                item.setData(n, CountRole)
            if item is not None and not exact:
                item.setToolTip(item.toolTip().split("\n(")[0] + f"\n(at least {n:,} unread)")
        self._update_title()
        self.saved_changed.emit()

    def _on_sidebar_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(ViewKeyRole)
        sid = saved_id_of(key)
        if sid is not None:
            found = next((s for s in self.saved if s.id == sid), None)
            if found is not None:
                self.open_saved(found)
            return
        if key and self.active:
            # Another view chosen: the search ends, the window shows that view.
            self.open_saved_id = None
            self.end(restore=False)

    def open_saved(self, s: SavedSearch) -> None:
        """Show a saved search's results (its query and scope in the bar)."""
        self.open_saved_id = s.id
        if self._user_whole is None:
            self._user_whole = self.bar.whole_library
        self._applying_saved = True
        try:
            self._scope_override = s.scope
            if self.bar.whole_library != (s.scope is None):
                self.bar.toggle_scope()
        finally:
            self._applying_saved = False
        ctl = self._ensure_controller()
        if self.bar.text() == s.query:
            ctl.rerun()
        else:
            self.bar.set_text(s.query)
        self._show_scope_label()
        self._update_title()

    def _update_title(self) -> None:
        """The window is titled after the open saved search (the window titles its views)."""
        if not self.active:
            return
        s = next((x for x in self.saved if x.id == self.open_saved_id), None)
        if s is None:
            text = " ".join(self.bar.text().split())
            self.window.setWindowTitle(f"Search: {text} — {APP_NAME}")
            return
        n = self.saved_count(s.id) or 0
        unread = f" ({n:,} unread)" if n else ""
        self.window.setWindowTitle(f"{s.name}{unread} — {APP_NAME}")

    def move_view(self, step: int) -> None:
        """Shift+J/K over the sidebar's visible rows, saved searches included."""
        w = self.window
        order = self._sidebar_order()
        current = w.sidebar.currentIndex()
        keys = [i.data(ViewKeyRole) for i in order]
        key = current.data(ViewKeyRole) if current.isValid() else None
        i = (
            keys.index(key)
            if key in keys
            else (keys.index(w.current_view.key) if w.current_view.key in keys else 0)
        )
        j = max(0, min(len(order) - 1, i + step))
        if j == i:
            return
        target = order[j]
        view = View.from_key(target.data(ViewKeyRole))
        if view is not None:
            if self.active:
                self.open_saved_id = None
                self.end(restore=False)
            w.open_view(view)
            if w.sidebar.currentIndex() != target:
                w.sidebar.setCurrentIndex(target)
        else:
            w.sidebar.setCurrentIndex(target)

    def _sidebar_order(self) -> list[QModelIndex]:
        w = self.window
        model = w.sidebar_model
        out: list[QModelIndex] = []
        for r in range(model.rowCount()):
            index = model.index(r, 0)
            if index.data(KindRole) == "view":
                out.append(index)
            elif w.sidebar.isExpanded(index):
                for c in range(model.rowCount(index)):
                    child = model.index(c, 0, index)
                    if child.data(KindRole) == "view":
                        out.append(child)
        return out

    # -- save, rename, delete -----------------------------------------------------------------

    def ask_save(self) -> None:
        query = " ".join(self.bar.text().split())
        if not query:
            self._status("Type a search first (/), then save it as a view", 5000)
            self.bar.focus()
            return
        if parse_query(query).is_empty:
            self._status("There is nothing to search for in this query", 5000)
            return
        scope = None if self.bar.whole_library else self._scope()
        if scope == ALL:
            scope = None
        dialog = QInputDialog(self.window)
        dialog.setObjectName("saveSearchDialog")
        dialog.setWindowTitle("Save search as view")
        where = self.window.sidebar_model.name_of(scope) if scope else "the whole library"
        dialog.setLabelText(f"Name for the search “{query}” in {where}:")
        default = next((s.name for s in self.saved if s.id == self.open_saved_id), query[:40])
        dialog.setTextValue(default)
        dialog.textValueSelected.connect(lambda name: self.save(name, query, scope))
        self._show_dialog(dialog)

    def save(self, name: str, query: str, scope: View | None) -> int | None:
        name = clean_name(name)
        existed = any(s.name.casefold() == name.casefold() for s in self.saved)
        try:
            sid = save_search(self.window.conn, name, query, scope)
        except SavedSearchError as e:
            self._status(str(e), 6000)
            return None
        except sqlite3.Error as e:
            self._status(f"Could not save the search: {e}", 6000)
            return None
        self.open_saved_id = sid
        self.reload_saved()
        verb = "Updated" if existed else "Saved"
        self._status(f"{verb} “{name}” under Saved searches in the sidebar", 5000)
        return sid

    def _target(self, search_id: int | None) -> SavedSearch | None:
        if search_id is not None:
            return next((s for s in self.saved if s.id == search_id), None)
        found = self._selected_saved()
        if found is None and self.open_saved_id is not None:
            found = next((s for s in self.saved if s.id == self.open_saved_id), None)
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
            renamed = rename_saved_search(self.window.conn, search_id, name)
        except SavedSearchError as e:
            self._status(str(e), 6000)
            return False
        self.reload_saved()
        self._status(f"Renamed to “{renamed.name}”", 4000)
        return True

    def ask_delete(self, search_id: int | None = None) -> None:
        s = self._target(search_id)
        if s is None:
            self._status("Select a saved search in the sidebar first", 4000)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete saved search",
            f"Delete the saved search “{s.name}” ({s.query})?\n\nNo article is deleted.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("deleteSavedSearchDialog")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result: (
                self.delete(s.id)
                if result == QMessageBox.StandardButton.Yes and self._saved_item(s.id) is not None
                else None
            )
        )
        self._show_dialog(box)

    def delete(self, search_id: int) -> bool:
        s = next((x for x in self.saved if x.id == search_id), None)
        was_open = self.open_saved_id == search_id
        if not delete_saved_search(self.window.conn, search_id):
            return False
        self.saved_counts.pop(search_id, None)
        if was_open:
            self.end(restore=False)
        self.reload_saved()
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

    # =========================================================================================
    # End

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.results
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Up
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.results.currentIndex().row() <= 0
        ):
            self.bar.field.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        """The window closes (or the application quits): the search thread stops."""
        ctl, self.ctl = self.ctl, None
        if ctl is not None:
            ctl.shutdown()
            self.results.setModel(None)
            ctl.deleteLater()
