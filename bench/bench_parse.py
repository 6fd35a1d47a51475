"""Parser throughput and memory against a floor measured in the same run.

    python bench/bench_parse.py [--mb 100] [--big-mb 1000] [--layout-mb 20] [--runs 3]

For each size it generates a dump in the sample's layout, and one of --layout-mb in each other
layout (blank-line, hard-wrapped, markdown, web paste), cached in bench/out/, then times, in
fresh processes:
- floor: read the file line by line (text mode, UTF-8) and write each line out as a JSON string;
- parser alone: the articles of ``parse_path`` with a report, as the import's parsing process
  reads them (no JSON, no storing), with the CPU time per MB: the import's own floor;
- parse: ``python -m reader parse FILE --json`` to /dev/null.
It prints MB/s, the ratio parse/floor (best of --runs), and each process's peak resident memory,
so that memory can be compared between the two sizes (it must stay flat). On a shared machine
compare CPU times (printed beside the wall times); bench/parse_golden.py checks that a faster
parser still makes the same articles.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

FLOOR = r"""
import json, sys
dumps = json.JSONEncoder(ensure_ascii=False).encode
w = sys.stdout.write
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        w(dumps(line.rstrip("\n")))
        w("\n")
"""


PARSER = r"""
import sys
from reader.core.dumps import ParseReport, parse_path
report = ParseReport()
for _ in parse_path(sys.argv[1], report=report):
    pass
"""


def run(cmd: list[str]) -> tuple[float, float, float]:
    """(seconds, peak RSS in MB, CPU seconds) of one process writing to /dev/null.

    The CPU time (user + system) is printed beside the wall time: on a shared machine the wall
    time of either process depends on what else runs, its CPU time much less.
    """
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=null, cwd=HERE.parent)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{cmd} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def dump_of(mb: float, layout: str = "sample") -> Path:
    OUT.mkdir(exist_ok=True)
    name = f"dump-{mb:g}mb.txt" if layout == "sample" else f"dump-{layout}-{mb:g}mb.txt"
    path = OUT / name
    if not path.exists():
        print(f"generating {path.name} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "gen_dump.py"),
                str(path),
                "--mb",
                str(mb),
                "--layout",
                layout,
            ],
            check=True,
        )
    return path


def measure(path: Path, runs: int) -> None:
    size = path.stat().st_size / 1e6
    floor = min(
        (run([sys.executable, "-c", FLOOR, str(path)]) for _ in range(runs)), key=lambda r: r[0]
    )
    parser = min(
        (run([sys.executable, "-c", PARSER, str(path)]) for _ in range(runs)), key=lambda r: r[2]
    )
    parse = min(
        (run([sys.executable, "-m", "reader", "parse", str(path), "--json"]) for _ in range(runs)),
        key=lambda r: r[0],
    )
    print(
        f"{path.name}: {size:,.0f} MB  (load {os.getloadavg()[0]:.1f})\n"
        f"  floor (lines → JSON): {floor[0]:6.2f} s  {size / floor[0]:6.1f} MB/s  peak {floor[1]:6.1f} MB"
        f"  CPU {floor[2]:6.2f} s\n"
        f"  parser alone:         {parser[0]:6.2f} s  {size / parser[0]:6.1f} MB/s  peak {parser[1]:6.1f} MB"
        f"  CPU {parser[2]:6.2f} s = {parser[2] / size * 1000:5.1f} ms/MB\n"
        f"  dispatch parse --json:{parse[0]:6.2f} s  {size / parse[0]:6.1f} MB/s  peak {parse[1]:6.1f} MB"
        f"  CPU {parse[2]:6.2f} s\n"
        f"  ratio parse/floor: {parse[0] / floor[0]:.2f} wall, {parse[2] / floor[2]:.2f} CPU"
        "  (bar: at most 4)",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--big-mb", type=float, default=1000, help="0 to skip the large dump")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--layout-mb",
        type=float,
        default=20,
        help="size of the dump in each other layout (0: skip)",
    )
    args = ap.parse_args()
    measure(dump_of(args.mb), args.runs)
    if args.layout_mb:
        for layout in ("blank", "wrapped", "markdown", "web"):
            measure(dump_of(args.layout_mb, layout), args.runs)
    if args.big_mb:
        measure(dump_of(args.big_mb), 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
