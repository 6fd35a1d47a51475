"""Deleting to the Trash and undoing it at scale, in the window: time and the longest stall.

    python bench/bench_trash.py [--articles 100000] [--library PATH]

Builds a library of N articles (bench/make_library.py) unless one is given, opens the real main
window offscreen, moves every article to the Trash through the window's Trash commands (the
worker, in chunks), then undoes it with Ctrl+Z's path, and empties a Trash of the same size. A
5 ms timer on the GUI thread measures how long the event loop was kept from turning (the
window's longest stall) during each step.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]


def _library(path: Path | None, n: int, folder: Path) -> Path:
    if path is not None:
        return path
    out = folder / "bench.sqlite3"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_library.py"), str(out), "--articles", str(n)],
        check=True,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--library", type=Path)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.core.store import Library
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lib = Library(_library(args.library, args.articles, folder))
        settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(lib, settings)
        window.show()
        deadline = time.monotonic() + 30
        while not window.started and time.monotonic() < deadline:
            app.processEvents()
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE deleted_at IS NULL")]
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(tick)
        timer.start(5)

        def step(name: str, start) -> None:
            gaps.clear()
            last[0] = time.perf_counter()
            t0 = time.perf_counter()
            start()
            while window.trash.jobs.busy:
                app.processEvents()
                time.sleep(0.001)
            took = time.perf_counter() - t0
            print(f"{name}: {took:.1f} s, longest stall of the window {max(gaps) * 1000:.0f} ms")

        step(f"move {len(ids):,} articles to the Trash", lambda: window.trash.move_to_trash(ids))
        step("undo (Ctrl+Z)", window.marking.undo)
        window.trash.move_to_trash(ids)
        while window.trash.jobs.busy:
            app.processEvents()
        window.trash._confirm = lambda *a: True  # type: ignore[method-assign]
        step("empty the Trash", window.trash.empty_trash)
        timer.stop()
        window.close()
        lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
