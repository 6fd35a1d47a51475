"""The menu bar and the toolbar: the registered commands, listed with their keys.

Menus and toolbar buttons run commands by name; they never bind keys (the keymap does), and the
key shown beside each entry is read from the keymap. Search and the section commands register
after the first paint: their entries take their places in :data:`MENUS` when they do.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from . import icons
from .commands import CommandRegistry, Keymap
from .search_field import SEARCH_MENU

#: The menus and the commands they list ("-": a separator).
MENUS: dict[str, tuple[str, ...]] = {
    "File": (
        "import",
        "import-with-layout",
        "import-into-section",
        "-",
        "import-log",
        "cancel-import",
        "-",
        "reimport-source",
        "remove-source",
        "clear-failed-sources",
        "-",
        "open-library",
        "-",
        "export",
        "export-pdf",
        "print",
        "-",
        "quit",
    ),
    # Linux and Windows keep Preferences in Edit; on macOS Qt moves it to the application menu.
    "Edit": ("retention", "preferences"),
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
    "Article": (
        "toggle-read",
        "toggle-star",
        "mark-view-read",
        "undo",
        "why-here",
        "-",
        "delete-articles",
        "delete-forever",
        "restore-articles",
        "empty-trash",
        "-",
        "split-here",
        "join-previous",
        "edit-headline",
        "reparse-source",
        "-",
        "copy-markdown",
        "copy-text",
    ),
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
    "Help": ("help", "show-log", "library-info", "about"),
}
#: Entries macOS puts in the application menu, where people look for them there.
MENU_ROLES = {
    "preferences": QAction.MenuRole.PreferencesRole,
    "about": QAction.MenuRole.AboutRole,
    "quit": QAction.MenuRole.QuitRole,
}
#: The toolbar's buttons (commands) and their labels, in order.
TOOLBAR = (
    ("import", "Import"),
    ("mark-view-read", "Mark all read"),
    ("search", "Search"),
    ("help", "Keys"),
)


def new_action(text: str, parent: QObject) -> QAction:
    """``QAction(text, parent)`` without naming QIcon: PySide tries that call as (icon, text,
    parent) too, which makes QIcon's type and enums (10M instructions of a start); the window's
    icons come after its first paint."""
    action = QAction(parent)
    action.setText(text)
    return action


def show_key(action: QAction, key: str) -> None:
    """Show ``key`` beside a menu entry, as its shortcut, without binding it.

    The entry's name stays the command's alone ("Next article"): a screen reader gets the key
    as the entry's key binding. The key never fires from here (the keymap dispatches every
    key): a widget shortcut on an entry in a menu is active only while the menu bar has focus,
    which it never takes. macOS would bind menu shortcuts natively: there the key is only
    written after a tab, as before.
    """
    if sys.platform == "darwin":
        base = action.text().split("\t")[0]
        action.setText(f"{base}\t{key}" if key else base)
        return
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.setShortcut(QKeySequence(key))


class WindowMenus:
    """The menus and toolbar of one window; ``menus["File"]`` is the File menu."""

    def __init__(
        self,
        window: QMainWindow,
        registry: CommandRegistry,
        keymap: Keymap,
        run: Callable[[str], object],
        prepare: Callable[[], object] | None = None,
    ) -> None:
        """``prepare()`` runs as any menu opens: it builds the parts that register commands
        after the first paint, so that a menu opened before they were built is complete."""
        self.window = window
        self.registry = registry
        self.keymap = keymap
        self.run = run
        self.icons_enabled = False
        #: Menu entries by command name.
        self.actions: dict[str, QAction] = {}
        self.toolbar_actions: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self._separators: dict[tuple[str, int], QAction] = {}
        bar = window.menuBar()
        for title, entries in MENUS.items():
            menu = bar.addMenu(f"&{title}")
            menu.setObjectName(f"menu{title}")
            self._menus[title] = menu
            if prepare is not None:
                menu.aboutToShow.connect(prepare)
            for i, entry in enumerate(entries):
                if entry == "-":
                    self._separators[(title, i)] = menu.addSeparator()
        self.toolbar = window.addToolBar("Main")
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # The toolbar's commands now (it shows at the first paint); the menus' other entries
        # when ``prepare`` builds them (after the first paint, or as a menu opens).
        self.add_entries({name for name, _text in TOOLBAR} if prepare is not None else None)

    def __getitem__(self, title: str) -> QMenu:
        return self._menus[title]

    def add_entries(self, only: set[str] | None = None) -> None:
        """Menu entries (and toolbar buttons) for the commands registered since the last call
        (``only`` these, when given)."""
        for title, entries in MENUS.items():
            for name in entries:
                wanted = only is None or name in only
                if wanted and name != "-" and name in self.registry and name not in self.actions:
                    self._add_entry(title, name)
        for name, _text in TOOLBAR:
            self._add_toolbar_button(name)

    def enable_icons(self) -> None:
        """Toolbar icons come after the first paint (qtawesome takes 0.4 s to import)."""
        self.icons_enabled = True
        for name, action in self.toolbar_actions.items():
            action.setIcon(icons.toolbar(name))

    def _add_entry(self, title: str, name: str) -> None:
        menu = self._menus[title]
        entries = MENUS[title]
        command = self.registry[name]
        action = new_action(command.description, self.window)
        show_key(action, self.keymap.first(name))
        action.setObjectName(f"action-{name}")
        action.setToolTip(command.description)
        action.setStatusTip(command.description)
        action.setWhatsThis(command.description)
        action.triggered.connect(lambda _=False, n=name: self.run(n))
        if name in MENU_ROLES:
            action.setMenuRole(MENU_ROLES[name])
        before = None
        for i in range(entries.index(name) + 1, len(entries)):
            before = self._separators.get((title, i)) or self.actions.get(entries[i])
            if before is not None:
                break
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)
        self.actions[name] = action

    def refresh_keys(self) -> None:
        """Show the keys bound now (a key rebound in Preferences) beside every entry."""
        for name, action in self.actions.items():
            show_key(action, self.keymap.first(name))
        for name, action in self.toolbar_actions.items():
            action.setToolTip(self.actions[name].toolTip() + f"  ({self.keymap.display(name)})")

    def _add_toolbar_button(self, name: str) -> None:
        """The toolbar button of a command that has a menu entry, in :data:`TOOLBAR`'s order."""
        names = [n for n, _ in TOOLBAR]
        if name not in self.actions or name in self.toolbar_actions:
            return
        source = self.actions[name]
        action = new_action(dict(TOOLBAR)[name], self.window)
        action.setObjectName(f"toolbar-{name}")
        action.setToolTip(source.toolTip() + "  (" + self.keymap.display(name) + ")")
        action.triggered.connect(lambda _=False, n=name: self.run(n))
        if self.icons_enabled:
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
