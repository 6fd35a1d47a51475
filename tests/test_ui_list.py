"""The reader's list: row content, density, order from the menu and headers, layouts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication

from reader.ui import article_model
from reader.ui import settings as S
from reader.ui.list_delegate import COMFORTABLE, COMPACT
from reader.ui.list_options import COLUMNS, STACKED
from tests.ui_helpers import Spec, add_articles, add_source, make_window, numbered


@pytest.fixture
def window(qtbot, lib, settings_path):
    src = add_source(lib.conn, "wire-07.txt")
    add_articles(
        lib.conn,
        [
            Spec(
                "Harbour pilots strike over night shifts at the container port",
                section="Business",
                body="## Background\n\nPilots walked out at dawn. " + "More words here. " * 40,
                source_id=src,
                hours_ago=0.01,
            ),
            Spec("beta story", section="World", summary=("A summary line.",), hours_ago=30),
            Spec("Alpha story", section="Sport", hours_ago=60, read=1, starred=1),
        ],
    )
    return make_window(qtbot, lib, settings_path)


def _action(window, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def _titles(window) -> list[str]:
    model = window.list_model
    return [model.index(i, 0).data() for i in range(model.rowCount())]


def test_a_comfortable_row_shows_headline_meta_and_snippet(window):
    view = window.article_list
    assert view.density.kind == COMFORTABLE  # the default
    view.delegate.density = view.density.__class__(COMFORTABLE, 2)
    texts = view.delegate.texts(window.list_model, 0, view.font(), 260)
    assert 1 <= len(texts.headline) <= 2
    assert " ".join(texts.headline).startswith("Harbour pilots strike")
    assert texts.meta.startswith("wire-07.txt · Business · Today ")
    assert texts.snippet[0].startswith("Pilots walked out at dawn.")
    assert "Background" not in " ".join(texts.snippet)  # a cross-head is not the snippet
    assert len(texts.snippet) == 2 and texts.snippet[-1].endswith("…")
    # A narrow row cuts the headline after two lines, with "…".
    narrow = view.delegate.texts(window.list_model, 0, view.font(), 90)
    assert len(narrow.headline) == 2 and narrow.headline[-1].endswith("…")
    # No source: the meta line starts at the section; the summary is the snippet.
    second = view.delegate.texts(window.list_model, 1, view.font(), 400)
    assert second.meta == "World · Yesterday" or second.meta.startswith("World · ")
    assert second.snippet == ["A summary line."]
    # A one-line headline leaves its line to the snippet (every row keeps one height).
    wide = view.delegate.texts(window.list_model, 0, view.font(), 2000)
    assert len(wide.headline) == 1
    view.delegate.density = view.density.__class__(COMFORTABLE, 1)
    narrow_one = view.delegate.texts(window.list_model, 0, view.font(), 300)
    wide_one = view.delegate.texts(window.list_model, 0, view.font(), 1200)
    assert len(narrow_one.headline) == 2 and len(narrow_one.snippet) == 1
    assert len(wide_one.headline) == 1 and len(wide_one.snippet) == 2


def test_rows_paint_without_rich_text(window, qtbot):
    add_articles(window.library.conn, [Spec("<b>not bold</b> & <i>raw</i>", hours_ago=0)])
    window.list_model.refresh()
    texts = window.article_list.delegate.texts(
        window.list_model, 0, window.article_list.font(), 600
    )
    assert texts.headline == ["<b>not bold</b> & <i>raw</i>"]
    window.article_list.grab()  # paints every visible row through the delegate


def test_density_switch_changes_rows_headers_and_is_kept(window, qtbot, lib, settings_path):
    window.list_options.set_layout(STACKED)  # a list wide enough for every column
    view = window.article_list
    comfortable_height = view.rowHeight(0)
    assert view.horizontalHeader().isHidden()
    assert all(view.isColumnHidden(c) for c in (1, 2, 3))
    _action(window, "action-snippet-0").trigger()
    assert not window.list_model.details(0).snippet  # rows no longer read their snippet
    assert view.rowHeight(0) < comfortable_height
    comfortable_height = view.rowHeight(0)
    _action(window, "action-density-compact").trigger()
    assert view.density.kind == COMPACT
    assert view.rowHeight(0) < comfortable_height
    assert not view.horizontalHeader().isHidden()
    assert not view.isColumnHidden(article_model.SECTION)
    assert view.model().index(1, article_model.SECTION).data() == "World"
    assert not _action(window, "action-snippet-1").isEnabled()  # compact rows have none
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.article_list.density.kind == COMPACT
    assert again.article_list.density.snippet_lines == 0


def test_sort_by_each_order_from_the_menu(window):
    expected = {
        "title": [
            "Alpha story",
            "beta story",
            "Harbour pilots strike over night shifts at the container port",
        ],
        "date": [
            "Harbour pilots strike over night shifts at the container port",
            "beta story",
            "Alpha story",
        ],
        # Sections in their order (World, Business, Sport); sources in import order, articles
        # of no source first (a group of their own), oldest first within a group going up.
        "section": [
            "beta story",
            "Harbour pilots strike over night shifts at the container port",
            "Alpha story",
        ],
        "source": [
            "Alpha story",
            "beta story",
            "Harbour pilots strike over night shifts at the container port",
        ],
    }
    assert set(article_model.SORT_KEYS) == set(expected)  # every order the core offers
    for key in ("title", "section", "source", "date"):
        _action(window, f"action-sort-{key}").trigger()
        assert window.list_model.sort_order.key == key
        assert _titles(window) == expected[key], key
    _action(window, "action-sort-date").trigger()
    _action(window, "action-descending-false").trigger()
    assert _titles(window)[0] == "Alpha story"  # oldest first
    assert window.settings.get(S.SORT_DESCENDING) is False


def test_every_compact_header_sorts(window, qtbot):
    window.list_options.set_density(COMPACT)
    header = window.article_list.horizontalHeader()
    for column in range(len(article_model.HEADERS)):
        if header.isSectionHidden(column):
            continue
        pos = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        key = window.list_model.sort_order.key
        assert key == article_model.SORT_COLUMNS.get(column, key)
        assert column in article_model.SORT_COLUMNS, f"header {column} looks clickable"
        assert header.sortIndicatorSection() == column


def test_layout_switch_is_kept_across_a_restart(window, qtbot, lib, settings_path):
    assert window.list_options.layout == COLUMNS  # the default: sidebar · list · article
    assert window.list_pane.parent() is window.main_splitter
    assert window.reading_pane.parent() is window.main_splitter
    assert not window.list_splitter.isVisible()
    _action(window, "action-layout-stacked").trigger()
    assert window.list_pane.parent() is window.list_splitter
    assert window.reading_pane.parent() is window.list_splitter
    assert window.list_splitter.isVisible()
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.list_options.layout == STACKED
    assert again.list_pane.parent() is again.list_splitter
    again.list_options.set_layout(COLUMNS)
    assert again.list_pane.parent() is again.main_splitter
    sizes = again.main_splitter.sizes()
    assert len([s for s in sizes if s > 0]) == 3
    again.main_splitter.setSizes([200, 333, sizes[1] + sizes[2] - 333])
    again.close()
    third = make_window(qtbot, lib, settings_path)
    assert third.list_options.layout == COLUMNS
    assert third.main_splitter.sizes()[1] == 333  # the columns' own sizes came back


def test_a_million_row_model_pages_with_details(lib):
    add_articles(lib.conn, numbered(1000))
    model = article_model.ArticleListModel(lib)
    model.open_view(article_model.views.ALL)
    model.set_snippets(True)
    assert model.details(999).snippet == "A paragraph of text."
    assert model.cached_rows() == article_model.PAGE  # only the page of that row was read


def test_preferences_offer_density_snippets_and_layout(window, qtbot):
    from PySide6.QtWidgets import QComboBox

    from reader.ui.preferences import show_preferences

    dialog = show_preferences(window)
    qtbot.addWidget(dialog)
    density = dialog.findChild(QComboBox, "densityChoice")
    snippet = dialog.findChild(QComboBox, "snippetChoice")
    layout = dialog.findChild(QComboBox, "layoutChoice")
    snippet.setCurrentIndex(snippet.findData(2))
    assert window.article_list.density.snippet_lines == 2
    layout.setCurrentIndex(layout.findData(COLUMNS))
    assert window.list_pane.parent() is window.main_splitter
    density.setCurrentIndex(density.findData(COMPACT))
    assert window.article_list.density.kind == COMPACT
    assert not snippet.isEnabled()
    assert window.settings.get(S.LIST_DENSITY) == COMPACT
    assert window.settings.get(S.LAYOUT) == COLUMNS


# --- the context menu ---------------------------------------------------------------------------


def _menu_texts(menu) -> list[str]:
    """Entries as "name<tab>key" (the key is the entry's shortcut, shown, never bound)."""
    out = []
    for a in menu.actions():
        if a.isSeparator():
            continue
        key = a.shortcut().toString()
        out.append(f"{a.text()}\t{key}" if key else a.text())
    return out


def _entry(menu, name: str):
    action = menu.findChild(QAction, name)
    assert action is not None, (name, _menu_texts(menu))
    return action


def _flags(lib, title: str) -> tuple[int, int]:
    return lib.conn.execute(
        "SELECT read, starred FROM articles WHERE title = ?", (title,)
    ).fetchone()


def test_context_menu_lists_commands_with_their_keys(window):
    model = window.list_model
    menu = window.list_menu.build(model.index(1, 0))  # "beta story": unread, not starred
    texts = _menu_texts(menu)
    assert texts[:2] == ["Open", "Read in focus mode\tReturn"]
    assert "Mark as read\tM" in texts and "Star\tS" in texts
    assert "Move to section…\tV" in texts and "Copy headline" in texts
    # A key rebound in Preferences shows the next time the menu opens.
    window.keymap.bind("toggle-read", ["R"])
    assert "Mark as read\tR" in _menu_texts(window.list_menu.build(model.index(1, 0)))
    # A read, starred row offers the opposite markings.
    texts = _menu_texts(window.list_menu.build(model.index(2, 0)))
    assert "Mark as unread\tR" in texts and "Unstar\tS" in texts
    assert window.list_menu.build(model.index(99, 0)) is None  # no row there


def test_context_menu_marks_and_stars_the_clicked_row_without_opening_it(window, lib, qtbot):
    opened = window.current_article_id
    index = window.list_model.index(1, 0)
    _entry(window.list_menu.build(index), "menu-toggle-read").trigger()
    qtbot.waitUntil(lambda: _flags(lib, "beta story") == (1, 0))
    assert window.current_article_id == opened  # never opened, so never marked read by that
    _entry(window.list_menu.build(index), "menu-toggle-star").trigger()
    qtbot.waitUntil(lambda: _flags(lib, "beta story") == (1, 1))
    qtbot.waitUntil(lambda: window.list_model.row_at(1).starred == 1)  # the list follows
    _entry(window.list_menu.build(index), "menu-toggle-read").trigger()  # now "Mark as unread"
    qtbot.waitUntil(lambda: _flags(lib, "beta story") == (0, 1))
    window.run_command("undo")
    qtbot.waitUntil(lambda: _flags(lib, "beta story") == (1, 1))


def test_context_menu_on_a_selection_acts_on_every_selected_row(window, lib, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    model = window.list_model
    selection = window.article_list.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(model.index(0, 0), flags)
    selection.select(model.index(1, 0), flags)
    menu = window.list_menu.build(model.index(1, 0))
    assert "Copy 2 headlines" in _menu_texts(menu)
    assert "Open" not in _menu_texts(menu)
    _entry(menu, "menu-copy-headline").trigger()
    clip = QGuiApplication.clipboard().text()
    assert clip == "Harbour pilots strike over night shifts at the container port\nbeta story"
    _entry(window.list_menu.build(model.index(0, 0)), "menu-toggle-star").trigger()
    qtbot.waitUntil(lambda: _flags(lib, "beta story")[1] == 1)
    assert _flags(lib, "Harbour pilots strike over night shifts at the container port")[1] == 1
    assert _flags(lib, "Alpha story")[1] == 1  # it was starred already, and stays so


def test_context_menu_opens_and_moves_to_a_section(window, lib, qtbot):
    model = window.list_model
    _entry(window.list_menu.build(model.index(2, 0)), "menu-open").trigger()
    assert window.current_article_id == model.article_id(2)
    _entry(window.list_menu.build(model.index(1, 0)), "menu-move-to-section").trigger()
    picker = window.section_actions.picker
    assert picker.isVisible()
    qtbot.keyClicks(picker.edit, "Science")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    section = lib.conn.execute(
        "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id"
        " WHERE a.title = 'beta story'"
    ).fetchone()[0]
    assert section == "Science"
    assert _flags(lib, "Alpha story")[0] == 1  # the open article did not move
    assert (
        lib.conn.execute(
            "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id"
            " WHERE a.title = 'Alpha story'"
        ).fetchone()[0]
        == "Sport"
    )


def test_a_narrow_meta_line_cuts_the_source_first(window):
    from PySide6.QtGui import QFontMetrics

    from reader.ui.list_delegate import meta_line

    metrics = QFontMetrics(window.article_list.font())
    whole = meta_line("wrapped_wire_archive.txt", "Business", "Today 09:26", metrics, 2000)
    assert whole == "wrapped_wire_archive.txt · Business · Today 09:26"
    width = metrics.horizontalAdvance("wrapped_wire · Business · Today 09:26")
    cut = meta_line("wrapped_wire_archive.txt", "Business", "Today 09:26", metrics, width)
    assert cut.endswith("… · Business · Today 09:26") and cut.startswith("wrapped")
    tight = metrics.horizontalAdvance("Business · Today 09:26") + 4
    assert meta_line("wrapped_wire_archive.txt", "Business", "Today 09:26", metrics, tight) == (
        "Business · Today 09:26"
    )
    assert meta_line("", "World", "Yesterday", metrics, 2000) == "World · Yesterday"


def test_a_narrow_compact_list_keeps_room_for_headlines(window, qtbot):
    window.list_options.set_layout(STACKED)
    window.list_options.set_density(COMPACT)
    view = window.article_list

    def shown() -> set[int]:
        return {c for c in range(len(article_model.HEADERS)) if not view.isColumnHidden(c)}

    window.resize(1400, 800)
    qtbot.waitUntil(lambda: view.viewport().width() > 1000)
    assert shown() == {0, 1, 2, 3}
    window.resize(800, 800)
    qtbot.waitUntil(lambda: view.viewport().width() < 700)
    assert shown() == {article_model.TITLE, article_model.SECTION, article_model.ADDED}
    assert view.columnWidth(article_model.TITLE) >= view.viewport().width() * 0.55 - 1
    window.list_options.set_layout("columns")
    qtbot.waitUntil(lambda: view.viewport().width() < 400)
    assert article_model.SOURCE not in shown() and article_model.SECTION not in shown()
    assert view.columnWidth(article_model.TITLE) >= 220 - 1 or shown() == {article_model.TITLE}
    window.list_options.set_density(COMFORTABLE)
    assert shown() == {article_model.TITLE}


# A popup menu asks the platform for the keyboard: the offscreen plugin says it cannot.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_a_right_click_opens_the_menu_without_selecting_or_opening_the_row(window, lib, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    view = window.article_list
    view.setFocus()
    opened = window.current_article_id
    selected = view.selectionModel().selectedRows()
    seen: list[list[str]] = []

    def close_menu() -> None:
        popup = QApplication.activePopupWidget()
        if popup is None:
            QTimer.singleShot(20, close_menu)
            return
        seen.append(_menu_texts(popup))
        assert 1 in view.delegate.menu_rows  # the row the menu is for is framed
        popup.close()

    pos = view.visualRect(window.list_model.index(1, 0)).center()
    # The press of a right click (the platform sends the menu's event beside it).
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=pos)
    QTimer.singleShot(0, close_menu)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Mark as read\tM" in seen[0]
    assert window.current_article_id == opened
    assert view.selectionModel().selectedRows() == selected
    assert _flags(lib, "beta story") == (0, 0)  # asking for the menu did not mark it read
    assert not view.delegate.menu_rows


def test_commands_of_other_parts_run_on_the_clicked_rows(window, monkeypatch):
    """Export and the Trash act on the selection: the menu selects its rows, then runs them."""
    from reader.ui import list_menu

    seen: list[list[int]] = []

    def record() -> None:
        rows = window.article_list.selectionModel().selectedRows()
        seen.append(sorted(i.row() for i in rows))

    monkeypatch.setattr(list_menu, "LATER_COMMANDS", {"test-later": "Do it"})
    texts = _menu_texts(window.list_menu.build(window.list_model.index(2, 0)))
    assert "Do it" not in texts  # not registered: not offered
    window.registry.add("test-later", "Do it to the selection", "Articles", record)
    opened = window.current_article_id
    _entry(window.list_menu.build(window.list_model.index(2, 0)), "menu-test-later").trigger()
    assert seen == [[2]]
    assert window.current_article_id == opened  # selected, not opened


def test_the_menu_moves_rows_to_the_trash_and_restores_them_there(window, lib, qtbot):
    from reader.core.views import View

    assert "delete-articles" in window.registry  # the Trash's commands (ui/trash_actions.py)
    texts = _menu_texts(window.list_menu.build(window.list_model.index(1, 0)))
    assert "Move to the Trash\tDel" in texts

    def trashed(title: str) -> bool:
        row = lib.conn.execute(
            "SELECT deleted_at IS NOT NULL FROM articles WHERE title = ?", (title,)
        ).fetchone()
        return bool(row[0])

    _entry(window.list_menu.build(window.list_model.index(1, 0)), "menu-delete-articles").trigger()
    qtbot.waitUntil(lambda: trashed("beta story"))
    assert not trashed("Alpha story")
    window.open_view(View("trash"))
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 1)
    texts = _menu_texts(window.list_menu.build(window.list_model.index(0, 0)))
    assert "Restore\tR" in texts and "Mark as read\tM" not in texts
    _entry(window.list_menu.build(window.list_model.index(0, 0)), "menu-restore-articles").trigger()
    qtbot.waitUntil(lambda: not trashed("beta story"))


def test_the_menu_exports_the_clicked_row(window, qtbot):
    from reader.ui.export_actions import ExportDialog

    assert "export" in window.registry  # export's commands (ui/export_actions.py)
    menu = window.list_menu.build(window.list_model.index(2, 0))
    assert "Export…\tCtrl+E" in _menu_texts(menu)
    _entry(menu, "menu-export").trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert dialog.source.ids == (window.list_model.article_id(2),)
    dialog.reject()
