"""What keeping a copy of each dump costs, and how long a re-parse takes.

    python bench/bench_reparse.py DUMP [--keep LIBRARY]

Imports DUMP into a fresh library (the copy is made at the end of the import), then times the
copy alone (made again), a dry run and a re-parse that finds nothing to change. Prints the
copy's size as a share of the dump and of the library file.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from reader.core.dump_copies import store_copy
from reader.core.importing import import_file
from reader.core.reparse import reparse_source, sources
from reader.core.store import Library


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dump", type=Path)
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.sqlite3"
        with Library(db) as lib:
            t = time.perf_counter()
            result = import_file(lib, args.dump)
            imported = time.perf_counter() - t
            lib.checkpoint()
            t = time.perf_counter()
            info = store_copy(lib, result.source_id or 0, args.dump)
            copied = time.perf_counter() - t
            lib.checkpoint()
            size = db.stat().st_size
            src = sources(lib)[0]
            t = time.perf_counter()
            dry = reparse_source(lib, src, dry_run=True)
            dry_s = time.perf_counter() - t
        print(
            f"dump {_size(info.raw_size)}, {result.new:,} articles; "
            f"import {imported:.1f} s (copy included)"
        )
        print(
            f"copy: {_size(info.stored_size)} = {info.stored_size / info.raw_size:.0%} of "
            f"the dump, {info.stored_size / size:.0%} of the library ({_size(size)}); "
            f"made in {copied:.2f} s ({copied / imported:.0%} of the import)"
        )
        print(f"re-parse dry run: {dry_s:.1f} s — {dry.summary()}")


if __name__ == "__main__":
    main()
