"""Looking after the library file: check it, repair what is derived, optimize, compact; and
what Help → Library… shows of it.

``maintain`` runs these steps, each reported with what it found and how long it took:

1. SQLite's ``integrity_check`` (every page and index). Damage there is reported and nothing
   else is done: ``dispatch recover`` copies what can be read (the file is left as it is).
2. The full-text index against the articles it mirrors, the sidebar's counts against a recount,
   and the references between tables. The index and the counts are derived from the articles,
   so when they are out of step they are rebuilt (and the report says so).
3. ``optimize`` of the full-text index: its segments merged into one (searches read one b-tree).
4. ``VACUUM`` only when at least a fifth of the file is free pages (after deleting many
   articles): it rewrites the whole file, which needs time and as much free disk again.

Everything here is SQL on the library's own connection. A long step can be stopped: ``cancelled``
is polled by SQLite's progress handler every few thousand instructions, and the step is then
interrupted and rolled back; nothing is lost.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.backups import backups_of
from reader.core.store import RECOUNT_SQL
from reader.core.views import TRASH_FILTER

#: Sources the reader has not removed (schema 11).
LIVE_SOURCES = "removed_at IS NULL"

if TYPE_CHECKING:
    from reader.core.store import Library

#: VACUUM when free pages are at least this share of the file.
VACUUM_FREE_SHARE = 0.2
#: SQLite virtual machine instructions between two looks at ``cancelled`` (about a millisecond).
_POLL_EVERY = 10_000
#: integrity_check lists at most this many problems.
MAX_PROBLEMS = 20


def file_size(path: Path) -> int:
    """The library's bytes on disk: the file and its write-ahead log."""
    total = 0
    for p in (path, Path(f"{path}-wal")):
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


@dataclass(frozen=True)
class Step:
    name: str
    outcome: str
    seconds: float


@dataclass
class Report:
    """What ``maintain`` found and did."""

    path: Path
    size_before: int = 0
    size_after: int = 0
    steps: list[Step] = field(default_factory=list)
    #: Damage SQLite found (the file itself): nothing more was done.
    damage: list[str] = field(default_factory=list)
    #: Derived data that was out of step and has been rebuilt.
    repaired: list[str] = field(default_factory=list)
    vacuumed: bool = False
    stopped: bool = False
    #: Bytes of free pages in the file at the end.
    free_after: int = 0

    @property
    def sound(self) -> bool:
        return not self.damage

    def lines(self) -> list[str]:
        out = [f"{s.name}: {s.outcome} ({s.seconds:.1f} s)" for s in self.steps]
        if self.damage:
            shown = "; ".join(self.damage[:3])
            more = f" (and {len(self.damage) - 3:,} more)" if len(self.damage) > 3 else ""
            out.append(
                f"The library is damaged: {shown}{more}. Nothing was changed. To copy what can "
                f"still be read into a new library (the damaged file is kept aside), run: "
                f"dispatch recover --db {self.path}"
            )
        elif self.stopped:
            out.append("Stopped; the library is as it was before the step that was stopped.")
        before, after = megabytes(self.size_before), megabytes(self.size_after)
        free = f" ({megabytes(self.free_after)} of it free space SQLite reuses)"
        out.append(f"Size: {before} before, {after} after{free if self.free_after else ''}.")
        return out


Progress = Callable[[str], None]


def free_share(lib: Library) -> float:
    """The share of the file's pages that are free (what VACUUM would give back)."""
    pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
    free = lib.conn.execute("PRAGMA freelist_count").fetchone()[0]
    return free / pages if pages else 0.0


def maintain(
    lib: Library,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    vacuum_share: float = VACUUM_FREE_SHARE,
) -> Report:
    """Check, repair the derived data, optimize and (when worth it) compact the library."""
    report = Report(lib.path, size_before=file_size(lib.path))
    say = progress or (lambda _step: None)
    if cancelled is not None:
        lib.conn.set_progress_handler(lambda: 1 if cancelled() else 0, _POLL_EVERY)
    try:
        say("Checking every page")
        _timed(report, "Integrity check", lambda: _integrity(lib, report))
        if report.damage:
            return report
        say("Checking the full-text index and the counts")
        _timed(report, "Derived data", lambda: _derived(lib, report))
        say("Optimizing the full-text index")
        _timed(report, "Full-text index", lambda: _optimize(lib))
        share = free_share(lib)
        if share >= vacuum_share:
            say("Compacting the file")
            _timed(report, "VACUUM", lambda: _vacuum(lib, report, share))
        else:
            why = f"not needed ({share:.0%} of the file is free, under {vacuum_share:.0%})"
            report.steps.append(Step("VACUUM", why, 0.0))
        lib.checkpoint()
    except sqlite3.OperationalError as e:
        if "interrupt" not in str(e):
            raise
        if lib.conn.in_transaction:
            lib.conn.rollback()
        report.stopped = True
    finally:
        if cancelled is not None:
            lib.conn.set_progress_handler(None, 0)
        report.size_after = file_size(lib.path)
        report.free_after = _free_bytes(lib)
    return report


def _free_bytes(lib: Library) -> int:
    conn = lib.conn
    return (
        conn.execute("PRAGMA freelist_count").fetchone()[0]
        * conn.execute("PRAGMA page_size").fetchone()[0]
    )


def _timed(report: Report, name: str, run: Callable[[], str]) -> None:
    t0 = time.perf_counter()
    outcome = run()
    report.steps.append(Step(name, outcome, time.perf_counter() - t0))


def _integrity(lib: Library, report: Report) -> str:
    try:
        rows = [r[0] for r in lib.conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})")]
    except sqlite3.DatabaseError as e:
        if "interrupt" in str(e):
            raise
        report.damage.append(str(e))
        return "SQLite cannot read the file"
    if rows == ["ok"]:
        return "ok"
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    report.damage.extend(lines)
    many = "at least " if len(rows) >= MAX_PROBLEMS else ""
    return f"{many}{len(lines)} problem{'s' if len(lines) != 1 else ''} found"


def _derived(lib: Library, report: Report) -> str:
    conn = lib.conn
    notes = []
    try:
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        conn.commit()
    except sqlite3.DatabaseError as e:
        if "interrupt" in str(e):
            raise
        if conn.in_transaction:
            conn.rollback()
        with conn:
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        report.repaired.append("the full-text index was out of step with the articles: rebuilt")
        notes.append("index rebuilt")
    if not _counts_ok(lib):
        with conn:
            conn.execute("DELETE FROM section_counts")
            conn.execute(
                "INSERT INTO section_counts (section_id, articles, unread, starred, starred_unread)"
                + RECOUNT_SQL.replace("ORDER BY section_id", "")
            )
        report.repaired.append("the sidebar's counts were out of step: counted again")
        notes.append("counts recounted")
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        tables = sorted({r[0] for r in orphans})
        report.damage.append(
            f"{len(orphans):,} rows refer to rows that are gone (in {', '.join(tables)})"
        )
        notes.append("broken references")
    return ", ".join(notes) if notes else "index, counts and references in step"


def _counts_ok(lib: Library) -> bool:
    kept = lib.conn.execute(
        "SELECT section_id, articles, unread, starred, starred_unread FROM section_counts"
        " WHERE articles != 0 OR unread != 0 OR starred != 0 OR starred_unread != 0"
        " ORDER BY section_id"
    ).fetchall()
    return kept == lib.conn.execute(RECOUNT_SQL).fetchall()


def _optimize(lib: Library) -> str:
    conn = lib.conn
    before = conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
    with conn:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    after = conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
    return f"optimized ({before:,} index records before, {after:,} after)"


def _vacuum(lib: Library, report: Report, share: float) -> str:
    lib.checkpoint()
    before = file_size(lib.path)
    lib.conn.execute("VACUUM")
    lib.checkpoint()
    report.vacuumed = True
    return (
        f"{share:.0%} of the file was free: {megabytes(before)} → {megabytes(file_size(lib.path))}"
    )


# --- what Help → Library… shows ------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryInfo:
    path: Path
    size: int
    articles: int
    unread: int
    starred: int
    sources: int
    schema_version: int
    free_share: float
    last_backup: Path | None
    #: Articles in the Trash.
    trash: int = 0


def library_info(lib: Library) -> LibraryInfo:
    """The facts about the library file, from the kept counts: milliseconds at any size."""
    conn = lib.conn
    articles, unread, starred = conn.execute(
        "SELECT coalesce(sum(articles), 0), coalesce(sum(unread), 0), coalesce(sum(starred), 0)"
        " FROM section_counts"
    ).fetchone()
    sources = conn.execute(f"SELECT count(*) FROM sources WHERE {LIVE_SOURCES}").fetchone()[0]
    trash = conn.execute(f"SELECT count(*) FROM articles WHERE {TRASH_FILTER}").fetchone()[0]
    backups = backups_of(lib.path)
    return LibraryInfo(
        path=lib.path,
        size=file_size(lib.path),
        articles=articles,
        unread=unread,
        starred=starred,
        sources=sources,
        schema_version=lib.schema_version,
        free_share=free_share(lib),
        last_backup=backups[0] if backups else None,
        trash=trash,
    )
