"""``dispatch import FILE... [--db PATH] [--section NAME]``: dumps into the library from a terminal.

Summaries go to stdout, one line per file; progress and errors go to stderr, so that the output can
be piped. On a terminal progress is a bar redrawn in place; otherwise an occasional plain line.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from reader.core.importing import ImportResult, Progress, import_file
from reader.core.store import Library, LibraryError

PLAIN_PROGRESS_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _seconds(s: float) -> str:
    if s < 60:
        return f"{s:.1f} s"
    minutes, secs = divmod(round(s), 60)
    return f"{minutes} min {secs:02d} s"


def summary(r: ImportResult) -> str:
    """The one line a user reads after a file was imported."""
    took = _seconds(r.seconds)
    if r.status == "failed":
        return f"{r.error or r.name + ': failed'} — not imported"
    if r.articles == 0:
        return f"{r.name}: no articles found ({took})"
    head = f"{r.name}: {_n(r.articles, 'article')} — "
    if r.status == "cancelled":
        return f"{head}interrupted; {_n(r.new, 'new article')} kept ({took})"
    if r.new == 0:
        why = []
        if r.duplicates:
            why.append(f"{r.duplicates:,} already in the library")
        if r.skipped:
            why.append(f"{_n(r.skipped, 'empty article')} skipped")
        return f"{head}nothing new ({', '.join(why)}) ({took})"
    return f"{head}{r.new:,} new, {_n(r.duplicates, 'duplicate')}, {r.skipped:,} skipped ({took})"


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


def run(files: list[Path], db: Path | None = None, section: str | None = None) -> int:
    """Import each file in turn; 0 when all were imported, 1 if any failed, 130 on Ctrl-C."""
    if section is not None and not section.strip():
        print("dispatch: --section needs a section name.", file=sys.stderr)
        return 2
    try:
        lib = Library(db)
    except LibraryError as e:
        print(f"dispatch: {e}", file=sys.stderr)
        return 2
    results: list[ImportResult] = []
    try:
        classify = None
        if section is None:
            from reader.core.placement import classify_for_library

            classify = classify_for_library(lib)  # once: sections and examples as they are now
        for path in files:
            view = _ProgressView(path.name or str(path), sys.stderr)
            try:
                result = import_file(lib, path, section=section, classify=classify, progress=view)
            except KeyboardInterrupt:
                view.clear()
                print(
                    f"{path.name}: interrupted; what was already stored is kept.", file=sys.stderr
                )
                return 130
            view.clear()
            results.append(result)
            line = summary(result)
            if result.status == "failed":
                print(line, file=sys.stderr)
            else:
                print(line)
        if len(results) > 1:
            print(_total(results))
        lib.checkpoint()
    finally:
        lib.close()
    return 1 if any(r.status != "done" for r in results) else 0


def _total(results: list[ImportResult]) -> str:
    failed = sum(r.status == "failed" for r in results)
    new = sum(r.new for r in results)
    dup = sum(r.duplicates for r in results)
    text = f"{_n(len(results), 'file')}: {_n(new, 'new article')}, {_n(dup, 'duplicate')}"
    if failed:
        text += f"; {failed:,} failed"
    return text
