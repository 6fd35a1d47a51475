"""Searching a real library file: ranking, date order, filters, scope, snippets, highlights."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core.query import parse_query
from reader.core.search import count, search
from reader.core.snippets import (
    MARK_CLOSE,
    MARK_OPEN,
    highlight_article,
    mark_spans,
    marked_to_html,
    strip_marks,
)
from reader.core.store import Library
from reader.core.views import STARRED, UNREAD, View

_fingerprints = itertools.count()


def add(
    lib: Library,
    title: str,
    body: str,
    *,
    summary: str = "",
    section: str = "World",
    added: str = "2026-03-01 10:00:00.000",
    published: str | None = None,
    read: int = 0,
    starred: int = 0,
    source: int | None = None,
) -> int:
    sid = lib.section_id(section)
    with lib.conn:
        cur = lib.conn.execute(
            "INSERT INTO articles (title, summary, body, section_id, source_id, fingerprint, words,"
            " added_at, published_at, read, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (title, summary, body, sid, source, f"fp{next(_fingerprints)}", len(body.split()),
             added, published, read, starred),
        )  # fmt: skip
    return cur.lastrowid


def add_source(lib: Library, name: str) -> int:
    with lib.conn:
        cur = lib.conn.execute(
            "INSERT INTO sources (path, name, imported_at, status) VALUES (?, ?, ?, 'done')",
            (f"/dumps/{name}", name, "2026-03-01 00:00:00.000"),
        )
    return cur.lastrowid


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


FILLER = "Council members met on Tuesday to discuss the budget for the coming year."


def test_title_ranks_above_summary_above_body(lib: Library) -> None:
    body_id = add(lib, "Budget talks resume", f"{FILLER} The glacier was mentioned once.")
    title_id = add(lib, "Glacier retreats faster", FILLER)
    summary_id = add(lib, "Mountain report", FILLER, summary="The glacier lost ice.")
    page = search(lib, "glacier ")
    assert [h.id for h in page.hits] == [title_id, summary_id, body_id]
    assert page.order == "rank"
    assert page.total == 3
    assert page.ranked_among is None
    assert all(h.score is not None for h in page.hits)


def test_more_matches_rank_higher(lib: Library) -> None:
    once = add(lib, "Harbour news", "The ferry left the harbour late. " + FILLER)
    often = add(lib, "Harbour news", "The ferry, the ferry and the ferry again. " + FILLER)
    assert [h.id for h in search(lib, "ferry").hits] == [often, once]


def test_date_order_is_newest_first(lib: Library) -> None:
    ids = [add(lib, f"Tide tables {i}", f"tide {FILLER}", added=f"2026-03-0{i} 10:00:00.000")
           for i in range(1, 6)]  # fmt: skip
    page = search(lib, "tide", order="date")
    assert [h.id for h in page.hits] == ids[::-1]
    assert page.order == "date"
    assert all(h.score is None for h in page.hits)


def test_paging(lib: Library) -> None:
    ids = [add(lib, f"Lantern festival {i}", f"lantern {FILLER}") for i in range(7)]
    first = search(lib, "lantern", order="date", limit=3)
    second = search(lib, "lantern", order="date", limit=3, offset=3)
    last = search(lib, "lantern", order="date", limit=3, offset=6)
    assert first.more and second.more and not last.more
    got = [h.id for p in (first, second, last) for h in p.hits]
    assert got == ids[::-1]
    ranked = [h.id for off in (0, 3, 6) for h in search(lib, "lantern", limit=3, offset=off).hits]
    assert sorted(ranked) == sorted(ids)


def test_filters(lib: Library) -> None:
    src = add_source(lib, "harbour-wire.txt")
    a = add(lib, "Storm warning", "storm " + FILLER, section="Science", read=1, source=src)
    b = add(lib, "Storm passes", "storm " + FILLER, section="World", starred=1,
            published="2026-01-02 08:00:00.000")  # fmt: skip
    c = add(lib, "Calm week", FILLER, section="Science", added="2026-02-01 10:00:00.000")

    def ids(text: str, order: str = "rank") -> set[int]:
        return {h.id for h in search(lib, text, order=order).hits}

    for order in ("rank", "date"):
        assert ids("storm section:science", order) == {a}
        assert ids("storm is:unread", order) == {b}
        assert ids("storm is:starred", order) == {b}
        assert ids("storm source:harbour", order) == {a}
        assert ids("storm before:2026-02-01", order) == {b}  # its publication date
    assert ids("section:science") == {a, c}  # filters alone: newest first
    assert search(lib, "section:science").order == "date"
    assert ids("-storm") == {c}
    assert ids("-storm section:world") == set()


def test_scope_is_a_view(lib: Library) -> None:
    a = add(lib, "Orchard harvest", "apples " + FILLER, read=1)
    b = add(lib, "Orchard frost", "apples " + FILLER, starred=1)
    sport = lib.section_id("Sport")
    c = add(lib, "Orchard derby", "apples " + FILLER, section="Sport", read=1)
    assert {h.id for h in search(lib, "apples").hits} == {a, b, c}
    assert {h.id for h in search(lib, "apples", scope=UNREAD).hits} == {b}
    assert {h.id for h in search(lib, "apples", scope=STARRED, order="date").hits} == {b}
    assert {h.id for h in search(lib, "apples", scope=View("section", sport)).hits} == {c}
    assert count(lib, "apples", scope=View("section", sport)) == (1, True)


def test_snippet_marks_matches_and_escapes_text(lib: Library) -> None:
    add(
        lib,
        "Fish & chips <b>prices</b>",
        "Vendors said <script>alert(1)</script> that haddock prices rose & fell.\n\n"
        "## Markets\n\nThe haddock season ends soon.",
    )
    hit = search(lib, "haddock").hits[0]
    assert MARK_OPEN in hit.snippet
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<b>haddock</b>" in hit.snippet_html
    assert "\n" not in hit.snippet and "## " not in hit.snippet  # one line for the list
    assert hit.title_html == "Fish &amp; chips &lt;b&gt;prices&lt;/b&gt;"  # no match in title
    assert strip_marks(hit.snippet).count("haddock") == 2


def test_markers_cannot_be_forged_by_text(lib: Library) -> None:
    # Private-use characters like the ones the markers are made of, in the article itself.
    add(lib, "Odd \ue000 characters \ue002", "Quartz \ue000\ue001 and \ue002\ue003 quartz.")
    hit = search(lib, "quartz").hits[0]
    text, spans = mark_spans(hit.snippet)
    assert [text[s:e] for s, e in spans] == ["Quartz", "quartz"]
    assert hit.snippet_html.count("<b>") == 2
    assert hit.title_html.count("<b>") == 0


def test_title_highlight_and_prefix(lib: Library) -> None:
    add(lib, "Volcanic ash grounds flights", "Airports closed. " + FILLER)
    hit = search(lib, "volc").hits[0]  # typed so far: a prefix
    assert hit.title_html == "<b>Volcanic</b> ash grounds flights"


def test_highlight_article_for_the_reading_pane(lib: Library) -> None:
    aid = add(lib, "Bridge reopens", "The bridge reopened. Bridges elsewhere wait.",
              summary="Traffic returns to the bridge")  # fmt: skip
    hl = highlight_article(lib, "bridge", aid)
    assert hl is not None
    assert hl.count == 4  # title, summary, and two in the body (porter: bridges)
    plain, spans = mark_spans(hl.body)
    assert plain == "The bridge reopened. Bridges elsewhere wait."
    assert [plain[s:e] for s, e in spans] == ["bridge", "Bridges"]
    assert highlight_article(lib, "tunnel", aid) is None
    assert highlight_article(lib, "is:unread", aid) is None


def test_malformed_query_is_searched_as_words_with_a_note(lib: Library) -> None:
    aid = add(lib, "Rail strike called off", "Unions and the rail operator agreed. " + FILLER)
    page = search(lib, '"rail strike')
    assert [h.id for h in page.hits] == [aid]
    assert "searching for the words" in page.notice


@pytest.mark.parametrize(
    "text",
    ['"', "*", "NEAR(", "-", "AND", ":", "title:", "'; DROP TABLE articles; --", "OR", "a OR",
     "\x00", "\ud800x", "🙂", "x" * 3000, "(((", "title:*", "is:", "before:", "section:%_"],
)  # fmt: skip
@pytest.mark.parametrize("order", ["rank", "date"])
def test_hostile_queries_never_raise(lib: Library, text: str, order: str) -> None:
    add(lib, "Drop table tennis", "A table tennis club. " + FILLER)
    search(lib, text, order=order)
    count(lib, text)
    assert lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_ranking_is_capped_and_says_so(lib: Library) -> None:
    ids = [add(lib, f"Weather {i}", f"rain {FILLER}") for i in range(12)]
    page = search(lib, "rain", rank_cap=5, limit=20)
    assert page.ranked_among == 5
    assert "newest 5" in page.notice
    assert {h.id for h in page.hits} == set(ids[-5:])
    full = search(lib, "rain", order="date", limit=20)
    assert len(full.hits) == 12 and full.ranked_among is None


def test_empty_query_finds_nothing(lib: Library) -> None:
    add(lib, "Anything", FILLER)
    for text in ("", "   ", "***", "AND"):
        page = search(lib, text)
        assert page.hits == [] and not page.more


def test_count(lib: Library) -> None:
    for i in range(4):
        add(lib, f"Comet sighting {i}", "comet " + FILLER, read=i % 2)
    assert count(lib, "comet") == (4, True)
    assert count(lib, "comet", unread_only=True) == (2, True)
    assert count(lib, "comet", limit=3) == (3, False)
    assert count(lib, "is:unread") == (2, True)


def test_marked_to_html_custom_tags() -> None:
    s = f"a {MARK_OPEN}b{MARK_CLOSE} <c>"
    assert marked_to_html(s, '<span class="hit">', "</span>") == (
        'a <span class="hit">b</span> &lt;c&gt;'
    )


def test_accepts_a_parsed_query(lib: Library) -> None:
    aid = add(lib, "Parsed once", "lighthouse " + FILLER)
    assert [h.id for h in search(lib, parse_query("lighthouse")).hits] == [aid]


# --- while an import is running --------------------------------------------------------------


def test_results_stay_correct_while_an_import_runs(tmp_path: Path) -> None:
    """A writer thread with its own connection adds batches; every search sees whole batches."""
    path = tmp_path / "library.sqlite3"
    batch, batches = 200, 25
    with Library(path) as lib:
        for i in range(50):
            add(lib, f"Archive item {i}", f"meadow archive {FILLER}")
    errors: list[BaseException] = []
    done = threading.Event()

    def importer() -> None:
        try:
            with Library(path) as writer:
                sid = writer.section_id("Science")
                for b in range(batches):
                    rows = [
                        (f"Imported meadow story {b}-{i}", f"meadow import {FILLER} {b} {i}", sid,
                         f"imp-{b}-{i}", 10, "2026-03-02 10:00:00.000")
                        for i in range(batch)
                    ]  # fmt: skip
                    with writer.conn:  # one transaction per batch, like the import pipeline
                        writer.conn.executemany(
                            "INSERT INTO articles (title, body, section_id, fingerprint, words,"
                            " added_at) VALUES (?,?,?,?,?,?)",
                            rows,
                        )
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            done.set()

    thread = threading.Thread(target=importer)
    seen_counts = []
    with Library(path) as reader_lib:
        thread.start()
        while not done.is_set() or not seen_counts:
            n, exact = count(reader_lib, "meadow")
            assert exact
            imported = n - 50
            # Whole batches only: a search never sees half a transaction.
            assert imported % batch == 0, imported
            page = search(reader_lib, "meadow import", order="date", limit=10)
            # Every hit is a committed imported article whose text really matches.
            for h in page.hits:
                assert h.title.startswith("Imported meadow story")
            ranked = search(reader_lib, "meadow", limit=5)
            assert len(ranked.hits) == 5
            assert all("meadow" in strip_marks(h.snippet).lower() for h in ranked.hits)
            seen_counts.append(imported)
        thread.join()
        assert not errors, errors
        assert count(reader_lib, "meadow") == (50 + batch * batches, True)
        assert count(reader_lib, "meadow import") == (batch * batches, True)
    assert seen_counts == sorted(seen_counts)  # the reader only ever moves forward


# --- dispatch search -------------------------------------------------------------------------


def test_cli_json_lines(lib: Library, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from reader.cli.search import run

    a = add(lib, "Kelp forests recover", "Divers counted kelp & urchins. " + FILLER)
    b = add(lib, "Urchin boom", "The kelp is gone. " + FILLER, section="Science")
    assert run("kelp", db=lib.path, as_json=True, limit=10) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [a, b]
    first = records[0]
    assert first["title"] == "Kelp forests recover"
    assert first["section"] == "World"
    assert "kelp & urchins" in first["snippet"]
    assert MARK_OPEN not in first["snippet"]
    s, e = first["snippet_matches"][0]
    assert first["snippet"][s:e].lower() == "kelp"
    assert first["title_matches"] == [[0, 4]]
    assert err == ""
    assert run("kelp", db=lib.path, as_json=True, limit=1) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_cli_human(lib: Library, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.search import run

    add(lib, "Kelp forests recover", "Divers counted kelp. " + FILLER)
    assert run('"kelp', db=lib.path, as_json=False, limit=5) == 0
    out = capsys.readouterr().out
    assert "1. • Kelp forests recover" in out
    assert "searching for the words" in out
    assert "1 result" in out
    assert run("nothingmatches", db=lib.path, as_json=False, limit=5) == 0
    assert "No articles match." in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["missing", "folder", "not sqlite", "other sqlite"])
def test_cli_bad_library(tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.search import run

    path = tmp_path / "lib.sqlite3"
    if kind == "folder":
        path.mkdir()
    elif kind == "not sqlite":
        path.write_text("just some notes\n")
    elif kind == "other sqlite":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    assert run("anything", db=path, as_json=True, limit=5) != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err
    assert not (kind == "missing" and path.exists())  # searching never creates a library


def test_cli_entry_point(lib: Library) -> None:
    import json
    import subprocess
    import sys

    a = add(lib, "Tram line opens", "The tram runs every ten minutes. " + FILLER)
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "search", "tram", "--db", str(lib.path), "--json",
         "--limit", "3"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == [a]
    bad = subprocess.run(
        [sys.executable, "-m", "reader", "search", "tram", "--db", str(lib.path) + ".nope"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode != 0
    assert "no library at" in bad.stderr


def test_costly_prefix_becomes_a_whole_word(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core import search as search_mod

    rare = add(lib, "Riverside walk", "A walk by the riverside. " + FILLER)
    for i in range(6):
        add(lib, f"River level {i}", "The river rose. " + FILLER)
    assert len(search(lib, "riv").hits) == 7  # cheap: FTS5's own prefix
    monkeypatch.setattr(search_mod, "PREFIX_BUDGET", 4)
    page = search(lib, "riv")  # too many occurrences of riv*: matched whole, which finds none
    assert page.hits == []
    assert "Many words start with “riv”" in page.notice
    page = search(lib, "river")  # the word itself exists: no note, whole-word matches
    assert len(page.hits) == 6 and rare not in {h.id for h in page.hits}
    assert page.notice == ""
    assert len(search(lib, "riverside").hits) == 1  # few completions: still a prefix


# --- through the real import pipeline --------------------------------------------------------


def test_search_an_imported_dump(lib: Library, fixtures_dir: Path) -> None:
    from reader.core.importing import import_file

    result = import_file(lib, fixtures_dir / "search_harbour.txt", section="World")
    assert result.new == 4
    page = search(lib, "harbour ")
    titles = [h.title for h in page.hits]
    # In the title (and body) first; then summary + body; then body only.
    assert titles[0] == "Storm surge breaches harbour walls at Portwell"
    assert set(titles) == {
        "Storm surge breaches harbour walls at Portwell",
        "Sea level survey finds faster rise along the coast",
        "Opinion: why the coast matters more than ever",
    }
    assert [h.title for h in search(lib, '"sea level"').hits] == [
        "Sea level survey finds faster rise along the coast"
    ]
    assert [h.title for h in search(lib, "cafe -pier").hits] == [
        "Storm surge breaches harbour walls at Portwell"
    ]
    assert len(search(lib, "source:search_harbour coast").hits) == 2  # coast, coastal


def _dump(path: Path, n: int) -> None:
    """A dump of n distinct articles of our own words; every one mentions "lighthouse"."""
    places = ["Northwick", "Easterby", "Southam", "Westmere", "Midholm"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            place = places[i % len(places)]
            f.write(f"Lighthouse keeper number {i} logs the {place} fog\n")
            f.write(f"- Keeper {i} counted ships passing {place}\n\n")
            f.write(
                f"{place.upper()}: The lighthouse at {place} kept its lamp lit through night {i},"
                f" and the keeper wrote {i * 7} words in the log.\n\n"
            )
            f.write(f"Fog horn tests will resume after the survey number {i}.\n\n")


def test_search_stays_correct_while_import_file_runs(tmp_path: Path) -> None:
    """import_file in a real thread (its own Library) while this thread searches the same file."""
    from reader.core.importing import import_file

    path = tmp_path / "library.sqlite3"
    dump = tmp_path / "lighthouses.txt"
    n = 3000
    _dump(dump, n)
    with Library(path) as lib:
        before = add(lib, "Old lighthouse story", "The old lighthouse. " + FILLER)
    outcome: list = []
    finished = threading.Event()

    def run_import() -> None:
        try:
            with Library(path) as writer:
                outcome.append(import_file(writer, dump, section="Science", batch_articles=100))
        except BaseException as e:  # pragma: no cover - shown by the assert below
            outcome.append(e)
        finally:
            finished.set()

    thread = threading.Thread(target=run_import)
    seen: list[int] = []
    with Library(path) as reader_lib:
        thread.start()
        while not finished.is_set() or len(seen) < 3:
            n_found, exact = count(reader_lib, "lighthouse")
            assert exact
            seen.append(n_found)
            for order in ("rank", "date"):
                page = search(reader_lib, "lighthouse keeper", order=order, limit=20)
                for h in page.hits:
                    # Every hit is a whole, committed article that really matches.
                    assert "lighthouse" in h.title_marked.lower() or h.id == before
                    assert MARK_OPEN in h.snippet or MARK_OPEN in h.title_marked
            new_first = search(reader_lib, "lighthouse", order="date", limit=1).hits
            assert new_first and new_first[0].id >= before
        thread.join()
        assert not isinstance(outcome[0], BaseException), outcome[0]
        assert outcome[0].new == n, outcome[0]
        assert count(reader_lib, "lighthouse") == (n + 1, True)
        assert count(reader_lib, '"keeper number 2999"') == (1, True)
        assert count(reader_lib, "lighthouse section:science") == (n, True)
    assert seen == sorted(seen)  # the reader only ever moves forward
    assert all(1 <= k <= n + 1 for k in seen)


# --- saved searches --------------------------------------------------------------------------


def test_saved_searches(lib: Library) -> None:
    from reader.core.saved_search_ops import (
        SavedSearchError,
        delete_saved_search,
        save_search,
        saved_search_unread,
        saved_searches,
    )

    assert saved_searches(lib) == []  # the table comes with the store's migration 3
    for i in range(3):
        add(lib, f"Storm {i}", "storm " + FILLER, read=int(i == 0))
    add(lib, "Calm", FILLER)
    sid = save_search(lib, "  Storms ", "storm")
    uid = save_search(lib, "Unread calm", "-storm", scope=UNREAD)
    got = saved_searches(lib)
    assert [(s.name, s.query, s.scope) for s in got] == [
        ("Storms", "storm", None),
        ("Unread calm", "-storm", UNREAD),
    ]
    assert saved_search_unread(lib, got[0]) == (2, True)
    assert saved_search_unread(lib, got[1]) == (1, True)
    assert save_search(lib, "storms", "storm is:starred") == sid  # same name: replaced
    assert saved_searches(lib)[0].query == "storm is:starred"
    with pytest.raises(SavedSearchError):
        save_search(lib, "", "storm")
    with pytest.raises(SavedSearchError):
        save_search(lib, "Nothing", "   ")
    assert delete_saved_search(lib, uid) and not delete_saved_search(lib, uid)
    assert [s.id for s in saved_searches(lib)] == [sid]


def test_source_filters_walk_only_their_ids_and_stay_exact(lib: Library) -> None:
    old = add_source(lib, "old-wire.txt")
    new = add_source(lib, "new-wire.txt")
    ids = {old: [], new: []}
    for i in range(30):  # interleaved: the id stretch of a source holds the other's articles too
        src = old if i % 3 else new
        ids[src].append(add(lib, f"Canal report {i}", "canal " + FILLER, source=src))
    for order in ("rank", "date"):
        got = {h.id for h in search(lib, "canal source:old-wire", order=order, limit=50).hits}
        assert got == set(ids[old])
        scoped = search(lib, "canal", order=order, scope=View("source", new), limit=50).hits
        assert {h.id for h in scoped} == set(ids[new])
        assert search(lib, "canal source:nowhere", order=order).hits == []
        both = search(lib, "canal source:old-wire", order=order, scope=View("source", new))
        assert both.hits == []
    assert count(lib, "canal source:old-wire") == (len(ids[old]), True)
    assert count(lib, "canal -source:old-wire") == (len(ids[new]), True)


@pytest.mark.parametrize("few", [0, 3, 10_000])
def test_filter_first_plans_give_the_same_results(
    lib: Library, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """When the newest-first walk runs out of time, gathering the filtered articles first (by id
    lookups for a few, by walking the match among them for more) must find the same articles."""
    from reader.core import search as search_mod
    from reader.core import search_plans

    src = add_source(lib, "gulls.txt")
    for i in range(40):
        add(lib, f"Gull count {i}", f"gull {'tern ' if i % 4 == 0 else ''}{FILLER}",
            section="Science" if i % 3 == 0 else "World", starred=int(i % 5 == 0),
            read=i % 2, source=src if i % 7 == 0 else None,
            published=f"2025-0{1 + i % 9}-10 10:00:00.000")  # fmt: skip
    queries = ["gull is:starred", "gull section:science is:unread", "tern before:2025-05-01",
               "gull -section:science is:starred", "gull source:gulls", "gul* is:starred",
               "gull tern after:2025-03"]  # fmt: skip
    expected = {q: ([h.id for h in search(lib, q, order="date", limit=100).hits], count(lib, q))
                for q in queries}  # fmt: skip
    monkeypatch.setattr(search_mod, "_with_budget", lambda conn, ms, run: None)
    monkeypatch.setattr(search_plans, "FEW", few)
    for q in queries:
        got = [h.id for h in search(lib, q, order="date", limit=100).hits]
        assert got == expected[q][0], q
        assert count(lib, q) == expected[q][1], q
        assert got, q  # the test means something
    paged = [h.id for off in (0, 3, 6) for h in
             search(lib, "gull is:unread", order="date", limit=3, offset=off).hits]  # fmt: skip
    assert paged == [h.id for h in search(lib, "gull is:unread", order="date", limit=9).hits]


def test_ranking_that_filters_empty_falls_back_to_newest_first(lib: Library) -> None:
    old = [add(lib, f"Heron {i}", "heron " + FILLER, starred=1) for i in range(3)]
    for i in range(10):
        add(lib, f"Heron later {i}", "heron " + FILLER)
    page = search(lib, "heron is:starred", rank_cap=5)  # the newest 5 matches are not starred
    assert page.order == "date"
    assert [h.id for h in page.hits] == old[::-1]
    assert "newest first" in page.notice
    full = search(lib, "heron is:starred")  # no cap reached: ranked as asked
    assert full.order == "rank" and {h.id for h in full.hits} == set(old)
