"""Quotation marks and spacing of each language."""

from __future__ import annotations

import pytest

from conceptnotes import model as m
from conceptnotes.i18n.typography import typeset
from conceptnotes.languages import CODES


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "the “Virtual Dialogue” ended"),
    ("es", "the “Virtual Dialogue” ended"),
    ("zh", "the “Virtual Dialogue” ended"),
    ("ru", "the «Virtual Dialogue» ended"),
    ("ar", "the «Virtual Dialogue» ended"),
    ("fr", "the «\u00a0Virtual Dialogue\u00a0» ended"),
])  # fmt: skip
def test_straight_quotes_become_the_language_s_marks(lang, expected):
    assert typeset((m.Text('the "Virtual Dialogue" ended'),), lang) == (m.Text(expected),)


def test_code_and_link_targets_keep_their_quotes():
    nodes = (m.Code('say "hi"'), m.Link('https://x.org/?q="a"', (m.Text('"here"'),)))
    assert typeset(nodes, "fr") == (m.Code('say "hi"'), m.Link('https://x.org/?q="a"', (m.Text("«\u00a0here\u00a0»"),)))


def test_an_unpaired_quote_is_left_alone():
    assert typeset((m.Text('5" screen'),), "en") == (m.Text('5" screen'),)


@pytest.mark.parametrize("lang", CODES)
def test_apostrophes_are_curled_in_every_language(lang):
    text = "Children's rights, the victims' associations, l'état and 'quoted' text"
    expected = "Children’s rights, the victims’ associations, l’état and 'quoted' text"
    assert typeset((m.Text(text),), lang) == (m.Text(expected),)


def test_apostrophes_curled_in_the_pdf_and_the_docx(make_note):
    import docx

    from .conftest import build_in
    from .readback import pdf_text

    folder = make_note("# Introduction\n\nThe Children's Fund and the victims' associations.\n")
    project = folder.parent.parent
    assert build_in(project, "build", "--jobs", "1") == 0
    out = project / "output" / folder.name
    expected = "The Children’s Fund and the victims’ associations."
    assert expected in pdf_text(out / f"{folder.name}.en.pdf").replace("\n", " ")
    assert expected in [p.text for p in docx.Document(str(out / f"{folder.name}.en.docx")).paragraphs]


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("es", "el 9 de mayo de 2022 y", "el 9\u00a0de\u00a0mayo\u00a0de\u00a02022 y"),
    ("ar", "في 10 أيار/مايو 2022", "في 10\u00a0أيار/\u2060مايو\u00a02022"),
    ("ar", "في تشرين الأول/أكتوبر", "في تشرين\u00a0الأول/\u2060أكتوبر"),
    ("ru", "10 и 11 мая 2022 года,", "10 и 11\u00a0мая\u00a02022\u00a0года,"),
    ("fr", "le 1er mai 2022.", "le 1er\u00a0mai\u00a02022."),
    ("en", "on 10 May 2022, 10:00–10:30 and 9:00 - 9:30", "on 10\u00a0May\u00a02022, 10:00–\u206010:30 and 9:00\u00a0-\u00a09:30"),
])  # fmt: skip
def test_dates_and_time_ranges_hold_together(lang, text, expected):
    assert m.plain_text(typeset((m.Text(text),), lang)) == expected  # French "1er": its "er" raised, a node


def test_dates_and_time_ranges_never_break_across_lines(make_note, tmp_path):
    """Fifty dates and times in a justified paragraph: before the rule, some ended a line."""
    import docx

    from .conftest import build_in, need
    from .readback import pdf_text

    items = [f"{day} May 2022, {day - 1}:00–{day - 1}:30" for day in range(10, 30)] * 3
    folder = make_note("# Programme\n\nThe sessions are on " + "; on ".join(items) + ".\n\n"
                       "| Time | Session |\n| --- | --- |\n| 7:45–8:15 on 10 May 2022 | Opening of the "
                       "workshop and adoption of the programme of work |\n")
    project = folder.parent.parent
    assert build_in(project, "build", "--jobs", "1") == 0
    out = project / "output" / folder.name
    docx_path = out / f"{folder.name}.en.docx"
    assert any("10\u00a0May\u00a02022" in p.text for p in docx.Document(str(docx_path)).paragraphs)
    import subprocess

    subprocess.run([need("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)], capture_output=True, timeout=240)
    for pdf in (out / f"{folder.name}.en.pdf", tmp_path / f"{folder.name}.en.pdf"):
        lines = pdf_text(pdf).replace("\u00a0", " ").replace("\u2060", "").splitlines()
        for day in range(10, 30):
            on_one_line = sum(line.count(f"{day} May 2022") for line in lines)
            times = sum(line.count(f"{day - 1}:00–{day - 1}:30") for line in lines)
            assert on_one_line >= 3 and times == 3, (pdf.name, day, on_one_line, times)


def test_an_arabic_month_never_breaks_at_its_slash_in_a_narrow_cell(make_note):
    """UN Arabic names a month twice ('تشرين الأول/أكتوبر'): in a narrow table cell the line
    broke after the slash, with or without a day before the name."""
    import docx

    from .conftest import build_in
    from .readback import pdf_text

    months = ["تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر", "كانون الثاني/يناير"]
    rows = "".join(f"| {month} | {day} {month} 2022 | جلسة عامة بشأن التعاون الدولي في مكافحة الإرهاب |"
                   f" القاعة الأولى في قصر الأمم | رئيس الاجتماع | {month} |\n"
                   for day, month in enumerate(months, start=10))
    front = FRONT_AR
    folder = make_note("# البرنامج\n\n| الشهر | التاريخ | الجلسة | المكان | الرئيس | الملاحظات |\n"
                       "| --- | --- | --- | --- | --- | --- |\n" + rows, front=front)
    project = folder.parent.parent
    assert build_in(project, "build", "--jobs", "1") == 0
    out = project / "output" / folder.name
    bidi = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e\u200e\u200f\u2066\u2067\u2068\u2069")
    lines = [line.translate(bidi).strip() for line in pdf_text(out / f"{folder.name}.ar.pdf").splitlines()]
    assert not [line for line in lines if line.endswith("/") or line.startswith("/")], lines
    shown = "".join(lines).replace("\u2060", "").replace("\u00a0", " ")
    assert all(shown.count(month) >= 2 for month in months)
    cells = [cell.text for table in docx.Document(str(out / f"{folder.name}.ar.docx")).tables
             for row in table.rows for cell in row.cells]
    assert cells.count("تشرين\u00a0الأول/\u2060أكتوبر") == 2  # the DOCX says the same: Word keeps it whole


FRONT_AR = """\
title: اجتماع فريق الخبراء
subtitle: مذكرة مفاهيمية
source_language: ar
languages: [ar]
event:
  start: 2022-10-10
  end: 2022-10-11
  city: جنيف
  country: CH
organizers:
  - مكتب الأمم المتحدة لمكافحة الإرهاب
"""


# The typesetting passes a text by when it lacks what a rule needs (a digit for dates, times and
# numbers; a mark for French spacing): sound only if no rule can match such a text.
def _pieces():
    from hypothesis import strategies as st

    from conceptnotes.i18n.formatting import month_names

    words = sorted({name for lang in CODES for name in month_names(lang)} | {"de", "года", "er", "au", "et"})
    marks = [" ", "\u00a0", "\u202f", "/", "-", "–", ".", ",", ";", ":", "!", "?", "«", "»", '"', "'", ")", "\n"]
    return st.lists(st.sampled_from(words + marks) | st.text(max_size=3), max_size=12).map("".join)


def test_a_text_the_typesetting_passes_by_is_one_no_rule_would_change():
    from hypothesis import example, given, settings

    from conceptnotes.i18n import typography as t

    @settings(max_examples=400, deadline=None)
    @given(_pieces())
    @example("April:").via("a colon ends it")
    @example("« oui »").via("quotation marks")
    @example("Quoi ?").via("a question")
    @example("l'état").via("an apostrophe")
    def check(text):
        if not t.DIGIT.search(text):
            assert not t.TIME_RANGE.search(text) and not t.NUMBER_GROUPS.search(text)
            assert not any(t._date_pattern(lang).search(text) for lang in CODES)
        if not t.FRENCH_MARKS.search(text):
            assert not any(pattern.search(text) for pattern, _ in t.FRENCH_SPACES)
        if '"' not in text and "'" not in text:
            assert t.quotes(text, "fr") == text and not t.APOSTROPHE.search(text)

    check()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_run_that_occurs_again_is_typeset_as_the_first(lang, make_note):
    """typeset_note typesets each distinct run once: every occurrence comes out as typeset
    alone would make it, and a run no rule changes stays the very same tuple."""
    from conceptnotes.i18n.typography import typeset_note
    from conceptnotes.i18n.units import map_document
    from conceptnotes.read.loader import load_note

    rows = "\n".join(f"| 1er mai : « {n % 2} » | Plenary | l'état, 09:00-10:00 |" for n in range(6))
    folder = make_note(body=f"## Programme\n\n| A | B | C |\n| --- | --- | --- |\n{rows}\n\nPlenary\n\n"
                            "l'état, 09:00-10:00\n")
    note, _ = load_note(folder)
    typeset_once = typeset_note(note, lang).document
    each = map_document(note.document, lambda inlines, line, kind: typeset(inlines, lang))
    assert typeset_once == each
    table = next(block for block in note.document.blocks if isinstance(block, m.Table))
    typeset_table = next(block for block in typeset_once.blocks if isinstance(block, m.Table))
    assert typeset_table.body[3][1].children is table.body[3][1].children  # "Plenary": unchanged, kept
    assert typeset_table.body[3][2].children != table.body[3][2].children  # the apostrophe curled
