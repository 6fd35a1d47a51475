"""The search bar, its worker thread, its results model and the reading-pane highlights."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QTextBrowser, QVBoxLayout, QWidget

from reader.core.search import search
from reader.core.snippets import highlight_article
from reader.core.store import Library
from reader.core.views import UNREAD
from reader.ui.search_engine import (
    IdRole,
    MatchHighlighter,
    SearchController,
    SearchResultsModel,
    SearchRunner,
    SnippetHtmlRole,
    TitleHtmlRole,
    matched_words,
)
from reader.ui.search_field import SearchBar, status_text

_fp = itertools.count()
FILLER = "Officials spoke to reporters after the meeting on Monday afternoon."


def add(lib: Library, title: str, body: str, *, read: int = 0, added: str | None = None) -> int:
    sid = lib.section_id("World")
    with lib.conn:
        cur = lib.conn.execute(
            "INSERT INTO articles (title, body, section_id, fingerprint, words, added_at, read)"
            " VALUES (?,?,?,?,?,?,?)",
            (title, body, sid, f"ui{next(_fp)}", len(body.split()),
             added or "2026-03-01 10:00:00.000", read),
        )  # fmt: skip
    return cur.lastrowid


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        add(lib, "Ferry timetable changes", f"The ferry leaves earlier. {FILLER}", read=1)
        add(lib, "Harbour ferry <strike>", f"Ferry crews & owners met. {FILLER}")
        for i in range(120):
            add(lib, f"Lighthouse note {i}", f"lighthouse {FILLER}", added=f"2026-02-01 10:{i // 60:02d}:{i % 60:02d}.000")  # fmt: skip
    return path


def test_typing_is_debounced_into_one_query(qtbot) -> None:
    bar = SearchBar(debounce_ms=50)
    qtbot.addWidget(bar)
    seen: list[str] = []
    bar.query_changed.connect(seen.append)
    with qtbot.waitSignal(bar.query_changed, timeout=2000):
        qtbot.keyClicks(bar.field, "ferry tim")
    assert seen == ["ferry tim"]
    assert "OR" in bar.field.placeholderText() and "is:unread" in bar.field.placeholderText()


def test_escape_clears_and_enter_activates(qtbot) -> None:
    bar = SearchBar(debounce_ms=5000)  # Enter must not wait for the pause
    qtbot.addWidget(bar)
    qtbot.keyClicks(bar.field, "ferry")
    with qtbot.waitSignals([bar.query_changed, bar.activated], timeout=1000):
        qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    with qtbot.waitSignal(bar.cleared, timeout=1000):
        qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert bar.text() == ""
    assert not bar.status.isVisibleTo(bar)


def test_the_fields_keys_come_from_the_keymap(qtbot) -> None:
    from reader.ui.commands import Keymap

    keymap = Keymap()
    keymap.bind("search-field-leave", ["Ctrl+G"])
    keymap.bind("search-field-results", ["Ctrl+J"])
    bar = SearchBar(debounce_ms=10, keymap=keymap)
    qtbot.addWidget(bar)
    activated: list[bool] = []
    cleared: list[bool] = []
    bar.activated.connect(lambda: activated.append(True))
    bar.cleared.connect(lambda: cleared.append(True))
    qtbot.keyClicks(bar.field, "ferry")
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)  # no longer bound: the text stays
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.text() == "ferry" and cleared == [] and activated == []
    with qtbot.waitSignal(bar.activated, timeout=1000):
        qtbot.keyClick(bar.field, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(bar.cleared, timeout=1000):
        qtbot.keyClick(bar.field, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert bar.text() == ""


def test_the_clear_button_comes_with_text_and_clears_the_search(qtbot) -> None:
    from PySide6.QtWidgets import QToolButton

    bar = SearchBar(debounce_ms=20)
    qtbot.addWidget(bar)
    bar.show()
    with qtbot.waitSignal(bar.query_changed, timeout=2000):
        qtbot.keyClicks(bar.field, "ferry")
    clear = bar.field.findChild(QToolButton)  # Qt's clear button inside the field
    assert clear is not None and clear.isVisible()
    with qtbot.waitSignal(bar.query_changed, timeout=2000) as blocker:
        qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert blocker.args == [""] and bar.text() == ""


def test_toggles(qtbot) -> None:
    bar = SearchBar()
    qtbot.addWidget(bar)
    with qtbot.waitSignal(bar.scope_changed) as blocker:
        bar.toggle_scope()
    assert blocker.args == [True] and bar.scope_button.text() == "All articles"
    with qtbot.waitSignal(bar.order_changed) as blocker:
        bar.toggle_order()
    assert blocker.args == ["date"] and bar.order_button.text() == "Newest"


def test_runner_searches_in_its_thread(qtbot, library: Path) -> None:
    runner = SearchRunner(library)
    try:
        with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
            runner.submit("ferry")
        result = blocker.args[0]
        assert result.error is None
        assert {h.title for h in result.page.hits} == {
            "Ferry timetable changes",
            "Harbour ferry <strike>",
        }
        with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
            runner.submit("ferry", scope=UNREAD)
        assert [h.title for h in blocker.args[0].page.hits] == ["Harbour ferry <strike>"]
    finally:
        assert runner.shutdown()


def test_runner_answers_only_the_newest_of_quick_requests(qtbot, library: Path) -> None:
    runner = SearchRunner(library)
    got = []
    runner.finished.connect(got.append)
    try:
        for text in ("f", "fe", "fer", "ferr"):
            runner.submit(text)
        last = runner.submit("lighthouse note 7 ")
        qtbot.waitUntil(lambda: any(r.request.seq == last.seq for r in got), timeout=5000)
        assert got[-1].request.seq == last.seq
        assert [h.title for h in got[-1].page.hits] == ["Lighthouse note 7"]
        assert all(r.request.seq == last.seq for r in got)  # stale answers never surface
    finally:
        assert runner.shutdown()


def test_runner_reports_a_bad_library(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("not a database")
    runner = SearchRunner(bad)
    try:
        with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
            runner.submit("ferry")
        assert blocker.args[0].page is None
        assert "not a Dispatch library" in blocker.args[0].error
    finally:
        assert runner.shutdown()


def test_model_rows_roles_and_paging(qtbot, library: Path) -> None:
    with Library(library) as lib:
        first = search(lib, "lighthouse", order="date", limit=50)
        second = search(lib, "lighthouse", order="date", limit=50, offset=50)
    model = SearchResultsModel()
    model.set_page(first)
    assert model.rowCount() == 50 and model.canFetchMore(model.index(-1, -1))
    with qtbot.waitSignal(model.more_wanted) as blocker:
        model.fetchMore(model.index(-1, -1))
    assert blocker.args == [50]
    assert not model.canFetchMore(model.index(-1, -1))  # one request at a time
    model.append_page(second)
    assert model.rowCount() == 100
    idx = model.index(0, 0)
    assert model.data(idx) == "Lighthouse note 119"
    assert model.data(idx, IdRole) == first.hits[0].id
    assert "<b>lighthouse</b>" in model.data(idx, SnippetHtmlRole)
    assert model.data(idx, TitleHtmlRole) == "<b>Lighthouse</b> note 119"
    model.append_page(second)  # the same page twice: ignored
    assert model.rowCount() == 100


def test_controller_end_to_end(qtbot, library: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    bar = SearchBar(debounce_ms=20)
    table = QTableView()
    layout = QVBoxLayout(host)
    layout.addWidget(bar)
    layout.addWidget(table)
    controller = SearchController(bar, library, scope=lambda: UNREAD)
    table.setModel(controller.model)
    table.setItemDelegateForColumn(0, controller.delegate)
    table.verticalHeader().setDefaultSectionSize(controller.delegate.row_height(table))
    host.resize(700, 400)
    host.show()
    try:
        with qtbot.waitSignals([controller.started, controller.results_changed], timeout=5000):
            bar.focus()
            qtbot.keyClicks(bar.field, "ferry")
        # "This view" = Unread: the read ferry story is not there.
        assert [h.title for h in controller.model.hits] == ["Harbour ferry <strike>"]
        assert bar.status.text() == "1 result"
        with qtbot.waitSignal(controller.results_changed, timeout=5000):
            bar.toggle_scope()  # whole library
        assert len(controller.model.hits) == 2
        assert bar.status.text() == "2 results"
        with qtbot.waitSignal(controller.results_changed, timeout=5000):
            bar.set_text('"ferry')
        assert "searching for the words" in bar.status.text()
        table.grab()  # the delegate paints title and snippet without warnings
        with qtbot.waitSignal(controller.first_result_wanted, timeout=1000):
            qtbot.keyClick(bar.field, Qt.Key.Key_Return)
        with qtbot.waitSignal(controller.ended, timeout=1000):
            qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
        assert controller.model.rowCount() == 0 and not controller.active
    finally:
        assert controller.shutdown()


def test_controller_fetches_more_as_the_list_scrolls(qtbot, library: Path) -> None:
    bar = SearchBar(debounce_ms=10)
    qtbot.addWidget(bar)
    controller = SearchController(bar, library, scope=lambda: None)
    try:
        with qtbot.waitSignal(controller.results_changed, timeout=5000):
            bar.set_text("lighthouse")
        assert controller.model.rowCount() == 50
        assert bar.status.text() == "120 results"
        with qtbot.waitSignal(controller.results_changed, timeout=5000):
            controller.model.fetchMore(controller.model.index(-1, -1))
        assert controller.model.rowCount() == 100
    finally:
        assert controller.shutdown()


def test_highlighter_marks_and_jumps(qtbot, library: Path) -> None:
    with Library(library) as lib:
        aid = search(lib, "ferry crews").hits[0].id
        hl = highlight_article(lib, "ferry crews", aid)
    assert hl is not None
    assert matched_words(hl) == ["ferry", "crews"]
    pane = QTextBrowser()
    qtbot.addWidget(pane)
    pane.setPlainText("Harbour ferry <strike>\n\nFerry crews & owners met. The ferryman laughed.")
    hi = MatchHighlighter(pane)
    assert hi.set_highlighted(hl) == 3  # ferry, Ferry, crews; "ferryman" is another word
    assert hi.status() == "3 matches"
    assert hi.next() == 0 and pane.textCursor().selectedText() == "ferry"
    assert hi.next() == 1 and pane.textCursor().selectedText() == "Ferry"
    assert hi.previous() == 0
    assert hi.previous() == 2  # wraps
    assert hi.status() == "Match 3 of 3"
    assert len(pane.extraSelections()) == 3
    hi.clear()
    assert pane.extraSelections() == [] and hi.next() == -1


def test_status_text(library: Path) -> None:
    with Library(library) as lib:
        assert status_text(search(lib, "nothingatall")) == "No articles match"
        assert status_text(search(lib, "lighthouse", order="date")) == "50+ results"
        assert status_text(search(lib, "lighthouse", rank_cap=10)).startswith("10 results · Ranked")


def test_highlighter_on_the_real_reading_pane(qtbot, tmp_path: Path, fixtures_dir: Path) -> None:
    from reader.core.importing import import_file
    from reader.core.views import article
    from reader.ui.reading_pane import ReadingPane

    with Library(tmp_path / "library.sqlite3") as lib:
        import_file(lib, fixtures_dir / "search_harbour.txt", section="World")
        hit = search(lib, "harbour steps").hits[0]
        record = article(lib, hit.id)
        hl = highlight_article(lib, "harbour steps", hit.id)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(600, 500)
    pane.show_article(record)
    hi = MatchHighlighter(pane)
    # Title 1, summary 2, body 3 (as FTS5 marks them), and the source line: search_harbour.txt
    assert hi.set_highlighted(hl) == 7
    texts = []
    for _ in range(hi.count):
        hi.next()
        texts.append(pane.textCursor().selectedText().lower())
    assert sorted(set(texts)) == ["harbour", "steps"]
    assert hi.status() == "Match 7 of 7"
    pane.set_text_step(2)  # the pane renders again: the highlights follow
    assert hi.count == 7 and len(pane.extraSelections()) == 7
    assert hi.status() == "Match 7 of 7"
    pane.show_article(None)
    assert hi.count == 0 and pane.extraSelections() == []


def test_a_newer_search_interrupts_a_running_one(qtbot, library: Path) -> None:
    runner = SearchRunner(library)
    got = []
    runner.finished.connect(got.append)
    started = threading.Event()
    release = threading.Event()
    outcome: list[str] = []

    # Make the first search slow from inside SQLite: a function that blocks until released,
    # so that the interrupt arrives while SQLite is running the statement.
    def slow_search(lib, request):
        if request.text == "slow":
            lib.conn.create_function("wait_here", 0, lambda: (started.set(), release.wait(5))[0])
            try:
                lib.conn.execute(
                    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
                    " WHERE i < 10000000) SELECT count(wait_here()) FROM c"
                ).fetchone()
                outcome.append("ran to the end")
            except Exception as e:
                outcome.append(str(e))
                raise
        return search(lib, request.text)

    runner._worker._search = slow_search
    try:
        runner.submit("slow")
        assert started.wait(5)
        last = runner.submit("ferry")
        release.set()
        qtbot.waitUntil(lambda: any(r.request.seq == last.seq for r in got), timeout=5000)
        assert [r.request.seq for r in got] == [last.seq]  # the slow one never answered
        assert outcome == ["interrupted"]
        assert got[0].error is None and len(got[0].page.hits) == 2
    finally:
        assert runner.shutdown()
