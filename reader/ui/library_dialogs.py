"""What the window says about its library file at start: damaged, or imports left unfinished.

A damaged library used to end the window with a traceback before anything showed. Now a dialog
says what happened in words and lets the reader choose: copy what SQLite can still read into a
new library, start with a new empty one, or quit. The damaged file is never deleted: it is set
aside as ``NAME.damaged-DATE`` (reader.core.recovery) only once the reader chose to go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from reader.core.libfile import LibraryDamaged, LibraryError
from reader.core.recovery import Recovered, recover, set_aside
from reader.core.store import Library

from .plain_text import message_box

log = logging.getLogger(__name__)

RECOVER, START_EMPTY, QUIT = "recover", "empty", "quit"


@dataclass
class Outcome:
    """The library to open (None: quit) and what to tell the reader once the window shows."""

    library: Library | None
    note: str = ""


def damaged_text(path: Path, error: LibraryDamaged) -> str:
    return (
        f"The library {path} is damaged: SQLite cannot read parts of it ({error.detail}).\n\n"
        "Dispatch will not write to it. If you go on, the file is kept, untouched, under a new "
        f"name ({path.name}.damaged-DATE) next to it, and a new library takes its place.\n\n"
        "Recover copies every article SQLite can still read (with sections, read and star "
        "marks) into the new library. Start empty leaves the new library empty (you can still "
        "run “dispatch recover” later). Quit changes nothing."
    )


def ask_damaged(parent: QWidget | None, path: Path, error: LibraryDamaged) -> str:
    """RECOVER, START_EMPTY or QUIT, as the reader chose."""
    box = message_box(
        parent,
        QMessageBox.Icon.Warning,
        "Dispatch: the library is damaged",
        damaged_text(path, error),
        QMessageBox.StandardButton.NoButton,
    )
    box.setObjectName("damagedLibraryDialog")
    choices = {
        box.addButton("Recover articles", QMessageBox.ButtonRole.AcceptRole): RECOVER,
        box.addButton("Start empty", QMessageBox.ButtonRole.DestructiveRole): START_EMPTY,
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole): QUIT,
    }
    box.setDefaultButton(next(iter(choices)))
    box.exec()
    return choices.get(box.clickedButton(), QUIT)  # type: ignore[call-overload]


def open_damaged(parent: QWidget | None, path: Path, error: LibraryDamaged) -> Outcome:
    """Ask, then set the file aside and open a new library (recovering into it if asked)."""
    choice = ask_damaged(parent, path, error)
    if choice == QUIT:
        return Outcome(None)
    try:
        aside = set_aside(path)
        library = Library(path)
    except LibraryError as e:
        _fail(parent, str(e))
        return Outcome(None)
    kept = f"The damaged file is kept as {aside}."
    if choice == START_EMPTY:
        return Outcome(library, f"Started a new, empty library. {kept}")
    try:
        got = _recover_with_progress(parent, aside, library)
    except LibraryError as e:  # nothing readable: the new library stays, empty
        log.warning("recovering %s failed: %s", aside, e)
        return Outcome(library, f"Nothing could be recovered ({e}). {kept}")
    return Outcome(library, f"{got.summary()} from the damaged library. {kept}")


def _recover_with_progress(parent: QWidget | None, aside: Path, library: Library) -> Recovered:
    """recover() with a progress dialog: it reads the whole damaged file (seconds to minutes)."""
    dialog = QProgressDialog("Recovering articles…", "", 0, 0, parent)
    dialog.setObjectName("recoverProgress")
    dialog.setWindowTitle("Dispatch")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(f"Recovering articles… {done:,} of about {total:,}")
        QApplication.processEvents()

    try:
        return recover(aside, library, progress)
    finally:
        dialog.close()


def _fail(parent: QWidget | None, text: str) -> None:
    box = message_box(parent, QMessageBox.Icon.Critical, "Dispatch cannot open the library", text)
    box.exec()
