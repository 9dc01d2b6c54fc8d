"""Typographic conventions of each language applied to a document's text.

Straight apostrophes become ’ in every language.  Straight double quotes become the
language's quotation marks ("..." is “...” in English,
Spanish and Chinese, «...» in French, Russian and Arabic).  French also gets a no-break
space before ``:``, a narrow no-break space before ``; ! ?`` and no-break spaces inside
« ».  Only text nodes change, never code, link targets or image paths.
"""

from __future__ import annotations

import dataclasses
import re

from conceptnotes import languages
from conceptnotes import model as m
from conceptnotes.model.visitor import map_inline_nodes

NBSP, NNBSP = "\u00a0", "\u202f"


def french(text: str) -> str:
    text = re.sub(
        r"(?<=\w)[ \u00a0\u202f]*([;!?]+)(?=\s|$|[»)])|[ \u00a0\u202f]+([;!?]+)(?=\s|$|[»)])",
        lambda g: NNBSP + (g.group(1) or g.group(2)),
        text,
    )
    text = re.sub(
        r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)|^[ \u00a0\u202f]+:(?=\s|$)|(?<=\s)[ \u00a0\u202f]*:(?=\s)", NBSP + ":", text
    )
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    return text


def quotes(text: str, lang: str) -> str:
    """Paired straight double quotes as the language's quotation marks."""
    opening, closing = languages.get(lang).quotes
    return re.sub(r'"([^"\n]+)"', lambda g: opening + g.group(1) + closing, text)


# A straight apostrophe inside a word (Children's, l'état) or closing a plural possessive
# (victims' associations); a quotation between single quotes ('...') is left alone.
APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])|(?<=[^\W\d_]s)'(?=[\s,.;:!?)»”]|$)")


def apostrophes(text: str) -> str:
    """Straight apostrophes as the typographic apostrophe ’ (U+2019), in every language."""
    return APOSTROPHE.sub("\u2019", text)


def _rule(lang: str):
    def apply(text: str) -> str:
        text = apostrophes(quotes(text, lang))
        return french(text) if languages.get(lang).spaced_punctuation else text

    return apply


RULES = {lang: _rule(lang) for lang in languages.CODES}


def typeset(nodes: tuple[m.Inline, ...], lang: str) -> tuple[m.Inline, ...]:
    """The inlines with the language's conventions applied to their text; source-language
    text standing in for a translation (``Untranslated``), code and link targets unchanged."""
    rule = RULES.get(lang)
    if rule is None:
        return nodes

    def apply(node: m.Inline) -> m.Inline:
        return m.Text(rule(node.text)) if isinstance(node, m.Text) else node

    return map_inline_nodes(nodes, apply, skip=frozenset({"untranslated"}))


def typeset_note(note: m.Note, lang: str) -> m.Note:
    """The note with its language's typographic conventions applied to all its text."""
    if lang not in RULES:
        return note
    from conceptnotes.i18n.units import map_document, translate_meta

    document = map_document(note.document, lambda inlines, line, kind: typeset(inlines, lang))
    meta = translate_meta(note.meta, lambda text, line: RULES[lang](text))
    return dataclasses.replace(note, meta=meta, document=document)
