"""Focus mode: the article fills the window, every bar hidden; the leave key brings back
exactly what was shown before (a toolbar or sidebar the reader had hidden stays hidden).

While the status bar is hidden, a short note over the page says how to return, and what the
status bar would have said shows there instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

NOTE_MS = 3000
NOTE_STYLE = """
#focusNote {
    background-color: palette(window); color: palette(window-text);
    border: 1px solid palette(mid); border-radius: 6px; padding: 6px 12px;
}
"""


class FocusMode:
    """Hides and restores the window's bars and side panes around the reading pane."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: The widgets focus mode hid, to show again on leaving (only those that were shown).
        self._hidden: list[QWidget] = []
        self.note = QLabel(window)
        self.note.setObjectName("focusNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.note.hide()
        self._note_timer = QTimer(window)
        self._note_timer.setSingleShot(True)
        self._note_timer.timeout.connect(self.note.hide)
        # What the status bar would say ("No more unread articles") shows over the page.
        window.statusBar().messageChanged.connect(self._on_status)

    def _on_status(self, text: str) -> None:
        if self.window.focus_mode and text:
            self.show_note(text)

    def bars(self) -> list[QWidget]:
        """What focus mode hides: menu bar, toolbar, status bar, the sidebar and the list."""
        w = self.window
        return [w.menuBar(), w.menus.toolbar, w.statusBar(), w.sidebar, w.list_pane]

    def enter(self) -> None:
        w = self.window
        if w.focus_mode:
            return
        w.focus_mode = True
        self._hidden = [bar for bar in self.bars() if bar.isVisible()]
        for bar in self._hidden:
            bar.hide()
        w.reading_pane.setFocus(Qt.FocusReason.OtherFocusReason)
        note = f"Focus mode — {w.key_hint('leave-focus-mode')} to return"
        self.show_note(note)
        from .accessibility import announce  # not before the first paint

        announce(w.reading_pane, note)  # the note is drawn only: a screen reader hears it too

    def leave(self) -> None:
        w = self.window
        w.focus_mode = False
        self._note_timer.stop()
        self.note.hide()
        w.statusBar().clearMessage()
        for bar in self._hidden:
            bar.show()
        self._hidden = []
        w.shown_list().setFocus(Qt.FocusReason.OtherFocusReason)

    def show_note(self, text: str) -> None:
        """A note at the top of the page for a few seconds (the status bar is hidden)."""
        self.note.setText(text)
        self.note.adjustSize()
        self._place_note()
        self.note.show()
        QTimer.singleShot(0, self._place_note)  # the bars just hidden move the page up
        self._note_timer.start(NOTE_MS)

    def _place_note(self) -> None:
        pane = self.window.reading_pane
        top_left = pane.mapTo(self.window, pane.rect().topLeft())
        self.note.move(top_left.x() + (pane.width() - self.note.width()) // 2, top_left.y() + 12)
        self.note.raise_()
