"""Search results and saved-search counts refreshing while an import adds articles.

    python bench/bench_live_search.py [--mb 50] [--query WORD]

Opens the real window (offscreen) on a fresh library, saves a search, shows the results of
the same query, then imports a generated dump (bench/gen_dump.py) through the window's import
worker, as Ctrl+O does. A 5 ms timer on the window's thread measures the event loop the whole
time. Prints the longest gap and p99 (bars: under 100 ms and under 20 ms, as the import's), how
often the open results were searched again and how many they counted at the end against the
library's own count, and the same for the saved search's sidebar count. The floor: the same
timer over the same import with no search open, measured in the same run (its own library).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_dump import generate  # noqa: E402


def _gaps(ticks: list[float]) -> tuple[float, float]:
    gaps = sorted(b - a for a, b in itertools.pairwise(ticks))
    return gaps[-1], gaps[int(len(gaps) * 0.99)]


def run(dump: Path, folder: Path, query: str | None) -> dict:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader.core.placement import classify_for_library
    from reader.core.saved_search_ops import save_search, saved_search_unread
    from reader.core.search import search
    from reader.core.store import Library
    from reader.ui.importer import ImportController
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    sys.setswitchinterval(0.001)  # as reader.ui.app.run() does
    db = folder / f"library-{'search' if query else 'floor'}.sqlite3"
    lib = Library(db)
    sid = save_search(lib, "Watched", query) if query else None
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(lib, settings)
    window.resize(1200, 800)
    window.show()
    refreshes = [0]
    if query:
        window.search.focus()
        QTest.keyClicks(window.search.bar.field, query)  # typed, as a reader does
        deadline = time.perf_counter() + 10
        while window.search.ctl is None and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)
        window.search.ctl.results_changed.connect(
            lambda page: refreshes.__setitem__(0, refreshes[0] + 1)
        )
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    controller = ImportController(window, db, classify=classify_for_library)
    done: list[float] = []
    controller.queue.run_finished.connect(lambda _s: done.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    controller.import_paths([dump])
    while not done:
        app.processEvents()
        time.sleep(0.001)
    settle = time.perf_counter() + 3  # the last refresh and recount after the import's end
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    out = {"import_s": done[0] - t0, "gaps": _gaps(ticks)}
    if query:
        page = window.search.ctl.model.page
        out["refreshes"] = refreshes[0]
        out["shown_total"] = page.total if page is not None else None
        saved = window.search.saved_views
        out["saved_shown"] = saved.counts.get(sid, (None, True))[0]
        (s,) = [x for x in saved.saved if x.id == sid]
        out["saved_true"] = saved_search_unread(lib, s, limit=10**9)[0]
        out["true_total"] = search(lib, query, limit=1).total
    window.close()
    lib.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=50.0)
    p.add_argument("--query", help="default: the longest word of the dump's first headline")
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-live-search-"))
    dump = folder / "dump.txt"
    n = generate(dump, args.mb)
    if args.query is None:
        first = dump.read_text(encoding="utf-8").splitlines()[0]
        args.query = max((w.strip(".,:;'\"").lower() for w in first.split()), key=len)
    print(f"dump: {args.mb:.0f} MB, {n:,} articles; query {args.query!r}", flush=True)
    floor = run(dump, folder, None)
    live = run(dump, folder, args.query)
    print(f"{'':38}{'longest':>10}{'p99':>9}{'import':>9}")
    for name, r in (("floor: import, no search open", floor), ("import with results open", live)):
        longest, p99 = r["gaps"]
        print(f"{name:38}{longest * 1e3:7.1f} ms{p99 * 1e3:6.1f} ms{r['import_s']:7.1f} s")
    longest, p99 = live["gaps"]
    ok = "ok" if longest < 0.1 and p99 < 0.02 else "OVER"
    print(f"bars: longest < 100 ms, p99 < 20 ms: {ok}")
    print(
        f"open results searched again {live['refreshes']} times during the import; they count"
        f" {live['shown_total']} at the end, the library {live['true_total']}"
    )
    print(f"saved search's sidebar count {live['saved_shown']}, the library {live['saved_true']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
