"""bench/bench_scale.py on a tiny scale, so that the 10M runner cannot rot between real runs.

Two parts of a few hundred articles: each written by gen_dump.py --wire-mix with its own seed
and imported by ``dispatch import`` in sequence; then search on the library as built.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scale(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_scale.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    return run.stdout


def test_bench_scale_imports_parts_in_sequence_and_measures_search(tmp_path: Path):
    lib = tmp_path / "lib.sqlite3"
    dumps = tmp_path / "dumps"
    out = scale(
        "build", "--library", str(lib), "--dumps", str(dumps), "--parts", "2", "--per-part", "150"
    )
    rows = [json.loads(line) for line in Path(f"{lib}.scale.jsonl").read_text().splitlines()]
    # Every part's articles are new: the parts differ (their seeds), the vocabulary does not.
    assert [(r["part"], r["added"], r["total"]) for r in rows] == [(1, 150, 150), (2, 150, 300)]
    for r in rows:
        assert r["returncode"] == 0 and r["cpu_s"] > 0 and r["largest_process_mb"] > 20
        assert r["peak_rss_mb"] > 0  # sampled: a tiny import may end before it has grown
        assert r["library_gb"] > 0 and r["wal_peak_gb"] >= 0
    assert not list(dumps.glob("part-*"))  # each part deleted once imported
    assert re.search(r"total: 300 articles in 2 parts, wall [\d.]+ min, CPU [\d.]+ min", out)
    assert "peak memory of all processes per part:" in out

    out = scale("measure", "--library", str(lib), "--no-paint", "--repeat", "1", "--sizes")
    assert re.search(r"^articles\s+[\d.]+ GB$", out, re.MULTILINE), out
    (matches,) = re.findall(r"^words\s+the\s+([\d,]+)\s", out, re.MULTILINE)[:1]
    # Short wire items may lack "the"; most articles have it, and both parts are searchable.
    assert 250 <= int(matches.replace(",", "")) <= 300
    assert re.search(r"Bar \(added latency median < 100 ms, p95 < 300 ms\): (NOT )?met", out)
