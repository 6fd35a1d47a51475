"""Preferences (Ctrl+,): the Appearance, Reading, Keys and Library pages. Every choice applies
at once and is kept.

The dialog holds no state of its own: it reads the window's controllers (theme, typography,
read marking) and calls them, and they write the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from . import read_marking, themes
from .key_preferences import KeysPage
from .library_page import LibraryPage
from .list_options import add_preference_rows
from .reading import AT_END
from .reading_pane import BASE_POINT_SIZE, TEXT_STEPS
from .typography import SANS, SERIF, SPACINGS, WIDTHS

OTHER = "other"


class PreferencesDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("preferences")
        self.setWindowTitle("Preferences")
        tabs = QTabWidget()
        tabs.addTab(self._appearance_page(), "Appearance")
        tabs.addTab(self._reading_page(), "Reading")
        self.keys = KeysPage(window)
        tabs.addTab(self.keys, "Keys")
        self.library = LibraryPage(window)
        tabs.addTab(self.library, "Library")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs
        self.resize(640, 520)  # the Keys page lists every command: room for a dozen rows

    # -- Appearance

    def _appearance_page(self) -> QWidget:
        w = self.window_
        page = QWidget()
        form = QFormLayout(page)

        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for key, label in themes.CHOICES:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(self.theme.findData(w.themes.choice))
        self.theme.currentIndexChanged.connect(
            lambda _i: w.themes.set_choice(self.theme.currentData())
        )
        form.addRow("&Theme:", self.theme)

        self.font_kind = QComboBox()
        self.font_kind.setObjectName("fontChoice")
        self.font_kind.addItem("Serif", SERIF)
        self.font_kind.addItem("Sans serif", SANS)
        self.font_kind.addItem("Another font:", OTHER)
        self.family = QFontComboBox()
        self.family.setObjectName("fontFamily")
        font = w.typography.font
        kind = font if font in (SERIF, SANS) else OTHER
        self.font_kind.setCurrentIndex(self.font_kind.findData(kind))
        if kind == OTHER:
            self.family.setCurrentFont(QFont(font))
        self.family.setEnabled(kind == OTHER)
        self.font_kind.currentIndexChanged.connect(lambda _i: self._font_changed())
        self.family.currentFontChanged.connect(lambda _f: self._font_changed())
        form.addRow("Body &font:", self.font_kind)
        form.addRow("", self.family)

        self.size_choice = QComboBox()
        self.size_choice.setObjectName("sizeChoice")
        for step in range(TEXT_STEPS[0], TEXT_STEPS[1] + 1):
            points = BASE_POINT_SIZE * 1.1**step
            label = f"{round(100 * 1.1**step)}%  ({points:.1f} pt)"
            self.size_choice.addItem(label + ("  default" if step == 0 else ""), step)
        self.size_choice.setCurrentIndex(self.size_choice.findData(w.reading_pane.text_step))
        self.size_choice.currentIndexChanged.connect(self._size_changed)
        form.addRow("Text &size:", self.size_choice)

        self.width_choice = QComboBox()
        self.width_choice.setObjectName("widthChoice")
        for key, (label, chars) in WIDTHS.items():
            self.width_choice.addItem(f"{label} (about {chars} characters)", key)
        self.width_choice.setCurrentIndex(self.width_choice.findData(w.typography.width))
        self.width_choice.currentIndexChanged.connect(
            lambda _i: w.typography.set_width(self.width_choice.currentData())
        )
        form.addRow("Line &width:", self.width_choice)

        self.spacing_choice = QComboBox()
        self.spacing_choice.setObjectName("spacingChoice")
        spacings = dict(SPACINGS)
        spacings.setdefault(w.typography.spacing, "Your own")
        for percent in sorted(spacings):
            self.spacing_choice.addItem(f"{spacings[percent]} ({percent}%)", percent)
        self.spacing_choice.setCurrentIndex(self.spacing_choice.findData(w.typography.spacing))
        self.spacing_choice.currentIndexChanged.connect(
            lambda _i: w.typography.set_spacing(self.spacing_choice.currentData())
        )
        form.addRow("Line s&pacing:", self.spacing_choice)
        add_preference_rows(form, w)  # the article list's rows and the window's layout
        return page

    # -- Reading

    def _reading_page(self) -> QWidget:
        marking = self.window_.read_marking
        page = QWidget()
        form = QFormLayout(page)
        self.mark_read = QComboBox()
        self.mark_read.setObjectName("markReadChoice")
        for key, label in read_marking.MODES.items():
            self.mark_read.addItem(label, key)
        self.mark_read.setCurrentIndex(self.mark_read.findData(marking.mode))
        self.mark_seconds = QSpinBox()
        self.mark_seconds.setObjectName("markReadSeconds")
        self.mark_seconds.setRange(*read_marking.DELAY_RANGE)
        self.mark_seconds.setSuffix(" s")
        self.mark_seconds.setValue(marking.seconds)
        self.mark_seconds.setEnabled(marking.mode == read_marking.AFTER_DELAY)
        self.mark_read.currentIndexChanged.connect(lambda _i: self._mark_read_changed())
        self.mark_seconds.valueChanged.connect(lambda _v: self._mark_read_changed())
        row = QHBoxLayout()
        row.addWidget(self.mark_read, 1)
        row.addWidget(self.mark_seconds)
        opened = QLabel("When an article is &opened:")
        opened.setBuddy(self.mark_read)  # else a row holding a layout shows the "&" as written
        form.addRow(opened, row)
        key = self.window_.key_hint("toggle-read")
        hint = QLabel(f"{key} marks the open article read or unread at any time.")
        hint.setWordWrap(True)
        form.addRow("", hint)

        reading = self.window_.reading
        self.at_end = QComboBox()
        self.at_end.setObjectName("spaceAtEndChoice")
        for choice, label in AT_END.items():
            self.at_end.addItem(label, choice)
        self.at_end.setCurrentIndex(self.at_end.findData(reading.at_end))
        self.at_end.currentIndexChanged.connect(
            lambda _i: reading.set_at_end(self.at_end.currentData())
        )
        page_key = self.window_.key_hint("page-down")
        form.addRow(f"&At the end of an article, {page_key}:", self.at_end)
        return page

    def _mark_read_changed(self) -> None:
        mode = self.mark_read.currentData()
        self.mark_seconds.setEnabled(mode == read_marking.AFTER_DELAY)
        self.window_.read_marking.set_mode(mode, self.mark_seconds.value())

    def _font_changed(self) -> None:
        kind = self.font_kind.currentData()
        self.family.setEnabled(kind == OTHER)
        font = self.family.currentFont().family() if kind == OTHER else kind
        self.window_.typography.set_font(font)

    def _size_changed(self, _index: int) -> None:
        w = self.window_
        step = self.size_choice.currentData()
        if step == 0:
            w.change_text_size(0)  # the default, as Ctrl+0
        elif step != w.reading_pane.text_step:
            w.change_text_size(step - w.reading_pane.text_step)


def show_preferences(window) -> PreferencesDialog:
    """Open (or bring forward) the window's Preferences."""
    dialog = window.findChild(
        PreferencesDialog, "preferences", Qt.FindChildOption.FindDirectChildrenOnly
    )
    if dialog is None:
        dialog = PreferencesDialog(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
