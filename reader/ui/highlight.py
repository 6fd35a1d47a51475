"""Search matches in the reading pane: found in one pass, painted with a cap, kept per article.

Opening a 3 MB article with 38,000 matches used to freeze the window for 86 s: every match
was compared with every other (quadratic), all of them became extra selections, and all of it
ran again on every re-render (a text-size change). Here one combined pattern scans the pane's
plain text once (longest words first, so overlaps never arise), at most :data:`PAINT_CAP`
matches are painted at a time (those on screen), and the spans are cached by query and text,
so a re-render of the same article costs a dictionary look-up.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from reader.core.snippets import MARK_CLOSE, MARK_OPEN, Highlighted

#: Up to this many matches are all painted; above it, only those on screen (and the current one),
#: followed as the reader scrolls: painting a match makes Qt lay the text out up to it.
PAINT_CAP = 500
_CACHE_SIZE = 8
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

Span = tuple[int, int]


def matched_words(hl: Highlighted) -> list[str]:
    """The distinct stretches of text the search matched in an article (longest first)."""
    found: dict[str, None] = {}
    for text in (hl.title, hl.summary, hl.body):
        start = 0
        while True:
            i = text.find(MARK_OPEN, start)
            if i < 0:
                break
            j = text.find(MARK_CLOSE, i)
            if j < 0:
                break
            word = text[i + len(MARK_OPEN) : j].strip()
            if word:
                found.setdefault(word.casefold(), None)
            start = j + len(MARK_CLOSE)
    return sorted(found, key=len, reverse=True)


def word_pattern(words: list[str]) -> re.Pattern[str] | None:
    """One pattern for all words, whole words only, case-insensitive, longest alternative first.

    A word boundary is what Qt's FindWholeWords uses: no letter or digit on either side.
    """
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(re.escape(w) for w in alternatives)
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE)


def find_spans(text: str, words: list[str]) -> list[Span]:
    """Start and end of every match in ``text``, in document positions (UTF-16 units), sorted.

    Linear in the text: the regex engine scans once and never returns overlapping matches.
    """
    pattern = word_pattern(words)
    if pattern is None:
        return []
    spans = [m.span() for m in pattern.finditer(text)]
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if astral:  # a character outside the BMP is two positions in a QTextDocument
        spans = [
            (s + bisect_right(astral, s - 1), e + bisect_right(astral, e - 1)) for s, e in spans
        ]
    return spans


class SpanCache:
    """The spans of the last few (words, text) pairs: a re-render finds the same text."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[tuple[str, ...], int, int], list[Span]] = OrderedDict()
        self.misses = 0

    def spans(self, text: str, words: list[str]) -> list[Span]:
        key = (tuple(words), len(text), hash(text))
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        self.misses += 1
        found = find_spans(text, words)
        self._items[key] = found
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return found


class MatchHighlighter:
    """Highlights matches in a QTextEdit/QTextBrowser and moves between them (n of m)."""

    def __init__(self, editor: QTextEdit, cap: int = PAINT_CAP) -> None:
        self.editor = editor
        self.cap = cap
        self.spans: list[Span] = []
        self.current = -1
        self.words: list[str] = []
        self.cache = SpanCache()
        self._starts: list[int] = []
        # Many matches: only those on screen are painted, again shortly after each scroll.
        self._follow = QTimer(editor)
        self._follow.setSingleShot(True)
        self._follow.setInterval(30)
        self._follow.timeout.connect(self._paint)
        editor.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        # The pane re-renders (text size, another article): find the words again in the new text.
        editor.textChanged.connect(self._on_text_changed)

    def _on_text_changed(self) -> None:
        if self.words:
            current = self.current
            self.set_words(self.words)
            if 0 <= current < len(self.spans):
                self.current = current
                self._paint()

    def _on_scrolled(self) -> None:
        if self.capped:
            self._follow.start()

    def set_words(self, words: list[str]) -> int:
        """Mark every whole-word occurrence of ``words`` (case-insensitive); returns the count."""
        self.words = list(words)
        text = self.editor.document().toPlainText()
        self.spans = self.cache.spans(text, self.words) if self.words else []
        self._starts = [s for s, _e in self.spans]
        self.current = -1
        self._paint()
        return len(self.spans)

    def set_highlighted(self, hl: Highlighted | None) -> int:
        return self.set_words(matched_words(hl) if hl is not None else [])

    def clear(self) -> None:
        self.words = []
        self.spans = []
        self._starts = []
        self.current = -1
        self._paint()

    @property
    def count(self) -> int:
        return len(self.spans)

    @property
    def capped(self) -> bool:
        """More matches than are painted at once."""
        return len(self.spans) > self.cap

    def next(self) -> int:
        """Go to the next match (wrapping); returns its index, -1 when there is none."""
        return self._go(+1)

    def previous(self) -> int:
        return self._go(-1)

    def _cursor(self, i: int) -> QTextCursor:
        start, end = self.spans[i]
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _go(self, step: int) -> int:
        if not self.spans:
            return -1
        if self.current < 0:
            self.current = 0 if step > 0 else len(self.spans) - 1
        else:
            self.current = (self.current + step) % len(self.spans)
        self.editor.setTextCursor(self._cursor(self.current))
        self.centre_cursor()
        self._paint()
        return self.current

    def centre_cursor(self) -> None:
        """Scroll so that the current match sits in the middle of the page, not at its edge
        (as far as the text allows: a match on the last lines stays low)."""
        editor = self.editor
        rect = editor.cursorRect()  # in viewport coordinates, at the scroll position now
        bar = editor.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - editor.viewport().height() // 2)

    def painted(self) -> list[int]:
        """The matches painted now: all of them, or those on screen and the current one."""
        n = len(self.spans)
        if n <= self.cap:
            return list(range(n))
        viewport = self.editor.viewport()
        top = self.editor.cursorForPosition(QPoint(0, 0)).position()
        bottom = self.editor.cursorForPosition(QPoint(viewport.width(), viewport.height()))
        first = max(0, bisect_left(self._starts, top) - 1)
        last = min(bisect_right(self._starts, bottom.position()) + 1, first + self.cap)
        shown = list(range(first, last))
        if self.current >= 0 and not first <= self.current < last:
            shown.append(self.current)
        return shown

    def _paint(self) -> None:
        base = QTextCharFormat()
        base.setBackground(QColor(255, 230, 120))
        base.setForeground(QColor(20, 20, 20))
        here = QTextCharFormat()
        here.setBackground(QColor(255, 150, 40))
        here.setForeground(QColor(0, 0, 0))
        selections = []
        for i in self.painted():
            sel = QTextEdit.ExtraSelection()
            sel.cursor = self._cursor(i)
            sel.format = here if i == self.current else base
            selections.append(sel)
        self.editor.setExtraSelections(selections)

    def found_text(self, keys: str) -> str:
        """What the status bar says when an article opens with matches."""
        n = len(self.spans)
        lazily = ", highlighted on screen as you scroll" if self.capped else ""
        return f"{n:,} match{'es' if n != 1 else ''} here{lazily} — {keys} to go to the next"

    def status(self) -> str:
        n = len(self.spans)
        if not n:
            return "No matches in this article"
        note = " (highlighted on screen as you scroll)" if self.capped else ""
        if self.current < 0:
            return f"{n:,} match{'es' if n != 1 else ''}{note}"
        return f"Match {self.current + 1:,} of {n:,}{note}"
