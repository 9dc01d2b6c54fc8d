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

from conceptnotes.errors import excerpt

PREFIX = "cn-"  # mammoth's id_prefix: our footnotes' ids are cn-footnote-N, cn-endnote-N
NOTE_ID = re.compile(rf"^#?{PREFIX}(footnote|endnote)-(.+)$")
BACK_LINK = re.compile(rf"^#{PREFIX}(footnote|endnote)-ref-")
LINK_SCHEMES = ("https:", "http:", "mailto:")
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MAX_HEADING_WORDS = 14  # a bold one-line paragraph longer than this is not a heading
ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


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

    # Inline ---------------------------------------------------------------------------

    def inline(self, element, *, top: bool = True) -> str:
        """The Markdown of an element's content (its text, children and their tails)."""
        out = [escape(element.text or "")]
        for child in element:
            out.append(self.inline_element(child))
            out.append(escape(child.tail or ""))
        text = "".join(out)
        return re.sub(r"[ \t\r\n]+", " ", text).strip() if top else text

    def inline_element(self, el) -> str:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("strong", "b"):
            return _wrap(self.inline(el, top=False), "**")
        if tag in ("em", "i"):
            return _wrap(self.inline(el, top=False), "*")
        if tag == "br":
            return "<BR>"  # a hard break, written once the line is whole
        if tag == "a":
            return self.link(el)
        if tag == "img":
            return image(el)
        if tag == "sup":
            call = self.footnote_call(el)
            if call is not None:
                return call
        # sub, sup, s, u, span and the rest: their text
        return self.inline(el, top=False)

    def link(self, el) -> str:
        href = (el.get("href") or "").strip()
        text = self.inline(el, top=False)
        if BACK_LINK.match(href):
            return ""
        if not href:  # a bookmark
            return text
        if not href.lower().startswith(LINK_SCHEMES):
            if not href.startswith("#"):
                self.warnings.append(f"link '{excerpt(href)}' is not https:, http: or mailto:: kept as text")
            return text  # a link to a Word bookmark: none of the note's headings' anchors
        if not text.strip():
            return ""
        target = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        return f"[{text.strip()}]({target})"

    def footnote_call(self, el) -> str | None:
        links = [a for a in el if a.tag == "a"]
        if len(links) != 1 or (el.text or "").strip() or (links[0].tail or "").strip():
            return None
        key = (links[0].get("href") or "").removeprefix("#")
        if key not in self.footnote_elements:
            return None
        if key in self.footnote_numbers:  # Word calls a note once; a second call is text
            return ""
        self.footnote_numbers[key] = len(self.footnote_numbers) + 1
        return f"[^{self.footnote_numbers[key]}]"

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, parent, *, headings: bool) -> list[str]:
        """Each block child of ``parent`` as Markdown (no blank lines inside a block but a
        list's or a quote's own)."""
        out: list[str] = []
        elements = [el for el in parent if isinstance(el.tag, str)]
        captions: dict[int, str] = {}  # a figure's index -> its caption's title
        for index, el in enumerate(elements):
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
            block = self.block(el, headings=headings)
            if block and re.match(r"[Tt]able:", block) and el.tag == "p":
                after = elements[index + 1] if index + 1 < len(elements) else None
                if after is None or after.tag != "table":
                    self.warnings.append(f"the paragraph '{excerpt(block)}' starts with 'Table:', which a note reads"
                                         " as the caption of a table after it: reword it")
            if block:
                out.append(block)
        return out

    def block(self, el, *, headings: bool) -> str:
        tag = el.tag
        if tag in HEADINGS:
            level = HEADINGS[tag]
            text = self.inline(el)
            if not text:
                return ""
            if level > 3:
                self.warnings.append(f"heading '{excerpt(text)}' (level {level}) made a level 3 heading (###):"
                                     " a note has three levels")
            return "#" * min(level, 3) + " " + re.sub(r"#$", r"\\#", _no_breaks(text))
        if tag == "p":
            text = self.inline(el)
            if not text:
                return ""
            if not headings and _looks_like_heading(el):
                return "# " + _no_breaks(text).strip("*").strip()
            return _breaks(_line_start(text))
        if tag in ("ul", "ol"):
            return "\n".join(self.list_lines(el))
        if tag == "table":
            return self.table(el)
        if tag == "blockquote":
            inner = self.blocks(el, headings=True)
            return "\n>\n".join("\n".join("> " + line if line else ">" for line in b.split("\n")) for b in inner)
        if tag == "img":
            return image(el)
        text = self.inline(el)
        if text:
            self.warnings.append(f"<{tag}> '{excerpt(text)}' kept as a paragraph")
        return _breaks(text)

    def list_lines(self, el) -> list[str]:
        numbered = el.tag == "ol"
        lines: list[str] = []
        for number, item in enumerate((li for li in el if li.tag == "li"), start=1):
            marker = f"{number}. " if numbered else "- "
            pad = " " * len(marker)
            text_parts, sub_lines = [], []
            if (item.text or "").strip():
                text_parts.append(escape(item.text))
            for child in item:
                if child.tag in ("ul", "ol"):
                    sub_lines.extend(self.list_lines(child))
                    if (child.tail or "").strip():
                        sub_lines.append(escape(child.tail.strip()))
                elif child.tag == "p" or child.tag in HEADINGS:
                    text_parts.append(self.inline(child))
                    text_parts.append(escape(child.tail or ""))
                elif child.tag == "table":
                    self.warnings.append("a table inside a list item was left out; put it after the list")
                else:
                    text_parts.append(self.inline_element(child))
                    text_parts.append(escape(child.tail or ""))
            text = re.sub(r"[ \t\r\n]+", " ", "".join(text_parts)).strip()
            lines.append(marker + _breaks(_line_start(text)).replace("\n", "\n" + pad))
            lines.extend(pad + line if line else line for line in sub_lines)
        return lines

    def table(self, el) -> str:
        self.tables += 1
        rows = [tr for tr in el.iter("tr") if _own_table(tr, el)]
        grid: list[list[str]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        merged = False
        first_text = ""
        for tr in rows:
            row: list[str] = []
            cells = [c for c in tr if c.tag in ("td", "th")]
            column = 0
            for cell in cells:
                while pending.get(column):
                    pending[column] -= 1
                    row.append("")
                    column += 1
                text = self.cell(cell)
                first_text = first_text or text
                span = _span(cell.get("colspan"))
                down = _span(cell.get("rowspan"))
                if span > 1 or down > 1:
                    merged = True
                row.append(text)
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
        if not grid:
            return ""
        width = max(len(r) for r in grid)
        grid = [r + [""] * (width - len(r)) for r in grid]
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
        text = " ".join(p.strip() for p in parts if p.strip()).replace("<BR>", " ")
        return re.sub(r"\s+", " ", text).replace("|", "\\|")

    def footnotes(self) -> list[str]:
        out = []
        for key, number in self.footnote_numbers.items():
            li = self.footnote_elements[key]
            paragraphs = self.blocks(li, headings=True) if len(li) else [self.inline(li)]
            paragraphs = [p for p in paragraphs if p.strip()]
            text = "\n\n".join(paragraphs) or "TODO"
            out.append(f"[^{number}]: " + text.replace("\n", "\n    ").replace("\n    \n", "\n\n"))
        return out


def _own_table(tr, table) -> bool:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _span(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 1000 else 1


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _wrap(text: str, mark: str) -> str:
    """``text`` emphasized, its outer spaces kept outside the marks (``*a *`` is not emphasis)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _breaks(text: str) -> str:
    """Hard line breaks as Markdown writes them: two spaces at the end of the line."""
    parts = [p.strip() for p in text.split("<BR>")]
    return "  \n".join(p for p in parts if p)


def _no_breaks(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("<BR>", " ")).strip()


def _looks_like_heading(p) -> bool:
    """A short paragraph all in bold, without a full stop: a heading typed by hand."""
    children = [c for c in p if isinstance(c.tag, str)]
    if (p.text or "").strip() or len(children) != 1 or children[0].tag not in ("strong", "b"):
        return False
    if (children[0].tail or "").strip():
        return False
    text = "".join(children[0].itertext()).strip()
    return 0 < len(text.split()) <= MAX_HEADING_WORDS and not text.endswith((".", ":", ";", ","))


def image(el, title: str = "") -> str:
    src = el.get("src") or ""
    if not src:
        return ""
    alt = re.sub(r"\s+", " ", el.get("alt") or "").strip()
    alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    shown = ' "' + title.replace('"', "'") + '"' if title else ""
    return f"![{alt}]({src}{shown})"


CAPTION, TABLE_CAPTION, IMAGE_CAPTION = "cn-caption", "cn-table-caption", "cn-image-caption"
LABEL = re.compile(r"^(Figure|Table)\s+[\w.-]+[.:]?\s*", re.IGNORECASE)


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
    return (label.group(1).lower(), title) if title else None


def _only_image(el):
    """The one picture of a paragraph that holds nothing else, or None."""
    if el.tag == "img":
        return el
    if el.tag != "p" or (el.text or "").strip() or len(el) != 1 or el[0].tag != "img" or (el[0].tail or "").strip():
        return None
    return el[0]


def escape(text: str) -> str:
    """Text as Markdown that reads back as that text: the characters Markdown gives a
    meaning to escaped, '<' written '&lt;' (raw HTML is refused in a note)."""
    if not text:
        return ""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*\[\]{}])", r"\\\1", text)
    text = re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)
    text = ENTITY.sub(lambda m: "&amp;" + m.group(0)[1:], text)
    return text.replace("<", "&lt;").replace("\u00a0", " ") if "<" in text else text.replace("\u00a0", " ")


def _line_start(text: str) -> str:
    """A paragraph that would read as another block at its start (``# ``, ``- ``, ``1. ``,
    ``> ``, ``Table:``) escaped there."""
    if re.match(r"(#{1,6}|[-+>]|\d{1,9}[.)])(\s|$)|-{3,}\s*$|={3,}\s*$", text):
        index = re.match(r"\d*", text).end()  # type: ignore[union-attr]
        return text[:index] + "\\" + text[index:]
    # ':' has no backslash escape in Python-Markdown: a character reference it decodes
    if re.match(r":\s", text):
        return "&#58;" + text[1:]
    return text


def to_markdown(root, *, headings: bool | None = None) -> Markdown:
    """The Markdown body of mammoth's HTML (``root``, a ``div`` holding it).

    The footnotes' ``ol`` (its items' ids ``cn-footnote-N``) is taken out of the body and
    written at the end.  ``headings``: whether the document has heading styles; without
    them, short bold paragraphs are taken for headings (default: look)."""
    footnotes: dict[str, object] = {}
    for ol in [el for el in root if el.tag == "ol"]:
        items = [li for li in ol if li.tag == "li"]
        if items and all(NOTE_ID.match(li.get("id") or "") for li in items):
            footnotes.update((li.get("id"), li) for li in items)
            root.remove(ol)
    if headings is None:
        headings = any(el.tag in HEADINGS for el in root.iter())
    converter = _Converter(footnotes)
    blocks = converter.blocks(root, headings=headings)
    notes = converter.footnotes()
    if any(k.startswith(f"{PREFIX}endnote") for k in converter.footnote_numbers):
        converter.warnings.append("endnotes were made footnotes")
    text = "\n\n".join(blocks + notes)
    return Markdown(text.rstrip() + "\n", converter.warnings)
