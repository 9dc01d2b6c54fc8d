"""Large notes: each limit refuses its input before anything renders, at the line where it is
passed and with its value; what stays under the limits is built without work quadratic in
its size (the DOCX renderer's lookups are counted, not timed).  Speed is measured by
``bench/hostile.py``, never asserted here.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from conceptnotes.read.limits import MAX_BLOCKS, MAX_DOCUMENT_CHARS, MAX_FOOTNOTES, MAX_LINES, MAX_UNIT_CHARS

from . import test_hostile
from .conftest import build_in
from .test_hostile import BODY, BUILD, FR, FRONT, NEXT, NOTE, _translate, refused, run, write

# the projects of test_hostile: a small English note, and the sample with its French
small_base, small, sample_base, sample = (test_hostile.small_base, test_hostile.small, test_hostile.sample_base,
                                          test_hostile.sample)

SPLIT = "put large material in separate documents"


def appended(paragraphs: list[str]) -> tuple[str, list[int]]:
    """The small note with ``paragraphs`` appended, and the line of each."""
    lines = [NEXT + 2 * n for n in range(len(paragraphs))]
    return FRONT + BODY + "\n" + "\n\n".join(paragraphs) + "\n", lines


# Limits -----------------------------------------------------------------------------------------------


def test_more_lines_than_a_note_may_have_are_refused_before_parsing(small, capsys):
    text, lines = appended(["A line of the note."] * MAX_LINES)
    write(small, text)
    # BODY has two lines of text: the one too many is the note's MAX_LINES - 1th appended line
    line = lines[MAX_LINES - 2]
    message = f"more than {MAX_LINES:,} lines of text; a note may have at most {MAX_LINES:,}: {SPLIT}"
    refused(small, BUILD, [f"{NOTE}:{line}: {message}"], capsys)


def test_more_footnotes_than_a_note_may_have_are_refused_before_parsing(small, capsys):
    count = MAX_FOOTNOTES + 1
    calls = [f"Call {n}.[^n{n}]" for n in range(count)]
    text, lines = appended(calls)
    definitions_from = lines[-1] + 2
    write(small, text + "\n" + "\n".join(f"[^n{n}]: Note {n}.\n" for n in range(count)))
    message = f"more than {MAX_FOOTNOTES:,} footnotes; a note may have at most {MAX_FOOTNOTES:,}"
    refused(small, BUILD, [f"{NOTE}:{definitions_from + 2 * MAX_FOOTNOTES}: {message}"], capsys)


def test_more_blocks_than_a_note_may_have_are_refused_at_the_first_too_many(small, capsys):
    # BODY holds two blocks (a heading, a paragraph): at the limit, the note is good
    text, _ = appended([f"Paragraph {n}." for n in range(MAX_BLOCKS - 2)])
    write(small, text)
    assert run(["check", "content/t"], capsys)[::2] == (0, "")
    text, lines = appended([f"Paragraph {n}." for n in range(MAX_BLOCKS - 1)])
    write(small, text)
    message = (f"more than {MAX_BLOCKS:,} blocks (paragraphs, headings, table cells...); a note may"
               f" have at most {MAX_BLOCKS:,}: {SPLIT}")
    refused(small, BUILD, [f"{NOTE}:{lines[-1]}: {message}"], capsys)


def test_the_cells_of_a_table_count_as_blocks_at_the_row_where_the_limit_is_passed(small, capsys):
    columns = 10
    rows = MAX_BLOCKS // columns  # with the header row and BODY's two blocks: over the limit
    table = "\n".join(["| " + " | ".join(f"C{c}" for c in range(columns)) + " |", "|" + "---|" * columns]
                      + ["| " + " | ".join(f"r{r}" for _ in range(columns)) + " |" for r in range(rows)])
    text, lines = appended([table])
    write(small, text)
    # BODY's two blocks and the header's cells, then body rows: the row of block MAX_BLOCKS + 1
    row = -(-(MAX_BLOCKS + 1 - 2 - columns) // columns) - 1
    assert f"| r{row} |" in text.split("\n")[lines[0] + 2 + row - 1]
    message = (f"more than {MAX_BLOCKS:,} blocks (paragraphs, headings, table cells...); a note may"
               f" have at most {MAX_BLOCKS:,}: {SPLIT}")
    refused(small, BUILD, [f"{NOTE}:{lines[0] + 2 + row}: {message}"], capsys)


def test_a_paragraph_longer_than_a_paragraph_may_be_is_refused_at_its_line(small, capsys):
    text, lines = appended(["Short.", "x" * (MAX_UNIT_CHARS + 1)])
    write(small, text)
    message = (f"this paragraph has {MAX_UNIT_CHARS + 1:,} characters; a paragraph, heading, table cell or term"
               f" may have at most {MAX_UNIT_CHARS:,}: split it")
    refused(small, BUILD, [f"{NOTE}:{lines[1]}: {message}"], capsys)


def test_a_document_that_shows_too_many_characters_is_refused_where_it_passes_them(small, capsys):
    paragraph = "y" * MAX_UNIT_CHARS
    count = MAX_DOCUMENT_CHARS // MAX_UNIT_CHARS + 1
    text, lines = appended([paragraph] * count)
    write(small, text)
    shown = len("Introduction") + len("The workshop meets in Geneva.")
    passed = next(n for n in range(count) if shown + (n + 1) * MAX_UNIT_CHARS > MAX_DOCUMENT_CHARS)
    message = (f"the document in 'en' passes {MAX_DOCUMENT_CHARS:,} characters here; a document may show"
               f" at most {MAX_DOCUMENT_CHARS:,}: {SPLIT}")
    refused(small, BUILD, [f"{NOTE}:{lines[passed]}: {message}"], capsys)


def test_a_translation_longer_than_a_paragraph_may_be_is_refused_at_its_catalog_line(sample, capsys):
    po, line = _translate(sample, "fr", "Background", "z" * (MAX_UNIT_CHARS + 1))
    message = (f"the translation has {MAX_UNIT_CHARS + 1:,} characters; a paragraph, heading, table cell or term"
               f" may have at most {MAX_UNIT_CHARS:,}")
    refused(sample, FR, [f"{po}:{line}: {message}"], capsys)


# The DOCX renderer: no work per element that grows with the document -----------------------------


@pytest.fixture
def counted(monkeypatch):
    """``counted(owner, name)``: calls of a function or property of python-docx, counted from now on."""
    calls: dict[str, int] = {}

    def count(owner, name: str) -> None:
        """Count from 0 again (the function is wrapped once)."""
        wrapped = name in calls
        calls[name] = 0
        if wrapped:
            return
        original = owner.__dict__[name]
        if isinstance(original, property):

            def getter(self):
                calls[name] += 1
                return original.fget(self)

            monkeypatch.setattr(owner, name, property(getter))
        else:

            def wrapper(*args, **kwargs):
                calls[name] += 1
                return original(*args, **kwargs)

            monkeypatch.setattr(owner, name, wrapper)

    count.calls = calls  # type: ignore[attr-defined]
    return count


def test_a_table_is_written_row_by_row_without_python_docx_cell_lookups(root, counted):
    from docx.table import Table

    project = root("table")
    counted(Table, "_cells")  # the whole grid, laid out again by table.cell(r, c), rows[r].cells, columns
    assert build_in(project, "build", "--format", "docx", "--jobs", "1") == 0
    assert counted.calls == {"_cells": 0}
    (docx,) = (project / "output" / "table").glob("*.docx")
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode()
    note = (project / "content" / "table" / "note.md").read_text(encoding="utf-8")
    rows = [line for line in note.splitlines() if line.startswith("|") and not set(line) <= set("|-: ")]
    assert body.count("<w:tr>") + body.count("<w:tr ") == len(rows)
    widths = re.findall(r'<w:gridCol w:w="(\d+)"/>', body)
    cell_widths = re.findall(r'<w:tcW w:type="dxa" w:w="(\d+)"/>', body)
    assert cell_widths == widths * len(rows)  # every cell as wide as its column


def _links_note(count: int) -> str:
    links = [f"See [the page](https://www.un.org/{n % 7}) and [the other](https://www.un.org/x{n})." for n in range(count)]
    return FRONT + BODY + "\n" + "\n\n".join(links) + "\n"


def test_links_are_related_once_per_address_without_a_search_of_the_relationships(small, capsys, counted):
    from docx.opc.rel import Relationships

    counts = []
    for links in (5, 60):
        write(small, _links_note(links))
        counted(Relationships, "_get_matching")  # a walk through every relationship of the part
        counted(Relationships, "_next_rId")  # another
        assert run(["build", "content/t", "--format", "docx", "--jobs", "1"], capsys)[0] == 0
        counts.append(dict(counted.calls))
        with zipfile.ZipFile(small / "output" / "t" / "t.en.docx") as archive:
            rels = archive.read("word/_rels/document.xml.rels").decode()
        assert len(re.findall(r'Target="https://www\.un\.org/[^"]*" TargetMode="External"', rels)) == min(7, links) + links
    assert counts[0] == counts[1]  # as many for 60 links as for 5: none per link


def test_footnotes_and_lists_are_numbered_without_looking_at_every_one_before(small, capsys, monkeypatch):
    from conceptnotes.render.docx import ooxml

    count = 30
    calls = {"next_footnote_id": 0, "next_num_id": 0}
    for name in calls:
        original = getattr(ooxml, name)

        def wrapper(*args, name=name, original=original):
            calls[name] += 1
            return original(*args)

        monkeypatch.setattr(ooxml, name, wrapper)
    blocks = [f"Paragraph {n}.[^n{n}]\n\n1. first item {n}\n2. second item {n}" for n in range(count)]
    notes = "\n".join(f"[^n{n}]: Note {n}.\n" for n in range(count))
    write(small, FRONT + BODY + "\n" + "\n\n".join(blocks) + "\n\n" + notes)
    assert run(["build", "content/t", "--format", "docx", "--jobs", "1"], capsys)[0] == 0
    assert calls == {"next_footnote_id": 1, "next_num_id": 1}  # once per document, then counted
    with zipfile.ZipFile(small / "output" / "t" / "t.en.docx") as archive:
        body = archive.read("word/document.xml").decode()
        footnotes = archive.read("word/footnotes.xml").decode()
        numbering = archive.read("word/numbering.xml").decode()
    ids = [int(i) for i in re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body)]
    assert ids == list(range(ids[0], ids[0] + count))
    assert sorted(int(i) for i in re.findall(r'<w:footnote w:id="(\d+)"', footnotes) if int(i) > 0) == ids
    lists = re.findall(r'<w:numId w:val="(\d+)"/>', body)
    assert len(set(lists)) == count and len(lists) == 2 * count
    assert all(f'<w:num w:numId="{n}"' in numbering for n in set(lists))


# MPO pictures --------------------------------------------------------------------------------------


def test_a_two_frame_mpo_from_a_camera_shows_its_first_frame_in_both_formats(small, capsys):
    from PIL import Image
    from pypdf import PdfReader

    assets = small / "content" / "t" / "assets"
    assets.mkdir()
    first, second = Image.new("RGB", (64, 48), (0, 90, 160)), Image.new("RGB", (64, 48), (200, 30, 30))
    first.save(assets / "photo.jpg", "MPO", save_all=True, append_images=[second])
    with Image.open(assets / "photo.jpg") as opened:
        assert (opened.format, getattr(opened, "n_frames", 1)) == ("MPO", 2)
    write(small, FRONT + BODY + "\n![The conference room](assets/photo.jpg)\n")
    status, _, err = run(["build", "content/t"], capsys)
    assert (status, err) == (0, "")
    with zipfile.ZipFile(small / "output" / "t" / "t.en.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        types = archive.read("[Content_Types].xml").decode()
        assert f'Extension="{media[0].rsplit(".", 1)[1]}" ContentType="image/jpeg"' in types
        with Image.open(archive.open(media[0])) as shown:
            assert shown.size == (64, 48) and shown.convert("RGB").getpixel((32, 24))[2] > 120  # the blue frame
    page = PdfReader(small / "output" / "t" / "t.en.pdf").pages[0]
    (image,) = page.images
    assert image.image.size == (64, 48) and image.image.convert("RGB").getpixel((32, 24))[2] > 120


def test_comments_on_untranslated_text_are_numbered_without_looking_at_every_one_before(small, capsys, counted):
    from docx.oxml.comments import CT_Comments

    front = FRONT.replace("languages: [en]", "languages: [en, fr]")
    counts = []
    for paragraphs in (3, 40):
        # no French catalog: every unit is shown in English, with a Word comment that says so
        write(small, front + BODY + "\n" + "\n\n".join(f"Paragraph {n}." for n in range(paragraphs)) + "\n")
        counted(CT_Comments, "_next_available_comment_id")  # python-docx's: a look at every comment
        assert run(["build", "content/t", "--format", "docx", "--lang", "fr", "--jobs", "1"], capsys)[0] == 0
        counts.append(dict(counted.calls))
        with zipfile.ZipFile(small / "output" / "t" / "t.fr.docx") as archive:
            comments = archive.read("word/comments.xml").decode()
            body = archive.read("word/document.xml").decode()
            footnotes = archive.read("word/footnotes.xml").decode()
        ids = re.findall(r'<w:comment [^>]*w:id="(\d+)"', comments)
        first = max(int(n) for n in re.findall(r'<w:footnote [^>]*w:id="(-?\d+)"', footnotes)) + 1
        assert ids == [str(n) for n in range(first, first + len(ids))] and len(ids) >= paragraphs + 2
        assert re.findall(r'<w:commentReference w:id="(\d+)"/>', body) == ids
    assert counts[0] == counts[1]  # as many for 40 comments as for 3: none per comment


def _table_note(rows: int) -> str:
    """The small note with a table of ``rows`` rows: a centred and a right-aligned column,
    emphasis, strong text and code in the cells of every 60th row (a table is one paragraph
    to the limit on markup characters)."""
    lines = ["| Time | Session | Speakers |", "|------|:-------:|---------:|"]
    for n in range(rows):
        session, speaker = (f"*{n}*", f"**{n}** and `code{n}`") if n % 60 == 59 else (n, f"{n} and code{n}")
        lines.append(f"| {9 + n // 60:02d}h{n % 60:02d} | Session {session} | Speaker {speaker} |")
    return FRONT + BODY + "\n" + "\n".join(lines) + "\n"


def test_a_long_table_is_written_whole_with_no_search_of_the_document_per_row(small, capsys, counted):
    import docx
    from docx.oxml.ns import qn
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.styles.styles import Styles

    counts = []
    for rows in (30, 240, 480):  # the first finds what it needs of the template, once per process
        write(small, _table_note(rows))
        counted(BaseOxmlElement, "xpath")  # python-docx's searches: the sections, a paragraph's runs...
        counted(Styles, "__getitem__")  # a style by name: a look through every style
        status, out, err = run(["build", "content/t", "--format", "docx", "--jobs", "1"], capsys)
        assert status == 0, err
        counts.append(dict(counted.calls))
    assert counts[1] == counts[2]  # as many for 480 rows as for 240: none per row
    document = docx.Document(str(small / "output" / "t" / "t.en.docx"))
    (table,) = document.tables
    assert len(table.rows) == 481 and len(table.columns) == 3
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    for n in (0, 1, 239, 479):
        assert [cell.text for cell in table.rows[n + 1].cells] == [
            f"{9 + n // 60:02d}h{n % 60:02d}", f"Session {n}", f"Speaker {n} and code{n}"]
    last = table.rows[480].cells
    assert [cell.paragraphs[0].alignment for cell in last] == [None, 1, 2]  # as written: centre, right
    assert [r.text for r in last[1].paragraphs[0].runs if r.italic] == ["479"]
    assert [r.text for r in last[2].paragraphs[0].runs if r.bold] == ["479"]
    assert {p.style.name for row in table.rows[1:] for cell in row.cells for p in cell.paragraphs} == {"Table Text"}
    # every run of every cell in the document's language and fonts, as the rest of the document
    runs = [r for row in table.rows for cell in row.cells for p in cell.paragraphs for r in p.runs]
    assert len(runs) == 481 * 3 + 8 * 4  # in every 60th row "Session ", its number; "Speaker ", number, " and ", code
    assert {(r._r.rPr.find(qn("w:lang")).get(qn("w:val")), r.font.name) for r in runs} == {("en-GB", "Times New Roman")}
