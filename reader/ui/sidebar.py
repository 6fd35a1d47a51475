"""The section sidebar: smart views, sections with unread counts, imported sources."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QPainter,
    QPalette,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
)

from reader.core import views
from reader.core.views import SMART_VIEW_NAMES, SMART_VIEWS, Counts, View

from . import icons
from .article_model import article_ids_from_mime
from .interrupted import is_interrupted
from .plain_text import tooltip

ViewKeyRole = Qt.ItemDataRole.UserRole + 1
CountRole = Qt.ItemDataRole.UserRole + 2
KindRole = Qt.ItemDataRole.UserRole + 3  # "view" or "header"

SMART_ICONS = {
    "all": "mdi6.newspaper-variant-multiple-outline",
    "unread": "mdi6.circle-medium",
    "starred": "mdi6.star-outline",
    "today": "mdi6.calendar-today",
    "trash": "mdi6.trash-can-outline",
}


def header_item(text: str) -> QStandardItem:
    """A group's heading in the sidebar (Sections, Sources, Saved searches): small bold text."""
    item = QStandardItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    item.setData("header", KindRole)
    font = QFont()
    font.setBold(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 0.85)
    item.setFont(font)
    return item


class SidebarModel(QStandardItemModel):
    """Items carry their view key; counts are a role painted by :class:`CountDelegate`."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_name(index)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            tip = super().data(index, Qt.ItemDataRole.ToolTipRole)
            return accessible_description(index, str(tip or ""))
        value = super().data(index, role)
        if role == Qt.ItemDataRole.ToolTipRole and value:
            return tooltip(value)  # source file names and section names are not markup
        return value

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: dict[str, QStandardItem] = {}
        self._icon_names: dict[str, str] = {}
        self.icons_enabled = False
        self.sections_header = header_item("Sections")
        self.sources_header = header_item("Sources")

    def _view_item(
        self, view: View, text: str, icon_name: str | None, tooltip: str
    ) -> QStandardItem:
        item = QStandardItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setData(view.key, ViewKeyRole)
        item.setData("view", KindRole)
        item.setData(0, CountRole)
        item.setToolTip(tooltip)
        if icon_name:
            self._icon_names[view.key] = icon_name
            if self.icons_enabled:
                item.setIcon(icons.icon(icon_name))
        self._items[view.key] = item
        return item

    def populate(self, sections: list[views.Section], sources: list[views.Source]) -> None:
        """Build the tree; called at start and when sections or sources appear."""
        self.clear()
        self.setHorizontalHeaderLabels(["Views"])  # the hidden header, as screen readers read it
        self._items.clear()
        self._icon_names.clear()
        root = self.invisibleRootItem()
        for kind in SMART_VIEWS:
            tip = {
                "all": "Every article in the library",
                "unread": "Articles you have not opened",
                "starred": "Articles you starred (S)",
                "today": "Articles added in the last 24 hours",
            }[kind]
            root.appendRow(
                self._view_item(View(kind), SMART_VIEW_NAMES[kind], SMART_ICONS[kind], tip)
            )
        self.sections_header = header_item("Sections")
        root.appendRow(self.sections_header)
        for s in sections:
            self.sections_header.appendRow(
                self._view_item(
                    View("section", s.id), s.name, "mdi6.folder-outline", f"Section {s.name}"
                )
            )
        self.sources_header = header_item("Sources")
        root.appendRow(self.sources_header)
        for src in sources:
            text, tip = source_text(src)
            self.sources_header.appendRow(
                self._view_item(View("source", src.id), text, "mdi6.file-document-outline", tip)
            )
        # Last, as in a mail client: deleted articles, until restored or emptied.
        tip = "Deleted articles: restore them (R) or empty the Trash"
        root.appendRow(self._view_item(View("trash"), "Trash", SMART_ICONS["trash"], tip))

    def refresh_sources(self, sources: list[views.Source]) -> bool:
        """The source rows' names and tooltips, in place, when the same sources are listed in
        the same order (an import's batches change only their counts); False when the tree must
        be built again. A rebuild repaints the whole sidebar and recreates every item: done for
        each batch of an import, it was a third of the window's work per batch."""
        keys = [View("source", src.id).key for src in sources]
        header = self.sources_header
        if [header.child(i).data(ViewKeyRole) for i in range(header.rowCount())] != keys:
            return False
        for src, key in zip(sources, keys, strict=True):
            item = self._items[key]
            text, tip = source_text(src)
            if item.text() != text:
                item.setText(text)
            if item.toolTip() != tip:
                item.setToolTip(tip)
        return True

    def enable_icons(self) -> None:
        """Give items their icons; done after the first paint (loading qtawesome takes 0.4 s)."""
        self.icons_enabled = True
        for key, name in self._icon_names.items():
            self._items[key].setIcon(icons.icon(name))

    def item_for(self, view: View) -> QStandardItem | None:
        return self._items.get(view.key)

    def index_for(self, view: View) -> QModelIndex:
        item = self.item_for(view)
        return item.index() if item is not None else QModelIndex()

    def name_of(self, view: View) -> str:
        item = self.item_for(view)
        return item.text() if item is not None else SMART_VIEW_NAMES.get(view.kind, "")

    def set_counts(self, counts: Counts) -> None:
        for key, item in self._items.items():
            n = counts.unread.get(key, 0)
            if item.data(CountRole) != n:
                item.setData(n, CountRole)

    def views_in_order(self) -> list[View]:
        """Every view, in sidebar order (collapsed groups included)."""
        out = []
        for key in self._items:
            view = View.from_key(key)
            if view is not None:
                out.append(view)
        return out


def source_text(src: views.Source) -> tuple[str, str]:
    """A source row's text (its name, and its state unless done) and tooltip."""
    state = "interrupted" if is_interrupted(src.status, src.error) else src.status
    status = "" if src.status == "done" else f" ({state})"
    tip = (
        f"{src.path}\nImported {src.imported_at[:16]} UTC{status}\n"
        f"{src.new_count:,} new, {src.duplicate_count:,} duplicates, "
        f"{src.skipped_count:,} skipped"
    )
    if src.error:
        tip += f"\n{src.error}"
    return src.name + status, tip


def accessible_name(index: QModelIndex | QPersistentModelIndex) -> str:
    """A row as a screen reader says it: "World, 12 unread"; a source's count is of articles."""
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    count = index.data(CountRole)
    if index.data(KindRole) != "view" or count is None:
        return text
    key = str(index.data(ViewKeyRole) or "")
    if key.startswith("source:") or key == "trash":
        return f"{text}, {count:,} article{'s' if count != 1 else ''}"
    return f"{text}, {count:,} unread" if count else f"{text}, none unread"


def accessible_description(index: QModelIndex | QPersistentModelIndex, tip: str) -> str:
    """Where a row sits (its group, its place) and what its tooltip says.

    The tree is flat for Qt's accessibility (headings and their items are siblings), so the
    group is said in words: "Section in Sections, 2 of 9".
    """
    parent = index.parent()
    tip = tip.replace("\n", "; ")  # the tooltip's own text (plain: it is never markup here)
    if index.data(KindRole) == "header":
        n = index.model().rowCount(index)
        return f"Group of {n:,} {'entry' if n == 1 else 'entries'}"
    if not parent.isValid():
        return f"View: {tip}" if tip else "View"
    group = str(parent.data(Qt.ItemDataRole.DisplayRole) or "")
    place = f"{index.row() + 1} of {index.model().rowCount(parent)}"
    kind = "Source" if str(index.data(ViewKeyRole) or "").startswith("source:") else "Item"
    if kind == "Item" and str(index.data(ViewKeyRole) or "").startswith("section:"):
        kind = "Section"
    detail = tip if kind == "Source" else ""
    return f"{kind} in {group}, {place}" + (f": {detail}" if detail else "")


class CountDelegate(QStyledItemDelegate):
    """Paints the count at the right edge of a row, dimmed; headers get no count."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        count = index.data(CountRole)
        if index.data(KindRole) != "view" or not count:
            super().paint(painter, option, index)
            return
        # Here, not at the top: QStyle's first use builds its thousand enum values (8 ms), and
        # the first paint has no counts yet (they are read just after it).
        from PySide6.QtWidgets import QStyle

        text = f"{count:,}"
        fm = option.fontMetrics
        width = fm.horizontalAdvance(text) + 12
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.rect = QRect(
            option.rect.x(), option.rect.y(), option.rect.width() - width, option.rect.height()
        )
        if opt.widget is not None:
            # The row's background (selection, hover) across the full width, count included.
            full = QStyleOptionViewItem(option)
            self.initStyleOption(full, index)
            opt.widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, opt.widget
            )
        super().paint(painter, opt, index)
        painter.save()
        selected = option.state & QStyle.StateFlag.State_Selected
        group = (
            QPalette.ColorGroup.Active
            if option.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(group, role))
        rect = QRect(option.rect.right() - width, option.rect.y(), width - 6, option.rect.height())
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 48, max(size.height(), 24))


class Sidebar(QTreeView):
    #: Articles dragged from the list were dropped on a section: (article ids, section id).
    articles_dropped = Signal(list, int)

    def __init__(self, model: SidebarModel, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionSidebar")
        self.setAccessibleName("Sidebar")
        self.setAccessibleDescription("Views, sections and imported sources, with unread counts")
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setItemDelegate(CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIndentation(12)
        self.setRootIsDecorated(True)
        self.setExpandsOnDoubleClick(True)
        # Article drags only; anything else (files from the desktop) is ignored here, so that
        # Qt passes it up to the window and its import handler.
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self._drop_row: QPersistentModelIndex | None = None

    def sidebar_model(self) -> SidebarModel:
        model = self.model()
        assert isinstance(model, SidebarModel)
        return model

    def select_view(self, view: View) -> None:
        index = self.sidebar_model().index_for(view)
        if not index.isValid():
            return
        parent = index.parent()
        if parent.isValid() and not self.isExpanded(parent):
            self.expand(parent)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    # --- articles dropped on a section ----------------------------------------------------------

    def section_at(self, index: QModelIndex) -> int | None:
        key = index.data(ViewKeyRole) if index.isValid() else None
        view = View.from_key(key) if key else None
        return view.id if view is not None and view.kind == "section" else None

    def _set_drop_row(self, index: QModelIndex | None) -> None:
        new = QPersistentModelIndex(index) if index is not None and index.isValid() else None
        if new == self._drop_row:
            return
        old, self._drop_row = self._drop_row, new
        for i in (old, new):
            if i is not None and i.isValid():
                index = QModelIndex(i)  # type: ignore[call-overload]  # stubs lack this one
                self.viewport().update(self.visualRect(index))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if article_ids_from_mime(event.mimeData()):
            # The drag is ours: accepted here so that the moves come to us; each move then says
            # whether the row under the mouse takes the articles.
            index = self.indexAt(event.position().toPoint())
            self._set_drop_row(index if self.section_at(index) is not None else None)
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if article_ids_from_mime(event.mimeData()):
            self._drag_over(event)
        else:
            event.ignore()

    def _drag_over(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        rect = self.visualRect(index)
        if self.section_at(index) is None:
            self._set_drop_row(None)
            event.ignore(rect)
            return
        self._set_drop_row(index)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept(rect)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_row(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_row(None)
        ids = article_ids_from_mime(event.mimeData())
        section_id = self.section_at(self.indexAt(event.position().toPoint()))
        if not ids or section_id is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.articles_dropped.emit(ids, section_id)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        target = self.drop_target()
        if target.isValid():
            painter = QPainter(self.viewport())
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawRoundedRect(self.visualRect(target).adjusted(1, 1, -2, -2), 4, 4)
            painter.end()

    def drop_target(self) -> QModelIndex:
        """The section row a drag hovers (painted highlighted), or an invalid index."""
        if self._drop_row is None:
            return QModelIndex()
        return QModelIndex(self._drop_row)  # type: ignore[call-overload]  # stubs lack this one
