"""Themes: one table of colours, from which the palette (list, sidebar, dialogs) and the reading
pane's CSS are both made, so the panes can never disagree.

"System" is no colour set of its own: it is Light or Dark as the desktop's colour scheme says
(QStyleHints.colorScheme), and follows it live (colorSchemeChanged). Every theme's text meets
WCAG AA (a contrast of 4.5:1) against its backgrounds, and the focus frame (the highlight) 3:1
against what it is drawn on (WCAG 1.4.11): tests/test_ui_themes.py checks.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from . import settings as S

log = logging.getLogger(__name__)

SYSTEM = "system"


class Theme(NamedTuple):
    """A theme's colours (hex), each named for what it paints.

    A named tuple, not a frozen dataclass: making that class ran six generated functions
    through the compiler at every start (6.5M instructions, half a percent of it).
    """

    key: str
    label: str
    window: str  # window, sidebar and dialog backgrounds
    base: str  # the list and text fields
    alternate: str  # every other row
    text: str  # body text everywhere but the page
    muted: str  # secondary text: meta lines, hints, placeholders
    button: str
    highlight: str  # the selected row
    highlighted_text: str
    link: str
    page: str  # the reading pane's background
    page_text: str  # the reading pane's body text
    dark: bool


THEMES: dict[str, Theme] = {
    t.key: t
    for t in (
        Theme(
            "light", "Light",
            window="#f2f2f2", base="#ffffff", alternate="#f5f5f5", text="#1c1c1c",
            muted="#5c5c5c", button="#e8e8e8", highlight="#2a62c9", highlighted_text="#ffffff",
            link="#1a56b0", page="#ffffff", page_text="#1f1f1f", dark=False,
        ),
        Theme(
            "dark", "Dark",
            window="#1f2023", base="#232428", alternate="#292a2f", text="#e3e3e3",
            muted="#a3a3a3", button="#2e2f34", highlight="#4074c6", highlighted_text="#ffffff",
            link="#8ab4f8", page="#1b1c1f", page_text="#dedede", dark=True,
        ),
        Theme(
            "sepia", "Sepia",
            window="#ebe1cc", base="#f8f1e3", alternate="#f1e8d5", text="#3a2e22",
            muted="#6a5843", button="#e3d8c0", highlight="#8f5523", highlighted_text="#ffffff",
            link="#7a4512", page="#f8f1e3", page_text="#3a2e22", dark=False,
        ),
    )
}  # fmt: skip
#: What Preferences offers, in order.
CHOICES: tuple[tuple[str, str], ...] = (
    (SYSTEM, "System"),
    *((t.key, t.label) for t in THEMES.values()),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21 (AA asks 4.5 for body text)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def system_is_dark(scheme: Qt.ColorScheme | None = None) -> bool:
    """Whether the desktop asks for dark colours (an unknown scheme counts as light)."""
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    return scheme == Qt.ColorScheme.Dark


def resolve(choice: str, scheme: Qt.ColorScheme | None = None) -> Theme:
    """The colours a choice stands for now ("system": Light or Dark as the desktop says)."""
    if choice == SYSTEM or choice not in THEMES:
        return THEMES["dark" if system_is_dark(scheme) else "light"]
    return THEMES[choice]


def palette(theme: Theme) -> QPalette:
    """The Qt palette of a theme: every widget and dialog paints from it."""
    p = QPalette()
    R = QPalette.ColorRole
    roles = {
        R.Window: theme.window,
        R.WindowText: theme.text,
        R.Base: theme.base,
        R.AlternateBase: theme.alternate,
        R.Text: theme.text,
        R.PlaceholderText: theme.muted,
        R.Button: theme.button,
        R.ButtonText: theme.text,
        R.ToolTipBase: theme.base,
        R.ToolTipText: theme.text,
        R.Highlight: theme.highlight,
        R.HighlightedText: theme.highlighted_text,
        R.Link: theme.link,
        R.LinkVisited: theme.link,
        R.BrightText: theme.highlighted_text,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    disabled = QColor(theme.muted)
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    # Qt's style draws frames and separators from these: derived from the window colour.
    window = QColor(theme.window)
    p.setColor(R.Light, window.lighter(130))
    p.setColor(R.Midlight, window.lighter(115))
    p.setColor(R.Mid, window.darker(130) if not theme.dark else window.lighter(160))
    p.setColor(R.Dark, window.darker(160) if not theme.dark else window.lighter(200))
    p.setColor(R.Shadow, QColor("#000000"))
    return p


def page_style(theme: Theme) -> str:
    """The reading pane's own style sheet: the page colours.

    A style sheet, not a palette: the window has a style sheet (the focus frame), and a palette
    set on a child is overwritten when the application palette changes and it is polished again.
    """
    return f"#readingPane {{ background-color: {theme.page}; color: {theme.page_text}; }}"


def page_css(theme: Theme) -> str:
    """The reading pane document's default style sheet: the same table's colours."""
    return f"body {{ color: {theme.page_text}; }} a {{ color: {theme.link}; }}"


class ThemeController(QObject):
    """Applies the chosen theme to the application and the window's reading pane; follows the
    desktop's colour scheme while the choice is "system"."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.choice = window.settings.get(S.THEME)
        if self.choice != SYSTEM and self.choice not in THEMES:
            log.warning("unknown theme %r in the settings: following the system", self.choice)
            self.choice = SYSTEM
        self.theme = resolve(self.choice)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)
        self.apply()

    def set_choice(self, choice: str) -> None:
        """Use a theme from now on (and at the next start)."""
        if choice != SYSTEM and choice not in THEMES:
            raise ValueError(f"unknown theme {choice!r}")
        self.choice = choice
        self.window.settings.set(S.THEME, choice)
        self.theme = resolve(choice)
        self.apply()

    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice == SYSTEM:
            self.theme = resolve(SYSTEM, scheme)
            self.apply()

    def apply(self) -> None:
        theme = self.theme
        colours = palette(theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setPalette(colours)  # every dialog, now and later
        window = self.window
        # The application palette reaches open widgets through posted events, and a widget a
        # style sheet matched (the focus frames) keeps the palette it was polished with: set
        # the window's now, and polish again, so the list and sidebar change at once. A window
        # not shown yet has polished nothing: its first show polishes with this palette (polishing
        # twice was 35M instructions, 3% of a start).
        if window.isVisible():
            window.setStyleSheet(window.styleSheet())
        window.setPalette(colours)
        pane = window.reading_pane
        pane.setStyleSheet(page_style(theme))
        pane.document().setDefaultStyleSheet(page_css(theme))
        pane.restyle()
