"""Golden check of the parser: a hash of every field of every article, to keep speed-ups honest.

    python bench/parse_golden.py record [--out FILE] [--mb 2] [--seeds 1 2 3]
    python bench/parse_golden.py check  [--out FILE] [--mb 2] [--seeds 1 2 3]

A change meant to make parsing cheaper must not change one article. This parses every dump in
tests/fixtures (each in every layout, detected and forced), ../shared/samples/seed-dump.txt (also
re-encoded: CRLF, CR, UTF-16, Windows-1252, white space mangled, read in tiny chunks), and dumps of
every layout bench/gen_dump.py writes (``--mb`` each, several seeds, cached in bench/out/golden/),
and hashes each article's every field (title, dateline, summary, blocks, offsets, lead prefix and
block, dropped lines, byline, date, derived title, fingerprint, doubts) and what the parse reported
(layout, markup, encoding, counts). ``record`` writes the hashes; ``check`` compares and names the
first article that differs in each input. The default file is bench/out/parse-golden.json.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from reader.core.article import Article  # noqa: E402
from reader.core.dumps import ParseReport, parse_stream  # noqa: E402

# ../shared beside the main checkout (a worktree under wt/ has it two levels up).
SEED = next(
    (p / "shared" / "samples" / "seed-dump.txt" for p in ROOT.parents if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "samples" / "seed-dump.txt",
)
FORCED = (None, "lines", "blank", "wrapped", "markdown")
GEN_LAYOUTS = ("sample", "blank", "wrapped", "markdown", "web")


def article_digest(a: Article) -> str:
    """A hash of every field of ``a`` and of what is derived from them."""
    values = [repr(getattr(a, f.name)) for f in fields(a)]
    values += [a.fingerprint, repr(a.doubts()), repr(a.looks_merged()), repr(a.to_json())]
    return hashlib.blake2b("\x00".join(values).encode("utf-8"), digest_size=8).hexdigest()


def report_digest(r: ParseReport) -> str:
    return repr([getattr(r, f.name) for f in fields(r)])


def parse_digests(data: bytes, layout: str | None, chunk: int | None = None) -> dict:
    report = ParseReport()
    kwargs = {"chunk_size": chunk} if chunk else {}
    stream = parse_stream(io.BytesIO(data), layout=layout, report=report, **kwargs)
    arts = [article_digest(a) for a in stream]
    return {"articles": arts, "report": report_digest(report)}


def _mangled(text: str) -> str:
    """The seed dump with tabs, runs of spaces, no-break spaces and controls sprinkled in."""
    out = []
    for i, line in enumerate(text.split("\n")):
        k = i % 7
        if k == 1:
            line = "\t" + line
        elif k == 2:
            line = line.replace(" ", "  ", 3)
        elif k == 3:
            line = "   " + line + "  "
        elif k == 4:
            line = line.replace(" ", "\u00a0", 2) + "\x07"
        elif k == 5:
            line = line.replace(" ", "\u200b ", 1)
        out.append(line)
    return "\n".join(out)


def inputs(
    mb: float, seeds: list[int], cache: Path
) -> Iterator[tuple[str, Callable[[], bytes], str | None, int | None]]:
    """(name, bytes, forced layout, chunk size) of every parse the check makes."""
    fixtures = sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))
    for path in fixtures:
        for layout in FORCED:
            yield f"{path.relative_to(ROOT)}:{layout or 'auto'}", path.read_bytes, layout, None
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
        lines = text.split("\n")
        variants: dict[str, Callable[[], bytes]] = {
            "raw": SEED.read_bytes,
            "crlf": lambda: text.replace("\n", "\r\n").encode("utf-8"),
            "cr": lambda: text.replace("\n", "\r").encode("utf-8"),
            "utf16": lambda: text.encode("utf-16"),
            "cp1252": lambda: text.encode("cp1252", errors="replace"),
            "mangled": lambda: _mangled(text).encode("utf-8"),
            # One kind of white space or control at a time: each is looked for on its own.
            "lead": lambda: "\n".join(
                " " + x if i % 5 == 2 else x for i, x in enumerate(lines)
            ).encode("utf-8"),
            "trail": lambda: "\n".join(
                x + " " if i % 5 == 3 else x for i, x in enumerate(lines)
            ).encode("utf-8"),
            "double": lambda: text.replace(". ", ".  ", 30).encode("utf-8"),
            "nbsp": lambda: text.replace(" ", "\u00a0", 40).encode("utf-8"),
            "control": lambda: text.replace(" ", " \x1b", 30).encode("utf-8"),
        }
        for name, get in variants.items():
            for layout in FORCED:
                yield f"seed:{name}:{layout or 'auto'}", get, layout, None
        yield "seed:raw:chunk997", SEED.read_bytes, None, 997
        yield "seed:crlf:chunk331", variants["crlf"], None, 331
    else:
        print(f"warning: {SEED} not found, left out", file=sys.stderr)
    for layout in GEN_LAYOUTS:
        for seed in seeds:
            path = generated(cache, layout, mb, seed)
            yield f"gen:{layout}:{mb:g}mb:seed{seed}", path.read_bytes, None, None
    crlf = generated(cache, "sample", mb, seeds[0], crlf=True)
    yield f"gen:sample-crlf:{mb:g}mb", crlf.read_bytes, None, None


def generated(out: Path, layout: str, mb: float, seed: int, crlf: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{layout}-{mb:g}mb-seed{seed}{'-crlf' if crlf else ''}.txt"
    if not path.exists():
        cmd = [sys.executable, str(HERE / "gen_dump.py"), str(path), "--mb", str(mb)]
        cmd += ["--seed", str(seed), "--layout", layout] + (["--crlf"] if crlf else [])
        subprocess.run(cmd, check=True, capture_output=True)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("record", "check"))
    ap.add_argument("--out", type=Path, default=HERE / "out" / "parse-golden.json")
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--cache", type=Path, default=HERE / "out" / "golden", help="generated dumps")
    args = ap.parse_args(argv)
    got = {}
    for name, get, layout, chunk in inputs(args.mb, args.seeds, args.cache):
        got[name] = parse_digests(get(), layout, chunk)
    total = sum(len(v["articles"]) for v in got.values())
    if args.mode == "record":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(got, indent=0))
        print(f"recorded {len(got)} parses, {total:,} articles, in {args.out}")
        return 0
    want = json.loads(args.out.read_text())
    bad = 0
    for name in sorted(set(want) | set(got)):
        if name not in got or name not in want:
            print(f"{name}: {'not parsed now' if name not in got else 'not recorded'}")
            bad += 1
            continue
        w, g = want[name], got[name]
        if w == g:
            continue
        bad += 1
        if w["report"] != g["report"]:
            print(f"{name}: report {w['report']} -> {g['report']}")
        wa, ga = w["articles"], g["articles"]
        first = next((i for i, (x, y) in enumerate(zip(wa, ga)) if x != y), min(len(wa), len(ga)))
        print(f"{name}: {len(wa)} -> {len(ga)} articles, first difference at article {first}")
    print(
        f"checked {len(got)} parses, {total:,} articles: {'SAME' if not bad else f'{bad} DIFFER'}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
