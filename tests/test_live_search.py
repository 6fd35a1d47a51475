"""Open search results and saved-search counts follow an import's new articles, searched off
the window's thread (a real import worker, a real search thread, a real library file)."""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtCore import QTimer

from reader.core.saved_search_ops import save_search
from reader.ui import search_wiring
from reader.ui.importer import ImportController
from tests.ui_helpers import Spec, add_articles, make_window


def _dump(n: int) -> str:
    """n short stories about lighthouses, each its own headline."""
    places = ("TROMSØ", "BODØ", "ÅLESUND", "HAMMERFEST")
    out = []
    for i in range(n):
        out.append(
            f"Lighthouse number {i} on the northern cape gets new keepers\n"
            f"- The light {i} was automated decades ago\n"
            f"{places[i % 4]}: Two keepers moved back into lighthouse {i} this week, the first"
            " to live there in more than thirty years.\n"
            "They will guide visitors through the summer season.\n"
        )
    return "".join(out)


@pytest.fixture
def window(qtbot, lib, settings_path, monkeypatch):
    monkeypatch.setattr(search_wiring, "REFRESH_MS", 200)
    add_articles(lib.conn, [Spec("Old lighthouse keeper retires", body="The lighthouse is dark.")])
    save_search(lib, "Lights", "lighthouse")
    w = make_window(qtbot, lib, settings_path)
    yield w
    w.close()


def test_results_and_saved_counts_follow_an_import_without_stalling(qtbot, window, lib, tmp_path):
    w = window
    w.search.focus()
    qtbot.keyClicks(w.search.bar.field, "lighthouse")
    qtbot.waitUntil(lambda: w.search.ctl is not None and len(w.search.ctl.model.hits) == 1)
    saved = w.search.saved_views
    (sid,) = [s.id for s in saved.saved]
    qtbot.waitUntil(lambda: saved.counts.get(sid, (0, True))[0] == 1)

    dump = tmp_path / "lights.txt"
    dump.write_text(_dump(400), encoding="utf-8")
    ticks: list[float] = []
    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    probe.start()
    seen: list[int] = []  # how many results the search counted as the import went on
    w.search.ctl.results_changed.connect(lambda page: seen.append(page.total))
    controller = ImportController(w, lib.path)
    with qtbot.waitSignal(controller.queue.run_finished, timeout=60_000):
        controller.import_paths([dump])
    qtbot.waitUntil(lambda: w.search.ctl.model.page.total == 401, timeout=10_000)
    qtbot.waitUntil(lambda: saved.counts.get(sid, (0, True))[0] == 401, timeout=10_000)
    probe.stop()
    assert w.search.active and w.search.bar.text() == "lighthouse"
    assert seen[-1] == 401 and seen == sorted(seen)
    assert any(h.title.startswith("Lighthouse number") for h in w.search.ctl.model.hits)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(gaps) > 10 and max(gaps) < 0.5, max(gaps)
