"""The per-language typography of the PDF comes from the registry: the style block before
note.css (render/html.language_styles) and note.css's var() give each element the style of
its own language, and a project's stylesheet can still override them.

Styles are read back as WeasyPrint computes them for a small page (no PDF is written).
"""

from __future__ import annotations

import pytest

from conceptnotes import languages
from conceptnotes.render.html import language_styles

from .conftest import ROOT

NOTE_CSS = (ROOT / "templates" / "concept-note" / "note.css").read_text(encoding="utf-8")
BODY = """<body><p class="doc-type">Concept note</p><p class="event">Geneva</p>
<p>Text <em>emphasis</em> <span class="untranslated" lang="en" dir="ltr">source <em>words</em></span></p>
<blockquote>Quoted</blockquote><h2>Heading</h2>
<ol><li>One<ol><li>Two<ol><li>Three</li></ol></li></ol></li></ol></body>"""


def computed(lang: str, extra_css: str = "") -> dict[str, dict[str, object]]:
    """Some computed styles of the page in ``lang``, by what the element is."""
    weasyprint = pytest.importorskip("weasyprint")
    html = (f'<html lang="{lang}"><head><style>{language_styles()}</style>'
            f"<style>:root {{ --body-font: serif; }} {NOTE_CSS}{extra_css}</style></head>{BODY}</html>")
    document = weasyprint.HTML(string=html).render()
    found: dict[str, dict[str, object]] = {}

    root = document.pages[0]._page_box.children[0].element  # <html>
    parents = {child: parent for parent in root.iter() for child in parent}

    def depth(element) -> int:  # how many <ol> hold it
        count = 0
        while element in parents:
            element = parents[element]
            count += element.tag == "ol"
        return count

    def walk(box) -> None:
        tag, element = box.element_tag, box.element
        if element is not None and tag in ("em", "p", "blockquote", "ol", "li", "h2", "html"):
            key = {"em": f"em {element.text}", "ol": f"ol {depth(element)}", "li": f"li {depth(element)}",
                   "p": f"p {element.get('class') or ''}".strip()}.get(tag, tag)
            found.setdefault(key, {k: box.style[k] for k in
                                   ("font_style", "font_weight", "list_style_type", "line_height",
                                    "letter_spacing", "text_transform", "text_align_all")})
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    return found


def test_italics_where_the_language_has_them():
    for lang in languages.LANGUAGES.values():
        styles = computed(lang.code)
        shown = "italic" if lang.italics else "normal"
        assert (styles["em emphasis"]["font_style"], styles["p event"]["font_style"],
                styles["blockquote"]["font_style"]) == (shown, shown, shown), lang.code
        # English source text standing in for a translation: upright in a document without italics
        assert styles["em words"]["font_style"] == shown


def test_arabic_emphasis_is_bold_and_upright():
    styles = computed("ar")
    assert (styles["em emphasis"]["font_style"], styles["em emphasis"]["font_weight"]) == ("normal", 700)
    assert styles["em words"]["font_weight"] == 700  # English source text inside: as the document
    assert computed("en")["em emphasis"]["font_weight"] == 400


def test_sub_paragraph_numbering_is_the_languages():
    assert (computed("en")["ol 1"]["list_style_type"], computed("en")["ol 2"]["list_style_type"]) == (
        "paren-alpha", "paren-roman")
    assert (computed("fr")["ol 1"]["list_style_type"], computed("fr")["ol 2"]["list_style_type"]) == (
        "close-alpha", "close-roman")
    assert (computed("ar")["ol 1"]["list_style_type"], computed("ar")["ol 2"]["list_style_type"]) == (
        "paren-abjad", "paren-roman")


def test_line_height_spaced_capitals_and_justified_items():
    arabic, chinese, english = computed("ar"), computed("zh"), computed("en")
    assert arabic["html"]["line_height"] != english["html"]["line_height"]
    assert arabic["h2"]["line_height"] == arabic["html"]["line_height"]  # the language's, over h2's own
    assert english["h2"]["line_height"] != english["html"]["line_height"]
    for styles in (arabic, chinese):
        assert styles["p doc-type"]["text_transform"] == "none"
        assert styles["p doc-type"]["letter_spacing"] in (0, "normal") or styles["p doc-type"]["letter_spacing"][0] == 0
    assert english["p doc-type"]["text_transform"] == "uppercase"
    assert chinese["li 1"]["text_align_all"] == "justify"
    assert english["li 1"]["text_align_all"] != "justify"


def test_a_projects_stylesheet_overrides_what_the_registry_sets():
    styles = computed("fr", ":lang(fr) { --list-number-1: paren-alpha; --italic: normal; }")
    assert styles["ol 1"]["list_style_type"] == "paren-alpha"
    assert styles["em emphasis"]["font_style"] == "normal"
