"""Lists nested as CommonMark nests them, for Python-Markdown, which nests only at four spaces.

A line belongs to a list item when it is indented at least to the item's content column
(the column of the item's first character after the marker): ``- `` then two spaces,
``1. `` then three.  Python-Markdown instead takes a line indented by fewer than four
spaces as a new item of the same list (a sub-list indented by 2 or 3 spaces was flattened,
its numbers joining the main list) or as text of the item's paragraph.  ``nest`` rewrites
the leading spaces of the lines inside lists so that each level is four spaces deeper than
its parent's marker, as Python-Markdown expects; nothing else changes, and line *n* of the
result is line *n* of the note, so that every problem keeps its line.

Bullets pasted from Word (``•`` or U+F0B7 of the Symbol font, then a tab or spaces) are
written as ``-`` items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conceptnotes.errors import Problem, Problems

TAB = 4
MARKER = re.compile(r"(?P<indent> *)(?P<marker>[-+*]|\d{1,9}[.)])(?P<space> +|$)")
# Word's bullets as pasted: •, the Symbol and Wingdings fonts' bullet and square (private
# use characters), ▪ and ◦; Word's second-level "o" only before a tab.
WORD_BULLET = re.compile(r"^(?P<indent> *)(?:[•\uf0b7\uf0a7▪◦](?:\t| +)|o\t)")
RULE = re.compile(r" {0,3}([-*_])( *\1){2,} *$")


@dataclass
class _Item:
    marker: int  # the column of the item's marker in the note
    content: int  # the column of the item's content in the note
    new: int  # the column where its content goes for Python-Markdown


def nest(body: str) -> str:
    """``body`` with its lists re-indented by CommonMark's rule, line for line."""
    lines = body.split("\n")
    stack: list[_Item] = []
    previous = ""  # "blank", "paragraph" (text outside any list) or "list"
    for index, raw in enumerate(lines):
        lead = re.match(r"[ \t]*", raw).group()  # type: ignore[union-attr]
        line = WORD_BULLET.sub(r"\g<indent>- ", lead.expandtabs(TAB) + raw[len(lead):], count=1)
        if not line.strip():
            previous = "blank"
            continue
        indent = len(line) - len(line.lstrip(" "))
        marker = MARKER.match(line)
        if marker and not RULE.match(line) and not (previous == "paragraph" and not stack):
            lines[index] = _item(stack, raw, line, indent)
        elif stack:
            lines[index] = _continued(stack, raw, line, indent, previous == "blank")
        previous = "list" if stack else "paragraph"
    return "\n".join(lines)


def _item(stack: list[_Item], raw: str, line: str, indent: int) -> str:
    """A list marker: an item of the innermost item it is indented under, by any number of
    spaces (CommonMark asks for the item's content column: a sub-list indented by less was
    printed as text of the item, "in particular: - consent;").  ``3)`` is written ``3.``,
    which Python-Markdown reads (the same width: the columns stay)."""
    while stack and indent <= stack[-1].marker:
        stack.pop()
    marker = MARKER.match(line)
    assert marker is not None
    if not stack and indent >= TAB:
        return raw  # an indented code block
    space = len(marker.group("space"))
    width = len(marker.group("marker")) + (space if 0 < space <= TAB else 1)
    start = stack[-1].new if stack else 0
    stack.append(_Item(indent, indent + width, start + TAB))
    text = line[indent:]
    if marker.group("marker").endswith(")"):
        text = text.replace(")", ".", 1)
    return " " * start + text


def _continued(stack: list[_Item], raw: str, line: str, indent: int, after_blank: bool) -> str:
    """A line that is not a list marker: inside the items whose content column it reaches;
    right after a line of the list, text of its last item's paragraph, left as it is."""
    if indent < stack[-1].content and not after_blank:
        return raw  # a lazy continuation line, which Python-Markdown reads as CommonMark does
    while stack and indent < stack[-1].content:
        stack.pop()
    if not stack:
        return raw
    item = stack[-1]
    return " " * (item.new + indent - item.content) + line[indent:]


def _starts_list(marker: re.Match) -> bool:
    """Whether a marker right after a paragraph's line starts a list (CommonMark: a bullet,
    or the number 1)."""
    text = marker.group("marker")
    return not text[0].isdigit() or int(text[:-1]) == 1


def unseparated_lists(original: str, first_line: int, path: str) -> Problems:
    """Lists written right under a paragraph's line, which Python-Markdown reads as text of the
    paragraph: a warning at the list's first line.  So is an item right under the lines
    indented under the item above after a blank line (``1. A``, blank, ``   More.``,
    ``2. B``): Python-Markdown reads them as one block of that item."""
    found = Problems()
    state = "blank"  # of the line above: "blank", "list" (in a list) or "paragraph" (text outside lists)
    inside = 0  # the indentation of the lines since a blank line inside an item (0: none)
    for index, raw in enumerate(original.split("\n")):
        line = WORD_BULLET.sub(r"\g<indent>- ", raw, count=1)
        marker = MARKER.match(line) if not RULE.match(line) else None
        indent = len(line) - len(line.lstrip(" "))
        inside = 0 if not line.strip() else inside or (indent if state == "list-blank" else 0)
        if not line.strip():
            state = "blank" if state != "list" else "list-blank"
        elif marker and marker.group("space") and indent < inside:
            found.append(Problem(path, first_line + index, "this item follows the lines indented under the item"
                                 " above, after a blank line, and is read as part of them: put a blank line"
                                 " before it", warning=True))
            inside = 0
        elif marker and marker.group("space"):
            if state in JOINED and (state != "paragraph" or _starts_list(marker)):
                found.append(Problem(path, first_line + index, JOINED[state], warning=True))
                state = "said"  # the paragraph's other items: said once
            elif state != "said":
                state = "list" if state not in JOINED else state
        elif state in ("list", "said") or (state == "list-blank" and line.startswith((" ", "\t"))):
            state = "list" if state == "list-blank" else state
        else:
            state = _outside_lists(line)
    return found


# What a list right under a line of each kind is read as (Python-Markdown joins it to the line).
JOINED = {
    "paragraph": "this list follows a paragraph's line and is read as part of the paragraph: put a blank line"
                 " before it",
    ">": "this list follows a quotation's line and is read as part of the quotation: put a blank line before it",
    ":": "this list follows a definition's line and is read as part of the definition: put a blank line before it",
    "[^": "this list follows a footnote's line and is read as part of the footnote: put a blank line before it",
    "|": "this list follows a table's last row and is read as rows of the table: put a blank line before it",
}


def _outside_lists(line: str) -> str:
    """The kind of a line outside lists: "paragraph", the start of a line a list would be joined
    to (a quotation's, a definition's, a footnote's, a table row), else "blank" (a heading, a
    rule, an indented line)."""
    if RULE.match(line):
        return "blank"
    if _paragraph_line(line):
        return "paragraph"
    return next((start for start in JOINED if start != "paragraph" and line.startswith(start)), "blank")


def _paragraph_line(line: str) -> bool:
    """Whether a line outside lists is a paragraph's (not a heading, quote, table, term or indented)."""
    return not line.startswith(("#", ">", "|", ":", "[^", " ", "\t"))


# A letter or a small Roman numeral typed as a marker: 'a.', 'b)', '(c)', '(iv)'; not a list in Markdown.
LETTERED = re.compile(r" *(?P<marker>\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})[.)])[ \t]+\S")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def lettered_lines(original: str, first_line: int, path: str) -> Problems:
    """Lines typed as a lettered list ('a.', '(b)') right under a line of text, which Markdown
    joins to that text ("in particular: a. consent; b. oversight"): a warning at the first
    line of each such run, saying how to type a sub-list that prints lettered."""
    found = Problems()
    above = ""  # the line above, "" when blank or not text
    fenced = said = False  # inside a fenced block; the paragraph's warning given
    for index, raw in enumerate(original.split("\n")):
        if _FENCE.match(raw):
            fenced, above = not fenced, ""
            continue
        lettered = LETTERED.match(raw) if not fenced else None
        said = said and bool(above)
        if lettered and above and not said:
            said = True
            marker = lettered.group("marker")
            found.append(Problem(path, first_line + index, f"'{marker}' does not start a list, so this line is printed"
                                 " as part of the line above: for a sub-list, type '1.' (or '-') indented under its"
                                 " item; a numbered sub-list prints lettered, (a), (b)", warning=True))
        above = "" if fenced or not raw.strip() or raw.lstrip().startswith(("|", "#")) else raw
    return found
