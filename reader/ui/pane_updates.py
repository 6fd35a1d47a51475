"""How the window's panes keep themselves right when the library changes.

Each pane subscribes to the window's one ``changed`` signal (a
:class:`~reader.ui.changes.LibraryChange`): the sidebar's rows and counts, the list, the reading
pane, the title and the status bar. Opening another view updates the same title, status line
and empty-list text through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView

from reader import APP_NAME
from reader.core import views
from reader.core.marking import apply_change_to_counts

from . import settings as S
from .changes import LibraryChange
from .plain_text import escape, window_title

if TYPE_CHECKING:
    from .main_window import MainWindow

#: A big view in title order above this many rows jumps only when the scroll bar is let go.
SLOW_SCROLL_ROWS = 20_000


class PaneUpdates:
    """The subscribers of one window's ``changed`` signal, and the lines that follow views."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.counts_loaded = False
        self._sidebar_names: tuple = ((), ())
        for subscriber in (self.update_counts, self.update_list, self.update_reading_pane):
            window.changed.connect(subscriber)
        window.list_model.modelReset.connect(self.update_empty_state)
        window.list_model.modelReset.connect(self.update_scroll_tracking)

    # -- the subscribers

    def update_counts(self, change: LibraryChange) -> None:
        """The sidebar's rows and counts, the title and the status bar."""
        w = self.window
        if change.names:
            self.populate_sidebar()
        marking = change.marking
        # A marking in the Trash changes no count; the incremental update would not know that.
        in_trash = w.current_view.kind == "trash"
        if marking is None or in_trash or not apply_change_to_counts(w.counts, marking):
            w.counts = views.counts(w.library)
            w.marking.adjust_counts(w.counts)  # as big markings under way will leave them
        self.counts_updated()

    def update_list(self, change: LibraryChange) -> None:
        """The open list: cached rows follow a small marking; anything else re-reads the view."""
        w = self.window
        marking = change.marking
        if marking is not None and marking.rows is not None:
            w.list_model.apply_change(marking)
            return
        view = w.current_view
        if view.kind == "section" and not change.touches_section(view.id) and not change.names:
            return
        # A whole view marked (or its undo) lists the view afresh; other changes keep the rows
        # a marking kept listed (an article read in Unread stays until the view is reopened).
        self.reload_list(keep_kept=marking is None)

    def update_reading_pane(self, change: LibraryChange) -> None:
        """The open article's state (flags, section) as the library has it now, in place."""
        w = self.window
        pane = w.reading_pane
        if pane.article is None or not change.touches_article(pane.article.id):
            return
        record = views.article(w.library, pane.article.id)
        if record is None:
            w.reading.show_no_article()
        elif record != pane.article:
            pane.refresh_article(record)  # the reader keeps their place
        if change.marking is None:
            w.reading.close_article_not_listed()

    # -- the list and the sidebar

    def reload_list(self, keep_kept: bool = False) -> None:
        """Re-read the open view, keeping the current article and the top visible row."""
        w = self.window
        top_row = w.article_list.rowAt(0)
        top_id = w.list_model.article_id(top_row) if top_row >= 0 else None
        current = w.current_article_id
        if keep_kept:
            w.list_model.refresh()
        else:
            w.list_model.open_view(w.current_view, count=self.known_size(w.current_view))
        if current is not None:
            w.reading.list.select_article(current, open_article=False)
        if top_id is not None:
            row = w.list_model.row_of(top_id)
            if row is not None:
                w.article_list.scrollTo(
                    w.list_model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )
        self.update_empty_state()
        self.update_status_counts()  # the rows listed changed

    def known_size(self, view: views.View) -> int | None:
        """The size of the two biggest views, known exactly from the counts once loaded."""
        if not self.counts_loaded:
            return None
        if view.kind == "all":
            return self.window.counts.total
        if view.kind == "unread":
            return self.window.counts.get(view)
        return None

    def populate_sidebar(self) -> None:
        """The sidebar's sections and sources, rebuilt when their names changed."""
        w = self.window
        sections = views.sections(w.library)
        sources = views.sources(w.library)
        if self._sidebar_names == (sections, sources):
            return
        # Only the sources' counts changed (an import's batches): their rows are refreshed.
        if self._sidebar_names[0] == sections and w.sidebar_model.refresh_sources(sources):
            self._sidebar_names = (sections, sources)
            return
        current = w.list_model.view
        expanded = w.settings.get(S.SOURCES_EXPANDED)
        blocker = w.sidebar.selectionModel().blockSignals(True)
        w.sidebar_model.populate(sections, sources)
        w.sidebar.setExpanded(w.sidebar_model.sections_header.index(), True)
        w.sidebar.setExpanded(w.sidebar_model.sources_header.index(), expanded)
        if current is not None:
            w.sidebar.select_view(current)
        w.sidebar.selectionModel().blockSignals(blocker)
        self._sidebar_names = (sections, sources)
        w.sidebar_model.set_counts(w.counts)
        w.sidebar_rebuilt.emit()

    # -- counts, title, status line

    def load_counts(self) -> None:
        """The first counts, just after the first paint."""
        w = self.window
        w.counts = views.counts(w.library)
        self.counts_loaded = True
        self.counts_updated()
        self.update_empty_state()

    def counts_updated(self) -> None:
        self.window.sidebar_model.set_counts(self.window.counts)
        self.update_title()
        self.update_status_counts()

    def update_status_counts(self) -> None:
        """The status bar counts the open view: its unread articles and the rows it lists."""
        if not self.counts_loaded:
            return
        w = self.window
        view = w.current_view
        rows = w.list_model.rowCount()
        listed = f"{rows:,} article{'s' if rows != 1 else ''}"
        if view.kind in ("source", "trash"):  # counts of what they hold, not unread
            w.status_label.setText(listed)
        else:
            w.status_label.setText(f"{w.counts.get(view):,} unread · {listed}")

    def update_title(self) -> None:
        w = self.window
        view = w.current_view
        name = w.sidebar_model.name_of(view)
        unread = w.counts.get(view) if view.kind not in ("source", "trash") else None
        if unread:
            w.setWindowTitle(window_title(f"{name} ({unread:,} unread) — {APP_NAME}"))
        else:
            w.setWindowTitle(window_title(f"{name} — {APP_NAME}"))

    def update_empty_state(self) -> None:
        """What an empty list says (and, for an empty library, the reading pane's welcome)."""
        w = self.window
        e = escape
        reading = w.reading
        if w.list_model.rowCount():
            w.article_list.set_empty_text(None)
            if reading.welcome_shown and w.current_article_id is None:
                reading.show_no_article()  # the first import arrived: the welcome is out of date
            return
        if w.counts.total == 0 and not views.has_articles(w.library):
            w.article_list.set_empty_text(
                "<h3>Your library is empty</h3>"
                "<p>Import a news dump (a plain-text file): press"
                f" <b>{e(w.key_hint('import'))}</b>, drop files on this window, or use the"
                " button.</p>"
                "<p>From a terminal: <code>dispatch import FILE</code></p>",
                import_button=True,
            )
            if w.current_article_id is None:
                reading.show_welcome()
            return
        name = w.sidebar_model.name_of(w.current_view)
        message = {
            "unread": "You are all caught up: nothing unread.",
            "starred": f"No starred articles. Press {w.key_hint('toggle-star')} on an article"
            " to star it.",
            "today": "Nothing was added in the last 24 hours.",
            "trash": "The Trash is empty.",
        }.get(w.current_view.kind, f"No articles in {name}.")
        views_keys = f"{w.key_hint('next-view')} / {w.key_hint('previous-view')}"
        w.article_list.set_empty_text(
            f"<h3>{e(message)}</h3><p>{e(views_keys)} move to another view.</p>"
        )

    def update_scroll_tracking(self) -> None:
        """Jump only when the scroll bar is let go where a jump costs seconds.

        Every order of every view has an index to jump along (a few ms); a big Today in an
        order other than date has none, so dragging the thumb must not ask for every position
        it passes.
        """
        w = self.window
        q = w.list_model.query
        slow = q is not None and not q.jumps_fast and w.list_model.rowCount() > SLOW_SCROLL_ROWS
        w.article_list.verticalScrollBar().setTracking(not slow)
