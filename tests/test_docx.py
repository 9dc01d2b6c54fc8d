"""DOCX documents read back with python-docx: styles, footnotes, numbering, table, fields.

Each check reads the English DOCX of the test root that has what it checks
(``tests/roots/<name>``: ``footnotes``, ``lists``, ``table``, ``styles``), built once per
session with the command line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from conceptnotes import model as m
from conceptnotes.i18n.typography import no_break_dates

from .conftest import AIMS, TIMES, build_in, note_of
from .readback import block_texts, blocks_of, docx_body_paragraphs, docx_part_xml, footnote_texts, words

STYLES = {"Masthead Organizer", "Masthead Details", "Subtitle", "Title", "Event", "Heading 1", "Heading 2",
          "Heading 3", "Body Text", "List Number", "List Bullet", "List Continue", "Quote", "Table Heading",
          "Table Text", "Definition Term", "Definition", "Source Code", "Figure"}
# The event line each root's front matter gives, as the documents write it
EVENTS = {"footnotes": "Geneva, Switzerland, 16 and 17\u00a0October\u00a02023",  # a date never breaks
          "lists": "Nairobi, Kenya, 14–16\u00a0March\u00a02023",
          "table": "Vienna, Austria, 8–10\u00a0May\u00a02023"}


class Built(NamedTuple):
    path: Path  # the English DOCX
    document: docx.document.Document
    note: m.Note


@pytest.fixture(scope="module")
def root_docx(built):
    """``root_docx(name)``: the English DOCX of the test root ``name``, opened, with its note."""
    opened: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in opened:
            project = built(name)
            path = project / "output" / name / f"{name}.en.docx"
            opened[name] = Built(path, docx.Document(str(path)), note_of(project))
        return opened[name]

    return get


def test_every_paragraph_has_a_named_style(root_docx):
    paragraphs = docx_body_paragraphs(root_docx("styles").document)
    assert len(paragraphs) > 30
    for paragraph in paragraphs:
        assert paragraph.style.name in STYLES, (paragraph.style.name, paragraph.text)
    # the root has every kind of block: each style is used
    assert {paragraph.style.name for paragraph in paragraphs} == STYLES


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_text_in_order_with_styles(root_docx, name):
    _, document, note = root_docx(name)
    paragraphs = [p for p in docx_body_paragraphs(document) if p.text.strip()]
    texts = [p.text for p in paragraphs]
    meta = note.meta
    assert len(meta.organizers) == 2
    assert texts[: len(meta.organizers)] == list(meta.organizers)
    assert paragraphs[len(meta.organizers)].style.name == "Masthead Details"
    assert "Original: English" in texts[len(meta.organizers)]
    title = next(p for p in paragraphs if p.style.name == "Title")
    assert title.text == meta.title
    assert next(p for p in paragraphs if p.style.name == "Event").text == EVENTS[name]
    body = [p for p in paragraphs if p.style.name not in ("Masthead Organizer", "Masthead Details", "Subtitle",
                                                           "Title", "Event")]
    expected = [t for t in block_texts(note.document) if t.strip()]
    assert [words(p.text) for p in body] == [words(t) for t in expected]


@pytest.mark.parametrize("name", ["styles", "footnotes"])
def test_headings_use_heading_styles(root_docx, name):
    _, document, note = root_docx(name)
    headings = [b for b in blocks_of(note.document.blocks) if isinstance(b, m.Heading)]
    if name == "styles":
        assert {h.level for h in headings} == {1, 2, 3}
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert styled == [(f"Heading {h.level}", m.plain_text(h.children)) for h in headings]


def test_footnotes_are_word_footnotes(root_docx):
    path, document, note = root_docx("footnotes")
    assert len(note.document.footnotes) == 3
    footnotes = etree.fromstring(docx_part_xml(path, "word/footnotes.xml"))
    notes = [f for f in footnotes.findall(qn("w:footnote")) if f.get(qn("w:type")) is None]
    texts = ["".join(t.text or "" for t in f.iter(qn("w:t"))).strip() for f in notes]
    assert texts == [no_break_dates(t, "en") for t in footnote_texts(note.document)]  # as typeset
    for f in notes:
        assert f.find(f".//{qn('w:footnoteRef')}") is not None
        assert {p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in f.iter(qn("w:p"))} \
            == {"FootnoteText"}
    body = etree.fromstring(docx_part_xml(path, "word/document.xml"))
    refs = [r.get(qn("w:id")) for r in body.iter(qn("w:footnoteReference"))]
    assert refs == [f.get(qn("w:id")) for f in notes]
    # each reference sits right after the words it annotates
    text_before_refs = []
    for paragraph in document.paragraphs:
        text = ""
        for element in paragraph._p.iter(qn("w:t"), qn("w:footnoteReference")):
            if element.tag == qn("w:t"):
                text += element.text or ""
            else:
                text_before_refs.append(text)
    expected = [m.plain_text(block.children[:index])
                for block in blocks_of(note.document.blocks)
                for index, node in enumerate(getattr(block, "children", ()))
                if isinstance(node, m.FootnoteRef)]
    assert text_before_refs == [text + "\u2060" for text in expected]  # joined by a word joiner
    rels = document.part.rels.values()
    assert any(r.reltype.endswith("/footnotes") for r in rels)
    assert b"footnotes+xml" in docx_part_xml(path, "[Content_Types].xml")


def _num(paragraph):
    numpr = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    if numpr is None:
        return None
    return (int(numpr.find(qn("w:numId")).get(qn("w:val"))), int(numpr.find(qn("w:ilvl")).get(qn("w:val"))))


def test_lists_carry_real_numbering(root_docx):
    _, document, note = root_docx("lists")
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    lists = [b for b in blocks_of(note.document.blocks) if isinstance(b, m.ListBlock)]
    assert len(numbered) == sum(len(b.items) for b in lists if b.ordered) >= 5
    assert len(bullets) == sum(len(b.items) for b in lists if not b.ordered)
    for paragraph in numbered + bullets:
        assert _num(paragraph) is not None, paragraph.text
    # one w:num per list: items of a list share it, two lists never do
    assert len({_num(p)[0] for p in numbered + bullets}) == len(lists)
    # nested items are on level 1
    levels = {_num(p)[1] for p in bullets}
    assert levels == {0, 1}
    assert {_num(p)[1] for p in numbered} == {0, 1}
    # every list restarts at its start value
    numbering = document.part.numbering_part.element
    for num_id in {_num(p)[0] for p in numbered}:
        num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start.get(qn("w:val")) == "1"
    assert len([b for b in lists if b.ordered]) >= 2  # a second list starts again at 1


def test_table_with_repeated_header(root_docx):
    _, document, note = root_docx("table")
    tables = [b for b in blocks_of(note.document.blocks) if isinstance(b, m.Table)]
    assert len(document.tables) == len(tables) == 1
    table, model_table = document.tables[0], tables[0]
    assert table.style.name == "UN Table"
    header = table.rows[0]
    assert header._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for row in table.rows[1:])
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [[no_break_dates(m.plain_text(c.children), "en") for c in row]
                     for row in model_table.header + model_table.body]
    assert {p.style.name for p in header.cells[0].paragraphs} == {"Table Heading"}


def test_footer_has_page_fields(root_docx):
    path = root_docx("footnotes").path
    footers = [n for n in __import__("zipfile").ZipFile(path).namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert footers
    for name in footers:
        xml = docx_part_xml(path, name).decode()
        instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
        assert [i.strip() for i in instructions] == ["PAGE", "NUMPAGES"]
        assert "Page " in xml and " of " in xml
        assert "{page_of_pages}" not in xml


def test_hyperlink_is_a_hyperlink(root_docx):
    document = root_docx("footnotes").document
    links = document.element.body.findall(f".//{qn('w:hyperlink')}")
    assert links
    targets = [document.part.rels[link.get(qn("r:id"))].target_ref for link in links]
    assert "https://www.un.org/counterterrorism/" in targets
    for link in links:
        style = link.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:rStyle')}")
        assert style.get(qn("w:val")) == "Hyperlink"


def test_core_properties_from_the_note(root_docx):
    _, document, note = root_docx("footnotes")
    props = document.core_properties
    assert props.title == note.meta.title
    assert props.author == "; ".join(note.meta.organizers)
    assert props.language == "en-GB"
    assert props.created == dt.datetime(2023, 10, 16, tzinfo=dt.UTC)  # the first day of the event
    assert props.modified == dt.datetime(2023, 10, 16, tzinfo=dt.UTC)
    assert props.last_modified_by == "conceptnotes"
    assert props.subject == "Concept note"


def test_emphasis_and_strong_runs(root_docx):
    document = root_docx("footnotes").document
    italic = [r.text for p in document.paragraphs for r in p.runs if r.italic]
    bold = [r.text for p in document.paragraphs if p.style.name == "Body Text" for r in p.runs if r.bold]
    assert "Expert Meeting on Civic Space and Counter-Terrorism" in italic
    assert any("first expert meeting of the joint initiative" in text for text in bold)


def test_same_note_gives_same_bytes(root):
    project = root("styles")
    for out in ("one", "two"):
        assert build_in(project, "build", "--format", "docx", "--jobs", "1", "--out", out) == 0
    first, second = (project / out / "styles" / "styles.en.docx" for out in ("one", "two"))
    assert first.read_bytes() == second.read_bytes()


def test_document_language(root_docx):
    path = root_docx("footnotes").path
    styles = docx_part_xml(path, "word/styles.xml").decode()
    assert re.search(r'<w:lang w:val="en-GB"', styles)


def test_table_columns_share_the_width_by_content(root_docx):
    document = root_docx("table").document
    table = document.tables[0]
    widths = [column.width for column in table.columns]
    section = document.sections[0]
    available = section.page_width - section.left_margin - section.right_margin
    assert widths[0] < widths[1]
    assert abs(sum(widths) - available) < 2 * len(widths)
    assert [cell.width for cell in table.columns[0].cells] == [widths[0]] * len(table.rows)


# Source text standing in for a translation ---------------------------------------------------

def _runs_language(paragraph) -> set[tuple[str | None, bool]]:
    """(w:lang w:val, right to left) of every run of a paragraph."""
    out = set()
    for run in paragraph._p.iter(qn("w:r")):
        lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        rtl = run.find(f"{qn('w:rPr')}/{qn('w:rtl')}")
        out.add((None if lang is None else lang.get(qn("w:val")), rtl is not None and rtl.get(qn("w:val")) != "0"))
    return out


def _right_to_left(paragraph) -> bool:
    bidi = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
    return bidi is not None and bidi.get(qn("w:val")) not in ("0", "false")


def _as_written(text: str) -> str:
    """Text as the note wrote it: without the no-break spaces, word joiners and curled
    apostrophes that typesetting puts in."""
    return text.replace("\xa0", " ").replace("\u2060", "").replace("\u2019", "'")


def _paragraph(document, start: str):
    (paragraph,) = [p for p in docx_body_paragraphs(document) if _as_written(p.text).startswith(start)]
    return paragraph


def test_english_fallback_in_arabic_docx_runs_left_to_right_in_english(fallback):
    document = docx.Document(str(fallback / "translated.ar.docx"))
    for start in (TIMES, AIMS, "Objectives"):
        paragraph = _paragraph(document, start)
        assert not _right_to_left(paragraph), start
        assert _runs_language(paragraph) == {("en-GB", False)}, start
    footnotes = etree.fromstring(docx_part_xml(fallback / "translated.ar.docx", "word/footnotes.xml"))
    for paragraph in footnotes.iter(qn("w:p")):
        if "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip().startswith("Adopted"):
            bidi = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
            assert bidi is not None and bidi.get(qn("w:val")) == "0"
            assert {r.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) for r in paragraph.iter(qn("w:r"))} \
                == {"en-GB"}
            break
    else:
        raise AssertionError("no English footnote")
    # the masthead's details stay in English in an Arabic document (UN practice): left to right
    masthead = [p for p in docx_body_paragraphs(document) if p.style.name == "Masthead Details"]
    assert masthead and not _right_to_left(masthead[0]) and _runs_language(masthead[0]) == {("en-GB", False)}


def test_english_fallback_in_french_docx_is_tagged_english(fallback):
    document = docx.Document(str(fallback / "translated.fr.docx"))
    assert _runs_language(_paragraph(document, TIMES)) == {("en-GB", False)}
    assert _runs_language(_paragraph(document, "Objectives")) == {("en-GB", False)}
    translated = [p for p in docx_body_paragraphs(document) if _as_written(p.text).startswith("L'atelier")]
    assert translated and all(_runs_language(p) == {("fr-FR", False)} for p in translated)


def test_comment_says_whether_the_translation_is_fuzzy_or_missing(fallback):
    path = fallback / "translated.fr.docx"
    comments = etree.fromstring(docx_part_xml(path, "word/comments.xml"))
    texts = ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in comments.iter(qn("w:comment"))]
    fuzzy = [text for text in texts if "fuzzy" in text.casefold()]
    missing = [text for text in texts if "untranslated" in text.casefold()]
    assert len(fuzzy) == 1 and len(missing) == 1 and len(texts) == 2, texts
