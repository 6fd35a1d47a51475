"""The main window: sidebar, article list and reading pane, driven from the keyboard.

Every key press on the window's panes goes through one event filter that looks the key up in the
keymap and runs the command from the registry. Markings return a Change that the window hands to
the list model and the counts, and keeps for Ctrl+Z.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reader.core import views
from reader.core.views import ALL, Change, Counts, Sort, View

from . import icons
from . import settings as S
from .article_list import ArticleList
from .article_model import ADDED, SORT_COLUMNS, TITLE, ArticleListModel
from .changes import LibraryChange
from .commands import CommandRegistry, Keymap, event_sequence
from .help_overlay import HelpOverlay
from .reading_pane import BASE_POINT_SIZE, ReadingPane
from .search_field import SEARCH_MENU, SearchBar
from .sidebar import Sidebar, SidebarModel, ViewKeyRole
from .undo import MarkingUndo, UndoStack

if TYPE_CHECKING:
    from .search_wiring import WindowSearch
    from .section_actions import SectionActions

APP_NAME = "Dispatch"
#: The menus and the commands they list ("-": a separator).
MENUS: dict[str, tuple[str, ...]] = {
    "File": ("import", "import-into-section", "-", "import-log", "cancel-import", "-", "quit"),
    "Go": (
        "next-article",
        "previous-article",
        "next-unread",
        "previous-unread",
        "next-view",
        "previous-view",
        "back",
        "forward",
    ),
    "Article": ("toggle-read", "toggle-star", "mark-view-read", "undo"),
    "View": (
        "focus-mode",
        "page-down",
        "page-up",
        "text-bigger",
        "text-smaller",
        "text-reset",
        "full-screen",
        "focus-next-pane",
        "focus-previous-pane",
    ),
    "Sections": (
        "move-to-section",
        "new-section",
        "rename-section",
        "move-section-up",
        "move-section-down",
        "delete-section",
        "-",
        "resort-all",
    ),
    "Search": SEARCH_MENU,
    "Help": ("help", "show-log", "about"),
}
#: The toolbar's buttons (commands) and their labels, in order.
TOOLBAR = (
    ("import", "Import"),
    ("mark-view-read", "Mark all read"),
    ("search", "Search"),
    ("help", "Keys"),
)
HISTORY_LIMIT = 500

# The focused pane is framed in the highlight colour; the others keep an invisible frame of the
# same width so that nothing moves when focus does.
FOCUS_STYLE = """
#sectionSidebar, #articleList, #readingPane { border: 2px solid transparent; }
#sectionSidebar:focus, #articleList:focus, #readingPane:focus {
    border: 2px solid palette(highlight);
}
"""


class ClosingPart(Protocol):
    """A part of the window with work to wind up when the window closes."""

    def can_close(self) -> bool:
        """Whether the window may close now (it may ask the reader)."""
        ...

    def shutdown(self) -> None:
        """Stop for good: the window is closing."""
        ...


class _FirstPaint(QObject):
    """Calls ``then`` once, right after ``widget`` has painted for the first time."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then
        self._done = False
        widget.installEventFilter(self)
        # A window that starts hidden or minimised paints late: do not wait for ever.
        QTimer.singleShot(1500, self._fire)

    def _fire(self) -> None:
        widget = self.parent()
        if not self._done and isinstance(widget, QWidget) and widget.isVisible():
            self._done = True
            self.parent().removeEventFilter(self)
            self._then()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self._fire)
        return False


class MainWindow(QMainWindow):
    #: The article shown in the reading pane changed (its id, or 0 for none).
    article_shown = Signal(int)
    #: The list now shows another view (its key, e.g. "section:3").
    view_opened = Signal(str)
    #: The library changed (a :class:`~reader.ui.changes.LibraryChange`): every pane subscribes.
    changed = Signal(object)
    #: Counts and icons are loaded (just after the first paint).
    startup_finished = Signal()
    #: The sidebar was built again (groups others add, such as saved searches, go back in).
    sidebar_rebuilt = Signal()

    def __init__(
        self,
        library,
        settings: S.Settings | None = None,
        files: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.conn = library.conn
        self.settings = settings or S.Settings()
        #: Files given on the command line, for the import feature to pick up.
        self.pending_files: list[Path] = list(files or [])
        self.registry = CommandRegistry()
        self.keymap = Keymap(self.settings.get(S.KEYMAP))
        self.counts = Counts()
        self._counts_loaded = False
        self.undo_stack = UndoStack()
        #: The articles read, each with the view it was read in (Alt+Left goes back to both).
        self.history: list[tuple[View, int]] = []
        self.history_pos = -1
        self.current_article_id: int | None = None
        self._welcome_shown = False  # the reading pane greets an empty library
        self.focus_mode = False
        self._closed = False
        self._parts: list[ClosingPart] = []
        self._started = False  # the first paint happened and what waits for it was done
        self._opening = False  # set while the list's current row is moved by code
        self._import_handler: Callable[[], object] = self._import_unavailable

        self.setObjectName("mainWindow")
        self.setStyleSheet(FOCUS_STYLE)

        self.sidebar_model = SidebarModel(self)
        self.sidebar = Sidebar(self.sidebar_model)
        self.list_model = ArticleListModel(self.conn, self)
        self.article_list = ArticleList(self.list_model)
        self.reading_pane = ReadingPane()

        # The search field sits over the list from the start; the rest of search (results in
        # the list's place, highlights, saved searches) is built just after the first paint.
        self.search_bar = SearchBar()
        self.list_pane = QWidget()
        self.list_pane.setObjectName("listPane")
        pane_layout = QVBoxLayout(self.list_pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(0)
        pane_layout.addWidget(self.search_bar)
        pane_layout.addWidget(self.article_list, 1)
        self._search: WindowSearch | None = None

        self.list_splitter = QSplitter(Qt.Orientation.Vertical)
        self.list_splitter.setObjectName("listSplitter")
        self.list_splitter.addWidget(self.list_pane)
        self.list_splitter.addWidget(self.reading_pane)
        self.list_splitter.setStretchFactor(0, 2)
        self.list_splitter.setStretchFactor(1, 3)
        self.list_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.sidebar)
        self.main_splitter.addWidget(self.list_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setSizes([230, 970])
        self.list_splitter.setSizes([300, 500])
        self.setCentralWidget(self.main_splitter)

        self.status_label = QLabel()
        self.status_label.setObjectName("libraryStatus")
        self.statusBar().addPermanentWidget(self.status_label)
        self.help_overlay = HelpOverlay(self)

        self._register_commands()
        self._section_actions: SectionActions | None = None
        self.section_import_handler: Callable[[str], object] | None = None
        self._build_menus()
        for widget in (self, self.sidebar, self.article_list, self.reading_pane):
            widget.installEventFilter(self)

        self.sidebar.selectionModel().currentChanged.connect(self._on_sidebar_current)
        self.sidebar.expanded.connect(self._on_sidebar_expanded)
        self.sidebar.collapsed.connect(self._on_sidebar_expanded)
        self.article_list.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        for subscriber in (self._update_counts, self._update_list, self._update_reading_pane):
            self.changed.connect(subscriber)
        self.list_model.modelReset.connect(self._update_empty_state)
        self.list_model.modelReset.connect(self._update_scroll_tracking)
        self.article_list.empty_button.clicked.connect(lambda: self.run_command("import"))
        self.resize(1200, 800)
        self._restore()

    # =========================================================================================
    # Commands

    def _register_commands(self) -> None:
        add = self.registry.add
        add("next-article", "Next article", "Articles", lambda: self.move_article(1))
        add("previous-article", "Previous article", "Articles", lambda: self.move_article(-1))
        add(
            "next-unread", "Next unread article (on to the next view)", "Articles", self.next_unread
        )
        add("previous-unread", "Previous unread article", "Articles", self.previous_unread)
        add("page-down", "Page down; at the end, next unread", "Reading", self.page_down)
        add("page-up", "Page up", "Reading", self.reading_pane.page_up)
        add("toggle-read", "Mark read / unread", "Marking", self.toggle_read)
        add("toggle-star", "Star / unstar", "Marking", self.toggle_star)
        add(
            "mark-view-read", "Mark every article in this view read", "Marking", self.mark_view_read
        )
        add("undo", "Undo the last marking or move", "Marking", self.undo)
        add("next-view", "Next view in the sidebar", "Views", lambda: self.move_view(1))
        add("previous-view", "Previous view in the sidebar", "Views", lambda: self.move_view(-1))
        add("focus-next-pane", "Focus the next pane", "Panes", lambda: self.move_focus(1))
        add("focus-previous-pane", "Focus the previous pane", "Panes", lambda: self.move_focus(-1))
        add(
            "focus-mode",
            "Read in focus mode (the article fills the window)",
            "Reading",
            self.enter_focus_mode,
        )
        add("leave", "Leave focus mode", "Reading", self.leave)
        add("back", "Back to the previous article read", "History", self.back)
        add("forward", "Forward in the articles read", "History", self.forward)
        add("text-bigger", "Larger text", "Reading", lambda: self.change_text_size(1))
        add("text-smaller", "Smaller text", "Reading", lambda: self.change_text_size(-1))
        add("text-reset", "Default text size", "Reading", lambda: self.change_text_size(0))
        add("full-screen", "Full screen on / off", "Application", self.toggle_full_screen)
        add("import", "Import news dumps…", "Application", lambda: self._import_handler())
        # The import feature (importer.ImportController) replaces these two when it plugs in.
        add("import-log", "Show the import log", "Application", self._import_unavailable)
        add("cancel-import", "Cancel the running import", "Application", self._import_unavailable)
        add("help", "Show the keyboard shortcuts", "Application", self.show_help)
        add("show-log", "Show the log file", "Application", self.show_log)
        add("about", "About Dispatch", "Application", self.show_about)
        add("quit", "Quit Dispatch", "Application", self.close)

    def key_hint(self, name: str) -> str:
        """The first key bound to a command, as people read it ("Ctrl+Z"), for hints."""
        return self.keymap.display(name).split(", ")[0]

    def run_command(self, name: str) -> None:
        if name not in self.registry:
            # A command of a part built after the first paint, asked for before: build it now.
            self.section_actions  # noqa: B018
            self.search  # noqa: B018
        self.registry.run(name)

    @property
    def section_actions(self) -> SectionActions:
        """The section commands, built after the first paint (or when first needed)."""
        if self._section_actions is None:
            from .section_actions import SectionActions

            self._section_actions = SectionActions(self)
        return self._section_actions

    @property
    def started(self) -> bool:
        """The first paint happened, and what waits for it (counts, icons, search) is done."""
        return self._started

    @property
    def search(self) -> WindowSearch:
        """Search in the window, built after the first paint (or sooner, when first needed).

        Its engine, results table and saved searches take 50 ms to import and build: the window
        paints first. The field itself (:attr:`search_bar`) is there from the start.
        """
        if self._search is None:
            from .search_wiring import WindowSearch

            self._search = WindowSearch(self)
        return self._search

    def set_section_import_handler(self, handler: Callable[[str], object]) -> None:
        """Plug in "Import into section…": ``handler(section_name)`` asks for files, imports."""
        self.section_import_handler = handler

    def set_import_handler(self, handler: Callable[[], object]) -> None:
        """Plug in the import feature: Ctrl+O and File → Import call ``handler()``."""
        self._import_handler = handler

    def _import_unavailable(self) -> None:
        self.statusBar().showMessage(
            "Import from the command line for now: dispatch import FILE…", 8000
        )

    def _build_menus(self) -> None:
        """Menus list the commands with their keys; they do not bind keys themselves.

        Search and the section commands are built after the first paint: their menus exist
        from the start and their entries take their places in :data:`MENUS` when they register.
        """
        self.actions_by_name: dict[str, QAction] = {}
        self.toolbar_actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self._separators: dict[tuple[str, int], QAction] = {}
        bar = self.menuBar()
        for title, entries in MENUS.items():
            menu = bar.addMenu(f"&{title}")
            menu.setObjectName(f"menu{title}")
            self.menus[title] = menu
            for i, entry in enumerate(entries):
                if entry == "-":
                    self._separators[(title, i)] = menu.addSeparator()
        self.add_menu_entries()
        self._build_toolbar()

    def add_menu_entries(self) -> None:
        """Menu entries (and toolbar buttons) for the commands registered since the last call."""
        for title, entries in MENUS.items():
            for name in entries:
                if name != "-" and name in self.registry and name not in self.actions_by_name:
                    self._add_menu_entry(title, name)
        if hasattr(self, "toolbar"):
            for name, _text in TOOLBAR:
                self.add_toolbar_command(name)

    def _add_menu_entry(self, title: str, name: str) -> None:
        menu = self.menus[title]
        entries = MENUS[title]
        command = self.registry[name]
        keys = self.keymap.display(name).split(", ")[0]
        action = QAction(f"{command.description}\t{keys}", self)
        action.setObjectName(f"action-{name}")
        action.setToolTip(command.description)
        action.setStatusTip(command.description)
        action.setWhatsThis(command.description)
        action.triggered.connect(lambda _=False, n=name: self.run_command(n))
        before = None
        for i in range(entries.index(name) + 1, len(entries)):
            entry = entries[i]
            before = self._separators.get((title, i)) or self.actions_by_name.get(entry)
            if before is not None:
                break
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)
        self.actions_by_name[name] = action

    def _build_toolbar(self) -> None:
        """A few everyday actions within reach of the mouse (the same actions as the menus)."""
        self.toolbar = bar = self.addToolBar("Main")
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name, _text in TOOLBAR:
            self.add_toolbar_command(name)

    def add_toolbar_command(self, name: str) -> None:
        """The toolbar button of a command that has a menu entry, in :data:`TOOLBAR`'s order."""
        names = [n for n, _ in TOOLBAR]
        if name not in names or name not in self.actions_by_name or name in self.toolbar_actions:
            return
        source = self.actions_by_name[name]
        action = QAction(dict(TOOLBAR)[name], self)
        action.setObjectName(f"toolbar-{name}")
        action.setToolTip(source.toolTip() + "  (" + self.keymap.display(name) + ")")
        action.triggered.connect(lambda _=False, n=name: self.run_command(n))
        if self._started:
            action.setIcon(icons.toolbar(name))
        later = [
            self.toolbar_actions[n]
            for n in names[names.index(name) + 1 :]
            if n in self.toolbar_actions
        ]
        if later:
            self.toolbar.insertAction(later[0], action)
        else:
            self.toolbar.addAction(action)
        self.toolbar_actions[name] = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self.help_overlay.isVisible():
                # Keys meant for the overlay that reached a pane (focus elsewhere) close it too.
                if self.keymap.command_for(event_sequence(event)) in ("help", "leave"):
                    self.help_overlay.close_overlay()
                return True
            name = self.keymap.command_for(event_sequence(event))
            if name is not None:
                self.run_command(name)
                return True
        return super().eventFilter(watched, event)

    # =========================================================================================
    # Views

    @property
    def current_view(self) -> View:
        return self.list_model.view or ALL

    def open_view(self, view: View) -> None:
        """Show a view in the list (selecting it in the sidebar too)."""
        if self.sidebar_model.item_for(view) is None:
            view = ALL
        index = self.sidebar_model.index_for(view)
        if self.sidebar.currentIndex() != index:
            self.sidebar.select_view(view)  # -> _on_sidebar_current -> _show_view
        else:
            self._show_view(view)

    def _on_sidebar_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(ViewKeyRole)
        view = View.from_key(key) if key else None
        if view is None or view == self.list_model.view:
            return
        self._show_view(view)

    def _show_view(self, view: View) -> None:
        """Open a view at its top. The article being read stays in the reading pane, and is
        selected when it is on the view's first page (looking further would cost a count)."""
        self.list_model.open_view(view, self.list_model.sort_order, self._known_size(view))
        self.article_list.scrollToTop()
        if self.current_article_id is not None and self.list_model.rowCount():
            self.list_model.row_at(0)
            row = self.list_model.cached_row_of(self.current_article_id)
            if row is not None:
                self._set_current_row(row, open_article=False)
        self.close_article_not_listed()
        self._update_title()
        self._update_status_counts()
        self._update_empty_state()
        self.view_opened.emit(view.key)

    def _known_size(self, view: View) -> int | None:
        """The size of the two biggest views, known exactly from the counts once loaded."""
        if not self._counts_loaded:
            return None
        if view.kind == "all":
            return self.counts.total
        if view.kind == "unread":
            return self.counts.get(view)
        return None

    def move_view(self, step: int) -> None:
        order = self._visible_views()
        if not order:
            return
        try:
            i = order.index(self.current_view)
        except ValueError:
            i = 0
        j = max(0, min(len(order) - 1, i + step))
        if j != i:
            self.open_view(order[j])

    def _visible_views(self) -> list[View]:
        out = []
        for view in self.sidebar_model.views_in_order():
            index = self.sidebar_model.index_for(view)
            parent = index.parent()
            if parent.isValid() and not self.sidebar.isExpanded(parent):
                continue
            out.append(view)
        return out

    def _on_sidebar_expanded(self, _index: QModelIndex) -> None:
        self.settings.set(
            S.SOURCES_EXPANDED, self.sidebar.isExpanded(self.sidebar_model.sources_header.index())
        )

    def _on_header_clicked(self, column: int) -> None:
        header = self.article_list.horizontalHeader()
        sort = self.list_model.sort_order
        if column not in SORT_COLUMNS:
            self._show_sort_indicator()
            return
        key = SORT_COLUMNS[column]
        # Same column: flip the order; another: its natural order (newest first, A to Z).
        descending = (not sort.descending) if key == sort.key else key == "date"
        self.set_sort(Sort(key, descending))
        header.setSortIndicatorShown(True)

    def set_sort(self, sort: Sort) -> None:
        current = self.current_article_id
        self.list_model.sort(
            ADDED if sort.key == "date" else TITLE,
            Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder,
        )
        self.settings.set(S.SORT_KEY, sort.key)
        self.settings.set(S.SORT_DESCENDING, sort.descending)
        self._show_sort_indicator()
        if current is not None:
            row = self.list_model.row_of(current)
            if row is not None:
                self._set_current_row(row, open_article=False)

    def _show_sort_indicator(self) -> None:
        sort = self.list_model.sort_order
        self.article_list.horizontalHeader().setSortIndicator(
            ADDED if sort.key == "date" else TITLE,
            Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder,
        )

    # =========================================================================================
    # Articles

    def _set_current_row(self, row: int, open_article: bool = True) -> None:
        index = self.list_model.index(row, 0)
        if not index.isValid():
            return
        self._opening = not open_article
        try:
            self.article_list.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._opening = False
        self.article_list.scrollTo(index)

    def _on_list_current(self, *_args) -> None:
        """Open the current row once it is selected (keys, clicks, code).

        The view also makes the first row current, unselected, when it first gets focus; that
        must not open (and mark read) an article nobody chose.
        """
        current = self.article_list.currentIndex()
        if self._opening or not current.isValid():
            return
        if not self.article_list.selectionModel().isRowSelected(current.row()):
            return
        selection = self.article_list.selectionModel().selection()
        if len(selection) > 1 or (len(selection) == 1 and selection[0].height() > 1):
            return  # several rows chosen (to move them): keep reading the article open
        article_id = self.list_model.article_id(current.row())
        if article_id is not None and article_id != self.current_article_id:
            self.show_article(article_id)

    def show_article(self, article_id: int, record_history: bool = True) -> None:
        """Show an article and mark it read (the state lives in the library)."""
        record = views.article(self.conn, article_id)
        if record is None:
            return
        self.current_article_id = article_id
        if not record.read:
            record = record._replace(read=1)
            self.reading_pane.show_article(record)
            change = views.set_flag(self.conn, [article_id], "read", True)
            self.publish(LibraryChange.of_marking(change))
        else:
            self.reading_pane.show_article(record)
        if record_history:
            del self.history[self.history_pos + 1 :]
            entry = (self.current_view, article_id)
            if not self.history or self.history[-1] != entry:
                self.history.append(entry)
                del self.history[:-HISTORY_LIMIT]
            self.history_pos = len(self.history) - 1
        self.article_shown.emit(article_id)

    def move_article(self, step: int) -> None:
        count = self.list_model.rowCount()
        if not count:
            return
        row = self._selected_row()
        target = (0 if step > 0 else count - 1) if row < 0 else max(0, min(count - 1, row + step))
        if target != row:
            self._set_current_row(target)
            self.article_list.scrollTo(self.list_model.index(target, 0))

    def _selected_row(self) -> int:
        """The row being read, or -1 (a current row nobody selected does not count)."""
        current = self.article_list.currentIndex()
        if current.isValid() and self.article_list.selectionModel().isRowSelected(current.row()):
            return current.row()
        return -1

    def _current_key(self) -> tuple | None:
        row = self._selected_row()
        r = self.list_model.row_at(row) if row >= 0 else None
        return self.list_model.sort_order.value(r) if r else None

    def next_unread(self) -> None:
        self._step_unread(backwards=False)

    def previous_unread(self) -> None:
        self._step_unread(backwards=True)

    def _step_unread(self, backwards: bool) -> None:
        q = self.list_model.query
        if q is not None:
            found = q.next_unread(self._current_key(), backwards=backwards)
            if found is not None:
                self._select_article(found.id)
                return
        # None left here: on to the next (previous) view that has unread articles.
        # From a section, on to the next section (round the list); from a smart view, on
        # through the views below it.
        current = self.current_view
        kinds = (
            ("section",)
            if current.kind == "section"
            else ("all", "unread", "starred", "today", "section")
        )
        order = [v for v in self.sidebar_model.views_in_order() if v.kind in kinds]
        if backwards:
            order.reverse()
        i = order.index(current) if current in order else -1
        candidates = order[i + 1 :]
        if current.kind == "section":
            candidates += order[:i]
        for view in candidates:
            if view != current and self.counts.get(view) > 0:
                self.open_view(view)
                q = self.list_model.query
                found = q.next_unread(None, backwards=backwards) if q else None
                if found is not None:
                    self._select_article(found.id)
                    self.statusBar().showMessage(f"On to {self.sidebar_model.name_of(view)}", 3000)
                    return
        where = "earlier" if backwards else "more"
        self.statusBar().showMessage(f"No {where} unread articles", 4000)

    def _select_article(self, article_id: int) -> None:
        row = self.list_model.row_of(article_id)
        if row is not None:
            self._set_current_row(row)
        else:
            self.show_article(article_id)

    def page_down(self) -> None:
        if self.current_article_id is not None and self.reading_pane.page_down():
            return
        self.next_unread()

    # =========================================================================================
    # Marking

    def _toggle(self, column: Literal["read", "starred"]) -> None:
        article_id = self.current_article_id
        if article_id is None:
            return
        row = views.row(self.conn, article_id)
        if row is None:
            return
        value = not getattr(row, column)
        change = views.set_flag(self.conn, [article_id], column, value)
        self._mark(change)
        what = {
            ("read", True): "Marked read",
            ("read", False): "Marked unread",
            ("starred", True): "Starred",
            ("starred", False): "Unstarred",
        }[(column, value)]
        self.statusBar().showMessage(f"{what} — {self.key_hint('undo')} to undo", 3000)

    def _mark(self, change: Change) -> None:
        """An undoable marking: kept for Ctrl+Z, told to every pane."""
        if change.count == 0:
            return
        self.undo_stack.push(MarkingUndo(self.conn, change, self.publish))
        self.publish(LibraryChange.of_marking(change))

    def toggle_read(self) -> None:
        self._toggle("read")

    def toggle_star(self) -> None:
        self._toggle("starred")

    def mark_view_read(self) -> None:
        view = self.current_view
        cutoff = (
            self.list_model.query.params[0]
            if view.kind == "today" and self.list_model.query
            else None
        )
        change = views.mark_view_read(self.conn, view, cutoff)
        if change.count == 0:
            self.statusBar().showMessage("Nothing unread here", 3000)
            return
        self._mark(change)
        name = self.sidebar_model.name_of(view)
        self.statusBar().showMessage(
            f"Marked {change.count:,} articles in {name} read — {self.key_hint('undo')} to undo",
            5000,
        )

    def mark_articles_read(self, ids: list[int], name: str) -> None:
        """Mark these articles read (what a search lists), undoable like any marking."""
        change = views.set_flag(self.conn, ids, "read", True)
        if change.count == 0:
            self.statusBar().showMessage("Nothing unread here", 3000)
            return
        self._mark(change)
        what = "1 article" if change.count == 1 else f"{change.count:,} articles"
        self.statusBar().showMessage(
            f"Marked {what} in {name} read — {self.key_hint('undo')} to undo", 5000
        )

    def undo(self) -> None:
        done = self.undo_stack.undo()
        self.statusBar().showMessage(done or "Nothing to undo", 4000 if done else 3000)

    # =========================================================================================
    # The one "library changed" event: every pane keeps itself right

    def publish(self, change: LibraryChange) -> None:
        """Tell every pane what an operation changed (they subscribe to :attr:`changed`)."""
        self.changed.emit(change)

    def _update_counts(self, change: LibraryChange) -> None:
        """The sidebar's rows and counts, the title and the status bar."""
        if change.names:
            sections = views.sections(self.conn)
            sources = views.sources(self.conn)
            if self._sidebar_names != (sections, sources):
                self._populate_sidebar(sections, sources)
        marking = change.marking
        if marking is None or not views.apply_change_to_counts(self.counts, marking):
            self.counts = views.counts(self.conn)
        self._counts_updated()

    def _update_list(self, change: LibraryChange) -> None:
        """The open list: cached rows follow a small marking; anything else re-reads the view."""
        marking = change.marking
        if marking is not None and marking.rows is not None:
            self.list_model.apply_change(marking)
            return
        view = self.current_view
        if view.kind == "section" and not change.touches_section(view.id) and not change.names:
            return
        # A whole view marked (or its undo) lists the view afresh; other changes keep the rows
        # a marking kept listed (an article read in Unread stays until the view is reopened).
        self._reload_list(keep_kept=marking is None)

    def _update_reading_pane(self, change: LibraryChange) -> None:
        """The open article's state (flags, section) as the library has it now, in place."""
        pane = self.reading_pane
        if pane.article is None or not change.touches_article(pane.article.id):
            return
        record = views.article(self.conn, pane.article.id)
        if record is None:
            self.current_article_id = None
            self._show_no_article()
        elif record != pane.article:
            pane.refresh_article(record)  # the reader keeps their place
        if change.marking is None:
            self.close_article_not_listed()

    def _reload_list(self, keep_kept: bool = False) -> None:
        """Re-read the open view, keeping the current article and the top visible row."""
        top_row = self.article_list.rowAt(0)
        top_id = self.list_model.article_id(top_row) if top_row >= 0 else None
        current = self.current_article_id
        if keep_kept:
            self.list_model.refresh()
        else:
            self.list_model.open_view(self.current_view, count=self._known_size(self.current_view))
        if current is not None:
            row = self.list_model.row_of(current)
            if row is not None:
                self._set_current_row(row, open_article=False)
        if top_id is not None:
            row = self.list_model.row_of(top_id)
            if row is not None:
                self.article_list.scrollTo(
                    self.list_model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )
        self._update_empty_state()

    def _populate_sidebar(self, sections: list[views.Section], sources: list[views.Source]) -> None:
        current = self.list_model.view
        expanded = self.settings.get(S.SOURCES_EXPANDED)
        blocker = self.sidebar.selectionModel().blockSignals(True)
        self.sidebar_model.populate(sections, sources)
        self.sidebar.setExpanded(self.sidebar_model.sections_header.index(), True)
        self.sidebar.setExpanded(self.sidebar_model.sources_header.index(), expanded)
        if current is not None:
            self.sidebar.select_view(current)
        self.sidebar.selectionModel().blockSignals(blocker)
        self._sidebar_names = (sections, sources)
        self.sidebar_model.set_counts(self.counts)
        self.sidebar_rebuilt.emit()

    def _load_counts(self) -> None:
        """The first counts, just after the first paint."""
        self.counts = views.counts(self.conn)
        self._counts_loaded = True
        self._counts_updated()
        self._update_empty_state()

    def _counts_updated(self) -> None:
        self.sidebar_model.set_counts(self.counts)
        self._update_title()
        self._update_status_counts()

    def _update_status_counts(self) -> None:
        """The status bar counts the open view: its unread articles and the rows it lists."""
        if not self._counts_loaded:
            return
        view = self.current_view
        rows = self.list_model.rowCount()
        listed = f"{rows:,} article{'s' if rows != 1 else ''}"
        if view.kind == "source":  # a source's count is of what it brought, not unread
            self.status_label.setText(listed)
        else:
            self.status_label.setText(f"{self.counts.get(view):,} unread · {listed}")

    def _update_title(self) -> None:
        view = self.current_view
        name = self.sidebar_model.name_of(view)
        unread = self.counts.get(view) if view.kind != "source" else None
        if unread:
            self.setWindowTitle(f"{name} ({unread:,} unread) — {APP_NAME}")
        else:
            self.setWindowTitle(f"{name} — {APP_NAME}")

    def close_article_not_listed(self) -> None:
        """The reading pane shows an article of the open view, or "No article open"."""
        article_id = self.current_article_id
        if article_id is not None and not self.list_model.lists(article_id):
            self.current_article_id = None
            self._show_no_article()

    def _show_no_article(self) -> None:
        self._welcome_shown = False
        self.reading_pane.show_message(
            "No article open",
            [
                "J and K move through the list; N opens the next unread article.",
                "Space reads on, page by page, then on to the next unread.",
                "Press ? for every key.",
            ],
        )

    def _update_empty_state(self) -> None:
        e = html.escape
        if self.list_model.rowCount():
            self.article_list.set_empty_text(None)
            if self._welcome_shown and self.current_article_id is None:
                self._show_no_article()  # the first import arrived: the welcome is out of date
            return
        if self.counts.total == 0 and not self._library_has_articles():
            keys = e(self.keymap.display("import").split(", ")[0])
            self.article_list.set_empty_text(
                "<h3>Your library is empty</h3>"
                f"<p>Import a news dump (a plain-text file): press <b>{keys}</b>, drop files"
                " on this window, or use the button.</p>"
                "<p>From a terminal: <code>dispatch import FILE</code></p>",
                import_button=True,
            )
            if self.current_article_id is None:
                self._welcome_shown = True
                self.reading_pane.show_message(
                    "Welcome to Dispatch",
                    [
                        "Dispatch reads plain-text news dumps, offline and from the keyboard.",
                        "Import a dump with Ctrl+O to start.",
                        "Press ? at any time to see every key.",
                    ],
                )
            return
        name = self.sidebar_model.name_of(self.current_view)
        message = {
            "unread": "You are all caught up: nothing unread.",
            "starred": "No starred articles. Press S on an article to star it.",
            "today": "Nothing was added in the last 24 hours.",
        }.get(self.current_view.kind, f"No articles in {name}.")
        self.article_list.set_empty_text(
            f"<h3>{e(message)}</h3><p>Shift+J / Shift+K move to another view.</p>"
        )

    def _update_scroll_tracking(self) -> None:
        """Jump only when the scroll bar is let go where a jump costs seconds.

        A big filtered view in title order has no index to count positions with: a jump to
        the middle of a 110,000-article section takes about 5 s, so dragging the thumb must
        not ask for every position it passes.
        """
        q = self.list_model.query
        slow = (
            q is not None
            and q.sort.key == "title"
            and q.view.kind != "all"
            and self.list_model.rowCount() > 20_000
        )
        self.article_list.verticalScrollBar().setTracking(not slow)

    def _library_has_articles(self) -> bool:
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0] == 1

    # =========================================================================================
    # Panes, focus mode, history, text size

    def panes(self) -> list[QWidget]:
        if self.focus_mode:
            return [self.reading_pane]
        return [self.sidebar, self.article_list, self.reading_pane]

    def focused_pane(self) -> QWidget | None:
        focus = self.focusWidget()
        for pane in (self.sidebar, self.article_list, self.reading_pane):
            if focus is pane or (focus is not None and pane.isAncestorOf(focus)):
                return pane
        return None

    def move_focus(self, step: int) -> None:
        panes = self.panes()
        current = self.focused_pane()
        i = panes.index(current) if current in panes else 0
        panes[(i + step) % len(panes)].setFocus(Qt.FocusReason.TabFocusReason)

    def enter_focus_mode(self) -> None:
        if self.current_article_id is None:
            row = self.article_list.currentIndex().row()
            if row < 0:
                return
        self.focus_mode = True
        self.sidebar.hide()
        self.list_pane.hide()
        self.reading_pane.setFocus(Qt.FocusReason.OtherFocusReason)
        self.statusBar().showMessage("Focus mode — Esc to return", 3000)

    def leave(self) -> None:
        if self.focus_mode:
            self.focus_mode = False
            self.statusBar().clearMessage()
            self.sidebar.show()
            self.list_pane.show()
            self.article_list.show()
            self.article_list.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.isFullScreen():
            self.toggle_full_screen()

    def back(self) -> None:
        if self.history_pos > 0:
            self.history_pos -= 1
            self._go_to_history()

    def forward(self) -> None:
        if self.history_pos < len(self.history) - 1:
            self.history_pos += 1
            self._go_to_history()

    def _go_to_history(self) -> None:
        view, article_id = self.history[self.history_pos]
        if view != self.current_view and self.sidebar_model.item_for(view) is not None:
            self.open_view(view)
        row = self.list_model.row_of(article_id)
        self.show_article(article_id, record_history=False)
        if row is not None:
            self._set_current_row(row, open_article=False)
        else:
            self.article_list.selectionModel().clearSelection()
            self.article_list.selectionModel().setCurrentIndex(
                QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def change_text_size(self, step: int) -> None:
        new = 0 if step == 0 else self.reading_pane.text_step + step
        self.reading_pane.set_text_step(new)
        self.settings.set(S.TEXT_SIZE, self.reading_pane.text_step)
        percent = round(100 * self.reading_pane.point_size / BASE_POINT_SIZE)
        self.statusBar().showMessage(f"Text size {percent}%", 2000)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def show_help(self) -> None:
        self.help_overlay.open(self.registry, self.keymap)

    def show_log(self) -> None:
        from reader.logs import log_path, open_log_file

        if not open_log_file():
            self.statusBar().showMessage(f"No application could open the log: {log_path()}", 8000)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from reader.appinfo import version

        e = html.escape
        QMessageBox.about(
            self,
            "About Dispatch",
            f"<h3>Dispatch {e(version())}</h3>"
            "<p>A reader for plain-text news dumps: offline, and entirely from the keyboard.</p>"
            f"<p>Library: <code>{e(str(self.library.path))}</code><br>"
            f"{self.counts.total:,} articles</p>"
            "<p>Press <b>?</b> for every key.</p>",
        )

    # =========================================================================================
    # Start and end

    def _restore(self) -> None:
        s = self.settings
        self.counts = Counts()
        self._sidebar_names: tuple = ((), ())
        self._populate_sidebar(views.sections(self.conn), views.sources(self.conn))
        geometry = s.get(S.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        for setting, splitter in (
            (S.MAIN_SPLITTER, self.main_splitter),
            (S.LIST_SPLITTER, self.list_splitter),
        ):
            state = s.get(setting)
            if not state.isEmpty():
                splitter.restoreState(state)
        header_state = s.get(S.LIST_HEADER)
        if not header_state.isEmpty():
            self.article_list.horizontalHeader().restoreState(header_state)
        self.reading_pane.set_text_step(s.get(S.TEXT_SIZE))
        sort_key = s.get(S.SORT_KEY)
        sort = Sort(sort_key if sort_key in ("date", "title") else "date", s.get(S.SORT_DESCENDING))
        view = View.from_key(s.get(S.CURRENT_VIEW)) or ALL
        if self.sidebar_model.item_for(view) is None:
            view = ALL
        self.list_model.open_view(view, sort)
        self._show_sort_indicator()
        blocker = self.sidebar.selectionModel().blockSignals(True)
        self.sidebar.select_view(view)
        self.sidebar.selectionModel().blockSignals(blocker)
        list_selection = self.article_list.selectionModel()
        list_selection.currentRowChanged.connect(self._on_list_current)
        list_selection.selectionChanged.connect(self._on_list_current)
        article_id = s.get(S.CURRENT_ARTICLE)
        if article_id:
            record = views.article(self.conn, article_id)
            if record is not None:
                self.current_article_id = article_id
                self.reading_pane.show_article(record)
                self.history = [(view, article_id)]
                self.history_pos = 0
                row = self.list_model.row_of(article_id)
                if row is not None:
                    self._set_current_row(row, open_article=False)
        if self.current_article_id is None and self.list_model.rowCount():
            self._show_no_article()
        self._update_title()
        self.article_list.setFocus(Qt.FocusReason.OtherFocusReason)
        # Counts read the whole library's indexes and qtawesome takes 0.4 s to import: both
        # come just after the first paint, not before it.
        self._first_paint_watch = _FirstPaint(self.article_list.viewport(), self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._closed:
            return
        # What the first paint did not need: the section commands and the rest of search.
        self.section_actions  # noqa: B018
        self.search  # noqa: B018
        self._load_counts()
        app_icon = icons.app_icon()
        self.setWindowIcon(app_icon)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setWindowIcon(app_icon)  # dialogs too
        self.list_model.set_star_icon(icons.star())
        for name, action in self.toolbar_actions.items():
            action.setIcon(icons.toolbar(name))
        self.sidebar_model.enable_icons()
        self._started = True
        self.startup_finished.emit()

    def save_state(self) -> None:
        s = self.settings
        s.set(S.GEOMETRY, self.saveGeometry())
        if not self.focus_mode:
            s.set(S.MAIN_SPLITTER, self.main_splitter.saveState())
            s.set(S.LIST_SPLITTER, self.list_splitter.saveState())
        s.set(S.LIST_HEADER, self.article_list.horizontalHeader().saveState())
        s.set(S.CURRENT_VIEW, self.current_view.key)
        s.set(S.CURRENT_ARTICLE, self.current_article_id or 0)
        s.set(S.TEXT_SIZE, self.reading_pane.text_step)
        s.set(S.KEYMAP, self.keymap.to_json())
        s.sync()

    def add_part(self, part: ClosingPart, first: bool = False) -> None:
        """A part the window asks before closing, then shuts down (see :meth:`closeEvent`)."""
        if first:
            self._parts.insert(0, part)
        else:
            self._parts.append(part)

    def closeEvent(self, event: QCloseEvent) -> None:
        """The one close path: every part may refuse (the import first); then each shuts down."""
        if self._closed:
            super().closeEvent(event)
            return
        if not all(part.can_close() for part in list(self._parts)):
            event.ignore()
            return
        self._closed = True
        for part in list(self._parts):
            part.shutdown()
        self.save_state()
        self.undo_stack.clear()
        super().closeEvent(event)
