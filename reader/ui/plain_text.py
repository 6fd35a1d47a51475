"""Text from dumps (titles, file names, snippets, section names) reaches Qt as plain text.

Qt guesses: a tooltip, a QLabel or a QMessageBox whose text "might be rich text" (it starts
with something tag-like) is rendered as HTML. A dumped title containing
``<img src="file:///dev/zero">`` then makes the window read /dev/zero until it dies when the
mouse rests on it, and local image files named in a title are opened. Everything that shows
such text goes through here, so the guess never happens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

Button = QMessageBox.StandardButton


def escape(text: str) -> str:
    """``html.escape(text)``: ``&``, ``<``, ``>`` and both quotes as entities.

    Written out because importing :mod:`html` brings :mod:`html.entities`, a 2,000-entry table
    that the window's start (8M instructions, 0.7% of it) built to escape a line of text.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;")


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` as written (escaped into a paragraph, lines kept).

    Always rich text on purpose: then Qt never guesses, and long titles wrap.
    """
    return rich(text) if text else ""


def window_title(text: str) -> str:
    """A window title that shows ``text`` as written: Qt hides a lone ``[*]`` placeholder."""
    return text.replace("[*]", "[*][*]")


def plain_label(label: QLabel, text: str = "") -> QLabel:
    """``label`` set to show plain text only, then given ``text``."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Button = Button.Ok,
    default: Button = Button.NoButton,
) -> QMessageBox:
    """A message box whose text is plain whatever it contains (section, file, article names)."""
    box = QMessageBox(icon, window_title(title), text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def rich(text: str) -> str:
    """``text`` escaped into rich text that shows it as written, lines kept.

    For Qt's static message boxes, which guess the format: given this, they never misread.
    """
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.warning showing ``text`` as written: modal, returns when closed."""
    QMessageBox.warning(parent, window_title(title), rich(text))


def critical(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.critical showing ``text`` as written."""
    QMessageBox.critical(parent, window_title(title), rich(text))


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: Button = Button.Yes | Button.No,
    default: Button = Button.No,
) -> Button:
    """QMessageBox.question showing ``text`` as written; the button pressed."""
    return QMessageBox.question(parent, window_title(title), rich(text), buttons, default)
