"""Preferences → Library: where the open library file is (copy its path, show its folder) and
"Open another library…" (reader/ui/library_switch.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

log = logging.getLogger(__name__)


def show_in_file_manager(path: Path) -> bool:
    """Open the folder that holds ``path`` in the desktop's file manager; False when none could."""
    folder = path.parent
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        log.warning("no application opened the folder %s", folder)
        return False
    return True


class LibraryPage(QWidget):
    """The open library's path, with Copy, Show in the file manager and Open another library…"""

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.path = Path(window.library.path).expanduser().resolve()
        form = QFormLayout(self)
        self.path_field = QLineEdit(str(self.path))
        self.path_field.setObjectName("libraryPath")
        self.path_field.setReadOnly(True)
        self.path_field.setAccessibleName("Library file")
        self.path_field.setCursorPosition(0)
        form.addRow("Library &file:", self.path_field)

        self.copy_button = QPushButton("&Copy path")
        self.copy_button.setObjectName("copyLibraryPath")
        self.copy_button.clicked.connect(self.copy_path)
        self.show_button = QPushButton("&Show in file manager")
        self.show_button.setObjectName("showLibraryFolder")
        self.show_button.clicked.connect(self.show_folder)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.show_button)
        row.addStretch(1)
        form.addRow("", row)

        self.open_button = QPushButton("&Open another library…")
        self.open_button.setObjectName("openAnotherLibrary")
        self.open_button.clicked.connect(lambda: window.run_command("open-library"))
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        form.addRow("", row)
        self.note = QLabel(
            "The window then shows the other library. Each library keeps its own window size,"
            " open view and sort; these preferences are shared by all of them. From the command"
            " line: dispatch --db FILE."
        )
        self.note.setWordWrap(True)
        form.addRow("", self.note)
        self.status = QLabel()
        self.status.setObjectName("libraryPageStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold "<"
        form.addRow("", self.status)

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText(str(self.path))
        self.status.setText("The path is on the clipboard.")

    def show_folder(self) -> None:
        if show_in_file_manager(self.path):
            self.status.setText("")
        else:
            self.status.setText(f"No file manager could open {self.path.parent}.")
