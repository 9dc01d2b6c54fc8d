"""Reading outputs back as their readers would: pdftotext, pypdf, python-docx."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import model as m
from conceptnotes.model.visitor import INLINE_KINDS, walk

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def words(text: str) -> list[str]:
    """Casefolded words; hyphens dropped, as pdftotext joins a word hyphenated at a line end."""
    return re.findall(r"\w+", re.sub(r"[-\u2010\u00ad]", "", text.casefold()))


def find_in_order(needle: list[str], haystack: list[str], start: int = 0, slack: int = 120) -> int | None:
    """Index after ``needle`` found as a subsequence of ``haystack`` from ``start``.

    The words must come in order, the first at or after ``start``, with at most ``slack``
    other words between first and last (a page footer and footnotes may interrupt a
    paragraph).  None when not found.
    """
    if not needle:
        return start
    for begin in range(start, len(haystack)):
        if haystack[begin] != needle[0]:
            continue
        i, j = 1, begin + 1
        while i < len(needle) and j < len(haystack) and j - begin <= len(needle) + slack:
            if haystack[j] == needle[i]:
                i += 1
            j += 1
        if i == len(needle):
            return j
    return None


def blocks_of(node) -> list:
    """Every block-level node at or below ``node`` (a tuple of blocks), in reading order."""
    return [n for n in walk(node) if n.kind not in INLINE_KINDS]


def block_texts(document: m.Document, footnote_numbers: bool = False) -> list[str]:
    """Text of every paragraph-like block in reading order (headings, items, cells)."""
    out = []
    for block in blocks_of(document.blocks):
        if isinstance(block, m.Paragraph | m.Heading):
            out.append(m.plain_text(block.children, footnote_numbers=footnote_numbers))
        elif isinstance(block, m.Table):
            out.extend(m.plain_text(c.children) for row in block.header + block.body for c in row)
        elif isinstance(block, m.DefinitionList):
            out.extend(m.plain_text(t) for item in block.items for t in item.terms)
    return out


def footnote_texts(document: m.Document) -> list[str]:
    return [" ".join(m.plain_text(b.children) for b in f.blocks if isinstance(b, m.Paragraph))
            for f in document.footnotes]


def docx_body_paragraphs(doc) -> list:
    """python-docx paragraphs of the body in document order, table cells included."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            out.append(item)
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    out.extend(cell.paragraphs)
    return out


def docx_part_xml(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def number_words(text: str) -> list[str]:
    """Casefolded words with numbers split from letters: a footnote call printed against its
    word ("году2", "participants.6") reads as the word, then the number."""
    return re.findall(r"\d+|[^\W\d_]+", re.sub(r"[-\u2010\u00ad]", "", text.casefold()))


@dataclass(frozen=True)
class FootnotePlace:
    number: int
    call_page: int | None  # the page of the footnote's first call (1-based), None if not found
    text_page: int | None  # the page its text prints on
    text_at: int | None  # where its text starts among that page's words


def footnote_places(pdf: Path, document: m.Document, pages: int) -> list[FootnotePlace]:
    """Where each footnote of ``document`` is called first and where its text prints.

    A call is the last words before it, then its number; a footnote's text is its number
    (the marker), then its first words: both matched word for word on each page's text.
    """
    page_words = [number_words(pdf_text(pdf, n)) for n in range(1, pages + 1)]
    calls = {}
    for block in blocks_of(document.blocks):
        children = getattr(block, "children", ())
        for index, node in enumerate(children):
            if isinstance(node, m.FootnoteRef) and node.key not in calls:
                calls[node.key] = number_words(m.plain_text(children[:index]))[-4:] + [str(node.number)]
    places = []
    for footnote, text in zip(document.footnotes, footnote_texts(document), strict=True):
        marker = [str(footnote.number), *number_words(text)[:8]]
        call_pages = [n for n, w in enumerate(page_words, 1) if _at(calls[footnote.key], w) is not None]
        text_pages = [(n, _at(marker, w)) for n, w in enumerate(page_words, 1) if _at(marker, w) is not None]
        assert len(call_pages) <= 1 and len(text_pages) <= 1, footnote.key  # the test's words are ambiguous
        text_page, text_at = text_pages[0] if text_pages else (None, None)
        places.append(FootnotePlace(footnote.number, call_pages[0] if call_pages else None, text_page, text_at))
    return places


def _at(needle: list[str], haystack: list[str]) -> int | None:
    """Where ``needle`` starts in ``haystack``, word for word."""
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start:start + len(needle)] == needle:
            return start
    return None
