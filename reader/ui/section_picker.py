"""The section picker: a small card over the window that filters the sections as you type.

Used to move articles and to choose where an import goes. Typing narrows the list (names
that start with the text first, then names that contain it); the keys of the "picker" key mode
(``commands.MODE_KEYS``: Up/Down choose, Enter picks, Esc cancels) act on the list, and a click
elsewhere cancels. A name that matches no section is offered as "Create section “X”".
It is a child of the window rather than a popup window, so it never fights the window manager
for focus and every key stays with it while it is open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.views import Section

from .commands import Keymap, event_sequence

SectionIdRole = Qt.ItemDataRole.UserRole + 1
NameRole = Qt.ItemDataRole.UserRole + 2
MAX_VISIBLE_ROWS = 10
WIDTH = 380

CREATE_PREFIX = "Create section"
PICKER_STYLE = """
#sectionPickerList { border: none; }
#sectionPickerList::item { padding: 4px 6px; }
"""


def filter_sections(sections: Sequence[Section], text: str) -> list[Section]:
    """Sections matching ``text`` (ignoring case): prefix matches, then word starts, then any."""
    needle = " ".join(text.split()).casefold()
    if not needle:
        return list(sections)
    prefix, word, inner = [], [], []
    for s in sections:
        name = s.name.casefold()
        if name.startswith(needle):
            prefix.append(s)
        elif any(w.startswith(needle) for w in name.split()):
            word.append(s)
        elif needle in name:
            inner.append(s)
    return prefix + word + inner


class SectionPicker(QFrame):
    """Emits ``chosen(section_id, name)``; ``section_id`` is None for a section to create."""

    chosen = Signal(object, str)
    cancelled = Signal()

    def __init__(self, parent: QWidget, keymap: Keymap | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap if keymap is not None else Keymap()
        self.setObjectName("sectionPicker")
        self.setAccessibleName("Section picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(PICKER_STYLE)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(24)
        shadow.setOffset(0, 4)
        shadow.setColor(QColor(0, 0, 0, 90))
        self.setGraphicsEffect(shadow)
        self.title = QLabel(self)
        self.title.setObjectName("sectionPickerTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("sectionPickerFilter")
        self.edit.setAccessibleName("Section name")
        self.edit.setPlaceholderText("Type to filter, or a new name")
        self.edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("sectionPickerList")
        self.list.setAccessibleName("Sections")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hint = QLabel(self)
        self.hint.setObjectName("sectionPickerHint")
        # Secondary text in the theme's muted colour (4.5:1 or more on the card in every
        # theme), not greyed out as disabled: a disabled label drew the hint too faint to read.
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)

        self._sections: list[Section] = []
        self._current_id: int | None = None
        self._allow_create = True
        self._return_focus: QWidget | None = None
        self.edit.textChanged.connect(self._refill)
        self.edit.installEventFilter(self)
        self.list.itemClicked.connect(self._pick_item)
        cast(QApplication, QApplication.instance()).focusChanged.connect(self._on_focus_changed)
        self.hide()

    # --- opening and closing --------------------------------------------------------------------

    def open(
        self,
        sections: Sequence[Section],
        title: str,
        current_id: int | None = None,
        allow_create: bool = True,
    ) -> None:
        """Show the picker; ``current_id`` is listed but cannot be picked (already there)."""
        self._sections = list(sections)
        self._current_id = current_id
        self._allow_create = allow_create
        self.title.setText(title)
        self.hint.setText(self.key_hint())  # the keys may have been rebound since
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._refill("")
        self._place()
        focus = QApplication.focusWidget()
        self._return_focus = focus if focus is not None and not self.isAncestorOf(focus) else None
        self.show()
        self.raise_()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_picker(self, emit: bool = True) -> None:
        if not self.isVisible():
            return
        self._hide()
        if emit:
            self.cancelled.emit()

    def _hide(self) -> None:
        """Hide, giving the keyboard back to whoever had it (unless focus went elsewhere)."""
        had_focus = self.isAncestorOf(QApplication.focusWidget() or self)
        self.hide()
        back = self._return_focus
        self._return_focus = None
        if had_focus and back is not None:
            back.setFocus(Qt.FocusReason.PopupFocusReason)

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        # Tall enough for every section (up to a limit) whatever the filter: no jumping.
        rows = max(1, min(MAX_VISIBLE_ROWS, len(self._sections)))
        row_height = max(self.list.sizeHintForRow(0), self.fontMetrics().height() + 4)
        list_height = rows * row_height + 2 * self.list.frameWidth() + 2
        self.list.setFixedHeight(list_height)
        width = min(WIDTH, max(200, parent.width() - 40))
        self.setFixedWidth(width)
        self.adjustSize()
        top = 60
        central = getattr(parent, "centralWidget", None)
        if callable(central) and central() is not None:
            top = central().geometry().top() + 40
        self.move((parent.width() - width) // 2, top)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # A click elsewhere (or Tab away) cancels, like any popup.
        if self.isVisible() and new is not None and new is not self and not self.isAncestorOf(new):
            self.close_picker()

    # --- the list --------------------------------------------------------------------------------

    def _refill(self, text: str) -> None:
        self.list.clear()
        first_pickable = None
        for s in filter_sections(self._sections, text):
            if s.id == self._current_id:
                item = QListWidgetItem(f"{s.name}  (current)")
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip("The articles are in this section already")
            else:
                item = QListWidgetItem(s.name)
                if first_pickable is None:
                    first_pickable = item
            item.setData(SectionIdRole, s.id)
            item.setData(NameRole, s.name)
            self.list.addItem(item)
        name = " ".join(text.split())
        exact = any(s.name.casefold() == name.casefold() for s in self._sections)
        if self._allow_create and name and not exact:
            item = QListWidgetItem(f"{CREATE_PREFIX} “{name}”")
            item.setData(SectionIdRole, None)
            item.setData(NameRole, name)
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
            self.list.addItem(item)
            if first_pickable is None:
                first_pickable = item
        if first_pickable is not None:
            self.list.setCurrentItem(first_pickable)
        if not self.list.count():
            empty = QListWidgetItem("No section matches")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    def visible_names(self) -> list[str]:
        """What the list shows, top to bottom (for tests and accessibility checks)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _step(self, step: int) -> None:
        count = self.list.count()
        row = self.list.currentRow()
        for _ in range(count):
            row = (row + step) % count if row >= 0 else (0 if step > 0 else count - 1)
            item = self.list.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(row)
                return

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        self._hide()
        self.chosen.emit(item.data(SectionIdRole), item.data(NameRole))

    # --- keys ------------------------------------------------------------------------------------

    def commands(self) -> dict[str, tuple[str, Callable[[], None]]]:
        """The picker mode's commands (name -> description, action), for the window's registry."""
        page = MAX_VISIBLE_ROWS
        return {
            name: (description, self._when_open(run))
            for name, (description, run) in {
                "picker-previous": ("Choose the section above", lambda: self._step(-1)),
                "picker-next": ("Choose the section below", lambda: self._step(1)),
                "picker-page-up": ("Choose a page of sections up", lambda: self._step(-page)),
                "picker-page-down": ("Choose a page of sections down", lambda: self._step(page)),
                "picker-pick": (
                    "Pick the chosen section",
                    lambda: self._pick_item(self.list.currentItem()),
                ),
                "picker-cancel": ("Close the picker", self.close_picker),
            }.items()
        }

    def _when_open(self, run: Callable[[], object]) -> Callable[[], None]:
        """A picker command does nothing while the picker is shut (a menu could reach it)."""

        def guarded() -> None:
            if self.isVisible():
                run()

        return guarded

    def key_hint(self) -> str:
        """The line under the list, from the keymap (a rebound key shows as bound)."""
        return self.keymap.hint(
            ("choose", ("picker-previous", "picker-next")),
            ("pick", "picker-pick"),
            ("cancel", "picker-cancel"),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            name = self.keymap.command_in(event_sequence(event), "picker")
            if name is not None:
                self.commands()[name][1]()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the field does not use stop here: the window's commands wait until it closes.
        if self.keymap.command_in(event_sequence(event), "picker") == "picker-cancel":
            self.close_picker()
        event.accept()
