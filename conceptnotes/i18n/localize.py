"""A note in another language: each unit replaced by its translation from the catalogs.

A draft build uses every translated unit and keeps the source text, marked as
:class:`model.Untranslated`, for a unit that is missing, empty or fuzzy; each such
fallback is reported at its catalog line as a warning (the check stage makes every
warning an error in a strict build: strictness is decided there, once).
A translation that cannot stand in for its source (a footnote call, link target,
inline code or ``{placeholder}`` dropped or changed) is always an error.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog

from conceptnotes import fonts, placeholders
from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems
from conceptnotes.i18n import catalogs, glossary, labels, link_addresses
from conceptnotes.i18n.typography import typeset, typeset_note
from conceptnotes.i18n.unit_marks import front_marks, unit_marks
from conceptnotes.i18n.units import (
    ONE_LINE,
    is_unit,
    map_document,
    renumber_footnotes,
    shown_fields,
    to_markdown,
    translatable,
    translate_meta,
)
from conceptnotes.languages import LABEL_LANGUAGE, get
from conceptnotes.model.localized import Labels, Localized
from conceptnotes.model.visitor import Visitor, walk
from conceptnotes.project import Project, command
from conceptnotes.read.characters import nesting_problems
from conceptnotes.read.files import is_present
from conceptnotes.read.markdown_parse import parse_inline


def signature(nodes: tuple[m.Inline, ...], *, markdown: bool = False) -> dict[str, Counter]:
    """What a translation must keep of its source: footnote calls, links, code, images, placeholders;
    of inline Markdown (``markdown``), also how many emphases and strong emphases, and the
    Markdown markers (``*``, ``_``, `````) its text shows literally."""
    found: dict[str, Counter] = {k: Counter() for k in ("footnote", "link", "code", "image", "placeholder")}
    if markdown:
        found |= {k: Counter() for k in STRUCTURE}
    counter = _Signature(found, markdown)
    for node in walk(nodes):
        counter.visit(node)
    return found


class _Signature(Visitor):
    """Counts into ``found`` what :func:`signature` keeps of each node; other kinds keep nothing."""

    def __init__(self, found: dict[str, Counter], markdown: bool) -> None:
        self.found, self.markdown = found, markdown

    def unknown_visit(self, node: m.Inline) -> None:
        return None  # a line break, an untranslated run: its children are walked

    def visit_footnote_ref(self, node: m.FootnoteRef) -> None:
        self.found["footnote"][f"[^{node.key}]"] += 1

    def visit_link(self, node: m.Link) -> None:
        self.found["link"][node.href] += 1

    def visit_code(self, node: m.Code) -> None:
        self.found["code"][f"`{node.text}`"] += 1

    def visit_image(self, node: m.Image) -> None:
        self.found["image"][node.src] += 1

    def visit_emphasis(self, node: m.Emphasis | m.Strong) -> None:
        if self.markdown:
            self.found[node.kind][node.kind] += 1

    visit_strong = visit_emphasis

    def visit_text(self, node: m.Text) -> None:
        self.found["placeholder"].update(re.findall(r"\{\w+\}", node.text))
        if self.markdown:
            self.found["marker"].update(re.findall(r"[*_`]", node.text))


# Inline structure: counted, not listed (the emphasized words are translated).
STRUCTURE = ("emphasis", "strong", "marker")
_SHAPES = {"emphasis": ("emphasis", "emphases", "*...*", "'*' or '_'"),
           "strong": ("strong emphasis", "strong emphases", "**...**", "'**' or '__'")}


def compare(source: dict[str, Counter], translation: dict[str, Counter]) -> list[str]:
    problems = []
    for kind in source:
        if kind in STRUCTURE:
            continue
        for item in sorted((source[kind] - translation[kind]).elements()):
            problems.append(f"the translation drops {_kind(kind)} {item}")
        for item in sorted((translation[kind] - source[kind]).elements()):
            problems.append(f"the translation adds {_kind(kind)} {item}, which is not in the source")
    return problems + _structure_problems(source, translation)


def _structure_problems(source: dict[str, Counter], translation: dict[str, Counter]) -> list[str]:
    """Emphasis and strong emphasis as many times as in the source; no marker left over as text."""
    problems = []
    for kind, (one, many, shape, marks) in _SHAPES.items():
        expected, got = source.get(kind, Counter())[kind], translation.get(kind, Counter())[kind]
        if expected != got:
            count = f"no {one}" if got == 0 else f"{got} {one if got == 1 else many}"
            problems.append(f"the translation has {count} ({shape}) where the source has {expected}:"
                            f" a {marks} is missing or extra")
    if problems or "marker" not in source:
        return problems  # a marker left over is said once, as above
    for mark in sorted(translation["marker"] - source["marker"]):
        problems.append(f"the translation shows a '{mark}' that the source does not have:"
                        f" {_CLOSE.get(mark, 'close it')}, or remove the '{mark}'")
    return problems


_CLOSE = {"*": "close the emphasis", "_": "close the emphasis", "`": "close the inline code"}


def _kind(kind: str) -> str:
    return {
        "footnote": "footnote call",
        "link": "link target",
        "code": "inline code",
        "image": "image",
        "placeholder": "placeholder",
    }[kind]


def load_catalog(
    path: Path, lang: str, read: list[tuple[Path, bytes]], data: bytes | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """A language's catalog and the problems of its entries (Babel's checkers, msgfmt);
    its bytes are added to ``read``.  Given ``data``, those bytes are taken as the
    catalog at ``path`` (what a command is about to write there)."""
    if data is None:
        if not is_present(path):
            return None, []
        data = catalogs.read(path)
    catalog = catalogs.load(path, lang, data)
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(Problem(str(path), message.lineno or 0, f"{error}"))
    problems.extend(catalogs.msgfmt_check(path, data))
    # no text of a note or label has plural forms: such an entry would give a tuple for a text
    for message in catalog:
        if message.pluralizable:
            problems.append(Problem(str(path), message.lineno or 0,
                                    "an entry with plural forms (msgid_plural, msgstr[n]): a unit or label has"
                                    " one translation, in msgstr"))
            message.string = ""  # refused above; meanwhile untranslated, never a tuple for a text
    read.append((path, data))
    return catalog, problems


class Translator:
    def __init__(self, note: m.Note, lang: str, path: Path, catalog: Catalog | None, project: Path) -> None:
        self.note, self.lang, self.path, self.catalog = note, lang, path, catalog
        self.project = project  # the catalog is named from here in a DOCX comment
        self.problems = Problems()
        self.fallbacks: list[Problem] = []
        self.keys = frozenset(f.key for f in note.document.footnotes)
        # a front-matter text shown in the source language, by its text and line: marked as a body unit is
        self.front: dict[tuple[str, int], m.Untranslated] = {}
        self.terms: tuple[glossary.Term, ...] = ()  # the project's glossary, checked when given
        self.fonts_missing = bool(fonts.missing_font_files(lang))  # once per document, not per unit

    def fallback(self, line: int, why: str, source_line: int) -> str:
        where = f"{self.path}:{line}" if line else str(self.path)
        message = f"{why} ({self.note.source.name}:{source_line}); the {self.note.meta.source_language} text is used"
        self.fallbacks.append(Problem(str(self.path), line, message, warning=True))
        return where

    def lookup(self, msgid: str, source_line: int) -> tuple[str | None, int]:
        state, message = catalogs.state(self.catalog, msgid)
        line = message.lineno or 0 if message is not None else 0
        if state == "translated":
            return message.string, line
        if self.catalog is None:
            why = "no catalog for this language"
        elif message is None:
            why = f"unit not in the catalog (run {command('i18n update')})"
        else:
            why = "fuzzy translation" if state == "fuzzy" else "untranslated unit"
        self.fallback(line, why, source_line)
        return None, line

    def inlines(self, source: tuple[m.Inline, ...], line: int, kind: str) -> tuple[m.Inline, ...]:
        if not is_unit(source):
            return source  # nothing to translate: no unit, never a fallback
        msgid = to_markdown(source)
        translation, po_line = self.lookup(msgid, line)
        if translation is None:
            return (self.untranslated(source, msgid, po_line),)
        if kind in ONE_LINE:
            self.one_line(translation, kind, po_line)
        deep = nesting_problems(translation, self.path, po_line)
        if deep:
            self.problems.extend(deep)
            return source
        parsed, problems = parse_inline(translation, self.path, po_line, self.note.assets, self.keys)
        self.problems.extend(problems)
        for message in compare(signature(source, markdown=True), signature(parsed, markdown=True)):
            self.problems.add(self.path, po_line, message)
        self.check_fonts(m.plain_text(parsed), po_line)
        self.check_terms(msgid, m.plain_text(source), m.plain_text(parsed), po_line)
        return self.relinked(msgid, source, parsed, po_line)

    def relinked(self, msgid: str, source: tuple[m.Inline, ...], parsed: tuple[m.Inline, ...],
                 po_line: int) -> tuple[m.Inline, ...]:
        """The translation's links at the addresses its entry states for the language
        (:mod:`link_addresses`), each checked."""
        entry = catalogs.state(self.catalog, msgid)[1]
        found, wrong = link_addresses.addresses(entry.user_comments if entry is not None else [], source)
        for message in wrong:
            self.problems.add(self.path, po_line, message)
        return link_addresses.relinked(parsed, found)

    def untranslated(self, source: tuple[m.Inline, ...], msgid: str, po_line: int) -> m.Untranslated:
        """The source text standing in for the unit ``msgid``, marked with its catalog entry."""
        # named from the project folder, so the DOCX comment is the same on every machine
        name = self.path.relative_to(self.project) if self.path.is_relative_to(self.project) else self.path
        where = f"{name}:{po_line}" if po_line else str(name)
        fuzzy = catalogs.state(self.catalog, msgid)[0] == "fuzzy"
        return m.Untranslated(source, self.note.meta.source_language, where, fuzzy)

    def check_fonts(self, text: str, po_line: int) -> None:
        """A translation's characters must be in the language's fonts: said at its catalog line."""
        if self.fonts_missing:
            return  # reported once, by the build's own font check
        char = fonts.first_uncovered(text, self.lang)
        if char:
            self.problems.add(self.path, po_line, fonts.uncovered_message(char, self.lang))

    def text(self, source: str, line: int) -> str:
        if not translatable(source):
            return source
        translation, po_line = self.lookup(source, line)
        if translation is None:
            self.front[(source, line)] = self.untranslated((m.Text(source),), source, po_line)
            return source
        self.one_line(translation, "front-matter text", po_line)
        for message in compare(signature((m.Text(source),)), signature((m.Text(translation),))):
            self.problems.add(self.path, po_line, message)
        self.check_fonts(translation, po_line)
        self.check_terms(source, source, translation, po_line)
        return translation

    def check_terms(self, msgid: str, source: str, translation: str, po_line: int) -> None:
        """A glossary term of the source that the translation lacks: a warning at its line (:mod:`glossary`)."""
        entry = catalogs.state(self.catalog, msgid)[1]
        flags = entry.flags if entry is not None else set()
        self.fallbacks += glossary.term_problems(self.terms, flags, source, translation,
                                                 self.note.meta.source_language, self.lang, (self.path, po_line))

    def one_line(self, translation: str, kind: str, po_line: int) -> None:
        """A unit shown as one line (:data:`units.ONE_LINE`, a front-matter text) has no line break."""
        if "\n" in translation:
            self.problems.add(self.path, po_line, f"a {kind} is one line, but its translation has a line break:"
                                                  " join its lines")


def label_translations(
    locales: Path, lang: str, read: list[tuple[Path, bytes]] | None = None
) -> tuple[Labels, list[Problem]]:
    """gettext for the templates' labels in ``lang``, with the labels that fall back.

    A label that is missing, blank or fuzzy falls back to its English; a translated label
    whose English has placeholders is a pattern, checked like one (:mod:`placeholders`)."""
    if lang == LABEL_LANGUAGE:
        return Labels(), []  # the labels' own language: shown as written
    path = catalogs.label_catalog(locales, lang)
    catalog, checks = load_catalog(path, lang, [] if read is None else read)
    problems: list[Problem] = []
    fallbacks = []
    # every translated entry, as gettext would give it (a project's templates may have more)
    table = {msg.id: msg.string for msg in catalog or () if isinstance(msg.id, str) and isinstance(msg.string, str)
             and msg.id and catalogs.state(catalog, msg.id)[0] == "translated"}
    for msgid in labels.ALL:
        state, message = catalogs.state(catalog, msgid)
        if state != "translated":
            line = (message.lineno or 0) if message is not None else 0
            fallbacks.append(
                Problem(
                    str(path), line, f"label '{msgid}' is {state}; the {get(LABEL_LANGUAGE).name} is used", warning=True
                )
            )
            continue
        problems += [Problem(str(path), message.lineno or 0, text) for text in label_problems(msgid, message.string)]
    # our own words first, then what Babel's checkers and msgfmt say of the same entries
    problems += checks
    if problems:
        raise NoteError(problems)
    return shown_labels(table, catalog, lang), fallbacks


def shown_labels(table: dict[str, str], catalog: Catalog | None, lang: str) -> Labels:
    """Each label of the documents and of the catalog as ``lang`` shows it: its translation
    (``table``) or else its English, typeset as the language writes (a label that is in
    neither is shown as written)."""
    msgids = {*labels.ALL, *(msg.id for msg in catalog or () if isinstance(msg.id, str) and msg.id)}
    return Labels({msgid: m.plain_text(typeset((m.Text(table.get(msgid, msgid)),), lang))
                   for msgid in msgids})


def label_problems(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with a label's translation, whatever the entry's flags: a label whose
    English has placeholders is a pattern that must keep them, each a name alone; a label
    is one line, as the front matter's texts are."""
    broken = ["a label is one line, but its translation has a line break: join its lines"] \
        if "\n" in msgstr and "\n" not in msgid else []
    allowed = placeholders.names(msgid)
    if not allowed:
        return broken + compare(signature((m.Text(msgid),)), signature((m.Text(msgstr),)))
    wrong = broken + placeholders.problems(msgstr, allowed)
    kept = [name for name in placeholders.names(msgstr) if name in allowed]  # unknown ones are told above
    return wrong + compare({"placeholder": Counter(f"{{{n}}}" for n in allowed)},
                           {"placeholder": Counter(f"{{{n}}}" for n in kept)})


def localize(note: m.Note, lang: str, *, locales: Path | None = None) -> Localized:
    """``note`` in ``lang``; raise NoteError for broken translations.

    What falls back to the source text is in :attr:`Localized.fallbacks`, as warnings.
    """
    locales = locales or Project.of_note(note.folder).locales
    read: list[tuple[Path, bytes]] = []
    gettext_, label_fallbacks = label_translations(locales, lang, read)
    if lang == note.meta.source_language:
        localized = note
        fallbacks: list[Problem] = []
        shown_front: dict = {}
        marks, front = unit_marks(note), front_marks(note)
    else:
        path = catalogs.catalog_path(locales, lang, note.id)
        catalog, problems = load_catalog(path, lang, read)
        localized, fallbacks, shown_front = _translated(note, lang, path, catalog, problems, locales.parent)
        marks, front = unit_marks(note, catalog), front_marks(note, catalog)
    localized = typeset_note(localized, lang)
    fallbacks = label_fallbacks + fallbacks
    shown = labels.shown(localized, lang, gettext_, shown_front)
    return Localized(localized, lang, gettext_, tuple(fallbacks), tuple(read), shown, marks, front)


def _translated(
    note: m.Note, lang: str, path: Path, catalog: Catalog | None, problems: list[Problem], project: Path
) -> tuple[m.Note, list[Problem], dict]:
    """``note`` with every unit translated from ``catalog`` (the one at ``path``), what fell
    back, and the front-matter fields shown untranslated (field -> its marked source text);
    NoteError for ``problems`` (the catalog's) and every broken translation."""
    translator = Translator(note, lang, path, catalog, project)
    translator.problems.extend(problems)
    translator.terms = glossary.load(path.parents[2])  # locales/<lang>/LC_MESSAGES/<note>.po
    if catalog is None:
        translator.fallbacks.append(
            Problem(
                str(path),
                0,
                f"no catalog for '{lang}': run {command('i18n update')}; the source text is used",
                warning=True,
            )
        )
        translator.catalog = Catalog()  # every unit falls back, reported once above
        translator.fallback = lambda line, why, source_line: ""  # type: ignore[method-assign]
    meta = translate_meta(note.meta, translator.text)
    document = renumber_footnotes(map_document(note.document, translator.inlines))
    translator.problems.raise_if_errors()
    front = {field: translator.front[(text, line)] for field, text, line in shown_fields(note.meta)
             if (text, line) in translator.front}
    return dataclasses.replace(note, meta=meta, document=document), translator.fallbacks, front


def catalog_problems(note: m.Note, lang: str, data: bytes) -> Problems:
    """What ``check`` would refuse in the note's catalog in ``lang`` if it held ``data``:
    the same path as :func:`localize` (the catalog read and checked, msgfmt included,
    then every unit translated from it), without the labels.  Errors only."""
    locales = Project.of_note(note.folder).locales
    path = catalogs.catalog_path(locales, lang, note.id)
    try:
        catalog, problems = load_catalog(path, lang, [], data)
        _translated(note, lang, path, catalog, problems, locales.parent)
    except NoteError as exc:
        return Problems(problem for problem in exc.problems if not problem.warning)
    return Problems()
