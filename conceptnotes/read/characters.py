"""Characters a document cannot hold: refused where they are read, with their place."""

from __future__ import annotations

import re
from pathlib import Path

from conceptnotes.errors import NoteError, Problem, Problems

# Characters XML 1.0 cannot hold (python-docx and lxml would fail late, without a line).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# Bidirectional embeddings, overrides and isolates can make text read differently from
# what it says (CVE-2021-42574, "Trojan Source"): "60/288" shown as "882/06".  They are
# refused in every language; the marks (U+200E, U+200F, U+061C) that set the direction of
# a neutral character stay allowed.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
FORBIDDEN = re.compile(f"{XML_ILLEGAL.pattern}|{BIDI_CONTROLS.pattern}")


def nesting_problems(text: str, path: Path, first_line: int = 1) -> Problems:
    """Block nesting deeper than a concept note needs (which would make the parser crawl)."""
    problems = Problems()
    for index, line in enumerate(text.split("\n")):
        line = line.expandtabs(4)  # a tab indents as four spaces in Markdown
        quotes = len(re.match(r"[ >]*", line).group().replace(" ", ""))
        indent = len(line) - len(line.lstrip())
        prefix = re.match(r"(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*", line.lstrip(" >")).group()
        markers = len(re.findall(r"(?:[-*+]|\d{1,9}[.)])[ \t]+", prefix))
        runs = max((len(r) for r in re.findall(r"[*_\[\]]{2,}", line)), default=0)
        if markers > MAX_QUOTE_DEPTH:
            problems.append(
                Problem(str(path), first_line + index, f"{markers} list markers on one line: lists nested too deep")
            )
        elif runs > MAX_MARKUP_RUN:
            problems.append(
                Problem(
                    str(path), first_line + index, f"a run of {runs} emphasis or bracket characters: too deep to parse"
                )
            )
        elif quotes > MAX_QUOTE_DEPTH:
            problems.append(
                Problem(str(path), first_line + index, f"block quotes nested {quotes} deep (at most {MAX_QUOTE_DEPTH})")
            )
        elif line.strip() and indent > MAX_INDENT:
            problems.append(
                Problem(
                    str(path),
                    first_line + index,
                    f"indented {indent} spaces: lists nested too deep (at most {MAX_INDENT // 4} levels)",
                )
            )
        if len(problems) >= 5:
            break
    # Python-Markdown's inline patterns take quadratic time in unclosed brackets and the like
    counts = {c: 0 for c in "[<*_`"}
    block_start = 0
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            counts = {c: 0 for c in counts}
            block_start = index + 1
            continue
        for c in counts:
            counts[c] += line.count(c)
        if max(counts.values()) > MAX_MARKUP_PER_BLOCK:
            problems.append(
                Problem(
                    str(path),
                    first_line + block_start,
                    f"more than {MAX_MARKUP_PER_BLOCK} markup characters ([ < * _ `) in one"
                    " paragraph: too many to parse in reasonable time",
                )
            )
            break
    return problems


MAX_QUOTE_DEPTH = 8
MAX_INDENT = 40
MAX_MARKUP_RUN = 24
MAX_MARKUP_PER_BLOCK = 400


def forbidden_character(text: str) -> str | None:
    """Describe the first character of ``text`` that no document may hold, or None.

    The one rule for characters, applied after every decoding step: to a file's text, to
    each YAML value (escapes such as ``"\\u202E"``), to each character reference of the
    Markdown (``&#x202E;``, in a note or a catalog), and to the final text of each document.
    """
    found = FORBIDDEN.search(text)
    return _describe(found.group()) if found else None


def _describe(char: str) -> str:
    if BIDI_CONTROLS.fullmatch(char):
        return (
            f"bidirectional control character U+{ord(char):04X} is not allowed: it can hide or reorder"
            " what the text says (to set the direction of a character, use U+200F RIGHT-TO-LEFT MARK"
            " or U+200E LEFT-TO-RIGHT MARK)"
        )
    return f"control character U+{ord(char):04X} is not allowed"


def check_characters(text: str, path: Path, first_line: int = 1) -> Problems:
    """Every forbidden character of a file's text, with line and column."""
    problems = Problems()
    for match in FORBIDDEN.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        problems.append(Problem(str(path), line, _describe(match.group()), column))
    return problems


def decode(data: bytes, path: Path) -> str:
    """Decode UTF-8, naming the line and byte offset of the first bad byte; a byte-order mark
    that starts the file (as Notepad and Word save UTF-8) is not part of the text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NoteError.at(
            path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
