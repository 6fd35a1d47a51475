"""Which files a folder given to Dispatch contributes: one rule for the window and the CLI.

A folder (dropped on the window, given to ``dispatch DIR`` or ``dispatch import DIR``) brings its
``.txt``/``.text`` files, recursively and in name order; hidden files and folders are left out,
and anything else inside it is skipped with a reason. A file named directly is always tried: the
pipeline itself tells whether it is a dump.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DUMP_SUFFIXES = (".txt", ".text")


@dataclass(frozen=True)
class Skipped:
    """A file inside a folder that was not taken, and why (for the import log or stderr)."""

    name: str
    path: Path
    reason: str


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The files to import for ``paths`` (folders expanded), and what the folders held besides."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            folder_files, folder_skipped = _expand_folder(path)
            files += folder_files
            skipped += folder_skipped
        else:
            files.append(path)
    return files, skipped


def _expand_folder(folder: Path) -> tuple[list[Path], list[Skipped]]:
    files: list[Path] = []
    skipped: list[Skipped] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in sorted(names):
            if name.startswith("."):
                continue
            p = Path(root) / name
            if p.suffix.lower() in DUMP_SUFFIXES and p.is_file():
                files.append(p)
            else:
                skipped.append(Skipped(name, p, f"skipped: not a text dump ({_kind(p)})"))
    return files, skipped


def _kind(p: Path) -> str:
    if p.is_symlink() and not p.exists():
        return "a broken link"
    if not p.is_file():
        return "not a regular file"
    return f"a {p.suffix.lower()} file" if p.suffix else "no .txt extension"
