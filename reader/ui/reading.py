"""Reading: which article is open, moving to the next one (unread or not), and history.

The reading pane shows an article of the open view or "No article open"; opening an article
marks it read (published as a :class:`~reader.ui.changes.LibraryChange`). History remembers each
article with the view it was read in, so Alt+Left goes back to both.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from reader.core import views
from reader.core.views import View

from . import settings as S
from .navigation import ListNavigator

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

HISTORY_LIMIT = 500

NEXT_UNREAD, NEXT_ARTICLE, STAY = "next-unread", "next-article", "nothing"
#: What Space (page down) does at the end of an article, as the Reading page names the choices.
AT_END = {
    NEXT_UNREAD: "Open the next unread article (on to the next view)",
    NEXT_ARTICLE: "Open the next article in the list",
    STAY: "Nothing: stay at the end",
}


class Reading:
    """The open article and how the reader moves between articles, for one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.list = ListNavigator(window.article_list, self.show_article, self.open_id)
        #: The articles read, each with the view it was read in.
        self.history: list[tuple[View, int]] = []
        self.history_pos = -1
        self._welcome_shown = False  # the reading pane greets an empty library
        self.at_end = window.settings.get(S.SPACE_AT_END)
        if self.at_end not in AT_END:
            log.warning("unknown Space-at-the-end choice %r in the settings", self.at_end)
            self.at_end = NEXT_UNREAD

    def set_at_end(self, choice: str) -> None:
        """What Space does at the end of an article, from now on (and at the next start)."""
        if choice not in AT_END:
            raise ValueError(f"unknown Space-at-the-end choice {choice!r}")
        self.at_end = choice
        self.window.settings.set(S.SPACE_AT_END, choice)

    def at_end_hint(self) -> str:
        """How the page-down key reads on, for the reading pane's hints."""
        then = {
            NEXT_UNREAD: ", then on to the next unread",
            NEXT_ARTICLE: ", then on to the next article",
            STAY: "",
        }[self.at_end]
        return f"{self.window.key_hint('page-down')} reads on, page by page{then}."

    def open_id(self) -> int | None:
        return self.window.current_article_id

    # -- opening

    def show_article(self, article_id: int, record_history: bool = True) -> None:
        """Show an article and mark it read, as the reader chose (the state lives in the
        library)."""
        w = self.window
        record = views.article(w.library, article_id)
        if record is None:
            return
        w.current_article_id = article_id
        self._welcome_shown = False
        # Marked read now, later or never, as Preferences say (read_marking.py).
        mark_now = w.read_marking.opened(article_id, bool(record.read))
        if mark_now:
            record = record._replace(read=1)
        w.reading_pane.show_article(record)
        if mark_now:
            w.read_marking.mark(article_id)
        if record_history:
            del self.history[self.history_pos + 1 :]
            entry = (w.current_view, article_id)
            if not self.history or self.history[-1] != entry:
                self.history.append(entry)
                del self.history[:-HISTORY_LIMIT]
            self.history_pos = len(self.history) - 1
        w.article_shown.emit(article_id)

    def restore(self, article_id: int) -> None:
        """The article open at the last start, shown without marking or moving anything."""
        w = self.window
        record = views.article(w.library, article_id)
        if record is None:
            return
        w.current_article_id = article_id
        w.reading_pane.show_article(record)
        self.history = [(w.current_view, article_id)]
        self.history_pos = 0
        self.list.select_article(article_id, open_article=False)

    def close_article_not_listed(self) -> None:
        """The reading pane shows an article of the open view, or "No article open"."""
        w = self.window
        article_id = w.current_article_id
        if article_id is not None and not w.lists_article(article_id):
            self.show_no_article()

    def show_no_article(self) -> None:
        w = self.window
        w.current_article_id = None
        self._welcome_shown = False
        w.reading_pane.show_message(
            "No article open",
            [
                f"{w.key_hint('next-article')} and {w.key_hint('previous-article')} move through"
                f" the list; {w.key_hint('next-unread')} opens the next unread article.",
                self.at_end_hint(),
                f"Press {w.key_hint('help')} for every key.",
            ],
        )

    def show_welcome(self) -> None:
        """An empty library: how to begin (replaced by "No article open" once articles come)."""
        w = self.window
        self._welcome_shown = True
        w.reading_pane.show_message(
            "Welcome to Dispatch",
            [
                "Dispatch reads plain-text news dumps, offline and from the keyboard.",
                f"Import a dump with {w.key_hint('import')} to start.",
                f"Press {w.key_hint('help')} at any time to see every key.",
            ],
        )

    @property
    def welcome_shown(self) -> bool:
        return self._welcome_shown

    # -- moving

    def move_article(self, step: int) -> None:
        self.list.move(step)

    def next_unread(self) -> None:
        self._step_unread(backwards=False)

    def previous_unread(self) -> None:
        self._step_unread(backwards=True)

    def _current_key(self) -> tuple | None:
        w = self.window
        row = self.list.selected_row()
        r = w.list_model.row_at(row) if row >= 0 else None
        return w.list_model.sort_order.value(r) if r else None

    def _step_unread(self, backwards: bool) -> None:
        w = self.window
        q = w.list_model.query
        if q is not None:
            found = q.next_unread(self._current_key(), backwards=backwards)
            if found is not None:
                self.select_article(found.id)
                return
        # None left here: on to the next (previous) view that has unread articles.
        # From a section, on to the next section (round the list); from a smart view, on
        # through the views below it.
        current = w.current_view
        kinds = (
            ("section",)
            if current.kind == "section"
            else ("all", "unread", "starred", "today", "section")
        )
        order = [v for v in w.sidebar_model.views_in_order() if v.kind in kinds]
        if backwards:
            order.reverse()
        i = order.index(current) if current in order else -1
        candidates = order[i + 1 :]
        if current.kind == "section":
            candidates += order[:i]
        for view in candidates:
            if view != current and w.counts.get(view) > 0:
                w.open_view(view)
                q = w.list_model.query
                found = q.next_unread(None, backwards=backwards) if q else None
                if found is not None:
                    self.select_article(found.id)
                    w.statusBar().showMessage(f"On to {w.sidebar_model.name_of(view)}", 3000)
                    return
        where = "earlier" if backwards else "more"
        w.statusBar().showMessage(f"No {where} unread articles", 4000)

    def select_article(self, article_id: int) -> None:
        if not self.list.select_article(article_id):
            self.show_article(article_id)

    def page_down(self) -> None:
        """A page on; at the end of the article, what Preferences → Reading say."""
        w = self.window
        if w.current_article_id is not None and w.reading_pane.page_down():
            return
        if self.at_end == NEXT_UNREAD or w.current_article_id is None:
            self.next_unread()
        elif self.at_end == NEXT_ARTICLE:
            self.move_article(1)
        else:
            w.statusBar().showMessage("End of the article", 2000)

    # -- history

    def back(self) -> None:
        if self.history_pos > 0:
            self.history_pos -= 1
            self._go_to_history()

    def forward(self) -> None:
        if self.history_pos < len(self.history) - 1:
            self.history_pos += 1
            self._go_to_history()

    def _go_to_history(self) -> None:
        w = self.window
        view, article_id = self.history[self.history_pos]
        if view != w.current_view and w.sidebar_model.item_for(view) is not None:
            w.open_view(view)
        self.show_article(article_id, record_history=False)
        if not self.list.select_article(article_id, open_article=False):
            self.list.clear()
