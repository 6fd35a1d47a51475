"""Every model of the window under qtmodeltester, plus the list model's paging on its own."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from reader.core import marking, views
from reader.core.views import ALL, UNREAD, View
from reader.ui import article_model
from reader.ui.article_model import ArticleListModel
from reader.ui.sidebar import CountRole, SidebarModel
from tests.ui_helpers import Spec, add_articles, add_source, numbered


def test_article_model_passes_qtmodeltester(qtmodeltester, lib):
    add_articles(lib.conn, numbered(450))
    add_articles(lib.conn, [Spec("Starred one", starred=1, read=1, dateline="ROME")])
    model = ArticleListModel(lib)
    model.open_view(ALL)
    qtmodeltester.check(model, force_py=True)
    model.open_view(UNREAD)
    qtmodeltester.check(model, force_py=True)


def test_empty_article_model_passes_qtmodeltester(qtmodeltester, lib):
    model = ArticleListModel(lib)
    qtmodeltester.check(model, force_py=True)
    model.open_view(ALL)
    qtmodeltester.check(model, force_py=True)


def test_sidebar_model_passes_qtmodeltester(qtmodeltester, qapp, lib):
    src = add_source(lib.conn, "one.txt", new_count=4)
    add_articles(lib.conn, numbered(4, source_id=src))
    model = SidebarModel()
    model.populate(views.sections(lib), views.sources(lib))
    model.set_counts(views.counts(lib))
    qtmodeltester.check(model, force_py=True)
    assert model.item_for(View("source", src)).data(CountRole) == 4
    assert model.item_for(ALL).data(CountRole) == 4


def test_list_model_pages_lazily_and_jumps(lib):
    add_articles(lib.conn, numbered(5000))
    model = ArticleListModel(lib)
    model.open_view(ALL)
    assert model.rowCount() == 5000
    assert model.cached_rows() == 0
    assert model.index(0, 0).data() == "Story 0"
    assert model.cached_rows() == article_model.PAGE
    # A jump to the end fetches only the last page, counting from the end.
    assert model.index(4999, 0).data() == "Story 4999"
    assert model.cached_rows() == 2 * article_model.PAGE
    # Scrolling on from a cached page uses its last row as the key.
    for row in range(0, 5000, 7):
        assert model.index(row, 0).data() == f"Story {row}"
    assert model.cached_rows() <= article_model.MAX_PAGES * article_model.PAGE
    assert model.row_of(model.article_id(3210)) == 3210


def test_list_model_roles_and_change(lib, qtbot):
    ids = add_articles(lib.conn, [Spec("Plain", dateline="OSLO"), Spec("Other", hours_ago=60)])
    model = ArticleListModel(lib)
    model.open_view(ALL)
    idx = model.index(0, article_model.TITLE)
    assert idx.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, article_model.SECTION).data() == "World"
    assert model.index(0, article_model.SOURCE).data() == ""  # imported from no file
    assert "OSLO" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, article_model.ADDED).data()
    assert idx.data(article_model.ArticleIdRole) == ids[0]
    change = marking.set_flag(lib, [ids[0]], "read", True)
    with qtbot.waitSignal(model.dataChanged):
        model.apply_change(change)
    assert idx.data(Qt.ItemDataRole.FontRole) is None


def test_sort_by_title_and_date(lib):
    add_articles(lib.conn, [Spec("beta", hours_ago=1), Spec("Alpha", hours_ago=2), Spec("gamma")])
    model = ArticleListModel(lib)
    model.open_view(ALL)
    model.sort(article_model.TITLE, Qt.SortOrder.AscendingOrder)
    assert [model.index(i, 0).data() for i in range(3)] == ["Alpha", "beta", "gamma"]
    model.sort(article_model.TITLE, Qt.SortOrder.DescendingOrder)
    assert [model.index(i, 0).data() for i in range(3)] == ["gamma", "beta", "Alpha"]
    model.sort(article_model.ADDED, Qt.SortOrder.DescendingOrder)
    assert [model.index(i, 0).data() for i in range(3)] == ["beta", "Alpha", "gamma"]


class _Emitter(QObject):
    ping = Signal(int)


def test_ten_thousand_signal_emits_do_not_crash(qtbot):
    """PySide6 6.12.0 on Python 3.11 aborts after a few thousand emits (bool_dealloc)."""
    emitter = _Emitter()
    received = []
    emitter.ping.connect(received.append)
    for i in range(10_000):
        emitter.ping.emit(i)
    assert len(received) == 10_000 and received[-1] == 9_999
