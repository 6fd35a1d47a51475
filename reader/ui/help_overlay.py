"""The "?" overlay: every command and its keys, grouped, generated from the registry."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from reader.core.query_help import HELP as QUERY_HELP

from .commands import MODE_NAMES, MODE_OF, MODES, Command, CommandRegistry, Keymap, event_sequence


def _table(title: str, commands: list[Command], keymap: Keymap) -> str:
    e = html.escape
    rows = "".join(
        "<tr>"
        f'<td style="padding:3px 14px 3px 0; white-space:nowrap">'
        f"<b>{e(keymap.display(c.name)) or '—'}</b></td>"
        f'<td style="padding:3px 0">{e(c.description)}</td>'
        "</tr>"
        for c in commands
    )
    return f'<h3 style="margin:14px 0 4px 0">{e(title)}</h3><table cellspacing="0">{rows}</table>'


def help_html(registry: CommandRegistry, keymap: Keymap) -> str:
    """Every command with its keys: normal mode's by group, then each mode's own keys."""
    e = html.escape
    columns = []
    for group, commands in registry.grouped():
        normal = [c for c in commands if MODE_OF.get(c.name, "normal") == "normal"]
        if normal:
            columns.append(_table(group, normal, keymap))
    for mode in MODES:
        own = [c for c in registry if MODE_OF.get(c.name) == mode and mode != "normal"]
        if own:
            columns.append(_table(MODE_NAMES[mode].capitalize(), own, keymap))
    half = (len(columns) + 1) // 2
    left, right = "".join(columns[:half]), "".join(columns[half:])
    return (
        '<h2 style="margin:0">Keyboard shortcuts</h2>'
        f'<p style="margin-top:6px"><b>Search</b> ({e(keymap.display("search"))}): '
        f"{e(QUERY_HELP)}</p>"
        '<table width="100%"><tr>'
        f'<td valign="top" style="padding-right:36px">{left}</td><td valign="top">{right}</td>'
        "</tr></table>"
        f'<p style="margin-top:16px">Press {e(keymap.first("leave"))} or {e(keymap.first("help"))}'
        " to close.</p>"
    )


class HelpOverlay(QWidget):
    """Dims the window and shows the bindings on a card; the keys of "leave" and "help", or q,
    close it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAccessibleName("Keyboard shortcuts")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("helpCard")
        self.card.setAutoFillBackground(True)
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self.card)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll = QScrollArea(self.card)
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.addWidget(scroll)
        self._return_focus: QWidget | None = None
        self._keymap = Keymap()
        parent.installEventFilter(self)
        self.hide()

    def open(self, registry: CommandRegistry, keymap: Keymap) -> None:
        self._keymap = keymap
        self.label.setText(help_html(registry, keymap))
        self._return_focus = self.window().focusWidget()
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_overlay(self) -> None:
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.PopupFocusReason)

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        w = min(900, self.width() - 40)
        # The card fits the text at the card's width (word wrap), up to the window's height.
        text_height = self.label.heightForWidth(w - 56)
        h = min(max(text_height, 100) + 48, self.height() - 40)
        self.card.setGeometry((self.width() - w) // 2, (self.height() - h) // 2, w, h)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type() == QEvent.Type.Resize
            and self.isVisible()
        ):
            self._fit()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        closing = self._keymap.command_for(event_sequence(event)) in ("help", "leave")
        if closing or event.key() == Qt.Key.Key_Q:
            self.close_overlay()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:
        if not self.card.geometry().contains(event.position().toPoint()):
            self.close_overlay()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 120))
