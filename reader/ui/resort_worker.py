"""Re-sorting the whole library on a worker thread, and its line in the status bar.

The thread opens its own :class:`~reader.core.store.Library` on the same file (one connection per
thread) and runs :func:`reader.core.section_ops.resort_all`; it reports through signals only,
progress at most every :data:`~reader.ui.library_thread.REPORT_INTERVAL` seconds. Cancel is
polled between batches: what was re-sorted stays re-sorted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from reader.core.section_ops import SectionError, resort_all
from reader.core.store import Library, LibraryError

from .library_thread import LibraryThread


class ResortThread(LibraryThread):
    """One re-sort. ``progressed(done, total)``; then ``resorted(Resorted)`` or ``failed(msg)``."""

    resorted = Signal(object)
    expected = (SectionError, LibraryError)

    def __init__(self, library_path: Path, parent=None, batch: int | None = None) -> None:
        super().__init__(library_path, parent)
        self.batch = batch

    def work(self, lib: Library) -> None:
        kwargs = {} if self.batch is None else {"batch": self.batch}
        self.resorted.emit(resort_all(lib, self.report, self._cancel.is_set, **kwargs))

    def stopped(self, error: Exception) -> str:
        return f"Re-sorting stopped: {error}"


class ResortStatus(QWidget):
    """ "Re-sorting 12,000 / 48,000 [bar] [Cancel]" in the status bar while a re-sort runs."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("resortStatus")
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("resortCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop re-sorting; what was re-sorted so far is kept")
        self.cancel_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self) -> None:
        self.label.setText("Re-sorting…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(f"Re-sorting {done:,} / {total:,}")

    def show_cancelling(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    def finish(self) -> None:
        self.hide()
