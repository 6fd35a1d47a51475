"""The window's import works at a lower priority than the window's thread (Linux): its worker
thread, and with it the threads and the parsing process the pipeline starts."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading

import pytest
from PySide6.QtCore import Qt

from reader.core.article import Article
from reader.core.importing import PROCESS_PARSE_BYTES
from reader.ui.import_worker import ImportJob, ImportWorker
from reader.ui.thread_priority import NICE
from tests.test_importing import _generated, many_articles

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice")


class _Niceness:
    """A classifier that files each article under the nice value of whoever classifies it (it is
    pickled into the parsing process for a big dump)."""

    def __call__(self, article: Article) -> tuple[str, str]:
        return "World", f"nice {os.getpriority(os.PRIO_PROCESS, threading.get_native_id())}"


def _folder(path):
    path.mkdir()
    return path


def _import_in_a_thread(tmp_path, dump) -> set[str]:
    worker = ImportWorker(tmp_path / "lib.sqlite3", classify=lambda lib: _Niceness())
    results = []
    # On the worker's thread, as it emits (no event loop runs here).
    worker.file_finished.connect(results.append, Qt.ConnectionType.DirectConnection)
    thread = threading.Thread(target=worker.run, args=(ImportJob(dump), threading.Event()))
    thread.start()
    thread.join(120)
    assert results and results[0].status == "done", results and results[0].error
    conn = sqlite3.connect(tmp_path / "lib.sqlite3")
    try:
        return {r[0] for r in conn.execute("SELECT DISTINCT section_reason FROM articles")}
    finally:
        conn.close()


def test_the_window_imports_at_a_lower_priority_than_its_thread(tmp_path, qapp):
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    # Parsed on a thread and classified by the worker.
    small = many_articles(tmp_path / "small.txt", 60)
    assert _import_in_a_thread(_folder(tmp_path / "a"), small) == {f"nice {max(mine, NICE)}"}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # only its own


def test_a_big_dumps_parsing_process_inherits_it(tmp_path, qapp):
    dump = _generated(tmp_path, PROCESS_PARSE_BYTES / 1e6 + 0.5, seed=31)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert _import_in_a_thread(_folder(tmp_path / "b"), dump) == {f"nice {max(mine, NICE)}"}
