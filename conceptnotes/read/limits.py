"""How much a note may hold: limits that a concept note (tens of pages) never reaches.

Beyond them the libraries the build stands on take minutes: Python-Markdown is
quadratic in the number of blocks and of footnotes, WeasyPrint in the length of a
paragraph, and WeasyPrint lays out some 30 short paragraphs (a page) in about 0.15 s.  Each limit
is checked before the work it protects, with the line where it is passed and its value:

- on the Markdown source, before it is parsed: lines of text and footnote definitions
  (:func:`source_problems`), and the length of a translation (:func:`translation_problems`);
- on the document, before it renders (``build.validate``): blocks, the length of each
  paragraph, heading, table cell or term, and the characters a document shows in each
  language.

Documented in ``docs/security.md`` ("Size").
"""

from __future__ import annotations

import re
from pathlib import Path

from conceptnotes.errors import Problem, Problems

MAX_LINES = 10_000  # non-blank lines of the body (Python-Markdown reads one block of lines in quadratic time)
MAX_FOOTNOTES = 500
MAX_BLOCKS = 3_000  # paragraphs (in lists and quotes too), headings, table cells, terms, code blocks, rules
MAX_UNIT_CHARS = 20_000  # characters of one paragraph, heading, table cell or term, or of its translation
MAX_DOCUMENT_CHARS = 400_000  # characters a document shows, footnotes included, in each language

FOOTNOTE_DEFINITION = re.compile(r"[ \t]*\[\^[^\]\n]+\]:")
SPLIT = "put large material in separate documents"


def source_problems(body: str, path: Path, first_line: int) -> Problems:
    """Lines and footnote definitions of a note's body beyond their limits, at the line of the first too many."""
    problems = Problems()
    lines = footnotes = 0
    for index, line in enumerate(body.split("\n")):
        if not line.strip():
            continue
        lines += 1
        if lines == MAX_LINES + 1:
            message = f"more than {MAX_LINES:,} lines of text; a note may have at most {MAX_LINES:,}: {SPLIT}"
            problems.append(Problem(str(path), first_line + index, message))
        if FOOTNOTE_DEFINITION.match(line):
            footnotes += 1
            if footnotes == MAX_FOOTNOTES + 1:
                message = f"more than {MAX_FOOTNOTES:,} footnotes; a note may have at most {MAX_FOOTNOTES:,}"
                problems.append(Problem(str(path), first_line + index, message))
    return problems


def translation_problems(text: str, path: Path, line: int) -> Problems:
    """A translation longer than any paragraph may be, at its catalog line."""
    problems = Problems()
    if len(text) > MAX_UNIT_CHARS:
        problems.add(path, line, f"the translation has {len(text):,} characters; a paragraph, heading,"
                                 f" table cell or term may have at most {MAX_UNIT_CHARS:,}")
    return problems


def unit_message(chars: int) -> str:
    return (f"this paragraph has {chars:,} characters; a paragraph, heading, table cell or term may have"
            f" at most {MAX_UNIT_CHARS:,}: split it")


def blocks_message() -> str:
    return (f"more than {MAX_BLOCKS:,} blocks (paragraphs, headings, table cells...); a note may"
            f" have at most {MAX_BLOCKS:,}: {SPLIT}")


def document_chars_message(lang: str) -> str:
    return (f"the document in '{lang}' passes {MAX_DOCUMENT_CHARS:,} characters here; a document may show"
            f" at most {MAX_DOCUMENT_CHARS:,}: {SPLIT}")
