"""The command line: ``python build.py [build|check] ...``.

Only this module prints and chooses exit codes: 0 success, 1 problems in the inputs
(each printed as ``path:line: message``), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import NoteError, Problem, UsageError, display_path
from .pipeline import FORMATS, OUTPUT_DIR, build, check, note_folders


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="build.py",
        description="Build concept notes into official DOCX and PDF documents.",
        epilog="With no command, builds every note under content/ (as 'make' does).",
    )
    top.add_argument("--version", action="version", version=f"conceptnotes {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    b = commands.add_parser(
        "build",
        help="build DOCX and PDF documents",
        description="Build the notes' documents into output/<note-id>/<note-id>.<lang>.<ext>.",
    )
    b.add_argument(
        "notes",
        nargs="*",
        type=Path,
        metavar="NOTE_DIR",
        help="note folders (any folder with a note.md); default: every note under content/",
    )
    b.add_argument(
        "--lang",
        type=_csv,
        default=None,
        metavar="LANGS",
        help="comma-separated languages to build, e.g. en,fr (default: each note's languages)",
    )
    b.add_argument(
        "--format",
        type=_csv,
        default=FORMATS,
        metavar="FORMATS",
        help="comma-separated formats: pdf,docx (default: both)",
    )
    b.add_argument("--out", type=Path, default=OUTPUT_DIR, metavar="DIR", help="output folder (default: output/)")

    c = commands.add_parser(
        "check",
        help="validate notes and templates, write nothing",
        description="Validate everything a build would read; write nothing.",
    )
    c.add_argument(
        "notes", nargs="*", type=Path, metavar="NOTE_DIR", help="note folders; default: every note under content/"
    )
    return top


def _report(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column)):
        print(problem, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # no command: build, as 'make' does
    try:
        args = parser().parse_args(argv)
        folders = note_folders(args.notes)
        if not folders:
            print("no notes found under content/", file=sys.stderr)
            return 1
        if args.command == "check":
            notes, warnings = check(folders)
            _report(warnings)
            print(f"checked {len(notes)} note(s): no problems")
            return 0
        built, warnings = build(folders, args.lang, args.format, args.out)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NoteError as exc:
        _report(exc.problems)
        count = len(exc.problems)
        print(f"failed: {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    _report(warnings)
    for item in built:
        pages = f"{item.pages} pages, " if item.pages else ""
        print(f"wrote {display_path(item.path)} ({pages}{item.size / 1024:.0f} KB, {item.seconds:.1f} s)")
    return 0
