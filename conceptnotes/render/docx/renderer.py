"""Render a localized note to DOCX with python-docx, into the Word template of the concept note.

The look is the template's (``templates/concept-note/reference.docx``): every paragraph
gets one of its named styles, and its header and footer are kept, with placeholders
filled in (:mod:`.page`).  :class:`DocxVisitor` writes the body, one ``visit_<kind>``
per kind of node; footnotes, list numbering, fields and hyperlinks are written with
:mod:`.ooxml`.  The template and the document were validated before this runs
(``build.validate``): nothing here reports a problem of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from conceptnotes import fonts, languages
from conceptnotes import model as m
from conceptnotes.model import Localized
from conceptnotes.model.visitor import Visitor, map_inlines, walk
from conceptnotes.project import BUILTIN_TEMPLATES
from conceptnotes.read.files import read_input
from conceptnotes.render import formats
from conceptnotes.render.common import created
from conceptnotes.render.docx import ooxml, page, review_marks, widths
from conceptnotes.render.docx.ooxml import attribute, element, w
from conceptnotes.render.docx.template import DOCX_TEMPLATE, REQUIRED_STYLES, read_template

ALIGN_XML = {"left": "left", "center": "center", "right": "right"}  # w:jc of a cell's paragraph
W_P, W_PPR, W_PSTYLE, W_R, W_RPR, W_T, W_VAL = (w(n) for n in ("p", "pPr", "pStyle", "r", "rPr", "t", "val"))
W_TR, W_TC = w("tr"), w("tc")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
WORD_JOINER = "\u2060"
LIST_INDENT = Emu(360045)  # 1 cm: a list item's further paragraphs, per level

Sink = Callable[[str], Paragraph]


@dataclass(frozen=True)
class Where:
    """Where blocks are written: a paragraph factory, list depth, inside a quotation."""

    sink: Sink
    depth: int = 0
    quote: bool = False


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    superscript: bool = False


class _PartHolder:
    """Parent of a paragraph that lives in another part (footnotes): runs ask it for ``part``."""

    def __init__(self, part) -> None:
        self.part = part


class InlineWriter(Visitor):
    """Runs of a paragraph: text with its formatting, links, comments, footnotes.

    The document, styles, language and footnotes part are :class:`DocxVisitor`'s.
    """

    doc: Any
    note: m.Note
    localized: Localized
    language: languages.Language
    style_ids: dict[str, str]
    footnotes: Any
    footnote_ids: dict[str, int]
    fallbacks: dict
    next_footnote_id: int
    link_targets: ooxml.LinkTargets
    comments: ooxml.Comments
    bookmarks: int
    marker: review_marks.Marker

    # Inlines --------------------------------------------------------------------------

    def inlines(self, paragraph: Paragraph, nodes: tuple[m.Inline, ...], fmt: Format = Format(), target=None) -> None:
        target = paragraph._p if target is None else target
        mark = self.marker.take(nodes)  # a run of the note's text, bookmarked for a review
        first = len(target)
        for node in nodes:
            self.visit(node, paragraph, fmt, target)
        if mark is not None:
            self.bookmarks += 1
            part = "document" if paragraph.part is self.doc.part else "footnotes"
            self.marker.place(mark, target, first, self.bookmarks, part)

    def visit_text(self, n: m.Text, paragraph: Paragraph, fmt: Format, target) -> None:
        self.run(n.text, fmt, target)

    def visit_emphasis(self, n: m.Emphasis, paragraph: Paragraph, fmt: Format, target) -> None:
        self.inlines(paragraph, n.children, replace(fmt, italic=not fmt.italic), target)

    def visit_strong(self, n: m.Strong, paragraph: Paragraph, fmt: Format, target) -> None:
        self.inlines(paragraph, n.children, replace(fmt, bold=True), target)

    def visit_code(self, n: m.Code, paragraph: Paragraph, fmt: Format, target) -> None:
        self.run(n.text, replace(fmt, code=True), target)

    def visit_line_break(self, n: m.LineBreak, paragraph: Paragraph, fmt: Format, target) -> None:
        self.run("", fmt, target).append(OxmlElement("w:br"))

    def visit_superscript(self, n: m.Superscript, paragraph: Paragraph, fmt: Format, target) -> None:
        self.run(n.text, replace(fmt, superscript=True), target)

    def visit_link(self, n: m.Link, paragraph: Paragraph, fmt: Format, target) -> None:
        if n.href.startswith("#"):
            link = ooxml.add_hyperlink(target, paragraph.part, anchor=n.href[1:])
        else:
            link = ooxml.add_hyperlink(target, paragraph.part, url=n.href, targets=self.link_targets)
        self.inlines(paragraph, n.children, fmt, link)
        for run in link.findall(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                run.insert(0, rpr)
            if rpr.find(qn("w:rStyle")) is None:
                style = OxmlElement("w:rStyle")
                style.set(qn("w:val"), self.style_ids["Hyperlink"])
                rpr.insert(0, style)

    def visit_untranslated(self, n: m.Untranslated, paragraph: Paragraph, fmt: Format, target) -> None:
        first = len(target.findall(qn("w:r")))
        self.inlines(paragraph, n.children, fmt, target)
        runs = target.findall(qn("w:r"))[first:]
        self.fallbacks[paragraph._p] = n.lang  # in the source's language and direction
        if runs and paragraph.part is self.doc.part:
            self.comment(runs, paragraph, n)

    def visit_image(self, n: m.Image, paragraph: Paragraph, fmt: Format, target) -> None:
        run = paragraph.add_run()
        target.append(run._r)
        section = self.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        shape = run.add_picture(io.BytesIO(read_input(n.path, self.note.folder)))
        if shape.width > width:
            shape.height = int(shape.height * width / shape.width)
            shape.width = width
        doc_pr = run._r.find(".//" + qn("wp:docPr"))
        if doc_pr is not None:
            doc_pr.set("descr", n.alt)
            doc_pr.set("title", n.title or n.alt)

    def run(self, text: str, fmt: Format, target):
        run = etree.SubElement(target, W_R)
        if fmt.code or fmt.bold or fmt.italic or fmt.superscript:
            self.run_properties(etree.SubElement(run, W_RPR), fmt)
        if text:
            etree.SubElement(run, W_T, {XML_SPACE: "preserve"}).text = text
        return run

    def run_properties(self, rpr, fmt: Format) -> None:
        if fmt.code:
            etree.SubElement(rpr, w("rStyle")).set(W_VAL, self.style_ids["Inline Code"])
        if fmt.bold:
            etree.SubElement(rpr, w("b"))
            etree.SubElement(rpr, w("bCs"))
        if fmt.italic and not self.language.italics:
            # Arabic and Chinese have no italics: Arabic emphasis is bold, Chinese another face.
            families = fonts.emphasis_families(self.localized.lang)
            if families:
                ooxml.put(rpr, "rFonts", ooxml.RPR_ORDER, eastAsia=families[0])
            else:
                ooxml.put(rpr, "b", ooxml.RPR_ORDER)
                ooxml.put(rpr, "bCs", ooxml.RPR_ORDER)
        elif fmt.italic:
            etree.SubElement(rpr, w("i"))
            etree.SubElement(rpr, w("iCs"))
        if fmt.superscript:  # Word's superscript, as the masthead's date (page.add_shown)
            ooxml.put(rpr, "vertAlign", ooxml.RPR_ORDER, val="superscript")

    def front_text(self, paragraph: Paragraph, field: str, text: str) -> None:
        """A front-matter text of the masthead or title block: a run; where the source text is
        shown untranslated (:attr:`Shown.front`), its pieces: that text commented as in the
        body, the rest (the event line's own words) written as ``text`` is."""
        nodes = self.localized.shown.front.get(field, (m.Text(text),))
        mark, first = self.marker.take_front(field), len(paragraph._p)  # bookmarked for a review
        venue = self.marker.take_front("event.venue") if field == "event" and self.localized.shown.venue else None
        ends = []  # the venue's, inside the event line: its own bookmark
        for piece in review_marks.around(nodes, self.localized.shown.venue) if venue else (nodes,):
            for node in piece:
                if isinstance(node, m.Text):
                    page.add_shown(paragraph, node.text)  # the dates' superscripts as Word's
                else:
                    self.visit(node, paragraph, Format(), paragraph._p)
            ends.append(len(paragraph._p))
        if not (len(nodes) == 1 and isinstance(nodes[0], m.Untranslated)):
            self.fallbacks.pop(paragraph._p, None)  # partly in the source: the paragraph stays the document's
        for placed, start, end in [(mark, first, None)] + ([(venue, ends[0], ends[1])] if venue else []):
            if placed is not None:
                self.bookmarks += 1
                self.marker.place(placed, paragraph._p, start, self.bookmarks, "front", end)

    def comment(self, runs: list, paragraph: Paragraph, n: m.Untranslated) -> None:
        """A Word comment on source text that stands in for a missing or fuzzy translation."""
        text = self.localized.shown.fallback_mark(n)
        # dated by the note, not the clock: the DOCX is reproducible
        date = dt.datetime.combine(created(self.note), dt.time(0, 0), tzinfo=dt.UTC)
        self.comments.add(Run(runs[0], paragraph), Run(runs[-1], paragraph), text, "conceptnotes", "CN", date)

    # Footnotes ------------------------------------------------------------------------

    def visit_footnote_ref(self, n: m.FootnoteRef, paragraph: Paragraph, fmt: Format, target) -> None:
        # a word joiner (U+2060) joins the call to the character before it: it never starts a line
        self.run(WORD_JOINER, Format(), target)
        if n.key in self.footnote_ids:  # Word calls a footnote once; a second call shows its number
            run = self.run(str(n.number), Format(), target)
            run.insert(0, ooxml.run_style(self.style_ids["footnote reference"]))
            return
        footnote = self.note.document.footnote(n.key)
        footnote_id, first = ooxml.add_footnote(
            self.footnotes, self.style_ids["footnote text"], self.style_ids["footnote reference"],
            self.next_footnote_id + len(self.footnote_ids),
        )
        self.footnote_ids[n.key] = footnote_id
        ref_run = ooxml.footnote_reference(target, footnote_id, self.style_ids["footnote reference"])
        untranslated = [node for node in walk(footnote) if isinstance(node, m.Untranslated)]
        if untranslated and paragraph.part is self.doc.part:
            self.comment([ref_run], paragraph, untranslated[0])
        self.visit(footnote, Where(self.footnote_sink(first)))

    def visit_footnote(self, footnote: m.Footnote, where: Where) -> None:
        self.blocks(footnote.blocks, where)

    def footnote_sink(self, first) -> Sink:
        """Paragraphs of a footnote: its first (which holds the mark), then new ones."""
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

        return sink


@dataclass(frozen=True)
class TemplateFacts:
    """What the renderer looks up in a template, the same for every document made from it:
    found once per template (python-docx finds a style by name, the last section or a
    table style's id by looking through every style or the whole document each time)."""

    style_ids: Mapping[str, str]  # of REQUIRED_STYLES, by name
    table_style_id: str | None  # "UN Table"; None when it is the default table style
    number_abstract: int | None  # the abstract numberings of "List Number" and "List Bullet"
    bullet_abstract: int | None
    text_width: int  # between the margins of the last section, in EMU
    table_text_size: int  # the font size of "Table Text", in EMU

    @classmethod
    def of(cls, data: bytes) -> TemplateFacts:
        """The facts of the template ``data``: found once, in a document opened on it, and kept
        by its bytes (an edited template is another); a few templates kept, never many."""
        return _template_facts(data)


@functools.lru_cache(maxsize=8)
def _template_facts(data: bytes) -> TemplateFacts:
    doc = ooxml.open_document(io.BytesIO(data))
    names = {style.name: style for style in doc.styles}
    section = doc.sections[-1]
    return TemplateFacts(
        style_ids=MappingProxyType({name: names[name].style_id for name in REQUIRED_STYLES}),
        table_style_id=doc.part.get_style_id(names["UN Table"], WD_STYLE_TYPE.TABLE),
        number_abstract=ooxml.style_abstract_num(doc, "List Number"),
        bullet_abstract=ooxml.style_abstract_num(doc, "List Bullet"),
        text_width=section.page_width - section.left_margin - section.right_margin,
        table_text_size=names["Table Text"].font.size or Pt(11),
    )


class DocxVisitor(InlineWriter):
    """Writes the document's blocks into the body of a Word document opened on the template."""

    def __init__(self, localized: Localized, template: Path) -> None:
        self.localized = localized
        self.note = localized.note
        self.language = languages.get(localized.lang)
        data = read_template(template)
        self.doc = ooxml.open_document(io.BytesIO(data))
        facts = TemplateFacts.of(data)
        self.style_ids = facts.style_ids
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.footnotes = ooxml.footnotes_part(self.doc)
        ooxml.clear_footnotes(self.footnotes)
        self.number_abstract, self.bullet_abstract = facts.number_abstract, facts.bullet_abstract
        for ordered, abstract in ((True, self.number_abstract), (False, self.bullet_abstract)):
            code = self.language.code  # the PDF's labels: one rule, languages.list_label
            ooxml.set_level_formats(self.doc, abstract, {level: languages.list_label(code, ordered, level)
                                                         for level in range(languages.LIST_LEVELS)})
        self.footnote_ids: dict[str, int] = {}
        self.fallbacks: dict = {}  # paragraph (w:p) showing source text -> source language
        self.next_footnote_id = ooxml.next_footnote_id(self.footnotes)  # and counted from here
        self.next_num_id = ooxml.next_num_id(self.doc)
        self.link_targets = ooxml.LinkTargets()
        # comments numbered after the footnotes (ids from next_footnote_id, one per footnote)
        self.comments = ooxml.Comments(self.doc, self.next_footnote_id + len(self.note.document.footnotes))
        self.body_end = body.find(qn("w:sectPr"))  # paragraphs go before it
        self.body = self.doc._body
        self.sections = list(self.doc.sections)  # found now, in the emptied body: the template's
        self.text_width, self.table_style_id = facts.text_width, facts.table_style_id
        self.table_text_size = facts.table_text_size
        self.bookmarks = 0
        self.marker = review_marks.Marker(localized, _runs(self.note.document))
        self.paragraph_num_id = self.paragraph_numbering() if self.note.meta.numbered_paragraphs else None

    def paragraph_numbering(self) -> int:
        """The list the body's paragraphs are numbered in: Word's own numbering, which Word
        renumbers when an editor adds or removes a paragraph (literal numbers would not)."""
        abstract = ooxml.next_abstract_num_id(self.doc)
        ooxml.add_paragraph_numbering(self.doc, abstract, self.language.paragraph_number)
        num_id = ooxml.new_list_num(self.doc, abstract, 1, self.next_num_id)
        self.next_num_id += 1
        return num_id

    def render(self) -> bytes:
        page.masthead(self.body_sink, self.localized, self.front_text)
        self.blocks(self.note.document.blocks, Where(self.body_sink))
        page.fill_headers_footers(self.doc, self.localized, self.sections)
        page.set_properties(self.doc, self.localized)
        page.apply_language(self.doc, self.footnotes, self.localized.lang, self.fallbacks, self.sections)
        review_marks.add_record(self.doc, self.marker.record(self.localized), f"{self.note.id}/{self.localized.lang}")
        day = created(self.note)
        return ooxml.save_document(self.doc, (day.year, day.month, day.day, 0, 0, 0))

    # Paragraph factories ------------------------------------------------------------

    def body_sink(self, style: str) -> Paragraph:
        # before the section properties, found once: python-docx's add_paragraph looks for
        # them through the whole body every time (quadratic in the number of paragraphs)
        p = ooxml.new_paragraph(self.style_ids[style])
        if self.body_end is not None:
            self.body_end.addprevious(p)
        else:
            self.doc.element.body.append(p)
        return Paragraph(p, self.body)

    def set_style(self, paragraph: Paragraph, style: str) -> None:
        ppr = ooxml.paragraph_properties(paragraph._p)
        pstyle = ppr.find(W_PSTYLE)
        if pstyle is None:
            pstyle = element(W_PSTYLE)
            ppr.insert(0, pstyle)
        pstyle.set(W_VAL, self.style_ids[style])

    def cell_sink(self, cell) -> Sink:
        used = [False]

        def sink(style: str) -> Paragraph:
            paragraph = cell.paragraphs[0] if not used[0] else cell.add_paragraph()
            used[0] = True
            self.set_style(paragraph, style)
            return paragraph

        return sink

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, blocks: tuple[m.Block, ...], where: Where) -> None:
        for block in blocks:
            self.visit(block, where)

    def visit_paragraph(self, b: m.Paragraph, where: Where) -> None:
        if len(b.children) == 1 and isinstance(b.children[0], m.Image):
            self.inlines(where.sink("Figure"), b.children)
            return
        paragraph = where.sink("Quote" if where.quote else ("List Continue" if where.depth else "Body Text"))
        if where.depth and not where.quote:
            paragraph.paragraph_format.left_indent = Emu(LIST_INDENT * where.depth)
        elif self.paragraph_num_id is not None and where.sink == self.body_sink and not where.quote:
            ooxml.set_numbering(paragraph, self.paragraph_num_id, 0)  # a body paragraph: numbered
        self.inlines(paragraph, b.children)

    def visit_figure(self, b: m.Figure, where: Where) -> None:
        self.caption(where.sink, b)
        self.inlines(where.sink("Figure"), b.children)

    def caption(self, sink: Sink, b: m.Figure | m.Table) -> None:
        """"Figure I" or "Table 1", a line break, the title in bold: kept with what it captions."""
        paragraph = sink("Caption")
        paragraph.paragraph_format.keep_with_next = True
        label = self.localized.shown.caption_label(b)
        self.run(label, Format(), paragraph._p).append(OxmlElement("w:br"))
        self.inlines(paragraph, b.caption, Format(bold=True))

    def visit_heading(self, b: m.Heading, where: Where) -> None:
        paragraph = where.sink(f"Heading {b.level}")
        self.inlines(paragraph, b.children)
        self.bookmarks += 1
        ooxml.add_bookmark(paragraph._p, b.anchor, self.bookmarks)

    def visit_list(self, b: m.ListBlock, where: Where) -> None:
        abstract = self.number_abstract if b.ordered else self.bullet_abstract
        num_id = ooxml.new_list_num(self.doc, abstract, b.start, self.next_num_id)
        self.next_num_id += 1
        style = "List Number" if b.ordered else "List Bullet"
        for item in b.items:
            first, *rest = item.blocks or (m.Paragraph(()),)
            if isinstance(first, m.Paragraph):
                paragraph = where.sink(style)
                ooxml.set_numbering(paragraph, num_id, min(where.depth, 8))
                self.inlines(paragraph, first.children)
            else:
                rest = [first, *rest]
            self.blocks(tuple(rest), replace(where, depth=where.depth + 1))

    def visit_table(self, b: m.Table, where: Where) -> None:
        if b.number:
            self.caption(self.body_sink, b)
        # the table's elements parsed at once, its cells' text then written into their
        # paragraphs: constant work per cell (python-docx's table.cell(r, c) lays the whole
        # grid out again for every cell, and its setters search each element's children)
        tbl = parse_xml(self.table_xml(b))
        if self.body_end is not None:
            self.body_end.addprevious(tbl)
        else:
            self.doc.element.body.append(tbl)
        table = Table(tbl, self.body)
        for tr, row in zip(tbl.iterchildren(W_TR), b.header + b.body, strict=True):
            for tc, cell in zip(tr.iterchildren(W_TC), row, strict=True):
                self.inlines(Paragraph(tc.find(W_P), _Cell(tc, table)), cell.children)
        # a paragraph after a table keeps Word from merging two adjacent tables
        self.body_sink("Body Text").paragraph_format.space_after = 0

    def table_xml(self, b: m.Table) -> str:
        """A ``w:tbl`` of the table's rows and columns, each cell an empty paragraph of its
        style and alignment: the table style, the text's width, the header rows repeated
        on each page (and never split), the column widths by :meth:`column_widths`, kept as
        they are (a fixed layout: Word's automatic one would narrow a column to break a word)."""
        widths = [width.twips for width in self.column_widths(b)]
        style = "" if self.table_style_id is None else f"<w:tblStyle w:val={attribute(self.table_style_id)}/>"
        out = [
            f"<w:tbl {nsdecls('w')}><w:tblPr>{style}"
            '<w:tblW w:type="pct" w:w="5000"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1"'
            ' w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
            "<w:tblGrid>",
            *(f'<w:gridCol w:w="{width}"/>' for width in widths),
            "</w:tblGrid>",
        ]
        for index, row in enumerate(b.header + b.body):
            header = index < len(b.header)
            cell_style = attribute(self.style_ids["Table Heading" if header else "Table Text"])
            out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:tr>")
            for cell, width in zip(row, widths, strict=True):
                align = f'<w:jc w:val="{ALIGN_XML[cell.align]}"/>' if cell.align else ""
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
                    f"<w:p><w:pPr><w:pStyle w:val={cell_style}/>{align}</w:pPr></w:p></w:tc>"
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def column_widths(self, b: m.Table) -> list[Emu]:
        """The text width shared among the columns by their content, as the PDF's table layout
        does, so that no word breaks inside (:func:`widths.column_widths`): Word and LibreOffice
        would otherwise give every column the same width."""
        rows = [[(m.plain_text(cell.children), index < len(b.header)) for cell in row]
                for index, row in enumerate(b.header + b.body)]
        slots = fonts.configured(self.localized.lang, formats.get("docx").fonts)
        return [Emu(width) for width in widths.column_widths(rows, self.text_width, self.table_text_size, slots)]

    def visit_quote(self, b: m.Quote, where: Where) -> None:
        if where.sink == self.body_sink:  # the paragraph introducing a quotation stays with it
            body = self.doc.element.body
            last = self.body_end.getprevious() if self.body_end is not None else (body[-1] if len(body) else None)
            if last is not None and last.tag == qn("w:p"):
                Paragraph(last, self.doc._body).paragraph_format.keep_with_next = True
        self.blocks(b.blocks, replace(where, quote=True))

    def visit_definition_list(self, b: m.DefinitionList, where: Where) -> None:
        for item in b.items:
            for term in item.terms:
                self.inlines(where.sink("Definition Term"), term)
            for definition in item.definitions:
                for block in definition:
                    if isinstance(block, m.Paragraph):
                        self.inlines(where.sink("Definition"), block.children)
                    else:
                        self.visit(block, replace(where, depth=where.depth + 1))

    def visit_code_block(self, b: m.CodeBlock, where: Where) -> None:
        paragraph = where.sink("Source Code")
        for index, line in enumerate(b.text.split("\n")):
            run = paragraph.add_run(line)
            if index:
                run._r.insert(0, OxmlElement("w:br"))

    def visit_thematic_break(self, b: m.ThematicBreak, where: Where) -> None:
        paragraph = where.sink("Body Text")
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>')
        )


def _runs(document: m.Document) -> dict[str, list[tuple]]:
    """The document's runs of inlines by footnote key ("" for the body), in the order of
    ``map_inlines``: that of ``Localized.units``."""

    def runs_of(node) -> list[tuple]:
        found: list[tuple] = []
        map_inlines(node, lambda inlines, line, name: found.append(inlines) or inlines, line=getattr(node, "line", 0))
        return found

    runs = {"": runs_of(m.Document(document.blocks, ()))}
    for footnote in document.footnotes:
        runs[footnote.key] = runs_of(footnote)
    return runs


def render_docx(localized: Localized, template_dir: Path = BUILTIN_TEMPLATES) -> m.Rendered:
    """The localized note as a DOCX, styled by the template's Word styles."""
    return m.Rendered(DocxVisitor(localized, template_dir / DOCX_TEMPLATE).render())


def handled_kinds(template_dir: Path = BUILTIN_TEMPLATES) -> frozenset[str]:
    """The kinds of node the DOCX renderer writes (the same whatever the template)."""
    return frozenset(name.removeprefix("visit_") for name in dir(DocxVisitor)
                     if name.startswith("visit_") and DocxVisitor.handles_kind(name.removeprefix("visit_")))
