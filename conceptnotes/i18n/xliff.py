"""XLIFF 1.2 for CAT tools: a note's units in one language exported for Trados, memoQ or
OmegaT, and the file they give back merged into the note's catalog.

One ``<file>`` per note: ``original`` is the note's source (``content/<id>/note.md``,
which names the note on import), ``source-language`` the note's, ``target-language`` the
catalog's.  One ``<trans-unit>`` per unit, in the template's order, its ``id`` the
workbench's key of the unit (a hash of its msgid), its ``<source>`` and ``<target>`` the
unit's inline Markdown as XLIFF inline tags (:mod:`inline_tags`).  A translated unit's
target has ``state="translated"`` (and ``approved="yes"``), a fuzzy one's
``state="needs-review-translation"``, an untranslated unit has no target.

An import is checked whole before anything is written, unit by unit as the workbench
checks a translation (the build's own translator), and writes the catalog as the
workbench saves one (merged with the note's units, as ``i18n update`` writes it), only
when something changed: a target a CAT tool gives back unedited changes no byte.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from conceptnotes.errors import NoteError, Problem, Problems, display_path, excerpt
from conceptnotes.i18n import editing
from conceptnotes.i18n import inline_tags as tags
from conceptnotes.i18n.commands import target_languages, write
from conceptnotes.i18n.units import Unit
from conceptnotes.model import Note
from conceptnotes.project import Project
from conceptnotes.read.files import read_input

log = logging.getLogger(__name__)

MAX_XLIFF_BYTES = 20_000_000  # a note's XLIFF: a few hundred kB; the catalog limit is 5 MB
DATATYPE = "x-markdown"
TRANSLATED_STATES = ("translated", "final", "signed-off")  # XLIFF 1.2's states of a finished target
_KEEP = "kept"  # a target that says what the catalog says: nothing to write


def _q(name: str) -> str:
    return f"{{{tags.NS}}}{name}"


def default_path(locales: Path, lang: str, note_id: str) -> Path:
    """Where ``i18n export --xliff LANG`` writes a note's file without ``--out``."""
    return locales / lang / "xliff" / f"{note_id}.{lang}.xlf"


# Export ------------------------------------------------------------------------------------------------


def export_note(note_folder: Path, lang: str) -> bytes:
    """The note's units in ``lang`` as an XLIFF 1.2 document (bytes, UTF-8)."""
    from translate.storage import xliff

    opened = editing.open_note(note_folder, lang)
    note = opened.note
    project = Project.of_note(note.folder)
    original = project.relative(note.source)
    po = project.relative(opened.path)
    skeleton = etree.Element(_q("xliff"), version="1.2", nsmap={None: tags.NS})
    file_node = etree.SubElement(skeleton, _q("file"), original=original, datatype=DATATYPE)
    file_node.set("source-language", note.meta.source_language)
    file_node.set("target-language", lang)
    etree.SubElement(file_node, _q("body"))
    store = xliff.xlifffile.parsestring(etree.tostring(skeleton, xml_declaration=True, encoding="UTF-8"))
    for unit in opened.units:
        view = editing.entry(opened, unit.msgid)
        entry = store.addsourceunit(unit.msgid, filename=original)
        entry.setid(editing.unit_key(unit.msgid))
        element = entry.xmlelement
        element.set("resname", f"{original}:{unit.line}")
        source = element.find(_q("source"))
        source.text = None
        table = tags.fill(source, unit.inlines or tags.parse(unit.msgid))
        if view.state != "untranslated":
            target = etree.Element(_q("target"))
            source.addnext(target)
            tags.fill(target, tags.parse(view.msgstr, note.assets), table)
            target.set("state", "translated" if view.state == "translated" else "needs-review-translation")
            if view.state == "translated":
                element.set("approved", "yes")
        entry.addnote(unit.kind, origin="conceptnotes")
        where = f"{original}:{unit.line}" + (f"; {po}:{view.po_line}" if view.po_line else "")
        entry.addnote(where, origin="location")
        if view.previous:
            entry.addnote(f"previous source: {view.previous}", origin="previous-source")
        group = etree.SubElement(element, _q("context-group"), name="note.md", purpose="location")
        etree.SubElement(group, _q("context"), {"context-type": "sourcefile"}).text = original
        etree.SubElement(group, _q("context"), {"context-type": "linenumber"}).text = str(unit.line)
    etree.cleanup_namespaces(store.document)  # the toolkit's units start in XLIFF 1.1's namespace
    return bytes(store)


@dataclass(frozen=True)
class Exported:
    path: Path
    changed: bool
    units: int


def export(notes: list[Note], lang: str, out: Path | None = None) -> list[Exported]:
    """Write each note's XLIFF in ``lang``: ``out`` a ``.xlf`` file (one note) or a folder,
    else :func:`default_path`.  Every file is made before any is written."""
    made = []
    for note in notes:
        if out is not None and out.suffix.lower() in (".xlf", ".xliff"):
            if len(notes) > 1:
                raise NoteError.at(out, 0, f"{len(notes)} notes cannot go into one file: give --out a folder")
            path = out
        elif out is not None:
            path = out / f"{note.id}.{lang}.xlf"
        else:
            path = default_path(Project.of_note(note.folder).locales, lang, note.id)
        root = (path.parent if path == out else out) if out is not None else Project.of_note(note.folder).locales
        made.append((path, root, export_note(note.folder, lang)))
    written = []
    for path, root, data in made:
        count = len(etree.fromstring(data, _parser()).findall(f".//{_q('trans-unit')}"))
        written.append(Exported(path, write(path, data, root).changed, count))
    return written


# Import ------------------------------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import did to a catalog, and what it said."""

    xliff: Path
    catalog: Path
    changed: bool = False
    translated: int = 0  # entries set to a translation, not fuzzy
    fuzzy: int = 0  # entries set to a translation to review (fuzzy)
    unchanged: int = 0
    problems: Problems = field(default_factory=Problems)  # warnings only: an error refuses the import


def _parser() -> etree.XMLParser:
    """lxml that resolves no entity, loads no DTD and reaches no network; a huge tree refused."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def read_xliff(path: Path) -> etree._Element:
    """The root of an XLIFF file: never through a link, never huge, no DOCTYPE."""
    data = read_input(
        path,
        path.parent,
        limit=MAX_XLIFF_BYTES,
        too_large=lambda size: f"the XLIFF file is larger than {MAX_XLIFF_BYTES // 1_000_000} MB",
    )
    lowered = data.lower()  # in a text, '<!' is escaped: this is markup
    found = min((at for at in (lowered.find(b"<!doctype"), lowered.find(b"<!entity")) if at >= 0), default=-1)
    if found >= 0:
        line = data[:found].count(b"\n") + 1
        raise NoteError.at(path, line, "a DOCTYPE or entity declaration is refused in an XLIFF file")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise NoteError.at(path, exc.lineno or 0, f"invalid XML: {exc.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise NoteError.at(path, 1, "a DOCTYPE is refused in an XLIFF file")
    if etree.QName(root).localname != "xliff" or etree.QName(root).namespace not in tags._NAMESPACES:
        raise NoteError.at(path, root.sourceline or 0, "not an XLIFF 1.2 file: its root is not <xliff> of XLIFF 1.2")
    return root


def _state(unit: etree._Element, target: etree._Element) -> str:
    """'translated' or 'fuzzy': a target without a state is translated unless the unit
    says it is not approved."""
    state = target.get("state")
    if state is None:
        return "fuzzy" if unit.get("approved") == "no" else "translated"
    return "translated" if state in TRANSLATED_STATES else "fuzzy"


def _empty(target: etree._Element | None) -> bool:
    return target is None or (not (target.text or "").strip() and len(target) == 0)


def _note_of(path: Path, file_node: etree._Element, project: Project) -> tuple[Path, str]:
    """The note folder and language an XLIFF ``<file>`` is for; NoteError if the project has none such."""
    line = file_node.sourceline or 0
    original = file_node.get("original", "")
    lang = file_node.get("target-language", "").replace("_", "-").split("-")[0].lower()
    note_id = Path(original).parent.name
    folders = {folder.name: folder for folder in project.note_folders()}
    if not original.endswith("note.md") or note_id not in folders:
        known = ", ".join(sorted(folders)) or "none"
        raise NoteError.at(path, line, f"the file is for the note '{excerpt(original)}', which this project does not"
                                       f" have (its notes: {known})")
    from conceptnotes.read.loader import load_note

    note, _ = load_note(folders[note_id])
    if lang not in target_languages(note):
        said = ", ".join(target_languages(note)) or "none"
        declared = excerpt(file_node.get("target-language"), 20)
        raise NoteError.at(path, line, f"the file's target-language is '{declared}', which the note {note_id}"
                                       f" is not translated into (its languages: {said})")
    return folders[note_id], lang


def import_file(path: Path, project: Project | None = None) -> Imported:
    """Merge an XLIFF file into its note's catalog; NoteError (nothing written) for any error."""
    project = project or Project.working()
    root = read_xliff(path)
    files = root.findall(_q("file")) or [f for f in root if etree.QName(f).localname == "file"]
    if len(files) != 1:
        raise NoteError.at(path, root.sourceline or 0, f"an XLIFF file of one note has one <file>, not {len(files)}")
    folder, lang = _note_of(path, files[0], project)
    opened = editing.open_note(folder, lang)
    by_key = {editing.unit_key(unit.msgid): unit for unit in opened.units}
    problems = Problems()
    result = Imported(path, opened.path)
    changes: list[tuple[str, str, bool]] = []  # (msgid, msgstr, fuzzy)
    for element in files[0].iter(_q("trans-unit"), "{urn:oasis:names:tc:xliff:document:1.1}trans-unit"):
        line = element.sourceline or 0
        unit = by_key.get(element.get("id", ""))
        if unit is None:
            problems.add(path, line, f"unit '{excerpt(element.get('id'), 20)}' is no longer in the note (it changed"
                                     " since the export): skipped", warning=True)
            continue
        target = element.find(_q("target"))
        if target is None:
            target = element.find("{urn:oasis:names:tc:xliff:document:1.1}target")
        if _empty(target):
            continue
        change = _change(opened, unit, element, target, path, line, problems)
        if change is None:
            continue
        if change == _KEEP:
            result.unchanged += 1
            continue
        changes.append(change)
    problems.raise_if_errors(f"failed: nothing was written to {display_path(opened.path)}")
    result.problems = problems
    if not changes:
        return result
    result.translated = sum(1 for _, _, fuzzy in changes if not fuzzy)
    result.fuzzy = len(changes) - result.translated
    result.changed = editing.write_translations(opened, changes)
    return result


def _change(
    opened: editing.Opened,
    unit: Unit,
    element: etree._Element,
    target: etree._Element,
    path: Path,
    line: int,
    problems: Problems,
) -> tuple[str, str, bool] | str | None:
    """What a trans-unit asks of the catalog: None (an error, told in ``problems``),
    ``_KEEP``, or ``(msgid, msgstr, fuzzy)``."""
    note = opened.note
    table = tags.tag_table(unit.inlines or tags.parse(unit.msgid))
    try:
        msgstr = tags.from_xliff(target, table)
    except tags.TagError as exc:
        problems.add(path, line, f"{exc}")
        return None
    state = _state(element, target)
    current_entry = editing.entry(opened, unit.msgid)
    current_state, current = current_entry.state, current_entry.msgstr
    if current_state != "untranslated":
        # the catalog's text as the export wrote it: if the target says the same, keep its bytes
        exported, _ = tags.to_xliff(current, table, "target", note.assets)
        if tags.from_xliff(exported, table) == msgstr:
            msgstr = current
    if msgstr == current and state == current_state:
        return _KEEP
    bad = editing.translation_problems(path, line, msgstr)
    problems.extend([Problem(str(path), p.line, p.message) for p in bad.errors])
    if bad.errors:
        return None
    found = editing.check(unit.msgid, msgstr, note, opened.lang)
    # at the trans-unit's line: the checks do not know the XLIFF file
    problems.extend([Problem(str(path), line, p.message) for p in found.errors])
    if found.errors:
        return None
    return unit.msgid, msgstr, state == "fuzzy"
