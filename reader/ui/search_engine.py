"""Running searches as the reader types: the worker, the results, the highlights.

Pieces, each usable alone, and :class:`SearchController` wiring them together:

* :class:`~reader.ui.search_field.SearchBar` — the field (placeholder = the query language), a
  scope toggle (this view / whole library), an order toggle (relevance / newest) and a status
  line (result count, "searched as plain words", "ranked among the newest 20,000"). Typing is
  debounced; Esc clears; Enter (or Down) asks to move to the first result.
* :class:`SearchRunner` — runs searches in a worker thread that owns its own library connection;
  only the newest request is run, older ones still queued are dropped.
* :class:`SearchResultsModel` + :class:`SearchResultDelegate` — the results as table rows, the
  title with a highlighted snippet under it, further pages fetched as the list scrolls.
* :class:`MatchHighlighter` — marks the matches in the reading pane (a QTextEdit) and jumps
  between them.

Keys are the window's (commands in its registry, bindings in ``commands.MODE_KEYS``).
Article text reaches rich text only through ``reader.core.snippets.marked_to_html`` (escaped first).
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.core.query import parse_query
from reader.core.search import PAGE_SIZE, Hit, Order, Page, search
from reader.core.snippets import fit_marked, marked_to_html, strip_marks
from reader.core.store import Library, LibraryError
from reader.core.views import View

from .highlight import MatchHighlighter, matched_words  # noqa: F401  (their old home)
from .plain_text import tooltip
from .search_field import SearchBar

# Matches in the result list: a marker-pen background that reads on bold and selected rows.
HIT_OPEN = '<span style="background-color:#ffe27a; color:#1a1a1a">'
HIT_CLOSE = "</span>"


# --- running searches off the GUI thread ------------------------------------------------------


@dataclass(frozen=True)
class SearchRequest:
    seq: int
    text: str
    order: Order
    scope: View | None
    offset: int = 0
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    page: Page | None
    error: str | None = None


class _SearchWorker(QObject):
    """Lives in the search thread with its own connection (SQLite connections stay per thread)."""

    done = Signal(object)  # SearchResult

    def __init__(self, library_path: Path, latest: Callable[[], int]) -> None:
        super().__init__()
        self.library_path = library_path
        self.latest = latest
        self.lib: Library | None = None
        self.running: int | None = None  # seq of the search in progress

    def interrupt_if_stale(self, newest: int) -> None:
        """Called from the GUI thread: stop a search the user has typed past (thread-safe)."""
        lib, running = self.lib, self.running
        if lib is not None and running is not None and running < newest:
            lib.conn.interrupt()

    @Slot(object)
    def run(self, request: SearchRequest) -> None:
        if request.offset == 0 and request.seq < self.latest():
            return  # typed on since: a newer request is queued behind this one
        try:
            if self.lib is None:
                self.lib = Library(self.library_path)
            page = None
            for _attempt in range(2):
                self.running = request.seq
                try:
                    page = self._search(self.lib, request)
                    break
                except sqlite3.OperationalError as e:
                    if "interrupt" not in str(e):
                        raise
                    # Interrupted by a newer search: dropped; or, when this is the newest one
                    # (the interrupt was meant for the search before it), run again.
                    if request.offset or request.seq < self.latest():
                        return
                finally:
                    self.running = None
            if page is None:
                return
        except LibraryError as e:
            self.done.emit(SearchResult(request, None, str(e)))
            return
        except Exception as e:  # a damaged file, say: shown in the status line, never raised
            logging.getLogger(__name__).exception("search for %r failed", request.text)
            self.done.emit(SearchResult(request, None, f"Search failed: {e}"))
            return
        self.done.emit(SearchResult(request, page))

    @staticmethod
    def _search(lib: Library, request: SearchRequest) -> Page:
        return search(
            lib,
            request.text,
            order=request.order,
            scope=request.scope,
            offset=request.offset,
            limit=request.limit,
        )

    @Slot()
    def close(self) -> None:
        if self.lib is not None:
            self.lib.close()
            self.lib = None


class SearchRunner(QObject):
    """Searches in a worker thread; ``finished`` carries each :class:`SearchResult`."""

    finished = Signal(object)
    _submit = Signal(object)

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seq = itertools.count(1)
        self._latest = 0
        self._thread = QThread(self)
        self._thread.setObjectName("search-worker")
        self._worker = _SearchWorker(Path(library_path), lambda: self._latest)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.finished.connect(self._worker.close)
        self._thread.start()

    def submit(
        self,
        text: str,
        order: Order = "rank",
        scope: View | None = None,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> SearchRequest:
        request = SearchRequest(next(self._seq), text, order, scope, offset, limit)
        if offset == 0:
            self._latest = request.seq
            self._worker.interrupt_if_stale(request.seq)
        self._submit.emit(request)
        return request

    @property
    def latest(self) -> int:
        return self._latest

    def _on_done(self, result: SearchResult) -> None:
        # A new search supersedes the pages of older ones.
        if result.request.offset == 0 and result.request.seq != self._latest:
            return
        self.finished.emit(result)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        self._latest = 1 << 62  # drop anything still queued
        self._thread.quit()
        return self._thread.wait(timeout_ms)


# --- results ----------------------------------------------------------------------------------

TITLE, SECTION, DATE = range(3)
HEADERS = ("Title", "Section", "Date")
IdRole = Qt.ItemDataRole.UserRole + 1
TitleHtmlRole = Qt.ItemDataRole.UserRole + 2
SnippetHtmlRole = Qt.ItemDataRole.UserRole + 3
SnippetRole = Qt.ItemDataRole.UserRole + 4
HitRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractTableModel):
    """Result rows. ``more_wanted(offset)`` asks for the next page when the view scrolls there."""

    more_wanted = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.page: Page | None = None
        self._more = False
        self._waiting = False

    def set_page(self, page: Page) -> None:
        """A new search's first page: replaces everything."""
        self.beginResetModel()
        self.page = page
        self.hits = list(page.hits)
        self._more = page.more
        self._waiting = False
        self.endResetModel()

    def append_page(self, page: Page) -> None:
        """A further page of the same search."""
        self._waiting = False
        if page.offset != len(self.hits):
            return  # stale
        new = list(page.hits)
        self._more = page.more
        if new:
            self.beginInsertRows(QModelIndex(), len(self.hits), len(self.hits) + len(new) - 1)
            self.hits.extend(new)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.hits = []
        self.page = None
        self._more = False
        self._waiting = False
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def article_id(self, row: int) -> int | None:
        h = self.hit(row)
        return h.id if h else None

    def row_of(self, article_id: int) -> int | None:
        for i, h in enumerate(self.hits):
            if h.id == article_id:
                return i
        return None

    # Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._more and not self._waiting

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._waiting = True
            self.more_wanted.emit(len(self.hits))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        h = self.hit(index.row()) if index.isValid() else None
        if h is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TITLE:
                return h.title
            if col == SECTION:
                return h.section
            if col == DATE:
                return (h.published_at or h.added_at or "")[:10]
        elif role == Qt.ItemDataRole.ToolTipRole and col == TITLE:
            return tooltip(h.snippet_text)  # dump text: never guessed to be HTML
        elif role == Qt.ItemDataRole.AccessibleTextRole and col == TITLE:
            state = ", ".join(s for s, on in (("unread", not h.read), ("starred", h.starred)) if on)
            return f"{h.title}, {state}" if state else h.title
        elif role == Qt.ItemDataRole.AccessibleDescriptionRole and col == TITLE:
            return h.snippet_text  # what the second line shows
        elif role == IdRole:
            return h.id
        elif role == TitleHtmlRole:
            return h.title_html
        elif role == SnippetHtmlRole:
            return h.snippet_html
        elif role == SnippetRole:
            return h.snippet_text
        elif role == HitRole:
            return h
        elif role == Qt.ItemDataRole.FontRole and col == TITLE and not h.read:
            font = QFont()
            font.setBold(True)
            return font
        return None


def fitted_html(marked: str, font: QFont, width: int) -> str:
    """One line of marked text as HTML, cut to ``width`` with "…" where it does not fit."""
    plain = strip_marks(marked)
    metrics = QFontMetrics(font)
    if metrics.horizontalAdvance(plain) > width:
        shown = metrics.elidedText(plain, Qt.TextElideMode.ElideRight, width)
        keep = max(0, len(shown) - 1)
        fitted = fit_marked(marked, keep)
        # Cut at the start too (to show the match), the line holds other letters: measure again.
        while keep > 0 and metrics.horizontalAdvance(strip_marks(fitted)) > width:
            keep -= max(1, keep // 20)
            fitted = fit_marked(marked, keep)
        marked = fitted
    return marked_to_html(marked, HIT_OPEN, HIT_CLOSE)


class SearchResultDelegate(QStyledItemDelegate):
    """Paints the title (matches emphasised) with its snippet on a second, muted line.

    The view should give rows two lines: ``view.verticalHeader().setDefaultSectionSize(
    delegate.row_height(view))``.
    """

    def row_height(self, widget: QWidget) -> int:
        return widget.fontMetrics().height() * 2 + 12

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), option.fontMetrics.height() * 2 + 12)

    def paint(self, painter, option: QStyleOptionViewItem, index: _Index) -> None:
        if index.column() != TITLE:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(6, 4, -6, -4)
        line = opt.fontMetrics.height()
        hit = index.data(HitRole)
        if hit is None:
            return
        title_font = QFont(opt.font)
        snippet_font = QFont(opt.font)
        snippet_font.setBold(False)
        width = rect.width()
        title = fitted_html(hit.title_marked, title_font, width)
        snippet = fitted_html(hit.snippet, snippet_font, width)
        self._draw_line(painter, rect.x(), rect.y(), width, line, title_font, title, text_color)
        self._draw_line(painter, rect.x(), rect.y() + line + 2, width, line,
                        snippet_font, snippet, muted)  # fmt: skip

    @staticmethod
    def _draw_line(painter, x: int, y: int, width: int, height: int, font, body: str,
                   color: QColor) -> None:  # fmt: skip
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setHtml(f'<span style="white-space:pre; color:{color.name()}">{body}</span>')
        painter.save()
        painter.translate(x, y)
        painter.setClipRect(QRectF(0, 0, width, height + 2))
        doc.drawContents(painter, QRectF(0, 0, width, height + 2))
        painter.restore()


# --- the reading pane: reader/ui/highlight.py (linear, capped, cached) -----------------------

# --- wiring -----------------------------------------------------------------------------------


class SearchController(QObject):
    """Connects a :class:`SearchBar` to a :class:`SearchRunner` and a results model.

    ``started`` fires when a search takes over the list (show ``model`` with ``delegate``),
    ``ended`` when the search was cleared (show the view again), ``first_result_wanted`` on
    Enter. ``scope`` returns the window's current view (used when the bar searches "This view").
    """

    started = Signal()
    ended = Signal()
    first_result_wanted = Signal()
    results_changed = Signal(object)  # Page

    def __init__(
        self,
        bar: SearchBar,
        library_path: Path,
        scope: Callable[[], View | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bar = bar
        self.scope = scope
        self.runner = SearchRunner(library_path, self)
        self.model = SearchResultsModel(self)
        self.delegate = SearchResultDelegate(self)
        self.active = False
        self._request: SearchRequest | None = None
        bar.query_changed.connect(self._on_query)
        bar.cleared.connect(self.end)
        bar.activated.connect(self.first_result_wanted)
        bar.scope_changed.connect(lambda _: self.rerun())
        bar.order_changed.connect(lambda _: self.rerun())
        self.runner.finished.connect(self._on_result)
        self.model.more_wanted.connect(self._on_more)

    @property
    def query(self) -> str:
        return self.bar.text()

    def rerun(self) -> None:
        if self.bar.text().strip():
            self._on_query(self.bar.text())

    def refresh(self, most: int = 1000) -> None:
        """The same search again (articles arrived), as many results as are loaded (to
        ``most``), in the worker thread; the results model is replaced when they come."""
        r = self._request
        if r is None or not self.active:
            return
        limit = max(r.limit, min(len(self.model.hits), most))
        self._request = self.runner.submit(r.text, r.order, r.scope, limit=limit)

    def _current_scope(self) -> View | None:
        return None if self.bar.whole_library else self.scope()

    def _on_query(self, text: str) -> None:
        if not text.strip():
            self._on_cleared_text()
            return
        self._request = self.runner.submit(text, self.bar.order, self._current_scope())
        if not self.active:
            self.active = True
            self.started.emit()

    def _on_cleared_text(self) -> None:
        self._request = None
        self.model.clear()
        self.bar.set_status("")
        if self.active:
            self.active = False
            self.ended.emit()

    def end(self) -> None:
        """The search is over (the field was cleared): no results, the list comes back."""
        self._on_cleared_text()

    def has_results_for(self, text: str) -> bool:
        """Whether the results shown are this text's (not an earlier one's, still coming)."""
        page = self.model.page
        return (
            self._request is not None
            and page is not None
            and page.query.text == parse_query(text).text
        )

    def _on_more(self, offset: int) -> None:
        if self._request is not None:
            r = self._request
            self.runner.submit(r.text, r.order, r.scope, offset=offset, limit=r.limit)

    def _on_result(self, result: SearchResult) -> None:
        if self._request is None:
            return
        if result.request.offset == 0 and result.request.seq != self._request.seq:
            return
        if result.request.offset and result.request.text != self._request.text:
            return
        if result.page is None:
            self.bar.set_status(result.error or "Search failed")
            return
        if result.request.offset == 0:
            self.model.set_page(result.page)
        else:
            self.model.append_page(result.page)
        self.bar.show_page(result.page, len(self.model.hits))
        self.results_changed.emit(result.page)

    def shutdown(self) -> bool:
        return self.runner.shutdown()
