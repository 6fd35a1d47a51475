"""Hypothesis strategies that write news dumps in every common layout, with the articles they hold.

Each generated article has a topic of its own (its words come back from paragraph to paragraph, as
in real news) and is rendered in one layout per dump: one paragraph per line, blank-line
paragraphs, the sample's style (headline, blank line, bullets, dateline lead), wire copy (datelines,
sign-offs), hard-wrapped text (fixed width; paragraphs start after a blank line or at an indent),
markdown (``#`` headlines, **bold**, [links](url)), separator lines, web paste (bylines, date
lines, boilerplate). The expected parse is what a reader would say the dump holds.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field

from hypothesis import strategies as st

TOPICS = [
    "harbour ferry crossing captain storm pier vessel passengers tide crew engine dock",
    "council budget mayor vote taxes spending parks police shelter district committee",
    "coffee growers harvest prices roasters drought beans export farmers plantation",
    "hospital nurses patients wards shifts surgeons waiting clinic doctors treatment",
    "football striker goal midfield league penalty season coach stadium defender",
    "railway trains signals commuters tracks station delays engineers timetable carriages",
    "museum paintings exhibition curator gallery collection artist sculpture visitors",
    "election ballots candidates polling turnout campaign voters parliament coalition",
    "software developers security update servers passwords users encryption browser",
    "wheat grain silos shipments freight tonnes millers flour bakery harvesters",
    "glacier climate scientists melting samples expedition ocean warming sediment",
    "orchestra concert violin conductor symphony rehearsal audience composer tenor",
]
TOPIC_WORDS = [t.split() for t in TOPICS]
FILLER = (
    "the of and to in a for on with as by at from after over into about than its their "
    "this that which who while before since during under against between"
).split()
NAMES = ["Ann Lee", "Tomas Berg", "Priya Natarajan", "Kwame Mensah", "Lucia Ferreira",
         "Jonas Weber", "Mei Chen", "Omar Haddad", "Sara Lind", "David Okafor"]  # fmt: skip
FIRST = ["Ann", "Tomas", "Priya", "Kwame", "Lucia", "Jonas", "Mei", "Omar", "Sara", "David",
         "Ines", "Yusuf", "Elena", "Hiro", "Amara", "Pavel", "Nadia", "Colm", "Rosa", "Felix",
         "Dana", "Ivo", "Leila", "Marco"]  # fmt: skip
LAST = ["Lee", "Berg", "Natarajan", "Mensah", "Ferreira", "Weber", "Chen", "Haddad", "Lind",
        "Okafor", "Duarte", "Kaya", "Petrova", "Tanaka", "Eze", "Novak", "Rahimi", "Brennan",
        "Salas", "Vogel", "Moreau", "Kral", "Nasser", "Conti"]  # fmt: skip
PLACES = ["OSLO", "LIMA", "NAIROBI", "BRUSSELS", "Gaza City", "Paris", "Tokyo", "CAPE TOWN"]
MONTHS = "January February March April May June July August September October November".split()
LAYOUTS = ("lines", "blank", "sample", "wire", "wrapped", "markdown", "separators", "web")


@dataclass
class GenArticle:
    title: str
    paragraphs: list[str]
    summary: list[str] = field(default_factory=list)
    dateline: str | None = None
    byline: str | None = None
    published: str | None = None


def _sentence(
    rng: random.Random, words: list[str], lo: int = 6, hi: int = 18, names: list[str] | None = None
) -> str:
    n = rng.randint(lo, hi)
    out = [rng.choice(words) if i % 2 == 0 or rng.random() < 0.3 else rng.choice(FILLER)
           for i in range(n)]  # fmt: skip
    if names and rng.random() < 0.2:
        out.insert(rng.randint(1, len(out)), rng.choice(names))
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: list[str], names: list[str]) -> str:
    return " ".join(_sentence(rng, words, names=names) for _ in range(rng.randint(1, 3)))


def _headline(rng: random.Random, words: list[str], case: str) -> str:
    n = rng.randint(4, 9)
    picked = rng.sample(words, n)
    for i in range(1, n - 1, 3):
        picked[i] = rng.choice(["to", "in", "as", "for", "after", "over"])
    if case == "caps":
        text = " ".join(picked).upper()
    elif case == "title":
        text = " ".join(w if w in ("to", "in", "as", "for") else w.capitalize() for w in picked)
    else:
        text = " ".join(picked)
        text = text[0].upper() + text[1:]
    if rng.random() < 0.15:
        text += "?"
    return text


@st.composite
def article(draw, topic: int, layout: str, case: str) -> GenArticle:
    # A seeded generator for the words: shrinking then keeps real-looking text, not one word
    # repeated, and shrinks the structure instead.
    rng = random.Random(draw(st.integers(0, 2**32)))
    words = TOPIC_WORDS[topic]
    title = _headline(rng, words, case)
    n = draw(st.integers(1, 6))
    if n == 1 and layout in ("lines", "blank", "wrapped", "separators"):
        n = 2  # one lone paragraph under a headline is told apart only in a real dump
    # The people in a story are its own (a name shared by the next story would tie the two):
    # each topic has its two.
    names = [f"{FIRST[topic]} {LAST[topic]}", f"{FIRST[-1 - topic]} {LAST[-1 - topic]}"]
    paragraphs = [_paragraph(rng, words, names) for _ in range(n)]
    a = GenArticle(title, paragraphs)
    if layout == "sample":
        a.summary = [
            _sentence(rng, words, 5, 12).rstrip(".") for _ in range(draw(st.integers(0, 2)))
        ]
    if (layout == "sample" and draw(st.booleans())) or layout == "wire":
        place = rng.choice(PLACES)
        style = draw(st.sampled_from(["colon", "ap", "reuters"]))
        if style == "colon" and layout == "sample":
            a.dateline = place
        elif style == "reuters":
            a.dateline = f"{place.upper()}, {rng.choice(MONTHS)[:3]} 4 (Reuters)"
        else:
            a.dateline = f"{place.upper()} (AP)"
    if layout == "web":
        a.byline = rng.choice(NAMES)
        a.published = f"2019-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    return a


def _lead(a: GenArticle) -> str:
    first = a.paragraphs[0]
    if a.dateline is None:
        return first
    if a.dateline.endswith("(AP)"):
        return f"{a.dateline} — {first}"
    if a.dateline.endswith("(Reuters)"):
        return f"{a.dateline} - {first}"
    return f"{a.dateline}: {first}"


def render(arts: list[GenArticle], layout: str, draw) -> str:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    width = draw(st.integers(60, 80))
    indent = draw(st.booleans())
    sep = draw(st.sampled_from(["-----", "* * *", "=====", "___"]))
    for i, a in enumerate(arts):
        body = [_lead(a), *a.paragraphs[1:]]
        if layout == "lines":
            lines += [a.title, *body]
        elif layout == "blank":
            lines += [a.title, ""]
            for p in body:
                lines += [p, ""]
        elif layout == "sample":
            lines += [a.title, ""]
            lines += ["- " + s for s in a.summary]
            lines += body
            lines.append("")
        elif layout == "wire":
            lines += [a.title, ""]
            for p in body:
                lines += [p, ""]
            lines += [
                draw(
                    st.sampled_from(
                        ["Reuter", "— AP", "(Reporting by Ann Lee; Editing by Tomas Berg)"]
                    )
                ),
                "",
            ]
        elif layout == "wrapped":
            lines.append(a.title)
            if not indent:
                lines.append("")
            for p in body:
                wrapped = textwrap.wrap(p, width - (4 if indent else 0), break_on_hyphens=False)
                if indent:
                    lines.append("    " + wrapped[0])
                    lines += wrapped[1:]
                else:
                    lines += [*wrapped, ""]
            lines.append("")
        elif layout == "markdown":
            lines += [f"# {a.title}", ""]
            for p in body:
                words = p.split(" ")
                if len(words) > 6 and draw(st.booleans()):
                    words[2] = f"**{words[2]}**"
                    words[4] = f"[{words[4]}](https://example.org/{i})"
                lines += [" ".join(words), ""]
        elif layout == "separators":
            if i:
                lines += [sep]
            lines += [a.title, *body]
        elif layout == "web":
            lines += [a.title, f"By {a.byline}"]
            y, m, d = a.published.split("-")  # type: ignore[union-attr]
            lines.append(f"Published {int(d)} {MONTHS[int(m) - 1]} {y}")
            lines.append("")
            for j, p in enumerate(body):
                lines += [p, ""]
                if j == 0 and len(body) > 2:
                    lines += ["Advertisement", ""]
    return "\n".join(lines) + "\n"


@st.composite
def layout_dumps(draw, layouts: tuple[str, ...] = LAYOUTS) -> tuple[str, list[GenArticle], str]:
    """(layout, expected articles, dump text)."""
    layout = draw(st.sampled_from(layouts))
    case = (
        "caps"
        if layout == "wire" and draw(st.booleans())
        else draw(st.sampled_from(["sentence", "title"]))
    )
    # Hard wrapping is measured: a dump of two lines shows no wrap width.
    n = draw(st.integers(2 if layout == "wrapped" else 1, 6))
    topics = draw(st.permutations(range(len(TOPICS))))[:n]
    arts = [draw(article(t, layout, case)) for t in topics]
    return layout, arts, render(arts, layout, draw)
