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
