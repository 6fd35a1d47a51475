"""File → Print… and File → Export as PDF…: the selected articles (or the open one) through
Qt's print support, one article a page.

The document is the export's HTML (reader.core.export_formats: every character of the dump
escaped, so nothing in it is markup) laid out by a QTextDocument in the reading pane's font.
Printing lays out every page at once on the window's thread, so it takes at most
:data:`MAX_PRINT` articles; more are exported (File → Export…) instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from reader.core.export import articles
from reader.core.export_formats import html_fragment
from reader.core.store import Library

from .commands import CommandError
from .selection import selected_ids

if TYPE_CHECKING:
    from .main_window import MainWindow

MAX_PRINT = 300
# QTextDocument knows page-break-before, not <article> or CSS selectors like article + article.
_STYLE = """
h1 { font-size: 18pt; margin-bottom: 4pt; }
h2 { font-size: 13pt; margin-top: 12pt; }
p { margin-bottom: 6pt; }
.meta { color: #555555; font-size: 9pt; }
.summary { font-style: italic; }
.dateline { font-weight: bold; }
"""


def print_document(lib: Library, ids: list[int]) -> QTextDocument:
    """The articles ``ids`` as one document, each from a new page."""
    parts = []
    for n, a in enumerate(articles(lib, ids)):
        fragment = b"".join(html_fragment(a, a.body)).decode()
        if n:
            fragment = fragment.replace("<h1>", '<h1 style="page-break-before: always">', 1)
        parts.append(fragment)
    document = QTextDocument()
    document.setDefaultStyleSheet(_STYLE)
    document.setHtml("<html><body>" + "".join(parts) + "</body></html>")
    return document


def _ids_to_print(window: MainWindow) -> list[int]:
    ids = selected_ids(window)
    if ids is None or (ids and len(ids) > MAX_PRINT):
        raise CommandError(
            f"Print at most {MAX_PRINT:,} articles at once; File → Export… writes any number"
        )
    if not ids:
        raise CommandError("Select the articles to print, or open one")
    return ids


def _font(window: MainWindow, document: QTextDocument) -> None:
    document.setDefaultFont(window.reading_pane.font())


def print_articles(window: MainWindow) -> None:
    """Print… : the printer chosen in the system's dialog."""
    ids = _ids_to_print(window)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, window)
    dialog.setWindowTitle("Print articles")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    document = print_document(window.library, ids)
    _font(window, document)
    document.print_(printer)
    window.statusBar().showMessage(_sent(len(ids)), 5000)


def export_pdf(window: MainWindow, target: Path | None = None) -> Path | None:
    """Export as PDF… : a file chosen in a dialog (``target`` skips the dialog)."""
    ids = _ids_to_print(window)
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(
            window, "Export as PDF", str(Path.home() / "Dispatch.pdf"), "PDF (*.pdf)"
        )
        if not chosen:
            return None
        target = Path(chosen)
    document = print_document(window.library, ids)
    _font(window, document)
    write_pdf(document, target)
    window.statusBar().showMessage(f"Saved {len(ids):,} article(s) as {target}", 8000)
    return target


def write_pdf(document: QTextDocument, target: Path) -> None:
    """The document as a PDF file, on the system's default paper (A4 or Letter, by locale)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setOutputFileName(str(target))
    document.print_(printer)
    if not target.is_file() or target.stat().st_size == 0:
        raise CommandError(f"Could not write {target}")


def _sent(n: int) -> str:
    return f"Sent {n:,} article{'s' if n != 1 else ''} to the printer"
