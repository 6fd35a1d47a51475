"""The article being assembled from units, and the title of an article that has none."""

from __future__ import annotations

import re
from collections import deque

from reader.core.article import Article
from reader.core.furniture import dateline_date, find_dateline
from reader.core.layout import Unit

# An article longer than this is cut, and the rest continues as "(continued)": one 20 MB article
# would freeze any reader. About 50,000 words, longer than any real article.
MAX_ARTICLE_CHARS = 300_000


class Draft:
    __slots__ = (
        "article",
        "body_units",
        "closed",
        "crossheads",
        "lead_unit",
        "paragraph_lines",
        "size",
    )

    def __init__(self, title: str, start: int) -> None:
        self.article = Article(title=title, start=start, end=start)
        self.closed = False  # a trailing headline ended it: the next line starts a new article
        self.paragraph_lines = 0
        self.size = 0
        self.body_units: deque[Unit] = deque(maxlen=3)  # for cohesion: the last paragraphs
        self.lead_unit: Unit | None = None  # the paragraph the dateline was taken from
        self.crossheads = 0

    @property
    def has_body(self) -> bool:
        return bool(self.article.blocks)

    def add_paragraph(self, unit: Unit) -> None:
        a = self.article
        text = unit.text
        # The lead is the first paragraph, or the second after a short one (a byline, a date).
        if a.dateline is None and (
            self.paragraph_lines == 0
            or (self.paragraph_lines == 1 and a.blocks[0][1].count(" ") < 10)
        ):
            found = unit.dateline()
            if found is not None:
                dl, prefix = found
                a.dateline = dl
                a.lead_prefix = prefix
                a.lead_block = len(a.blocks)
                self.lead_unit = unit
                text = text[len(prefix) :]
        a.blocks.append(("p", text))
        self.paragraph_lines += 1
        self.size += len(text)
        self.body_units.append(unit)
        a.end = unit.end

    def add_crosshead(self, unit: Unit) -> None:
        self.crossheads += 1
        self.article.blocks.append(("h", unit.text))
        self.size += len(unit.text)
        self.article.end = unit.end

    def finish(self) -> Article:
        a = self.article
        # A cross-head with nothing after it heads nothing: it is the article's closing line.
        if a.blocks and a.blocks[-1][0] == "h":
            a.blocks[-1] = ("p", a.blocks[-1][1])
        if a.published is None:
            a.published = dateline_date(a.dateline)
        if not a.title:
            derived = derive_title(a)
            if derived:
                a.title = derived
                a.title_derived = True
        return a

    def split_at_last_dateline(self) -> Draft | None:
        """Cut off the tail that starts at the last dateline-led paragraph after the lead.

        Used when a repeated headline shows up after a body: the headline belongs to an article
        whose lead (with its dateline) was taken for a paragraph of the article before it.
        """
        blocks = self.article.blocks
        for i in range(len(blocks) - 1, 0, -1):
            kind, text = blocks[i]
            if kind == "p":
                found = find_dateline(text)
                if found:
                    tail = Draft("", self.article.end)
                    tail.article.blocks = blocks[i:]
                    dl, prefix = found
                    tail.article.dateline = dl
                    tail.article.lead_prefix = prefix
                    tail.article.blocks[0] = ("p", text[len(prefix) :])
                    tail.article.end = self.article.end
                    tail.paragraph_lines = len(tail.article.blocks)
                    del blocks[i:]
                    return tail
        return None


def derive_title(a: Article) -> str:
    """A title for an article the dump gave none: its first sentence, clipped at a word."""
    source = next((t for kind, t in a.blocks if kind == "p"), None) or (
        a.summary[0] if a.summary else ""
    )
    if not source:
        return ""
    m = re.search(r"[.!?…](?:[”’\"')\]]*)\s", source)
    sentence = source[: m.end()].strip() if m else source
    if len(sentence) > 110:
        cut = sentence.rfind(" ", 0, 100)
        sentence = sentence[: cut if cut > 40 else 100].rstrip(" ,;:") + "…"
    return sentence
