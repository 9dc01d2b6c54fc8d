"""French "1er" as a date's first day: its "er" a superscript in the note's own text, in the
PDF and the DOCX (Word's superscript run), and only there.

The root ``french-ordinals`` is an English note with a French catalog whose translations
write the title "Atelier du 1er décembre 2023 sur l'alerte précoce pour tous", "le 1er mai 2022", "le 1er décembre 2023, au 1er étage", "du 1er au 3 juin 2024, puis
les 1er et 2 juillet 2024", a code span `1er mai`, a table cell "1er décembre 2023", "le
1er mai." before a footnote call and, in the footnote, "jusqu'au 1er mars 2024": eight
dates' first days, and two "1er" that are no date's ("1er étage", the code).  Read back from
the PDF (pdftotext, its words' boxes), the DOCX (python-docx, its XML), LibreOffice's
rendering of the DOCX, ``review import`` and the Word import.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conceptnotes import model as m
from conceptnotes.i18n.typography import typeset
from conceptnotes.model.visitor import walk

from .conftest import ROOT, copy_root, need, run_in
from .test_dates_masthead import bbox_words

NAME = "french-ordinals"
DATES = 8  # the French text's dates that begin on the 1st: the title's, six in the body, one in the footnote
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _pieces(nodes) -> list[tuple[str, str]]:
    return [(node.kind, node.text) for node in nodes]


def test_the_first_day_of_a_french_date_is_raised_in_the_text():
    assert _pieces(typeset((m.Text("le 1er mai 2022 et du 1er au 3 juin, puis les 1er et 2 Juillet"),), "fr")) == [
        ("text", "le 1"), ("superscript", "er"), ("text", "\u00a0mai\u00a02022 et du 1"), ("superscript", "er"),
        ("text", " au 3\u00a0juin, puis les 1"), ("superscript", "er"), ("text", " et 2\u00a0Juillet"),
    ]
    assert m.plain_text(typeset((m.Text("le 1er mai"),), "fr")) == "le 1er\u00a0mai"


@pytest.mark.parametrize("nodes, lang", [
    ((m.Text("au 1er étage, le 11er mai, v1.1er mai, 1er"),), "fr"),  # no date's first day
    ((m.Code("1er mai"), m.Link("https://example.org/1er mai", ())), "fr"),  # code, a link's address
    ((m.Untranslated((m.Text("the 1er mai holiday"),), "en"),), "fr"),  # source text standing in
    ((m.Text("the 1er mai holiday"),), "en"),  # another language
])
def test_no_other_1er_is_raised(nodes, lang):
    assert not [node for node in walk(typeset(nodes, lang)) if node.kind == "superscript"]


# --- the root, built -------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_root(NAME, tmp_path_factory.mktemp("ordinals"))
    result = run_in(project, "official", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def _document(project: Path, lang: str, suffix: str) -> Path:
    return project / "output" / NAME / f"{NAME}.{lang}.{suffix}"


def _raised(words) -> list[tuple[tuple, tuple]]:
    """(day, "er") pairs of words where "er" follows the day's "1" on its line, smaller and raised."""
    return [(one, er) for one, er in zip(words, words[1:], strict=False)
            if one[0].endswith("1") and er[0].startswith("er") and abs(er[1] - one[3]) < 1
            and er[4] < one[4] - 1.5 and er[4] - er[2] < 0.8 * (one[4] - one[2])]


def test_the_pdf_raises_each_first_day_and_its_text_reads_1er(project):
    pdf = _document(project, "fr", "pdf")
    assert len(_raised(bbox_words(pdf))) == DATES, [word[0] for word in bbox_words(pdf)]
    words = [word[0] for word in bbox_words(pdf)]
    assert words.count("1er") == 2  # "1er étage" and the code: as typed, on the line
    text = subprocess.run([need("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for copied in ("Atelier du 1er décembre 2023 sur", "le 1er mai 2022", "le 1er décembre 2023, au 1er étage", "du 1er au 3 juin 2024, puis les 1er et 2",
                   "Les mots 1er mai", "1er décembre 2023", "le 1er mai.", "jusqu’au 1er mars 2024"):
        assert copied in text.replace("\u00a0", " "), copied
    assert not _raised(bbox_words(_document(project, "en", "pdf")))


def _superscript_runs(part) -> list:
    return [run for run in part.iter(f"{W}r")
            if any(align.get(f"{W}val") == "superscript" for align in run.iterfind(f"{W}rPr/{W}vertAlign"))]


def test_the_docx_has_word_superscript_runs_and_its_text_reads_1er(project):
    path = _document(project, "fr", "docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs] + [p.text for t in document.tables for c in t._cells
                                                     for p in c.paragraphs]
    # the footnote's in its own part; "1er étage" and the code's as typed
    assert sum(text.count("1er") for text in texts) == DATES - 1 + 2
    assert any("au 1er étage" in text for text in texts) and any("Les mots 1er mai" in text for text in texts)
    body = [run for run in _superscript_runs(document.element.body) if run.findtext(f"{W}t") == "er"]
    assert len(body) == DATES - 1 == len(_superscript_runs(document.element.body))
    for run in body:
        before = run.getprevious()
        assert (before.findtext(f"{W}t") or "").endswith("1")
    with zipfile.ZipFile(path) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    assert [run.findtext(f"{W}t") for run in _superscript_runs(notes)] == ["er"]  # the call's number is a style
    english = docx.Document(str(_document(project, "en", "docx")))
    assert not _superscript_runs(english.element.body)


def test_libreoffice_shows_the_docx_s_first_days_raised(project, tmp_path):
    subprocess.run([need("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(_document(project, "fr", "docx"))],
                   capture_output=True, text=True, timeout=600, check=True)
    words = bbox_words(tmp_path / f"{NAME}.fr.pdf")
    assert len(_raised(words)) == DATES, [word[0] for word in words]


def test_an_unedited_docx_reads_back_unchanged(project):
    path = _document(project, "fr", "docx")
    assert _superscript_runs(docx.Document(str(path)).element.body)
    result = run_in(project, "review", "import", "--list", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in result.stdout


def _edited(source: Path, target: Path, edits: dict[str, str]) -> Path:
    """``source`` with each of ``edits`` (a run's text, a new text) made in its body, as a reviser types."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for old, new in edits.items():
                    assert text.count(old) == 1, old
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            out.writestr(item, data)
    return target


def test_an_edit_beside_a_raised_first_day_comes_back_into_the_catalog(project, tmp_path):
    copy = tmp_path / NAME
    shutil.copytree(project, copy)
    reviewed = _edited(_document(copy, "fr", "docx"), tmp_path / "reviewed.docx", {
        ">La réunion préparatoire se tiendra le 1<": ">La petite réunion préparatoire se tiendra le 1<",  # before
        "> au 3\u00a0juin\u00a02024, puis les 1<": "> au 4\u00a0juin\u00a02024, puis les 1<",  # after
    })
    assert _superscript_runs(docx.Document(str(reviewed)).element.body)
    result = run_in(copy, "review", "import", "--accept-all", str(reviewed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 unit(s) changed" in result.stdout
    catalog = (copy / "locales" / "fr" / "LC_MESSAGES" / f"{NAME}.po").read_text(encoding="utf-8")
    joined = re.sub(r'"\n"', "", catalog)
    assert 'msgstr "La petite réunion préparatoire se tiendra le 1er mai 2022 au centre de conférences."' in joined
    assert "du 1er au 4 juin 2024, puis les 1er et 2 juillet 2024." in joined
    assert "\x02" not in catalog and "<sup" not in catalog


def test_the_word_import_gives_back_1er_as_text(project, tmp_path):
    copy = tmp_path / NAME
    shutil.copytree(project, copy)
    path = _document(copy, "fr", "docx")
    assert _superscript_runs(docx.Document(str(path)).element.body)
    result = run_in(copy, "import", "--id", "imported", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    note = (copy / "content" / "imported" / "note.md").read_text(encoding="utf-8")
    for text in ("title: Atelier du 1er décembre 2023 sur", "le 1er mai 2022", "le 1er décembre 2023, au 1er étage",
                 "du 1er au 3 juin 2024, puis les 1er et 2", "| 1er décembre 2023 |", "jusqu’au 1er mars 2024"):
        assert text in note.replace("\u00a0", " "), text
    assert "<sup" not in note and "^er" not in note


def test_a_project_s_templates_without_the_superscript_macro_are_told_at_check(tmp_path):
    """A project's own copy of the templates made before the superscript: ``check`` names the
    macro to add and the line of the unit, where rendering would have failed."""
    project = copy_root(NAME, tmp_path)
    templates = project / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    blocks = templates / "blocks.html.j2"
    text = blocks.read_text(encoding="utf-8")
    blocks.write_text(re.sub(r"\{% macro superscript\(n\) %\}.*?\{% endmacro %\}", "", text), encoding="utf-8")
    result = run_in(project, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"content/{NAME}/note.md:16:" in result.stderr.replace("\\", "/"), result.stderr
    assert "macro superscript(node)" in result.stderr and "blocks.html.j2" in result.stderr
