"""Window and view state is kept per library file; preferences are the reader's, shared."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from reader.core import views
from reader.core.views import Sort, View
from reader.ui import settings as S
from reader.ui.article_model import SORT_COLUMNS
from tests.ui_helpers import add_articles, make_window, numbered, open_library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def other_lib(tmp_path):
    """A second library file beside the first, with articles of its own."""
    other = open_library(tmp_path / "other" / "library.sqlite3")
    yield other
    other.close()


def test_a_sort_and_view_chosen_in_one_library_stay_in_it(qtbot, lib, other_lib, settings_path):
    add_articles(lib.conn, numbered(4))
    add_articles(lib.conn, numbered(2, section="Science", start_hours=500))
    add_articles(other_lib.conn, numbered(3))
    first = make_window(qtbot, lib, settings_path)
    first.views.set_sort(Sort("title", False))
    science = next(s.id for s in views.sections(lib) if s.name == "Science")
    first.open_view(View("section", science))
    first.resize(640, 480)
    first.close()

    other = make_window(qtbot, other_lib, settings_path)
    assert other.list_model.sort_order == Sort("date", True)
    assert other.current_view == View("all")
    assert other.size().width() != 640
    other.views.set_sort(Sort("date", False))
    other.close()

    again = make_window(qtbot, lib, settings_path)
    assert again.list_model.sort_order == Sort("title", False)
    assert again.current_view == View("section", science)
    assert again.size().width() == 640
    again.close()
    other_again = make_window(qtbot, other_lib, settings_path)
    assert other_again.list_model.sort_order == Sort("date", False)


def test_preferences_are_shared_by_every_library(qtbot, lib, other_lib, settings_path):
    add_articles(lib.conn, numbered(2))
    first = make_window(qtbot, lib, settings_path)
    first.keymap.bind("next-article", ["X"])
    first.run_command("text-bigger")
    first.close()
    other = make_window(qtbot, other_lib, settings_path)
    assert other.keymap.command_for("X") == "next-article"
    assert other.reading_pane.text_step == 1


def test_a_library_is_known_by_its_resolved_path(tmp_path, lib):
    q = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    (tmp_path / "sub").mkdir()
    by_path = S.Settings(q).for_library(lib.path)
    by_detour = S.Settings(q).for_library(tmp_path / "sub" / ".." / lib.path.name)
    by_path.set(S.SORT_KEY, "title")
    assert by_detour.get(S.SORT_KEY) == "title"
    assert S.library_group(lib.path).count("/") == 1  # one group, not one per folder
    assert S.Settings(q).for_library(tmp_path / "else.sqlite3").get(S.SORT_KEY) == "date"


def test_state_from_before_per_library_settings_is_the_starting_point(tmp_path, lib):
    q = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    q.setValue("list/sort", "title")  # written by a Dispatch that kept one state for all
    scoped = S.Settings(q).for_library(lib.path)
    assert scoped.get(S.SORT_KEY) == "title"
    scoped.set(S.SORT_KEY, "date")
    assert q.value("list/sort") == "title"  # left as it was: nothing writes there any more
    assert scoped.get(S.SORT_KEY) == "date"


def test_the_header_sort_is_saved_for_this_library_only(qtbot, lib, other_lib, settings_path):
    add_articles(lib.conn, numbered(3))
    first = make_window(qtbot, lib, settings_path)
    title_column = next(c for c, k in SORT_COLUMNS.items() if k == "title")
    first.article_list.horizontalHeader().sectionClicked.emit(title_column)
    assert first.list_model.sort_order.key == "title"
    q = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert q.value(f"{S.library_group(lib.path)}/list/sort") == "title"
    assert q.value(f"{S.library_group(other_lib.path)}/list/sort") is None
    assert q.value("list/sort") is None
