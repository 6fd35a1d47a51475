"""Write realistic generated news dumps of any size.

    python bench/gen_dump.py OUT.txt --mb 100 [--seed 1] [--crlf] [--wire-mix]

Articles vary in length; some have summary bullets, some cross-heads, some blank lines between
paragraphs; leads use every dateline style the parser knows (colon, AP/Reuters/AFP wire styles,
capitalised dash) and some have none. The text is made of invented words and names, deterministic
for a given seed, so benchmarks are repeatable.

``--wire-mix`` writes a news library's mix instead (bench/bench_scale.py, issue 17's 10M scale):
about six short wire items (headline and a dated lead, perhaps one more paragraph) to four
longer stories, about 700 bytes an article on average, in the words of bench/bench_search.py
(its Zipf vocabulary and named entities, so that its query set finds what it expects). The
vocabulary is the same for every seed; ``--seed`` only changes the articles, so parts written
with different seeds add up to one library without duplicates.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

SYLLABLES = (
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu "
    "ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu an en in on ar er or al el il"
).split()
COMMON = (
    "the of and to in a is that for on with as was by at from said it has have will be are "
    "would could on Monday on Tuesday last week this month according"
).split()
PLACES = [
    "DUBAI", "Gaza City", "EL SEGUNDO", "Paris", "Tokyo", "BRUSSELS", "Nairobi", "LIMA",
    "São Paulo", "NEW DELHI", "Kyiv", "Rio de Janeiro", "CAPE TOWN", "Manila", "Reykjavík",
]  # fmt: skip
WIRE = [
    "{PLACE} (AP) — ", "{PLACE}, {MON} {DAY} (Reuters) - ", "{Place} (AFP) - ", "{PLACE} — ",
    "{Place}: ", "{PLACE}: ",
]  # fmt: skip
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = [self._word() for _ in range(20000)]
        self.names = [self._word().capitalize() for _ in range(3000)]
        self.topic = self.vocab[:100]
        cum, total = [], 0.0
        for i in range(len(self.vocab)):  # Zipf-like frequencies
            total += 1 / (i + 1)
            cum.append(total)
        self.cum_weights = cum

    def _word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(1, 4)))

    def words(self, n: int) -> list[str]:
        rng = self.rng
        out = rng.choices(self.vocab, cum_weights=self.cum_weights, k=n)
        # Real articles keep to their subject: half the words come from the article's own topic.
        topic = self.topic
        for i in range(0, n, 2):
            out[i] = rng.choice(topic)
        for i in range(n):
            r = rng.random()
            if r < 0.25:
                out[i] = rng.choice(COMMON)
            elif r < 0.32:
                out[i] = rng.choice(self.names)
        return out

    def sentence(self, lo: int = 8, hi: int = 28) -> str:
        w = self.words(self.rng.randint(lo, hi))
        w[0] = w[0].capitalize()
        s = " ".join(w) + "."
        if self.rng.random() < 0.2:
            s = f"“{s[:-1]},” {self.rng.choice(self.names)} said."
        return s

    def headline(self) -> str:
        w = self.words(self.rng.randint(7, 14))
        w[0] = w[0].capitalize()
        if self.rng.random() < 0.3:
            i = self.rng.randrange(len(w))
            w[i] = f"‘{w[i]}’"
        return " ".join(w)

    def crosshead(self) -> str:
        w = self.words(self.rng.randint(2, 5))
        return " ".join(w).capitalize()

    def dateline(self) -> str:
        rng = self.rng
        place = rng.choice(PLACES)
        style = rng.choice(WIRE)
        return style.format(
            PLACE=place.upper(), Place=place, MON=rng.choice(MONTHS), DAY=rng.randint(1, 28)
        )

    def article(self) -> Iterator[str]:
        rng = self.rng
        self.topic = rng.sample(self.vocab[200:], 120) + rng.sample(self.names, 10)
        yield self.headline()
        bullets = rng.random() < 0.6
        dated = rng.random() < 0.85
        # A headline followed by neither bullets nor a dateline is only told apart from a
        # cross-head by the blank line after it, as in real dumps.
        if rng.random() < 0.7 or not (bullets or dated):
            yield ""
        if bullets:
            for _ in range(rng.randint(1, 3)):
                yield "- " + self.sentence(8, 20)[:-1]
        blank_style = rng.random() < 0.3
        paragraphs = rng.randint(3, 30)
        lead = " ".join(self.sentence() for _ in range(rng.randint(1, 3)))
        yield (self.dateline() + lead) if dated else lead
        for i in range(paragraphs):
            if (
                paragraphs > 8
                and i in (paragraphs // 2, paragraphs * 3 // 4)
                and rng.random() < 0.5
            ):
                yield self.crosshead()
            elif blank_style or rng.random() < 0.05:
                yield ""
            yield " ".join(self.sentence() for _ in range(rng.randint(1, 4)))


# The layouts besides the sample's own ("sample"), each written from the same articles.
LAYOUTS = ("sample", "blank", "wrapped", "markdown", "web")


def render(lines: list[str], layout: str, rng: random.Random) -> list[str]:
    """One article (as Writer.article() writes it) in ``layout``:

    - blank: headline, blank line, paragraphs separated by blank lines (no bullets);
    - wrapped: the same, paragraphs hard-wrapped at 72 columns;
    - markdown: "# " headline, paragraphs with some **bold** and [links](url);
    - web: headline, a byline and a date line, then the paragraphs, with an "Advertisement".
    """
    if layout == "sample":
        return lines
    title, body = lines[0], [x for x in lines[1:] if x and not x.startswith("- ")]
    if layout == "blank":
        return [title, "", *(y for p in body for y in (p, ""))]
    if layout == "wrapped":
        out = [title, ""]
        for p in body:
            out += [*textwrap.wrap(p, 72, break_on_hyphens=False), ""]
        return out
    if layout == "markdown":
        out = [f"# {title}", ""]
        for p in body:
            words = p.split(" ")
            if len(words) > 8 and rng.random() < 0.3:
                words[3] = f"**{words[3]}**"
                words[6] = f"[{words[6]}](https://example.org/{rng.randrange(10**6)})"
            out += [" ".join(words), ""]
        return out
    if layout == "web":
        day, month = rng.randint(1, 28), rng.choice(MONTHS)
        out = [title, f"By {rng.choice(NAMES)}", f"Published {day} {month} 2019", ""]
        for i, p in enumerate(body):
            out += [p, ""]
            if i == 1:
                out += ["Advertisement", ""]
        return out
    raise ValueError(f"unknown layout {layout!r}")


NAMES = ["Ann Lee", "Tomas Berg", "Priya Natarajan", "Kwame Mensah", "Lucia Ferreira"]


def generate(
    out: Path, megabytes: float, seed: int = 1, newline: str = "\n", layout: str = "sample"
) -> int:
    """Write about ``megabytes`` MB of dump to ``out``; returns the number of articles."""
    target = int(megabytes * 1_000_000)
    writer = Writer(seed)
    rng = random.Random(seed + 1)
    size = 0
    count = 0
    with open(out, "w", encoding="utf-8", newline=newline) as f:
        while size < target:
            text = "\n".join(render(list(writer.article()), layout, rng)) + "\n"
            f.write(text)
            size += len(text.encode("utf-8"))
            count += 1
    return count


class WireMix:
    """Short wire items and longer stories in bench_search's vocabulary (see the docstring).

    Words are drawn from a table of 2**20 Zipf quantiles (one ``getrandbits`` a word) rather than
    by bisecting the cumulative weights: about three times faster, which matters for 7 GB, and
    every word of the 60,000 still has at least one entry.
    """

    BITS = 20

    def __init__(self, seed: int) -> None:
        import bisect

        from bench_search import SEED, News  # the vocabulary its queries are built from

        news = News(random.Random(SEED))
        size = 1 << self.BITS
        self.table = [
            news.vocab[
                min(len(news.vocab) - 1, bisect.bisect(news.cum, (i + 0.5) / size * news.total))
            ]
            for i in range(size)
        ]
        cum = news.entity_cum
        self.entities = [
            news.entities[
                min(len(news.entities) - 1, bisect.bisect(cum, (i + 0.5) / size * cum[-1]))
            ]
            for i in range(size)
        ]
        self.places = [e.split()[0].upper() for e in news.entities[:300]]
        self.rng = random.Random(seed)

    def sentence(self, lo: int, hi: int) -> str:
        rng = self.rng
        bits, table, entities = rng.getrandbits, self.table, self.entities
        words = [table[bits(self.BITS)] for _ in range(rng.randint(lo, hi))]
        for _ in range(len(words) // 30 + (rng.random() < (len(words) % 30) / 30)):
            words[rng.randrange(len(words))] = entities[bits(self.BITS)]
        return " ".join(words).capitalize()

    def article(self) -> str:
        rng = self.rng
        title = self.sentence(5, 11)
        if rng.random() < 0.55:  # a wire item
            lead = self.sentence(10, 22) + "."
            extra = rng.randint(0, 1)
        else:  # a story
            lead = self.sentence(10, 20) + ". " + self.sentence(10, 20) + "."
            extra = rng.randint(2, 5)
        lines = [title, f"{rng.choice(self.places)} (AP) — {lead}"]
        for _ in range(extra):
            lines.append(self.sentence(8, 20) + ". " + self.sentence(8, 20) + ".")
        return "\n".join(lines) + "\n\n"


def generate_wire_mix(
    out: Path, megabytes: float, seed: int = 1, articles: int | None = None
) -> int:
    """Write about ``megabytes`` MB of the wire mix (or exactly ``articles`` articles) to ``out``;
    returns the number of articles."""
    target = int(megabytes * 1_000_000)
    mix = WireMix(seed)
    size = count = 0
    with open(out, "w", encoding="utf-8") as f:
        while (count < articles) if articles is not None else (size < target):
            step = 1000 if articles is None else min(1000, articles - count)
            chunk = "".join(mix.article() for _ in range(step))
            f.write(chunk)
            size += len(chunk.encode("utf-8"))
            count += step
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=10.0, help="size in MB (default 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crlf", action="store_true", help="Windows line ends")
    ap.add_argument("--layout", choices=LAYOUTS, default="sample")
    ap.add_argument(
        "--wire-mix", action="store_true", help="short wire items and stories (~700 B each)"
    )
    ap.add_argument("--articles", type=int, help="with --wire-mix: this many articles, not --mb")
    args = ap.parse_args(argv)
    if args.wire_mix:
        n = generate_wire_mix(args.out, args.mb, args.seed, args.articles)
    else:
        n = generate(args.out, args.mb, args.seed, "\r\n" if args.crlf else "\n", args.layout)
    print(f"{args.out}: {n:,} articles, {args.out.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
