"""Split a note into front matter and body, and validate the front matter.

YAML is composed into nodes (safe loader, no Python objects) and converted by a small
schema here, so that every value keeps its line, strings stay strings (``no`` is not
``False``, ``1.10`` is not ``1.1``), anchors, aliases and duplicate keys are refused,
and every problem is reported, not only the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from conceptnotes import countries, languages, placeholders
from conceptnotes.errors import NoteError, Problem, Problems, excerpt
from conceptnotes.model import Contact, Event, Meta
from conceptnotes.read import front_lines
from conceptnotes.read.characters import forbidden_character
from conceptnotes.read.document_kinds import is_document_kind

LANGUAGES = languages.CODES
DISTRIBUTIONS = ("General", "Limited", "Restricted")
FILE_NAME_FIELDS = ("id", "lang", "letter", "symbol", "job")
FENCE = "---"
FIRST_YEAR, LAST_YEAR = 1945, 2100  # the dates a concept note can have (the United Nations' own)
MAX_NESTING = 50  # levels of YAML lists and mappings inside each other
# A value left to fill in ('title: TODO', as 'build.py new' writes it): a warning in a draft
# build, which shows it as it is, and so an error in a strict one.  A date left so is
# shown as the other date of the event, or as PLACEHOLDER_DAY.
PLACEHOLDER = "TODO"
PLACEHOLDER_DAY = dt.date(LAST_YEAR, 1, 1)
# What to write instead of a placeholder, by key; others are told "a value".
TO_FILL = {
    "title": "the title of the event",
    "subtitle": "the kind of document, such as Concept note",
    "symbol": "the document symbol",
    "date": "the date of issue, YYYY-MM-DD",
    "event.start": "the first day of the event, YYYY-MM-DD",
    "event.end": "the last day of the event, YYYY-MM-DD",
    "event.city": "the city where the event takes place",
    "event.country": "the ISO 3166-1 alpha-2 code of the host country, such as ES",
    "event.country_name": "the name of the country or area, as the note's language writes it",
    "event.venue": "the building or conference centre",
    "organizers": "an organizer (an office or a Government)",
    "contacts.name": "the name of the contact point (an office or a post)",
    "contacts.email": "the contact's e-mail address",
    "contacts.url": "the contact's web address",
    "contacts.phone": "the contact's telephone number",
    "keywords": "a keyword",
    "languages": "the languages, such as [en, fr]",
    "source_language": "the language the note is written in, such as en",
}


@dataclass(frozen=True)
class SplitNote:
    front: str
    front_line: int  # line of the first front-matter line in the file
    body: str
    body_line: int  # line of the first body line in the file


def split_front_matter(text: str, path: Path) -> SplitNote:
    """Cut ``---`` fenced YAML from the top of a note's text."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != FENCE:
        if lines and not lines[0].strip() and any(line.rstrip() == FENCE for line in lines[:5]):
            raise NoteError.at(path, 1, "blank line before the front matter: the first line must be '---'")
        raise NoteError.at(path, 1, "a note must start with front matter: a line '---', the fields"
                                    " (such as 'title: ...') and a closing '---'")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r") == FENCE:
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return SplitNote(front, 2, body, index + 2)
    raise NoteError.at(path, 1, "the front matter is never closed: add a line '---' after it")


class _Refused(yaml.MarkedYAMLError):
    """What the front matter may not use though YAML has it (aliases, anchors, tags, deep nesting)."""


class _Loader(yaml.SafeLoader):
    """Composes nodes only; anchors, aliases, tags and deep nesting are refused."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nesting: list[Any] = []  # the nodes being composed, outermost first

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refused(None, None, "aliases (*name) are not allowed", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _Refused(None, None, "anchors (&name) are not allowed", event.start_mark)
        if len(self.nesting) >= MAX_NESTING and isinstance(event, CollectionStartEvent):
            raise _Refused(
                None, None, f"lists and mappings nest more than {MAX_NESTING} deep", event.start_mark
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            raise _Refused(None, None, f"YAML tags ({shown}) are not allowed", event.start_mark)
        self.nesting.append(event)
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting.pop()


def compose_yaml(text: str, path: Path, first_line: int) -> Node | None:
    """The front matter's nodes; what YAML cannot read is said in plain words at the line to
    change (:mod:`front_lines`), never in YAML's terms."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except _Refused as exc:
        index = exc.problem_mark.line
        fix = front_lines.quotes_fix(text.split("\n")[index]) if re.match(r"YAML tags \(![^!]", exc.problem) else ""
        message = f"a value that starts with '!' must be put in quotes: {fix}" if fix else \
            f"invalid front matter: {exc.problem}"
        raise NoteError.at(path, first_line + index, message) from None
    except yaml.MarkedYAMLError as exc:
        quoted = "quoted scalar" in str(exc.context) or "flow" in str(exc.context)
        mark = (exc.context_mark if quoted else None) or exc.problem_mark or exc.context_mark
        index = min(mark.line if mark else 0, text.count("\n"))
        message = front_lines.plain_yaml_error(exc.problem or "", str(exc.context), text.split("\n")[index])
        found = front_lines.mistake(text)  # YAML often names the line after the mistake, or its own words
        if found is not None and (found[0] <= index or message == front_lines.UNREADABLE):
            index, message = found
        raise NoteError.at(path, first_line + index, message) from None
    except yaml.reader.ReaderError as exc:  # characters YAML does not accept
        line = first_line + text.count("\n", 0, exc.position)
        raise NoteError.at(
            path,
            line,
            f"character U+{exc.character:04X} is not allowed in the front matter"
            if isinstance(exc.character, int)
            else "the front matter is not readable text",
        ) from None


# The schema ----------------------------------------------------------------


class _Reader:
    """Converts nodes to values by the schema, collecting problems."""

    def __init__(self, path: Path, first_line: int, source: str = "") -> None:
        self.path = path
        self.source = source.split("\n")  # the front matter's lines
        self.first_line = first_line
        self.problems = Problems()
        self.text_lines: dict[str, list[int]] = {}  # the line of each text value, by its name
        self.placeholders: set[str] = set()  # the names of the values left as PLACEHOLDER

    def line(self, node: Node) -> int:
        return self.first_line + node.start_mark.line

    def error(self, node: Node, message: str) -> None:
        self.problems.add(self.path, self.line(node), message)

    def mapping(
        self, node: Node, name: str, fields: dict[str, Callable[[Node, str], Any]], required: tuple[str, ...]
    ) -> dict[str, Any] | None:
        if not isinstance(node, MappingNode):
            self.error(node, _not_fields(name, node))
            return None
        values: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, f"a key of {name} must be a plain name")
                continue
            key = key_node.value
            label = key if name == "the front matter" else f"{name}.{key}"
            if key in seen:
                self.error(key_node, f"duplicate key '{excerpt(label)}' (first given on line {self.line(seen[key])}):"
                                     " keep one of the two lines")
                continue
            seen[key] = key_node
            if key not in fields:
                self.error(key_node, _unknown_key(key, label, fields, top=name == "the front matter"))
                continue
            values[key] = fields[key](value_node, label)
            values[f"__line__{key}"] = self.line(key_node)
        for key in required:
            if key not in seen:
                label = key if name == "the front matter" else f"{name}.{key}"
                under = "" if name == "the front matter" else f" under '{name}:'"
                self.error(node, f"'{label}' is missing: add a line '{key}: ...'{under}, with {_to_fill(label)}")
        return values

    def placeholder(self, node: Node, name: str) -> bool:
        """Whether ``node`` is the value left to fill in, PLACEHOLDER; if so, a warning
        saying what to write there."""
        if not (isinstance(node, ScalarNode) and node.value.strip() == PLACEHOLDER):
            return False
        what = TO_FILL.get(name, "a value")
        self.problems.add(self.path, self.line(node), f"still {PLACEHOLDER} ('{name}'): write {what}", warning=True)
        self.placeholders.add(name)
        return True

    def text(self, node: Node, name: str, *, placeholder: bool = True) -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(node, f"'{name}' must be text, not {_describe(node)}")
            return None
        if placeholder and self.placeholder(node, name):
            self.text_lines.setdefault(name, []).append(self.line(node))
            return PLACEHOLDER
        value = node.value.strip()
        if not value:
            self.error(node, self.empty(node, name))
            return None
        if front_lines.curly_quoted(value):
            self.problems.add(self.path, self.line(node), f"'{name}' is written in curly quotes"
                              f" ({value[0]} {value[-1]}), which would print: remove them", warning=True)
        bad = forbidden_character(value)
        if bad:
            self.error(node, f"'{name}': {bad}")
            return None
        self.text_lines.setdefault(name, []).append(self.line(node))
        return value

    def empty(self, node: Node, name: str) -> str:
        """What to write in a value left empty; a '#' after the colon starts a comment."""
        line = self.source[node.start_mark.line] if node.start_mark.line < len(self.source) else ""
        key, _, rest = line.partition(":")
        if rest.strip().startswith("#"):
            return (f"'{name}' is empty, since '#' starts a comment: put the value in quotes:"
                    f" {key.strip()}: \"{excerpt(rest.strip(), 50)}\"")
        return f"'{name}' is empty: write {_to_fill(name)} after the colon"

    def date(self, node: Node, name: str) -> dt.date | None:
        if not isinstance(node, ScalarNode):
            self.error(node, f"'{name}' must be a date written YYYY-MM-DD, not {_describe(node)}")
            return None
        if self.placeholder(node, name):
            return PLACEHOLDER_DAY
        value = node.value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self.error(node, f"'{name}' must be a date written YYYY-MM-DD, not '{excerpt(value)}'")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.error(node, f"'{name}' is not a real date: '{excerpt(value)}': check the day and the month")
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.error(node, f"'{name}' ({value}) is not a concept note's date: its year must be"
                             f" between {FIRST_YEAR} and {LAST_YEAR}")
            return None
        return day

    def boolean(self, node: Node, name: str) -> bool | None:
        """``true`` or ``false``, as YAML 1.2 writes them; nothing else ("yes" is text)."""
        value = self.text(node, name, placeholder=False)
        if value is not None and value not in ("true", "false"):
            self.error(node, f"'{name}' must be true or false, not '{excerpt(value)}'")
            return None
        return None if value is None else value == "true"

    def choice(self, choices: tuple[str, ...]) -> Callable[[Node, str], str | None]:
        def convert(node: Node, name: str) -> str | None:
            value = self.text(node, name, placeholder=False)
            if value is not None and value not in choices:
                several = [part.strip() for part in value.split(",")]
                if len(several) > 1 and all(part in choices for part in several):
                    self.error(node, f"write several languages in brackets: {name}: [{', '.join(several)}]")
                else:
                    self.error(node, f"'{name}' must be one of {', '.join(choices)}, not '{excerpt(value)}'")
                return None
            return value

        return convert

    def country(self, node: Node, name: str) -> str | None:
        value = self.text(node, name)
        if value is None or name in self.placeholders:
            return value
        if not re.fullmatch(r"[A-Z]{2}", value):
            self.error(node, f"'{name}' must be an ISO 3166-1 alpha-2 country code such as ES, not '{excerpt(value)}'")
            return None
        if not countries.known(value):
            self.error(node, f"'{name}': the United Nations lists no name for {value} (neither UNTERM nor M49 has"
                             " it); for a place without one, remove 'country' and write the place's name as"
                             " 'country_name:' under 'event', translated in each language's catalog as"
                             " 'event.city' is")
            return None
        return value

    def url(self, node: Node, name: str) -> str | None:
        value = self.text(node, name)
        if value is not None and value != PLACEHOLDER and not re.match(r"https?://[^\s/]+", value):
            self.error(node, f"'{name}' must be a web address starting with https:// or http://")
            return None
        return value

    def email(self, node: Node, name: str) -> str | None:
        value = self.text(node, name)
        if value is not None and value != PLACEHOLDER and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            self.error(node, f"'{name}' is not an email address: '{excerpt(value)}': write one such as name@un.org")
            return None
        return value

    def list_of(
        self, item: Callable[[Node, str], Any], *, allow_scalar: bool = False
    ) -> Callable[[Node, str], tuple[Any, ...] | None]:
        def convert(node: Node, name: str) -> tuple[Any, ...] | None:
            if allow_scalar and isinstance(node, ScalarNode) and re.match(r"-[^\s\d-]", node.value):
                self.error(node, f"put a space after '-' to make '{excerpt(node.value[1:], 40)}' an item of"
                                 f" '{name}': write '- {excerpt(node.value[1:], 40)}'")
                return None
            if allow_scalar and isinstance(node, ScalarNode):
                node = SequenceNode("tag:yaml.org,2002:seq", [node], node.start_mark, node.end_mark)
            if not isinstance(node, SequenceNode):
                self.error(node, f"'{name}' must be a list, each item on its own line starting with '- ',"
                                 f" not {_describe(node)}")
                return None
            if not node.value:
                self.error(node, f"'{name}' is an empty list")
                return None
            values = [item(child, name) for child in node.value]
            return None if any(v is None for v in values) else tuple(values)

        return convert


def _known_keys(key: str, fields: dict[str, Any]) -> str:
    """What an unknown key may have meant: the known key closest to it ('organisers',
    'Subtitle'), else the list of known keys."""
    close = difflib.get_close_matches(key, fields, n=1) or difflib.get_close_matches(key.lower(), fields, n=1)
    if close:
        return f": did you mean '{close[0]}'?"
    return f" (known keys: {', '.join(sorted(fields))})"


def _unknown_key(key: str, label: str, fields: dict[str, Any], *, top: bool) -> str:
    """An unknown key: the key it belongs under ('start' at the margin belongs under
    'event:'), or the known key closest to it."""
    for parent, keys in front_lines.SUB_KEYS.items():
        if top and key in keys and parent == "event":
            return f"'{key}' belongs under 'event:': indent it by two spaces"
        if top and key in keys:
            return (f"'{key}' belongs to a contact under 'contacts:': write it under its '- name:',"
                    " indented by four spaces")
    return f"unknown key '{excerpt(label)}'{_known_keys(key, fields)}"


def _not_fields(name: str, node: Node) -> str:
    """A value where lines of 'name: value' were expected (``event: Málaga``, ``event:`` alone)."""
    if name == "the front matter":
        return "the front matter must be lines of 'name: value', such as 'title: ...'"
    what = {"event": "its start, end, city and country", "contacts": "the contact's name, email, url or phone",
            "job_numbers": "a job number for each language, such as 'en: \"2206101\"'"}.get(name, "its fields")
    if isinstance(node, ScalarNode) and not node.value.strip():
        return f"'{name}' has nothing under it: write {what} on the lines below it, indented by two spaces"
    return f"'{name}' must have {what} on the lines below it, indented by two spaces, not {_describe(node)}"


def _to_fill(name: str) -> str:
    return TO_FILL.get(name, TO_FILL.get(re.sub(r"\.\d+", "", name), "its value"))


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "lines of 'name: value'"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{excerpt(node.value)}'"


def read_meta(front: str, path: Path, first_line: int) -> Meta:
    """Validate front matter text into :class:`Meta`; raise NoteError with every problem."""
    return read_meta_and_warnings(front, path, first_line)[0]


def read_meta_and_warnings(front: str, path: Path, first_line: int) -> tuple[Meta, list[Problem]]:
    """:func:`read_meta`, with the warnings: the values still :data:`PLACEHOLDER`."""
    node = compose_yaml(front, path, first_line)
    if node is None:
        raise NoteError.at(
            path, first_line - 1, "the front matter is empty: 'title', 'languages' and 'event' are required"
        )
    r = _Reader(path, first_line, front)

    fields = _fields(r, path)
    values = r.mapping(node, "the front matter", fields, ("title", "languages", "event"))
    if values is not None:
        _cross_check(r, values, path)
    r.problems.raise_if_errors()
    assert values is not None
    lines = {k[len("__line__") :]: v for k, v in values.items() if k.startswith("__line__")}
    lines = _value_lines(r.text_lines) | lines  # a key's own line first
    plain = {k: v for k, v in values.items() if not k.startswith("__line__") and v is not None}
    if "date" in r.placeholders:
        del plain["date"]  # the first day of the event, as when there is no date
    return Meta(lines=lines, **plain), r.problems.warnings


def _value_lines(text_lines: dict[str, list[int]]) -> dict[str, int]:
    """The line of each text value, that a unit names as its own: ``event.city`` (a value
    inside a mapping), ``organizers.1``, ``contacts.0.name`` (the n-th of a list)."""
    lines: dict[str, int] = {}
    for name, found in text_lines.items():
        head, _, tail = name.partition(".")
        for index, line in enumerate(found):
            if name in LISTED:
                lines[".".join(filter(None, (head, str(index), tail)))] = line
            else:
                lines.setdefault(name, line)
    return lines


def _cross_check(r: _Reader, values: dict[str, Any], path: Path) -> None:
    """What one key says about another: languages and the source language, the file name
    pattern and the symbol or job numbers it uses."""
    source = values.get("source_language")
    langs = values.get("languages")
    if langs and len(set(langs)) != len(langs):
        r.problems.add(path, values["__line__languages"], "'languages' lists a language twice")
    if langs and source and source not in langs:
        r.problems.add(
            path, values["__line__source_language"], f"'source_language' ({source}) is not among 'languages'"
        )
    elif langs and "source_language" not in values and languages.DEFAULT_SOURCE not in langs:
        r.problems.add(
            path,
            values["__line__languages"],
            "'languages' does not include the source language"
            f" ({languages.DEFAULT_SOURCE}): add it, or name the note's language with 'source_language'",
        )
    used = placeholders.names(values.get("file_name") or "")
    if "symbol" in used and not values.get("symbol"):
        r.problems.add(path, values["__line__file_name"], "'file_name' uses {symbol}, but the note has no 'symbol'")
    if "job" in used and langs:
        missing = [lang for lang in langs if lang not in (values.get("job_numbers") or {})]
        if missing:
            r.problems.add(
                path,
                values["__line__file_name"],
                f"'file_name' uses {{job}}, but 'job_numbers' has none for {', '.join(missing)}",
            )


# The text values given once in each item of a list: their lines are kept by position.
LISTED = ("organizers", "contacts.name", "keywords")


def _fields(r: _Reader, path: Path) -> dict[str, Callable[[Node, str], Any]]:
    """The front matter's keys, each with the converter of its value."""

    def event(node: Node, name: str) -> Event | None:
        v = r.mapping(
            node,
            "event",
            {
                "start": r.date,
                "end": r.date,
                "city": r.text,
                "country": r.country,
                "country_name": r.text,
                "venue": r.text,
            },
            ("start", "end", "city"),
        )
        if v is None or not _one_country(r, node, v) or any(v.get(k) is None for k in ("start", "end", "city")):
            return None
        # a day left to fill in is shown as the other one, until both are written
        if "event.start" in r.placeholders and "event.end" not in r.placeholders:
            v["start"] = v["end"]
        if "event.end" in r.placeholders and "event.start" not in r.placeholders:
            v["end"] = v["start"]
        if v["end"] < v["start"]:
            r.problems.add(path, v["__line__end"], f"'event.end' ({v['end']}) is before 'event.start' ({v['start']}):"
                           " correct one of the two dates")
            return None
        return Event(v["start"], v["end"], v["city"], v.get("country") or "", v.get("venue") or "",
                     v.get("country_name") or "")

    def contact(node: Node, name: str) -> Contact | None:
        v = r.mapping(node, "contacts", {"name": r.text, "email": r.email, "url": r.url, "phone": r.text}, ("name",))
        if v is None or "name" not in v or any(v.get(k) is None for k in v if not k.startswith("__")):
            return None
        return Contact(v["name"], v.get("email", ""), v.get("url", ""), v.get("phone", ""))

    def job_numbers(node: Node, name: str) -> dict[str, str] | None:
        return _job_numbers(r, path, node)

    def title(node: Node, name: str) -> str | None:
        value = r.text(node, name)
        if value and is_document_kind(value):
            r.problems.add(path, r.line(node), f"'title' is '{excerpt(value)}', the kind of document: write the"
                           " event's name as 'title', and the kind of document as 'subtitle'", warning=True)
        return value

    language = r.choice(LANGUAGES)
    fields: dict[str, Callable[[Node, str], Any]] = {
        "title": title,
        "subtitle": r.text,
        "symbol": r.text,
        "date": r.date,
        "languages": r.list_of(language, allow_scalar=True),
        "source_language": language,
        "distribution": r.choice(DISTRIBUTIONS),
        "event": event,
        "organizers": r.list_of(r.text, allow_scalar=True),
        "contacts": r.list_of(contact),
        "keywords": r.list_of(r.text, allow_scalar=True),
        "file_name": lambda node, name: _file_name(r, node, name),
        "job_numbers": job_numbers,
        "numbered_paragraphs": r.boolean,
    }
    return fields


def _file_name(r: _Reader, node: Node, name: str) -> str | None:
    """The ``file_name`` pattern: placeholders of the allowed set, languages told apart, a plain name."""
    value = r.text(node, name, placeholder=False)
    if value is None:
        return None
    wrong = placeholders.problems(value, FILE_NAME_FIELDS)
    for problem in wrong:
        r.error(node, f"'file_name': {problem}")
    if wrong:
        return None
    parts = placeholders.parts(value, FILE_NAME_FIELDS)
    if not {"lang", "letter", "job"} & set(placeholders.names(value)):
        r.error(node, "'file_name' must tell the languages apart: use {lang}, {letter} or {job}")
        return None
    if re.search(r"[/\\]|^\.", "".join("x" if isinstance(p, placeholders.Name) else p for p in parts)):
        r.error(node, "'file_name' must be a plain file name: no '/', no leading '.'")
        return None
    return value


def _one_country(r: _Reader, node: Node, values: dict[str, Any]) -> bool:
    """Whether ``event`` names its country one way: by the code the United Nations names
    (``country``), or, for a place without one, by the note's own name (``country_name``)."""
    given = [key for key in ("country", "country_name") if key in values]
    if not given:
        r.error(node, "'event.country' is missing: add a line 'country: ...' under 'event:', with"
                      f" {_to_fill('event.country')}")
    elif len(given) == 2:
        r.problems.add(r.path, values["__line__country_name"], "'event.country_name' is for a place the United"
                       " Nations has no name for, and 'event.country' names the country: remove one of them")
    return len(given) == 1 and values[given[0]] is not None


def _job_numbers(r: _Reader, path: Path, node: Node) -> dict[str, str] | None:
    """``job_numbers``: a mapping of languages to UN job numbers."""
    if not isinstance(node, MappingNode):
        r.error(node, _not_fields("job_numbers", node))
        return None
    values = r.mapping(node, "job_numbers", {lang: r.text for lang in LANGUAGES}, ())
    if values is None:
        return None
    numbers = {k: v for k, v in values.items() if not k.startswith("__") and v is not None}
    for lang, number in numbers.items():
        if not re.fullmatch(r"[A-Za-z0-9-]+", number):
            r.problems.add(path, values[f"__line__{lang}"], f"job number '{number}' must be letters and digits")
    return numbers
