"""One way to walk the document model, for both renderers and every tree walk.

Dispatch is on a node's ``kind``: a visitor handles kind ``paragraph`` in
``visit_paragraph``, ``footnote_ref`` in ``visit_footnote_ref``, as Sphinx's translators
handle ``emphasis`` in ``visit_emphasis`` (``sphinx.util.docutils.SphinxTranslator``).
A node a visitor has no handler for goes to :meth:`Visitor.unknown_visit`, which raises
:class:`UnknownNode`; validation asks which kinds each renderer handles first, so that a renderer
never meets a node it cannot render.

:func:`walk` goes through every node below a node (or a tuple of nodes) in reading
order; :func:`map_inlines` rebuilds a tree with some runs of inlines replaced.  Both
find children generically, from the dataclass fields, and what is a translation unit
and what it is called from the facts each node class declares (``model.nodes.Node``),
so a new node class needs no new walker and no new table here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from conceptnotes.model.nodes import KINDS


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


# The fields of each node class: walks are the check's largest cost
_FIELD_NAMES: Mapping[type, tuple[str, ...]] = MappingProxyType(
    {cls: tuple(field.name for field in dataclasses.fields(cls)) for cls in KINDS.values()}
)
_NODE_TYPES = frozenset(_FIELD_NAMES)


def is_node(value: Any) -> bool:
    return type(value) in _NODE_TYPES


def _field_names(node: Any) -> tuple[str, ...]:
    return _FIELD_NAMES[type(node)]


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

# Derived from the node classes' facts (model.nodes.Node), for who asks by kind.
INLINE_KINDS = frozenset(kind for kind, cls in KINDS.items() if cls.inline)
# What the units inside a container are called ("list item", "footnote"...).
CONTAINER_NAMES: Mapping[str, str] = MappingProxyType(
    {kind: cls.container for kind, cls in KINDS.items() if cls.container}
)


def map_inlines(node: Any, fn: InlineMap, name: str = "paragraph", line: int = 0) -> Any:
    """``node`` rebuilt with each unit's inlines replaced by ``fn(inlines, line, name)``.

    A unit is a run of inlines in a field its node class declares (``Node.units``): that
    of a paragraph, heading, table cell, definition term, figure (its image) or caption
    (of a figure or table, before what it captions); an empty run is no unit, left as it
    is.  ``name`` says where it stands: the field's own name ("heading", "term",
    "caption"), else that of the nearest container ("list item", "footnote", "quotation",
    "table cell"...), else "paragraph".  Every other field that holds blocks is walked.
    """
    if isinstance(node, tuple):
        return tuple(map_inlines(item, fn, name, line) if _holds_units(item) else item for item in node)
    line = getattr(node, "line", 0) or line
    inner = node.container or name
    changes: dict[str, Any] = {}
    for unit in node.units:
        value = getattr(node, unit.field)
        named = unit.name or inner
        at = (getattr(node, unit.line) if unit.line else 0) or line  # a table's caption: its own line
        if unit.runs:
            changes[unit.field] = tuple(fn(run, at, named) if run else run for run in value)
        elif value:
            changes[unit.field] = fn(value, at, named)
    declared = {unit.field for unit in node.units}
    for field_name in _field_names(node):
        value = getattr(node, field_name)
        if field_name not in declared and _holds_units(value):
            changes[field_name] = map_inlines(value, fn, inner, line)
    changes = {name: value for name, value in changes.items() if not same(value, getattr(node, name))}
    return dataclasses.replace(node, **changes) if changes else node


def same(new: Any, old: Any) -> bool:
    """Whether ``new`` is ``old``, or a tuple of the very same items (runs of them): nothing
    was changed, and the node that holds it is kept rather than rebuilt."""
    if new is old:
        return True
    return (isinstance(new, tuple) and isinstance(old, tuple) and len(new) == len(old)
            and all(same(a, b) for a, b in zip(new, old, strict=True)))


def _holds_units(value: Any) -> bool:
    """Whether ``value`` is a block-level node, or a tuple that may hold some (not inlines)."""
    if is_node(value):
        return not value.inline
    return isinstance(value, tuple) and any(_holds_units(item) for item in value)


def map_inline_nodes(
    nodes: tuple[Any, ...], fn: Callable[[Any], Any], *, skip: frozenset[str] = frozenset()
) -> tuple[Any, ...]:
    """A run of inlines with ``fn`` applied to every node, innermost first; nodes of the
    kinds in ``skip`` are passed to ``fn`` with their children left as they are.  ``fn``
    gives a node, or a tuple of nodes that stand in its place (a text split in pieces)."""

    def rebuild(node: Any) -> tuple[Any, ...]:
        children = getattr(node, "children", None)
        if children is not None and node.kind not in skip:
            changed = run(children)
            if not same(changed, children):
                node = dataclasses.replace(node, children=changed)
        done = fn(node)
        return done if isinstance(done, tuple) else (done,)

    def run(nodes: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(out for node in nodes for out in rebuild(node))

    return run(nodes)

