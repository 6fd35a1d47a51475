"""Import speed and memory on a generated dump (issue 3's Bar), beside a floor measured in the same run.

    .venv/bin/python bench/bench_import.py [--mb 300] [--dump PATH] [--rounds 1]

The dump is generated once with bench/gen_dump.py and cached under bench/out/. Each phase runs in
its own process, so that peak memory (ru_maxrss) is that phase's alone:

- floor: the dump parsed into rows beforehand (not timed), then plain ``sqlite3``: ``executemany``
  of those rows in one transaction into a table equivalent to ``articles`` (same columns, unique
  fingerprint, same indexes, no triggers), then one FTS5 ``'rebuild'`` of an equivalent full-text
  table. Measured twice: with SQLite's defaults (rollback journal) and with the library's PRAGMAs
  (WAL, synchronous=NORMAL); the faster is the floor.
- import: ``import_file`` into a new library, file to committed and indexed articles: reading,
  parsing, dedupe, sectioning, batched transactions, full-text indexing, and the final WAL
  checkpoint that ``dispatch import`` runs. Then the same file again (must add 0).

Bar: import time <= 1.5 x floor; import peak RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _children_peak_mb() -> float:
    """The largest finished child (the import's parsing process, for big dumps)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _written_mb() -> float:
    """Bytes this process caused to be written to disk (Linux), to compare I/O across phases."""
    try:
        with open("/proc/self/io") as f:
            for line in f:
                if line.startswith("write_bytes:"):
                    return int(line.split()[1]) / 1e6
    except OSError:
        pass
    return float("nan")


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)


# --- phases (run in child processes) ---------------------------------------------------------


def phase_floor(dump: Path, db: Path, wal: bool) -> dict:
    import sqlite3

    from reader.core.dumps import parse_path
    from reader.core.importing import _row
    from reader.core.store import _V1, FTS_AUTOMERGE, FTS_HASHSIZE

    t = time.perf_counter()
    rows = []
    for a in parse_path(dump):
        if not a.words:
            continue
        # The pipeline's own row (title … published_at), then the floor's fixed columns.
        rows.append((*_row(a, False)[:7], 1, None, 0, None, "2026-01-01 00:00:00.000"))
    parse_s = time.perf_counter() - t

    _fresh(db)
    conn = sqlite3.connect(db)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    # The library's tables, indexes and full-text table; none of its triggers.
    for statement in _V1:
        if statement.lstrip().upper().startswith(("CREATE TRIGGER", "CREATE TABLE FTS_DEFERRED")):
            continue
        conn.execute(statement)
    # Same full-text configuration as a library (a larger in-memory buffer speeds 'rebuild' too).
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,)
    )
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,)
    )
    conn.execute("INSERT INTO sections (name, position) VALUES ('Other', 0)")
    conn.commit()
    sql = (
        "INSERT OR IGNORE INTO articles (title, dateline, summary, body, fingerprint, words, "
        "published_at, section_id, section_reason, section_by_user, source_id, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    w0, c0, t0 = _written_mb(), time.process_time(), time.perf_counter()
    conn.executemany(sql, rows)
    conn.commit()
    t1 = time.perf_counter()
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.commit()
    t2 = time.perf_counter()
    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    return {
        "rows": len(rows),
        "stored": stored,
        "parse_s": parse_s,
        "insert_s": t1 - t0,
        "fts_s": t2 - t1,
        "seconds": t2 - t0,
        "cpu_s": time.process_time() - c0,
        "written_mb": _written_mb() - w0,
        "peak_mb": _peak_mb(),
    }


def phase_import(dump: Path, db: Path) -> dict:
    from reader.core.importing import import_file
    from reader.core.store import Library

    _fresh(db)
    with Library(db) as lib:
        w0, c0, k0 = _written_mb(), time.process_time(), _children_cpu_s()
        first = import_file(lib, dump)
        # As `dispatch import` and the window's worker do: the log folded back into the file.
        t = time.perf_counter()
        lib.checkpoint()
        checkpoint_s = time.perf_counter() - t
        cpu = time.process_time() - c0 + _children_cpu_s() - k0
        written = _written_mb() - w0
        peak_first = _peak_mb()
        again = import_file(lib, dump)
        count = lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        indexed = lib.conn.execute("SELECT COUNT(*) FROM articles_fts_docsize").fetchone()[0]
    return {
        "status": first.status,
        "error": first.error,
        "articles": first.articles,
        "new": first.new,
        "duplicates": first.duplicates,
        "skipped": first.skipped,
        "seconds": first.seconds + checkpoint_s,
        "checkpoint_s": checkpoint_s,
        "cpu_s": cpu,
        "written_mb": written,
        "peak_mb": peak_first,
        "parser_peak_mb": _children_peak_mb(),
        "again_new": again.new,
        "again_duplicates": again.duplicates,
        "again_seconds": again.seconds,
        "again_peak_mb": _peak_mb(),
        "stored": count,
        "indexed": indexed,
    }


def _child(args: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"phase {args[:2]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=300.0, help="generated dump size (default 300)")
    ap.add_argument("--dump", type=Path, help="use this dump instead of a generated one")
    ap.add_argument("--rounds", type=int, default=1, help="floor/import pairs to run")
    ap.add_argument("--phase", choices=["floor", "floor-wal", "import"], help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.phase:
        if args.phase == "import":
            result = phase_import(args.dump, args.db)
        else:
            result = phase_floor(args.dump, args.db, wal=args.phase == "floor-wal")
        print(json.dumps(result))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    dump = args.dump or OUT / f"import-{args.mb:g}mb.txt"
    if not dump.exists():
        print(f"generating {dump} ({args.mb:g} MB)…", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_dump.py"), str(dump), "--mb", str(args.mb)],
            check=True,
        )
    size_mb = dump.stat().st_size / 1e6
    print(f"dump: {dump} ({size_mb:,.1f} MB); load average {os.getloadavg()[0]:.2f}", flush=True)

    rounds = []
    for i in range(args.rounds):
        floor_db = OUT / "bench-import-floor.sqlite3"
        lib_db = OUT / "bench-import-library.sqlite3"
        f_rb = _child(["--phase", "floor", "--dump", str(dump), "--db", str(floor_db)])
        print(
            f"[{i + 1}] floor, rollback journal: {f_rb['seconds']:.1f} s "
            f"(insert {f_rb['insert_s']:.1f} s + FTS rebuild {f_rb['fts_s']:.1f} s; "
            f"{f_rb['rows']:,} rows parsed beforehand in {f_rb['parse_s']:.1f} s); "
            f"CPU {f_rb['cpu_s']:.1f} s, wrote {f_rb['written_mb']:,.0f} MB",
            flush=True,
        )
        f_wal = _child(["--phase", "floor-wal", "--dump", str(dump), "--db", str(floor_db)])
        print(
            f"[{i + 1}] floor, WAL + synchronous=NORMAL: {f_wal['seconds']:.1f} s "
            f"(insert {f_wal['insert_s']:.1f} s + FTS rebuild {f_wal['fts_s']:.1f} s); "
            f"CPU {f_wal['cpu_s']:.1f} s, wrote {f_wal['written_mb']:,.0f} MB",
            flush=True,
        )
        imp = _child(["--phase", "import", "--dump", str(dump), "--db", str(lib_db)])
        floor = min(f_rb["seconds"], f_wal["seconds"])
        ratio = imp["seconds"] / floor
        print(
            f"[{i + 1}] import: {imp['seconds']:.1f} s — {imp['articles'] / imp['seconds']:,.0f} "
            f"articles/s, {size_mb / imp['seconds']:,.1f} MB/s, peak RSS {imp['peak_mb']:.0f} MB "
            f"(+ parsing process {imp.get('parser_peak_mb', 0):.0f} MB); "
            f"{imp['new']:,} new, {imp['duplicates']:,} duplicates, {imp['skipped']:,} skipped; "
            f"CPU {imp['cpu_s']:.1f} s (parse included), wrote {imp['written_mb']:,.0f} MB",
            flush=True,
        )
        print(
            f"[{i + 1}] re-import: {imp['again_seconds']:.1f} s, {imp['again_new']} new, "
            f"{imp['again_duplicates']:,} duplicates; peak RSS {imp['again_peak_mb']:.0f} MB",
            flush=True,
        )
        print(f"[{i + 1}] ratio import / floor: {ratio:.2f} (bar: <= 1.5)", flush=True)
        if imp["stored"] != imp["indexed"] or imp["stored"] != f_rb["stored"]:
            print(
                f"MISMATCH: library {imp['stored']:,} articles, {imp['indexed']:,} indexed; "
                f"floor {f_rb['stored']:,}"
            )
        rounds.append({"floor_rollback": f_rb, "floor_wal": f_wal, "import": imp, "ratio": ratio})
        for db in (floor_db, lib_db):
            _fresh(db)

    median = statistics.median(r["ratio"] for r in rounds)
    peak = max(r["import"]["again_peak_mb"] for r in rounds)
    readded = max(r["import"]["again_new"] for r in rounds)
    verdict = "PASS" if median <= 1.5 and peak < 200 and readded == 0 else "FAIL"
    print(
        f"summary: median ratio {median:.2f}, peak RSS {peak:.0f} MB, "
        f"re-import new {readded} — {verdict}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = OUT / f"bench_import-{stamp}.json"
    out.write_text(json.dumps({"dump": str(dump), "mb": size_mb, "rounds": rounds}, indent=1))
    print(f"figures saved to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
