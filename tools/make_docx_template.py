"""Make the first version of templates/concept-note/reference.docx.

The DOCX template is meant to be restyled in Word by editors (fonts, margins,
letterhead, header and footer); this script only made its first version, from
python-docx's default template, and is kept so that the starting point is on record.
Running it again overwrites any changes made in Word.

    .venv/bin/python tools/make_docx_template.py [--force]
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from conceptnotes.render.docx import ooxml  # noqa: E402

TARGET = ROOT / "templates" / "concept-note" / "reference.docx"
FONT = "Times New Roman"
W = nsdecls("w")


def rfonts(font: str = FONT) -> str:
    return f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'


def para_style(
    style_id: str,
    name: str,
    ppr: str = "",
    rpr: str = "",
    based_on: str = "Normal",
    next_style: str = "",
    extra: str = "",
) -> str:
    nxt = f'<w:next w:val="{next_style}"/>' if next_style else ""
    custom = ' w:customStyle="1"' if extra == "custom" else ""
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style {W} w:type="paragraph" w:styleId="{style_id}"{custom}>'
        f'<w:name w:val="{name}"/>{base}{nxt}<w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def char_style(style_id: str, name: str, rpr: str) -> str:
    return (
        f'<w:style {W} w:type="character" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f"<w:rPr>{rpr}</w:rPr></w:style>"
    )


def size(points: float) -> str:
    half = int(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    line_attr = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"{line_attr}/>'


def numbering_xml() -> tuple[str, str]:
    """Abstract numbering for numbered lists (1., (a), (i)) and bullets (•, –, ◦)."""
    number_formats = [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")] * 3
    bullets = ["\u2022", "\u2013", "\u25e6"] * 3

    def level(i: int, fmt: str, text: str, font: str = "") -> str:
        left = 567 * (i + 1)
        rpr = f"<w:rPr>{rfonts(font)}</w:rPr>" if font else ""
        return (
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="567"/></w:pPr>{rpr}</w:lvl>'
        )

    numbers = "".join(level(i, fmt, text) for i, (fmt, text) in enumerate(number_formats))
    bullet_levels = "".join(level(i, "bullet", b, FONT) for i, b in enumerate(bullets))
    return (
        f'<w:abstractNum {W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        f'<w:name w:val="UN Numbered List"/>{numbers}</w:abstractNum>',
        f'<w:abstractNum {W} w:abstractNumId="91"><w:multiLevelType w:val="multilevel"/>'
        f'<w:name w:val="UN Bulleted List"/>{bullet_levels}</w:abstractNum>',
    )


def build() -> docx.Document:
    document = docx.Document()
    styles = document.styles.element

    # Document defaults: Times New Roman 11 pt, English (United Kingdom)
    rpr_default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for child in list(rpr_default):
        rpr_default.remove(child)
    for xml in (rfonts(), size(11)):
        for element in parse_xml(f"<w:rPr {W}>{xml}</w:rPr>"):
            rpr_default.append(element)
    ooxml.set_default_language(document, "en-GB")

    # Numbering: our two abstract definitions and one w:num each for the list styles.
    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        numbering.remove(num)
    for abstract in numbering.findall(qn("w:abstractNum")):
        numbering.remove(abstract)
    for xml in numbering_xml():
        numbering.append(parse_xml(xml))
    numbering.append(parse_xml(f'<w:num {W} w:numId="1"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="2"><w:abstractNumId w:val="91"/></w:num>'))

    body = f'<w:jc w:val="both"/>{spacing(0, 8, 264)}'
    new_styles = [
        para_style("Normal", "Normal", spacing(0, 0, 252), rfonts() + size(11), based_on=""),
        para_style("BodyText", "Body Text", body, next_style="BodyText"),
        para_style(
            "Title", "Title", f"{spacing(0, 8, 240)}<w:keepNext/>", "<w:b/><w:bCs/>" + size(17), next_style="Event"
        ),
        para_style(
            "Subtitle",
            "Subtitle",
            f"{spacing(0, 6)}<w:keepNext/>",
            '<w:b/><w:bCs/><w:caps/><w:spacing w:val="10"/>' + size(10),
            next_style="Title",
        ),
        para_style("Event", "Event", spacing(0, 20), "<w:i/><w:iCs/>", next_style="BodyText", extra="custom"),
        para_style(
            "Heading1",
            "heading 1",
            f'<w:keepNext/><w:keepLines/>{spacing(16, 6)}<w:outlineLvl w:val="0"/>',
            "<w:b/><w:bCs/>" + size(12.5),
            next_style="BodyText",
        ),
        para_style(
            "Heading2",
            "heading 2",
            f'<w:keepNext/><w:keepLines/>{spacing(12, 4)}<w:outlineLvl w:val="1"/>',
            "<w:b/><w:bCs/>" + size(11),
            next_style="BodyText",
        ),
        para_style(
            "Heading3",
            "heading 3",
            f'<w:keepNext/><w:keepLines/>{spacing(10, 4)}<w:outlineLvl w:val="2"/>',
            "<w:b/><w:bCs/><w:i/><w:iCs/>" + size(11),
            next_style="BodyText",
        ),
        para_style("ListNumber", "List Number", f'<w:numPr><w:numId w:val="1"/></w:numPr>{body}'),
        para_style("ListBullet", "List Bullet", f'<w:numPr><w:numId w:val="2"/></w:numPr>{body}'),
        para_style("ListContinue", "List Continue", f'<w:ind w:left="567"/>{body}'),
        para_style("Quote", "Quote", f'<w:ind w:left="567" w:right="567"/>{body}', "<w:i/><w:iCs/>"),
        para_style(
            "FootnoteText", "footnote text", f'{spacing(0, 2, 240)}<w:ind w:left="284" w:hanging="284"/>', size(9)
        ),
        para_style("TableText", "Table Text", spacing(2, 2, 240), size(10), extra="custom"),
        para_style(
            "TableHeading",
            "Table Heading",
            f"<w:keepNext/>{spacing(2, 2, 240)}",
            "<w:b/><w:bCs/>" + size(10),
            based_on="TableText",
            extra="custom",
        ),
        para_style(
            "DefinitionTerm", "Definition Term", f"<w:keepNext/>{spacing(0, 2)}", "<w:b/><w:bCs/>", extra="custom"
        ),
        para_style("Definition", "Definition", f'<w:ind w:left="567"/>{body}', extra="custom"),
        para_style("SourceCode", "Source Code", f'<w:ind w:left="567"/>{spacing(0, 8, 240)}', size(10), extra="custom"),
        para_style("Figure", "Figure", f'<w:jc w:val="center"/><w:keepNext/>{spacing(4, 8)}', extra="custom"),
        # "Figure I" / "Table 1", then the title in bold (the renderer's run), as UN documents
        para_style("Caption", "caption", f"<w:keepNext/>{spacing(6, 4)}", size(10)),
        para_style(
            "MastheadOrganizer", "Masthead Organizer", spacing(0, 0), "<w:b/><w:bCs/>" + size(10.5), extra="custom"
        ),
        para_style(
            "MastheadDetails",
            "Masthead Details",
            '<w:pBdr><w:top w:val="single" w:sz="18" w:space="4" w:color="000000"/></w:pBdr>'
            f'<w:jc w:val="right"/>{spacing(4, 24)}',
            size(9.5),
            extra="custom",
        ),
        para_style("Header", "header", '<w:jc w:val="right"/>', size(9)),
        para_style("Footer", "footer", '<w:jc w:val="center"/>', size(9)),
        char_style("FootnoteReference", "footnote reference", '<w:vertAlign w:val="superscript"/>'),
        char_style("Hyperlink", "Hyperlink", '<w:color w:val="1F3F8F"/><w:u w:val="single"/>'),
        char_style("InlineCode", "Inline Code", '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'),
        (
            f'<w:style {W} w:type="table" w:styleId="UNTable" w:customStyle="1"><w:name w:val="UN Table"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
            '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tblBorders>'
            '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:tcBorders>'
            '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/></w:tcBorders></w:tcPr>'
            "</w:tblStylePr></w:style>"
        ),
    ]
    for xml in new_styles:
        element = parse_xml(xml)
        style_id = element.get(qn("w:styleId"))
        for old in styles.findall(qn("w:style")):
            if old.get(qn("w:styleId")) == style_id:
                styles.remove(old)
        styles.append(element)

    # Page: A4, UN margins; header from page 2 (symbol), footer on every page.
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)
    section.left_margin, section.right_margin = Cm(2.4), Cm(2.4)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.2)
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "{symbol}"
    section.header.paragraphs[0].style = document.styles["Header"]
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        footer.paragraphs[0].text = "{page_of_pages}"
        footer.paragraphs[0].style = document.styles["Footer"]
    ooxml.footnotes_part(document)

    # An empty body: the renderer writes the document into it.
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # python-docx's own preview picture
            del package.rels[rel_id]
    props = document.core_properties
    props.title, props.author, props.comments = "Concept note template", "conceptnotes", ""
    props.last_modified_by, props.revision = "conceptnotes", 1
    return document


def main(argv: list[str]) -> int:
    if TARGET.exists() and "--force" not in argv:
        print(f"{TARGET} exists; it may carry edits made in Word. Use --force to overwrite.", file=sys.stderr)
        return 1
    document = build()
    document.save(str(TARGET))
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
