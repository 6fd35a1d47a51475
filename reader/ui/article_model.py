"""The article list model: a view of any size, read lazily in pages (Anki's browser model).

rowCount comes from a COUNT; rows are fetched in pages of :data:`PAGE` into a small LRU cache,
by keyset from a neighbouring cached page when there is one (scrolling) and by OFFSET from the
nearer end otherwise (a jump). Operations tell the model what they changed
(:meth:`ArticleListModel.apply_change`); it never re-reads a view to find out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, get_args

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from reader.core import views
from reader.core.list_dates import list_date, parse_utc
from reader.core.list_rows import RowDetails, row_details
from reader.core.marking import Change
from reader.core.views import Row, Sort, SortKey, View, ViewQuery

from .plain_text import tooltip

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from reader.core.store import Library

PAGE = 200
MAX_PAGES = 40  # 8,000 rows at most in memory

TITLE, SECTION, SOURCE, ADDED = range(4)
# The date column shows when the article was published if the dump says, else when it was added;
# it sorts by when added (an index keeps that order fast in any view).
HEADERS = ("Title", "Section", "Source", "Date")
#: The orders the core can page fast, and the column that shows each.
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)
_KEY_COLUMNS = {"title": TITLE, "section": SECTION, "source": SOURCE, "date": ADDED}
SORT_COLUMNS: dict[int, SortKey] = {_KEY_COLUMNS[k]: k for k in SORT_KEYS}
NO_DETAILS = RowDetails("", "")


def sort_column(key: str) -> int:
    """The column that shows the value an order sorts by."""
    return _KEY_COLUMNS.get(key, ADDED)


def sort_from_setting(key: str, descending: bool) -> Sort:
    """A kept order, or newest first when the core no longer offers it."""
    for known in SORT_KEYS:
        if known == key:
            return Sort(known, descending)
    return Sort()


#: Dragged articles: their ids as ASCII decimal numbers, one per line.
ARTICLE_IDS_MIME = "application/x-dispatch-article-ids"

ArticleIdRole = Qt.ItemDataRole.UserRole + 1
ReadRole = Qt.ItemDataRole.UserRole + 2
StarredRole = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


@lru_cache(maxsize=4096)
def _parse_stamp(stamp: str) -> datetime | None:
    return parse_utc(stamp)


def article_ids_from_mime(mime: QMimeData | None) -> list[int]:
    """The article ids a drag carries (empty for anything else, or malformed data)."""
    if mime is None or not mime.hasFormat(ARTICLE_IDS_MIME):
        return []
    text = bytes(mime.data(ARTICLE_IDS_MIME).data()).decode("ascii", "replace")
    return [int(t) for t in text.split() if t.isdigit()]


def publication_date(stamp: str) -> str:
    """A published_at value as a date ("2 Mar 2019"): only the day is known, so no time zone."""
    try:
        day = date.fromisoformat(stamp[:10])
    except ValueError:
        return stamp
    return f"{day.day} {day.strftime('%b %Y')}"


def full_date(stamp: str) -> str:
    moment = _parse_stamp(stamp)
    if moment is None:
        return stamp
    local = moment.astimezone()
    return f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y, %H:%M')}"


class ArticleListModel(QAbstractTableModel):
    def __init__(self, lib: Library, parent=None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.query: ViewQuery | None = None
        #: The read state a row is shown with while a big marking runs (None: its own).
        self.read_override: Callable[[Row], int | None] | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._section_names: dict[int, str] = {}
        self._sort = Sort()
        self._bold = QFont()
        self._bold.setBold(True)
        self._star: QIcon | None = None
        self._now = datetime.now(timezone.utc).astimezone()
        #: Source and snippet of the cached pages' rows, fetched with each page.
        self._details: dict[int, dict[int, RowDetails]] = {}
        self._snippets = False

    # -- opening views

    @property
    def view(self) -> View | None:
        return self.query.view if self.query else None

    @property
    def sort_order(self) -> Sort:
        return self._sort

    def set_star_icon(self, icon: QIcon) -> None:
        self._star = icon
        if self._count:
            self.dataChanged.emit(
                self.index(0, TITLE),
                self.index(self._count - 1, TITLE),
                [Qt.ItemDataRole.DecorationRole],
            )

    def open_view(self, view: View, sort: Sort | None = None, count: int | None = None) -> None:
        """Show another view (or the same view re-read); forgets rows kept after a marking.

        ``count``, when the caller knows it exactly (the sidebar's counts), saves a COUNT that
        takes 35-95 ms on the biggest views of a million articles.
        """
        self.beginResetModel()
        if sort is not None:
            self._sort = sort
        self._load_sections()
        self.query = ViewQuery(self.lib, view, self._sort)
        if count is None:
            self._count = self.query.count()
        else:
            self._count = count
            self.query.set_size(count)
        self._clear_pages()
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the current view after the library changed (an import), keeping kept rows."""
        if self.query is None:
            return
        self.beginResetModel()
        self._load_sections()
        self._count = self.query.count()
        self._clear_pages()
        self.endResetModel()

    def _load_sections(self) -> None:
        self._section_names = {s.id: s.name for s in views.sections(self.lib)}

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._details.clear()
        self._now = datetime.now(timezone.utc).astimezone()

    def set_snippets(self, on: bool) -> None:
        """Whether rows need their snippet (comfortable rows that show one): read with each page."""
        if on == self._snippets:
            return
        self._snippets = on
        self._details.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(HEADERS) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_COLUMNS.get(column)
        if key is not None:
            self.set_sort(Sort(key, order == Qt.SortOrder.DescendingOrder))

    def set_sort(self, sort: Sort) -> None:
        """List the open view in another order (the rows marked meanwhile stay listed)."""
        if sort.key not in SORT_KEYS or self.query is None or sort == self._sort:
            return
        self.beginResetModel()
        self._sort = sort
        kept = self.query.kept
        self.query = ViewQuery(self.lib, self.query.view, sort, self.query.cutoff)
        self.query.kept = kept
        self.query.set_size(self._count - len(kept))
        self._clear_pages()
        self.endResetModel()

    # -- rows

    def row_at(self, row: int) -> Row | None:
        if row < 0 or row >= self._count or self.query is None:
            return None
        page_no, i = divmod(row, PAGE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch(page_no)
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                gone, _rows = self._pages.popitem(last=False)
                self._details.pop(gone, None)
        else:
            self._pages.move_to_end(page_no)
        r = page[i] if i < len(page) else None
        if r is not None and self.read_override is not None:
            forced = self.read_override(r)  # a big marking under way, shown done
            if forced is not None and forced != r.read:
                return r._replace(read=forced)
        return r

    def _fetch(self, page_no: int) -> list[Row]:
        q = self.query
        assert q is not None
        before = self._pages.get(page_no - 1)
        if before and len(before) == PAGE:
            return q.page_after(q.sort.value(before[-1]), PAGE)
        after = self._pages.get(page_no + 1)
        if after:
            return q.page_before(q.sort.value(after[0]), PAGE)
        return q.page_at(page_no * PAGE, PAGE, self._count)

    def details(self, row: int) -> RowDetails:
        """Source and snippet of a row, read for its whole page the first time one is asked."""
        r = self.row_at(row)
        if r is None:
            return NO_DETAILS
        page_no = row // PAGE
        known = self._details.get(page_no)
        if known is None:
            ids = [x.id for x in self._pages.get(page_no, ())]
            known = self._details[page_no] = row_details(self.lib, ids, self._snippets)
        found = known.get(r.id)
        if found is None:  # a row that replaced one of the page (kept after a marking)
            found = row_details(self.lib, [r.id], self._snippets).get(r.id, NO_DETAILS)
            known[r.id] = found
        return found

    def date_text(self, r: Row) -> str:
        return list_date(r.added_at, r.published_at, self._now)

    def section_name(self, r: Row) -> str:
        return self._section_names.get(r.section_id, "")

    def article_id(self, row: int) -> int | None:
        r = self.row_at(row)
        return r.id if r else None

    def cached_row_of(self, article_id: int) -> int | None:
        for page_no, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == article_id:
                    return page_no * PAGE + i
        return None

    def row_of(self, article_id: int) -> int | None:
        """Row of an article: from the cache when it is there, else one counting query."""
        row = self.cached_row_of(article_id)
        if row is not None:
            return row
        if self.query is None:
            return None
        pos = self.query.position_of(article_id)
        return pos if pos is not None and pos < self._count else None

    def lists(self, article_id: int) -> bool:
        """Whether the open view lists this article (kept rows included)."""
        q = self.query
        return q is not None and (article_id in q.kept or bool(q.matches([article_id])))

    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # -- Qt model interface

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    # -- dragging articles (onto a section in the sidebar)

    def mimeTypes(self) -> list[str]:
        return [ARTICLE_IDS_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = list(dict.fromkeys(self.article_id(i.row()) for i in indexes if i.isValid()))
        mime = QMimeData()
        mime.setData(ARTICLE_IDS_MIME, "\n".join(str(i) for i in ids if i is not None).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.row_at(index.row())
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TITLE:
                return r.title
            if col == SECTION:
                return self._section_names.get(r.section_id, "")
            if col == SOURCE:
                return self.details(index.row()).source
            if col == ADDED:
                return self.date_text(r)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if not r.read else None
        if role == Qt.ItemDataRole.DecorationRole:
            if col == TITLE and r.starred and self._star is not None:
                return self._star
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == ADDED:
                added = full_date(r.added_at)
                if r.published_at:
                    return f"Published {publication_date(r.published_at)}; added {added}"
                return f"Added {added}"
            if col == TITLE:
                # A title is dump text: never guessed to be HTML.
                return tooltip(f"{r.title}\n{r.dateline}" if r.dateline else r.title)
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and col == ADDED:
            return self.data(index, Qt.ItemDataRole.ToolTipRole)  # the full date, not "06:26"
        if role == Qt.ItemDataRole.AccessibleTextRole and col == TITLE:
            state = ", ".join(s for s, on in (("unread", not r.read), ("starred", r.starred)) if on)
            return f"{r.title}{', ' + state if state else ''}"
        if role == ArticleIdRole:
            return r.id
        if role == ReadRole:
            return bool(r.read)
        if role == StarredRole:
            return bool(r.starred)
        return None

    # -- told what changed

    def apply_change(self, change: Change) -> None:
        """Update cached rows for a marking and keep changed rows listed in this view."""
        if self.query is None:
            return
        if change.rows is None:
            # A whole view marked: re-read the cached rows' state in one go.
            ids = [r.id for p in self._pages.values() for r in p]
            states = {
                aid: (int(read), int(starred))
                for aid, (read, starred, _sid, _name) in views.article_states(self.lib, ids).items()
            }
            changed = set(ids)
        else:
            changed = set(change.ids)
            states = None
        first = last = None
        for page_no, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id not in changed:
                    continue
                if states is not None:
                    read, starred = states.get(r.id, (r.read, r.starred))
                    new = r._replace(read=read, starred=starred)
                elif change.column == "read":
                    new = r._replace(read=change.value)
                else:
                    new = r._replace(starred=change.value)
                page[i] = new
                row = page_no * PAGE + i
                first = row if first is None else min(first, row)
                last = row if last is None else max(last, row)
        if change.rows is not None:
            # Only rows that are listed here stay listed; others were never in this view.
            listed = {r.id for p in self._pages.values() for r in p}
            self.query.keep(changed & listed)
        if first is not None and last is not None:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))
