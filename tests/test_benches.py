"""The import and search benches run on tiny inputs, so they cannot rot between real runs.

They measure nothing here (a few hundred articles); the test checks that every phase runs on the
paths users take and prints its figures beside the floor of the same run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(script: str, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_bench_import_runs_dispatch_import_and_the_worker_against_the_floor(tmp_path: Path):
    out = bench("bench_import.py", "--mb", "0.3", "--out", str(tmp_path))
    assert re.search(
        r"dispatch import: [\d.]+ s, ratio [\d.]+ \(against the rollback floor [\d.]+, the WAL "
        r"floor [\d.]+\); load average [\d.]+ — [\d,]+ articles/s",
        out,
    ), out
    assert re.search(r"medians of 1 rounds: dispatch import [\d.]+ s wall, CPU [\d.]+ s", out), out
    assert "dispatch import again:" in out and ", 0 new;" in out
    assert re.search(r"--section World \(no classification\): [\d.]+ s, ratio", out)
    assert re.search(r"window's import worker: [\d.]+ s, ratio", out)
    assert "MISMATCH" not in out
    # Each floor, and the import, is the faster of two timed passes (a first pass can run at
    # half speed); the rollback floor's alternate with the import's (the host's speed drifts).
    assert len(re.findall(r"floor, .*; the faster of [\d.]+, [\d.]+ s[\n,]", out)) == 2, out
    assert re.search(r"rollback journal: .* s, each timed just before a dispatch import\n", out)
    assert re.search(r"\] dispatch import: .*; the faster of [\d.]+, [\d.]+ s\n", out), out
    assert re.search(r"summary: dispatch import / floor, median [\d.]+", out)


def test_bench_search_builds_its_library_with_dispatch_import(tmp_path: Path):
    out = bench(
        "bench_search.py",
        "--articles",
        "300",
        "--repeat",
        "1",
        "--optimize",
        "--out",
        str(tmp_path),
    )
    assert "search-imported-300" in out
    assert len(re.findall(r"^  all +median +-?[\d.]+  p95 +-?[\d.]+  max", out, re.MULTILINE)) == 2
    assert len(re.findall(r"^  all, CPU +median +[\d.]+  p95 +[\d.]+  max", out, re.MULTILINE)) == 2
    assert "=== after " in out
    (rows,) = re.findall(r"^words +the\s+([\d,]+)\s", out, re.MULTILINE)[:1]
    assert int(rows.replace(",", "")) == 300  # every article imported and searchable
    assert re.search(r"\(\d+ read, \d+ starred\)", out)  # a reader's marks
    (library,) = tmp_path.glob("search-imported-300-*.sqlite3")
    before = library.stat().st_mtime_ns
    again = bench("bench_search.py", "--library", str(library), "--repeat", "1")
    assert re.search(r"^words +the\s+300\s", again, re.MULTILINE)
    assert library.stat().st_mtime_ns == before  # measured read-only
