"""No list marker that starts a line is printed as text: a sub-list indented by any number of
spaces under an item is nested in it, and a line Markdown would join to the text above
(a list right under a paragraph's line, a sub-list typed 'a.' or '(a)') is a warning at its
line (issue 21, "Lists: nothing is flattened silently")."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conceptnotes import model as m
from conceptnotes.model.visitor import walk
from conceptnotes.read.markdown_parse import parse_body

from .conftest import build_in, run_in
from .readback import pdf_text

MARKERS = ["-", "*", "+", "1.", "1)", "a.", "(a)"]
NEXT = {"-": "-", "*": "*", "+": "+", "1.": "2.", "1)": "2)", "a.": "b.", "(a)": "(b)"}
LISTS = {"-", "*", "+", "1.", "1)"}  # what starts a list item (the others are letters typed by hand)
# a marker of the matrix printed before an item's words
SHOWN = re.compile(r"(?<![\w)])(?:[-*+]|[12][.)]|[ab]\.|\([ab]\))\s*(?:consent|oversight|To share)")


def _body(parent: str, child: str, indent: int) -> str:
    return (f"{parent} To share practices, in particular:\n"
            f"{' ' * indent}{child} consent;\n"
            f"{' ' * indent}{NEXT[child]} oversight;\n")


def _parse(body: str) -> tuple[m.Document, set[int], list[str]]:
    """The model of ``body`` (its first line is line 1), the lines warned and the errors."""
    document, problems = parse_body(body, Path("/nonexistent/n/note.md"), 1, Path("/nonexistent/n/assets"))
    return document, {p.line for p in problems.warnings}, [p.message for p in problems.errors]


def _texts(document: m.Document) -> list[str]:
    return [m.plain_text(node.children) for node in walk(document) if isinstance(node, m.Paragraph)]


def _items(block: m.ListBlock) -> list[str]:
    return [m.plain_text(item.blocks[0].children) for item in block.items]


@pytest.mark.parametrize("child", MARKERS)
@pytest.mark.parametrize("parent", MARKERS)
def test_no_marker_under_any_marker_is_printed_as_text_without_a_warning(parent, child):
    for indent in (1, 2, 3, 4):
        body = _body(parent, child, indent)
        document, warned, errors = _parse(body)
        assert errors == [], body
        shown = [text for text in _texts(document) if SHOWN.search(text)]
        if parent in LISTS and child in LISTS:
            assert not warned and not shown, (body, shown)
            [block] = document.blocks
            assert len(block.items) == 1 and block.ordered == (parent[0] == "1"), body
            [first, sub] = block.items[0].blocks
            assert m.plain_text(first.children) == "To share practices, in particular:"
            assert isinstance(sub, m.ListBlock) and _items(sub) == ["consent;", "oversight;"], body
            assert sub.ordered == (child[0] == "1"), body
        else:  # joined to the line above: said at the first line joined
            assert 2 in warned, (body, _texts(document))
            assert shown, body  # (what the warning is about)


@pytest.mark.parametrize("marker", ["3)", "3."])
def test_a_number_then_a_parenthesis_numbers_as_a_number_then_a_full_stop(marker):
    document, warned, errors = _parse(f"{marker} Third.\n{marker.replace('3', '4')} Fourth.\n")
    assert (warned, errors) == (set(), [])
    [block] = document.blocks
    assert block.ordered and block.start == 3 and _items(block) == ["Third.", "Fourth."]


def test_a_sub_list_indented_less_than_the_item_s_text_after_a_blank_line_is_nested():
    document, warned, _ = _parse("1. To share practices:\n\n  - consent;\n  - oversight;\n\n2. To report.\n")
    assert not warned
    [block] = document.blocks
    assert _items(block) == ["To share practices:", "To report."]
    assert _items(block.items[0].blocks[1]) == ["consent;", "oversight;"]


@pytest.mark.parametrize("inside", ["   - consent;", "   More of it."])
def test_an_item_right_under_lines_indented_after_a_blank_line_is_a_warning_at_its_line(inside):
    """Python-Markdown reads the lines after a blank line inside an item as one block of that
    item, the next item's marker included ("More of it. 2. To report.")."""
    document, warned, _ = _parse(f"1. To share practices:\n\n{inside}\n2. To report.\n")
    assert warned == {4}


def test_a_line_of_text_starting_with_a_letter_is_no_list_after_a_blank_line():
    """'(a)' typed at the start of a paragraph prints as typed, on its own: no warning."""
    document, warned, _ = _parse("Text.\n\n(a) The first paragraph.\n\n(b) The second.\n")
    assert not warned
    assert _texts(document) == ["Text.", "(a) The first paragraph.", "(b) The second."]


ISSUE = """\
# Objectives

1. To share practices, in particular:
  - consent;
  - oversight;
2. To agree on next steps.

The participants will consider:
a. the mandates;
b. the resources.
"""


def test_the_issue_s_note_prints_no_marker_in_the_pdf_or_the_docx(make_note, tmp_path):
    make_note(ISSUE)
    result = run_in(tmp_path, "check", "content/test-note")
    assert result.returncode == 0, result.stderr
    # body line 8 is line 21 of note.md ('---', 11 lines of front matter, '---', then the body)
    assert ("content/test-note/note.md:21: warning: 'a.' does not start a list, so this line is printed as part of"
            " the line above: for a sub-list, type '1.' (or '-') indented under its item; a numbered sub-list"
            " prints lettered, (a), (b)") in result.stderr
    assert result.stderr.count("warning") == 1, result.stderr
    assert build_in(tmp_path, "build", "--jobs", "1") == 0
    out = tmp_path / "output" / "test-note"
    text = " ".join(pdf_text(next(out.glob("*.pdf"))).split())
    assert "To share practices, in particular:" in text and "- consent" not in text and "- oversight" not in text
    assert re.search(r"consent; \S+ oversight; 2\. To agree", text), text
    levels = {}
    for paragraph in docx.Document(str(next(out.glob("*.docx")))).paragraphs:
        numbering = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numbering is not None:
            levels[paragraph.text] = int(numbering.find(qn("w:ilvl")).get(qn("w:val")))
    assert levels == {"To share practices, in particular:": 0, "consent;": 1, "oversight;": 1,
                      "To agree on next steps.": 0}


@pytest.mark.parametrize(("above", "message"), [
    ("> A quotation.", "this list follows a quotation's line and is read as part of the quotation"),
    ("Term\n:   A definition.", "this list follows a definition's line and is read as part of the definition"),
    ("| A | B |\n| --- | --- |\n| 1 | 2 |", "this list follows a table's last row and is read as rows of the table"),
])
def test_a_list_right_under_a_quotation_a_definition_or_a_table_is_a_warning_at_its_line(above, message):
    """Python-Markdown joins the list to the line above ("A quotation. - one"), or makes its
    items rows of the table."""
    body = f"{above}\n- one;\n- two.\n"
    _, problems = parse_body(body, Path("/nonexistent/n/note.md"), 1, Path("/nonexistent/n/assets"))
    assert [(p.line, p.message) for p in problems] == \
        [(above.count("\n") + 2, f"{message}: put a blank line before it")]


def test_a_list_right_under_a_rule_or_a_heading_is_a_list():
    document, warned, _ = _parse("# Objectives\n- one;\n- two.\n\n* * *\n- three.\n")
    assert not warned
    assert [_items(block) for block in document.blocks if isinstance(block, m.ListBlock)] == \
        [["one;", "two."], ["three."]]
