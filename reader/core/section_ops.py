"""What the reader does to sections: create, rename, reorder, delete, move articles, re-sort.

Each operation is a plain function taking a :class:`~reader.core.store.Library`, runs in one
transaction (a re-sort in one per batch) and returns what it changed, so that the window refreshes
exactly that (Anki's browser: views are told what changed by the operation that changed it). Bad
requests raise :class:`SectionError`, whose message is fit to show the reader; nothing is written
then.

Rules, decided here once:

* Names are trimmed and their inner white space folded; they are unique ignoring case, at most
  :data:`MAX_NAME` characters, and may not be the name of a smart view (All, Unread, ...).
* "Other" is where what fits nowhere goes (the importer, the classifier and deletion all rely on
  it by name): it can be moved but never renamed or deleted. Every other section, the defaults
  included, can be renamed (a renamed default keeps its shipped knowledge: ``sections.builtin``)
  and deleted.
* Deleting a section moves its articles to Other (marked as placed by Dispatch again, so a re-sort
  may find them a better home) and drops the examples the reader taught it: a section that no
  longer exists has nothing to teach, and "Other" must not learn that those stories fit nowhere.
* Moving articles marks them placed by hand (a re-sort never touches them) and records each as a
  training example of its new section; moving it again replaces its example.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from reader.core.store import DEFAULT_SECTIONS as SHIPPED_SECTIONS
from reader.core.store import FALLBACK_SECTION, MOVED_REASON, Library, now_utc
from reader.core.transactions import write_transaction
from reader.core.views import SMART_VIEWS, Section

__all__ = [
    "MAX_NAME",
    "MOVED_REASON",
    "RESORT_BATCH",
    "Deleted",
    "Moved",
    "Resorted",
    "SectionError",
    "create_section",
    "delete_section",
    "move_articles",
    "move_section",
    "reason",
    "rename_section",
    "reorder_sections",
    "resort_all",
    "sections",
    "undo_move",
]

MAX_NAME = 60
RESORT_BATCH = 2000
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


class SectionError(Exception):
    """A section operation that cannot be done; the message is fit to show the reader."""


@dataclass(frozen=True, slots=True)
class Moved:
    """Articles moved to a section by the reader.

    ``article_ids``: the articles moved (ids that no longer exist are left out);
    ``from_sections``: how many left each section (the target included when some were already
    there: they are now placed by hand); ``section_ids``: every section whose counts changed.
    ``previous`` is what :func:`undo_move` needs.
    """

    section_id: int
    article_ids: list[int]
    from_sections: dict[int, int]
    previous: list[tuple[int, int, str | None, int, int | None, str | None]] = field(repr=False)

    @property
    def section_ids(self) -> set[int]:
        return {self.section_id, *self.from_sections}


@dataclass(frozen=True, slots=True)
class Deleted:
    """A deleted section: its articles now in ``moved_to`` (Other), its examples dropped."""

    section: Section
    moved_to: int
    article_ids: list[int]
    examples_dropped: int

    @property
    def section_ids(self) -> set[int]:
        return {self.section.id, self.moved_to}


@dataclass(frozen=True, slots=True)
class Resorted:
    """A re-sort: ``moved`` counts articles that changed section, per new section name."""

    examined: int
    moved: dict[str, int]
    section_ids: set[int]
    cancelled: bool = False

    @property
    def total_moved(self) -> int:
        return sum(self.moved.values())


# --- helpers ------------------------------------------------------------------------------------


def _chunks(ids: Sequence[int], n: int = _CHUNK) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), n):
        yield ids[i : i + n]


def sections(lib: Library) -> list[Section]:
    """The library's sections in sidebar order."""
    return [
        Section(*r)
        for r in lib.conn.execute("SELECT id, name, position FROM sections ORDER BY position, id")
    ]


def article_count(lib: Library, section_id: int) -> int:
    """How many articles a section holds (deleting it sends them to the fallback section)."""
    return lib.conn.execute(
        "SELECT COUNT(*) FROM articles WHERE section_id = ?", (section_id,)
    ).fetchone()[0]


def sections_of(lib: Library, article_ids: Sequence[int]) -> set[int]:
    """The sections these articles are in."""
    return _firsts(lib, "SELECT DISTINCT section_id FROM articles WHERE id IN ({})", article_ids)


def already_in(lib: Library, article_ids: Sequence[int], section_id: int) -> set[int]:
    """Which of these articles are in this section already."""
    return _firsts(
        lib, "SELECT id FROM articles WHERE section_id = ? AND id IN ({})", article_ids, section_id
    )


def _firsts(lib: Library, sql: str, ids: Sequence[int], *params: object) -> set[int]:
    """The first column of ``sql`` run over ``ids`` a chunk at a time (``{}``: the chunk's
    placeholders, after ``params``)."""
    out: set[int] = set()
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in lib.conn.execute(sql.format(marks), (*params, *chunk)))
    return out


def placed_by_hand(lib: Library) -> tuple[int, int]:
    """(articles the reader placed, all articles): what a re-sort leaves alone, of how many."""
    by_hand, total = lib.conn.execute(
        "SELECT COALESCE(SUM(section_by_user), 0), COUNT(*) FROM articles"
    ).fetchone()
    return int(by_hand), int(total)


def _get(conn: sqlite3.Connection, section_id: int) -> Section:
    row = conn.execute(
        "SELECT id, name, position FROM sections WHERE id = ?", (section_id,)
    ).fetchone()
    if row is None:
        raise SectionError("That section no longer exists.")
    return Section(*row)


def _is_fallback(name: str) -> bool:
    return name.casefold() == FALLBACK_SECTION.casefold()


def _clean_name(conn: sqlite3.Connection, name: str, section_id: int | None = None) -> str:
    # Pasted names may carry tabs, line ends or invisible control characters: none belong in a
    # sidebar.
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in str(name)).split())
    if not cleaned:
        raise SectionError("A section needs a name.")
    if len(cleaned) > MAX_NAME:
        raise SectionError(f"A section name can be at most {MAX_NAME} characters long.")
    if cleaned.casefold() in SMART_VIEWS:
        raise SectionError(f"“{cleaned}” is a view of the sidebar already; choose another name.")
    for sid, existing in conn.execute("SELECT id, name FROM sections"):
        if sid != section_id and existing.casefold() == cleaned.casefold():
            raise SectionError(f"There is already a section called “{existing}”.")
    return cleaned


def _renumber(conn: sqlite3.Connection, ordered: Sequence[int]) -> None:
    conn.executemany(
        "UPDATE sections SET position = ? WHERE id = ? AND position != ?",
        [(i, sid, i) for i, sid in enumerate(ordered)],
    )


def _order(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM sections ORDER BY position, id")]


def _fallback_id(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT id FROM sections WHERE name = ?", (FALLBACK_SECTION,)).fetchone()
    if row is not None:
        return row[0]
    # Only a library damaged by hand lacks it; deleting must still lose nothing.
    cur = conn.execute(
        "INSERT INTO sections (name, position, builtin) "
        "SELECT ?, COALESCE(MAX(position), -1) + 1, "
        "CASE WHEN EXISTS (SELECT 1 FROM sections WHERE builtin = ?) THEN NULL ELSE ? END "
        "FROM sections",
        (FALLBACK_SECTION, FALLBACK_SECTION, FALLBACK_SECTION),
    )
    assert cur.lastrowid is not None  # set by every INSERT
    return cur.lastrowid


# --- sections -----------------------------------------------------------------------------------


def create_section(lib: Library, name: str, position: int | None = None) -> Section:
    """A new, empty section; by default just above Other when Other is last, else at the end.

    A name of a shipped section whose knowledge no section carries (the reader deleted "Health"
    and makes it again) gets that knowledge back.
    """
    with write_transaction(lib, SectionError) as conn:
        cleaned = _clean_name(conn, name)
        order = _order(conn)
        shipped = {n.casefold(): n for n in SHIPPED_SECTIONS}.get(cleaned.casefold())
        if (
            shipped is not None
            and conn.execute("SELECT 1 FROM sections WHERE builtin = ?", (shipped,)).fetchone()
        ):
            shipped = None
        cur = conn.execute(
            "INSERT INTO sections (name, position, builtin) VALUES (?, ?, ?)",
            (cleaned, len(order), shipped),
        )
        new_id = cur.lastrowid
        assert new_id is not None  # set by every INSERT
        if position is None:
            last = order[-1] if order else None
            position = len(order)
            if last is not None and _is_fallback(_get(conn, last).name):
                position = len(order) - 1
        position = max(0, min(int(position), len(order)))
        _renumber(conn, [*order[:position], new_id, *order[position:]])
        return _get(conn, new_id)


def rename_section(lib: Library, section_id: int, new_name: str) -> Section:
    """The section under its new name; its articles' reasons are spelled with the new name.

    A change of case only ("sport" -> "Sport") is a rename too. Other cannot be renamed.
    """
    with write_transaction(lib, SectionError) as conn:
        old = _get(conn, section_id)
        if _is_fallback(old.name):
            raise SectionError(
                f"“{old.name}” holds what fits in no other section; it cannot be renamed."
            )
        cleaned = _clean_name(conn, new_name, section_id)
        if cleaned == old.name:
            return old
        conn.execute("UPDATE sections SET name = ? WHERE id = ?", (cleaned, section_id))
        # "Sport: Lakers, NBA" -> "Sports: Lakers, NBA"; the reader's own reasons have no name.
        conn.execute(
            "UPDATE articles SET section_reason = ? || substr(section_reason, ?) "
            "WHERE section_id = ? AND (section_reason = ? OR substr(section_reason, 1, ?) = ?)",
            (cleaned, len(old.name) + 1, section_id, old.name, len(old.name) + 1, old.name + ":"),
        )
        return _get(conn, section_id)


def move_section(lib: Library, section_id: int, new_position: int) -> list[Section]:
    """Put a section at ``new_position`` (0 = top, clamped); returns every section in new order."""
    with write_transaction(lib, SectionError) as conn:
        _get(conn, section_id)
        order = [sid for sid in _order(conn) if sid != section_id]
        position = max(0, min(int(new_position), len(order)))
        order.insert(position, section_id)
        _renumber(conn, order)
    return sections(lib)


def reorder_sections(lib: Library, section_ids: Sequence[int]) -> list[Section]:
    """Set the whole order at once (a drag in the sidebar); ``section_ids`` must be all of them."""
    with write_transaction(lib, SectionError) as conn:
        ids = [int(i) for i in section_ids]
        if sorted(ids) != sorted(_order(conn)):
            raise SectionError("The sections changed meanwhile; the new order was not saved.")
        _renumber(conn, ids)
    return sections(lib)


def delete_section(lib: Library, section_id: int) -> Deleted:
    """Delete a section: its articles go to Other (nothing is lost), its examples are dropped."""
    with write_transaction(lib, SectionError) as conn:
        section = _get(conn, section_id)
        if _is_fallback(section.name):
            raise SectionError(
                f"“{section.name}” holds what fits in no other section; it cannot be deleted."
            )
        other = _fallback_id(conn)
        article_ids = [
            r[0]
            for r in conn.execute("SELECT id FROM articles WHERE section_id = ?", (section_id,))
        ]
        conn.execute(
            "UPDATE articles SET section_id = ?, section_by_user = 0, section_reason = ? "
            "WHERE section_id = ?",
            (other, f"{FALLBACK_SECTION}: section “{section.name}” was deleted", section_id),
        )
        (examples,) = conn.execute(
            "SELECT COUNT(*) FROM section_examples WHERE section_id = ?", (section_id,)
        ).fetchone()
        conn.execute("DELETE FROM section_examples WHERE section_id = ?", (section_id,))
        conn.execute("DELETE FROM sections WHERE id = ?", (section_id,))
        _renumber(conn, _order(conn))
    return Deleted(section, other, article_ids, examples)


# --- articles -----------------------------------------------------------------------------------


def _placements(conn: sqlite3.Connection, ids: list[int]) -> list[tuple]:
    """(id, section, reason, by user, example's section, example's time) of existing articles."""
    rows = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(
            "SELECT a.id, a.section_id, a.section_reason, a.section_by_user, "
            "e.section_id, e.moved_at FROM articles a "
            f"LEFT JOIN section_examples e ON e.article_id = a.id WHERE a.id IN ({marks})",
            chunk,
        ).fetchall()
    return rows


def move_articles(lib: Library, article_ids: Iterable[int], section_id: int) -> Moved:
    """Move articles to a section by hand: placed by the reader, and learned from from now on."""
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    moved_at = now_utc()
    with write_transaction(lib, SectionError) as conn:
        _get(conn, section_id)
        previous = _placements(conn, ids)
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            conn.execute(
                "UPDATE articles SET section_id = ?, section_by_user = 1, section_reason = ? "
                f"WHERE id IN ({marks})",
                (section_id, MOVED_REASON, *chunk),
            )
        found = [row[0] for row in previous]
        conn.executemany(
            "INSERT INTO section_examples (article_id, section_id, moved_at) VALUES (?, ?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET section_id = excluded.section_id, "
            "moved_at = excluded.moved_at",
            [(aid, section_id, moved_at) for aid in found],
        )
    order = {aid: i for i, aid in enumerate(ids)}
    found.sort(key=order.__getitem__)
    return Moved(section_id, found, dict(Counter(row[1] for row in previous)), previous)


def undo_move(lib: Library, moved: Moved) -> Moved:
    """Put the articles of a move back where they were, with their reasons and examples.

    Articles deleted since are skipped; one whose former section was deleted since goes to Other.
    Returns what the undo changed (its ``previous`` would redo it).
    """
    with write_transaction(lib, SectionError) as conn:
        existing = {r[0] for r in conn.execute("SELECT id FROM sections")}
        other = None
        restore = []
        for aid, sid, why, by_user, ex_sid, ex_at in moved.previous:
            if sid not in existing:
                other = other if other is not None else _fallback_id(conn)
                sid, by_user = other, 0
            if ex_sid is not None and ex_sid not in existing:
                ex_sid = None
            restore.append((aid, sid, why, by_user, ex_sid, ex_at))
        now = _placements(conn, [r[0] for r in restore])
        alive = {r[0] for r in now}
        restore = [r for r in restore if r[0] in alive]
        conn.executemany(
            "UPDATE articles SET section_id = ?, section_reason = ?, section_by_user = ? "
            "WHERE id = ?",
            [(sid, why, by_user, aid) for aid, sid, why, by_user, _, _ in restore],
        )
        conn.executemany(
            "DELETE FROM section_examples WHERE article_id = ?",
            [(r[0],) for r in restore if r[4] is None],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO section_examples (article_id, section_id, moved_at) "
            "VALUES (?, ?, ?)",
            [(r[0], r[4], r[5]) for r in restore if r[4] is not None],
        )
    from_sections = dict(Counter(r[1] for r in now))
    target = moved.section_id
    return Moved(target, [r[0] for r in restore], from_sections, now)


def reason(lib: Library, article_id: int) -> tuple[str | None, bool] | None:
    """Why an article is where it is: (reason text, placed by the reader); None if it is gone."""
    row = lib.conn.execute(
        "SELECT section_reason, section_by_user FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    return None if row is None else (row[0], bool(row[1]))


# --- re-sorting ---------------------------------------------------------------------------------


def _signature(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT id, name, builtin FROM sections ORDER BY id").fetchall()


def resort_all(
    lib: Library,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch: int = RESORT_BATCH,
) -> Resorted:
    """Place again every article the reader did not place by hand, with today's knowledge.

    The classifier is built once (shipped knowledge plus every example); articles are read, placed
    and written ``batch`` at a time, one transaction each, so the window keeps reading and a
    cancel keeps what was done. ``progress(done, total)`` is called after every batch and
    ``cancelled()`` polled between batches. An article the reader moves meanwhile is left alone;
    if sections change meanwhile the classifier is rebuilt for the rest.
    """
    conn = lib.conn
    if conn.in_transaction:
        conn.commit()
    # The classifier is imported here, not at the top: the window imports this module at start-up
    # and only a re-sort needs it.
    from reader.core.placement import BODY_CHARS, placer_for_library

    placer = placer_for_library(lib)
    signature = _signature(conn)
    (total,) = conn.execute("SELECT COUNT(*) FROM articles WHERE section_by_user = 0").fetchone()
    moved: Counter[str] = Counter()
    touched: set[int] = set()
    done = 0
    last = 0
    if progress is not None:
        progress(0, total)
    while True:
        if cancelled is not None and cancelled():
            return Resorted(done, dict(moved), touched, cancelled=True)
        rows = conn.execute(
            "SELECT id, title, summary, substr(body, 1, ?), section_id, section_reason "
            "FROM articles WHERE id > ? AND section_by_user = 0 ORDER BY id LIMIT ?",
            (BODY_CHARS, last, max(1, batch)),
        ).fetchall()
        if conn.in_transaction:
            conn.commit()
        if not rows:
            break
        last = rows[-1][0]
        now_signature = _signature(conn)
        if now_signature != signature:
            placer, signature = placer_for_library(lib), now_signature
        changes = []
        for aid, title, summary, text, sid, why in rows:
            p = placer.place(title, summary.split("\n") if summary else None, text)
            if p.section_id != sid or p.reason != why:
                changes.append((aid, sid, p))
        if changes:
            with write_transaction(lib, SectionError) as w:
                by_hand: set[int] = set()
                for chunk in _chunks([c[0] for c in changes]):
                    marks = ",".join("?" * len(chunk))
                    by_hand.update(
                        r[0]
                        for r in w.execute(
                            f"SELECT id FROM articles WHERE id IN ({marks}) "
                            "AND section_by_user = 1",
                            chunk,
                        )
                    )
                changes = [c for c in changes if c[0] not in by_hand]
                w.executemany(
                    "UPDATE articles SET section_id = ?, section_reason = ? WHERE id = ?",
                    [(p.section_id, p.reason, aid) for aid, _, p in changes],
                )
            for _, old, p in changes:
                if p.section_id != old:
                    moved[p.section] += 1
                    touched.update((old, p.section_id))
        done += len(rows)
        if progress is not None:
            progress(done, total)
    return Resorted(done, dict(moved), touched)
