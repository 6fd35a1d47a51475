"""The reading pane's context menu: the article's own commands, each with its key, then the
pane's Copy and Select All.

The menu lists commands by name from :data:`READING_MENU`; it never binds keys, and the key
beside each entry is read from the keymap when the menu opens (a rebound key shows as bound).
A command registered later (after the first paint, or by another part) shows as soon as it is
registered; a name not registered is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from .commands import CommandRegistry
from .menus import show_key

if TYPE_CHECKING:
    from .main_window import MainWindow

#: The article's commands in the reading pane's menu, in order ("-": a separator). To add one,
#: register the command (registry.add) and add its name on a line of its own here.
READING_MENU: tuple[str, ...] = (
    "focus-mode",
    "-",
    "toggle-read",
    "toggle-star",
    "move-to-section",
    "why-here",
    "-",
    # Hand fixes (reader/ui/hand_fixes.py).
    "split-here",
    "join-previous",
    "edit-headline",
    "-",
    # Copies (export16): copy as Markdown, copy text.
    "copy-markdown",
    "copy-text",
)


def menu_names(names: tuple[str, ...], registered: CommandRegistry) -> list[str]:
    """The entries to show: registered commands, with no leading, trailing or double separator."""
    shown: list[str] = []
    for name in names:
        if name == "-":
            if shown and shown[-1] != "-":
                shown.append(name)
        elif name in registered:
            shown.append(name)
    while shown and shown[-1] == "-":
        shown.pop()
    return shown


class ReadingMenu:
    """Builds the reading pane's menu each time it opens, from the registry and the keymap."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.registry.add(
            "why-here",
            "Why is this article in its section?",
            "Reading",
            window.reading_pane.toggle_reason,
        )
        window.reading_pane.menu_builder = self.build

    def build(self, pos: QPoint) -> QMenu:
        """The menu for a right-click (or the Menu key) at ``pos`` in the pane's viewport."""
        w = self.window
        pane = w.reading_pane
        menu = pane.createStandardContextMenu(pos)
        menu.setObjectName("readingPaneMenu")
        for action in menu.actions():  # the pane's only links are its own ("Why here?")
            if action.objectName() == "link-copy":
                menu.removeAction(action)
        standard = menu.actions()
        first = standard[0] if standard else None
        names = menu_names(READING_MENU, w.registry) if pane.article is not None else []
        for name in names:
            if name == "-":
                action = QAction(menu)
                action.setSeparator(True)
            else:
                action = QAction(w.registry[name].description, menu)
                show_key(action, w.keymap.first(name))  # as the menu bar shows keys
                action.setObjectName(f"reading-{name}")
                action.triggered.connect(lambda _=False, n=name: w.run_menu_command(n))
            if first is not None:
                menu.insertAction(first, action)
            else:
                menu.addAction(action)
        if names and first is not None:
            menu.insertSeparator(first)
        return menu
