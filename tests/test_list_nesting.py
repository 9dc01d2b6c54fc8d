"""Lists nested by CommonMark's rule (a line belongs to an item when indented to its content
column), in the model and in both documents; bullets pasted from Word."""

from __future__ import annotations

import re

import docx
import pytest
from docx.oxml.ns import qn

from conceptnotes import model as m

from .conftest import build_in
from .readback import pdf_text
from .test_markdown_parse import P, parse, parse_ok, without_lines

MEASURES = """\
# Measures

Member States are encouraged to adopt measures that:

- support families:
  - keep families together during repatriation;
  - involve civil society in reintegration;
- protect the rights of the child.

Text.
"""

STEPS = """\
# Steps

1. Prepare the programme.
2. Invite the participants:
   1. Member States;
   2. civil society organizations;
   3. entities of the Global Counter-Terrorism Coordination Compact.
3. Hold the Conference.
4. Report to the General Assembly.
"""


def _nested(items: tuple[m.ListItem, ...]) -> list[int]:
    """For each item, the number of items of the list inside it (0 when there is none)."""
    return [sum(len(b.items) for b in item.blocks if isinstance(b, m.ListBlock)) for item in items]


def test_bullets_indented_two_spaces_are_a_sub_list():
    [_, _, block, _] = parse_ok(MEASURES).blocks
    assert _nested(block.items) == [2, 0]
    sub = block.items[0].blocks[1]
    assert [b.children[0].text for item in sub.items for b in item.blocks] == [
        "keep families together during repatriation;",
        "involve civil society in reintegration;",
    ]
    assert block.items[0].blocks[0] == P("support families:", 105)
    assert sub.line == 106 and [item.blocks[0].line for item in sub.items] == [106, 107]


def test_numbers_indented_three_spaces_are_a_sub_list():
    [_, block] = parse_ok(STEPS).blocks
    assert block.ordered and len(block.items) == 4
    assert _nested(block.items) == [0, 3, 0, 0]
    assert block.items[1].blocks[1].ordered


@pytest.mark.parametrize("indent", [2, 3, 4])
def test_sub_list_indented_to_the_content_column_or_more_is_the_same(indent):
    body = "- one\n" + " " * indent + "- sub\n- two\n"
    expected = parse_ok("- one\n    - sub\n- two\n").blocks
    assert without_lines(parse_ok(body).blocks) == without_lines(expected)


def test_a_paragraph_inside_an_item_at_its_content_column():
    document = parse_ok("1. One.\n\n   More of one.\n\n2. Two.\n")
    [block] = document.blocks
    assert [len(item.blocks) for item in block.items] == [2, 1]


@pytest.mark.parametrize("bullet", ["•\t", "\uf0b7\t", "• ", "\uf0a7\t", "o\t"])
def test_bullets_pasted_from_word_are_list_items(bullet):
    document, errors, warnings = parse(f"Intro.\n\n{bullet}Member States;\n{bullet}civil society.\n")
    assert errors == warnings == []
    [_, block] = document.blocks
    assert block == m.ListBlock(False, (m.ListItem((P("Member States;", 103),)),
                                        m.ListItem((P("civil society.", 104),))), 1, 103)


@pytest.mark.parametrize("bullet", ["• ", "\uf0b7\t", "o\t"])
def test_a_word_bullet_inside_a_line_is_text(bullet):
    """Only a line's start is a pasted bullet: inside an item's or a paragraph's text it is text
    (found by the Word import's property test: '- 0• 0' came back as '0- 0')."""
    document = parse_ok(f"- 0{bullet}0\n\nSee the{bullet}figures.\n")
    [block, paragraph] = document.blocks
    [item_text] = block.items[0].blocks[0].children
    [paragraph_text] = paragraph.children
    # a tab is shown as spaces, as Markdown shows it
    assert item_text.text.split() == f"0{bullet}0".split()
    assert paragraph_text.text.split() == f"See the{bullet}figures.".split()


def test_list_right_under_a_paragraph_is_a_warning_at_its_line():
    document, errors, warnings = parse("Measures that:\n- keep families together;\n- involve civil society.\n")
    assert errors == []
    assert warnings == [(102, "this list follows a paragraph's line and is read as part of the paragraph:"
                              " put a blank line before it")]


def test_code_block_and_rule_are_not_lists():
    document, errors, _ = parse("Text.\n\n    - not a list\n    •\tnor this\n\n* * *\n")
    assert errors == []
    assert [b.kind for b in document.blocks] == ["paragraph", "code_block", "thematic_break"]
    assert document.blocks[1].text == "- not a list\n•   nor this"


def _levels(path) -> list[tuple[str, int]]:
    """(text, list level) of each list paragraph of a DOCX."""
    found = []
    for paragraph in docx.Document(str(path)).paragraphs:
        numpr = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numpr is not None:
            found.append((paragraph.text, int(numpr.find(qn("w:ilvl")).get(qn("w:val")))))
    return found


def test_both_documents_show_the_nesting(make_note, tmp_path):
    make_note(MEASURES + "\n" + STEPS)
    assert build_in(tmp_path, "build", "--jobs", "1") == 0
    out = tmp_path / "output" / "test-note"
    levels = _levels(next(out.glob("*.docx")))
    assert [level for text, level in levels if "famil" in text or "civil society in" in text] == [0, 1, 1]
    assert [level for text, level in levels if re.match(r"(Member States|civil|entities)", text)] == [1, 1, 1]
    assert [level for text, level in levels if text.startswith(("Hold", "Report"))] == [0, 0]
    text = " ".join(pdf_text(next(out.glob("*.pdf"))).split())
    # the sub-list is lettered, and the main list goes on at 3, not 6
    assert "(a) Member States; (b) civil society organizations; (c) entities" in text
    assert "3. Hold the Conference. 4. Report to the General Assembly." in text
