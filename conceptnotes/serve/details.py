"""The Details form of a note's page: the front matter's common fields, checked as the build
checks them, and saved into ``note.md`` without touching anything else.

No HTTP here: ``serve/app.py`` calls these functions.  The values are read from the
front matter as written (:func:`front_lines.read_values`: a ``TODO`` stays ``TODO``, a
note that does not pass its check still shows its values).  A proposal is the note as it
would be written, checked by the one validation path (``read.loader.load_note`` on its
bytes, then ``build.pipeline.check``), its problems given with the field whose lines they
name; no rule is repeated here or in the page's script.  Saving writes only the lines of
the fields that changed (:mod:`front_lines`), through ``writing.write_atomic``, and only
when the front matter still holds the values the form was loaded with: otherwise
:class:`Conflict`, and nothing is written.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from conceptnotes import languages
from conceptnotes.errors import ConceptnotesError, NoteError, Problem, UsageError
from conceptnotes.project import NOTE_FILE
from conceptnotes.serve import front_lines

log = logging.getLogger(__name__)
CANNOT_WRITE = "the form could not write these values; nothing was saved: change them in note.md"


class Conflict(ConceptnotesError):
    """note.md's front matter changed since the form was loaded (an editor saved it)."""

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = current
        super().__init__("the front matter was changed meanwhile")


@dataclass(frozen=True)
class Front:
    """note.md as read now: its text (line ends as they are), where its front matter is, and
    that front matter composed (None when empty) and read as the form's values."""

    path: Path
    text: str
    start: int
    end: int
    node: Node | None
    values: dict[str, Any]

    def with_values(self, values: dict[str, Any]) -> bytes:
        """The file with ``values`` written into its front matter; the rest as it is, byte for byte."""
        try:
            front = front_lines.edit_front(self.text[self.start:self.end], self.node, values)
        except front_lines.LostComment as exc:
            raise NoteError.at(self.path, 0, f"the comment '{exc.text}' is inside a value the form would write"
                                             " anew: change that field in note.md") from None
        except yaml.YAMLError:  # the edit does not scan: refused as a value that would not read back
            raise NoteError.at(self.path, 0, CANNOT_WRITE) from None
        return (self.text[: self.start] + front + self.text[self.end:]).encode("utf-8")


def read_front(folder: Path, data: bytes | None = None) -> Front:
    """The front matter of ``folder``'s note.md (or of ``data``, its bytes as proposed); NoteError
    when it cannot be read as YAML: the officer fixes it in the file, as ``check`` says."""
    from conceptnotes.read.characters import decode
    from conceptnotes.read.files import read_input
    from conceptnotes.read.frontmatter import compose_yaml, split_front_matter
    from conceptnotes.read.loader import MAX_NOTE_BYTES

    path = folder / NOTE_FILE
    if data is None:
        data = read_input(path, folder.parent, limit=MAX_NOTE_BYTES)
    decode(data, path)  # UTF-8, or the reader's message
    text = data.decode("utf-8")  # line ends kept: the rest of the file is written back as it is
    mark = "\ufeff" if text.startswith("\ufeff") else ""
    split = split_front_matter(text[len(mark):], path)
    start = len(mark) + text[len(mark):].index("\n") + 1
    node = compose_yaml(split.front, path, split.front_line)
    if node is not None and not isinstance(node, MappingNode):
        raise NoteError.at(path, split.front_line, "the front matter must be keys and values (such as 'title: ...')")
    return Front(path, text, start, start + len(split.front), node, front_lines.read_values(node))


def form(folder: Path, countries: list[dict[str, str]]) -> dict[str, Any]:
    """What the form shows: the values, the languages to choose from and the countries."""
    front = read_front(folder)
    return {"values": front.values, "countries": countries, "path": f"{folder.name}/{NOTE_FILE}",
            "languages": [{"code": code, "name": languages.get(code).name} for code in languages.CODES]}


def countries() -> list[dict[str, str]]:
    """The countries the front matter accepts (``conceptnotes.countries``, the reader's own
    list), each with its United Nations short name (``i18n.formatting.country_name``) in the
    pages' language, the default source language, by name."""
    from conceptnotes import countries as table
    from conceptnotes.i18n.formatting import country_name

    lang = languages.DEFAULT_SOURCE
    found = [{"code": code, "name": country_name(code, lang)} for code in table.codes()]
    return sorted(found, key=lambda country: country["name"].casefold())


# The posted values ----------------------------------------------------------------------------------


def posted_values(posted: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The form's values as posted, checked for their shape (UsageError: a bad request) and
    tidied as the reader reads them: text stripped, blank list rows and contacts dropped,
    the languages in the note's order (new ones after, in the registry's)."""
    if not isinstance(posted, dict):
        raise UsageError("values: a JSON object expected")
    values: dict[str, Any] = {}
    for key in ("title", "subtitle", "symbol", "date"):
        values[key] = _text(posted.get(key), key)
    event = posted.get("event")
    if not isinstance(event, dict):
        raise UsageError("event: a JSON object expected")
    # an optional key a page does not send is left empty (a page of an earlier version of the tool)
    values["event"] = {key: _text(event.get(key, "" if f"event.{key}" in front_lines.OPTIONAL else None),
                                  f"event.{key}") for key in front_lines.EVENT_KEYS}
    values["organizers"] = [text for text in _texts(posted.get("organizers"), "organizers") if text]
    chosen = _texts(posted.get("languages"), "languages")
    if set(chosen) == set(current["languages"]):
        values["languages"] = list(current["languages"])
    else:
        kept = [lang for lang in current["languages"] if lang in chosen]
        values["languages"] = kept + [lang for lang in languages.CODES if lang in chosen and lang not in kept]
        values["languages"] += [lang for lang in chosen if lang not in values["languages"]]  # the check names them
    contacts = posted.get("contacts")
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        raise UsageError("contacts: a list of JSON objects expected")
    values["contacts"] = [c for c in ({k: _text(c.get(k), f"contacts.{k}") for k in front_lines.CONTACT_KEYS}
                                      for c in contacts) if any(c.values())]
    flag = posted.get("numbered_paragraphs")
    if not isinstance(flag, bool):
        raise UsageError("numbered_paragraphs: true or false expected")
    values["numbered_paragraphs"] = flag
    return values


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{name}: a text expected")
    return value.strip()


def _texts(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{name}: a list of texts expected")
    return [item.strip() for item in value]


# Checking and saving --------------------------------------------------------------------------------


def check(folder: Path, posted: Any) -> dict[str, Any]:
    """The problems of the note with the posted values, as ``check`` would report them, each
    with the field whose lines it names ('' for the rest of the note, or its catalogs)."""
    front = read_front(folder)
    return {"problems": problems(folder, front.with_values(posted_values(posted, front.values)))}


def problems(folder: Path, data: bytes) -> list[dict[str, Any]]:
    """What the one validation path says of the note with the bytes ``data``."""
    from conceptnotes.build.pipeline import Scope
    from conceptnotes.build.pipeline import check as check_notes
    from conceptnotes.read.loader import load_note

    found: list[Problem] = []
    try:
        note, warnings = load_note(folder, data=data)
        checked = check_notes([folder], Scope(draft=True), loaded=([note], warnings))
        found = [*checked.warnings, *checked.skipped]
    except NoteError as exc:
        found = list(exc.problems)
    try:
        fields = _fields_by_line(read_front(folder, data))
    except NoteError:  # the proposed front matter is not YAML: the loader's problems say where
        fields = {}
    path = str(folder / NOTE_FILE)
    return [{"field": fields.get(p.line, "") if p.path == path else "", "line": p.line, "message": p.message,
             "warning": p.warning, "text": str(p)} for p in dict.fromkeys(found)]


def _fields_by_line(front: Front) -> dict[int, str]:
    """The form's field each line of the front matter belongs to ('event.city', 'organizers')."""
    fields: dict[int, str] = {}
    if front.node is None:
        return fields
    first = front.text[: front.start].count("\n") + 1  # the front matter's first line, less one
    for key, value in front.node.value:
        if isinstance(key, ScalarNode) and key.value in front_lines.FIELDS:
            end = max(front_lines.last_end(value) - 1, key.end_mark.index)
            last = front.text[front.start:front.start + end].count("\n")
            for line in range(key.start_mark.line, last + 1):
                fields[first + line] = key.value
            if key.value == "event" and isinstance(value, MappingNode):
                for sub, _ in value.value:
                    if isinstance(sub, ScalarNode) and sub.value in front_lines.EVENT_KEYS:
                        fields[first + sub.start_mark.line] = f"event.{sub.value}"
    return fields


def save(folder: Path, posted: Any, base: Any, lock: threading.Lock) -> dict[str, Any]:
    """Write the posted values into note.md; the values as saved, and the problems.

    ``base`` is the values the form was loaded with: when the front matter now says
    otherwise (the officer's editor saved it), :class:`Conflict` carries what it says and
    nothing is written.  What is written is read back first: the same values, or nothing
    is written (a value this module could not write is its bug, never a changed note)."""
    from conceptnotes.writing import write_atomic

    with lock:
        front = read_front(folder)
        if base != front.values:
            raise Conflict(front.values)
        values = posted_values(posted, front.values)
        data = front.with_values(values)
        try:
            written = read_front(folder, data).values
        except NoteError:
            written = None
        if written != values:
            raise NoteError.at(front.path, 0, CANNOT_WRITE)
        if data != front.text.encode("utf-8"):
            write_atomic(front.path, data, folder.parent)
            log.info("saved %s", front.path)
    return {"values": values, "problems": problems(folder, data)}
