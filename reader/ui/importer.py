"""Importing from the desktop: the file dialog, drag and drop, files from other launches.

Plugs into the main window from outside (its import command, its status bar, event filters
for drops and for closing), so the window itself knows nothing about workers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMessageBox

from reader.core import dump_files
from reader.core.importing import ImportResult
from reader.ui.changes import LibraryChange
from reader.ui.import_panel import LAYOUT_CHOICES, ImportLog, ImportStatus, LogNote
from reader.ui.import_worker import FileProgress, ImportQueue, RunSummary
from reader.ui.plain_text import ask, warn

FILE_FILTER = f"News dumps ({' '.join('*' + s for s in dump_files.DUMP_SUFFIXES)});;All files (*)"
_LAST_FOLDER_KEY = "import/last_folder"


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[LogNote]]:
    """Files to import, and notes for what a dropped folder held that is not a dump (the rule
    is the core's, shared with ``dispatch import DIR``)."""
    files, skipped = dump_files.expand_paths(paths)
    return files, [LogNote(s.name, str(s.path), s.reason) for s in skipped]


class ImportController(QObject):
    """Owns the import queue and everything the window shows of it."""

    def __init__(self, window: QMainWindow, library_path: Path, classify=None, **tuning) -> None:
        super().__init__(window)
        self.window = window
        # tuning: report_interval / batch_articles, for tests and benchmarks.
        self.queue = ImportQueue(library_path, classify=classify, parent=self, **tuning)
        self.notes: list[LogNote] = []
        self.last_summary: RunSummary | None = None
        self._log: ImportLog | None = None

        self.status = ImportStatus()
        window.statusBar().addPermanentWidget(self.status)
        self.status.cancel_requested.connect(self.cancel)
        self.status.log_requested.connect(self.show_log)

        q = self.queue
        q.run_started.connect(lambda: self.status.set_running(True))
        q.file_started.connect(self._on_progress)
        q.progressed.connect(self._on_progress)
        q.articles_added.connect(self._on_articles_added)
        q.file_finished.connect(self._on_file_finished)
        q.run_finished.connect(self._on_run_finished)
        q.library_error.connect(self._on_library_error)

        if hasattr(window, "set_import_handler"):
            window.set_import_handler(
                self.choose_files,
                show_log=self.show_log,
                cancel=self.cancel,
                with_layout=self.choose_layout_and_files,
            )
        if hasattr(window, "set_section_import_handler"):  # asks which section, then calls us
            window.set_section_import_handler(self.import_into_section)
        window.setAcceptDrops(True)
        library = getattr(window, "library", None)
        if library is not None:  # and what other programs import meanwhile
            from reader.ui.outside_imports import OutsideImports

            self.outside = OutsideImports(library, self._publish, lambda: self.queue.busy, self)
        window.installEventFilter(self)
        if hasattr(window, "add_part"):  # asked first when the window closes
            window.add_part(self, first=True)

    # --- starting imports --------------------------------------------------------------------

    def choose_layout_and_files(self) -> None:
        """File → Import with a layout: how the dumps lay out their paragraphs, then the files.

        For dumps the parser reads wrong on its own (the import log or a warning says so).
        """
        labels = list(LAYOUT_CHOICES)
        label, ok = QInputDialog.getItem(
            self.window,
            "Import with a layout",
            "How do the dumps lay out their paragraphs?",
            labels,
            0,
            False,
        )
        if ok and label in LAYOUT_CHOICES:
            self.choose_files(layout=LAYOUT_CHOICES[label])

    def choose_files(self, section: str | None = None, layout: str | None = None) -> None:
        settings = QSettings()
        folder = str(settings.value(_LAST_FOLDER_KEY, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = str(Path.home())
        title = "Import news dumps" if section is None else f"Import news dumps into {section}"
        names, _ = QFileDialog.getOpenFileNames(self.window, title, folder, FILE_FILTER)
        if names:
            settings.setValue(_LAST_FOLDER_KEY, str(Path(names[0]).parent))
            self.import_paths([Path(n) for n in names], section, layout)

    def import_into_section(self, section: str) -> None:
        """The file dialog; every file chosen goes into ``section`` instead of being sorted."""
        self.choose_files(section)

    def import_paths(
        self, paths: list[Path], section: str | None = None, layout: str | None = None
    ) -> None:
        files, notes = expand_paths([Path(p) for p in paths])
        self.notes.extend(notes)
        if notes and not files:
            self.window.statusBar().showMessage(
                f"Nothing to import: {len(notes):,} files skipped (see the import log)", 8000
            )
        self.queue.add(files, section, layout)
        self._refresh_log()

    def cancel(self) -> None:
        if self.queue.busy:
            self.status.show_cancelling()
            self.queue.cancel()
        else:
            self.window.statusBar().showMessage("No import is running", 3000)

    # --- what the worker reports ---------------------------------------------------------------

    def _on_progress(self, fp: FileProgress) -> None:
        self.status.show_progress(fp)

    def _on_articles_added(self, section_ids: set[int]) -> None:
        self._publish(LibraryChange.of_import(section_ids))

    def _on_file_finished(self, result: ImportResult) -> None:
        # Sources appear in the sidebar; a failed file leaves a row in the log.
        self._publish(LibraryChange(names=True))
        self._refresh_log()

    def _publish(self, change: LibraryChange) -> None:
        publish = getattr(self.window, "publish", None)
        if publish is not None:
            publish(change)

    def _on_run_finished(self, summary: RunSummary) -> None:
        self.last_summary = summary
        self.status.set_running(False)
        if summary.results:
            self.window.statusBar().showMessage(summary_message(summary), 20000)

    def _on_library_error(self, message: str) -> None:
        self.status.set_running(False)
        warn(self.window, "Import failed", message)

    # --- the log ---------------------------------------------------------------------------------

    def show_log(self) -> None:
        lib = getattr(self.window, "library", None)
        if lib is None:
            return
        if self._log is None:
            self._log = ImportLog(lib, self.notes, self.window)
        else:
            self._log.fill(lib, self.notes)
        self._log.show()
        self._log.raise_()
        self._log.activateWindow()

    def _refresh_log(self) -> None:
        if self._log is not None and self._log.isVisible():
            self._log.fill(self.window.library, self.notes)  # type: ignore[attr-defined]

    # --- drops and closing -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if _local_paths(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = _local_paths(event)
            if paths:
                event.acceptProposedAction()
                self.import_paths(paths)
                return True
        return super().eventFilter(watched, event)

    def can_close(self) -> bool:
        """Closing during an import asks first; "Yes" cancels it (what is stored stays)."""
        if not self.queue.busy:
            return True
        answer = ask(
            self.window,
            "An import is running",
            "Cancel the import and quit? The articles imported so far are kept.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def shutdown(self) -> None:
        """Stop importing; the file in hand is wound up cleanly (source marked cancelled)."""
        self.queue.shutdown()


def summary_message(summary: RunSummary) -> str:
    """The status bar's line for a finished run: with the first failure's reason in words."""
    text = summary.text()
    failed = [r for r in summary.results if r.status == "failed" and r.error]
    if failed:
        text += f" — {failed[0].error}"
    return text


def _local_paths(event: QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
