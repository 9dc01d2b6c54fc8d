"""The command line: ``.venv/bin/python build.py [build|check|official|verify|manifest|i18n|serve|new|doctor|init]``,
and the same as the installed console command ``conceptnotes`` (``pyproject.toml``), whose messages name it.

Only this module prints and chooses exit codes: 0 success, 1 problems in the inputs
(each printed as ``path:line: message``), 2 usage errors.  Every command works on the
project in the folder it runs in, or the one ``--project DIR`` names.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from conceptnotes import __version__, summary
from conceptnotes.build import uptodate
from conceptnotes.build.pipeline import PDF_VARIANTS, Scope, build, check, note_folders
from conceptnotes.errors import BuildLocked, BuildStopped, NoteError, Problem, SystemMissing, UsageError, display_path
from conceptnotes.project import INSTALLED, Project, command, program_name
from conceptnotes.render import formats


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog=program_name(),
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
    _format_option(b)
    _out_option(b)
    _render_options(b)
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
    _add_i18n(commands)
    _add_official_and_verify(commands)
    _add_new_and_doctor(commands)
    _add_import(commands)
    _add_review(commands)
    _add_init(commands)
    _project_option(top)
    return top


def _project_option(parser: argparse.ArgumentParser) -> None:
    """``--project DIR`` on every command that works on a project (all but ``init``)."""
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands:
        parser.add_argument("--project", type=Path, default=None, metavar="DIR",
                            help="the project folder, which holds content/ (default: the current folder)")
    for action in subcommands:
        for name, sub in action.choices.items():
            if name != "init":
                _project_option(sub)


def _add_init(commands) -> None:
    init = commands.add_parser(
        "init",
        help="make a new project folder: content/, locales/, .gitignore, README",
        description="Make the folder DIR, a project of its own: content/ for the notes, an empty locales/ (the"
        " templates' labels are read from the tool until the project has catalogs of its own), a .gitignore for"
        " output/, and a README with the commands to run there. DIR must not exist yet.",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder")
    init.add_argument("--sample", action="store_true",
                      help="start with the sample note (content/malaga-2022) and its catalogs in six languages")


def _init(args: argparse.Namespace) -> int:
    from conceptnotes.new_project import create

    made = create(args.folder, sample=args.sample)
    for name in made.files:
        print(f"wrote {display_path(made.folder / name)}")
    print(f"next: cd {display_path(made.folder)}, then {command('build')}")
    return 0


def _add_import(commands) -> None:
    im = commands.add_parser(
        "import",
        help="bring a Word concept note in as content/<id>/note.md",
        description="Convert a Word concept note (.docx) into content/<id>/note.md and its assets/;"
        " what it could not keep is listed as warnings, and the front matter it could not find is"
        " left as placeholders that 'check' reports.",
    )
    im.add_argument("docx", type=Path, metavar="NOTE.docx", help="the Word file")
    im.add_argument("--id", default=None, help="the note's id (default: a slug of the file name)")


def _add_review(commands) -> None:
    rv = commands.add_parser(
        "review",
        help="bring a reviewed DOCX (tracked changes, comments) back into its note or catalog",
        description="Read a DOCX this project built, as reviewed in Word or LibreOffice: its tracked and"
        " direct changes are written into note.md (the source language) or the language's catalog, its"
        " comments listed.",
    )
    actions = rv.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    ri = actions.add_parser("import", help="apply a reviewed DOCX's changes: asked one by one, --accept-all, or --list",
                            description="Apply a reviewed DOCX's changes to note.md or the catalog. In a terminal,"
                            " each changed unit is shown word by word and asked about (y: apply, n: not, a: this and"
                            " every later one, q: none later); the chosen ones are written at the end, all or nothing."
                            " With --accept-all, every change; with --list, show its changes and comments and write"
                            " nothing.")
    ri.add_argument("docx", type=Path, metavar="FILE", help="the reviewed DOCX, or a PDF with reviewers' annotations"
                    " (listed only)")
    how = ri.add_mutually_exclusive_group()
    how.add_argument("--accept-all", action="store_true", help="apply every change without asking")
    how.add_argument("--list", action="store_true", help="show the changes and comments; write nothing")


def _review(args: argparse.Namespace) -> int:
    from conceptnotes.word.review import apply_review, chosen, read_review

    if args.docx.suffix.lower() == ".pdf":
        return _review_pdf(args)
    asking = not (args.list or args.accept_all)
    if asking and (sys.stdin is None or not sys.stdin.isatty()):
        raise UsageError("review import asks about each change in a terminal, and its input is not one: add"
                         " --accept-all to apply every change, or --list to show them and write nothing")
    review = read_review(args.docx, args.project)
    record = review.record
    print(f"{display_path(args.docx)}: note '{record.note}' in '{record.lang}'")
    if not asking:
        for change in review.changes:
            _print_change(f"changed {change.where}:", change)
    for comment in review.comments:
        print(f"comment by {comment.author or '?'} at {comment.where or 'outside the note text'}"
              f" on '{comment.anchored}': {comment.text}")
    for change, why in review.conflicts:
        _print_change(f"conflict at {change.where}: {why}; the reviewer's change was left unwritten:", change)
    for listed in review.listed:
        print(f"not applied: {listed}")
    said = (f"{len(review.changes)} unit(s) changed, {len(review.comments)} comment(s),"
            f" {len(review.conflicts)} conflict(s), {len(review.listed)} not applied")
    if args.list:
        print(f"{said}; nothing was written (--list)")
        return 0
    accepted = review.changes if args.accept_all else _choose(review.changes, input)
    written = apply_review(chosen(review, [change.id for change in accepted]), args.project)
    taken = "" if args.accept_all else f"{len(accepted)} accepted; "
    print(f"{said}; {taken}{'updated ' + display_path(written) if written else 'nothing to write'}")
    return 0


def _print_change(heading: str, change) -> None:
    """A reviewed unit's change: what it was, what it is, each tracked change with its author."""
    print(heading)
    print(f"  was: {change.before}")
    print(f"  now: {change.after}")
    for tracked in change.tracked:
        print(f"  {tracked}")


_ANSWERS = """y - apply this change
n - do not apply this change
a - apply this change and every later one
q - quit: apply no later change (the ones accepted so far are written)
? - print this help"""


def _choose(changes: list, ask) -> list:
    """The changes the officer accepts, asked one by one as ``git add -p`` asks (``ask`` is
    ``input``): each unit's line and its words deleted and inserted, then y, n, a (this and
    every later one) or q (no later one; the end of input too).  Nothing is written here."""
    from conceptnotes.word.review_diff import as_text, word_diff

    accepted: list = []
    for number, change in enumerate(changes, start=1):
        print(f"changed {change.where} ({number}/{len(changes)}):")
        print(f"  {as_text(word_diff(change.before, change.after, change.unit.mark.text))}")
        for tracked in change.tracked:
            print(f"  {tracked}")
        answer = ""
        while answer not in ("y", "n", "a", "q"):
            if answer:
                print(_ANSWERS)
            try:
                answer = ask("Apply this change [y,n,a,q,?]? ").strip().lower()[:1] or "?"
            except EOFError:
                print()
                answer = "q"
        if answer == "q":
            break
        if answer == "a":
            return accepted + changes[number - 1:]
        if answer == "y":
            accepted.append(change)
    return accepted


def _review_pdf(args: argparse.Namespace) -> int:
    from conceptnotes.word.review_pdf import read_annotations

    note, lang, annotations = read_annotations(args.docx, args.project)
    print(f"{display_path(args.docx)}: note '{note}' in '{lang}'")
    for a in annotations:
        reply = f" (a reply to {a.reply_to or '?'})" if a.reply_to else ""
        on = f" on '{a.anchored}'" if a.anchored else ""
        print(f"page {a.page}: {a.kind} by {a.author or '?'}{reply} at {a.where or 'outside the note text'}{on}"
              + (f": {a.text}" if a.text else ""))
    print(f"{len(annotations)} annotation(s); nothing was applied: a PDF's annotations are listed only"
          " (make the changes in note.md or the .po, or review the DOCX)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from conceptnotes.word.importer import import_docx

    done = import_docx(args.docx, args.project, args.id)
    _report(done.problems.warnings)
    images = f" and {done.images} image(s) in assets/" if done.images else ""
    print(f"imported {display_path(args.docx)} as {display_path(done.folder / 'note.md')}{images}")
    print("the front matter, as guessed from the Word file's first page (confirm each in note.md):")
    for name, source in done.sources:
        print(f"  {name}: {source}")
    if done.placeholders:
        check_it = command(f"check {display_path(done.folder)}")
        print(f"to fill in (placeholders in the front matter): {', '.join(done.placeholders)}; then run {check_it}")
    return 0


def _add_i18n(commands) -> None:
    i = commands.add_parser(
        "i18n",
        help="translation catalogs: extract, update, status; XLIFF export and import; memory import",
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
    # XLIFF 1.2 for CAT tools (conceptnotes/i18n/xliff.py)
    x = actions.add_parser(
        "export",
        help="write a note's units in one language as XLIFF 1.2 for a CAT tool",
        description="Write each note's units in LANG, with their translations and states, as XLIFF 1.2"
        " (Trados, memoQ, OmegaT): locales/<lang>/xliff/<note-id>.<lang>.xlf, or --out.",
    )
    x.add_argument("--xliff", required=True, metavar="LANG", help="the target language, e.g. fr")
    x.add_argument("--out", type=Path, default=None, metavar="FILE|DIR",
                   help="a .xlf file (one note) or a folder (default: locales/<lang>/xliff/)")
    im = actions.add_parser(
        "import",
        help="merge an XLIFF file from a CAT tool into its note's catalog",
        description="Merge the targets of an XLIFF 1.2 file made by 'i18n export' into the catalog of its note"
        " and language, checked as the build checks a translation; nothing is written if anything is wrong.",
    )
    im.add_argument("file", type=Path, metavar="FILE.xlf", help="the XLIFF file")
    # the translation memory (conceptnotes/i18n/memory.py, tmx.py)
    mem = actions.add_parser(
        "memory",
        help="add a CAT tool's translation memory (TMX) to the project's",
        description="The translation memory: every note's translated units, and the TMX files imported here.",
    )
    mem_actions = mem.add_subparsers(dest="memory_action", metavar="ACTION", parser_class=_Parser, required=True)
    mi = mem_actions.add_parser(
        "import",
        help="keep a TMX file in locales/memory/, where the memory reads it",
        description="Check a TMX file (which Trados, memoQ and OmegaT export) and keep a copy in locales/memory/:"
        " its units are offered as the memory's matches, naming the file.",
    )
    mi.add_argument("file", type=Path, metavar="FILE.tmx", help="the TMX file")
    for sub in (e, u, st, x):
        sub.add_argument(
            "notes", nargs="*", type=Path, metavar="NOTE_DIR", help="note folders; default: every note under content/"
        )


def _i18n(args: argparse.Namespace) -> int:
    from conceptnotes.build.pipeline import load_notes
    from conceptnotes.i18n import commands as i18n

    if args.action == "import":
        return _xliff_import(args.file, args.project)
    if args.action == "memory":
        return _memory_import(args.file, args.project)
    notes, _ = load_notes(note_folders(args.notes, args.project))
    if args.action == "export":
        return _xliff_export(notes, args.xliff, args.out, explicit=bool(args.notes))
    if args.action == "extract":
        for written in i18n.extract(notes, None if notes else args.project.locales):
            print(f"{'wrote' if written.changed else 'unchanged'} {display_path(written.path)}")
        return 0
    if args.action == "update":
        written = i18n.update(notes, check=args.check)
        for item in written:
            memory = f" ({item.from_memory} from the memory, fuzzy: review them)" if item.from_memory else ""
            print(f"{'updated' if item.changed else 'unchanged'} {display_path(item.path)}{memory}")
        if args.check:
            print("catalogs are up to date")
        return 0
    found = i18n.statuses(notes)
    if args.json:
        import json

        print(json.dumps([i18n.status_row(s) for s in found], indent=2, ensure_ascii=False))
        return 0
    header = (f"{'catalog':<24} {'lang':<4} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'done':>7}"
              f" {'memory':>7}")
    print(header)
    print("-" * len(header))
    for s in found:
        print(f"{s.note:<24} {s.lang:<4} {s.translated:>10} {s.fuzzy:>6} {s.untranslated:>12} {s.percent:>6.1f}%"
              f" {s.memory:>7}")
    return 0


def _xliff_export(notes: list, lang: str, out: Path | None, *, explicit: bool) -> int:
    from conceptnotes.i18n import xliff
    from conceptnotes.i18n.commands import target_languages

    if not explicit:  # every note: those translated into LANG
        notes = [note for note in notes if lang in target_languages(note)]
        if not notes:
            print(f"no note is translated into '{lang}'", file=sys.stderr)
            return 1
    for item in xliff.export(notes, lang, out):
        print(f"{'wrote' if item.changed else 'unchanged'} {display_path(item.path)} ({item.units} units)")
    return 0


def _xliff_import(path: Path, project: Project) -> int:
    from conceptnotes.i18n import xliff

    done = xliff.import_file(path, project)
    _report(done.problems.warnings)
    said = f"{done.translated} translated, {done.fuzzy} fuzzy, {done.unchanged} unchanged"
    print(f"{'updated' if done.changed else 'unchanged'} {display_path(done.catalog)} ({said})")
    return 0


def _memory_import(path: Path, project: Project) -> int:
    from conceptnotes.i18n import tmx

    done = tmx.import_file(path, project.locales)
    said = f"{done.units} units in {', '.join(done.languages)}"
    print(f"{'imported' if done.changed else 'unchanged'} {display_path(done.path)} ({said})")
    return 0


# The working folder's output/: the default --out, unless --project names another project
# (told apart by identity, so that '--out output' typed by the user stays as typed).
DEFAULT_OUT = Project.working().output


def _out_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: the project's output/)"
    )


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of at least 1, not '{value}'")
    return int(value)


def _format_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--format",
        type=_csv,
        default=formats.DEFAULT,
        metavar="FORMATS",
        help=f"comma-separated formats: {','.join(formats.NAMES)} (default: {','.join(formats.DEFAULT)})",
    )


def _render_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="documents rendered at once, in worker processes (default: the number of cores)",
    )
    sub.add_argument(
        "--pdf-variant",
        default="pdf/ua-1",
        choices=PDF_VARIANTS,
        metavar="VARIANT",
        help="pdf/ua-1 (tagged, accessible; the default), or pdf/a-3b / pdf/a-3u (archival, with"
        " the note's source files attached)",
    )


def _add_official_and_verify(commands) -> None:
    o = commands.add_parser(
        "official",
        help="the official build: every note and language, strictly",
        description="Build every note in every language (in the formats of --format: PDF and DOCX by"
        " default) with every warning an error, write output/manifest.json, and publish nothing new"
        " if anything is wrong.",
    )
    _out_option(o)
    _format_option(o)
    _render_options(o)
    o.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="K/N",
        help="build only shard K of N (1 <= K <= N), one CI job's share of the documents, with a partial"
        " manifest; join the N output folders with 'manifest merge'",
    )
    v = commands.add_parser(
        "verify",
        help="check the outputs against output/manifest.json",
        description="Check every output listed in the manifest: exit 1 naming any file that differs or is missing.",
    )
    _out_option(v)
    m = commands.add_parser(
        "manifest",
        help="join the output folders of the shards of an official build",
        description="Work on manifests.",
    )
    actions = m.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    merge = actions.add_parser(
        "merge",
        help="join the shards' output folders (official --shard K/N) into one",
        description="Join the output folders of all N shards of one official build (official --shard K/N) into"
        " --out: their documents copied, and the manifest one official build writes. Refuses (exit 1) a missing"
        " or duplicated shard, shards of different builds, and a document that differs from its manifest.",
    )
    merge.add_argument("shards", nargs="+", type=Path, metavar="DIR", help="the output folder of each shard")
    _out_option(merge)
    sv = commands.add_parser(
        "serve",
        help="preview the notes in a browser, live, and translate them there",
        description="Serve a live preview of every note in every language, and a translation workbench, on"
        " http://127.0.0.1:8000/ (Ctrl-C stops it). Saving a note, catalog, asset or template updates the"
        " open pages. See docs/preview.md.",
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    sv.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    sv.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than this machine's; every request then needs the secret of the address"
        " printed at start (whoever has that address can read the notes and write translations)",
    )
    sv.add_argument("--time-limit", type=_seconds, default=60.0, metavar="SECONDS",
                    help="seconds a preview may take to render before it is stopped (default: 60)")


def _add_new_and_doctor(commands) -> None:
    n = commands.add_parser(
        "new",
        help="start a note: content/<ID>/note.md, every field explained, and its catalogs",
        description="Write content/ID/note.md with every front-matter field, each explained, and the usual"
        " sections of a concept note, each with a line saying what it holds (TODO: a warning in a draft check"
        " or build, an error in a strict one); then its catalogs, as 'i18n extract' and 'i18n update' do.",
    )
    n.add_argument("id", metavar="ID", help="the note's id: lower-case letters, digits and hyphens (malaga-2022)")
    n.add_argument("--lang", type=_csv, default=None, metavar="LANGS",
                   help="comma-separated languages of the note (default: en), e.g. ar,en,es,fr,ru,zh")
    commands.add_parser(
        "doctor",
        help="check this machine: Pango, HarfBuzz, fonts, programs, Python packages, folders",
        description="Check what a build needs on this machine, and say how to fix what is missing:"
        " exit 1 if the build lacks something, 0 when only what the tests or the preview use is missing.",
    )


def _new(args: argparse.Namespace) -> int:
    from conceptnotes.new_note import NEXT, create

    created = create(args.project, args.id, args.lang)
    print(f"wrote {display_path(created.note)}")
    for written in created.catalogs:
        print(f"{'wrote' if written.changed else 'unchanged'} {display_path(written.path)}")
    print(f"next: {NEXT}")
    return 0


def _doctor(project: Project) -> int:
    from conceptnotes.doctor import diagnose

    findings = diagnose(project)
    width = max(len(f.name) for f in findings)
    for f in findings:
        status = "ok" if f.ok else "MISSING" if f.required else "note"
        fix = f"; fix: {f.fix}" if f.fix and not f.ok else ""
        print(f"{status:<8} {f.name:<{width}}  {f.detail}{fix}")
    wrong = [f for f in findings if f.required and not f.ok]
    if wrong:
        print(f"doctor: {len(wrong)} thing{'s' if len(wrong) != 1 else ''} a build needs"
              f" {'are' if len(wrong) != 1 else 'is'} missing or wrong: run the fix above")
        return 1
    print("doctor: everything a build needs is here")
    return 0


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not '{value}'")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"a time limit is a number of seconds above 0, at most 3600, not '{value}'")
    return seconds


def _serve(args: argparse.Namespace) -> int:
    import shutil

    from conceptnotes.serve.access import make_secret
    from conceptnotes.serve.app import is_local, serve

    if not is_local(args.host) and not args.allow_remote:
        raise UsageError(f"serve: --host {args.host} lets other machines read the notes; add --allow-remote"
                         " if that is meant")
    if shutil.which("pdftoppm") is None:
        make = "" if INSTALLED else ", or run 'make serve'"
        raise UsageError(f"serve: pdftoppm is missing (it draws the pages): install poppler-utils{make}")
    project = args.project
    if not project.note_folders():
        print(f"no notes found under {display_path(project.content)}/", file=sys.stderr)
        return 1
    if not is_local(args.host):
        print(f"warning: serving on {args.host}: other machines can reach this server", file=sys.stderr)
    host = f"[{args.host}]" if ":" in args.host else args.host
    secret = make_secret() if args.allow_remote else None
    address = f"http://{host}:{args.port}/" + (f"?token={secret}" if secret else "")
    print(f"Serving the preview on {address} (Ctrl-C to stop)", flush=True)
    try:
        serve(project, args.host, args.port, secret=secret, seconds=args.time_limit)
    except KeyboardInterrupt:  # Ctrl-C is how a server stops: the server has shut down
        pass
    print("stopped", flush=True)
    return 0


def _shard(value: str):
    from conceptnotes.build.shards import parse

    try:
        return parse(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Progress:
    """Progress of a multi-document build: one rewritten line on a terminal, plain lines elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()

    def __call__(self, done: int, total: int, path: Path) -> None:
        if self.tty:
            print(f"\r\033[K[{done}/{total}] {display_path(path)}", end="", flush=True)
        else:
            print(f"[{done}/{total}] rendered {display_path(path)}", flush=True)

    def close(self) -> None:
        if self.tty:
            print("\r\033[K", end="", flush=True)


def _summary(built: list) -> None:
    rows = [(display_path(b.path), b.pages, b.size, b.seconds if b.fresh else None) for b in built]
    print("\n".join(summary.table(rows)))


GROUPED = 20  # more warnings than this are told per file, with a count


def _report(problems: list[Problem]) -> None:
    """Every problem as ``path:line: message``; past :data:`GROUPED` warnings, the warnings
    one line per file: how many of each kind, from which line (``i18n status`` lists them)."""
    warnings = [p for p in problems if p.warning]
    grouped = len(warnings) > GROUPED
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column)):
        if not (grouped and problem.warning):
            print(problem, file=sys.stderr)
    if grouped:
        for path, found in _by_file(warnings).items():
            kinds = Counter(_kind_of(p.message) for p in found)
            said = "; ".join(f"{kind}: {n}" for kind, n in kinds.most_common())
            first = min((p.line for p in found if p.line), default=0)
            at = f" (the first at line {first})" if first else ""
            print(f"{path}: warning: {len(found)} warnings{at}: {said}", file=sys.stderr)


def _by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for problem in sorted(problems):
        found.setdefault(display_path(problem.path), []).append(problem)
    return found


def _kind_of(message: str) -> str:
    """What a warning says, without where its source is: 'untranslated unit (note.md:12); ...'."""
    return re.split(r" \(|; ", message, maxsplit=1)[0]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    typed = list(argv)  # as typed: a build keeps its answer under it (see console.main)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # no command: build, as 'make' does
    done = _Done()
    try:
        args = parser().parse_args(argv)
        done.command = args.command
        if args.command == "init":
            return _init(args)
        _in_project(args)
        if args.command == "i18n":
            writes = ("extract", "import", "memory")
            done.writes_catalogs = args.action in writes or (args.action == "update" and not args.check)
            return _i18n(args)
        if args.command in _COMMANDS:
            return _COMMANDS[args.command](args)
        folders = note_folders(getattr(args, "notes", None), args.project)
        if not folders:
            print(f"no notes found under {display_path(args.project.content)}/", file=sys.stderr)
            return 1
        if args.command == "check":
            # a document whose inputs are those a build checked is told as that check found it
            checked = check(folders, Scope(strict=args.strict, kept=True))
            documents = [(d.note.id, d.lang) for d in checked.documents] + list(checked.kept)
            _report(checked.warnings)
            notes = len({note_id for note_id, _ in documents})
            print(f"checked {notes} note(s) in {len(documents)} language version(s): no problems")
            return 0
        built, warnings = _build(args, folders, uptodate.name(typed))
        done.built = True
        _report(warnings)
        _summary(built)
        if getattr(args, "shard", None):
            print(f"shard {args.shard}: a partial manifest; join the output folders of all {args.shard.count}"
                  f" shards with '{program_name()} manifest merge DIR... --out DIR'")
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BuildLocked, SystemMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BuildStopped as exc:
        return stopped(exc.cause, _left_in(exc))
    except (KeyboardInterrupt, OSError) as exc:  # outside the build's writing: the command knows what it wrote
        return stopped(exc, done.left())
    except NoteError as exc:
        _report(exc.problems)
        count = len(exc.problems)
        failed = f"failed: {count} problem{'s' if count != 1 else ''}; nothing was written"
        print(exc.summary or failed, file=sys.stderr)
        return 1


def _in_project(args: argparse.Namespace) -> None:
    """``args.project`` made the Project that ``--project DIR`` names (the current folder's
    without it), and the default ``--out`` of the build commands its ``output/``."""
    if args.project is not None and not args.project.is_dir():
        raise UsageError(f"--project {args.project}: no such folder")
    if args.project is None:
        args.project = Project.working()
        return
    args.project = Project.at(args.project)
    if args.command in ("build", "official", "verify", "manifest") and args.out is DEFAULT_OUT:
        args.out = args.project.output


_COMMANDS = {
    "verify": lambda args: _verify(args.out),
    "manifest": lambda args: _merge(args.shards, args.out),
    "serve": _serve,
    "new": _new,
    "doctor": lambda args: _doctor(args.project),
    "import": _import,
    "review": _review,
}


def _build(args: argparse.Namespace, folders: list[Path], typed: str):
    """Build, keeping the answer "every output is up to date" under the command ``typed``
    (:mod:`conceptnotes.build.uptodate`)."""
    progress = _Progress()
    official = args.command == "official"
    try:
        return build(
            folders,
            None if official else args.lang,
            args.format,
            args.out,
            progress,
            strict=official or args.strict,
            variant=args.pdf_variant,
            jobs=args.jobs,
            official=official,
            shard=args.shard if official else None,
            remember_as=typed,
        )
    finally:
        progress.close()


FINISHED = "the build had finished: the outputs and the manifest agree"


class _Done:
    """What the command has done so far, for the message of an interruption or a write error
    that came outside a build's commit (which raises BuildStopped, checked on disk)."""

    def __init__(self) -> None:
        self.command = ""
        self.writes_catalogs = False
        self.built = False

    def left(self) -> str:
        if self.built:  # the build had returned: it had committed, or found everything up to date
            return FINISHED
        if self.writes_catalogs:
            return "each catalog is written whole, but those before this point may be updated already"
        if self.command in ("", "build", "official", "manifest"):  # a build writes only under its lock
            return "the previous outputs are unchanged"
        return "nothing was written"


def _left_in(stopped: BuildStopped) -> str:
    """What a stopped build left in its output folder, as it checked there."""
    from conceptnotes.build import output

    if stopped.left == output.UNCHANGED:
        return "the previous outputs are unchanged"
    if stopped.left == output.UPDATED:
        return "the outputs and the manifest had been updated, and agree"
    journal = display_path(stopped.out / output.PENDING)
    fix = "" if isinstance(stopped.cause, KeyboardInterrupt) else "once this is fixed, "
    return f"the outputs are part-way replaced: {fix}the next build completes that from its journal, {journal}"


def stopped(cause: BaseException, left: str) -> int:
    if isinstance(cause, KeyboardInterrupt):
        print(f"interrupted: {left}", file=sys.stderr)
        return 130
    assert isinstance(cause, OSError)
    where = f" {display_path(cause.filename)}" if cause.filename else ""
    print(f"error: cannot write{where}: {cause.strerror or cause}; {left}", file=sys.stderr)
    return 1


def _verify(out: Path) -> int:
    from conceptnotes.build.manifest import verify

    checked = verify(out)
    print(f"verified {checked} output(s) against {display_path(out / 'manifest.json')}")
    return 0


def _merge(folders: list[Path], out: Path) -> int:
    from conceptnotes.build.merge import merge

    documents = merge(folders, out)
    print(f"merged {len(folders)} shard(s): {documents} document(s), {display_path(out / 'manifest.json')}")
    return 0
