"""Command line: ``python -m reader [SUB-COMMAND]``; with no sub-command, the window.

Each sub-command's work lives in its own module, imported only when used, so that
``dispatch parse`` never pays for importing Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import reader

SUBCOMMANDS = ("parse", "import", "search", "resort")


class _VersionAction(argparse.Action):
    """--version, reading the version only when asked (it costs start-up time)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.exit(message=f"Dispatch {reader.__version__}\n")


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="library file (default: the one in your data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatch", description="Dispatch, a reader for plain-text news dumps."
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("parse", help="parse a dump and print its articles")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per article per line")

    p = sub.add_parser("import", help="import dumps into the library")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--section", metavar="NAME", help="put every article of these files in NAME")
    _db_arg(p)

    p = sub.add_parser("search", help="search the library")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="one JSON object per result per line")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    _db_arg(p)

    p = sub.add_parser(
        "resort", help="sort every article again (articles you placed by hand stay where they are)"
    )
    _db_arg(p)
    return parser


def build_window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatch",
        description="Dispatch, a reader for plain-text news dumps. "
        f"Sub-commands: {', '.join(SUBCOMMANDS)} (dispatch COMMAND --help).",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("files", type=Path, nargs="*", metavar="FILE", help="dumps to import")
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A windowed launcher (the gui-script on Windows, the bundle) may start us without a console:
    # printing must not fail there.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    if argv and argv[0] in SUBCOMMANDS:
        args = build_parser().parse_args(argv)
        if args.command == "parse":
            from reader.parse_cli import run

            return run(args.file, as_json=args.json)
        if args.command == "import":
            from reader.import_cli import run

            return run(args.files, db=args.db, section=args.section)
        if args.command == "search":
            from reader.search_cli import run

            return run(args.query, db=args.db, as_json=args.json, limit=args.limit)
        if args.command == "resort":
            from reader.resort_cli import run

            return run(args.db)
    if argv and argv[0] in ("-h", "--help"):
        build_window_parser().print_help()
        print("\nsub-commands:")
        build_parser().print_usage()
        return 0
    args = build_window_parser().parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        from reader import desktop

        return desktop.install() if args.install_desktop else desktop.uninstall()
    from reader.ui.app import run

    return run(db=args.db, files=args.files)
