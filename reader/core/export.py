"""Exporting articles: the selected ones, a search's results or the whole library, to Markdown,
HTML or plain text, in one file or one file each in a folder.

Articles are read and written as a stream (one SQLite cursor, or chunks of ids), so memory stays
flat however many are exported; only the ids of a search's results are held (8 bytes each).
A single file is written under a temporary name beside the target and renamed at the end, so an
export that fails or is cancelled never leaves a half-written file in its place; in a folder,
each file is complete when it appears. How the text is rendered: reader.core.export_formats.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reader.core.export_formats import (
    EXTENSIONS,
    FORMATS,
    HTML_TAIL,
    MD_SEPARATOR,
    TEXT_SEPARATOR,
    ExportRow,
    html_head,
    renderer,
)
from reader.core.query import parse_query
from reader.core.search import WEIGHTS, Order
from reader.core.views import LIVE_FILTER, View, view_filter

if TYPE_CHECKING:
    from reader.core.store import Library

#: ExportRow's columns; the body as the UTF-8 bytes SQLite keeps: it is written out as it is read,
#: never decoded nor encoded again (see reader.core.export_formats).
COLUMNS = (
    "a.id, a.title, a.dateline, a.summary, s.name, src.name, a.added_at, a.published_at,"
    " a.byline, CAST(a.body AS BLOB)"
)
_FROM = (
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " LEFT JOIN sources src ON src.id = a.source_id"
)
_CHUNK = 500
_BUFFER = 1 << 20  # the file's buffer: big, few writes to the disk
#: A file name's length at most, in UTF-8 bytes (most file systems allow 255).
NAME_BYTES = 120
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?")


class ExportError(Exception):
    """An export that cannot be done; the message is fit to show a user."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    articles: int
    files: int
    path: Path
    seconds: float
    cancelled: bool = False

    def summary(self) -> str:
        n = f"{self.articles:,} article{'s' if self.articles != 1 else ''}"
        where = f"{self.files:,} files in {self.path}" if self.files > 1 else str(self.path)
        if self.cancelled:
            return f"Export cancelled: {n} written ({where})"
        return f"Exported {n} to {where} in {self.seconds:.1f} s"


def format_for(path: Path, default: str = "md") -> str:
    """The format a file name asks for (.md, .markdown, .html, .htm, .txt, .text)."""
    suffix = path.suffix.lower()
    for fmt, names in (("md", (".md", ".markdown")), ("html", (".html", ".htm")),
                       ("txt", (".txt", ".text"))):  # fmt: skip
        if suffix in names:
            return fmt
    return default


# --- what to export ---------------------------------------------------------------------------


def search_ids(
    lib: Library, query: str, *, scope: View | None = None, order: Order = "date"
) -> list[int]:
    """The ids of every article a search finds: best first (``rank``, every match ranked) or
    newest first. Raises ExportError for a query that finds nothing because it asks nothing."""
    q = parse_query(query)
    if q.is_empty:
        raise ExportError(q.message or f"The search “{query}” asks for nothing to find.")
    where: list[str] = [] if scope is not None else [f"a.{LIVE_FILTER}"]  # a scope has its own
    params: list = []
    for f in q.filters:
        where.append(f.sql)
        params.extend(f.params)
    if scope is not None:
        sql, args = view_filter(scope)
        where.append(f"({sql})")
        params.extend(args)
    if q.match:
        bm25 = "bm25(articles_fts, {}, {}, {})".format(*WEIGHTS)
        sql = (
            "SELECT a.id FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid"
            " WHERE articles_fts MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY {bm25 + ', ' if order == 'rank' else ''}a.id DESC"
        )
        args_all = [q.match, *params]
    else:
        if q.exclude:
            where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(q.exclude)
        sql = f"SELECT a.id FROM articles a WHERE {' AND '.join(where)} ORDER BY a.id DESC"
        args_all = params
    return [r[0] for r in lib.conn.execute(sql, args_all)]


def view_ids(lib: Library, view: View) -> list[int]:
    """The ids of a view's articles (a section, Unread, the Trash…), newest first."""
    sql, params = view_filter(view)
    rows = lib.conn.execute(f"SELECT id FROM articles WHERE {sql} ORDER BY id DESC", params)
    return [r[0] for r in rows]


def count_all(lib: Library) -> int:
    """Articles outside the Trash (from the kept counts: no scan)."""
    return lib.conn.execute("SELECT coalesce(sum(articles), 0) FROM section_counts").fetchone()[0]


#: Every article not in the Trash, newest first.
ALL_SQL = f"SELECT {COLUMNS}{_FROM} WHERE a.{LIVE_FILTER} ORDER BY a.id DESC"


def articles(lib: Library, ids: Sequence[int] | None = None) -> Iterator[ExportRow]:
    """The articles ``ids`` in that order (missing ones skipped), or every article newest
    first; streamed."""
    conn = lib.conn
    if ids is None:
        yield from map(ExportRow._make, conn.execute(ALL_SQL))
        return
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT {COLUMNS}{_FROM} WHERE a.id IN ({marks})", chunk)
        found = {r[0]: r for r in rows}
        yield from (ExportRow._make(found[i]) for i in chunk if i in found)


# --- writing ------------------------------------------------------------------------------------

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def export(
    lib: Library,
    target: Path,
    fmt: str = "md",
    *,
    ids: Sequence[int] | None = None,
    folder: bool = False,
    title: str = "Dispatch export",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Exported:
    """Write the articles ``ids`` (None: the whole library) to ``target`` in ``fmt``.

    ``folder``: ``target`` is a folder (made if missing) and each article gets a file of its
    own, named after its headline, never over an existing file. ``progress(done, total)`` is
    called every few hundred articles; ``cancelled()`` is polled as often and stops the export
    (a single file is then not written at all).
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}: one of {', '.join(FORMATS)}.")
    t0 = time.perf_counter()
    total = len(ids) if ids is not None else count_all(lib)
    stream = articles(lib, ids)
    try:
        if folder:
            done, files, stopped = _to_folder(stream, Path(target), fmt, total, progress, cancelled)
        else:
            done, stopped = _to_file(stream, Path(target), fmt, title, total, progress, cancelled)
            files = 0 if stopped else 1
    except OSError as e:
        raise ExportError(f"Cannot write {e.filename or target}: {e.strerror or e}.") from e
    return Exported(done, files, Path(target), time.perf_counter() - t0, stopped)


def _to_file(
    stream: Iterator[ExportRow],
    target: Path,
    fmt: str,
    title: str,
    total: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[int, bool]:
    if target.is_dir():
        raise ExportError(f"{target} is a folder: give a file name, or export one file each.")
    partial = target.with_name(f".{target.name}.partial")
    done = 0
    try:
        with partial.open("wb", buffering=_BUFFER) as out:
            done = _write_stream(out, stream, fmt, title, total, progress, cancelled)
        if cancelled is not None and cancelled():
            partial.unlink()
            return done, True
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    if progress is not None:
        progress(done, total)
    return done, False


def _write_stream(
    out: BinaryIO,
    stream: Iterator[ExportRow],
    fmt: str,
    title: str,
    total: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> int:
    separator = {"md": MD_SEPARATOR, "txt": TEXT_SEPARATOR, "html": b""}[fmt]
    render = renderer(fmt)
    if fmt == "html":
        out.write(html_head(title))
    writer = _BlockWriter(out)
    # Blocks of articles: one writelines a block (each piece copied once, into the file's
    # buffer), on the writer's thread.
    block: list[bytes] = []
    done = 0
    try:
        for a in stream:
            if done:
                block.append(separator)
            block.extend(render(a, a.body))
            done += 1
            if done % 256 == 0:
                writer.write(block)
                block = []
                if cancelled is not None and cancelled():
                    return done
                if progress is not None:
                    progress(done, total)
        writer.write(block)
    finally:
        writer.close()
    if fmt == "html":
        out.write(HTML_TAIL)
    return done


class _BlockWriter:
    """Writes blocks of pieces to ``out`` on a thread of its own.

    The write system calls (the kernel copying hundreds of MB into the page cache: a third of an
    export's time) release the GIL, so on a second core they overlap the reading and rendering
    of the next blocks. At most ``depth`` blocks wait, so memory stays flat; an error in the
    thread (a full disk) is raised at the next write or at close.
    """

    def __init__(self, out: BinaryIO, depth: int = 4) -> None:
        self.out = out
        self.blocks: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="export-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (block := self.blocks.get()) is not None:
            if self.error is None:
                try:
                    self.out.writelines(block)
                except BaseException as e:  # raised in the exporting thread
                    self.error = e

    def write(self, block: list[bytes]) -> None:
        if self.error is not None:
            raise self.error
        self.blocks.put(block)

    def close(self) -> None:
        """Wait for every block to be written; raise what went wrong, if anything."""
        self.blocks.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _to_folder(
    stream: Iterator[ExportRow],
    folder: Path,
    fmt: str,
    total: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[int, int, bool]:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file: give a folder to export one file each into.")
    folder.mkdir(parents=True, exist_ok=True)
    taken = {p.name.casefold() for p in folder.iterdir()}
    ext = EXTENSIONS[fmt]
    done = 0
    render = renderer(fmt)
    for a in stream:
        name = unique_name(safe_name(a.title, a.id), ext, taken)
        data = b"".join(render(a, a.body))
        if fmt == "html":
            data = html_head(a.title) + data + HTML_TAIL
        path = folder / name
        partial = folder / f".{name}.partial"
        try:
            partial.write_bytes(data)
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        done += 1
        if done % 64 == 0:
            if cancelled is not None and cancelled():
                return done, done, True
            if progress is not None:
                progress(done, total)
    if progress is not None:
        progress(done, total)
    return done, done, False


def safe_name(title: str, article_id: int) -> str:
    """A file name made of the headline's letters and digits, safe on every system."""
    text = unicodedata.normalize("NFC", title)
    words = re.findall(r"\w+", text)
    name = "-".join(words).strip("-_.")
    raw = name.encode("utf-8")[:NAME_BYTES]
    name = raw.decode("utf-8", "ignore").rstrip("-_.")
    if not name or _WINDOWS_RESERVED.fullmatch(name):
        name = f"article-{article_id}" + (f"-{name}" if name else "")
    return name


def unique_name(stem: str, ext: str, taken: set[str]) -> str:
    """``stem + ext``, or ``stem-2 + ext``…: not in ``taken`` (case-folded), which it joins."""
    name = stem + ext
    n = 2
    while name.casefold() in taken:
        name = f"{stem}-{n}{ext}"
        n += 1
    taken.add(name.casefold())
    return name
