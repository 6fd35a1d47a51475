"""File → Export…, Print…, Export as PDF…, the "Copy" commands and Help → Library….

The commands are registered just after the first paint (like search and the section commands).
Export runs on a worker thread with its own connection (:class:`ExportThread`), its progress and
a Cancel button in the status bar, so that a hundred thousand articles never freeze the window;
the work is :func:`reader.core.export.export`. What to export is chosen in :class:`ExportDialog`:
the selected articles, the current search's results, or the view the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.core import export as core_export
from reader.core.export_formats import EXTENSIONS, FORMAT_NAMES, FORMATS, as_text
from reader.core.store import Library
from reader.core.views import View, article

from .commands import CommandError
from .library_thread import LibraryThread
from .progress_status import ProgressStatus
from .selection import selected_ids

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass(frozen=True)
class Source:
    """What to export: ids (a selection), a search (query and scope), or a view."""

    label: str
    ids: tuple[int, ...] | None = None
    query: str | None = None
    scope: View | None = None
    view: View | None = None


def sources(window: MainWindow) -> list[Source]:
    """What the window can export now, the likeliest first."""
    found = []
    ids = selected_ids(window)
    if ids:
        n = len(ids)
        found.append(Source(f"The selected article{'s' if n > 1 else ''} ({n:,})", ids=tuple(ids)))
    search = window._search
    if search is not None and search.active and search.bar.text().strip():
        text = search.bar.text().strip()
        scope = None if search.bar.whole_library else search.scope()
        found.append(Source(f"The results of the search “{text}”", query=text, scope=scope))
    view = window.current_view
    name = window.sidebar_model.name_of(view) or "this view"
    found.append(Source(f"Every article in {name}", view=view))
    return found


def source_ids(lib: Library, source: Source) -> list[int] | None:
    """The ids to export (None: the whole library)."""
    if source.ids is not None:
        return list(source.ids)
    if source.query is not None:
        return core_export.search_ids(lib, source.query, scope=source.scope)
    if source.view is not None and source.view.kind != "all":
        return core_export.view_ids(lib, source.view)
    return None


class ExportThread(LibraryThread):
    """One export. ``progressed(done, total)``; then ``finished_export(Exported)`` or
    ``failed(message)``."""

    finished_export = Signal(object)
    expected = (core_export.ExportError,)

    def __init__(
        self, library_path: Path, source: Source, target: Path, fmt: str, folder: bool,
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(library_path, parent)
        self.source = source
        self.target = target
        self.fmt = fmt
        self.folder = folder

    def work(self, lib: Library) -> None:
        ids = source_ids(lib, self.source)
        if ids is not None and not ids:
            self.failed.emit("Nothing to export: no articles.")
            return
        result = core_export.export(
            lib, self.target, self.fmt, ids=ids, folder=self.folder,
            title=f"Dispatch: {self.source.label}",
            progress=lambda done, total: self.progressed.emit(done, total),
            cancelled=self._cancel.is_set,
        )  # fmt: skip
        self.finished_export.emit(result)

    def stopped(self, error: Exception) -> str:
        return f"Export failed: {error}"


class ExportDialog(QDialog):
    """What to export, in which format, one file or one each, and where."""

    def __init__(self, parent: QWidget | None, choices: list[Source], start_dir: Path) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export articles")
        self.choices = choices
        self.start_dir = start_dir
        self.source_buttons = [QRadioButton(c.label, self) for c in choices]
        self.source_buttons[0].setChecked(True)
        self.format_box = QComboBox(self)
        self.format_box.setObjectName("exportFormat")
        for fmt in FORMATS:
            self.format_box.addItem(FORMAT_NAMES[fmt], fmt)
        self.each_box = QCheckBox("One file per article, in a folder", self)
        self.each_box.setObjectName("exportEach")
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setMinimumWidth(360)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        what = QVBoxLayout()
        for b in self.source_buttons:
            what.addWidget(b)
        form.addRow("Export:", what)
        form.addRow("Format:", self.format_box)
        form.addRow("", self.each_box)
        form.addRow("Save to:", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._suggest)
        self.each_box.toggled.connect(self._suggest)
        self._suggest()

    @property
    def fmt(self) -> str:
        return str(self.format_box.currentData())

    @property
    def source(self) -> Source:
        return next(c for c, b in zip(self.choices, self.source_buttons) if b.isChecked())

    @property
    def target(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _suggest(self) -> None:
        """A path in the last folder, named for the format (or a folder for one file each)."""
        current = self.path_edit.text().strip()
        folder = Path(current).parent if current else self.start_dir
        name = "Dispatch export" + ("" if self.each_box.isChecked() else EXTENSIONS[self.fmt])
        self.path_edit.setText(str(folder / name))

    def browse(self) -> None:
        if self.each_box.isChecked():
            chosen = QFileDialog.getExistingDirectory(self, "Export into folder", str(self.target))
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to file", str(self.target))
        if chosen:
            self.path_edit.setText(chosen)

    def accept(self) -> None:
        if not self.path_edit.text().strip():
            self.path_edit.setFocus()
            return
        super().accept()


class ExportActions(QObject):
    """The export, print, copy and library commands of one main window."""

    #: An export ended (done, failed or cancelled) and its thread is gone.
    finished_any = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.worker: ExportThread | None = None
        self.status = ProgressStatus(
            "export", "Exporting", "Stop the export; nothing half-written is left"
        )
        window.statusBar().addPermanentWidget(self.status)
        self.status.cancel_button.clicked.connect(self.cancel)
        self.last_dir = Path.home()
        self.last_result: core_export.Exported | None = None
        self.dialog: ExportDialog | None = None
        self._register()
        window.add_part(self)
        window.menus.add_entries()

    def _register(self) -> None:
        from . import print_support
        from .library_info import show_library_info

        add = self.window.registry.add
        add("export", "Export articles…", "Application", self.open_dialog)
        add("print", "Print…", "Application", lambda: print_support.print_articles(self.window))
        add(
            "export-pdf",
            "Export as PDF…",
            "Application",
            lambda: print_support.export_pdf(self.window),
        )
        add("copy-markdown", "Copy the article as Markdown", "Reading", lambda: self.copy("md"))
        add("copy-text", "Copy the article's text", "Reading", lambda: self.copy("txt"))
        add("library-info", "Library…", "Application", lambda: show_library_info(self.window))

    # copies -----------------------------------------------------------------------------------
    def copy(self, fmt: str) -> None:
        """The open article, whole, on the clipboard as Markdown or plain text."""
        article_id = self.window.current_article_id
        record = article(self.window.library, article_id) if article_id is not None else None
        if record is None:
            raise CommandError("Open an article to copy it")
        QApplication.clipboard().setText(as_text(record, record.body, fmt))
        what = "as Markdown" if fmt == "md" else "as text"
        self.window.statusBar().showMessage(f"Copied “{record.title}” {what}", 4000)

    # export -----------------------------------------------------------------------------------
    def open_dialog(self) -> ExportDialog:
        if self.worker is not None:
            raise CommandError("An export is running; wait for it or cancel it")
        dialog = ExportDialog(self.window, sources(self.window), self.last_dir)
        dialog.accepted.connect(lambda: self.start(dialog.source, dialog.target, dialog.fmt,
                                                   dialog.each_box.isChecked()))  # fmt: skip
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def start(self, source: Source, target: Path, fmt: str, folder: bool) -> ExportThread:
        self.last_dir = target if folder else target.parent
        thread = ExportThread(self.window.library.path, source, target, fmt, folder, self)
        thread.progressed.connect(self.status.show_progress)
        thread.finished_export.connect(self._done)
        thread.failed.connect(self._failed)
        thread.finished.connect(self._ended)
        self.worker = thread
        self.status.start()
        thread.start()
        return thread

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.show_cancelling()

    def _done(self, result: core_export.Exported) -> None:
        self.last_result = result
        self.window.statusBar().showMessage(result.summary(), 10000)

    def _failed(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 10000)

    def _ended(self) -> None:
        self.status.hide()
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self.finished_any.emit()

    # window parts -----------------------------------------------------------------------------
    def can_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        """Closing: a running export is cancelled (nothing half-written stays) and waited for."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
