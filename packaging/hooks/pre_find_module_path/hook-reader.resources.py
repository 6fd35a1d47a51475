"""reader.resources lives in the top-level resources/ folder (pyproject package-dir), which
PyInstaller's module finder cannot see; point it there so the package is frozen normally."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pre_find_module_path(api):
    api.search_dirs = [str(ROOT)]
