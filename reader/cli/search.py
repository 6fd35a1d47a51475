"""``dispatch search QUERY [--db PATH] [--json] [--limit N]``: the window's search, for scripts.

Results come in the window's default order (relevance). With ``--json`` each result is one JSON
object per line (id, title, section, snippet, ...); notes about the query go to stderr so that
the output stays machine-readable.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from pathlib import Path

from reader.cli.library import CommandFailed, command, library_open, library_path
from reader.core.libfile import library_writable
from reader.core.search import Page, search
from reader.core.snippets import mark_spans
from reader.core.textio import visible

_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


@command
def run(query: str, db: Path | None, as_json: bool, limit: int) -> int:
    if limit < 1:
        print("dispatch search: --limit must be at least 1", file=sys.stderr)
        return 2
    path = library_path(db)
    if not path.exists():
        hint = "" if db is not None else " Import a dump first: dispatch import FILE"
        print(f"dispatch search: no library at {path}.{hint}", file=sys.stderr)
        return 2
    # Searching writes nothing: a library on a read-only disk or someone else's is searched as is.
    read_only = not library_writable(path)
    with library_open(db, prefix="dispatch search", read_only=read_only) as lib:
        try:
            page = search(lib, query, limit=limit)
        except sqlite3.Error:  # a damaged file, a locked disk: library_open's one line
            raise
        except Exception as e:
            logging.getLogger(__name__).exception("searching %s failed", path)
            line = f"dispatch search: the library {path} could not be searched: {e}"
            raise CommandFailed(line) from e
    try:
        if as_json:
            _write_json(page)
        else:
            _write_human(page, bold=sys.stdout.isatty())
        sys.stdout.flush()
    except BrokenPipeError:  # dispatch search x | head
        sys.stderr.close()
    return 0


def _write_json(page: Page) -> None:
    for note in page.notes:
        print(f"dispatch search: {note}", file=sys.stderr)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out = sys.stdout
    for h in page.hits:
        snippet, spans = mark_spans(h.snippet)
        title, title_spans = mark_spans(h.title_marked)
        record = {
            "id": h.id,
            "title": title,
            "section": h.section,
            "snippet": snippet,
            "snippet_matches": [list(s) for s in spans],
            "title_matches": [list(s) for s in title_spans],
            "dateline": h.dateline,
            "added_at": h.added_at,
            "published_at": h.published_at,
            "read": h.read,
            "starred": h.starred,
            "score": h.score,
        }
        out.write(encode(record))
        out.write("\n")


def _emphasise(marked: str, bold: bool) -> str:
    text, spans = mark_spans(visible(marked))
    if not bold or not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], _BOLD, text[start:end], _RESET]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _write_human(page: Page, bold: bool) -> None:
    out = sys.stdout
    for note in page.notes:
        out.write(f"({visible(note)})\n")
    for n, h in enumerate(page.hits, 1):
        date = (h.published_at or h.added_at or "")[:10]
        flags = ("★ " if h.starred else "") + ("" if h.read else "• ")
        out.write(f"{n}. {flags}{_emphasise(h.title_marked, bold)}\n")
        out.write(f"   {visible(h.section)} · {date} · #{h.id}\n")
        if h.snippet:
            out.write(f"   {_emphasise(h.snippet, bold)}\n")
        out.write("\n")
    shown = len(page.hits)
    if not shown:
        out.write("No articles match.\n")
        return
    more = " (more with --limit)" if page.more else ""
    out.write(f"{shown} result{'s' if shown != 1 else ''}{more}\n")


_FLAGS = {"--json", "-h", "--help"}
_WITH_VALUE = {"--limit", "--db"}


def query_args(args: list[str]) -> list[str]:
    """``search``'s arguments with the query's words after ``--``: ``-market`` is a word to
    exclude, not an option. Known options stay options wherever they are."""
    options: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            words += args[i + 1 :]
            break
        if arg in _FLAGS or (arg.split("=", 1)[0] in _WITH_VALUE and "=" in arg):
            options.append(arg)
        elif arg in _WITH_VALUE:
            options += args[i : i + 2]
            i += 1
        else:
            words.append(arg)
        i += 1
    return [*options, "--", *words] if words else options
