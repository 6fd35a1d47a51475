"""`dispatch export` against reading the same articles from the library, in the same run.

    python bench/bench_export.py LIBRARY [--repeat 5] [--format md]
    python bench/bench_export.py --build PATH --articles 100000   # gen_dump + dispatch import

Reading: the export's own query (the same columns, joins and order) run to the end, every row
fetched into Python; the export reads the body as the UTF-8 bytes SQLite stores (no decoding),
so this read is the cheapest there is. The same rows read as text (the body decoded, as any
program reading the library does) are measured too and printed beside it. Export: `dispatch export --db LIBRARY -o FILE` as the command runs it
(reader.cli.export.run, in this process, so that interpreter start-up is not counted), writing
a new file each time. Both are repeated, interleaved, and the fastest of each is compared: the
machine is shared, and the minimum is the measure least disturbed by others. Wall time and this
process's CPU time are both given: on a loaded machine the CPU time is what the code costs, the
wall time adds the wait for a core and for the disk (the export writes hundreds of MB). The bar
(issue 16): export at most 3x the read.
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


TEXT_SQL = ALL_SQL.replace("CAST(a.body AS BLOB)", "a.body")


def read_all(db: Path, sql: str = ALL_SQL) -> tuple[int, float, float]:
    """(articles, seconds, CPU seconds) to read every article the export reads."""
    with Library(db) as lib:
        c0 = time.process_time()
        t0 = time.perf_counter()
        n = 0
        cur = lib.conn.execute(sql)
        while True:
            rows = cur.fetchmany(1000)
            if not rows:
                break
            n += len(rows)
        return n, time.perf_counter() - t0, time.process_time() - c0


def export_once(db: Path, out: Path, fmt: str) -> tuple[float, float]:
    """(seconds, CPU seconds) of one `dispatch export`."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = export_command(out, db=db, fmt=fmt)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if status != 0:
        raise SystemExit(f"dispatch export failed with status {status}")
    return seconds, cpu


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
    reads, texts, exports = [], [], []
    size = n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            n, *read = read_all(db)
            reads.append(read)
            texts.append(read_all(db, TEXT_SQL)[1:])
            out = Path(tmp) / f"export-{i}.{args.format}"
            exports.append(export_once(db, out, args.format))
            size = out.stat().st_size
            out.unlink()
    print(f"library: {db} ({db.stat().st_size / 1e6:,.0f} MB), {n:,} articles; "
          f"export to {args.format}: {size / 1e6:,.0f} MB")  # fmt: skip
    ratios = []
    for k, what in ((0, "wall"), (1, "CPU")):
        read, export = min(r[k] for r in reads), min(e[k] for e in exports)
        ratios.append(export / read)
        print(f"{what:>4}: read {read:.2f} s, export {export:.2f} s: {export / read:.2f}x "
              f"(read all: {', '.join(f'{r[k]:.2f}' for r in reads)}; "
              f"export all: {', '.join(f'{e[k]:.2f}' for e in exports)})")  # fmt: skip
    for k, what in ((0, "wall"), (1, "CPU")):
        text, export = min(r[k] for r in texts), min(e[k] for e in exports)
        print(f"{what:>4} against the rows read as text ({text:.2f} s): {export / text:.2f}x")
    print(
        f"bar: {BAR:.0f}x — wall {'ok' if ratios[0] <= BAR else 'OVER'}, "
        f"CPU {'ok' if ratios[1] <= BAR else 'OVER'}"
    )
    return 0 if ratios[0] <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
