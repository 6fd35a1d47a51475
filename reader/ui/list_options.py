"""The list's options: row density and snippets, the order, and the window's layout.

Density and snippet lines are the reader's preferences (every library); the layout — the list
above the article, or three columns side by side as in NetNewsWire — and the order are kept for
each library file. All are offered in the View menu and (density, snippet, layout) in
Preferences → Appearance, and apply at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QMenu, QSplitter

from reader.core.views import Sort

from . import settings as S
from .article_model import SORT_KEYS
from .list_delegate import COMFORTABLE, COMPACT, DENSITIES, SNIPPET_CHOICES, Density

if TYPE_CHECKING:
    # The View menu's groups and Preferences' form come after the first paint: naming their
    # types (and their enums) before it would cost the start 3M instructions.
    from PySide6.QtGui import QActionGroup
    from PySide6.QtWidgets import QFormLayout

    from .main_window import MainWindow

STACKED = "stacked"
COLUMNS = "columns"
LAYOUTS = (
    (COLUMNS, "Three columns (sidebar · list · article)"),
    (STACKED, "List above the article"),
)
SORT_NAMES = {"date": "Date", "title": "Title", "section": "Section", "source": "Source"}


def order_names(key: str) -> tuple[str, str]:
    """How the two directions of an order read: (descending, ascending)."""
    if key == "date":
        return ("Newest first", "Oldest first")
    if key == "title":
        return ("Z to A", "A to Z")
    return ("Descending", "Ascending")  # groups in their order, by date within each


class ListOptions:
    """Density, snippets, order and layout of one window's list."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        s = window.settings
        kind = s.get(S.LIST_DENSITY)
        lines = s.get(S.LIST_SNIPPET_LINES)
        self.density = Density(
            kind if kind in (COMPACT, COMFORTABLE) else COMFORTABLE,
            lines if lines in (0, 1, 2) else 1,
        )
        layout = s.get(S.LAYOUT)
        self.layout = layout if layout in (COLUMNS, STACKED) else STACKED
        window.article_list.set_density(self.density)
        self._actions: dict[tuple[str, object], QAction] = {}

    def build_menus(self) -> None:
        """View → Sort by, List rows and Layout: built after the first paint (later_parts.py),
        after the View menu's own entries."""
        if not self._actions:
            self._build_menus(self.window.menus["View"])

    # -- density and snippets

    def set_density(self, kind: str | None = None, snippet_lines: int | None = None) -> None:
        d = Density(
            kind if kind is not None else self.density.kind,
            snippet_lines if snippet_lines is not None else self.density.snippet_lines,
        )
        self.density = d
        self.window.article_list.set_density(d)
        self.window.settings.set(S.LIST_DENSITY, d.kind)
        self.window.settings.set(S.LIST_SNIPPET_LINES, d.snippet_lines)
        self._check()
        self._keep_current_visible()

    def _keep_current_visible(self) -> None:
        current = self.window.article_list.currentIndex()
        if current.isValid():
            self.window.article_list.scrollTo(current)

    # -- layout

    def restore_splitters(self) -> None:
        """Lay the panes out as kept for this library, with their kept sizes."""
        self._arrange(self.layout)
        w = self.window
        s = w.settings
        kept = (
            ((S.MAIN_SPLITTER, w.main_splitter), (S.LIST_SPLITTER, w.list_splitter))
            if self.layout == STACKED
            else ((S.COLUMNS_SPLITTER, w.main_splitter),)
        )
        for setting, splitter in kept:
            state = s.get(setting)
            if not state.isEmpty():
                splitter.restoreState(state)

    def save_splitters(self) -> None:
        w = self.window
        if self.layout == STACKED:
            w.settings.set(S.MAIN_SPLITTER, w.main_splitter.saveState())
            w.settings.set(S.LIST_SPLITTER, w.list_splitter.saveState())
        else:
            w.settings.set(S.COLUMNS_SPLITTER, w.main_splitter.saveState())

    def set_layout(self, layout: str) -> None:
        if layout not in (COLUMNS, STACKED) or layout == self.layout:
            return
        if not self.window.focus_mode:
            self.save_splitters()  # the sizes of the layout being left, for its return
        self.layout = layout
        self.window.settings.set(S.LAYOUT, layout)
        self.restore_splitters()
        self._check()
        self._keep_current_visible()

    def _arrange(self, layout: str) -> None:
        w = self.window
        main: QSplitter = w.main_splitter
        total = max(main.width(), w.width() - 20, 600)
        side = min(230, max(170, total // 6))
        if layout == COLUMNS:
            main.insertWidget(1, w.list_pane)
            main.insertWidget(2, w.reading_pane)
            w.list_splitter.hide()
            rest = total - side
            listing = max(240, rest // 3)
            main.setSizes([side, listing, rest - listing])
            for i, stretch in enumerate((0, 0, 1)):
                main.setStretchFactor(i, stretch)
        else:
            w.list_splitter.insertWidget(0, w.list_pane)
            w.list_splitter.insertWidget(1, w.reading_pane)
            main.insertWidget(1, w.list_splitter)
            w.list_splitter.show()
            main.setSizes([side, total - side])
            main.setStretchFactor(0, 0)
            main.setStretchFactor(1, 1)
            height = max(w.list_splitter.height(), 400)
            w.list_splitter.setSizes([height // 2, height - height // 2])

    # -- the order

    def set_sort_key(self, key: str) -> None:
        sort = self.window.list_model.sort_order
        for known in SORT_KEYS:
            if known == key and known != sort.key:
                self.window.views.set_sort(Sort(known, known == "date"))

    def set_descending(self, descending: bool) -> None:
        sort = self.window.list_model.sort_order
        if descending != sort.descending:
            self.window.views.set_sort(Sort(sort.key, descending))

    # -- the View menu

    def _build_menus(self, view_menu: QMenu) -> None:
        from PySide6.QtGui import QActionGroup

        view_menu.addSeparator()
        sort_menu = view_menu.addMenu("Sort &by")
        sort_menu.setObjectName("menuSortBy")
        group = QActionGroup(sort_menu)
        for key in SORT_KEYS:
            self._radio(
                sort_menu,
                group,
                "sort",
                key,
                SORT_NAMES.get(key, key.title()),
                lambda k=key: self.set_sort_key(k),
            )
        sort_menu.addSeparator()
        group = QActionGroup(sort_menu)
        for descending in (True, False):
            self._radio(
                sort_menu,
                group,
                "descending",
                descending,
                "",
                lambda d=descending: self.set_descending(d),
            )
        sort_menu.aboutToShow.connect(self._check)

        rows = view_menu.addMenu("List &rows")
        rows.setObjectName("menuListRows")
        group = QActionGroup(rows)
        for kind, label in DENSITIES:
            self._radio(rows, group, "density", kind, label, lambda k=kind: self.set_density(k))
        rows.addSeparator()
        group = QActionGroup(rows)
        for lines, label in SNIPPET_CHOICES:
            self._radio(
                rows,
                group,
                "snippet",
                lines,
                label,
                lambda n=lines: self.set_density(snippet_lines=n),
            )
        rows.aboutToShow.connect(self._check)

        layouts = view_menu.addMenu("&Layout")
        layouts.setObjectName("menuLayout")
        group = QActionGroup(layouts)
        for layout, label in LAYOUTS:
            self._radio(
                layouts, group, "layout", layout, label, lambda name=layout: self.set_layout(name)
            )
        self._check()

    def _radio(
        self, menu: QMenu, group: QActionGroup, kind: str, value: object, label: str, run
    ) -> None:
        action = menu.addAction(label)
        action.setObjectName(f"action-{kind}-{value}".lower())
        action.setCheckable(True)
        group.addAction(action)
        action.triggered.connect(lambda _checked=False: run())
        self._actions[(kind, value)] = action

    def _check(self) -> None:
        """Tick what is in force (the order may have changed from a header click)."""
        if not self._actions:
            return  # the menus are not built yet: they tick what is in force when they are
        sort = self.window.list_model.sort_order
        down, up = order_names(sort.key)
        self._actions[("descending", True)].setText(down)
        self._actions[("descending", False)].setText(up)
        comfortable = self.density.comfortable
        for (kind, value), action in self._actions.items():
            current = {
                "sort": sort.key,
                "descending": sort.descending,
                "density": self.density.kind,
                "snippet": self.density.snippet_lines,
                "layout": self.layout,
            }[kind]
            action.setChecked(value == current)
            if kind == "snippet":
                action.setEnabled(comfortable)


def add_preference_rows(form: QFormLayout, window: MainWindow) -> None:
    """The list's rows in Preferences → Appearance: they call the window's list options."""
    options = window.list_options

    def combo(name: str, choices, current, apply) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for value, label in choices:
            box.addItem(label, value)
        box.setCurrentIndex(box.findData(current))
        box.currentIndexChanged.connect(lambda _i: apply(box.currentData()))
        return box

    density = combo("densityChoice", DENSITIES, options.density.kind, options.set_density)
    snippet = combo(
        "snippetChoice",
        SNIPPET_CHOICES,
        options.density.snippet_lines,
        lambda n: options.set_density(snippet_lines=n),
    )
    snippet.setEnabled(options.density.comfortable)
    density.currentIndexChanged.connect(
        lambda _i: snippet.setEnabled(density.currentData() == COMFORTABLE)
    )
    layout = combo("layoutChoice", LAYOUTS, options.layout, options.set_layout)
    form.addRow("List &rows:", density)
    form.addRow("S&nippets:", snippet)
    form.addRow("La&yout:", layout)
