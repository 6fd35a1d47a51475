"""The article list widget: a QTableView (fast at any row count) with an empty state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QDrag, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableView

from .article_model import ADDED, SECTION, SOURCE, TITLE, ArticleListModel
from .list_delegate import COMPACT, Density, RowDelegate

if TYPE_CHECKING:  # made by the first press (QMouseEvent's type costs 13M instructions)
    from PySide6.QtGui import QMouseEvent

#: Compact columns' widths, in the order they give way when the list is narrow (source first,
#: then section, then date) so that headlines keep their room: at least TITLE_SHARE percent of
#: the width and TITLE_MIN pixels.
COLUMN_WIDTHS = ((ADDED, 110), (SECTION, 110), (SOURCE, 120))
TITLE_SHARE = 55
TITLE_MIN = 220


class ArticleList(QTableView):
    def __init__(self, model: ArticleListModel, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("articleList")
        self.setAccessibleName("Articles")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several articles can be selected (Shift/Ctrl-click, Shift+arrows, Ctrl+A) to move
        # them, by the section picker or by dragging them onto a section in the sidebar.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)  # takes no drops itself
        self.setDragEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._widths: dict[int, int] = {}
        self.delegate = RowDelegate(self)
        self.setItemDelegateForColumn(TITLE, self.delegate)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionsClickable(True)
        hh.setSortIndicatorShown(True)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in COLUMN_WIDTHS:
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, width)
        hh.setMinimumSectionSize(60)
        self.set_density(Density(COMPACT))

        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_label.hide()
        # The empty library offers the import right there, not only as a key to remember.
        # Text set apart: the (text, parent) call makes PySide try (icon, text, parent) too,
        # naming QIcon (10M instructions of a start; icons come after the first paint).
        self.empty_button = QPushButton(self.viewport())
        self.empty_button.setText("Import news dumps…")
        self.empty_button.setObjectName("emptyImportButton")
        self.empty_button.setAccessibleName("Import news dumps")
        self.empty_button.hide()
        self.viewport().installEventFilter(self)

    @property
    def density(self) -> Density:
        return self.delegate.density

    def set_density(self, density: Density) -> None:
        """Compact table rows (with clickable headers) or comfortable reader's rows (one column
        drawn whole; the order is then chosen from View → Sort by)."""
        self.delegate.density = density
        self.verticalHeader().setDefaultSectionSize(self.delegate.row_height(self.font()))
        comfortable = density.comfortable
        self.horizontalHeader().setVisible(not comfortable)
        self._show_columns()
        model = self.model()
        if isinstance(model, ArticleListModel):
            model.set_snippets(comfortable and density.snippet_lines > 0)
        self.viewport().update()

    def _show_columns(self) -> None:
        """Comfortable rows: the title column alone. Compact: the columns the width allows."""
        comfortable = self.delegate.density.comfortable
        width = self.viewport().width()
        room = width - max(TITLE_MIN, width * TITLE_SHARE // 100)
        header = self.horizontalHeader()
        for col, default in COLUMN_WIDTHS:
            size = header.sectionSize(col) if not self.isColumnHidden(col) else 0
            need = size or self._widths.get(col, default)
            hide = comfortable or need > room
            if not hide:
                room -= need
            elif size:
                self._widths[col] = size  # its width when it comes back
            if self.isColumnHidden(col) != hide:
                self.setColumnHidden(col, hide)

    def list_model(self) -> ArticleListModel:
        model = self.model()
        assert isinstance(model, ArticleListModel)
        return model

    def set_empty_text(self, html: str | None, import_button: bool = False) -> None:
        """Rich text shown over an empty list (already escaped by the caller)."""
        if html:
            self.empty_label.setText(html)
            self.empty_label.show()
        else:
            self.empty_label.hide()
        self.empty_button.setVisible(bool(html) and import_button)
        self._place_empty_state()

    def _place_empty_state(self) -> None:
        """The message, and the button under it, centred in the list's empty space."""
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        if not self.empty_button.isVisible():
            self.empty_label.setGeometry(area)
            return
        text_height = self.empty_label.heightForWidth(area.width())
        if text_height <= 0:
            text_height = self.empty_label.sizeHint().height()
        hint = self.empty_button.sizeHint()
        top = area.top() + max(0, (area.height() - text_height - hint.height() - 12) // 2)
        self.empty_label.setGeometry(area.left(), top, area.width(), text_height)
        left = area.center().x() - hint.width() // 2
        self.empty_button.setGeometry(left, top + text_height + 12, hint.width(), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty_state()
            self._show_columns()
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A right click asks for the context menu only: it neither selects nor opens the row
        under it (opening would mark the article read)."""
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mousePressEvent(event)

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        """Drag the selected articles with a small label ("3 articles"), not a picture of rows.

        The drop target (a section in the sidebar) moves them; the list itself removes nothing.
        """
        rows = self.selectionModel().selectedRows(TITLE)
        if not rows:
            return
        mime = self.list_model().mimeData(rows)
        drag = QDrag(self)
        drag.setMimeData(mime)
        text = str(rows[0].data()) if len(rows) == 1 else f"{len(rows):,} articles"
        drag.setPixmap(self._drag_label(text))
        drag.setHotSpot(QPoint(-14, -10))  # the label trails the pointer: the row stays visible
        drag.exec(Qt.DropAction.MoveAction)

    def _drag_label(self, text: str) -> QPixmap:
        fm = self.fontMetrics()
        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, 320)
        ratio = self.devicePixelRatioF()
        width, height = fm.horizontalAdvance(text) + 20, fm.height() + 10
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(QRect(0, 0, width, height), 6, 6)
        painter.setPen(self.palette().color(QPalette.ColorRole.HighlightedText))
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap
