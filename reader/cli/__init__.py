"""Command line: ``python -m reader [SUB-COMMAND]``; with no sub-command, the window.

This module reads the command line and hands over. Each sub-command's work lives in a module of
this package (parse, import_dumps, search, resort, recover; library: what they share), imported
only when used, so that ``dispatch parse`` never pays for importing Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import reader

#: The sub-commands and the one line ``dispatch --help`` says of each.
COMMANDS: dict[str, str] = {
    "parse": "show how a dump splits into articles",
    "import": "import dumps (files, or folders of .txt/.text files) into the library",
    "search": "search the library",
    "resort": "sort every article again (articles you placed by hand stay where they are)",
    "recover": "copy what a damaged library still holds into the library",
    "reparse": "re-parse imported dumps with the current parser, keeping your marks and fixes",
    "export": "write articles (all, or a search's results) to Markdown, HTML or plain text",
    "maintain": "check the library, repair its index and counts, optimize it, compact it",
    "trash": "say what the Trash holds; with --empty, delete it for good",
}
SUBCOMMANDS = tuple(COMMANDS)

NO_DISPLAY = (
    "dispatch: no display: Dispatch needs a graphical session; "
    "the command-line sub-commands work without one"
)


class _VersionAction(argparse.Action):
    """--version on stdout, reading the version only when asked (it costs start-up time)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"Dispatch {reader.__version__}")
        parser.exit()


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="library file (default: the one in your data folder)",
    )


def _layout_arg(parser: argparse.ArgumentParser) -> None:
    from reader.core.dumps import LAYOUTS

    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="auto",
        help="how the dump lays out its paragraphs: lines (one per line), blank (between blank "
        "lines), wrapped (hard-wrapped lines), markdown (a web page scraped to markdown); "
        "default: auto, detected from the dump",
    )


def build_parser() -> argparse.ArgumentParser:
    """The sub-commands' parser (``dispatch COMMAND ...``)."""
    parser = argparse.ArgumentParser(
        prog="dispatch", description="Dispatch, a reader for plain-text news dumps."
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=COMMANDS[name], description=_sentence(COMMANDS[name]))

    p = add("parse")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per article per line")
    _layout_arg(p)

    p = add("import")
    p.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="DUMP",
        help="a dump file, or a folder: its .txt and .text files, sub-folders included",
    )
    p.add_argument("--section", metavar="NAME", help="put every article of these files in NAME")
    _layout_arg(p)
    _db_arg(p)

    p = add("search")
    p.add_argument("query", nargs="+", metavar="QUERY", help="words to find (-word: without it)")
    p.add_argument("--json", action="store_true", help="one JSON object per result per line")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    _db_arg(p)

    p = add("resort")
    _db_arg(p)

    p = add("recover")
    p.add_argument(
        "damaged", type=Path, nargs="?", metavar="FILE",
        help="the damaged file (default: the library if damaged, else the newest one set aside)",
    )  # fmt: skip
    _db_arg(p)

    p = add("reparse")
    p.add_argument(
        "sources", nargs="*", metavar="SOURCE",
        help="an imported file's name, path or number in the import log (default: every one)",
    )  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help="only say what would change")
    p.add_argument(
        "--yes", action="store_true",
        help="allow removing articles the new parse has nothing of (asked at a terminal)",
    )  # fmt: skip
    _db_arg(p)

    p = add("export")
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH",  # a str: Path() drops a final '/'
        help="the file to write, or a folder (ending with /) for one file per article",
    )  # fmt: skip
    p.add_argument("--query", metavar="Q", help="only the articles this search finds")
    p.add_argument(
        "--format", choices=("md", "html", "txt"), dest="fmt",
        help="default: from PATH's extension, else md",
    )  # fmt: skip
    p.add_argument("--each", action="store_true", help="one file per article in the folder PATH")
    p.add_argument(
        "--order", choices=("date", "rank"), default="date",
        help="the results of --query newest first (date) or best first (rank)",
    )  # fmt: skip
    _db_arg(p)

    p = add("maintain")
    _db_arg(p)

    p = add("trash")
    p.add_argument("--empty", action="store_true", help="delete what the Trash holds for good")
    _db_arg(p)
    return parser


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def build_window_parser() -> argparse.ArgumentParser:
    """``dispatch [FILE...]``: the window; its --help also lists the sub-commands."""
    width = max(map(len, COMMANDS)) + 2
    commands = "\n".join(f"  {name:<{width}}{text}" for name, text in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="dispatch",
        usage="%(prog)s [FILE ...] [--db PATH]\n       %(prog)s COMMAND [OPTIONS]",
        description="Dispatch, a reader for plain-text news dumps. With no command it opens\n"
        "the window on your library, importing the dumps (files or folders) given.",
        epilog=f"commands:\n{commands}\n\n'dispatch COMMAND --help' tells a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "files", type=Path, nargs="*", metavar="FILE", help="dumps or folders to import"
    )
    _db_arg(parser)
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Dispatch to your application menu and to 'Open with' for text files",
    )
    parser.add_argument(
        "--uninstall-desktop", action="store_true", help="remove what --install-desktop added"
    )
    return parser


def window_args(argv: list[str]) -> argparse.Namespace | None:
    """``dispatch [FILE...]`` with ``--db PATH`` (or ``--db=PATH``) before or after the files,
    read as the window's parser reads it, without building that parser; else None.

    Building an ArgumentParser imports shutil, bz2, lzma and gettext to format help a start never
    shows: 8 ms of CPU of every start. Any other command line (another option, --help, a file
    named like an option, a mistake) is left to the parser, which answers it as before.
    """
    db: str | None = None
    rest = list(argv)
    ends = sorted({0, len(rest) - 2}) if len(rest) >= 2 else []
    for at in ends:
        if rest[at] == "--db" and not rest[at + 1].startswith("-"):
            db = rest[at + 1]
            del rest[at : at + 2]
            break
    else:
        for at in sorted({0, len(rest) - 1}) if rest else []:
            if rest[at].startswith("--db="):
                db = rest.pop(at).removeprefix("--db=")
                break
    if any(word.startswith("-") for word in rest):
        return None
    return argparse.Namespace(
        version=None,
        files=[Path(word) for word in rest],
        db=None if db is None else Path(db),
        install_desktop=False,
        uninstall_desktop=False,
    )


def unknown_word(word: str) -> str | None:
    """The one-line error for a first word that is neither a command nor a file; else None."""
    if Path(word).exists():
        return None
    if word in COMMANDS:
        return f"dispatch: options go after the command: dispatch {word} [OPTIONS]"
    import difflib  # here: only a mistyped command pays for it

    close = difflib.get_close_matches(word, COMMANDS, n=1)
    if close:
        return f"dispatch: '{word}' is not a command or a file; did you mean '{close[0]}'?"
    return (
        f"dispatch: '{word}' is not a command or a file "
        f"(commands: {', '.join(COMMANDS)}; see dispatch --help)"
    )


def no_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when the window could not open for want of a display server (Linux only).

    Qt aborts the whole process in that case (SIGABRT, and a message about a missing
    xcb-cursor0); checking first gives one honest line. A platform that needs no display
    (offscreen, minimal, eglfs, vnc...) in QT_QPA_PLATFORM turns the check off.
    """
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    x11, wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    wanted = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    wanted = [p for p in wanted if p]
    if not wanted:
        return not (x11 or wayland)
    for name in wanted:
        if name == "xcb":
            if x11:
                return False
        elif name.startswith("wayland"):
            if wayland:
                return False
        else:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A windowed launcher (the gui-script on Windows, the bundle) may start us without a console:
    # printing must not fail there.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    if argv and argv[0] in COMMANDS:
        if argv[0] == "search":  # "dispatch search -market": a word to exclude, not an option
            from reader.cli.search import query_args

            argv = [argv[0], *query_args(argv[1:])]
        return run_command(build_parser().parse_args(argv))
    quick = window_args(argv)
    args = build_window_parser().parse_args(argv) if quick is None else quick
    if args.install_desktop or args.uninstall_desktop:
        from reader import desktop

        return desktop.install() if args.install_desktop else desktop.uninstall()
    if args.files:
        error = unknown_word(str(args.files[0]))
        if error:
            print(error, file=sys.stderr)
            return 2
    if no_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    from reader import logs

    logs.setup()
    from reader.ui.app import run

    return run(db=args.db, files=args.files)


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed sub-command; its exit status."""
    if args.command == "parse":  # its output is the point: nothing else is set up
        from reader.cli.parse import run

        return run(args.file, as_json=args.json, layout=args.layout)
    from reader import logs

    logs.setup()
    if args.command == "import":
        from reader.cli.import_dumps import run_paths

        return run_paths(args.files, db=args.db, section=args.section, layout=args.layout)
    if args.command == "search":
        from reader.cli.search import run as search

        return search(" ".join(args.query), db=args.db, as_json=args.json, limit=args.limit)
    if args.command == "export":
        from reader.cli.export import run as export

        return export(
            args.output, db=args.db, query=args.query, fmt=args.fmt, each=args.each,
            order=args.order,
        )  # fmt: skip
    if args.command == "maintain":
        from reader.cli.maintain import run as maintain

        return maintain(args.db)
    if args.command == "recover":
        from reader.cli.recover import run as recover

        return recover(args.db, args.damaged)
    if args.command == "trash":
        from reader.cli.trash import run as trash

        return trash(args.db, empty=args.empty)
    if args.command == "reparse":
        from reader.cli.reparse import run as reparse

        return reparse(args.db, args.sources, dry_run=args.dry_run, yes=args.yes)
    from reader.cli.resort import run as resort

    return resort(args.db)
