"""Dispatch as a screen reader reads it: the accessibility tree and events through AT-SPI.

The window runs as people run it under Orca: on an X server (Xvfb), with a session bus and the
accessibility bus (at-spi-bus-launcher), Qt's AT-SPI bridge on. tests/a11y_reader.py, run by
the system python that has pyatspi, reads the tree and listens to the events a screen reader
speaks; keys are typed with xdotool, as a user types them.

Skipped, saying which, where a part cannot be had (not Linux, or no Xvfb, xdotool, dbus-daemon,
at-spi2-core or python3-pyatspi); .ci/run installs them on Debian.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui_helpers import Spec, add_articles, add_source, open_library

SYSTEM_PYTHON = "/usr/bin/python3"
READER = Path(__file__).with_name("a11y_reader.py")
BUS_LAUNCHERS = (
    "/usr/libexec/at-spi-bus-launcher",
    "/usr/lib/at-spi2-core/at-spi-bus-launcher",
    "/usr/lib/at-spi-bus-launcher",
)
TIMEOUT = 20.0  # seconds for anything to happen (CI machines are slow and shared)


def missing_parts() -> str | None:
    """What this machine lacks to run a screen reader's session, or None."""
    if not sys.platform.startswith("linux"):
        return "AT-SPI is the Linux accessibility interface"
    for tool in ("Xvfb", "xdotool", "dbus-daemon"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install xvfb xdotool dbus)"
    if bus_launcher() is None:
        return "at-spi-bus-launcher is not installed (apt-get install at-spi2-core)"
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        return "the system python has no pyatspi (apt-get install python3-pyatspi)"
    return None


def bus_launcher() -> str | None:
    return next((p for p in BUS_LAUNCHERS if Path(p).exists()), None)


class Session:
    """An X server, a session bus, the accessibility bus, Dispatch, and a reader of its tree."""

    def __init__(self, folder: Path, library: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        self.env = dict(os.environ)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
            path = folder / name.lower()
            path.mkdir(mode=0o700)
            self.env[name] = str(path)
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env["DISPLAY"] = self._start_x()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._start_bus()
        self._start([bus_launcher() or "", "--launch-immediately"])
        app_env = dict(self.env, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        self.app = self._start([sys.executable, "-m", "reader", "--db", str(library)], app_env)
        self.reader = self._start(
            [SYSTEM_PYTHON, str(READER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.read().get("ready")

    def _start(self, args: list[str], env: dict | None = None, **kw) -> subprocess.Popen:
        process = subprocess.Popen(
            args, env=env or self.env, stderr=subprocess.DEVNULL, text=True, **kw
        )
        self.processes.append(process)
        return process

    def _start_x(self) -> str:
        read_fd, write_fd = os.pipe()
        self._start(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ],
            stdout=subprocess.DEVNULL,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            number = f.readline().strip()  # Xvfb writes it once it accepts connections
        assert number, "Xvfb did not start"
        return f":{number}"

    def _start_bus(self) -> str:
        bus = self._start(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE
        )
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        assert address, "dbus-daemon did not start"
        return address

    def read(self, timeout: float = TIMEOUT) -> dict:
        out = self.reader.stdout
        assert out is not None
        ready, _, _ = select.select([out], [], [], timeout)
        assert ready, "the AT-SPI reader did not answer"
        line = out.readline()
        assert line, "the AT-SPI reader stopped"
        return json.loads(line)

    def ask(self, timeout: float = TIMEOUT, **command) -> dict:
        assert self.reader.stdin is not None
        self.reader.stdin.write(json.dumps(command) + "\n")
        self.reader.stdin.flush()
        return self.read(timeout + 5)

    def keys(self, *keys: str) -> None:
        """Keys pressed as a user presses them, into the window that has the keyboard."""
        subprocess.run(["xdotool", "key", "--delay", "40", *keys], env=self.env, check=True)

    def type(self, text: str) -> None:
        subprocess.run(["xdotool", "type", "--delay", "40", text], env=self.env, check=True)

    def focus_window(self) -> None:
        subprocess.run(
            ["xdotool", "search", "--sync", "--name", "Dispatch", "windowfocus", "--sync"],
            env=self.env,
            check=True,
            timeout=TIMEOUT,
            capture_output=True,
        )

    def wait(self, **want) -> dict:
        """The first event since the mark that matches ``want`` (fails when none comes)."""
        answer = self.ask(cmd="wait", timeout=TIMEOUT, **want)
        assert answer["event"] is not None, f"no event {want}; seen: {answer.get('seen')}"
        return answer["event"]

    def mark(self) -> None:
        self.ask(cmd="mark")

    def tree(self) -> dict:
        tree = self.ask(cmd="tree")["tree"]
        assert tree is not None, "Dispatch is not on the accessibility bus"
        return tree

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- reading the tree ---------------------------------------------------------------------------


def walk(node: dict) -> Iterator[dict]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def find(node: dict, role: str | None = None, name: str | None = None) -> list[dict]:
    return [
        n
        for n in walk(node)
        if (role is None or n["role"] == role) and (name is None or n["name"] == name)
    ]


def one(node: dict, role: str, name: str) -> dict:
    found = find(node, role, name)
    assert len(found) == 1, f"{len(found)} {role} named {name!r}"
    return found[0]


def focused(tree: dict) -> list[dict]:
    return [n for n in walk(tree) if "focused" in n["states"]]


def eventually(session: Session, check) -> dict:
    """The tree once ``check(tree)`` holds: the stand-ins follow the page a moment later, and
    no single event says all of them are in place (polling, with a deadline)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        tree = session.tree()
        if check(tree):
            return tree
        assert time.monotonic() < deadline, "the tree never got there"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Iterator[Session]:
    reason = missing_parts()
    if reason is not None:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("a11y")
    path = folder / "library.sqlite3"
    lib = open_library(path)
    for name in ("World", "Politics"):
        lib.ensure_section(name)
    source = add_source(lib.conn, "morning.txt", new_count=4)
    add_articles(
        lib.conn,
        [
            Spec(
                "Harbour wall holds against the storm",
                body="The sea wall held.\n\n## What happens next\n\nRepairs start on Monday.",
                hours_ago=1,
                source_id=source,
            ),
            Spec("Ferry timetable changes", hours_ago=2, source_id=source),
            Spec("Council vote on the budget", section="Politics", hours_ago=3, starred=1),
            Spec("Minister resigns", section="Politics", hours_ago=4, read=1, source_id=source),
        ],
    )
    with lib.conn:  # why it is in its section: the page links to it ("Why here?")
        lib.conn.execute(
            "UPDATE articles SET section_reason = 'harbour, storm' WHERE title LIKE 'Harbour%'"
        )
    lib.close()
    s = Session(folder, path)
    try:
        assert s.ask(cmd="app", name="Dispatch", timeout=TIMEOUT)["found"], "no Dispatch on AT-SPI"
        s.focus_window()
        # The first paint done: the sidebar has its counts (they are read just after it).
        deadline = time.monotonic() + TIMEOUT
        while not find(s.tree(), "table cell", "World, 2 unread"):
            assert time.monotonic() < deadline, "the sidebar never showed its counts"
            time.sleep(0.2)  # polling an out-of-process tree, with a deadline
        yield s
    finally:
        s.close()


# --- the tests, in the order a reader meets things ------------------------------------------------


def test_every_focusable_control_has_a_name(session: Session) -> None:
    tree = session.tree()
    nameless = [
        (n["role"], n["description"])
        for n in walk(tree)
        if "focusable" in n["states"]
        and not n["name"].strip()
        # A row's first cell carries its name; an empty cell further along (no dateline) is
        # read as part of the row.
        and n["role"] not in ("table cell",)
    ]
    assert nameless == []
    # Containers a reader moves through are named too (an unnamed filler that holds no control,
    # such as a scroll bar's frame, is skipped by screen readers).
    for n in walk(tree):
        holds_controls = any("focusable" in c["states"] for c in walk(n) if c is not n)
        container = n["role"] in ("split pane", "tool bar", "status bar", "panel", "filler")
        if "showing" in n["states"] and container and holds_controls:
            assert n["name"], f"a {n['role']} holding controls has no name: {n}"
    # "Sections" names one thing (the group heading), not the sidebar, a menu and a list too.
    assert [n["role"] for n in find(tree, None, "Sections")] == ["table cell"] or all(
        n["role"] in ("table cell", "menu item") for n in find(tree, None, "Sections")
    )
    assert find(tree, "tree", "Sidebar")


def test_sidebar_items_say_their_counts_and_their_group(session: Session) -> None:
    sidebar = one(session.tree(), "tree", "Sidebar")
    names = {n["name"]: n for n in walk(sidebar) if n["role"] == "table cell"}
    assert "All articles, 3 unread" in names
    assert "Unread, 3 unread" in names
    assert "Starred, 1 unread" in names
    assert "Politics, 1 unread" in names
    assert names["World, 2 unread"]["description"].startswith("Section in Sections, 1 of ")
    assert names["Sources"]["description"] == "Group of 1 entry"
    assert "expandable" in names["Sources"]["states"]
    assert "expanded" not in names["Sources"]["states"]
    session.mark()
    session.keys("h", "End", "Up")  # to the sidebar, the row above its last (the Trash)
    session.wait(type="focus:", role="table cell", contains="Sources")
    session.keys("Right")  # open the group (Qt sends no event for it: read until it shows)

    def cells(tree: dict) -> dict[str, dict]:
        sidebar = one(tree, "tree", "Sidebar")
        return {n["name"]: n for n in walk(sidebar) if n["role"] == "table cell"}

    names = cells(eventually(session, lambda tree: "morning.txt, 4 articles" in cells(tree)))
    session.keys("Home", "l")  # back to All articles (End opened the Trash), then the list
    source = names["morning.txt, 4 articles"]  # what it brought, as the sidebar counts it
    assert source["description"].startswith(
        "Source in Sources, 1 of 1: /tmp/morning.txt; Imported "
    )
    assert "4 new" in source["description"]
    assert [n["name"] for n in walk(sidebar) if n["role"] == "table column header"] == ["Views"]


def test_menu_entries_are_named_without_keys_and_report_their_key_binding(
    session: Session,
) -> None:
    items = {n["name"]: n for n in find(session.tree(), "menu item")}
    assert all("\t" not in name for name in items)
    assert items["Next article"]["keys"] == "J"
    assert items["Next view in the sidebar"]["keys"] == "Shift+J"
    assert items["Star / unstar"]["keys"] == "S"


def test_opening_an_article_reads_it_as_a_document_with_headings(session: Session) -> None:
    session.mark()
    session.keys("j")
    session.wait(type="object:state-changed:selected", contains="Harbour wall holds")
    session.wait(type="object:property-change:accessible-description", contains="(read)")
    expected = [
        ("Harbour wall holds against the storm", "Heading level 1"),
        ("What happens next", "Heading level 3"),
    ]

    def headings(tree: dict) -> list[tuple[str, str]]:
        (document,) = find(one(tree, "label", "Article"), "document frame")
        shown = [h for h in find(document, "heading") if "showing" in h["states"]]
        return [(h["name"], h["description"]) for h in shown]

    tree = eventually(session, lambda tree: headings(tree) == expected)
    pane = one(tree, "label", "Article")
    assert pane["description"] == "Harbour wall holds against the storm (read)"
    assert "Repairs start on Monday." in pane["text"]
    # The page's link can be found and pressed, as a click on it would.
    (link,) = find(one(tree, "label", "Article"), "link", "Why here?")
    assert "Action" in link["interfaces"] and "showing" in link["states"]
    assert "Harbour, storm" not in pane["text"]
    session.mark()
    assert session.ask(cmd="press", role="link", name="Why here?")["done"]
    session.wait(type="object:text-changed:insert", contains="Harbour, storm")
    # The list row says its state, and its date cell says the whole date.
    row = next(n for n in find(tree, "table cell") if n["name"].startswith("Harbour wall"))
    assert row["name"] == "Harbour wall holds against the storm"  # read now: no "unread"
    dates = [n["name"] for n in find(one(tree, "table", "Articles"), "table cell")]
    assert any(d.startswith("Added ") and " 20" in d for d in dates)


def test_marking_read_and_starring_are_spoken_and_rename_the_row(session: Session) -> None:
    session.keys("j")  # the article open (the previous test may have opened it already)
    session.mark()
    session.keys("m")
    said = session.wait(type="object:announcement")
    assert said["data"].startswith(("Marked unread", "Marked read"))
    session.wait(type="object:property-change:accessible-name", role="table cell")
    session.mark()
    session.keys("s")
    said = session.wait(type="object:announcement")
    assert said["data"].startswith(("Starred", "Unstarred"))
    renamed = session.wait(type="object:property-change:accessible-name", role="table cell")
    assert renamed["name"].endswith(", starred") == said["data"].startswith("Starred")


def test_switching_views_is_spoken_and_moves_focus_to_a_row(session: Session) -> None:
    session.keys("Escape")
    session.mark()
    session.keys("shift+j")
    said = session.wait(type="object:announcement")
    assert said["data"].startswith("Unread: ")
    assert "unread ·" in said["data"]
    session.wait(type="focus:", role="table cell")
    session.mark()
    session.keys("shift+k")
    said = session.wait(type="object:announcement")
    assert said["data"].startswith("All articles: ")


def test_search_results_say_their_state(session: Session) -> None:
    session.keys("slash")
    session.wait(type="focus:", role="text", contains="Search")
    session.mark()
    session.type("council")
    session.wait(type="object:announcement", contains="1 result")
    results = one(session.tree(), "table", "Search results")
    names = [n["name"] for n in find(results, "table cell")]
    assert "Council vote on the budget, unread, starred" in names
    session.keys("Escape", "Escape")


def test_the_help_overlay_is_a_dialog_with_readable_text(session: Session) -> None:
    session.mark()
    session.keys("question")
    session.wait(type="window:activate", contains="Keyboard shortcuts")
    dialog = one(session.tree(), "dialog", "Keyboard shortcuts")
    assert "modal" in dialog["states"]
    texts = [n for n in walk(dialog) if "text" in n]
    assert texts and texts[0]["name"] == "Keyboard shortcuts"
    text = texts[0]["text"]
    assert "Next view in the sidebar" in text and "Shift+J" in text
    # Read line by line, as a screen reader reads it: each key, then what it does.
    lines = session.ask(cmd="lines", role=texts[0]["role"], name="Keyboard shortcuts")["lines"]
    lines = [line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1]]
    assert lines[0] == "Keyboard shortcuts"
    for key, does in (("j", "Next article"), ("Shift+J", "Next view in the sidebar")):
        assert lines[lines.index(key) + 1] == does
    assert lines[-1] == "Press Esc or ? to close."
    session.mark()
    session.keys("Escape")
    back = session.wait(type="focus:")
    assert back["name"] != "Show the import log"
    assert back["role"] in ("table", "table cell")
