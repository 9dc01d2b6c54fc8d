"""``build.py import NOTE.docx``: Word concept notes brought in, from this project's own DOCX,
Pandoc's, LibreOffice's and python-docx's, and built again."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import FRONT, SAMPLE, build_in, need, write_note
from .readback import W, docx_body_paragraphs, docx_part_xml

NESTED = """\
# Objectives

The objectives are:

1. To follow up on the *Virtual Dialogue*.
   1. its conclusions;
   2. its recommendations.
2. To provide a **platform** for exchange.

The Conference will comprise:

- Preparatory events:
  - a civil society workshop;
  - side events.
- The Conference itself.

## Outline of the programme

| Date | Programme |
| --- | --- |
| 9 May 2022 | Workshop \\| side events |
| 10 May 2022 |  |

# Contact

See [the Office](https://www.un.org/counterterrorism/).[^web]

[^web]: The website of the Office.
"""


def _project(tmp_path: Path, name: str = "project") -> Path:
    project = tmp_path / name
    (project / "content").mkdir(parents=True)
    return project


def _build_docx(folder: Path, out: Path) -> Path:
    """The note in ``folder`` built to English DOCX by this project, in ``out``."""
    project = folder.parent.parent
    assert build_in(project, "build", str(folder), "--lang", "en", "--format", "docx", "--out", str(out),
                    "--jobs", "1") == 0
    return out / folder.name / f"{folder.name}.en.docx"


def _outline(path: Path) -> list[tuple[str, str, int | None]]:
    """Each paragraph of a DOCX (body, table cells, then footnotes): its style, its text with
    whitespace normalized, and its list level."""
    import docx

    document = docx.Document(str(path))
    out = []
    for paragraph in docx_body_paragraphs(document):
        level = paragraph._p.find(f"{W}pPr/{W}numPr/{W}ilvl")
        text = " ".join(paragraph.text.split())
        out.append((paragraph.style.name, text, None if level is None else int(level.get(W + "val"))))
    from lxml import etree

    notes = etree.fromstring(docx_part_xml(path, "word/footnotes.xml"))
    for note in notes.iter(W + "footnote"):
        if note.get(W + "type") is None:
            out.append(("footnote", " ".join("".join(t.text or "" for t in note.iter(W + "t")).split()), None))
    return out


def _import(project: Path, docx: Path, *args: str) -> int:
    return build_in(project, "import", str(docx), *args)


def test_the_sample_built_imported_and_built_again_is_the_same(tmp_path, capsys):
    original = _build_docx(shutil.copytree(SAMPLE, _project(tmp_path, "a") / "content" / SAMPLE.name), tmp_path / "out1")
    capsys.readouterr()
    project = _project(tmp_path)
    assert _import(project, original, "--id", "malaga-copy") == 0
    said = capsys.readouterr()
    assert said.err == ""
    lines = said.out.splitlines()
    assert lines[0] == f"imported {original} as content/malaga-copy/note.md"
    assert lines[2].startswith('  title: "High-Level International Conference on Human Rights') and "(style Title)" in lines[2]
    note = (project / "content" / "malaga-copy" / "note.md").read_text(encoding="utf-8")
    assert note.startswith(
        "---\ntitle: High-Level International Conference on Human Rights, Civil Society and Counter-Terrorism\n"
        "subtitle: Concept note\nlanguages: [en]\nevent:\n  start: 2022-05-10\n  end: 2022-05-11\n"
        "  city: Málaga\n  country: ES\norganizers:\n  - United Nations Office of Counter-Terrorism\n"
        "  - Government of Spain\n---\n\n# Introduction\n"
    )
    assert build_in(project, "check") == 0
    assert capsys.readouterr().err == ""
    again = _build_docx(project / "content" / "malaga-copy", tmp_path / "out2")
    first, second = _outline(original), _outline(again)
    assert second == first
    styles = {style for style, _, _ in first}
    assert {"Heading 1", "Heading 2", "List Number", "List Bullet", "Table Heading", "Table Text", "footnote"} <= styles
    assert sum(1 for _, _, level in first if level == 1) == 4  # the nested bullets


def test_figures_captions_and_numbered_paragraphs_come_back(tmp_path, root, capsys):
    """The test root 'figures' (numbered paragraphs, a quote, two figures and a table with
    captions) built, imported and built again."""
    source = root("figures")
    folder = source / "content" / "figures"
    original = _build_docx(folder, tmp_path / "out1")
    capsys.readouterr()
    project = _project(tmp_path)
    assert _import(project, original) == 0
    assert capsys.readouterr().err == ""
    imported = project / "content" / "figures-en"
    note = (imported / "note.md").read_text(encoding="utf-8")
    assert "\nnumbered_paragraphs: true\n" in note
    assert '\n![Plan of the moot court](assets/image2.png "Moot court room")\n' in note
    assert "\nTable: Programme of the course\n\n| Date | Programme |\n" in note
    plan = (folder / "assets" / "floor-plan.png").read_bytes()
    assert [p.read_bytes() == plan for p in sorted((imported / "assets").iterdir())] == [True, True]
    again = _build_docx(imported, tmp_path / "out2")
    assert _outline(again) == _outline(original)


def test_nested_lists_and_a_table_come_back(tmp_path, capsys):
    source = _project(tmp_path, "a")
    folder = write_note(source / "content" / "lists", NESTED)
    original = _build_docx(folder, tmp_path / "out1")
    project = _project(tmp_path)
    assert _import(project, original) == 0  # the id: the file's name, lists-en
    capsys.readouterr()
    note = (project / "content" / "lists-en" / "note.md").read_text(encoding="utf-8")
    body = note.split("---\n", 2)[2]
    assert body == "\n" + NESTED.replace("[^web]", "[^1]")
    again = _build_docx(project / "content" / "lists-en", tmp_path / "out2")
    assert _outline(again) == _outline(original)


def test_a_pandoc_docx_and_the_placeholders_check_reports(tmp_path, capsys):
    pandoc = need("pandoc")
    markdown = tmp_path / "note.md"
    markdown.write_text("---\ntitle: Regional Workshop on Border Security\nsubtitle: Concept note\n---\n\n"
                        + NESTED, encoding="utf-8")
    docx = tmp_path / "Border Workshop.docx"
    subprocess.run([pandoc, str(markdown), "-o", str(docx)], check=True, timeout=60)
    project = _project(tmp_path)
    assert _import(project, docx) == 0
    said = capsys.readouterr()
    assert said.err == ""
    lines = said.out.splitlines()
    assert "  event.start: not found" in lines
    assert [lines[0], lines[-1]] == [
        f"imported {docx} as content/border-workshop/note.md",
        "to fill in (placeholders in the front matter): event.start, event.end, event.city, event.country;"
        " then run '.venv/bin/python build.py check content/border-workshop'",
    ]
    note = (project / "content" / "border-workshop" / "note.md").read_text(encoding="utf-8")
    assert note == (
        "---\ntitle: Regional Workshop on Border Security\nsubtitle: Concept note\nlanguages: [en]\nevent:\n"
        "  start: TODO  # TODO: fill in (YYYY-MM-DD)\n  end: TODO  # TODO: fill in (YYYY-MM-DD)\n"
        "  city: TODO  # TODO: fill in\n  country: TODO  # TODO: fill in (ISO code, e.g. ES)\n---\n\n"
        + NESTED.replace("[^web]", "[^1]")
    )
    placeholders = [
        "content/border-workshop/note.md:6: warning: still TODO ('event.start'): write the first day of the event,"
        " YYYY-MM-DD",
        "content/border-workshop/note.md:7: warning: still TODO ('event.end'): write the last day of the event,"
        " YYYY-MM-DD",
        "content/border-workshop/note.md:8: warning: still TODO ('event.city'): write the city where the event"
        " takes place",
        "content/border-workshop/note.md:9: warning: still TODO ('event.country'): write the ISO 3166-1 alpha-2"
        " code of the host country, such as ES",
    ]
    # the placeholders, and only they, as new's: warnings in a draft, errors in a strict build
    assert build_in(project, "check") == 0
    assert capsys.readouterr().err.splitlines() == placeholders
    assert build_in(project, "check", "--strict") == 1
    assert capsys.readouterr().err.splitlines() == [
        *(line.replace("warning: ", "") for line in placeholders),
        "failed: 4 problems; nothing was written",
    ]


def test_a_libreoffice_docx(tmp_path, capsys):
    soffice = need("soffice")
    page = tmp_path / "workshop.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title></head><body>"
        "<p>United Nations Office of Counter-Terrorism</p>"
        "<p style='font-size:20pt'><b>Regional Workshop on Border Security</b></p>"
        "<p>Nairobi, Kenya, 7 and 8 November 2023</p>"
        "<h1>Background</h1><p>The workshop builds on <em>earlier</em> <strong>regional</strong> work,"
        " see <a href='https://www.un.org/'>the UN</a>.</p>"
        "<ol><li>First aim<ol><li>a sub-aim</li></ol></li><li>Second aim</li></ol>"
        "<ul><li>bullet one<ul><li>sub bullet</li></ul></li></ul>"
        "<table border='1'><tr><th>Country</th><th>Participants</th></tr><tr><td>Kenya</td><td>12</td></tr>"
        "<tr><td>Uganda | East</td><td></td></tr></table>"
        "<h2>Sessions</h2><p>Two sessions.</p></body></html>",
        encoding="utf-8",
    )
    docx = _libreoffice_docx(soffice, page)
    project = _project(tmp_path)
    assert _import(project, docx) == 0
    capsys.readouterr()
    note = (project / "content" / "workshop" / "note.md").read_text(encoding="utf-8")
    body = note.split("---\n", 2)[2]
    assert note.startswith(
        "---\ntitle: Regional Workshop on Border Security\nlanguages: [en]\nevent:\n  start: 2023-11-07\n"
        "  end: 2023-11-08\n  city: Nairobi\n  country: KE\norganizers:\n"
        "  - United Nations Office of Counter-Terrorism\n---\n\n# Background\n"
    )
    assert body.endswith(
        "# Background\n\nThe workshop builds on *earlier* **regional** work, see [the UN](https://www.un.org/).\n\n"
        "1. First aim\n   1. a sub-aim\n2. Second aim\n\n- bullet one\n  - sub bullet\n\n"
        "| Country | Participants |\n| --- | --- |\n| Kenya | 12 |\n| Uganda \\| East |  |\n\n"
        "## Sessions\n\nTwo sessions.\n"
    )


def _libreoffice_docx(soffice: str, page: Path) -> Path:
    """The HTML page saved as a Word file by LibreOffice (headless, a profile of its own)."""
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(page.parent / 'profile').as_uri()}", "--headless",
         "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(page.parent),
         str(page)],
        capture_output=True, text=True, timeout=240,
    )
    docx = page.with_suffix(".docx")
    assert result.returncode == 0 and docx.is_file(), result.stderr
    return docx


def test_a_libreoffice_note_builds_once_its_placeholders_are_filled_in(tmp_path, capsys):
    """As an officer does it: a Word note without its place and dates, imported; the check
    names each field to fill in; filled in, the note passes the strict check and builds."""
    page = tmp_path / "civic-space.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title></head><body>"
        "<p style='font-size:20pt'><b>Regional Expert Meeting on Protecting Civic Space</b></p>"
        "<h1>Background</h1><p>Civil society organizations are essential partners in preventing violent"
        " extremism.</p><h1>Objectives</h1><ol><li>To take stock of national legal frameworks.</li>"
        "<li>To identify good practices.</li></ol></body></html>",
        encoding="utf-8",
    )
    docx = _libreoffice_docx(need("soffice"), page)
    project = _project(tmp_path)
    assert _import(project, docx) == 0
    capsys.readouterr()
    assert build_in(project, "check", "--strict") == 1
    told = capsys.readouterr().err
    assert [re.search(r"'(event\.\w+)'", line).group(1) for line in told.splitlines()[:-1]] == [
        "event.start", "event.end", "event.city", "event.country"]
    note = project / "content" / "civic-space" / "note.md"
    filled = {"start": "2024-06-12", "end": "2024-06-13", "city": "Vienna", "country": "AT"}
    lines = [re.sub(r"^  (start|end|city|country): TODO\b.*$", lambda m: f"  {m[1]}: {filled[m[1]]}", line)
             for line in note.read_text(encoding="utf-8").splitlines()]
    note.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build_in(project, "check", "--strict") == 0, capsys.readouterr().err
    assert build_in(project, "build", "--jobs", "1") == 0, capsys.readouterr().err
    pdf = project / "output" / "civic-space" / "civic-space.en.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Vienna, Austria, 12 and 13 June 2024" in " ".join(text.split())
    assert "To identify good practices." in text


# Word files made here with python-docx ------------------------------------------------------------

def _tracked_docx(path: Path) -> Path:
    """A DOCX with a tracked insertion, a tracked deletion and a comment."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Concept note", style="Subtitle")
    document.add_paragraph("Workshop on Victims of Terrorism", style="Title")
    document.add_paragraph("Geneva, Switzerland, 3 December 2024")
    document.add_heading("Background", level=1)
    changed = document.add_paragraph("The workshop meets ")
    changed._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>twice</w:t></w:r></w:ins>"
    ))
    changed._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:delText>once</w:delText></w:r></w:del>"
    ))
    changed.add_run(" a year.")
    commented = document.add_paragraph("Participants come from the region.")
    document.add_comment(commented.runs, text="Which region?", author="Editor")
    document.save(str(path))
    return path


def test_tracked_changes_are_accepted_and_comments_left_out_with_warnings(tmp_path, capsys):
    docx = _tracked_docx(tmp_path / "victims.docx")
    project = _project(tmp_path)
    assert _import(project, docx) == 0
    said = capsys.readouterr()
    assert said.err.splitlines() == [
        f'{docx}: warning: paragraph 5 ("The workshop meets twiceonce a year."): a tracked insertion was taken'
        " as text (the change accepted)",
        f'{docx}: warning: paragraph 5 ("The workshop meets twiceonce a year."): a tracked deletion was left out'
        " (the change accepted)",
        f'{docx}: warning: paragraph 6 ("Participants come from the region."): a comment was left out',
    ]
    note = (project / "content" / "victims" / "note.md").read_text(encoding="utf-8")
    assert note == (
        "---\ntitle: Workshop on Victims of Terrorism\nsubtitle: Concept note\nlanguages: [en]\nevent:\n"
        "  start: 2024-12-03\n  end: 2024-12-03\n  city: Geneva\n  country: CH\n---\n\n"
        "# Background\n\nThe workshop meets twice a year.\n\nParticipants come from the region.\n"
    )
    assert build_in(project, "check") == 0


def _png() -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(stream, "PNG")
    return stream.getvalue()


def test_bold_lines_merged_cells_and_images(tmp_path, capsys):
    """Without heading styles, short bold lines are headings; merged cells are split with a
    warning; a picture keeps its alt text, and one without is told (the check warns too)."""
    import docx

    document = docx.Document()
    document.add_paragraph().add_run("Background").bold = True
    document.add_paragraph("Text of the background, with a * and a [bracket] and <angle>.")
    document.add_paragraph().add_run("This whole sentence is bold but it is a sentence.").bold = True
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(1, 0).merge(table.cell(1, 1))
    image = tmp_path / "chart.png"
    image.write_bytes(_png())
    document.add_picture(str(image))
    document.inline_shapes[0]._inline.docPr.set("descr", "Bar chart of participants")
    document.add_picture(str(image))
    document.inline_shapes[1]._inline.docPr.set("descr", "")
    from PIL import Image

    bitmap = tmp_path / "map.bmp"
    Image.new("RGB", (4, 4), "green").save(bitmap, "BMP")
    document.add_picture(str(bitmap))
    document.inline_shapes[2]._inline.docPr.set("descr", "Map of the region")
    path = tmp_path / "bold.docx"
    document.save(str(path))
    project = _project(tmp_path)
    assert _import(project, path) == 0
    said = capsys.readouterr()
    assert said.err.splitlines() == [
        f"{path}: warning: picture 2 (assets/image2.png) has no alt text: write one in the note",
        f'{path}: warning: table 1 ("r0c0"): merged cells were split; the text is in the first of them,'
        " the others are empty",
    ]
    assert said.out.splitlines()[0] == f"imported {path} as content/bold/note.md and 3 image(s) in assets/"
    folder = project / "content" / "bold"
    body = (folder / "note.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == (
        "\n# Background\n\nText of the background, with a \\* and a \\[bracket\\] and &lt;angle>.\n\n"
        "**This whole sentence is bold but it is a sentence.**\n\n"
        "| r0c0 | r0c1 | r0c2 |\n| --- | --- | --- |\n| r1c0 r1c1 |  | r1c2 |\n| r2c0 | r2c1 | r2c2 |\n\n"
        "![Bar chart of participants](assets/image1.png)\n\n![](assets/image2.png)\n\n"
        "![Map of the region](assets/image3.png)\n"
    )
    assert sorted(p.name for p in (folder / "assets").iterdir()) == ["image1.png", "image2.png", "image3.png"]
    note = folder / "note.md"  # the placeholders filled in
    note.write_text("---\n" + FRONT + "---\n" + note.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    assert build_in(project, "check") == 0  # the picture without alt text, as check tells it
    assert capsys.readouterr().err.splitlines() == [
        "content/bold/note.md:27: warning: image 'assets/image2.png' has no alt text"
    ]


def test_quotes_fields_and_text_boxes(tmp_path, capsys):
    """Quote styles are block quotes; a field other than a page number and a text box are told."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_heading("Background", level=1)
    document.add_paragraph("The Strategy calls for cooperation.", style="Quote")
    document.add_paragraph("A second quoted paragraph.", style="Intense Quote")
    dated = document.add_paragraph("Updated on ")
    dated._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; ">'
                              "<w:r><w:t>1 March 2024</w:t></w:r></w:fldSimple>"))
    numbered = document.add_paragraph("Page ")
    numbered._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    boxed = document.add_paragraph("Beside a box.")
    boxed._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t>'
        "</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    ))
    path = tmp_path / "quotes.docx"
    document.save(str(path))
    project = _project(tmp_path)
    assert _import(project, path) == 0
    assert capsys.readouterr().err.splitlines() == [
        f'{path}: warning: paragraph 4 ("Updated on 1 March 2024"): a field (DATE) was kept as its last shown text',
        f'{path}: warning: paragraph 6 ("Beside a box.Boxed text"): a text box: its text may be out of place,'
        " or missing; check it",
    ]
    body = (project / "content" / "quotes" / "note.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.startswith("\n# Background\n\n> The Strategy calls for cooperation.\n>\n"
                           "> A second quoted paragraph.\n\nUpdated on 1 March 2024\n\nPage 1\n\n")


# Refusals: nothing written ------------------------------------------------------------------------

def _rewritten(source: Path, target: Path, name: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            new.writestr(entry, change(data) if entry.filename == name else data)
    return target


def _nothing_written(project: Path) -> None:
    assert list((project / "content").iterdir()) == []


def test_a_docx_with_an_external_relationship_is_refused(tmp_path, capsys):
    plain = _tracked_docx(tmp_path / "plain.docx")
    rel = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
           ' Target="http://attacker.example/x.png" TargetMode="External"/></Relationships>')
    hostile = _rewritten(plain, tmp_path / "hostile.docx", "word/_rels/document.xml.rels",
                         lambda data: data.replace(b"</Relationships>", rel.encode()))
    project = _project(tmp_path)
    assert _import(project, hostile) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{hostile}: refused: 'word/_rels/document.xml.rels' links to an external resource"
        " (http://attacker.example/x.png)",
        "failed: 1 problem; nothing was written",
    ]
    _nothing_written(project)


def test_a_docx_with_a_dtd_entity_is_refused(tmp_path, capsys):
    plain = _tracked_docx(tmp_path / "plain.docx")

    def entity(data: bytes) -> bytes:
        head, rest = data.split(b"?>", 1)
        return head + b'?><!DOCTYPE w:document [<!ENTITY boom "boom">]>' + rest.replace(b"Background", b"&boom;")

    hostile = _rewritten(plain, tmp_path / "entity.docx", "word/document.xml", entity)
    project = _project(tmp_path)
    assert _import(project, hostile) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{hostile}: refused: 'word/document.xml' declares a DTD (<!DOCTYPE> or <!ENTITY>), which Word never writes",
        "failed: 1 problem; nothing was written",
    ]
    _nothing_written(project)


def test_a_zip_bomb_is_refused(tmp_path, capsys):
    plain = _tracked_docx(tmp_path / "plain.docx")
    bomb = tmp_path / "bomb.docx"
    shutil.copyfile(plain, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\0" * 5_000_000)
    project = _project(tmp_path)
    assert _import(project, bomb) == 1
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(rf"{re.escape(str(bomb))}: refused: 'word/media/zeros.bin' is compressed \d+ to 1"
                        r" \(at most 100\): a zip bomb\?", err[0]), err
    _nothing_written(project)


def test_the_template_with_a_dtd_is_refused_by_the_same_check(tmp_path):
    from conceptnotes.render.docx.template import DOCX_TEMPLATE, check_template

    from .conftest import ROOT

    template = ROOT / "templates" / "concept-note" / DOCX_TEMPLATE
    hostile = _rewritten(template, tmp_path / DOCX_TEMPLATE, "word/styles.xml",
                         lambda data: data.replace(b"?>", b'?><!DOCTYPE w:styles [<!ENTITY a "a">]>', 1))
    assert [str(p) for p in check_template(hostile)] == [
        f"{hostile}: DOCX template refused: 'word/styles.xml' declares a DTD (<!DOCTYPE> or <!ENTITY>),"
        " which Word never writes"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--id", "Malaga_2022"), "error: import: 'Malaga_2022' is not a note id: use lower-case letters, digits"
                                  " and single hyphens (such as malaga-2022), at most 100 characters"),
        (("--id", "taken"), "error: import: content/taken already exists: choose another id, or edit that note"),
    ],
)
def test_an_id_that_is_not_a_slug_or_is_taken_is_a_usage_error(tmp_path, capsys, args, message):
    docx = _tracked_docx(tmp_path / "plain.docx")
    project = _project(tmp_path)
    write_note(project / "content" / "taken")
    before = sorted(p.name for p in (project / "content").iterdir())
    assert _import(project, docx, *args) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert sorted(p.name for p in (project / "content").iterdir()) == before


def test_the_slug_of_a_file_name():
    from conceptnotes.word.importer import slug

    assert slug("Concept Note – Málaga 2022 (final)") == "concept-note-malaga-2022-final"
    assert re.fullmatch(r"[a-z0-9-]+", slug("ÉTÉ__été"))


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>1. Not a list</p>", "1\\. Not a list"),
        ("<p>Table: the caption</p><table><tr><td>a</td></tr></table>", "Table: the caption\n\n| a |\n| --- |"),
        ("<p>- not a bullet</p>", "\\- not a bullet"),
        ("<p>---</p>", "\\---"),
        ("<p># not a heading</p>", "\\# not a heading"),
        ("<p>: not a definition</p>", "&#58; not a definition"),
        ("<p>a_b _c_ {#x} &amp;amp; 2*3 `x` [y]</p>", "a_b \\_c\\_ \\{#x\\} &amp;amp; 2\\*3 \\`x\\` \\[y\\]"),
        ("<h1>Learning C#</h1>", "# Learning C\\#"),
        ("<h4>Deep</h4>", "### Deep"),
        ("<p><strong>bold </strong>text <em> spaced</em>.</p>", "**bold** text *spaced*."),
        ("<p>one<br />two</p>", "one  \ntwo"),
        ("<p><a href='javascript:alert(1)'>x</a> <a href='#_Toc1'>y</a> <a id='b'></a>z</p>", "x y z"),
    ],
)
def test_html_to_markdown(html, markdown):
    """What reads back as the same text: marks escaped at a paragraph's start and in it."""
    from lxml import html as lxml_html

    from conceptnotes.word.html_to_markdown import to_markdown

    assert to_markdown(lxml_html.fromstring(f"<div>{html}</div>")).text == markdown + "\n"
