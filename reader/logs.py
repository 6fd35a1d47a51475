"""Dispatch's log: one rotating file in the user's log folder, for what goes wrong.

The window and the command-line sub-commands call :func:`setup` once at start; modules log
through ``logging.getLogger(__name__)`` as usual. Uncaught exceptions (on any thread) are written
to the file too, then handed to the hook that was there before, so a terminal still shows them.
The file (and the folder) is made at the first record only: a session where nothing happens
writes nothing and pays nothing for it.

This module imports no Qt: the command line uses it too.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType

from reader import APP_NAME

LOG_NAME = "dispatch.log"
MAX_BYTES = 1_000_000  # then dispatch.log.1 ... .3: at most ~4 MB on disk
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

_HANDLER_NAME = "dispatch-file"


def log_dir() -> Path:
    """The user's log folder for Dispatch (e.g. ~/.local/state/Dispatch/log on Linux)."""
    import platformdirs  # here: only a start that logs needs it

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    return log_dir() / LOG_NAME


def setup(path: Path | None = None, level: int = logging.INFO) -> None:
    """Send records to the rotating file ``path`` (default: :func:`log_path`, found when the
    first record comes).

    Calling it again with the same path does nothing; with another path (a test's folder) the
    file handler moves there.
    """
    root = logging.getLogger()
    current = file_handler()
    if current is not None:
        if current.path == path:
            return
        root.removeHandler(current)
        current.close()
    handler = _LazyFileHandler(path)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    _install_hooks()


class _LazyFileHandler(logging.Handler):
    """A RotatingFileHandler made at the first record.

    A start that logs nothing (nearly all of them) then pays neither for importing
    logging.handlers nor for finding and making the log folder: the window's start is measured.
    When the file cannot be made (a read-only home), records go to logging's last resort
    (warnings and errors on stderr) instead.
    """

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        self._failed = False

    def file_path(self) -> Path:
        return self.path if self.path is not None else log_path()

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None and not self._failed:
            self._file = self._open()
            self._failed = self._file is None
        if self._file is not None:
            self._file.emit(record)
        elif logging.lastResort is not None and record.levelno >= logging.lastResort.level:
            logging.lastResort.handle(record)

    def _open(self) -> logging.Handler | None:
        import logging.handlers

        path = self.file_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        except OSError:
            return None
        handler.setFormatter(self.formatter)
        return handler

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def file_handler() -> _LazyFileHandler | None:
    """The handler :func:`setup` installed, if any."""
    for h in logging.getLogger().handlers:
        if h.get_name() == _HANDLER_NAME and isinstance(h, _LazyFileHandler):
            return h
    return None


def _install_hooks() -> None:
    """Uncaught exceptions are logged, then handed to the previous hooks (once per process)."""
    if getattr(sys.excepthook, "_dispatch_logs", False):
        return
    previous = sys.excepthook
    previous_thread = threading.excepthook
    log = logging.getLogger("reader.uncaught")

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            name = args.thread.name if args.thread is not None else "?"
            log.critical(
                "uncaught exception in thread %s",
                name,
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
            )
        previous_thread(args)

    excepthook._dispatch_logs = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def open_log_file(path: Path | None = None) -> bool:
    """Open the log in the desktop's viewer for text files (Help → Show log); False when no
    viewer could be started. The file is created empty first when nothing was logged yet."""
    if path is None:
        handler = file_handler()
        path = handler.file_path() if handler is not None else log_path()
    import subprocess

    log = logging.getLogger(__name__)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]  # Windows only
            return True
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        proc = subprocess.Popen(
            [opener, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        log.exception("cannot open the log file %s", path)
        return False
    # Reaped on a thread of its own: the viewer may stay open for as long as the reader likes.
    threading.Thread(target=proc.wait, name="log-viewer", daemon=True).start()
    return True
