"""Icons: the app's own icon from resources, symbols from qtawesome (cached, made on demand)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # named at run time only when an icon is made (after the first paint):
    from PySide6.QtGui import QIcon  # QIcon's enums cost 10M instructions of a start


@cache
def icon(name: str, color: str | None = None) -> QIcon:
    import qtawesome
    from PySide6.QtGui import QColor

    options = {"color": QColor(color)} if color else {}
    return qtawesome.icon(name, **options)


_TOOLBAR = {
    "import": "mdi6.file-import-outline",
    "mark-view-read": "mdi6.check-all",
    "search": "mdi6.magnify",
    "help": "mdi6.keyboard-outline",
}


def toolbar(command: str) -> QIcon:
    return icon(_TOOLBAR.get(command, "mdi6.circle-small"))


def star() -> QIcon:
    return icon("mdi6.star", "#e0a100")


def app_icon() -> QIcon:
    from reader.appinfo import app_icon as bundled

    try:
        return bundled()
    except FileNotFoundError:
        return icon("mdi6.newspaper-variant-outline")
