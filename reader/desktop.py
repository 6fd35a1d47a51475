"""``dispatch --install-desktop`` / ``--uninstall-desktop``: menu entry, icons and metainfo.

Installs for the current user under ``$XDG_DATA_HOME`` (default ``~/.local/share``), following
the freedesktop.org layout, so Dispatch appears in the application menu and in "Open with" for
text files. The desktop entry's Exec line is rewritten to the absolute path of the command that
is running, because ``~/.local/bin`` or a virtualenv is often not on the PATH a desktop session
uses. A manifest records what was written (and which directories were created) so that uninstall
removes exactly that and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader import appinfo

APP_ID = appinfo.APP_ID
DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
MANIFEST_VERSION = 1
COMMAND_NAME = "dispatch"
# Characters that force an Exec argument to be quoted (Desktop Entry Spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopInstallError(Exception):
    """A problem the user can fix; its message is printed as is."""


@dataclass
class Manifest:
    """What an install wrote, relative to the data home, for an exact uninstall."""

    files: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)  # created by us, deepest last
    created_mime_cache: bool = False
    created_home: list[str] = field(default_factory=list)  # the data home itself, absolute
    command: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MANIFEST_VERSION,
                "files": self.files,
                "dirs": self.dirs,
                "created_mime_cache": self.created_mime_cache,
                "created_home": self.created_home,
                "command": self.command,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            raise ValueError("unknown manifest format")
        return cls(
            files=[str(f) for f in data.get("files", [])],
            dirs=[str(d) for d in data.get("dirs", [])],
            created_mime_cache=bool(data.get("created_mime_cache", False)),
            created_home=[str(d) for d in data.get("created_home", [])],
            command=[str(c) for c in data.get("command", [])],
        )


def data_home() -> Path:
    """$XDG_DATA_HOME when set to an absolute path (as the spec requires), else ~/.local/share."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def manifest_path(home: Path) -> Path:
    return home / APP_ID / "desktop-install.json"


def planned_files() -> dict[str, Path]:
    """Relative destination under the data home -> bundled source file (desktop entry aside)."""
    plan: dict[str, Path] = {}
    for size in appinfo.ICON_SIZES:
        plan[f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"] = appinfo.icon_png_path(size)
    plan[f"icons/hicolor/scalable/apps/{APP_ID}.svg"] = appinfo.app_icon_svg_path()
    plan[f"metainfo/{METAINFO_FILE}"] = appinfo.resource_path(METAINFO_FILE)
    return plan


def find_command() -> list[str]:
    """The absolute command line that starts this installation of Dispatch.

    Tried in order: the frozen bundle's executable; the ``dispatch`` script being run
    (sys.argv[0]); the script next to this interpreter (a virtualenv's bin/); ``dispatch`` on
    PATH; finally this interpreter with ``-m reader``, which always works.
    """
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    candidates: list[Path] = []
    if sys.argv and sys.argv[0]:
        argv0 = Path(sys.argv[0])
        if argv0.stem == COMMAND_NAME:
            candidates.append(argv0)
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidates.append(Path(scripts) / COMMAND_NAME)
    candidates.append(Path(sys.executable).parent / COMMAND_NAME)
    on_path = shutil.which(COMMAND_NAME)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            # abspath, not resolve(): keep a pipx/~/.local/bin symlink that survives upgrades.
            return [os.path.abspath(candidate)]
    return [os.path.abspath(sys.executable), "-m", "reader"]


def quote_exec_arg(arg: str) -> str:
    """Quote one argument for an Exec key, then escape it as a desktop-entry string value."""
    if "\n" in arg or "\r" in arg:
        raise DesktopInstallError(
            f"cannot put a path containing a line break in a menu entry: {arg!r}"
        )
    arg = arg.replace("%", "%%")
    if any(c in _EXEC_RESERVED for c in arg):
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        arg = f'"{escaped}"'
    return arg.replace("\\", "\\\\")


def _escape_string(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise DesktopInstallError(
            f"cannot put a path containing a line break in a menu entry: {value!r}"
        )
    return value.replace("\\", "\\\\")


def render_desktop_entry(template: str, command: Sequence[str]) -> str:
    """The bundled desktop entry with Exec and TryExec pointing at ``command``."""
    exec_line = "Exec=" + " ".join(quote_exec_arg(a) for a in command) + " %F"
    out = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            out.append(exec_line)
        elif line.startswith("TryExec="):
            out.append("TryExec=" + _escape_string(command[0]))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _make_dirs(home: Path, rel_dir: str, created: list[str]) -> None:
    """mkdir -p, remembering each directory that did not exist before."""
    missing = []
    current = home / rel_dir
    while current != home and not current.exists():
        missing.append(current)
        current = current.parent
    for d in reversed(missing):
        d.mkdir()
        rel = Path(os.path.relpath(d, home)).as_posix()
        if rel not in created:
            created.append(rel)


def _run_tool(args: list[str]) -> None:
    """Run a cache-refresh tool if installed; a failure only costs a stale cache, so warn."""
    if shutil.which(args[0]) is None:
        return
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"warning: {args[0]} did not run: {exc}", err=True)
        return
    if result.returncode != 0:
        _say(f"warning: {' '.join(args)} failed: {result.stderr.strip()}", err=True)


def refresh_caches(home: Path) -> None:
    """Tell the desktop about the change: MIME cache for "Open with", icon cache if one exists."""
    apps = home / "applications"
    if apps.is_dir():
        _run_tool(["update-desktop-database", "-q", str(apps)])
    hicolor = home / "icons" / "hicolor"
    if hicolor.is_dir():
        os.utime(hicolor)  # a newer directory mtime makes icon themes rescan
        # A user hicolor dir normally has no cache (the theme is scanned directly). Only keep an
        # existing cache current: creating one would go stale when other apps add icons.
        if (hicolor / "icon-theme.cache").exists():
            _run_tool(["gtk-update-icon-cache", "-q", "-f", "-t", str(hicolor)])


def install_into(home: Path, command: Sequence[str], *, refresh: bool = True) -> Manifest:
    """Install the desktop entry, icons and metainfo under ``home``; return what was written."""
    created_home = []
    ancestor = home
    while not ancestor.exists() and ancestor != ancestor.parent:
        created_home.append(str(ancestor))
        ancestor = ancestor.parent
    home.mkdir(parents=True, exist_ok=True)
    old = _read_manifest(home)
    manifest = Manifest(command=list(command), created_home=created_home)
    if old is not None:  # a reinstall keeps the record of directories the first install made
        manifest.dirs = list(old.dirs)
        manifest.created_mime_cache = old.created_mime_cache
        manifest.created_home = list(old.created_home)
    template = appinfo.resource_path(DESKTOP_FILE).read_text(encoding="utf-8")
    outputs: dict[str, bytes] = {
        f"applications/{DESKTOP_FILE}": render_desktop_entry(template, command).encode("utf-8")
    }
    for rel, source in planned_files().items():
        outputs[rel] = source.read_bytes()
    mime_cache = home / "applications" / "mimeinfo.cache"
    mime_cache_existed = mime_cache.exists()
    for rel, data in outputs.items():
        _make_dirs(home, os.path.dirname(rel), manifest.dirs)
        _write_atomic(home / rel, data)
        manifest.files.append(rel)
    _make_dirs(home, os.path.dirname(os.path.relpath(manifest_path(home), home)), manifest.dirs)
    # Stale files from an older install that this one no longer writes are removed now.
    if old is not None:
        for rel in old.files:
            if rel not in outputs:
                (home / rel).unlink(missing_ok=True)
    if refresh:
        refresh_caches(home)
    if not mime_cache_existed and mime_cache.exists():
        manifest.created_mime_cache = True
    _write_atomic(manifest_path(home), manifest.to_json().encode("utf-8"))
    return manifest


def _read_manifest(home: Path) -> Manifest | None:
    path = manifest_path(home)
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):  # missing or unreadable: fall back to the known names
        return None


def _known_files() -> list[str]:
    return [f"applications/{DESKTOP_FILE}", *planned_files()]


def uninstall_from(home: Path, *, refresh: bool = True) -> list[str]:
    """Remove what :func:`install_into` wrote under ``home``; return the removed paths."""
    manifest = _read_manifest(home)
    # Without a manifest (deleted by hand), fall back to the fixed names only we use. With one,
    # still only those names: the manifest is a file anyone could have edited.
    known = set(_known_files())
    files = [f for f in manifest.files if f in known] if manifest else sorted(known)
    removed = []
    for rel in files:
        path = home / rel
        if path.is_file() and not path.is_symlink() and _is_ours(path):
            path.unlink()
            removed.append(rel)
    mpath = manifest_path(home)
    if mpath.exists():
        mpath.unlink()
        removed.append(os.path.relpath(mpath, home))
    if refresh:
        refresh_caches(home)
    if manifest and manifest.created_mime_cache:
        cache = home / "applications" / "mimeinfo.cache"
        if cache.exists() and _mime_cache_is_empty(cache):
            cache.unlink()
            removed.append(os.path.relpath(cache, home))
    dirs = manifest.dirs if manifest else [APP_ID]
    dirs = [d for d in dirs if not Path(d).is_absolute() and ".." not in Path(d).parts]
    for rel in sorted(dirs, key=lambda d: d.count("/"), reverse=True):
        path = home / rel
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            removed.append(rel + "/")
    for absolute in manifest.created_home if manifest else []:  # deepest first
        path = Path(absolute)
        if path != home and path not in home.parents:
            continue  # only the data home and the folders above it that install made
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            removed.append(absolute + "/")
    return removed


def _is_ours(path: Path) -> bool:
    """Is this file, at one of our names, what install wrote (not a file of the user's since)?"""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    if path.suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if path.suffix == ".svg":
        return b"<svg" in head
    # The desktop entry names our icon; the metainfo our id.
    return APP_ID.encode() in head


def _mime_cache_is_empty(cache: Path) -> bool:
    lines = [ln.strip() for ln in cache.read_text(encoding="utf-8", errors="replace").splitlines()]
    return all(not ln or ln.startswith("[") for ln in lines)


def _say(message: str, *, err: bool = False) -> None:
    # A gui-script on Windows has no console: sys.stdout may be None.
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        print(message, file=stream)


def _unsupported_platform() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        _say(
            "--install-desktop is for Linux and BSD desktops. On Windows and macOS, use the "
            "Dispatch bundle built by packaging/build.sh (see the README).",
            err=True,
        )
        return True
    return False


def install() -> int:
    """CLI entry: install for the current user; exit status."""
    if _unsupported_platform():
        return 2
    home = data_home()
    command = find_command()
    try:
        manifest = install_into(home, command)
    except (OSError, DesktopInstallError) as exc:
        _say(f"dispatch: could not install the desktop entry under {home}: {exc}", err=True)
        return 1
    _say(f"Installed Dispatch for this user under {home}:")
    for rel in manifest.files:
        _say(f"  {rel}")
    _say(f"The menu entry starts: {' '.join(command)}")
    if command[1:2] == ["-m"]:
        _say("(no 'dispatch' command was found, so the entry runs the Python module directly)")
    _say("Dispatch is now in your application menu and in 'Open with' for text files.")
    return 0


def uninstall() -> int:
    """CLI entry: remove what install() added; exit status."""
    if _unsupported_platform():
        return 2
    home = data_home()
    try:
        removed = uninstall_from(home)
    except OSError as exc:
        _say(f"dispatch: could not remove the desktop entry under {home}: {exc}", err=True)
        return 1
    if not removed:
        _say(f"Nothing to remove: Dispatch was not installed under {home}.")
        return 0
    _say(f"Removed from {home}:")
    for rel in removed:
        if not rel.endswith("/"):
            _say(f"  {rel}")
    folders = sum(rel.endswith("/") for rel in removed)
    if folders:
        _say(f"  and {folders} empty folders the install had created")
    return 0
