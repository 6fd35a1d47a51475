"""The window's parts its first paint does not need, built just after it (or when first used).

A start pays for every module it imports before the window paints. The Trash and source
commands, the list's context menu and the screen-reader announcements are not on screen at
first, so :class:`MainWindow` makes them in the first event-loop turn after its first paint, with
search and the section commands. Whatever needs one sooner builds it then: a part is a
:class:`Later` attribute of the window, made on first read; a key pressed or a menu opened
before the first paint's turn builds them all first (so the Trash's key mode and every menu
entry are there), and a command not registered yet builds them before it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from .accessibility import WindowAccessibility
    from .list_menu import ListMenu
    from .main_window import MainWindow
    from .sources_actions import SourceActions
    from .trash_actions import TrashActions

T = TypeVar("T")

#: What the window builds after its first paint, in this order (the Trash's status comes first
#: in the status bar, as before; the accessibility part names what the others made).
LATER = (
    "trash",
    "sources",
    "list_menu",
    "section_actions",
    "search",
    "hand_fixes",
    "export_actions",
    "accessibility",
)


class Later(Generic[T]):
    """A window attribute made by ``build(window)`` the first time it is read, then kept."""

    def __init__(self, build: Callable[[Any], T]) -> None:
        self.build = build
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, window: None, owner: type | None = None) -> Later[T]: ...

    @overload
    def __get__(self, window: object, owner: type | None = None) -> T: ...

    def __get__(self, window: object, owner: type | None = None) -> Later[T] | T:
        if window is None:
            return self
        part = self.build(window)
        # The instance's own attribute from now on: later reads never come here again.
        window.__dict__[self.name] = part
        return part

    def built(self, window: object) -> bool:
        """Whether ``window`` has made its part yet (reading the attribute would make it)."""
        return self.name in window.__dict__


def build_all(window: MainWindow) -> None:
    """Make every later part of ``window`` that is not made yet; the menus then list them."""
    for name in LATER:
        getattr(window, name)
    window.menus.add_entries()
    window.list_options.build_menus()  # after the View menu's entries, below them


def trash_actions(window: MainWindow) -> TrashActions:
    from .trash_actions import TrashActions

    return TrashActions(window)


def source_actions(window: MainWindow) -> SourceActions:
    from .sources_actions import SourceActions

    return SourceActions(window)


def list_menu(window: MainWindow) -> ListMenu:
    from .list_menu import ListMenu

    return ListMenu(window)


def accessibility(window: MainWindow) -> WindowAccessibility:
    from .accessibility import WindowAccessibility

    return WindowAccessibility(window)
