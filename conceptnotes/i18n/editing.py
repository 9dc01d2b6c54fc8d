"""Editing a note's catalog in one language, one unit at a time: what the translation
workbench (``serve/workbench``) and the XLIFF import (``i18n/xliff``) share.

A note's units and catalog are opened as the build reads them; a translation is checked
by the build's own translator (``localize.Translator``) and by the rules every catalog
keeps (its length, its characters); translations are merged into the catalog as
``i18n update`` merges it and written as it writes it, so that running it afterwards
changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems, excerpt
from conceptnotes.i18n import catalogs
from conceptnotes.i18n.commands import target_languages, write
from conceptnotes.i18n.localize import Translator, compare, signature
from conceptnotes.i18n.units import Unit, units
from conceptnotes.project import Project
from conceptnotes.read.characters import check_characters, nesting_problems
from conceptnotes.read.files import is_present
from conceptnotes.read.limits import MAX_UNIT_CHARS
from conceptnotes.read.loader import load_note
from conceptnotes.read.markdown_parse import FOOTNOTE_CALL, parse_inline
from conceptnotes.read.parsed import Notes

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

MAX_MSGSTR_CHARS = MAX_UNIT_CHARS  # the build refuses a longer translation anyway


def unit_key(msgid: str) -> str:
    """A stable id for a unit that is safe in a URL, an HTML id or an XLIFF trans-unit id."""
    return hashlib.sha256(msgid.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Opened:
    """A note, its units (one per msgid, in the template's order) and its catalog in ``lang``."""

    note: m.Note
    lang: str
    path: Path  # the catalog, which may not exist yet
    catalog: Catalog | None
    units: tuple[Unit, ...]


def open_note(note_folder: Path, lang: str, notes: Notes | None = None) -> Opened:
    """Load the note (from ``notes`` when given) and its catalog as the build does; NoteError if
    ``lang`` is not one the note is translated into (a source language has no catalog to edit)."""
    note = notes.note(note_folder) if notes is not None else load_note(note_folder)[0]
    targets = target_languages(note)
    if lang not in targets:
        said = ", ".join(targets) or "none"
        raise NoteError.at(
            note.source,
            note.meta.lines.get("languages", 0),
            f"'{excerpt(lang, 20)}' is not a language this note is translated into (its target languages: {said})",
        )
    path = catalogs.catalog_path(Project.of_note(note.folder).locales, lang, note.id)
    catalog = catalogs.load(path, lang) if is_present(path) else None
    return Opened(note, lang, path, catalog, tuple(_distinct(units(note))))


def reopen(opened: Opened) -> Opened:
    """``opened`` with its catalog read again (after :func:`write_translations`): the note is
    not parsed again."""
    catalog = catalogs.load(opened.path, opened.lang) if is_present(opened.path) else None
    return dataclasses.replace(opened, catalog=catalog)


@dataclass(frozen=True)
class Entry:
    """A unit's entry in the catalog, as the build reads it (all empty when there is none)."""

    state: str  # 'translated' | 'fuzzy' | 'untranslated', as catalogs.state says
    msgstr: str
    po_line: int  # 0 when the unit is not in the catalog
    previous: str  # the msgid a fuzzy translation was made for ('#| msgid'), '' if none


def entry(opened: Opened, msgid: str) -> Entry:
    state, message = catalogs.state(opened.catalog, msgid)
    if message is None:
        return Entry(state, "", 0, "")
    msgstr = message.string if isinstance(message.string, str) else ""
    previous = message.previous_id[0] if message.fuzzy and message.previous_id else ""
    return Entry(state, msgstr, message.lineno or 0, previous)


def _distinct(found: list[Unit]) -> list[Unit]:
    """One unit per msgid, the first occurrence, as ``catalogs.extract`` makes the template."""
    seen: dict[str, Unit] = {}
    for unit in found:
        seen.setdefault(unit.msgid, unit)
    return list(seen.values())


def check(msgid: str, msgstr: str, note: m.Note | None = None, lang: str = "") -> Problems:
    """What the build would refuse in ``msgstr`` as the translation of ``msgid``: errors
    only, none for a blank one.

    With the ``note`` (and ``lang``) the unit is checked by the build's own translator
    (``localize.Translator``): its footnotes, assets and fonts, front-matter texts as
    plain text; the problems are at the note's catalog in ``lang``.  Without, ``msgid``
    is taken as inline Markdown and checked with the same functions (``signature``,
    ``compare``), its own footnote calls allowed (an image, not found without the note's
    assets folder, is not checked then); the problems are at ``<translation>``."""
    if not msgstr.strip():
        return Problems()
    if note is not None:
        unit = next((u for u in units(note) if u.msgid == msgid), None)
        lang = lang or next(iter(target_languages(note)), note.meta.source_language)
        if unit is not None:
            where = catalogs.catalog_path(Project.of_note(note.folder).locales, lang, note.id)
            return _translator_problems(note, lang, where, unit, msgstr, 0)
    return _markdown_problems(msgid, msgstr)


def unit_problems(opened: Opened, unit: Unit, msgstr: str, po_line: int) -> Problems:
    """What the build would refuse in ``msgstr`` for ``unit``, at the catalog's ``po_line``."""
    if not msgstr.strip():
        return Problems()
    return _translator_problems(opened.note, opened.lang, opened.path, unit, msgstr, po_line)


def _translator_problems(note: m.Note, lang: str, path: Path, unit: Unit, msgstr: str, po_line: int) -> Problems:
    """Ask the build's translator for the unit, from a catalog of this one translation."""
    from babel.messages.catalog import Catalog

    one = Catalog()
    one.add(unit.msgid, msgstr, lineno=po_line)
    translator = Translator(note, lang, path, one, Project.of_note(note.folder).root)
    if unit.inlines:
        translator.inlines(unit.inlines, unit.line, unit.kind)
    else:
        translator.text(unit.msgid, unit.line)
    return _errors(translator.problems)


def _errors(found: list[Problem]) -> Problems:
    return Problems(problem for problem in found if not problem.warning)


def _markdown_problems(msgid: str, msgstr: str) -> Problems:
    """The steps of ``Translator.inlines`` for a msgid without its note: what the source
    itself is told (an image not found: there is no assets folder here) is not the
    translation's problem."""
    where, assets = Path("<translation>"), Path("assets")
    keys = frozenset(re.findall(FOOTNOTE_CALL, msgid))
    deep = nesting_problems(msgstr, where)
    if deep:
        return _errors(deep)
    source, source_problems = parse_inline(msgid, where, 0, assets, keys)
    if not source and source_problems.errors:  # refused unparsed (too long, nested too deep): nothing to compare
        return _errors(source_problems)
    context = {problem.message for problem in source_problems}
    parsed, problems = parse_inline(msgstr, where, 0, assets, keys)
    found = _errors([p for p in problems.errors if p.message not in context])
    for message in compare(signature(source, markdown=True), signature(parsed, markdown=True)):
        found.add(where, 0, message)
    return found


# Writing ---------------------------------------------------------------------------------------


def translation_problems(path: Path, line: int, msgstr: str) -> Problems:
    """What no catalog of the project may hold, at the entry's line: a translation too
    long, or with a character the project refuses."""
    found = Problems()
    found.extend(check_characters(msgstr, path, line or 1))
    if len(msgstr) > MAX_MSGSTR_CHARS:
        found.add(path, line, f"the translation has {len(msgstr):,} characters;"
                              f" a unit may have at most {MAX_MSGSTR_CHARS:,}")
    return found


def write_translations(opened: Opened, changes: list[tuple[str, str, bool]]) -> bool:
    """Merge the note's units into its catalog (as ``i18n update`` does: a missing catalog is
    created), set each ``(msgid, msgstr, fuzzy)``, and write the catalog if it changed.
    A translation not fuzzy loses its flag and its previous msgid."""
    return write_catalog(opened, merged(opened, changes))


def merged(opened: Opened, changes: list[tuple[str, str, bool]], previous: dict[str, str] | None = None) -> bytes:
    """The catalog :func:`write_translations` would write, as bytes: each fuzzy change with
    ``previous[msgid]`` (if given) as the msgid it was translated from."""
    catalog = catalogs.merge(catalogs.extract(opened.note), opened.catalog, opened.lang)
    for msgid, msgstr, fuzzy in changes:
        message = catalog.get(msgid)
        assert message is not None, msgid  # merged from the note's own units
        message.string = msgstr
        if fuzzy:
            message.flags.add("fuzzy")
            if previous and msgid in previous:
                message.previous_id = [previous[msgid]]
        else:
            message.previous_id = []
            message.flags.discard("fuzzy")
    return catalogs.dump(catalog)


def write_catalog(opened: Opened, data: bytes) -> bool:
    """Write ``data`` as the note's catalog in ``opened.lang`` unless it holds them already."""
    return write(opened.path, data, Project.of_note(opened.note.folder).locales).changed
