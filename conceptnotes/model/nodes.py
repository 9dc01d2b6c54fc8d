"""The document model: what a note says, read by every renderer.

Markdown is parsed once into these frozen dataclasses (see ``read.markdown_parse``);
the HTML/PDF and DOCX renderers walk them.  Each node class has a ``kind``, which
:mod:`conceptnotes.model.visitor` dispatches on (``visit_<kind>``); validation checks
that every kind of a document has a handler in each renderer before anything renders.

Each node class also says what the rest of the code needs to know of its kind, as class
attributes of :class:`Node`: whether it is inline, which of its fields are translation
units and what such a unit is called, what its text is, what the units inside it are
called, how a message names it, and whether it counts as a block.  :data:`KINDS` is
every node class by kind; the walks and checks read these facts, never a list of kinds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar

from conceptnotes.languages import DEFAULT_SOURCE


@dataclass(frozen=True)
class UnitField:
    """A field of a node that holds translation units: one run of inlines, or (``runs``)
    a tuple of runs, one unit each (a definition's terms)."""

    field: str
    name: str = ""  # what such a unit is called; "" for its container's name (Node.container)
    runs: bool = False
    line: str = ""  # the node's field that holds the unit's own line ("" for the node's line)


class Node:
    """What every node class says of its kind (class attributes; the fields are the dataclass's)."""

    kind: ClassVar[str]
    inline: ClassVar[bool] = False  # part of a run of text, inside a block
    units: ClassVar[tuple[UnitField, ...]] = ()  # its fields that are translation units, in reading order
    container: ClassVar[str] = ""  # what a unit inside it is called ("list item"); "" keeps its parent's name
    text_field: ClassVar[str] = ""  # the field that is its text without markup (a code's text, an image's alt)
    shown: ClassVar[tuple[str, ...]] = ()  # every field of text a reader is shown (checked for characters, fonts)
    numbered: ClassVar[bool] = False  # shown as its number in plain text that keeps footnote numbers
    described: ClassVar[str] = ""  # how a message names one ("a table"); "" for its kind
    counted: ClassVar[bool] = False  # a box of its own, counted against read.limits.MAX_BLOCKS
    visited: ClassVar[bool] = True  # False: no renderer visits it alone; its parent's handler writes it

    def plain(self, *, footnote_numbers: bool = False) -> str:
        """This node's own text without markup (not its children's): see :func:`plain_text`."""
        if self.numbered and footnote_numbers:
            return str(self.number)
        return getattr(self, self.text_field) if self.text_field else ""

    def unit_runs(self) -> Iterator[tuple[UnitField, tuple[Inline, ...]]]:
        """``(field, run)`` of every non-empty translation unit of this node, in :attr:`units` order."""
        for unit in self.units:
            value = getattr(self, unit.field)
            for run in value if unit.runs else (value,):
                if run:
                    yield unit, run


# Inline nodes -------------------------------------------------------------


@dataclass(frozen=True)
class Text(Node):
    kind: ClassVar[str] = "text"
    inline = True
    text_field = "text"
    shown = ("text",)
    text: str


@dataclass(frozen=True)
class Emphasis(Node):
    kind: ClassVar[str] = "emphasis"
    inline = True
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong(Node):
    kind: ClassVar[str] = "strong"
    inline = True
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code(Node):
    kind: ClassVar[str] = "code"
    inline = True
    text_field = "text"
    shown = ("text",)
    text: str


@dataclass(frozen=True)
class Link(Node):
    """A hyperlink; ``href`` is an absolute URL, ``mailto:`` or ``#anchor``."""

    kind: ClassVar[str] = "link"
    inline = True
    shown = ("title",)
    href: str
    children: tuple[Inline, ...]
    title: str = ""


@dataclass(frozen=True)
class FootnoteRef(Node):
    """A call of footnote ``key``; ``number`` is its number in order of first call."""

    kind: ClassVar[str] = "footnote_ref"
    inline = True
    numbered = True
    key: str
    number: int


@dataclass(frozen=True)
class LineBreak(Node):
    kind: ClassVar[str] = "line_break"
    inline = True


@dataclass(frozen=True)
class Image(Node):
    """An image from the note's ``assets/`` folder; ``path`` is resolved and checked."""

    kind: ClassVar[str] = "image"
    inline = True
    text_field = "alt"
    shown = ("alt",)
    src: str
    path: Path
    alt: str
    title: str = ""


@dataclass(frozen=True)
class Superscript(Node):
    """Letters set as a superscript: the "er" of a French date's first day ("1er mai").  No
    Markdown makes one: the language's typography does (``i18n.typography``), so it is only
    in a localized note, never in a unit's source."""

    kind: ClassVar[str] = "superscript"
    inline = True
    text_field = "text"
    shown = ("text",)
    text: str


@dataclass(frozen=True)
class Untranslated(Node):
    """Source-language text standing in for a missing or fuzzy translation (a draft build)."""

    kind: ClassVar[str] = "untranslated"
    inline = True
    children: tuple[Inline, ...]
    lang: str
    where: str = ""  # the catalog entry, "path:line", for the reviewer
    fuzzy: bool = False  # a fuzzy translation set aside, not a missing one


Inline = Text | Emphasis | Strong | Code | Link | FootnoteRef | LineBreak | Image | Superscript | Untranslated


def plain_text(nodes: tuple[Inline, ...], *, footnote_numbers: bool = False) -> str:
    """The text of a run of inlines, without markup (image alt text included; a footnote
    call's number when ``footnote_numbers``)."""
    if all(type(node) is Text for node in nodes):  # most runs (a table's cells): no walk
        return "".join(node.text for node in nodes)
    from conceptnotes.model.visitor import walk

    return "".join(node.plain(footnote_numbers=footnote_numbers) for node in walk(nodes))


def merge_text(nodes: Iterable[Inline]) -> tuple[Inline, ...]:
    """A run of inlines with adjacent texts joined into one and empty texts left out."""
    out: list[Inline] = []
    for node in nodes:
        if not isinstance(node, Text):
            out.append(node)
        elif out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif node.text:
            out.append(node)
    return tuple(out)


# Block nodes --------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph(Node):
    kind: ClassVar[str] = "paragraph"
    units = (UnitField("children"),)
    counted = True
    children: tuple[Inline, ...]
    line: int = 0
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading(Node):
    """A section heading; ``level`` 1 is a section (``#``), 2 and 3 sub-sections."""

    kind: ClassVar[str] = "heading"
    units = (UnitField("children", "heading"),)
    described = "a heading"
    counted = True
    level: int
    children: tuple[Inline, ...]
    anchor: str
    line: int = 0


@dataclass(frozen=True)
class ListItem(Node):
    kind: ClassVar[str] = "list_item"
    container = "list item"
    visited = False
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock(Node):
    kind: ClassVar[str] = "list"
    described = "a list"
    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1
    line: int = 0


@dataclass(frozen=True)
class TableCell(Node):
    kind: ClassVar[str] = "table_cell"
    units = (UnitField("children"),)
    counted = True
    visited = False
    children: tuple[Inline, ...]
    align: str = ""  # "", "left", "center" or "right"
    line: int = field(default=0, compare=False)  # its row's line


@dataclass(frozen=True)
class Table(Node):
    """A table; ``header`` rows repeat at the top of each page."""

    kind: ClassVar[str] = "table"
    units = (UnitField("caption", "caption", line="caption_line"),)
    container = "table cell"
    described = "a table"
    header: tuple[tuple[TableCell, ...], ...]
    body: tuple[tuple[TableCell, ...], ...]
    line: int = 0
    caption: tuple[Inline, ...] = ()  # from a paragraph 'Table: ...' right before it
    number: int = 0  # "Table 1": the captioned tables' count, in reading order
    caption_line: int = 0

    @property
    def columns(self) -> int:
        return max(len(row) for row in self.header + self.body)


@dataclass(frozen=True)
class Quote(Node):
    kind: ClassVar[str] = "quote"
    container = "quotation"
    described = "a block quote"
    blocks: tuple[Block, ...]
    line: int = 0


@dataclass(frozen=True)
class Definition(Node):
    kind: ClassVar[str] = "definition"
    units = (UnitField("terms", "term", runs=True),)
    container = "definition"
    counted = True
    visited = False
    terms: tuple[tuple[Inline, ...], ...]
    definitions: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class DefinitionList(Node):
    kind: ClassVar[str] = "definition_list"
    described = "a definition list"
    items: tuple[Definition, ...]
    line: int = 0


@dataclass(frozen=True)
class CodeBlock(Node):
    kind: ClassVar[str] = "code_block"
    text_field = "text"
    shown = ("text",)
    described = "a code block"
    counted = True
    text: str
    line: int = 0


@dataclass(frozen=True)
class ThematicBreak(Node):
    kind: ClassVar[str] = "thematic_break"
    described = "a horizontal rule"
    counted = True
    line: int = 0


@dataclass(frozen=True)
class Figure(Node):
    """A paragraph of one image with a title: "Figure I", the title as its caption, the image.

    ``children`` is the image (its alt text is translated as a paragraph's), ``caption``
    its title; ``number`` counts the figures in reading order.
    """

    kind: ClassVar[str] = "figure"
    units = (UnitField("caption", "caption"), UnitField("children"))
    container = "figure"
    counted = True
    children: tuple[Inline, ...]
    caption: tuple[Inline, ...]
    number: int
    line: int = 0


Block = Paragraph | Heading | ListBlock | Table | Quote | DefinitionList | CodeBlock | ThematicBreak | Figure


@dataclass(frozen=True)
class Footnote(Node):
    kind: ClassVar[str] = "footnote"
    container = "footnote"
    key: str
    number: int
    blocks: tuple[Block, ...]
    line: int = 0


@dataclass(frozen=True)
class Document(Node):
    kind: ClassVar[str] = "document"
    visited = False
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()

    def footnote(self, key: str) -> Footnote:
        return self._footnotes_by_key[key]

    @cached_property
    def _footnotes_by_key(self) -> dict[str, Footnote]:
        """Looked up once per call of a footnote: a dictionary, not a search of them all."""
        return {f.key: f for f in self.footnotes}


# Every node class, by kind: what the walks and the checks read the facts of a kind from.
KINDS: Mapping[str, type[Node]] = MappingProxyType({cls.kind: cls for cls in Node.__subclasses__()})


# Front matter --------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    start: dt.date
    end: dt.date
    city: str
    country: str  # ISO 3166-1 alpha-2, or "" when the note names the place (country_name)
    venue: str = ""
    country_name: str = ""  # the place's name, translated, where the United Nations has none


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    url: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Meta:
    """The validated front matter of a note (see docs/content-format.md)."""

    title: str
    languages: tuple[str, ...]
    event: Event
    subtitle: str = ""
    symbol: str = ""
    source_language: str = DEFAULT_SOURCE
    date: dt.date | None = None
    distribution: str = "General"
    organizers: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    keywords: tuple[str, ...] = ()
    file_name: str = ""  # pattern of the output files' names: {id} {lang} {letter} {symbol} {job}
    job_numbers: dict[str, str] = field(default_factory=dict)
    numbered_paragraphs: bool = False  # body paragraphs numbered 1, 2, 3... by the renderers
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Note:
    """A loaded note: its id (the folder name), where it lives, and what it says."""

    id: str
    folder: Path
    source: Path
    meta: Meta
    document: Document
    raw: bytes = field(default=b"", repr=False, compare=False)  # note.md as read and validated

    @property
    def assets(self) -> Path:
        return self.folder / "assets"


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its bytes and, for a PDF, its number of pages."""

    data: bytes
    pages: int | None = None
