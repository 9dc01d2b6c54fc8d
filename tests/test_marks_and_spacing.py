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
