"""The real main window on a real library file, driven with keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView, QTextBrowser, QTreeView

from reader.core import views
from reader.core.views import UNREAD, View
from reader.ui.changes import LibraryChange
from reader.ui.main_window import MainWindow
from tests.ui_helpers import Spec, add_articles, add_source, make_window, numbered

# The offscreen platform plugin says this whenever a main window is shown; it is about the
# plugin, not the window (under X11 it is not printed).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def press(qtbot, window: MainWindow, key, modifier=Qt.KeyboardModifier.NoModifier, text=None):
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def shown_title(window: MainWindow) -> str | None:
    a = window.reading_pane.article
    return a.title if a else None


def is_read(lib, title: str) -> bool:
    return (
        lib.conn.execute("SELECT read FROM articles WHERE title = ?", (title,)).fetchone()[0] == 1
    )


@pytest.fixture
def window(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(30, section="World"))
    add_articles(lib.conn, numbered(3, section="Sport", start_hours=200))
    # Sport's titles collide with World's; rename them to tell them apart.
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET title = 'Match ' || id WHERE section_id = (SELECT id FROM sections"
            " WHERE name = 'Sport')"
        )
    return make_window(qtbot, lib, settings_path)


def test_object_names_and_widget_kinds(window):
    assert isinstance(window.findChild(QTreeView, "sectionSidebar"), QTreeView)
    assert isinstance(window.findChild(QTableView, "articleList"), QTableView)
    assert isinstance(window.findChild(QTextBrowser, "readingPane"), QTextBrowser)
    for w in (window.sidebar, window.article_list, window.reading_pane):
        assert w.accessibleName()
    for name, action in window.menus.actions.items():
        assert action.text() and action.toolTip(), name
    assert "All articles" in window.windowTitle() and "Dispatch" in window.windowTitle()
    assert "33 unread" in window.windowTitle()


def test_j_k_open_and_mark_read(qtbot, window, lib):
    press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Story 0"
    assert is_read(lib, "Story 0")
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Story 2"
    press(qtbot, window, Qt.Key.Key_K)
    assert shown_title(window) == "Story 1"
    assert window.counts.get(UNREAD) == 30
    assert "30 unread" in window.windowTitle()
    world = next(s.id for s in views.sections(lib) if s.name == "World")
    assert window.counts.get(View("section", world)) == 27


def test_n_skips_read_and_crosses_to_next_view(qtbot, window, lib):
    sport = next(s.id for s in views.sections(lib) if s.name == "Sport")
    world = next(s.id for s in views.sections(lib) if s.name == "World")
    with lib.conn:
        lib.conn.execute(
            "UPDATE articles SET read = 1 WHERE section_id = ? AND title != 'Story 29'", (world,)
        )
    window.publish(LibraryChange.everything())
    window.open_view(View("section", world))
    press(qtbot, window, Qt.Key.Key_N)
    assert shown_title(window) == "Story 29"
    # Nothing unread left in World: n goes on to Sport.
    press(qtbot, window, Qt.Key.Key_N)
    assert window.current_view == View("section", sport)
    assert shown_title(window).startswith("Match")
    assert window.sidebar.currentIndex().data() == "Sport"
    first_match = window.current_article_id
    press(qtbot, window, Qt.Key.Key_N)
    assert window.current_article_id != first_match
    press(qtbot, window, Qt.Key.Key_P)  # previous unread: there is none (all read now)
    assert window.current_view == View("section", sport)
    assert "No earlier unread" in window.statusBar().currentMessage()


def test_space_pages_then_goes_to_next_unread(qtbot, lib, settings_path):
    long_body = "\n\n".join(f"Paragraph {i} " + "words " * 80 for i in range(40))
    add_articles(
        lib.conn,
        [Spec("Long one", body=long_body, hours_ago=1), Spec("Short next", hours_ago=2)],
    )
    window = make_window(qtbot, lib, settings_path)
    press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Long one"
    bar = window.reading_pane.verticalScrollBar()
    assert bar.maximum() > 0
    press(qtbot, window, Qt.Key.Key_Space)
    assert bar.value() > 0
    press(qtbot, window, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == 0
    for _ in range(200):
        if shown_title(window) != "Long one":
            break
        press(qtbot, window, Qt.Key.Key_Space)
    assert shown_title(window) == "Short next"


def test_m_s_undo_and_mark_view_read(qtbot, window, lib):
    press(qtbot, window, Qt.Key.Key_J)
    assert is_read(lib, "Story 0")
    press(qtbot, window, Qt.Key.Key_M)
    assert not is_read(lib, "Story 0")
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert is_read(lib, "Story 0")
    press(qtbot, window, Qt.Key.Key_S)
    starred = lib.conn.execute("SELECT starred FROM articles WHERE title='Story 0'").fetchone()[0]
    assert starred == 1
    index = window.list_model.index(0, 0)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.conn.execute("SELECT starred FROM articles WHERE title='Story 0'").fetchone()[0] == 0

    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert lib.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0] == 0
    assert window.counts.get(UNREAD) == 0
    assert window.list_model.index(5, 0).data(Qt.ItemDataRole.FontRole) is None  # not bold
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0] == 32
    assert window.counts.get(UNREAD) == 32
    assert window.list_model.index(5, 0).data(Qt.ItemDataRole.FontRole).bold()


def test_unread_view_keeps_read_rows_until_reopened(qtbot, window):
    window.open_view(UNREAD)
    assert window.list_model.rowCount() == 33
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert window.list_model.rowCount() == 33
    assert shown_title(window) == "Story 1"
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)  # next view: Starred
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier)  # back to Unread
    assert window.current_view == UNREAD
    assert window.list_model.rowCount() == 31


def test_alt_left_right_history(qtbot, window):
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Story 2"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert shown_title(window) == "Story 1"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert shown_title(window) == "Story 0"
    assert window.article_list.currentIndex().row() == 0
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert shown_title(window) == "Story 1"
    # History crosses views: back to an article that is not in the open view.
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)  # Unread
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)  # Starred (empty)
    assert window.list_model.rowCount() == 0
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert shown_title(window) == "Story 0"


def test_focus_moves_between_panes_and_shows_it(qtbot, window):
    window.article_list.setFocus()
    qtbot.waitUntil(lambda: window.focused_pane() is window.article_list)
    press(qtbot, window, Qt.Key.Key_Tab)
    assert window.focused_pane() is window.reading_pane
    press(qtbot, window, Qt.Key.Key_Tab)
    assert window.focused_pane() is window.sidebar
    press(qtbot, window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert window.focused_pane() is window.reading_pane
    press(qtbot, window, Qt.Key.Key_H)
    assert window.focused_pane() is window.article_list
    press(qtbot, window, Qt.Key.Key_L)
    assert window.focused_pane() is window.reading_pane
    # The focused pane is framed: its border colour differs from an unfocused pane's.
    img = window.reading_pane.grab().toImage()
    other = window.sidebar.grab().toImage()
    assert img.pixelColor(0, img.height() // 2) != other.pixelColor(0, other.height() // 2)


def test_enter_focus_mode_and_escape(qtbot, window):
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.focus_mode
    assert not window.sidebar.isVisible() and not window.article_list.isVisible()
    assert window.reading_pane.isVisible()
    press(qtbot, window, Qt.Key.Key_J)  # keys still work in focus mode
    assert shown_title(window) == "Story 1"
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.focus_mode
    assert window.sidebar.isVisible() and window.article_list.isVisible()


def test_shift_j_k_move_through_views(qtbot, window):
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    assert window.current_view == UNREAD
    assert "Unread" in window.windowTitle()
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    assert window.current_view.kind == "section"
    assert window.sidebar.currentIndex().data() == "World"
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier)
    assert window.current_view == View("today")


def test_text_size_and_help_overlay(qtbot, window):
    size = window.reading_pane.point_size
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.point_size > size
    press(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.point_size < size
    press(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.point_size == size

    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier
    )
    assert window.help_overlay.isVisible()
    text = window.help_overlay.html()
    for group in ("Articles", "Marking", "Views", "Panes", "Reading", "History", "Application"):
        assert group in text
    assert "Undo the last marking" in text and "Ctrl+Z" in text
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.help_overlay.isVisible()


def test_import_command_calls_replaceable_handler(qtbot, window):
    calls = []
    window.set_import_handler(lambda: calls.append(1))
    press(qtbot, window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert calls == [1]


def test_user_key_overrides_are_data_and_persist(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(3))
    window = make_window(qtbot, lib, settings_path)
    window.keymap.bind("next-article", ["X"])
    press(qtbot, window, Qt.Key.Key_X)
    assert shown_title(window) == "Story 0"
    press(qtbot, window, Qt.Key.Key_J)  # no longer bound
    assert shown_title(window) == "Story 0"
    window.close()
    again = make_window(qtbot, lib, settings_path)
    assert again.keymap.command_for("X") == "next-article"


def test_state_restored_at_next_start(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(10))
    add_articles(lib.conn, numbered(2, section="Science", start_hours=500))
    window = make_window(qtbot, lib, settings_path)
    science = next(s.id for s in views.sections(lib) if s.name == "Science")
    window.open_view(View("section", science))
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    chosen = window.current_article_id
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    # (The offscreen screen is 800 x 600: restoreGeometry keeps windows on the screen.)
    window.resize(700, 500)
    window.main_splitter.setSizes([250, 450])
    sizes = window.main_splitter.sizes()
    window.close()

    again = make_window(qtbot, lib, settings_path)
    assert again.current_view == View("section", science)
    assert again.current_article_id == chosen
    assert again.article_list.currentIndex().row() == 1
    assert again.reading_pane.text_step == 1
    assert again.main_splitter.sizes() == sizes
    assert again.size().width() == 700


def test_first_start_opens_all_articles(qtbot, lib, settings_path):
    add_articles(lib.conn, numbered(2))
    window = make_window(qtbot, lib, settings_path)
    assert window.current_view == View("all")
    assert window.sidebar.currentIndex().data() == "All articles"


def test_empty_library_shows_how_to_import(qtbot, lib, settings_path):
    window = make_window(qtbot, lib, settings_path)
    label = window.article_list.empty_label
    assert label.isVisible()
    assert "Ctrl+O" in label.text() and "empty" in label.text()
    assert window.reading_pane.article is None
    assert "Ctrl+O" in window.reading_pane.toPlainText()
    press(qtbot, window, Qt.Key.Key_J)  # nothing to move to, nothing breaks
    press(qtbot, window, Qt.Key.Key_N)
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)


def test_library_changed_keeps_selection_and_shows_new_articles(qtbot, window, lib):
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Story 1"
    src = add_source(lib.conn, "evening.txt", new_count=2)
    add_articles(
        lib.conn,
        [
            Spec("Breaking one", hours_ago=0.1, source_id=src),
            Spec("Breaking two", section="Health", hours_ago=0.2, source_id=src),
        ],
    )
    unread_before = window.counts.get(UNREAD)
    window.publish(LibraryChange.everything())
    assert window.list_model.rowCount() == 35
    assert window.list_model.index(0, 0).data() == "Breaking one"
    row = window.article_list.currentIndex().row()
    assert window.list_model.index(row, 0).data() == "Story 1"
    assert shown_title(window) == "Story 1"
    assert window.counts.get(UNREAD) == unread_before + 2
    assert window.sidebar_model.item_for(View("source", src)) is not None


def test_reading_pane_escapes_untrusted_text_and_loads_nothing(qtbot, lib, settings_path):
    add_articles(
        lib.conn,
        [
            Spec(
                "<b>Bold</b> & <img src='http://example.com/x.png'>",
                dateline="<script>",
                summary=("first <i>bullet</i>", "second"),
                body="Para <a href='http://example.com'>link</a>\n\n## Cross <head>\n\nLast words.",
            )
        ],
    )
    window = make_window(qtbot, lib, settings_path)
    press(qtbot, window, Qt.Key.Key_J)
    text = window.reading_pane.toPlainText()
    assert "<b>Bold</b> & <img src='http://example.com/x.png'>" in text
    assert "<a href='http://example.com'>link</a>" in text
    assert "Cross <head>" in text and "first <i>bullet</i>" in text
    assert "min read" in text
    html = window.reading_pane.toHtml()
    assert "<img" not in html.replace("&lt;img", "")
    assert window.reading_pane.loadResource(2, "http://example.com/x.png") is None
    assert not window.reading_pane.openLinks()
    assert not window.reading_pane.openExternalLinks()


def test_sort_by_title_from_header(qtbot, window):
    window.list_options.set_density("compact")  # the table with headers
    header = window.article_list.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.viewport().rect().topLeft()
        + header.rect().center().__class__(header.sectionViewportPosition(0) + 5, 5),
    )
    titles = [window.list_model.index(i, 0).data() for i in range(5)]
    assert titles == sorted(titles, key=str.casefold)
    assert window.list_model.sort_order.key == "title"


WINDOW_DUMP = """Lighthouse keepers return to the northern cape

- A volunteer crew will staff the tower each summer
- The lamp was automated forty years ago
HAVRE: A crew of six volunteers will live in the lighthouse on the cape from June, the first
keepers there since the lamp was automated.
They will guide visitors and log the weather twice a day.
Orchard growers try frost fans before the spring bloom

- Twelve farms share the cost of the machines
LLEIDA: Fruit growers in the valley have installed tall fans that stir warmer air down onto
the trees on frosty nights.
The growers will compare their harvests with farms that use sprinklers.
"""


def test_import_through_the_pipeline_shows_up_live(qtbot, window, lib, tmp_path):
    """New articles from a real import appear with their counts, selection kept."""
    from reader.core.importing import import_file

    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert shown_title(window) == "Story 1"
    top_before = window.article_list.rowAt(0)
    dump = tmp_path / "evening.txt"
    dump.write_text(WINDOW_DUMP, encoding="utf-8")
    result = import_file(lib, dump, section="Science")
    assert result.status == "done" and result.new == 2
    science = next(s.id for s in views.sections(lib) if s.name == "Science")
    unread_before = window.counts.get(UNREAD)

    window.publish(LibraryChange.of_import({science}))

    assert window.counts.get(UNREAD) == unread_before + 2
    assert window.counts.get(View("section", science)) == 2
    assert window.sidebar_model.item_for(View("source", result.source_id)) is not None
    assert window.list_model.rowCount() == 35
    titles = {window.list_model.index(i, 0).data() for i in range(2)}
    assert titles == {
        "Lighthouse keepers return to the northern cape",
        "Orchard growers try frost fans before the spring bloom",
    }
    row = window.article_list.currentIndex().row()
    assert window.list_model.index(row, 0).data() == "Story 1"
    assert shown_title(window) == "Story 1"
    assert window.article_list.rowAt(0) == top_before + 2 or top_before == -1
    # The new articles read like any other: n goes to the next unread one.
    window.open_view(View("section", science))
    press(qtbot, window, Qt.Key.Key_N)
    assert shown_title(window) in titles
    assert "Science" in window.windowTitle() and "1 unread" in window.windowTitle()


def test_window_module_leaves_the_heavy_parts_for_after_the_first_paint():
    """Importing the window (what a start needs before painting) skips what can wait."""
    import subprocess
    import sys

    deferred = (
        "qtawesome sqlite_utils platformdirs _strptime hashlib reader.core.search "
        "reader.core.query reader.core.section_ops reader.ui.search_engine reader.ui.search_wiring "
        "reader.ui.section_actions reader.ui.importer reader.core.importing reader.core.placement"
    )
    code = (
        "import sys; import reader.ui.app, reader.ui.main_window; "
        f"print(' '.join(m for m in {deferred.split()!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == []


def test_search_and_section_commands_come_after_the_first_paint(qtbot, lib, settings_path):
    from PySide6.QtCore import QSettings

    from reader.ui.settings import Settings

    add_articles(lib.conn, numbered(3))
    window = MainWindow(lib, Settings(QSettings(str(settings_path), QSettings.Format.IniFormat)))
    qtbot.addWidget(window)
    assert window._search is None and window._section_actions is None
    assert window.search_bar.isVisibleTo(window)  # the field is there from the start
    assert [a for a in window.menus["Sections"].actions() if not a.isSeparator()] == []
    with qtbot.waitSignal(window.startup_finished):
        window.show()
    assert window._search is not None and window._section_actions is not None
    file_menu = [a.text().split("\t")[0] or "-" for a in window.menus["File"].actions()]
    assert file_menu == [
        "Import news dumps…",
        "Import news dumps with a layout…",
        "Import news dumps into a section…",
        "-",
        "Show the import log",
        "Cancel the running import",
        "-",
        "Import the selected file again",
        "Remove the selected file and its articles…",
        "Clear failed and cancelled imports from the sidebar…",
        "-",
        "Open another library…",
        "-",
        "Export articles…",
        "Export as PDF…",
        "Print…",
        "-",
        "Quit Dispatch",
    ]
    sections_menu = [a.objectName() or "-" for a in window.menus["Sections"].actions()]
    assert sections_menu[-2:] == ["-", "action-resort-all"] and len(sections_menu) == 8
    assert window.menus["Search"].actions()[0].objectName() == "action-search"
    toolbar = [a.objectName() for a in window.menus.toolbar.actions()]
    assert toolbar == ["toolbar-import", "toolbar-mark-view-read", "toolbar-search", "toolbar-help"]


def test_a_search_key_before_the_first_paint_builds_search(qtbot, lib, settings_path):
    from PySide6.QtCore import QSettings

    from reader.ui.settings import Settings

    window = MainWindow(lib, Settings(QSettings(str(settings_path), QSettings.Format.IniFormat)))
    qtbot.addWidget(window)
    assert window._search is None
    window.run_command("toggle-search-scope")
    assert window._search is not None and window.search_bar.whole_library
