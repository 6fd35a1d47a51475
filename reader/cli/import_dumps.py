"""``dispatch import DUMP... [--db PATH] [--section NAME] [--layout L]``: dumps (files, or
folders of them) into the library from a terminal.

Summaries go to stdout, one line per file; progress and errors go to stderr, so that the output can
be piped. On a terminal progress is a bar redrawn in place; otherwise an occasional plain line.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from reader.cli.library import CommandFailed, command, damaged_line, library_open, say
from reader.core.dump_files import DUMP_SUFFIXES, expand_paths
from reader.core.importing import ImportResult, Progress, import_file
from reader.core.store import Library

PLAIN_PROGRESS_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _seconds(s: float) -> str:
    if s < 60:
        return f"{s:.1f} s"
    minutes, secs = divmod(round(s), 60)
    return f"{minutes} min {secs:02d} s"


def summary(r: ImportResult) -> str:
    """The one line a user reads after a file was imported, with what looks doubtful in it."""
    line = _outcome(r)
    if r.warning and r.status != "failed":
        line += f" — warning: {r.warning}"
    return line


def _outcome(r: ImportResult) -> str:
    took = _seconds(r.seconds)
    if r.status == "failed":
        error = r.error or f"{r.name}: failed"
        if r.new:
            return f"{error} — {_n(r.new, 'new article')} kept, the rest not imported"
        return f"{error} — not imported"
    if r.articles == 0:
        return f"{r.name}: no articles found: nothing in it reads as news text ({took})"
    head = f"{r.name}: {_n(r.articles, 'article')} — "
    if r.resumed:
        head += f"resumed an interrupted import ({_n(r.resumed, 'article')} it had stored); "
    if r.status == "cancelled":
        return f"{head}interrupted; {_n(r.new, 'new article')} kept ({took})"
    if r.new == 0:
        why = []
        if r.duplicates:
            why.append(f"{r.duplicates:,} already in the library")
        if r.skipped:
            why.append(f"{_n(r.skipped, 'empty article')} skipped")
        return f"{head}nothing new ({', '.join(why)}) ({took})"
    # A resumed import's earlier articles are its own, not duplicates (as its source row says).
    dup = max(0, r.duplicates - r.resumed)
    return f"{head}{r.new:,} new, {_n(dup, 'duplicate')}, {r.skipped:,} skipped ({took})"


class _ProgressView:
    """A bar redrawn in place on a terminal; a plain line now and then elsewhere."""

    def __init__(self, name: str, out: TextIO) -> None:
        self.name = name
        self.out = out
        self.tty = out.isatty()
        self.started = time.monotonic()
        self.last_plain = self.started
        self.drawn = False

    def __call__(self, p: Progress) -> None:
        fraction = p.bytes_done / p.bytes_total if p.bytes_total else 0.0
        elapsed = time.monotonic() - self.started
        rate = p.bytes_done / elapsed / 1e6 if elapsed > 0 else 0.0
        if self.tty:
            stats = (
                f" {fraction:4.0%}  {p.bytes_done / 1e6:,.1f}/{p.bytes_total / 1e6:,.1f} MB"
                f"  {p.articles:,} articles  {rate:,.1f} MB/s"
            )
            width = shutil.get_terminal_size((80, 24)).columns - 1
            name = self.name if len(self.name) <= 24 else self.name[:23] + "…"
            bar_width = max(0, width - len(name) - len(stats) - 4)
            filled = round(bar_width * fraction)
            line = f"{name} [{'#' * filled}{'-' * (bar_width - filled)}]{stats}"
            self.out.write("\r" + line[:width])
            self.out.flush()
            self.drawn = True
        elif time.monotonic() - self.last_plain >= PLAIN_PROGRESS_EVERY and fraction < 1:
            self.last_plain = time.monotonic()
            self.out.write(
                f"{self.name}: {fraction:.0%} ({p.articles:,} articles, {rate:,.1f} MB/s)\n"
            )
            self.out.flush()

    def clear(self) -> None:
        if self.drawn:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.out.write("\r" + " " * width + "\r")
            self.out.flush()
            self.drawn = False


class _Stop:
    """SIGTERM (a logout, a shutdown) and SIGHUP (the terminal closed) stop the import between
    articles, like Ctrl-C: what was stored is kept and the source is marked interrupted."""

    SIGNALS = ("SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.signum = 0
        self._old: dict[int, object] = {}

    def __call__(self) -> str | bool:
        return f"stopped by {signal.Signals(self.signum).name}" if self.signum else False

    def _handle(self, signum: int, frame: object) -> None:
        self.signum = signum

    def __enter__(self) -> _Stop:
        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                num = getattr(signal, name, None)
                if num is not None:
                    self._old[num] = signal.signal(num, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for num, old in self._old.items():
            signal.signal(num, old)  # type: ignore[arg-type]


def run_paths(
    paths: list[Path],
    db: Path | None = None,
    section: str | None = None,
    layout: str = "auto",
) -> int:
    """``dispatch import``: folders become their dump files (the window's rule, in
    core.dump_files), what else they hold is listed on stderr, then :func:`run`. A folder with no
    dump is an error (1); with no file at all to import, the library is not even opened."""
    files: list[Path] = []
    status = 0
    for path in paths:
        found, skipped = expand_paths([path])
        for s in skipped:
            say(f"{s.path}: {s.reason}")
        if path.is_dir() and not found:
            say(f"dispatch: {path}: no {' or '.join(DUMP_SUFFIXES)} files in this folder")
            status = 1
        files += found
    if not files:
        return status or 1
    return max(status, run(files, db=db, section=section, layout=layout))


@command
def run(
    files: list[Path],
    db: Path | None = None,
    section: str | None = None,
    layout: str = "auto",
) -> int:
    """Import each file in turn; 0 when all were imported, 1 if any failed, 2 when the library
    cannot be used, 130 on Ctrl-C, 128 + the signal's number on SIGTERM or SIGHUP."""
    if section is not None and not section.strip():
        print("dispatch: --section needs a section name.", file=sys.stderr)
        return 2
    with _Stop() as stop, library_open(db) as lib:
        return _import_all(lib, files, section, stop, db, layout)


def _import_all(
    lib: Library,
    files: list[Path],
    section: str | None,
    stop: _Stop,
    db: Path | None,
    layout: str = "auto",
) -> int:
    results: list[ImportResult] = []
    classify = None
    if section is None:
        from reader.core.placement import classify_for_library

        classify = classify_for_library(lib)  # once: sections and examples as they are now
    for path in files:
        view = _ProgressView(path.name or str(path), sys.stderr)
        try:
            result = import_file(
                lib,
                path,
                section=section,
                classify=classify,
                progress=view,
                cancelled=stop,
                layout=layout,
            )
        except KeyboardInterrupt:
            view.clear()
            say(f"{path.name}: interrupted; what was already stored is kept.")
            return 130
        view.clear()
        results.append(result)
        if result.library_damaged:
            lib.close()
            raise CommandFailed(damaged_line(lib.path, "SQLite cannot read parts of it", db))
        if result.status == "cancelled" and stop.signum:
            say(
                f"{result.name}: {result.error or 'interrupted'}; {_n(result.new, 'new article')} "
                "kept. Import it again to finish."
            )
            return 128 + stop.signum
        line = summary(result)
        if result.status == "failed":
            say(line)
        else:
            print(line)
    if len(results) > 1:
        print(_total(results))
    lib.checkpoint()  # never fails: a log left unfolded loses nothing
    return 1 if any(r.status != "done" for r in results) else 0


def _total(results: list[ImportResult]) -> str:
    failed = sum(r.status == "failed" for r in results)
    new = sum(r.new for r in results)
    dup = sum(r.duplicates for r in results)
    text = f"{_n(len(results), 'file')}: {_n(new, 'new article')}, {_n(dup, 'duplicate')}"
    if failed:
        text += f"; {failed:,} failed"
    return text
