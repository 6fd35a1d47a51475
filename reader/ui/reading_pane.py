"""The reading pane: one article set as a page to read.

Dump text is untrusted: every piece is escaped (plain_text.escape, which is html.escape) before
it meets markup, and the browser loads nothing (no remote or local resources) and follows no
link by itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPoint
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QPalette,
    QResizeEvent,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QMenu, QTextBrowser

from reader.core.store import FALLBACK_SECTION, MOVED_REASON
from reader.core.views import ArticleRecord

from .article_model import publication_date
from .plain_text import escape

if TYPE_CHECKING:  # their types (and enums: 7M instructions) are made when first used
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextCursor

WORDS_PER_MINUTE = 230
MEASURE_CHARS = 70  # characters a line: the default ("medium") line width
LINE_SPACING = 155  # percent of the font size: the default line spacing
BASE_POINT_SIZE = 13.0
TEXT_STEPS = (-4, 8)  # smallest and largest text-size step
SANS_FAMILIES = (
    "Inter",
    "Source Sans 3",
    "Noto Sans",
    "DejaVu Sans",
    "Liberation Sans",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
)
SERIF_FAMILIES = (
    "Georgia",
    "Charter",
    "Source Serif Pro",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "serif",
)


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


#: The anchor of the header's "Why here?" link: handled by the pane, never opened as a URL.
WHY_HERE = "dispatch:why-here"
NBSP, WORD_JOINER = "\u00a0", "\u2060"
#: Characters after which a line may break; a meta item keeps them joined to what follows
#: (each followed by a word joiner: a table for str.translate, no regular expression to compile
#: at start).
_JOIN_AFTER = {ord(c): c + WORD_JOINER for c in "-\u2010\u2013\u2014/"}


def unbreakable(text: str) -> str:
    """``text`` kept on one line: spaces made non-breaking, no break after a hyphen or slash.

    Qt's rich text ignores ``white-space:nowrap`` on a span, and breaks a file name such as
    "seed-dump.txt" after its hyphen; a word joiner there keeps it whole. (A name longer than
    the line still breaks: the pane wraps anywhere when nothing else fits.)
    """
    return text.replace(" ", NBSP).translate(_JOIN_AFTER)


def meta_items(a: ArticleRecord) -> list[str]:
    """The meta line's items: byline, date, source file, reading time (plain text)."""
    items = [f"By {a.byline}"] if a.byline else []
    if a.published_at:
        items.append(publication_date(a.published_at))
    else:
        items.append(f"added {publication_date(local_day(a.added_at))}")
    if a.source:
        items.append(f"from {a.source}")
    items.append(f"{reading_minutes(a.words)} min read")
    if a.title_derived:
        items.append("headline made from the first sentence")
    return items


def local_day(stamp: str) -> str:
    """The local calendar day of a UTC library stamp ("2026-12-03"), as publication_date reads."""
    try:
        moment = datetime.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d")


def article_html(
    a: ArticleRecord,
    point_size: float,
    muted: str = "#777",
    line_spacing: int = LINE_SPACING,
    show_reason: bool = False,
) -> str:
    """The article as rich text for QTextBrowser (its subset of HTML and CSS).

    The header: the section as a kicker (with "Why here?", which shows the classifier's reasons
    only when asked: ``show_reason``), the headline, the standfirst bullets and one meta line
    that wraps between its items, never inside one.
    """
    e = escape
    small = point_size * 0.8
    kicker = e(a.section)
    if a.starred:
        kicker += " &nbsp;·&nbsp; ★ Starred"
    reason = placement_text(a)
    if reason is not None:
        label = "Hide why" if show_reason else "Why here?"
        kicker += (
            f' &nbsp;·&nbsp; <a href="{WHY_HERE}" style="text-transform:none;'
            f' letter-spacing:0px">{label}</a>'
        )
    parts = [
        f'<p style="margin:0 0 6px 0; font-family:sans-serif; font-size:{small:.1f}pt;'
        f' color:{muted}; text-transform:uppercase; letter-spacing:1px">{kicker}</p>',
    ]
    if show_reason and reason is not None:
        parts.append(
            f'<p style="margin:-2px 0 8px 0; font-family:sans-serif; font-size:{small:.1f}pt;'
            f' color:{muted}; font-style:italic">{e(reason)}</p>'
        )
    parts.append(
        f'<h1 style="font-size:{point_size * 1.75:.1f}pt; font-weight:700; margin:0 0 10px 0;'
        f' line-height:120%">{e(a.title)}</h1>'
    )
    bullets = [b.strip() for b in a.summary.split("\n") if b.strip()]
    if bullets:
        items = "".join(f'<li style="margin-bottom:4px">{e(b)}</li>' for b in bullets)
        parts.append(
            f'<ul style="margin:4px 0 12px 0; font-size:{point_size * 1.08:.1f}pt;'
            f' line-height:140%; font-style:italic">{items}</ul>'
        )
    # Items joined by "NBSP· ": the line breaks only after a separator's dot.
    meta = f"{NBSP}· ".join(e(unbreakable(m)) for m in meta_items(a))
    parts.append(
        f'<p style="margin:0 0 18px 0; font-family:sans-serif; font-size:{small:.1f}pt;'
        f' color:{muted}">{meta}</p>'
    )
    from reader.core.article import text_to_blocks  # when an article opens, not at start

    first = True
    for kind, text in text_to_blocks(a.body):
        if kind == "h":
            parts.append(
                f'<h3 style="font-size:{point_size * 1.15:.1f}pt; font-weight:700;'
                f' margin:18px 0 6px 0">{e(text)}</h3>'
            )
            continue
        dateline = ""
        if first and a.dateline:
            dateline = (
                f'<span style="font-family:sans-serif; font-weight:700;'
                f' font-size:{small:.1f}pt; letter-spacing:1px">{e(a.dateline.upper())}</span>'
                " &nbsp;—&nbsp; "
            )
        first = False
        parts.append(
            f'<p style="margin:0 0 12px 0; line-height:{line_spacing}%">{dateline}{e(text)}</p>'
        )
    if first and a.dateline:  # a body with no paragraph: still show where it came from
        parts.append(f"<p>{e(a.dateline)}</p>")
    return "".join(parts)


def placement_text(a: ArticleRecord) -> str | None:
    """Why the article is in its section, as the reading pane says it."""
    why = (a.section_reason or "").strip()
    if not why:
        return None
    if why == MOVED_REASON:
        return f"Moved to {a.section} by you"
    if why == "chosen when importing":
        return f"Put in {a.section} when imported"
    if why.casefold() == a.section.casefold():  # placed with no telling words
        if why.casefold() == FALLBACK_SECTION.casefold():
            return f"In {a.section}: no section's words stood out"
        return f"Sorted into {a.section} by Dispatch"
    return why[0].upper() + why[1:]


def empty_html(title: str, lines: list[str], point_size: float, muted: str = "#777") -> str:
    e = escape
    body = "".join(f'<p style="margin:0 0 8px 0; color:{muted}">{e(line)}</p>' for line in lines)
    return (
        f'<div style="margin-top:48px"><h2 style="font-size:{point_size * 1.4:.1f}pt;'
        f' font-weight:600">{e(title)}</h2>{body}</div>'
    )


class ReadingPane(QTextBrowser):
    """Shows one article at a comfortable measure (about 70 characters), centred."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.setAccessibleName("Article")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.text_step = 0
        self.article: ArticleRecord | None = None
        #: The header shows why the article is in its section ("Why here?" was clicked).
        self.show_reason = False
        #: Makes the context menu for a point of the viewport (reading_menu.py); None: Qt's own.
        self.menu_builder: Callable[[QPoint], QMenu] | None = None
        #: Where the context menu was opened, in the document (a command may act there).
        self.menu_cursor: QTextCursor | None = None
        self._empty: tuple[str, list[str]] | None = None
        self.measure_chars = MEASURE_CHARS
        self.line_spacing = LINE_SPACING
        font = QFont()
        font.setFamilies(list(SERIF_FAMILIES))
        font.setStyleHint(QFont.StyleHint.Serif)
        self._font = font
        self._apply_font()
        self.anchorClicked.connect(self._on_anchor)

    # Nothing is ever loaded: not remote URLs, not local files, not data.
    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None

    @property
    def point_size(self) -> float:
        return BASE_POINT_SIZE * (1.1**self.text_step)

    def set_text_step(self, step: int) -> None:
        self.text_step = max(TEXT_STEPS[0], min(TEXT_STEPS[1], step))
        self._apply_font()
        self._render()

    def _apply_font(self) -> None:
        self._font.setPointSizeF(self.point_size)
        self.document().setDefaultFont(self._font)

    def set_typography(
        self, families: list[str], serif: bool, measure_chars: int, line_spacing: int
    ) -> None:
        """The body's face (first family found), characters a line and line spacing (%)."""
        self._font.setFamilies(families)
        self._font.setStyleHint(QFont.StyleHint.Serif if serif else QFont.StyleHint.SansSerif)
        self.measure_chars = measure_chars
        self.line_spacing = line_spacing
        self._apply_font()
        self.restyle()

    def restyle(self) -> None:
        """Set the page again in new colours or type (a theme or font chosen), in place."""
        bar = self.verticalScrollBar()
        position = bar.value()
        self._render()
        bar.setValue(position)

    def _on_anchor(self, url: QUrl) -> None:
        """Links are the pane's own ("Why here?"); anything else is ignored, never opened."""
        if url.toString() == WHY_HERE:
            self.toggle_reason()

    def toggle_reason(self) -> None:
        """Show or hide why the open article is in its section, keeping the reader's place."""
        if self.article is None:
            return
        self.show_reason = not self.show_reason
        self.restyle()

    def show_article(self, a: ArticleRecord | None) -> None:
        self.article = a
        self.show_reason = False  # asked for one article, not for every one after it
        self._empty = None
        self._render()
        self.verticalScrollBar().setValue(0)

    def refresh_article(self, a: ArticleRecord) -> None:
        """The same article with new state (its section moved): the reader keeps their place."""
        bar = self.verticalScrollBar()
        position = bar.value()
        self.article = a
        self._empty = None
        self._render()
        bar.setValue(position)

    def show_message(self, title: str, lines: list[str]) -> None:
        self.article = None
        self._empty = (title, lines)
        self._render()

    def _render(self) -> None:
        if self.article is not None:
            self.setHtml(
                article_html(
                    self.article,
                    self.point_size,
                    self._muted(),
                    self.line_spacing,
                    self.show_reason,
                )
            )
            from .accessibility import article_description  # not before the first paint

            self.setAccessibleDescription(article_description(self.article))
        elif self._empty is not None:
            self.setHtml(empty_html(*self._empty, self.point_size, self._muted()))
            self.setAccessibleDescription(self._empty[0])
        else:
            self.clear()
        self._apply_measure()

    def _muted(self) -> str:
        return self.palette().color(QPalette.ColorRole.PlaceholderText).name()

    def _apply_measure(self) -> None:
        """Side margins that leave about :attr:`measure_chars` characters a line, centred."""
        avg = QFontMetricsF(self._font).averageCharWidth()
        measure = avg * self.measure_chars
        width = self.viewport().width()
        side = max(16.0, (width - measure) / 2)
        frame = self.document().rootFrame()
        fmt: QTextFrameFormat = frame.frameFormat()
        if (fmt.leftMargin(), fmt.rightMargin(), fmt.topMargin()) != (side, side, 24.0):
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(24.0)
            fmt.setBottomMargin(48.0)
            frame.setFrameFormat(fmt)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_measure()

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copied text without the word joiners that keep meta items whole on screen (a file
        name copied from the meta line must be the file's name)."""
        found = super().createMimeDataFromSelection()
        data = QMimeData()
        data.setText(found.text().replace(WORD_JOINER, ""))
        if found.hasHtml():
            data.setHtml(found.html().replace(WORD_JOINER, ""))
        return data

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.menu_builder is None:
            super().contextMenuEvent(event)
            return
        pos = event.pos()
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            pos = self.cursorRect().center()  # the Menu key: at the text cursor
        self.menu_cursor = self.cursorForPosition(pos)
        menu = self.menu_builder(pos)
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- paging

    def at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def page_down(self) -> bool:
        """Scroll one page (minus a line of overlap); False when already at the end."""
        if self.at_end():
            return False
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + max(bar.pageStep() - 40, 40))
        return True

    def page_up(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() - max(bar.pageStep() - 40, 40))
