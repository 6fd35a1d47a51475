"""``dispatch trash [--empty] [--db PATH]``: what the Trash holds, and emptying it for good.

Without ``--empty`` it only says how many articles the Trash holds (and how many are starred).
``--empty`` deletes them all for good, in chunks: an interruption (Ctrl-C) keeps the library
consistent, with what was not yet deleted still in the Trash.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.library import command, library_open
from reader.core import trash


def _articles(n: int) -> str:
    return "1 article" if n == 1 else f"{n:,} articles"


@command
def run(db: Path | None = None, empty: bool = False) -> int:
    """0 when done, 2 when the library cannot be opened or changed, 130 on Ctrl-C."""
    with library_open(db) as lib:
        n = trash.trash_size(lib)
        if not empty:
            starred = n - trash.trash_size(lib, unstarred=True)
            extra = f" ({starred:,} starred)" if starred else ""
            print(f"The Trash holds {_articles(n)}{extra}.")
            return 0
        try:
            gone = trash.empty_trash(lib)
        except KeyboardInterrupt:
            print("emptying interrupted; what is left is still in the Trash.", file=sys.stderr)
            return 130
        print(f"Emptied the Trash: {_articles(gone)} deleted for good.")
        lib.checkpoint()
        return 0
