"""Optional masthead fields: symbol and date of issue, in the PDF and the DOCX.

The documents are those of the test root ``masthead`` (symbol, date of issue, limited
distribution; two pages), built with the command line.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from .conftest import build_in, need

SYMBOL = "UNOCT/2022/CN.1"
OPTIONAL = ("symbol: UNOCT/2022/CN.1\n", "date: 2022-04-20\n", "distribution: Limited\n")


@pytest.fixture(scope="module")
def out(built):
    return built("masthead") / "output" / "masthead"


def test_symbol_and_date_in_the_pdf_masthead(out):
    reader = PdfReader(out / "masthead.en.pdf")
    first = reader.pages[0].extract_text()
    for text in (SYMBOL, "Distr.: Limited", "20\u00a0April\u00a02022", "Original: English"):  # a date never breaks
        assert text in first, text
    assert reader.metadata["/CreationDate"].startswith("D:20220420")


def detail_lines(document) -> list[str]:
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    return [line.strip() for line in details.text.split("\n")]


def test_symbol_and_date_in_the_docx(out):
    document = docx.Document(str(out / "masthead.en.docx"))
    organizer = [p for p in document.paragraphs if p.style.name == "Masthead Organizer"][-1]
    assert organizer.text.endswith("\t" + SYMBOL) and organizer.runs[-1].bold
    assert detail_lines(document) == ["Distr.: Limited", "20\u00a0April\u00a02022", "Original: English"]
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
    assert detail_lines(document) == ["Distr.: General", "Original: English"]


def test_symbol_heads_the_pdf_pages_after_the_first(out):
    reader = PdfReader(out / "masthead.en.pdf")
    assert len(reader.pages) >= 2
    assert reader.pages[0].extract_text().count(SYMBOL) == 1  # masthead only
    for page in reader.pages[1:]:
        assert page.extract_text().count(SYMBOL) == 1


def word_boxes(pdf: Path) -> list[tuple[str, float, float, float]]:
    """(word, left, top, right) of each word of the first page, in points."""
    page = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(html.unescape(w), float(x0), float(y0), float(x1)) for x0, y0, x1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]


def assert_un_masthead(pdf: Path) -> None:
    """The UN masthead: the symbol in the organizers' row at the right margin; distribution,
    date and original one a line, starting at one column in the right half of the page."""
    boxes = word_boxes(pdf)
    (symbol,) = [b for b in boxes if b[0] == SYMBOL]
    organizer = next(b for b in boxes if b[0] == "Counter-Terrorism")  # United Nations Office of ...
    right_margin = max(b[3] for b in boxes)
    assert abs(symbol[3] - right_margin) < 2 and abs(symbol[2] - organizer[2]) < 4, (symbol, organizer)
    starts = [next(b for b in boxes if b[0] == word and b[2] > symbol[2]) for word in ("Distr.:", "20", "Original:")]
    assert all(abs(b[1] - starts[0][1]) < 1 for b in starts), starts
    assert starts[0][1] > (right_margin + min(b[1] for b in boxes)) / 2, starts
    assert starts[0][2] < starts[1][2] < starts[2][2], starts


def test_pdf_and_docx_mastheads_have_the_un_layout(out, tmp_path):
    """Symbol at the top right, in bold, in the organizers' row; the details under the rule,
    one a line: the same in the PDF and in the DOCX as LibreOffice lays it out."""
    assert_un_masthead(out / "masthead.en.pdf")
    result = subprocess.run(
        [need("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / "masthead.en.docx")],
        capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert_un_masthead(tmp_path / "masthead.en.pdf")


@pytest.mark.parametrize(("lang", "distribution", "original"), [
    ("ar", "Distr.: General", "Original: English"),
    ("zh", "Distr.: General", "Original: English"),
    ("ru", "Distr.: General", "Original: English"),
    ("fr", "Distr. générale", "Original\u00a0: anglais"),
    ("es", "Distr. general", "Original: inglés"),
])
def test_un_masthead_languages(lang, distribution, original, sample_out):
    """UN practice: Arabic, Chinese and Russian documents keep "Distr.: General" and
    "Original: English" in English; French and Spanish ones translate them."""
    lines = detail_lines(docx.Document(str(sample_out / f"malaga-2022.{lang}.docx")))
    assert lines == [distribution, original]
    first = PdfReader(sample_out / f"malaga-2022.{lang}.pdf").pages[0].extract_text()
    assert distribution in first and original in first
