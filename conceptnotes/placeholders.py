"""Placeholders in text that comes from a note or a catalog: ``{name}`` and nothing else.

A label's translation (``Page {page} of {pages}``) and a note's ``file_name`` pattern
(``{symbol}_{letter}``) are patterns written by users.  Python's ``str.format`` would
give them attribute access (``{city.__class__}``), indexing, conversions and format
specifications (``{city:>40000000}``), and a lone brace would raise; here a pattern may
only hold ``{name}`` with a name of the allowed set, and ``{{`` and ``}}`` for literal
braces.  :func:`problems` says what is wrong with a pattern (the check runs it on every
pattern, before anything is filled); :func:`fill` and :func:`parts` then use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from conceptnotes.errors import excerpt

# '{{', '}}', '{...}' (anything but braces inside), or a brace left alone
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"\w+")
SHOWN = 40  # characters of a bad placeholder quoted in a message
MOST = 5  # problems told of one pattern (a pattern of a million braces gives five lines)


class Name(str):
    """A placeholder's name, as :func:`parts` gives it among literal text."""


def problems(pattern: str, allowed: Iterable[str]) -> list[str]:
    """What keeps ``pattern`` from being filled: unknown names, lone braces, attributes,
    indexes, conversions or format specifications.  Empty when it is a good pattern."""
    allowed = tuple(allowed)
    found = []
    for token in TOKEN.finditer(pattern):
        text, inside = token.group(0), token.group(1)
        if text in ("{{", "}}"):
            continue
        if inside is None:
            found.append(f"lone '{text}' at character {token.start() + 1}: write '{text * 2}' for a brace")
        elif not NAME.fullmatch(inside):
            found.append(f"placeholder {_excerpt(text)} is not allowed: a placeholder is a name alone"
                         f" (known: {_known(allowed)}), with no attribute, index, conversion or format")
        elif inside not in allowed:
            found.append(f"unknown placeholder {_excerpt(text)} (known: {_known(allowed)})")
        if len(found) == MOST:
            break
    return found


def parts(pattern: str, allowed: Iterable[str]) -> list[str]:
    """``pattern`` cut into literal text (braces undoubled) and :class:`Name` pieces, in order.

    Raises ValueError for a pattern :func:`problems` refuses (a bug: the check refuses it first).
    """
    wrong = problems(pattern, allowed)
    if wrong:
        raise ValueError(f"unchecked pattern: {wrong[0]}")
    out: list[str] = []
    position = 0
    for token in TOKEN.finditer(pattern):
        out.append(pattern[position : token.start()])
        out.append(token.group(0)[0] if token.group(1) is None else Name(token.group(1)))
        position = token.end()
    out.append(pattern[position:])
    return [piece for piece in out if piece]


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """``pattern`` with each ``{name}`` replaced by ``values[name]`` (its text, never its attributes)."""
    return "".join(str(values[p]) if isinstance(p, Name) else p for p in parts(pattern, values))


def names(pattern: str) -> list[str]:
    """The names of the placeholders in ``pattern`` (a label's English, say), in order."""
    return [token.group(1) for token in TOKEN.finditer(pattern) if token.group(1) and NAME.fullmatch(token.group(1))]


def _known(allowed: tuple[str, ...]) -> str:
    return ", ".join(f"{{{name}}}" for name in allowed) if allowed else "none"


def _excerpt(text: str) -> str:
    return text if len(text) <= SHOWN else excerpt(text[:-1], SHOWN - 1) + "}"
