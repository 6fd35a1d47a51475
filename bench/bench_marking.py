"""Shift+A on a big unread view: the window's longest stall, and the marking complete and undone.

    python bench/bench_marking.py [--library PATH] [--compare]

Opens the real window on the library (offscreen unless DISPLAY is set), opens Unread (about
500,000 articles in the 1,000,000-article bench library), then presses Shift+A and, once the
marking is written, Ctrl+Z. A 5 ms QTimer on the window's thread measures the event loop:
the longest gap between two ticks is the window's longest stall (bar: under 100 ms), p99 of
the gaps beside it. Also printed: how soon the window shows the counts the marking leaves, how
long the marking and its undo take to be written (off the window's thread), and whether the
undo put back exactly the unread articles there were (a checksum of their ids). ``--compare``
also times the same marking as one UPDATE on one connection (what Shift+A did before, on the
window's thread: the window froze that long), and its undo.

The library is changed and put back: every article unread before is unread after. By default
it is the one ``dispatch import`` makes of bench_search.py's dump, with a reader's marks (about
375,000 of its 1,000,000 articles unread; see bench_sort.py); ``--sql-built`` uses
bench/make_library.py's (about 500,000 unread), ``--library`` any other.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _unread_checksum(conn) -> tuple[int, int]:
    return tuple(
        conn.execute(
            "SELECT count(*), total(id * 7919 % 1000003) FROM articles"
            " WHERE read = 0 AND deleted_at IS NULL"
        ).fetchone()
    )


class Probe:
    """Ticks of a 5 ms timer on the window's thread; gaps between them are stalls."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> tuple[float, float, float]:
        """The longest gap, the p99 gap, and when the longest began."""
        self.timer.stop()
        self.ticks.append(time.perf_counter())
        pairs = list(zip(self.ticks, self.ticks[1:], strict=False))
        gaps = sorted(b - a for a, b in pairs)
        start = max(pairs, key=lambda p: p[1] - p[0])[0]
        return gaps[-1], gaps[int(len(gaps) * 0.99)], start


def _wait(app, condition, timeout: float = 600.0) -> float:
    start = time.perf_counter()
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() - start > timeout:
            raise SystemExit("timed out")
    return time.perf_counter() - start


def _compare(path: Path) -> None:
    """The marking as one UPDATE on one connection, and its undo (the old Shift+A)."""
    from reader.core import marking
    from reader.core.store import Library
    from reader.core.views import UNREAD

    with Library(path) as lib:
        t = time.perf_counter()
        change = marking.mark_view_read(lib, UNREAD)
        t_mark = time.perf_counter() - t
        t = time.perf_counter()
        marking.undo(lib, change)
        t_undo = time.perf_counter() - t
    print(f"  one UPDATE (the old Shift+A, on the window's thread): {change.count:,} articles")
    print(f"    marking {t_mark:6.1f} s, undo {t_undo:6.1f} s: the window froze that long")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--library", type=Path, help="an existing library (default: built by import)")
    p.add_argument("--articles", type=int, default=1_000_000)
    p.add_argument("--sql-built", action="store_true", help="bench/make_library.py's library")
    p.add_argument("--compare", action="store_true")
    args = p.parse_args(argv)
    if args.library is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_sort import default_library

        args.library = default_library(args.articles, args.sql_built)
    os.environ.setdefault(
        "QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb"
    )
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader.core.store import Library
    from reader.core.views import UNREAD
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    lib = Library(args.library)
    before = _unread_checksum(lib.conn)
    folder = tempfile.mkdtemp(prefix="bench-marking-")
    settings = Settings(QSettings(f"{folder}/settings.ini", QSettings.Format.IniFormat))
    window = MainWindow(lib, settings)
    window.resize(1200, 800)
    window.show()
    _wait(app, lambda: window.pane_updates.counts_loaded)
    window.open_view(UNREAD)
    unread = window.list_model.rowCount()
    print(f"library: {args.library}; Unread lists {unread:,} articles")
    from reader.ui.marking import BIG_MARKING

    if unread < BIG_MARKING:
        # A small view is marked at once on the window's thread: there is no background
        # marking to wait for (and nothing for this bench to measure).
        print(f"Unread must list at least {BIG_MARKING:,} articles for a background marking")
        return 2
    sweeps = window.marking.sweeps
    probe = Probe()
    probe.start()
    idle_until = time.perf_counter() + 10.0
    _wait(app, lambda: time.perf_counter() > idle_until)
    longest, p99, _when = probe.stop()
    print(
        f"floor: the idle window, 10 s, same run: longest gap {longest * 1e3:.1f} ms,"
        f" p99 {p99 * 1e3:.1f} ms (the machine's load, not Dispatch's)"
    )

    def run(label: str, keys) -> None:
        listed: list[float] = []
        ended: list[float] = []

        def on_listed(job) -> None:
            listed.append(time.perf_counter())

        def on_ended(job) -> None:
            ended.append(time.perf_counter())

        sweeps.listed.connect(on_listed)
        sweeps.ended.connect(on_ended)
        probe.start()
        t0 = time.perf_counter()
        QTest.keyClick(window.article_list, *keys)
        shown = time.perf_counter() - t0
        _wait(app, lambda: bool(ended))
        longest, p99, when = probe.stop()
        sweeps.listed.disconnect(on_listed)
        sweeps.ended.disconnect(on_ended)
        ok = "ok" if longest < 0.1 else "OVER"
        print(f"{label}")
        print(f"  key handled, rows painted read/unread   {shown * 1e3:8.1f} ms")
        print(f"  counts it leaves shown after            {(listed[0] - t0) * 1e3:8.1f} ms")
        print(f"  written (off the window's thread) after {(ended[0] - t0):8.1f} s")
        print(
            f"  longest event-loop stall {longest * 1e3:6.1f} ms, p99 {p99 * 1e3:5.1f} ms"
            f"   bar < 100 ms: {ok}"
        )
        print(
            f"    (it began {when - t0:.2f} s after the key; counts shown at {listed[0] - t0:.2f} s,"
            f" written at {ended[0] - t0:.2f} s)"
        )

    run("Shift+A on Unread", (Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier))
    left = lib.conn.execute(
        "SELECT count(*) FROM articles WHERE read = 0 AND deleted_at IS NULL"
    ).fetchone()[0]
    print(f"  unread left in the library: {left:,}; sidebar says {window.counts.get(UNREAD):,}")
    run("Ctrl+Z", (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    after = _unread_checksum(lib.conn)
    print(
        f"  undo exact: {after == before} ({after[0]:,} unread, as before: {before[0]:,});"
        f" sidebar says {window.counts.get(UNREAD):,}"
    )
    window.close()
    lib.close()
    if args.compare:
        _compare(args.library)
    return 0 if after == before else 1


if __name__ == "__main__":
    sys.exit(main())
