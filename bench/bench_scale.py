"""Scale (issue 17 item 7): a library of millions of articles built the way users build one.

    .venv/bin/python bench/bench_scale.py build --library LIB --dumps DIR
                     [--parts 20] [--per-part 500000] [--stop-at HH:MM] [--keep-dumps]
    .venv/bin/python bench/bench_scale.py measure --library LIB [--runs 3] [--repeat 5]
    .venv/bin/python bench/bench_scale.py report --library LIB

The path measured is the user's: ``build`` writes the dumps in parts with bench/gen_dump.py
(``--wire-mix``: short wire items and longer stories, ~700 bytes an article, in
bench/bench_search.py's vocabulary) and imports each part with ``dispatch import --db LIB PART``
in a process of its own, in sequence, classification included, as a user adds dumps over time.
The next part is written while the current one imports. For every part it records, into
``LIB.scale.jsonl`` (so that a stopped build resumes at the next part): wall and CPU time of the
import (all its processes: ``wait4``), articles added and articles/s (wall and per CPU second),
the resident memory of all the import's processes summed (sampled every 0.5 s: peak, and a
timeline in ``LIB.scale-rss/part-NN.tsv``), the library's size on disk, free disk, the load
average. Run it under ``nice -n 10``: it measures completion, memory and CPU, not best wall time.

``measure`` times, on the library as built: the window's first paint on the real entry point
(bench/bench_window.py: ``dispatch --db LIB`` against its empty-window floor, same run; under
xvfb-run when there is no display) and search latency (bench/bench_search.py's query mix and
runner on the library read-only: first page ranked and newest-first, added latency over a no-hit
floor, median and p95; every article unread and none starred, as the imports left them). ``report``
prints the per-part table and totals again from the log.

Bars (issue 17): memory flat while the library grows; first paint within 1.5x the floor; search
p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from proc_stats import cpu_seconds, process_tree, rss_mb  # noqa: E402

SAMPLE_S = 0.5
SEED_BASE = 1700  # part N is written with seed SEED_BASE + N: different articles, same words


# --- processes --------------------------------------------------------------------------------








def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


def run_sampled(
    cmd: list[str], log_path: Path, timeline: Path | None, wal: Path | None = None
) -> dict:
    """Run ``cmd``; its wall and CPU time (itself and every descendant it waited for, from
    ``wait4``) and the summed resident memory of its process tree, sampled every SAMPLE_S, with
    the size of the write-ahead log ``wal`` (a log that never restarts can fill the disk)."""
    t0 = time.perf_counter()
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    peak = {"mb": 0.0, "processes": 1, "wal": 0}
    cpu_seen: dict[int, float] = {}
    rows: list[str] = []
    done = threading.Event()

    def sample() -> None:
        while True:
            pids = process_tree(proc.pid)
            mbs = [rss_mb(p) for p in pids]
            total = sum(mbs)
            if total > peak["mb"]:
                peak["mb"], peak["processes"] = total, len(pids)
            for p in pids:
                cpu_seen[p] = max(cpu_seen.get(p, 0.0), cpu_seconds(p))
            wal_bytes = _size(wal)
            peak["wal"] = max(peak["wal"], wal_bytes)
            rows.append(
                f"{time.perf_counter() - t0:.1f}\t{total:.1f}\t{len(pids)}\t{wal_bytes / 1e6:.0f}\t"
                + ",".join(f"{m:.0f}" for m in mbs)
            )
            if done.wait(SAMPLE_S):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if timeline is not None:
        timeline.parent.mkdir(parents=True, exist_ok=True)
        timeline.write_text(
            "seconds\trss_mb_total\tprocesses\twal_mb\trss_mb_each\n" + "\n".join(rows)
        )
    main_cpu = cpu_seen.pop(proc.pid, 0.0)
    return {
        "returncode": proc.returncode,
        "wall_s": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "main_cpu_s": main_cpu,
        "other_cpu_s": sum(cpu_seen.values()),
        "peak_rss_mb": peak["mb"],
        "processes_at_peak": peak["processes"],
        "largest_process_mb": usage.ru_maxrss / 1024,
        "wal_peak_gb": peak["wal"] / 1e9,
    }


# --- the library ------------------------------------------------------------------------------


def library_bytes(lib: Path) -> int:
    return sum(
        p.stat().st_size for p in (lib, Path(f"{lib}-wal"), Path(f"{lib}-shm")) if p.exists()
    )


def article_count(lib: Path) -> int:
    """The highest article id: what the imports added (no scan of 10M rows)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{lib}?mode=ro", uri=True)
    try:
        (n,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
    finally:
        conn.close()
    return int(n)


def log_path(lib: Path) -> Path:
    return Path(f"{lib}.scale.jsonl")


def read_log(lib: Path) -> list[dict]:
    path = log_path(lib)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _part_path(dumps: Path, part: int) -> Path:
    return dumps / f"part-{part:02d}.txt"


def _start_generating(dumps: Path, part: int, per_part: int) -> tuple[subprocess.Popen, Path]:
    tmp = dumps / f"part-{part:02d}.partial"
    cmd = [
        sys.executable,
        str(HERE / "gen_dump.py"),
        str(tmp),
        "--wire-mix",
        "--articles",
        str(per_part),
        "--seed",
        str(SEED_BASE + part),
    ]
    return subprocess.Popen(cmd, stderr=subprocess.DEVNULL), tmp


def _finish_generating(gen: tuple[subprocess.Popen, Path], dumps: Path, part: int) -> dict:
    proc, tmp = gen
    t0 = time.perf_counter()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"gen_dump.py failed for part {part} ({proc.returncode})")
    tmp.rename(_part_path(dumps, part))
    return {"gen_cpu_s": usage.ru_utime + usage.ru_stime, "gen_waited_s": time.perf_counter() - t0}


def _stop_time(text: str | None) -> float | None:
    if not text:
        return None
    hh, mm = (int(x) for x in text.split(":"))
    now = datetime.now(timezone.utc)
    return now.replace(hour=hh, minute=mm, second=0, microsecond=0).timestamp()


def build(args: argparse.Namespace) -> int:
    lib: Path = args.library
    dumps: Path = args.dumps
    dumps.mkdir(parents=True, exist_ok=True)
    lib.parent.mkdir(parents=True, exist_ok=True)
    done = {r["part"] for r in read_log(lib)}
    todo = [p for p in range(1, args.parts + 1) if p not in done]
    stop_at = _stop_time(args.stop_at)
    gen = None
    gen_info: dict = {}
    if todo and not _part_path(dumps, todo[0]).exists():
        gen = _start_generating(dumps, todo[0], args.per_part)
    for i, part in enumerate(todo):
        if gen is not None:
            gen_info = _finish_generating(gen, dumps, part)
            gen = None
        dump = _part_path(dumps, part)
        last = read_log(lib)[-1:] if done or i else []
        if stop_at is not None and last and time.time() + last[0]["wall_s"] > stop_at:
            print(f"stopping before part {part}: it would end after --stop-at", flush=True)
            break
        nxt = todo[i + 1] if i + 1 < len(todo) else None
        if nxt is not None and not _part_path(dumps, nxt).exists():
            gen = _start_generating(dumps, nxt, args.per_part)
        record = import_part(lib, dump, part)
        record.update(gen_info)
        gen_info = {}
        with log_path(lib).open("a") as f:
            f.write(json.dumps(record) + "\n")
        print(_row(record), flush=True)
        if record["returncode"] != 0:
            print(f"dispatch import failed on part {part}: see {record['output_log']}")
            break
        if not args.keep_dumps:
            dump.unlink()
    if gen is not None:  # stopped early: do not leave a half-written part
        gen[0].kill()
        gen[0].wait()
        gen[1].unlink(missing_ok=True)
    report(lib)
    return 0


def import_part(lib: Path, dump: Path, part: int) -> dict:
    before = article_count(lib) if lib.exists() else 0
    load0 = os.getloadavg()[0]
    out_dir = Path(f"{lib}.scale-rss")
    out_dir.mkdir(parents=True, exist_ok=True)
    run = run_sampled(
        [sys.executable, "-m", "reader", "import", "--db", str(lib), str(dump)],
        out_dir / f"part-{part:02d}.log",
        out_dir / f"part-{part:02d}.tsv",
        Path(f"{lib}-wal"),
    )
    after = article_count(lib)
    added = after - before
    return {
        "part": part,
        "at": datetime.now(timezone.utc).strftime("%H:%M:%S"),
        "dump_mb": dump.stat().st_size / 1e6,
        "added": added,
        "total": after,
        **run,
        "rate_wall": added / run["wall_s"] if run["wall_s"] else 0.0,
        "rate_cpu": added / run["cpu_s"] if run["cpu_s"] else 0.0,
        "library_gb": library_bytes(lib) / 1e9,
        "free_gb": shutil.disk_usage(lib.parent).free / 1e9,
        "load_start": load0,
        "load_end": os.getloadavg()[0],
        "output_log": str(out_dir / f"part-{part:02d}.log"),
    }


HEADER = (
    f"{'part':>4} {'at':>8} {'added':>9} {'total':>11} {'wall s':>7} {'CPU s':>7} "
    f"{'art/s':>6} {'art/CPUs':>8} {'peak MB':>7} {'procs':>5} {'WAL GB':>6} {'lib GB':>6} "
    f"{'free GB':>7} "
    f"{'load':>9}"
)


def _wal(r: dict) -> str:
    return f"{r['wal_peak_gb']:.2f}" if "wal_peak_gb" in r else "-"  # logs before it was kept


def _row(r: dict) -> str:
    return (
        f"{r['part']:>4} {r['at']:>8} {r['added']:>9,} {r['total']:>11,} {r['wall_s']:>7.0f} "
        f"{r['cpu_s']:>7.0f} {r['rate_wall']:>6.0f} {r['rate_cpu']:>8.0f} "
        f"{r['peak_rss_mb']:>7.0f} {r['processes_at_peak']:>5} {_wal(r):>6} {r['library_gb']:>6.2f} "
        f"{r['free_gb']:>7.1f} {r['load_start']:>4.1f}-{r['load_end']:<4.1f}"
    )


def report(lib: Path) -> int:
    rows = read_log(lib)
    if not rows:
        print(f"no parts imported into {lib} yet")
        return 1
    print(f"library: {lib}")
    print(HEADER)
    for r in rows:
        print(_row(r))
    wall = sum(r["wall_s"] for r in rows)
    cpu = sum(r["cpu_s"] for r in rows)
    added = sum(r["added"] for r in rows)
    peaks = [r["peak_rss_mb"] for r in rows]
    print(
        f"total: {added:,} articles in {len(rows)} parts, wall {wall / 60:.1f} min, CPU "
        f"{cpu / 60:.1f} min ({added / wall:,.0f}/s wall, {added / cpu:,.0f} per CPU second); "
        f"library {rows[-1]['library_gb']:.2f} GB ({rows[-1]['library_gb'] * 1e9 / max(1, rows[-1]['total']):,.0f} "
        f"bytes an article)"
    )
    if len(rows) >= 2:
        half = len(rows) // 2
        first = statistics.median(r["rate_cpu"] for r in rows[:half])
        second = statistics.median(r["rate_cpu"] for r in rows[half:])
        print(
            f"articles per CPU second, median of the first {half} parts {first:,.0f}, of the "
            f"last {len(rows) - half} parts {second:,.0f} ({second / first:.2f}x); peak memory "
            f"of all processes per part: {min(peaks):.0f}-{max(peaks):.0f} MB "
            f"(first {peaks[0]:.0f}, last {peaks[-1]:.0f})"
        )
    return 0


# --- measuring on the built library -----------------------------------------------------------


def first_paint(lib: Path, runs: int) -> int:
    """bench/bench_window.py on the library (the real entry point against its floor)."""
    cmd = [sys.executable, str(HERE / "bench_window.py"), "--library", str(lib)]
    cmd += ["--runs", str(runs)]
    if not os.environ.get("DISPLAY"):
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *cmd]
    print(f"\n=== first paint: {' '.join(cmd[-5:])} ===", flush=True)
    return subprocess.run(cmd, cwd=ROOT, check=False).returncode


def search_latency(lib: Path, repeat: int) -> bool:
    """bench/bench_search.py's query mix on the library as built, read-only: its own runner
    (first page ranked and newest-first, wall and CPU, added latency over a no-hit floor)."""
    import bench_search

    print(f"\n=== search: bench_search.py --library {lib} --repeat {repeat} ===", flush=True)
    return bench_search.measure(lib, repeat, baseline=False, read_only=True)


def sizes(lib: Path) -> None:
    """Where the library's bytes are, per table and index (SQLite's dbstat: reads every page)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{lib}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12"
        ).fetchall()
    finally:
        conn.close()
    print("\n=== size per table and index (dbstat) ===")
    for name, size in rows:
        print(f"{name:32} {size / 1e9:8.2f} GB")


def measure(args: argparse.Namespace) -> int:
    lib: Path = args.library
    print(f"library: {lib}: {article_count(lib):,} articles, {library_bytes(lib) / 1e9:.2f} GB")
    if args.sizes:
        sizes(lib)
    status = 0
    if not args.no_paint:
        status = first_paint(lib, args.runs)
    if not args.no_search:
        search_latency(lib, args.repeat)
    return status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the parts and import them one by one")
    b.add_argument("--library", type=Path, required=True)
    b.add_argument("--dumps", type=Path, required=True, help="folder for the dump parts")
    b.add_argument("--parts", type=int, default=20)
    b.add_argument("--per-part", type=int, default=500_000, help="articles a part")
    b.add_argument("--stop-at", help="UTC HH:MM: start no part that would end after it")
    b.add_argument("--keep-dumps", action="store_true", help="keep each part after its import")
    m = sub.add_parser("measure", help="first paint and search latency on the library")
    m.add_argument("--library", type=Path, required=True)
    m.add_argument("--runs", type=int, default=3, help="bench_window.py runs")
    m.add_argument("--repeat", type=int, default=5, help="timed runs per query and order")
    m.add_argument("--no-paint", action="store_true")
    m.add_argument("--no-search", action="store_true")
    m.add_argument("--sizes", action="store_true", help="bytes per table and index (slow)")
    r = sub.add_parser("report", help="the per-part table and totals from the build's log")
    r.add_argument("--library", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.command == "build":
        return build(args)
    if args.command == "measure":
        return measure(args)
    return report(args.library)


if __name__ == "__main__":
    sys.exit(main())
