"""What a Word file's paragraphs say by their look, which mammoth does not read: told to it by style.

mammoth reads a paragraph's style, never its bold, size or alignment.  A note typed without
styles says its title by a larger bold line and its headings by bold one-line paragraphs
numbered "I.", "A.", "1." (a tab after the number, often not bold); a sub-list in Word's
styles "List Bullet 2" or "List Number 2" has a numbering of its own at its first level.  This
module reads the main part once (:func:`mark`) and gives such paragraphs what mammoth reads:
a private style (:data:`TITLE_STYLE`, ``cnHeading1``-``3``, which the importer's style map
turns into the title's class and ``h1``-``h3``) or the list level of their style.  A bold
line inside a table or a text box, or in the masthead above the first heading, is never a
heading; the paragraphs of a table of contents (:func:`.warnings.table_of_contents`) are
taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conceptnotes.word.warnings import W, on_flag, table_of_contents

TITLE_STYLE = "cnTitle"  # the masthead's largest line, when no paragraph has the style Title
HEADING_STYLE = "cnHeading"  # + the level: a heading typed by hand
MAX_HEADING_WORDS = 14  # a bold one-line paragraph longer than this is not a heading
MAX_HEAD = 8  # the paragraphs of the masthead looked at for the title
# The numbering of headings typed by hand: "I." a section, "A." a sub-section, "1." below
ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})\.(\s|$)")
LETTER = re.compile(r"^([A-Z])\.(\s|$)")
NUMBER = re.compile(r"^\d{1,2}\.(\s|$)")
LIST_STYLE = re.compile(r"^List (Bullet|Number)(?: ([2-9]))?$", re.IGNORECASE)
DEFAULT_SIZE = 20  # half-points: Word's size when neither the style nor the defaults say one


@dataclass
class Styles:
    """The paragraph styles of ``word/styles.xml``: names, and what each makes bold, large or numbered."""

    names: dict[str, str] = field(default_factory=dict)  # style id -> name
    bold: dict[str, bool] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # style id -> half-points
    numbers: dict[str, str] = field(default_factory=dict)  # style id -> its numbering's id
    default: str = ""  # the id of the default paragraph style (Normal)
    size: int = DEFAULT_SIZE  # the documents' default size

    def of(self, paragraph) -> str:
        found = paragraph.find(f"{W}pPr/{W}pStyle")
        return found.get(W + "val") if found is not None else self.default


def read_styles(root) -> Styles:
    """The styles of ``root`` (the parsed ``word/styles.xml``, or None), each with what it
    inherits from the style it is based on."""
    styles = Styles()
    if root is None:
        return styles
    size = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
    if size is not None and (size.get(W + "val") or "").isdigit():
        styles.size = int(size.get(W + "val"))
    based: dict[str, str] = {}
    for style in root.iter(W + "style"):
        if style.get(W + "type") != "paragraph":
            continue
        key = style.get(W + "styleId") or ""
        name = style.find(f"{W}name")
        styles.names[key] = name.get(W + "val") if name is not None else key
        if style.get(W + "default") in ("1", "true"):
            styles.default = key
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based[key] = parent.get(W + "val") or ""
        bold = style.find(f"{W}rPr/{W}b")
        if bold is not None:
            styles.bold[key] = on_flag(bold)
        sz = style.find(f"{W}rPr/{W}sz")
        if sz is not None and (sz.get(W + "val") or "").isdigit():
            styles.sizes[key] = int(sz.get(W + "val"))
        number = style.find(f"{W}pPr/{W}numPr/{W}numId")
        if number is not None:
            styles.numbers[key] = number.get(W + "val") or ""
    for key in styles.names:  # inherited, up to a few levels
        parent, seen = based.get(key), {key}
        while parent and parent not in seen:
            seen.add(parent)
            if parent in styles.bold:
                styles.bold.setdefault(key, styles.bold[parent])
            if parent in styles.sizes:
                styles.sizes.setdefault(key, styles.sizes[parent])
            parent = based.get(parent)
    return styles


def _runs(paragraph) -> list:
    """The paragraph's own runs (a text box's paragraphs are not its own)."""
    return paragraph.findall(f"{W}r") + paragraph.findall(f"{W}hyperlink/{W}r")


def _run_text(run) -> str:
    return "".join((child.text or "") if child.tag == W + "t" else "\t" if child.tag == W + "tab" else ""
                   for child in run)


def text(paragraph) -> str:
    return "".join(_run_text(run) for run in _runs(paragraph))


def _bold(run, style: str, styles: Styles) -> bool:
    own = run.find(f"{W}rPr/{W}b")
    return on_flag(own) if own is not None else styles.bold.get(style, False)


def _size(run, style: str, styles: Styles) -> int:
    own = run.find(f"{W}rPr/{W}sz")
    if own is not None and (own.get(W + "val") or "").isdigit():
        return int(own.get(W + "val"))
    return styles.sizes.get(style, styles.sizes.get(styles.default, styles.size))


@dataclass(frozen=True)
class Look:
    text: str
    bold: bool  # every run with text is bold (a tab or space between them need not be)
    size: int  # the largest size of its text, in half-points
    centred: bool
    one_line: bool


def look(paragraph, styles: Styles) -> Look:
    style = styles.of(paragraph)
    runs = [r for r in _runs(paragraph) if _run_text(r).strip()]
    centred = paragraph.find(f"{W}pPr/{W}jc")
    return Look(" ".join(text(paragraph).split()), bool(runs) and all(_bold(r, style, styles) for r in runs),
                max((_size(r, style, styles) for r in runs), default=0),
                centred is not None and centred.get(W + "val") == "center",
                paragraph.find(f".//{W}br") is None)


def _restyle(paragraph, style: str, *, plain: bool = False) -> None:
    """Give ``paragraph`` the style ``style``; ``plain``: without its runs' own bold."""
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        properties = paragraph.makeelement(W + "pPr", {})
        paragraph.insert(0, properties)
    own = properties.find(f"{W}pStyle")
    if own is None:
        own = properties.makeelement(W + "pStyle", {})
        properties.insert(0, own)
    own.set(W + "val", style)
    if plain:
        for run in _runs(paragraph):
            for bold in run.findall(f"{W}rPr/{W}b") + run.findall(f"{W}rPr/{W}bCs"):
                bold.getparent().remove(bold)


def numbered_level(words: str, after_letter: str) -> int:
    """The level a heading's number gives (0: none): "I." 1, "A." 2, "1." 3.  A letter that is
    also a Roman numeral ("C.", "D.", "I.", "V.") is a letter right after the letter before it."""
    letter = LETTER.match(words)
    if letter and after_letter and ord(letter.group(1)) == ord(after_letter) + 1:
        return 2
    if ROMAN.match(words):
        return 1
    if letter:
        return 2
    return 3 if NUMBER.match(words) else 0


def _heading_like(seen: Look) -> bool:
    words = seen.text.split()
    return (seen.bold and seen.one_line and 0 < len(words) <= MAX_HEADING_WORDS
            and not seen.text.endswith((".", ":", ";", ",")))


def mark(root, styles: Styles, numbering=None) -> None:
    """Give the paragraphs of the parsed main part ``root`` the styles and list levels mammoth
    reads (see the module's docstring; ``numbering``: the parsed ``word/numbering.xml``,
    changed too); the table of contents taken out."""
    body = root.find(f"{W}body")
    if body is None:
        return
    for paragraph in table_of_contents(body):
        paragraph.getparent().remove(paragraph)
    _list_levels(body, styles, numbering)
    paragraphs = body.findall(f"{W}p")  # the body's own: not in a table, a text box or a note
    looks = [look(p, styles) for p in paragraphs]
    named = [styles.names.get(styles.of(p), "") for p in paragraphs]
    head = _head(looks)
    if "Title" not in named:
        largest = max(head, key=lambda i: looks[i].size, default=None)
        if largest is not None and looks[largest].size > styles.sizes.get(styles.default, styles.size):
            _restyle(paragraphs[largest], TITLE_STYLE)
    styled = any(re.fullmatch(r"(?i)heading [1-9]", name) for name in named) or \
        any(p.find(f"{W}pPr/{W}outlineLvl") is not None for p in paragraphs)
    if not styled:
        for index, level in _typed_headings(looks, head, styles.sizes.get(styles.default, styles.size)).items():
            _restyle(paragraphs[index], f"{HEADING_STYLE}{level}", plain=True)


def _head(looks: list[Look]) -> list[int]:
    """The masthead: the first paragraphs with text, centred, before anything else."""
    head: list[int] = []
    for index, seen in enumerate(looks):
        if not seen.text:
            continue
        if not seen.centred or len(head) >= MAX_HEAD:
            break
        head.append(index)
    return head


def _typed_headings(looks: list[Look], head: list[int], body_size: int) -> dict[int, int]:
    """The level of each paragraph typed as a heading: by its number; unnumbered, a bold line
    larger than the text is a section, and one of the text's size is one only in a document
    without numbered headings (as bold lines were its only headings)."""
    levels: dict[int, int] = {}
    plain: list[int] = []
    letter = ""
    for index, seen in enumerate(looks):
        if index in head or not _heading_like(seen):
            continue
        level = numbered_level(seen.text, letter)
        if level == 1:
            letter = ""
        elif level == 2:
            letter = seen.text[0]
        if level:
            levels[index] = level
        elif seen.size > body_size:
            levels[index] = 1
        else:
            plain.append(index)
    if not levels:
        levels.update((index, 1) for index in plain)
    return levels


def _list_levels(body, styles: Styles, numbering) -> None:
    """A paragraph of the style "List Bullet 2" (or "List Number 3"...) without a numbering of
    its own is at the level of its style's number: Word's numbering of such a style has only a
    first level (its indent is the style's), which is made that level."""
    levels: dict[str, str] = {}  # a numbering's id -> the level it is made
    for paragraph in body.iter(W + "p"):
        style = styles.of(paragraph)
        found = LIST_STYLE.match(styles.names.get(style, ""))
        number = styles.numbers.get(style, "")
        if not found or not found.group(2) or not number or paragraph.find(f"{W}pPr/{W}numPr") is not None:
            continue
        level = str(int(found.group(2)) - 1)
        if levels.setdefault(number, level if _only_level(numbering, number, level) else "") != level:
            continue
        properties = paragraph.find(f"{W}pPr")
        numbers = properties.makeelement(W + "numPr", {})
        numbers.append(numbers.makeelement(W + "ilvl", {W + "val": level}))
        numbers.append(numbers.makeelement(W + "numId", {W + "val": number}))
        properties.insert(1, numbers)


def _only_level(numbering, number: str, level: str) -> bool:
    """Make the one level of the numbering ``number`` the level ``level``; False when it has others."""
    if numbering is None:
        return False
    abstract_id = next((n.find(f"{W}abstractNumId").get(W + "val") for n in numbering.iter(W + "num")
                        if n.get(W + "numId") == number and n.find(f"{W}abstractNumId") is not None), None)
    abstract = next((a for a in numbering.iter(W + "abstractNum") if a.get(W + "abstractNumId") == abstract_id), None)
    found = abstract.findall(f"{W}lvl") if abstract is not None else []
    if len(found) != 1 or any(n.get(W + "numId") != number and n.find(f"{W}abstractNumId") is not None
                              and n.find(f"{W}abstractNumId").get(W + "val") == abstract_id
                              for n in numbering.iter(W + "num")):
        return False
    found[0].set(W + "ilvl", level)
    return True
