"""Node kinds declare their own facts (``model.nodes.Node``), and the walks read them.

Each node class says whether it is inline, which of its fields are translation units and
what they are called, what its text is, what the units inside it are called, how a
message names it and whether it counts as a block.  These tests check the declarations
and, through the code that reads them, what they decide: a unit's name and text, what a
document shows, the workbench's HTML of a unit, the XLIFF tags of one and back.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from conceptnotes import model as m
from conceptnotes.build import validate
from conceptnotes.i18n import inline_tags
from conceptnotes.i18n.localize import signature
from conceptnotes.i18n.units import Unit, to_markdown
from conceptnotes.model.visitor import CONTAINER_NAMES, INLINE_KINDS, UnknownNode, map_inlines, walk
from conceptnotes.read.markdown_parse import parse_body
from conceptnotes.serve.workbench import SourceHtml, source_html

# Every dataclass of the model with a ``kind``: what KINDS must hold, found without it.
MODEL_CLASSES = [v for v in vars(m).values() if isinstance(v, type) and dataclasses.is_dataclass(v) and hasattr(v, "kind")]


def _parsed(body: str) -> m.Document:
    document, problems = parse_body(body, Path("note.md"), 1, Path("assets"))
    assert not problems.errors, problems
    return document


# Declarations ---------------------------------------------------------------------------------


def test_every_node_class_is_registered_by_its_kind_and_kinds_cannot_change():
    assert sorted(cls.__name__ for cls in m.KINDS.values()) == sorted(cls.__name__ for cls in MODEL_CLASSES)
    assert all(m.KINDS[cls.kind] is cls for cls in MODEL_CLASSES)
    with pytest.raises(TypeError):
        m.KINDS["callout"] = m.Paragraph  # type: ignore[index]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.kind)
def test_each_class_declares_facts_that_name_its_own_fields(cls):
    assert issubclass(cls, m.Node)
    assert cls.__dataclass_params__.frozen
    fields = {field.name for field in dataclasses.fields(cls)}
    named = [unit.field for unit in cls.units] + list(cls.shown) + ([cls.text_field] if cls.text_field else [])
    assert set(named) <= fields, f"{cls.kind} names fields it does not have"
    if cls.numbered:
        assert "number" in fields
    assert not (cls.inline and (cls.units or cls.container or cls.counted)), "an inline is inside a unit"


def test_inline_kinds_are_the_classes_of_the_inline_type():
    assert {cls.kind for cls in typing.get_args(m.Inline)} == INLINE_KINDS
    assert not INLINE_KINDS & {cls.kind for cls in typing.get_args(m.Block)}


def test_the_derived_tables_are_those_the_code_had_before():
    """The tables once typed out in model/visitor.py and build/validate.py, now read from the classes."""
    assert dict(CONTAINER_NAMES) == {
        "list_item": "list item", "quote": "quotation", "footnote": "footnote", "table": "table cell",
        "definition": "definition", "figure": "figure",
    }
    assert dict(validate.BLOCK_NAMES) == {
        "list": "a list", "table": "a table", "heading": "a heading", "quote": "a block quote",
        "definition_list": "a definition list", "code_block": "a code block", "thematic_break": "a horizontal rule",
    }
    assert validate.STRUCTURAL_KINDS == {"document", "list_item", "table_cell", "definition"}
    assert validate.COUNTED_BLOCKS == {
        "paragraph", "heading", "table_cell", "definition", "code_block", "thematic_break", "figure"
    }
    assert INLINE_KINDS == {
        "text", "emphasis", "strong", "code", "link", "footnote_ref", "line_break", "image", "superscript",
        "untranslated"
    }


# What the facts decide -------------------------------------------------------------------------


def _t(text: str) -> tuple[m.Inline, ...]:
    return (m.Text(text),)


IMAGE = m.Image("chart.png", Path("assets/chart.png"), "A chart", "Chart title")
DOCUMENT = m.Document(
    blocks=(
        m.Heading(1, _t("Heading"), "heading", line=1),
        m.Paragraph(_t("Body"), line=3),
        m.ListBlock(False, (m.ListItem((m.Paragraph(_t("Item")),)),), line=5),
        m.Quote((m.Paragraph(_t("Quoted")), m.Heading(2, _t("Quoted heading"), "q")), line=7),
        m.Table(((m.TableCell(_t("Head")),),), ((m.TableCell(_t("Cell")), m.TableCell(())),), line=9,
                caption=_t("The caption"), number=1),
        m.Table(((m.TableCell(_t("Bare")),),), (), line=12),
        m.DefinitionList((m.Definition((_t("Term"), _t("Other term")), ((m.Paragraph(_t("Meaning")),),)),), line=14),
        m.Figure((IMAGE,), _t("Figure caption"), 1, line=17),
        m.CodeBlock("code()", line=19),
    ),
    footnotes=(m.Footnote("a", 1, (m.Paragraph(_t("Footnote text")),), line=21),),
)


def test_each_unit_is_named_by_its_field_or_its_container_in_reading_order():
    seen: list[tuple[str, str, int]] = []

    def collect(inlines, line, name):
        seen.append((name, m.plain_text(inlines), line))
        return inlines

    assert map_inlines(DOCUMENT, collect) == DOCUMENT
    assert seen == [
        ("heading", "Heading", 1),
        ("paragraph", "Body", 3),
        ("list item", "Item", 5),
        ("quotation", "Quoted", 7),
        ("heading", "Quoted heading", 7),
        ("caption", "The caption", 9),  # before the table it captions
        ("table cell", "Head", 9),
        ("table cell", "Cell", 9),  # the empty cell is no unit
        ("table cell", "Bare", 12),
        ("term", "Term", 14),
        ("term", "Other term", 14),
        ("definition", "Meaning", 14),
        ("caption", "Figure caption", 17),
        ("figure", "A chart", 17),
        ("footnote", "Footnote text", 21),
    ]


def test_a_unit_replaced_is_rebuilt_in_its_field():
    shouted = map_inlines(DOCUMENT, lambda inlines, line, name: _t(m.plain_text(inlines).upper()))
    table, definitions, figure = shouted.blocks[4], shouted.blocks[6], shouted.blocks[7]
    assert table.caption == _t("THE CAPTION") and table.body[0][0].children == _t("CELL")
    assert table.body[0][1].children == ()
    assert definitions.items[0].terms == (_t("TERM"), _t("OTHER TERM"))
    assert figure.caption == _t("FIGURE CAPTION") and figure.children == _t("A CHART")
    assert shouted.blocks[8] == DOCUMENT.blocks[8]  # a code block is not translated


def test_plain_text_is_each_kinds_own_text():
    run = _parsed("An *emphasis*, `code`, [a link](https://example.org \"title\") and a call[^a].\n\n[^a]: Note.\n")
    run = run.blocks[0].children + (m.LineBreak(), IMAGE)
    assert m.plain_text(run) == "An emphasis, code, a link and a call.A chart"
    assert m.plain_text(run, footnote_numbers=True) == "An emphasis, code, a link and a call1.A chart"


def test_the_checks_count_and_show_what_the_classes_declare():
    texts = {kind: validate._unit_texts(node) for node in walk(DOCUMENT) if validate.counted(node)
             for kind in [node.kind]}
    assert texts["figure"] == ["Figure caption", "A chart"]
    assert texts["definition"] == ["Term", "Other term"]
    assert texts["code_block"] == ["code()"]
    assert [validate._unit_texts(t) for t in DOCUMENT.blocks[4:6] if validate.counted(t)] == [["The caption"]]

    linked = m.Paragraph((m.Link("https://example.org", _t("link"), "Link title"), IMAGE, m.Code("x = 1")), line=2)
    meta = m.Meta("", (), m.Event(None, None, "", ""))
    note = m.Note("n", Path("."), Path("note.md"), meta, m.Document((linked, m.CodeBlock("block()", line=4))))
    shown = [(line, text) for line, text in validate.shown_texts(SimpleNamespace(note=note, gettext=str)) if line]
    assert shown == [(2, "Link title"), (2, "link"), (2, "A chart"), (2, "x = 1"), (4, "block()")]


def test_a_footnote_holding_a_block_is_named_as_the_block_declares():
    quote = m.Quote((m.Paragraph(_t("q")),), line=3)
    meta = m.Meta("", (), m.Event(None, None, "", ""))
    note = m.Note("n", Path("."), Path("note.md"), meta, m.Document((), (m.Footnote("a", 1, (quote,), line=3),)))
    [problem] = validate.footnote_problems(note)
    assert "footnote [^a] holds a block quote" in problem.message and problem.line == 3


def test_adjacent_texts_are_merged_and_empty_texts_left_out():
    run = (m.Text(""), m.Text("a"), m.Text("b"), m.LineBreak(), m.Text(""), m.Code("c"), m.Text("d"), m.Text(""))
    assert m.merge_text(run) == (m.Text("ab"), m.LineBreak(), m.Code("c"), m.Text("d"))
    parsed = _parsed("Some \\*escaped\\* text & more *inside* here.\n").blocks[0].children
    assert parsed == (m.Text("Some *escaped* text & more "), m.Emphasis(_t("inside")), m.Text(" here."))


# The walkers that were isinstance chains -------------------------------------------------------

UNIT_SOURCE = 'An *emphasis*, a **strong** [link](https://example.org "t"), `a<b`, a call[^a]  \nand a break.'


def _unit() -> Unit:
    document = _parsed(UNIT_SOURCE + "\n\n[^a]: Note.\n")
    inlines = document.blocks[0].children
    return Unit(to_markdown(inlines), 1, "paragraph", inlines)


def test_the_workbench_shows_a_unit_escaped_with_links_not_live_and_calls_as_markdown():
    assert str(source_html(_unit())) == (
        'An <em>emphasis</em>, a <strong>strong</strong> <span class="link" title="https://example.org">link</span>,'
        ' <code>a&lt;b</code>, a call<sup>[^a]</sup><br>and a break.'
    )
    assert str(source_html(Unit("Title & <b>", 1, "title"))) == "Title &amp; &lt;b&gt;"


def test_the_workbench_shows_an_untranslated_run_as_its_text_and_refuses_a_block():
    assert str(SourceHtml().inlines((m.Untranslated((m.Emphasis(_t("x")),), "en"),))) == "<em>x</em>"
    with pytest.raises(UnknownNode):
        SourceHtml().inlines((m.Paragraph(_t("x")),))  # type: ignore[arg-type]


def test_inline_tags_round_trip_and_number_each_tag_once():
    markdown = 'A *b [c](https://example.org "t")* **d** `e` {name}[^a]  \nf'
    element, table = inline_tags.to_xliff(markdown)
    tags = [(etree.QName(e).localname, e.get("id"), e.get("ctype"), e.get("equiv-text"), e.text)
            for e in element.iter() if e is not element]
    assert tags == [
        ("g", "1", "italic", None, "b "),
        ("g", "2", "link", None, "c"),  # inside the emphasis
        ("g", "3", "bold", None, "d"),
        ("x", "4", "x-code", "`e`", None),
        ("x", "5", "x-placeholder", "{name}", None),
        ("x", "6", "x-footnote", "[^a]", None),
        ("x", "7", "lb", "\n", None),
    ]
    assert table.by_id["2"] == m.Link("https://example.org", (), "t")  # without its translated text
    assert inline_tags.tag_table((IMAGE,)).by_id["1"] == dataclasses.replace(IMAGE, alt="")
    assert inline_tags.from_xliff(element, table) == markdown


def test_a_target_keeps_the_source_ids_of_the_same_tags_in_another_order():
    _, table = inline_tags.to_xliff("See [one](https://a.org) and [two](https://b.org).")
    target, _ = inline_tags.to_xliff("Voir [deux](https://b.org) et [un](https://a.org).", table, "target")
    assert [e.get("id") for e in target] == ["2", "1"]
    assert inline_tags.from_xliff(target, table) == "Voir [deux](https://b.org) et [un](https://a.org)."


def test_a_target_translates_an_image_s_alt_text_and_no_tag_may_sit_in_it(tmp_path):
    """An image's tag carries its alt text (CONTENT): a target's text in it is the
    translated alt text; a tag inside it is refused."""
    from PIL import Image

    assets = tmp_path / "assets"
    assets.mkdir()
    Image.new("RGB", (4, 4)).save(assets / "chart.png")
    _, table = inline_tags.to_xliff("See ![A chart](assets/chart.png) of {name}.", assets=assets)
    target, _ = inline_tags.to_xliff("Voir ![Un graphique](assets/chart.png) de {name}.", table, "target", assets)
    assert inline_tags.from_xliff(target, table) == "Voir ![Un graphique](assets/chart.png) de {name}."
    (image,) = [e for e in target if e.get("id") == "1"]
    etree.SubElement(image, f"{{{inline_tags.NS}}}x", id="2")
    with pytest.raises(inline_tags.TagError, match=r'the image tag id="1" holds tags: its alt text is plain text'):
        inline_tags.from_xliff(target, table)


def test_a_signature_counts_what_a_translation_keeps():
    found = signature(_unit().inlines, markdown=True)
    assert found["footnote"] == {"[^a]": 1} and found["link"] == {"https://example.org": 1}
    assert found["code"] == {"`a<b`": 1} and found["emphasis"] == {"emphasis": 1} and found["strong"] == {"strong": 1}
    assert "emphasis" not in signature(_unit().inlines)
