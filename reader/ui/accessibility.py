"""What a screen reader gets beyond each widget's own interface: spoken feedback and names.

Qt exposes every widget through the platform's accessibility interface (AT-SPI on Linux). What
it cannot know is added here, for one window:

* feedback that the window shows only in the status bar (a marking, an undo, a text size) is
  also announced (:func:`announce`): screen readers do not read the status bar by themselves;
* switching views (Shift+J/K) announces the view and its counts, and gives the list a current
  row, so that the reader hears where they are and the list has something to read;
* controls Qt leaves nameless (clear buttons, splitter handles, the size grip, the toolbar's
  overflow button, the table's corner button, the pane containers) get names.

tests/test_a11y_atspi.py reads all of it back through AT-SPI, as Orca does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QLineEdit,
    QSizeGrip,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from .changes import LibraryChange
    from .main_window import MainWindow

#: The action Qt's line edits use for their clear button (QLineEdit::setClearButtonEnabled).
CLEAR_ACTION = "_q_qlineeditclearaction"


def announce(source: QObject, text: str, assertive: bool = False) -> None:
    """Have the screen reader say ``text`` (an AT-SPI "announcement" from ``source``).

    Polite by default: it waits for what is being said to finish.
    """
    if not text or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(source, text)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


class ClearButtonNamer(QObject):
    """Names a line edit's clear button, now and whenever Qt makes it (it does so lazily)."""

    def __init__(self, edit: QLineEdit, name: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.name = name
        edit.installEventFilter(self)
        self.apply()

    def apply(self) -> None:
        action = self.edit.findChild(QAction, CLEAR_ACTION)
        if action is not None and action.text() != self.name:
            action.setText(self.name)
            action.setToolTip(self.name)
        for button in self.edit.findChildren(QToolButton):
            if not button.accessibleName():
                button.setAccessibleName(self.name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self.apply)  # the button is not built yet when it is added
        return False


def pane_name(widget: QWidget | None) -> str:
    return widget.accessibleName() if widget is not None else ""


def name_splitter_handles(splitter: QSplitter) -> None:
    """Each handle says which panes it resizes ("Resize Sections and Articles")."""
    for i in range(1, splitter.count()):
        before = pane_name(splitter.widget(i - 1)) or "the pane before"
        after = pane_name(splitter.widget(i)) or "the pane after"
        handle = splitter.handle(i)
        handle.setAccessibleName(f"Resize {before} and {after}")
        handle.setAccessibleDescription("Drag to resize the panes")


def name_toolbar_extension(toolbar: QToolBar) -> None:
    """The » button a narrow toolbar shows for the buttons that do not fit."""
    for button in toolbar.findChildren(QToolButton, "qt_toolbar_ext_button"):
        button.setAccessibleName("More toolbar buttons")


def name_corner_button(table: QTableView, name: str) -> None:
    """The table's top-left corner button (it selects every row)."""
    for button in table.findChildren(QAbstractButton):
        corner = button.parent() is table and type(button).__name__ != "QPushButton"
        if corner and not button.accessibleName():
            button.setAccessibleName(name)


def cell_child_index(table: QTableView, row: int, column: int) -> int:
    """The child number Qt's accessible table gives a cell: a corner, the column headers, then
    each row as its (hidden) row header and its cells."""
    model = table.model()
    columns = model.columnCount() if model is not None else 0
    return (row + 1) * (columns + 1) + column + 1


class WindowAccessibility(QObject):
    """Announcements and names for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.statusBar().messageChanged.connect(self._on_status_message)
        window.view_opened.connect(self._on_view_opened)
        window.startup_finished.connect(self.name_controls)
        window.changed.connect(self._on_changed)
        self._namers: list[ClearButtonNamer] = []
        self.name_controls()

    # -- names -----------------------------------------------------------------------------

    def name_controls(self) -> None:
        """Name what Qt leaves nameless; again after the first paint (search, the picker)."""
        w = self.window
        w.list_pane.setAccessibleName("Article list")
        w.search_bar.setAccessibleName("Search bar")
        w.main_splitter.setAccessibleName("Sidebar and articles")
        w.list_splitter.setAccessibleName("Article list and reading pane")
        name_splitter_handles(w.main_splitter)
        name_splitter_handles(w.list_splitter)
        w.statusBar().setAccessibleName("Status")
        for grip in w.statusBar().findChildren(QSizeGrip):
            grip.setAccessibleName("Resize the window")
        for toolbar in w.findChildren(QToolBar):
            name_toolbar_extension(toolbar)
        name_corner_button(w.article_list, "Select every article")
        self._name_clear_button(w.search_bar.field, "Clear the search")
        if w.started or w._section_actions is not None:
            picker = w.section_actions.picker
            self._name_clear_button(picker.edit, "Clear the section name")
            picker.list.setAccessibleName("Matching sections")
        if w._search is not None:
            name_corner_button(w._search.results, "Select every result")

    def _name_clear_button(self, edit: QLineEdit, name: str) -> None:
        if not any(n.edit is edit for n in self._namers):
            self._namers.append(ClearButtonNamer(edit, name))

    # -- spoken feedback -------------------------------------------------------------------

    def _on_status_message(self, text: str) -> None:
        """What the status bar says (marked read, starred, undone…) is said aloud too."""
        if text:
            announce(self.window.statusBar(), text)

    def _on_changed(self, change: LibraryChange) -> None:
        """A marking renames the rows it changed ("…, unread, starred"): tell the reader's tool,
        for the row being read (the others are re-read when reached)."""
        w = self.window
        if change.marking is None or w.current_article_id is None:
            return
        if change.article_ids is not None and w.current_article_id not in change.article_ids:
            return
        table = w.shown_list()
        row = table.currentIndex().row()
        if row < 0 or not isinstance(table, QTableView):
            return
        event = QAccessibleEvent(table, QAccessible.Event.NameChanged)
        event.setChild(cell_child_index(table, row, 0))
        QAccessible.updateAccessibility(event)

    def _on_view_opened(self, _key: str) -> None:
        """Say which view opened, and give the list a current row (unselected: nothing opens)."""
        w = self.window
        view = w.current_view
        listed = w.article_list
        model = w.list_model
        if model.rowCount() and not listed.currentIndex().isValid():
            listed.selectionModel().setCurrentIndex(
                model.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        name = w.sidebar_model.name_of(view)
        counts = w.status_label.text() if w.pane_updates.counts_loaded else ""
        announce(listed, f"{name}: {counts}" if counts else name)
