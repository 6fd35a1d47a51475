"""What an import reports: its progress, each committed batch, its result, and its errors in words.

Kept apart from the pipeline itself (reader.core.importing, which re-exports them, so callers name
them from there as before) to keep that module short.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.core.store import is_corruption

Status = Literal["done", "cancelled", "failed"]


@dataclass(frozen=True, slots=True)
class Progress:
    bytes_done: int
    bytes_total: int
    articles: int
    new: int
    duplicates: int
    skipped: int


@dataclass(frozen=True, slots=True)
class Batch:
    """What one commit added, so a view can refresh only what changed."""

    new_ids: list[int]
    section_ids: set[int]


@dataclass(frozen=True, slots=True)
class ImportResult:
    source_id: int | None
    path: Path
    name: str
    status: Status
    new: int
    duplicates: int
    skipped: int
    seconds: float
    error: str | None = None
    #: Why the parse looks doubtful ("3 articles look merged"; ParseReport.warning()), else None.
    warning: str | None = None
    #: Articles an earlier, interrupted import of this file had stored: this run resumed its
    #: source row (they are among ``duplicates``).
    resumed: int = 0
    #: The import stopped because SQLite found the library damaged (see reader.core.recovery).
    library_damaged: bool = False

    @property
    def articles(self) -> int:
        return self.new + self.duplicates + self.skipped


def library_error_text(e: sqlite3.Error) -> str:
    """What went wrong with the library, in words a reader can act on."""
    text = str(e)
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    if is_corruption(e):
        return "the library is damaged (SQLite cannot read parts of it)"
    if code == 13 or "disk is full" in text:
        return "the disk holding the library is full"
    if code == 8 or "readonly" in text:
        return "the library cannot be written to (read-only)"
    if code == 10 or "disk I/O" in text:
        return f"a disk error while writing the library ({text})"
    if code in (5, 6) or "locked" in text:
        return "the library stayed busy with another program's write for too long"
    return f"could not write to the library ({text})"
