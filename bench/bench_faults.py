"""The fault-injection suite's heavy variants: many kills of big imports, and a long parser fuzz.

    .venv/bin/python bench/bench_faults.py [--mb 40] [--kills 20] [--fuzz-seconds 60] [--seed 1]

Kills: ``dispatch import`` of a generated dump (parsed in a separate process from 16 MB), killed
with SIGKILL or SIGTERM at a random moment, ``--kills`` times in a row on one library. After each
kill: no process of the import is left, the library opens and passes ``integrity_ok`` (SQLite's
integrity_check, the full-text index's own check, the counts against a recount). At the end one
more import must finish, resume the interrupted source and give the dump's exact total.

Fuzz: random dumps of hostile lines (markup, bidi, NUL, huge lines, separators, every encoding)
through the parser until the time is up; it must never raise nor take over 2 s on one dump.
Prints one line per phase and exits non-zero on the first broken promise.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.core.dumps import parse_bytes
from reader.core.store import Library

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The fault suite's own look at processes and at the library, shared, not copied.
from tests.test_faults_import import alive, children, count_articles  # noqa: E402

OUT = ROOT / "bench" / "out"


def kills(mb: float, rounds: int, rng: random.Random) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    dump = OUT / f"faults-{mb:g}mb.txt"
    if not dump.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_dump.py"), str(dump), "--mb", str(mb)],
            check=True,
        )
    db = OUT / "faults.sqlite3"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "reader", "import", str(dump), "--db", str(db)]
    for n in range(rounds):
        cli = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 6.0))
        helpers = children(cli.pid) if Path("/proc").exists() else []
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        cli.send_signal(sig)
        _, err = cli.communicate(timeout=120)
        if b"Traceback" in err:
            raise SystemExit(f"kill {n}: a traceback:\n{err.decode()}")
        deadline = time.monotonic() + 10
        while any(alive(p) for p in helpers):
            if time.monotonic() > deadline:
                raise SystemExit(f"kill {n}: processes outlived the import: {helpers}")
            time.sleep(0.05)
        with Library(db) as lib:
            if not lib.integrity_ok():
                raise SystemExit(f"kill {n} ({sig.name}): integrity check failed")
        print(f"kill {n + 1}/{rounds}: {sig.name}, {count_articles(db):,} articles, library sound")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(done.stdout.strip() or done.stderr.strip())
    with Library(db) as lib:
        rows = lib.conn.execute("SELECT status, new_count, duplicate_count FROM sources").fetchall()
        total = sum(1 for _ in parse_stream_count(dump))
        if not lib.integrity_ok() or count_articles(db) != total or rows[-1][0] != "done":
            raise SystemExit(
                f"after the kills: {rows}, {count_articles(db):,} of {total:,} articles"
            )
    print(f"kills: {rounds} kills, then {total:,} articles exactly, sources {rows}")


def parse_stream_count(dump: Path):
    from reader.core.dumps import parse_stream

    with dump.open("rb") as f:
        yield from (a for a in parse_stream(f) if a.words)


HOSTILE = [
    "", "", "---", "* * *", "- bullet", "LONDON: Lead text.", "By Ann Lee", "A Short Headline",
    '<img src="file:///dev/zero">', "\u202eevil\u202c", "zero\u200bwidth", "NUL\x00here",
    "\x1b[31mred", "Sentence that ends.", "## cross", "> quote", "**bold** _em_",
]  # fmt: skip


def fuzz(seconds: float, rng: random.Random) -> None:
    end = time.monotonic() + seconds
    dumps = slowest = 0.0
    while time.monotonic() < end:
        lines = []
        for _ in range(rng.randint(0, 200)):
            r = rng.random()
            if r < 0.5:
                lines.append(rng.choice(HOSTILE))
            elif r < 0.9:
                lines.append(
                    "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 80)))
                )
            else:
                lines.append("word " * rng.randint(1, 50_000))
        newline = rng.choice(["\n", "\r\n", "\r"])
        data = newline.join(lines).encode(rng.choice(["utf-8", "utf-16", "cp1252"]), "replace")
        t = time.perf_counter()
        parse_bytes(data)
        took = time.perf_counter() - t
        slowest = max(slowest, took)
        if took > 2.0:
            raise SystemExit(f"one dump took {took:.1f} s to parse ({len(data):,} bytes)")
        dumps += 1
    print(f"fuzz: {int(dumps):,} dumps in {seconds:g} s, never raised, slowest {slowest:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=40.0, help="dump size for the kills (default 40)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--fuzz-seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("DISPATCH_FAULT_SEED", "1")))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.kills:
        kills(args.mb, args.kills, rng)
    if args.fuzz_seconds:
        fuzz(args.fuzz_seconds, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
