"""The articles a command acts on: those selected in the list shown, else the open one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Selections larger than this are refused (each selected row would be looked up): export the
#: view or the search instead.
MAX_SELECTED = 50_000


def selected_ids(window: MainWindow) -> list[int] | None:
    """The articles selected in the list shown (the results while a search is on), in list
    order, else the open one; None when more than :data:`MAX_SELECTED` are selected."""
    shown = window.shown_list()
    model = shown.model()
    selection = shown.selectionModel()
    rows: set[int] = set()
    if selection is not None:
        for rng in (selection.selection().at(i) for i in range(selection.selection().size())):
            rows.update(range(rng.top(), rng.bottom() + 1))
            if len(rows) > MAX_SELECTED:
                return None
    article_id = getattr(model, "article_id", None)
    if rows and article_id is not None:
        ids = [article_id(r) for r in sorted(rows)]
        return [i for i in ids if i is not None]
    current = window.current_article_id
    return [current] if current is not None else []
