"""A unit's inline Markdown as XLIFF 1.2 inline content, and back.

A CAT tool (Trados, memoQ, OmegaT) shows an inline tag as a tag the translator moves,
never as text to translate, so what the build needs kept is a tag:

=========================  ==========================================================
Markdown                   XLIFF 1.2
=========================  ==========================================================
``*text*``                 ``<g id="1" ctype="italic">text</g>``
``**text**``               ``<g id="1" ctype="bold">text</g>``
``[text](url "title")``    ``<g id="1" ctype="link">text</g>`` (the target in the tag table)
``![alt](src)``            ``<g id="1" ctype="x-image">alt</g>`` (the alt text is translated)
``[^key]``                 ``<x id="1" ctype="x-footnote" equiv-text="[^key]"/>``
```code```                 ``<x id="1" ctype="x-code" equiv-text="`code`"/>``
``{placeholder}``          ``<x id="1" ctype="x-placeholder" equiv-text="{placeholder}"/>``
hard line break            ``<x id="1" ctype="lb" equiv-text="&#10;"/>``
=========================  ==========================================================

Everything else is text, written in the XML as the reader sees it (``a\\*b`` is the text
``a*b``).  A tag's ``id`` names an entry of the source's *tag table* (:class:`Tags`): a
target's tags are copies of the source's, as a CAT tool makes them, and their Markdown
(a link's target, a footnote's key) is taken from the source, never from the target's
XML, where a translator cannot see it.  An ``<x/>``'s ``equiv-text`` shows its Markdown
to a person; translate-toolkit's reader (and so Pootle, Weblate) reads an ``<x/>`` as a
placeable but a ``<ph>`` as text, which is why standalone tags are ``<x/>``.  A ``<ph>``
of the same id is read back as the ``<x/>`` it stands for.

Pure functions: Markdown text in, lxml elements out, and back.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from conceptnotes import model as m
from conceptnotes.errors import ConceptnotesError
from conceptnotes.i18n.units import to_markdown
from conceptnotes.model.visitor import Visitor
from conceptnotes.read.markdown_parse import FOOTNOTE_CALL, parse_inline

NS = "urn:oasis:names:tc:xliff:document:1.2"
_NAMESPACES = (NS, "urn:oasis:names:tc:xliff:document:1.1")
PLACEHOLDER = re.compile(r"\{\w+\}")

# ctype of each kind of node; "x-" values are XLIFF 1.2's user-defined ones
CTYPES = {
    "emphasis": "italic",
    "strong": "bold",
    "link": "link",
    "image": "x-image",
    "footnote_ref": "x-footnote",
    "code": "x-code",
    "placeholder": "x-placeholder",
    "line_break": "lb",
}
PAIRED = ("emphasis", "strong", "link", "image")  # <g>: their content is translated


class TagError(ConceptnotesError):
    """Inline content that cannot be the translation of its source (an unknown tag, a tag
    of another kind than the source's tag of that id, text where no text may be)."""


@dataclass(frozen=True)
class Placeholder:
    """A ``{name}`` of a text: one tag, as the other things a translation must keep."""

    text: str
    kind = "placeholder"


Tagged = m.Inline | Placeholder


@dataclass(frozen=True)
class Tags:
    """The source's tag table: what each tag id stands for (its node, without children)."""

    by_id: dict[str, Tagged]

    def ids(self) -> list[str]:
        return list(self.by_id)


def parse(markdown: str, assets: Path = Path("assets")) -> tuple[m.Inline, ...]:
    """A unit's inline Markdown as the build reads it, its images in ``assets`` (the note's),
    its footnote calls allowed; what the build would refuse is left to its checks."""
    keys = frozenset(re.findall(FOOTNOTE_CALL, markdown))
    nodes, _ = parse_inline(markdown, Path("<unit>"), 0, assets, keys)
    return nodes


# What two tags of one kind must share to be the same tag (a link's target, a footnote's key,
# a code's text); the kinds not here (emphases, line breaks) are told apart by order alone.
IDENTITY = {
    "link": ("href", "title"),
    "image": ("src", "title"),
    "footnote_ref": ("key",),
    "code": ("text",),
    "placeholder": ("text",),
}
# What is translated inside a paired tag (<g>, the kinds of PAIRED): the field, and its value
# in the tag table, where the content is left out.
CONTENT = {"emphasis": ("children", ()), "strong": ("children", ()), "link": ("children", ()), "image": ("alt", "")}


def _identity(node: Tagged) -> tuple:
    """What makes two tags the same tag: their kind and the fields of IDENTITY."""
    return (node.kind, *(getattr(node, name) for name in IDENTITY.get(node.kind, ())))


def _split_placeholders(nodes: Iterable[m.Inline]) -> Iterable[Tagged]:
    for node in nodes:
        if isinstance(node, m.Text) and PLACEHOLDER.search(node.text):
            at = 0
            for found in PLACEHOLDER.finditer(node.text):
                if found.start() > at:
                    yield m.Text(node.text[at : found.start()])
                yield Placeholder(found.group())
                at = found.end()
            if at < len(node.text):
                yield m.Text(node.text[at:])
        else:
            yield node


def _tagged(nodes: tuple[m.Inline, ...]) -> Iterable[Tagged]:
    """Every node that becomes a tag, in document order (a tag before the tags inside it)."""
    for node in _split_placeholders(nodes):
        if isinstance(node, m.Text):
            continue
        yield node
        yield from _tagged(getattr(node, "children", ()))


def _bare(node: Tagged) -> Tagged:
    """A tag as the tag table keeps it: without its translated content (CONTENT)."""
    if node.kind not in CONTENT:
        return node
    name, empty = CONTENT[node.kind]
    return dataclasses.replace(node, **{name: empty})


def tag_table(source: tuple[m.Inline, ...]) -> Tags:
    """The tag ids of a source: 1, 2, ... in document order."""
    return Tags({str(index): _bare(node) for index, node in enumerate(_tagged(source), start=1)})


def _numbering(source: Tags, nodes: tuple[m.Inline, ...]) -> dict[int, str]:
    """The id of each tag of ``nodes`` (by position in :func:`_tagged` order): the source's
    tag of the same identity and rank, else a new id no source tag has."""
    wanted: dict[tuple, str] = {}
    seen: Counter = Counter()
    for tag_id, node in source.by_id.items():
        identity = _identity(node)
        wanted[(identity, seen[identity])] = tag_id
        seen[identity] += 1
    seen.clear()
    out: dict[int, str] = {}
    extra = len(source.by_id)
    for index, node in enumerate(_tagged(nodes)):
        identity = _identity(node)
        found = wanted.get((identity, seen[identity]))
        seen[identity] += 1
        if found is None:
            extra += 1
            found = str(extra)
        out[index] = found
    return out


def fill(element: etree._Element, nodes: tuple[m.Inline, ...], tags: Tags | None = None) -> Tags:
    """Append ``nodes`` to ``element`` (a ``<source>`` or ``<target>``) as XLIFF inline
    content; the tag ids are ``tags``'s (a target's), or new (a source's).  The tag table used."""
    table = tags if tags is not None else tag_table(nodes)
    ids = iter(_numbering(table, nodes).values())
    _append(element, nodes, ids)
    return table


def _append(element: etree._Element, nodes: tuple[m.Inline, ...], ids) -> None:
    _TagWriter(ids).append(element, nodes)


class _TagWriter(Visitor):
    """Inline nodes appended to an XLIFF element: a text as text, every other node as its tag,
    numbered from ``ids``; a kind without a handler is an error (:class:`UnknownNode`)."""

    def __init__(self, ids: Iterator[str]) -> None:
        self.ids = ids

    def append(self, element: etree._Element, nodes: tuple[m.Inline, ...]) -> None:
        for node in _split_placeholders(nodes):
            self.visit(node, element)

    def tag(self, node: Tagged, element: etree._Element) -> etree._Element:
        name = "g" if node.kind in PAIRED else "x"
        return etree.SubElement(element, f"{{{NS}}}{name}", id=next(self.ids), ctype=CTYPES[node.kind])

    def visit_text(self, node: m.Text | m.Superscript, element: etree._Element) -> None:
        _text(element, node.text)

    visit_superscript = visit_text  # typography's (a date's "1er"): text, as the source writes it

    def visit_emphasis(self, node: m.Emphasis | m.Strong | m.Link, element: etree._Element) -> None:
        self.append(self.tag(node, element), node.children)

    visit_strong = visit_link = visit_emphasis

    def visit_image(self, node: m.Image, element: etree._Element) -> None:
        self.tag(node, element).text = node.alt

    def visit_code(self, node: m.Code | m.FootnoteRef | m.LineBreak, element: etree._Element) -> None:
        self.tag(node, element).set("equiv-text", to_markdown((node,)).lstrip(" "))

    visit_footnote_ref = visit_line_break = visit_code

    def visit_placeholder(self, node: Placeholder, element: etree._Element) -> None:
        self.tag(node, element).set("equiv-text", node.text)


def _text(element: etree._Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def to_xliff(
    markdown: str, tags: Tags | None = None, name: str = "source", assets: Path = Path("assets")
) -> tuple[etree._Element, Tags]:
    """A unit's Markdown as an XLIFF ``<source>`` (or ``<target>``, ``name``) element and its tag table."""
    element = etree.Element(f"{{{NS}}}{name}", nsmap={None: NS})
    return element, fill(element, parse(markdown, assets), tags)


# Back to Markdown ------------------------------------------------------------------------------------


def from_xliff(element: etree._Element, tags: Tags) -> str:
    """The Markdown of a ``<source>`` or ``<target>`` whose tags are ``tags``'s.

    TagError for a tag that is not in the source, or not of its kind, or an element
    XLIFF 1.2 inline content does not have here (``<bpt>``, ``<it>``...)."""
    return to_markdown(m.merge_text(_nodes(element, tags)))


def _local(element: etree._Element) -> str:
    qname = etree.QName(element)
    if qname.namespace not in _NAMESPACES:
        raise TagError(f"unknown element <{qname.localname}> ({qname.namespace or 'no namespace'})")
    return qname.localname


def _nodes(element: etree._Element, tags: Tags) -> list[m.Inline]:
    out: list[m.Inline] = [m.Text(element.text)] if element.text else []
    for child in element:
        if isinstance(child, etree._Comment | etree._ProcessingInstruction):
            pass
        elif not isinstance(child.tag, str):  # an entity reference left unresolved
            raise TagError(f"an entity reference ({child}) where text was expected")
        else:
            out.extend(_node(child, tags))
        if child.tail:
            out.append(m.Text(child.tail))
    return out


def _node(child: etree._Element, tags: Tags) -> list[m.Inline]:
    name = _local(child)
    if name == "mrk":  # a CAT tool's segment or comment mark: its content is the text
        return _nodes(child, tags)
    if name not in ("g", "x", "ph"):
        raise TagError(f"<{name}> is not an inline tag of this format: keep the source's tags (<g>, <x/>)")
    tag_id = child.get("id", "")
    source = tags.by_id.get(tag_id)
    if source is None:
        raise TagError(f"the tag <{name} id=\"{tag_id}\"> is not in the source")
    expected = "g" if source.kind in PAIRED else "x"
    if name != expected and {name, expected} != {"x", "ph"}:
        raise TagError(f"the tag id=\"{tag_id}\" is a <{expected}> in the source, not a <{name}>")
    if source.kind == "placeholder":
        return [m.Text(source.text)]
    field, _ = CONTENT.get(source.kind, (None, None))
    if field == "children":  # emphasis, strong, link: the tag's content, translated
        return [dataclasses.replace(source, children=m.merge_text(_nodes(child, tags)))]
    if field is not None:  # an image's alt text: plain text
        if len(child):
            raise TagError(f"the {source.kind} tag id=\"{tag_id}\" holds tags: its {field} text is plain text")
        return [dataclasses.replace(source, **{field: child.text or ""})]
    return [source]  # footnote call, code, line break: as in the source, whatever the XML holds


def canonical(element: etree._Element) -> tuple:
    """What an inline content says, whatever its attributes' order or namespace prefixes:
    text and (tag, id, content) in order; for telling whether a target was edited."""
    out: list = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            out.append((etree.QName(child).localname, child.get("id"), canonical(child)))
        out.append(child.tail or "")
    return tuple(out)
