"""The reading pane's type: body font (serif, sans or any family), line width and spacing.

Kept in settings (shared by every library) and applied to the pane at once; the defaults are
the pane's own (a serif face, about 70 characters a line, 155% leading).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from . import settings as S
from .reading_pane import LINE_SPACING, MEASURE_CHARS, SANS_FAMILIES, SERIF_FAMILIES

log = logging.getLogger(__name__)

SERIF, SANS = "serif", "sans"
#: Line widths: key -> (label, characters a line).
WIDTHS: dict[str, tuple[str, int]] = {
    "narrow": ("Narrow", 55),
    "medium": ("Medium", MEASURE_CHARS),
    "wide": ("Wide", 90),
}
#: Line spacings offered (percent of the font size) and their names.
SPACINGS: dict[int, str] = {130: "Tight", LINE_SPACING: "Normal", 180: "Relaxed", 205: "Loose"}
SPACING_RANGE = (100, 250)


def families_for(font: str) -> tuple[list[str], bool]:
    """The families to try for a body font setting, and whether it is a serif face."""
    if font == SANS:
        return list(SANS_FAMILIES), False
    if font == SERIF or not font.strip():
        return list(SERIF_FAMILIES), True
    # A family the reader chose; should it be missing, the serif faces stand in.
    return [font.strip(), *SERIF_FAMILIES], True


class Typography(QObject):
    """Applies the body font, line width and line spacing to the window's reading pane."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        s = window.settings
        self.font = s.get(S.BODY_FONT)
        self.width = s.get(S.LINE_WIDTH)
        if self.width not in WIDTHS:
            log.warning("unknown line width %r in the settings: medium", self.width)
            self.width = "medium"
        self.spacing = _clamp_spacing(s.get(S.LINE_SPACING))
        self.apply()

    def set_font(self, font: str) -> None:
        self.font = font
        self.window.settings.set(S.BODY_FONT, font)
        self.apply()

    def set_width(self, width: str) -> None:
        if width not in WIDTHS:
            raise ValueError(f"unknown line width {width!r}")
        self.width = width
        self.window.settings.set(S.LINE_WIDTH, width)
        self.apply()

    def set_spacing(self, percent: int) -> None:
        self.spacing = _clamp_spacing(percent)
        self.window.settings.set(S.LINE_SPACING, self.spacing)
        self.apply()

    def apply(self) -> None:
        families, serif = families_for(self.font)
        self.window.reading_pane.set_typography(
            families, serif, WIDTHS[self.width][1], self.spacing
        )


def _clamp_spacing(percent: int) -> int:
    low, high = SPACING_RANGE
    return max(low, min(high, int(percent)))
