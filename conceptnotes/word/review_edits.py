"""A reviewer's edit of a run's rendered text carried into the text it was rendered from.

The build changes text on its way into a DOCX (typographic quotes, no-break spaces,
emphasis as formatting, a footnote call as its number): the rendered text and its source
(note.md's lines, or a catalog's translation) are aligned character by character, with
those typographic differences folded, and each edit of the rendered text is made at the
source's characters it stands on.  An edit that touches text the source writes otherwise
(markup, a footnote call, a typographic change) cannot be placed there: refused, never guessed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from conceptnotes.render.docx.review_marks import OBJECT

FOLDED = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\n": " ", "\u2011": "-"})
# what the build's typography writes, not the source: inserted text (moved or copied from the
# document) loses it, and the build writes it again where its rules say
_TYPESET = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2060": None})
_MARKDOWN = re.compile(r"([\\`*_\[\]])")


def carried(rendered: str, edited: str, source: str, *, markdown: bool = True) -> str | None:
    """``source`` with the edits that make ``rendered`` into ``edited``, or None when an edit
    cannot be placed in it (it touches markup or a character the build wrote otherwise, or
    adds a footnote call, a picture or a line break).  Inserted text is escaped as Markdown
    text unless ``markdown`` is False (a front-matter value: plain text)."""
    shown_at = _equal_positions(source, rendered)
    out = source
    edits = [op for op in SequenceMatcher(None, rendered, edited, autojunk=False).get_opcodes() if op[0] != "equal"]
    for _tag, i1, i2, j1, j2 in reversed(edits):
        new = edited[j1:j2]
        if OBJECT in new or "\n" in new:
            return None
        span = next(filter(None, (_span(shown_at, a, b, len(rendered)) for a, b in _slid(rendered, i1, i2, new))),
                    None)
        if span is None:
            return None
        new = new.translate(_TYPESET)
        out = out[: span[0]] + (_MARKDOWN.sub(r"\\\1", new) if markdown else new) + out[span[1]:]
    return out


def _slid(rendered: str, i1: int, i2: int, new: str) -> list[tuple[int, int]]:
    """The places an insertion or a deletion could equally be made at (" virtuel" or
    "virtuel " out of "Dialogue virtuel s'est"), the diff's own first."""
    if new and i2 > i1:
        return [(i1, i2)]
    text = rendered[i1:i2] if i2 > i1 else new
    places, width = [(i1, i2)], len(text)
    whole, a = rendered, i1
    while width and a > 0 and whole[a - 1] == text[-1]:
        text, a = whole[a - 1] + text[:-1], a - 1
        places.append((a, a + (i2 - i1)))
    text, a = (rendered[i1:i2] if i2 > i1 else new), i1
    end = i2 if i2 > i1 else i1  # the first character after the deleted text, or the insertion's place
    while width and end + (a - i1) < len(whole) and whole[end + (a - i1)] == text[0]:
        text, a = text[1:] + whole[end + (a - i1)], a + 1
        places.append((a, a + (i2 - i1)))
    return places


def _equal_positions(source: str, rendered: str) -> dict[int, int]:
    """For each character of ``rendered`` that stands for one of ``source``, that one's index."""
    found: dict[int, int] = {}
    matcher = SequenceMatcher(None, source.translate(FOLDED), rendered.translate(FOLDED), autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.update((j1 + k, i1 + k) for k in range(j2 - j1))
    return found


def _span(at: dict[int, int], i1: int, i2: int, length: int) -> tuple[int, int] | None:
    """The source's characters that ``rendered[i1:i2]`` stands on, contiguous; for an insertion
    (``i1 == i2``), the place after the character before it (whose formatting Word gives the
    inserted text), else before the one after it."""
    if i2 > i1:
        if any(k not in at for k in range(i1, i2)) or at[i2 - 1] - at[i1] != i2 - 1 - i1:
            return None
        return at[i1], at[i2 - 1] + 1
    if i1 > 0 and i1 - 1 in at:
        return at[i1 - 1] + 1, at[i1 - 1] + 1
    if i1 < length and i1 in at:
        return at[i1], at[i1]
    return None


def cell_span(row: str, column: int) -> tuple[int, int]:
    """Where the ``column``-th cell (from 0) of a Markdown table's ``row`` stands in it, as
    the note's reader splits a row (``read/markdown_parse``: an escaped pipe, or one inside
    inline code, separates nothing); the whole row when it has no such cell."""
    pipes, ticks = [], 0
    for index, char in enumerate(row):
        ticks += char == "`"
        if char == "|" and (index == 0 or row[index - 1] != "\\") and ticks % 2 == 0:
            pipes.append(index)
    edges = [-1, *pipes, len(row)]
    cells = [(a + 1, b) for a, b in zip(edges, edges[1:], strict=False)]
    if pipes and not row[:pipes[0]].strip():
        cells = cells[1:]  # before the leading pipe
    if pipes and not row[pipes[-1] + 1:].strip():
        cells = cells[:-1]  # after the closing pipe
    return cells[column] if 0 <= column < len(cells) else (0, len(row))
