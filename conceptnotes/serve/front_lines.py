"""Front-matter values written into a note's own lines: only the lines of what changed.

A round-trip YAML library does not promise the rest byte for byte: ruamel.yaml 0.19.1,
loading and dumping with no change, re-indented the list items of the front matter
``build.py new`` writes (``  - TODO`` became ``- TODO``) and moved a comment's column, and
folded the sample note's long title onto two lines.  So the file is edited here as an
editor would: given the front matter composed with its marks (by the project's own
composer, ``read.frontmatter.compose_yaml``), each value the form changed is replaced
where it is written (a scalar's characters, a list item's lines, a key's lines), a key
added under its commented-out line (``# venue: ...``, as ``build.py new`` writes the
optional keys) or else after the key before it, a key removed with its lines.
Every other character is left as it was; a comment on a removed line is kept on a line of
its own.  A scalar is written plain only when YAML 1.1 (PyYAML, the project's reader) and
YAML 1.2 (ruamel.yaml) both read it back as the same text, else double-quoted with
escapes: ``no``, ``on``, ``1.10``, ``2022-05-10`` as a title, ``NO`` as a country, a
leading ``*`` or ``&``, ``: `` or `` #`` inside, are quoted.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from conceptnotes.errors import ConceptnotesError

# The front matter's fields the form writes, in the order a new key is placed; a key's
# value is text, a flag, a list of text, or a mapping / list of mappings of these keys.
EVENT_KEYS = ("start", "end", "city", "country", "country_name", "venue")
CONTACT_KEYS = ("name", "email", "url", "phone")
FIELDS = ("title", "subtitle", "symbol", "date", "languages", "event", "organizers", "contacts",
          "numbered_paragraphs")
MAPPINGS = {"": FIELDS, "event": EVENT_KEYS, "contacts": CONTACT_KEYS}
FLOW_LISTS = ("languages",)  # written [en, fr], as 'build.py new' writes them
# removed when left empty (a place is named by 'country' or 'country_name'); others are written empty
OPTIONAL = {"subtitle", "symbol", "date", "organizers", "contacts", "event.venue", "event.country",
            "event.country_name", "contacts.email", "contacts.url", "contacts.phone"}

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_YAML_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x85": "\\N", "\u2028": "\\L",
            "\u2029": "\\P", "\ufeff": "\\uFEFF"}


# The fields whose value is a date or a flag: written plain when it is one (``2022-05-10``, ``true``).
TYPED = {"date": r"\d{4}-\d{2}-\d{2}", "event.start": r"\d{4}-\d{2}-\d{2}", "event.end": r"\d{4}-\d{2}-\d{2}",
         "numbered_paragraphs": "true|false"}


def scalar(text: str, flow: bool = False, path: str = "") -> str:
    """``text`` as a YAML scalar that reads back as ``text``: plain when that is safe, else
    double-quoted; a date or flag of the field ``path`` (:data:`TYPED`) plain."""
    if path in TYPED and re.fullmatch(TYPED[path], text):
        return text
    return text if _plain(text, flow) else quoted(text)


def quoted(text: str) -> str:
    """``text`` double-quoted, with every character YAML would fold or refuse escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _YAML_PRINTABLE.fullmatch(char):
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


def _plain(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or not text.isprintable() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or (flow and any(c in text for c in ",[]{}")):
        return False
    return _reads_as(text, flow)


def _reads_as(text: str, flow: bool) -> bool:
    """Whether ``key: TEXT`` (``key: [TEXT]`` in a flow list) reads as the text ``text`` in YAML
    1.1 and 1.2: not a date, number, boolean or null to any reader of the file."""
    import ruamel.yaml

    document = f"k: [{text}]" if flow else f"k: {text}"
    expected = {"k": [text] if flow else text}
    try:
        if yaml.safe_load(document) != expected:
            return False
        return ruamel.yaml.YAML(typ="safe", pure=True).load(document) == expected
    except Exception:  # neither reader's errors are ours: not plain, then
        return False


def comments(text: str) -> list[tuple[int, str]]:
    """The comments of a YAML text, each with its index: what lies between its tokens after a ``#``."""
    found, position = [], 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start = token.start_mark.index
        if start > position:
            gap = text[position:start]
            found += [(position + m.start(), m.group().rstrip()) for m in re.finditer(r"#[^\r\n]*", gap)]
        position = max(position, token.end_mark.index)
    return found


def last_end(node: Node) -> int:
    """The index just after the last character of ``node`` (a block collection's own end mark
    is the start of what follows it, comments and blank lines included; a block scalar's,
    ``|`` or ``>``, is after its line break and the blank lines kept by its chomping)."""
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        end, buffer = node.end_mark.index, node.end_mark.buffer
        while end > node.start_mark.index and buffer[end - 1] in " \t\r\n":
            end -= 1
        return end
    if isinstance(node, ScalarNode) or node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return last_end(last[1] if isinstance(node, MappingNode) else last)


@dataclass
class Editor:
    """The edits of one front-matter text: replacements of ranges, applied at once."""

    text: str
    edits: list[tuple[int, int, int, str]] = field(default_factory=list)  # start, end, order, new text

    def __post_init__(self) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self.comments = comments(self.text)

    def replace(self, start: int, end: int, new: str) -> None:
        self.edits.append((start, end, len(self.edits), new))

    def line(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def eol(self, line: int) -> int:
        """The index of the line break that ends ``line`` (the text's end for the last)."""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return end - 1 if end > self.starts[line] and self.text[end - 1] == "\r" else end

    def insert_after(self, line: int, lines: list[str]) -> None:
        """``lines`` after ``line`` and the comment lines right after it deeper than they are
        (those of the entry on ``line``: a list item's own commented-out keys)."""
        depth = len(lines[0]) - len(lines[0].lstrip(" "))
        while line + 1 < len(self.starts):
            following = self.text[self.starts[line + 1]:self.eol(line + 1)]
            if not following.lstrip(" ").startswith("#") or len(following) - len(following.lstrip(" ")) <= depth:
                break
            line += 1
        self.replace(self.eol(line), self.eol(line), "".join(self.newline + text for text in lines))

    def insert_before(self, line: int, lines: list[str]) -> None:
        self.replace(self.starts[line], self.starts[line], "".join(text + self.newline for text in lines))

    def remove_lines(self, first: int, last: int, indent: int) -> None:
        """Remove lines ``first`` to ``last``; their comments stay, each on a line of its own."""
        start = self.eol(first - 1) if first > 0 else 0
        end = self.eol(last) if first > 0 or last + 1 >= len(self.starts) else self.starts[last + 1]
        kept = [text for index, text in self.comments if self.starts[first] <= index < self.eol(last)]
        lines = [" " * indent + text for text in kept]
        if first > 0:
            self.replace(start, end, "".join(self.newline + text for text in lines))
        else:
            self.replace(start, end, "".join(text + self.newline for text in lines))

    def result(self) -> str:
        out, position = [], 0
        for start, end, _, new in sorted(self.edits):
            if start < position:
                raise ValueError("overlapping edits of the front matter")  # a bug of this module
            out += [self.text[position:start], new]
            position = end
        return "".join(out) + self.text[position:]


# Reading the values as written -------------------------------------------------------------------


def read_value(node: Node | None, path: str) -> Any:
    """The value of ``node`` as the form shows the field ``path``: text stripped as the reader
    strips it, a list, a mapping of the form's keys (each '' when absent), or a flag."""
    if path in ("event", "contacts.item"):
        keys = EVENT_KEYS if path == "event" else CONTACT_KEYS
        pairs = _pairs(node) if isinstance(node, MappingNode) else {}
        return {key: read_value(pairs.get(key), "text") for key in keys}
    if path == "contacts":
        items = node.value if isinstance(node, SequenceNode) else []
        return [read_value(item, "contacts.item") for item in items]
    if path in ("languages", "organizers"):
        if isinstance(node, ScalarNode):
            return [node.value.strip()] if node.value.strip() else []
        return [read_value(item, "text") for item in node.value] if isinstance(node, SequenceNode) else []
    if path == "numbered_paragraphs":
        return isinstance(node, ScalarNode) and node.value.strip() == "true"
    return node.value.strip() if isinstance(node, ScalarNode) else ""


def read_values(node: Node | None) -> dict[str, Any]:
    """Every field of the form, as the front matter ``node`` writes it."""
    pairs = _pairs(node) if isinstance(node, MappingNode) else {}
    return {key: read_value(pairs.get(key), key) for key in FIELDS}


def _pairs(node: MappingNode) -> dict[str, Node]:
    """The values of a mapping by key (the first of a key given twice, as the reader names it)."""
    found: dict[str, Node] = {}
    for key, value in node.value:
        if isinstance(key, ScalarNode):
            found.setdefault(key.value, value)
    return found


# Writing -----------------------------------------------------------------------------------------


class LostComment(ConceptnotesError):
    """A comment inside a value the form would write anew (a list written ``[a, b]`` over
    several lines): nothing is written; the officer edits that field in note.md."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)


def edit_front(text: str, node: Node | None, values: dict[str, Any]) -> str:
    """``text``, the front matter composed into ``node`` (a mapping, or None when empty), with
    the fields of ``values`` written in; only what changed is touched.  :class:`LostComment`
    when a comment would not survive."""
    editor = Editor(text)
    if isinstance(node, MappingNode) and node.value:
        _mapping(editor, node, values, "")
    else:
        lines = [line for key in FIELDS if key in values and not _empty(values[key], key)
                 for line in _block(key, values[key], key, 0)]
        if text.strip():
            editor.insert_after(len(editor.starts) - 1, lines)
        else:
            editor.replace(0, len(text), editor.newline.join(lines))
    out = editor.result()
    lost = Counter(t for _, t in editor.comments) - Counter(t for _, t in comments(out))
    if lost:
        raise LostComment(next(iter(lost)))
    return out


def _empty(value: Any, path: str) -> bool:
    """Whether ``value`` leaves an optional field out (a required one is written empty)."""
    if path == "numbered_paragraphs":
        return value is False
    if isinstance(value, dict):
        return not any(value.values())
    return path in OPTIONAL and value in ("", [])


def _mapping(editor: Editor, node: MappingNode, values: dict[str, Any], name: str) -> None:
    """Write ``values`` into the block mapping ``node`` of the fields ``MAPPINGS[name]``."""
    keys = MAPPINGS[name]
    present: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value in keys:
            present.setdefault(key_node.value, (key_node, value_node))
    column = node.value[0][0].start_mark.column
    for key in keys:
        if key not in values:
            continue  # not the form's to say
        path = f"{name}.{key}" if name else key
        value = values[key]
        if key in present:
            key_node, value_node = present[key]
            if _empty(value, path) and path != "numbered_paragraphs":
                editor.remove_lines(editor.line(key_node.start_mark.index), _last_line(editor, key_node, value_node),
                                    column)
            else:
                _value(editor, value_node, value, path, key_node)
        elif not _empty(value, path):
            lines = _block(key, value, path, column)
            before = [present[k] for k in keys[: keys.index(key)] if k in present]
            anchor = _commented_out(editor, node, key, column)
            if anchor is not None:
                editor.insert_after(anchor, lines)
            elif before:
                editor.insert_after(_last_line(editor, *before[-1]), lines)
            elif name == "":
                editor.insert_before(editor.line(node.value[0][0].start_mark.index), lines)
            else:
                editor.insert_after(_last_line(editor, *node.value[-1]), lines)


def _commented_out(editor: Editor, node: MappingNode, key: str, column: int) -> int | None:
    """The line of ``# key: ...`` in the mapping ``node`` (``build.py new`` writes the optional
    keys so), where a key of it may follow: at its column, and followed by one of its keys
    or by nothing of it (its last line, or comments after it); None if there is none."""
    first = editor.line(node.value[0][0].start_mark.index)
    last = _last_line(editor, *node.value[-1])
    key_lines = {editor.line(k.start_mark.index) for k, _ in node.value}
    found = None
    for line in range(first, len(editor.starts)):
        text = editor.text[editor.starts[line]:editor.eol(line)]
        if not text.strip() or text.lstrip(" ").startswith("#"):
            if found is None and text.startswith(" " * column + f"# {key}:"):
                found = line
            continue
        if line > last:
            break  # the first line after the mapping and its comments
        if found is not None:
            return found if line in key_lines and not text.startswith(" " * (column + 1)) else None
    return found


def _last_line(editor: Editor, key_node: Node, value_node: Node) -> int:
    end = last_end(value_node)
    return editor.line(max(key_node.end_mark.index, end - 1 if end > value_node.start_mark.index else 0))


def _value(editor: Editor, node: Node, value: Any, path: str, key_node: Node | None, flow: bool = False) -> None:
    """Write ``value`` over ``node``, the value of the field ``path`` (``key_node``'s, if it has a key)."""
    item_path = "contacts.item" if path == "contacts" and isinstance(value, dict) else path
    if read_value(node, item_path) == value and (not isinstance(value, str) or isinstance(node, ScalarNode)):
        return
    if isinstance(value, dict):
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            _mapping(editor, node, value, "contacts" if item_path == "contacts.item" else path)
            return
        _over(editor, node, _flow_mapping(value), key_node)
        return
    if isinstance(value, list):
        _list(editor, node, value, path, key_node)
        return
    text = value if isinstance(value, str) else "true" if value else "false"
    _over(editor, node, scalar(text, flow, path), key_node)


def _list(editor: Editor, node: Node, value: list, path: str, key_node: Node | None) -> None:
    if isinstance(node, ScalarNode) and node.value.strip() and len(value) == 1 and isinstance(value[0], str):
        _value(editor, node, value[0], path, key_node)  # 'organizers: UNOCT' stays one value
    elif isinstance(node, SequenceNode) and not node.flow_style and node.value and value:
        _block_list(editor, node, value, path)
    elif isinstance(node, SequenceNode) and node.flow_style and len(node.value) == len(value) and all(
        isinstance(item, ScalarNode) for item in node.value
    ):
        for item, text in zip(node.value, value, strict=True):
            if isinstance(text, str):
                _value(editor, item, text, path, None, flow=True)
            else:
                _over(editor, item, _flow_mapping(text), None)
    else:
        _over(editor, node, _flow_list(value), key_node)


def _block_list(editor: Editor, node: SequenceNode, value: list, path: str) -> None:
    items = node.value
    dash = node.start_mark.column
    for item, new in zip(items, value, strict=False):
        _value(editor, item, new, path, None)
    for item in items[len(value):]:
        editor.remove_lines(editor.line(item.start_mark.index), editor.line(last_end(item) - 1), dash)
    if len(value) > len(items):
        first = items[0]
        column = first.value[0][0].start_mark.column if isinstance(first, MappingNode) and first.value else (
            first.start_mark.column)
        lines = [line for new in value[len(items):] for line in _item(new, dash, max(column, dash + 2))]
        editor.insert_after(editor.line(last_end(items[-1]) - 1), lines)


def _over(editor: Editor, node: Node, new: str, key_node: Node | None) -> None:
    """``new`` in the place of ``node``; after the key's colon when the value is empty (``key:``)."""
    if isinstance(node, ScalarNode) and node.style is None and node.value == "" and key_node is not None:
        colon = editor.text.index(":", key_node.end_mark.index) + 1
        editor.replace(colon, colon, " " + new)
    else:
        editor.replace(node.start_mark.index, last_end(node), new)


def _flow_list(value: list) -> str:
    return "[" + ", ".join(scalar(v, True) if isinstance(v, str) else _flow_mapping(v) for v in value) + "]"


def _flow_mapping(value: dict[str, str]) -> str:
    path = "contacts" if "name" in value else "event"
    pairs = [f"{k}: {scalar(v, True, f'{path}.{k}')}" for k, v in value.items() if not _empty(v, f"{path}.{k}")]
    return "{" + ", ".join(pairs) + "}"


def _item(value: Any, dash: int, column: int) -> list[str]:
    """The lines of a new item of a block list, its '-' at ``dash`` and its text at ``column``."""
    start = " " * dash + "-" + " " * (column - dash - 1)
    if isinstance(value, str):
        return [start + scalar(value)]
    pairs = [f"{k}: {scalar(v)}" for k, v in value.items() if not _empty(v, f"contacts.{k}")]
    return [start + pairs[0]] + [" " * column + pair for pair in pairs[1:]]


def _block(key: str, value: Any, path: str, column: int) -> list[str]:
    """The lines of a new key ``key`` at ``column``, with its value."""
    indent = " " * column
    if isinstance(value, str | bool):
        text = value if isinstance(value, str) else "true" if value else "false"
        return [f"{indent}{key}: {scalar(text, path=path)}"]
    if isinstance(value, list) and (key in FLOW_LISTS or not value):
        return [f"{indent}{key}: {_flow_list(value)}"]
    if isinstance(value, list):
        return [f"{indent}{key}:"] + [line for item in value for line in _item(item, column + 2, column + 4)]
    return [f"{indent}{key}:"] + [f"{indent}  {k}: {scalar(v, path=f'{path}.{k}')}" for k, v in value.items()
                                  if not _empty(v, f"{path}.{k}")]
