"""Start the window: the application object, the library, the main window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reader import APP_ID, APP_NAME

if TYPE_CHECKING:
    from .importer import ImportController
    from .interrupted import InterruptedNotice


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    plain_imports()
    app = cast("QApplication | None", QApplication.instance())
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    # The window icon is set by the main window just after its first paint (13 ms of a start).
    return app


def plain_imports() -> None:
    """Give Python back its own ``__import__``, which importing PySide6 replaced.

    PySide6's replacement serves ``from __feature__ import snake_case``: after every import it
    reads the source of each module not seen before (inspect.getsource) to note whether it
    names PySide6, and every import statement run later goes through two Python calls. That
    was 12 ms of CPU of a start (the 80-odd modules the window imports before its first
    paint) for a feature Dispatch never selects; modules PySide has not noted get the default,
    no feature, which is what it would have noted for them.
    """
    import builtins

    original = getattr(builtins, "__orig_import__", None)
    if original is not None and builtins.__import__ is getattr(builtins, "__feature_import__", 0):
        builtins.__import__ = original


def run(db: Path | None, files: list[Path]) -> int:
    """Open the library (``db`` or the default one) in the main window; the exit status.

    When a Dispatch window already has this library open, the files go to it instead and this
    launch ends: double-clicking dumps in a file manager imports them into the open window.
    """
    app = create_application()
    # Imports and re-sorts run Python on worker threads. Every call from Qt into Python (each
    # cell a view paints) waits for the GIL; with the default 5 ms switch interval a busy worker
    # makes those waits add up to visible stutter. 1 ms measured p95 event-loop lateness of
    # 3-4 ms instead of 9-15 ms during an import, at no cost to import speed.
    sys.setswitchinterval(0.001)

    from reader.core.libfile import LibraryDamaged
    from reader.core.store import Library, LibraryError, default_library_path

    from .plain_text import critical
    from .single_instance import InstanceServer, hand_over, server_name

    path = Path(db).expanduser() if db is not None else default_library_path()
    instance = server_name(path)
    if hand_over(instance, files):
        return 0
    # Bound now, served after the first paint: launches in between wait for the window.
    server = InstanceServer(instance)
    server.reserve()
    note = ""
    try:
        library = Library(path)
    except LibraryDamaged as e:
        from .library_dialogs import open_damaged

        outcome = open_damaged(None, path, e)
        if outcome.library is None:
            server.close()
            print(f"dispatch: {e}", file=sys.stderr)
            return 1
        library, note = outcome.library, outcome.note
    except LibraryError as e:
        server.close()
        from . import icons

        app.setWindowIcon(icons.app_icon())
        critical(None, f"{APP_NAME} cannot open the library", str(e))
        print(f"dispatch: {e}", file=sys.stderr)
        return 1
    from .library_switch import LibrarySession

    session: LibrarySession | None = None
    try:
        # The window, and File → Open another library… making it again on another file.
        session = LibrarySession(
            open_window, library, files, server=server, received=_hand_over_received
        )
        session.window.show()
        if note:
            session.window.statusBar().showMessage(note, 60000)
        return app.exec()
    finally:
        if session is not None:
            session.shutdown()  # the import, the server and the library open now
        else:
            server.close()
            library.close()


def open_window(library, files: list[Path], settings=None):
    """The main window, and its importing (built just after the first paint, like search).

    This is the start-up order ``dispatch`` uses; tests build the window through here to meet
    the same order. The files given are imported once the window has painted.
    """
    from .main_window import MainWindow

    window = MainWindow(library, settings, files=files)
    return window, DeferredImporter(window, library.path, files)


class DeferredImporter:
    """The window's import controller, made just after the first paint (or when first needed).

    Importing brings the parser and the pipeline (60 ms of imports on a start): the window
    paints first. Ctrl+O, the import log and cancel reach the controller through here until it
    plugs itself in; closing asks it first whenever it exists.
    """

    def __init__(self, window, library_path: Path, files: list[Path]) -> None:
        self.window = window
        self.library_path = library_path
        self._files = list(files)
        self._controller: ImportController | None = None
        self.interrupted: InterruptedNotice | None = None
        window.set_import_handler(
            lambda: self.controller.choose_files(),
            show_log=lambda: self.controller.show_log(),
            cancel=lambda: self.controller.cancel(),
        )
        window.set_section_import_handler(lambda name: self.controller.import_into_section(name))
        window.import_paths_handler = self.import_paths
        window.startup_finished.connect(self._on_started)

    @property
    def controller(self) -> ImportController:
        """The :class:`~reader.ui.importer.ImportController`, made now if not yet."""
        if self._controller is None:
            from .importer import ImportController

            self._controller = ImportController(
                self.window, self.library_path, classify=_classifier_factory()
            )
        return self._controller

    @property
    def plugged_in(self) -> bool:
        """Whether the controller has been made yet."""
        return self._controller is not None

    def _on_started(self) -> None:
        from .interrupted import offer_interrupted

        # Imports a kill or a logout stopped: told now, with "Import again" (issue 13).
        self.interrupted = offer_interrupted(self.window, self.window.library, self.import_paths)
        files, self._files = self._files, []
        if files:
            self.controller.import_paths(files)
        else:
            self.controller  # noqa: B018  (drops, and a quit during an import, need it)

    def import_paths(self, paths: list[Path]) -> None:
        self.controller.import_paths(paths)

    def shutdown(self) -> None:
        if self._controller is not None:
            self._controller.shutdown()


def _hand_over_received(window, importer, paths: list[Path]) -> None:
    if paths:
        importer.import_paths(paths)
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def _classifier_factory():
    """How the import worker sorts articles: the library's sections and what the reader taught."""
    from reader.core.placement import classify_for_library

    return classify_for_library
