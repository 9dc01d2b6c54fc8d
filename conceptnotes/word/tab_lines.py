"""Paragraphs aligned with tabs (a programme typed "09:30<tab>Opening"): a table, or a warning.

mammoth keeps a tab as a tab in its HTML; a note has no tabs (a paragraph's spaces are one
space).  Two or more plain one-line paragraphs in a row, each cut by tabs into as many parts,
are written as a table, its first line the header row; one alone is written as a paragraph,
its tabs spaces.  Either is said as a warning, naming the first line.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy

from conceptnotes.errors import excerpt

TAB = "\ue000"  # a tab in a paragraph's text while it is converted (a private-use character)


def table(elements: list, index: int, fields: dict[int, list[str] | None], inline: Callable,
          warnings: list[str]) -> str:
    """The Markdown table of the paragraphs from ``elements[index]`` on that are aligned with
    tabs, or "" when there are not two; their parts are kept in ``fields`` by index (the caller
    skips them).  ``inline``: the Markdown of an element's text."""
    end = index
    while end < len(elements):
        found = fields[end] = parts(elements[end], inline, warnings)
        if not found or len(found) != len(fields[index] or ()):
            fields.pop(end)
            break
        end += 1
    run = [fields[i] for i in range(index, end)]
    if not run:
        return ""
    first = excerpt(" ".join(elements[index].text_content().split()), 40)
    if len(run) == 1:
        fields.pop(index)
        warnings.append(f"paragraph '{first}' is aligned with tabs: its tabs were made spaces;"
                        " make it a table if it is one")
        return ""
    warnings.append(f"the {len(run)} lines from '{first}' on are aligned with tabs: they were made a"
                    " table, its first line the header row; check it")
    rows = ["| " + " | ".join(row) + " |" for row in run]
    return "\n".join([rows[0], "|" + "|".join(" --- " for _ in run[0]) + "|", *rows[1:]])


def parts(el, inline: Callable, warnings: list[str]) -> list[str] | None:
    """The parts, as Markdown, of a one-line paragraph of text that tabs separate (two or
    more); else None.  A paragraph with a line break, a picture or a note's call is none."""
    if el.tag != "p" or el.get("class") or "\t" not in el.text_content().strip() \
            or any(child.tag in ("br", "img", "sup") for child in el.iter()):
        return None
    copy = deepcopy(el)
    for node in copy.iter():
        node.text = node.text.replace("\t", TAB) if node.text else node.text
        node.tail = node.tail.replace("\t", TAB) if node.tail else node.tail
    said = len(warnings)
    found = [part.strip() for part in inline(copy).split(TAB) if part.strip()]
    del warnings[said:]  # said when the paragraph itself is written
    return found if len(found) > 1 else None
