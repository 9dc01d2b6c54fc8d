"""XLIFF 1.2 for CAT tools: a note's units in one language exported for Trados, memoQ or
OmegaT, and the file they give back merged into the note's catalog.

One ``<file>`` per note: ``original`` is the note's source (``content/<id>/note.md``,
which names the note on import), ``source-language`` the note's, ``target-language`` the
catalog's.  One ``<trans-unit>`` per unit, in the template's order, its ``id`` the
workbench's key of the unit (a hash of its msgid), its ``<source>`` and ``<target>`` the
unit's inline Markdown as XLIFF inline tags (:mod:`inline_tags`).  A translated unit's
target has ``state="translated"`` (and ``approved="yes"``), a fuzzy one's
``state="needs-review-translation"``, an untranslated unit has no target.

Each term of the project's glossary that a unit's source holds is a ``<note
from="glossary">`` of the unit: the term, its translation in the language and its
variants (:mod:`glossary`).

Each link's address is a ``<note from="link">`` of its unit (with the address the catalog
states for the language, :mod:`link_addresses`): the translator sees what a text links to
and cannot change it, as the tag keeps the source's address.  A trans-unit carries no
``xml:space="preserve"``: the whitespace at the two ends of a target, which XML
pretty-printing adds (``lxml.indent``, minidom, some CAT tools), is not content and is
removed, as CAT tools take a segment's outer whitespace from its source (a unit's source
has none); a target in ``xml:space="preserve"`` (on it or an ancestor) keeps it, and is
then checked with it.

An import is checked whole before anything is written, unit by unit as the workbench
checks a translation (the build's own translator), then the catalog it would write as
``check`` checks a catalog (``localize.catalog_problems``: Babel's checks, msgfmt, every
unit translated from it), so that it never writes one the build refuses.  It writes the
catalog as the workbench saves one (merged with the note's units, as ``i18n update``
writes it), only when something changed: a target a CAT tool gives back unedited changes
no byte, and a correct target repairs an entry the build refuses.  A trans-unit given
twice with different targets is refused (both lines named).  A unit whose source changed
since the export keeps its translation as a fuzzy one of the unit that took its place
(the one ``i18n update`` would give it to), when the catalog still knows the old source.
A unit not yet translated carries the translation memory's matches (:mod:`memory`) as
``<alt-trans match-quality="NN" origin="...">``, which CAT tools show as TM matches; an
import reads only the unit's own ``<target>``.
A file made from a catalog by translate-toolkit's ``po2xliff`` is refused with what to
use instead: its units are Markdown as plain text, footnote calls and links unprotected.
What a target may hold but likely should not (a tag inside a word, another script, Arabic-Indic
digits in Arabic, invisible spaces: :mod:`target_warnings`) is a warning at its line.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems, display_path, excerpt
from conceptnotes.i18n import editing, glossary, link_addresses, memory
from conceptnotes.i18n import inline_tags as tags
from conceptnotes.i18n.commands import target_languages, write
from conceptnotes.i18n.target_warnings import target_warnings
from conceptnotes.i18n.units import Unit
from conceptnotes.model import Note
from conceptnotes.project import Project, command
from conceptnotes.read.files import read_input

log = logging.getLogger(__name__)

MAX_XLIFF_BYTES = 20_000_000  # a note's XLIFF: a few hundred kB; the catalog limit is 5 MB
DATATYPE = "x-markdown"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TRANSLATED_STATES = ("translated", "final", "signed-off")  # XLIFF 1.2's states of a finished target
_KEEP = "kept"  # a target that says what the catalog says: nothing to write
_XML_WHITESPACE = " \t\r\n"  # what pretty-printing adds; a no-break space is text


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
    found = memory.load(project.locales)
    original = project.relative(note.source)
    po = project.relative(opened.path)
    skeleton = etree.Element(_q("xliff"), version="1.2", nsmap={None: tags.NS})
    file_node = etree.SubElement(skeleton, _q("file"), original=original, datatype=DATATYPE)
    file_node.set("source-language", note.meta.source_language)
    file_node.set("target-language", lang)
    etree.SubElement(file_node, _q("body"))
    store = xliff.xlifffile.parsestring(etree.tostring(skeleton, xml_declaration=True, encoding="UTF-8"))
    terms = glossary.load(project.locales)
    for unit in opened.units:
        view = editing.entry(opened, unit.msgid)
        entry = store.addsourceunit(unit.msgid, filename=original)
        entry.setid(editing.unit_key(unit.msgid))
        element = entry.xmlelement
        element.attrib.pop(_XML_SPACE, None)  # the toolkit's default: a unit's ends are not content (_edges)
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
        for said in _link_notes(opened, unit, table):
            entry.addnote(said, origin="link")
        for said in glossary.notes(terms, m.plain_text(unit.inlines) if unit.inlines else unit.msgid,
                                   note.meta.source_language, lang):
            entry.addnote(said, origin="glossary")
        where = f"{original}:{unit.line}" + (f"; {po}:{view.po_line}" if view.po_line else "")
        entry.addnote(where, origin="location")
        if view.previous:
            entry.addnote(f"previous source: {view.previous}", origin="previous-source")
        group = etree.SubElement(element, _q("context-group"), name="note.md", purpose="location")
        etree.SubElement(group, _q("context"), {"context-type": "sourcefile"}).text = original
        etree.SubElement(group, _q("context"), {"context-type": "linenumber"}).text = str(unit.line)
        if view.state != "translated":
            _alt_trans(element, found.matches(unit.msgid, lang), lang, note.assets)
    etree.cleanup_namespaces(store.document)  # the toolkit's units start in XLIFF 1.1's namespace
    return bytes(store)


def _link_notes(opened: editing.Opened, unit: Unit, table: tags.Tags) -> list[str]:
    """What each link of a unit points at, by its tag's id: the source's address, and the
    one its catalog entry states for the language (:mod:`link_addresses`), if any."""
    message = opened.catalog.get(unit.msgid) if opened.catalog is not None else None
    stated = dict(link_addresses.stated(message.user_comments if message is not None else []))
    ids = [tag_id for tag_id, node in table.by_id.items() if node.kind == "link"]
    out = []
    for tag_id, link in zip(ids, link_addresses.links(unit.inlines), strict=True):
        own = f" (in {opened.lang}: {stated[link.href]})" if link.href in stated else ""
        out.append(f"link {tag_id} \u201c{m.plain_text(link.children)}\u201d: {link.href}{own}")
    return out


def _alt_trans(element: etree._Element, matches: list[memory.Match], lang: str, assets: Path) -> None:
    """The translation memory's matches of a unit not yet translated, as CAT tools read TM
    matches: ``<alt-trans match-quality="NN" origin="...">`` with the source matched and its
    translation, inline Markdown as tags (numbered as in the match's own source)."""
    for match in matches:
        alt = etree.SubElement(element, _q("alt-trans"), {"match-quality": str(match.quality), "origin": match.origin})
        source, target = etree.SubElement(alt, _q("source")), etree.SubElement(alt, _q("target"))
        target.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        table = tags.fill(source, tags.parse(match.source, assets))
        tags.fill(target, tags.parse(match.translation, assets), table)


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
    if _from_a_catalog(file_node):
        raise NoteError.at(path, line, f"this file was made from the catalog '{excerpt(original)}' (by"
                                       " translate-toolkit's po2xliff): its units are the catalog's Markdown as"
                                       " plain text, without the tags that keep footnote calls, emphasis and links"
                                       f" safe. Export the note with {command('i18n export --xliff LANG')} and"
                                       " translate that file, or edit the catalog itself (Poedit)")
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


def _from_a_catalog(file_node: etree._Element) -> bool:
    """Whether a ``<file>`` is a gettext catalog made into XLIFF (translate-toolkit's
    ``po2xliff``: ``original`` a ``.po``/``.pot`` file, the catalog's header as a unit)."""
    original = file_node.get("original", "").lower()
    header = file_node.find(".//*[@restype='x-gettext-domain-header']")
    return original.endswith((".po", ".pot")) or header is not None


def import_file(path: Path, project: Project | None = None) -> Imported:
    """Merge an XLIFF file into its note's catalog; NoteError (nothing written) for any error,
    and for a catalog the build would refuse (checked as ``check`` checks it, msgfmt included)."""
    project = project or Project.working()
    root = read_xliff(path)
    files = root.findall(_q("file")) or [f for f in root if etree.QName(f).localname == "file"]
    if len(files) != 1:
        raise NoteError.at(path, root.sourceline or 0, f"an XLIFF file of one note has one <file>, not {len(files)}")
    folder, lang = _note_of(path, files[0], project)
    reading = _Reading(path, editing.open_note(folder, lang))
    for element in files[0].iter(_q("trans-unit"), f"{{{tags._NAMESPACES[1]}}}trans-unit"):
        reading.read(element)
    reading.place_moved()
    return reading.write()


class _Reading:
    """An import under way: each trans-unit read into a change of the catalog, or a problem."""

    def __init__(self, path: Path, opened: editing.Opened) -> None:
        self.path, self.opened = path, opened
        self.by_key = {editing.unit_key(unit.msgid): unit for unit in opened.units}
        self.problems = Problems()
        self.result = Imported(path, opened.path)
        self.changes: list[tuple[str, str, bool]] = []  # (msgid, msgstr, fuzzy)
        self.lines: dict[str, int] = {}  # msgid -> the line of its trans-unit
        self.previous: dict[str, str] = {}  # msgid -> the msgid its imported translation was made for
        self.seen: dict[str, tuple[int, tuple | None]] = {}  # trans-unit id -> (line, what its target says)
        self.moved: list[tuple[str, str, int]] = []  # (old msgid, msgstr, line) of units changed since the export

    def read(self, element: etree._Element) -> None:
        line = element.sourceline or 0
        target = _target(element)
        if self.again(element.get("id", ""), line, element, target):
            return
        unit = self.by_key.get(element.get("id", ""))
        if unit is None:
            self.changed_unit(element, target, line)
            return
        if _empty(target):
            return
        change = _change(self.opened, unit, element, target, self.path, line, self.problems)
        if change == _KEEP:
            self.result.unchanged += 1
        elif change is not None:
            self.changes.append(change)
            self.lines[unit.msgid] = line

    def again(self, key: str, line: int, element: etree._Element, target: etree._Element | None) -> bool:
        """Whether this trans-unit's id was read already: the same target is read once, another
        is an error naming both lines (which one the translator meant cannot be told)."""
        said = None if _empty(target) else (_stripped(tags.canonical(target)), _state(element, target))
        if key not in self.seen:
            self.seen[key] = (line, said)
            return False
        first, said_first = self.seen[key]
        if said != said_first:
            unit = self.by_key.get(key)
            name = f"'{excerpt(unit.msgid, 40)}'" if unit is not None else f"id '{excerpt(key, 20)}'"
            self.problems.add(self.path, line, f"the unit {name} is given twice, at lines {first} and {line},"
                                               " with different targets: keep one of the two")
        return True

    def changed_unit(self, element: etree._Element, target: etree._Element | None, line: int) -> None:
        """A trans-unit whose id is no unit of the note: its translation is kept for later
        (:meth:`place_moved`) when the catalog still knows its source, else skipped."""
        key = element.get("id", "")
        old = _known_msgid(self.opened, key)
        if old is not None and not _empty(target):
            assert target is not None
            table = tags.tag_table(tags.parse(old, self.opened.note.assets))
            try:
                msgstr = _edges(target, tags.from_xliff(target, table))
            except tags.TagError as exc:
                self.problems.add(self.path, line, f"{exc}")
                return
            bad = editing.translation_problems(self.path, line, msgstr)
            self.problems.extend([Problem(str(self.path), p.line, p.message) for p in bad.errors])
            if not bad.errors:
                self.moved.append((old, msgstr, line))
            return
        self.problems.add(self.path, line, f"unit '{excerpt(key, 20)}' is no longer in the note (it changed since"
                                           " the export): skipped", warning=True)

    def place_moved(self) -> None:
        """Each translation of a source that changed since the export, kept as a fuzzy
        translation of the unit that took its place: the unit ``i18n update`` would give the
        old translation to (its matching, Babel's), if that unit has no translation of its own."""
        if not self.moved:
            return
        successors = _successors(self.opened, [old for old, _, _ in self.moved])
        placed = {msgid for msgid, _, _ in self.changes}
        for old, msgstr, line in self.moved:
            new = next((msgid for msgid in successors.get(old, ()) if msgid not in placed), None)
            if new is None:
                self.problems.add(self.path, line, f"unit '{excerpt(old, 40)}' is no longer in the note (it changed"
                                                   " since the export) and no new or fuzzy unit is close to it:"
                                                   " skipped", warning=True)
                continue
            placed.add(new)
            self.changes.append((new, msgstr, True))
            self.lines[new], self.previous[new] = line, old
            unit = next(unit for unit in self.opened.units if unit.msgid == new)
            self.problems.add(self.path, line, f"this unit changed since the export: its translation is kept as a"
                                               f" fuzzy translation of the unit at note.md:{unit.line}, to review",
                              warning=True)

    def write(self) -> Imported:
        """The catalog written if anything changed and the build would accept it."""
        opened, result = self.opened, self.result
        self.problems.raise_if_errors(f"failed: nothing was written to {display_path(opened.path)}")
        result.problems = self.problems
        if not self.changes:
            return result
        data = editing.merged(opened, self.changes, self.previous)
        self.refused(data).raise_if_errors(
            f"failed: nothing was written to {display_path(opened.path)}, which the build would refuse so")
        result.translated = sum(1 for _, _, fuzzy in self.changes if not fuzzy)
        result.fuzzy = len(self.changes) - result.translated
        result.changed = editing.write_catalog(opened, data)
        return result

    def refused(self, data: bytes) -> Problems:
        """What ``check`` would refuse in the catalog ``data``: a problem of an entry this
        import set is told at its trans-unit's line, any other at the catalog's line."""
        from conceptnotes.i18n import catalogs
        from conceptnotes.i18n.localize import catalog_problems

        found = catalog_problems(self.opened.note, self.opened.lang, data)
        if not found:
            return found
        entries = sorted((message.lineno or 0, message.id) for message in
                         catalogs.load(self.opened.path, self.opened.lang, data) if message.id)
        out = Problems()
        for problem in found:
            msgid = next((msgid for lineno, msgid in reversed(entries) if lineno <= problem.line), None)
            if problem.path == str(self.opened.path) and msgid in self.lines:
                out.add(self.path, self.lines[msgid], f"{problem.message} (the catalog's entry as it would be)")
            else:
                out.append(dataclasses.replace(problem, message=f"{problem.message} (already in the catalog)"))
        return out


def _target(element: etree._Element) -> etree._Element | None:
    target = element.find(_q("target"))
    return target if target is not None else element.find(f"{{{tags._NAMESPACES[1]}}}target")


def _stripped(said: tuple) -> tuple:
    """An inline content's :func:`inline_tags.canonical` without whitespace at its two ends."""
    ends = _XML_WHITESPACE
    return (said[0].lstrip(ends), *said[1:-1], said[-1].rstrip(ends)) if len(said) > 1 else (said[0].strip(ends),)


def _preserved(target: etree._Element) -> bool:
    """Whether ``xml:space="preserve"`` holds for the target (on it or inherited, as XML says)."""
    found = target.xpath("ancestor-or-self::*[@xml:space][1]/@xml:space")
    return bool(found) and found[0] == "preserve"


def _edges(target: etree._Element, msgstr: str) -> str:
    """A target's text without the whitespace at its two ends, which XML pretty-printing adds
    (a unit's source never has any), unless ``xml:space="preserve"`` says it is content."""
    return msgstr if _preserved(target) else msgstr.strip(_XML_WHITESPACE)


def _known_msgid(opened: editing.Opened, key: str) -> str | None:
    """The msgid of the catalog whose unit key is ``key``: an entry (obsolete ones included),
    or the previous source of a fuzzy one; None if the catalog knows none."""
    catalog = opened.catalog
    if catalog is None:
        return None
    for message in [*catalog, *catalog.obsolete.values()]:
        for msgid in (message.id, *(message.previous_id or ())):
            if isinstance(msgid, str) and msgid and editing.unit_key(msgid) == key:
                return msgid
    return None


def _successors(opened: editing.Opened, olds: list[str]) -> dict[str, list[str]]:
    """For each old msgid, the units of the note that ``i18n update`` gives its translation to
    as a fuzzy one (``catalogs.merge``, Babel's matching), on a copy of the catalog in which
    each old msgid has a translation; a unit translated (not fuzzy) is never one."""
    from conceptnotes.i18n import catalogs

    probe = catalogs.load(opened.path, opened.lang) if opened.catalog is not None else None
    template = catalogs.extract(opened.note)
    probe = probe if probe is not None else catalogs.new_catalog(template, opened.lang)
    for old in olds:
        message = probe.get(old) or probe.obsolete.get(old)
        if message is None or message.id not in probe:
            probe.add(old, "-")
        elif not str(message.string).strip():
            message.string = "-"
    found: dict[str, list[str]] = {}
    for message in catalogs.merge(template, probe, opened.lang):
        if message.id and message.fuzzy and message.previous_id and message.previous_id[0] in olds:
            found.setdefault(message.previous_id[0], []).append(message.id)
    return found


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
        msgstr = _edges(target, tags.from_xliff(target, table))
    except tags.TagError as exc:
        problems.add(path, line, f"{exc}")
        return None
    state = _state(element, target)
    current_entry = editing.entry(opened, unit.msgid)
    current_state, current = current_entry.state, current_entry.msgstr
    if current_state != "untranslated" and current != msgstr:
        # the catalog's text as the export wrote it: if the target says the same, keep its bytes,
        # unless the build refuses them (a damaged entry is repaired by a correct target)
        exported, _ = tags.to_xliff(current, table, "target", note.assets)
        if tags.from_xliff(exported, table) == msgstr and _sound(opened, unit, current, current_entry.po_line):
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
    source, _ = tags.to_xliff(unit.msgid, None, "source", note.assets)
    for said in target_warnings(source, target, msgstr, opened.lang):
        problems.add(path, line, said, warning=True)
    return unit.msgid, msgstr, state == "fuzzy"


def _sound(opened: editing.Opened, unit: Unit, msgstr: str, po_line: int) -> bool:
    """Whether the catalog's translation of ``unit`` is one the build accepts as it stands:
    no whitespace at its ends (a unit's source has none; msgfmt refuses a line break there)
    and nothing its translator refuses."""
    return msgstr == msgstr.strip(_XML_WHITESPACE) and not editing.unit_problems(opened, unit, msgstr, po_line).errors
