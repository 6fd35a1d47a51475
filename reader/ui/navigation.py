"""Moving through a list of articles from the keyboard, written once for every list.

The window's article list and the search results both go through a :class:`ListNavigator`: the
row being read is the selected current row; selecting a row (a key, a click, code) opens its
article, unless code moved the row to show what is already open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView

_Index = QModelIndex | QPersistentModelIndex


class ArticleRows(Protocol):
    """What a list model offers to be navigated: rows that are articles."""

    def article_id(self, row: int) -> int | None: ...

    def row_of(self, article_id: int) -> int | None: ...

    def rowCount(self, parent: _Index = ...) -> int: ...


class ListNavigator:
    """Selection and movement in one list view whose model is :class:`ArticleRows`."""

    def __init__(
        self,
        view: QAbstractItemView,
        open_article: Callable[[int], object],
        open_id: Callable[[], int | None],
    ) -> None:
        self.view = view
        self.open_article = open_article
        self.open_id = open_id
        self._quiet = False  # set while code moves the current row to what is already open

    @property
    def rows(self) -> ArticleRows | None:
        model = self.view.model()
        return model if model is not None and hasattr(model, "article_id") else None  # type: ignore[return-value]

    def watch(self) -> None:
        """Open what the reader selects (call again when the view gets another model)."""
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self.on_current)
        selection.selectionChanged.connect(self.on_current)

    def set_current_row(self, row: int, open_article: bool = True) -> None:
        model = self.view.model()
        index = model.index(row, 0) if model is not None else QModelIndex()
        if not index.isValid():
            return
        self._quiet = not open_article
        try:
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._quiet = False
        self.view.scrollTo(index)

    def selected_row(self) -> int:
        """The row being read, or -1 (a current row nobody selected does not count)."""
        current = self.view.currentIndex()
        if current.isValid() and self.view.selectionModel().isRowSelected(current.row()):
            return current.row()
        return -1

    def selected_article(self) -> int | None:
        row = self.selected_row()
        rows = self.rows
        return rows.article_id(row) if rows is not None and row >= 0 else None

    def move(self, step: int) -> int | None:
        """Select the row ``step`` rows on (the first or last when none is read); its row."""
        rows = self.rows
        count = rows.rowCount() if rows is not None else 0
        if not count:
            return None
        row = self.selected_row()
        target = (0 if step > 0 else count - 1) if row < 0 else max(0, min(count - 1, row + step))
        if target != row:
            self.set_current_row(target)
        return target

    def select_article(self, article_id: int, open_article: bool = True) -> bool:
        """Select an article's row; False when the list does not have it."""
        rows = self.rows
        row = rows.row_of(article_id) if rows is not None else None
        if row is None:
            return False
        self.set_current_row(row, open_article)
        return True

    def clear(self) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)

    def on_current(self, *_args: object) -> None:
        """Open the current row once it is selected (keys, clicks, code).

        A view also makes the first row current, unselected, when it first gets focus; that
        must not open (and mark read) an article nobody chose.
        """
        current = self.view.currentIndex()
        if self._quiet or not current.isValid():
            return
        selection = self.view.selectionModel()
        if not selection.isRowSelected(current.row()):
            return
        ranges = selection.selection()
        if ranges.size() > 1 or (ranges.size() == 1 and ranges.at(0).height() > 1):
            return  # several rows chosen (to move them): keep reading the article open
        rows = self.rows
        article_id = rows.article_id(current.row()) if rows is not None else None
        if article_id is not None and article_id != self.open_id():
            self.open_article(article_id)
