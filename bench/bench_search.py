"""Search latency on a library as users have it: built by ``dispatch import``, never optimised.

    .venv/bin/python bench/bench_search.py [--articles N] [--repeat R] [--regenerate]
                                           [--built-by import|sql] [--optimize] [--out DIR]
    .venv/bin/python bench/bench_search.py --library PATH [--repeat R]

``--built-by import`` (the default): a dump of N articles is written (Zipf-distributed words with
function words at the head, as in real text, and named entities: people, organisations and places
of Zipf-like popularity, written as two capitalised words) and imported by ``dispatch import``, in a
process of its own, with classification, as a user imports: the full-text index is as the import's
batches and automerge leave it. Then a reader's marks are made through the window's own marking
code (older articles more often read, 2% starred; ``--no-marks`` leaves them all unread, which
makes is:unread match everything and is:starred nothing). ``--optimize`` then measures again
after ``dispatch maintain`` (or FTS5's 'optimize' where that command does not exist yet).
``--built-by sql``: the older library (direct SQL, one FTS5 'rebuild', then 'optimize' and
ANALYZE: a fully merged index no user's library has), kept to compare with earlier figures.
Either is generated once and cached under bench/out/ (or ``--out``).
``--library PATH``: the query mix on an existing library, opened read-only (never written); the
source filters name its own sources. Exit status 1 when the bar is not met.

Prints, for a fixed query mix in classes (words, phrases, prefixes, OR/NOT, title:, is:,
section:, source:, dates, filters alone, combinations), the median and 95th percentile latency
of the first page of results (50 rows with snippets, as the window asks for them), ranked and
newest-first, with the CPU time of the process beside it, and a floor measured in the same run:
the same call for a word no article has. The bar is on the added latency (query minus floor)
over the whole mix, both orders. With ``--built-by sql`` also the naive plan (``ORDER BY rank``
over every match, filters in the same WHERE) for the same queries.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core import search as search_mod
from reader.core.marking import set_flag
from reader.core.query import parse_query
from reader.core.store import Library, LibraryError

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 2
SEED = 20261124

# Function words first (they carry the head of the Zipf curve, as in real text), then invented
# content words built from syllables.
FUNCTION_WORDS = (
    "the of and to in a is that for on was with he it as at by said from his be an have has are "
    "but were not this they had which or their after its who been more one year new also will "
    "would two over there than when up into first about out last against three other could all "
    "people government some while time we she can years before only may her told"
).split()
ONSETS = (
    "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl sm sn st str t th tr "
    "v w z"
).split()
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oa", "ou"]
CODAS = ("b ck d ft g k l ld lk ll lt m mp n nd ng nk nt p r rd rk rm rn rt s sk st t th x").split()


def make_vocabulary(rng: random.Random, size: int = 60_000) -> list[str]:
    words: list[str] = list(FUNCTION_WORDS)
    seen = set(words)
    while len(words) < size:
        n = rng.choice((1, 2, 2, 2, 3, 3, 4))
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(n)) + rng.choice(CODAS)
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class Text:
    """Draws words with weight 1/rank (Zipf, s = 1)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = make_vocabulary(rng)
        cum = list(itertools.accumulate(1.0 / r for r in range(1, len(self.vocab) + 1)))
        self.cum = cum
        self.total = cum[-1]

    def words(self, n: int) -> list[str]:
        rnd = self.rng.random
        cum, total, vocab = self.cum, self.total, self.vocab
        return [vocab[bisect.bisect(cum, rnd() * total)] for _ in range(n)]

    def sentence(self, n: int) -> str:
        w = self.words(n)
        return " ".join(w).capitalize() + "."


def generate(path: Path, n: int) -> None:
    rng = random.Random(SEED)
    text = Text(rng)
    tmp = path.with_suffix(".partial")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    lib = Library(tmp)
    conn = lib.conn
    sections = [r[0] for r in conn.execute("SELECT id FROM sections ORDER BY position")]
    section_weights = [14, 16, 15, 13, 8, 7, 14, 8, 5]
    start = datetime(2023, 1, 1)
    span = timedelta(days=3 * 365)
    per_source = 2000
    t0 = time.perf_counter()
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO fts_deferred (flag) VALUES (1)")  # index once at the end
    sources = []
    for s in range((n + per_source - 1) // per_source):
        when = (start + span * (s * per_source / n)).strftime("%Y-%m-%d %H:%M:%S.000")
        sources.append(
            (
                s + 1,
                f"/archive/dumps/wire-{s + 1:05d}.txt",
                f"wire-{s + 1:05d}.txt",
                1,
                when,
                when,
                per_source,
                0,
                0,
                "done",
                None,
            )
        )
    conn.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?)", sources)
    batch = []
    for i in range(1, n + 1):
        added = start + span * (i / n)
        title = text.sentence(rng.randint(5, 11))[:-1]
        summary = "\n".join(text.sentence(rng.randint(8, 16)) for _ in range(rng.randint(0, 3)))
        paras = []
        for _ in range(rng.randint(3, 7)):
            paras.append(" ".join(text.sentence(rng.randint(8, 20)) for _ in range(2)))
        body = "\n\n".join(paras)
        words = len(summary.split()) + len(body.split())
        published = (
            (added - timedelta(hours=rng.randint(1, 48))).strftime("%Y-%m-%d %H:%M:%S.000")
            if rng.random() < 0.6
            else None
        )
        age = 1 - i / n
        batch.append(
            (
                i,
                title,
                summary,
                body,
                rng.choices(sections, section_weights)[0],
                (i - 1) // per_source + 1,
                f"{i:032x}",
                words,
                added.strftime("%Y-%m-%d %H:%M:%S.000"),
                published,
                1 if rng.random() < 0.3 + 0.65 * age else 0,
                1 if rng.random() < 0.02 else 0,
            )
        )
        if len(batch) == 10_000:
            _insert(conn, batch)
            batch.clear()
            rate = i / (time.perf_counter() - t0)
            print(f"\r  generated {i:,} articles ({rate:,.0f}/s)", end="", file=sys.stderr)
    _insert(conn, batch)
    conn.execute("DELETE FROM fts_deferred")
    conn.commit()
    print(
        f"\n  rows in {time.perf_counter() - t0:.0f} s; building the full-text index…",
        file=sys.stderr,
    )
    t1 = time.perf_counter()
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.commit()
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"  index in {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    lib.close()
    tmp.rename(path)


def _insert(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO articles (id, title, summary, body, section_id, source_id, fingerprint, "
        "words, added_at, published_at, read, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def library_path(n: int) -> Path:
    return OUT / f"search-{n}-v{GENERATOR_VERSION}.sqlite3"


def ensure_library(n: int, regenerate: bool) -> Path:
    path = library_path(n)
    if regenerate and path.exists():
        path.unlink()
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"generating {n:,} articles into {path} (once; cached)…", file=sys.stderr)
        t0 = time.perf_counter()
        generate(path, n)
        print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=None, help="default 200,000 (sql: 1,000,000)")
    ap.add_argument("--repeat", type=int, default=15, help="timed runs per query (default 15)")
    ap.add_argument("--built-by", choices=["import", "sql"], default="import")
    ap.add_argument(
        "--library",
        type=Path,
        help="measure this existing library instead (opened read-only; never written)",
    )
    ap.add_argument("--optimize", action="store_true", help="measure again after maintenance")
    ap.add_argument("--out", type=Path, help="folder for dumps and libraries (bench/out)")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--no-marks", action="store_true", help="leave every imported article unread")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive-plan baseline")
    args = ap.parse_args(argv)
    global OUT
    OUT = args.out or OUT
    if args.library:
        if args.optimize:
            ap.error("--optimize writes to the library: not with --library")
        try:
            ok = measure(args.library, args.repeat, baseline=False, read_only=True)
        except LibraryError as e:
            print(f"bench_search: {e}", file=sys.stderr)
            return 2
        return 0 if ok else 1
    if args.built_by == "sql":
        path = ensure_library(args.articles or 1_000_000, args.regenerate)
    else:
        path = ensure_imported(args.articles or 200_000, args.regenerate)
        if not args.no_marks:
            apply_marks(path)
    if args.generate_only:
        return 0
    measure(path, args.repeat, baseline=args.built_by == "sql" and not args.no_baseline)
    if args.optimize:
        how = maintain(path)
        print(f"\n=== after {how} ===")
        measure(path, args.repeat, baseline=False)
    return 0


# --- the library as an import builds it -------------------------------------------------------


def _entities(rng: random.Random, vocab: list[str], n: int, suffixes: list[str]) -> list[str]:
    """Names of two capitalised words (the second may be a fixed word: "Group", "City")."""
    out = []
    content = vocab[2_000:]  # not the commonest words
    for _ in range(n):
        first = rng.choice(content).capitalize()
        last = rng.choice(suffixes) if suffixes else rng.choice(content).capitalize()
        out.append(f"{first} {last}")
    return out


class News(Text):
    """Zipf text with named entities (people, organisations, places) of Zipf popularity."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.entities = (
            _entities(rng, self.vocab, 6_000, [])
            + _entities(rng, self.vocab, 1_500, ["Group", "Holdings", "Party", "Council"])
            + _entities(rng, self.vocab, 1_500, ["City", "Valley", "Province"])
        )
        rng.shuffle(self.entities)
        # Zipf-Mandelbrot (1 / (rank + 20)): the most named entity is in a few percent of the
        # articles, as a head of state is, not in most of them.
        self.entity_cum = list(
            itertools.accumulate(1.0 / (r + 20) for r in range(1, len(self.entities) + 1))
        )

    def entity(self) -> str:
        cum = self.entity_cum
        return self.entities[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def sentence(self, n: int) -> str:
        words = self.words(n)
        for i in range(len(words)):
            if self.rng.random() < 0.03:  # about one word in thirty names someone
                words[i] = self.entity()
        return " ".join(words).capitalize() + "."


def write_dump(path: Path, n: int) -> None:
    """``n`` articles in the layout dumps have: headline, dated lead, paragraphs, blank line."""
    rng = random.Random(SEED)
    text = News(rng)
    places = [e.split()[0].upper() for e in text.entities[:300]]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            title = text.sentence(rng.randint(5, 11))[:-1]
            lead = " ".join(text.sentence(rng.randint(10, 20)) for _ in range(2))
            lines = [title, f"{rng.choice(places)} (AP) — {lead}"]
            for _ in range(rng.randint(3, 7)):
                lines.append(" ".join(text.sentence(rng.randint(8, 20)) for _ in range(2)))
            f.write("\n".join(lines) + "\n\n")
            if i % 20_000 == 0 and i:
                print(f"\r  written {i:,} articles", end="", file=sys.stderr)


def imported_path(n: int) -> Path:
    return OUT / f"search-imported-{n}-v{GENERATOR_VERSION}.sqlite3"


def ensure_imported(n: int, regenerate: bool) -> Path:
    """The library ``dispatch import`` makes of a generated dump (cached)."""
    path = imported_path(n)
    if regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    dump = OUT / f"search-news-{n}.txt"
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    print(f"writing {dump.name} ({n:,} articles)…", file=sys.stderr)
    write_dump(dump, n)
    print(f"\nimporting it with dispatch import into {path.name} (once; cached)…", file=sys.stderr)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reader", "import", "--db", str(partial), str(dump)],
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    print(f"  imported in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    dump.unlink()
    partial.rename(path)
    return path


def apply_marks(path: Path) -> None:
    """A reader's marks, made as the window makes them (``marking.set_flag``), once.

    An import leaves every article unread and none starred, which no library in use looks like
    and which makes is:unread match everything and is:starred nothing. As in the SQL-built
    library: older articles more often read (30% of the newest, 95% of the oldest), 2% starred.
    Skipped when any article is already read.
    """
    with Library(path) as lib:
        conn = lib.conn
        if conn.execute("SELECT 1 FROM articles WHERE read = 1 LIMIT 1").fetchone():
            return
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        rng = random.Random(SEED + 1)
        n = len(ids)
        read = [i for k, i in enumerate(ids) if rng.random() < 0.3 + 0.65 * (1 - k / n)]
        starred = [i for i in ids if rng.random() < 0.02]
        t0 = time.perf_counter()
        for k in range(0, len(read), 50_000):
            set_flag(lib, read[k : k + 50_000], "read", True)
        set_flag(lib, starred, "starred", True)
        print(
            f"  marked {len(read):,} read and {len(starred):,} starred (marking.set_flag) in"
            f" {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )


def maintain(path: Path) -> str:
    """``dispatch maintain`` on the library if the command exists, else FTS5's 'optimize'."""
    root = Path(__file__).resolve().parents[1]
    if (root / "reader" / "cli" / "maintain.py").exists():
        subprocess.run(
            [sys.executable, "-m", "reader", "maintain", "--db", str(path)], check=True, cwd=root
        )
        return "dispatch maintain"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return "FTS5 'optimize' (dispatch maintain is not on this branch)"


# --- measuring --------------------------------------------------------------------------------


def query_set(n: int) -> list[str]:
    """The mix's queries (bench/bench_scale.py runs them too)."""
    return [q for _, q in classified_queries()]


def classified_queries() -> list[tuple[str, str]]:
    """Fixed (class, query) pairs, built from the generator's vocabulary so that frequencies are
    known. The classes group the figures: plain words, phrases, prefixes being typed, OR and NOT,
    each kind of filter, filters alone, and combinations (the hard cases)."""
    vocab = make_vocabulary(random.Random(SEED))
    rare = vocab[40_000]  # in about 0.04% of articles
    medium = vocab[2_000]  # about 1%
    common = "government"  # about 20%
    typed = vocab[700][:4]  # a word being typed: prefix
    return [
        ("words", f"{rare} "),
        ("words", f"{medium} "),
        ("words", "the "),  # in every article
        ("words", f"{common} "),
        ("words", f"{common} people "),
        ("words", f"{medium} {rare} "),
        ("words", f"{medium} {common} "),
        ("phrase", '"the first" '),
        ("phrase", f'"{common} said" '),
        ("prefix", f"{common} {typed}"),
        ("prefix", f"{typed}"),
        ("or/not", f"{medium} OR {rare} "),
        ("or/not", f"{common} -{medium} "),
        ("title:", f"title:{medium} "),
        ("is:", f"{common} is:unread "),
        ("is:", f"{medium} is:starred "),
        ("combined", f"{common} section:sport after:2025-06-01 "),
        ("combined", "the section:science is:starred "),
        ("source:", f"{rare} source:wire-00 "),
        ("filters only", "is:starred after:2025-06-01"),
        # Hard cases: a common word under a filter few of its matches pass.
        ("source:", "the source:wire-00001.txt "),  # the oldest import
        ("combined", "the is:starred before:2023-06-01 "),
        ("combined", f"{common} section:other is:starred is:unread "),
        ("section:", f"{common} section:sport "),
        ("section:", f"{medium} section:science "),
        ("dates", f"{common} after:2025-06-01 "),
        ("dates", f"{medium} before:2024-01-01 "),
    ]


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


NO_HIT = "zqxjvkw "  # no article has it: the floor, the cost of a search that finds nothing


def entity_queries() -> list[str]:
    """A popular person, a rare one, an organisation with a filter (imported library only)."""
    return [q for _, q in classified_entity_queries()]


def classified_entity_queries() -> list[tuple[str, str]]:
    entities = News(random.Random(SEED)).entities
    return [
        ("phrase", f'"{entities[0]}" '),
        ("words", f"{entities[3_000]} "),
        ("is:", f"{entities[10]} is:unread "),
    ]


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


def source_names(conn: sqlite3.Connection) -> tuple[str, str]:
    """(a part every source's name shares, or the oldest's; the oldest source's name)."""
    names = [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY id")]
    if not names:
        return "nowhere", "nowhere"
    shared = os.path.commonprefix(names)  # noqa: RUF071 (characters, not path parts)
    return _quoted(shared if len(shared) >= 3 else names[0]), _quoted(names[0])


def library_queries(conn: sqlite3.Connection, sql_built: bool) -> list[tuple[str, str]]:
    """The query mix for this library: the source filters name its own sources."""
    queries = classified_queries()
    if sql_built:
        return queries
    every, oldest = source_names(conn)
    queries = [
        (k, q.replace("wire-00001.txt", oldest).replace("wire-00", every)) for k, q in queries
    ]
    return queries + classified_entity_queries()


def _timed(lib: Library, q: str, order: str, repeat: int) -> tuple[list[float], Any]:
    """(wall ms, last page) of ``repeat`` runs after one warm-up (bench_scale.py uses it)."""
    times, _, page = _timed_cpu(lib, q, order, repeat)
    return times, page


def _timed_cpu(
    lib: Library, q: str, order: str, repeat: int
) -> tuple[list[float], list[float], Any]:
    """(wall ms, CPU ms, last page) of ``repeat`` runs after one warm-up."""
    search_mod.search(lib, q, order=order)  # warm-up
    times, cpu = [], []
    page = None
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        page = search_mod.search(lib, q, order=order)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return times, cpu, page


def _stats(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):7.1f}  p95 {_pct(values, 95):7.1f}"
        f"  max {max(values):7.1f}"
    )


def measure(path: Path, repeat: int, baseline: bool, read_only: bool = False) -> bool:
    """Time the query mix on the library at ``path``; whether the bar is met."""
    lib = Library(path, read_only=read_only)
    conn = lib.conn
    n = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    queries = library_queries(conn, sql_built=path.name.startswith("search-") and
                              not path.name.startswith("search-imported"))  # fmt: skip
    (segments,) = conn.execute("SELECT COUNT(*) FROM articles_fts_idx").fetchone()
    read, starred = conn.execute("SELECT total(read), total(starred) FROM articles").fetchone()
    size_mb = sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )
    print(f"library: {path} ({size_mb / 1e6:,.0f} MB), {n:,} articles ({read:,.0f} read, "
          f"{starred:,.0f} starred), schema {lib.schema_version}, SQLite {sqlite3.sqlite_version}")  # fmt: skip
    print(f"full-text index: {segments:,} rows in articles_fts_idx (fewer: more merged)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"first page = {search_mod.PAGE_SIZE} results with snippets; rank cap "
        f"{search_mod.RANK_CAP:,}; {repeat} timed runs per query after one warm-up\n"
    )
    # How many articles each query matches (not timed), so that the figures can be read.
    sizes = {q: search_mod.count(lib, q, limit=20_000_000)[0] for _, q in queries}
    floor: dict[str, list[float]] = {}
    for order in ("rank", "date"):
        floor[order] = _timed(lib, NO_HIT, order, repeat)[0]
    header = (
        f"{'class':12} {'query':44} {'matches':>9} {'rank med':>9} {'p95':>7} {'cpu':>6}"
        f" {'date med':>9} {'p95':>7} {'cpu':>6}"
    )
    print(header)
    print("-" * len(header))
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for kind, q in queries:
        cells = []
        for order in ("rank", "date"):
            times, cpus, page = _timed_cpu(lib, q, order, repeat)
            wall.setdefault((kind, order), []).extend(times)
            cpu.setdefault((kind, order), []).extend(cpus)
            flag = "*" if getattr(page, "ranked_among", None) else " "
            cells.append(
                f"{statistics.median(times):8.1f}{flag} {_pct(times, 95):7.1f}"
                f" {statistics.median(cpus):6.1f}"
            )
        print(f"{kind:12} {q.strip()[:44]:44} {sizes[q]:>9,} {cells[0]} {cells[1]}")
    # The floor again at the end: a busy machine slows both alike.
    for order in ("rank", "date"):
        floor[order] += _timed(lib, NO_HIT, order, repeat)[0]
    lib.close()
    print("\n* ranked among the newest matches only (the page says so)")
    base = {o: statistics.median(floor[o]) for o in ("rank", "date")}
    print(
        f"\nfloor (the same call for a word no article has): median {base['rank']:.2f} ms ranked,"
        f" {base['date']:.2f} ms by date; added latency = wall time minus the floor"
    )
    print("\nadded latency per class (ms, both orders):")
    kinds = list(dict.fromkeys(k for k, _ in queries))
    added_all: list[float] = []
    for kind in kinds:
        added = [t - base[o] for o in ("rank", "date") for t in wall[(kind, o)]]
        cpus = [c for o in ("rank", "date") for c in cpu[(kind, o)]]
        added_all += added
        print(f"  {kind:12} {_stats(added)}   cpu median {statistics.median(cpus):6.1f}")
    for order in ("rank", "date"):
        added = [t - base[order] for k in kinds for t in wall[(k, order)]]
        print(f"  {'all, ' + order:12} {_stats(added)}")
    print(f"  {'all':12} {_stats(added_all)}")
    # CPU time moves far less with the machine's load than wall time: the same figures in CPU
    # (not the bar's, which is on wall time, but the one to compare runs made at other loads).
    cpu_all = [c for k in kinds for o in ("rank", "date") for c in cpu[(k, o)]]
    print(f"  {'all, CPU':12} {_stats(cpu_all)}")
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    ok = statistics.median(added_all) < 100 and _pct(added_all, 95) < 300
    print(f"Bar (added latency median < 100 ms, p95 < 300 ms): {'met' if ok else 'NOT met'}")
    if baseline:
        conn = sqlite3.connect(path)
        ranked = [t for kind in kinds for t in wall[(kind, "rank")]]
        _baseline(conn, [q for _, q in queries], ranked, repeat)
        conn.close()
    return ok


def _baseline(conn: sqlite3.Connection, queries: list[str], ours: list[float], repeat: int) -> None:
    """The naive plan, once per query: rank every match, filters in the same WHERE as MATCH."""
    print(
        "\nbaseline (same run): ORDER BY bm25 over every match, filters beside MATCH, "
        "FTS5's own prefix; one run each, stopped at 10 s"
    )
    deadline = [0.0]

    def stop() -> int:
        return 1 if time.perf_counter() > deadline[0] else 0

    conn.set_progress_handler(stop, 10_000)
    naive = []
    for i, q in enumerate(queries):
        parsed = parse_query(q)
        if not parsed.match:
            continue
        where = [f.sql for f in parsed.filters]
        params = [p for f in parsed.filters for p in f.params]
        sql = (
            "SELECT a.id, snippet(articles_fts, -1, '[', ']', '…', 24) FROM articles_fts"
            " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY {search_mod._BM25} LIMIT 50"
        )
        deadline[0] = time.perf_counter() + 10
        t0 = time.perf_counter()
        try:
            conn.execute(sql, [parsed.match, *params]).fetchall()
            ms = (time.perf_counter() - t0) * 1000
            cell = f"{ms:9.1f} ms"
        except sqlite3.OperationalError:
            ms = 10_000.0
            cell = "  > 10 s    "
        naive.append(ms)
        ours_q = statistics.median(ours[i * repeat : (i + 1) * repeat])
        print(f"  {q.strip()[:44]:44} {cell}   ours {ours_q:7.1f} ms   ×{ms / ours_q:,.1f}")
    conn.set_progress_handler(None, 0)
    if naive:
        print(f"baseline median {statistics.median(naive):.1f} ms, p95 {_pct(naive, 95):.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
