"""Three Word concept notes made three ways, with the truth of each (run from the checkout's root:
``.venv/bin/python tests/word-notes/make_notes.py``; the files it writes are kept beside it).

- ``styles.docx``: Word's styles (Title, Subtitle, Heading 1-3, List Bullet/Number and
  their second levels, a table, real footnotes), made with python-docx;
- ``typed.docx``: typed without styles: a centred bold organizer line, a bold 14-point title,
  bold one-line numbered headings ("I.<tab>Background", the tab not bold), a text box with a
  bold title, a programme of bold dates and tab-aligned lines;
- ``writer.docx``: made in LibreOffice Writer (a flat ODT converted by ``soffice``): a table of
  contents, the "Quotations" style, a table caption, a page break, a logo in the page header,
  footnotes.

Each ``<name>.json`` is what the note's first page states (``front``: the organizer lines, the
kind of document, the title, the place and dates) and its body: headings with their levels,
paragraphs, list items with their levels, table cells, captions and footnotes.  The text is
the entities' official names and plain facts; nothing is quoted.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# (a) Word styles --------------------------------------------------------------------------

STYLES = {
    "front": {
        "organizers": ["United Nations Environment Programme"],
        "subtitle": "Concept Note",
        "title": "Regional Consultation on the Sustainable Blue Economy in the Western Indian Ocean",
        "start": "2023-03-14", "end": "2023-03-15", "city": "Nairobi", "country": "KE",
    },
    "headings": [
        [1, "Background"], [1, "Objectives"], [1, "Format"], [2, "Sessions"], [3, "Working groups"],
        [1, "Expected outcomes"],
    ],
    "paragraphs": [
        "The 2030 Agenda for Sustainable Development sets out Sustainable Development Goal 14, to conserve and"
        " sustainably use the oceans, seas and marine resources for sustainable development.",
        "The Consultation will bring together the States of the region, the regional seas programmes and"
        " civil society organizations.",
        "The Consultation aims:",
        "The Consultation will be held over two days, in plenary and in working groups.",
        "Each working group will report to the plenary on the second day.",
        "The Consultation is expected to produce:",
    ],
    "lists": [
        [1, "To review the state of the marine environment of the region;"],
        [1, "To identify priorities for a sustainable blue economy:"],
        [2, "fisheries and aquaculture;"], [2, "coastal tourism;"],
        [1, "To agree on the next steps."],
        [1, "a summary of the discussions;"], [1, "a list of priority actions."],
    ],
    "cells": ["Day", "Session", "14 March 2023", "Opening and plenary", "15 March 2023", "Working groups"],
    "footnotes": [
        "General Assembly resolution 70/1 of 25 September 2015.",
        "The Nairobi Convention, adopted in 1985.",
    ],
    "captions": [],
}


def make_styles(out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    organizer = document.add_paragraph()
    organizer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    organizer.add_run(STYLES["front"]["organizers"][0]).bold = True
    document.add_paragraph(STYLES["front"]["subtitle"], style="Title")
    document.add_paragraph(STYLES["front"]["title"], style="Subtitle")
    document.add_paragraph("Nairobi, Kenya, 14 and 15 March 2023").alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraphs = iter(STYLES["paragraphs"])
    headings = iter(STYLES["headings"])
    lists = iter(STYLES["lists"])

    def heading() -> None:
        level, text = next(headings)
        document.add_paragraph(text, style=f"Heading {level}")

    def items(count: int, style: str) -> None:
        for _ in range(count):
            level, text = next(lists)
            document.add_paragraph(text, style=style + (f" {level}" if level > 1 else ""))

    heading()
    first = document.add_paragraph(next(paragraphs))
    first.add_run("{{FN1}}")
    document.add_paragraph(next(paragraphs))
    heading()
    document.add_paragraph(next(paragraphs))
    items(5, "List Number")
    heading()
    third = document.add_paragraph(next(paragraphs))
    third.add_run("{{FN2}}")
    heading()
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    cells = iter(STYLES["cells"])
    for row in table.rows:
        for cell in row.cells:
            cell.text = next(cells)
    heading()
    document.add_paragraph(next(paragraphs))
    heading()
    document.add_paragraph(next(paragraphs))
    items(2, "List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    out.write_bytes(with_footnotes(buffer.getvalue(), STYLES["footnotes"]))


def with_footnotes(data: bytes, notes: list[str]) -> bytes:
    """The package with a footnotes part: each run ``{{FNn}}`` becomes the call of note n."""
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  '</w:r></w:p></w:footnote>')
    bodies = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
        f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
        f'{escape(text)}</w:t></w:r></w:p></w:footnote>' for n, text in enumerate(notes, start=1))
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
                 f'{separators}{bodies}</w:footnotes>')
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "word/document.xml":
                content = re.sub(rb"<w:r><w:t>\{\{FN(\d+)\}\}</w:t></w:r>",
                                 rb'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                 rb'<w:footnoteReference w:id="\1"/></w:r>', content)
            elif entry.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>'))
            elif entry.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>'))
            target.writestr(entry, content)
        target.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


# (b) typed without styles -----------------------------------------------------------------

TYPED = {
    "front": {
        "organizers": ["United Nations Office on Drugs and Crime"],
        "subtitle": "Concept note",
        "title": "Regional Workshop on Countering Trafficking in Persons along Migration Routes",
        "start": "2023-06-20", "end": "2023-06-22", "city": "Vienna", "country": "AT",
    },
    "headings": [
        [1, "I. Background"], [1, "II. Objectives"], [1, "III. Organization of the workshop"],
        [2, "A. Format"], [3, "1. Working sessions"], [2, "B. Participants"], [1, "Provisional programme"],
    ],
    "paragraphs": [
        "The United Nations Convention against Transnational Organized Crime and its Protocol to Prevent,"
        " Suppress and Punish Trafficking in Persons, Especially Women and Children, are the framework of the"
        " workshop.",
        "The workshop will help practitioners to identify victims of trafficking among migrants and to refer"
        " them to protection.",
        "Key facts",
        "The Protocol entered into force on 25 December 2003.",
        "The workshop will be held in English, over three days.",
        "Each working session will open with a presentation, followed by a discussion of cases.",
        "Participants will be practitioners from law enforcement, prosecution and victim support services.",
        "Tuesday, 20 June 2023",
        "Wednesday, 21 June 2023",
    ],
    "lists": [],
    "cells": ["09:30–10:00", "Opening of the workshop", "10:00–12:30", "Session 1: identifying victims",
              "14:00–17:00", "Session 2: referral and protection", "09:30–12:30", "Session 3: cooperation",
              "14:00–15:00", "Closing of the workshop"],
    "footnotes": [],
    "captions": [],
}

BOX = """<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"
 xmlns:w="{w}"><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300"
 simplePos="0" relativeHeight="2" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="5400000" cy="900000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
<wp:docPr id="1" name="Text Box 1"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData
 uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="900000"/></a:xfrm><a:prstGeom prst="rect">
<a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape
 id="Text Box 1" o:spid="_x0000_s1026" type="#_x0000_t202" style="width:425pt;height:71pt"
 xmlns:o="urn:schemas-microsoft-com:office:office"><v:textbox><w:txbxContent>{content}</w:txbxContent>
</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"""


def make_typed(out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(11)
    front = TYPED["front"]

    def line(text: str, *, bold: bool = False, size: int = 0, centred: bool = False):
        paragraph = document.add_paragraph()
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        return paragraph

    def heading(number: str, text: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run(number).bold = True
        paragraph.add_run("\t")  # the tab typed after the number, not bold
        paragraph.add_run(text).bold = True

    def programme(time: str, what: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(90))
        paragraph.add_run(f"{time}\t{what}")

    line(front["organizers"][0], bold=True, size=12, centred=True)
    line(front["subtitle"], centred=True)
    line(front["title"], bold=True, size=14, centred=True)
    line("Vienna, Austria, 20–22 June 2023", centred=True)
    text = iter(TYPED["paragraphs"])
    heading("I.", "Background")
    line(next(text))
    objectives = next(text)
    box = line("")
    title = '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Key facts</w:t></w:r></w:p>'
    fact = f'<w:p><w:r><w:t>{escape(TYPED["paragraphs"][3])}</w:t></w:r></w:p>'
    box._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}">' + BOX.format(w=W_NS, content=title + fact) + "</w:r>"))
    next(text), next(text)
    heading("II.", "Objectives")
    line(objectives)
    heading("III.", "Organization of the workshop")
    heading("A.", "Format")
    line(next(text))
    heading("1.", "Working sessions")
    line(next(text))
    heading("B.", "Participants")
    line(next(text))
    line("Provisional programme", bold=True, size=13)
    cells = iter(TYPED["cells"])
    line(next(text), bold=True)
    for _ in range(3):
        programme(next(cells), next(cells))
    line(next(text), bold=True)
    for _ in range(2):
        programme(next(cells), next(cells))
    document.save(out)


def main() -> None:
    make_styles(HERE / "styles.docx")
    make_typed(HERE / "typed.docx")
    for name, truth in (("styles", STYLES), ("typed", TYPED)):
        (HERE / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if "--no-writer" not in sys.argv:
        from writer_note import WRITER, make_writer

        make_writer(HERE / "writer.docx")
        (HERE / "writer.json").write_text(json.dumps(WRITER, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
