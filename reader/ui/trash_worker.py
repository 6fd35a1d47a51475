"""Deletes, undos, restores and emptyings of the Trash on a worker thread, one after another.

A delete of everything a search lists may be 100,000 articles: the core does it in chunks, each
its own short transaction, and this thread runs it on a connection of its own, so the window
never waits for it (its reads go on beside the writes; its own writes get in between chunks).
Jobs queue: a second delete asked while one runs starts when it ends. Progress shows in the
status bar.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from reader.core.store import Library

from .library_thread import LibraryThread
from .progress_status import ProgressStatus

#: Running job threads, held here so that a window destroyed without closing (which waits for
#: them) never destroys a running QThread, which aborts the process.
_RUNNING: set[QThread] = set()
#: A job: ``work(lib, progress)`` on the worker's own library; its result goes to ``done``.
Work = Callable[[Library, Callable[[int, int], None]], Any]


@dataclass
class Job:
    label: str  # "Moving to the Trash", for the status bar
    work: Work
    done: Callable[[Any], None]


class _JobThread(LibraryThread):
    succeeded = Signal(object)

    def __init__(self, library_path: Path, job: Job, parent=None) -> None:
        super().__init__(library_path, parent)
        self.job = job

    def work(self, lib: Library) -> None:
        self.succeeded.emit(self.job.work(lib, self.report))

    def stopped(self, error: Exception) -> str:
        return f"{self.job.label} stopped: {error}"


class TrashJobs(QObject):
    """The queue of Trash jobs of one window; ``idle`` when the last one has ended."""

    idle = Signal()
    failed = Signal(str)

    def __init__(self, library_path: Path, status: ProgressStatus, parent=None) -> None:
        super().__init__(parent)
        self.library_path = Path(library_path)
        self.status = status
        self._queue: deque[Job] = deque()
        self.running: _JobThread | None = None

    @property
    def busy(self) -> bool:
        return self.running is not None or bool(self._queue)

    def run(self, label: str, work: Work, done: Callable[[Any], None]) -> None:
        self._queue.append(Job(label, work, done))
        if self.running is None:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self.status.finish()
            self.idle.emit()
            return
        job = self._queue.popleft()
        thread = _JobThread(self.library_path, job)
        _RUNNING.add(thread)
        thread.finished.connect(lambda t=thread: _RUNNING.discard(t))
        self.running = thread
        self.status.start(job.label)
        thread.progressed.connect(self.status.show_progress)
        thread.succeeded.connect(job.done)
        thread.failed.connect(self.failed)
        thread.finished.connect(self._on_finished)
        thread.start()

    def _on_finished(self) -> None:
        thread, self.running = self.running, None
        if thread is not None:
            _RUNNING.discard(thread)
            thread.deleteLater()
        self._next()

    def wait(self, ms: int = 60_000) -> bool:
        """Finish what runs (the window is closing); the queued rest is dropped."""
        self._queue.clear()
        thread = self.running
        return thread is None or thread.wait(ms)
