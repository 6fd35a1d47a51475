"""The README's screenshots, taken of the real app as a user starts it.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/make.py

Builds a library with ``dispatch import`` from the project's own fixture dumps
(tests/fixtures/layouts, written for the project), then, for each theme and layout, writes the
preference into a settings folder of its own, starts ``python -m reader --db LIB`` on the X
display, opens the first article with ``j`` and captures the screen with ImageMagick's
``import``. Needs an X display (Xvfb), xdotool and imagemagick.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
DUMPS = ["blank_bbc20.txt", "md_h3_bylines.txt", "wire_ap_blank.txt", "web_blank.txt"]

#: name: (theme, layout, density)
SHOTS = {
    "light-columns": ("light", "columns", "comfortable"),
    "dark-columns": ("dark", "columns", "comfortable"),
    "sepia-columns": ("sepia", "columns", "comfortable"),
    "light-stacked-compact": ("light", "stacked", "compact"),
    "dark-stacked": ("dark", "stacked", "comfortable"),
}

_WRITE_SETTINGS = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QSettings
from reader.ui import settings as s
QCoreApplication.setOrganizationName("Dispatch")
QCoreApplication.setApplicationName("Dispatch")
theme, layout, density, lib = sys.argv[1:5]
store = s.Settings(QSettings()).for_library(Path(lib))
store.set(s.THEME, theme)
store.set(s.LAYOUT, layout)
store.set(s.LIST_DENSITY, density)
store.sync()
"""


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, env=env, check=True, capture_output=True)


def _window_id(env: dict[str, str], deadline: float) -> str:
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "Dispatch"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout.split()
        if found:
            return found[-1]
        time.sleep(0.2)
    raise SystemExit("make.py: the window did not appear within 30 s")


def shoot(name: str, theme: str, layout: str, density: str, lib: Path, home: Path) -> Path:
    env = dict(os.environ)
    for var in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{var}_HOME"] = str(home / name / var.lower())
    env.pop("QT_QPA_PLATFORM", None)
    _run([sys.executable, "-c", _WRITE_SETTINGS, theme, layout, density, str(lib)], env)
    app = subprocess.Popen([sys.executable, "-m", "reader", "--db", str(lib)], env=env)
    try:
        wid = _window_id(env, time.monotonic() + 30)
        _run(["xdotool", "windowmove", wid, "0", "0", "windowsize", wid, "1280", "800"], env)
        time.sleep(1.0)  # the resize's layout and paint (no event to wait on from outside)
        _run(["xdotool", "windowfocus", "--sync", wid, "key", "j"], env)
        time.sleep(1.0)
        target = OUT / f"{name}.png"
        _run(["import", "-window", "root", "-crop", "1280x800+0+0", str(target)], env)
        return target
    finally:
        app.terminate()
        app.wait(10)


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("make.py: needs an X display: run it under xvfb-run", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="dispatch-shots-"))
    try:
        lib = home / "library.sqlite3"
        dumps = [str(ROOT / "tests" / "fixtures" / "layouts" / d) for d in DUMPS]
        env = dict(os.environ, XDG_STATE_HOME=str(home / "state"))
        _run([sys.executable, "-m", "reader", "import", "--db", str(lib), *dumps], env)
        for name, (theme, layout, density) in SHOTS.items():
            print(shoot(name, theme, layout, density, lib, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
