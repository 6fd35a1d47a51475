"""The library in the window, and "Open another library…": the window is closed and made again
on the other library file, as if Dispatch had been started with ``--db`` that file.

Switching goes through the window's one close path (every part is asked first: a running import
can refuse), so nothing is lost: the import stops or finishes as on quit, the window's state is
saved for the library it showed, and only then is that library closed. The other file is opened
and checked before anything is closed: a file that is not a Dispatch library, a damaged one or a
newer one is refused with a message, and the window stays as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.core.libfile import LibraryDamaged, LibraryError
from reader.core.store import Library

from .commands import CommandError
from .plain_text import message_box
from .single_instance import InstanceServer, hand_over, server_name

log = logging.getLogger(__name__)

FILE_FILTER = "Dispatch libraries (*.sqlite3 *.sqlite *.db);;All files (*)"


def same_file(a: Path, b: Path) -> bool:
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


class LibrarySession(QObject):
    """The open library, its window, its importing and its single-instance server."""

    #: The window was made again on another library (the new window).
    switched = Signal(object)

    def __init__(
        self,
        open_window: Callable[..., tuple[Any, Any]],
        library: Library,
        files: list[Path] | None = None,
        settings=None,
        server: InstanceServer | None = None,
        received: Callable[[Any, Any, list[Path]], object] | None = None,
    ) -> None:
        """``open_window(library, files, settings)`` makes the window and its importer (as
        app.open_window); ``received(window, importer, paths)`` takes files a later launch
        handed over to ``server``."""
        super().__init__()
        self._open_window = open_window
        self._received = received
        self.library = library
        self.settings = settings
        self.server = server
        self._build(list(files or []))

    def _build(self, files: list[Path]) -> None:
        self.window, self.importer = self._open_window(self.library, files, self.settings)
        self.window.open_library_handler = self.choose_library
        if self.server is not None:
            window, importer, received = self.window, self.importer, self._received
            if received is not None:
                self.server.files_received.connect(lambda paths: received(window, importer, paths))
            self.window.startup_finished.connect(self.server.listen)

    # -- choosing

    def choose_library(self) -> None:
        """File → Open another library…: ask for the file, then switch to it."""
        folder = str(Path(self.library.path).expanduser().resolve().parent)
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open another library", folder, FILE_FILTER
        )
        if path:
            self.open_library(Path(path))

    def open_library(self, path: Path) -> bool:
        """Show the library at ``path`` in the window instead; False (and a message) if not."""
        path = Path(path).expanduser()
        if same_file(path, self.library.path):
            raise CommandError(f"{path.name} is the library open now.")
        if not path.is_file():
            return self._refuse(path, f"There is no library file at {path}.")
        if path.stat().st_size == 0:
            return self._refuse(path, f"{path} is empty: it is not a Dispatch library.")
        if hand_over(server_name(path), []):  # another window has it: that one comes forward
            self.window.statusBar().showMessage(
                f"{path.name} is open in another Dispatch window: brought forward.", 8000
            )
            return False
        try:
            library = Library(path)
        except LibraryDamaged as e:
            return self._refuse(
                path,
                f"{e} Dispatch did not change it. To recover its articles, start Dispatch "
                f"with it (dispatch --db {path}) or run dispatch recover.",
            )
        except LibraryError as e:
            return self._refuse(path, str(e))
        return self._switch(library)

    def _refuse(self, path: Path, text: str) -> bool:
        log.warning("not opening the library %s: %s", path, text)
        box = message_box(
            self.window, QMessageBox.Icon.Warning, "Dispatch cannot open that library", text
        )
        box.setObjectName("openLibraryRefused")
        box.open()  # window-modal, not blocking: the window stays as it was
        return False

    # -- switching

    def _switch(self, library: Library) -> bool:
        app = QApplication.instance()
        quits = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # the window closes, Dispatch goes on
        try:
            old = self.window
            if not old.close():  # a part refused (an import the reader keeps running)
                library.close()
                return False
            self.importer.shutdown()
            old.deleteLater()
            self.library.close()
            self.library = library
            if self.server is not None:
                self.server.close()
                self.server.deleteLater()
                self.server = InstanceServer(server_name(library.path))
                self.server.reserve()
            try:
                self._build([])
            except Exception:  # no window left to show it in: say so, and end cleanly
                log.exception("could not build the window on %s", library.path)
                message_box(
                    None,
                    QMessageBox.Icon.Critical,
                    "Dispatch cannot show that library",
                    f"The window could not be made on {library.path}; see the log file.",
                ).exec()
                if isinstance(app, QApplication):
                    app.quit()
                raise
            self.window.show()
            self.window.statusBar().showMessage(f"Opened the library {library.path}", 8000)
            self.switched.emit(self.window)
            return True
        finally:
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(quits)

    def shutdown(self) -> None:
        """Dispatch is ending: the import stopped, the server and the library closed."""
        self.importer.shutdown()
        if self.server is not None:
            self.server.close()
        self.library.close()
