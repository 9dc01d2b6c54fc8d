"""Quotation marks and spacing of each language."""

from __future__ import annotations

import pytest

from conceptnotes import model as m
from conceptnotes.i18n.typography import typeset


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


@pytest.mark.parametrize("lang", ["ar", "en", "es", "fr", "ru", "zh"])
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
