"""The article list's context menu: the list's commands, for the rows under the pointer.

Entries are the registry's commands, labelled with the keys bound to them now (the menu is built
at each opening, so a key rebound in Preferences shows at once). They act on the rows clicked —
the selection when the clicked row is in it, else that row alone — and never open (so never mark
read) an article just because the menu was asked for over it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from reader.core import marking as flags

from .commands import CommandError
from .menus import show_key

if TYPE_CHECKING:
    from reader.core.views import Row

    from .main_window import MainWindow

#: More rows than this and the menu offers nothing row by row (each would be looked up).
MAX_ROWS = 5000
#: Commands of other parts that act on the selected articles, listed (with these names) when
#: they are registered: export (ui/export*.py) and the Trash (ui/trash_actions.py).
LATER_COMMANDS = {
    "export": "Export…",
    "delete-articles": "Move to the Trash",
    "delete-forever": "Delete for good…",
}
#: In the Trash, what can be done with its articles.
TRASH_COMMANDS = {
    "restore-articles": "Restore",
    "delete-from-trash": "Delete for good…",
}


class ListMenu:
    """The context menu of one window's article list."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_menu: QMenu | None = None
        view = window.article_list
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.open_at)
        window.registry.add(
            "copy-headline",
            "Copy the headline (of every selected article)",
            "Articles",
            self.copy_selected_headlines,
        )

    # -- which rows

    def target_rows(self, index: QModelIndex) -> list[int]:
        """The rows a menu over ``index`` acts on, in list order."""
        view = self.window.article_list
        selection = view.selectionModel()
        if index.isValid() and selection.isRowSelected(index.row()):
            rows: set[int] = set()
            ranges = selection.selection()
            for rng in (ranges.at(i) for i in range(ranges.size())):
                rows.update(range(rng.top(), rng.bottom() + 1))
                if len(rows) > MAX_ROWS:
                    break
            return sorted(rows)[:MAX_ROWS]
        return [index.row()] if index.isValid() else []

    def _rows(self, rows: list[int]) -> list[Row]:
        model = self.window.list_model
        return [r for r in (model.row_at(i) for i in rows) if r is not None]

    # -- the menu

    def open_at(self, pos: QPoint) -> None:
        view = self.window.article_list
        index = view.indexAt(pos)
        if not index.isValid():  # the keyboard's menu key: the current row
            index = view.currentIndex()
            pos = view.visualRect(index).center() if index.isValid() else pos
        menu = self.build(index)
        if menu is None:
            return
        self.last_menu = menu
        view.delegate.menu_rows = set(self.target_rows(index))  # framed while the menu is open
        view.viewport().update()
        try:
            menu.exec(view.viewport().mapToGlobal(pos))
        finally:
            view.delegate.menu_rows = set()
            view.viewport().update()

    def build(self, index: QModelIndex) -> QMenu | None:
        rows = self.target_rows(index)
        articles = self._rows(rows)
        if not articles:
            return None
        w = self.window
        menu = QMenu(w)
        menu.setObjectName("articleMenu")
        ids = [r.id for r in articles]
        one = len(articles) == 1

        def add(text: str, command: str | None, run: Callable[[], object]) -> None:
            action = menu.addAction(text)
            if command:
                show_key(action, w.keymap.display(command).split(", ")[0])
            action.setObjectName(f"menu-{command or text.split()[0].lower()}")
            action.triggered.connect(lambda _=False: self._run(run))

        if one:
            add("Open", None, lambda: self._open(rows[0]))
            add("Read in focus mode", "focus-mode", lambda: self._open(rows[0], focus=True))
            menu.setDefaultAction(menu.actions()[0])
            menu.addSeparator()
        if w.current_view.kind == "trash":
            for name, text in TRASH_COMMANDS.items():
                if name in w.registry:
                    add(text, name, partial(self._select_and_run, rows, name))
            menu.addSeparator()
            add(
                "Copy headline" if one else f"Copy {len(articles):,} headlines",
                "copy-headline",
                lambda: self.copy_headlines(articles),
            )
            return menu
        unread = any(not r.read for r in articles)
        add(
            "Mark as read" if unread else "Mark as unread",
            "toggle-read",
            lambda: self.set_flag(ids, "read", unread),
        )
        unstarred = any(not r.starred for r in articles)
        add(
            "Star" if unstarred else "Unstar",
            "toggle-star",
            lambda: self.set_flag(ids, "starred", unstarred),
        )
        menu.addSeparator()
        if "move-to-section" in w.registry:
            add("Move to section…", "move-to-section", lambda: self._move(rows))
        add(
            "Copy headline" if one else f"Copy {len(articles):,} headlines",
            "copy-headline",
            lambda: self.copy_headlines(articles),
        )
        later = [name for name in LATER_COMMANDS if name in w.registry]
        if later:
            menu.addSeparator()
        for name in later:
            add(LATER_COMMANDS[name], name, partial(self._select_and_run, rows, name))
        return menu

    def _run(self, run: Callable[[], object]) -> None:
        try:
            run()
        except CommandError as e:
            self.window.statusBar().showMessage(str(e), 8000)

    # -- what the entries do

    def _open(self, row: int, focus: bool = False) -> None:
        w = self.window
        w.reading.list.set_current_row(row)
        if focus:
            w.run_command("focus-mode")

    def _select(self, rows: list[int]) -> None:
        """Select the rows (without opening one): commands that act on the selection see them."""
        w = self.window
        model = w.list_model
        selection = w.article_list.selectionModel()
        selected = set(self.target_rows(w.article_list.currentIndex()))
        if selected == set(rows) and len(rows) > 1:
            return  # already the selection
        flags_ = QItemSelectionModel.SelectionFlag.Rows
        selection.select(
            model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | flags_
        )
        for r in rows[1:]:
            selection.select(model.index(r, 0), QItemSelectionModel.SelectionFlag.Select | flags_)

    def _move(self, rows: list[int]) -> None:
        self._select_and_run(rows, "move-to-section")

    def _select_and_run(self, rows: list[int], name: str) -> None:
        self._select(rows)
        self.window.run_command(name)

    def set_flag(self, ids: list[int], column: Literal["read", "starred"], value: bool) -> None:
        """Mark these articles (undoable, told to every pane like any marking)."""
        w = self.window
        marking = w.marking

        def done(change: flags.Change) -> None:
            marking.mark(change)
            what = "1 article" if len(ids) == 1 else f"{len(ids):,} articles"
            word = {
                ("read", True): "read",
                ("read", False): "unread",
                ("starred", True): "starred",
                ("starred", False): "unstarred",
            }[(column, value)]
            hint = w.key_hint("undo")
            w.statusBar().showMessage(f"Marked {what} {word} — {hint} to undo", 4000)

        library = w.library
        marking.writer.write(lambda: flags.set_flag(library, ids, column, value), done)

    def copy_headlines(self, articles: list[Row]) -> None:
        """Headlines as plain text, one a line."""
        QGuiApplication.clipboard().setText("\n".join(r.title for r in articles))
        n = len(articles)
        self.window.statusBar().showMessage(
            "Headline copied" if n == 1 else f"{n:,} headlines copied", 3000
        )

    def copy_selected_headlines(self) -> None:
        """The command: the selected rows' headlines, else the open article's."""
        w = self.window
        rows = self.target_rows(w.article_list.currentIndex())
        articles = self._rows(rows)
        if not articles and w.current_article_id is not None:
            row = w.list_model.row_of(w.current_article_id)
            articles = self._rows([row]) if row is not None else []
        if not articles:
            raise CommandError("No article to copy the headline of")
        self.copy_headlines(articles)
