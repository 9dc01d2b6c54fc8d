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
    b.add_argument(
        "--strict",
        action="store_true",
        help="treat every warning as an error: a missing or fuzzy translation, an image without alt text",
    )

    c = commands.add_parser(
        "check",
        help="validate notes and templates, write nothing",
        description="Validate everything a build would read; write nothing.",
    )
    c.add_argument(
        "notes", nargs="*", type=Path, metavar="NOTE_DIR", help="note folders; default: every note under content/"
    )
    c.add_argument("--strict", action="store_true", help="treat every warning as an error")
    i = commands.add_parser(
        "i18n",
        help="translation catalogs: extract, update, status",
        description="Keep the translation catalogs in step with the notes.",
    )
    actions = i.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    e = actions.add_parser(
        "extract",
        help="write each note's template catalog (locales/<note-id>.pot)",
        description="Write locales/<note-id>.pot for each note and locales/messages.pot for the templates' labels.",
    )
    u = actions.add_parser(
        "update",
        help="merge the templates into locales/<lang>/LC_MESSAGES/*.po",
        description="Merge each template into the catalog of every language of the note:"
        " new units are added, changed ones become fuzzy (old translation kept), removed"
        " ones obsolete.",
    )
    u.add_argument("--check", action="store_true", help="write nothing; exit 1 if a catalog is out of date")
    st = actions.add_parser(
        "status",
        help="translated, fuzzy and untranslated units per note and language",
        description="Print, per note and language, the translated, fuzzy and untranslated units.",
    )
    st.add_argument("--json", action="store_true", help="print JSON for machines")
    for sub in (e, u, st):
        sub.add_argument(
            "notes", nargs="*", type=Path, metavar="NOTE_DIR", help="note folders; default: every note under content/"
        )
    return top


def _i18n(args: argparse.Namespace) -> int:
    from . import i18n
    from .pipeline import load_notes

    notes, _ = load_notes(note_folders(args.notes))
    if args.action == "extract":
        for written in i18n.extract(notes):
            print(f"{'wrote' if written.changed else 'unchanged'} {display_path(written.path)}")
        return 0
    if args.action == "update":
        written, problems = i18n.update(notes, check=args.check)
        if problems.items:
            raise NoteError(problems.items)
        for item in written:
            print(f"{'updated' if item.changed else 'unchanged'} {display_path(item.path)}")
        if args.check:
            print("catalogs are up to date")
        return 0
    found, problems = i18n.statuses(notes)
    if problems.items:
        raise NoteError(problems.items)
    if args.json:
        import json

        rows = [
            {
                "note": s.note,
                "language": s.lang,
                "translated": s.translated,
                "fuzzy": s.fuzzy,
                "untranslated": s.untranslated,
                "total": s.total,
                "percent": round(s.percent, 1),
            }
            for s in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    header = f"{'note':<24} {'lang':<4} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'done':>7}"
    print(header)
    print("-" * len(header))
    for s in found:
        print(f"{s.note:<24} {s.lang:<4} {s.translated:>10} {s.fuzzy:>6} {s.untranslated:>12} {s.percent:>6.1f}%")
    return 0


def _report(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column)):
        print(problem, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # no command: build, as 'make' does
    try:
        args = parser().parse_args(argv)
        if args.command == "i18n":
            return _i18n(args)
        folders = note_folders(args.notes)
        if not folders:
            print("no notes found under content/", file=sys.stderr)
            return 1
        if args.command == "check":
            documents, warnings = check(folders, strict=args.strict)
            _report(warnings)
            notes = len({d.note.id for d in documents})
            print(f"checked {notes} note(s) in {len(documents)} language version(s): no problems")
            return 0
        built, warnings = build(folders, args.lang, args.format, args.out, strict=args.strict)
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
