"""Helpers for the window tests: real library files filled with known articles."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reader.core.views import utc_stamp

_FP = itertools.count()


def open_library(path: Path):
    """A real library through the store (schema, migrations, PRAGMAs)."""
    from reader.core.store import Library

    return Library(path)


@dataclass
class Spec:
    title: str
    section: str = "World"
    dateline: str | None = None
    summary: tuple[str, ...] = ()
    body: str = "A paragraph of text."
    hours_ago: float = 48.0
    read: int = 0
    starred: int = 0
    source_id: int | None = None


def add_source(conn: sqlite3.Connection, name: str, new_count: int = 0) -> int:
    with conn:
        cur = conn.execute(
            "INSERT INTO sources (path, name, size, imported_at, finished_at, new_count, status)"
            " VALUES (?, ?, 0, ?, ?, ?, 'done')",
            (f"/tmp/{name}", name, utc_stamp(), utc_stamp(), new_count),
        )
    return cur.lastrowid


def add_articles(
    conn: sqlite3.Connection, specs: list[Spec], now: datetime | None = None
) -> list[int]:
    """Insert articles straight into the schema; returns their ids in order."""
    now = now or datetime.now(timezone.utc)
    section_ids = {name.casefold(): i for i, name in conn.execute("SELECT id, name FROM sections")}
    ids = []
    with conn:
        for spec in specs:
            words = len((" ".join(spec.summary) + " " + spec.body).split())
            cur = conn.execute(
                "INSERT INTO articles (title, dateline, summary, body, section_id, source_id,"
                " fingerprint, words, added_at, read, starred, section_reason)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    spec.title,
                    spec.dateline,
                    "\n".join(spec.summary),
                    spec.body,
                    section_ids[spec.section.casefold()],
                    spec.source_id,
                    f"fp-{next(_FP)}",
                    words,
                    utc_stamp(now - timedelta(hours=spec.hours_ago)),
                    spec.read,
                    spec.starred,
                    None,
                ),
            )
            ids.append(cur.lastrowid)
    return ids


def numbered(n: int, section: str = "World", start_hours: float = 48.0, **kw) -> list[Spec]:
    """n articles, newest first: "Story 0" is the newest."""
    return [
        Spec(title=f"Story {i}", section=section, hours_ago=start_hours + i, **kw) for i in range(n)
    ]


def window_with_user_settings(qtbot, lib, tmp_path: Path, monkeypatch):
    """The real main window on ``lib``, shown, its user settings (QSettings' default place, as
    the app uses it) in ``tmp_path / "config"``."""
    from PySide6.QtCore import QSettings

    from reader.ui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    window = MainWindow(lib)
    qtbot.addWidget(window)
    window.show()
    return window


def make_window(qtbot, lib, settings_path: Path):
    """The real main window on ``lib``, shown, with its counts loaded (they come after paint)."""
    from PySide6.QtCore import QSettings

    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    window = MainWindow(lib, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    sql = "SELECT count(*) FROM articles WHERE deleted_at IS NULL"  # the Trash counts nowhere
    total = lib.conn.execute(sql).fetchone()[0]
    qtbot.waitUntil(lambda: window.counts.total == total and window.status_label.text() != "")
    return window


def tables(lib):
    """The library's tables through sqlite-utils (a test dependency: counts and rows in a line)."""
    import sqlite_utils

    return sqlite_utils.Database(lib.conn)


def click_text(qtbot, browser, text: str) -> None:
    """A real mouse click on the first place ``text`` shows in a QTextBrowser (a link, say)."""
    from PySide6.QtCore import Qt

    found = browser.document().find(text)
    assert not found.isNull(), text
    middle = found.selectionStart() + (found.selectionEnd() - found.selectionStart()) // 2
    cursor = browser.textCursor()
    cursor.setPosition(middle)
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
