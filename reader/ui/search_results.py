"""The search results table: two lines a row (title over snippet), where the article list was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from .search_engine import DATE, SECTION, TITLE

RESULTS_STYLE = """
#searchResults { border: 2px solid transparent; }
#searchResults:focus { border: 2px solid palette(highlight); }
"""


class SearchResultsView(QTableView):
    """The results, two lines a row (title over snippet), shown where the article list was."""

    def __init__(self, controller_row_height: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setStyleSheet(RESULTS_STYLE)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("searchEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_label.hide()

    def set_up_columns(self) -> None:
        """After the model is set: the title stretches, section and date keep a fixed width."""
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((SECTION, 110), (DATE, 100)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, width)

    def set_empty_text(self, text: str) -> None:
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
        self.empty_label.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.empty_label.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))
