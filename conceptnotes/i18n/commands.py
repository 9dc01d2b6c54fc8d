"""The translators' commands: extract units, update catalogs, say what is left to do."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from conceptnotes.errors import NoteError, Problems
from conceptnotes.i18n import catalogs, labels, memory
from conceptnotes.languages import LABEL_LANGUAGE
from conceptnotes.model import Note
from conceptnotes.project import BABEL_CFG, PACKAGE_DIR, TOOL_ROOT, Project, command
from conceptnotes.read.files import is_present
from conceptnotes.writing import write_atomic


def target_languages(note: Note) -> list[str]:
    return [lang for lang in note.meta.languages if lang != note.meta.source_language]


COMMENT_TAG = "TRANSLATORS:"  # a comment so marked, above a label, is shown to its translators


def extract_labels() -> Catalog:
    """The templates' labels, found as ``pybabel extract -F babel.cfg -c TRANSLATORS:`` finds them
    in the checkout: the same catalog from an installed tool, whose templates are not beside the
    package (:data:`conceptnotes.project.TOOL_ROOT`)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    day = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    catalog = Catalog(
        project="conceptnotes",
        version=None,
        copyright_holder="United Nations",
        msgid_bugs_address="the conceptnotes maintainers",
        creation_date=day,
        revision_date=day,
        charset="utf-8",
    )
    # the package's code (conceptnotes/**.py) from the folder that holds it, then the templates
    # from the tool's folder: one walk of the checkout, where the two are the same folder
    for root in dict.fromkeys((PACKAGE_DIR.parent, TOOL_ROOT)):
        for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, comment_tags=(COMMENT_TAG,), strip_comment_tags=True,
            directory_filter=_walked(root),
        ):
            catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _walked(root: Path):
    """Which folders under ``root`` the extraction walks: no hidden one, and of the folder
    that holds an installed package (site-packages), only the package."""
    only_package = root == PACKAGE_DIR.parent != TOOL_ROOT

    def walked(folder: str) -> bool:
        path = Path(folder)
        if path.name.startswith("."):
            return False
        return not only_package or path == PACKAGE_DIR or PACKAGE_DIR in path.parents

    return walked


@dataclass(frozen=True)
class Written:
    path: Path
    changed: bool
    from_memory: int = 0  # units new in the catalog given the translation of the same source, fuzzy


def write(path: Path, data: bytes, root: Path) -> Written:
    """Write ``data`` to ``path`` (a catalog, a template, an XLIFF file), below ``root`` (the
    project's ``locales/``, the folder of an export), unless it holds them already."""
    changed = _current(path) != data
    if changed:
        write_atomic(path, data, root)  # a link or FIFO in its place or on its way is refused
    return Written(path, changed)


def _current(path: Path) -> bytes | None:
    """What a catalog or template holds now, read as the build reads it; None where there
    is no regular file to compare with."""
    if not is_present(path):
        return None
    try:
        return catalogs.read(path)
    except NoteError:
        return None


def extract(notes: list[Note], locales: Path | None = None) -> list[Written]:
    """Write each note's template and the labels' template."""
    written = []
    for note in notes:
        where = locales or Project.of_note(note.folder).locales
        written.append(write(catalogs.template_path(where, note.id), catalogs.dump(catalogs.extract(note)), where))
    where = locales or (Project.of_note(notes[0].folder) if notes else Project.working()).locales
    written.append(write(catalogs.template_path(where, catalogs.LABELS), catalogs.dump(extract_labels()), where))
    return written


def _plans(notes: list[Note], locales: Path | None):
    """(locales folder, catalog path, template, language, domain) for every catalog the notes
    need, labels included."""
    label_langs: dict[Path, set[str]] = {}
    for note in notes:
        where = locales or Project.of_note(note.folder).locales
        template = catalogs.extract(note)
        for lang in target_languages(note):
            yield where, catalogs.catalog_path(where, lang, note.id), template, lang, note.id
        label_langs.setdefault(where, set()).update(lang for lang in note.meta.languages if lang != LABEL_LANGUAGE)
    labels = extract_labels()
    for where, langs in label_langs.items():
        for lang in sorted(langs):
            yield where, catalogs.catalog_path(where, lang, catalogs.LABELS), labels, lang, catalogs.LABELS


def update(notes: list[Note], locales: Path | None = None, *, check: bool = False) -> list[Written]:
    """Merge templates into the languages' catalogs; with ``check``, write nothing and raise
    NoteError naming the stale ones.  A broken catalog is a NoteError too, and nothing is written.
    The units new in a note's catalog that the translation memory has with the same source
    are given its translation, fuzzy, naming where it came from (:func:`memory.fill`)."""
    problems, written, memories = Problems(), [], {}
    for where, path, template, lang, domain, existing in _loaded(_plans(notes, locales), problems):
        if check:
            stale = _stale(template, existing)
            if stale:
                problems.add(path, 0, f"out of date ({stale}): run {command('i18n update')}")
            continue
        new = [m.id for m in template if m.id and (existing is None or existing.get(m.id) is None)]
        merged = catalogs.merge(template, existing, lang)
        filled = 0
        if domain != catalogs.LABELS and new:
            if where not in memories:  # one memory per project
                memories[where] = memory.load(where)
            filled = memory.fill(merged, new, lang, memories[where])
        written.append(dataclasses.replace(write(path, catalogs.dump(merged), where), from_memory=filled))
    problems.raise_if_errors()
    return written


def _loaded(plans, problems: Problems):
    """Each plan with the catalog it reads (None when there is none yet: the labels' are then
    the tool's built-in ones, which a project's own catalog starts from); a broken catalog's
    problems go to ``problems`` and its plan is left out."""
    for where, path, template, lang, domain in plans:
        read = catalogs.label_catalog(where, lang) if domain == catalogs.LABELS else path
        try:
            existing = catalogs.load(read, lang) if is_present(read) else None
        except NoteError as exc:
            problems.extend(exc.problems)
            continue
        yield where, path, template, lang, domain, existing


def _stale(template: Catalog, catalog: Catalog | None) -> str:
    if catalog is None:
        return "missing"
    wanted = {m.id for m in template if m.id}
    have = {m.id for m in catalog if m.id}
    new, old = len(wanted - have), len(have - wanted)
    parts = [
        f"{new} new unit{'s' if new != 1 else ''}" if new else "",
        f"{old} unit{'s' if old != 1 else ''} no longer in the source" if old else "",
    ]
    return ", ".join(p for p in parts if p)


def statuses(notes: list[Note], locales: Path | None = None) -> list[catalogs.Status]:
    """Translated, fuzzy and untranslated units of every note and language, then the
    templates' labels of every language (``messages``), which a strict build needs as
    much; of a note's units not yet translated, how many the translation memory has a
    match for.  NoteError for a broken catalog."""
    problems, out, memories = Problems(), [], {}
    for where, _, template, lang, domain, catalog in _loaded(_plans(notes, locales), problems):
        # of the labels, those a document shows: what a strict build needs translated
        units = list(labels.ALL) if domain == catalogs.LABELS else template
        found = catalogs.status(domain, lang, units, catalog)
        if domain != catalogs.LABELS and found.translated < found.total:
            if where not in memories:
                memories[where] = memory.load(where)
            found = dataclasses.replace(found, memory=_with_matches(template, catalog, lang, memories[where]))
        out.append(found)
    problems.raise_if_errors()
    return out


def _with_matches(template: Catalog, catalog: Catalog | None, lang: str, found: memory.Memory) -> int:
    """How many units not yet translated have a match in the memory."""
    return sum(1 for message in template if message.id and catalogs.state(catalog, message.id)[0] != "translated"
               and found.matches(message.id, lang, limit=1))


def status_row(found: catalogs.Status) -> dict[str, object]:
    """One row of ``i18n status --json``, as the preview server's index shows it too."""
    return {
        "note": found.note,
        "language": found.lang,
        "translated": found.translated,
        "fuzzy": found.fuzzy,
        "untranslated": found.untranslated,
        "total": found.total,
        "percent": round(found.percent, 1),
        "memory": found.memory,
    }
