"""Big markings (Shift+A on a big view, every result of a big search) off the window's thread.

The window shows the end state at once: the list paints the swept articles read (or unread,
for an undo) and the sidebar's counts are those the sweep will leave; a thread with its own
library connection then writes it in short transactions (reader.core.read_sweep). Sweeps run
one after another, so an undo follows the marking it undoes. Closing the window lets a running
sweep finish: what the reader saw done is done.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.core import read_sweep
from reader.core.libfile import LibraryError
from reader.core.read_sweep import ReadSweep
from reader.core.store import Library
from reader.core.views import Row, View
from reader.ui.thread_priority import lower_this_threads_priority

log = logging.getLogger(__name__)


@dataclass
class SweepJob:
    """One sweep to run: made on the worker (listing a view's articles is not the window's
    work) by ``make``; ``view`` is painted read until its articles are listed."""

    make: Callable[[Library], ReadSweep]
    view: View | None = None
    #: The marking an undo job undoes: its articles are painted unread until the undo lists.
    shadow: SweepJob | None = None
    sweep: ReadSweep | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    error: str | None = None
    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)

    @property
    def value(self) -> int:
        return self.sweep.value if self.sweep is not None else 1


class SweepRunner(QObject):
    """Runs sweep jobs one at a time on a thread of its own."""

    #: A job's articles are listed and tallied: its counts can be shown.
    listed = Signal(object)
    progressed = Signal(object)
    #: A job ended (finished, cancelled or failed: see its ``error``).
    ended = Signal(object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.jobs: list[SweepJob] = []  # queued and running, oldest first
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- on the window's thread

    def start(self, job: SweepJob) -> None:
        with self._lock:
            self.jobs.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="read-sweeps", daemon=True)
                self._thread.start()

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self.jobs)

    def forced_read(self, row: Row, listed_view: View | None) -> int | None:
        """The read state a row is painted with while sweeps run (None: as the library has it).

        The newest sweep that covers the article decides; a sweep still listing its articles
        covers the rows of its view as the list shows them.
        """
        with self._lock:
            jobs = list(self.jobs)
        for job in reversed(jobs):
            sweep = job.sweep
            if job.cancel.is_set():
                continue
            if sweep is not None:
                if sweep.covers(row.id):
                    return sweep.value
            elif job.shadow is not None and job.shadow.sweep is not None:
                if job.shadow.sweep.covers(row.id):
                    return 1 - job.shadow.sweep.value
            elif job.view is not None and job.view == listed_view:
                return 1
        return None

    def adjust(self, counts: dict[str, int]) -> None:
        """Counts read from the library, as the running and queued sweeps will leave them."""
        with self._lock:
            sweeps = [j.sweep for j in self.jobs if j.sweep is not None]
        for sweep in sweeps:
            sweep.adjust(counts)

    def wait(self) -> None:
        """Let every queued sweep finish (the window is closing)."""
        thread = self._thread
        if thread is not None:
            thread.join()

    # -- on the sweeps' thread

    def _run(self) -> None:
        lower_this_threads_priority("a sweep's thread")
        lib: Library | None = None
        try:
            while True:
                with self._lock:
                    if not self.jobs:
                        self._thread = None
                        return
                    job = self.jobs[0]
                if lib is None:
                    lib = self._open(job)
                if lib is not None:
                    self._sweep(lib, job)
                with self._lock:
                    self.jobs.pop(0)
                job.ended.set()
                self.ended.emit(job)
        finally:
            if lib is not None:
                lib.close()

    def _open(self, job: SweepJob) -> Library | None:
        try:
            return Library(self.path)
        except (LibraryError, sqlite3.Error) as e:
            job.error = str(e)
            log.warning("a marking could not open the library: %s", e)
            return None

    def _sweep(self, lib: Library, job: SweepJob) -> None:
        try:
            sweep = job.make(lib)
            with self._lock:
                job.sweep = sweep
            job.started.set()
            self.listed.emit(job)
            while not sweep.finished and not job.cancel.is_set():
                read_sweep.step(lib, sweep)
                self.progressed.emit(job)
        except sqlite3.Error as e:
            job.error = str(e)
            log.warning("a marking stopped: %s", e)
        finally:
            job.started.set()
