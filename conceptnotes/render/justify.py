"""Justified lines of CJK text: the slack shared between characters, as UN Chinese documents set them.

WeasyPrint 70 justifies a line by widening its spaces only (``layout.inline.justify_line``,
"TODO: We should use a better algorithm"; it has no ``text-justify``), so a line of Chinese,
which has none, stays ragged by up to an em.  After WeasyPrint has laid the pages out and
before the PDF is written, :func:`justify_between_characters` gives each such line's slack to
its text as letter spacing (Pango's, as CSS ``letter-spacing`` is drawn), shared equally by
the gaps between its characters: the glyphs move, the text a reader copies or searches does
not change (the gaps stay under what text extraction reads as a space: :data:`MOST`), and no
line breaks elsewhere (the layout is done).

A line is justified so when its block is ``text-align: justify``, it holds a CJK character,
it is not its paragraph's last (that line stays at the start, as ``text-align-last: auto``
sets it; a paragraph continued on the next page has no last line on this one), and it ends
short of its block's edge once the width WeasyPrint gave its spaces, if any, is taken back
(a Latin name in Chinese text: its spaces get the same share as any other gap).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

# A line needing more than this between each two characters (one before a long unbreakable
# word: a URL, a number) stays as it is.  Text extraction reads a wider gap as a space
# (poppler's pdftotext from a tenth of the font size: "本 次 高 级"), and what a reader
# copies or searches must stay the text.
MOST = 0.06  # em


def justify_between_characters(document: Any) -> int:
    """Justify the CJK lines of a WeasyPrint ``document`` (laid out, not yet written) between
    their characters, in place; the number of lines changed."""
    from weasyprint.formatting_structure import boxes

    changed = 0
    for page in document.pages:
        for block in _blocks_of_lines(page._page_box, boxes):
            changed += _justify_block(block, boxes)
    return changed


def _blocks_of_lines(box: Any, boxes: Any) -> Iterator[Any]:
    """The boxes holding line boxes, in document order (a block holds lines or blocks, never both)."""
    children = getattr(box, "children", ())
    if any(isinstance(child, boxes.LineBox) for child in children):
        yield box
        return
    for child in children:
        yield from _blocks_of_lines(child, boxes)


def _justify_block(block: Any, boxes: Any) -> int:
    lines = [child for child in block.children if isinstance(child, boxes.LineBox)]
    continued = "bottom" in block.remove_decoration_sides  # the paragraph goes on on the next page
    changed = 0
    for index, line in enumerate(lines):
        if line.style["text_align_all"] != "justify" or (index == len(lines) - 1 and not continued):
            continue
        texts = list(_text_boxes(line, boxes))
        text = "".join(box.text for box in texts)
        gaps = len(text) - 1
        # what WeasyPrint gave the line's spaces (a Latin name in it) is shared too
        widened = sum(box.justification_spacing * _spaces(box.text) for box in texts)
        slack = block.content_box_x() + block.width - (line.position_x + line.width) + widened
        if text.endswith("\n") or gaps < 1 or slack <= 0.01 or not any(map(_cjk, text)):
            continue
        spacing = slack / gaps
        if spacing > MOST * line.style["font_size"]:
            continue
        _spread(line, spacing, 0.0, boxes)
        # once more, by what Pango made of it (letter-spaced Latin text loses its ligatures),
        # to the last character's edge (the spacing after it is past the margin, unseen)
        missing = block.content_box_x() + block.width - (line.position_x + line.width - spacing)
        if abs(missing) > 0.05:
            _spread(line, spacing + missing / gaps, 0.0, boxes)
        changed += 1
    return changed


def _spaces(text: str) -> int:
    """The spaces WeasyPrint widens to justify a line (``count_expandable_spaces``)."""
    return text.count(" ") + text.count("\u00a0")


def _cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _text_boxes(box: Any, boxes: Any) -> Iterator[Any]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child, boxes)


def _spread(box: Any, spacing: float, advance: float, boxes: Any) -> float:
    """Give ``box``'s text ``spacing`` between characters (Pango's letter spacing: a text
    box is as wide as Pango draws it so, plus one spacing after it, as WeasyPrint counts a
    letter-spaced text) and move it by ``advance``; the advance of what follows it.  The
    width WeasyPrint gave its spaces is taken back first."""
    if isinstance(box, boxes.TextBox):
        box.position_x += advance
        widened = box.justification_spacing * _spaces(box.text)
        if widened:
            box.justification_spacing = box.pango_layout.justification_spacing = 0
        if box.text:
            before = box.width
            box.style = box.style.copy()  # a style is shared by every box of its element
            box.style["letter_spacing"] = spacing
            box.width = _width(box)
            advance += box.width - before
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        box.position_x += advance
        before = advance
        for child in box.children:
            if child.is_in_normal_flow():
                advance = _spread(child, spacing, advance, boxes)
        box.width += advance - before
    else:  # an image, an inline block: moved whole
        box.translate(advance, 0)
    return advance


def _width(box: Any) -> float:
    """The width of a text box as Pango lays its text out in its style (letter spacing included)."""
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(box.text, box.style, None, None, 0)
    first, _ = layout.get_first_line()
    return line_size(first, box.style)[0]
