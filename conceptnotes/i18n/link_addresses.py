"""A link's address in one language: the rule a catalog entry states it by, its check, and
the translated unit's links pointed at it.

A translator never changes a link's address in the translation (the translation keeps the
source's, which the build checks); a page that exists in the language is named in a
translator's comment of the entry, one line per link::

    # link: https://www.un.org/counterterrorism/ -> https://www.un.org/counterterrorism/fr
    msgid "... [United Nations Office of Counter-Terrorism](https://www.un.org/counterterrorism/)."
    msgstr "... [Bureau de lutte contre le terrorisme](https://www.un.org/counterterrorism/)."

The first address is the source's (one of the unit's links), the second the language's,
an ``https://`` or ``http://`` address with a host, or a ``mailto:`` address.  Every link
of the unit with the first address points at the second in that language's documents;
``i18n update``, the workbench and ``i18n import`` keep the comment.  Babel wraps a long
comment over several lines: the lines of an entry's comments are read as one text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from conceptnotes import model as m
from conceptnotes.errors import excerpt
from conceptnotes.model.visitor import map_inline_nodes, walk

RULE = re.compile(r"(?:^|\s)link:\s*(\S+)\s*->\s*(\S+)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def stated(comments: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """The ``(source address, language's address)`` pairs an entry's translator comments state."""
    return RULE.findall(" ".join(comments))


def address_problem(address: str) -> str:
    """Why ``address`` cannot be a link's address in a document ('' if it can)."""
    parts = urlsplit(address)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.hostname and "." in parts.hostname and address.isprintable():
        return ""
    if scheme == "mailto" and _EMAIL.fullmatch(parts.path):
        return ""
    return (f"the address '{excerpt(address, 60)}' is not a web address (https://... or http://..., with a host)"
            " or a mailto: address")


def links(nodes: tuple[m.Inline, ...]) -> list[m.Link]:
    """The links of a run of inlines, in reading order."""
    return [node for node in walk(nodes) if isinstance(node, m.Link)]


def addresses(comments: list[str] | tuple[str, ...], source: tuple[m.Inline, ...]) -> tuple[dict[str, str], list[str]]:
    """The language's address of each source address the comments state, and what is wrong
    with them (an address that is no link of the unit, or not an address; one stated twice)."""
    hrefs = {link.href for link in links(source)}
    found: dict[str, str] = {}
    problems = []
    for old, new in stated(comments):
        if old not in hrefs:
            problems.append(f"the comment 'link: {excerpt(old, 60)} -> ...' names no link of this unit"
                            f" (its links: {', '.join(sorted(hrefs)) or 'none'})")
        elif old in found and found[old] != new:
            problems.append(f"the comment states two addresses for the link {excerpt(old, 60)}: keep one")
        elif address_problem(new):
            problems.append(f"the comment 'link: {excerpt(old, 60)} -> ...': {address_problem(new)}")
        else:
            found[old] = new
    return found, problems


def relinked(nodes: tuple[m.Inline, ...], found: dict[str, str]) -> tuple[m.Inline, ...]:
    """``nodes`` with each link whose address is a key of ``found`` pointing at its value."""
    if not found:
        return nodes

    def point(node: m.Inline) -> m.Inline:
        if isinstance(node, m.Link) and node.href in found:
            return m.Link(found[node.href], node.children, node.title)
        return node

    return map_inline_nodes(nodes, point)
