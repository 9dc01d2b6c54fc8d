"""The LibreOffice Writer note: a flat ODT converted to DOCX by ``soffice`` (see make_notes.py)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

# A 1x1 blue PNG: the logo in the page header
LOGO = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgaGAAAAEEAIEHmpKjAAAAAElFTkSuQmCC"

WRITER = {
    "front": {
        "organizers": ["Economic and Social Commission for Asia and the Pacific"],
        "subtitle": "Concept note",
        "title": "Expert Group Meeting on Disaster-related Statistics",
        "start": "2023-09-05", "end": "2023-09-06", "city": "Bangkok", "country": "TH",
    },
    "headings": [[1, "Introduction"], [1, "Objectives"], [2, "Expected results"], [1, "Organization"],
                 [2, "Programme"], [3, "Sessions"]],
    "paragraphs": [
        "The Sendai Framework for Disaster Risk Reduction 2015–2030 was adopted at the Third United Nations"
        " World Conference on Disaster Risk Reduction, held in Sendai, Japan, in March 2015.",
        "The Commission adopted a resolution on disaster-related statistics at its seventy-fourth session.",
        "The Expert Group Meeting will review the draft guidelines and agree on their next revision.",
        "The Meeting aims:",
        "The Meeting will be held in English at the United Nations Conference Centre.",
        "Its sessions are listed below.",
    ],
    "lists": [
        [1, "to review the draft guidelines on disaster-related statistics;"],
        [1, "to share national practices:"],
        [2, "on the measurement of losses;"], [2, "on the use of administrative data;"],
        [1, "to agree on a plan of work."],
        [1, "A revised draft of the guidelines."], [1, "A plan of work for 2024."],
    ],
    "cells": ["Session", "Topic", "1", "Frameworks and definitions", "2", "Data sources and methods"],
    "footnotes": ["General Assembly resolution 69/283 of 3 June 2015.",
                  "The Asia-Pacific Disaster Report is published by the Commission."],
    "captions": ["Sessions of the Meeting"],
}

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
      ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
      ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
      ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
      ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
      ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
      ' xmlns:xlink="http://www.w3.org/1999/xlink"'
      ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')

STYLES = """<office:styles>
<style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
 style:parent-style-name="Standard"/>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
 <style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="20pt"
 fo:font-weight="bold"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard">
 <style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="14pt"/></style:style>
{headings}
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard">
 <style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"/></style:style>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
 <style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Table" style:family="paragraph" style:parent-style-name="Caption" style:class="extra"/>
<style:style style:name="Contents_20_Heading" style:display-name="Contents Heading" style:family="paragraph"
 style:parent-style-name="Standard" style:class="index"/>
<style:style style:name="Contents_20_1" style:display-name="Contents 1" style:family="paragraph"
 style:parent-style-name="Standard" style:class="index"/>
<style:style style:name="Contents_20_2" style:display-name="Contents 2" style:family="paragraph"
 style:parent-style-name="Standard" style:class="index"/>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard"/>
<text:list-style style:name="Bullets">
 <text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties
  text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment
  text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.27cm"/></style:list-level-properties>
 </text:list-level-style-bullet>
 <text:list-level-style-bullet text:level="2" text:bullet-char="◦"><style:list-level-properties
  text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment
  text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.905cm"/></style:list-level-properties>
 </text:list-level-style-bullet>
</text:list-style>
<text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">
 <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"><style:list-level-properties
  text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment
  text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.27cm"/></style:list-level-properties>
 </text:list-level-style-number>
</text:list-style>
</office:styles>"""

HEADING = """<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph"
 style:parent-style-name="Standard" style:default-outline-level="{n}"><style:text-properties fo:font-size="{size}pt"
 fo:font-weight="bold"/></style:style>"""

AUTOMATIC = """<office:automatic-styles>
<style:style style:name="Centred" style:family="paragraph" style:parent-style-name="Standard">
 <style:paragraph-properties fo:text-align="center"/></style:style>
<style:style style:name="Break" style:family="paragraph" style:parent-style-name="Text_20_body">
 <style:paragraph-properties fo:break-before="page"/></style:style>
<style:page-layout style:name="Page"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
 fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
 <style:header-style/></style:page-layout>
</office:automatic-styles>"""

MASTER = """<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="Page">
<style:header><text:p text:style-name="Header"><draw:frame draw:name="Logo" text:anchor-type="as-char"
 svg:width="1.5cm" svg:height="1.5cm"><draw:image><office:binary-data>{logo}</office:binary-data></draw:image>
<svg:desc>Logo of the Commission</svg:desc></draw:frame></text:p></style:header>
</style:master-page></office:master-styles>"""


def _p(text: str, style: str = "Text_20_body", note: str = "", number: int = 0) -> str:
    call = (f'<text:note text:id="ftn{number}" text:note-class="footnote"><text:note-citation>{number}'
            f'</text:note-citation><text:note-body><text:p text:style-name="Standard">{escape(note)}</text:p>'
            f'</text:note-body></text:note>') if note else ""
    return f'<text:p text:style-name="{style}">{escape(text)}{call}</text:p>'


def _h(level: int, text: str) -> str:
    return f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">{escape(text)}</text:h>'


def _list(items: list[list], style: str) -> str:
    out, level = [f'<text:list text:style-name="{style}">'], 1
    for depth, text in items:
        if depth > level:
            out[-1] = out[-1].removesuffix("</text:list-item>")
            out.append("<text:list>")
        elif depth < level:
            out.append("</text:list></text:list-item>")
        level = depth
        out.append(f'<text:list-item>{_p(text, "Standard")}</text:list-item>')
    out.append("</text:list>" + ("</text:list-item></text:list>" if level > 1 else ""))
    return "".join(out)


def _toc() -> str:
    entries = [(1, "Introduction", 1), (1, "Objectives", 1), (2, "Expected results", 1), (1, "Organization", 2),
               (2, "Programme", 2), (3, "Sessions", 2)]
    lines = "".join(f'<text:p text:style-name="Contents_20_{min(level, 2)}">{escape(text)}<text:tab/>{page}</text:p>'
                    for level, text, page in entries)
    return ('<text:table-of-content text:name="Table of Contents1"><text:table-of-content-source'
            ' text:outline-level="3"><text:index-title-template text:style-name="Contents_20_Heading">Contents'
            '</text:index-title-template></text:table-of-content-source><text:index-body><text:index-title'
            ' text:name="Table of Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents</text:p>'
            f'</text:index-title>{lines}</text:index-body></text:table-of-content>')


def _table() -> str:
    cells = WRITER["cells"]
    rows = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string">{_p(cell, "Standard")}</table:table-cell>'
        for cell in cells[i:i + 2]) + "</table:table-row>" for i in range(0, len(cells), 2))
    caption = ('<text:p text:style-name="Table">Table <text:sequence text:ref-name="refTable0" text:name="Table"'
               ' text:formula="ooow:Table+1" style:num-format="1">1</text:sequence>: '
               f'{escape(WRITER["captions"][0])}</text:p>')
    return (caption + '<table:table table:name="Sessions"><table:table-column table:number-columns-repeated="2"/>'
            f'{rows}</table:table>')


def body() -> str:
    front, text, items = WRITER["front"], iter(WRITER["paragraphs"]), WRITER["lists"]
    notes = iter(WRITER["footnotes"])
    parts = [_p(front["organizers"][0], "Centred"), _p(front["subtitle"], "Subtitle"), _p(front["title"], "Title"),
             _p("Bangkok, Thailand, 5 and 6 September 2023", "Centred"), _toc(),
             _h(1, "Introduction"), _p(next(text), note=next(notes), number=1), _p(next(text)),
             _h(1, "Objectives"), _p(next(text), "Quotations"), _p(next(text)), _list(items[:5], "Bullets"),
             _h(2, "Expected results"), _list(items[5:], "Numbering_20_123"),
             _h(1, "Organization"), _p(next(text), "Break", note=next(notes), number=2),
             _h(2, "Programme"), _p(next(text)), _h(3, "Sessions"), _table()]
    return "".join(parts)


def make_writer(out: Path) -> None:
    headings = "".join(HEADING.format(n=n, size=size) for n, size in ((1, 14), (2, 12), (3, 11)))
    fodt = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.3"'
            f' office:mimetype="application/vnd.oasis.opendocument.text">{STYLES.format(headings=headings)}'
            f'{AUTOMATIC}{MASTER.format(logo=LOGO)}<office:body><office:text>{body()}</office:text></office:body>'
            '</office:document>')
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "writer.fodt"
        source.write_text(fodt, encoding="utf-8")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", folder, str(source)],
                       check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": folder})
        shutil.copyfile(Path(folder) / "writer.docx", out)
    assert base64.b64decode(LOGO)
