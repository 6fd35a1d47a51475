"""Themes: every pane follows the chosen colours, body text stays legible (WCAG AA), and
"System" follows the desktop's colour scheme live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.ui import settings as S
from reader.ui import themes
from tests.ui_helpers import add_articles, make_window, numbered

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

AA = 4.5


@pytest.fixture(autouse=True)
def _default_palette(qapp):
    """Each test starts, and leaves, with the application's own palette."""
    yield
    qapp.setPalette(QPalette())


@pytest.mark.parametrize("key", list(themes.THEMES))
def test_text_contrast_meets_wcag_aa_in_every_theme(key):
    t = themes.THEMES[key]
    pairs = {
        "page body": (t.page_text, t.page),
        "list text": (t.text, t.base),
        "sidebar text": (t.text, t.window),
        "list alternate rows": (t.text, t.alternate),
        "muted on the list": (t.muted, t.base),
        "muted on the page": (t.muted, t.page),
        "muted on the window (the picker's hint, dialogs)": (t.muted, t.window),
        "selected row": (t.highlighted_text, t.highlight),
        "link on the page": (t.link, t.page),
    }
    ratios = {name: themes.contrast_ratio(fg, bg) for name, (fg, bg) in pairs.items()}
    low = {name: round(r, 2) for name, r in ratios.items() if r < AA}
    assert low == {}, f"{key}: below {AA}:1: {low}"


@pytest.mark.parametrize("key", list(themes.THEMES))
def test_more_text_and_the_focus_frame_meet_wcag_aa_in_every_theme(key):
    """Text on buttons and alternate rows at 4.5:1; the focused pane's frame and the selected
    row (both the highlight colour) at 3:1 against every background they border (WCAG 1.4.11,
    non-text contrast). "System" is Light or Dark, so these four cover it."""
    t = themes.THEMES[key]
    text = {
        "button text (toolbar, dialogs)": (t.text, t.button),
        "muted on alternate rows": (t.muted, t.alternate),
        "muted on a button": (t.muted, t.button),
        "link on the list": (t.link, t.base),
    }
    frame = {f"focus frame on {name}": (t.highlight, bg) for name, bg in (
        ("the window", t.window), ("the list", t.base), ("alternate rows", t.alternate),
        ("the page", t.page),
    )}  # fmt: skip
    low = {n: round(themes.contrast_ratio(*p), 2) for n, p in text.items()}
    low = {n: r for n, r in low.items() if r < AA}
    low |= {n: round(r, 2) for n, p in frame.items() if (r := themes.contrast_ratio(*p)) < 3.0}
    assert low == {}, f"{key}: too little contrast: {low}"


def test_contrast_ratio_is_wcags():
    assert themes.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert themes.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert themes.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def pixel(widget, x: int | None = None, y: int | None = None) -> str:
    """The colour painted at a point of a widget (its bottom-right corner by default)."""
    image = widget.grab().toImage()
    x = image.width() - 4 if x is None else x
    y = image.height() - 4 if y is None else y
    return image.pixelColor(x, y).name()


def test_switching_theme_changes_the_page_list_and_sidebar(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    window.run_command("next-article")
    assert window.reading_pane.article is not None
    window.themes.set_choice("light")
    seen = {}
    for key in ("light", "dark", "sepia"):
        window.themes.set_choice(key)
        t = themes.THEMES[key]
        page, listing = window.reading_pane.viewport(), window.article_list.viewport()
        seen[key] = (pixel(page), pixel(listing), pixel(window.sidebar.viewport()))
        assert seen[key][0] == t.page
        assert seen[key][1] == t.base
        assert window.article_list.palette().color(QPalette.ColorRole.Text).name() == t.text
        # The page's text is drawn in the theme's colour: its CSS comes from the same table.
        assert t.page_text in window.reading_pane.document().defaultStyleSheet()
    assert len({v for v in seen.values()}) == 3
    assert themes.relative_luminance(seen["dark"][2]) < 0.05  # the sidebar is dark too


@pytest.mark.parametrize("key", ["dark", "sepia"])
def test_a_window_started_in_a_theme_paints_in_it(qtbot, lib, settings_path, key):
    """Started (not switched) in a theme: the panes and the focused list's frame are painted in
    its colours, though the window polishes its style sheet only once, when first shown."""
    add_articles(lib.conn, numbered(3))
    first = make_window(qtbot, lib, settings_path)
    first.themes.set_choice(key)
    first.close()
    window = make_window(qtbot, lib, settings_path)
    window.article_list.setFocus()
    qtbot.waitUntil(window.article_list.hasFocus)
    t = themes.THEMES[key]
    assert pixel(window.article_list.viewport()) == t.base
    assert pixel(window.reading_pane.viewport()) == t.page
    assert themes.relative_luminance(pixel(window.sidebar.viewport())) == pytest.approx(
        themes.relative_luminance(t.base), abs=0.05
    )
    assert window.article_list.palette().color(QPalette.ColorRole.Text).name() == t.text
    assert pixel(window.article_list, 1, 40) == t.highlight  # the focus frame


def test_dialogs_follow_the_theme(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    window.themes.set_choice("dark")
    box = QMessageBox(window)
    qtbot.addWidget(box)
    assert box.palette().color(QPalette.ColorRole.Window).name() == themes.THEMES["dark"].window
    assert QApplication.palette().color(QPalette.ColorRole.Base).name() == "#232428"


def test_the_theme_chosen_survives_a_restart(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    window.themes.set_choice("sepia")
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.themes.choice == "sepia"
    assert pixel(again.reading_pane.viewport()) == themes.THEMES["sepia"].page


def test_system_follows_the_desktop_colour_scheme_live(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    assert window.themes.choice == themes.SYSTEM
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.themes.theme.key == "dark"
    assert pixel(window.reading_pane.viewport()) == themes.THEMES["dark"].page
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert pixel(window.reading_pane.viewport()) == themes.THEMES["light"].page
    window.themes.set_choice("sepia")  # a theme of its own: the desktop no longer decides
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.themes.theme.key == "sepia"


def test_an_unknown_theme_in_the_settings_follows_the_system(qtbot, lib, settings_path):
    q = QSettings(str(settings_path), QSettings.Format.IniFormat)
    q.setValue(S.THEME.key, "neon")
    q.sync()
    window = make_window(qtbot, lib, settings_path)
    assert window.themes.choice == themes.SYSTEM
    with pytest.raises(ValueError):
        window.themes.set_choice("neon")


@pytest.mark.parametrize("key", list(themes.THEMES))
def test_the_section_pickers_hint_is_legible_as_painted(qtbot, lib, settings_path, key):
    """The hint line under the picker's list, as painted: its strongest ink against the card
    reaches 4.5:1 (a disabled label drew it at about 2:1)."""
    add_articles(lib.conn, numbered(2))
    window = make_window(qtbot, lib, settings_path)
    window.themes.set_choice(key)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_J)
    qtbot.keyClick(window.article_list, Qt.Key.Key_V)
    picker = window.section_actions.picker
    qtbot.waitUntil(picker.isVisible)
    hint = picker.hint
    assert "Enter pick" in hint.text()
    image = hint.grab().toImage()
    background = image.pixelColor(0, 0).name()
    assert background == themes.THEMES[key].window
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 1)
        for y in range(image.height())
    }
    strongest = max(themes.contrast_ratio(c, background) for c in colours)
    assert strongest >= AA, f"{key}: the hint reaches only {strongest:.2f}:1"
    window.close()
