"""Ctrl+Z: one stack of undo records, each knowing how to undo itself.

A marking and a move are different records with the same two methods (:class:`UndoRecord`), so
the stack never asks what kind of record it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from reader.core import marking
from reader.core.marking import Change

from .changes import LibraryChange

if TYPE_CHECKING:
    from reader.core.store import Library

UNDO_LIMIT = 50


class UndoRecord(Protocol):
    def undo(self) -> str:
        """Put back what was done (publishing the change); a line for the status bar."""
        ...

    def discard(self) -> None:
        """Forget the record (free what it holds)."""
        ...


class MarkingUndo:
    """A read/star marking, small (ids listed) or a whole view (ids in a temporary table)."""

    def __init__(
        self,
        lib: Library,
        change: Change,
        publish: Callable[[LibraryChange], None],
    ) -> None:
        self.lib = lib
        self.change = change
        self.publish = publish

    def undo(self) -> str:
        reverse = marking.undo(self.lib, self.change)
        self.publish(LibraryChange.of_marking(reverse))
        return f"Undone ({reverse.count:,} articles)"

    def discard(self) -> None:
        marking.discard(self.lib, self.change)


class UndoStack:
    """The last :data:`UNDO_LIMIT` records; older ones are discarded."""

    def __init__(self, limit: int = UNDO_LIMIT) -> None:
        self.limit = limit
        self._records: list[UndoRecord] = []

    def __len__(self) -> int:
        return len(self._records)

    def push(self, record: UndoRecord) -> None:
        self._records.append(record)
        while len(self._records) > self.limit:
            self._records.pop(0).discard()

    def undo(self) -> str | None:
        """Undo the newest record; None when there is nothing to undo."""
        if not self._records:
            return None
        return self._records.pop().undo()

    def clear(self) -> None:
        for record in self._records:
            record.discard()
        self._records.clear()
