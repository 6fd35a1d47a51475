"""The list and the reading pane show who wrote an article and when it was published."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from reader.core import views
from reader.core.views import ALL
from reader.ui import article_model
from reader.ui.article_model import ArticleListModel, publication_date
from reader.ui.reading_pane import article_html
from tests.ui_helpers import Spec, add_articles, add_source, make_window


def _dated(lib, byline=None, published=None, derived=None, **spec) -> int:
    (aid,) = add_articles(lib.conn, [Spec(**spec)])
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET byline = ?, published_at = ?, title_derived = ? WHERE id = ?",
            (byline, published, derived, aid),
        )
    return aid


def test_publication_date_is_the_day_whatever_the_time_zone(monkeypatch):
    import time

    for zone in ("America/Los_Angeles", "Pacific/Auckland", "UTC"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert publication_date("2019-03-02 00:00:00.000") == "2 Mar 2019"
    monkeypatch.undo()
    time.tzset()


def _hours_ago_today(share: float) -> float:
    """At most an hour, and still today (local time) whatever the time of day the tests run."""
    now = datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return min(1.0, (now - midnight).total_seconds() / 3600) * share


def test_date_column_shows_the_publication_date_when_known(lib, qtbot):
    # Both added today, in this order; "an hour ago" was yesterday before 1 a.m.
    _dated(lib, title="Added only", hours_ago=_hours_ago_today(0.3))
    _dated(
        lib,
        title="Published long ago",
        published="2019-03-02 00:00:00.000",
        hours_ago=_hours_ago_today(0.6),
    )
    model = ArticleListModel(lib)
    model.open_view(ALL)
    assert model.headerData(article_model.ADDED, Qt.Orientation.Horizontal) == "Date"
    added = model.index(0, article_model.ADDED)
    published = model.index(1, article_model.ADDED)
    assert model.index(1, article_model.TITLE).data() == "Published long ago"
    assert published.data() == "2 Mar 2019"
    assert published.data(Qt.ItemDataRole.ToolTipRole).startswith("Published 2 Mar 2019; added ")
    assert added.data().startswith("Today ")  # added earlier today: its time today
    assert added.data(Qt.ItemDataRole.ToolTipRole).startswith("Added ")


def _meta_line(html_text: str) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(html_text)
    text = doc.toPlainText().replace("\u2060", "")  # the word joiners that keep items whole
    lines = [line for line in text.splitlines() if "min read" in line]
    assert len(lines) == 1
    return lines[0]


def test_meta_line_byline_date_source_then_reading_time(lib, qtbot):
    src = add_source(lib.conn, "harbour-wire.txt")
    aid = _dated(
        lib,
        byline="Ann <b>Lee</b>, Reuters",
        published="2019-03-02 00:00:00.000",
        title="Cranes idle",
        source_id=src,
    )
    meta = _meta_line(article_html(views.article(lib, aid), 11))
    parts = meta.split(" · ")
    assert parts[:4] == [
        "By Ann <b>Lee</b>, Reuters",
        "2 Mar 2019",
        "from harbour-wire.txt",
        "1 min read",
    ]
    assert "headline made from the first sentence" not in meta


def test_meta_line_without_byline_or_date_and_with_a_derived_title(lib, qtbot):
    aid = _dated(lib, derived=1, title="Cranes stood idle on Monday")
    meta = _meta_line(article_html(views.article(lib, aid), 11))
    added, reading_time = meta.split(" · ")[:2]  # no date known: the day it was added instead
    assert added.startswith("added ") and reading_time == "1 min read"
    assert "By " not in meta
    assert meta.endswith("headline made from the first sentence")


def test_reading_pane_in_the_window_shows_the_byline(qtbot, lib, settings_path):
    _dated(lib, byline="Ann Lee", published="2021-07-02 00:00:00.000", title="Cranes idle")
    window = make_window(qtbot, lib, settings_path)
    window.show_article(1)
    text = window.reading_pane.toPlainText()
    assert "By Ann Lee · 2 Jul 2021 · " in text
