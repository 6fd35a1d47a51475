"""Preferences → Keys: every command with its keys; rebind one by pressing the new key.

A key another command of the same mode uses is shown as a conflict and taken only when pressed
a second time. Rebinding and resetting change the window's keymap (overrides on top of the
defaults, kept in settings as before), so the new key works at once and shows in the menus and
the "?" overlay.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from . import settings as S
from .commands import event_sequence

NameRole = Qt.ItemDataRole.UserRole


class KeyCapture(QLabel):
    """Takes the next key pressed (Tab too) while capturing; Esc cancels."""

    pressed = Signal(str)
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("keyCapture")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWordWrap(True)
        self.capturing = False

    def event(self, event: QEvent) -> bool:
        if self.capturing and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and not event.modifiers():
                self.cancelled.emit()
                return True
            sequence = event_sequence(event)
            if sequence:
                self.pressed.emit(sequence)
            return True
        return super().event(event)


class KeysPage(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.tree = QTreeWidget()
        self.tree.setObjectName("keyTable")
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.start_capture())
        self.capture = KeyCapture()
        self.capture.pressed.connect(self._key_pressed)
        self.capture.cancelled.connect(self._cancel)
        self.change_button = QPushButton("&Change key…")
        self.change_button.clicked.connect(self.start_capture)
        self.reset_button = QPushButton("&Reset")
        self.reset_button.clicked.connect(self.reset_selected)
        self.reset_all_button = QPushButton("Reset &all")
        self.reset_all_button.clicked.connect(self.reset_all)
        buttons = QHBoxLayout()
        for b in (self.change_button, self.reset_button, self.reset_all_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.capture)
        layout.addLayout(buttons)
        self._confirming: str | None = None  # a conflicting key pressed once
        self._fill()
        self._show_idle()

    def _fill(self) -> None:
        w = self.window_
        selected = self.selected_name()
        self.tree.clear()
        for group, commands in w.registry.grouped():
            header = QTreeWidgetItem(self.tree, [group])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            for c in commands:
                item = QTreeWidgetItem(self.tree, [c.description, w.keymap.display(c.name) or "—"])
                item.setData(0, NameRole, c.name)
                if c.name in w.keymap.overrides:
                    item.setToolTip(1, "Changed from the default")
                if c.name == selected:
                    self.tree.setCurrentItem(item)
        self.tree.resizeColumnToContents(0)

    def item_for(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, NameRole) == name:
                return item
        return None

    def select(self, name: str) -> None:
        item = self.item_for(name)
        if item is not None:
            self.tree.setCurrentItem(item)

    def selected_name(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, NameRole) if item is not None else None

    # -- rebinding

    def start_capture(self) -> None:
        name = self.selected_name()
        if name is None:
            self.capture.setText("Choose a command first.")
            return
        self._confirming = None
        self.capture.capturing = True
        description = self.window_.registry[name].description
        self.capture.setText(f"Press the new key for “{description}” (Esc cancels).")
        self.capture.setFocus(Qt.FocusReason.OtherFocusReason)

    def _key_pressed(self, sequence: str) -> None:
        w = self.window_
        name = self.selected_name()
        if name is None:
            return
        others = w.keymap.conflicts(name, sequence)
        if others and self._confirming != sequence:
            self._confirming = sequence
            taken = ", ".join(f"“{w.registry[o].description}”" for o in others if o in w.registry)
            self.capture.setText(
                f"{sequence} is the key of {taken or 'another command'}. Press {sequence} again"
                f" to give it to “{w.registry[name].description}”, another key, or Esc."
            )
            return
        w.keymap.bind(name, (sequence,))
        self._changed(f"“{w.registry[name].description}” is now {w.keymap.display(name)}.")

    def _cancel(self) -> None:
        self._show_idle()
        self.tree.setFocus()

    def reset_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.window_.keymap.reset(name)
            self._changed(f"“{self.window_.registry[name].description}”: default keys back.")

    def reset_all(self) -> None:
        self.window_.keymap.reset()
        self._changed("Every command has its default keys back.")

    def _changed(self, message: str) -> None:
        w = self.window_
        w.settings.set(S.KEYMAP, w.keymap.to_json())
        w.menus.refresh_keys()
        self._fill()
        self._show_idle(message)
        self.tree.setFocus()

    def _show_idle(self, message: str = "") -> None:
        self.capture.capturing = False
        self._confirming = None
        hint = "Double-click a command (or Change key…) and press its new key."
        self.capture.setText(f"{message}  {hint}" if message else hint)
