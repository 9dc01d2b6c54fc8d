"""Render a note to DOCX with python-docx, into the Word template of the concept note.

The look is the template's (``templates/concept-note/reference.docx``): every
paragraph gets one of its named styles, and its header and footer are kept, with
``{symbol}``, ``{title}``, ``{date}`` and ``{page_of_pages}`` filled in.  Footnotes,
list numbering, fields and hyperlinks are written with :mod:`ooxml`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem
from conceptnotes.i18n import labels
from conceptnotes.i18n.formatting import format_day
from conceptnotes.i18n.localize import Localized
from conceptnotes.read.markdown_parse import block_inlines, walk_inlines
from conceptnotes.render import fonts
from conceptnotes.render.docx import ooxml
from conceptnotes.render.docx.template import DOCX_TEMPLATE, check_template
from conceptnotes.render.html import RTL_LANGUAGES, TEMPLATE_DIR, as_localized, author, created

REQUIRED_STYLES = (
    "Body Text",
    "Title",
    "Subtitle",
    "Event",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Number",
    "List Bullet",
    "List Continue",
    "Quote",
    "footnote text",
    "footnote reference",
    "Table Text",
    "Table Heading",
    "UN Table",
    "Definition Term",
    "Definition",
    "Source Code",
    "Figure",
    "Hyperlink",
    "Inline Code",
    "Masthead Organizer",
    "Masthead Details",
)
WORD_LANGUAGES = {"ar": "ar-SA", "en": "en-GB", "es": "es-ES", "fr": "fr-FR", "ru": "ru-RU", "zh": "zh-CN"}
NO_ITALICS = {"ar", "zh"}
# Sub-paragraph numbering of nested numbered lists (level: (format, text)) where the
# language's UN convention differs from the template's (a), (i): a), i) in French,
# Spanish and Russian; (أ) in Arabic.
SUBPARAGRAPHS = {
    "fr": {1: ("lowerLetter", "%2)"), 2: ("lowerRoman", "%3)")},
    "es": {1: ("lowerLetter", "%2)"), 2: ("lowerRoman", "%3)")},
    "ru": {1: ("lowerLetter", "%2)"), 2: ("lowerRoman", "%3)")},
    "ar": {1: ("arabicAbjad", "(%2)")},
}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

Sink = Callable[[str], Paragraph]


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    code: bool = False


class _PartHolder:
    """Parent of a paragraph that lives in another part (footnotes): runs ask it for ``part``."""

    def __init__(self, part) -> None:
        self.part = part


class DocxRenderer:
    def __init__(self, localized: Localized, template: Path) -> None:
        problems = check_template(template)
        if problems:
            raise NoteError(problems)
        self.note = localized.note
        self.lang = localized.lang
        self.gettext = localized.gettext
        self.template = template
        self.rtl = localized.lang in RTL_LANGUAGES
        self.doc = docx.Document(str(template))
        self.style_ids = self._check_styles()
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.footnotes = ooxml.footnotes_part(self.doc)
        ooxml.clear_footnotes(self.footnotes)
        self.number_abstract = ooxml.style_abstract_num(self.doc, "List Number")
        ooxml.set_level_formats(self.doc, self.number_abstract, SUBPARAGRAPHS.get(self.lang, {}))
        self.bullet_abstract = ooxml.style_abstract_num(self.doc, "List Bullet")
        self.footnote_ids: dict[str, int] = {}
        self.bookmarks = 0
        self.line = 0

    def _check_styles(self) -> dict[str, str]:
        ids = {}
        names = {style.name: style for style in self.doc.styles}
        missing = [name for name in REQUIRED_STYLES if name not in names]
        if missing:
            raise NoteError(
                Problem(
                    str(self.template),
                    0,
                    "the DOCX template lacks the style(s) " + ", ".join(f"'{name}'" for name in missing),
                )
            )
        for name in REQUIRED_STYLES:
            ids[name] = names[name].style_id
        return ids

    def error(self, message: str) -> NoteError:
        return NoteError.at(self.note.source, self.line, message)

    # Output -------------------------------------------------------------------

    def render(self) -> bytes:
        self.masthead()
        self.blocks(self.body_sink, self.note.document.blocks)
        self.header_footer()
        self.properties()
        self.apply_language()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        day = created(self.note)
        return ooxml.normalize_zip(buffer.getvalue(), (day.year, day.month, day.day, 0, 0, 0))

    def apply_language(self) -> None:
        """Language, script fonts and direction on every paragraph and run of every part."""
        fonts_ = {
            key: value
            for name, value in fonts.docx_fonts(self.lang).items()
            for key in ((name, "hAnsi") if name == "ascii" else (name,))
        }
        word_lang = WORD_LANGUAGES[self.lang]
        lang = {"val": "en-GB" if self.lang in ("ar", "zh") else word_lang, "eastAsia": "zh-CN", "bidi": "ar-SA"}
        ooxml.set_default_language(self.doc, lang["val"], lang["eastAsia"], lang["bidi"])
        roots = [self.doc.element.body, self.footnotes.element]
        for section in self.doc.sections:
            roots += [part._element for part in _headers_footers(section)]
            if self.rtl:
                ooxml.set_section_bidi(section._sectPr)
        for root in roots:
            for run in root.iter(qn("w:r")):
                ooxml.set_run_language(run, fonts_, lang, self.rtl)
                if self.lang in NO_ITALICS:  # no italics from styles either (Event, Quote)
                    rpr = run.find(qn("w:rPr"))
                    ooxml.put(rpr, "i", ooxml.RPR_ORDER, val="0")
                    ooxml.put(rpr, "iCs", ooxml.RPR_ORDER, val="0")
            if self.rtl:
                for paragraph in root.iter(qn("w:p")):
                    ooxml.set_paragraph_bidi(paragraph)
        if self.rtl:
            for table in self.doc.tables:
                ooxml.set_table_bidi(table._tbl)

    def properties(self) -> None:
        meta = self.note.meta
        props = self.doc.core_properties
        moment = dt.datetime.combine(created(self.note), dt.time(0, 0))
        props.title = meta.title
        props.subject = meta.subtitle
        props.author = author(self.note)
        props.language = WORD_LANGUAGES[self.lang]
        props.created = moment
        props.modified = moment
        props.last_printed = moment
        props.last_modified_by = "conceptnotes"
        props.revision = 1
        props.keywords = ", ".join(meta.keywords)
        props.identifier = meta.symbol
        props.category = "Concept note"
        props.comments = ""
        props.content_status = ""
        props.version = ""

    # Containers -----------------------------------------------------------------

    def body_sink(self, style: str) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        self._set_style(paragraph, style)
        return paragraph

    def _set_style(self, paragraph: Paragraph, style: str) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        pstyle = ppr.find(qn("w:pStyle"))
        if pstyle is None:
            pstyle = OxmlElement("w:pStyle")
            ppr.insert(0, pstyle)
        pstyle.set(qn("w:val"), self.style_ids[style])

    def cell_sink(self, cell) -> Sink:
        used = [False]

        def sink(style: str) -> Paragraph:
            paragraph = cell.paragraphs[0] if not used[0] else cell.add_paragraph()
            used[0] = True
            self._set_style(paragraph, style)
            return paragraph

        return sink

    # Masthead and title ------------------------------------------------------------------

    def masthead(self) -> None:
        meta = self.note.meta
        for organizer in meta.organizers:
            self.body_sink("Masthead Organizer").add_run(organizer)
        details = labels.masthead_details(self.gettext, meta, self.lang)
        self.body_sink("Masthead Details").add_run("\u2003\u2003".join(details))
        if meta.subtitle:
            self.body_sink("Subtitle").add_run(meta.subtitle)
        self.body_sink("Title").add_run(meta.title)
        self.body_sink("Event").add_run(labels.event_line(self.gettext, meta, self.lang))

    def header_footer(self) -> None:
        meta = self.note.meta
        values = {
            "symbol": meta.symbol,
            "title": meta.title,
            "date": format_day(meta.date, self.lang) if meta.date else "",
        }
        for section in self.doc.sections:
            for part in _headers_footers(section):
                for paragraph in part.paragraphs:
                    if "{" in paragraph.text:
                        self._fill_placeholders(paragraph, values)

    def _fill_placeholders(self, paragraph: Paragraph, values: dict[str, str]) -> None:
        """Rebuild a header/footer paragraph whose text holds ``{name}`` placeholders.

        Word may split a placeholder over several runs; the paragraph's text is taken
        whole and written again with the first run's formatting.
        """

        runs = paragraph._p.findall(qn("w:r"))
        rpr = runs[0].find(qn("w:rPr")) if runs else None
        text = paragraph.text
        for run in runs:
            paragraph._p.remove(run)
        for index, piece in enumerate(re.split(r"\{(\w+)\}", text)):
            if index % 2 == 0:
                if piece:
                    self._plain_run(paragraph._p, piece, rpr)
            elif piece == "page_of_pages":
                label = self.gettext(labels.PAGE_OF_PAGES)
                for j, part in enumerate(re.split(r"\{(page|pages)\}", label)):
                    if j % 2:
                        ooxml.add_field(paragraph._p, "PAGE" if part == "page" else "NUMPAGES", "1", rpr)
                    elif part:
                        self._plain_run(paragraph._p, part, rpr)
            elif piece in ("page", "pages"):
                ooxml.add_field(paragraph._p, "PAGE" if piece == "page" else "NUMPAGES", "1", rpr)
            elif piece in values:
                if values[piece]:
                    self._plain_run(paragraph._p, values[piece], rpr)
            else:
                raise NoteError(
                    Problem(
                        str(self.template),
                        0,
                        f"unknown placeholder {{{piece}}} in the"
                        " header or footer of the DOCX template (known: symbol, title,"
                        " date, page, pages, page_of_pages)",
                    )
                )

    @staticmethod
    def _plain_run(parent, text: str, rpr) -> None:
        import copy

        run = OxmlElement("w:r")
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        t = OxmlElement("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        run.append(t)
        parent.append(run)

    # Blocks ------------------------------------------------------------------------------

    def blocks(
        self, sink: Sink, blocks: tuple[m.Block, ...], *, depth: int = 0, quote: bool = False, in_footnote: bool = False
    ) -> None:
        for block in blocks:
            self.block(sink, block, depth=depth, quote=quote, in_footnote=in_footnote)

    def block(self, sink: Sink, b: m.Block, *, depth: int, quote: bool, in_footnote: bool) -> None:
        self.line = getattr(b, "line", 0) or self.line
        if isinstance(b, m.Paragraph):
            if len(b.children) == 1 and isinstance(b.children[0], m.Image) and not in_footnote:
                self.inlines(sink("Figure"), b.children)
            else:
                style = "Quote" if quote else ("List Continue" if depth else "Body Text")
                paragraph = sink(style)
                if depth and not quote:
                    paragraph.paragraph_format.left_indent = Emu(360045 * depth)
                self.inlines(paragraph, b.children)
        elif isinstance(b, m.Heading) and not in_footnote:
            paragraph = sink(f"Heading {b.level}")
            self.inlines(paragraph, b.children)
            self.bookmarks += 1
            ooxml.add_bookmark(paragraph._p, b.anchor, self.bookmarks)
        elif isinstance(b, m.ListBlock):
            self.list_block(sink, b, depth=depth, quote=quote, in_footnote=in_footnote)
        elif isinstance(b, m.Table) and not in_footnote and sink == self.body_sink:
            self.table(b)
        elif isinstance(b, m.Quote):
            self.blocks(sink, b.blocks, depth=depth, quote=True, in_footnote=in_footnote)
        elif isinstance(b, m.DefinitionList):
            for item in b.items:
                for term in item.terms:
                    self.inlines(sink("Definition Term"), term)
                for definition in item.definitions:
                    for block in definition:
                        if isinstance(block, m.Paragraph):
                            self.inlines(sink("Definition"), block.children)
                        else:
                            self.block(sink, block, depth=depth + 1, quote=quote, in_footnote=in_footnote)
        elif isinstance(b, m.CodeBlock):
            paragraph = sink("Source Code")
            for index, line in enumerate(b.text.split("\n")):
                run = paragraph.add_run(line)
                if index:
                    run._r.insert(0, OxmlElement("w:br"))
        elif isinstance(b, m.ThematicBreak):
            paragraph = sink("Body Text")
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
                )
            )
        else:
            where = " in a footnote" if in_footnote else " here"
            raise self.error(f"the DOCX renderer does not support {b.kind}{where}")

    def list_block(self, sink: Sink, b: m.ListBlock, *, depth: int, quote: bool, in_footnote: bool) -> None:
        abstract = self.number_abstract if b.ordered else self.bullet_abstract
        num_id = ooxml.new_list_num(self.doc, abstract, b.start)
        style = "List Number" if b.ordered else "List Bullet"
        for item in b.items:
            first, *rest = item.blocks or (m.Paragraph(()),)
            if isinstance(first, m.Paragraph):
                paragraph = sink(style)
                ooxml.set_numbering(paragraph, num_id, min(depth, 8))
                self.inlines(paragraph, first.children)
            else:
                rest = [first, *rest]
            self.blocks(sink, tuple(rest), depth=depth + 1, quote=quote, in_footnote=in_footnote)

    def table(self, b: m.Table) -> None:
        rows = b.header + b.body
        table = self.doc.add_table(rows=len(rows), cols=b.columns)
        table.style = self.doc.styles["UN Table"]
        ooxml.set_table_width_pct(table, 100)
        for r, row in enumerate(rows):
            header = r < len(b.header)
            if header:
                ooxml.repeat_header_row(table.rows[r])
            for c, cell in enumerate(row):
                paragraph = self.cell_sink(table.cell(r, c))("Table Heading" if header else "Table Text")
                if cell.align:
                    paragraph.alignment = ALIGN[cell.align]
                self.inlines(paragraph, cell.children)
        self._column_widths(table, b)
        # a paragraph after a table keeps Word from merging two adjacent tables
        self.body_sink("Body Text").paragraph_format.space_after = 0

    def _column_widths(self, table, b: m.Table) -> None:
        """Share the text width among columns by the length of their longest text.

        Word and LibreOffice otherwise give every column the same width, which squeezes a
        column of long text beside a column of dates.
        """
        section = self.doc.sections[-1]
        available = section.page_width - section.left_margin - section.right_margin
        longest = [6] * b.columns
        for row in b.header + b.body:
            for index, cell in enumerate(row):
                longest[index] = max(longest[index], min(len(m.plain_text(cell.children)), 60))
        total = sum(longest)
        for index, column in enumerate(table.columns):
            width = Emu(int(available * longest[index] / total))
            column.width = width
            for cell in column.cells:
                cell.width = width

    # Inlines -----------------------------------------------------------------------------

    def inlines(self, paragraph: Paragraph, nodes: tuple[m.Inline, ...], fmt: _Format = _Format(), target=None) -> None:
        target = paragraph._p if target is None else target
        for node in nodes:
            self.inline(paragraph, node, fmt, target)

    def inline(self, paragraph: Paragraph, n: m.Inline, fmt: _Format, target) -> None:
        if isinstance(n, m.Text):
            self.run(paragraph, n.text, fmt, target)
        elif isinstance(n, m.Emphasis):
            self.inlines(paragraph, n.children, _Format(fmt.bold, not fmt.italic, fmt.code), target)
        elif isinstance(n, m.Strong):
            self.inlines(paragraph, n.children, _Format(True, fmt.italic, fmt.code), target)
        elif isinstance(n, m.Code):
            self.run(paragraph, n.text, _Format(fmt.bold, fmt.italic, True), target)
        elif isinstance(n, m.LineBreak):
            run = self.run(paragraph, "", fmt, target)
            run.append(OxmlElement("w:br"))
        elif isinstance(n, m.Link):
            part = paragraph.part
            if n.href.startswith("#"):
                link = ooxml.add_hyperlink(target, part, anchor=n.href[1:])
            else:
                link = ooxml.add_hyperlink(target, part, url=n.href)
            for child in n.children:
                self.inline(paragraph, child, fmt, link)
            for run in link.findall(qn("w:r")):
                rpr = run.find(qn("w:rPr"))
                if rpr is None:
                    rpr = OxmlElement("w:rPr")
                    run.insert(0, rpr)
                if rpr.find(qn("w:rStyle")) is None:
                    style = OxmlElement("w:rStyle")
                    style.set(qn("w:val"), self.style_ids["Hyperlink"])
                    rpr.insert(0, style)
        elif isinstance(n, m.FootnoteRef):
            self.footnote_ref(paragraph, n, target)
        elif isinstance(n, m.Untranslated):
            first = len(target.findall(qn("w:r")))
            for child in n.children:
                self.inline(paragraph, child, fmt, target)
            runs = target.findall(qn("w:r"))[first:]
            if runs and paragraph.part is self.doc.part:
                self.comment(runs, paragraph, n.where)
        elif isinstance(n, m.Image):
            if paragraph.part is not self.doc.part:
                raise self.error("the DOCX renderer does not support an image in a footnote")
            run = paragraph.add_run()
            target.append(run._r)
            width = (
                self.doc.sections[0].page_width - self.doc.sections[0].left_margin - self.doc.sections[0].right_margin
            )
            shape = run.add_picture(str(n.path))
            if shape.width > width:
                shape.height = int(shape.height * width / shape.width)
                shape.width = width
            doc_pr = run._r.find(".//" + qn("wp:docPr"))
            if doc_pr is not None:
                doc_pr.set("descr", n.alt)
                doc_pr.set("title", n.title or n.alt)
        else:
            raise self.error(f"the DOCX renderer does not support {n.kind}")

    def run(self, paragraph: Paragraph, text: str, fmt: _Format, target):
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        if fmt.code:
            style = OxmlElement("w:rStyle")
            style.set(qn("w:val"), self.style_ids["Inline Code"])
            rpr.append(style)
        if fmt.bold:
            rpr.append(OxmlElement("w:b"))
            rpr.append(OxmlElement("w:bCs"))
        if fmt.italic and self.lang in NO_ITALICS:
            # Arabic and Chinese have no italics: Arabic emphasis is bold, Chinese another face.
            families = fonts.emphasis_families(self.lang)
            if families:
                ooxml.put(rpr, "rFonts", ooxml.RPR_ORDER, eastAsia=families[0])
            else:
                ooxml.put(rpr, "b", ooxml.RPR_ORDER)
                ooxml.put(rpr, "bCs", ooxml.RPR_ORDER)
        elif fmt.italic:
            rpr.append(OxmlElement("w:i"))
            rpr.append(OxmlElement("w:iCs"))
        if len(rpr):
            run.append(rpr)
        if text:
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            run.append(t)
        target.append(run)
        return run

    def comment(self, runs: list, paragraph: Paragraph, where: str) -> None:
        """A Word comment on source text that stands in for a missing translation."""
        source = self.note.meta.source_language
        text = (
            f"Not translated: the {source} text is shown. Translate it in {where}."
            if where
            else f"Not translated: the {source} text is shown."
        )
        comment = self.doc.add_comment(
            [Run(runs[0], paragraph), Run(runs[-1], paragraph)], text=text, author="conceptnotes", initials="CN"
        )
        # python-docx dates a comment with the clock: the note's date keeps the DOCX reproducible
        comment._comment_elm.date = dt.datetime.combine(created(self.note), dt.time(0, 0), tzinfo=dt.UTC)

    def footnote_ref(self, paragraph: Paragraph, n: m.FootnoteRef, target) -> None:
        if n.key in self.footnote_ids:  # Word calls a footnote once; a second call shows its number
            run = self.run(paragraph, str(n.number), _Format(), target)
            run.insert(0, ooxml.run_style(self.style_ids["footnote reference"]))
            return
        footnote = self.note.document.footnote(n.key)
        footnote_id, first = ooxml.add_footnote(
            self.footnotes, self.style_ids["footnote text"], self.style_ids["footnote reference"]
        )
        self.footnote_ids[n.key] = footnote_id
        ref_run = ooxml.footnote_reference(target, footnote_id, self.style_ids["footnote reference"])
        untranslated = [
            node
            for block in footnote.blocks
            for inlines in block_inlines(block)
            for node in walk_inlines(inlines)
            if isinstance(node, m.Untranslated)
        ]
        if untranslated and paragraph.part is self.doc.part:
            self.comment([ref_run], paragraph, untranslated[0].where)
        holder = _PartHolder(self.footnotes)
        container = first.getparent()
        used = [False]

        def sink(style: str) -> Paragraph:
            if not used[0]:
                used[0] = True
                return Paragraph(first, holder)
            element = ooxml.new_paragraph(self.style_ids["footnote text"])
            container.append(element)
            return Paragraph(element, holder)

        line = self.line
        self.blocks(sink, footnote.blocks, in_footnote=True)
        self.line = line


def _headers_footers(section) -> list:
    """The headers and footers a section defines (not those it takes from the one before)."""
    parts = (
        section.header,
        section.first_page_header,
        section.even_page_header,
        section.footer,
        section.first_page_footer,
        section.even_page_footer,
    )
    return [part for part in parts if not part.is_linked_to_previous]



def render_docx(source: m.Note | Localized, lang: str | None = None, template_dir: Path = TEMPLATE_DIR) -> m.Rendered:
    """The note in ``lang`` as a DOCX, styled by the template's Word styles."""
    localized = as_localized(source, lang)
    return m.Rendered(DocxRenderer(localized, template_dir / DOCX_TEMPLATE).render())
