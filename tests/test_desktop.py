"""Desktop integration: bundled icons/entry/metainfo, and install/uninstall into a temporary
XDG_DATA_HOME (real files, real validators when the Debian tools are installed)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from reader import APP_ID, appinfo, desktop

needs_desktop_file_validate = pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)
needs_appstreamcli = pytest.mark.skipif(
    shutil.which("appstreamcli") is None, reason="appstream not installed"
)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def desktop_keys(text: str) -> dict[str, str]:
    keys = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys[key] = value
    return keys


@pytest.fixture
def fake_command(tmp_path: Path) -> Path:
    """An executable named dispatch in a folder whose name needs quoting in Exec."""
    bindir = tmp_path / "my apps $HOME"
    bindir.mkdir()
    cmd = bindir / "dispatch"
    cmd.write_text("#!/bin/sh\nexit 0\n")
    cmd.chmod(cmd.stat().st_mode | stat.S_IXUSR)
    return cmd


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


# --- bundled resources ------------------------------------------------------------------


@pytest.mark.parametrize("size", appinfo.ICON_SIZES)
def test_png_icons_have_their_nominal_size(size: int) -> None:
    assert png_size(appinfo.icon_png_path(size)) == (size, size)


def test_app_icon_path_is_the_largest_png() -> None:
    assert png_size(appinfo.app_icon_path()) == (256, 256)
    assert appinfo.app_icon_svg_path().read_text().lstrip().startswith("<?xml")


def test_ico_lists_every_size() -> None:
    data = appinfo.resource_path("icons/dispatch.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = sorted(data[6 + 16 * i] or 256 for i in range(count))
    assert sizes == sorted(appinfo.ICON_SIZES)


def test_icns_container_is_well_formed() -> None:
    data = appinfo.resource_path("icons/dispatch.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    pos, types = 8, []
    while pos < len(data):
        ostype, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        assert data[pos + 8 : pos + 16] == b"\x89PNG\r\n\x1a\n"
        types.append(ostype)
        pos += length
    assert pos == len(data)
    assert b"ic07" in types and b"ic08" in types and b"ic10" in types


def test_app_icon_carries_every_size(qapp) -> None:
    sizes = {(s.width(), s.height()) for s in appinfo.app_icon().availableSizes()}
    assert sizes == {(s, s) for s in appinfo.ICON_SIZES}


def test_missing_resource_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        appinfo.resource_path("icons/no-such-file.png")
    with pytest.raises(ValueError):
        appinfo.icon_png_path(17)


def test_version_is_the_package_version() -> None:
    import reader

    assert appinfo.version() == reader.__version__


def test_bundled_desktop_entry_matches_the_app() -> None:
    keys = desktop_keys(appinfo.resource_path(f"{APP_ID}.desktop").read_text())
    assert keys["Exec"] == "dispatch %F"
    assert keys["MimeType"] == "text/plain;"
    assert keys["Categories"] == "Network;News;Qt;"
    assert keys["Icon"] == APP_ID
    # Qt on X11 sets WM_CLASS to (argv[0] basename, applicationName); the class is what
    # StartupWMClass is matched against, so it must be the application name.
    assert keys["StartupWMClass"] == appinfo.APP_NAME


@needs_desktop_file_validate
def test_bundled_desktop_entry_validates() -> None:
    path = appinfo.resource_path(f"{APP_ID}.desktop")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@needs_appstreamcli
def test_metainfo_validates() -> None:
    path = appinfo.resource_path(f"{APP_ID}.metainfo.xml")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"<id>{APP_ID}</id>" in path.read_text()


# --- Exec quoting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("/usr/bin/dispatch", "/usr/bin/dispatch"),
        ("/opt/my apps/dispatch", '"/opt/my apps/dispatch"'),
        ("/opt/a$b/dispatch", '"/opt/a\\\\$b/dispatch"'),
        ("/opt/100%/dispatch", "/opt/100%%/dispatch"),
        ('/opt/say "hi"/d', '"/opt/say \\\\"hi\\\\"/d"'),
    ],
)
def test_exec_arguments_are_quoted_per_spec(arg: str, expected: str) -> None:
    assert desktop.quote_exec_arg(arg) == expected


def test_line_breaks_in_paths_are_refused() -> None:
    with pytest.raises(desktop.DesktopInstallError):
        desktop.quote_exec_arg("/tmp/a\nb")


# --- install / uninstall --------------------------------------------------------------


def test_data_home_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # the spec says: ignore it
    assert desktop.data_home() == Path.home() / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert desktop.data_home() == Path.home() / ".local" / "share"


def test_install_writes_entry_icons_and_metainfo(xdg_home: Path, fake_command: Path) -> None:
    desktop.install_into(xdg_home, [str(fake_command)])
    entry = xdg_home / "applications" / f"{APP_ID}.desktop"
    keys = desktop_keys(entry.read_text())
    assert keys["Exec"] == desktop.quote_exec_arg(str(fake_command)) + " %F"
    assert keys["TryExec"] == str(fake_command)
    for size in appinfo.ICON_SIZES:
        icon = xdg_home / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert png_size(icon) == (size, size)
    assert (xdg_home / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert (xdg_home / f"metainfo/{APP_ID}.metainfo.xml").is_file()
    assert not list(xdg_home.rglob(".*.tmp-*")), "temporary files left behind"


@needs_desktop_file_validate
def test_installed_entry_with_awkward_path_validates(xdg_home: Path, fake_command: Path) -> None:
    desktop.install_into(xdg_home, [str(fake_command)])
    entry = xdg_home / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(shutil.which("update-desktop-database") is None, reason="no desktop db tool")
def test_install_registers_for_text_files(xdg_home: Path, fake_command: Path) -> None:
    desktop.install_into(xdg_home, [str(fake_command)])
    cache = (xdg_home / "applications" / "mimeinfo.cache").read_text()
    assert f"text/plain={APP_ID}.desktop;" in cache


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")} if root.exists() else set()


def test_uninstall_removes_exactly_what_install_added(xdg_home: Path, fake_command: Path) -> None:
    # Someone else's files and directories, including ones install writes into.
    other_icon = xdg_home / "icons/hicolor/48x48/apps/other.png"
    other_icon.parent.mkdir(parents=True)
    other_icon.write_bytes(b"not ours")
    (xdg_home / "applications").mkdir()
    (xdg_home / "applications" / "other.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Other\nExec=other %F\nMimeType=text/html;\n"
    )
    if shutil.which("update-desktop-database"):
        subprocess.run(["update-desktop-database", "-q", str(xdg_home / "applications")])
    before = {p: (xdg_home / p).read_bytes() for p in tree(xdg_home) if (xdg_home / p).is_file()}
    dirs_before = {p for p in tree(xdg_home) if (xdg_home / p).is_dir()}

    desktop.install_into(xdg_home, [str(fake_command)])
    desktop.install_into(xdg_home, [str(fake_command)])  # a reinstall is harmless
    assert len(tree(xdg_home)) > len(before) + len(dirs_before)
    desktop.uninstall_from(xdg_home)

    after = {p: (xdg_home / p).read_bytes() for p in tree(xdg_home) if (xdg_home / p).is_file()}
    assert after == before
    assert {p for p in tree(xdg_home) if (xdg_home / p).is_dir()} == dirs_before


def test_uninstall_into_empty_home_leaves_nothing(xdg_home: Path, fake_command: Path) -> None:
    home = xdg_home / "not" / "yet"
    desktop.install_into(home, [str(fake_command)])
    desktop.uninstall_from(home)
    assert not xdg_home.exists()


def test_uninstall_without_manifest_removes_only_our_names(
    xdg_home: Path, fake_command: Path
) -> None:
    desktop.install_into(xdg_home, [str(fake_command)])
    desktop.manifest_path(xdg_home).unlink()
    removed = desktop.uninstall_from(xdg_home)
    assert f"applications/{APP_ID}.desktop" in removed
    assert not list(xdg_home.rglob(f"{APP_ID}.*"))


def test_cli_install_and_uninstall(xdg_home: Path, fake_command: Path, monkeypatch, capsys) -> None:
    from reader.cli import main

    monkeypatch.setattr(sys, "argv", [str(fake_command), "--install-desktop"])
    assert main(["--install-desktop"]) == 0
    out = capsys.readouterr().out
    assert str(xdg_home) in out
    keys = desktop_keys((xdg_home / "applications" / f"{APP_ID}.desktop").read_text())
    assert keys["TryExec"] == str(fake_command)  # found through sys.argv[0]
    assert main(["--uninstall-desktop"]) == 0
    assert not (xdg_home / "applications" / f"{APP_ID}.desktop").exists()
    assert main(["--uninstall-desktop"]) == 0
    assert "Nothing to remove" in capsys.readouterr().out


def test_cli_install_reports_unwritable_home(
    tmp_path: Path, fake_command: Path, monkeypatch, capsys
) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file-not-dir"
        blocker.write_text("x")
        monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    else:
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        monkeypatch.setenv("XDG_DATA_HOME", str(ro / "data"))
    monkeypatch.setattr(sys, "argv", [str(fake_command)])
    assert desktop.install() == 1
    assert "could not install the desktop entry" in capsys.readouterr().err


def test_find_command_falls_back_to_the_module(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "not-dispatch")])
    monkeypatch.setattr(desktop.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(desktop.sys, "executable", str(tmp_path / "python3"))
    monkeypatch.setattr(desktop.shutil, "which", lambda name: None)
    assert desktop.find_command() == [str(tmp_path / "python3"), "-m", "reader"]


def test_find_command_prefers_the_frozen_executable(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(desktop.sys, "frozen", True, raising=False)
    monkeypatch.setattr(desktop.sys, "executable", str(tmp_path / "Dispatch" / "dispatch"))
    assert desktop.find_command() == [str(tmp_path / "Dispatch" / "dispatch")]


def test_uninstall_deletes_only_dispatchs_files(xdg_home: Path, fake_command: Path) -> None:
    """A manifest edited to list other files, or our names holding the user's own files since:
    neither is deleted (issue 13)."""
    desktop.install_into(xdg_home, [str(fake_command)], refresh=False)
    precious = xdg_home / "notes.txt"
    precious.write_text("mine")
    outside = xdg_home.parent / "outside.txt"
    outside.write_text("mine too")
    mpath = desktop.manifest_path(xdg_home)
    data = json.loads(mpath.read_text())
    data["files"] += ["notes.txt", "../outside.txt", str(outside)]
    data["dirs"] += ["..", "/"]
    data["created_home"] += [str(xdg_home.parent), "/"]
    mpath.write_text(json.dumps(data))
    replaced = xdg_home / "metainfo" / desktop.METAINFO_FILE
    replaced.write_text("the user's own file under our name")
    desktop.uninstall_from(xdg_home, refresh=False)
    assert precious.read_text() == "mine" and outside.read_text() == "mine too"
    assert replaced.read_text() == "the user's own file under our name"
    assert not (xdg_home / "applications" / desktop.DESKTOP_FILE).exists()
