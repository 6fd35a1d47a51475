"""Imports that stopped before their end (Dispatch killed, a logout): told at start, resumable.

The store marks such imports interrupted when the library opens
(reader.core.store.reconcile_interrupted). The window says so in its status bar, with an
"Import again" button: importing the same file again resumes the interrupted source row (its
stored articles count as duplicates) instead of adding a second one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QToolButton, QWidget

from reader.core.store import INTERRUPTED, InterruptedImport, Library, interrupted_imports

from .plain_text import plain_label, tooltip

log = logging.getLogger(__name__)


def is_interrupted(status: str, error: str | None) -> bool:
    """A source row whose import stopped before its end (not one the reader cancelled)."""
    return status == "cancelled" and (error or "").startswith(INTERRUPTED)


def notice_text(found: list[InterruptedImport]) -> str:
    names = ", ".join(i.name for i in found[:3]) + (", …" if len(found) > 3 else "")
    what = "An import was" if len(found) == 1 else f"{len(found)} imports were"
    return f"{what} interrupted before the end ({names})."


class InterruptedNotice(QWidget):
    """A status-bar strip: which imports were interrupted, and a button to import them again."""

    def __init__(
        self, found: list[InterruptedImport], import_paths: Callable[[list[Path]], None]
    ) -> None:
        super().__init__()
        self.setObjectName("interruptedNotice")
        self.found = found
        self._import_paths = import_paths
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label(QLabel(), notice_text(found))  # file names: never markup
        self.label.setToolTip(tooltip("\n".join(i.path for i in found)))
        self.again = QToolButton()
        self.again.setObjectName("importAgain")
        self.again.setText("Import again")
        self.again.setAccessibleName("Import the interrupted files again")
        self.again.clicked.connect(self.import_again)
        self.dismiss = QToolButton()
        self.dismiss.setText("×")
        self.dismiss.setAccessibleName("Dismiss")
        self.dismiss.setAutoRaise(True)
        self.dismiss.clicked.connect(self.hide)
        for w in (self.label, self.again, self.dismiss):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignVCenter)

    def import_again(self) -> None:
        """Queue every interrupted file that is still there; say which ones are gone."""
        paths = [Path(i.path) for i in self.found]
        present = [p for p in paths if p.is_file()]
        gone = [p.name for p in paths if not p.is_file()]
        if present:
            self._import_paths(present)
        if gone:
            self.label.setText(f"Not found any more: {', '.join(gone)}")
            self.again.hide()
        else:
            self.hide()


def offer_interrupted(
    window: QMainWindow, lib: Library, import_paths: Callable[[list[Path]], None]
) -> InterruptedNotice | None:
    """Show the notice in ``window``'s status bar when imports were interrupted; else None."""
    try:
        found = interrupted_imports(lib)
    except sqlite3.Error as e:  # an old or damaged library: nothing to offer, nothing breaks
        log.warning("interrupted imports not listed: %s", e)
        return None
    if not found:
        return None
    notice = InterruptedNotice(found, import_paths)
    window.statusBar().addWidget(notice, 1)
    return notice
