"""One way to walk the document model, for both renderers and every tree walk.

Dispatch is on a node's ``kind``: a visitor handles kind ``paragraph`` in
``visit_paragraph``, ``footnote_ref`` in ``visit_footnote_ref``, as Sphinx's translators
handle ``emphasis`` in ``visit_emphasis`` (``sphinx.util.docutils.SphinxTranslator``).
A node a visitor has no handler for goes to :meth:`Visitor.unknown_visit`, which raises
:class:`UnknownNode`; validation asks which kinds each renderer handles first, so that a renderer
never meets a node it cannot render.

:func:`walk` goes through every node below a node (or a tuple of nodes) in reading
order; :func:`map_inlines` rebuilds a tree with some runs of inlines replaced.  Both
find children generically, from the dataclass fields, so a new node class needs no
new walker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any


class UnknownNode(Exception):
    """A visitor met a node it has no handler for (a bug: validation should have said so)."""

    def __init__(self, node: Any, visitor: Visitor) -> None:
        self.node = node
        super().__init__(f"{type(visitor).__name__} has no handler for {node.kind}")


class Visitor:
    """Calls ``visit_<kind>(node, *args, **kwargs)`` for a node; subclasses add handlers."""

    def handler(self, kind: str) -> Callable[..., Any] | None:
        return getattr(self, f"visit_{kind}", None)

    @classmethod
    def handles_kind(cls, kind: str) -> bool:
        """Whether the class has a handler for ``kind`` (the HTML visitor's handlers are the
        templates' macros: ask ``render.html.handled_kinds`` instead)."""
        return callable(getattr(cls, f"visit_{kind}", None))

    def visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        method = self.handler(node.kind)
        if method is None:
            return self.unknown_visit(node, *args, **kwargs)
        return method(node, *args, **kwargs)

    def unknown_visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        raise UnknownNode(node, self)


# What is known of each type met in a document: walks are the check's largest cost
_NODE_TYPES: dict[type, bool] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def is_node(value: Any) -> bool:
    known = _NODE_TYPES.get(type(value))
    if known is None:
        known = _NODE_TYPES[type(value)] = (
            dataclasses.is_dataclass(value) and not isinstance(value, type) and hasattr(value, "kind"))
    return known


def _field_names(node: Any) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(type(node))
    if names is None:
        names = _FIELD_NAMES[type(node)] = tuple(field.name for field in dataclasses.fields(node))
    return names


def child_nodes(node: Any) -> Iterator[Any]:
    """The nodes directly inside ``node`` (or inside a tuple of nodes), in reading order."""
    if isinstance(node, tuple):
        for item in node:
            if is_node(item):
                yield item
            elif isinstance(item, tuple):
                yield from child_nodes(item)
        return
    for name in _field_names(node):
        value = getattr(node, name)
        if is_node(value):
            yield value
        elif isinstance(value, tuple):
            yield from child_nodes(value)


def walk(node: Any) -> Iterator[Any]:
    """Every node at or below ``node`` (or below a tuple of nodes), depth first, in reading order."""
    if is_node(node):
        yield node
    for child in child_nodes(node):
        yield from walk(child)


def walk_with_lines(node: Any, line: int = 0) -> Iterator[tuple[Any, int]]:
    """``(node, line)`` for :func:`walk`'s nodes; ``line`` is that of the nearest node that has one."""
    if is_node(node):
        line = getattr(node, "line", 0) or line
        yield node, line
    for child in child_nodes(node):
        yield from walk_with_lines(child, line)


InlineMap = Callable[[tuple[Any, ...], int, str], tuple[Any, ...]]

# Where a run of inlines is one translation unit, and what the unit is called (the
# catalogs' comment): the run's field, by the kind of the node holding it.
UNIT_FIELDS = {
    "paragraph": "children", "heading": "children", "table_cell": "children", "definition": "terms",
    "figure": "children",
}
# What the units inside a container are called ("list item", "footnote"...).
CONTAINER_NAMES = {
    "list_item": "list item",
    "quote": "quotation",
    "footnote": "footnote",
    "table": "table cell",
    "definition": "definition",
    "figure": "figure",
}


def map_inlines(node: Any, fn: InlineMap, name: str = "paragraph", line: int = 0) -> Any:
    """``node`` rebuilt with each unit's inlines replaced by ``fn(inlines, line, name)``.

    A unit is the inline run of a paragraph, heading, table cell, definition term, figure
    (its image) or caption (of a figure or table, before what it captions); ``name`` says
    where it stands ("paragraph", "list item", "footnote", "heading", "caption"...).
    """
    if isinstance(node, tuple):
        return tuple(map_inlines(item, fn, name, line) if _holds_units(item) else item for item in node)
    line = getattr(node, "line", 0) or line
    changes: dict[str, Any] = {}
    inner = CONTAINER_NAMES.get(node.kind, name)
    unit = UNIT_FIELDS.get(node.kind)
    if getattr(node, "caption", ()):
        changes["caption"] = fn(node.caption, line, "caption")
    if node.kind == "heading":
        changes["children"] = fn(node.children, line, "heading")
    elif node.kind == "definition":
        changes["terms"] = tuple(fn(term, line, "term") for term in node.terms)
        changes["definitions"] = tuple(map_inlines(d, fn, "definition", line) for d in node.definitions)
    elif unit is not None:
        changes[unit] = fn(getattr(node, unit), line, inner)
    else:
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if _holds_units(value):
                changes[field.name] = map_inlines(value, fn, inner, line)
    return dataclasses.replace(node, **changes) if changes else node


def _holds_units(value: Any) -> bool:
    """Whether ``value`` is a block-level node, or a tuple that may hold some (not inlines)."""
    if is_node(value):
        return value.kind not in INLINE_KINDS
    return isinstance(value, tuple) and any(_holds_units(item) for item in value)


def map_inline_nodes(
    nodes: tuple[Any, ...], fn: Callable[[Any], Any], *, skip: frozenset[str] = frozenset()
) -> tuple[Any, ...]:
    """A run of inlines with ``fn`` applied to every node, innermost first; nodes of the
    kinds in ``skip`` are passed to ``fn`` with their children left as they are."""

    def rebuild(node: Any) -> Any:
        children = getattr(node, "children", None)
        if children is not None and node.kind not in skip:
            node = dataclasses.replace(node, children=tuple(rebuild(child) for child in children))
        return fn(node)

    return tuple(rebuild(node) for node in nodes)


INLINE_KINDS = frozenset(
    {"text", "emphasis", "strong", "code", "link", "footnote_ref", "line_break", "image", "untranslated"}
)
