"""How the article list draws a row: a compact table row, or a reader's comfortable row.

Comfortable rows show the headline on up to two lines, a line of source · section · date and,
if wanted, one or two lines of snippet; an unread dot and a star in both densities. Every row of
a density has the same height (the table then lays out a million rows at once), so a one-line
headline leaves its row's last line empty instead of growing or shrinking the row.

Everything is drawn as plain text (drawText with strings): nothing from a dump is markup here.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from .article_model import TITLE, ArticleListModel

COMPACT = "compact"
COMFORTABLE = "comfortable"
DENSITIES = ((COMPACT, "Compact table"), (COMFORTABLE, "Comfortable rows"))
#: Snippet lines a comfortable row can show.
SNIPPET_CHOICES = ((0, "No snippet"), (1, "One line of snippet"), (2, "Two lines of snippet"))

GUTTER = 22  # the unread dot's column
PAD = 6
DOT = 8
STAR = "★"
UNREAD_BLUE = QColor(40, 120, 230)
STAR_GOLD = QColor(222, 160, 0)
SEPARATOR = " · "

_Index = QModelIndex | QPersistentModelIndex
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_MIDDLE_LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft


class Density(NamedTuple):
    """How the list's rows are drawn.

    A named tuple, not a frozen dataclass: making that class ran its generated methods
    through the compiler at every start (about 3M instructions of it).
    """

    kind: str = COMFORTABLE
    snippet_lines: int = 2

    @property
    def comfortable(self) -> bool:
        return self.kind == COMFORTABLE


def blend(a: QColor, b: QColor, share_of_a: float) -> QColor:
    """A colour between two (a muted text colour that follows the theme)."""
    t = share_of_a
    return QColor(
        round(a.red() * t + b.red() * (1 - t)),
        round(a.green() * t + b.green() * (1 - t)),
        round(a.blue() * t + b.blue() * (1 - t)),
    )


def wrapped_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width`` on at most ``max_lines`` lines, the last elided with "…"."""
    if width <= 0 or not text:
        return []
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    layout.beginLayout()
    out: list[str] = []
    while len(out) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        if len(out) == max_lines - 1 and start + length < len(text):
            out.append(metrics.elidedText(text[start:], Qt.TextElideMode.ElideRight, width))
        else:
            out.append(text[start : start + length].rstrip())
    layout.endLayout()
    return out


def meta_line(source: str, section: str, when: str, metrics: QFontMetrics, width: int) -> str:
    """ "source · section · date" in ``width``: the source gives way first (cut, then left out),
    so the section and the date always read whole when they fit at all."""
    tail = SEPARATOR.join(p for p in (section, when) if p)
    if source:
        room = width - metrics.horizontalAdvance(SEPARATOR + tail)
        if room >= metrics.horizontalAdvance("wire…"):
            short = metrics.elidedText(source, Qt.TextElideMode.ElideRight, room)
            return f"{short}{SEPARATOR}{tail}" if tail else short
    return metrics.elidedText(tail, Qt.TextElideMode.ElideRight, width)


class RowTexts(NamedTuple):
    headline: list[str]
    meta: str
    snippet: list[str]


class RowDelegate(QStyledItemDelegate):
    """Draws the title column (the whole row in comfortable density) of the article list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.density = Density()
        #: Rows a context menu is open for: framed, since the menu does not select them.
        self.menu_rows: set[int] = set()
        self._fonts: dict[str, tuple[QFont, QFont, QFont, QFont]] = {}
        self._metrics: dict[str, QFontMetrics] = {}
        self._bare = False  # initStyleOption leaves the option as the view made it

    # -- fonts and sizes

    def fonts(self, base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        """Unread headline, read headline, meta line, snippet (made once per base font)."""
        key = base.key()
        known = self._fonts.get(key)
        if known is None:
            known = self._fonts[key] = self._make_fonts(base)
        return known

    def metrics(self, font: QFont) -> QFontMetrics:
        key = font.key()
        known = self._metrics.get(key)
        if known is None:
            known = self._metrics[key] = QFontMetrics(font)
        return known

    @staticmethod
    def _make_fonts(base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        bold = QFont(base)
        bold.setBold(True)
        headline = QFont(base)
        headline.setWeight(QFont.Weight.Medium)
        small = QFont(base)
        size = base.pointSizeF()
        if size > 0:
            small.setPointSizeF(max(6.0, size * 0.9))
        return bold, headline, small, QFont(base)

    def row_height(self, base: QFont) -> int:
        """One height for every row of the density (uniform rows keep a million rows fast)."""
        plain = QFontMetrics(base)
        if not self.density.comfortable:
            return plain.height() + 10
        bold, _read, small, snippet = self.fonts(base)
        height = PAD + 2 * self.metrics(bold).lineSpacing() + 3 + self.metrics(small).lineSpacing()
        if self.density.snippet_lines:
            height += 3 + self.density.snippet_lines * self.metrics(snippet).lineSpacing()
        return height + PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), self.row_height(option.font))

    # -- painting

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        if index.column() != TITLE or not isinstance(model, ArticleListModel):
            super().paint(painter, option, index)
            return
        row = model.row_at(index.row())
        if row is None:
            return
        self._background(painter, option, index)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        # What option.state says (State_Selected, State_Active), asked of the view: reading
        # option.state names QStyle, whose first use builds a thousand enum values (44M
        # instructions, 4% of a start), and the first paint needs nothing else of it.
        view = option.widget
        selected = isinstance(view, QAbstractItemView) and bool(
            view.selectionModel().isSelected(index)
        )
        group = (
            QPalette.ColorGroup.Active
            if view is not None and view.isActiveWindow()
            else QPalette.ColorGroup.Inactive
        )
        text = palette.color(
            group,
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text,
        )
        back = palette.color(
            group, QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.density.comfortable:
            self._paint_comfortable(painter, option, index.row(), model, text, back, selected)
        else:
            self._paint_compact(painter, option, model, index.row(), text, selected)
        if not selected and self.density.comfortable:
            painter.setPen(blend(text, back, 0.12))
            painter.drawLine(rect.left() + GUTTER, rect.bottom(), rect.right() - PAD, rect.bottom())
        if index.row() in self.menu_rows:
            painter.setPen(palette.color(group, QPalette.ColorRole.Highlight))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)
        painter.restore()

    def _background(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """The style's own row background (selection, hover, focus), without the text: the
        option as the view made it, not filled from the model (ten data() calls a cell).

        Qt's own paint draws it (the style's CE_ItemViewItem) with :meth:`initStyleOption` told
        to leave the option bare: calling the style from Python would name QStyle."""
        if option.widget is None:
            return
        self._bare = True
        try:
            super().paint(painter, option, index)
        finally:
            self._bare = False

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        if not self._bare:
            super().initStyleOption(option, index)

    def _marks(
        self,
        painter: QPainter,
        rect: QRect,
        centre_y: int,
        read: bool,
        starred: bool,
        selected: bool,
        text: QColor,
    ) -> None:
        """The unread dot in the gutter; the star under it (or in its place)."""
        x = rect.left() + (GUTTER - DOT) // 2 + 1
        if not read:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(text if selected else UNREAD_BLUE)
            painter.drawEllipse(QRectF(x, centre_y - DOT / 2, DOT, DOT))
        if starred:
            painter.setPen(text if selected else STAR_GOLD)
            star_y = centre_y if read else centre_y + painter.fontMetrics().lineSpacing()
            box = QRect(rect.left(), star_y - 10, GUTTER, 20)
            if not self.density.comfortable and not read:
                box = QRect(rect.right() - GUTTER, centre_y - 10, GUTTER, 20)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, STAR)

    def _paint_compact(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        model: ArticleListModel,
        row: int,
        text: QColor,
        selected: bool,
    ) -> None:
        r = model.row_at(row)
        assert r is not None
        rect: QRect = option.rect
        bold, read_font, _small, _snip = self.fonts(option.font)
        font = read_font if r.read else bold
        painter.setFont(font)
        self._marks(painter, rect, rect.center().y(), bool(r.read), bool(r.starred), selected, text)
        right = GUTTER if (r.starred and not r.read) else 4
        area = rect.adjusted(GUTTER, 0, -right, 0)
        painter.setPen(text)
        title = self.metrics(font).elidedText(r.title, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, _MIDDLE_LEFT, title)

    def texts(self, model: ArticleListModel, row: int, base: QFont, width: int) -> RowTexts:
        """What a comfortable row shows at ``width``: headline and snippet lines, meta line."""
        r = model.row_at(row)
        if r is None:
            return RowTexts([], "", [])
        bold, read_font, small, snippet_font = self.fonts(base)
        details = model.details(row)
        meta = meta_line(
            details.source, model.section_name(r), model.date_text(r), self.metrics(small), width
        )
        headline = wrapped_lines(r.title, read_font if r.read else bold, width, 2)
        lines = self.density.snippet_lines
        if lines:
            lines += 2 - max(1, len(headline))  # a one-line headline leaves its line to the snippet
        return RowTexts(
            headline,
            meta,
            wrapped_lines(details.snippet, snippet_font, width, lines) if lines else [],
        )

    def _paint_comfortable(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        row: int,
        model: ArticleListModel,
        text: QColor,
        back: QColor,
        selected: bool,
    ) -> None:
        r = model.row_at(row)
        assert r is not None
        rect: QRect = option.rect
        bold, read_font, small, snippet_font = self.fonts(option.font)
        headline = read_font if r.read else bold
        left = rect.left() + GUTTER
        width = rect.right() - PAD - left
        shown = self.texts(model, row, option.font, width)
        y = rect.top() + PAD
        head_metrics = self.metrics(headline)
        painter.setFont(headline)
        self._marks(
            painter,
            rect,
            y + head_metrics.height() // 2,
            bool(r.read),
            bool(r.starred),
            selected,
            text,
        )
        painter.setPen(text)
        flags = _TOP_LEFT
        for line in shown.headline:
            painter.drawText(QRect(left, y, width, head_metrics.height()), flags, line)
            y += head_metrics.lineSpacing()
        y += 3
        small_metrics = self.metrics(small)
        painter.setFont(small)
        painter.setPen(text if selected else blend(text, back, 0.6))
        painter.drawText(QRect(left, y, width, small_metrics.height()), flags, shown.meta)
        y += small_metrics.lineSpacing() + 3
        painter.setFont(snippet_font)
        painter.setPen(text if selected else blend(text, back, 0.78))
        snip_metrics = self.metrics(snippet_font)
        for line in shown.snippet:
            painter.drawText(QRect(left, y, width, snip_metrics.height()), flags, line)
            y += snip_metrics.lineSpacing()
