"""``dispatch reparse [--db PATH] [--dry-run] [--yes] [SOURCE...]``: parse imported dumps again
with this Dispatch's parser, keeping each surviving article's read, starred and section state and
the reader's hand fixes.

A re-parse that would remove articles (old ones nothing of the new parse overlaps) asks first at
a terminal, with the counts; elsewhere it needs --yes, and without it changes nothing.

SOURCE is an imported file's name, its path or its number in the import log; none: every one.
One line per source on stdout ("seed.txt: 19 articles became 200 (...)"); errors one line each
on stderr. Exit status: 0 when every source was re-parsed, 1 when some could not be (the others
were), 2 when the library cannot be opened or a SOURCE names nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from reader.cli.library import command, library_open, progress_lines, say
from reader.core.reparse import (
    Reparsed,
    ReparseError,
    find_sources,
    library_place,
    reparse_source,
)
from reader.core.store import Library


@command
def run(db: Path | None, words: list[str], dry_run: bool = False, yes: bool = False) -> int:
    with library_open(db) as lib:
        try:
            return _run(lib, words, dry_run, yes)
        except KeyboardInterrupt:
            print("re-parse interrupted; the library was left as it was.", file=sys.stderr)
            return 130


def _progress_line(name: str) -> Callable[[int, int], str]:
    return lambda done, total: f"{name}: re-parsing {done / total:.0%}"


def _confirm(yes: bool) -> Callable[[Reparsed], bool]:
    """Removing articles takes --yes, or a yes typed at a terminal after the counts."""

    def allow(result: Reparsed) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            say(f"{result.summary()} — removing articles needs --yes")
            return False
        answer = input(f"{result.summary()}\nRemove {result.removed:,}? [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    return allow


def _run(lib: Library, words: list[str], dry_run: bool, yes: bool) -> int:
    try:
        chosen = find_sources(lib, words)
    except ReparseError as e:
        say(f"dispatch: {e}")
        return 2
    if not chosen:
        print("No finished imports in this library: nothing to re-parse.")
        return 0
    place = None if dry_run else library_place(lib)
    failed = 0
    for src in chosen:
        progress = progress_lines(_progress_line(src.name))
        try:
            result = reparse_source(
                lib, src, place=place, dry_run=dry_run, progress=progress,
                allow_removal=_confirm(yes),
            )  # fmt: skip
        except ReparseError as e:
            say(f"dispatch: {e}")
            failed += 1
            continue
        print(result.summary())
    if not dry_run:
        lib.checkpoint()
    return 1 if failed else 0
