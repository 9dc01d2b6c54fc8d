"""A reviewer's formatting of a run's text (bold, italics, a link) carried into its Markdown.

The build writes a run's emphasis, strong text and links as Word's formatting (a ``w:i``,
a ``w:b``, a ``w:hyperlink``); a reviewer who makes words bold or italic, removes it, or
adds a link changes only that formatting.  Each character of the run as reviewed has its
:data:`Style`; the run's Markdown (the source's, or the translation's) is parsed, its
characters aligned with the reviewed ones (typography folded, as :mod:`.review_edits`
does), and where a character's style differs, the Markdown's delimiters are added or
taken away around it (``*``, ``**``, ``[...](...)``), the rest of its bytes kept.  The
result is parsed again and must show exactly the reviewed styles: a change it cannot write
so is not made (``None``), never guessed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

from conceptnotes import languages
from conceptnotes import model as m
from conceptnotes.render.docx.review_marks import OBJECT, Record, Recorded, paragraph_pieces
from conceptnotes.word.review_edits import FOLDED, carried

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFF = frozenset({"0", "false", "off"})
_DELIMITERS = {"bold": ("**", "__"), "italic": ("*", "_")}
# a caption's title is bold as the build writes it (render/docx/renderer.caption): its bold says nothing
_BOLD_UNITS = frozenset({"caption"})


class Style(NamedTuple):
    """How a character is formatted: bold, italic, and the address of the link it is in."""

    bold: bool = False
    italic: bool = False
    link: str = ""


class Restyled(NamedTuple):
    """A run's formatting as reviewed: the style of each character where it changed and
    Markdown can show it, else ``refused`` (why not); ``said``: each change, in words."""

    styles: tuple[Style, ...] = ()
    refused: str = ""
    said: tuple[str, ...] = ()


def reviewed_change(unit: Recorded, paragraph, start, record: Record, links: dict[str, str]) -> Restyled:
    """The formatting of a run as reviewed (``paragraph`` from ``start``, its changes
    accepted; ``links``: its part's relationships) against its Markdown's; nothing when it
    is the same, or not the reviewer's to change (a front-matter text, a language without
    italics)."""
    if unit.part == "front" or not languages.get(record.lang).italics:
        return Restyled()
    text, styles = reviewed_styles(paragraph, start, links)
    styled = parsed(unit.mark.text)
    wanted = Wanted.of(unit.mark.name, record.lang == record.source_language)
    changed = differences(styled, text, styles, wanted) if styled is not None else {}
    if not changed:
        return Restyled()
    said = tuple(_said(styled, changed))
    markdown = carried(unit.rendered, text, unit.mark.text)
    if markdown is None:
        return Restyled(styles, "", said)  # a text edit that cannot be placed: refused as such
    new = restyled(markdown, text, styles, wanted)
    if new is None and not wanted.addresses and _links_changed(styled, changed):
        why = "a link added or removed in Word, which a translation's catalog entry sets"
    elif new is None:
        why = "a change of bold, italics or a link that Markdown cannot write here"
    else:  # in a translation, emphasis as often as in its source (the catalog's check)
        why = "" if wanted.addresses else _structure(unit.mark.source, new)
    return Restyled((), f"{why} ({'; '.join(said)})", said) if why else Restyled(styles, "", said)


def _structure(source: str, translation: str) -> str:
    """Why the catalog's check refuses ``translation`` of ``source`` (bold or italics not
    as often as in the source), or ""."""
    from conceptnotes.i18n.localize import compare, signature

    found = compare(signature(_nodes(source), markdown=True), signature(_nodes(translation), markdown=True))
    return f"a change of bold or italics that the catalog's check refuses: {found[0]}" if found else ""


def _said(styled: Styled, changed: dict[int, Style]) -> list[str]:
    out = []
    for attribute, (on, off) in (("bold", ("made bold", "bold taken off")),
                                 ("italic", ("made italic", "italics taken off")),
                                 ("link", ("linked to {}", "link taken off"))):
        for group in _groups(styled, changed, attribute):
            value = getattr(changed[group[0]], attribute)
            words = styled.text[group[0]:group[-1] + 1]
            out.append(f"{(on.format(value) if value else off)}: '{words}'")
    return out


def carried_styled(rendered: str, text: str, styles: tuple[Style, ...], unit: Recorded, source_language: bool,
                   into: str | None = None) -> str | None:
    """The run's Markdown (``unit.mark.text``) with the edits and the styles that make
    ``rendered`` into ``text``; carried on into ``into`` (note.md's lines the run is written
    in) when given.  None when that cannot be done."""
    markdown = carried(rendered, text, unit.mark.text)
    if markdown is not None:
        markdown = restyled(markdown, text, styles, Wanted.of(unit.mark.name, source_language))
    if markdown is None or into is None:
        return markdown
    return carried(unit.mark.text, markdown, into, markdown=False)


def reviewed_styles(paragraph, start, links: dict[str, str]) -> tuple[str, tuple[Style, ...]]:
    """A paragraph's text from ``start`` on (as ``review_marks.paragraph_text`` reads it,
    changes accepted) and the style of each of its characters; ``links``: the part's
    relationships, id to target."""
    pieces, at = paragraph_pieces(paragraph, start=start)
    styles: list[Style] = []
    for text, run, link in pieces:
        styles += [_style(run, link, links)] * len(text)
    return "".join(text for text, _run, _link in pieces)[at:], tuple(styles[at:])


def _style(run, link, links: dict[str, str]) -> Style:
    rpr = run.find(_W + "rPr") if run is not None else None

    def on(name: str) -> bool:
        found = rpr.find(_W + name) if rpr is not None else None
        return found is not None and (found.get(_W + "val") or "true").lower() not in _OFF

    address = ""
    if link is not None:
        anchor = link.get(_W + "anchor")
        address = f"#{anchor}" if anchor else links.get(link.get(_R + "id") or "", "") or "?"
    return Style(on("b"), on("i"), address)


def relationships(root) -> dict[str, str]:
    """A relationships part's hyperlink targets by id."""
    return {r.get("Id") or "": r.get("Target") or "" for r in root if (r.get("Type") or "").endswith("/hyperlink")}


class Styled(NamedTuple):
    """A run of Markdown parsed: its text without markup, each character's style (None
    where it is not the reviewer's to style: code, a footnote call, a picture)."""

    text: str
    styles: tuple[Style | None, ...]


def parsed(markdown: str) -> Styled | None:
    """``markdown`` (one unit's inline Markdown) parsed as the build parses a translation;
    None if it is not one run of text."""
    nodes = _nodes(markdown)
    if not nodes and markdown.strip():
        return None
    chars: list[tuple[str, Style | None]] = []
    _flatten(nodes, Style(), chars)
    return Styled("".join(c for c, _ in chars), tuple(s for _, s in chars))


def _nodes(markdown: str) -> tuple[m.Inline, ...]:
    from conceptnotes.read.markdown_parse import parse_inline

    keys = frozenset(re.findall(r"\[\^([^\]\s]+)\]", markdown))
    return parse_inline(markdown, Path("note.md"), 0, Path("/nonexistent"), keys)[0]


def _flatten(nodes, style: Style, out: list) -> None:
    """Each character of ``nodes`` with its style, as the DOCX renderer formats it (an
    emphasis inside an emphasis is upright)."""
    for node in nodes:
        if isinstance(node, m.Text):
            out += [(c, style) for c in node.text]
        elif isinstance(node, m.Emphasis):
            _flatten(node.children, style._replace(italic=not style.italic), out)
        elif isinstance(node, m.Strong):
            _flatten(node.children, style._replace(bold=True), out)
        elif isinstance(node, m.Link):
            _flatten(node.children, style._replace(link=node.href), out)
        elif isinstance(node, m.Untranslated):
            _flatten(node.children, style, out)
        elif isinstance(node, m.Code):
            out += [(c, None) for c in node.text]
        elif isinstance(node, m.LineBreak):
            out.append(("\n", None))
        else:  # a footnote call, a picture
            out.append((OBJECT, None))


class Wanted(NamedTuple):
    """Which attributes of a style count, for one unit: bold (not a caption's), links
    (their addresses in the source language; only whether there is one in a translation)."""

    bold: bool = True
    addresses: bool = True

    @classmethod
    def of(cls, name: str, source_language: bool) -> Wanted:
        return cls(name not in _BOLD_UNITS, source_language)

    def key(self, style: Style) -> tuple:
        link = style.link if self.addresses else bool(style.link)
        return (style.bold if self.bold else False, style.italic, link)


def differences(styled: Styled, text: str, styles: tuple[Style, ...], wanted: Wanted) -> dict[int, Style]:
    """The characters of ``styled`` (by index) whose style the reviewed ``text`` (one
    style a character) shows otherwise, with the style shown; spaces and what is not a
    reviewer's to style are left out."""
    found: dict[int, Style] = {}
    matcher = SequenceMatcher(None, styled.text.translate(FOLDED), text.translate(FOLDED), autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for k in range(i2 - i1):
            own, shown = styled.styles[i1 + k], styles[j1 + k]
            if own is None or styled.text[i1 + k].isspace() or wanted.key(own) == wanted.key(shown):
                continue
            same_link = not wanted.addresses and bool(shown.link) == bool(own.link)  # the .po's address kept
            found[i1 + k] = Style(shown.bold if wanted.bold else own.bold, shown.italic,
                                  own.link if same_link else shown.link)
    return found


def restyled(markdown: str, text: str, styles: tuple[Style, ...], wanted: Wanted) -> str | None:
    """``markdown`` with its delimiters changed so that it shows ``text``'s styles; None
    when it cannot (the result, parsed again, must show them all)."""
    styled = parsed(markdown)
    if styled is None:
        return None
    changed = differences(styled, text, styles, wanted)
    if not changed:
        return markdown
    if not wanted.addresses and _links_changed(styled, changed):
        return None
    at = _positions(styled.text, markdown)
    edits: list[tuple[int, int, str]] = []
    for attribute in ("link", "bold", "italic"):
        for group in _groups(styled, changed, attribute):
            found = _edits(markdown, styled, at, group, changed[group[0]], attribute)
            if found is None:
                return None
            edits += found
    out = _applied(markdown, edits)
    again = parsed(out) if out is not None else None
    if again is None or again.text != styled.text or differences(again, text, styles, wanted):
        return None
    return out


def _links_changed(styled: Styled, changed: dict[int, Style]) -> bool:
    return any(bool(style.link) != bool(styled.styles[index].link) for index, style in changed.items())


def _positions(plain: str, markdown: str) -> dict[int, int]:
    """For each character of ``plain`` (``markdown`` parsed), its index in ``markdown``."""
    found: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in SequenceMatcher(None, plain, markdown, autojunk=False).get_opcodes():
        if tag == "equal":
            found.update((i1 + k, j1 + k) for k in range(i2 - i1))
    return found


def _styled_indexes(styled: Styled) -> list[int]:
    return [i for i, s in enumerate(styled.styles) if s is not None and not styled.text[i].isspace()]


def _groups(styled: Styled, changed: dict[int, Style], attribute: str) -> list[list[int]]:
    """Runs of characters (spaces between them aside) whose ``attribute`` changes to the
    same value."""
    groups: list[list[int]] = []
    previous = None
    for index in _styled_indexes(styled):
        new = changed.get(index)
        if new is None or getattr(new, attribute) == getattr(styled.styles[index], attribute):
            previous = None
            continue
        value = getattr(new, attribute)
        if previous is not None and previous == value:
            groups[-1].append(index)
        else:
            groups.append([index])
        previous = value
    return groups


def _edits(markdown: str, styled: Styled, at: dict[int, int], group: list[int], new: Style,
           attribute: str) -> list[tuple[int, int, str]] | None:
    """The edits of ``markdown`` that give the characters of ``group`` the ``attribute``
    of ``new``: (start, end, text) each."""
    if any(i not in at for i in group):
        return None
    first, last = at[group[0]], at[group[-1]] + 1
    old = getattr(styled.styles[group[0]], attribute)
    value = getattr(new, attribute)
    if attribute == "link":
        return _link_edits(markdown, first, last, old, value, _whole(styled, group, attribute))
    mark = _DELIMITERS[attribute][0]
    if value:  # added
        return [(first, first, mark), (last, last, mark)]
    indexes = _styled_indexes(styled)
    before = [i for i in indexes if i < group[0]]
    after = [i for i in indexes if i > group[-1]]
    edits = []
    if before and getattr(styled.styles[before[-1]], attribute) and before[-1] in at:  # the rest stays formatted
        edits.append((at[before[-1]] + 1, at[before[-1]] + 1, mark))
    else:
        opening = next((d for d in _DELIMITERS[attribute] if markdown[:first].endswith(d)), None)
        if opening is None:
            return None
        edits.append((first - len(opening), first, ""))
    if after and getattr(styled.styles[after[0]], attribute) and after[0] in at:
        edits.append((at[after[0]], at[after[0]], mark))
    else:
        closing = next((d for d in _DELIMITERS[attribute] if markdown[last:].startswith(d)), None)
        if closing is None:
            return None
        edits.append((last, last + len(closing), ""))
    return edits


def _whole(styled: Styled, group: list[int], attribute: str) -> bool:
    """Whether ``group`` is all the characters of the link it is in."""
    value = getattr(styled.styles[group[0]], attribute)
    indexes = _styled_indexes(styled)
    inside = [i for i in indexes if getattr(styled.styles[i], attribute) == value]
    return value != "" and inside == group


def _link_edits(markdown: str, first: int, last: int, old: str, new: str,
                whole: bool) -> list[tuple[int, int, str]] | None:
    from conceptnotes.i18n.units import to_markdown

    target = to_markdown((m.Link(new, (m.Text("x"),)),))[2:]  # "](address)", as the writer of units writes it
    if not old:
        return [(first, first, "["), (last, last, target)]
    if not whole or not markdown[:first].endswith("[") or not markdown[last:].startswith("]("):
        return None
    end = _closing_paren(markdown, last + 1)
    if end is None:
        return None
    if not new:
        return [(first - 1, first, ""), (last, end + 1, "")]
    return [(last, end + 1, target)]


def _closing_paren(text: str, opening: int) -> int | None:
    """The index of the parenthesis that closes the one at ``opening`` (escapes skipped)."""
    depth, index = 0, opening
    while index < len(text):
        if text[index] == "\\":  # an escaped character: never a parenthesis of the link's
            index += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
        index += 1
    return None


def _applied(markdown: str, edits: list[tuple[int, int, str]]) -> str | None:
    """``markdown`` with the edits made (from the end); None if two overlap."""
    out, limit = markdown, len(markdown) + 1
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if end > limit:
            return None
        out = out[:start] + text + out[end:]
        limit = start
    return out
