"""The logic of the browser translation workbench: a note's units in one language, each
with its translation, state, checks and places, and the saving of one translation.

No HTTP here: ``serve/app.py`` calls these functions.  Everything is read and written
the way the command line does it, so that the workbench and the build never disagree:
units and their order as ``i18n extract`` finds them, states and counts as ``i18n status``
counts them, checks as the build makes them (the build's own translator is asked), and
catalogs written as ``i18n update`` writes them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from conceptnotes import model as m
from conceptnotes.errors import ConceptnotesError, NoteError, Problem, UsageError, excerpt
from conceptnotes.i18n import glossary, link_addresses, memory
from conceptnotes.i18n.editing import (
    Notes,
    Opened,
    check,
    entry,
    open_note,
    reopen,
    translation_problems,
    unit_key,
    unit_problems,
    write_translations,
)
from conceptnotes.i18n.units import Unit
from conceptnotes.model.visitor import Visitor

__all__ = ["Conflict", "Notes", "Offered", "UnitView", "UnknownUnit", "check", "save", "unit_views"]

log = logging.getLogger(__name__)

SHOWS = ("all", "untranslated", "fuzzy")
STATES = ("translated", "fuzzy", "untranslated")

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
    links: tuple[tuple[str, str, str], ...] = ()  # (text, address, the language's address or '') of each link
    terms: tuple[tuple[str, tuple[str, ...], bool], ...] = ()  # (glossary term, its forms in lang, in msgstr)
    matches: tuple[Offered, ...] = ()  # the translation memory's, for a unit not yet translated


@dataclass(frozen=True)
class Offered:
    """A match of the translation memory, as the workbench offers it beside a unit."""

    quality: int  # percent, 100 for the same source
    translation: str
    origin: str  # the catalog and line, or the TMX file, it came from
    diff_html: str  # its source -> the unit's, word by word, for a close match


class Conflict(ConceptnotesError):
    """The catalog changed since the translator's page was loaded (another tab saved)."""

    def __init__(self, current: UnitView) -> None:
        self.current = current
        super().__init__(f"the unit was changed meanwhile: it is now {current.state}")


class UnknownUnit(NoteError):
    """No unit of the note has this key: the note changed since the page was loaded."""


# Views ------------------------------------------------------------------------------------------


def unit_views(note_folder: Path, lang: str, show: str = "all", notes: Notes | None = None) -> list[UnitView]:
    """The note's units in ``lang`` in note order; ``show`` keeps 'all', 'untranslated' or 'fuzzy'
    ones.  The note is taken from ``notes`` (the server's) when given."""
    if show not in SHOWS:
        raise UsageError(f"unknown filter '{excerpt(show, 20)}': use one of {', '.join(SHOWS)}")
    opened = open_note(note_folder, lang, notes)
    terms = _glossary(opened)
    found = memory.load(opened.path.parents[2])  # the project's locales/, the catalog's folder's
    views = [_view(opened, unit, terms, found) for unit in opened.units]
    return views if show == "all" else [view for view in views if view.state == show]


def _view(opened: Opened, unit: Unit, terms: tuple[glossary.Term, ...] | None = None,
          found_in: memory.Memory | None = None) -> UnitView:
    found = entry(opened, unit.msgid)
    terms = _glossary(opened) if terms is None else terms
    offered = () if found_in is None or found.state == "translated" else tuple(
        Offered(match.quality, match.translation, match.origin,
                "" if match.exact else str(word_diff(match.source, unit.msgid)))
        for match in found_in.matches(unit.msgid, opened.lang))
    return UnitView(
        msgid=unit.msgid,
        msgstr=found.msgstr,
        state=found.state,
        previous=found.previous,
        source_html=str(source_html(unit)),
        diff_html=str(word_diff(found.previous, unit.msgid)) if found.state == "fuzzy" and found.previous else "",
        po_line=found.po_line,
        note_line=unit.line,
        kind=unit.kind,
        problems=tuple(p.message for p in unit_problems(opened, unit, found.msgstr, found.po_line).errors),
        key=unit_key(unit.msgid),
        links=_links(opened, unit),
        terms=_terms(opened, unit, found.msgstr, terms),
        matches=offered,
    )


def _glossary(opened: Opened) -> tuple[glossary.Term, ...]:
    return glossary.load(opened.path.parents[2])  # locales/<lang>/LC_MESSAGES/<note>.po


def _terms(opened: Opened, unit: Unit, msgstr: str,
           terms: tuple[glossary.Term, ...]) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """The glossary's terms in the unit's source, shown beside it: the term as the source
    has it, its forms in the language, and whether the translation holds one (:mod:`glossary`)."""
    source = m.plain_text(unit.inlines) if unit.inlines else unit.msgid
    return tuple((form, term.forms[opened.lang], glossary.in_translation(term, msgstr, opened.lang))
                 for term, form in glossary.terms_of(terms, source, opened.note.meta.source_language, opened.lang))


def _links(opened: Opened, unit: Unit) -> tuple[tuple[str, str, str], ...]:
    """Each link of the unit, shown beside it: its text, its address (which a translation
    keeps), and the address its catalog entry states for the language (``link_addresses``)."""
    message = opened.catalog.get(unit.msgid) if opened.catalog is not None else None
    stated = dict(link_addresses.stated(message.user_comments if message is not None else []))
    return tuple((m.plain_text(link.children), link.href, stated.get(link.href, ""))
                 for link in link_addresses.links(unit.inlines))


# HTML -----------------------------------------------------------------------------------------------


def source_html(unit: Unit) -> Markup:
    """A unit's source as HTML a browser shows safely: the model's inline nodes (as the
    note was parsed) rendered with every text escaped; a front-matter unit is its text."""
    return SourceHtml().inlines(unit.inlines or (m.Text(unit.msgid),))


class SourceHtml(Visitor):
    """Inline nodes as the workbench shows a source: escaped, a link not live (the translator
    reads, never follows), a footnote call as its Markdown ``[^key]``.  Not the PDF's HTML
    (``render.html``): that needs a localized note and shows footnotes as numbers.  A kind
    without a handler here is an error (:class:`UnknownNode`), never dropped."""

    def inlines(self, nodes: tuple[m.Inline, ...]) -> Markup:
        return Markup("").join(self.visit(node) for node in nodes)

    def visit_text(self, node: m.Text) -> Markup:
        return Markup("{}").format(node.text)

    def visit_emphasis(self, node: m.Emphasis) -> Markup:
        return Markup("<em>{}</em>").format(self.inlines(node.children))

    def visit_strong(self, node: m.Strong) -> Markup:
        return Markup("<strong>{}</strong>").format(self.inlines(node.children))

    def visit_code(self, node: m.Code) -> Markup:
        return Markup("<code>{}</code>").format(node.text)

    def visit_link(self, node: m.Link) -> Markup:
        return Markup('<span class="link" title="{}">{}</span>').format(node.href, self.inlines(node.children))

    def visit_footnote_ref(self, node: m.FootnoteRef) -> Markup:
        return Markup("<sup>[^{}]</sup>").format(node.key)

    def visit_image(self, node: m.Image) -> Markup:
        return Markup('<span class="image" title="{}">{}</span>').format(node.src, node.alt)

    def visit_line_break(self, node: m.LineBreak) -> Markup:
        return Markup("<br>")

    def visit_superscript(self, node: m.Superscript) -> Markup:
        return Markup("{}").format(node.text)  # typography's (a date's "1er"), shown as its source writes it

    def visit_untranslated(self, node: m.Untranslated) -> Markup:
        return self.inlines(node.children)


def word_diff(old: str, new: str) -> Markup:
    """``old`` -> ``new`` word by word (as the review import shows a change): what went in
    ``<del>``, what came in ``<ins>``, escaped."""
    from conceptnotes.word.review_diff import word_diff as pieces

    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    return Markup("").join(Markup(tags[kind]).format(text) for kind, text in pieces(old, new))


# Saving -----------------------------------------------------------------------------------------------


def save(note_folder: Path, lang: str, key: str, msgstr: str, base_msgstr: str, base_state: str,
         notes: Notes | None = None, *, lock: threading.Lock) -> UnitView:
    """Write one unit's translation to the note's catalog in ``lang``; the unit as saved.

    ``base_msgstr``/``base_state`` are what the translator's page showed: if the catalog
    now says otherwise (another tab saved), :class:`Conflict` carries what it says and
    nothing is written.  The catalog is merged with the note's units first, exactly as
    ``i18n update`` merges it (a missing catalog is created as it creates one), then the
    unit is translated, no longer fuzzy and without a previous msgid, and the file is
    written whole, atomically, as ``i18n update`` writes it: running it afterwards
    changes nothing.  A translation with problems is saved (work in progress); the view
    lists them.  A browser's CRLF line ends are made LF, as a catalog has them.

    The note is parsed once (or taken from ``notes``, the server's, while its note.md has
    the bytes it was parsed from); after the write only the catalog is read again.  ``lock``
    is the server's one lock for every read-compare-write of a project's files (this save,
    the Details form, the Review import page), so that two requests cannot both pass the
    conflict check and the later overwrite the earlier; it does not guard against another
    process (an editor, ``i18n update``) writing meanwhile."""
    if base_state not in STATES:
        raise UsageError(f"unknown state '{excerpt(base_state, 20)}': one of {', '.join(STATES)}")
    msgstr = msgstr.replace("\r\n", "\n")
    with lock:
        opened = open_note(note_folder, lang, notes)
        unit = _unit(opened, key)
        current = _view(opened, unit)
        translation_problems(opened.path, current.po_line, msgstr).raise_if_errors("the translation was not saved")
        if (current.msgstr, current.state) != (base_msgstr, base_state):
            raise Conflict(current)
        changed = write_translations(opened, [(unit.msgid, msgstr, False)])
        log.info("%s %s", "saved" if changed else "unchanged", opened.path)
        return _view(reopen(opened), unit)


def _unit(opened: Opened, key: str) -> Unit:
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


