"""The import pipeline on real library files: counts, dedupe, sections, cancel, bad files."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.article import Article
from reader.core.dumps import parse_path
from reader.core.importing import (
    Batch,
    ImportResult,
    Progress,
    import_file,
    published_at,
    published_from_dateline,
)
from reader.core.store import DEFAULT_SECTIONS, Library
from tests.ui_helpers import tables

TIME_FORMAT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


@pytest.fixture
def three(fixtures_dir: Path) -> Path:
    return fixtures_dir / "store_three.txt"


@pytest.fixture
def overlap(fixtures_dir: Path) -> Path:
    return fixtures_dir / "store_overlap.txt"


def many_articles(path: Path, n: int) -> Path:
    """A dump of ``n`` distinct articles, written from a template."""
    towns = ["Varnholm", "Keldmoor", "Tessford", "Lundhaven", "Orrick"]
    parts = []
    for i in range(n):
        town = towns[i % len(towns)]
        parts.append(
            f"Council in {town} approves budget number {i} after a long debate\n"
            f"{town.upper()}: Councillors in {town} approved spending plan {i} on Tuesday "
            f"after a debate that ran past midnight, the council said.\n"
            f"The plan sets aside money for {i % 7 + 2} new bus routes and repairs to "
            f"{i % 11 + 3} bridges over the river.\n\n"
        )
    path.write_text("".join(parts), encoding="utf-8")
    return path


def count(lib: Library, sql: str = "SELECT COUNT(*) FROM articles", *args) -> int:
    return lib.conn.execute(sql, args).fetchone()[0]


def fts_count(lib: Library, query: str) -> int:
    return count(lib, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", query)


def source(lib: Library, source_id: int | None) -> dict:
    assert source_id is not None
    return tables(lib)["sources"].get(source_id)


def test_import_stores_articles_as_parsed(lib: Library, three: Path) -> None:
    result = import_file(lib, three)
    assert isinstance(result, ImportResult)
    assert (result.status, result.new, result.duplicates, result.skipped) == ("done", 3, 0, 0)
    assert result.error is None and result.name == "store_three.txt" and result.articles == 3

    expected = list(parse_path(three))
    rows = list(tables(lib).query("SELECT * FROM articles ORDER BY id"))
    other = lib.section_id("Other")
    for a, row in zip(expected, rows, strict=True):
        assert row["title"] == a.title
        assert row["dateline"] == a.dateline
        assert row["summary"] == "\n".join(a.summary)
        assert row["body"] == a.body_text
        assert row["fingerprint"] == a.fingerprint
        assert row["words"] == a.words
        assert row["section_id"] == other
        assert row["source_id"] == result.source_id
        assert TIME_FORMAT.match(row["added_at"])
        assert (row["read"], row["starred"], row["section_by_user"]) == (0, 0, 0)
        assert row["byline"] == a.byline
        assert row["title_derived"] == int(a.title_derived)
    # "VARNHOLM, Mar 3 (Reuters)" has a date but no year: no year is invented for it.
    assert [row["published_at"] for row in rows] == [None, None, None]

    src = source(lib, result.source_id)
    assert src["status"] == "done" and src["error"] is None
    assert (src["new_count"], src["duplicate_count"], src["skipped_count"]) == (3, 0, 0)
    assert src["name"] == "store_three.txt" and Path(src["path"]) == three.absolute()
    assert src["size"] == three.stat().st_size
    assert TIME_FORMAT.match(src["imported_at"]) and TIME_FORMAT.match(src["finished_at"])

    assert fts_count(lib, "dockers") == 1
    assert fts_count(lib, "frost") == 1
    assert fts_count(lib, "cafe") == 1  # diacritics folded
    assert lib.integrity_ok()


def test_reimport_adds_nothing(lib: Library, three: Path) -> None:
    import_file(lib, three)
    again = import_file(lib, three)
    assert (again.status, again.new, again.duplicates) == ("done", 0, 3)
    assert count(lib) == 3
    assert tables(lib)["sources"].count == 2
    src = source(lib, again.source_id)
    assert (src["status"], src["new_count"], src["duplicate_count"]) == ("done", 0, 3)
    assert lib.integrity_ok()


def test_duplicates_within_a_file_and_across_imports(lib: Library, three: Path, overlap: Path):
    first = import_file(lib, overlap)  # the library story appears twice in this file
    assert (first.new, first.duplicates) == (2, 1)
    second = import_file(lib, three)  # ... and again in this one
    assert (second.new, second.duplicates) == (2, 1)
    assert count(lib) == 4
    assert fts_count(lib, "library") == 1
    assert lib.integrity_ok()


def test_section_option_puts_everything_there(lib: Library, three: Path, overlap: Path) -> None:
    result = import_file(lib, three, section="Local news")
    sid = lib.section_id("local NEWS")
    assert sid is not None
    assert lib.sections()[-1][1] == "Local news"
    assert count(lib, "SELECT COUNT(*) FROM articles WHERE section_id = ?", sid) == result.new == 3
    assert count(lib, "SELECT COUNT(*) FROM articles WHERE section_by_user = 1") == 3
    # An existing section is found whatever its case; no new one is made.
    import_file(lib, overlap, section="sport")
    assert len(lib.sections()) == len(DEFAULT_SECTIONS) + 1
    sport = lib.section_id("Sport")
    assert count(lib, "SELECT COUNT(*) FROM articles WHERE section_id = ?", sport) == 1


def test_classifier_places_each_article(lib: Library, three: Path) -> None:
    seen: list[str] = []

    def classify(article: Article) -> tuple[str, str]:
        seen.append(article.title)
        if "frost" in article.title:
            return "Farming", "Farming: frost, orchard"
        return "Business", "Business: port, operator"

    result = import_file(lib, three, classify=classify)
    assert result.new == 3 and len(seen) == 3
    rows = list(
        tables(lib).query(
            "SELECT s.name, a.section_reason, a.section_by_user FROM articles a "
            "JOIN sections s ON s.id = a.section_id ORDER BY a.id"
        )
    )
    assert [r["name"] for r in rows] == ["Business", "Farming", "Business"]
    assert rows[1]["section_reason"] == "Farming: frost, orchard"
    assert all(r["section_by_user"] == 0 for r in rows)


def test_a_failing_classifier_fails_the_import_cleanly(lib: Library, three: Path) -> None:
    def classify(article: Article) -> tuple[str, str]:
        raise ValueError("model file missing")

    result = import_file(lib, three, classify=classify)
    assert result.status == "failed"
    assert "classifier" in (result.error or "") and "model file missing" in (result.error or "")
    assert count(lib) == 0
    assert source(lib, result.source_id)["status"] == "failed"
    assert lib.integrity_ok()


def test_headline_without_text_is_skipped(lib: Library, tmp_path: Path, three: Path) -> None:
    dump = tmp_path / "lone.txt"
    dump.write_text("Storm warning issued for the northern coast\n")
    result = import_file(lib, dump)
    assert (result.status, result.new, result.duplicates, result.skipped) == ("done", 0, 0, 1)
    assert count(lib) == 0
    assert source(lib, result.source_id)["skipped_count"] == 1


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "a folder.txt"
    folder.mkdir()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n   \n\n")
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return {
        "missing": (tmp_path / "missing.txt", "no such file"),
        "folder": (folder, "folder"),
        "empty": (empty, "empty"),
        "blank": (blank, "empty"),
        "binary": (png, "PNG"),
    }


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "blank", "binary"])
def test_a_bad_file_fails_with_a_reason_and_writes_no_articles(
    lib: Library, tmp_path: Path, kind: str
) -> None:
    path, words = _bad_files(tmp_path)[kind]
    result = import_file(lib, path)
    assert result.status == "failed"
    assert words in (result.error or "")
    assert path.name in (result.error or "")
    assert count(lib) == 0
    src = source(lib, result.source_id)
    assert src["status"] == "failed" and src["error"] == result.error
    assert lib.integrity_ok()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_an_unreadable_file_fails(lib: Library, three: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_bytes(three.read_bytes())
    locked.chmod(0)
    try:
        result = import_file(lib, locked)
    finally:
        locked.chmod(0o644)
    assert result.status == "failed" and "permission" in (result.error or "")


def test_a_bad_file_among_good_ones(lib: Library, tmp_path: Path, three: Path, overlap: Path):
    bad = _bad_files(tmp_path)
    files = [three, bad["binary"][0], overlap, bad["missing"][0]]
    results = [import_file(lib, f) for f in files]
    assert [r.status for r in results] == ["done", "failed", "done", "failed"]
    assert count(lib) == 4
    statuses = [r["status"] for r in tables(lib).query("SELECT status FROM sources ORDER BY id")]
    assert statuses == ["done", "failed", "done", "failed"]
    assert lib.integrity_ok()


def test_cancel_mid_import_keeps_committed_batches(lib: Library, tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "many.txt", 300)
    calls = 0

    def progress(p: Progress) -> None:
        nonlocal calls
        calls += 1

    def cancelled() -> bool:
        return calls >= 70

    commits: list[Batch] = []
    result = import_file(
        lib,
        dump,
        progress=progress,
        cancelled=cancelled,
        on_commit=commits.append,
        batch_articles=25,
        progress_interval=0,
    )
    assert result.status == "cancelled"
    assert 0 < result.new < 300
    # Whole batches only: what is stored is exactly what the commits reported.
    assert all(0 < len(b.new_ids) <= 25 for b in commits)
    assert result.new == count(lib) == sum(len(b.new_ids) for b in commits)
    assert count(lib, "SELECT COUNT(*) FROM articles_fts_docsize") == result.new
    src = source(lib, result.source_id)
    assert (src["status"], src["new_count"]) == ("cancelled", result.new)
    assert src["finished_at"] is not None
    assert lib.integrity_ok()

    rest = import_file(lib, dump, batch_articles=25)
    assert (rest.status, rest.new, rest.duplicates) == ("done", 300 - result.new, result.new)
    assert count(lib) == 300
    assert lib.integrity_ok()


def test_cancel_before_anything_is_committed(lib: Library, tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "many.txt", 40)
    result = import_file(lib, dump, cancelled=lambda: True)
    assert (result.status, result.new) == ("cancelled", 0)
    assert count(lib) == 0
    assert source(lib, result.source_id)["status"] == "cancelled"


def test_interrupt_marks_the_source_and_keeps_commits(lib: Library, tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "many.txt", 200)
    commits: list[Batch] = []

    def progress(p: Progress) -> None:
        if commits:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(
            lib, dump, progress=progress, on_commit=commits.append, batch_articles=30,
            progress_interval=0,
        )  # fmt: skip
    assert count(lib) == 30
    src = tables(lib)["sources"].get(1)
    assert (src["status"], src["new_count"]) == ("cancelled", 30)
    assert src["error"] == "interrupted: stopped by Ctrl-C"
    assert lib.integrity_ok()


def test_progress_and_commits(lib: Library, tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "many.txt", 120)
    seen: list[Progress] = []
    commits: list[Batch] = []
    result = import_file(
        lib, dump, progress=seen.append, on_commit=commits.append, batch_articles=50,
        progress_interval=0,
    )  # fmt: skip
    assert result.new == 120
    size = dump.stat().st_size
    assert all(p.bytes_total == size for p in seen)
    done = [p.bytes_done for p in seen]
    assert done == sorted(done) and done[-1] == size
    assert seen[-1] == Progress(size, size, 120, 120, 0, 0)
    assert [len(b.new_ids) for b in commits] == [50, 50, 20]
    ids = [i for b in commits for i in b.new_ids]
    assert ids == [r[0] for r in lib.conn.execute("SELECT id FROM articles ORDER BY id")]
    assert all(b.section_ids == {lib.section_id("Other")} for b in commits)


def test_progress_is_throttled(lib: Library, tmp_path: Path) -> None:
    dump = many_articles(tmp_path / "many.txt", 200)
    seen: list[Progress] = []
    import_file(lib, dump, progress=seen.append, progress_interval=3600)
    # The first report and the final one; nothing per article in between.
    assert len(seen) == 2 and seen[-1].articles == 200


def test_fts_in_step_after_import_then_edits(lib: Library, three: Path) -> None:
    import_file(lib, three)
    c = lib.conn
    c.execute("UPDATE articles SET body = 'The strike ended at dawn.' WHERE title LIKE 'Harbour%'")
    c.commit()
    assert fts_count(lib, "rota") == 0 and fts_count(lib, "dawn") == 1
    assert lib.integrity_ok()
    c.execute("UPDATE articles SET read = 1, starred = 1")
    c.commit()
    assert lib.integrity_ok()
    c.execute("DELETE FROM articles WHERE title LIKE 'Orchard%'")
    c.commit()
    assert fts_count(lib, "frost") == 0
    assert lib.integrity_ok()
    assert count(lib, "SELECT COUNT(*) FROM fts_deferred") == 0


def test_import_in_a_worker_thread_while_another_connection_reads(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    dump = many_articles(tmp_path / "many.txt", 300)
    results: list[ImportResult] = []
    commits = threading.Event()

    def work() -> None:
        with Library(path) as own:
            results.append(
                import_file(own, dump, batch_articles=40, on_commit=lambda b: commits.set())
            )

    with Library(path) as reader:
        worker = threading.Thread(target=work)
        worker.start()
        assert commits.wait(30)
        # WAL: a reader sees committed batches only, each already in the full-text index.
        stored, indexed = reader.conn.execute(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM articles_fts_docsize)"
        ).fetchone()
        assert stored == indexed > 0
        worker.join(60)
        assert not worker.is_alive()
        assert results[0].new == 300 and count(reader) == 300
        assert reader.integrity_ok()


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("GENEVA, March 5, 2019 (AFP)", "2019-03-05 00:00:00.000"),
        ("KYIV, Sept. 4 2021", "2021-09-04 00:00:00.000"),
        # No year: never one guessed from today (a 2021 story is not from this year).
        ("LONDON, July 2 (Reuters)", None),
        ("LONDON, Nov 24 (Reuters)", None),
        ("KYIV, Sept. 4", None),
        ("LONDON, Feb 30, 2021 (Reuters)", None),
        ("Paris (AFP)", None),
        ("MAYVILLE", None),
        (None, None),
    ],
)
def test_published_from_dateline(dateline: str | None, expected: str | None) -> None:
    assert published_from_dateline(dateline) == expected


@pytest.mark.parametrize(
    ("published", "dateline", "expected"),
    [
        ("2019-03-02", "LONDON, Nov 24, 2018 (Reuters)", "2019-03-02 00:00:00.000"),
        (None, "LONDON, Nov 24, 2018 (Reuters)", "2018-11-24 00:00:00.000"),
        (None, "LONDON, Nov 24 (Reuters)", None),
        ("not a date", "GENEVA, March 5, 2019", "2019-03-05 00:00:00.000"),
        (None, None, None),
    ],
)
def test_published_at_prefers_the_date_line(
    published: str | None, dateline: str | None, expected: str | None
) -> None:
    article = Article(title="T", dateline=dateline, published=published)
    assert published_at(article) == expected


def test_byline_derived_title_and_date_are_stored(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the parser finds beside the text reaches the library's columns."""
    articles = [
        Article(
            title="Harbour cranes idle as dockers strike",
            byline="Ann Lee, Reuters",
            published="2019-03-02",
            dateline="LONDON, Nov 24 (Reuters)",
            blocks=[("p", "Cranes stood idle on Monday.")],
        ),
        Article(
            title="Cranes stood idle on Tuesday as talks failed",
            title_derived=True,
            dateline="GENEVA, March 5, 2019 (AFP)",
            blocks=[("p", "Cranes stood idle on Tuesday as talks failed.")],
        ),
        Article(title="No date at all", blocks=[("p", "Nothing says when.")]),
    ]

    def parse(stream, *args, **kwargs):
        yield from articles

    monkeypatch.setattr("reader.core.readahead.parse_stream", parse)
    dump = tmp_path / "d.txt"
    dump.write_text("stands in for the parsed articles\n", encoding="utf-8")
    result = import_file(lib, dump)
    assert (result.status, result.new) == ("done", 3)
    assert lib.conn.execute(
        "SELECT byline, title_derived, published_at FROM articles ORDER BY id"
    ).fetchall() == [
        ("Ann Lee, Reuters", 0, "2019-03-02 00:00:00.000"),
        (None, 1, "2019-03-05 00:00:00.000"),
        (None, 0, None),
    ]


def test_blank_section_name_is_a_caller_error_before_anything_is_written(
    lib: Library, three: Path
) -> None:
    with pytest.raises(ValueError):
        import_file(lib, three, section="   ")
    assert tables(lib)["sources"].count == 0 and count(lib) == 0


def test_duplicates_are_not_classified(lib: Library, three: Path, overlap: Path) -> None:
    calls: list[str] = []

    def classify(article: Article) -> tuple[str, str]:
        calls.append(article.title)
        return "World", "World: test"

    import_file(lib, overlap, classify=classify)  # three articles, one of them twice
    assert len(calls) == 2
    calls.clear()
    again = import_file(lib, overlap, classify=classify)
    assert (again.new, again.duplicates, calls) == (0, 3, [])
    assert source(lib, again.source_id)["duplicate_count"] == 3
    mixed = import_file(lib, three, classify=classify)
    assert (mixed.new, mixed.duplicates, len(calls)) == (2, 1, 2)


def _generated(tmp_path: Path, mb: float, seed: int) -> Path:
    """A dump from the benchmark generator (bench/gen_dump.py)."""
    import sys as _sys

    _sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from gen_dump import generate
    finally:
        _sys.path.pop(0)
    dump = tmp_path / "gen.txt"
    generate(dump, mb, seed=seed)
    return dump


def test_big_dumps_parse_in_a_separate_process(tmp_path):
    """The process path gives exactly what the thread path gives (forced here on a small file)."""
    dump = _generated(tmp_path, 0.5, seed=11)
    results = {}
    for name, threshold in (("thread", 1 << 40), ("process", 0)):
        with Library(tmp_path / f"{name}.sqlite3") as lib:
            seen = []
            result = import_file(
                lib,
                dump,
                process_parse_bytes=threshold,
                classify=lambda a: ("Other", "test"),
                progress=seen.append,
            )
            assert result.status == "done", result.error
            rows = lib.conn.execute(
                "SELECT title, dateline, summary, body, fingerprint, words FROM articles ORDER BY id"
            ).fetchall()
            results[name] = (result.new, rows)
            assert seen[-1].bytes_done == seen[-1].bytes_total
            assert lib.integrity_ok()
    assert results["thread"] == results["process"]
    assert results["process"][0] > 50


def test_process_parse_can_be_cancelled(tmp_path):
    dump = _generated(tmp_path, 2, seed=12)
    with Library(tmp_path / "lib.sqlite3") as lib:
        calls: list[Batch] = []
        seen: list[Progress] = []
        result = import_file(
            lib,
            dump,
            process_parse_bytes=0,
            batch_articles=50,
            on_commit=calls.append,
            progress=seen.append,
            progress_interval=0,
            cancelled=lambda: bool(seen) and seen[-1].articles >= 50,
        )
        assert result.status == "cancelled"
        (n,) = lib.conn.execute("SELECT count(*) FROM articles").fetchone()
        # A batch of 50 articles (two, if a slow parse wrote a smaller one after BATCH_SECONDS)
        # is kept, committed and announced, even while the import is alone in the library and
        # holds its transaction across batches; nothing after the cancel.
        assert 0 < n == result.new == sum(len(c.new_ids) for c in calls) <= 100
        assert lib.integrity_ok()


@contextlib.contextmanager
def window_reading(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection that has read the library, as the window's has: while it is open an
    import keeps the write-ahead log (alone, it would use a rollback journal)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        yield conn
    finally:
        conn.close()


def test_big_imports_fold_the_log_back_on_a_thread_of_their_own(tmp_path, monkeypatch):
    """The log is checkpointed during the import, off the writer, and nothing is left running."""
    import threading

    from reader.core import importing

    monkeypatch.setattr(importing, "IMPORT_CHECKPOINT_BYTES", 256 * 1024)
    dump = _generated(tmp_path, 3, seed=13)
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib, window_reading(path):
        before = path.stat().st_size
        result = import_file(lib, dump, process_parse_bytes=0, batch_articles=40)
        assert result.status == "done", result.error
        assert lib.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)  # restored
        # The writer's own checkpoints are off: only the thread's copied pages into the file.
        assert path.stat().st_size > before + 1024 * 1024
        assert not [t for t in threading.enumerate() if t.name == "dispatch-checkpoint"]
        assert lib.integrity_ok()


@pytest.mark.parametrize("thread", [True, False])
def test_the_checkpointing_thread_is_used_only_when_asked(tmp_path, thread):
    """The window's worker asks for SQLite's own checkpoints (its event loop stalls less)."""
    import threading

    dump = _generated(tmp_path, 0.3, seed=14)
    seen = []
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib, window_reading(path):
        result = import_file(
            lib,
            dump,
            process_parse_bytes=0,
            checkpoint_thread=thread,
            on_commit=lambda _b: seen.append(
                any(t.name == "dispatch-checkpoint" for t in threading.enumerate())
            ),
        )
        assert result.status == "done" and seen
        assert set(seen) == {thread}


def test_the_log_restarts_during_a_long_import_instead_of_growing_to_its_end(tmp_path, monkeypatch):
    """A checkpoint racing the writer never copies every frame, and the log restarts only after
    one that did: it grew for the whole import (4.9 GB for one 500,000-article dump). The writer
    now copies the remainder once the thread's checkpoint is over, so the log wraps around."""
    from reader.core import importing

    monkeypatch.setattr(importing, "IMPORT_CHECKPOINT_BYTES", 256 * 1024)
    dump = _generated(tmp_path, 6, seed=15)
    path = tmp_path / "lib.sqlite3"
    wal = Path(f"{path}-wal")
    sizes: list[int] = []
    with Library(path) as lib, window_reading(path):
        # The log file is cut back to this size when it restarts: the library's limit (64 MB)
        # is less than the checkpoints' step (128 MB) as here 0 is less than 256 KB.
        lib.conn.execute("PRAGMA journal_size_limit = 0").fetchone()
        result = import_file(
            lib,
            dump,
            process_parse_bytes=0,
            batch_articles=40,
            on_commit=lambda _b: sizes.append(wal.stat().st_size),
        )
        assert result.status == "done", result.error
        written = path.stat().st_size
        assert lib.integrity_ok()
    # Before, the log never restarted: it only grew, and outgrew the library itself (18.0 MB
    # for 13.5 MB). Now it restarts (and is cut back) whenever the thread's checkpoint is over:
    # 5.8-6.5 MB at most here, with a step of 256 KB; how often depends on the machine's load.
    assert len(sizes) > 20 and written > 8 * 1024 * 1024
    restarts = sum(b < a for a, b in itertools.pairwise(sizes))
    assert restarts >= 1 and max(sizes) < written, (restarts, max(sizes), written)
