"""Big markings run as sweeps off the window's thread: shown done at once, written in short
transactions by a real thread, undone exactly; on real library files."""

from __future__ import annotations

import itertools
import sqlite3
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from reader.core import read_sweep, views
from reader.core.views import ALL, UNREAD, View
from tests.ui_helpers import Spec, add_articles, make_window, numbered


def _states(lib) -> list[tuple[int, int]]:
    return lib.conn.execute("SELECT id, read FROM articles ORDER BY id").fetchall()


def _fill(lib, n: int = 6000, trashed: bool = True) -> None:
    specs = numbered(n, section="World")
    for i, s in enumerate(specs):
        s.read = int(i % 7 == 0)
        s.starred = int(i % 50 == 0)
        s.section = ("World", "Sport", "Business")[i % 3]
        s.hours_ago = 1 + i * 0.01  # some of them today
    add_articles(lib.conn, specs)
    if not trashed:
        return
    add_articles(lib.conn, [Spec("Trashed", read=0)])
    with lib.conn:
        lib.conn.execute("UPDATE articles SET deleted_at = '2026-01-01' WHERE title = 'Trashed'")


def test_a_sweep_in_steps_leaves_the_counts_it_promised_and_undoes_exactly(lib, monkeypatch):
    monkeypatch.setattr(read_sweep, "STEP", 700)
    _fill(lib, 3000)
    before = _states(lib)
    counts = views.counts(lib)
    sport = View("section", lib.section_id("Sport"))
    sweep = read_sweep.sweep_view(lib, sport)
    assert len(sweep.ids) == views.counts(lib).get(sport)
    promised = dict(counts.unread)
    sweep.adjust(promised)
    steps = 0
    while not sweep.finished:
        read_sweep.step(lib, sweep)
        steps += 1
        now = dict(views.counts(lib).unread)
        sweep.adjust(now)  # what was written plus what remains is what was promised
        assert now == promised
    assert steps == -(-len(sweep.ids) // 700) and not sweep.pending
    assert views.counts(lib).get(sport) == 0 and views.counts(lib).unread == promised
    back = sweep.undo_sweep()
    read_sweep.prepare(lib, back)
    while not back.finished:
        read_sweep.step(lib, back)
    assert _states(lib) == before
    assert views.counts(lib).unread == counts.unread


def test_a_sweep_leaves_alone_what_someone_else_changed_meanwhile(lib):
    _fill(lib, 1000)
    sweep = read_sweep.sweep_view(lib, ALL)
    first = sweep.ids[0]
    with lib.conn:
        lib.conn.execute("UPDATE articles SET read = 1 WHERE id = ?", (first,))
    while not sweep.finished:
        read_sweep.step(lib, sweep)
    assert sweep.changed == len(sweep.ids) - 1
    assert views.counts(lib).get(UNREAD) == 0


@pytest.fixture
def big_window(qtbot, lib, settings_path, monkeypatch):
    monkeypatch.setattr(read_sweep, "STEP", 500)
    _fill(lib, trashed=False)
    return make_window(qtbot, lib, settings_path)


def _blocker(lib) -> sqlite3.Connection:
    """Another connection holding the write lock: the sweep lists, but cannot write yet."""
    other = sqlite3.connect(lib.path, timeout=5.0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_shift_a_on_a_big_view_shows_it_done_at_once_writes_it_off_thread_and_undoes(
    qtbot, big_window, lib
):
    w = big_window
    w.open_view(UNREAD)
    before = _states(lib)
    unread = w.counts.get(UNREAD)
    assert unread > 5000 and w.list_model.rowCount() == unread
    blocker = _blocker(lib)
    try:
        with qtbot.waitSignal(w.marking.sweeps.listed, timeout=10_000):
            qtbot.keyClick(w.article_list, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
        # Nothing written yet (the lock is held), but the window shows the end state.
        assert lib.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0] > 0
        assert w.counts.get(UNREAD) == 0 and w.counts.get(ALL) == 0
        assert all(w.list_model.row_at(i).read for i in (0, 1, unread // 2, unread - 1))
        assert w.list_model.index(3, 0).data(Qt.ItemDataRole.FontRole) is None  # not bold
    finally:
        blocker.rollback()
        blocker.close()
    with qtbot.waitSignal(w.marking.sweeps.ended, timeout=30_000):
        pass
    left = lib.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0]
    assert left == 0 and w.counts.get(UNREAD) == 0
    # Ctrl+Z: undone by a sweep too, exactly the articles it marked.
    with qtbot.waitSignal(w.marking.sweeps.ended, timeout=30_000):
        qtbot.keyClick(w.article_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _states(lib) == before
    assert w.counts.get(UNREAD) == unread


def test_undo_while_the_sweep_runs_stops_it_and_puts_back_what_it_did(qtbot, big_window, lib):
    w = big_window
    before = _states(lib)
    unread = w.counts.get(UNREAD)
    blocker = _blocker(lib)
    try:
        with qtbot.waitSignal(w.marking.sweeps.listed, timeout=10_000):
            w.marking.mark_view_read()
        w.marking.undo()  # before a single step got through
        assert w.list_model.row_at(1).read == 0  # shown unread at once again
    finally:
        blocker.rollback()
        blocker.close()
    qtbot.waitUntil(lambda: not w.marking.sweeps.busy, timeout=30_000)
    assert _states(lib) == before
    qtbot.waitUntil(lambda: w.counts.get(UNREAD) == unread)


def test_the_window_never_stalls_while_a_sweep_writes(qtbot, big_window, lib, monkeypatch):
    """A 5 ms timer on the window's thread: its longest gap is the window's longest stall."""
    monkeypatch.setattr(read_sweep, "STEP", 2000)
    w = big_window
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(w.marking.sweeps.ended, timeout=30_000):
        w.marking.mark_view_read()
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 3 and max(gaps) < 0.1, max(gaps)
    assert lib.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0] == 0
