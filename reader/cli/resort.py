"""``dispatch resort [--db PATH]``: place every article again with today's knowledge and examples.

Articles the reader placed by hand (moved, or imported with --section) are left where they are.
The summary goes to stdout, progress and errors to stderr. Work is committed in batches, so an
interruption (Ctrl-C) keeps what was re-sorted so far and leaves the library consistent.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.library import CommandFailed, command, library_open, progress_lines
from reader.core.section_ops import Resorted, SectionError, placed_by_hand, resort_all


def summary(r: Resorted, by_hand: int) -> str:
    """The line a user reads: how many were looked at, moved, and where to."""
    head = "Re-sort interrupted" if r.cancelled else "Re-sorted"
    text = f"{head}: {r.examined:,} article{'s' if r.examined != 1 else ''} looked at, "
    if r.total_moved:
        ranked = sorted(r.moved.items(), key=lambda kv: (-kv[1], kv[0]))
        where = ", ".join(f"{name} {n:,}" for name, n in ranked)
        text += f"{r.total_moved:,} moved ({where})"
    else:
        text += "none moved"
    if by_hand:
        text += f"; {by_hand:,} placed by you left alone"
    return text


@command
def run(db: Path | None = None) -> int:
    """0 when done, 2 when the library cannot be opened or changed, 130 on Ctrl-C."""
    progress = progress_lines(
        lambda done, total: f"re-sorting: {done:,} of {total:,} ({done / total:.0%})"
    )
    with library_open(db) as lib:
        by_hand, _total = placed_by_hand(lib)
        try:
            result = resort_all(lib, progress=progress)
        except KeyboardInterrupt:
            print("re-sort interrupted; what was already re-sorted is kept.", file=sys.stderr)
            return 130
        except SectionError as e:
            raise CommandFailed(f"dispatch: {e}") from e
        print(summary(result, by_hand))
        lib.checkpoint()
    return 0
