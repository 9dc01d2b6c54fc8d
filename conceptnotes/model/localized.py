"""A note ready to render in one language: its text and every other string a reader sees.

``i18n.localize`` makes it; the renderers only read it.  Everything shown besides the
note's own text is computed before rendering: the masthead's details, the event line,
the page label, the labels of figures and tables, the remarks on untranslated text, and
the templates' labels (:class:`Labels`, a lookup in plain data).  It is plain data, so
it pickles: worker processes render it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from conceptnotes.errors import Problem
from conceptnotes.model.nodes import Inline, Note, Untranslated

PAGE_NAMES = ("page", "pages")  # the placeholders of :attr:`Shown.page_label`

# A string of :class:`Shown` may mark a superscript (the "er" of French "1er"): the text
# between these two characters.  No input can hold them (``read.characters`` refuses every
# character XML forbids), so a note's own text never collides with the marks; a renderer
# reads such a string through :func:`styled`.
SUPERSCRIPT_START, SUPERSCRIPT_END = "\x02", "\x03"


def superscript(text: str) -> str:
    """``text`` marked as a superscript, inside a string of :class:`Shown`."""
    return f"{SUPERSCRIPT_START}{text}{SUPERSCRIPT_END}"


def styled(text: str) -> list[tuple[str, bool]]:
    """The pieces of a string of :class:`Shown`, each with whether it is a superscript."""
    pieces: list[tuple[str, bool]] = []
    for index, part in enumerate(text.split(SUPERSCRIPT_START)):
        inside, _, after = part.partition(SUPERSCRIPT_END) if index else ("", "", part)
        pieces += [(piece, up) for piece, up in ((inside, True), (after, False)) if piece]
    return pieces


@dataclass(frozen=True, eq=False)
class Labels:
    """gettext for the templates' labels in a language: each label as the language shows
    it (translated and typeset), looked up; a label it does not have is shown as written."""

    table: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, message: str) -> str:
        return self.table.get(message, message)


@dataclass(frozen=True)
class Shown:
    """The strings a document shows besides the note's text, in its language.

    ``masthead_details``, ``event_line`` and ``date`` may hold superscripts (:func:`styled`).
    """

    masthead_details: tuple[str, ...] = ()  # distribution, date of issue, original language
    masthead_lang: str = ""  # the language of those lines (English in Arabic, Chinese, Russian)
    event_line: str = ""  # "Málaga, Spain, 10 and 11 May 2022"
    date: str = ""  # the date of issue, in the document's language (headers and footers)
    page_label: str = ""  # "Page {page} of {pages}": a pattern of PAGE_NAMES
    captions: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (kind, number): "Figure I"
    # (source language, catalog entry, fuzzy): the remark on source text shown untranslated
    fallback_marks: Mapping[tuple[str, str, bool], str] = field(default_factory=dict)
    # a front-matter text shown with source text untranslated ("title", "subtitle",
    # "organizers.0", "event": the event line), as inlines: the source text marked as a
    # body unit's is; or a title, subtitle or organizer with a date's superscript, as one
    # text (:func:`styled`); any other field is not here
    front: Mapping[str, tuple[Inline, ...]] = field(default_factory=dict)
    # where the venue stands in ``event_line`` (start, end: its characters as written there),
    # for the DOCX's mark of it (a review in Word); () without a venue
    venue: tuple[int, int] = ()

    def caption_label(self, node) -> str:
        """"Figure I" of a figure, "Table 1" of a captioned table."""
        return self.captions[(node.kind, node.number)]

    def fallback_mark(self, node: Untranslated) -> str:
        """What a reviewer reads on source text that stands in for a missing or fuzzy translation."""
        return self.fallback_marks[(node.lang, node.where, node.fuzzy)]


@dataclass(frozen=True)
class UnitMark:
    """One run of a document's text as the DOCX marks it for a review (``word/review``):
    the run's id (a short hash of its source and its place among identical runs), its
    source (the msgid: inline Markdown), its line in note.md, what it is called, the
    Markdown it is shown from (the translation, else the source) and the footnote it is
    in ("" for the body)."""

    id: str
    source: str
    line: int
    name: str
    text: str
    footnote: str = ""
    translated: bool = False  # shown from the catalog's translation


@dataclass(frozen=True)
class Localized:
    """A note ready to render in ``lang``: translated text, what it shows besides (``shown``),
    the templates' labels (``gettext``), and what fell back."""

    note: Note
    lang: str
    gettext: Labels
    fallbacks: tuple[Problem, ...] = ()
    # the catalogs read and validated for it, as read: what a PDF/A-3 may carry
    catalogs: tuple[tuple[Path, bytes], ...] = ()
    shown: Shown = Shown()
    # every run of text, body then footnotes (by key), in the order of model.visitor.map_inlines
    units: tuple[UnitMark, ...] = ()
    # the title, subtitle and organizers as front-matter units (``UnitMark.name``: the field)
    front_units: tuple[UnitMark, ...] = ()
