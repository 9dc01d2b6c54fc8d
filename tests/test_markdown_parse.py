"""The document model built from a note's Markdown body, and the problems it reports.

Most tests call ``parse_body`` with ``FIRST`` as the line of the body's first line, so
that body line *n* is file line ``FIRST + n - 1`` (100 + n).
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from conceptnotes import model as m
from conceptnotes.read.loader import load_note
from conceptnotes.read.markdown_parse import parse_body

from .conftest import write_note

FIRST = 101
ALLOWED = "use https:, http:, mailto: or #anchor"

# Own front matter (12 lines with the fences), so the body's first line is line 13.
FRONT = """\
title: Regional Workshop on Border Security
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Nairobi
  country: KE
organizers:
  - United Nations Office of Counter-Terrorism
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    """A note folder with ``assets/pic.png`` (a real 3x2 PNG) in it."""
    from PIL import Image

    folder = tmp_path / "content" / "test-note"
    (folder / "assets").mkdir(parents=True)
    Image.new("RGB", (3, 2), (200, 30, 30)).save(folder / "assets" / "pic.png")
    (tmp_path / "content" / "outside.png").write_bytes((folder / "assets" / "pic.png").read_bytes())
    return folder


def parse(body: str, folder: Path | None = None) -> tuple[m.Document, list[tuple[int, str]], list[tuple[int, str]]]:
    """Parse a dedented body; return the document, its errors and its warnings as (line, message)."""
    folder = folder or Path("/nonexistent/test-note")
    document, problems = parse_body(textwrap.dedent(body), folder / "note.md", FIRST, folder / "assets")
    for problem in problems:
        assert problem.path == str(folder / "note.md")
    errors = [(p.line, p.message) for p in problems.errors]
    warnings = [(p.line, p.message) for p in problems.warnings]
    return document, errors, warnings


def parse_ok(body: str, folder: Path | None = None) -> m.Document:
    document, errors, warnings = parse(body, folder)
    assert (errors, warnings) == ([], [])
    return document


def without_lines(value):
    """The same model with every ``line`` set to 0, to compare structure only."""
    if isinstance(value, tuple):
        return tuple(without_lines(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: without_lines(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "line" in changes:
            changes["line"] = 0
        return dataclasses.replace(value, **changes)
    return value


def T(text: str) -> m.Text:
    return m.Text(text)


def P(text: str, line: int) -> m.Paragraph:
    return m.Paragraph((T(text),), line)


# Headings ---------------------------------------------------------------------


def test_headings_levels_and_anchors():
    document = parse_ok(
        """\
        # Introduction

        ## Sub *part* {#custom}

        ### Third level
        """
    )
    assert document.blocks == (
        m.Heading(1, (T("Introduction"),), "introduction", 101),
        m.Heading(2, (T("Sub "), m.Emphasis((T("part"),))), "custom", 103),
        m.Heading(3, (T("Third level"),), "third-level", 105),
    )
    assert document.footnotes == ()


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("Objectives and scope", "objectives-and-scope"),
        ("Política de género", "politica-de-genero"),
        ("Format & sessions", "format-sessions"),
        ("2. Background (draft)", "2-background-draft"),
    ],
)
def test_heading_slug(title, anchor):
    [heading] = parse_ok(f"## {title}\n").blocks
    assert (heading.anchor, m.plain_text(heading.children)) == (anchor, title)


def test_same_heading_twice_gets_a_numbered_anchor():
    document = parse_ok("# Sessions\n\nText.\n\n# Sessions\n")
    assert [b.anchor for b in document.blocks if isinstance(b, m.Heading)] == ["sessions", "sessions-2"]


@pytest.mark.parametrize("level", [4, 5, 6])
def test_heading_level_4_and_more_is_an_error(level):
    document, errors, _ = parse(f"# Introduction\n\nText.\n\n{'#' * level} Too deep\n\nMore.\n")
    assert errors == [(105, f"heading level {level} is not supported: use '#', '##' or '###'")]
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "paragraph"]


def test_skipped_heading_level_is_a_warning_at_its_line():
    document, errors, warnings = parse("# Introduction\n\nText.\n\n### Details\n\nMore.\n\n## Scope\n\n### Aims\n")
    assert errors == []
    assert warnings == [(105, "heading level skipped: '###' follows the '#' heading of line 101; use '##'")]
    assert [b.level for b in document.blocks if isinstance(b, m.Heading)] == [1, 3, 2, 3]


# Paragraphs and inlines -----------------------------------------------------------


def test_paragraph_inlines():
    [paragraph] = parse_ok(
        'Plain, *emphasis*, **strong *nested***, `code`, [a link](https://www.un.org/ "UN") end.\n'
    ).blocks
    assert paragraph == m.Paragraph(
        (
            T("Plain, "),
            m.Emphasis((T("emphasis"),)),
            T(", "),
            m.Strong((T("strong "), m.Emphasis((T("nested"),)))),
            T(", "),
            m.Code("code"),
            T(", "),
            m.Link("https://www.un.org/", (T("a link"),), "UN"),
            T(" end."),
        ),
        101,
    )


def test_code_is_not_html_escaped():
    document = parse_ok("Use `a & b` and `<div>`.\n\n    if a < b && c:\n        <b>x</b>\n")
    assert document.blocks == (
        m.Paragraph((T("Use "), m.Code("a & b"), T(" and "), m.Code("<div>"), T(".")), 101),
        m.CodeBlock("if a < b && c:\n    <b>x</b>", 103),
    )


def test_character_references_are_text():
    [paragraph] = parse_ok("AT&amp;T &copy; 2022 &mdash; R&D, a &lt; b, &#233;t&#xE9;.\n").blocks
    assert paragraph == P("AT&T \u00a9 2022 \u2014 R&D, a < b, \u00e9t\u00e9.", 101)


def test_lines_of_a_paragraph_are_joined():
    [paragraph] = parse_ok("First line\nsecond line.\n").blocks
    assert paragraph == P("First line second line.", 101)


# Lists ---------------------------------------------------------------------------


def test_ordered_list_with_start_and_nested_bullets():
    [block] = parse_ok(
        """\
        3. Three
        4. Four
            - alpha
            - beta
        5. Five
        """
    ).blocks
    assert block == m.ListBlock(
        ordered=True,
        start=3,
        line=101,
        items=(
            m.ListItem((P("Three", 101),)),
            m.ListItem(
                (
                    P("Four", 102),
                    m.ListBlock(False, (m.ListItem((P("alpha", 103),)), m.ListItem((P("beta", 104),))), 1, 103),
                )
            ),
            m.ListItem((P("Five", 105),)),
        ),
    )


def test_bulleted_list():
    [block] = parse_ok("- one\n- two *more*\n").blocks
    assert block == m.ListBlock(
        False,
        (m.ListItem((P("one", 101),)), m.ListItem((m.Paragraph((T("two "), m.Emphasis((T("more"),))), 102),))),
        1,
        101,
    )


@pytest.mark.parametrize("marker", ["1.", "-"])
def test_loose_and_tight_lists_give_the_same_model(marker):
    second = "2." if marker == "1." else "-"
    tight = parse_ok(f"{marker} First item\n{second} Second item\n").blocks
    loose = parse_ok(f"{marker} First item\n\n{second} Second item\n").blocks
    assert without_lines(tight) == without_lines(loose)
    assert without_lines(tight) == (
        m.ListBlock(marker == "1.", (m.ListItem((P("First item", 0),)), m.ListItem((P("Second item", 0),))), 1, 0),
    )


# Tables ----------------------------------------------------------------------------


def test_pipe_table_with_header_and_alignment():
    [table] = parse_ok(
        """\
        | Date | Session | Room |
        |:-----|:-------:|-----:|
        | 9 May | Workshop | A |
        | 10 May | **Opening** | `B-2` |
        """
    ).blocks

    def row(*cells):
        aligns = ["left", "center", "right"]
        return tuple(m.TableCell(children, align) for children, align in zip(cells, aligns, strict=True))

    assert table == m.Table(
        header=(row((T("Date"),), (T("Session"),), (T("Room"),)),),
        body=(
            row((T("9 May"),), (T("Workshop"),), (T("A"),)),
            row((T("10 May"),), (m.Strong((T("Opening"),)),), (m.Code("B-2"),)),
        ),
        line=101,
    )
    assert table.columns == 3


def test_table_without_alignment_and_pipe_in_code():
    [table] = parse_ok("| A | B |\n|---|---|\n| `x|y` | 2 |\n").blocks
    assert table.body == ((m.TableCell((m.Code("x|y"),), ""), m.TableCell((T("2"),), "")),)


@pytest.mark.parametrize(
    ("row", "count"),
    [("| 1 | 2 | 3 |", 3), ("| 1 |", 1)],
    ids=["more-cells", "fewer-cells"],
)
def test_ragged_table_row_is_an_error_at_its_line(row, count):
    _, errors, _ = parse(f"Intro.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n{row}\n| 5 | 6 |\n")
    assert errors == [(106, f"table row has {count} cells but the header has 2: give every row as many cells as the header"
                             " (a '|' inside a cell is written '\\|')")]


# Definition lists and quotes ----------------------------------------------------------


def test_definition_list():
    [block] = parse_ok(
        """\
        UNOCT
        :   United Nations Office of Counter-Terrorism

        CSO
        Civil society
        :   A civil society organization
        :   Or several
        """
    ).blocks
    assert block == m.DefinitionList(
        (
            m.Definition(((T("UNOCT"),),), ((P("United Nations Office of Counter-Terrorism", 102),),)),
            m.Definition(
                ((T("CSO"),), (T("Civil society"),)),
                ((P("A civil society organization", 106),), (P("Or several", 107),)),
            ),
        ),
        101,
    )


def test_blockquote():
    document = parse_ok("Before.\n\n> Quoted *words*\n> go on.\n>\n> Second paragraph.\n")
    assert document.blocks == (
        P("Before.", 101),
        m.Quote(
            (
                m.Paragraph((T("Quoted "), m.Emphasis((T("words"),)), T(" go on.")), 103),
                P("Second paragraph.", 106),
            ),
            103,
        ),
    )


# Footnotes -----------------------------------------------------------------------------


def test_footnotes_numbered_in_order_of_first_reference():
    document = parse_ok(
        """\
        First[^beta] then[^alpha] and more.

        [^alpha]: Alpha text.
        [^beta]: Beta text.
        """
    )
    assert document.blocks == (
        m.Paragraph(
            (
                T("First"),
                m.FootnoteRef("beta", 1),
                T(" then"),
                m.FootnoteRef("alpha", 2),
                T(" and more."),
            ),
            101,
        ),
    )
    assert document.footnotes == (
        m.Footnote("beta", 1, (P("Beta text.", 104),), 104),
        m.Footnote("alpha", 2, (P("Alpha text.", 103),), 103),
    )
    assert document.footnote("alpha").number == 2


def test_footnote_reference_without_definition():
    _, errors, _ = parse("# Introduction\n\nText[^missing] here.\n")
    assert errors == [(103, "footnote [^missing] is referenced but never defined: add its text at the end of the note,"
                            " '[^missing]: ...', or correct the call")]


def test_a_footnote_called_twice_is_an_error_at_the_second_call():
    """A footnote is called once (UN editorial practice): a second call is an error where it is."""
    _, errors, _ = parse(
        """\
        First[^a] and[^b] a `[^a]` in code.

        Wrapped text that calls
        the first again[^a], then a third time[^a].

        [^a]: Alpha text.
        [^b]: Beta text.
        """
    )
    assert errors == [(104, "footnote call [^a] appears 3 times (first on line 101): a footnote is called once;"
                            " to refer to it again, add a footnote that refers to it")]
    _, errors, _ = parse("Text[^a] and[^a].\n\n[^a]: Alpha.\n")
    assert errors == [(101, "footnote call [^a] appears twice (first on line 101): a footnote is called once;"
                            " to refer to it again, add a footnote that refers to it")]


def test_footnote_definition_never_referenced():
    document, errors, _ = parse("Text[^used].\n\n[^used]: Used note.\n\n[^unused]: Never called.\n")
    assert errors == [(105, "footnote [^unused] is defined but never referenced: call it with [^unused] after the words it"
                            " explains, or remove it")]
    assert [f.key for f in document.footnotes] == ["used"]


# Raw HTML --------------------------------------------------------------------------------


def test_raw_html_block_is_an_error():
    _, errors, _ = parse("# Introduction\n\n<div>Some raw block</div>\n\nText.\n")
    assert errors == [(103, "raw HTML is not allowed in a note: '<div>Some raw block</div>'")]


def test_raw_html_inline_is_an_error():
    _, errors, _ = parse("# Introduction\n\nText.\n\nSome <b>bold</b> words.\n")
    assert errors == [
        (105, "raw HTML is not allowed in a note: '<b>'"),
        (105, "raw HTML is not allowed in a note: '</b>'"),
    ]


# Links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "https://www.un.org/counterterrorism/",
        "http://example.org/a?b=1&c=2",
        "mailto:info@un.org",
        "#existing-heading",
    ],  # fmt: skip
)
def test_allowed_link_targets(href):
    document = parse_ok(f"# Existing heading\n\nSee [this page]({href}).\n")
    assert document.blocks[1] == m.Paragraph((T("See "), m.Link(href, (T("this page"),)), T(".")), 103)


@pytest.mark.parametrize(
    ("href", "message"),
    [
        ("javascript:alert(1)", f"link target 'javascript:alert(1)' is not allowed: {ALLOWED}"),
        ("file:///etc/passwd", f"link target 'file:///etc/passwd' is not allowed: {ALLOWED}"),
        ("other-note.md", f"link target 'other-note.md' is not allowed: {ALLOWED}"),
        ("#missing", "link target '#missing' names no heading of this note"),
    ],
)
def test_refused_link_targets(href, message):
    _, errors, _ = parse(f"# Existing heading\n\nSee [this page]({href}).\n")
    assert errors == [(103, message)]


def test_reference_style_link_is_checked_too():
    _, errors, _ = parse("# Heading\n\nSee [the page][ref].\n\n[ref]: javascript:alert(1)\n")
    assert errors == [(103, "link target 'javascript:alert(1)' is not allowed: use https:, http:, mailto: or #anchor")]


def test_link_to_custom_heading_id():
    document = parse_ok("# Heading {#intro}\n\nBack to [top](#intro).\n")
    assert document.blocks[1].children[1] == m.Link("#intro", (T("top"),))


# Images ------------------------------------------------------------------------------------


def test_image_in_assets_is_accepted(folder):
    document = parse_ok('# Heading\n\nSee ![A red square](assets/pic.png "Square") here.\n', folder)
    assert document.blocks[1] == m.Paragraph(
        (
            T("See "),
            m.Image("assets/pic.png", (folder / "assets" / "pic.png").resolve(), "A red square", "Square"),
            T(" here."),
        ),
        103,
    )


@pytest.mark.parametrize("src", ["../outside.png", "/etc/passwd", "http://example.org/x.png",
                                 "assets/../../outside.png", "pic.png", "file:///etc/passwd"])  # fmt: skip
def test_image_outside_assets_is_refused(folder, src):
    document, errors, _ = parse(f"# Heading\n\nSee ![A picture]({src}) here.\n", folder)
    assert errors == [(103, f"image '{src}' must be a file in the note's assets/ folder")]
    assert document.blocks[1].children == (T("See  here."),)


def test_missing_image_in_assets(folder):
    _, errors, _ = parse("# Heading\n\nSee ![A picture](assets/nothing.png) here.\n", folder)
    assert errors == [(103, "image 'assets/nothing.png' does not exist")]


def test_image_without_alt_text_is_a_warning(folder):
    document, errors, warnings = parse("# Heading\n\nSee ![](assets/pic.png) here.\n", folder)
    assert errors == []
    assert warnings == [(103, "image 'assets/pic.png' has no alt text")]
    assert document.blocks[1].children[1] == m.Image("assets/pic.png", (folder / "assets" / "pic.png").resolve(), "")


# Lines of blocks in a whole note -------------------------------------------------------------


NOTE_BODY = """\
# Introduction

Some *text* here
on two lines.

## Details {#details}

1. First item
2. Second item

| Column | Value |
|--------|------:|
| alpha  | 1     |

> Quoted words.

Term
:   Meaning of the term.

### Last part

Closing paragraph.
"""


def test_block_lines_in_a_note(tmp_path):
    folder = write_note(tmp_path / "content" / "test-note", NOTE_BODY, FRONT)
    note, warnings = load_note(folder)
    assert warnings == []
    text = (folder / "note.md").read_text(encoding="utf-8").split("\n")
    assert text[12] == "# Introduction"  # line 13: after 12 lines of front matter with its fences
    blocks = note.document.blocks
    expected = [
        ("heading", 13),
        ("paragraph", 15),
        ("heading", 18),
        ("list", 20),
        ("table", 23),
        ("quote", 27),
        ("definition_list", 29),
        ("heading", 32),
        ("paragraph", 34),
    ]
    assert [(b.kind, b.line) for b in blocks] == expected
    # the lines counted by hand above are those where each block starts
    assert [text[line - 1] for _, line in expected] == [
        "# Introduction",
        "Some *text* here",
        "## Details {#details}",
        "1. First item",
        "| Column | Value |",
        "> Quoted words.",
        "Term",
        "### Last part",
        "Closing paragraph.",
    ]
    assert [item.blocks[0].line for item in blocks[3].items] == [20, 21]
    assert blocks[5].blocks[0].line == 27
    assert blocks[6].items[0].definitions[0][0].line == 30


# Cases that were bugs when these tests were written -------------------------------------------------------


def test_lines_of_blocks_without_words(folder):
    body = "# Heading\n\n![](assets/pic.png)\n\n---\n\n![A picture](../outside.png)\n"
    document, errors, warnings = parse(body, folder)
    assert [(b.kind, b.line) for b in document.blocks] == [
        ("heading", 101),
        ("paragraph", 103),
        ("thematic_break", 105),
        ("paragraph", 107),
    ]
    assert warnings == [(103, "image 'assets/pic.png' has no alt text")]
    assert errors == [(107, "image '../outside.png' must be a file in the note's assets/ folder")]


def test_line_of_list_item_starting_with_markup():
    [block] = parse_ok("- plain\n- **Bold** start\n- *em* too\n").blocks
    assert [item.blocks[0].line for item in block.items] == [101, 102, 103]


def test_lines_of_blocks_with_repeated_words():
    document = parse_ok("# Intro\n\n## Intro\n\nAlpha Beta gamma.\n\nAlpha Beta.\n")
    assert [b.line for b in document.blocks] == [101, 103, 105, 107]


def test_lines_of_footnote_paragraphs():
    document = parse_ok("Text[^a] and[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n")
    assert [(f.key, f.line, f.blocks[0].line) for f in document.footnotes] == [("a", 103, 103), ("b", 104, 104)]


def test_email_autolink():
    [paragraph] = parse_ok("Write to <info@un.org>.\n").blocks
    assert paragraph.children == (T("Write to "), m.Link("mailto:info@un.org", (T("info@un.org"),)), T("."))
