"""Characters a document cannot hold: refused where they are read, with their place."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem

# Characters XML 1.0 cannot hold (python-docx and lxml would fail late, without a line).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def illegal_character(text: str) -> str | None:
    """Describe the first character of ``text`` that XML cannot hold, or None."""
    found = XML_ILLEGAL.search(text)
    return f"control character U+{ord(found.group()):04X} is not allowed" if found else None


def check_characters(text: str, path: Path, first_line: int = 1) -> list[Problem]:
    """Every XML-illegal character of a file's text, with line and column."""
    problems = []
    for match in XML_ILLEGAL.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        problems.append(Problem(str(path), line, illegal_character(match.group()) or "", column))
    return problems
