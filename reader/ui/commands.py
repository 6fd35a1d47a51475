"""Commands and key bindings (qutebrowser's way).

A command is a plain function with a name, a description and a group, registered once. Bindings
are data, mode by mode (:data:`MODE_KEYS`): a mode (normal, search results, focus mode…) decides
which commands keys reach. The user's overrides (persisted in settings) sit on top. The window
dispatches every key press through :meth:`Keymap.command_for` with the modes active now;
nothing else binds keys, so the help overlay and every key hint, generated from the keymap, are
always the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import NamedTuple

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

# Groups in the order the help overlay and the menus show them.
GROUPS = (
    "Articles",
    "Marking",
    "Views",
    "Sections",
    "Panes",
    "Reading",
    "History",
    "Search",
    "Application",
)

#: Key modes, innermost first (qutebrowser's per-mode bindings). A key press reaches the
#: commands of the modes active at that moment, the innermost first, normal mode's last; so
#: reading the tables below tells what every key does in every mode.
MODES = ("picker", "search-field", "focus", "saved-search", "search", "trash", "normal")
MODE_NAMES = {
    "picker": "in the section picker",
    "search-field": "in the search field",
    "focus": "in focus mode",
    "saved-search": "with a saved search selected in the sidebar",
    "search": "in search results",
    "trash": "in the Trash",
    "normal": "",
}

# Default bindings, mode by mode: command name -> key sequences (QKeySequence portable text).
# Every command belongs to one mode.
MODE_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "normal": {
        # The arrow keys keep their usual meaning in each pane (rows in the list, views in the
        # sidebar, lines in the article), so they are not bound here.
        "next-article": ("J",),
        "previous-article": ("K",),
        "next-unread": ("N",),
        "previous-unread": ("P",),
        "page-down": ("Space",),
        "page-up": ("Shift+Space",),
        "toggle-read": ("M",),
        "toggle-star": ("S",),
        "mark-view-read": ("Shift+A",),
        "copy-headline": (),  # no key (Ctrl+C copies text): the list's context menu
        "undo": ("Ctrl+Z",),
        "next-view": ("Shift+J",),
        "previous-view": ("Shift+K",),
        "focus-next-pane": ("Tab", "L"),
        "focus-previous-pane": ("Shift+Tab", "Backtab", "H"),
        "focus-mode": ("Return", "Enter"),
        "why-here": (),  # no key: the reading pane's menu and "Why here?" in its header
        "leave": ("Esc",),
        "back": ("Alt+Left",),
        "forward": ("Alt+Right",),
        "text-bigger": ("Ctrl+=", "Ctrl++"),
        "text-smaller": ("Ctrl+-",),
        "text-reset": ("Ctrl+0",),
        "full-screen": ("F11",),
        "import": ("Ctrl+O",),
        "import-with-layout": (),  # no key: File → Import news dumps with a layout…
        "import-log": ("Ctrl+Shift+L",),
        "cancel-import": ("Ctrl+Shift+X",),
        # Export, print, copies, Help → Library… (reader/ui/export_actions.py).
        "export": ("Ctrl+E",),
        "print": ("Ctrl+P",),
        "export-pdf": (),
        "copy-markdown": ("Ctrl+Shift+C",),
        "copy-text": (),
        "library-info": (),
        # Sections (reader/ui/section_actions.py). Ctrl+Shift+O is the search order toggle.
        "move-to-section": ("V",),
        "new-section": ("Ctrl+Shift+N",),
        "rename-section": ("F2",),
        "move-section-up": ("Ctrl+Shift+Up",),
        "move-section-down": ("Ctrl+Shift+Down",),
        "delete-section": ("Ctrl+Shift+Del",),
        "resort-all": ("Ctrl+Shift+R",),
        "import-into-section": ("Ctrl+Shift+I",),
        # The Trash and sources (reader/ui/trash_actions.py, sources_actions.py).
        "delete-articles": ("Del",),
        "delete-forever": ("Shift+Del",),
        "empty-trash": (),  # no key: Article → Empty the Trash…, the Trash's menu in the sidebar
        "remove-source": (),  # no key: File menu, a source's menu in the sidebar
        "reimport-source": (),
        "clear-failed-sources": (),
        "retention": (),  # no key: Edit → Old articles…
        # Hand fixes of the parse (reader/ui/hand_fixes.py).
        "split-here": ("Ctrl+Alt+S",),
        "join-previous": ("Ctrl+Alt+J",),
        "edit-headline": ("Ctrl+Alt+E",),
        "reparse-source": (),  # no key: the sidebar's menu on a source, Article → Re-parse…
        # Search (reader/ui/search_wiring.py).
        "search": ("/", "Ctrl+F"),
        "toggle-search-scope": ("Ctrl+Shift+F",),
        "toggle-search-order": ("Ctrl+Shift+O",),
        "next-match": ("F3", "Ctrl+G"),
        "previous-match": ("Shift+F3", "Ctrl+Shift+G"),
        "save-search": ("Ctrl+S",),
        "open-library": (),  # no key: File → Open another library…
        "preferences": ("Ctrl+,",),
        "help": ("?", "F1"),
        "show-log": (),  # no key: Help → Show the log file
        "about": ("Shift+F1",),
        "quit": ("Ctrl+Q",),
    },
    # While search results are shown in the list's place, the list keys act on them.
    "search": {
        "next-result": ("J",),
        "previous-result": ("K",),
        "next-unread-result": ("N",),
        "previous-unread-result": ("P",),
        "page-down-results": ("Space",),
        "mark-results-read": ("Shift+A",),
        "leave-search": ("Esc",),
        "delete-results": ("Del",),
        "delete-all-results": ("Ctrl+Del",),
    },
    # The Trash open in the list: Delete deletes for good (asking first), R restores.
    "trash": {
        "delete-from-trash": ("Del",),
        "restore-articles": ("R",),
    },
    # F2 and Ctrl+Shift+Del act on what the sidebar has selected: sections, or a saved search.
    "saved-search": {
        "rename-saved-search": ("F2",),
        "delete-saved-search": ("Ctrl+Shift+Del",),
    },
    "focus": {
        "leave-focus-mode": ("Esc",),
    },
    # The search field: typing is the query, these keys leave it (the window's keys wait).
    "search-field": {
        "search-field-leave": ("Esc",),
        "search-field-results": ("Enter", "Return", "Down"),
    },
    # The section picker (V, Ctrl+Shift+I): typing filters, these keys choose and pick.
    "picker": {
        "picker-previous": ("Up",),
        "picker-next": ("Down",),
        "picker-page-up": ("PgUp",),
        "picker-page-down": ("PgDown",),
        "picker-pick": ("Enter", "Return"),
        "picker-cancel": ("Esc",),
    },
}
#: Every command's default keys, whatever its mode.
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    name: keys for bindings in MODE_KEYS.values() for name, keys in bindings.items()
}
#: The mode each command is bound in.
MODE_OF: dict[str, str] = {name: mode for mode, bindings in MODE_KEYS.items() for name in bindings}


class CommandError(Exception):
    """A command that could not do its job; the message is fit for the status bar.

    The convention for every command: raise this (or let the library's own ``sqlite3.Error``
    or ``LibraryError`` through) and the window says so in the status bar and logs it
    (``MainWindow.run_command``); nothing a key does ends in a traceback.
    """


def failure_message(command: Command, error: BaseException) -> str:
    """The status bar's line for a command that failed."""
    if isinstance(error, CommandError):
        return str(error)
    what = command.description.rstrip("…").rstrip(".")
    return f"{what}: failed ({error})"


class Command(NamedTuple):
    """A registered command.

    A named tuple, not a frozen dataclass: making that class ran its generated methods
    through the compiler at every start (about 3M instructions of it).
    """

    name: str
    description: str
    group: str
    run: Callable[[], object]


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def add(self, name: str, description: str, group: str, run: Callable[[], object]) -> None:
        if name in self._commands:
            raise ValueError(f"command {name!r} registered twice")
        if group not in GROUPS:
            raise ValueError(f"unknown group {group!r}")
        self._commands[name] = Command(name, description, group, run)

    def __getitem__(self, name: str) -> Command:
        return self._commands[name]

    def __contains__(self, name: str) -> bool:
        return name in self._commands

    def __iter__(self):
        return iter(self._commands.values())

    def run(self, name: str) -> object:
        return self._commands[name].run()

    def grouped(self) -> list[tuple[str, list[Command]]]:
        return [
            (g, [c for c in self if c.group == g])
            for g in GROUPS
            if any(c.group == g for c in self)
        ]


@cache
def normalize(sequence: str) -> str:
    """One spelling per key: what QKeySequence prints in portable text.

    Cached: the keymap, the menus and the hints ask for the same few keys again and again
    while the window is built (parsing each costs as much as a widget).
    """
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.PortableText)


_STRIP_SHIFT = Qt.KeyboardModifier.ShiftModifier


def event_sequence(event: QKeyEvent) -> str | None:
    """The portable-text key sequence of a key press ("J", "Shift+A", "?", "Ctrl+Z")."""
    key = event.key()
    if key in (
        Qt.Key.Key_unknown,
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
    ):
        return None
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    text = event.text()
    # A symbol typed with Shift ("?" on most layouts) is bound as the symbol itself.
    if (
        mods & _STRIP_SHIFT
        and text
        and text.isprintable()
        and not text.isalnum()
        and not text.isspace()
    ):
        mods &= ~_STRIP_SHIFT
    if key == Qt.Key.Key_Backtab:
        key = Qt.Key.Key_Tab
        mods |= _STRIP_SHIFT
    combo = QKeyCombination(mods, Qt.Key(key))
    return QKeySequence(combo).toString(QKeySequence.SequenceFormat.PortableText)


class Keymap:
    """Key sequence -> command name, mode by mode: the defaults with the user's overrides on top."""

    def __init__(self, overrides: dict[str, Iterable[str]] | None = None) -> None:
        self.overrides: dict[str, tuple[str, ...]] = {}
        for name, keys in (overrides or {}).items():
            if name in DEFAULT_KEYS and not isinstance(keys, str):
                self.overrides[name] = tuple(normalize(k) for k in keys if isinstance(k, str))
        self._rebuild()

    def _rebuild(self) -> None:
        self._by_key: dict[str, dict[str, str]] = {mode: {} for mode in MODES}
        for name, mode in MODE_OF.items():
            for key in self.keys(name):
                self._by_key[mode].setdefault(key, name)

    def keys(self, name: str) -> tuple[str, ...]:
        if name in self.overrides:
            return self.overrides[name]
        return tuple(normalize(k) for k in DEFAULT_KEYS.get(name, ()))

    def bind(self, name: str, keys: Iterable[str]) -> None:
        """Override a command's keys; other commands of its mode lose those keys."""
        keys = tuple(normalize(k) for k in keys)
        mode = MODE_OF.get(name, "normal")
        for other, other_mode in MODE_OF.items():
            if other != name and other_mode == mode and set(self.keys(other)) & set(keys):
                self.overrides[other] = tuple(k for k in self.keys(other) if k not in keys)
        self.overrides[name] = keys
        self._rebuild()

    def command_for(self, sequence: str | None, modes: Iterable[str] = ("normal",)) -> str | None:
        """The command a key runs when ``modes`` are active (innermost first; normal is last)."""
        if not sequence:
            return None
        for mode in (*modes, "normal"):
            name = self._by_key.get(mode, {}).get(sequence)
            if name is not None:
                return name
        return None

    def command_in(self, sequence: str | None, mode: str) -> str | None:
        """The command a key runs in ``mode`` alone (a widget that owns its keys, the picker)."""
        return self._by_key.get(mode, {}).get(sequence) if sequence else None

    def resolve(self, name: str, modes: Iterable[str]) -> str:
        """What a menu entry for ``name`` runs now: the command its key reaches in ``modes``.

        Go → Next article while search results are shown moves through the results, as J does.
        """
        keys = self.keys(name)
        found = self.command_for(keys[0], modes) if keys else None
        return found if found is not None else name

    def display(self, name: str) -> str:
        """Keys as shown to people ("J, Down")."""
        shown = []
        for key in self.keys(name):
            if key == "Backtab":
                continue
            native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            shown.append(native)
        return ", ".join(shown)

    def first(self, name: str) -> str:
        """The first key of a command as people read it ("Ctrl+Z"); "" when it has none."""
        return self.display(name).split(", ")[0]

    def hint(self, *entries: tuple[str, str | tuple[str, ...]]) -> str:
        """A hint line ("Up/Down choose · Enter pick"): each (label, command or commands)."""
        parts = []
        for label, names in entries:
            keys = "/".join(k for k in (self.first(n) for n in _names(names)) if k)
            if keys:
                parts.append(f"{keys} {label}")
        return " · ".join(parts)

    def conflicts(self, name: str, key: str) -> list[str]:
        """The other commands of ``name``'s mode that ``key`` runs now (rebinding takes it)."""
        mode = MODE_OF.get(name, "normal")
        key = normalize(key)
        return [
            other
            for other, other_mode in MODE_OF.items()
            if other != name and other_mode == mode and key in self.keys(other)
        ]

    def reset(self, name: str | None = None) -> None:
        """A command's default keys back (taken from whoever has them now); None: every one's."""
        if name is None:
            self.overrides.clear()
            self._rebuild()
            return
        self.bind(name, DEFAULT_KEYS.get(name, ()))
        del self.overrides[name]
        self._rebuild()

    def to_json(self) -> dict[str, list[str]]:
        return {name: list(keys) for name, keys in self.overrides.items()}


def _names(names: str | tuple[str, ...]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else names
