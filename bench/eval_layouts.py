"""How many articles of the layout fixtures the parser gets right.

    python bench/eval_layouts.py [DIR ...] [-v]

For every ``NAME.txt`` with a ``NAME.json`` beside it (default: tests/fixtures/layouts/), parse the
dump through the real entry point and count an article right when a parsed article has its title
and its number of paragraphs (the held-out evaluation's measure); "exact" also needs the paragraph
texts, dateline, byline and publication date to match. Furniture: of the expected articles that
carry a byline or date line, how many came out with no furniture line among their paragraphs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.core.dumps import ParseReport, parse_path  # noqa: E402


def evaluate(txt: Path, verbose: bool) -> tuple[int, int, int, int, int]:
    expected = json.loads(txt.with_suffix(".json").read_text("utf-8"))["articles"]
    report = ParseReport()
    got = list(parse_path(txt, report=report))
    pool = Counter((a.title, len(a.paragraphs)) for a in got)
    by_title = {a.title: a for a in got}
    right = exact = furn = furn_ok = 0
    for exp in expected:
        key = (exp["title"], len(exp["paragraphs"]))
        ok = pool[key] > 0
        if ok:
            pool[key] -= 1
            right += 1
        a = by_title.get(exp["title"])
        if a is not None and (
            a.paragraphs == exp["paragraphs"]
            and a.dateline == exp.get("dateline")
            and a.byline == exp.get("byline")
            and a.published == exp.get("published")
        ):
            exact += 1
        if exp.get("byline") or exp.get("published"):
            furn += 1
            if a is not None and a.paragraphs == exp["paragraphs"]:
                furn_ok += 1
        if verbose and not ok:
            print(f"    MISS {exp['title'][:70]!r} ({len(exp['paragraphs'])} paragraphs)")
            if a is not None:
                print(f"         got {len(a.paragraphs)} paragraphs")
    if verbose:
        titles = {e["title"] for e in expected}
        for a in got:
            if a.title not in titles:
                print(f"    EXTRA {a.title[:70]!r} ({len(a.paragraphs)} paragraphs)")
    print(
        f"  {txt.name:34} {report.layout:8} {right:3}/{len(expected):<3} right, {exact:3} exact, "
        f"{len(got):3} parsed, furniture out {furn_ok}/{furn}"
    )
    return right, len(expected), exact, furn_ok, furn


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path, default=[ROOT / "tests/fixtures/layouts"])
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    totals = [0, 0, 0, 0, 0]
    worst = 1.0
    for d in args.dirs:
        for txt in sorted(d.glob("*.txt")):
            if not txt.with_suffix(".json").exists():
                continue
            r = evaluate(txt, args.verbose)
            totals = [t + x for t, x in zip(totals, r)]
            worst = min(worst, r[0] / r[1] if r[1] else 1.0)
    right, n, exact, furn_ok, furn = totals
    print(
        f"all: {right}/{n} right ({right / max(n, 1):.1%}), worst dump {worst:.0%}, "
        f"{exact} exact, furniture kept out in {furn_ok}/{furn}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
