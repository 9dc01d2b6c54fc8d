"""The logic of the browser translation workbench: a note's units in one language, each
with its translation, state, checks and places, and the saving of one translation.

No HTTP here: ``serve/app.py`` calls these functions.  Everything is read and written
the way the command line does it, so that the workbench and the build never disagree:
units and their order as ``i18n extract`` finds them, states and counts as ``i18n status``
counts them, checks as the build makes them (the build's own translator is asked), and
catalogs written as ``i18n update`` writes them.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, excerpt
from conceptnotes.i18n import catalogs
from conceptnotes.i18n.commands import _write, target_languages
from conceptnotes.i18n.localize import _Translator, compare, signature
from conceptnotes.i18n.units import Unit, units
from conceptnotes.project import Project
from conceptnotes.read.characters import check_characters, nesting_problems
from conceptnotes.read.files import is_present
from conceptnotes.read.limits import MAX_UNIT_CHARS
from conceptnotes.read.loader import load_note
from conceptnotes.read.markdown_parse import FOOTNOTE_CALL, parse_inline

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

log = logging.getLogger(__name__)

SHOWS = ("all", "untranslated", "fuzzy")
STATES = ("translated", "fuzzy", "untranslated")
MAX_MSGSTR_CHARS = MAX_UNIT_CHARS  # the build refuses a longer translation anyway

# One lock for every read-compare-write of a catalog, so that two requests of one server
# cannot both pass the conflict check and the later overwrite the earlier.  It does not
# guard against another process (an editor, ``i18n update``) writing meanwhile.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class UnitView:
    """One unit as the workbench shows it: source, translation, state and where both are."""

    msgid: str
    msgstr: str
    state: str  # 'translated' | 'fuzzy' | 'untranslated', as catalogs.state says
    previous: str  # the msgid the fuzzy translation was made for, '' if none
    source_html: str  # the msgid's inline Markdown as safe HTML
    diff_html: str  # previous -> msgid, word by word, for a fuzzy unit with a previous msgid
    po_line: int  # line of the entry in the .po, 0 if it is not there
    note_line: int  # line of the unit's first occurrence in note.md
    kind: str
    problems: tuple[str, ...]  # what the build would refuse in msgstr
    key: str  # stable id of the unit (of its msgid)


class Conflict(Exception):
    """The catalog changed since the translator's page was loaded (another tab saved)."""

    def __init__(self, current: UnitView) -> None:
        self.current = current
        super().__init__(f"the unit was changed meanwhile: it is now {current.state}")


class UnknownUnit(NoteError):
    """No unit of the note has this key: the note changed since the page was loaded."""


def unit_key(msgid: str) -> str:
    """A stable id for a unit that is safe in a URL or an HTML id."""
    return hashlib.sha256(msgid.encode("utf-8")).hexdigest()[:16]


# Opening a note in one language ------------------------------------------------------------------


@dataclass(frozen=True)
class _Opened:
    """A note, its units (one per msgid, in the template's order) and its catalog in ``lang``."""

    note: m.Note
    lang: str
    path: Path  # the catalog, which may not exist yet
    catalog: Catalog | None
    units: tuple[Unit, ...]


def _open(note_folder: Path, lang: str) -> _Opened:
    """Load the note and its catalog as the build does; NoteError if ``lang`` is not one the
    note is translated into (a source language has no catalog to edit)."""
    note, _ = load_note(note_folder)
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
    return _Opened(note, lang, path, catalog, tuple(_distinct(units(note))))


def _distinct(found: list[Unit]) -> list[Unit]:
    """One unit per msgid, the first occurrence, as ``catalogs.extract`` makes the template."""
    seen: dict[str, Unit] = {}
    for unit in found:
        seen.setdefault(unit.msgid, unit)
    return list(seen.values())


# Views ------------------------------------------------------------------------------------------


def unit_views(note_folder: Path, lang: str, show: str = "all") -> list[UnitView]:
    """The note's units in ``lang`` in note order; ``show`` keeps 'all', 'untranslated' or 'fuzzy' ones."""
    if show not in SHOWS:
        raise ValueError(f"unknown filter '{excerpt(show, 20)}': use one of {', '.join(SHOWS)}")
    opened = _open(note_folder, lang)
    views = [_view(opened, unit) for unit in opened.units]
    return views if show == "all" else [view for view in views if view.state == show]


def _view(opened: _Opened, unit: Unit) -> UnitView:
    state, message = catalogs.state(opened.catalog, unit.msgid)
    msgstr = message.string if message is not None and isinstance(message.string, str) else ""
    po_line = (message.lineno or 0) if message is not None else 0
    previous = message.previous_id[0] if message is not None and message.fuzzy and message.previous_id else ""
    return UnitView(
        msgid=unit.msgid,
        msgstr=msgstr,
        state=state,
        previous=previous,
        source_html=str(source_html(unit)),
        diff_html=str(word_diff(previous, unit.msgid)) if state == "fuzzy" and previous else "",
        po_line=po_line,
        note_line=unit.line,
        kind=unit.kind,
        problems=tuple(_unit_problems(opened, unit, msgstr, po_line)),
        key=unit_key(unit.msgid),
    )


# HTML -----------------------------------------------------------------------------------------------


def source_html(unit: Unit) -> Markup:
    """A unit's source as HTML a browser shows safely: the model's inline nodes (as the
    note was parsed) rendered with every text escaped; a front-matter unit is its text."""
    return _html(unit.inlines or (m.Text(unit.msgid),))


def _html(nodes: tuple[m.Inline, ...]) -> Markup:
    return Markup("").join(_node_html(node) for node in nodes)


def _node_html(node: m.Inline) -> Markup:
    """One inline node; a kind not handled here is an error, never dropped."""
    if isinstance(node, m.Text):
        return Markup("{}").format(node.text)
    if isinstance(node, m.Emphasis):
        return Markup("<em>{}</em>").format(_html(node.children))
    if isinstance(node, m.Strong):
        return Markup("<strong>{}</strong>").format(_html(node.children))
    if isinstance(node, m.Code):
        return Markup("<code>{}</code>").format(node.text)
    if isinstance(node, m.Link):  # not a live link: the translator reads, never follows
        return Markup('<span class="link" title="{}">{}</span>').format(node.href, _html(node.children))
    if isinstance(node, m.FootnoteRef):
        return Markup("<sup>[^{}]</sup>").format(node.key)
    if isinstance(node, m.Image):
        return Markup('<span class="image" title="{}">{}</span>').format(node.src, node.alt)
    if isinstance(node, m.LineBreak):
        return Markup("<br>")
    if isinstance(node, m.Untranslated):
        return _html(node.children)
    raise TypeError(f"no HTML for inline node {node.kind!r}")


_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(old: str, new: str) -> Markup:
    """``old`` -> ``new`` word by word: what went in ``<del>``, what came in ``<ins>``, escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Markup("{}").format("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


# Checks ----------------------------------------------------------------------------------------------


def check(msgid: str, msgstr: str, note: m.Note | None = None, lang: str = "") -> list[str]:
    """What the build would refuse in ``msgstr`` as the translation of ``msgid``; [] for a blank one.

    With the ``note`` (and ``lang``) the unit is checked by the build's own translator
    (``localize._Translator``): its footnotes, assets and fonts, front-matter texts as
    plain text.  Without, ``msgid`` is taken as inline Markdown and checked with the
    same functions (``signature``, ``compare``), its own footnote calls allowed (an
    image, not found without the note's assets folder, is not checked then)."""
    if not msgstr.strip():
        return []
    if note is not None:
        unit = next((u for u in units(note) if u.msgid == msgid), None)
        lang = lang or next(iter(target_languages(note)), note.meta.source_language)
        if unit is not None:
            where = catalogs.catalog_path(Project.of_note(note.folder).locales, lang, note.id)
            return _translator_problems(note, lang, where, unit, msgstr, 0)
    return _markdown_problems(msgid, msgstr)


def _unit_problems(opened: _Opened, unit: Unit, msgstr: str, po_line: int) -> list[str]:
    if not msgstr.strip():
        return []
    return _translator_problems(opened.note, opened.lang, opened.path, unit, msgstr, po_line)


def _translator_problems(note: m.Note, lang: str, path: Path, unit: Unit, msgstr: str, po_line: int) -> list[str]:
    """Ask the build's translator for the unit, from a catalog of this one translation."""
    from babel.messages.catalog import Catalog

    one = Catalog()
    one.add(unit.msgid, msgstr, lineno=po_line)
    translator = _Translator(note, lang, path, one, Project.of_note(note.folder).root)
    if unit.inlines:
        translator.inlines(unit.inlines, unit.line, unit.kind)
    else:
        translator.text(unit.msgid, unit.line)
    return [problem.message for problem in translator.problems.items if not problem.warning]


def _markdown_problems(msgid: str, msgstr: str) -> list[str]:
    """The steps of ``_Translator.inlines`` for a msgid without its note: what the source
    itself is told (an image not found: there is no assets folder here) is not the
    translation's problem."""
    where, assets = Path("<translation>"), Path("assets")
    keys = frozenset(re.findall(FOOTNOTE_CALL, msgid))
    deep = nesting_problems(msgstr, where)
    if deep:
        return [problem.message for problem in deep]
    source, source_problems = parse_inline(msgid, where, 0, assets, keys)
    context = {problem.message for problem in source_problems.items}
    parsed, problems = parse_inline(msgstr, where, 0, assets, keys)
    found = [p.message for p in problems.items if not p.warning and p.message not in context]
    return found + compare(signature(source, markdown=True), signature(parsed, markdown=True))


# Saving -----------------------------------------------------------------------------------------------


def save(note_folder: Path, lang: str, key: str, msgstr: str, base_msgstr: str, base_state: str) -> UnitView:
    """Write one unit's translation to the note's catalog in ``lang``; the unit as saved.

    ``base_msgstr``/``base_state`` are what the translator's page showed: if the catalog
    now says otherwise (another tab saved), :class:`Conflict` carries what it says and
    nothing is written.  The catalog is merged with the note's units first, exactly as
    ``i18n update`` merges it (a missing catalog is created as it creates one), then the
    unit is translated, no longer fuzzy and without a previous msgid, and the file is
    written whole, atomically, as ``i18n update`` writes it: running it afterwards
    changes nothing.  A translation with problems is saved (work in progress); the view
    lists them.  A browser's CRLF line ends are made LF, as a catalog has them."""
    if base_state not in STATES:
        raise ValueError(f"unknown state '{excerpt(base_state, 20)}': one of {', '.join(STATES)}")
    msgstr = msgstr.replace("\r\n", "\n")
    with _LOCK:
        opened = _open(note_folder, lang)
        unit = _unit(opened, key)
        current = _view(opened, unit)
        _refuse(opened.path, current.po_line, msgstr)
        if (current.msgstr, current.state) != (base_msgstr, base_state):
            raise Conflict(current)
        catalog = catalogs.merge(_template(opened.note), opened.catalog, lang)
        _translate(catalog, unit.msgid, msgstr)
        written = _write(opened.path, catalogs.dump(catalog))
        log.info("%s %s", "saved" if written.changed else "unchanged", opened.path)
        return _view(_open(note_folder, lang), unit)


def _template(note: m.Note) -> Catalog:
    """The note's template as ``i18n extract`` makes it run in the project folder, as a
    translator runs it: its locations (``#:``) relative to the project, not to the
    server's working folder (which ``catalogs.extract`` would use, and which a threaded
    server must not change)."""
    template = catalogs.extract(note)
    source = note.source.resolve().relative_to(Project.of_note(note.folder).root.resolve()).as_posix()
    for message in template:
        if message.id:
            message.locations = [(source, line) for _, line in message.locations]
    return template


def _unit(opened: _Opened, key: str) -> Unit:
    found = next((unit for unit in opened.units if unit_key(unit.msgid) == key), None)
    if found is None:
        raise UnknownUnit(
            Problem(
                str(opened.note.source),
                0,
                f"no unit of this note has the key '{excerpt(key, 20)}':"
                " the note may have changed since the page was loaded; reload it",
            )
        )
    return found


def _refuse(path: Path, line: int, msgstr: str) -> None:
    """A translation no catalog of the project may hold: too long, or with a character the
    project refuses; NoteError at the catalog entry."""
    if len(msgstr) > MAX_MSGSTR_CHARS:
        raise NoteError.at(
            path,
            line,
            f"the translation has {len(msgstr):,} characters;"
            f" a unit may have at most {MAX_MSGSTR_CHARS:,}: nothing was saved",
        )
    bad = check_characters(msgstr, path, line or 1)
    if bad:
        raise NoteError(bad, "the translation was not saved")


def _translate(catalog: Catalog, msgid: str, msgstr: str) -> None:
    """Set the entry's translation, no longer fuzzy, its previous msgid dropped."""
    message = catalog.get(msgid)
    assert message is not None, msgid  # merged from the note's own units
    message.previous_id = []
    message.flags.discard("fuzzy")
    message.string = msgstr
