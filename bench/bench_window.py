"""Window bench: a library of a million articles against an empty-window floor, same run.

    python bench/bench_window.py [--library PATH] [--articles 1000000] [--runs 5]

Each run starts two fresh interpreters, alternately:
  floor     an empty PySide6 window with the same three widgets (tree, table, text browser in
            splitters), no data;
  dispatch  ``dispatch --db LIBRARY`` as a user starts it (reader.cli.main: arguments, logging,
            the single-instance check, the library, the window, the import controller), with a
            first-start settings folder of its own.
and measures, from just before the process is spawned:
  cold start to first paint  (the article list's first paint has finished: the window is mapped
                              and shows its rows)
and in the Dispatch window, after that:
  switching views            (open the view + paint the list), for every smart view and a section
  jump to the end            (scroll to the last row + paint)
  paging                     (page down through the list, per page)
  resident memory            (VmRSS after all of it, and the peak VmHWM)
Figures are medians over the runs. The library is generated (bench/make_library.py) when
missing, which takes several minutes for a million articles; it is then reused.
Bars (issue 4): first paint within 1.5x the floor, view switch < 100 ms, RSS < 300 MB.
"""

from __future__ import annotations

# Only what both children need before their first paint: each module a child imports for the
# bench's own sake (argparse, json, pathlib, statistics: some 10 ms of CPU) would be paid by the
# floor and by Dispatch alike, and make the ratio look smaller than it is.
import os
import sys
import time

DEFAULT_LIBRARY = "/tmp/dispatch-bench-1m.sqlite3"
PYCACHE = "/tmp/dispatch-bench-pycache"
HERE = os.path.abspath(__file__)


def _rss_mb() -> tuple[float, float]:
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _cpu_seconds() -> float:
    """The process's CPU time (all threads, user and system) since it started.

    The machine is shared: under load the wall clock measures the neighbours too, while the
    CPU a start costs does not change with them.
    """
    return time.process_time()


# ---------------------------------------------------------------------------------------------
# Children


def _after_first_paint(widget, t0: float, then) -> None:
    """Call ``then(seconds since t0)`` once ``widget`` has finished its first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watch(QObject):
        done = False

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                # Runs after the paint event (and the flush to the window) completed.
                QTimer.singleShot(0, lambda: then(time.time() - t0))
            return False

    watch = Watch(widget)
    widget.installEventFilter(watch)


def _phases(t0: float):
    """Dicts of phase durations (wall, CPU) and a function that ends the current phase."""
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}
    mark, cpu_mark = t0, 0.0

    def phase(name: str) -> None:
        nonlocal mark, cpu_mark
        now, cpu_now = time.time(), _cpu_seconds()
        phases[name], cpu[name] = now - mark, cpu_now - cpu_mark
        mark, cpu_mark = now, cpu_now

    return phases, cpu, phase


def _import_floor_qt():
    """What the floor imports; the window child imports it too, so that the phases compare."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QApplication,
        QMainWindow,
        QSplitter,
        QTableView,
        QTextBrowser,
        QTreeView,
    )

    return Qt, QApplication, QMainWindow, QSplitter, QTableView, QTextBrowser, QTreeView


def child_floor(t0: float) -> dict:
    phases, cpu, phase = _phases(t0)
    phase("interpreter start")
    Qt, QApplication, QMainWindow, QSplitter, QTableView, QTextBrowser, QTreeView = (
        _import_floor_qt()
    )
    app = QApplication(sys.argv[:1])
    phase("import PySide6, application")
    window = QMainWindow()
    table = QTableView()
    right = QSplitter(Qt.Orientation.Vertical)
    right.addWidget(table)
    right.addWidget(QTextBrowser())
    main = QSplitter()
    main.addWidget(QTreeView())
    main.addWidget(right)
    window.setCentralWidget(main)
    window.resize(1200, 800)
    out: dict = {"phases": phases, "cpu_phases": cpu}

    def painted(seconds: float) -> None:
        phase("show and first paint")
        out["first_paint"] = seconds
        out["cpu_at_paint"] = _cpu_seconds()
        out["rss"], out["hwm"] = _rss_mb()
        app.quit()

    _after_first_paint(table.viewport(), t0, painted)
    phase("build the window")
    window.show()
    app.exec()
    return out


def _measure(window, app, out: dict) -> None:
    """After the first paint: view switches, jumps, paging and memory in the Dispatch window."""
    from reader.core.views import ALL, STARRED, TODAY, UNREAD

    app.processEvents()  # the counts are loaded just after the first paint; switching uses them
    viewport = window.article_list.viewport()
    sections = [v for v in window.sidebar_model.views_in_order() if v.kind == "section"]
    switches: dict[str, list[float]] = {}
    for view in (UNREAD, STARRED, TODAY, sections[0], ALL, UNREAD, ALL):
        start = time.perf_counter()
        window.open_view(view)
        viewport.repaint()
        switches.setdefault(view.key, []).append(time.perf_counter() - start)
    out["switch"] = {k: min(v) for k, v in switches.items()}
    start = time.perf_counter()
    window.article_list.scrollToBottom()
    viewport.repaint()
    out["jump_end"] = time.perf_counter() - start
    start = time.perf_counter()
    window.article_list.scrollToTop()
    viewport.repaint()
    out["jump_top"] = time.perf_counter() - start
    bar = window.article_list.verticalScrollBar()
    pages = 100
    start = time.perf_counter()
    for _ in range(pages):
        bar.setValue(bar.value() + bar.pageStep())
        viewport.repaint()
    out["page"] = (time.perf_counter() - start) / pages
    start = time.perf_counter()
    bar.setValue(bar.maximum() // 2)
    viewport.repaint()
    out["jump_middle"] = time.perf_counter() - start
    out["rows"] = window.list_model.rowCount()
    out["cached_rows"] = window.list_model.cached_rows()
    out["rss"], out["hwm"] = _rss_mb()


def child_dispatch(t0: float, library: str) -> dict:
    """``dispatch --db LIBRARY`` as a user starts it (reader.cli.main: arguments, logging, the
    single-instance check, the library, the window and its import controller): the clock stops
    when the article list has painted for the first time, the window mapped and showing its rows.

    The watch is an event filter on the list's viewport, put there as the window is made, as the
    floor's is on its table's. An application-wide Python filter would see every event of the
    start and wrap each object and event in Python (some 150 enum types made on the way, 20 ms
    of CPU) that a user's start never pays. The phases are marked by wrapping the functions the
    start calls (run, create_application, open_window), which costs nothing measurable.
    """
    phases, cpu, phase = _phases(t0)
    phase("interpreter start")
    from reader.ui import app as app_module

    out: dict = {"phases": phases, "cpu_phases": cpu}
    run, create = app_module.run, app_module.create_application
    open_window = app_module.open_window

    def run_and_time(*args, **kwargs):
        phase("command line, logging")
        return run(*args, **kwargs)

    def create_and_time(argv=None):
        app = create(argv)
        phase("import PySide6, application")
        return app

    def open_and_watch(*args, **kwargs):
        phase("single-instance check, library")
        window, importer = open_window(*args, **kwargs)
        phase("build the window")
        _after_first_paint(window.article_list.viewport(), t0, lambda s: painted(window, s))
        return window, importer

    def painted(window, seconds: float) -> None:
        from PySide6.QtWidgets import QApplication

        out["first_paint"] = seconds
        out["cpu_at_paint"] = _cpu_seconds()
        phase("show and first paint")
        out["rss_at_paint"], _ = _rss_mb()
        app = QApplication.instance()
        _measure(window, app, out)
        window.close()
        QApplication.quit()

    app_module.run = run_and_time
    app_module.create_application = create_and_time
    app_module.open_window = open_and_watch
    from reader.cli import main

    status = main(["--db", library])
    if status != 0 or "first_paint" not in out:
        raise SystemExit(f"dispatch exited with {status} before its first paint")
    return out


# ---------------------------------------------------------------------------------------------
# Parent


#: List settings a measured start begins with (--density, --snippet-lines): none, the defaults.
LIST_SETTINGS: dict[str, str] = {}


def _spawn(kind: str, library: str) -> dict:
    import shutil
    import subprocess
    import tempfile

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not env.get("DISPLAY") else "xcb")
    # Installed programs run from bytecode (pip and PyInstaller write it); a shell that sets
    # PYTHONDONTWRITEBYTECODE would make every start recompile Dispatch's sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    # A home of its own for every start: the settings of a first start, a log folder of its own.
    home = tempfile.mkdtemp(prefix="dispatch-bench-")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[name] = os.path.join(home, name.lower())
    if LIST_SETTINGS:  # the reader's list preferences, as Preferences writes them
        folder = os.path.join(env["XDG_CONFIG_HOME"], "Dispatch")
        os.makedirs(folder)
        with open(os.path.join(folder, "Dispatch.conf"), "w") as f:
            f.write("[list]\n" + "".join(f"{k}={v}\n" for k, v in LIST_SETTINGS.items()))
    t0 = time.time()
    env["DISPATCH_BENCH_T0"] = repr(t0)
    proc = subprocess.run(
        [sys.executable, HERE, "--child", kind, library],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(home, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{proc.stderr}")
    import json

    return json.loads(proc.stdout.strip().splitlines()[-1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def child_main(kind: str, library: str) -> int:
    """A measured start (``--child KIND LIBRARY``), its figures on stdout as one JSON line."""
    t0 = float(os.environ["DISPATCH_BENCH_T0"])
    result = child_floor(t0) if kind == "floor" else child_dispatch(t0, library)
    import json  # after the first paint: the figures are taken

    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1], argv[2])
    # The parent's modules, imported here so that the measured children never load them.
    import argparse
    import statistics
    from pathlib import Path

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--library", type=Path, default=Path(DEFAULT_LIBRARY))
    p.add_argument("--articles", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--density", choices=("compact", "comfortable"), help="the list's rows")
    p.add_argument("--snippet-lines", type=int, choices=(0, 1, 2), help="comfortable rows'")
    args = p.parse_args(argv)
    if args.density:
        LIST_SETTINGS["density"] = args.density
    if args.snippet_lines is not None:
        LIST_SETTINGS["snippet_lines"] = str(args.snippet_lines)

    if not args.library.exists():
        sys.path.insert(0, os.path.dirname(HERE))
        from make_library import make

        print(f"generating {args.articles:,} articles into {args.library} (minutes)…", flush=True)
        make(args.library, args.articles)

    # One start of each, not measured: writes bytecode and brings the files into the OS cache,
    # so that every measured run starts the same way (a process start, not a disk start).
    library = str(args.library)
    _spawn("floor", library)
    _spawn("dispatch", library)
    floors, windows = [], []
    for run in range(args.runs):
        floors.append(_spawn("floor", library))
        windows.append(_spawn("dispatch", library))
        print(
            f"run {run + 1}: floor {_ms(floors[-1]['first_paint'])}, "
            f"window {_ms(windows[-1]['first_paint'])}; CPU: floor "
            f"{_ms(floors[-1]['cpu_at_paint'])}, window {_ms(windows[-1]['cpu_at_paint'])}",
            flush=True,
        )

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    floor_paint = med(floors, "first_paint")
    window_paint = med(windows, "first_paint")
    rows = windows[0]["rows"]
    print()
    print(f"library: {args.library} ({rows:,} rows in All articles); medians of {args.runs} runs")
    print(f"{'':34}{'floor':>12}{'Dispatch':>12}{'ratio':>9}   bar")
    print(f"{'(dispatch --db LIBRARY, as started by a user)':34}")
    ratio = window_paint / floor_paint
    ok = "ok" if ratio <= 1.5 else "OVER"
    print(
        f"{'cold start to first paint':34}{_ms(floor_paint):>12}{_ms(window_paint):>12}"
        f"{ratio:8.2f}x   <= 1.5x  {ok}"
    )
    floor_cpu, window_cpu = med(floors, "cpu_at_paint"), med(windows, "cpu_at_paint")
    print(
        f"{'  CPU time to first paint':34}{_ms(floor_cpu):>12}{_ms(window_cpu):>12}"
        f"{window_cpu / floor_cpu:8.2f}x   (the process's own, whatever the machine's load)"
    )
    floor_rss, rss = med(floors, "rss"), med(windows, "rss")
    ok = "ok" if med(windows, "hwm") < 300 else "OVER"
    print(
        f"{'resident memory (RSS)':34}{floor_rss:9.1f} MB{rss:9.1f} MB{rss / floor_rss:8.2f}x"
        f"   < 300 MB {ok} (peak {med(windows, 'hwm'):.1f} MB)"
    )
    print(f"{'RSS at first paint':34}{'':12}{med(windows, 'rss_at_paint'):9.1f} MB")
    for key in windows[0]["switch"]:
        t = statistics.median(w["switch"][key] for w in windows)
        ok = "ok" if t < 0.1 else "OVER"
        print(f"{'switch to ' + key:34}{'':12}{_ms(t):>12}{'':9}   < 100 ms {ok}")
    for key, label in (
        ("jump_end", "jump to the end of All"),
        ("jump_top", "jump back to the top"),
        ("jump_middle", "jump to the middle (OFFSET)"),
        ("page", "page down (per page)"),
    ):
        print(f"{label:34}{'':12}{_ms(med(windows, key)):>12}")
    print(f"{'rows held in memory':34}{'':12}{windows[0]['cached_rows']:>12,}")
    print("\nwhere the first paint goes (medians, wall and CPU; the floor's beside Dispatch's):")
    print(f"  {'':40}{'floor':>10}{'CPU':>10}{'Dispatch':>12}{'CPU':>10}")
    for name in windows[0]["phases"]:
        wall = statistics.median(w["phases"][name] for w in windows)
        cpu = statistics.median(w["cpu_phases"][name] for w in windows)
        if name in floors[0]["phases"]:
            f = statistics.median(r["phases"][name] for r in floors)
            fc = statistics.median(r["cpu_phases"][name] for r in floors)
            print(f"  {name:40}{_ms(f)}{_ms(fc)}  {_ms(wall)}{_ms(cpu)}")
        else:
            print(f"  {name:40}{'':22}  {_ms(wall)}{_ms(cpu)}")
    for name in floors[0]["phases"]:
        if name not in windows[0]["phases"]:
            f = statistics.median(r["phases"][name] for r in floors)
            fc = statistics.median(r["cpu_phases"][name] for r in floors)
            print(f"  {name:40}{_ms(f)}{_ms(fc)}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
