"""What the server's pages show of the project, read as the commands read it: the index's
translation status is ``i18n status``'s, the documents are the build's, the source is
read through the one input path (``read_input``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conceptnotes import languages
from conceptnotes.errors import NoteError, UsageError, display_path
from conceptnotes.project import NOTE_FILE, Project
from conceptnotes.render import formats

if TYPE_CHECKING:
    from conceptnotes.read.parsed import Notes


def _load(folder: Path):
    from conceptnotes.build.pipeline import load_notes

    (note,), _ = load_notes([folder])
    return note


def index_rows(project: Project) -> list[dict[str, Any]]:
    """Each note: its languages with their status and current documents, or its problems."""
    from conceptnotes.build.pipeline import document_name
    from conceptnotes.i18n import commands

    rows = []
    for folder in project.note_folders():
        row: dict[str, Any] = {"note": folder.name, "languages": [], "problems": []}
        rows.append(row)
        try:
            note = _load(folder)
            found = {s.lang: s for s in commands.statuses([note]) if s.note == note.id}
        except NoteError as exc:
            row["problems"] = [str(p) for p in exc.problems]
            continue
        row["title"] = note.meta.title
        for lang in note.meta.languages:
            documents = {}
            for fmt in formats.NAMES:
                name = document_name(note, lang, fmt)
                if (project.output / name).is_file():
                    documents[fmt] = name
            entry = {"code": lang, "name": languages.get(lang).name, "source": lang == note.meta.source_language,
                     "documents": documents}
            if lang in found:
                entry["status"] = commands.status_row(found[lang])
            row["languages"].append(entry)
    return rows


def note_languages(folder: Path) -> list[dict[str, Any]]:
    """The languages of a note, for the switch on its pages (the six, if its front matter is broken)."""
    try:
        from conceptnotes.read.loader import load_note

        note, _ = load_note(folder, body=False)
        codes, source = list(note.meta.languages), note.meta.source_language
    except NoteError:
        codes, source = list(languages.CODES), ""
    return [{"code": code, "name": languages.get(code).name, "direction": languages.get(code).direction,
             "source": code == source} for code in codes]


def source_lines(folder: Path, lang: str) -> tuple[Path, list[str]]:
    """The file a reader edits for ``lang`` (note.md, or the catalog of a translation), as lines."""
    from conceptnotes.i18n import catalogs
    from conceptnotes.read.characters import decode
    from conceptnotes.read.files import is_present, read_input
    from conceptnotes.read.loader import load_note

    path = folder / NOTE_FILE
    try:
        note, _ = load_note(folder, body=False)
        if lang != note.meta.source_language:
            catalog = catalogs.catalog_path(Project.of_note(folder).locales, lang, note.id)
            if is_present(catalog):
                return catalog, decode(catalogs.read(catalog), catalog).splitlines()
    except NoteError:
        pass  # the note's own problems: its text is what the reader needs to see
    return path, decode(read_input(path, folder), path).splitlines()


def unit_json(view: Any) -> dict[str, Any]:
    return asdict(view)


def workbench_units(folder: Path, lang: str, show: str, notes: Notes | None = None) -> dict[str, Any]:
    """The units of the workbench, those ``show`` asks for, and the counts of all (the note from
    ``notes``, the server's, when given)."""
    from conceptnotes.i18n import catalogs
    from conceptnotes.serve import workbench

    if show not in workbench.SHOWS:
        raise UsageError(f"show: {', '.join(workbench.SHOWS)}, not '{show}'")
    views = workbench.unit_views(folder, lang, notes=notes)
    counts = {state: sum(1 for v in views if v.state == state) for state in workbench.STATES}
    shown = [v for v in views if show == "all" or v.state == show]
    catalog = catalogs.catalog_path(Project.of_note(folder).locales, lang, folder.name)
    return {"units": [unit_json(v) for v in shown], "counts": counts, "catalog": display_path(catalog)}


def check_unit(folder: Path, lang: str, msgid: str, msgstr: str, notes: Notes | None = None) -> list[str]:
    """What the build would say of ``msgstr`` as the translation of ``msgid`` in this note: the
    messages, as the workbench shows them beside the unit (the note from ``notes``, the
    server's, when given)."""
    from conceptnotes.serve import workbench

    note = notes.note(folder) if notes is not None else _load(folder)
    return [problem.message for problem in workbench.check(msgid, msgstr, note, lang).errors]
