"""Optional masthead fields: symbol and date of issue, in the PDF and the DOCX."""

from __future__ import annotations

import io

import docx
from pypdf import PdfReader

from conceptnotes.read.loader import load_note
from conceptnotes.render.docx.renderer import render_docx
from conceptnotes.render.pdf import render_pdf

from .conftest import FRONT

WITH_SYMBOL = FRONT + "symbol: UNOCT/2022/CN.1\ndate: 2022-04-20\ndistribution: Limited\n"
LONG_BODY = "# Introduction\n\n" + "\n\n".join(f"Paragraph {n} of a long note. " * 12 for n in range(40)) + "\n"


def test_symbol_and_date_in_the_pdf_masthead(make_note):
    note, _ = load_note(make_note(LONG_BODY, WITH_SYMBOL))
    reader = PdfReader(io.BytesIO(render_pdf(note, "en").data))
    first = reader.pages[0].extract_text()
    for text in ("UNOCT/2022/CN.1", "Distr.: Limited", "20 April 2022", "Original: English"):
        assert text in first, text
    assert reader.metadata["/CreationDate"].startswith("D:20220420")


def test_symbol_and_date_in_the_docx(make_note):
    note, _ = load_note(make_note(LONG_BODY, WITH_SYMBOL))
    document = docx.Document(io.BytesIO(render_docx(note, "en").data))
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    assert details.text.split("\u2003\u2003") == [
        "UNOCT/2022/CN.1", "Distr.: Limited", "20 April 2022", "Original: English"]
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "UNOCT/2022/CN.1"  # pages after the first
    assert document.core_properties.created.date().isoformat() == "2022-04-20"
    assert document.core_properties.identifier == "UNOCT/2022/CN.1"


def test_without_symbol_the_header_is_empty(make_note):
    note, _ = load_note(make_note())
    document = docx.Document(io.BytesIO(render_docx(note, "en").data))
    assert document.sections[0].header.paragraphs[0].text == ""
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    assert details.text.split("\u2003\u2003") == ["Distr.: General", "Original: English"]


def test_symbol_heads_the_pdf_pages_after_the_first(make_note):
    note, _ = load_note(make_note(LONG_BODY, WITH_SYMBOL))
    reader = PdfReader(io.BytesIO(render_pdf(note, "en").data))
    assert len(reader.pages) >= 2
    assert reader.pages[0].extract_text().count("UNOCT/2022/CN.1") == 1  # masthead only
    for page in reader.pages[1:]:
        assert page.extract_text().count("UNOCT/2022/CN.1") == 1
