"""Numbered paragraphs, figures and table captions, as UN documents have them.

The test root ``figures`` (English, Arabic, Chinese; no catalogs: a draft build) has
``numbered_paragraphs: true``, five body paragraphs among a quotation, a list, two figures
and a captioned table.  Each document is read back: the PDF with pdftotext, the DOCX with
python-docx.
"""

from __future__ import annotations

import re

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from conceptnotes import model as m
from conceptnotes.errors import NoteError
from conceptnotes.read.loader import load_note

from .conftest import FRONT, build_in, note_of, run_cli
from .readback import pdf_text

ROOT = "figures"
BODY_PARAGRAPHS = [  # the note's body paragraphs, in order (not the quotation, list, figures)
    "The United Nations Office of Counter-Terrorism",
    "The course serves the first purpose",
    "It will cover:",
    "The course will combine presentations",
    "Participants will receive the materials",
]
NOT_NUMBERED = ["To maintain international peace", "the international legal framework against terrorism;"]
# label of figure I, figure II, table 1 in each language, as UN documents write them
CAPTIONS = {
    "en": ("Figure I", "Figure II", "Table 1"),
    "ar": ("الشكل الأول", "الشكل الثاني", "الجدول 1"),
    "zh": ("图一", "图二", "表1"),
}
TITLES = ("Training rooms of the Vienna International Centre", "Moot court room", "Programme of the course")
NUMBER_FORM = {"en": "{n}.", "zh": "{n}.", "ar": "{n} -"}  # Word's w:lvlText with %1 for {n}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_flat(path, lang: str) -> str:
    """The PDF's text on one line; Arabic through pypdf, which keeps a line's runs in order
    (pdftotext moves the paragraph number of a right-to-left line after its first line)."""
    if lang != "ar":
        return flat(pdf_text(path))
    reader = pypdf.PdfReader(path)
    return flat(" ".join(page.extract_text() for page in reader.pages)).replace("\u202b", "").replace("\u202c", "")


def shown(text: str, lang: str) -> str:
    """A regular expression of ``text`` as the PDF's text shows it: in Arabic, a run of
    digits and neutral characters may come out in visual order ("1 -" as "- 1")."""
    pattern = re.escape(text)
    if lang == "ar":
        parts = text.split(" ")
        pattern = "(?:" + pattern + "|" + r"\s*".join(re.escape(p) for p in reversed(parts)) + ")"
    return pattern


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_pdf_numbers_body_paragraphs_only(built, lang):
    text = pdf_flat(built(ROOT) / "output" / ROOT / f"{ROOT}.{lang}.pdf", lang)
    for number, start in enumerate(BODY_PARAGRAPHS, 1):
        number_text = NUMBER_FORM[lang].format(n=number)
        assert re.search(shown(number_text, lang) + r"\s*" + re.escape(start), text), (lang, number_text, start)
    for start in NOT_NUMBERED + [t for t in TITLES]:
        assert not re.search(r"\d+(?:\.|\s?-)\s*" + re.escape(start), text), (lang, start)
    assert not re.search(r"\b6(?:\.|\s-)", text)


def docx_of(built, lang: str):
    return docx.Document(str(built(ROOT) / "output" / ROOT / f"{ROOT}.{lang}.docx"))


def numbering_of(document, paragraph) -> tuple[str, str] | None:
    """(w:numFmt, w:lvlText) of a numbered paragraph's level 0, or None."""
    num_id = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id.get(qn("w:val")))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    level = abstract.find(qn("w:lvl"))
    return level.find(qn("w:numFmt")).get(qn("w:val")), level.find(qn("w:lvlText")).get(qn("w:val"))


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_docx_numbers_body_paragraphs_with_word_numbering(built, lang):
    document = docx_of(built, lang)
    numbered = [(p.text, numbering_of(document, p)) for p in document.paragraphs if p.style.name == "Body Text"]
    numbered = [(text, numbering) for text, numbering in numbered if numbering is not None]
    assert [text[: len(start)] for (text, _), start in zip(numbered, BODY_PARAGRAPHS, strict=False)] == BODY_PARAGRAPHS
    assert len(numbered) == len(BODY_PARAGRAPHS)
    lvl_text = NUMBER_FORM[lang].format(n="%1")
    assert {numbering for _, numbering in numbered} == {("decimal", lvl_text)}
    # the numbers are Word's, never text of the paragraphs
    assert not any(re.match(r"\d", text) for text, _ in numbered)


def test_without_the_option_no_paragraph_is_numbered(root):
    project = root(ROOT)
    note = project / "content" / ROOT / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("numbered_paragraphs: true\n", ""), encoding="utf-8")
    assert build_in(project, "build", "--jobs", "1", "--lang", "en") == 0
    text = flat(pdf_text(project / "output" / ROOT / f"{ROOT}.en.pdf"))
    assert not re.search(r"\b1\.\s*" + re.escape(BODY_PARAGRAPHS[0]), text)
    assert "Figure I" in text  # figures and captions do not depend on the option
    document = docx.Document(str(project / "output" / ROOT / f"{ROOT}.en.docx"))
    assert all(numbering_of(document, p) is None for p in document.paragraphs if p.style.name == "Body Text")


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_pdf_shows_numbered_captions_above_what_they_caption(built, lang):
    text = pdf_flat(built(ROOT) / "output" / ROOT / f"{ROOT}.{lang}.pdf", lang)
    positions = []
    for label, title in zip(CAPTIONS[lang], TITLES, strict=True):
        match = re.search(shown(label, lang) + r"\s*" + re.escape(title), text)
        assert match, (lang, label, title)
        positions.append(match.start())
    figure_one, figure_two, table_one = positions
    assert figure_one < table_one < figure_two
    assert text.index("Date", table_one) < text.index("8 May 2023")  # the caption is above the table
    assert "Table:" not in text


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_docx_captions_in_the_caption_style(built, lang):
    document = docx_of(built, lang)
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    figure_one, figure_two, table_one = (f"{label}\n{title}" for label, title in zip(CAPTIONS[lang], TITLES,
                                                                                       strict=True))
    assert [p.text for p in captions] == [figure_one, table_one, figure_two]  # in reading order
    assert all(p.paragraph_format.keep_with_next for p in captions)
    body = list(document.element.body)
    for caption in (captions[0], captions[2]):  # the image follows its caption
        assert body[body.index(caption._p) + 1].find(f".//{qn('w:drawing')}") is not None
    assert body[body.index(captions[1]._p) + 1].tag == qn("w:tbl")  # the table follows its caption
    assert all("Table:" not in p.text for p in document.paragraphs)


def with_catalogs(project, *langs: str):
    """The project given a locales/ folder of its own, with the checkout's labels for ``langs``."""
    from .conftest import ROOT as CHECKOUT

    for lang in langs:
        folder = project / "locales" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_bytes((CHECKOUT / "locales" / lang / "LC_MESSAGES" / "messages.po").read_bytes())
    return project


def test_captions_are_translation_units_without_their_numbers(root):
    project = with_catalogs(root(ROOT), "ar", "zh")
    assert build_in(project, "i18n", "extract") == 0
    pot = (project / "locales" / f"{ROOT}.pot").read_text(encoding="utf-8")
    for title in TITLES:
        assert f'#. caption\n#: content/{ROOT}/note.md:' in pot
        assert f'msgid "{title}"' in pot
    assert 'msgid "![Plan of the training rooms](assets/floor-plan.png)"' in pot  # the image: its alt text
    assert "Figure I" not in pot and "Table 1" not in pot and "Table:" not in pot
    assert not re.search(r'msgid "\d+\.', pot)


def test_translated_caption_is_shown(root):
    project = with_catalogs(root(ROOT), "ar", "zh")
    assert build_in(project, "i18n", "extract") == 0
    assert build_in(project, "i18n", "update") == 0
    po = project / "locales" / "zh" / "LC_MESSAGES" / f"{ROOT}.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "Moot court room"\nmsgstr ""', 'msgid "Moot court room"\nmsgstr "模拟法庭"')
    text = text.replace('msgid "Programme of the course"\nmsgstr ""', 'msgid "Programme of the course"\nmsgstr "课程安排"')
    po.write_text(text, encoding="utf-8")
    assert build_in(project, "build", "--jobs", "1", "--lang", "zh") == 0
    pdf = flat(pdf_text(project / "output" / ROOT / f"{ROOT}.zh.pdf"))
    assert re.search(r"图二\s*模拟法庭", pdf) and re.search(r"表1\s*课程安排", pdf)
    document = docx.Document(str(project / "output" / ROOT / f"{ROOT}.zh.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"][1:] == ["表1\n课程安排", "图二\n模拟法庭"]


def test_model_of_figures_and_captioned_tables(root):
    note = note_of(root(ROOT))
    figures = [b for b in note.document.blocks if isinstance(b, m.Figure)]
    tables = [b for b in note.document.blocks if isinstance(b, m.Table)]
    assert [(f.number, m.plain_text(f.caption)) for f in figures] == [(1, TITLES[0]), (2, TITLES[1])]
    assert all(f.children[0].title == "" for f in figures)  # the title is the caption, not twice
    assert [(t.number, m.plain_text(t.caption)) for t in tables] == [(1, TITLES[2])]
    assert note.meta.numbered_paragraphs is True


@pytest.mark.parametrize("value", ["yes", "1", "True", "[true]"])
def test_numbered_paragraphs_must_be_true_or_false(make_note, value):
    folder = make_note(front=FRONT + f"numbered_paragraphs: {value}\n")
    with pytest.raises(NoteError) as caught:
        load_note(folder)
    (problem,) = caught.value.problems
    assert problem.line == 12 and "'numbered_paragraphs' must be" in problem.message


def test_table_caption_without_a_table_is_an_error(make_note):
    folder = make_note("# Programme\n\nTable: Programme of the course\n\nThe course will last three days.\n")
    with pytest.raises(NoteError) as caught:
        load_note(folder)
    (problem,) = caught.value.problems
    assert problem.path.endswith("note.md") and problem.line == 15
    assert "a table caption ('Table: ...') must come right before its table" in problem.message


def test_image_without_title_or_inside_text_is_no_figure(make_note):
    folder = make_note("# Plan\n\n![A plan](assets/plan.png)\n\nSee ![A plan](assets/plan.png \"Plan\") here.\n")
    (folder / "assets").mkdir()
    (folder / "assets" / "plan.png").write_bytes(_png())
    note, _ = load_note(folder)
    assert not [b for b in note.document.blocks if isinstance(b, m.Figure)]


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["table", "figure"])
def test_caption_longer_than_a_unit_may_be_is_refused(make_note, kind):
    from conceptnotes.read.limits import MAX_UNIT_CHARS

    title = "word " * (MAX_UNIT_CHARS // 5 + 10)
    if kind == "table":
        body = f"# Programme\n\nTable: {title}\n\n| Date | Session |\n|---|---|\n| 8 May | Opening |\n"
    else:
        body = f'# Plan\n\n![A plan](assets/plan.png "{title.strip()}")\n'
    folder = make_note(body)
    (folder / "assets").mkdir()
    (folder / "assets" / "plan.png").write_bytes(_png())
    result = run_cli("check", cwd=folder.parent.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "note.md:" in line]
    assert "note.md:15:" in line and f"at most {MAX_UNIT_CHARS:,}" in line, line
