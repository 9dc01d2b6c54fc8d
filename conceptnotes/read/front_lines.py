"""The front matter's lines as an officer types them: what YAML cannot read, said in plain words.

YAML reports a mistake in its own terms ("found character '\\t' that cannot start any
token", "mapping values are not allowed here"), often at the line after the one to
change.  :func:`mistake` looks at the lines themselves for the mistakes an officer
makes (a tab, a line out of line with the others under the same key, a key left at the
margin that belongs under another, a key without its colon or without the space after
it, a list item without its dash, a value that YAML would read as markup) and says, at
the line to change, what to type.  :func:`plain_yaml_error` says the rest of what YAML
reports without its terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conceptnotes.errors import excerpt

# The keys a line under each key of the front matter holds (``event:``, a contact of ``contacts:``).
SUB_KEYS = {
    "event": ("start", "end", "city", "country", "country_name", "venue"),
    "contacts": ("name", "email", "url", "phone"),
}
TOP_KEYS = (
    "title", "subtitle", "symbol", "date", "languages", "source_language", "distribution", "event",
    "organizers", "contacts", "keywords", "file_name", "job_numbers", "numbered_paragraphs",
)
# Curly quotation marks, opening and closing, as word processors type them.
CURLY = {"“": "”", "‘": "’", "«": "»", "„": "“", "‚": "‘", "”": "”", "’": "’"}
# What YAML reads as markup at the start of a value: it must then be in quotes.
SPECIAL_START = tuple("[]{}@`%*&!|>#'\"") + ("- ",)

# What is said of a line YAML cannot read, when nothing more precise is known.
UNREADABLE = ("this line cannot be read: check that it is 'name: value' with a space after the colon, that it is"
              " lined up with the lines around it, and that a value with special characters is in quotes")

_PARTS = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<rest>.*?)\s*$")
_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ ]*:(?:[ \t]+(?P<value>.*)|$)")
_GLUED = re.compile(r"(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s/].*)")


@dataclass(frozen=True)
class _Line:
    index: int  # 0-based, in the front matter
    indent: int
    content: int  # the column of what follows the indentation and '- '
    dash: bool
    key: str | None
    value: str
    text: str  # the line without its indentation


@dataclass
class _Block:
    """The lines under a key written without a value (``event:``, ``organizers:``)."""

    key: str
    first: _Line | None = None  # the first line under it, which sets their indentation


def _read(index: int, raw: str) -> _Line:
    parts = _PARTS.match(raw)
    assert parts is not None
    rest = parts.group("rest")
    found = _KEY.fullmatch(rest)
    key = found.group("key") if found else None
    value = (found.group("value") or "") if found else rest
    indent, dash = len(parts.group("indent")), parts.group("dash") or ""
    return _Line(index, indent, indent + len(dash), bool(dash), key, value.strip(), raw.strip())


def mistake(text: str) -> tuple[int, str] | None:
    """The first line of front matter ``text`` (0-based) with a mistake an officer makes,
    and what to type there; None when none is found."""
    block: _Block | None = None
    above: _Line | None = None  # the last line at the margin
    for index, raw in enumerate(text.split("\n")):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        said = _tab(raw) or _glued(raw)
        if said:
            return index, said
        line = _read(index, raw)
        if line.indent == 0 and not line.dash:
            said = _at_margin(line, block)
            if said:
                return index, said
            block = _Block(line.key) if line.key and not line.value else None
            above = line
            continue
        if block is None and above is not None and line.key:
            return _under_a_value(line, above)
        said = _under(line, block) if block else None
        if said:
            return index, said
        if block and block.first is None:
            block.first = line
    return None


def _tab(raw: str) -> str | None:
    lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
    if "\t" in lead:
        return "the line starts with a tab: use spaces (two for each level under a key)"
    glued = re.match(r"\s*(?:- +)?([\w-]+):\t", raw)
    if glued:
        return f"there is a tab after '{glued.group(1)}:': use a space"
    return None


def _glued(raw: str) -> str | None:
    """A known key with no space after its colon ('subtitle:Concept note')."""
    found = _GLUED.fullmatch(raw.strip().removeprefix("- ").strip())
    if found and found.group("key") in TOP_KEYS + tuple(k for keys in SUB_KEYS.values() for k in keys):
        key, value = found.group("key"), found.group("value")
        return f"put a space after '{key}:': write '{key}: {excerpt(value, 50)}'"
    return None


def _at_margin(line: _Line, block: _Block | None) -> str | None:
    """A line at the left margin: a key of the front matter, or a key that belongs under
    the one above (``start:`` under ``event:``), or a line without its colon."""
    if line.key in TOP_KEYS:
        return None
    if line.key and block and line.key in SUB_KEYS.get(block.key, ()):
        return f"'{line.key}' belongs under '{block.key}:': indent it by two spaces"
    if line.key is None:
        return _no_colon(line, "")
    return None


def _under_a_value(line: _Line, above: _Line) -> tuple[int, str]:
    """A 'name: value' line indented under a line that has its value: the line to change,
    and what to type."""
    if line.key in TOP_KEYS:
        return line.index, f"'{line.key}' must start at the left margin, as '{above.key or above.text}' does: remove" \
                           f" the {line.indent} space{'s' if line.indent > 1 else ''} before it"
    if line.key in SUB_KEYS.get(above.key or "", ()):
        return above.index, (f"'{above.key}:' must stand alone on its line, with its lines indented under it:"
                             f" move '{excerpt(above.value, 40)}' to the line it belongs to")
    return line.index, (f"'{line.key}' is indented under '{excerpt(above.text, 40)}', which already has its value:"
                        " start it at the left margin, or check its name")


def _under(line: _Line, block: _Block) -> str | None:
    """A line indented under ``block``'s key: lined up with the first line under it, a
    'name: value' line among others, an item among items."""
    first = block.first
    if first is None:
        return None
    mapping = not first.dash and first.key is not None
    if mapping and line.indent != first.indent and (line.key or line.indent < first.indent):
        return _line_up(line, first.indent, first.text, block.key)
    if first.dash and first.key and line.key and not line.dash and line.indent != first.content:
        return _line_up(line, first.content, first.text.removeprefix("-").strip(), block.key)
    if line.indent != first.indent:
        return None
    if mapping and line.key is None and not line.dash:
        return _no_colon(line, block.key)
    if first.dash and not line.dash and line.key is None:
        return (f"start this line with '- ', as the other lines under '{block.key}:':"
                f" write '{' ' * line.indent}- {excerpt(line.text, 50)}'")
    return None


def _line_up(line: _Line, column: int, other: str, parent: str) -> str:
    width = "space" if column == 1 else "spaces"
    return (f"indent '{excerpt(line.text, 40)}' by {column} {width}, not {line.indent}, to line it up"
            f" with '{excerpt(other, 40)}' under '{parent}:'")


def _no_colon(line: _Line, parent: str) -> str:
    """A line that is neither 'name: value' nor a list item ('  city Addis Ababa')."""
    word, _, rest = line.text.partition(" ")
    known = SUB_KEYS.get(parent, TOP_KEYS) if parent else TOP_KEYS
    if word.rstrip(":") in known:
        return f"a colon is missing after '{word}': write '{word.rstrip(':')}: {excerpt(rest.strip(), 50)}'"
    return ("this line is not 'name: value': write the name of the field, a colon and a space, then its value"
            " (or, if it goes on the value of the line above, join it to that line)")


def quotes_fix(line: str) -> str:
    """What to type on a line whose value YAML reads as markup ('title: A: B',
    'title: [Draft] Conference', 'title: “A: B”'): the line with its value in straight
    quotes, or "" when the line is not one value."""
    line = line.strip()
    item = line.startswith("- ")
    body = line[2:].strip() if item else line
    found = _KEY.fullmatch(body)
    key, value = (found.group("key"), found.group("value") or "") if found else (None, body)
    if found and item and key not in {k for keys in SUB_KEYS.values() for k in keys}:
        key, value = None, body  # '- Office: of: C' is one organizer
    value = value.strip()
    if not value or not (item or key):
        return ""
    value = _without_curly_quotes(value)
    quoted = "'" + value.replace("'", "''") + "'" if '"' in value else f'"{value}"'
    start = " ".join(part for part in ("-" if item else "", f"{key}:" if key else "") if part)
    return f"{start} {excerpt(quoted, 100)}"


def _without_curly_quotes(value: str) -> str:
    """``value`` without the curly quotation marks around it, which YAML does not read as quotes."""
    if len(value) > 1 and CURLY.get(value[0]) == value[-1]:
        return value[1:-1]
    return value


def curly_quoted(value: str) -> bool:
    """Whether a value is written in curly quotation marks (‘Concept note’), which would print."""
    return len(value) > 1 and CURLY.get(value[0]) == value[-1]


def plain_yaml_error(problem: str, context: str, line_text: str) -> str:
    """What YAML's message ``problem`` (while ``context``) means for the line it names,
    ``line_text``, in plain words, with what to type."""
    fix = quotes_fix(line_text)
    value = _read(0, line_text).value
    if "'\\t'" in problem:
        return "there is a tab on this line: use spaces"
    if "quoted scalar" in context:
        mark = '"' if value.startswith('"') else "'"
        return f"the quotation mark {mark} opened on this line is never closed: end the value with {mark}"
    if "flow sequence" in context or "flow mapping" in context:
        return ("the bracket opened on this line is never closed: end the list with ']'"
                " (or put a value that starts with '[' in quotes)")
    if value[:1] in ("'", '"') and fix:
        return f"text follows the closing quotation mark: put the whole value in quotes: {fix}"
    if value and value[0] in CURLY and fix:
        return f"curly quotes are not read as quotes here: use straight quotes: {fix}"
    if value.startswith(SPECIAL_START) and fix:
        return f"a value that starts with '{value[0]}' must be put in quotes: {fix}"
    if ": " in value and fix:
        return f"a value with ': ' in it must be put in quotes: {fix}"
    return UNREADABLE
