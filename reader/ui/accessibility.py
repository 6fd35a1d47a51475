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

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QRectF, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QAction,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAccessibleWidget,
    QLineEdit,
    QSizeGrip,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from reader.core.views import ArticleRecord

    from .changes import LibraryChange
    from .main_window import MainWindow

#: The status bar's parts (by class: they come from several modules) and their names.
STATUS_PARTS = {
    "ImportStatus": "Import",
    "InterruptedNotice": "Interrupted import",
    "LibraryStatus": "Library",
}
DIRECT = Qt.FindChildOption.FindDirectChildrenOnly

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
    for i in range(splitter.count()):
        after = pane_name(splitter.widget(i)) or "the pane after"
        handle = splitter.handle(i)
        if i == 0:  # Qt keeps a hidden handle before the first pane
            handle.setAccessibleName(f"Resize {after}")
            continue
        before = pane_name(splitter.widget(i - 1)) or "the pane before"
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
        window.statusBar().installEventFilter(self)
        self.name_controls()
        self.outline = ArticleOutline(window.reading_pane)

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
        self._name_status_parts()
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

    def _name_status_parts(self) -> None:
        """The status bar's parts; they come later too (the import's, an interrupted one's)."""
        for child in self.window.statusBar().findChildren(QWidget, options=DIRECT):
            name = STATUS_PARTS.get(type(child).__name__)
            if name and not child.accessibleName():
                child.setAccessibleName(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ChildAdded and watched is self.window.statusBar():
            QTimer.singleShot(0, self._name_status_parts)
        return False

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


# -- roles Qt's widgets cannot take: the reading pane's document and its headings -----------

#: A widget with this dynamic property gets a plain accessible interface with that role.
ROLE_PROPERTY = "dispatchAccessibleRole"
_factory_installed = False


class _RoleInterface(QAccessibleWidget):
    """Qt's interface for a plain widget, with the role given and a window's modality; a link
    (a widget with ``activate()``) can be pressed."""

    def state(self) -> QAccessible.State:
        state = super().state()
        if self.widget().isModal():
            state.modal = True  # QAccessibleWidget leaves it out, even for a modal dialog
        if self.role() == QAccessible.Role.Link:
            state.linked = True
        return state

    def actionNames(self) -> list[str]:
        names = list(super().actionNames())
        if isinstance(self.widget(), _Link):
            names.insert(0, self.pressAction())
        return names

    def doAction(self, name: str) -> None:
        widget = self.widget()
        if isinstance(widget, _Link) and name == self.pressAction():
            widget.activate()
            return
        super().doAction(name)


def _role_factory(_key: str, obj: QObject) -> QAccessibleWidget | None:
    """Qt asks every installed factory first: widgets that carry a role get one with it."""
    if not isinstance(obj, QWidget):
        return None
    role = obj.property(ROLE_PROPERTY)
    if role is None:
        return None
    return _RoleInterface(obj, QAccessible.Role(int(role)))


def give_role(widget: QWidget, role: QAccessible.Role) -> None:
    """Expose ``widget`` with ``role`` (set before its interface is first asked for)."""
    global _factory_installed
    if not _factory_installed:
        QAccessible.installFactory(_role_factory)
        _factory_installed = True
    widget.setProperty(ROLE_PROPERTY, role.value)


class _Heading(QWidget):
    """An invisible stand-in laid over one heading of the page, for screen readers only."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        give_role(self, QAccessible.Role.Heading)


class _Link(QWidget):
    """An invisible stand-in laid over one link of the page; pressing it follows the link."""

    def __init__(self, parent: QWidget, pane: QTextBrowser) -> None:
        super().__init__(parent)
        self.pane = pane
        self.href = ""
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        give_role(self, QAccessible.Role.Link)

    def activate(self) -> None:
        """What a click on the link does: the pane's anchorClicked, with the link's address."""
        if self.href:
            self.pane.anchorClicked.emit(QUrl(self.href))


class ArticleOutline(QObject):
    """The reading pane's page as a document with its headings (headline, cross-heads) and links.

    Qt exposes a QTextBrowser as one block of text. Its viewport is exposed as a document, and
    each heading of the page (h1-h6 in the HTML) gets a stand-in child at its place, named with
    the heading's text and described with its level, so a screen reader can list and reach
    them; each link ("Why here?") gets one that a screen reader can press. The pane keeps Qt's
    own text interface for reading the text itself.
    """

    def __init__(self, pane: QTextBrowser) -> None:
        super().__init__(pane)
        self.pane = pane
        self.viewport = pane.viewport()
        give_role(self.viewport, QAccessible.Role.Document)
        self.viewport.setAccessibleName(pane.accessibleName())
        self.markers: list[_Heading] = []
        self.headings: list[tuple[int, str, QRectF]] = []
        self.link_markers: list[_Link] = []
        #: Each link of the page: its text, address and where it is in the document.
        self.links: list[tuple[str, str, int, int]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.rebuild)
        pane.textChanged.connect(self._timer.start)
        pane.verticalScrollBar().valueChanged.connect(self.place)
        pane.horizontalScrollBar().valueChanged.connect(self.place)
        self.viewport.installEventFilter(self)
        self.rebuild()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport and event.type() == QEvent.Type.Resize:
            self._timer.start()  # the text reflows: the headings move
        return False

    def rebuild(self) -> None:
        """Read the headings of the page now shown; a stand-in for each."""
        document = self.pane.document()
        layout = document.documentLayout()
        headings = []
        block = document.begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level > 0 and block.text().strip():
                headings.append((level, block.text().strip(), layout.blockBoundingRect(block)))
            block = block.next()
        self.headings = headings
        self.links = page_links(document)
        description = self.pane.accessibleDescription()
        self.viewport.setAccessibleDescription(description)
        while len(self.markers) < len(headings):
            self.markers.append(_Heading(self.viewport))
        for i, marker in enumerate(self.markers):
            if i < len(headings):
                level, text, _rect = headings[i]
                if marker.accessibleName() != text:
                    marker.setAccessibleName(text)
                marker.setAccessibleDescription(f"Heading level {level}")
            marker.setVisible(i < len(headings))
        while len(self.link_markers) < len(self.links):
            self.link_markers.append(_Link(self.viewport, self.pane))
        for i, link in enumerate(self.link_markers):
            if i < len(self.links):
                text, link.href, _start, _end = self.links[i]
                if link.accessibleName() != text:
                    link.setAccessibleName(text)
            link.setVisible(i < len(self.links))
        self.place()

    def place(self) -> None:
        """Lay each stand-in over its heading, where the page is scrolled to now."""
        dx = self.pane.horizontalScrollBar().value()
        dy = self.pane.verticalScrollBar().value()
        for marker, (_level, _text, rect) in zip(self.markers, self.headings, strict=False):
            marker.setGeometry(rect.toRect().translated(-dx, -dy))
        for link, (_text, _href, start, end) in zip(self.link_markers, self.links, strict=False):
            first, last = QTextCursor(self.pane.document()), QTextCursor(self.pane.document())
            first.setPosition(start)
            last.setPosition(end)
            a, b = self.pane.cursorRect(first), self.pane.cursorRect(last)
            same_line = a.top() == b.top()
            link.setGeometry(a.united(b) if same_line else a.adjusted(0, 0, 40, 0))


def page_links(document: QTextDocument) -> list[tuple[str, str, int, int]]:
    """Every link of a page: its text, its address, and its start and end in the document."""
    links = []
    block = document.begin()
    while block.isValid():
        for part in block.textFormats():
            fmt = part.format
            if fmt.isAnchor() and fmt.anchorHref():
                start = block.position() + part.start
                text = block.text()[part.start : part.start + part.length].strip()
                if text:
                    links.append((text, fmt.anchorHref(), start, start + part.length))
        block = block.next()
    return links


def article_description(article: ArticleRecord) -> str:
    """The reading pane's description: the headline and the article's state, which the page
    shows only as a star and the list only in bold."""
    state = ("read" if article.read else "unread") + (", starred" if article.starred else "")
    return f"{article.title} ({state})"
