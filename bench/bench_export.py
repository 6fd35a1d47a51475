"""`dispatch export` against reading the same articles from the library, in the same run.

    python bench/bench_export.py LIBRARY [--repeat 5] [--format md]
    python bench/bench_export.py --build PATH --articles 100000   # gen_dump + dispatch import

Reading: the export's own query (the same columns, joins and order) run to the end, every row
fetched into Python. Export: `dispatch export --db LIBRARY -o FILE` as the command runs it
(reader.cli.export.run, in this process, so that interpreter start-up is not counted), writing
a new file each time. Both are repeated, interleaved, and the fastest of each is compared: the
machine is shared, and the minimum is the measure least disturbed by others. The bar (issue 16):
export at most 3x the read.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.cli.export import run as export_command
from reader.core.export import ALL_SQL
from reader.core.store import Library

BAR = 3.0
ARTICLES_PER_MB = 213  # what bench/gen_dump.py writes, measured


def read_all(db: Path) -> tuple[int, float]:
    """(articles, seconds) to read every article the export reads."""
    with Library(db) as lib:
        t0 = time.perf_counter()
        n = 0
        cur = lib.conn.execute(ALL_SQL)
        while True:
            rows = cur.fetchmany(1000)
            if not rows:
                break
            n += len(rows)
        return n, time.perf_counter() - t0


def export_once(db: Path, out: Path, fmt: str) -> float:
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = export_command(out, db=db, fmt=fmt)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"dispatch export failed with status {status}")
    return seconds


def build(path: Path, articles: int) -> None:
    """A library made by the real import of a generated dump of about ``articles`` articles."""
    here = Path(__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "bench-export.txt"
        mb = articles / ARTICLES_PER_MB
        subprocess.run([sys.executable, str(here / "gen_dump.py"), str(dump), "--mb", f"{mb:.1f}"],
                       check=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "reader", "import", "--db", str(path), str(dump)],
                       check=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("library", type=Path, nargs="?")
    p.add_argument("--build", type=Path, metavar="PATH", help="make a library by import first")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--format", default="md", choices=("md", "html", "txt"))
    args = p.parse_args(argv)
    db = args.build or args.library
    if db is None:
        p.error("give a LIBRARY, or --build PATH")
    if args.build is not None and not db.exists():
        build(db, args.articles)
    reads, exports = [], []
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            n, seconds = read_all(db)
            reads.append(seconds)
            out = Path(tmp) / f"export-{i}.{args.format}"
            exports.append(export_once(db, out, args.format))
            size = out.stat().st_size
            out.unlink()
    read, export = min(reads), min(exports)
    ratio = export / read
    print(f"library: {db} ({db.stat().st_size / 1e6:,.0f} MB), {n:,} articles")
    print(
        f"read:   {read:.2f} s (fastest of {args.repeat}; all: {', '.join(f'{s:.2f}' for s in reads)})"
    )
    print(f"export: {export:.2f} s to {args.format}, {size / 1e6:,.0f} MB "
          f"(all: {', '.join(f'{s:.2f}' for s in exports)})")  # fmt: skip
    print(f"ratio:  {ratio:.2f}x (bar: {BAR:.0f}x) {'ok' if ratio <= BAR else 'OVER'}")
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
