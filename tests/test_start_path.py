"""What ``dispatch --db LIBRARY`` spends before its first paint (issue 17's start-up bar).

Each cut of the start has a test here: the command line read without building argparse's
parser (and read exactly as the parser reads it), Python's own ``__import__`` given back from
PySide6's.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import reader.cli as cli


def fresh_python(script: str) -> object:
    """Run ``script`` in a new interpreter (offscreen Qt); what it printed last, as JSON."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the command line ------------------------------------------------------------------------

WORDS = ["a.txt", "b", "", "--db", "lib", "-x", "--db=other", "--db=", "--dbx", "-", "--", "--help"]


def test_the_quick_reading_agrees_with_the_parser_wherever_it_answers() -> None:
    """Every command line of up to four of these words: where window_args answers, the window's
    parser reads the same (and accepts it); the rest is left to the parser."""
    answered = 0
    for size in range(5):
        for argv in map(list, itertools.product(WORDS, repeat=size)):
            quick = cli.window_args(argv)
            if quick is None:
                continue
            answered += 1
            assert vars(cli.build_window_parser().parse_args(argv)) == vars(quick), argv
    assert answered > 500  # the usual shapes are answered, not all left to the parser


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "lib.sqlite3"],
        ["--db=lib.sqlite3"],
        ["news.txt", "more.txt", "--db", "lib.sqlite3"],
        ["--db", "lib.sqlite3", "news.txt"],
    ],
)
def test_a_plain_start_builds_no_parser(argv, monkeypatch, tmp_path) -> None:
    from reader import logs
    from reader.ui import app

    def no_parser():
        raise AssertionError("the window's parser was built")

    monkeypatch.chdir(tmp_path)
    for name in ("news.txt", "more.txt"):
        (tmp_path / name).write_text("a dump\n")
    monkeypatch.setattr(cli, "build_window_parser", no_parser)
    monkeypatch.setattr(cli, "no_display", lambda: False)
    monkeypatch.setattr(logs, "setup", lambda: None)
    seen = []
    monkeypatch.setattr(app, "run", lambda db, files: seen.append((db, files)) or 0)
    assert cli.main(argv) == 0
    db = Path("lib.sqlite3") if any("lib.sqlite3" in a for a in argv) else None
    files = [Path(a) for a in argv if a.endswith(".txt")]
    assert seen == [(db, files)]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["-x"], ["a", "--db", "x", "b"]])
def test_anything_else_goes_to_the_parser(argv) -> None:
    assert cli.window_args(argv) is None


# --- PySide6's import hook ---------------------------------------------------------------------


def test_the_application_gives_python_its_own_import_back() -> None:
    """After create_application, importing a module no longer runs PySide's feature check (it
    read every new module's source); Qt works as before."""
    script = (
        "import builtins, json\n"
        "import PySide6.QtCore\n"
        "hooked = builtins.__import__ is builtins.__feature_import__\n"
        "from reader.ui.app import create_application\n"
        "app = create_application([])\n"
        "import colorsys\n"
        "from PySide6.support import feature\n"
        "from PySide6.QtWidgets import QLabel\n"
        "label = QLabel('shown')\n"
        "print(json.dumps({'hooked_before': hooked,\n"
        "    'plain_after': builtins.__import__ is builtins.__orig_import__,\n"
        "    'checked': 'colorsys' in feature.pyside_feature_dict, 'text': label.text()}))\n"
    )
    assert fresh_python(script) == {
        "hooked_before": True,
        "plain_after": True,
        "checked": False,
        "text": "shown",
    }


# --- Qt types named before the first paint -----------------------------------------------------

#: Types the first paint does not need, whose first naming builds their enums (QStyle alone:
#: 44M instructions, 4% of a start). PySide makes a type when it is first named.
LATER_TYPES = ("QStyle", "QIcon", "QUrl", "QTextCursor", "QFormLayout", "QActionGroup", "QDir")
#: Modules the first paint does without (html: its entities table).
LATER_MODULES = ("html",)


def test_the_first_paint_names_no_type_it_does_not_need(tmp_path) -> None:
    """``dispatch --db LIBRARY`` on a library with articles: at the list's first paint (rows
    drawn by the row delegate, the reading pane's message set), none of LATER_TYPES exists yet;
    just after it, the sidebar's counts and the icons have made QStyle and QIcon."""
    from reader.core.store import Library
    from tests.ui_helpers import add_articles, numbered

    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        add_articles(lib.conn, numbered(30))
    script = (
        "import json, os, sys\n"
        f"os.environ['XDG_CONFIG_HOME'] = {str(tmp_path / 'config')!r}\n"
        f"os.environ['XDG_DATA_HOME'] = {str(tmp_path / 'data')!r}\n"
        f"os.environ['XDG_STATE_HOME'] = {str(tmp_path / 'state')!r}\n"
        "from reader.ui import app\n"
        "open_window, seen = app.open_window, {}\n"
        f"names = {LATER_TYPES!r}\n"
        "def made():\n"
        "    import PySide6.QtCore as C, PySide6.QtGui as G, PySide6.QtWidgets as W\n"
        "    later = sorted(n for n in names if any(n in vars(m) for m in (C, G, W)))\n"
        f"    return later + sorted(m for m in {LATER_MODULES!r} if m in sys.modules)\n"
        "def watched(*args, **kwargs):\n"
        "    window, importer = open_window(*args, **kwargs)\n"
        "    from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "    class Watch(QObject):\n"
        "        def eventFilter(self, obj, event):\n"
        "            if event.type() == QEvent.Type.Paint and 'paint' not in seen:\n"
        "                seen['paint'] = made()\n"
        "                seen['rows'] = window.list_model.rowCount()\n"
        "            return False\n"
        "    watch = Watch(window)\n"
        "    window.article_list.viewport().installEventFilter(watch)\n"
        "    def started():\n"
        "        seen['started'] = made()\n"
        "        QTimer.singleShot(0, window.close)\n"
        "    window.startup_finished.connect(started)\n"
        "    return window, importer\n"
        "app.open_window = watched\n"
        "from reader.cli import main\n"
        f"status = main(['--db', {str(db)!r}])\n"
        "print(json.dumps(dict(seen, status=status)))\n"
    )
    seen = fresh_python(script)
    assert seen["status"] == 0 and seen["rows"] == 30
    assert seen["paint"] == []
    assert {"QStyle", "QIcon"} <= set(seen["started"])


# --- what the start writes out instead of importing ----------------------------------------------

ODD_TEXTS = [
    "",
    "plain",
    "a<b>&\"'c",
    "&amp; &lt;",
    '<img src="file:///dev/zero">',
    "seed-dump.txt a/b c\u2014d \u2010\u2013 --//",
    "By Ann Lee-Smith\u00a0and\u2060Bo",
    "".join(chr(c) for c in range(32, 0x2100, 7)),
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_escape_is_the_standard_librarys(text) -> None:
    import html

    from reader.ui.plain_text import escape

    assert escape(text) == html.escape(text)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_unbreakable_joins_after_the_characters_it_did_with_a_pattern(text) -> None:
    import re

    from reader.ui.reading_pane import NBSP, WORD_JOINER, unbreakable

    pattern = re.compile("([-\u2010\u2013\u2014/])")
    assert unbreakable(text) == pattern.sub("\\1" + WORD_JOINER, text.replace(" ", NBSP))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Qt answers there")
@pytest.mark.parametrize(
    "tmpdir", [None, "", "/tmp", "/tmp/", "/var//tmp/x/", "/a/./b/../c", "//tmp", "/", "/tmp/é ü"]
)
def test_temp_path_is_qts(tmpdir, monkeypatch) -> None:
    """The single-instance socket's folder, found without QDir, is the one QLocalServer uses."""
    from PySide6.QtCore import QDir

    from reader.ui.single_instance import temp_path

    if tmpdir is None:
        monkeypatch.delenv("TMPDIR", raising=False)
    else:
        monkeypatch.setenv("TMPDIR", tmpdir)
    assert temp_path() == QDir.tempPath()
