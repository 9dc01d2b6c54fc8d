"""The parts of a Word document around its body: masthead and title block, header and
footer placeholders, core properties, and the language, fonts and direction of every run."""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from conceptnotes import fonts, languages, placeholders
from conceptnotes.model import Localized
from conceptnotes.model.localized import PAGE_NAMES, styled
from conceptnotes.render import formats
from conceptnotes.render.common import author, created
from conceptnotes.render.docx import ooxml
from conceptnotes.render.docx.template import PLACEHOLDER, headers_footers


def masthead(sink, localized: Localized, write=None) -> None:
    """The masthead as in UN documents and the PDF: organizers at the start, the symbol in
    bold at the end of the last organizer's line; under the rule (the top border of
    "Masthead Details"), distribution, date and original language one a line, in a column
    at the end side; then subtitle, title and event.  ``write(paragraph, field, text)``
    writes a front-matter text (``title``, ``organizers.0``, ``event``), the renderer's way
    of marking source text shown untranslated (:attr:`Shown.front`); by default, a run."""
    meta, lang = localized.note.meta, localized.lang
    write = write or add_shown_field
    organizer = None
    for index, name in enumerate(meta.organizers):
        organizer = sink("Masthead Organizer")
        write(organizer, f"organizers.{index}", name)
    if meta.symbol and organizer is not None:
        organizer.paragraph_format.tab_stops.add_tab_stop(_text_width(organizer), WD_TAB_ALIGNMENT.RIGHT)
        symbol = organizer.add_run("\t" + meta.symbol)
        symbol.bold, symbol.font.size = True, Pt(13)
    details = sink("Masthead Details")
    details.alignment = WD_ALIGN_PARAGRAPH.LEFT
    language = languages.get(lang)
    # English lines in a right-to-left document: a left-to-right paragraph at the left margin
    tab = "" if language.rtl and language.english_masthead else "\t"
    if tab:
        details.paragraph_format.tab_stops.add_tab_stop(int(_text_width(details) * DETAILS_COLUMN))
    for index, detail in enumerate(localized.shown.masthead_details):
        if index:
            details.runs[-1].add_break()
        add_shown(details, tab + detail)
    if meta.subtitle:
        subtitle = sink("Subtitle")
        write(subtitle, "subtitle", meta.subtitle)
        if not language.letter_spacing:  # the template's Subtitle spaces its letters
            for run in subtitle.runs:
                ooxml.put(run._r.get_or_add_rPr(), "spacing", ooxml.RPR_ORDER, val="0")
    write(sink("Title"), "title", meta.title)
    write(sink("Event"), "event", localized.shown.event_line)


def add_shown_field(paragraph: Paragraph, field: str, text: str) -> None:
    """``masthead``'s default writer of a front-matter text: :func:`add_shown`."""
    add_shown(paragraph, text)


def add_shown(paragraph: Paragraph, text: str) -> None:
    """A string of ``Localized.shown`` as runs of ``paragraph``, its superscripts as Word's
    superscript runs (``w:vertAlign``)."""
    for piece, up in styled(text):
        paragraph.add_run(piece).font.superscript = up or None


DETAILS_COLUMN = 0.65  # where distribution, date and original start: as .masthead-details in note.css


def _text_width(paragraph: Paragraph) -> int:
    """The width between the margins of the (last) section, in EMU."""
    section = paragraph.part.document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def fill_headers_footers(doc, localized: Localized, sections: list | None = None) -> None:
    """Replace ``{symbol}``, ``{title}``, ``{date}``, ``{page}``, ``{pages}`` and
    ``{page_of_pages}`` in the template's headers and footers (of ``sections``, when the
    caller knows them, else of the document's: python-docx finds them in the whole document)."""
    meta = localized.note.meta
    values = {
        "symbol": meta.symbol,
        "title": meta.title,
        "date": localized.shown.date,
    }
    for section in doc.sections if sections is None else sections:
        for part in headers_footers(section):
            for paragraph in part.paragraphs:
                if "{" in paragraph.text:
                    _fill(paragraph, values, localized.shown.page_label)


def _fill(paragraph: Paragraph, values: dict[str, str], page_of_pages: str) -> None:
    """Rebuild a paragraph whose text holds placeholders (validated with the template).

    Word may split a placeholder over several runs; the paragraph's text is taken whole
    and written again with the first run's formatting.
    """
    runs = paragraph._p.findall(qn("w:r"))
    rpr = runs[0].find(qn("w:rPr")) if runs else None
    text = paragraph.text
    for run in runs:
        paragraph._p.remove(run)
    for index, piece in enumerate(PLACEHOLDER.split(text)):
        if index % 2 == 0:
            _plain_run(paragraph._p, piece, rpr)
        elif piece == "page_of_pages":
            for part in placeholders.parts(page_of_pages, PAGE_NAMES):
                if isinstance(part, placeholders.Name):
                    ooxml.add_field(paragraph._p, "PAGE" if part == "page" else "NUMPAGES", "1", rpr)
                else:
                    _plain_run(paragraph._p, part, rpr)
        elif piece in ("page", "pages"):
            ooxml.add_field(paragraph._p, "PAGE" if piece == "page" else "NUMPAGES", "1", rpr)
        else:
            for text, up in styled(values[piece]):
                _plain_run(paragraph._p, text, rpr, superscript=up)


def _plain_run(parent, text: str, rpr, superscript: bool = False) -> None:
    if not text:
        return
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    if superscript:
        ooxml.put(run.get_or_add_rPr(), "vertAlign", ooxml.RPR_ORDER, val="superscript")
    t = OxmlElement("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    parent.append(run)


CORE_PROPERTY_LENGTH = 255  # characters a DOCX core property holds (python-docx refuses more)


def core_property(text: str) -> str:
    """``text`` cut to what a core property holds: a long title stays whole in the document,
    its property is cut at a character boundary (never inside a base letter and its marks)."""
    if len(text) <= CORE_PROPERTY_LENGTH:
        return text
    end = CORE_PROPERTY_LENGTH
    while end > 0 and unicodedata.combining(text[end]):
        end -= 1
    return text[:end]


def _whole_keywords(keywords: tuple[str, ...]) -> str:
    """The keywords, as many whole ones as a core property holds (the first at least, cut)."""
    for count in range(len(keywords), 1, -1):
        text = ", ".join(keywords[:count])
        if len(text) <= CORE_PROPERTY_LENGTH:
            return text
    return keywords[0] if keywords else ""


def set_properties(doc, localized: Localized) -> None:
    """Core properties, every one set (python-docx's defaults name itself and 2013)."""
    note = localized.note
    meta = note.meta
    props = doc.core_properties
    moment = dt.datetime.combine(created(note), dt.time(0, 0))
    props.title = core_property(meta.title)
    props.subject = core_property(meta.subtitle)
    props.author = core_property(author(note))
    props.language = languages.get(localized.lang).word_language
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.last_modified_by = "conceptnotes"
    props.revision = 1
    props.keywords = core_property(_whole_keywords(meta.keywords))
    props.identifier = core_property(meta.symbol)
    props.category = core_property(meta.subtitle)  # the kind of document, as the subtitle names it: translated
    props.comments = ""
    props.content_status = ""
    props.version = ""


def _run_fonts(lang: str) -> dict[str, str]:
    return {
        key: value
        for name, value in fonts.configured(lang, formats.get("docx").fonts).items()
        for key in ((name, "hAnsi") if name == "ascii" else (name,))
    }


def apply_language(doc, footnotes, lang: str, fallbacks: dict | None = None, sections: list | None = None) -> None:
    """Language, script fonts and direction on every paragraph and run of every part.

    ``fallbacks`` maps a paragraph (``w:p``) that shows source text in place of a
    translation to the source language: its runs are tagged with that language and its
    direction is the source's (English inside an Arabic document runs left to right).
    ``sections`` are the document's, when the caller knows them.
    """
    fallbacks = fallbacks or {}
    language = languages.get(lang)
    tags = languages.word_tags(lang)
    ooxml.set_default_language(doc, tags["val"], tags["eastAsia"], tags["bidi"])
    roots = [doc.element.body, footnotes.element]
    for section in doc.sections if sections is None else sections:
        roots += [part._element for part in headers_footers(section)]
        if language.rtl:
            ooxml.set_section_bidi(section._sectPr)
    upright = not language.italics  # no italics from styles either (Event, Quote)
    own = {
        code: ooxml.RunLanguage(_run_fonts(code), languages.word_tags(code), languages.get(code).rtl, upright)
        for code in {lang, *fallbacks.values()}
    }
    # the masthead details stay in English in Arabic, Chinese and Russian: tagged English and
    # left to right, in the document's fonts
    english = languages.get(languages.LABEL_LANGUAGE)
    own[MASTHEAD] = ooxml.RunLanguage(_run_fonts(lang), dict(tags, val=english.word_language), english.rtl, upright)
    fallbacks = {**fallbacks, **dict.fromkeys(_english_masthead(doc, language), MASTHEAD)}
    paragraph_tag, run_tag = qn("w:p"), qn("w:r")
    for root in roots:
        for paragraph in root.iter(paragraph_tag):
            shown = own[fallbacks.get(paragraph, lang)]  # the language the paragraph shows
            for run in paragraph.iter(run_tag):
                shown.apply(run)
            if shown.rtl:
                ooxml.set_paragraph_bidi(paragraph)
            elif language.rtl:  # left to right inside a right-to-left document, whatever its style says
                ooxml.set_paragraph_bidi(paragraph, False)
    if language.rtl:
        for table in doc.tables:
            ooxml.set_table_bidi(table._tbl)


MASTHEAD = "masthead"  # the key of the masthead's English details among a document's languages


def _english_masthead(doc, language: languages.Language) -> list:
    """The masthead details paragraphs (``w:p``) where they stay in English (Arabic,
    Chinese, Russian): left to right, tagged English, even in an Arabic document."""
    if not language.english_masthead:
        return []
    style_id = doc.styles["Masthead Details"].style_id
    return [p for p in doc.element.body.iterchildren(qn("w:p")) if p.style == style_id]
