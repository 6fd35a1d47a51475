"""What the window shows of imports: a status-bar strip while they run, and the import log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core import views
from reader.ui.import_worker import FileProgress
from reader.ui.plain_text import plain_label, tooltip

if TYPE_CHECKING:
    from reader.core.store import Library

#: File → Import with a layout: what a person reads, and the parser's name for it (None: detect).
LAYOUT_CHOICES: dict[str, str | None] = {
    "Automatic": None,
    "One paragraph per line": "lines",
    "Blank-line paragraphs": "blank",
    "Hard-wrapped": "wrapped",
    "Markdown": "markdown",
}


class ImportStatus(QWidget):
    """File, progress by bytes, articles so far, Cancel — and a way into the log."""

    cancel_requested = Signal()
    log_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importStatus")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label(QLabel())  # shows a file name: never markup
        self.label.setObjectName("importFile")
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.count = QLabel()
        self.count.setObjectName("importCount")
        self.cancel = QToolButton()
        self.cancel.setObjectName("importCancel")
        self.cancel.setText("Cancel")
        self.cancel.setAccessibleName("Cancel the import")
        self.cancel.clicked.connect(self.cancel_requested)
        self.log = QToolButton()
        self.log.setObjectName("importLogButton")
        self.log.setText("Import log")
        self.log.setAccessibleName("Show the import log")
        self.log.setAutoRaise(True)
        self.log.clicked.connect(self.log_requested)
        for w in (self.label, self.bar, self.count, self.cancel, self.log):
            layout.addWidget(w)
        self.set_running(False)

    def set_running(self, running: bool) -> None:
        for w in (self.label, self.bar, self.count, self.cancel):
            w.setVisible(running)
        self.cancel.setEnabled(running)
        if running:
            self.bar.setValue(0)
            self.count.setText("")

    def show_progress(self, fp: FileProgress) -> None:
        p = fp.progress
        of = f" ({fp.index} of {fp.total_files})" if fp.total_files > 1 else ""
        self.label.setText(f"Importing {fp.job.path.name}{of}")
        self.label.setToolTip(tooltip(str(fp.job.path)))
        if p.bytes_total:
            self.bar.setValue(int(1000 * min(p.bytes_done, p.bytes_total) / p.bytes_total))
        self.count.setText(f"{p.articles:,} article{'s' if p.articles != 1 else ''}")

    def show_cancelling(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText(self.label.text() + " — cancelling…")


@dataclass
class LogNote:
    """A file that never reached the pipeline (skipped inside a dropped folder)."""

    name: str
    path: str
    reason: str


_STATUS_WORDS = {
    "done": "Imported",
    "cancelled": "Cancelled",
    "failed": "Failed",
    "running": "Interrupted",  # a run that never finished: Dispatch was killed mid-import
}


class ImportLog(QDialog):
    """Every import in this library, newest first, and the files skipped this session."""

    COLUMNS = ("File", "Result", "New", "Duplicates", "Skipped", "When", "Details")

    def __init__(self, lib: Library, notes: list[LogNote], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importLog")
        self.setWindowTitle("Import log")
        self.resize(900, 420)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("importLogTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.fill(lib, notes)

    def fill(self, lib: Library, notes: list[LogNote]) -> None:
        rows: list[tuple[str, ...]] = [
            (n.name, "Skipped", "", "", "", "", n.reason) for n in reversed(notes)
        ]
        for record in views.import_history(lib):
            name, _path, status, new, dup, skipped, when, error, warning = record
            details = error or warning or ("" if status != "done" or new else "nothing new")
            rows.append(
                (
                    name,
                    _STATUS_WORDS.get(status, status),
                    f"{new:,}",
                    f"{dup:,}",
                    f"{skipped:,}",
                    (when or "")[:16],
                    details,
                )
            )
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if 2 <= c <= 4:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
