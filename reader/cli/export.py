"""``dispatch export [--db PATH] [--query Q] [--format md|html|txt] [--each] -o PATH``.

Writes the whole library, or a search's results (newest first, or best first with
``--order rank``), to one file or, with ``--each`` or a PATH that is a folder (or ends with
'/'), to one file per article in that folder. The format comes from ``--format``, else from the
file's extension, else Markdown. The summary goes to stdout, progress and errors to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reader.cli.library import (
    CommandFailed,
    command,
    library_open,
    library_path,
    progress_lines,
    say,
)
from reader.core.export import ExportError, export, format_for, search_ids
from reader.core.libfile import library_writable


@command
def run(
    output: Path | str,
    *,
    db: Path | None = None,
    query: str | None = None,
    fmt: str | None = None,
    each: bool = False,
    order: str = "date",
) -> int:
    """0 when written, 2 when the library or the output could not be used, 130 on Ctrl-C."""
    path = library_path(db)
    if not path.exists():
        say(f"dispatch export: no library at {path}.")
        return 2
    folder = each or str(output).endswith((os.sep, "/")) or Path(output).is_dir()
    output = Path(output).expanduser()
    fmt = fmt or format_for(output)
    # Exporting writes nothing to the library: one on a read-only disk is exported as is.
    progress = progress_lines(lambda done, total: f"exporting: {done:,} of {total:,}")
    read_only = not library_writable(path)
    with library_open(db, prefix="dispatch export", read_only=read_only) as lib:
        try:
            rank = order == "rank"
            ids = search_ids(lib, query, order="rank" if rank else "date") if query else None
            if ids is not None and not ids:
                say(f"dispatch export: no articles match “{query}”; nothing written.")
                return 1
            title = f"Dispatch: {query}" if query else f"Dispatch: {path.stem}"
            result = export(
                lib, output, fmt, ids=ids, folder=folder, title=title, progress=progress
            )
        except ExportError as e:
            raise CommandFailed(f"dispatch export: {e}") from e
        except KeyboardInterrupt:
            raise CommandFailed("export interrupted; nothing was left half-written.", 130) from None
    print(result.summary())
    sys.stdout.flush()
    return 0
