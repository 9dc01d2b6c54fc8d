"""Marks and spacing an editor would otherwise correct by hand (issue 20).

A footnote call never starts a line (PDF word positions, DOCX XML); untranslated front
matter is marked as body text is; French and Russian numbers written in groups of three
digits never break.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from .conftest import run_in, write_note

WORD_JOINER = "\u2060"

# Each paragraph: filler of a growing width, then a word and a footnote call; one of them
# ends the word at the end of a line, where a call without a join would start the next.
FILLER = {"en": ("Word " * 13, "i", " Risk Reduction.", " More text follows here."),
          "zh": ("", "字", "减少灾害风险。", "后面还有文字。"),
          "ar": ("كلمة " * 13, "ب", " الحد من الكوارث.", " ويتبع ذلك نص آخر.")}


def footnote_note(project: Path, lang: str, calls: int = 40) -> Path:
    """A note in ``lang`` whose paragraphs end a line at every width around a footnote call."""
    start, step, word, after = FILLER[lang]
    paragraphs = [f"{start}{step * k}{word}[^n{k}]{after}" for k in range(1, calls + 1)]
    notes = [f"[^n{k}]: Note {k}." for k in range(1, calls + 1)]
    front = f"""\
        title: Test Conference
        languages: [{lang}]
        source_language: {lang}
        event:
          start: 2022-05-10
          end: 2022-05-11
          city: Geneva
          country: CH
        organizers:
          - United Nations Office of Counter-Terrorism
        """
    body = "# Introduction\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(notes) + "\n"
    return write_note(project / "content" / "calls", body.replace("\n", "\n"), front)


def pdf_words(pdf: Path) -> list[tuple[int, float, float, float, str]]:
    """Every word of the PDF: page, left, top and right edge, text (pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                                 page):
            found.append((number, float(match[1]), float(match[2]), float(match[3]), match[4]))
    return found


def calls_starting_lines(pdf: Path, rtl: bool) -> list[str]:
    """The footnote calls of the body (a number on a line without the footnotes' "Note")
    that stand at the start of a line: at the page's left text edge (right, right to left)."""
    words = pdf_words(pdf)
    edge: dict[int, float] = {}
    for page, left, _top, right, _text in words:
        edge[page] = max(edge.get(page, right), right) if rtl else min(edge.get(page, left), left)
    notes = {(page, round(top)) for page, _left, top, _right, text in words if text.strip(".") == "Note"}
    starting = []
    for page, left, top, right, text in words:
        footnote = any((page, round(top) + shift) in notes for shift in range(-3, 4))
        at_start = abs((right if rtl else left) - edge[page]) < 1
        if re.match(r"\d", text) and at_start and not footnote:
            starting.append(f"page {page}: {text!r} at the start of a line, at y={top:.0f}")
    return starting


@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_footnote_call_never_starts_a_line(tmp_path, lang):
    footnote_note(tmp_path, lang)
    result = run_in(tmp_path, "build", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = tmp_path / "output" / "calls" / f"calls.{lang}.pdf"
    words = [text for *_, text in pdf_words(pdf)]
    assert sum(text.strip(".") == "Note" for text in words) == 40  # every footnote printed
    assert calls_starting_lines(pdf, rtl=lang == "ar") == []
    # the DOCX: the call's run follows a word joiner, which joins it to the character before
    document = Document(tmp_path / "output" / "calls" / f"calls.{lang}.docx")
    body = document.element.body
    references = body.findall(".//{*}footnoteReference")
    assert len(references) == 40
    for reference in references:
        run = reference.getparent()
        before = run.getprevious()
        text = "".join(t.text or "" for t in before.iter("{*}t"))
        assert text.endswith(WORD_JOINER), f"no word joiner before the call: {text!r}"


# Numbers written in groups ----------------------------------------------------------------

NUMBERS = "Il y a 1 000 places et 25 000 000 dollars ; en 2022 100 participants."
GROUP_SPACE = {"fr": "\u202f", "ru": "\u00a0", "es": " "}  # Spanish: as typed (no sourced UN rule)
WIDTHS = 40  # paragraphs, each with "1 000" a little further along its line


def numbers_note(project: Path, lang: str) -> Path:
    """A note in ``lang`` with grouped numbers in a paragraph and a table, and paragraphs
    that put "1 000" at the end of a line at every width around it."""
    front = f"""\
        title: Test Conference
        languages: [{lang}]
        source_language: {lang}
        event:
          start: 2022-05-10
          end: 2022-05-11
          city: Geneva
          country: CH
        organizers:
          - United Nations Office of Counter-Terrorism
        """
    widths = "\n\n".join(f"{'Mot ' * 19}{'i' * k} 1 000 places." for k in range(1, WIDTHS + 1))
    body = f"""\
# Introduction

{NUMBERS}

| Participants | Budget |
| --- | --- |
| 1 000 | 25 000 000 |

{widths}
"""
    return write_note(project / "content" / f"numbers-{lang}", body, front)


def grouped(lang: str) -> tuple[str, str, str]:
    space = GROUP_SPACE[lang]
    return f"1{space}000", f"25{space}000{space}000", "2022 100 participants"


@pytest.fixture(scope="module")
def numbers_built(tmp_path_factory):
    project = tmp_path_factory.mktemp("numbers")
    for lang in GROUP_SPACE:
        numbers_note(project, lang)
    result = run_in(project, "build", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output"


@pytest.mark.parametrize("lang", sorted(GROUP_SPACE))
def test_number_groups_in_docx_text_and_tables(numbers_built, lang):
    document = Document(numbers_built / f"numbers-{lang}" / f"numbers-{lang}.{lang}.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    one, many, other = grouped(lang)
    assert one in text and many in text and other in text  # "2022 100": two numbers, as typed
    assert text.count(one) == 1 + WIDTHS
    cells = [cell.text for cell in document.tables[0].rows[1].cells]
    assert cells == [one, many]


@pytest.mark.parametrize("lang", sorted(GROUP_SPACE))
def test_number_groups_never_break_in_pdf(numbers_built, lang):
    """Every "1" of "1 000" is on the line of its "000" in French and Russian; in Spanish,
    typed as written, one of the paragraphs breaks it (the test puts it at a line's end)."""
    pdf = numbers_built / f"numbers-{lang}" / f"numbers-{lang}.{lang}.pdf"
    words = pdf_words(pdf)
    pairs = [(word, words[index + 1]) for index, word in enumerate(words[:-1])
             if word[4] == "1" and words[index + 1][4] in ("000", "000,")]
    assert len(pairs) >= WIDTHS + 1  # the paragraph, the table cell, the widths
    broken = [f"page {one[0]}: 1 | 000 at y={one[2]:.0f}" for one, thousand in pairs if abs(one[2] - thousand[2]) > 3]
    if lang == "es":
        assert broken
    else:
        assert broken == []


# Untranslated front matter ----------------------------------------------------------------

DRAFT = "translated"  # the test root: English and French, a complete French catalog
PO = f"locales/fr/LC_MESSAGES/{DRAFT}.po"
TITLE = "Regional Workshop on Gender and Human Rights in Preventing and Countering Violent Extremism"
ORGANIZER = "United Nations Entity for Gender Equality and the Empowerment of Women"
HIGHLIGHT = (255, 243, 176)  # .untranslated's background in note.css


def _untranslate(project: Path) -> dict[str, int]:
    """Blank the French title, the second organizer and the city, and make the subtitle fuzzy;
    their lines in the catalog."""
    path = project / PO
    text = path.read_text(encoding="utf-8")
    for msgid in (TITLE, ORGANIZER, "Dakar"):
        text = re.sub(rf'(\nmsgid "{re.escape(msgid)}"\nmsgstr )"[^\n]*"', r'\1""', text)
    text = text.replace('\nmsgid "Concept note"\n', '\n#, fuzzy\nmsgid "Concept note"\n')
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    return {msgid: lines.index(f'msgid "{msgid}"') + 1 for msgid in (TITLE, ORGANIZER, "Dakar", "Concept note")}


@pytest.fixture(scope="module")
def front_draft(tmp_path_factory):
    """The French documents of a draft whose title, subtitle (fuzzy), second organizer and city
    are not translated."""
    from .conftest import copy_root

    project = copy_root(DRAFT, tmp_path_factory.mktemp("front"))
    lines = _untranslate(project)
    result = run_in(project, "build", f"content/{DRAFT}", "--lang", "fr", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return project / "output" / DRAFT, lines, result


def _highlighted(pdf: Path, phrase: str) -> bool:
    """Whether the words of ``phrase`` on page 1 lie on the highlight of untranslated text
    (page drawn at 72 dpi: a pixel is a point)."""
    from PIL import Image

    first = phrase.split()[0]
    boxes = [(left, top, right) for page, left, top, right, text in pdf_words(pdf) if page == 1 and text.strip("،,") == first]
    assert boxes, f"{first!r} not on page 1"
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(pdf.with_suffix(""))], check=True)
    image = Image.open(pdf.with_suffix(".png")).convert("RGB")
    left, top, right = boxes[0]
    pixels = [image.getpixel((x, y)) for x in range(int(left), int(right) + 1) for y in range(int(top), int(top) + 10)]
    return any(all(abs(a - b) <= 8 for a, b in zip(pixel, HIGHLIGHT, strict=True)) for pixel in pixels)


def test_untranslated_front_matter_is_highlighted_in_the_pdf(front_draft):
    out, _lines, _result = front_draft
    pdf = out / f"{DRAFT}.fr.pdf"
    assert _highlighted(pdf, TITLE)  # the English title, as an English paragraph of the body is
    assert _highlighted(pdf, ORGANIZER)
    assert _highlighted(pdf, "Dakar")  # the city, inside the event line
    assert not _highlighted(pdf, "Bureau de lutte")  # the first organizer is translated


def test_untranslated_front_matter_is_commented_in_the_docx(front_draft):
    from lxml import etree

    from .test_docx import docx_part_xml

    out, lines, result = front_draft
    path = out / f"{DRAFT}.fr.docx"
    root = etree.fromstring(docx_part_xml(path, "word/comments.xml"))
    comments = {c.get(f"{{{W}}}id"): "".join(t.text or "" for t in c.iter(f"{{{W}}}t"))
                for c in root.iter(f"{{{W}}}comment")}
    document = Document(path)
    commented = {}
    for paragraph in document.paragraphs:
        for start in paragraph._p.iter(f"{{{W}}}commentRangeStart"):
            commented[comments[start.get(f"{{{W}}}id")]] = (paragraph.style.name, _commented_text(paragraph._p, start))
    expected = {
        f"Untranslated: the English text is shown. Translate it in {PO}:{lines[TITLE]}.": ("Title", TITLE),
        f"Untranslated: the English text is shown. Translate it in {PO}:{lines[ORGANIZER]}.":
            ("Masthead Organizer", ORGANIZER),
        f"Untranslated: the English text is shown. Translate it in {PO}:{lines['Dakar']}.": ("Event", "Dakar"),
        f"Fuzzy translation: the English text is shown until a translator checks it. Review it and clear its"
        f" fuzzy flag in {PO}:{lines['Concept note']}.": ("Subtitle", "Concept note"),
    }
    assert commented == expected
    # each was a warning at its catalog line, as a body unit's is
    for msgid in (TITLE, ORGANIZER, "Dakar", "Concept note"):
        assert f"{PO}:{lines[msgid]}: warning: " in result.stderr


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _commented_text(paragraph, start) -> str:
    """The text of ``paragraph`` between a comment's start and its end."""
    inside, text = False, ""
    for element in paragraph.iter(f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd", f"{{{W}}}t"):
        if element is start:
            inside = True
        elif element.tag == f"{{{W}}}commentRangeEnd" and element.get(f"{{{W}}}id") == start.get(f"{{{W}}}id"):
            break
        elif inside and element.tag == f"{{{W}}}t":
            text += element.text or ""
    return text


# Contact names, keywords, the DOCX category -------------------------------------------------


def test_contact_names_and_keywords_are_no_units_and_the_category_is_the_subtitle(tmp_path):
    """A contact's name is printed nowhere: a strict build does not ask for it.  Keywords are
    the note's own search terms, written as they are in every language version; Word's
    category is the kind of document, the subtitle, translated as the subtitle is."""
    from pypdf import PdfReader

    from .conftest import copy_root

    project = copy_root(DRAFT, tmp_path)
    note = project / "content" / DRAFT / "note.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace("contacts:\n  - name: United Nations Office of Counter-Terrorism",
                        "keywords: [gender, human rights]\ncontacts:\n  - name: Focal point of the workshop")
    note.write_text(text, encoding="utf-8")
    result = run_in(project, "build", f"content/{DRAFT}", "--strict", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "Focal point" not in result.stderr
    assert run_in(project, "i18n", "extract", f"content/{DRAFT}").returncode == 0
    template = (project / "locales" / f"{DRAFT}.pot").read_text(encoding="utf-8")
    assert "Focal point of the workshop" not in template and 'msgid "gender"' not in template
    out = project / "output" / DRAFT
    for lang, category in (("en", "Concept note"), ("fr", "Note de cadrage")):
        properties = Document(out / f"{DRAFT}.{lang}.docx").core_properties
        assert (properties.keywords, properties.category) == ("gender, human rights", category)
        assert PdfReader(out / f"{DRAFT}.{lang}.pdf").metadata["/Keywords"] == "gender, human rights"


def test_untranslated_city_in_an_arabic_event_line(tmp_path):
    """The city is marked; the event line stays right to left: the English city, first in
    the line, stands at its right end (the PDF) and the paragraph keeps w:bidi (the DOCX)."""
    from .conftest import copy_root

    project = copy_root("official", tmp_path)
    path = project / "locales" / "ar" / "LC_MESSAGES" / "official.po"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r'(#\. event\.city\n#: [^\n]*\nmsgid "Málaga"\nmsgstr )"[^"\n]*"', r'\1""', text)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    result = run_in(project, "build", "--lang", "ar", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    pdf = project / "output" / "official" / "official.ar.pdf"
    words = [word for word in pdf_words(pdf) if word[0] == 1]
    (city,) = [word for word in words if word[4].strip("،,") == "Málaga"]
    line = [word for word in words if abs(word[2] - city[2]) < 4]
    assert city[3] >= max(word[3] for word in line) - 1  # at the line's right end
    assert _highlighted(pdf, "Málaga")
    document = Document(project / "output" / "official" / "official.ar.docx")
    (event,) = [p for p in document.paragraphs if p.style.name == "Event"]
    assert event.text.startswith("Málaga")
    assert event._p.find(f"{{{W}}}pPr/{{{W}}}bidi") is not None


def test_an_untranslated_city_and_a_superscript_date_in_one_event_line(tmp_path):
    """The marks and the dates meet in the event line: with the city untranslated in a French
    draft, the line is in marked pieces, and its date still sets the "er" of "1er" as a
    superscript (the PDF's HTML and a Word superscript run) beside the commented city."""
    from .conftest import copy_root

    project = copy_root("egm-cross-month", tmp_path)
    path = project / "locales" / "fr" / "LC_MESSAGES" / "egm-cross-month.po"
    text, count = re.subn(r'(#\. event\.city\n#: [^\n]*\nmsgid "Geneva"\nmsgstr )"[^"\n]*"', r'\1""',
                          path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")
    result = run_in(project, "build", "--lang", "fr", "--format", "html,docx", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    out = project / "output" / "egm-cross-month"
    page = (out / "egm-cross-month.fr.html").read_text(encoding="utf-8")
    (event,) = re.findall(r'<p class="event">(.*?)</p>', page, flags=re.S)
    assert "Geneva" in event and "Genève" not in event
    assert re.search(r"1<sup>er</sup>\u00a0décembre", event), event
    document = Document(out / "egm-cross-month.fr.docx")
    (paragraph,) = [p for p in document.paragraphs if p.style.name == "Event"]
    assert "Geneva" in paragraph.text and "Genève" not in paragraph.text
    assert [run.text for run in paragraph.runs if run.font.superscript] == ["er"]
    comments = paragraph._p.findall(f".//{{{W}}}commentRangeStart")
    assert comments, paragraph._p.xml[:2000]
