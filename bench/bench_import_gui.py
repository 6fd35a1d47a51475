"""Does the window stay responsive while a big dump imports?

    python bench/bench_import_gui.py [--mb 300]

Imports a generated dump through the real window's import worker (offscreen) while a 10 ms
timer in the GUI thread records how late each tick fires: the event loop's stalls. Prints the
longest stall, the 99th percentile and the import time, beside the command-line import of the
same file into a fresh library (the same pipeline without a window), measured in the same run.
With --outside, also the window open on a library while ``dispatch import`` imports into it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_dump import generate  # noqa: E402

TICK_MS = 10


class WatchedWindow:
    """The app's window and import controller on ``db``, and a 10 ms timer in the GUI thread that
    records how late each tick fires (the event loop's stalls) once started."""

    def __init__(self, db: Path) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer
        from PySide6.QtWidgets import QApplication

        from reader.core.placement import classify_for_library
        from reader.core.store import Library
        from reader.ui.importer import ImportController
        from reader.ui.main_window import MainWindow

        self.app = QApplication.instance() or QApplication([])
        sys.setswitchinterval(0.001)  # as reader.ui.app.run() does
        self.lib = Library(db)
        self.window = MainWindow(self.lib)
        self.window.resize(1200, 800)
        self.window.show()
        # As the app makes it, with the app's classifier.
        self.controller = ImportController(self.window, db, classify=classify_for_library)
        self.lateness: list[float] = []
        self.when: list[float] = []  # seconds since start() of each tick
        self.started = 0.0
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        elapsed = self.clock.nsecsElapsed() / 1e6
        self.clock.restart()
        self.lateness.append(max(0.0, elapsed - TICK_MS))
        self.when.append(time.perf_counter() - self.started)

    def longest(self, n: int = 3) -> str:
        """The ``n`` longest stalls, each with when it ended (seconds after start)."""
        ticks = sorted(zip(self.lateness[1:], self.when[1:]), reverse=True)[:n]
        return ", ".join(f"{late:.0f} ms at {at:.1f} s" for late, at in ticks)

    def start(self) -> None:
        self.started = time.perf_counter()
        self.clock.start()
        self.timer.start()

    def stop(self) -> None:
        """Stop recording and leave the event loop."""
        self.timer.stop()
        self.app.quit()

    def close(self) -> list[float]:
        """Close everything; how late the ticks were (the first, which has no start, left out)."""
        self.controller.shutdown()
        self.window.close()
        self.lib.close()
        return self.lateness[1:]


def gui_import(dump: Path, db: Path) -> tuple[float, list[float], int]:
    w = WatchedWindow(db)
    result = {}

    def finished(summary) -> None:
        result["summary"] = summary
        result["seconds"] = time.perf_counter() - t0
        w.stop()

    w.controller.queue.run_finished.connect(finished)
    w.start()
    t0 = time.perf_counter()
    w.controller.import_paths([dump])
    w.app.exec()
    print(f"  window import, longest stalls: {w.longest()}", flush=True)
    return result["seconds"], w.close(), result["summary"].new


def outside_import(dump: Path, db: Path) -> tuple[float, list[float], int]:
    """The window open on a library while ``dispatch import`` (another process) imports into it:
    the window looks for that import once a second (reader.ui.outside_imports) and catches up.
    Ends when the window shows every article the import stored."""
    from PySide6.QtCore import QTimer

    w = WatchedWindow(db)
    command = [sys.executable, "-m", "reader", "import", str(dump), "--db", str(db)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=HERE.parent)
    result: dict[str, float] = {}
    watch = QTimer()
    watch.setInterval(100)

    def check() -> None:
        if "stored" not in result and proc.poll() is not None:
            sql = "SELECT COUNT(*) FROM articles"
            result["stored"] = w.lib.conn.execute(sql).fetchone()[0]
        if "stored" in result and w.window.counts.total == result["stored"]:
            result["seconds"] = time.perf_counter() - t0
            watch.stop()
            w.stop()

    watch.timeout.connect(check)
    w.start()
    watch.start()
    t0 = time.perf_counter()
    w.app.exec()
    print(f"  outside import, longest stalls: {w.longest()}", flush=True)
    return result["seconds"], w.close(), int(result["stored"])


def cli_import(dump: Path, db: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reader", "import", str(dump), "--db", str(db)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=HERE.parent,
    )
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=300)
    ap.add_argument("--dump", type=Path, help="an existing dump instead of a generated one")
    ap.add_argument(
        "--outside",
        action="store_true",
        help="also: the window open while dispatch import (another process) imports",
    )
    args = ap.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    dump = args.dump or out / f"dump-{args.mb:g}mb.txt"
    if not dump.exists():
        print(f"generating {dump.name} ...", flush=True)
        generate(dump, args.mb)
    size = dump.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        cli = cli_import(dump, Path(tmp) / "cli.sqlite3")
        seconds, lateness, new = gui_import(dump, Path(tmp) / "gui.sqlite3")
        if args.outside:
            from reader.core.store import Library

            Library(Path(tmp) / "outside.sqlite3").close()  # the window made it before
            outside = outside_import(dump, Path(tmp) / "outside.sqlite3")
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99)] if lateness else 0.0
    print(
        f"{dump.name}: {size:,.0f} MB, {new:,} articles\n"
        f"  command-line import: {cli:7.1f} s  ({size / cli:5.1f} MB/s)\n"
        f"  window import:       {seconds:7.1f} s  ({size / seconds:5.1f} MB/s)  ratio {seconds / cli:.2f}\n"
        f"  GUI event loop, {len(lateness):,} ticks of {TICK_MS} ms: "
        f"longest stall {lateness[-1] if lateness else 0:.1f} ms, p99 {p99:.1f} ms, "
        f"median {statistics.median(lateness) if lateness else 0:.1f} ms late",
        flush=True,
    )
    if args.outside:
        o_seconds, o_late, o_new = outside
        o_late.sort()
        o_p99 = o_late[int(len(o_late) * 0.99)] if o_late else 0.0
        print(
            f"  window open during a command-line import: {o_seconds:7.1f} s until it showed all "
            f"{o_new:,} articles; {len(o_late):,} ticks: longest stall "
            f"{o_late[-1] if o_late else 0:.1f} ms, p99 {o_p99:.1f} ms",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
