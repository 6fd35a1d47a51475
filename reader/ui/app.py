"""Start the window: the application object, the library, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from reader import APP_ID, APP_NAME


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    from . import icons

    app.setWindowIcon(icons.app_icon())
    return app


def run(db: Path | None, files: list[Path]) -> int:
    """Open the library (``db`` or the default one) in the main window; the exit status."""
    app = create_application()
    from PySide6.QtWidgets import QMessageBox

    from reader.core.store import Library, LibraryError

    try:
        library = Library(db)
    except LibraryError as e:
        QMessageBox.critical(None, f"{APP_NAME} cannot open the library", str(e))
        print(f"dispatch: {e}", file=sys.stderr)
        return 1
    from .main_window import MainWindow

    try:
        window = MainWindow(library, files=files)
        window.show()
        return app.exec()
    finally:
        library.close()
