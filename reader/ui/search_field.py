"""The search field above the article list: the part of search the window shows from its start.

Kept apart from :mod:`reader.ui.search_engine` (the worker, the results, the highlights) so that
the window paints without importing the search engine; the rest comes just after the first
paint. See :class:`SearchBar`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from reader.core.query_help import HELP, PLACEHOLDER

from .commands import Keymap, event_sequence

if TYPE_CHECKING:
    from reader.core.search import Order, Page

DEBOUNCE_MS = 180
#: The search commands, in the order the Search menu lists them.
SEARCH_MENU = (
    "search",
    "toggle-search-scope",
    "toggle-search-order",
    "next-match",
    "previous-match",
    "save-search",
    "rename-saved-search",
    "delete-saved-search",
)


# --- the field --------------------------------------------------------------------------------


class SearchField(QLineEdit):
    """A line edit whose "search-field" mode keys (Esc; Enter, Down) belong to the search."""

    escaped = Signal()
    accepted = Signal()

    def __init__(self, parent: QWidget | None = None, keymap: Keymap | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap if keymap is not None else Keymap()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        name = self.keymap.command_in(event_sequence(event), "search-field")
        if name == "search-field-leave":
            self.escaped.emit()
            event.accept()
            return
        if name == "search-field-results":
            self.accepted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchBar(QWidget):
    """The search field with its toggles and status line."""

    query_changed = Signal(str)  # debounced text; "" when the field was emptied
    cleared = Signal()  # Esc: leave the search, back to the view
    activated = Signal()  # Enter / Down: go to the first result
    scope_changed = Signal(bool)  # True: the whole library
    order_changed = Signal(str)  # "rank" or "date"

    def __init__(
        self,
        parent: QWidget | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        key_hint: Callable[[str], str] | None = None,
        keymap: Keymap | None = None,
    ) -> None:
        super().__init__(parent)
        #: The key of a command as people read it, for the buttons' tooltips (the window's
        #: keymap; the default bindings when the bar stands alone).
        self.key_hint = key_hint or default_key_hint
        self.setObjectName("searchBar")
        self.whole_library = False
        self.order: Order = "rank"

        self.field = SearchField(self, keymap)
        self.field.setObjectName("searchField")
        self.field.setAccessibleName("Search")
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setToolTip(HELP)
        # The clear button shows only over text, and making it costs 3 ms of a start (the
        # style's icon): it is made with the first text instead.

        self.scope_button = QToolButton(self)
        self.scope_button.setObjectName("searchScope")
        self.scope_button.setCheckable(True)
        self.scope_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scope_button.toggled.connect(self._on_scope)
        self.order_button = QToolButton(self)
        self.order_button.setObjectName("searchOrder")
        self.order_button.setCheckable(True)
        self.order_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.order_button.toggled.connect(self._on_order)

        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        muted = self.status.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self.status.setPalette(muted)
        self.status.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.field, 1)
        row.addWidget(self.scope_button)
        row.addWidget(self.order_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._emit_query)
        self.field.textEdited.connect(self._on_edited)
        self.field.textChanged.connect(self._on_text_changed)
        self.field.escaped.connect(self.clear)
        self.field.accepted.connect(self._on_accepted)
        self._last_emitted = ""
        self.update_buttons()

    # -- what the window calls (its commands) -------------------------------------------------

    def focus(self) -> None:
        """``/`` and Ctrl+F: focus the field, its text selected so typing replaces it."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def text(self) -> str:
        return self.field.text()

    def set_text(self, text: str) -> None:
        """Put a query in the field (a saved search) and run it now."""
        self.field.setText(text)
        self._timer.stop()
        self._emit_query()

    def clear(self) -> None:
        self._timer.stop()
        self.field.clear()
        self._last_emitted = ""
        self.set_status("")
        self.cleared.emit()

    def toggle_scope(self) -> None:
        self.scope_button.toggle()

    def toggle_order(self) -> None:
        self.order_button.toggle()

    def set_status(self, text: str) -> None:
        if text and text != self.status.text():
            from .accessibility import announce  # not before the first paint

            announce(self.status, text)  # "12 results": said, as the reader types on
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_page(self, page: Page, shown: int | None = None) -> None:
        self.set_status(status_text(page, shown))

    # -- internals ----------------------------------------------------------------------------

    def _on_edited(self, _text: str) -> None:
        self._timer.start()

    def _on_text_changed(self, text: str) -> None:
        if text and not self.field.isClearButtonEnabled():
            self.field.setClearButtonEnabled(True)
        # The clear button (and setText) change the text without textEdited.
        if not text and self._last_emitted:
            self._timer.stop()
            self._emit_query()

    def _emit_query(self) -> None:
        text = self.field.text()
        if text == self._last_emitted:
            return
        self._last_emitted = text
        self.query_changed.emit(text)

    def _on_accepted(self) -> None:
        if self._timer.isActive():  # Enter before the pause: search now
            self._timer.stop()
            self._emit_query()
        self.activated.emit()

    def _on_scope(self, checked: bool) -> None:
        self.whole_library = checked
        self.update_buttons()
        self.scope_changed.emit(checked)

    def _on_order(self, checked: bool) -> None:
        self.order = "date" if checked else "rank"
        self.update_buttons()
        self.order_changed.emit(self.order)

    def update_buttons(self) -> None:
        """The toggles' labels and tooltips, after the scope or the order changed."""
        scope_key = self.key_hint("toggle-search-scope")
        order_key = self.key_hint("toggle-search-order")
        self.scope_button.setText("All articles" if self.whole_library else "This view")
        self.scope_button.setToolTip(
            f"Searching the whole library ({scope_key}: only this view)"
            if self.whole_library
            else f"Searching this view ({scope_key}: the whole library)"
        )
        self.order_button.setText("Newest" if self.order == "date" else "Relevance")
        self.order_button.setToolTip(
            f"Newest first ({order_key}: by relevance)"
            if self.order == "date"
            else f"Best matches first ({order_key}: newest first)"
        )


def default_key_hint(name: str) -> str:
    """The first default key of a command, as people read it."""
    return Keymap().display(name).split(", ")[0]


def status_text(page: Page, shown: int | None = None) -> str:
    """The status line for a page of results."""
    shown = len(page.hits) + page.offset if shown is None else shown
    if page.total is not None and page.ranked_among is None:
        n = page.total
        count = f"{n:,} result{'s' if n != 1 else ''}" if n else "No articles match"
    elif not shown:
        count = "No articles match"
    else:
        count = f"{shown:,}{'+' if page.more else ''} result{'s' if shown != 1 else ''}"
    parts = [count, *page.notes]
    return " · ".join(p for p in parts if p)
