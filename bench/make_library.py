"""Create a synthetic library of N articles quickly, for the window bench.

    python bench/make_library.py PATH [--articles 1000000]

The library is created by the store (schema, indexes, FTS) and then filled by direct SQL in one
transaction. The FTS insert trigger is set aside during the bulk insert and the index rebuilt once
afterwards (several times faster than a trigger per row); the trigger is put back as it was, so the
file ends consistent, like any library.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reader.core.store import Library

WORDS = [
    "council",
    "minister",
    "market",
    "river",
    "harbour",
    "vote",
    "budget",
    "strike",
    "league",
    "season",
    "vaccine",
    "climate",
    "trial",
    "court",
    "energy",
    "grid",
    "rail",
    "port",
    "summit",
    "treaty",
    "ceasefire",
    "election",
    "poll",
    "index",
    "shares",
    "rates",
    "inflation",
    "harvest",
    "drought",
    "storm",
    "flood",
    "museum",
    "festival",
    "novel",
    "gallery",
    "orbit",
    "probe",
    "telescope",
    "reactor",
    "battery",
    "chip",
    "software",
    "startup",
    "merger",
    "tariff",
    "export",
    "import",
    "coastal",
    "mountain",
    "village",
    "city",
    "province",
    "capital",
    "region",
    "border",
    "patrol",
    "officials",
    "residents",
]
DATELINES = ("LONDON", "NAIROBI", "LIMA", "OSAKA", "OSLO", "QUITO", "DAKAR", "PERTH", None)


def _article(
    rnd: random.Random, i: int, n: int, sections: list[int], sources: list[int], start: datetime
):
    title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 10))).capitalize()
    summary = "\n".join(
        " ".join(rnd.choice(WORDS) for _ in range(12)) for _ in range(rnd.choice((0, 0, 2, 3)))
    )
    paras = [" ".join(rnd.choice(WORDS) for _ in range(30)) for _ in range(3)]
    body = "\n\n".join(paras)
    # Spread over two years, ending now: Today holds about 1/730 of the library.
    added = start + timedelta(seconds=(i + rnd.random()) * 63_072_000 / n)
    stamp = added.strftime("%Y-%m-%d %H:%M:%S.") + f"{added.microsecond // 1000:03d}"
    return (
        title,
        rnd.choice(DATELINES),
        summary,
        body,
        rnd.choice(sections),
        rnd.choice(sources),
        f"bench-{i}",
        len(body.split()) + len(summary.split()),
        stamp,
        int(rnd.random() < 0.5),
        int(rnd.random() < 0.01),
    )


def make(path: Path, n: int) -> None:
    if path.exists():
        raise SystemExit(f"{path} exists; remove it first")
    t0 = time.perf_counter()
    lib = Library(path)
    conn = lib.conn
    sections = [s[0] for s in lib.sections()]
    now = datetime.now(timezone.utc)
    start = now - timedelta(seconds=63_072_000)
    with conn:
        sources = []
        for k in range(20):
            cur = conn.execute(
                "INSERT INTO sources (path, name, size, imported_at, finished_at, new_count,"
                " status) VALUES (?, ?, 0, ?, ?, 0, 'done')",
                (
                    f"/bench/wire-{k:02d}.txt",
                    f"wire-{k:02d}.txt",
                    "2025-01-01 00:00:00.000",
                    "2025-01-01 00:00:00.000",
                ),
            )
            sources.append(cur.lastrowid)
    (trigger_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_fts_insert'"
    ).fetchone()
    rnd = random.Random(1)
    with conn:
        conn.execute("DROP TRIGGER articles_fts_insert")
        conn.executemany(
            "INSERT INTO articles (title, dateline, summary, body, section_id, source_id,"
            " fingerprint, words, added_at, read, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (_article(rnd, i, n, sections, sources, start) for i in range(n)),
        )
        conn.execute(
            "UPDATE sources SET new_count = (SELECT count(*) FROM articles"
            " WHERE source_id = sources.id)"
        )
    t1 = time.perf_counter()
    print(f"inserted {n:,} articles in {t1 - t0:.1f} s", flush=True)
    with conn:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        conn.execute(trigger_sql)
    lib.checkpoint()
    lib.close()
    print(f"full-text index rebuilt in {time.perf_counter() - t1:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path)
    p.add_argument("--articles", type=int, default=1_000_000)
    args = p.parse_args(argv)
    make(args.path, args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
