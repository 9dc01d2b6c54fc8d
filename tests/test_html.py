"""The HTML the PDF is made from: golden file for the sample, escaping, unsupported nodes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conceptnotes import model as m
from conceptnotes.errors import NoteError
from conceptnotes.i18n.localize import localize
from conceptnotes.languages import CODES
from conceptnotes.read.loader import load_note
from conceptnotes.render.docx.renderer import render_docx
from conceptnotes.render.html import render_html
from conceptnotes.render.pdf import render_pdf

from .readback import words

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("lang", CODES)
def test_sample_html_matches_golden(sample_note, lang):
    """Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff."""
    from conceptnotes.fonts import cache_dir

    html = render_html(localize(sample_note, lang)).replace(cache_dir().as_uri(), "file:///CACHE")
    golden = GOLDEN / f"malaga-2022.{lang}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_html_structure(sample_note):
    html = render_html(localize(sample_note, "en"))
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">")
    assert html.count('<span class="footnote"') == len(sample_note.document.footnotes)
    assert html.count("<h2 ") == sum(1 for b in sample_note.document.blocks if isinstance(b, m.Heading)
                                     and b.level == 1)
    assert "<ol>" in html and "<ul>" in html and "<table>" in html and "<thead>" in html


HOSTILE_FRONT = """\
title: "<script>alert(1)</script> {{ 7*7 }} </w:t>"
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-10
  city: "{% raw %}Geneva"
  country: CH
"""


def test_hostile_text_is_shown_literally_never_evaluated(make_note):
    folder = make_note("# {{ 7*7 }}\n\nText `</w:t><script>` and {{ 7*7 }} and &lt;b&gt;.\n", HOSTILE_FRONT)
    note, _ = load_note(folder)
    html = render_html(localize(note, "en"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} &lt;/w:t&gt;" in html
    assert "49" not in html
    import io

    from pypdf import PdfReader

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(localize(note, "en")).data)).pages)
    for literal in ("<script>alert(1)</script>", "{{ 7*7 }}", "</w:t><script>", "<b>", "{% raw %}Geneva"):
        assert literal in pdf_text, literal
    import docx

    document = docx.Document(io.BytesIO(render_docx(localize(note, "en")).data))
    docx_text = "\n".join(p.text for p in document.paragraphs)
    for literal in ("<script>alert(1)</script>", "{{ 7*7 }}", "</w:t><script>", "<b>", "{% raw %}Geneva"):
        assert literal in docx_text, literal


@pytest.mark.parametrize("formats", [("pdf",), ("docx",), ("pdf", "docx")])
def test_footnote_with_a_list_is_refused_before_rendering_for_every_format(make_note, tmp_path, formats):
    from conceptnotes.build.pipeline import build, check

    folder = make_note("# Intro\n\nText.[^a]\n\n[^a]: A note:\n\n    - one\n    - two\n")
    message = "footnote [^a] holds a list: a footnote may hold only text (paragraphs); put the rest in the body"
    with pytest.raises(NoteError) as checked:
        check([folder])
    with pytest.raises(NoteError) as caught:
        build([folder], None, formats, tmp_path / "out")
    assert [p.message for p in checked.value.problems] == [p.message for p in caught.value.problems] == [message]
    assert not (tmp_path / "out" / "test-note").exists()
    assert caught.value.problems[0].line == 19  # the list, inside the footnote of line 17


def test_template_error_names_template_and_line(tmp_path, sample_note):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "note.html.j2").write_text("<html>\n<body>\n{{ no_such_variable }}\n</body></html>\n")
    with pytest.raises(NoteError) as caught:
        render_html(localize(sample_note, "en"), templates)
    problem = caught.value.problems[0]
    assert (Path(problem.path).name, problem.line) == ("note.html.j2", 3)
    assert "'no_such_variable' is undefined" in problem.message
    (templates / "note.html.j2").write_text("<html>\n{% if %}\n</html>\n")
    with pytest.raises(NoteError) as caught:
        render_html(localize(sample_note, "en"), templates)
    problem = caught.value.problems[0]
    assert (Path(problem.path).name, problem.line) == ("note.html.j2", 2)


def test_every_word_of_a_rich_note_reaches_both_outputs(make_note):
    body = """\
        # Section one {#one}

        Intro with *emphasis*, **strong**, `code` and a [link](#one).

        1. first
            1. nested a
            2. nested b
        2. second

        > A quoted paragraph.

        Term
        :   Its definition.

        | Left | Right |
        |:-----|------:|
        | a1   | b1    |

        ## Sub-section

        ### Sub-sub-section

        Closing paragraph.
        """
    folder = make_note(body)
    note, _ = load_note(folder)
    import io
    import re

    import docx
    from pypdf import PdfReader

    source = re.sub(r"(?m)^\s*\d+\. ", "", body.replace("{#one}", "").replace("(#one)", ""))
    expected = words(source)
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(localize(note, "en")).data)).pages)
    document = docx.Document(io.BytesIO(render_docx(localize(note, "en")).data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    docx_words = words(" ".join([p.text for p in document.paragraphs] + cells))
    for word in expected:
        assert word in words(pdf), word
        assert word in docx_words, word
