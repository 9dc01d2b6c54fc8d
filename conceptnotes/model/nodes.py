"""The document model: what a note says, read by every renderer.

Markdown is parsed once into these frozen dataclasses (see ``read.markdown_parse``);
the HTML/PDF and DOCX renderers walk them.  Each node class has a ``kind``, which
:mod:`conceptnotes.model.visitor` dispatches on (``visit_<kind>``); validation checks
that every kind of a document has a handler in each renderer before anything renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from conceptnotes.languages import DEFAULT_SOURCE

# Inline nodes -------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Emphasis:
    kind: ClassVar[str] = "emphasis"
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    kind: ClassVar[str] = "strong"
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    kind: ClassVar[str] = "code"
    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink; ``href`` is an absolute URL, ``mailto:`` or ``#anchor``."""

    kind: ClassVar[str] = "link"
    href: str
    children: tuple[Inline, ...]
    title: str = ""


@dataclass(frozen=True)
class FootnoteRef:
    """A call of footnote ``key``; ``number`` is its number in order of first call."""

    kind: ClassVar[str] = "footnote_ref"
    key: str
    number: int


@dataclass(frozen=True)
class LineBreak:
    kind: ClassVar[str] = "line_break"


@dataclass(frozen=True)
class Image:
    """An image from the note's ``assets/`` folder; ``path`` is resolved and checked."""

    kind: ClassVar[str] = "image"
    src: str
    path: Path
    alt: str
    title: str = ""


@dataclass(frozen=True)
class Untranslated:
    """Source-language text standing in for a missing or fuzzy translation (a draft build)."""

    kind: ClassVar[str] = "untranslated"
    children: tuple[Inline, ...]
    lang: str
    where: str = ""  # the catalog entry, "path:line", for the reviewer
    fuzzy: bool = False  # a fuzzy translation set aside, not a missing one


Inline = Text | Emphasis | Strong | Code | Link | FootnoteRef | LineBreak | Image | Untranslated


def plain_text(nodes: tuple[Inline, ...], *, footnote_numbers: bool = False) -> str:
    """The text of a run of inlines, without markup (image alt text included)."""
    from conceptnotes.model.visitor import walk

    out = []
    for node in walk(nodes):
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Image):
            out.append(node.alt)
        elif isinstance(node, FootnoteRef) and footnote_numbers:
            out.append(str(node.number))
    return "".join(out)


# Block nodes --------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    children: tuple[Inline, ...]
    line: int = 0
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading:
    """A section heading; ``level`` 1 is a section (``#``), 2 and 3 sub-sections."""

    kind: ClassVar[str] = "heading"
    level: int
    children: tuple[Inline, ...]
    anchor: str
    line: int = 0


@dataclass(frozen=True)
class ListItem:
    kind: ClassVar[str] = "list_item"
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    kind: ClassVar[str] = "list"
    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1
    line: int = 0


@dataclass(frozen=True)
class TableCell:
    kind: ClassVar[str] = "table_cell"
    children: tuple[Inline, ...]
    align: str = ""  # "", "left", "center" or "right"
    line: int = field(default=0, compare=False)  # its row's line


@dataclass(frozen=True)
class Table:
    """A table; ``header`` rows repeat at the top of each page."""

    kind: ClassVar[str] = "table"
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
class Quote:
    kind: ClassVar[str] = "quote"
    blocks: tuple[Block, ...]
    line: int = 0


@dataclass(frozen=True)
class Definition:
    kind: ClassVar[str] = "definition"
    terms: tuple[tuple[Inline, ...], ...]
    definitions: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class DefinitionList:
    kind: ClassVar[str] = "definition_list"
    items: tuple[Definition, ...]
    line: int = 0


@dataclass(frozen=True)
class CodeBlock:
    kind: ClassVar[str] = "code_block"
    text: str
    line: int = 0


@dataclass(frozen=True)
class ThematicBreak:
    kind: ClassVar[str] = "thematic_break"
    line: int = 0


@dataclass(frozen=True)
class Figure:
    """A paragraph of one image with a title: "Figure I", the title as its caption, the image.

    ``children`` is the image (its alt text is translated as a paragraph's), ``caption``
    its title; ``number`` counts the figures in reading order.
    """

    kind: ClassVar[str] = "figure"
    children: tuple[Inline, ...]
    caption: tuple[Inline, ...]
    number: int
    line: int = 0


Block = Paragraph | Heading | ListBlock | Table | Quote | DefinitionList | CodeBlock | ThematicBreak | Figure


@dataclass(frozen=True)
class Footnote:
    kind: ClassVar[str] = "footnote"
    key: str
    number: int
    blocks: tuple[Block, ...]
    line: int = 0


@dataclass(frozen=True)
class Document:
    kind: ClassVar[str] = "document"
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()

    def footnote(self, key: str) -> Footnote:
        return self._footnotes_by_key[key]

    @cached_property
    def _footnotes_by_key(self) -> dict[str, Footnote]:
        """Looked up once per call of a footnote: a dictionary, not a search of them all."""
        return {f.key: f for f in self.footnotes}


# Front matter --------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    start: dt.date
    end: dt.date
    city: str
    country: str  # ISO 3166-1 alpha-2
    venue: str = ""


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
