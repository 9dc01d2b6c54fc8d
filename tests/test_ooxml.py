"""Each OOXML helper on its own, on a blank python-docx document, read back after a save."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from conceptnotes.render.docx import ooxml


def reopen(document) -> docx.Document:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return ooxml.open_document(buffer)


def saved_zip(document) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    document.save(buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_footnotes_part_is_created_once_with_separators():
    document = docx.Document()
    part = ooxml.footnotes_part(document)
    assert ooxml.footnotes_part(document) is part
    types = [f.get(qn("w:type")) for f in part.element.findall(qn("w:footnote"))]
    assert types == ["separator", "continuationSeparator"]
    archive = saved_zip(document)
    assert "word/footnotes.xml" in archive.namelist()
    assert b"wordprocessingml.footnotes+xml" in archive.read("[Content_Types].xml")
    assert b"<w:footnotePr>" in archive.read("word/settings.xml")


def test_add_footnote_and_reference_survive_a_save():
    document = docx.Document()
    part = ooxml.footnotes_part(document)
    paragraph = document.add_paragraph("Text")
    ids = []
    for text in ("First note.", "Second note."):
        footnote_id, first = ooxml.add_footnote(part)
        run = first.makeelement(qn("w:r"), {})
        t = run.makeelement(qn("w:t"), {})
        t.text = text
        run.append(t)
        first.append(run)
        ooxml.footnote_reference(paragraph._p, footnote_id)
        ids.append(footnote_id)
    assert ids == [1, 2]
    again = reopen(document)
    part = ooxml.footnotes_part(again)  # found, not created: loaded as XML from the package
    notes = [f for f in part.element.findall(qn("w:footnote")) if f.get(qn("w:type")) is None]
    assert ["".join(t.text for t in f.iter(qn("w:t"))).strip() for f in notes] == ["First note.", "Second note."]
    refs = [r.get(qn("w:id")) for r in again.element.body.iter(qn("w:footnoteReference"))]
    assert refs == ["1", "2"]
    ooxml.clear_footnotes(part)
    assert len(part.element.findall(qn("w:footnote"))) == 2


def test_new_list_num_restarts_every_level():
    document = docx.Document()
    abstract = ooxml.style_abstract_num(document, "List Number")
    first = ooxml.new_list_num(document, abstract)
    second = ooxml.new_list_num(document, abstract, start=4)
    assert second == first + 1
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(second))
    assert num.find(qn("w:abstractNumId")).get(qn("w:val")) == str(abstract)
    starts = [o.find(qn("w:startOverride")).get(qn("w:val")) for o in num.findall(qn("w:lvlOverride"))]
    assert starts == ["4"] + ["1"] * 8


def test_set_numbering_writes_numpr():
    document = docx.Document()
    paragraph = document.add_paragraph("item", style="List Number")
    ooxml.set_numbering(paragraph, 7, 2)
    numpr = reopen(document).paragraphs[0]._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    assert numpr.find(qn("w:ilvl")).get(qn("w:val")) == "2"
    assert numpr.find(qn("w:numId")).get(qn("w:val")) == "7"


def test_style_abstract_num_is_none_for_a_style_without_numbering():
    document = docx.Document()
    assert ooxml.style_abstract_num(document, "Body Text") is None
    assert ooxml.style_abstract_num(document, "List Number") is not None


def test_open_document_reads_footnotes_as_xml_and_leaves_python_docx_as_it_was(tmp_path):
    from docx.opc.part import PartFactory

    before = dict(PartFactory.part_type_for)
    document = docx.Document()
    ooxml.footnotes_part(document)
    document.save(tmp_path / "with-footnotes.docx")
    again = ooxml.open_document(io.BytesIO((tmp_path / "with-footnotes.docx").read_bytes()))
    assert ooxml.footnotes_part(again).element.tag == qn("w:footnotes")
    assert dict(PartFactory.part_type_for) == before


def test_add_field_is_a_complex_field():
    document = docx.Document()
    paragraph = document.add_paragraph()
    ooxml.add_field(paragraph._p, "PAGE")
    chars = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate", "end"]
    assert [i.text for i in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_external_and_internal_hyperlinks():
    document = docx.Document()
    paragraph = document.add_paragraph()
    external = ooxml.add_hyperlink(paragraph._p, document.part, url="https://www.un.org/")
    internal = ooxml.add_hyperlink(paragraph._p, document.part, anchor="background")
    rel = document.part.rels[external.get(qn("r:id"))]
    assert rel.is_external and rel.target_ref == "https://www.un.org/"
    assert internal.get(qn("w:anchor")) == "background"
    assert internal.get(qn("r:id")) is None


def test_bookmark_wraps_the_paragraph():
    document = docx.Document()
    paragraph = document.add_paragraph("Heading", style="Heading 1")
    ooxml.add_bookmark(paragraph._p, "intro", 3)
    children = [c.tag for c in paragraph._p]
    assert children[0] == qn("w:pPr") and children[1] == qn("w:bookmarkStart") and children[-1] == qn("w:bookmarkEnd")
    assert paragraph._p[1].get(qn("w:name")) == "intro"


def test_repeat_header_row_and_width():
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    ooxml.repeat_header_row(table.rows[0])
    ooxml.set_table_width_pct(table, 100)
    table = reopen(document).tables[0]
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert table.rows[1]._tr.trPr is None
    width = table._tbl.tblPr.find(qn("w:tblW"))
    assert (width.get(qn("w:type")), width.get(qn("w:w"))) == ("pct", "5000")


def test_default_language():
    document = docx.Document()
    ooxml.set_default_language(document, "fr-FR")
    lang = document.styles.element.find(f".//{qn('w:rPrDefault')}//{qn('w:lang')}")
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia")), lang.get(qn("w:bidi"))) == ("fr-FR", "zh-CN", "ar-SA")


def test_normalize_zip_fixes_order_and_times():
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    data = ooxml.normalize_zip(buffer.getvalue(), (2022, 5, 10, 0, 0, 0))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert {info.date_time for info in archive.infolist()} == {(2022, 5, 10, 0, 0, 0)}
    assert ooxml.normalize_zip(data, (2022, 5, 10, 0, 0, 0)) == data
    docx.Document(io.BytesIO(data))  # still a valid document


def test_save_document_writes_what_save_and_normalize_zip_would():
    document = docx.Document()
    document.add_paragraph("text")
    ooxml.add_footnote(ooxml.footnotes_part(document))  # a part python-docx reads as a blob otherwise
    buffer = io.BytesIO()
    document.save(buffer)
    expected = ooxml.normalize_zip(buffer.getvalue(), (2022, 5, 10, 0, 0, 0))
    assert ooxml.save_document(document, (2022, 5, 10, 0, 0, 0)) == expected
    assert ooxml.save_document(document, (1975, 1, 1, 0, 0, 0)) == ooxml.normalize_zip(expected, (1980, 1, 1, 0, 0, 0))


def test_put_inserts_in_schema_order_and_reuses():
    document = docx.Document()
    run = document.add_paragraph().add_run("x")
    rpr = run._r.get_or_add_rPr()
    ooxml.put(rpr, "lang", ooxml.RPR_ORDER, val="fr-FR")
    ooxml.put(rpr, "rStyle", ooxml.RPR_ORDER, val="Emphasis")
    ooxml.put(rpr, "rtl", ooxml.RPR_ORDER)
    again = ooxml.put(rpr, "lang", ooxml.RPR_ORDER, bidi="ar-SA")
    assert [c.tag.rpartition("}")[2] for c in rpr] == ["rStyle", "rtl", "lang"]
    assert (again.get(qn("w:val")), again.get(qn("w:bidi"))) == ("fr-FR", "ar-SA")


def test_run_language_keeps_a_font_already_chosen():
    document = docx.Document()
    run = document.add_paragraph().add_run("强调")._r
    ooxml.put(run.get_or_add_rPr(), "rFonts", ooxml.RPR_ORDER, eastAsia="Noto Sans CJK SC")
    ooxml.set_run_language(run, {"ascii": "Times New Roman", "eastAsia": "Noto Serif CJK SC"},
                           {"val": "en-GB", "eastAsia": "zh-CN"}, rtl=False)
    fonts = run.rPr.find(qn("w:rFonts"))
    assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:eastAsia"))) == ("Times New Roman", "Noto Sans CJK SC")
    assert run.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert run.rPr.find(qn("w:rtl")) is None


def test_right_to_left_paragraph_section_and_table():
    document = docx.Document()
    paragraph = document.add_paragraph("نص", style="List Number")
    paragraph.paragraph_format.space_after = 0
    ooxml.set_paragraph_bidi(paragraph._p)
    tags = [c.tag.rpartition("}")[2] for c in paragraph._p.pPr]
    assert tags.index("bidi") < tags.index("spacing")  # schema order: bidi before spacing
    ooxml.set_section_bidi(document.sections[0]._sectPr)
    table = document.add_table(rows=1, cols=2)
    ooxml.set_table_bidi(table._tbl)
    again = reopen(document)
    assert again.paragraphs[0]._p.pPr.find(qn("w:bidi")) is not None
    assert again.sections[0]._sectPr.find(qn("w:bidi")) is not None
    assert again.tables[0]._tbl.tblPr.find(qn("w:bidiVisual")) is not None


def test_level_formats_change_only_the_levels_given():
    from conceptnotes.render.html import TEMPLATE_DIR

    document = docx.Document(str(TEMPLATE_DIR / "reference.docx"))
    abstract = ooxml.style_abstract_num(document, "List Number")
    ooxml.set_level_formats(document, abstract, {1: ("lowerLetter", "%2)")})
    numbering = document.part.numbering_part.element
    node = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == str(abstract))
    levels = {int(lvl.get(qn("w:ilvl"))): lvl for lvl in node.findall(qn("w:lvl"))}
    assert levels[1].find(qn("w:lvlText")).get(qn("w:val")) == "%2)"
    assert levels[1].find(qn("w:numFmt")).get(qn("w:val")) == "lowerLetter"
    assert levels[0].find(qn("w:lvlText")).get(qn("w:val")) != "%2)"


def test_an_attribute_written_into_the_xml_reads_back_as_it_was():
    """``ooxml.attribute`` (in place of ``xml.sax.saxutils.quoteattr``, whose module imports
    urllib): any text XML can hold, quotes, ampersands, line breaks and tabs included."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st
    from lxml import etree

    from conceptnotes.read.characters import XML_ILLEGAL
    from conceptnotes.render.docx.ooxml import attribute

    @settings(max_examples=300, deadline=None)
    @given(st.text().filter(lambda text: not XML_ILLEGAL.search(text)))
    @example('Table "Heading" & <Text>\n\r\t\'')
    def check(value):
        assert etree.fromstring(f"<a x={attribute(value)}/>").get("x") == value

    check()
