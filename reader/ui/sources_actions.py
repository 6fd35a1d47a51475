"""Imported files in the sidebar: remove one with its articles, import it again, clear failures.

Each is a command (File menu) acting on the source selected in the sidebar (or open in the
list), and an entry of the sidebar's menu on a source. Removing says how many articles go and
asks first; they go to the Trash, and Ctrl+Z brings the file and its articles back. The sidebar's
menu on the Trash empties it; on the Sources heading it clears the failed and cancelled entries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from reader.core import sources as core_sources
from reader.core.trash import Deleted
from reader.core.views import ALL, View

from .commands import CommandError
from .sidebar import ViewKeyRole
from .trash_actions import articles

if TYPE_CHECKING:
    from .main_window import MainWindow


class SourceActions(QObject):
    """The source commands of one window; the window owns it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        add = window.registry.add
        add(
            "remove-source",
            "Remove the selected file and its articles…",
            "Application",
            lambda: self.remove_source(),
        )
        add(
            "reimport-source",
            "Import the selected file again",
            "Application",
            lambda: self.reimport_source(),
        )
        add(
            "clear-failed-sources",
            "Clear failed and cancelled imports from the sidebar…",
            "Application",
            self.clear_failed,
        )
        add("retention", "Old articles…", "Application", self.show_retention)
        window.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.sidebar.customContextMenuRequested.connect(self._sidebar_menu)

    @property
    def lib(self):
        return self.window.library

    def _status(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def selected_source(self) -> int | None:
        """The source selected in the sidebar, else the one open in the list."""
        key = self.window.sidebar.currentIndex().data(ViewKeyRole)
        view = View.from_key(key) if key else None
        if view is None or view.kind != "source":
            view = self.window.current_view
        return view.id if view.kind == "source" else None

    def _source(self, source_id: int | None) -> core_sources.SourceInfo:
        sid = source_id if source_id is not None else self.selected_source()
        info = core_sources.source_info(self.lib, sid) if sid is not None else None
        if info is None:
            raise CommandError("Select an imported file in the sidebar first")
        return info

    def _ask(self, title: str, text: str, button: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # file names are text, never markup
        yes = box.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("sourceConfirm")
        box.exec()
        return box.clickedButton() is yes

    # -- commands

    def remove_source(self, source_id: int | None = None) -> None:
        """Remove a file from the library: its articles to the Trash, after saying how many."""
        info = self._source(source_id)
        if info.status == "running":
            raise CommandError(f"“{info.name}” is being imported: cancel the import first")
        undo = self.window.key_hint("undo")
        if not self._ask(
            "Remove an imported file",
            f"Remove “{info.name}” and its {articles(info.articles)} from the library?\n\n"
            f"The articles go to the Trash; {undo} brings the file and its articles back.",
            f"Remove {articles(info.articles)}",
        ):
            return
        w = self.window
        if w.current_view == View("source", info.id):
            w.open_view(ALL)

        def done(deleted: Deleted) -> None:
            w.trash.push_delete(deleted)
            w.trash._publish(names=True)
            self._status(
                f"Removed “{info.name}”: {articles(deleted.count)} moved to the Trash"
                f" — {undo} to undo",
                8000,
            )

        w.trash.jobs.run(
            "Removing the file",
            lambda lib, progress: core_sources.remove_source(lib, info.id, progress=progress),
            done,
        )

    def reimport_source(self, source_id: int | None = None) -> None:
        """Import the source's file again: resumes an interrupted import, retries a failed one,
        and brings back only what the library lacks of a finished one."""
        info = self._source(source_id)
        path = Path(info.path)
        if not path.is_file():
            raise CommandError(f"“{info.name}” is no longer at {info.path}")
        handler = self.window.import_paths_handler
        if handler is None:
            raise CommandError("Import from the command line for now: dispatch import FILE…")
        if core_sources.forget_failed(self.lib, info.id):
            self.window.trash._publish(names=True)
        handler([path])

    def clear_failed(self) -> None:
        n = core_sources.clearable_count(self.lib)
        if n == 0:
            self._status("No failed or cancelled imports to clear", 4000)
            return
        entries = "1 entry" if n == 1 else f"{n:,} entries"
        if not self._ask(
            "Clear failed and cancelled imports",
            f"Clear {entries} of failed or cancelled imports from the sidebar?\n\n"
            "The articles a cancelled import stored stay in the library.",
            f"Clear {entries}",
        ):
            return
        cleared = core_sources.clear_failed(self.lib)
        self.window.trash._publish(names=True)
        self._status(f"Cleared {cleared:,} import entr{'y' if cleared == 1 else 'ies'}", 5000)

    def show_retention(self) -> None:
        from .retention_dialog import RetentionDialog

        RetentionDialog(self.window).exec()

    # -- the sidebar's menu on a source, the Trash and the Sources heading

    def _sidebar_menu(self, pos: QPoint) -> None:
        menu = self.build_sidebar_menu(self.window.sidebar.indexAt(pos))
        if menu is not None:
            menu.exec(self.window.sidebar.viewport().mapToGlobal(pos))

    def build_sidebar_menu(self, index: QModelIndex) -> QMenu | None:
        key = index.data(ViewKeyRole) if index.isValid() else None
        view = View.from_key(key) if key else None
        is_sources = index.isValid() and index == self.window.sidebar_model.sources_header.index()
        if not is_sources and (view is None or view.kind not in ("source", "trash")):
            return None
        menu = QMenu(self.window)
        menu.setObjectName("sourceMenu")
        keys = self.window.keymap

        def add(text: str, command: str, run: Callable[[], object]) -> None:
            shortcut = keys.display(command).split(", ")[0]
            action = menu.addAction(f"{text}\t{shortcut}" if shortcut else text)
            action.setObjectName(f"menu-{command}")
            action.triggered.connect(lambda _=False: self._run(command, run))

        if view is not None and view.kind == "trash":
            add("Empty the Trash…", "empty-trash", self.window.trash.empty_trash)
            return menu
        if view is not None and view.id is not None:
            sid = view.id
            add("Import again", "reimport-source", lambda: self.reimport_source(sid))
            fixes = self.window.hand_fixes  # re-parse: reader/ui/hand_fixes.py
            add("Re-parse with today's parser…", "reparse-source", lambda: fixes.reparse_id(sid))
            add("Remove with its articles…", "remove-source", lambda: self.remove_source(sid))
            menu.addSeparator()
        add("Clear failed and cancelled imports…", "clear-failed-sources", self.clear_failed)
        return menu

    def _run(self, name: str, run: Callable[[], object]) -> None:
        """A menu entry: a refusal goes to the status bar like a key's."""
        try:
            run()
        except CommandError as e:
            self._status(str(e), 8000)
