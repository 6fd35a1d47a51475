"""The "?" overlay: every command and its keys, grouped, generated from the registry.

It is a real dialog (modal to the window) over a dimmed window, and its text sits in a
read-only text view: a screen reader announces a dialog named "Keyboard shortcuts" and reads
its text line by line, where a label would hand it over as one 2,000-character name. Closing it
gives focus back to the pane that had it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QColor, QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QFrame, QTextBrowser, QVBoxLayout, QWidget

from reader.core.query_help import HELP as QUERY_HELP

from .accessibility import give_role
from .commands import MODE_NAMES, MODE_OF, MODES, Command, CommandRegistry, Keymap, event_sequence

#: Width of the key column (in the text's average characters): every group's keys line up.
KEY_COLUMN_EM = 9


def written_key(sequence: str) -> str:
    """A key as people write it: "j" for the J key, "Shift+J" for J with Shift, "Ctrl+Z".

    A letter alone is the lower-case letter it types; "J" beside "Shift+J" would read as the
    same key. Everything else is Qt's native spelling ("Esc", "Space", "F1", "Ctrl+,").
    """
    native = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)
    if len(native) == 1 and native.isalpha():
        return native.lower()
    return native


def written_keys(keymap: Keymap, name: str) -> str:
    """A command's keys as people write them ("j", "Tab, l"); "" when it has none."""
    return ", ".join(written_key(k) for k in keymap.keys(name) if k != "Backtab")


def _group(title: str, commands: list[Command], keymap: Keymap) -> str:
    """A group's heading row, then one row a command: key column, then what it does."""
    e = html.escape
    rows = "".join(
        "<tr>"
        f'<td width="{KEY_COLUMN_EM * 8}" style="padding:2px 12px 2px 0; white-space:nowrap">'
        f"<b>{e(written_keys(keymap, c.name)) or '—'}</b></td>"
        f'<td style="padding:2px 0">{e(c.description)}</td>'
        "</tr>"
        for c in commands
    )
    return f'<tr><td colspan="2"><h3 style="margin:12px 0 4px 0">{e(title)}</h3></td></tr>{rows}'


def help_groups(registry: CommandRegistry, keymap: Keymap) -> list[str]:
    """Normal mode's commands by group, then each mode's own keys, as table rows."""
    groups = []
    for group, commands in registry.grouped():
        normal = [c for c in commands if MODE_OF.get(c.name, "normal") == "normal"]
        if normal:
            groups.append(_group(group, normal, keymap))
    for mode in MODES:
        own = [c for c in registry if MODE_OF.get(c.name) == mode and mode != "normal"]
        if own:
            groups.append(_group(MODE_NAMES[mode].capitalize(), own, keymap))
    return groups


def help_html(registry: CommandRegistry, keymap: Keymap) -> str:
    """Every command with its keys, in two columns whose key columns line up."""
    e = html.escape
    groups = help_groups(registry, keymap)
    half = (len(groups) + 1) // 2
    left, right = "".join(groups[:half]), "".join(groups[half:])
    table = '<table cellspacing="0" cellpadding="0" width="100%">'
    return (
        '<h2 style="margin:0">Keyboard shortcuts</h2>'
        f'<p style="margin-top:6px"><b>Search</b> ({e(written_keys(keymap, "search"))}): '
        f"{e(QUERY_HELP)}</p>"
        '<table width="100%" cellspacing="0"><tr>'
        f'<td width="50%" valign="top" style="padding-right:28px">{table}{left}</table></td>'
        f'<td width="50%" valign="top">{table}{right}</table></td>'
        "</tr></table>"
        f'<p style="margin-top:16px">{e(close_hint(keymap))}</p>'
    )


def close_hint(keymap: Keymap) -> str:
    """The line that says how to close the overlay, from the keys bound now."""
    keys = [k for k in (written_key(keymap.first("leave")), written_key(keymap.first("help"))) if k]
    return f"Press {' or '.join(keys)} to close." if keys else "Close the window to go back."


class _Dimmer(QWidget):
    """Darkens the window under the dialog; not a control (no focus, hidden from readers)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpDimmer")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 120))


class HelpOverlay(QDialog):
    """The keys, on a card over the dimmed window; the keys of "leave" and "help", Esc or q close
    it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        # First: said as modal (Qt's own interface leaves that out), before anything asks.
        give_role(self, QAccessible.Role.Dialog)
        self.setObjectName("helpOverlay")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.dimmer = _Dimmer(parent)
        self.card = QFrame(self)
        self.card.setObjectName("helpCard")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QTextBrowser(self.card)
        self.text.setObjectName("helpText")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setOpenLinks(False)
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Arrow keys and Page Up/Down scroll; a screen reader's caret moves line by line.
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(24, 18, 24, 18)
        card_layout.addWidget(self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card)
        self._return_focus: QWidget | None = None
        self._keymap = Keymap()
        self._html = ""
        parent.installEventFilter(self)
        self.text.installEventFilter(self)

    def html(self) -> str:
        """What the overlay shows now (its rich text, as generated)."""
        return self._html

    def open_help(self, registry: CommandRegistry, keymap: Keymap) -> None:
        """Show the keys bound now; focus goes to the text, and back to the pane on close."""
        self._keymap = keymap
        self._html = help_html(registry, keymap)
        self.text.setHtml(self._html)
        self.setAccessibleDescription(close_hint(keymap))
        window = self.parentWidget()
        self._return_focus = window.focusWidget() if window is not None else None
        self._fit()
        self.dimmer.show()
        self.dimmer.raise_()
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_overlay(self) -> None:
        self.done(QDialog.DialogCode.Rejected)

    def done(self, result: int) -> None:
        self.dimmer.hide()
        super().done(result)
        window = self.parentWidget()
        if window is not None:
            window.activateWindow()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.PopupFocusReason)

    def _fit(self) -> None:
        """The card centred over the window: up to 900 px wide, as tall as the text needs."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.dimmer.setGeometry(parent.rect())
        w = max(200, min(900, parent.width() - 40))
        self.text.document().setTextWidth(w - 52)
        text_height = int(self.text.document().size().height())
        h = max(120, min(text_height + 44, parent.height() - 40))
        origin = parent.mapToGlobal(parent.rect().topLeft())
        self.setGeometry(
            origin.x() + (parent.width() - w) // 2, origin.y() + (parent.height() - h) // 2, w, h
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Move)
            and self.isVisible()
        ):
            self._fit()
        key_press = watched is self.text and event.type() == QEvent.Type.KeyPress
        if key_press and isinstance(event, QKeyEvent) and self._closes(event):
            self.close_overlay()
            return True
        return False

    def _closes(self, event: QKeyEvent) -> bool:
        name = self._keymap.command_for(event_sequence(event))
        return name in ("help", "leave") or event.key() in (Qt.Key.Key_Q, Qt.Key.Key_Escape)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._closes(event):
            self.close_overlay()
            return
        super().keyPressEvent(event)
