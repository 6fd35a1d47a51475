"""Re-parse an imported dump with today's parser, keeping what the reader did with its articles.

The dump's text comes from the copy kept at import (reader.core.dump_copies); a source imported
before copies were kept is re-read from its original file when that is still there with the size
it had (and a copy is kept from then on), else it cannot be re-parsed and says so.

The new parse, with the reader's hand fixes applied (reader.core.hand_fixes), is matched to the
source's articles: the same fingerprint is the same article, left untouched; otherwise the old
article sharing most paragraphs with a new one (its headline first) carries its read, starred and
section state to it: the best match of each old article rewrites it in place (same id), the others
are inserted with that state; old articles that no new one overlaps are removed. All of it is one
transaction: a failure or a cancel leaves the library as it was.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from reader.core.article import Article, text_to_blocks
from reader.core.dump_copies import copy_info, keep_copy_after_import, open_copy
from reader.core.dumps import ParseReport, parse_stream
from reader.core.hand_fixes import FixSet, anchor, load_fixes
from reader.core.store import FALLBACK_SECTION, Library
from reader.core.wording import counted

log = logging.getLogger(__name__)

Place = Callable[[Article], tuple[int, str | None]]  # article -> (section id, reason)


class ReparseError(Exception):
    """A source that cannot be re-parsed; the message is fit to show a person."""


@dataclass
class Reparsed:
    source_id: int
    name: str
    origin: str  # where the text came from, in words
    before: int = 0
    unchanged: int = 0
    rewritten: int = 0
    new: int = 0
    removed: int = 0
    duplicates: int = 0
    fixes_applied: int = 0
    fixes_lost: int = 0
    dry_run: bool = False
    changed_ids: list[int] = field(default_factory=list)

    @property
    def after(self) -> int:
        return self.unchanged + self.rewritten + self.new

    def summary(self) -> str:
        """'seed-dump.txt: 19 articles became 200 (12 unchanged, 7 rewritten, 181 new, 0
        removed)' and what was kept."""
        head = f"{self.name}: {counted(self.before, 'article')}"
        verb = "would become" if self.dry_run else "became"
        if not (self.rewritten or self.new or self.removed):
            text = head + (" would stay as they are" if self.dry_run else ", all unchanged")
            return text + self._fixes()
        text = head + f" {verb} {self.after:,}"
        parts = [f"{self.unchanged:,} unchanged", f"{self.rewritten:,} rewritten"]
        parts += [f"{self.new:,} new", f"{self.removed:,} removed"]
        if self.duplicates:
            parts.append(f"{self.duplicates:,} already in the library from other dumps")
        return text + f" ({', '.join(parts)})" + self._fixes()

    def _fixes(self) -> str:
        text = ""
        if self.fixes_applied:
            text += f"; {_fixes(self.fixes_applied)} of yours applied again"
        if self.fixes_lost:
            text += f"; {_fixes(self.fixes_lost)} no longer find their text"
        return text


def _fixes(n: int) -> str:
    return f"{n:,} hand fix{'' if n == 1 else 'es'}"


@dataclass(frozen=True)
class SourceRow:
    id: int
    path: str
    name: str
    size: int | None
    status: str
    imported_at: str


def sources(lib: Library) -> list[SourceRow]:
    return [
        SourceRow(*r)
        for r in lib.conn.execute(
            "SELECT id, path, name, size, status, imported_at FROM sources "
            "WHERE removed_at IS NULL ORDER BY id"
        )
    ]


def find_sources(lib: Library, words: list[str]) -> list[SourceRow]:
    """The sources named by ``words`` (an id, a file name or a path); all when none.

    Raises ReparseError naming the first word that names no source.
    """
    every = sources(lib)
    if not words:  # every import that went to its end (the others are imported again instead)
        return [s for s in every if s.status == "done"]
    out: list[SourceRow] = []
    for word in words:
        full = str(Path(word).expanduser().absolute())
        found = [
            s
            for s in every
            if word == str(s.id) or word == s.name or word == s.path or full == s.path
        ]
        if not found:
            raise ReparseError(f"no imported dump '{word}' in this library")
        out += [s for s in found if s not in out]
    return out


def library_place(lib: Library) -> Place:
    """Sections for new articles as an import would choose them now (reader.core.placement)."""
    from reader.core.placement import body_start, placer_for_library

    placer = placer_for_library(lib)

    def place(article: Article) -> tuple[int, str | None]:
        p = placer.place(article.title, article.summary, body_start(article))
        return p.section_id, p.reason

    return place


# --- the text ---------------------------------------------------------------------------------


def _open_text(lib: Library, src: SourceRow) -> tuple[BinaryIO, str, int, str | None]:
    """(stream, where it came from, its size, its layout); the layout is "file" for the
    original file (its layout then is unknown: detected)."""
    info = copy_info(lib, src.id)
    if info is not None:
        return open_copy(lib, src.id), "the copy kept at import", info.raw_size, info.layout
    path = Path(src.path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ReparseError(
            f"{src.name}: no copy was kept when it was imported (by an older Dispatch) and "
            f"{src.path} is gone; import it again to re-parse it"
        ) from None
    if src.size is not None and size != src.size:
        raise ReparseError(
            f"{src.name}: no copy was kept when it was imported (by an older Dispatch) and "
            f"{src.path} has changed since ({size:,} bytes, then {src.size:,}); "
            "import it again instead"
        )
    return path.open("rb"), f"the original file {src.path}", size, "file"


# --- matching ---------------------------------------------------------------------------------


def _texts(title: str, blocks: Sequence[tuple[str, str]], summary: list[str]) -> set[str]:
    return {anchor(t) for t in (title, *summary, *(b for _, b in blocks))}


@dataclass
class _Old:
    id: int
    title: str
    anchors: set[str]
    read: int
    starred: int
    section_id: int
    section_reason: str | None
    by_user: int
    added_at: str
    deleted_at: str | None  # in the Trash: what it becomes goes there too


def _old_rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, _Old]:
    out = {}
    for i in ids:
        r = conn.execute(
            "SELECT id, title, summary, body, read, starred, section_id, section_reason, "
            "section_by_user, added_at, deleted_at FROM articles WHERE id = ?",
            (i,),
        ).fetchone()
        summary = [s for s in (r[2] or "").split("\n") if s]
        anchors = _texts(r[1], text_to_blocks(r[3]), summary)
        out[i] = _Old(r[0], r[1], anchors, *r[4:])
    return out


def _match(new: list[Article], old: dict[int, _Old]) -> tuple[dict[int, int], dict[int, int]]:
    """(best old id of each new article that overlaps one, the new article that rewrites each
    old one), new articles by index."""
    by_anchor: dict[str, list[int]] = {}
    for o in old.values():
        for h in o.anchors:
            by_anchor.setdefault(h, []).append(o.id)
    best: dict[int, int] = {}
    score: dict[int, int] = {}
    for i, a in enumerate(new):
        counts: Counter[int] = Counter()
        for h in _texts(a.title, a.blocks, a.summary):
            counts.update(by_anchor.get(h, ()))
        if not counts:
            continue
        oid, n = max(
            counts.items(), key=lambda kv: (kv[1] + 1000 * (old[kv[0]].title == a.title), -kv[0])
        )
        best[i] = oid
        score[i] = n + 1000 * (old[oid].title == a.title)
    rewrites: dict[int, int] = {}
    for i, oid in best.items():
        j = rewrites.get(oid)
        if j is None or score[i] > score[j]:
            rewrites[oid] = i
    return best, rewrites


# --- the work ---------------------------------------------------------------------------------


def _parse(
    stream: BinaryIO, total: int, layout: str | None, report: ParseReport,
    progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
    fixes: FixSet, old_fps: dict[str, int],
) -> tuple[set[int], list[Article]]:  # fmt: skip
    """(ids of old articles found again as they are, the parse's other articles): only those
    are held in memory, so re-parsing an unchanged 100 MB dump holds little more than ids."""
    kept: set[int] = set()
    fresh: list[Article] = []
    seen: set[str] = set()
    for a in fixes.apply(parse_stream(stream, layout=layout, report=report)):
        if cancelled is not None and cancelled():
            raise ReparseError("re-parse cancelled; nothing was changed")
        if progress is not None:
            progress(min(a.end, total), total)
        fp = a.fingerprint
        if not a.words or fp in seen:
            continue
        seen.add(fp)
        if fp in old_fps:
            kept.add(old_fps[fp])
        else:
            fresh.append(a)
    return kept, fresh


_TEXT = "title, dateline, summary, body, fingerprint, words, published_at, byline, title_derived"


def _text_values(a: Article) -> tuple:
    from reader.core.importing import published_at

    return (a.title, a.dateline, "\n".join(a.summary), a.body_text, a.fingerprint, a.words,
            published_at(a), a.byline, int(a.title_derived))  # fmt: skip


def reparse_source(
    lib: Library,
    source: SourceRow,
    *,
    place: Place | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    allow_removal: Callable[[Reparsed], bool] | None = None,
) -> Reparsed:
    """Re-parse one source (see the module's docstring); ``dry_run`` only counts.

    ``allow_removal``, when given, is asked before a re-parse that would remove articles (with
    the counts); False leaves the library as it was (ReparseError).
    ``place`` sections an article none of the old ones overlaps, or whose old one was placed by
    the classifier (without it those keep the old one's section, or go to Other).
    """
    if source.status == "running":
        raise ReparseError(f"{source.name}: is being imported right now; re-parse it afterwards")
    if source.status != "done":
        raise ReparseError(
            f"{source.name}: its import did not finish ({source.status}); "
            "import it again to finish it instead"
        )
    conn = lib.conn
    stream, origin, total, layout = _open_text(lib, source)
    original = layout == "file"
    if original:
        layout = None
    fixes = load_fixes(lib)
    report = ParseReport()
    old_fps = dict(
        conn.execute("SELECT fingerprint, id FROM articles WHERE source_id = ?", (source.id,))
    )
    try:
        with stream:
            kept, fresh = _parse(stream, total, layout, report, progress, cancelled, fixes, old_fps)
    except (OSError, UnicodeError) as e:
        raise ReparseError(f"{source.name}: cannot be read again ({e})") from e
    result = Reparsed(source.id, source.name, origin, dry_run=dry_run)
    mine = {fix.id for fix in fixes.fixes if _fix_source(conn, fix.id) == source.id}
    result.fixes_applied = len(mine & fixes.applied)
    result.fixes_lost = len(mine - fixes.applied)
    result.before = len(old_fps)
    elsewhere = _elsewhere(conn, [a.fingerprint for a in fresh])
    result.duplicates = sum(a.fingerprint in elsewhere for a in fresh)
    fresh = [a for a in fresh if a.fingerprint not in elsewhere]
    result.unchanged = len(kept)
    old = _old_rows(conn, [i for i in old_fps.values() if i not in kept])
    best, rewrites = _match(fresh, old)
    result.rewritten = len(rewrites)
    result.new = len(fresh) - len(rewrites)
    result.removed = len(old) - len(rewrites)
    if dry_run:
        return result
    asked = replace(result, dry_run=True)  # what it would do, in those words
    if result.removed and allow_removal is not None and not allow_removal(asked):
        raise ReparseError(
            f"{source.name}: re-parsing would remove {counted(result.removed, 'article')} "
            "that nothing in the new parse overlaps; nothing was changed"
        )
    if cancelled is not None and cancelled():
        raise ReparseError("re-parse cancelled; nothing was changed")
    _write(lib, source, fresh, old, best, rewrites, place, report, result)
    if original:  # from now on the copy serves, whatever becomes of the file
        keep_copy_after_import(lib, source.id, Path(source.path))
    return result


def _fix_source(conn: sqlite3.Connection, fix_id: int) -> int | None:
    row = conn.execute("SELECT source_id FROM hand_fixes WHERE id = ?", (fix_id,)).fetchone()
    return row[0] if row else None


def _elsewhere(conn: sqlite3.Connection, fps: list[str]) -> set[str]:
    out: set[str] = set()
    for fp in fps:
        if conn.execute("SELECT 1 FROM articles WHERE fingerprint = ?", (fp,)).fetchone():
            out.add(fp)
    return out


def _write(
    lib: Library, source: SourceRow, fresh: list[Article], old: dict[int, _Old],
    best: dict[int, int], rewrites: dict[int, int], place: Place | None, report: ParseReport,
    result: Reparsed,
) -> None:  # fmt: skip
    conn = lib.conn
    if conn.in_transaction:
        conn.commit()
    rewriter = {i: oid for oid, i in rewrites.items()}
    fallback = conn.execute(
        "SELECT id FROM sections WHERE name = ?", (FALLBACK_SECTION,)
    ).fetchone()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "DELETE FROM articles WHERE id = ?", [(i,) for i in old if i not in rewrites]
        )
        sets = ", ".join(f"{c.strip()} = ?" for c in _TEXT.split(","))
        for i, a in enumerate(fresh):
            oid = rewriter.get(i)
            if oid is not None:
                conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*_text_values(a), oid))
                result.changed_ids.append(oid)
                continue
            o = old.get(best[i]) if i in best else None
            if o is not None and (o.by_user or place is None):
                section, reason, by_user = o.section_id, o.section_reason, o.by_user
            elif place is not None:
                (section, reason), by_user = place(a), 0
            else:
                section, reason, by_user = fallback[0], None, 0
            cur = conn.execute(
                f"INSERT INTO articles ({_TEXT}, section_id, section_reason, section_by_user, "
                "source_id, added_at, read, starred, deleted_at) VALUES "
                f"({', '.join('?' * 17)})",
                (*_text_values(a), section, reason, by_user, source.id,
                 o.added_at if o else source.imported_at, o.read if o else 0,
                 o.starred if o else 0, o.deleted_at if o else None),
            )  # fmt: skip
            assert cur.lastrowid is not None
            result.changed_ids.append(cur.lastrowid)
        conn.execute(
            "UPDATE sources SET new_count = ?, warning = ? WHERE id = ?",
            (result.after, report.warning(), source.id),
        )
        conn.commit()
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.rollback()
        raise
