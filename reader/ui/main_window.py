"""The main window: sidebar, article list and reading pane, driven from the keyboard.

The window lays out the panes and owns the parts that work them, each in a module of its own:

* :mod:`.reading` — the open article, next / previous / unread, history;
* :mod:`.view_switching` — which view the list shows, and its order;
* :mod:`.marking` — read, star, mark a view read, undo (:mod:`.undo`);
* :mod:`.pane_updates` — every pane following the one "library changed" event (:mod:`.changes`);
* :mod:`.menus` — the menu bar and the toolbar;
* search (:mod:`.search_wiring`) and the section commands (:mod:`.section_actions`), built just
  after the first paint.

Every key press on the window's panes goes through one event filter that looks the key up in the
keymap and runs the command from the registry. Closing asks every part first, then shuts each
down (:meth:`MainWindow.closeEvent`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reader.core.libfile import LibraryError
from reader.core.views import ALL, Counts, View

from . import icons, later_parts
from . import settings as S
from .article_list import ArticleList
from .article_model import ArticleListModel, sort_from_setting
from .changes import LibraryChange
from .commands import MODES, CommandError, CommandRegistry, Keymap, event_sequence, failure_message
from .focus_mode import FocusMode
from .later_parts import Later
from .list_options import ListOptions
from .marking import Marking
from .menus import WindowMenus
from .pane_updates import PaneUpdates
from .plain_text import escape
from .read_marking import ReadMarking
from .reading import Reading
from .reading_menu import ReadingMenu
from .reading_pane import BASE_POINT_SIZE, ReadingPane
from .search_field import SearchBar
from .sidebar import Sidebar, SidebarModel
from .themes import ThemeController
from .typography import Typography
from .undo import UndoStack
from .view_switching import ViewSwitcher

if TYPE_CHECKING:
    from .accessibility import WindowAccessibility
    from .export_actions import ExportActions
    from .hand_fixes import HandFixActions
    from .help_overlay import HelpOverlay
    from .list_menu import ListMenu
    from .search_wiring import WindowSearch
    from .section_actions import SectionActions
    from .sources_actions import SourceActions
    from .trash_actions import TrashActions

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
            widget.removeEventFilter(self)
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

    # Built just after the first paint, or when first used (later_parts.py).
    trash: Later[TrashActions] = Later(later_parts.trash_actions)
    sources: Later[SourceActions] = Later(later_parts.source_actions)
    list_menu: Later[ListMenu] = Later(later_parts.list_menu)
    accessibility: Later[WindowAccessibility] = Later(later_parts.accessibility)

    def __init__(
        self,
        library,
        settings: S.Settings | None = None,
        files: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.conn = library.conn
        # Window and view state is kept per library file; preferences are shared.
        self.settings = (settings or S.Settings()).for_library(library.path)
        #: Files given on the command line, for the import feature to pick up.
        self.pending_files: list[Path] = list(files or [])
        self.registry = CommandRegistry()
        self.keymap = Keymap(self.settings.get(S.KEYMAP))
        self.counts = Counts()
        self.undo_stack = UndoStack()
        self.current_article_id: int | None = None
        self.focus_mode = False
        self._closed = False
        self._parts: list[ClosingPart] = []
        self._started = False  # the first paint happened and what waits for it was done
        self._later_built = False  # the parts made after the first paint (later_parts.py)
        self._import_handler: Callable[[], object] = self._import_unavailable
        self._import_log_handler: Callable[[], object] = self._import_unavailable
        self._cancel_import_handler: Callable[[], object] = self._import_unavailable
        self._import_layout_handler: Callable[[], object] = self._import_unavailable
        #: File → Open another library… (reader/ui/library_switch.py plugs it in).
        self.open_library_handler: Callable[[], object] = self._switch_unavailable
        #: Key modes and whether each is active now (see commands.MODE_KEYS).
        self._mode_checks: dict[str, Callable[[], bool]] = {"focus": lambda: self.focus_mode}
        self.section_import_handler: Callable[[str], object] | None = None
        #: Imports these files (set by the import feature): "Import again" of a source.
        self.import_paths_handler: Callable[[list[Path]], object] | None = None
        self._search: WindowSearch | None = None
        self._section_actions: SectionActions | None = None
        self._hand_fixes: HandFixActions | None = None
        self._export_actions: ExportActions | None = None

        self.setObjectName("mainWindow")
        self.setStyleSheet(FOCUS_STYLE)
        self._build_panes()
        self.themes = ThemeController(self)  # before the first article is set
        self.typography = Typography(self)
        self.read_marking = ReadMarking(self)
        self.reading = Reading(self)
        self.views = ViewSwitcher(self)
        self.marking = Marking(self)
        self.pane_updates = PaneUpdates(self)
        self._register_commands()
        self.reading_menu = ReadingMenu(self)
        self.menus = WindowMenus(
            self, self.registry, self.keymap, self.run_menu_command, prepare=self.build_later
        )
        self.focus_part = FocusMode(self)
        self.list_options = ListOptions(self)
        for widget in (self, self.sidebar, self.article_list, self.reading_pane):
            widget.installEventFilter(self)
        self.article_list.empty_button.clicked.connect(lambda: self.run_command("import"))
        self.resize(1200, 800)
        self._restore()

    def _build_panes(self) -> None:
        self.sidebar_model = SidebarModel(self)
        self.sidebar = Sidebar(self.sidebar_model)
        self.list_model = ArticleListModel(self.library, self)
        self.article_list = ArticleList(self.list_model)
        self.reading_pane = ReadingPane()

        # The search field sits over the list from the start; the rest of search (results in
        # the list's place, highlights, saved searches) is built just after the first paint.
        self.search_bar = SearchBar(key_hint=self.key_hint, keymap=self.keymap)
        self.list_pane = QWidget()
        self.list_pane.setObjectName("listPane")
        pane_layout = QVBoxLayout(self.list_pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(0)
        pane_layout.addWidget(self.search_bar)
        pane_layout.addWidget(self.article_list, 1)

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
        self._help_overlay: HelpOverlay | None = None  # built when first opened

    # =========================================================================================
    # Commands

    def _register_commands(self) -> None:
        add = self.registry.add
        reading, marking = self.reading, self.marking
        add("next-article", "Next article", "Articles", lambda: reading.move_article(1))
        add("previous-article", "Previous article", "Articles", lambda: reading.move_article(-1))
        add(
            "next-unread",
            "Next unread article (on to the next view)",
            "Articles",
            reading.next_unread,
        )
        add("previous-unread", "Previous unread article", "Articles", reading.previous_unread)
        add("page-down", "Page down; at the end, on to the next", "Reading", reading.page_down)
        add("page-up", "Page up", "Reading", self.reading_pane.page_up)
        add("toggle-read", "Mark read / unread", "Marking", marking.toggle_read)
        add("toggle-star", "Star / unstar", "Marking", marking.toggle_star)
        add(
            "mark-view-read",
            "Mark every article in this view read",
            "Marking",
            marking.mark_view_read,
        )
        add("undo", "Undo the last marking, move or delete", "Marking", marking.undo)
        add("next-view", "Next view in the sidebar", "Views", lambda: self.views.move_view(1))
        add(
            "previous-view",
            "Previous view in the sidebar",
            "Views",
            lambda: self.views.move_view(-1),
        )
        add("focus-next-pane", "Focus the next pane", "Panes", lambda: self.move_focus(1))
        add("focus-previous-pane", "Focus the previous pane", "Panes", lambda: self.move_focus(-1))
        add(
            "focus-mode",
            "Read in focus mode (the article fills the window)",
            "Reading",
            self.enter_focus_mode,
        )
        add("leave", "Leave full screen", "Application", self.leave_full_screen)
        add("leave-focus-mode", "Leave focus mode", "Reading", self.leave_focus_mode)
        add("back", "Back to the previous article read", "History", reading.back)
        add("forward", "Forward in the articles read", "History", reading.forward)
        add("text-bigger", "Larger text", "Reading", lambda: self.change_text_size(1))
        add("text-smaller", "Smaller text", "Reading", lambda: self.change_text_size(-1))
        add("text-reset", "Default text size", "Reading", lambda: self.change_text_size(0))
        add("full-screen", "Full screen on / off", "Application", self.toggle_full_screen)
        add("import", "Import news dumps…", "Application", lambda: self._import_handler())
        add(
            "import-with-layout",
            "Import news dumps with a layout…",
            "Application",
            lambda: self._import_layout_handler(),
        )
        add("import-log", "Show the import log", "Application", lambda: self._import_log_handler())
        add(
            "cancel-import",
            "Cancel the running import",
            "Application",
            lambda: self._cancel_import_handler(),
        )
        add("open-library", "Open another library…", "Application", self._open_library)
        add("preferences", "Preferences…", "Application", self.show_preferences)
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
            self.build_later()
        try:
            self.registry.run(name)
        except (CommandError, LibraryError, sqlite3.Error) as e:
            # One convention for every command: the status bar says what failed, the log why.
            logging.getLogger(__name__).warning(
                "command %s failed", name, exc_info=not isinstance(e, CommandError)
            )
            self.statusBar().showMessage(failure_message(self.registry[name], e), 10000)

    def run_menu_command(self, name: str) -> None:
        """A menu entry or toolbar button: what its key does in the modes active now."""
        self.run_command(self.keymap.resolve(name, self.modes()))

    def add_mode(self, mode: str, active: Callable[[], bool]) -> None:
        """A key mode a part brings (see commands.MODE_KEYS) and when it is active."""
        self._mode_checks[mode] = active

    def modes(self) -> list[str]:
        """The key modes active now, innermost first (normal mode is always last)."""
        return [m for m in MODES if m in self._mode_checks and self._mode_checks[m]()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.build_later()  # a key before the first paint's turn: its mode and command
            sequence = event_sequence(event)
            if self._help_overlay is not None and self._help_overlay.isVisible():
                # Keys meant for the overlay that reached a pane (focus elsewhere) close it too.
                if self.keymap.command_for(sequence) in ("help", "leave"):
                    self._help_overlay.close_overlay()
                return True
            name = self.keymap.command_for(sequence, self.modes())
            if name is not None:
                self.run_command(name)
                return True
        return super().eventFilter(watched, event)

    def build_later(self) -> None:
        """Make the parts the first paint did not need, if not yet (keys and menus need them)."""
        if not self._later_built:
            self._later_built = True
            later_parts.build_all(self)

    @property
    def export_actions(self) -> ExportActions:
        """Export, print, the copies and Help → Library…, built after the first paint."""
        if self._export_actions is None:
            from .export_actions import ExportActions

            self._export_actions = ExportActions(self)
        return self._export_actions

    @property
    def section_actions(self) -> SectionActions:
        """The section commands, built after the first paint (or when first needed)."""
        if self._section_actions is None:
            from .section_actions import SectionActions

            self._section_actions = SectionActions(self)
        return self._section_actions

    @property
    def hand_fixes(self) -> HandFixActions:
        """Split, join, edit headline, re-parse (built after the first paint, or when needed)."""
        if self._hand_fixes is None:
            from .hand_fixes import HandFixActions

            self._hand_fixes = HandFixActions(self)
        return self._hand_fixes

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

    def set_import_handler(
        self,
        handler: Callable[[], object],
        show_log: Callable[[], object] | None = None,
        cancel: Callable[[], object] | None = None,
        with_layout: Callable[[], object] | None = None,
    ) -> None:
        """Plug in the import feature: Ctrl+O and File → Import call ``handler()``; the import
        log and cancel commands call ``show_log()`` and ``cancel()``."""
        self._import_handler = handler
        if show_log is not None:
            self._import_log_handler = show_log
        if cancel is not None:
            self._cancel_import_handler = cancel
        if with_layout is not None:  # File → Import with a layout: asks the layout first
            self._import_layout_handler = with_layout

    def _import_unavailable(self) -> None:
        raise CommandError("Import from the command line for now: dispatch import FILE…")

    def _open_library(self) -> None:
        self.open_library_handler()

    def _switch_unavailable(self) -> None:
        raise CommandError("Open another library from the command line: dispatch --db FILE")

    # =========================================================================================
    # What the parts share: the open view, the open article, the change event

    @property
    def current_view(self) -> View:
        return self.list_model.view or ALL

    def open_view(self, view: View) -> None:
        """Show a view in the list (selecting it in the sidebar too)."""
        self.views.open_view(view)

    def show_article(self, article_id: int, record_history: bool = True) -> None:
        """Show an article and mark it read."""
        self.reading.show_article(article_id, record_history)

    def publish(self, change: LibraryChange) -> None:
        """Tell every pane what an operation changed (they subscribe to :attr:`changed`)."""
        self.changed.emit(change)

    # =========================================================================================
    # Panes, focus mode, text size

    def shown_list(self) -> QAbstractItemView:
        """The list in the middle pane: the search results while a search is on."""
        search = self._search
        return search.results if search is not None and search.active else self.article_list

    def lists_article(self, article_id: int) -> bool:
        """Whether the shown list (the results while a search is on) has this article."""
        search = self._search
        if search is not None and search.active:
            return search.lists(article_id)
        return self.list_model.lists(article_id)

    def panes(self) -> list[QWidget]:
        if self.focus_mode:
            return [self.reading_pane]
        return [self.sidebar, self.shown_list(), self.reading_pane]

    def focused_pane(self) -> QWidget | None:
        focus = self.focusWidget()
        for pane in (self.sidebar, self.shown_list(), self.reading_pane):
            if focus is pane or (focus is not None and pane.isAncestorOf(focus)):
                return pane
        return None

    def move_focus(self, step: int) -> None:
        panes = self.panes()
        current = self.focused_pane()
        if current in panes:
            target = panes[(panes.index(current) + step) % len(panes)]
        else:  # the search field, say: on to the list, or back to the sidebar
            target = panes[1 if step > 0 else 0] if len(panes) > 1 else panes[0]
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def enter_focus_mode(self) -> None:
        """The article fills the window: every bar and side pane hidden (focus_mode.py)."""
        if self.current_article_id is None and self.shown_list().currentIndex().row() < 0:
            return
        self.focus_part.enter()

    def leave_focus_mode(self) -> None:
        self.focus_part.leave()

    def leave_full_screen(self) -> None:
        if self.isFullScreen():
            self.toggle_full_screen()

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

    def show_preferences(self) -> None:
        from .preferences import show_preferences

        show_preferences(self)

    @property
    def help_overlay(self) -> HelpOverlay:
        """The "?" overlay, built when first opened: the first paint does not need it."""
        if self._help_overlay is None:
            from .help_overlay import HelpOverlay

            self._help_overlay = HelpOverlay(self)
        return self._help_overlay

    def show_help(self) -> None:
        self.help_overlay.open_help(self.registry, self.keymap)

    def show_log(self) -> None:
        from reader.logs import log_path, open_log_file

        if not open_log_file():
            self.statusBar().showMessage(f"No application could open the log: {log_path()}", 8000)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from reader.appinfo import version

        e = escape
        QMessageBox.about(
            self,
            "About Dispatch",
            f"<h3>Dispatch {e(version())}</h3>"
            "<p>A reader for plain-text news dumps: offline, and entirely from the keyboard.</p>"
            f"<p>Library: <code>{e(str(self.library.path))}</code><br>"
            f"{self.counts.total:,} articles</p>"
            f"<p>Press <b>{e(self.key_hint('help'))}</b> for every key.</p>",
        )

    # =========================================================================================
    # Start and end

    def _restore(self) -> None:
        s = self.settings
        self.pane_updates.populate_sidebar()
        geometry = s.get(S.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.list_options.restore_splitters()
        header_state = s.get(S.LIST_HEADER)
        if not header_state.isEmpty():
            self.article_list.horizontalHeader().restoreState(header_state)
        self.reading_pane.set_text_step(s.get(S.TEXT_SIZE))
        sort = sort_from_setting(s.get(S.SORT_KEY), s.get(S.SORT_DESCENDING))
        view = View.from_key(s.get(S.CURRENT_VIEW)) or ALL
        if self.sidebar_model.item_for(view) is None:
            view = ALL
        self.list_model.open_view(view, sort)
        self.views.show_sort_indicator()
        blocker = self.sidebar.selectionModel().blockSignals(True)
        self.sidebar.select_view(view)
        self.sidebar.selectionModel().blockSignals(blocker)
        self.reading.list.watch()
        article_id = s.get(S.CURRENT_ARTICLE)
        if article_id:
            self.reading.restore(article_id)
        if self.current_article_id is None and self.list_model.rowCount():
            self.reading.show_no_article()
        self.pane_updates.update_title()
        self.article_list.setFocus(Qt.FocusReason.OtherFocusReason)
        # Counts read the whole library's indexes and qtawesome takes 0.4 s to import: both
        # come just after the first paint, not before it.
        self._first_paint_watch = _FirstPaint(self.article_list.viewport(), self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._closed:
            return
        # What the first paint did not need: Trash, sources, search, the section commands…
        self.build_later()
        self.pane_updates.load_counts()
        app_icon = icons.app_icon()
        self.setWindowIcon(app_icon)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setWindowIcon(app_icon)  # dialogs too
        self.list_model.set_star_icon(icons.star())
        self.menus.enable_icons()
        self.sidebar_model.enable_icons()
        self._started = True
        self.startup_finished.emit()

    def save_state(self) -> None:
        s = self.settings
        s.set(S.GEOMETRY, self.saveGeometry())
        if not self.focus_mode:
            self.list_options.save_splitters()
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
