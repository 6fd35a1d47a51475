"""Search in the main window: the field above the list, results in the list's place, matches
highlighted in the reading pane, and saved searches as views in the sidebar.

The window creates one :class:`WindowSearch`, built after its first paint, which

* puts a :class:`~reader.ui.search_results.SearchResultsView` beside the article list, shown
  instead of it while a search is on (the list keeps its own model and selection);
* registers the search commands once, and the "search" key mode (``commands.MODE_KEYS``): while
  results are shown, J/K, N/P, Space, Shift+A and Esc reach the results' commands;
* keeps the saved searches in the sidebar (:mod:`.saved_searches`), with the "saved-search" mode
  for F2 and Ctrl+Shift+Del when one is selected.

Searches run in the controller's worker thread, created at the first search (an idle window
holds no search thread) and shut down when the window closes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout

from reader import APP_NAME
from reader.core.saved_search_ops import SavedSearch
from reader.core.search import unread_matches
from reader.core.snippets import highlight_article
from reader.core.views import ALL, View, article_states

from .changes import LibraryChange
from .navigation import ListNavigator
from .plain_text import window_title
from .reading import NEXT_ARTICLE, STAY
from .saved_searches import SavedSearchViews, saved_id_of
from .search_engine import TITLE, MatchHighlighter, SearchController
from .search_results import SearchResultsView
from .sidebar import ViewKeyRole

if TYPE_CHECKING:
    from reader.core.search import Page

    from .main_window import MainWindow

#: Open results run again at most this often while an import adds articles.
REFRESH_MS = 1000


class WindowSearch(QObject):
    """Everything search adds to a :class:`MainWindow` (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.bar = window.search_bar
        self.results = SearchResultsView()
        self.results_nav = ListNavigator(self.results, window.show_article, self._open_id)
        self.highlighter = MatchHighlighter(window.reading_pane)
        self.ctl: SearchController | None = None
        self.saved_views = SavedSearchViews(window, self)
        self._scope_override: View | None = None
        self._applying_saved = False
        # The scope the reader had chosen before a saved search set its own (given back after).
        self._user_whole: bool | None = None
        self._previous_article: int | None = None
        self._restore_on_end = True
        self._want_first = False
        # Results follow an import's new articles, a search at most this often (off the thread).
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._refresh_results)

        self._build_pane()
        self._register()
        window.add_mode("search", lambda: self.active)
        window.add_mode("saved-search", self.saved_views.is_selected)
        self.bar.query_changed.connect(self._on_query_typed)
        self.bar.cleared.connect(self._on_bar_cleared)
        self.bar.scope_changed.connect(self._on_scope_changed)
        self.bar.order_changed.connect(lambda _order: self._show_scope_label())
        window.sidebar.selectionModel().currentChanged.connect(self._on_sidebar_current)
        window.article_shown.connect(self._on_article_shown)
        window.changed.connect(self._on_library_changed)
        window.add_part(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        # Built after the window's first paint: its menu, toolbar button and saved searches now.
        window.menus.add_entries()
        self.saved_views.reload()
        if window.started:  # else the window's startup_finished brings the icons
            self.saved_views.enable_icons()

    def _open_id(self) -> int | None:
        return self.window.current_article_id

    def _build_pane(self) -> None:
        """The results share the list's place, under the window's search field."""
        w = self.window
        self.pane = w.list_pane
        self.results.setVisible(False)
        layout = self.pane.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(self.results, 1)
        self.results.installEventFilter(w)  # J/K, Enter, Esc... reach the window's keymap
        self.results.installEventFilter(self)  # Up on the first result: back to the field

    @property
    def active(self) -> bool:
        return self.ctl is not None and self.ctl.active

    def lists(self, article_id: int) -> bool:
        """Whether the results loaded so far have this article."""
        return self.ctl is not None and self.ctl.model.row_of(article_id) is not None

    # =========================================================================================
    # Commands (registered once; the "search" mode's keys reach the results' commands)

    def _register(self) -> None:
        saved = self.saved_views
        add = self.window.registry.add
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
        field = self.bar.field
        add(
            "search-field-leave",
            "Leave the search field, back to the view",
            "Search",
            field.escaped.emit,
        )
        add("search-field-results", "Go to the first result", "Search", field.accepted.emit)
        add("next-match", "Next match in the article", "Search", lambda: self.jump(1))
        add("previous-match", "Previous match in the article", "Search", lambda: self.jump(-1))
        add("save-search", "Save search as view…", "Search", saved.ask_save)
        add("rename-saved-search", "Rename the selected saved search…", "Search", saved.ask_rename)
        add("delete-saved-search", "Delete the selected saved search…", "Search", saved.ask_delete)
        add("next-result", "Next result", "Search", lambda: self.move_result(1))
        add("previous-result", "Previous result", "Search", lambda: self.move_result(-1))
        add(
            "next-unread-result",
            "Next unread result",
            "Search",
            lambda: self.unread_result(backwards=False),
        )
        add(
            "previous-unread-result",
            "Previous unread result",
            "Search",
            lambda: self.unread_result(backwards=True),
        )
        add(
            "page-down-results",
            "Page down; at the end, the next unread result",
            "Search",
            self.page_down,
        )
        add("mark-results-read", "Mark every result read", "Search", self.mark_results_read)
        add("leave-search", "Leave the search, back to the view", "Search", self.end)

    def _status(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def focus(self) -> None:
        """``/`` and Ctrl+F: to the field (out of focus mode first)."""
        if self.window.focus_mode:
            self.window.leave_focus_mode()
        self.bar.focus()

    def toggle_scope(self) -> None:
        self.bar.toggle_scope()
        self._status(f"Searching {self._scope_name()}", 3000)

    def toggle_order(self) -> None:
        self.bar.toggle_order()
        order = "newest first" if self.bar.order == "date" else "best matches first"
        self._status(f"Search results: {order}", 3000)

    def jump(self, step: int) -> None:
        if not self.highlighter.count:
            hint = self.window.key_hint("search")
            self._status(
                "No search matches in this article" if self.active else f"Search first ({hint})",
                3000,
            )
            return
        if step > 0:
            self.highlighter.next()
        else:
            self.highlighter.previous()
        self._status(self.highlighter.status(), 3000)

    # =========================================================================================
    # Running searches

    def scope(self) -> View | None:
        """The view searched when the search is not of the whole library."""
        return self._scope_override or self.window.current_view

    def _scope_name(self) -> str:
        if self.bar.whole_library:
            return "the whole library"
        view = self.scope()
        name = self.window.sidebar_model.name_of(view) if view else ""
        return f"in {name}" if name else "this view"

    def _show_scope_label(self) -> None:
        """The scope button names the view searched ("In Sport") instead of "This view"."""
        if not self.bar.whole_library:
            view = self.scope()
            name = self.window.sidebar_model.name_of(view) if view and view != ALL else ""
            if name:
                self.bar.scope_button.setText(f"In {name}")

    def _ensure_controller(self) -> SearchController:
        if self.ctl is None:
            ctl = SearchController(self.bar, self.window.library.path, self.scope, self)
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
            self.results_nav.watch()
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
        self._previous_article = w.reading.list.selected_article()
        self._restore_on_end = True
        # The hidden list loses its selection: commands on "the selected articles" (move to a
        # section) then act on the result being read, not on a row nobody sees.
        w.article_list.selectionModel().clearSelection()
        w.article_list.hide()
        self.results.show()
        self.results.set_empty_text("Searching…")

    def _on_results(self, page: Page) -> None:
        if page.offset != 0:
            return
        self.update_title()
        self.results.set_empty_text("" if page.hits else "No articles match.")
        current = self.window.current_article_id
        self._highlight(current)
        if current is not None:
            self.results_nav.select_article(current, open_article=False)
        if self._want_first:
            self._want_first = False
            if page.hits:
                self.results_nav.set_current_row(0)
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_first_wanted(self) -> None:
        ctl = self.ctl
        if ctl is None or not self.bar.text().strip():
            return
        page = ctl.model.page
        if ctl.model.rowCount() and page is not None and ctl.has_results_for(self.bar.text()):
            self.results_nav.set_current_row(0)
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
            self.ctl.end()
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
        if not w.focus_mode:
            w.article_list.show()
        self._scope_override = None
        if self.saved_views.open_id is not None:
            self.saved_views.open_id = None
            blocker = w.sidebar.selectionModel().blockSignals(True)
            w.sidebar.select_view(w.current_view)
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
        self.bar.update_buttons()
        w.pane_updates.update_title()  # the window titles its view again
        if self._restore_on_end:
            previous = self._previous_article
            if previous is not None and previous != w.current_article_id:
                w.show_article(previous)
            # Back on the row read before the search; else on the result being read, when
            # the view has it.
            target = previous if previous is not None else w.current_article_id
            if target is not None:
                w.reading.list.select_article(target, open_article=False)
            if not keeps_focus:
                w.article_list.setFocus(Qt.FocusReason.OtherFocusReason)
        w.reading.close_article_not_listed()  # a result the view does not list is not left open

    # =========================================================================================
    # Results: moving, reading, marking

    def move_result(self, step: int) -> None:
        target = self.results_nav.move(step)
        model = self.ctl.model if self.ctl is not None else None
        last = model is not None and target == model.rowCount() - 1
        if model is not None and last and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())

    def unread_result(self, backwards: bool) -> None:
        if self.ctl is None:
            return
        hits = self.ctl.model.hits
        row = self.results_nav.selected_row()
        rows = range(row - 1, -1, -1) if backwards else range(row + 1, len(hits))
        for r in rows:
            if not hits[r].read:
                self.results_nav.set_current_row(r)
                return
        if not backwards and self.ctl.model.canFetchMore(QModelIndex()):
            self.ctl.model.fetchMore(QModelIndex())
            self._status("No more unread results yet: loading more…", 3000)
        else:
            self._status(f"No {'earlier' if backwards else 'more'} unread results", 3000)

    def page_down(self) -> None:
        """A page on; at the end, on through the results as Preferences → Reading say."""
        w = self.window
        if w.current_article_id is not None and w.reading_pane.page_down():
            return
        if w.reading.at_end == NEXT_ARTICLE and w.current_article_id is not None:
            w.run_command("next-result")
        elif w.reading.at_end == STAY and w.current_article_id is not None:
            self._status("End of the article", 2000)
        else:
            self.unread_result(backwards=False)

    def mark_results_read(self) -> None:
        """Shift+A in the results: every unread article the search finds, read (undoable)."""
        text = self.bar.text()
        scope = None if self.bar.whole_library else self.scope()
        try:
            ids = unread_matches(self.window.library, text, scope=None if scope == ALL else scope)
        except sqlite3.Error as e:
            self._status(f"Could not mark the results read: {e}", 6000)
            return
        saved = self.saved_views.opened()
        name = saved.name if saved is not None else f"the results for “{' '.join(text.split())}”"
        self.window.marking.mark_articles_read(ids, name)

    # =========================================================================================
    # Reading pane highlights, the title, keeping the results in step

    def _on_article_shown(self, article_id: int) -> None:
        if not self.active:
            return
        self._highlight(article_id)
        if self.results_nav.selected_article() != article_id:
            self.results_nav.select_article(article_id, open_article=False)  # back / forward

    def _highlight(self, article_id: int | None) -> None:
        if article_id is None or not self.bar.text().strip():
            self.highlighter.clear()
            return
        try:
            hl = highlight_article(self.window.library, self.bar.text(), article_id)
        except sqlite3.Error:
            hl = None
        n = self.highlighter.set_highlighted(hl)
        if n:
            keys = self.window.key_hint("next-match")
            self._status(self.highlighter.found_text(keys), 6000)

    def update_title(self) -> None:
        """The window is titled after the open search (the window titles its views)."""
        if not self.active:
            return
        s = self.saved_views.opened()
        if s is None:
            text = " ".join(self.bar.text().split())
            self.window.setWindowTitle(window_title(f"Search: {text} — {APP_NAME}"))
            return
        n = self.saved_views.count(s.id) or 0
        unread = f" ({n:,} unread)" if n else ""
        self.window.setWindowTitle(window_title(f"{s.name}{unread} — {APP_NAME}"))

    def _on_library_changed(self, change: LibraryChange) -> None:
        """The results' flags and sections follow; new articles (an import's batch) run the
        search again, at most once every REFRESH_MS; saved searches are recounted."""
        if self.ctl is not None and self.ctl.model.hits:
            self._refresh_result_flags()
        if change.added and self.active and not self._refresh.isActive():
            self._refresh.start()
        self.saved_views.recount()
        self.update_title()

    def _refresh_results(self) -> None:
        if self.ctl is not None and self.active:
            self.ctl.refresh()

    def _refresh_result_flags(self) -> None:
        """Read, starred and section of the loaded results, as the library has them now."""
        model = self.ctl.model if self.ctl else None
        if model is None:
            return
        now = article_states(self.window.library, [h.id for h in model.hits])
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
    # Saved searches opened from the sidebar

    def _on_sidebar_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(ViewKeyRole)
        sid = saved_id_of(key)
        if sid is not None:
            found = next((s for s in self.saved_views.saved if s.id == sid), None)
            if found is not None:
                self.open_saved(found)
            return
        if key and self.active:
            # Another view chosen: the search ends, the window shows that view.
            self.saved_views.open_id = None
            self.end(restore=False)

    def open_saved(self, s: SavedSearch) -> None:
        """Show a saved search's results (its query and scope in the bar)."""
        self.saved_views.open_id = s.id
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
        self.update_title()

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
