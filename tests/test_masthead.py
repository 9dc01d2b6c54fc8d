"""Optional masthead fields: symbol and date of issue, in the PDF and the DOCX.

The documents are those of the test root ``masthead`` (symbol, date of issue, limited
distribution; two pages), built with the command line.
"""

from __future__ import annotations

import docx
import pytest
from pypdf import PdfReader

from .conftest import build_in

SYMBOL = "UNOCT/2022/CN.1"
OPTIONAL = ("symbol: UNOCT/2022/CN.1\n", "date: 2022-04-20\n", "distribution: Limited\n")


@pytest.fixture(scope="module")
def out(built):
    return built("masthead") / "output" / "masthead"


def test_symbol_and_date_in_the_pdf_masthead(out):
    reader = PdfReader(out / "masthead.en.pdf")
    first = reader.pages[0].extract_text()
    for text in (SYMBOL, "Distr.: Limited", "20 April 2022", "Original: English"):
        assert text in first, text
    assert reader.metadata["/CreationDate"].startswith("D:20220420")


def test_symbol_and_date_in_the_docx(out):
    document = docx.Document(str(out / "masthead.en.docx"))
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    assert details.text.split("\u2003\u2003") == [SYMBOL, "Distr.: Limited", "20 April 2022", "Original: English"]
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == SYMBOL  # pages after the first
    assert document.core_properties.created.date().isoformat() == "2022-04-20"
    assert document.core_properties.identifier == SYMBOL


def test_without_symbol_the_header_is_empty(root):
    project = root("masthead")
    note = project / "content" / "masthead" / "note.md"
    text = note.read_text(encoding="utf-8")
    for line in OPTIONAL:  # the same note without its optional masthead fields
        assert text.count(line) == 1, line
        text = text.replace(line, "")
    note.write_text(text, encoding="utf-8")
    assert build_in(project, "build", "--format", "docx", "--jobs", "1") == 0
    document = docx.Document(str(project / "output" / "masthead" / "masthead.en.docx"))
    assert document.sections[0].header.paragraphs[0].text == ""
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    assert details.text.split("\u2003\u2003") == ["Distr.: General", "Original: English"]


def test_symbol_heads_the_pdf_pages_after_the_first(out):
    reader = PdfReader(out / "masthead.en.pdf")
    assert len(reader.pages) >= 2
    assert reader.pages[0].extract_text().count(SYMBOL) == 1  # masthead only
    for page in reader.pages[1:]:
        assert page.extract_text().count(SYMBOL) == 1
