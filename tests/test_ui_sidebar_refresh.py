"""The sidebar follows an import's batches in place: only a new section or source rebuilds it.

Rebuilding it for every batch (the source's counts changed its tooltip, so the names compared
unequal) repainted the whole sidebar, twice, and recreated every item: a third of the window's
work per batch of a big import.
"""

from __future__ import annotations

from reader.core.views import View
from reader.ui.changes import LibraryChange
from reader.ui.sidebar import CountRole
from tests.ui_helpers import Spec, add_articles, add_source, make_window, open_library


def _section_id(lib, name: str) -> int:
    return lib.conn.execute("SELECT id FROM sections WHERE name = ?", (name,)).fetchone()[0]


def _batch(lib, window, source_id: int, n: int, start: int) -> None:
    """What an import's batch leaves: articles of the source, its count, then the announcement."""
    specs = [Spec(title=f"Batch story {start + i}", source_id=source_id) for i in range(n)]
    add_articles(lib.conn, specs)
    with lib.conn:
        lib.conn.execute(
            "UPDATE sources SET new_count = new_count + ?, status = 'running' WHERE id = ?",
            (n, source_id),
        )
    window.publish(LibraryChange.of_import({_section_id(lib, "World")}))


def _window_on_one_source(qtbot, tmp_path, name: str):
    """A library of one article from source ``name``, its window, and a list that grows with
    each rebuild of the sidebar."""
    lib = open_library(tmp_path / "lib.sqlite3")
    source_id = add_source(lib.conn, name)
    add_articles(lib.conn, [Spec(title="First", source_id=source_id)])
    window = make_window(qtbot, lib, tmp_path / "settings.ini")
    rebuilt: list[bool] = []
    window.sidebar_rebuilt.connect(lambda: rebuilt.append(True))
    return lib, source_id, window, rebuilt


def test_batches_update_the_source_row_in_place(qtbot, tmp_path):
    lib, source_id, window, rebuilt = _window_on_one_source(qtbot, tmp_path, "wire.txt")
    model = window.sidebar_model
    world_view = View("section", _section_id(lib, "World"))
    world = model.item_for(world_view)
    source_view = View("source", source_id)
    source_item = model.item_for(source_view)

    _batch(lib, window, source_id, 3, 0)
    _batch(lib, window, source_id, 2, 3)

    assert rebuilt == []
    assert model.item_for(source_view) is source_item  # the same row, not a new one
    assert model.item_for(world_view) is world
    assert source_item.text() == "wire.txt (running)"
    assert "5 new" in source_item.toolTip()
    assert window.counts.total == 6
    assert source_item.data(CountRole) == window.counts.unread[source_view.key]
    assert world.data(CountRole) == 6

    with lib.conn:
        lib.conn.execute("UPDATE sources SET status = 'done' WHERE id = ?", (source_id,))
    window.publish(LibraryChange(names=True))
    assert rebuilt == []
    assert source_item.text() == "wire.txt"


def test_a_new_source_or_section_rebuilds_the_tree(qtbot, tmp_path):
    lib, _, window, rebuilt = _window_on_one_source(qtbot, tmp_path, "one.txt")
    model = window.sidebar_model

    second = add_source(lib.conn, "two.txt")
    _batch(lib, window, second, 2, 0)
    assert rebuilt == [True]
    assert model.item_for(View("source", second)).text() == "two.txt (running)"

    with lib.conn:
        lib.conn.execute("INSERT INTO sections (name, position) VALUES ('Weather', 99)")
    window.publish(LibraryChange(names=True))
    assert rebuilt == [True, True]
    assert any(model.name_of(v) == "Weather" for v in model.views_in_order())
