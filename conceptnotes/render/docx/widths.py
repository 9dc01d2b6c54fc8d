"""The widths of a DOCX table's columns, from the content, as the PDF's automatic table layout.

Word and LibreOffice take a table's column widths as written (``w:gridCol``) and break a word
that does not fit inside it ("14 Octobe|r"), or a time range at its dash ("09:30–|12:30").
So each column is made at least as wide as its widest unbreakable run, measured with
HarfBuzz in the fonts the document names (Times New Roman by its metric twin, Liberation
Serif): a word, one CJK character (Word may break between any two), or the whole text of a
short cell, which the PDF never wraps (its class "short", for a cell of at most
:data:`SHORT_CELL` characters).  The rest of the text width is shared as CSS 2.1 shares it
(17.5.2.2): in proportion to how much more than that each column's longest text needs.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence

from conceptnotes import fonts

SHORT_CELL = 16  # characters: the PDF sets such a cell on one line (blocks.html.j2, macro align)
# The metric-compatible family of one a Word document names and the machine may lack
METRIC_TWINS = {"Times New Roman": "Liberation Serif"}
_TWIPS = 635  # EMU in a twip
AUTOSPACE = 0.25  # em
# the spaces a line may break at (not the no-break ones: U+00A0, U+2007, U+202F)
_SPACE = re.compile("[ \t\n\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+")


_FIRST_WIDE = "\u0378"  # none before it is wide (W) or full-width (F) to unicodedata (Latin scripts, accents)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _complex(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("AL", "R", "AN")


def units(text: str) -> list[str]:
    """The runs of ``text`` a line never breaks inside: the whole text of a short cell, else
    its words (between spaces a line breaks at), each wide (CJK) character on its own."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= SHORT_CELL:
        return [text] if text else []
    out = []
    for word in text.split(" "):
        out.extend(_split_wide(word))
    return out


def _split_wide(word: str) -> list[str]:
    if not word or max(word) < _FIRST_WIDE:  # Latin letters alone: the word whole, not looked up per character
        return [word] if word else []
    parts, current = [], ""
    for char in word:
        if _wide(char):
            parts.extend([current, char] if current else [char])
            current = ""
        else:
            current += char
    return [*parts, current] if current else parts


@functools.lru_cache(maxsize=16)
def _font(family: str, bold: bool):  # -> (uharfbuzz.Font, units per em)
    import uharfbuzz as hb

    family = METRIC_TWINS.get(family, family)
    weight = "bold" if bold else "normal"
    faces = [face for face in fonts.family_faces(family) if face.style == "normal"]
    face = next((f for f in faces if f.weight == weight), faces[0])
    hb_face = fonts.harfbuzz_face(face.source, face.index)
    return hb.Font(hb_face), hb_face.upem


def _run_width(text: str, family: str, bold: bool) -> float:
    """The advance of ``text`` shaped in ``family``, in em."""
    import uharfbuzz as hb

    font, upem = _font(family, bold)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return sum(position.x_advance for position in buffer.glyph_positions) / upem


def text_width(text: str, slots: Mapping[str, str], bold: bool = False) -> float:
    """The width of ``text`` on one line in em, each character in the font of its Word slot
    (``slots``: ``ascii``, ``eastAsia``, ``cs``, as fonts.json names a language's DOCX fonts).
    Digits and punctuation take the wider of the Latin and the complex-script font: a right-to-
    left run shows them in the latter (Word and LibreOffice decide by the run's direction)."""
    runs: list[tuple[str, tuple[str, ...]]] = []
    for char in text:
        slot = "eastAsia" if _wide(char) else "cs" if _complex(char) else "ascii"
        families = (slots.get(slot) or slots["ascii"],)
        if slot == "ascii" and "cs" in slots and not unicodedata.category(char).startswith("L"):
            families = (slots["ascii"], slots["cs"])
        if runs and runs[-1][1] == families:
            runs[-1] = (runs[-1][0] + char, families)
        else:
            runs.append((char, families))
    # Word's autospace (w:autoSpaceDE, w:autoSpaceDN: on unless a paragraph turns it off) puts
    # about a quarter em between CJK and Latin letters or digits: room for it either way
    spaced = sum(1 for a, b in itertools.pairwise(text) if _wide(a) != _wide(b) and not (a.isspace() or b.isspace()))
    shaped = sum(max(_run_width(run, family, bold) for family in families) for run, families in runs)
    return shaped + spaced * AUTOSPACE


def column_widths(rows: Sequence[Sequence[tuple[str, bool]]], total: int, size: int,
                  slots: Mapping[str, str], margins: int = 2 * 108 * _TWIPS) -> list[int]:
    """The widths in EMU of a table's columns sharing ``total`` EMU: ``rows`` of cells, each
    its plain text and whether it is bold, set at ``size`` EMU (the font size), with ``margins``
    EMU of each cell's left and right margins (the template's 108 twips each)."""
    count = max(len(row) for row in rows)
    least, most = [margins] * count, [margins] * count
    measure = functools.lru_cache(maxsize=4096)(lambda unit, bold: text_width(unit, slots, bold))
    for row in rows:
        for index, (text, bold) in enumerate(row):
            parts = units(text)
            needed = [measure(unit, bold) for unit in parts]
            # on one line: its runs and the spaces between them (each word measured once)
            spaces = len(_SPACE.findall(text.strip())) if len(parts) > 1 else 0  # a short cell is one run
            line = sum(needed) + measure(" ", bold) * spaces
            least[index] = max(least[index], margins + int(size * max(needed, default=0) * 1.02) + 1)
            most[index] = max(most[index], margins + int(size * line * 1.02) + 1)
    if sum(most) <= total:  # every text on one line: the room left shared by the widths
        return _share(most, most, total)
    if sum(least) >= total:  # no room for every word: as narrow as the words allow
        return least
    extra = [high - low for low, high in zip(least, most, strict=True)]
    return [low + (total - sum(least)) * more // sum(extra) for low, more in zip(least, extra, strict=True)]


def _share(widths: list[int], weights: list[int], total: int) -> list[int]:
    room = total - sum(widths)
    return [width + room * weight // sum(weights) for width, weight in zip(widths, weights, strict=True)]
