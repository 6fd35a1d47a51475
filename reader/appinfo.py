"""Who the application is and where its bundled files are: id, name, version, icons.

Files under ``resources/`` are installed as the package ``reader.resources`` and read through
importlib.resources, so the same code works from a source tree, an installed wheel and a
PyInstaller bundle. Qt is imported only by :func:`app_icon`, so the command line stays light.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import reader
from reader import APP_ID, APP_NAME

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

__all__ = [
    "APP_ID",
    "APP_NAME",
    "ICON_SIZES",
    "app_icon",
    "app_icon_path",
    "app_icon_svg_path",
    "icon_png_path",
    "resource_path",
    "version",
]

RESOURCES_PACKAGE = "reader.resources"
#: Pixel sizes of the PNG icons shipped in resources/icons (dispatch-<size>.png).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def resource_path(name: str) -> Path:
    """Path of a bundled file, e.g. ``resource_path("icons/dispatch.svg")``.

    Raises FileNotFoundError when it is missing, so a broken install fails loudly
    instead of producing a window with no icon.
    """
    traversable = files(RESOURCES_PACKAGE).joinpath(*name.split("/"))
    path = Path(str(traversable))
    if not path.is_file():
        raise FileNotFoundError(f"Dispatch resource {name!r} is missing (looked at {path})")
    return path


def icon_png_path(size: int) -> Path:
    """The PNG icon of exactly ``size`` pixels (one of ICON_SIZES)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {ICON_SIZES}")
    return resource_path(f"icons/dispatch-{size}.png")


def app_icon_path() -> Path:
    """The largest raster icon: usable everywhere, with no SVG image plugin required."""
    return icon_png_path(max(ICON_SIZES))


def app_icon_svg_path() -> Path:
    return resource_path("icons/dispatch.svg")


def app_icon() -> QIcon:
    """A QIcon holding every PNG size, so Qt picks a sharp one for title bar, taskbar and dock."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png_path(size)), QSize(size, size))
    return icon


def version() -> str:
    """The installed distribution's version, for Help → About and --version."""
    return reader.__version__
