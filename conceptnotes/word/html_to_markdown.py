"""mammoth's HTML of a Word file, as the Markdown of a note's body (docs/content-format.md).

mammoth writes a small, regular HTML: ``h1``-``h6``, ``p``, ``blockquote`` (by our style
map), ``ul``/``ol``/``li``, ``table`` with ``th``/``td`` (``colspan``, ``rowspan``),
``strong``, ``em``, ``a``, ``img``, ``br``, ``sup``/``sub``, and the footnotes as an ``ol``
of ``li id="<prefix>footnote-N"`` at the end, called by ``sup > a href="#<prefix>footnote-N"``.
Each becomes the Markdown the note's reader reads back to the same model: one paragraph
per line, blank lines between blocks, sub-lists indented to the text of their item (two
spaces under ``- ``, three under ``1. ``), footnotes ``[^n]`` numbered by their calls.
Anything else keeps its text, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from conceptnotes import model as m
from conceptnotes.errors import excerpt
from conceptnotes.model.visitor import walk
from conceptnotes.read.markdown_parse import parse_inline
from conceptnotes.word import tab_lines

PREFIX = "cn-"  # mammoth's id_prefix: our footnotes' ids are cn-footnote-N, cn-endnote-N
NOTE_ID = re.compile(rf"^#?{PREFIX}(footnote|endnote)-(.+)$")
BACK_LINK = re.compile(rf"^#{PREFIX}(footnote|endnote)-ref-")
LINK_SCHEMES = ("https:", "http:", "mailto:")
EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}  # the tag -> its Markdown marks
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
BREAK = "<BR>"  # a hard break in a line being built ('<' in text is written '&lt;': never this)
# What :func:`escape` escapes: marks anywhere, and what begins a block at a line's start
MARKDOWN_CHARACTERS = re.compile(r"[\\`*\[\]{}|]|(?<![^\W_])_|_(?![^\W_])")
BACKSLASHED_AT_START = "#>-+"
REFERENCED_AT_START = ":=\u2022\uf0b7\uf0a7\u25aa\u25e6"  # and Word's bullets, which a note reads as a list's
ESCAPED_CAPTION = re.compile(r"([Tt]able)&#58;")  # how escape writes 'Table:' at a line's start



@dataclass
class Markdown:
    """The body as Markdown, and what the conversion could not keep as it was."""

    text: str
    warnings: list[str] = field(default_factory=list)


class _Converter:
    def __init__(self, footnotes: dict[str, object]) -> None:
        self.footnote_elements = footnotes  # Word's id -> its li
        self.footnote_numbers: dict[str, int] = {}  # Word's id -> number of its call
        self.warnings: list[str] = []
        self.tables = 0
        self.in_footnote = 0  # the number of the footnote being written, or 0
        self.plain = False  # writing text without its bold and italic marks

    # Inline ---------------------------------------------------------------------------

    def inline(self, element, *, top: bool = True, start: bool = True) -> str:
        """The Markdown of an element's content (its text, children and their tails).

        ``start``: whether the element's content begins a line of the Markdown (nothing but
        spaces before it in its block, or a line break): its text is escaped as a line's
        start there, as is any text right after a line break (:func:`escape`)."""
        out: list[str] = []
        at_start = start
        numbers = dict(self.footnote_numbers) if top else {}  # the calls before this paragraph

        def add(piece: str) -> None:
            nonlocal at_start
            out.append(piece)
            if BREAK in piece:
                at_start = not piece.rsplit(BREAK, 1)[1].strip()
            elif piece.strip():
                at_start = False

        add(escape(element.text or "", line_start=at_start))
        for child in element:
            add(self.inline_element(child, start=at_start))
            add(escape(child.tail or "", line_start=at_start))
        text = "".join(out)
        if not top:
            return text
        text = re.sub(r"[ \t\r\n]+", " ", text).strip()
        if self.plain or not any(el.tag in EMPHASIS for el in element.iter()):
            return text
        return self.without_unreadable_emphasis(element, text, start, numbers)

    def without_unreadable_emphasis(self, element, text: str, start: bool, numbers: dict[str, int]) -> str:
        """``text``, or ``element``'s text without its bold and italic where the marks would
        not read back as the same text (emphasis that begins or ends inside a word next to
        other emphasis, such as ``***a*b*c***``): the words stay, the emphasis goes, with a
        warning.  The note's own reader decides, so what it reads is what Word showed."""
        warnings, called = len(self.warnings), self.footnote_numbers
        self.plain, self.footnote_numbers = True, dict(numbers)  # the second pass calls the same notes
        try:
            plain = self.inline(element, start=start)
        finally:
            self.plain, self.footnote_numbers = False, called
            del self.warnings[warnings:]  # said once, by the first pass
        if _read_text(text) == _read_text(plain):
            return text
        self.warnings.append(f"bold or italic inside the words of '{excerpt(_read_text(plain))}' was dropped:"
                             " Markdown cannot mark it there; the text is kept")
        return plain

    def inline_element(self, el, *, start: bool = False) -> str:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in EMPHASIS:
            inner = self.inline(el, top=False, start=start if self.plain else False)
            return inner if self.plain else _wrap(inner, EMPHASIS[tag])
        if tag == "br":
            return BREAK  # a hard break, written once the line is whole
        if tag == "a":
            return self.link(el, start=start)
        if tag == "img":
            return image(el)
        if tag == "sup":
            call = self.footnote_call(el)
            if call is not None:
                return call
        # sub, sup, s, u, span and the rest: their text
        return self.inline(el, top=False, start=start)

    def link(self, el, *, start: bool = False) -> str:
        href = (el.get("href") or "").strip()
        if BACK_LINK.match(href):
            return ""
        if not href or not href.lower().startswith(LINK_SCHEMES):
            if href and not href.startswith("#"):
                self.warnings.append(f"link '{excerpt(href)}' is not https:, http: or mailto:: kept as text")
            # a bookmark, or a link to one of Word's: none of the note's headings' anchors
            return self.inline(el, top=False, start=start)
        text = self.inline(el, top=False, start=False)
        if not text.strip():
            return ""
        target = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("|", "%7C")
        return f"[{text.strip()}]({target})"

    def footnote_call(self, el) -> str | None:
        links = [a for a in el if a.tag == "a"]
        if len(links) != 1 or (el.text or "").strip() or (links[0].tail or "").strip():
            return None
        key = (links[0].get("href") or "").removeprefix("#")
        if key not in self.footnote_elements:
            return None
        if self.in_footnote:  # a note's text holds no note (and notes could call each other)
            self.warnings.append(f"a note called inside footnote {self.in_footnote} was left out")
            return ""
        if key in self.footnote_numbers:  # Word calls a note once; a second call is text
            return ""
        self.footnote_numbers[key] = len(self.footnote_numbers) + 1
        return f"[^{self.footnote_numbers[key]}]"

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, parent, *, body: bool = False) -> list[str]:
        """Each block child of ``parent`` as Markdown (no blank lines inside a block but a
        list's or a quote's own); ``body``: ``parent`` is the body, where lines aligned with
        tabs may be a table (never in a quote or a footnote)."""
        out: list[str] = []
        elements = [el for el in parent if isinstance(el.tag, str)]
        captions: dict[int, str] = {}  # a figure's index -> its caption's title
        fields: dict[int, list[str] | None] = {}  # a paragraph's index -> its text between tabs
        for index, el in enumerate(elements):
            if index in fields:
                continue
            run = tab_lines.table(elements, index, fields, self.inline, self.warnings) if body else ""
            if run:
                out.append(run)
                continue
            if index in captions:
                out.append(image(_only_image(el), captions[index]))
                continue
            caption = _caption(el)
            if caption is not None:
                kind, title = caption
                before = elements[index - 1] if index else None
                after = elements[index + 1] if index + 1 < len(elements) else None
                if kind == "table" and after is not None and after.tag == "table":
                    out.append("Table: " + title)
                    continue
                if kind == "figure" and after is not None and _only_image(after) is not None \
                        and el.get("class") != IMAGE_CAPTION:
                    captions[index + 1] = title
                    continue
                if kind == "figure" and before is not None and _only_image(before) is not None and out \
                        and el.get("class") == IMAGE_CAPTION:
                    out[-1] = image(_only_image(before), title)
                    continue
            block = self.block(el)
            after = elements[index + 1] if index + 1 < len(elements) else None
            if el.tag == "p" and after is not None and after.tag == "table" and ESCAPED_CAPTION.match(block):
                block = ESCAPED_CAPTION.sub(r"\1:", block, count=1)  # 'Table: ...' right before a table: its caption
            if block:
                out.append(block)
        return out

    def block(self, el) -> str:
        tag = el.tag
        if tag in HEADINGS:
            level = HEADINGS[tag]
            text = self.inline(el)
            if not text:
                return ""
            if level > 3:
                self.warnings.append(f"heading '{excerpt(text)}' (level {level}) made a level 3 heading (###):"
                                     " a note has three levels")
            return _heading(min(level, 3), text)
        if tag == "p":
            text = self.inline(el)
            if not text:
                return ""
            return _breaks(text)
        if tag in ("ul", "ol"):
            return "\n".join(_list_lines(self, el))
        if tag == "table":
            return self.table(el)
        if tag == "blockquote":
            inner = self.blocks(el)
            return "\n>\n".join("\n".join("> " + line if line else ">" for line in b.split("\n")) for b in inner)
        if tag == "img":
            return image(el)
        text = self.inline(el)
        if text:
            self.warnings.append(f"<{tag}> '{excerpt(text)}' kept as a paragraph")
        return _breaks(text)

    def item_text(self, item) -> tuple[str, list[str]]:
        """A list item's own text as Markdown, and the lines of the lists inside it."""
        parts: list[str] = []
        sub_lines: list[str] = []

        def at_start() -> bool:
            return not "".join(parts).rsplit(BREAK, 1)[-1].strip()

        parts.append(escape(item.text or "", line_start=True))
        for child in item:
            if child.tag in ("ul", "ol"):
                sub_lines.extend(_list_lines(self, child))
                if (child.tail or "").strip():
                    sub_lines.append(escape(child.tail.strip(), line_start=True))
                continue
            if child.tag == "table":
                self.warnings.append("a table inside a list item was left out; put it after the list")
                continue
            if child.tag == "p" or child.tag in HEADINGS:
                parts.append(self.inline(child, start=at_start()) + " ")
            else:
                parts.append(self.inline_element(child, start=at_start()))
            parts.append(escape(child.tail or "", line_start=at_start()))
        return re.sub(r"[ \t\r\n]+", " ", "".join(parts)).strip(), sub_lines

    def table(self, el) -> str:
        self.tables += 1
        rows = [[c for c in tr if c.tag in ("td", "th")] for tr in el.iter("tr") if _own_table(tr, el)]
        grid, merged = _grid(rows, self.cell)
        if not grid:
            return ""
        width = max(len(r) for r in grid)
        grid = [r + [""] * (width - len(r)) for r in grid]
        first_text = next((text for row in grid for text in row if text), "")
        name = f"table {self.tables}" + (f' ("{excerpt(first_text, 40)}")' if first_text else "")
        if merged:
            self.warnings.append(f"{name}: merged cells were split; the text is in the first of them,"
                                 " the others are empty")
        lines = [_row(grid[0]), "|" + "|".join(" --- " for _ in range(width)) + "|"]
        lines.extend(_row(r) for r in grid[1:])
        return "\n".join(lines)

    def cell(self, cell) -> str:
        parts = []
        if (cell.text or "").strip():
            parts.append(escape(cell.text))
        for child in cell:
            if child.tag in ("p",) or child.tag in HEADINGS:
                parts.append(self.inline(child))
            elif child.tag in ("ul", "ol"):
                parts.extend(self.inline(li) for li in child.iter("li"))
            elif child.tag == "table":
                self.warnings.append("a table inside a table cell was flattened to its text")
                parts.append(self.inline(child))
            else:
                parts.append(self.inline_element(child))
            if (child.tail or "").strip():
                parts.append(escape(child.tail))
        text = " ".join(p.strip() for p in parts if p.strip()).replace(BREAK, " ")
        return re.sub(r"\s+", " ", text)

def _list_lines(converter: _Converter, el) -> list[str]:
    """The lines of a list, its sub-lists indented to the text of their item."""
    numbered = el.tag == "ol"
    lines: list[str] = []
    number = 0
    for item in (li for li in el if li.tag == "li"):
        text, sub_lines = converter.item_text(item)
        if not text and not sub_lines:  # an empty bullet, as an empty paragraph, is left out: a
            continue  # bare "-" under an item's text would read as a heading's underline
        number += 1
        marker = f"{number}. " if numbered else "- "
        pad = " " * len(marker)
        lines.append(marker + _breaks(text).replace("\n", "\n" + pad))
        lines.extend(pad + line if line else line for line in sub_lines)
    return lines


def _footnote_lines(converter: _Converter) -> list[str]:
    """The footnotes' definitions, numbered by their calls."""
    out = []
    for key, number in converter.footnote_numbers.items():
        li = converter.footnote_elements[key]
        converter.in_footnote = number
        paragraphs = converter.blocks(li) if len(li) else [converter.inline(li)]
        paragraphs = [p for p in paragraphs if p.strip()]
        text = "\n\n".join(paragraphs) or "TODO"
        out.append(f"[^{number}]: " + text.replace("\n", "\n    ").replace("\n    \n", "\n\n"))
    return out


def _grid(rows: list[list], cell_text) -> tuple[list[list[str]], bool]:
    """The text of a table's cells (``rows``: their elements), row by row, merged cells
    split (the text in the first, the others empty); and whether any were merged."""
    grid: list[list[str]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    merged = False
    for cells in rows:
        row: list[str] = []
        column = 0
        for cell in cells:
            while pending.get(column):
                pending[column] -= 1
                row.append("")
                column += 1
            span = _span(cell.get("colspan"))
            down = _span(cell.get("rowspan"))
            merged = merged or span > 1 or down > 1
            row.append(cell_text(cell))
            row.extend("" for _ in range(span - 1))
            for c in range(column, column + span):
                if down > 1:
                    pending[c] = down - 1
            column += span
        while pending.get(column):
            pending[column] -= 1
            row.append("")
            column += 1
        grid.append(row)
    return grid, merged


def _own_table(tr, table) -> bool:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _span(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 1000 else 1


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _read_text(markdown_text: str) -> str:
    """What the note's reader shows of one line of Markdown: its text, breaks as new lines."""
    nodes, _ = parse_inline(markdown_text.replace(BREAK, "  \n"), Path("word"), 1, Path("."))
    shown = []
    for node in nodes:
        for inner in walk(node):
            if isinstance(inner, m.Text):
                shown.append(inner.text)
            elif isinstance(inner, m.LineBreak):
                shown.append("\n")
    return " ".join("".join(shown).split())


def _wrap(text: str, mark: str) -> str:
    """``text`` emphasized, its outer spaces kept outside the marks (``*a *`` is not emphasis),
    each line on its own (marks across a line break would begin a list or a rule there)."""
    if BREAK in text:
        return BREAK.join(_wrap(line, mark) for line in text.split(BREAK))
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _breaks(text: str) -> str:
    """Hard line breaks as Markdown writes them: two spaces at the end of the line."""
    parts = [p.strip() for p in text.split(BREAK)]
    return "  \n".join(p for p in parts if p)


def _heading(level: int, text: str) -> str:
    """A heading's line: its marks, its text on one line, a '#' that ends it escaped (a closing mark)."""
    return "#" * level + " " + re.sub(r"#$", r"\\#", _no_breaks(text))


def _no_breaks(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(BREAK, " ")).strip()


def image(el, title: str = "") -> str:
    src = el.get("src") or ""
    if not src:
        return ""
    alt = re.sub(r"\s+", " ", el.get("alt") or "").strip()
    alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")
    shown = ' "' + title.replace('"', "'") + '"' if title else ""
    return f"![{alt}]({src}{shown})"


CAPTION, TABLE_CAPTION, IMAGE_CAPTION = "cn-caption", "cn-table-caption", "cn-image-caption"
# a caption's label: Word's and ours (Figure, Table), LibreOffice's (Illustration, Drawing)
LABEL = re.compile(r"^(Figure|Table|Illustration|Drawing)\s+[\w.-]+[.:]?\s*", re.IGNORECASE)


def _caption(el) -> tuple[str, str] | None:
    """("figure" or "table", the title) of a caption paragraph: ours ("Figure I", a line
    break, the title), Word's ("Table 1: title") or Pandoc's (Table Caption, Image Caption)."""
    kind = el.get("class") if el.tag == "p" else None
    if kind not in (CAPTION, TABLE_CAPTION, IMAGE_CAPTION):
        return None
    text = " ".join(" ".join(el.itertext()).split())
    label = LABEL.match(text)
    if kind == TABLE_CAPTION:
        return "table", text[label.end():] if label else text
    if kind == IMAGE_CAPTION:
        return "figure", text[label.end():] if label else text
    if not label:
        return None
    title = text[label.end():].strip()
    kind = "table" if label.group(1).lower() == "table" else "figure"
    return (kind, title) if title else None


def _only_image(el):
    """The one picture of a paragraph that holds nothing else, or None."""
    if el.tag == "img":
        return el
    if el.tag != "p" or (el.text or "").strip() or len(el) != 1 or el[0].tag != "img" or (el[0].tail or "").strip():
        return None
    return el[0]


def escape(text: str, *, line_start: bool = False) -> str:
    """Text as Markdown that reads back as that text (up to runs of spaces): the one escape
    of the import, for every piece of text a Word file holds.

    Anywhere: ``\\``, `````, ``*``, ``[``, ``]``, ``{``, ``}`` and ``|`` take a backslash
    (emphasis, code, links, footnotes, attribute lists, tables); ``_`` too, but between two
    letters or digits, where it never marks emphasis (``snake_case`` stays as it is); ``<``
    is written ``&lt;`` (raw HTML is refused in a note) and an ``&`` that would start a
    character reference ``&amp;``.  With ``line_start`` (the text begins a line: a block's
    start, or right after a line break), what would begin another block there is escaped
    too: ``#``, ``>``, ``-``, ``+`` (headings, quotes, lists, rules), a number then ``.`` or
    ``)`` (a numbered list), and, by a character reference since they have no backslash
    escape, ``:`` (a definition), ``=`` (a heading's underline), Word's pasted bullets and
    ``Table:`` (a table's caption)."""
    if not text:
        return ""
    # a word joiner (U+2060) shows nothing: the build puts its own before a footnote call
    # and after a time range's dash (i18n.typography), so a built DOCX imports as it was written
    text = MARKDOWN_CHARACTERS.sub(r"\\\g<0>", text.replace("\u00a0", " ").replace("\u2060", ""))
    text = ENTITY.sub(lambda m: "&amp;" + m.group(0)[1:], text)
    if "<" in text:
        text = text.replace("<", "&lt;")
    if not line_start:
        return text
    body = text.lstrip()
    lead = text[: len(text) - len(body)]
    if not body:
        return text
    number = re.match(r"\d+(?=[.)](\s|$))", body)
    if number:
        return lead + body[: number.end()] + "\\" + body[number.end():]
    if body[:1] in BACKSLASHED_AT_START:
        return lead + "\\" + body
    if body[:1] in REFERENCED_AT_START:
        return f"{lead}&#{ord(body[0])};{body[1:]}"
    if re.match(r"[Tt]able:", body):
        return f"{lead}{body[:5]}&#58;{body[6:]}"
    return text


def _bookmark(el) -> bool:
    """Whether ``el`` is mammoth's ``<a id>`` of a Word bookmark: no address, nothing shown
    (a heading's, Word's own ``_Toc``/``_Ref``, the unit marks this tool's DOCX carries)."""
    return el.get("href") is None and not (el.text or "").strip() and len(el) == 0


def to_markdown(root) -> Markdown:
    """The Markdown body of mammoth's HTML (``root``, a ``div`` holding it).

    The footnotes' ``ol`` (its items' ids ``cn-footnote-N``) is taken out of the body and
    written at the end.  Headings are mammoth's ``h1``-``h6``: those typed by hand were given
    a heading's style before (:mod:`.paragraphs`)."""
    for anchor in [el for el in root.iter("a") if _bookmark(el)]:
        anchor.drop_tag()  # a bookmark shows nothing: a picture's paragraph with one still holds only it
    footnotes: dict[str, object] = {}
    for ol in [el for el in root if el.tag == "ol"]:
        items = [li for li in ol if li.tag == "li"]
        if items and all(NOTE_ID.match(li.get("id") or "") for li in items):
            footnotes.update((li.get("id"), li) for li in items)
            root.remove(ol)
    converter = _Converter(footnotes)
    blocks = converter.blocks(root, body=True)
    notes = _footnote_lines(converter)
    if any(k.startswith(f"{PREFIX}endnote") for k in converter.footnote_numbers):
        converter.warnings.append("endnotes were made footnotes")
    text = "\n\n".join(blocks + notes)
    return Markdown(text.rstrip() + "\n", converter.warnings)
