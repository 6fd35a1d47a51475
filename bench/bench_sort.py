"""Sorted jumps: every order the list offers, in every view, to any row, at a million articles.

    python bench/bench_sort.py [--library PATH] [--articles 1000000] [--runs 3]

For each view (All, Unread, Starred, Today, the biggest section, the biggest source) and each
order (date, title, section, source; each way) it times what the list does on a jump:
  middle    the page of 200 rows at the middle of the view (ViewQuery.page_at)
  end       the last page of the view
  position  the row number of the article at three quarters of the view (position_of)
and, as a floor measured in the same run, the same 200 rows fetched by rowid (the cheapest
read of a page there is). Each figure is the median of
``--runs`` timings; the bar is 100 ms for each.

The library, by default: the one ``dispatch import`` makes of bench_search.py's generated
dump of ``--articles`` articles (cached in bench/out; building it takes about 20 minutes here),
with a reader's marks made by ``marking.set_flag`` (bench_search.apply_marks). How the rows were
written matters: an import adds every article today, so Today is as big as All, which a library
filled by SQL with spread-out dates never showed (a jump in Today by title took 5-6 s).
``--sql-built`` uses bench/make_library.py instead (SQL straight into the schema, in minutes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from reader.core import views
from reader.core.sort_orders import SORT_KEYS, Sort
from reader.core.store import Library
from reader.core.views import ALL, STARRED, TODAY, UNREAD, View, ViewQuery

SQL_LIBRARY = Path("/tmp/dispatch-bench-1m.sqlite3")
PAGE = 200
BAR = 0.100


def _timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _biggest(lib: Library, column: str) -> int:
    sql = (
        f"SELECT {column} FROM articles WHERE {column} IS NOT NULL"
        f" GROUP BY {column} ORDER BY count(*) DESC LIMIT 1"
    )
    return lib.conn.execute(sql).fetchone()[0]


def _floor(lib: Library, ids: list[int], runs: int) -> float:
    """The same rows fetched by rowid: what reading a page costs with no ordering at all."""
    marks = ",".join("?" * len(ids))
    sql = f"SELECT {views._ROW_COLUMNS} FROM articles WHERE id IN ({marks})"
    t, _ = _timed(lambda: lib.conn.execute(sql, ids).fetchall(), runs)
    return t


def bench_view(lib: Library, view: View, name: str, runs: int) -> list[tuple]:
    rows = []
    for key in SORT_KEYS:
        for descending in (True, False):
            q = ViewQuery(lib, view, Sort(key, descending))
            t_open = time.perf_counter()
            total = q.count()
            t_count = time.perf_counter() - t_open
            if total == 0:
                continue
            mid = max(0, total // 2 - PAGE // 2)
            t_mid, page = _timed(
                lambda q=q, mid=mid, total=total: q.page_at(mid, PAGE, total), runs
            )
            t_end, _ = _timed(
                lambda q=q, total=total: q.page_at(max(0, total - PAGE), PAGE, total), runs
            )
            target = q.page_at(total * 3 // 4, 1, total)[0].id
            t_pos, pos = _timed(lambda q=q, target=target: q.position_of(target), runs)
            assert pos == total * 3 // 4, (name, key, pos, total * 3 // 4)
            floor = _floor(lib, [r.id for r in page], runs)  # type: ignore[union-attr]
            worst = max(t_mid, t_end, t_pos)
            rows.append(
                (
                    name,
                    total,
                    key,
                    "down" if descending else "up",
                    t_count,
                    t_mid,
                    t_end,
                    t_pos,
                    floor,
                    worst,
                )
            )
            print(_line(rows[-1]), flush=True)
    return rows


def _line(r: tuple) -> str:
    name, total, key, way, t_count, t_mid, t_end, t_pos, floor, worst = r
    ok = "ok" if worst < BAR else "OVER"
    return (
        f"{name:16}{total:>10,} {key:8}{way:5}{t_count * 1e3:8.1f}{t_mid * 1e3:9.1f}"
        f"{t_end * 1e3:9.1f}{t_pos * 1e3:9.1f}{floor * 1e3:8.2f}{worst / floor:9.0f}x  {ok}"
    )


def default_library(articles: int, sql_built: bool) -> Path:
    """The library dispatch import makes (with a reader's marks), or the SQL-filled one."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if sql_built:
        from make_library import make

        if not SQL_LIBRARY.exists():
            print(f"generating {articles:,} articles into {SQL_LIBRARY} (minutes)…", flush=True)
            make(SQL_LIBRARY, articles)
        return SQL_LIBRARY
    from bench_search import apply_marks, ensure_imported

    path = ensure_imported(articles, regenerate=False)
    apply_marks(path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--library", type=Path, help="an existing library (default: built by import)")
    p.add_argument("--articles", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sql-built", action="store_true", help="bench/make_library.py's library")
    args = p.parse_args(argv)
    args.library = args.library or default_library(args.articles, args.sql_built)
    t = time.perf_counter()
    lib = Library(args.library)  # migrates an older library: builds the order indexes once
    print(f"opened {args.library} in {time.perf_counter() - t:.2f} s", flush=True)
    section, source = _biggest(lib, "section_id"), _biggest(lib, "source_id")
    sec_name = {s.id: s.name for s in views.sections(lib)}[section]
    print(
        f"\n{'view':16}{'rows':>10} {'order':8}{'way':5}{'count':>8}{'middle':>9}{'end':>9}"
        f"{'position':>9}{'floor':>8}{'ratio':>10}  bar < {BAR * 1e3:.0f} ms (ms; ratio: worst"
        " of the three to the floor)"
    )
    every = []
    for view, name in (
        (ALL, "All"),
        (UNREAD, "Unread"),
        (STARRED, "Starred"),
        (TODAY, "Today"),
        (View("section", section), f"section {sec_name}"[:15]),
        (View("source", source), f"source {source}"),
    ):
        every += bench_view(lib, view, name, args.runs)
    worst = max(every, key=lambda r: r[-1])
    print(
        f"\nworst jump of {len(every)} (view, order, way): {worst[-1] * 1e3:.1f} ms"
        f" ({worst[0]}, {worst[2]} {worst[3]}); bar < {BAR * 1e3:.0f} ms:"
        f" {'ok' if worst[-1] < BAR else 'OVER'}"
    )
    lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
