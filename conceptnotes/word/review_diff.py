"""A reviewed unit's change shown word by word, as ``git diff --word-diff`` shows it.

The text the build rendered and the text as reviewed are cut into words, runs of spaces and
single other characters, and compared: each piece is kept (``=``), deleted (``-``) or
inserted (``+``).  The command's prompts write it as ``[-deleted-]{+inserted+}``; the
preview's review page as struck and underlined text.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from conceptnotes.render.docx.review_marks import OBJECT

_PIECES = re.compile(r"\w+|\s+|[^\w\s]")
# what stands for one object character of a run in the source: a footnote call, a picture
_OBJECTS = re.compile(r"\[\^[^\]\s]+\]|!\[[^\]]*\]\([^)]*\)")


def word_diff(before: str, after: str, source: str = "") -> list[tuple[str, str]]:
    """(kind, text) pieces, the kind ``=``, ``-`` or ``+``: they read as ``before`` without the
    ``+`` ones and as ``after`` without the ``-`` ones; neighbouring pieces of one kind joined.
    Each object character (a footnote call, a picture) is shown as the source writes it, the
    first as the source's first call or picture and so on (``[^]`` past the source's)."""
    before, after = readable(before, source), readable(after, source)
    old, new = _PIECES.findall(before), _PIECES.findall(after)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(pieces, "=", "".join(old[i1:i2]))
            continue
        _add(pieces, "-", "".join(old[i1:i2]))
        _add(pieces, "+", "".join(new[j1:j2]))
    return pieces


def readable(text: str, source: str) -> str:
    """``text`` with each object character written as the source's call or picture it stands for."""
    if OBJECT not in text:
        return text
    objects = iter(_OBJECTS.findall(source))
    return re.sub(OBJECT, lambda _: next(objects, "[^]"), text)


def _add(pieces: list[tuple[str, str]], kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == kind:
        pieces[-1] = (kind, pieces[-1][1] + text)
    else:
        pieces.append((kind, text))


def as_text(pieces: list[tuple[str, str]]) -> str:
    """The pieces as one line: ``kept [-deleted-]{+inserted+} kept``."""
    return "".join(text if kind == "=" else f"[-{text}-]" if kind == "-" else f"{{+{text}+}}"
                   for kind, text in pieces)
