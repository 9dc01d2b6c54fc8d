"""Figures and table captions, as UN documents number them.

A paragraph that is one image with a title (``![alt](assets/x.png "Share of ...")``)
becomes a :class:`~conceptnotes.model.Figure`, "Figure I", whose caption is the title;
a paragraph starting with ``Table:`` right before a table (Pandoc's syntax) becomes that
table's caption, "Table 1".  Figures and captioned tables are numbered in reading order,
each kind on its own; the renderers write the label ("Figure", "Table") in each language.
A paragraph whose colon is written as a character reference (``Table&#58; ...``, as the
Word import writes a paragraph that only reads so) is text, never a caption.
Footnotes, which hold text only, are left as they are.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from conceptnotes import model as m
from conceptnotes.errors import Problems
from conceptnotes.model.visitor import INLINE_KINDS, is_node

TABLE_CAPTION = re.compile(r"[Tt]able:[ \t]*")  # Pandoc's "Table:" (or "table:") before a table
NOT_A_CAPTION = re.compile(r"[ \t>]*[Tt]able(&#58;|&#[xX]0*3[aA];|&colon;)")  # its colon a character reference


def structure(document: m.Document, path: Path, body: str = "", first_line: int = 1) -> tuple[m.Document, Problems]:
    """``document`` with its figures and table captions; a caption without a table is a problem.

    ``body`` (the Markdown ``document`` was read from, its first line ``first_line``) tells a
    caption from a paragraph that only reads as one."""
    numbering = _Numbering(path, body.split("\n") if body else [], first_line)
    blocks = numbering.blocks(document.blocks)
    return dataclasses.replace(document, blocks=blocks), numbering.problems


@dataclasses.dataclass
class _Numbering:
    path: Path
    lines: list[str]
    first_line: int
    figures: int = 0
    tables: int = 0
    problems: Problems = dataclasses.field(default_factory=Problems)

    def blocks(self, blocks: tuple[Any, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        caption: m.Paragraph | None = None
        for block in blocks:
            if caption is not None and not isinstance(block, m.Table):
                self.orphan(caption)
                out.append(caption)
            if isinstance(block, m.Paragraph) and table_caption(block) is not None and not self.text(block):
                caption = block
                continue
            if isinstance(block, m.Table) and caption is not None:
                self.tables += 1
                block = dataclasses.replace(
                    block, caption=table_caption(caption), number=self.tables, caption_line=caption.line
                )
            caption = None
            out.append(self.block(block))
        if caption is not None:
            self.orphan(caption)
            out.append(caption)
        return tuple(out)

    def block(self, block: Any) -> Any:
        image = figure_image(block)
        if image is not None:
            self.figures += 1
            untitled = dataclasses.replace(image, title="")
            return m.Figure((untitled,), (m.Text(image.title),), self.figures, block.line)
        changes = {}
        for field in dataclasses.fields(block):
            value = getattr(block, field.name)
            if isinstance(value, tuple) and _holds_blocks(value):
                changes[field.name] = self.tuple_of_blocks(value)
        return dataclasses.replace(block, **changes) if changes else block

    def tuple_of_blocks(self, value: tuple[Any, ...]) -> tuple[Any, ...]:
        """A tuple of blocks, of list items (which hold blocks) or of tuples of blocks."""
        if all(is_node(item) and item.kind not in INLINE_KINDS and item.kind != "list_item" for item in value):
            return self.blocks(value)
        return tuple(
            self.tuple_of_blocks(item) if isinstance(item, tuple) else self.block(item) if is_node(item) else item
            for item in value
        )

    def text(self, paragraph: m.Paragraph) -> bool:
        """Whether a paragraph that reads 'Table: ...' is written as text (its colon escaped)."""
        index = paragraph.line - self.first_line
        return 0 <= index < len(self.lines) and NOT_A_CAPTION.match(self.lines[index]) is not None

    def orphan(self, caption: m.Paragraph) -> None:
        self.problems.add(
            self.path, caption.line,
            "a table caption ('Table: ...') must come right before its table, with one blank line between them",
        )


def table_caption(paragraph: m.Paragraph) -> tuple[m.Inline, ...] | None:
    """The caption a paragraph ``Table: ...`` gives the table after it, or None."""
    first = paragraph.children[0] if paragraph.children else None
    if not isinstance(first, m.Text):
        return None
    match = TABLE_CAPTION.match(first.text)
    if match is None:
        return None
    rest = first.text[match.end():]
    return ((m.Text(rest),) if rest else ()) + paragraph.children[1:]


def figure_image(block: Any) -> m.Image | None:
    """The image of a paragraph that is one image with a title (a figure), or None."""
    if isinstance(block, m.Paragraph) and len(block.children) == 1:
        image = block.children[0]
        if isinstance(image, m.Image) and image.title.strip():
            return image
    return None


def _holds_blocks(value: tuple[Any, ...]) -> bool:
    for item in value:
        if isinstance(item, tuple):
            if _holds_blocks(item):
                return True
        elif is_node(item) and item.kind not in INLINE_KINDS and item.kind != "table_cell":
            return True
    return False
