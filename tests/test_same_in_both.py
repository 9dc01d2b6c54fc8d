"""The PDF and the DOCX say the same thing: list labels and table cells, read as a reader sees them.

The root ``same-in-both`` (six languages) has nested lists of every combination of numbered
and bulleted to three levels, and a table of dates, time ranges and long text.  It is built
once; its DOCX are converted to PDF by LibreOffice in one run, and both PDFs are read back
with pdftotext.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import unicodedata

import pytest
from docx import Document

from conceptnotes import languages

from .conftest import copy_root, need, run_in

LANGS = languages.CODES
NAME = "same-in-both"
ITEM = {"ar": "بند", "en": "Item", "es": "Punto", "fr": "Point", "ru": "Пункт", "zh": "项目"}
# The note's eight lists: the kinds of their three levels, in order (True: numbered)
COMBINATIONS = list(itertools.product((True, False), repeat=3))


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """The root built (PDF and DOCX), and each DOCX as LibreOffice lays it out: {lang: (pdf, docx, lo_pdf)}."""
    project = copy_root(NAME, tmp_path_factory.mktemp("same"))
    result = run_in(project, "build", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    out = project / "output" / NAME
    converted = tmp_path_factory.mktemp("libreoffice")
    docx = [out / f"{NAME}.{lang}.docx" for lang in LANGS]
    profile = tmp_path_factory.mktemp("profile")
    done = subprocess.run(
        [need("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(converted), *map(str, docx)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return {lang: (out / f"{NAME}.{lang}.pdf", out / f"{NAME}.{lang}.docx", converted / f"{NAME}.{lang}.pdf")
            for lang in LANGS}


# Lists -------------------------------------------------------------------------------------------

_ROMAN = ("i", "ii", "iii")
_NUMERALS = {"decimal": lambda n: str(n), "lowerLetter": lambda n: "abc"[n - 1],
             "lowerRoman": lambda n: _ROMAN[n - 1], "arabicAbjad": lambda n: "أبج"[n - 1]}


def expected_labels(lang: str) -> list[str]:
    """The labels of the note's lists by the registry's rule, item by item."""
    out = []
    for first, second, third in COMBINATIONS:
        for ordered, depth, number in ((first, 0, 1), (second, 1, 1), (third, 2, 1), (third, 2, 2),
                                       (second, 1, 2), (first, 0, 2)):
            num_fmt, text = languages.list_label(lang, ordered, depth)
            out.append(text if num_fmt == "bullet" else text.replace(f"%{depth + 1}", _NUMERALS[num_fmt](number)))
    return out


def layout_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def labels(pdf, lang: str) -> list[str]:
    """The label of each list item, in reading order: its line of the laid-out page without
    the item's text, spaces and the direction marks pdftotext adds."""
    out = []
    for line in layout_text(pdf).splitlines():
        line = "".join(c for c in line if unicodedata.category(c) != "Cf")
        if ITEM[lang] in line:
            out.append(re.sub(r"\s+", "", line.replace(ITEM[lang], "")))
    return out


def libreoffice_labels(pdf, lang: str) -> list[str]:
    # LibreOffice draws the first letter of Word's arabicAbjad numbering as a bare alef (ا),
    # where Word and the UN write أ: the numbering definition is the same, its drawing is not
    return [label.replace("(ا)", "(أ)") for label in labels(pdf, lang)]


def _as_read(labels: list[str], lang: str) -> list[str]:
    """In a right-to-left page pdftotext writes a label's characters in the order they are
    drawn ("()i", ".1"): compared as the characters each label has."""
    return ["".join(sorted(label)) for label in labels] if languages.is_rtl(lang) else labels


@pytest.mark.parametrize("lang", LANGS)
def test_nested_lists_are_labelled_alike_in_the_pdf_and_the_docx(documents, lang):
    pdf, _, lo_pdf = documents[lang]
    found = _as_read(labels(pdf, lang), lang)
    assert len(found) == 6 * len(COMBINATIONS)
    assert found == _as_read(libreoffice_labels(lo_pdf, lang), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_labels_are_the_registrys(documents, lang):
    pdf, _, _ = documents[lang]
    assert _as_read(labels(pdf, lang), lang) == _as_read(expected_labels(lang), lang)


def test_a_numbered_list_under_a_bullet_is_lettered_as_a_sub_paragraph():
    """The case the issue found: "1. 2." in the PDF, "(a) (b)" in the DOCX; now (a) in both."""
    assert languages.list_label("en", True, 1) == ("lowerLetter", "(%2)")
    assert languages.list_label("fr", True, 1) == ("lowerLetter", "%2)")
    assert languages.list_label("en", True, 3) == ("decimal", "%4.")  # Word's level 4 shows its own number


# Tables --------------------------------------------------------------------------------------------

SHORT_CELL = 16  # the PDF keeps a cell of at most 16 characters on one line (blocks.html.j2)
_CJK = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"  # ideographs, their punctuation, full-width forms
_BREAKABLE = re.compile("[ \t\n\u2000-\u2006\u2008-\u200a\u3000]+")  # not the no-break spaces


def cell_runs(text: str) -> list[str]:
    """What a line may not break inside: a short cell's whole text, else each word, where a
    word of CJK characters may break between any two of them."""
    text = text.strip()
    if len(text) <= SHORT_CELL:
        return [text]
    return [run for word in _BREAKABLE.split(text) for run in re.split(f"([{_CJK}])", word) if run]


def _squeezed(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def on_one_line(run: str, lines: list[str]) -> bool:
    """Whether ``run`` is whole on one of the laid-out ``lines``.  In a right-to-left line
    pdftotext writes the numbers of a range right to left ("12:30–09:30"), and a number's
    punctuation before it ("،1")."""
    squeezed = _squeezed(run)
    candidates = {squeezed, "–".join(reversed(squeezed.split("–"))), squeezed[::-1]}
    return any(candidate in line for line in lines for candidate in candidates)


@pytest.mark.parametrize("lang", LANGS)
def test_no_word_of_a_table_breaks_inside_in_libreoffice(documents, lang):
    _, docx, lo_pdf = documents[lang]
    (table,) = Document(str(docx)).tables
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert any("09:30" in cell for cell in cells)
    lines = [_squeezed(line) for line in layout_text(lo_pdf).splitlines()]
    broken = [run for cell in cells for run in cell_runs(cell) if not on_one_line(run, lines)]
    assert broken == []
