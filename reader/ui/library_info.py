"""Help → Library…: where the library file is, its size and counts, its schema and last backup,
and "Maintain now" (reader.core.maintenance) on a worker thread with its own connection.

The facts come from the kept counts (milliseconds at any size). The path is in a read-only
field, selectable, with a Copy button. Maintenance reports its steps in the dialog as they
run; Cancel stops the running step (SQLite rolls it back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from reader.core.maintenance import LibraryInfo, Report, library_info, maintain, megabytes
from reader.core.store import Library

from .library_thread import LibraryThread

if TYPE_CHECKING:
    from .main_window import MainWindow

_SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse


class MaintainThread(LibraryThread):
    """One ``maintain`` run: ``step(text)`` as each step starts, then ``done(Report)`` or
    ``failed(message)``."""

    step = Signal(str)
    done = Signal(object)

    def work(self, lib: Library) -> None:
        self.done.emit(maintain(lib, progress=self.step.emit, cancelled=self._cancel.is_set))

    def stopped(self, error: Exception) -> str:
        return f"Maintenance stopped: {error}"  # a full disk during VACUUM, a locked file


def _rows(info: LibraryInfo) -> list[tuple[str, str]]:
    backup = str(info.last_backup) if info.last_backup else "none yet (made before each upgrade)"
    return [
        ("Size", f"{megabytes(info.size)} ({info.free_share:.0%} free space)"),
        ("Articles", f"{info.articles:,}"),
        ("Unread", f"{info.unread:,}"),
        ("Starred", f"{info.starred:,}"),
        ("In the Trash", f"{info.trash:,}"),
        ("Imported files", f"{info.sources:,}"),
        ("Schema version", str(info.schema_version)),
        ("Last backup", backup),
    ]


class LibraryInfoDialog(QDialog):
    #: A maintenance run ended (its report is in the log and :attr:`last_report`).
    maintained = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("libraryInfoDialog")
        self.setWindowTitle("Library")
        self.worker: MaintainThread | None = None
        self.last_report: Report | None = None
        self.path_field = QLineEdit(str(window.library.path), self)
        self.path_field.setObjectName("libraryPath")
        self.path_field.setReadOnly(True)
        self.path_field.setMinimumWidth(420)
        self.path_field.setAccessibleName("Library file")
        copy = QPushButton("Copy", self)
        copy.setObjectName("copyLibraryPath")
        copy.clicked.connect(self.copy_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_field, 1)
        path_row.addWidget(copy)
        self.form = QFormLayout()
        self.form.addRow("File:", path_row)
        self.values: dict[str, QLabel] = {}
        self.log = QPlainTextEdit(self)  # plain text: paths and messages are never markup
        self.log.setObjectName("maintenanceLog")
        self.log.setReadOnly(True)
        self.log.setPlaceholderText(
            "Maintain now checks every page, puts the full-text index and the counts right if "
            "they are out of step, optimizes the index and compacts the file when a fifth or "
            "more of it is free."
        )
        self.log.setMinimumHeight(120)
        self.maintain_button = QPushButton("&Maintain now", self)
        self.maintain_button.setObjectName("maintainNow")
        self.maintain_button.clicked.connect(self.start_or_cancel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.maintain_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        info = library_info(self.main.library)
        for label, value in _rows(info):
            if label not in self.values:
                field = QLabel(self)
                field.setObjectName(f"info-{label.lower().replace(' ', '-')}")
                field.setTextFormat(Qt.TextFormat.PlainText)
                field.setTextInteractionFlags(field.textInteractionFlags() | _SELECTABLE)
                self.values[label] = field
                self.form.addRow(f"{label}:", field)
            self.values[label].setText(value)

    def copy_path(self) -> None:
        QApplication.clipboard().setText(self.path_field.text())

    def start_or_cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.maintain_button.setEnabled(False)
            self.maintain_button.setText("Cancelling…")
            return
        self.log.clear()
        thread = MaintainThread(self.main.library.path, self)
        # Bound methods of this dialog: queued to its thread (a lambda would run in the worker's).
        thread.step.connect(self._step)
        thread.done.connect(self._done)
        thread.failed.connect(self._failed)
        thread.finished.connect(self._ended)
        self.worker = thread
        self.maintain_button.setText("&Cancel")
        thread.start()

    def _step(self, text: str) -> None:
        self.log.appendPlainText(f"{text}…")

    def _failed(self, message: str) -> None:
        self.log.appendPlainText(message)

    def _done(self, report: Report) -> None:
        self.last_report = report
        for line in report.lines() + [f"Repaired: {r}." for r in report.repaired]:
            self.log.appendPlainText(line)

    def _ended(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self.maintain_button.setEnabled(True)
        self.maintain_button.setText("&Maintain now")
        self.refresh()
        self.main.pane_updates.load_counts()  # the counts may have been put right
        self.maintained.emit()

    def done(self, result: int) -> None:
        """Closing while maintenance runs: it is stopped (rolled back) and waited for."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        super().done(result)


def show_library_info(window: MainWindow) -> LibraryInfoDialog:
    dialog = LibraryInfoDialog(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
