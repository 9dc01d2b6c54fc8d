"""LibreOffice, a real word processor, opens each DOCX and keeps its text.

Every document the tests read is converted in one LibreOffice run (``converted``): the
sample's English DOCX, the sample's six DOCX as a draft and as an official build, and an
Arabic draft of the ``translated`` root.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conceptnotes import languages

from .conftest import ROOT, SAMPLE, copy_root, need, run_in
from .readback import block_texts, find_in_order, footnote_texts, pdf_text, words

LANGS = languages.CODES


def _blank_footnotes(project, count: int) -> None:
    """The first ``count`` footnote units of every catalog of the sample left untranslated."""
    from babel.messages.pofile import read_po, write_po

    for path in sorted((project / "locales").glob("*/LC_MESSAGES/malaga-2022.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream)
        footnotes = [message for message in catalog if message.id and "footnote" in message.auto_comments]
        for message in footnotes[:count]:
            message.string = ""
        with path.open("wb") as stream:
            write_po(stream, catalog, width=0)


def _convert(paths, outdir, profile) -> None:
    result = subprocess.run(
        [need("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, paths)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr


def _sample_documents(where, kind: str) -> list:
    """The sample's six DOCX, built as a draft whose first two footnotes fall back to English, or
    as an official build; each renamed ``<kind>-<name>`` (one folder holds every conversion)."""
    project = where / kind
    shutil.copytree(SAMPLE, project / "content" / "malaga-2022")
    shutil.copytree(ROOT / "locales", project / "locales")
    if kind == "draft":
        _blank_footnotes(project, 2)
    command = ["build", "--format", "docx", "--lang", ",".join(LANGS)] if kind == "draft" else ["official"]
    result = run_in(project, *command, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    docs = sorted((project / "output").rglob("*.docx"))
    assert len(docs) == len(LANGS)
    return [Path(shutil.copyfile(doc, where / "docx" / f"{kind}-{doc.name}")) for doc in docs]


def _arabic_draft(where):
    """The ``translated`` root in Arabic, which has no catalog: an English draft in an Arabic DOCX."""
    project = copy_root("translated", where)
    note = project / "content" / "translated" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("languages: [en, fr]", "languages: [en, ar]"),
                    encoding="utf-8")
    result = run_in(project, "build", "--format", "docx", "--lang", "ar", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return Path(shutil.copyfile(project / "output" / "translated" / "translated.ar.docx",
                                where / "docx" / "translated.ar.docx"))


@pytest.fixture(scope="module")
def converted(sample_out, tmp_path_factory):
    """Every DOCX of this module's tests and the folder of their PDFs, converted by one LibreOffice
    run: {"sample": the sample's English DOCX, "draft"/"official": six DOCX each, "arabic": one}."""
    where = tmp_path_factory.mktemp("libreoffice")
    (where / "docx").mkdir()
    english = Path(shutil.copyfile(sample_out / "malaga-2022.en.docx", where / "docx" / "malaga-2022.en.docx"))
    documents = {"sample": english,
                 "draft": _sample_documents(where, "draft"), "official": _sample_documents(where, "official"),
                 "arabic": _arabic_draft(where)}
    _convert(sorted((where / "docx").iterdir()), where / "lo", where / "profile")
    return documents, where / "lo"


def test_libreoffice_converts_the_docx_and_the_text_survives(converted, sample_note):
    documents, folder = converted
    pdf = folder / documents["sample"].with_suffix(".pdf").name
    assert pdf.is_file()
    text = pdf_text(pdf)
    body = words(text)
    cursor = 0
    for paragraph in block_texts(sample_note.document, footnote_numbers=True):
        end = find_in_order(words(paragraph), body, cursor)
        assert end is not None, f"lost by LibreOffice: {paragraph[:80]!r}"
        cursor = end - len(words(paragraph))
    for footnote in footnote_texts(sample_note.document):
        assert find_in_order(words(footnote), body) is not None, footnote
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert f"Page 1 of {count}" in text and f"Page {count} of {count}" in text


# Footnotes of every document, draft and official --------------------------------------------------


def _footnotes_of(docx_path) -> list[str]:
    """The text of each footnote of a DOCX, in the order of their calls (their numbers)."""
    from lxml import etree

    from .readback import W, docx_part_xml

    notes = etree.fromstring(docx_part_xml(docx_path, "word/footnotes.xml"))
    texts = {n.get(W + "id"): "".join(t.text or "" for t in n.iter(W + "t")) for n in notes.iter(W + "footnote")}
    body = etree.fromstring(docx_part_xml(docx_path, "word/document.xml"))
    order = list(dict.fromkeys(r.get(W + "id") for r in body.iter(W + "footnoteReference")))
    return [texts[footnote_id] for footnote_id in order]


def _squeezed(text: str) -> str:
    """Letters and digits only (no spaces, punctuation, marks or bidirectional embeddings)."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _words(text: str) -> collections.Counter:
    """The words of a text, without their vowel marks: pdftotext gives Arabic in the order of
    the page (a full stop before the number it ends, Latin runs swapped), so only which
    words a line holds can be compared, not their order."""
    bare = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return collections.Counter(re.findall(r"[^\W_]+", bare.casefold()))


def _page_feet(text: str, count: int) -> list[str]:
    """The text after each footnote number 1..count at the foot of its page, up to the next
    number or the end of the page."""
    lines = text.splitlines(keepends=True)
    marks, at = [], 0
    for number in range(1, count + 1):
        at = next((i for i in range(at, len(lines)) if _squeezed(lines[i]) == str(number)), len(lines))
        marks.append(at)
    feet = []
    for index, mark in enumerate(marks):
        end = marks[index + 1] if index + 1 < len(marks) else len(lines)
        feet.append("".join(lines[mark + 1 : end]).split("\f")[0])
    return feet


def _foot_texts(pdf) -> list[str]:
    """The PDF's text in pdftotext's two modes: a footnote number stands on the line before
    its text in one or the other, by the direction of the footnote (the default mode lists
    the numbers of a left-to-right page foot first; the layout mode puts a right-to-left
    footnote's number at the end of its first line)."""
    return [subprocess.run(["pdftotext", "-enc", "UTF-8", *mode, str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for mode in ([], ["-layout"])]


def _shows(foot: str, text: str, lang: str) -> bool:
    if languages.is_rtl(lang):
        return not _words(text) - _words(foot)
    return _squeezed(text) in _squeezed(foot)


@pytest.mark.parametrize("kind", ["draft", "official"])
def test_libreoffice_shows_each_footnote_with_its_own_text(kind, converted):
    """A draft whose footnotes fall back to English carries Word comments; LibreOffice 7.4
    confused comment and footnote numbers, and showed one footnote's text under another's."""
    documents, folder = converted
    docs = documents[kind]
    wrong = []
    for docx_path in docs:
        footnotes = _footnotes_of(docx_path)
        assert len(footnotes) == 3, docx_path.name
        commented = "word/comments.xml" in zipfile.ZipFile(docx_path).namelist()
        assert commented == (kind == "draft" and ".en." not in docx_path.name), docx_path.name
        lang = docx_path.suffixes[-2][1:]
        modes = [_page_feet(text, len(footnotes)) for text in _foot_texts(folder / docx_path.with_suffix(".pdf").name)]
        for number, text in enumerate(footnotes, 1):
            feet = [feet[number - 1] for feet in modes]
            if not any(_shows(foot, text, lang) for foot in feet):
                wrong.append((docx_path.name, number, text, [foot[:200] for foot in feet]))
    assert wrong == []


def test_libreoffice_lays_english_fallback_out_left_to_right_in_arabic(converted):
    """English shown in a draft Arabic DOCX (no Arabic catalog) ends with its full stop."""
    documents, folder = converted
    lines = [line.strip("\u202a\u202b\u202c\u200e\u200f ") for line in
             pdf_text(folder / documents["arabic"].with_suffix(".pdf").name).splitlines()]
    # "...the specific needs of women and girls." (an English paragraph laid out right to
    # left shows its full stop first: ".The workshop aims...")
    assert any(line.endswith("girls.") for line in lines), lines
    assert [line for line in lines if line.startswith(".")] == [], lines
