"""The runs of a note's text as a DOCX marks them for a review (``model.UnitMark``).

Every non-empty run of inlines that ``model.visitor.map_inlines`` visits is one mark, the
body's first, then each footnote's: its source (the msgid), its line, and the Markdown it
is shown from in the document's language.  Its id is a short hash of the source and its
place among runs of the same source (1 for the first), so that identical paragraphs are
told apart by position and an id means the same run in every language of one build.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

from conceptnotes import model as m
from conceptnotes.i18n import catalogs
from conceptnotes.i18n.units import is_unit, to_markdown
from conceptnotes.model.localized import UnitMark
from conceptnotes.model.visitor import map_inlines

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog


def mark_id(source: str, position: int) -> str:
    """The id of the ``position``-th run (from 1) whose source is ``source``."""
    return f"{hashlib.sha256(source.encode('utf-8')).hexdigest()[:10]}_{position}"


FRONT_FIELDS = ("title", "subtitle", "event.venue")  # and each organizer: the front matter's texts a DOCX marks


def front_marks(note: m.Note, catalog: Catalog | None = None) -> tuple[UnitMark, ...]:
    """The marks of the front matter's texts a DOCX shows in paragraphs of their own (the
    title, the subtitle, each organizer) or inside the event line (the venue), named by their
    field (``organizers.0``, ``event.venue``); the id hashes the field with the text, apart
    from the body's runs."""
    from conceptnotes.i18n.units import shown_fields

    marks = []
    for field, source, line in shown_fields(note.meta):
        if field not in FRONT_FIELDS and not field.startswith("organizers."):
            continue
        text, translated = source, False
        if catalog is not None:
            state, message = catalogs.state(catalog, source)
            if state == "translated" and message is not None and isinstance(message.string, str):
                text, translated = message.string, True
        marks.append(UnitMark(mark_id(f"{field}\n{source}", 1), source, line, field, text, "", translated))
    return tuple(marks)


def unit_marks(note: m.Note, catalog: Catalog | None = None) -> tuple[UnitMark, ...]:
    """The marks of ``note``'s runs; each shown from ``catalog``'s translation where it has one."""
    counts: Counter[str] = Counter()
    marks: list[UnitMark] = []

    def collector(footnote: str):
        def collect(inlines: tuple[m.Inline, ...], line: int, name: str) -> tuple[m.Inline, ...]:
            source = to_markdown(inlines)
            counts[source] += 1
            text, translated = source, False
            if catalog is not None and is_unit(inlines):
                state, message = catalogs.state(catalog, source)
                if state == "translated" and message is not None and isinstance(message.string, str):
                    text, translated = message.string, True
            marks.append(UnitMark(mark_id(source, counts[source]), source, line, name, text, footnote, translated))
            return inlines

        return collect

    map_inlines(m.Document(note.document.blocks, ()), collector(""))
    for footnote in note.document.footnotes:
        map_inlines(footnote, collector(footnote.key), line=footnote.line)
    return tuple(marks)
