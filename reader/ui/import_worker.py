"""Importing in the background: a worker thread with its own library connection.

The GUI thread never parses or writes: it queues jobs and listens. The worker runs the core
pipeline (``reader.core.importing.import_file``) and reports through signals, throttled to a few
a second, so the event loop stays free however fast articles arrive.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from reader.core.importing import (
    BATCH_ARTICLES,
    Batch,
    ImportResult,
    Progress,
    import_file,
    library_error_text,
)
from reader.core.libfile import is_corruption
from reader.core.store import Library, LibraryError
from reader.ui.thread_priority import lower_this_threads_priority

log = logging.getLogger(__name__)

# How often the worker may tell the window about progress and new articles.
REPORT_INTERVAL = 0.25


@dataclass(frozen=True)
class ImportJob:
    path: Path
    section: str | None = None  # None: sort automatically
    layout: str | None = None  # one of dumps.LAYOUTS; None: the parser detects it


@dataclass
class FileProgress:
    job: ImportJob
    index: int  # 1-based position of this file in the current run of the queue
    total_files: int
    progress: Progress


@dataclass
class RunSummary:
    """What one run of the queue did, for the status bar."""

    results: list[ImportResult] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def duplicates(self) -> int:
        return sum(r.duplicates for r in self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.status == "failed")

    @property
    def cancelled(self) -> bool:
        return any(r.status == "cancelled" for r in self.results)

    def text(self) -> str:
        n = len(self.results)
        parts = [f"{_count(n, 'file')}: {_count(self.new, 'new article')}"]
        if self.duplicates:
            parts.append(_count(self.duplicates, "duplicate"))
        if self.failed:
            parts.append(_count(self.failed, "file") + " failed")
        if self.cancelled:
            parts.append("cancelled")
        text = ", ".join(parts)
        warned = [r for r in self.results if r.warning]
        if len(warned) == 1:
            text += f" — {warned[0].name}: {warned[0].warning} (see the import log)"
        elif warned:
            text += f" — {len(warned):,} files look parsed wrong (see the import log)"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class ImportWorker(QObject):
    """Lives in the worker thread; every slot runs there."""

    file_started = Signal(object)  # ImportJob
    progressed = Signal(object)  # Progress
    articles_added = Signal(object)  # set[int]: sections that got new articles since last report
    file_finished = Signal(object)  # ImportResult
    failed_to_open = Signal(str)  # the library could not be opened in the worker

    def __init__(
        self,
        library_path: Path,
        classify=None,
        report_interval: float = REPORT_INTERVAL,
        batch_articles: int | None = None,
        open_library: Callable[[Path], Library] = Library,
    ) -> None:
        super().__init__()
        self.library_path = library_path
        self.classify = classify
        self.report_interval = report_interval
        self.batch_articles = BATCH_ARTICLES if batch_articles is None else batch_articles
        # How the worker opens its connection: tests give one that fills up (max_page_count).
        self.open_library = open_library

    @Slot(object, object)
    def run(self, job: ImportJob, cancel: threading.Event) -> None:
        # With the pipeline's threads and its parsing process, which inherit it: the window's
        # event loop stalled less while a 300 MB dump imported (5 runs each: p99 14.1-24.8 ms,
        # median 20.8, against 14.9-35.0 ms, median 24.2; median longest 50.5 against 57.2 ms).
        lower_this_threads_priority("the import worker")
        self.file_started.emit(job)
        try:
            lib = self.open_library(self.library_path)  # this thread's own connection
        except LibraryError as exc:
            self.failed_to_open.emit(str(exc))
            return
        except Exception as exc:  # a full disk, a vanished folder: the job still ends
            log.exception("the import worker could not open %s", self.library_path)
            self.failed_to_open.emit(f"Cannot open the library {self.library_path}: {exc}")
            return
        try:
            self._import(lib, job, cancel)
        except Exception as exc:
            # Whatever went wrong, this job ends with a result: a worker that raised out of
            # its slot left the queue waiting for ever ("Importing … Cancel" stayed).
            log.exception("importing %s failed in the worker", job.path)
            self.file_finished.emit(_failed(job, exc))
        finally:
            try:
                lib.close()
            except sqlite3.Error:
                log.exception("closing the import worker's connection failed")

    def _import(self, lib: Library, job: ImportJob, cancel: threading.Event) -> None:
        pending_sections: set[int] = set()
        last_report = 0.0

        def on_progress(p: Progress) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= self.report_interval or p.bytes_done >= p.bytes_total:
                last_report = now
                self.progressed.emit(p)
                if pending_sections:
                    self.articles_added.emit(set(pending_sections))
                    pending_sections.clear()

        def on_commit(batch: Batch) -> None:
            if batch.new_ids:
                pending_sections.update(batch.section_ids)

        classify = self.classify(lib) if self.classify is not None else None
        result = import_file(
            lib,
            job.path,
            section=job.section,
            classify=classify,
            progress=on_progress,
            cancelled=cancel.is_set,
            on_commit=on_commit,
            progress_interval=min(self.report_interval, 0.1),
            # SQLite's own checkpoints: the thread's made the event loop stall longer.
            checkpoint_thread=False,
            batch_articles=self.batch_articles,
            layout=job.layout,
        )
        if pending_sections:
            self.articles_added.emit(set(pending_sections))
        if result.new:
            try:
                lib.checkpoint()  # long-lived readers in the window can starve WAL checkpoints
            except sqlite3.Error as exc:  # a full disk: what was committed is in the log, safe
                log.warning("checkpoint after importing %s failed: %s", job.path, exc)
        self.file_finished.emit(result)


def _failed(job: ImportJob, exc: Exception) -> ImportResult:
    """The result of a job the pipeline could not finish, with the reason in words."""
    reason = library_error_text(exc) if isinstance(exc, sqlite3.Error) else f"{exc}"
    return ImportResult(
        source_id=None,
        path=job.path,
        name=job.path.name or str(job.path),
        status="failed",
        new=0,
        duplicates=0,
        skipped=0,
        seconds=0.0,
        error=f"{job.path.name}: {reason}",
        library_damaged=isinstance(exc, sqlite3.Error) and is_corruption(exc),
    )


class ImportQueue(QObject):
    """The GUI side: a queue of files, one worker thread, and signals for the window.

    Imports started while one runs join the queue; they never run over each other.
    """

    run_started = Signal()
    file_started = Signal(object)  # FileProgress (with zero progress)
    progressed = Signal(object)  # FileProgress
    articles_added = Signal(object)  # set[int] of section ids
    file_finished = Signal(object)  # ImportResult
    run_finished = Signal(object)  # RunSummary
    library_error = Signal(str)

    _submit = Signal(object, object)

    def __init__(
        self,
        library_path: Path,
        classify=None,
        parent: QObject | None = None,
        report_interval: float = REPORT_INTERVAL,
        batch_articles: int | None = None,
        open_library: Callable[[Path], Library] = Library,
    ) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("import-worker")
        self._worker = ImportWorker(
            library_path, classify, report_interval, batch_articles, open_library
        )
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.file_started.connect(self._on_file_started)
        self._worker.progressed.connect(self._on_progress)
        self._worker.articles_added.connect(self.articles_added)
        self._worker.file_finished.connect(self._on_file_finished)
        self._worker.failed_to_open.connect(self._on_library_error)
        # The thread runs only while there is work: an idle queue holds no running thread, so
        # tearing down a window that imports nothing never destroys a live QThread.
        self._queue: deque[ImportJob] = deque()
        self._current: ImportJob | None = None
        self._cancel = threading.Event()
        self._run = RunSummary()
        self._run_index = 0
        self._run_total = 0

    # --- queue -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def add(self, paths: list[Path], section: str | None = None, layout: str | None = None) -> None:
        if not paths:
            return
        self._queue.extend(ImportJob(Path(p), section, layout) for p in paths)
        self._run_total += len(paths)
        if self._current is None:
            if not self._thread.isRunning():
                self._thread.start()
            self._run = RunSummary()
            self._run_index = 0
            self._run_total = len(self._queue)
            self.run_started.emit()
            self._next()

    def cancel(self) -> None:
        """Stop the file being imported (what it committed stays) and drop the queued ones."""
        self._queue.clear()
        self._cancel.set()

    def _next(self) -> None:
        if not self._queue:
            self._current = None
            self._stop_thread()
            summary, self._run = self._run, RunSummary()
            self._run_total = 0
            self.run_finished.emit(summary)
            return
        self._current = self._queue.popleft()
        self._run_index += 1
        self._cancel = threading.Event()  # one per file: a late cancel never hits the next one
        self._submit.emit(self._current, self._cancel)

    def _file_progress(self, p: Progress) -> FileProgress:
        assert self._current is not None
        return FileProgress(self._current, self._run_index, self._run_total, p)

    def _on_file_started(self, job: ImportJob) -> None:
        self.file_started.emit(self._file_progress(Progress(0, 0, 0, 0, 0, 0)))

    def _on_progress(self, p: Progress) -> None:
        if self._current is not None:
            self.progressed.emit(self._file_progress(p))

    def _on_file_finished(self, result: ImportResult) -> None:
        self._run.results.append(result)
        self.file_finished.emit(result)
        self._next()

    def _on_library_error(self, message: str) -> None:
        self._queue.clear()
        self._current = None
        self._stop_thread()
        self.library_error.emit(message)
        self.run_finished.emit(self._run)
        self._run = RunSummary()

    # --- shutting down ---------------------------------------------------------------------

    def _stop_thread(self) -> None:
        # Called once the worker reported its last file: its event loop is idle, so this is quick.
        self._thread.quit()
        self._thread.wait()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel whatever runs and stop the thread once the file in hand is wound up."""
        self.cancel()
        self._thread.quit()
        return self._thread.wait(timeout_ms)
