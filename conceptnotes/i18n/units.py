"""Translation units of a note, and the note rebuilt from translated units.

A unit is the inline Markdown of one heading, paragraph, list item, table cell,
definition term, figure (its image), caption (of a figure or table) or footnote
paragraph, written back from the document model (``to_markdown``), so a translator
sees ``*Virtual Dialogue*`` and ``[^dialogue]``; and the translatable front-matter
fields as plain text.  The structure of a note (lists, tables, footnotes) is never
translated: a translated note is the source
model with each unit's inlines replaced.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from conceptnotes import model as m
from conceptnotes.model.visitor import InlineMap, Visitor, map_inline_nodes, map_inlines

META_FIELDS = ("title", "subtitle")
# The units a document shows as one line, by the name ``map_inlines`` gives them (every
# front-matter text is one too): a line break in a translation of one is refused, as the
# PDF would run its lines together and the DOCX break them.
ONE_LINE = frozenset({"heading", "table cell", "caption", "term"})

# What stays the same in every language, whatever letters it has: web addresses, e-mail
# addresses and UN document symbols (A/76/L.1, S/RES/2396 (2017), ST/SGB/2019/8).
_NOT_WORDS = re.compile(
    r"(?:https?://|ftp://|www\.|mailto:)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[A-Z]{1,6}(?:/[\w.-]+)+"
)


def translatable(text: str) -> bool:
    """Whether a text has anything to translate: a letter outside web and e-mail addresses
    and document symbols.  An empty table cell, a number, a time ("10:00–10:30"), an
    address or a symbol is the same in every language: it is no unit.  The one test of
    extraction, status, the build and the strict build alike."""
    return any(char.isalpha() for char in without_symbols(text))


def without_symbols(text: str) -> str:
    """``text`` without its web and e-mail addresses and document symbols."""
    return _NOT_WORDS.sub("", text)


def _words(inlines: tuple[m.Inline, ...]) -> str:
    """The text a translator could change: words, link texts and image descriptions, not
    code, link targets or footnote calls."""
    return m.plain_text(tuple(node for node in inlines if not isinstance(node, m.Code)))


def is_unit(inlines: tuple[m.Inline, ...]) -> bool:
    return translatable(_words(inlines))


@dataclass(frozen=True)
class Unit:
    """One translatable text: its source (the msgid), where it is, and what it is."""

    msgid: str
    line: int
    kind: str
    inlines: tuple[m.Inline, ...] = ()  # the parsed source, empty for front-matter text


# Markdown written back from the model ----------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_\[\]])")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    return text.replace("<", "&lt;")


def _code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _url(href: str) -> str:
    """A link target as Markdown reads it back: balanced parentheses may stay (Wikipedia)."""
    href = href.replace(" ", "%20")
    depth = 0
    for char in href:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        href = href.replace("(", "%28").replace(")", "%29")
    return href


def _title(title: str) -> str:
    return f' "{title}"' if title else ""


class MarkdownWriter(Visitor):
    """Inline nodes as Markdown that :func:`read.markdown_parse.parse_inline` reads back the same.

    Emphasis inside emphasis is written with ``_``, strong inside emphasis or strong with
    ``__``, so that the markers cannot pair up with the wrong partner.
    """

    def write(self, nodes: tuple[m.Inline, ...], inside: frozenset[str] = frozenset()) -> str:
        return "".join(
            self.visit(node, inside, nodes[index + 1] if index + 1 < len(nodes) else None)
            for index, node in enumerate(nodes)
        )

    def visit_text(self, node: m.Text, inside: frozenset[str], following: m.Inline | None) -> str:
        text = _escape(node.text)
        if text.endswith("!") and isinstance(following, m.Link):
            text = text[:-1] + "\\!"  # or '![' would read back as an image
        return text

    def visit_emphasis(self, node: m.Emphasis, inside: frozenset[str], following: m.Inline | None) -> str:
        mark = "_" if "emphasis" in inside else "*"
        return f"{mark}{self.write(node.children, inside | {'emphasis'})}{mark}"

    def visit_strong(self, node: m.Strong, inside: frozenset[str], following: m.Inline | None) -> str:
        mark = "__" if inside & {"strong", "emphasis"} else "**"  # '*a **b** c*' misparses
        return f"{mark}{self.write(node.children, inside | {'strong'})}{mark}"

    def visit_code(self, node: m.Code, inside: frozenset[str], following: m.Inline | None) -> str:
        return _code(node.text)

    def visit_link(self, node: m.Link, inside: frozenset[str], following: m.Inline | None) -> str:
        return f"[{self.write(node.children, inside)}]({_url(node.href)}{_title(node.title)})"

    def visit_footnote_ref(self, node: m.FootnoteRef, inside: frozenset[str], following: m.Inline | None) -> str:
        return f"[^{node.key}]"

    def visit_image(self, node: m.Image, inside: frozenset[str], following: m.Inline | None) -> str:
        return f"![{_escape(node.alt)}]({_url(node.src)}{_title(node.title)})"

    def visit_line_break(self, node: m.LineBreak, inside: frozenset[str], following: m.Inline | None) -> str:
        return "  \n"

    def visit_superscript(self, node: m.Superscript, inside: frozenset[str], following: m.Inline | None) -> str:
        return _escape(node.text)  # Markdown has none: typography made it ("1er"), its text is the source's


def to_markdown(nodes: tuple[m.Inline, ...]) -> str:
    """Inline nodes as the Markdown a translator sees: the msgid of a unit."""
    return MarkdownWriter().write(nodes)


# Walking the units ---------------------------------------------------------------------------


def map_document(document: m.Document, fn: InlineMap) -> m.Document:
    """The document with every unit's inlines replaced by ``fn(inlines, line, kind)``."""
    return map_inlines(document, fn)


def meta_texts(meta: m.Meta) -> Iterator[tuple[str, str, int]]:
    """``(field, text, line)`` of every translatable front-matter text the documents print,
    each at its own line.  Contact names are kept with the note and printed nowhere (the
    body's Contact section is what a reader sees): no unit, never demanded by a strict build;
    keywords are the note's own search terms, in the properties as written: no unit either."""
    for name in META_FIELDS:
        if translatable(getattr(meta, name)):
            yield name, getattr(meta, name), meta.lines.get(name, 0)
    yield "event.city", meta.event.city, value_line(meta, "event.city")
    if meta.event.country_name:
        yield "event.country_name", meta.event.country_name, value_line(meta, "event.country_name")
    if meta.event.venue:
        yield "event.venue", meta.event.venue, value_line(meta, "event.venue")
    for index, organizer in enumerate(meta.organizers):
        yield "organizers", organizer, value_line(meta, f"organizers.{index}")


def shown_fields(meta: m.Meta) -> Iterator[tuple[str, str, int]]:
    """``(field, text, line)`` of every front-matter unit, each organizer by its place
    (``organizers.1``): where a draft marks source text shown untranslated."""
    for field, text, line in meta_texts(meta):
        if field != "organizers":
            yield field, text, line
    for index, organizer in enumerate(meta.organizers):
        yield f"organizers.{index}", organizer, value_line(meta, f"organizers.{index}")


def value_line(meta: m.Meta, name: str) -> int:
    """The line of a front-matter value (``event.city``, ``organizers.1``), else of its top key."""
    return meta.lines.get(name) or meta.lines.get(name.split(".")[0], 0)


def units(note: m.Note) -> list[Unit]:
    """Every translation unit of a note, front matter first, then in reading order."""
    found = [Unit(text, line, field) for field, text, line in meta_texts(note.meta) if translatable(text)]

    def collect(inlines: tuple[m.Inline, ...], line: int, kind: str) -> tuple[m.Inline, ...]:
        if is_unit(inlines):
            found.append(Unit(to_markdown(inlines), line, kind, inlines))
        return inlines

    map_document(note.document, collect)
    return found


def translate_meta(meta: m.Meta, translate: Callable[[str, int], str]) -> m.Meta:
    event = dataclasses.replace(
        meta.event,
        city=translate(meta.event.city, value_line(meta, "event.city")),
        venue=translate(meta.event.venue, value_line(meta, "event.venue")) if meta.event.venue else "",
        country_name=translate(meta.event.country_name, value_line(meta, "event.country_name"))
        if meta.event.country_name else "",
    )
    return dataclasses.replace(
        meta,
        title=translate(meta.title, meta.lines.get("title", 0)),
        subtitle=translate(meta.subtitle, meta.lines.get("subtitle", 0)) if meta.subtitle else "",
        event=event,
        organizers=tuple(
            translate(o, value_line(meta, f"organizers.{index}")) for index, o in enumerate(meta.organizers)
        ),
    )


def renumber_footnotes(document: m.Document) -> m.Document:
    """Number footnotes in the order of their first call (a translation may reorder calls)."""
    numbers: dict[str, int] = {}

    def renumber(node: m.Inline) -> m.Inline:
        if isinstance(node, m.FootnoteRef):
            return m.FootnoteRef(node.key, numbers.setdefault(node.key, len(numbers) + 1))
        return node

    def visit(inlines: tuple[m.Inline, ...], line: int, kind: str) -> tuple[m.Inline, ...]:
        return map_inline_nodes(inlines, renumber)

    renumbered = map_inlines(m.Document(document.blocks, ()), visit)
    footnotes = [dataclasses.replace(f, number=numbers[f.key]) for f in document.footnotes if f.key in numbers]
    notes = map_inlines(m.Document((), tuple(sorted(footnotes, key=lambda f: f.number))), visit)
    return m.Document(renumbered.blocks, notes.footnotes)
