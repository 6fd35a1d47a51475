"""Every persisted window setting, declared once with its type and default (Picard's way).

Values go through QSettings; a value of the wrong type (an edited or old settings file) reads as
the default instead of breaking the start.

Window and view state (geometry, splitters, the open view and article, the sort) belongs to one
library file: a :class:`Settings` made :meth:`~Settings.for_library` keeps those settings in a
group of that library's own, so a sort chosen in one library never shows up in another.
Preferences (keys, theme, fonts) are the reader's and shared by every library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")


class Setting(NamedTuple, Generic[T]):
    """A setting's key, type and default.

    A named tuple, not a frozen dataclass: making that class ran its generated methods
    through the compiler at every start (about 3M instructions of it).
    """

    key: str
    type: type
    default: T
    #: Kept per library file (window and view state), not shared by every library.
    per_library: bool = False


GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(), per_library=True)
MAIN_SPLITTER = Setting("window/main_splitter", QByteArray, QByteArray(), per_library=True)
LIST_SPLITTER = Setting("window/list_splitter", QByteArray, QByteArray(), per_library=True)
LIST_HEADER = Setting("window/list_header", QByteArray, QByteArray(), per_library=True)
CURRENT_VIEW = Setting("reading/view", str, "all", per_library=True)
CURRENT_ARTICLE = Setting("reading/article", int, 0, per_library=True)
TEXT_SIZE = Setting("reading/text_size", int, 0)  # steps above/below the default size
SORT_KEY = Setting("list/sort", str, "date", per_library=True)
SORT_DESCENDING = Setting("list/descending", bool, True, per_library=True)
# The article list (ui/list_options.py): rows' density and snippet lines are the reader's; the
# layout (list above the article, or three columns) and its splitter belong to the library window.
LIST_DENSITY = Setting("list/density", str, "comfortable")  # compact or comfortable
LIST_SNIPPET_LINES = Setting("list/snippet_lines", int, 1)  # 0, 1 or 2
# Three columns by default, as NetNewsWire: comfortable rows stacked above the article showed four
# of them in an 800-px window, against nine beside it.
LAYOUT = Setting("window/layout", str, "columns", per_library=True)  # columns or stacked
COLUMNS_SPLITTER = Setting("window/columns_splitter", QByteArray, QByteArray(), per_library=True)
SOURCES_EXPANDED = Setting("sidebar/sources_expanded", bool, False, per_library=True)
KEYMAP: Setting[dict] = Setting("keys/overrides", dict, {})  # command name -> list of key sequences
THEME = Setting("appearance/theme", str, "system")  # system, light, dark or sepia (ui/themes.py)
# The reading pane's type (ui/typography.py): "serif", "sans" or a font family's name.
BODY_FONT = Setting("appearance/body_font", str, "serif")
LINE_WIDTH = Setting("appearance/line_width", str, "medium")  # narrow, medium or wide
LINE_SPACING = Setting("appearance/line_spacing", int, 155)  # percent of the font size
MARK_READ = Setting("reading/mark_read", str, "open")  # open, delay or never (ui/read_marking.py)
MARK_READ_SECONDS = Setting("reading/mark_read_seconds", int, 3)
# What Space does at the end of an article: next-unread, next-article or nothing (ui/reading.py).
SPACE_AT_END = Setting("reading/space_at_end", str, "next-unread")

LIBRARIES_GROUP = "libraries"


def library_group(path: Path) -> str:
    """The settings group of one library file: named after its resolved path.

    QSettings reads slashes in a key as nested groups, so the path's separators are escaped
    (as are the escapes' own "%"): one group per file, its name readable in the settings file.
    """
    resolved = str(Path(path).expanduser().resolve())
    name = resolved.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    return f"{LIBRARIES_GROUP}/{name}"


class Settings:
    """Typed access to a QSettings store."""

    def __init__(self, qsettings: QSettings | None = None, library: Path | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings()
        #: The library file whose window state this reads and writes (None: not scoped yet).
        self.library = library
        self._group = library_group(library) if library is not None else None

    def for_library(self, path: Path) -> Settings:
        """The same store, with window and view state kept for the library file ``path``."""
        return Settings(self.q, path)

    def key(self, setting: Setting) -> str:
        """Where ``setting`` is stored: in the library's group when it is per library."""
        if setting.per_library and self._group is not None:
            return f"{self._group}/{setting.key}"
        return setting.key

    def get(self, setting: Setting[T]) -> T:
        raw: Any = self.q.value(self.key(setting))
        if raw is None and setting.per_library and self._group is not None:
            # Dispatch before per-library state kept it for every library: a library with no
            # state of its own yet starts from that (nothing writes there any more).
            raw = self.q.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return _convert(raw, setting.type)
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        if setting.type is dict:
            self.q.setValue(self.key(setting), json.dumps(value))
        else:
            self.q.setValue(self.key(setting), value)

    def sync(self) -> None:
        self.q.sync()


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, str):
            if raw.lower() in ("true", "1"):
                return True
            if raw.lower() in ("false", "0"):
                return False
            raise ValueError(raw)
        return bool(raw)
    if kind is int:
        return int(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise TypeError(raw)
        return raw
    if kind is QByteArray:
        if isinstance(raw, QByteArray):
            return raw
        if isinstance(raw, bytes):
            return QByteArray(raw)
        raise TypeError(raw)
    if kind is dict:
        value = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(value, dict):
            raise TypeError(raw)
        return value
    raise TypeError(kind)
