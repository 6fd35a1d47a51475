"""The ``dispatch`` command itself: words it does not know, no display, folders, help, version.

Most tests run the real command in a process of its own (``python -m reader``), as a user does.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import COMMANDS, main, no_display, unknown_word


def dispatch(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run ``python -m reader ARGS`` the way a user does, with a time limit."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def headless_env(**extra: str) -> dict[str, str]:
    """The environment of a session with no display at all (an ssh login, a container)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env.update(extra)
    return env


def articles_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


# --- a first word that is neither a command nor a file ---------------------------------------


def test_a_mistyped_command_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    # With no display: had the window been tried, the process would abort or print another line.
    proc = dispatch("serach", "ukraine", "--db", str(db), env=headless_env(), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        "dispatch: 'serach' is not a command or a file; did you mean 'search'?\n"
    )
    assert proc.stdout == ""
    assert not db.exists()  # nothing recorded: no library made, no failed sources


def test_unknown_words_in_process(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["improt", "news.txt", "--db", str(tmp_path / "lib.sqlite3")]) == 2
    assert capsys.readouterr().err == (
        "dispatch: 'improt' is not a command or a file; did you mean 'import'?\n"
    )
    assert unknown_word("zzzz") == (
        "dispatch: 'zzzz' is not a command or a file "
        f"(commands: {', '.join(COMMANDS)}; see dispatch --help)"
    )
    assert unknown_word("missing.txt").startswith("dispatch: 'missing.txt' is not a command")
    assert not (tmp_path / "lib.sqlite3").exists()


def test_a_command_after_an_option_is_explained(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(tmp_path / "lib.sqlite3"), "search", "storm"]) == 2
    assert capsys.readouterr().err == (
        "dispatch: options go after the command: dispatch search [OPTIONS]\n"
    )


def test_existing_files_and_folders_are_not_words(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "serach").write_text("a file named like a typo\n")
    (tmp_path / "folder").mkdir()
    assert unknown_word("serach") is None
    assert unknown_word("folder") is None
    assert unknown_word(str(tmp_path / "folder")) is None


def test_an_existing_file_still_goes_to_the_window(tmp_path: Path, monkeypatch) -> None:
    """The word check lets real paths through to the window, which imports them as today."""
    from reader.ui import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "serach").write_text("a file named like a typo\n")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    seen = []
    monkeypatch.setattr(app, "run", lambda db, files: seen.append((db, files)) or 0)
    assert main(["serach", "--db", "lib.sqlite3"]) == 0
    assert seen == [(Path("lib.sqlite3"), [Path("serach")])]


# --- no display ------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
def test_no_display_is_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    proc = dispatch("--db", str(db), env=headless_env())
    assert proc.returncode == 1, (proc.returncode, proc.stderr)  # not -SIGABRT
    assert proc.returncode != -signal.SIGABRT
    assert proc.stderr == (
        "dispatch: no display: Dispatch needs a graphical session; "
        "the command-line sub-commands work without one\n"
    )
    assert not db.exists()  # checked before anything else happens


def test_no_display_rules() -> None:
    linux = "linux"
    assert no_display({}, linux)
    assert not no_display({"DISPLAY": ":0"}, linux)
    assert not no_display({"WAYLAND_DISPLAY": "wayland-0"}, linux)
    assert not no_display({"QT_QPA_PLATFORM": "offscreen"}, linux)
    assert not no_display({"QT_QPA_PLATFORM": "minimal"}, linux)
    assert not no_display({"QT_QPA_PLATFORM": "vnc:size=800x600"}, linux)
    assert no_display({"QT_QPA_PLATFORM": "xcb"}, linux)
    assert no_display({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, linux)
    assert not no_display({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, linux)
    assert no_display({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":1"}, linux)
    assert not no_display({}, "darwin")
    assert not no_display({}, "win32")


def test_sub_commands_work_without_a_display(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    proc = dispatch("import", str(fixtures_dir / "store_three.txt"), "--db", str(db),
                    env=headless_env())  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert articles_in(db) == 3


# --- import DIR ------------------------------------------------------------------------------


def test_import_takes_a_folder_recursively(tmp_path: Path, fixtures_dir: Path) -> None:
    folder = tmp_path / "dumps"
    (folder / "older" / ".hidden").mkdir(parents=True)
    shutil.copy(fixtures_dir / "store_three.txt", folder / "a.txt")
    shutil.copy(fixtures_dir / "store_overlap.txt", folder / "older" / "b.TEXT")
    shutil.copy(fixtures_dir / "search_harbour.txt", folder / "older" / ".hidden" / "c.txt")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    db = tmp_path / "lib.sqlite3"
    proc = dispatch("import", str(folder), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("a.txt: 3 articles — 3 new")
    assert out[1].startswith("b.TEXT: 3 articles — 1 new, 2 duplicates")
    assert out[2] == "2 files: 4 new articles, 2 duplicates"
    assert proc.stderr == f"{folder / 'photo.jpg'}: skipped: not a text dump (a .jpg file)\n"
    assert articles_in(db) == 4


def test_import_of_a_folder_without_dumps(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("# notes\n")
    db = tmp_path / "lib.sqlite3"
    assert main(["import", str(empty), "--db", str(db)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{empty / 'notes.md'}: skipped: not a text dump (a .md file)",
        f"dispatch: {empty}: no .txt or .text files in this folder",
    ]
    assert not db.exists()


def test_import_of_files_and_an_empty_folder(tmp_path: Path, fixtures_dir: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "lib.sqlite3"
    status = main(["import", str(fixtures_dir / "store_three.txt"), str(empty), "--db", str(db)])
    assert status == 1  # the folder was a mistake; the file is imported all the same
    assert capsys.readouterr().err == f"dispatch: {empty}: no .txt or .text files in this folder\n"
    assert articles_in(db) == 3


# --- help and version ------------------------------------------------------------------------


def test_help_lists_every_command_once_and_ends_cleanly() -> None:
    proc = dispatch("--help")
    assert proc.returncode == 0 and proc.stderr == ""
    text = proc.stdout
    assert text.startswith("usage: dispatch ")
    assert text.count("usage:") == 1
    lines = text.splitlines()
    width = max(map(len, COMMANDS)) + 2
    for name, line in COMMANDS.items():
        assert [x for x in lines if x.split()[:1] == [name]] == [f"  {name:<{width}}{line}"]
    assert lines[-1] == "'dispatch COMMAND --help' tells a command's options."
    assert dispatch("-h").stdout == text


def test_version_on_stdout() -> None:
    proc = dispatch("--version")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout.startswith("Dispatch ") and proc.stdout.count("\n") == 1


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_has_its_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: dispatch {command} ")
    assert out.count("usage:") == 1
    assert COMMANDS[command][1:] in out  # its own description


def test_a_command_without_its_argument_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["import"])
    assert exit_.value.code == 2
    assert "dispatch import: error: the following arguments are required: DUMP" in (
        capsys.readouterr().err
    )


# --- import --db: a file that is not a library is refused untouched --------------------------


def _refused_untouched(tmp_path: Path, fixtures_dir: Path, not_a_library: Path) -> None:
    before = not_a_library.read_bytes()
    files_before = sorted(p.name for p in tmp_path.iterdir())
    proc = dispatch("import", str(fixtures_dir / "store_three.txt"), "--db", str(not_a_library))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dispatch: "), proc.stderr
    assert not_a_library.name in lines[0]
    assert not_a_library.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no -wal, no -journal


def test_import_into_a_text_file_is_refused(tmp_path: Path, fixtures_dir: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n- bread\n- apples\n" * 50)
    _refused_untouched(tmp_path, fixtures_dir, notes)


def test_import_into_another_programs_database_is_refused(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    other = tmp_path / "contacts.sqlite3"
    conn = sqlite3.connect(other)
    with conn:
        conn.execute("CREATE TABLE people (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ada', '555-0100')")
        conn.execute("PRAGMA user_version = 3")  # its own schema version, as many programs keep
    conn.close()
    _refused_untouched(tmp_path, fixtures_dir, other)


# --- --layout ----------------------------------------------------------------------------------


def _articles(path: Path, layout: str) -> int:
    from reader.core.dumps import parse_stream

    with path.open("rb") as f:
        return len(list(parse_stream(f, layout=layout)))


def _plural(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def test_parse_layout_reaches_the_parser(fixtures_dir: Path, capsys) -> None:
    dump = fixtures_dir / "store_three.txt"
    auto, markdown = _articles(dump, "auto"), _articles(dump, "markdown")
    assert auto != markdown  # else this dump cannot tell whether --layout was passed on
    assert main(["parse", str(dump)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == _plural(auto)
    assert main(["parse", "--layout", "markdown", str(dump)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == _plural(markdown)


def test_import_layout_reaches_the_parser(tmp_path: Path, fixtures_dir: Path) -> None:
    dump = fixtures_dir / "store_three.txt"
    markdown = _articles(dump, "markdown")
    assert markdown != _articles(dump, "auto")
    db = tmp_path / "lib.sqlite3"
    proc = dispatch("import", "--layout", "markdown", str(dump), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert articles_in(db) == markdown


def test_an_unknown_layout_is_a_usage_error(fixtures_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["parse", "--layout", "columns", str(fixtures_dir / "store_three.txt")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --layout: invalid choice: 'columns'" in err
    assert "'auto', 'lines', 'blank', 'wrapped', 'markdown'" in err


@pytest.mark.parametrize("in_a_process", [False, True])
def test_import_file_parses_with_the_layout_asked(
    lib, fixtures_dir: Path, in_a_process: bool
) -> None:
    """Both parsing paths (a thread; a process for big dumps) get the layout."""
    from reader.core.importing import import_file

    dump = fixtures_dir / "store_three.txt"
    threshold = 0 if in_a_process else 1 << 40
    result = import_file(lib, dump, layout="markdown", process_parse_bytes=threshold)
    assert result.status == "done"
    assert result.new == _articles(dump, "markdown")


def test_commands_fail_through_one_convention(tmp_path: Path, capsys) -> None:
    """A command's failure anywhere inside it is one line on stderr and its exit status; an
    SQLite error while the library is open is said the library's way, and the file is kept."""
    from reader.cli.library import CommandFailed, command, library_open

    db = tmp_path / "lib.sqlite3"

    @command
    def busy() -> int:
        with library_open(db, prefix="dispatch test") as lib:
            lib.conn.execute("SELECT * FROM no_such_table")
        return 0

    @command
    def refused() -> int:
        raise CommandFailed("dispatch test: no, and why", 3)

    assert busy() == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dispatch test: ") and "no_such_table" in err[0]
    assert db.exists()  # not damage: nothing set aside
    assert refused() == 3
    assert capsys.readouterr().err == "dispatch test: no, and why\n"
