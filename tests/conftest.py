"""Shared test configuration: Qt runs offscreen; the real sample dump is offered when present."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"
# Beside the checkout (/work/main -> /work/shared), or beside a worktree's folder (/work/wt/x).
SAMPLES = next(
    (
        p / "shared" / "samples"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "samples").is_dir()
    ),
    Path(__file__).resolve().parents[1].parent / "shared" / "samples",
)


@pytest.fixture(autouse=True, scope="session")
def _log_folder(tmp_path_factory):
    """The log file (reader.logs) goes to a folder of the session's, here and in the processes
    the tests start, never to the user's log folder."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
        yield


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def seed_dump() -> Path:
    path = SAMPLES / "seed-dump.txt"
    if not path.exists():
        pytest.skip("../shared/samples is not present")
    return path


@pytest.fixture
def lib(tmp_path):
    """An empty library file of its own, through the store (schema, migrations, PRAGMAs)."""
    from tests.ui_helpers import open_library

    lib = open_library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def settings_path(tmp_path):
    """Where a test window keeps its QSettings (an INI file in the test's folder)."""
    return tmp_path / "settings.ini"


@pytest.fixture(autouse=True)
def _clipboard_emptied():
    """Empty the clipboard after each test: mime data a QTextBrowser copied and left on the
    offscreen platform's clipboard crashed the interpreter at exit (SIGSEGV after the summary),
    so a green suite exited 139."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
