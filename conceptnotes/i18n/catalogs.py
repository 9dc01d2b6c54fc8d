"""Gettext catalogs: a note's units extracted to a template, merged into one catalog per
language, read back with their lines, checked, and counted.

Layout (``locales/`` beside ``content/``)::

    locales/<note-id>.pot                      the note's units (``i18n extract``)
    locales/<lang>/LC_MESSAGES/<note-id>.po    their translation (``i18n update``)
    locales/messages.pot, <lang>/LC_MESSAGES/messages.po   the templates' labels

No compiled ``.mo`` is kept: the build compiles catalogs in memory.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import languages, reserved
from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems, excerpt
from conceptnotes.i18n.units import units
from conceptnotes.project import BUILTIN_LOCALES, Project
from conceptnotes.read.characters import check_characters, decode
from conceptnotes.read.files import is_present, read_input

if TYPE_CHECKING:  # Babel is imported where catalogs are read or written: not to plan a build
    from babel.messages.catalog import Catalog, Message

LABELS = reserved.LABELS  # a name no note may take (reserved.id_refusal)
MAX_CATALOG_BYTES = 5_000_000
WIDTH = 76  # Babel's, as pybabel update writes
_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def catalog_path(locales: Path, lang: str, domain: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


def note_sources(note: m.Note, lang: str) -> list[Path]:
    """The files a note's document in ``lang`` is written from: the note, its assets, and
    the catalogs its translation reads, where there are some (none for the note's own
    language, no label catalog for the labels' own)."""
    from conceptnotes.read.loader import asset_files

    locales = Project.of_note(note.folder).locales
    found = [catalog_path(locales, lang, note.id)] if lang != note.meta.source_language else []
    found += [label_catalog(locales, lang)] if lang != languages.LABEL_LANGUAGE else []
    return [note.source, *asset_files(note), *(path for path in found if is_present(path))]


def label_catalog(locales: Path, lang: str) -> Path:
    """The catalog of the templates' labels a project reads in ``lang``: its own
    (``locales/<lang>/LC_MESSAGES/messages.po``), else the tool's built-in one."""
    own = catalog_path(locales, lang, LABELS)
    return own if is_present(own) else catalog_path(BUILTIN_LOCALES, lang, LABELS)


def template_path(locales: Path, domain: str) -> Path:
    return locales / f"{domain}.pot"


def _fixed_date(note: m.Note) -> dt.datetime:
    day = note.meta.date or note.meta.event.start
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def extract(note: m.Note) -> Catalog:
    """The note's template catalog: one message per distinct unit, with its note.md lines
    (``#: content/<id>/note.md:12``, from the project's root wherever the command runs)."""
    from babel.messages.catalog import Catalog

    source = Project.of_note(note.folder).relative(note.source)
    catalog = Catalog(
        project=f"conceptnotes {note.id}",
        version="1",
        copyright_holder="United Nations",
        msgid_bugs_address="the conceptnotes maintainers",
        creation_date=_fixed_date(note),
        revision_date=_fixed_date(note),
        fuzzy=False,
        charset="utf-8",
        header_comment=f"# Translation units of the concept note {note.id}.\n#",
    )
    for unit in units(note):
        existing = catalog.get(unit.msgid)
        if existing is not None:
            existing.locations.append((source, unit.line))
            continue
        catalog.add(unit.msgid, locations=[(source, unit.line)], auto_comments=[unit.kind])
    return catalog


def new_catalog(template: Catalog, lang: str) -> Catalog:
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        locale=languages.get(lang).babel_locale,
        project=template.project,
        version="1",
        copyright_holder="United Nations",
        msgid_bugs_address="the conceptnotes maintainers",
        creation_date=template.creation_date,
        revision_date=template.revision_date,
        fuzzy=False,
        charset="utf-8",
        last_translator="translators of the concept note",
        language_team=f"{lang} translators",
        header_comment=f"# {lang} translation of {template.project}.\n#",
    )
    return catalog


def merge(template: Catalog, existing: Catalog | None, lang: str) -> Catalog:
    """``existing`` updated to ``template``: new units added, changed ones fuzzy, removed ones obsolete."""
    catalog = existing if existing is not None else new_catalog(template, lang)
    previous = {m.id: m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
    catalog.update(
        template,
        no_fuzzy_matching=False,
        update_header_comment=False,
        keep_user_comments=True,
        update_creation_date=True,
    )
    for message in catalog:  # still fuzzy, the same source: what it was translated from stays shown
        if message.id in previous and message.fuzzy and not message.previous_id:
            message.previous_id = previous[message.id]
    return catalog


def dump(catalog: Catalog) -> bytes:
    """A catalog as ``pybabel update`` writes it (lines wrapped at Babel's width, 76), so
    that running it on a catalog the project wrote changes nothing.

    Babel 2.19 wraps a previous msgid (``#|``) as a comment, cutting its strings where
    msgfmt rejects them ("end-of-line within string"): those lines are written here as
    gettext writes them, one string a line."""
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=False, include_previous=False, ignore_obsolete=False)
    text = buffer.getvalue().decode("utf-8")
    for message in catalog:
        if message.id and message.previous_id and isinstance(message.id, str):
            text = _with_previous(text, message)
    return text.encode("utf-8")


def _with_previous(text: str, message: Message) -> str:
    """``#| msgid ...`` put before the entry of ``message`` (after its flags)."""
    from babel.messages.pofile import normalize

    entry = f"msgid {normalize(message.id, width=WIDTH)}\n"
    previous = normalize(message.previous_id[0], prefix="#| ", width=WIDTH)
    lines = f"#| msgid {previous}\n"
    at = text.find("\n" + entry)
    return text if at < 0 else text[: at + 1] + lines + text[at + 1 :]


# A previous msgid (``#| msgid``), which Babel 2.19 reads as a translator's comment -------------

_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _read_previous(message: Message) -> None:
    """The previous msgid of a fuzzy entry (``#| msgid "..."``) put back where it belongs.

    Babel 2.19 keeps ``#|`` lines as user comments ('| msgid "..."') and would write them
    back as ``# | msgid``, wrapped where a string may be cut: Poedit and ``msgmerge`` no
    longer see a previous source there, and ``i18n update`` would rewrite every catalog
    that has one.  A comment already written so by an earlier version is read the same way
    (a wrapped piece starts without '|'; the space at the cut, lost, is taken to be one)."""
    from babel.messages.pofile import unescape

    comments = list(message.user_comments)
    start = next((i for i, text in enumerate(comments) if re.match(r"\|\s*msgid\s", text)), None)
    if start is None:
        return
    text = re.sub(r"^\|\s*msgid\s*", "", comments[start])
    used = [start]
    for index in range(start + 1, len(comments)):
        piece = comments[index]
        if _open_quote(text):
            text += " " + piece
        elif piece.startswith("|") and piece[1:].lstrip().startswith('"'):
            text += piece[1:].strip()
        else:
            break
        used.append(index)
    message.previous_id = ["".join(unescape(f'"{found}"') for found in _PO_STRING.findall(text))]
    message.user_comments = [text for index, text in enumerate(comments) if index not in used]


def _open_quote(text: str) -> bool:
    return '"' in _PO_STRING.sub("", text)


def read(path: Path) -> bytes:
    """The bytes of a catalog (or template) under its ``locales/`` folder: never a link, FIFO or huge file."""
    return read_input(
        path,
        path.parents[2] if path.suffix == ".po" else path.parent,
        limit=MAX_CATALOG_BYTES,
        too_large=lambda size: f"the catalog is larger than {MAX_CATALOG_BYTES // 1_000_000} MB",
    )


def load(path: Path, lang: str | None = None, data: bytes | None = None) -> Catalog:
    """Read a ``.po`` (or parse ``data``, its bytes as :func:`read` gave them); a syntax
    error or a wrong ``Language`` header is a NoteError at its line."""
    from babel.messages.pofile import PoFileError, read_po

    text = decode(read(path) if data is None else data, path)
    bad = check_characters(text, path)
    bad += unterminated_strings(text, path) + plural_forms_problems(text, path)
    if bad:
        raise NoteError(bad)
    try:
        catalog = read_po(io.StringIO(text), locale=None, abort_invalid=True)
    except PoFileError as exc:
        raise NoteError.at(path, exc.lineno + 1, f"invalid catalog: {_po_message(str(exc))}") from None
    except (ValueError, UnicodeError) as exc:
        raise NoteError.at(path, 1, f"invalid catalog: {exc}") from None
    for message in catalog:
        if message.id and not message.previous_id:
            _read_previous(message)
    if lang is not None:
        declared = str(catalog.locale or "") or _header(text, "Language")
        if declared.split("_")[0].split("-")[0] != lang:
            raise NoteError.at(
                path,
                _header_line(text, "Language"),
                f"the catalog's Language header is '{declared}', but it is in the folder of '{lang}'",
            )
    charset = _header(text, "Content-Type")
    if "charset=" in charset and charset.split("charset=")[1].strip().lower() not in ("utf-8", "utf8"):
        raise NoteError.at(
            path,
            _header_line(text, "Content-Type"),
            f"the catalog must be UTF-8, not {charset.split('charset=')[1].strip()}",
        )
    return catalog


MAX_PLURALS = 10  # CLDR's languages have at most 6 plural forms


def plural_forms_problems(text: str, path: Path) -> Problems:
    """The ``Plural-Forms`` header: a count of forms and an expression gettext can compile
    (Python's gettext refuses one too long, too deep or with a token it does not know)."""
    header = _header(text, "Plural-Forms")
    if not header:
        return Problems()
    fields = dict(re.findall(r"(\w+)\s*=\s*([^;]*)", header))
    count, expression = fields.get("nplurals", "").strip(), fields.get("plural", "").strip()
    why = ""
    if not (count.isascii() and count.isdigit() and 1 <= int(count) <= MAX_PLURALS):
        why = f"'nplurals' must be a number from 1 to {MAX_PLURALS}, not '{excerpt(count)}'"
    elif not expression:
        why = "it has no 'plural' expression"
    else:
        try:
            gettext.c2py(expression)
        except (ValueError, RecursionError) as exc:
            why = f"its expression '{excerpt(expression)}' is not one gettext can use: {exc}"
    if not why:
        return Problems()
    return Problems([Problem(str(path), _header_line(text, "Plural-Forms"), f"invalid Plural-Forms header: {why}")])


_STRING_LINE = re.compile(r'^\s*(?:#~\s*)?(?:msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)?\s*"')


def unterminated_strings(text: str, path: Path) -> Problems:
    """Strings that a line ends inside: Babel would read them, dropping their last character."""
    problems = Problems()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#") and not line.lstrip().startswith("#~"):
            continue
        found = _STRING_LINE.match(line)
        if not found:
            continue
        rest = line[found.end() :]
        closed = re.match(r'(?:[^"\\]|\\.)*"', rest)
        if closed is None:
            problems.append(Problem(str(path), number, "end-of-line within string: close it with '\"'"))
    return problems


def _po_message(message: str) -> str:
    return re.sub(r" on \d+$", "", message)


def _header(text: str, name: str) -> str:
    """A field of the catalog's header, its strings joined: gettext and Babel wrap a long
    one (``Plural-Forms``) over several lines."""
    found = re.search(rf'^"{re.escape(name)}:((?:[^"\\\n]|\\.)*)"((?:\n"(?:[^"\\\n]|\\.)*")*)', text, re.M)
    if not found:
        return ""
    joined = found.group(1) + "".join(re.findall(r'\n"((?:[^"\\\n]|\\.)*)"', found.group(2)))
    return joined.split("\\n")[0].strip()


def _header_line(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f'"{name}:'):
            return number
    return 1


# Status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    note: str
    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    memory: int = 0  # units not yet translated that the translation memory has a match for

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def state(catalog: Catalog | None, msgid: str) -> tuple[str, Message | None]:
    """'translated', 'fuzzy' or 'untranslated' (missing, empty or blank) for one unit.

    A blank msgstr (spaces, tabs, line breaks: an entry a translator emptied) is
    untranslated, as an empty one is: the source text stands in, never a blank."""
    message = catalog.get(msgid) if catalog is not None else None
    if message is None or _blank(message.string):
        return "untranslated", message
    if message.fuzzy:
        return "fuzzy", message
    return "translated", message


def _blank(string: str | tuple[str, ...]) -> bool:
    strings = string if isinstance(string, tuple) else (string,)
    return all(not text.strip() for text in strings)


def status(note_id: str, lang: str, template: Catalog | list[str], catalog: Catalog | None) -> Status:
    """The units of ``template`` (a catalog, or msgids) as ``catalog`` translates them."""
    counts = Counter(state(catalog, msgid)[0] for msgid in _msgids(template))
    return Status(note_id, lang, counts["translated"], counts["fuzzy"], counts["untranslated"])


def _msgids(template: Catalog | list[str]) -> list[str]:
    from babel.messages.catalog import Catalog

    return [message.id for message in template if message.id] if isinstance(template, Catalog) else template


# msgfmt ----------------------------------------------------------------------------------------


def msgfmt_check(path: Path, data: bytes | None = None) -> Problems:
    """GNU ``msgfmt --check`` on a catalog (given its bytes, on those: msgfmt opens no file of
    the project), its complaints as problems (none if msgfmt is not installed)."""
    import subprocess  # only when a catalog is checked: not for a build or check that reads none

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return Problems()
    data = read(path) if data is None else data
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", "-"], input=data, capture_output=True)
    errors = result.stderr.decode("utf-8", "replace")
    problems = Problems()
    for line in errors.splitlines():
        found = re.match(r"^(.*?):(\d+):(?:(\d+):)?\s*(.*)$", line)
        if found and not found.group(4).startswith("warning"):
            column = int(found.group(3)) if found.group(3) else 0
            problems.append(Problem(str(path), int(found.group(2)), f"msgfmt: {found.group(4)}", column))
    if result.returncode and not problems:
        problems.append(Problem(str(path), 0, f"msgfmt --check failed: {errors.strip()}"))
    return problems
