"""Views: opening one (from the sidebar, Shift+J/K, code) and sorting the list.

Opening a view shows it from its top; the article being read stays open only when the view
lists it (else the reading pane says "No article open").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt

from reader.core.views import ALL, Sort, View

from . import settings as S
from .article_model import SORT_COLUMNS, sort_column
from .sidebar import KindRole, ViewKeyRole

if TYPE_CHECKING:
    from .main_window import MainWindow


class ViewSwitcher:
    """Which view the list shows, for one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.sidebar.selectionModel().currentChanged.connect(self._on_sidebar_current)
        window.sidebar.expanded.connect(self._on_sidebar_expanded)
        window.sidebar.collapsed.connect(self._on_sidebar_expanded)
        window.article_list.horizontalHeader().sectionClicked.connect(self._on_header_clicked)

    def open_view(self, view: View) -> None:
        """Show a view in the list (selecting it in the sidebar too)."""
        w = self.window
        if w.sidebar_model.item_for(view) is None:
            view = ALL
        index = w.sidebar_model.index_for(view)
        if w.sidebar.currentIndex() != index:
            w.sidebar.select_view(view)  # -> _on_sidebar_current -> show_view
        else:
            self.show_view(view)

    def _on_sidebar_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(ViewKeyRole)
        view = View.from_key(key) if key else None
        if view is None or view == self.window.list_model.view:
            return
        self.show_view(view)

    def show_view(self, view: View) -> None:
        """Open a view at its top. The article being read stays open when the view lists it,
        and is selected when it is on the view's first page (looking further costs a count)."""
        w = self.window
        model = w.list_model
        model.open_view(view, model.sort_order, w.pane_updates.known_size(view))
        w.article_list.scrollToTop()
        if w.current_article_id is not None and model.rowCount():
            model.row_at(0)
            row = model.cached_row_of(w.current_article_id)
            if row is not None:
                w.reading.list.set_current_row(row, open_article=False)
        w.reading.close_article_not_listed()
        w.pane_updates.update_title()
        w.pane_updates.update_status_counts()
        w.pane_updates.update_empty_state()
        w.view_opened.emit(view.key)

    def move_view(self, step: int) -> None:
        """Shift+J/K: the next (previous) row the sidebar shows, saved searches included.

        Choosing the row does the rest: a view opens in the list, a saved search in the
        results (and choosing a view ends a search).
        """
        w = self.window
        order = self._visible_rows()
        keys = [index.data(ViewKeyRole) for index in order]
        current = w.sidebar.currentIndex()
        key = current.data(ViewKeyRole) if current.isValid() else None
        if key not in keys:
            key = w.current_view.key
        i = keys.index(key) if key in keys else 0
        j = max(0, min(len(order) - 1, i + step))
        if j != i:
            w.sidebar.setCurrentIndex(order[j])

    def _visible_rows(self) -> list[QModelIndex]:
        """The sidebar's rows that open something, top to bottom, as shown (expanded groups)."""
        w = self.window
        model = w.sidebar_model
        out: list[QModelIndex] = []
        for r in range(model.rowCount()):
            index = model.index(r, 0)
            if index.data(KindRole) == "view":
                out.append(index)
            elif w.sidebar.isExpanded(index):
                for c in range(model.rowCount(index)):
                    child = model.index(c, 0, index)
                    if child.data(KindRole) == "view":
                        out.append(child)
        return out

    def _on_sidebar_expanded(self, _index: QModelIndex) -> None:
        w = self.window
        w.settings.set(
            S.SOURCES_EXPANDED, w.sidebar.isExpanded(w.sidebar_model.sources_header.index())
        )

    # -- sorting

    def _on_header_clicked(self, column: int) -> None:
        w = self.window
        header = w.article_list.horizontalHeader()
        sort = w.list_model.sort_order
        if column not in SORT_COLUMNS:
            self.show_sort_indicator()
            return
        key = SORT_COLUMNS[column]
        # Same column: flip the order; another: its natural order (newest first, A to Z).
        descending = (not sort.descending) if key == sort.key else key == "date"
        self.set_sort(Sort(key, descending))
        header.setSortIndicatorShown(True)

    def set_sort(self, sort: Sort) -> None:
        """List in this order (from a header, View → Sort by), kept for this library."""
        w = self.window
        w.list_model.set_sort(sort)
        sort = w.list_model.sort_order
        w.settings.set(S.SORT_KEY, sort.key)
        w.settings.set(S.SORT_DESCENDING, sort.descending)
        self.show_sort_indicator()
        if w.current_article_id is not None:
            w.reading.list.select_article(w.current_article_id, open_article=False)

    def show_sort_indicator(self) -> None:
        w = self.window
        sort = w.list_model.sort_order
        w.article_list.horizontalHeader().setSortIndicator(
            sort_column(sort.key),
            Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder,
        )
