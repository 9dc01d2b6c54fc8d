"""Parse a note's Markdown body, once, into the document model.

Python-Markdown does the parsing (footnotes, tables, attribute lists, definition
lists, sane lists); a tree processor registered after the built-in ``unescape`` step
captures the clean element tree, which is converted here into :mod:`model` nodes (texts
with no inline markup are set aside around its inline step, which would search each with
every pattern in vain: :class:`_SetAside`).
Raw HTML is not content: it is an error.  Source lines are recovered by matching
each block's first words against the source, in document order.
"""

from __future__ import annotations

import bisect
import html
import io
import itertools
import os
import re
import struct
import threading
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problems
from conceptnotes.model.visitor import walk
from conceptnotes.read import limits, list_nesting
from conceptnotes.read.characters import forbidden_character, nesting_problems
from conceptnotes.read.files import read_input

RAW_HTML = re.compile("\x02wzxhzdk:(\\d+)\x03")
ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
FOOTNOTE_NBSP = re.compile("\x02?qq3936677670287331zz\x03?")  # footnotes' placeholder before its back-link
FOOTNOTE_DEFINITION = r"^[ \t]*\[\^([^\]\n]+)\]:"
FOOTNOTE_CALL = r"\[\^([^\]\n]+)\]"
ANCHOR_LINK = r"\]\((#[^)\s]*)"
LINK_SCHEMES = ("https:", "http:", "mailto:")
ALLOWED_ATTRIBUTES = {"id", "class"}


class _Capture(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        self.md.captured_root = root  # type: ignore[attr-defined]


# The inline patterns registered (footnotes adds one): each needs one of the characters of
# INLINE_START, or two spaces before a line break ('linebreak').  Python-Markdown runs every
# pattern over every text of the tree, a regular expression search each: a text with none of
# those characters is set aside before its inline step and put back after it, unchanged, as
# the step would have left it (a table's cells and most paragraphs: 40 % of the parse of a
# 480-row table).  tests/test_markdown_parse checks the list and the outcome.
INLINE_PATTERNS = ("backtick", "escape", "footnote", "reference", "link", "image_link", "image_reference",
                   "short_reference", "short_image_ref", "autolink", "automail", "linebreak", "html", "entity",
                   "not_strong", "em_strong", "em_strong2")
INLINE_START = r"\\`*_\[\]<>&!{}"
# Python-Markdown's placeholders (STX, ETX) go to the inline step as well
_NO_INLINE_MARKUP = re.compile(f"[^{INLINE_START}\\x02\\x03]*")


def has_inline_markup(text: str) -> bool:
    """Whether one of Python-Markdown's inline patterns could match in ``text``."""
    return _NO_INLINE_MARKUP.fullmatch(text) is None or "  \n" in text


class _SetAside(Treeprocessor):
    """Before the inline step: the texts and tails without inline markup taken out."""

    def run(self, root: ET.Element) -> None:
        aside = self.md.set_aside = []  # type: ignore[attr-defined]
        for element in root.iter():
            text, tail = element.text, element.tail
            if text and not has_inline_markup(text):
                aside.append((element, False, text))
                element.text = None
            if tail and not has_inline_markup(tail):
                aside.append((element, True, tail))
                element.tail = None


class _PutBack(Treeprocessor):
    """After the inline step: the texts and tails :class:`_SetAside` took out put back."""

    def run(self, root: ET.Element) -> None:
        for element, is_tail, text in self.md.set_aside:  # type: ignore[attr-defined]
            if is_tail:
                element.tail = text
            else:
                element.text = text
        self.md.set_aside = []  # type: ignore[attr-defined]


def _no_serialization(root: ET.Element) -> str:
    return ""


def _tree(md: markdown.Markdown, text: str) -> ET.Element:
    """The element tree Python-Markdown makes of ``text``.

    For blank text Python-Markdown returns early and runs no tree processor: the root
    captured last (of the previous translation, on this thread's instance) must not be
    taken for this one, so a blank text gives an empty tree.
    """
    md.captured_root = None  # type: ignore[attr-defined]
    md.convert(text)
    root = md.captured_root  # type: ignore[attr-defined]
    return root if root is not None else ET.Element("div")


def _markdown() -> markdown.Markdown:
    # the extensions as their classes: given by name (footnotes, tables, attr_list, def_list,
    # sane_lists), Markdown looks each up among the installed packages' entry points, which
    # imports importlib.metadata and reads every package's metadata (15-30 ms a process)
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.def_list import DefListExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    md = markdown.Markdown(extensions=[FootnoteExtension(UNIQUE_IDS=False), TableExtension(), AttrListExtension(),
                                       DefListExtension(), SaneListExtension()])
    # Priority below the built-in 'unescape' (0): only then is the tree free of
    # placeholder codes.  See shared FIELD-NOTES.md, "Python-Markdown 3.11".
    md.treeprocessors.register(_Capture(md), "conceptnotes-capture", -100)
    # either side of the inline step (priority 20), nothing between
    md.treeprocessors.register(_SetAside(md), "conceptnotes-set-aside", 20.5)
    md.treeprocessors.register(_PutBack(md), "conceptnotes-put-back", 19.5)
    # the tree is what is taken: the HTML Python-Markdown would make of it is not written
    md.serializer = _no_serialization
    md.stripTopLevelTags = False
    return md


# Words of a block may be one line apart (a paragraph wraps), with markup between them.
WORD_GAP = r"\b[^\n]*?\n?[^\n]*?\b"
_WORD = re.compile(r"\w+")
# A search that fails has read to the end of the body; once failures have read this many
# times the body, the next ones look only this many characters ahead (a block is never far
# from the last one found, but a hostile note could make every search fail).
FAILED_SEARCH_BUDGET = 8
LOOKAHEAD = 4_000


@dataclass
class _Locator:
    """Finds the source line of each block, walking forward through the body.

    A leaf block (paragraph, heading, table) moves the search past its line; a container
    (list, quote) does not, since its first child starts on the same line.  The body is
    searched as one text from the current place, so that the cost of finding every block
    is that of reading the body once, plus what failed searches read (bounded).
    """

    lines: list[str]
    first_line: int
    cursor: int = 0

    def __post_init__(self) -> None:
        self.text = "\n".join(self.lines)
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.budget = FAILED_SEARCH_BUDGET * (len(self.text) + LOOKAHEAD)
        self._indexes: dict[str, dict[str, int]] = {}

    def find(self, text: str, *, leaf: bool = True) -> int:
        words = [word.group() for word in itertools.islice(_WORD.finditer(text), 3)]  # not every word of a long text
        index = None
        for k in dict.fromkeys((len(words), 1)):
            if not k:
                break
            pattern = re.compile(r"\b" + WORD_GAP.join(re.escape(w) for w in words[:k]) + r"\b")
            index = self._search(pattern, self.cursor)
            if index is not None:
                break
        return self._found(index, leaf)

    def find_pattern(self, pattern: str, *, leaf: bool = True) -> int:
        return self._found(self._search(re.compile(pattern, re.MULTILINE), self.cursor), leaf)

    def at(self, line: int) -> None:
        """Continue the search from ``line`` (a footnote definition)."""
        self.cursor = max(0, line - self.first_line)

    def line_of(self, offset: int) -> int:
        """The index of the line that holds character ``offset`` of the body."""
        return bisect.bisect_right(self.starts, offset) - 1

    def _search(self, pattern: re.Pattern, index: int) -> int | None:
        """The index of the first line at or after ``index`` where ``pattern`` matches."""
        start = self.starts[index] if index < len(self.starts) else len(self.text)
        end = len(self.text) if self.budget > 0 else min(len(self.text), start + LOOKAHEAD)
        found = pattern.search(self.text, start, end)
        if found is None:
            self.budget -= end - start
            return None
        return self.line_of(found.start())

    def _found(self, index: int | None, leaf: bool) -> int:
        if index is None:
            index = min(self.cursor, max(len(self.lines) - 1, 0))
        self.cursor = index + 1 if leaf else index
        return self.first_line + index

    def find_regex(self, pattern: str, line: int | None = None) -> int:
        """The first line at or after ``line`` (the body's first) that matches (cursor unchanged)."""
        index = self._search(re.compile(pattern, re.MULTILINE), max(0, (line or self.first_line) - self.first_line))
        return self.first_line + index if index is not None else (line or self.first_line)

    def first_lines(self, pattern: str) -> dict[str, int]:
        """The line where each value of ``pattern``'s group first occurs: the body read once."""
        if pattern not in self._indexes:
            index: dict[str, int] = {}
            for match in re.finditer(pattern, self.text, re.MULTILINE):
                index.setdefault(match.group(1), self.first_line + self.line_of(match.start()))
            self._indexes[pattern] = index
        return self._indexes[pattern]


@dataclass
class _InlineConverter:
    """Inline elements to model nodes: text, emphasis, links, images, footnote calls."""

    path: Path
    assets: Path
    locator: _Locator
    raw_html: list[str]
    problems: Problems = field(default_factory=Problems)
    footnote_numbers: dict[str, int] = field(default_factory=dict)
    footnote_calls: dict[str, int] = field(default_factory=dict)  # how many times each is called
    anchors: set[str] = field(default_factory=set)
    anchor_numbers: dict[str, int] = field(default_factory=dict)  # the next number to try, by slug
    line: int = 0  # line of the block being converted, for inline problems

    def error(self, message: str, line: int | None = None) -> None:
        self.problems.add(self.path, self.line if line is None else line, message)

    def locate(self, el: ET.Element, *, leaf: bool = True, text: str | None = None) -> int:
        """The source line of element ``el``, by its words, or its image, or its rule."""
        if text is None and el.tag == "table":
            # by the words of one row, its first with any: the delimiter row stands between the
            # header's and the body's, farther than a search for words across rows looks (it
            # read to the end of the body), and each row is one line
            for n, row in enumerate(el.iter("tr")):
                words = _plain(row)
                if re.search(r"\w", words):
                    return self.locator.find(words, leaf=leaf) - n - (1 if n else 0)
        text = _plain(el) if text is None else text
        if re.search(r"\w", text):
            return self.locator.find(text, leaf=leaf)
        image = el if el.tag == "img" else el.find(".//img")
        if image is not None:
            return self.locator.find_pattern(re.escape(image.get("src", "")), leaf=leaf)
        if el.tag == "hr":
            return self.locator.find_pattern(r"^ {0,3}([-*_])( *\1){2,} *$", leaf=leaf)
        return self.locator.find("", leaf=leaf)

    # Inlines ----------------------------------------------------------------

    def inlines(self, el: ET.Element, edges: bool = True) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = list(self.text(el.text))
        for child in el:
            out.extend(self.inline(child))
            out.extend(self.text(child.tail))
        return _strip(m.merge_text(out), edges)

    def inline(self, el: ET.Element) -> list[m.Inline]:
        tag = el.tag
        self.check_attributes(el)
        if tag == "em":
            return [m.Emphasis(self.inlines(el, edges=False))]
        if tag == "strong":
            return [m.Strong(self.inlines(el, edges=False))]
        if tag == "code":  # Python-Markdown keeps code spans HTML-escaped
            return [m.Code(html.unescape(el.text or ""))]
        if tag == "br":
            return [m.LineBreak()]
        if tag == "sup" and (el.get("id") or "").startswith("fnref"):
            anchor = el.find("a")
            key = (anchor.get("href") or "").removeprefix("#fn:") if anchor is not None else ""
            number = self.footnote_numbers.setdefault(key, len(self.footnote_numbers) + 1)
            self.footnote_calls[key] = self.footnote_calls.get(key, 0) + 1
            return [m.FootnoteRef(key, number)]
        if tag == "a":
            if "footnote-backref" in (el.get("class") or ""):
                return []
            return [self.link(el)]
        if tag == "img":
            image = self.image(el)
            return [image] if image else []
        self.error(f"unsupported inline element <{tag}>")
        return []

    def link(self, el: ET.Element) -> m.Link:
        href = _deobfuscate((el.get("href") or "").strip())
        children = self.inlines(el, edges=False)
        if href.startswith("#"):
            pass  # checked against the headings' anchors once all are known
        elif not href.lower().startswith(LINK_SCHEMES):
            self.error(f"link target '{href}' is not allowed: use https:, http:, mailto: or #anchor")
        return m.Link(href, children, el.get("title") or "")

    def image(self, el: ET.Element) -> m.Image | None:
        src = (el.get("src") or "").strip()
        alt = (el.get("alt") or "").strip()
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("/", "\\")):
            self.error(f"image '{src}' must be a file in the note's assets/ folder")
            return None
        target = Path(os.path.abspath(self.assets.parent / src))
        if not src.startswith("assets/") or ".." in Path(src).parts:
            self.error(f"image '{src}' must be a file in the note's assets/ folder")
            return None
        try:
            data = read_input(target, self.assets.parent, limit=MAX_IMAGE_BYTES, too_large=_image_too_large)
        except NoteError as exc:
            self.error(f"image '{src}' {exc.problems[0].message}")
            return None
        problem = image_problem(data)
        if problem:
            self.error(f"image '{src}' {problem}")
            return None
        if not alt:
            self.problems.add(self.path, self.line, f"image '{src}' has no alt text", warning=True)
        return m.Image(src, target, alt, el.get("title") or "")

    def text(self, text: str | None) -> list[m.Inline]:
        if not text:
            return []
        text = _deobfuscate(text)
        if RAW_HTML.search(text):
            text = RAW_HTML.sub(self.stashed, text)
        return [m.Text(text)] if text else []

    def stashed(self, match: re.Match) -> str:
        """What Python-Markdown stashed: a character reference is text, anything else raw HTML."""
        number = int(match.group(1))
        stashed = self.raw_html[number] if number < len(self.raw_html) else "<...>"
        if ENTITY.fullmatch(stashed):
            char = html.unescape(stashed)
            bad = forbidden_character(char)
            if bad:
                self.error(f"{bad} (written {stashed})")
                return ""
            return char
        self.raw_html_error(stashed)
        return ""

    def raw_html_error(self, stashed: str) -> None:
        first = stashed.strip().splitlines()[0] if stashed.strip() else stashed
        line = self.locator.find_regex(re.escape(first[:40]), self.line)
        self.error(f"raw HTML is not allowed in a note: {first[:60]!r}", line)

    def anchor(self, given: str | None, text: str) -> str:
        """The heading's id: its own, or its slug, numbered from 2 when taken (``aims``, ``aims-2``).

        The next number of each slug is kept, so that many headings of the same text are not
        numbered by trying every taken number again (each anchor is skipped at most once).
        """
        base = given or _slug(text) or "section"
        n = self.anchor_numbers.get(base, 1)
        anchor = base if n == 1 else f"{base}-{n}"
        while anchor in self.anchors:
            n += 1
            anchor = f"{base}-{n}"
        self.anchor_numbers[base] = n
        if given and anchor != given:
            self.error(f"heading id '#{given}' is used twice")
        self.anchors.add(anchor)
        return anchor

    def check_attributes(self, el: ET.Element) -> None:
        for name in el.keys():
            if name in ALLOWED_ATTRIBUTES or _generated_attribute(el.tag, name):
                continue
            self.error(f"attribute '{name}' is not supported on <{el.tag}>: only {{#id}} and {{.class}}")


@dataclass
class _Converter(_InlineConverter):
    """Block elements to model nodes, with their source lines."""

    last_heading: tuple[int, int] | None = None  # level and line of the last heading

    # Blocks -----------------------------------------------------------------

    def blocks(self, parent: ET.Element) -> tuple[m.Block, ...]:
        """Convert a container's children; loose inline content becomes paragraphs."""
        out: list[m.Block] = []
        pending: list[m.Inline] = []
        if parent.text and parent.text.strip():
            self.line = self.locator.find(parent.text)
            pending.extend(self.text(parent.text))
        for child in parent:
            if child.tag in _INLINE_TAGS:
                if not pending:  # a paragraph that starts with markup
                    self.line = self.locate(child, text=_plain(child) + (child.tail or ""))
                pending.extend(self.inline(child))
            else:
                if pending:
                    out.append(m.Paragraph(_strip(pending), self.line))
                    pending = []
                block = self.block(child)
                if block is not None:
                    out.append(block)
            if child.tail and child.tail.strip():
                pending.extend(self.text(child.tail))
        if pending:
            out.append(m.Paragraph(_strip(pending), self.line))
        return tuple(out)

    def block(self, el: ET.Element) -> m.Block | None:
        tag = el.tag
        if tag == "div" and el.get("class") == "footnote":
            return None  # handled by footnotes()
        self.line = self.locate(el, leaf=tag not in _CONTAINERS)
        line = self.line
        self.check_attributes(el)
        if tag == "p":
            return m.Paragraph(self.inlines(el), line, tuple((el.get("class") or "").split()))
        if tag in ("h1", "h2", "h3"):
            children = self.inlines(el)
            self.check_level(int(tag[1]), line)
            return m.Heading(int(tag[1]), children, self.anchor(el.get("id"), _plain(el)), line)
        if tag in ("h4", "h5", "h6"):
            self.error(f"heading level {tag[1]} is not supported: use '#', '##' or '###'")
            return None
        if tag in ("ul", "ol"):
            items = tuple(m.ListItem(self.blocks(li)) for li in el if li.tag == "li")
            start = int(el.get("start", "1")) if tag == "ol" else 1
            return m.ListBlock(tag == "ol", items, start, line)
        if tag == "table":
            return self.table(el, line)
        if tag == "blockquote":
            return m.Quote(self.blocks(el), line)
        if tag == "dl":
            return self.definition_list(el, line)
        if tag == "pre":
            code = el.find("code")
            text = html.unescape("".join((code if code is not None else el).itertext()))
            return m.CodeBlock(text.rstrip("\n"), line)
        if tag == "hr":
            return m.ThematicBreak(line)
        self.error(f"unsupported element <{tag}>")
        return None

    def check_level(self, level: int, line: int) -> None:
        """A heading may go down one level at a time (``#`` then ``##``): a skipped level is a warning."""
        previous = self.last_heading
        if previous is not None and level > previous[0] + 1:
            self.problems.add(
                self.path,
                line,
                f"heading level skipped: '{'#' * level}' follows the '{'#' * previous[0]}' heading of line"
                f" {previous[1]}; use '{'#' * (previous[0] + 1)}'",
                warning=True,
            )
        self.last_heading = (level, line)

    def table(self, el: ET.Element, line: int) -> m.Table:
        def rows(section: str, first: int) -> tuple[tuple[m.TableCell, ...], ...]:
            """A section's rows, each cell at its row's line (a pipe table has one line a row)."""
            found = el.find(section)
            if found is None:
                return ()
            return tuple(
                tuple(m.TableCell(self.inlines(cell), _align(cell), first + n) for cell in tr)
                for n, tr in enumerate(found.findall("tr"))
            )

        header = rows("thead", line)
        table = m.Table(header, rows("tbody", line + len(header) + 1), line)  # + 1: the delimiter row
        self.check_table_source(table, line)
        return table

    def check_table_source(self, table: m.Table, line: int) -> None:
        """Python-Markdown pads short rows and cuts long ones silently: refuse both."""
        index = line - self.locator.first_line
        lines = self.locator.lines
        header_cells = None
        while index < len(lines) and "|" in lines[index]:
            row = lines[index].strip()
            cells = _split_row(row)
            if re.fullmatch(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?", row):
                index += 1
                continue
            if header_cells is None:
                header_cells = len(cells)
            elif len(cells) != header_cells:
                self.error(
                    f"table row has {len(cells)} cells but the header has {header_cells}: give every row as many"
                    " cells as the header (a '|' inside a cell is written '\\|')",
                    self.locator.first_line + index,
                )
            index += 1

    def definition_list(self, el: ET.Element, line: int) -> m.DefinitionList:
        items: list[m.Definition] = []
        terms: list[tuple[m.Inline, ...]] = []
        defs: list[tuple[m.Block, ...]] = []
        for child in el:
            if child.tag == "dt":
                if defs:
                    items.append(m.Definition(tuple(terms), tuple(defs)))
                    terms, defs = [], []
                terms.append(self.inlines(child))
            elif child.tag == "dd":
                defs.append(self.blocks(child))
        if terms or defs:
            items.append(m.Definition(tuple(terms), tuple(defs)))
        return m.DefinitionList(tuple(items), line)

    def footnotes(self, root: ET.Element) -> tuple[m.Footnote, ...]:
        div = next((c for c in root if c.tag == "div" and c.get("class") == "footnote"), None)
        if div is None:
            return ()
        found: dict[str, m.Footnote] = {}
        ol = div.find("ol")
        for li in ol if ol is not None else ():
            key = (li.get("id") or "").removeprefix("fn:")
            line = self.locator.first_lines(FOOTNOTE_DEFINITION).get(key, self.locator.first_line)
            self.line = line
            self.locator.at(line)
            for backref in li.iter("a"):
                if "footnote-backref" in (backref.get("class") or ""):
                    backref.text = ""
            blocks = self.blocks(li)
            if key not in self.footnote_numbers:
                self.error(f"footnote [^{key}] is defined but never referenced: call it with [^{key}] after the words"
                           " it explains, or remove it", line)
                continue
            found[key] = m.Footnote(key, self.footnote_numbers[key], blocks, line)
        return tuple(sorted(found.values(), key=lambda f: f.number))


_INLINE_TAGS = {"em", "strong", "code", "a", "img", "br", "sup", "span"}
_CONTAINERS = {"ul", "ol", "blockquote", "dl"}


def _generated_attribute(tag: str, name: str) -> bool:
    return (tag, name) in {
        ("a", "href"),
        ("a", "title"),
        ("img", "src"),
        ("img", "alt"),
        ("img", "title"),
        ("ol", "start"),
        ("th", "style"),
        ("td", "style"),
        ("a", "class"),
        ("sup", "id"),
        ("li", "id"),
        ("div", "class"),
    }


# Pillow's formats a document may show.  MPO (what many cameras write: a JPEG followed
# by more frames, a second view or a preview) is a JPEG whose first frame is shown: the
# check reads that frame, WeasyPrint embeds it as JPEG, and Word reads the JPEG up to its end.
IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "MPO": "JPEG"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def _image_too_large(size: int) -> str:
    return f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"


def image_problem(data: bytes) -> str | None:
    """What is wrong with an image (its bytes) for a document, or None: type, size, completeness."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = _opened(data)  # reads the header only
        with image:
            kind, (width, height) = image.format, image.size
            if kind not in IMAGE_FORMATS:
                return f"is a {kind} picture: use PNG, JPEG or GIF"
            if width * height > MAX_IMAGE_PIXELS:
                return _too_many_pixels(width, height)
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a truncated file fails here
    except Image.DecompressionBombError:
        return f"is too large (more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels)"
    except UnidentifiedImageError:
        return "is not a PNG, JPEG or GIF picture"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot be read: {exc}"
    return None


def pixels_problem(data: bytes) -> str | None:
    """Whether a picture of any format Pillow reads (its bytes) has more pixels than a
    document takes, read from its header alone: checked before anything decodes it (a
    BMP or TIFF converted to PNG).  None too when the header cannot be read:
    :func:`image_problem` then says why."""
    from PIL import UnidentifiedImageError

    try:
        with _opened(data) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return _too_many_pixels(width, height) if width * height > MAX_IMAGE_PIXELS else None


def _too_many_pixels(width: int, height: int) -> str:
    return f"is too large ({width} × {height} pixels; at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels)"


def _opened(data: bytes):
    """The image ``data`` opened by its format's own Pillow plugin, as ``Image.open`` tries
    them, but without its check of the size against ``Image.MAX_IMAGE_PIXELS``: that is a
    setting of the whole process, never changed here (threads check images at once), and
    the size is bounded by ``image_problem`` with a message that says it."""
    from PIL import Image, UnidentifiedImageError

    Image.init()  # every plugin registered, as Image.open does when the common ones do not know the file
    prefix = data[:16]
    for name in Image.ID:
        factory, accept = Image.OPEN[name]
        accepted = not accept or accept(prefix)
        if not accepted or isinstance(accepted, str):
            continue
        try:
            return factory(io.BytesIO(data), "")
        except (SyntaxError, IndexError, TypeError, struct.error):
            continue  # not this format after all: the next one is tried, as Image.open does
    raise UnidentifiedImageError("cannot identify image file")


def _deobfuscate(text: str) -> str:
    """Undo the character references Python-Markdown writes for an e-mail autolink."""
    if AMP_SUBSTITUTE not in text:
        return text
    return html.unescape(text.replace(AMP_SUBSTITUTE, "&"))


def _align(cell: ET.Element) -> str:
    found = re.search(r"text-align:\s*(left|center|right)", cell.get("style") or "")
    return found.group(1) if found else ""


def _footnote_calls(line: str) -> list[str]:
    """Footnote calls written on a source line: not escaped, not in code, not definitions."""
    line = re.sub(r"(`+).*?\1", "", line)
    return [key for key in re.findall(r"(?<!\\)\[\^([^\]\s]+)\](?!:)", line)]


def _split_row(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells = re.split(r"(?<!\\)\|", row)
    # pipes inside inline code do not separate cells
    merged: list[str] = []
    for cell in cells:
        if merged and merged[-1].count("`") % 2 == 1:
            merged[-1] += "|" + cell
        else:
            merged.append(cell)
    return merged


def _plain(el: ET.Element) -> str:
    text = "".join(RAW_HTML.sub(" ", t) for t in el.itertext())  # a stashed reference is not a word
    return FOOTNOTE_NBSP.sub("", text)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^\w]+", "-", text).strip("-")


def _strip(nodes: list[m.Inline] | tuple[m.Inline, ...], edges: bool = True) -> tuple[m.Inline, ...]:
    """Fold inner new lines; trim white space around line breaks and, for a block's whole
    run (``edges``), at its ends.  Space inside emphasis or a link is text: kept."""
    out = [m.Text(re.sub(r"[ \t]*\n[ \t]*", " ", n.text)) if isinstance(n, m.Text) else n for n in m.merge_text(nodes)]
    for index, node in enumerate(out):
        if not isinstance(node, m.Text):
            continue
        text = node.text
        if index > 0 and isinstance(out[index - 1], m.LineBreak):
            text = text.lstrip()
        if index + 1 < len(out) and isinstance(out[index + 1], m.LineBreak):
            text = text.rstrip()
        out[index] = m.Text(text)
    if edges and out and isinstance(out[0], m.Text):
        out[0] = m.Text(out[0].text.lstrip())
    if out and isinstance(out[-1], m.Text):
        last = FOOTNOTE_NBSP.sub("", out[-1].text)
        out[-1] = m.Text(last.rstrip() if edges else last)
    return tuple(n for n in out if not (isinstance(n, m.Text) and not n.text))


def _too_deep(path: Path, line: int) -> Problems:
    problems = Problems()
    problems.add(path, line, "the Markdown nests too deep to be parsed: simplify the lists, quotes or emphasis")
    return problems


def parse_body(body: str, path: Path, first_line: int, assets: Path) -> tuple[m.Document, Problems]:
    """Parse the Markdown body of the note at ``path`` whose first line is ``first_line``."""
    if not body.strip():  # a new note: front matter only (Python-Markdown runs no tree processor)
        return m.Document(()), Problems()
    too_much = limits.source_problems(body, path, first_line)
    if too_much:  # Python-Markdown would take minutes
        return m.Document(()), Problems(too_much)
    md = _markdown()
    try:
        root = _tree(md, list_nesting.nest(body))  # line for line: the lines of the note
    except RecursionError:
        return m.Document(()), _too_deep(path, first_line)
    lines = body.split("\n")
    converter = _Converter(path, assets, _Locator(lines, first_line), list(md.htmlStash.rawHtmlBlocks))
    converter.problems.extend(list_nesting.unseparated_lists(body, first_line, str(path)))
    converter.problems.extend(list_nesting.lettered_lines(body, first_line, str(path)))
    blocks = converter.blocks(root)
    footnotes = converter.footnotes(root)
    for key in converter.footnote_numbers.keys() - {f.key for f in footnotes}:
        line = converter.locator.first_lines(FOOTNOTE_CALL).get(key, first_line)
        converter.error(f"footnote [^{key}] has no text", line)
    defined = {f.key for f in footnotes} | set(converter.footnote_numbers)
    called: dict[str, list[int]] = {}  # the lines of each call written in the text
    for index, line in enumerate(lines):
        for key in _footnote_calls(line):
            called.setdefault(key, []).append(first_line + index)
            if key not in defined:
                converter.error(f"footnote [^{key}] is referenced but never defined: add its text at the end of the"
                                f" note, '[^{key}]: ...', or correct the call", first_line + index)
    _repeated_calls(converter, called)
    document = m.Document(blocks, footnotes)
    for link in (node for node in walk(document) if isinstance(node, m.Link)):
        if link.href.startswith("#") and link.href[1:] not in converter.anchors:
            line = converter.locator.first_lines(ANCHOR_LINK).get(link.href, first_line)
            converter.error(f"link target '{link.href}' names no heading of this note", line)
    return document, converter.problems


def _repeated_calls(converter: _Converter, called: dict[str, list[int]]) -> None:
    """A footnote is called once: a second call is an error at its line (the calls Markdown
    made are counted; their lines are those of the calls written in the text)."""
    for key, count in converter.footnote_calls.items():
        if count < 2:
            continue
        lines = called.get(key) or [converter.locator.first_line]
        times = "twice" if count == 2 else f"{count} times"
        converter.error(
            f"footnote call [^{key}] appears {times} (first on line {lines[0]}): a footnote is called once;"
            " to refer to it again, add a footnote that refers to it",
            lines[1] if len(lines) > 1 else lines[0],
        )


# Only paragraphs: a translation is inline text, never a heading, list or table.
_BLOCK_SYNTAX = (
    "indent",
    "defindent",
    "code",
    "table",
    "hashheader",
    "setextheader",
    "hr",
    "olist",
    "deflist",
    "quote",
    "reference",
    "ulist",
)


# Each thread's own Markdown instance for translations: the server checks translations from
# a pool of threads, and an instance keeps its state while it converts.  Building one costs
# about as much as parsing a short unit (0.3 ms each, measured): kept per thread, not per call.
_PER_THREAD = threading.local()


def _inline_markdown() -> markdown.Markdown:
    """This thread's Markdown instance for translations, reset before each."""
    md = getattr(_PER_THREAD, "inline_markdown", None)
    if md is None:
        md = _PER_THREAD.inline_markdown = _markdown()
        for name in _BLOCK_SYNTAX:
            md.parser.blockprocessors.deregister(name)
    return md


def parse_inline(
    text: str, path: Path, line: int, assets: Path, footnote_keys: frozenset[str] = frozenset()
) -> tuple[tuple[m.Inline, ...], Problems]:
    """Parse one unit of inline Markdown (a translation) into inline nodes.

    ``footnote_keys`` are the footnotes the text may call; problems are reported at
    ``path:line`` (the catalog entry).  A text longer than a paragraph may be, or nested
    deeper than a note may be (``nesting_problems``), is refused before it is parsed.
    """
    refused = limits.translation_problems(text, path, line) or nesting_problems(text, path, line)
    if refused.errors:  # before parsing: beyond these limits the parser takes minutes
        return (), refused
    if is_plain(text):
        return (m.Text(text),), Problems()
    return _parse_inline_markdown(text, path, line, assets, footnote_keys)


# A text with none of the characters that start inline Markdown (emphasis, code, links,
# images, footnote calls, escapes, HTML and character references, attribute lists), no
# control character (a line break, a tab, Python-Markdown's own placeholders) and no white
# space at its ends: Python-Markdown makes it one paragraph of exactly that text.  Most
# translations are such texts (237 of the sample's 305).
_PLAIN = re.compile(f"[^{INLINE_START}\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]+")


def is_plain(text: str) -> bool:
    """Whether ``text`` is plain text to Python-Markdown: its one paragraph holds exactly
    ``text`` (:data:`_PLAIN`), so that a translation's parse can be skipped (a third of the
    time of localizing a language)."""
    return bool(_PLAIN.fullmatch(text)) and text == text.strip() and not FOOTNOTE_NBSP.search(text)


def _parse_inline_markdown(
    text: str, path: Path, line: int, assets: Path, footnote_keys: frozenset[str]
) -> tuple[tuple[m.Inline, ...], Problems]:
    """:func:`parse_inline` by Python-Markdown (the limits checked)."""
    md = _inline_markdown()
    md.reset()  # a Markdown instance keeps state between documents
    footnotes = next(e for e in md.registeredExtensions if e.__class__.__name__ == "FootnoteExtension")
    for key in footnote_keys:
        footnotes.setFootnote(key, "-")
    try:
        root = _tree(md, text)
    except RecursionError:
        return (), _too_deep(path, line)
    converter = _Converter(path, assets, _Locator([text], line), list(md.htmlStash.rawHtmlBlocks))
    converter.line = line
    blocks = converter.blocks(root)
    if len(blocks) > 1:
        converter.error("a translation must be one paragraph: remove the blank line")
    children = blocks[0].children if blocks and isinstance(blocks[0], m.Paragraph) else ()
    return children, converter.problems
