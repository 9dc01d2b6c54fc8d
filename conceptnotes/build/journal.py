"""The journal of a build's commit (``manifest.json.pending``), read back as untrusted input.

Before it renames anything, a commit (:func:`output.commit`) writes a JSON object::

    {"renames": [["<note-id>/.conceptnotes-<file>.XXXXXXXX.tmp", "<note-id>/<file>"], ...],
     "removals": ["<note-id>/<file>", ...],
     "manifest": "<the new manifest, as text>"}

every name relative to the output folder; the next build or ``manifest merge`` finishes
it (:func:`output.finish`).  Anyone who can write in the output folder can write a
journal, so it is read like any other input, and all of it is checked before anything is
done: it may only rename a build's temporary file (``TEMP_PREFIX…TEMP_SUFFIX``) into the
place of a document in the same note's folder, and remove documents (a name
:func:`names.is_document` accepts), through no symbolic link, touching only regular
files.  Anything else is refused at the journal's line, nothing is renamed or removed,
and ``verify`` keeps reporting it (:func:`refusal`).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from conceptnotes.build import names
from conceptnotes.errors import NoteError, Problem, Problems, display_path, excerpt
from conceptnotes.read.files import parse_json, read_input
from conceptnotes.reserved import PENDING
from conceptnotes.writing import TEMP_PREFIX, TEMP_SUFFIX

MAX_JOURNAL_BYTES = 200_000_000  # a manifest of some ten thousand documents, and their renames
_KEYS = {"renames", "removals", "manifest"}
_SHAPE = ("not a build's journal: a build writes an object of 'renames' (pairs of names), 'removals' (names)"
          " and 'manifest' (text)")


@dataclass(frozen=True)
class Journal:
    """What a commit left to do in its output folder, checked."""

    renames: tuple[tuple[str, str], ...]  # (a build's temporary file, the document it becomes)
    removals: tuple[str, ...]  # documents
    manifest: str  # the new manifest's text


def read(out: Path) -> Journal | None:
    """The journal in ``out``, checked; None when there is none.

    NoteError (naming the journal and line, with what to do) when it is not a regular file,
    not JSON, or asks for anything but a build's renames and removals."""
    path = out / PENDING
    if not os.path.lexists(path):
        return None
    try:
        text = _text(read_input(path, out, limit=MAX_JOURNAL_BYTES), path)
        record = parse_json(text)
    except NoteError as exc:
        raise NoteError(exc.problems, _refused(path)) from None
    except json.JSONDecodeError as exc:
        raise NoteError(Problem(str(path), exc.lineno, f"unreadable journal: {exc.msg}"), _refused(path)) from None
    problems = _problems(out, path, text, record)
    problems.raise_if_errors(_refused(path))
    return Journal(tuple((temp, final) for temp, final in record["renames"]), tuple(record.get("removals", ())),
                   record["manifest"])


def refusal(out: Path) -> Problems:
    """Why the journal in ``out`` is refused (nothing when there is none, or it is sound)."""
    try:
        read(out)
    except NoteError as exc:
        return Problems(exc.problems)
    return Problems()


def _refused(path: Path) -> str:
    return (f"refused the journal of an interrupted build, {display_path(path)}: it asks for what no build does,"
            " and nothing was done; remove it, then build again")


def _text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError.at(path, 0, f"unreadable journal: not UTF-8 (byte {exc.start})") from None


def _problems(out: Path, path: Path, text: str, record: object) -> Problems:
    """Every rename and removal the journal asks for that a build would not, each at its line."""
    if (not isinstance(record, dict) or not set(record) <= _KEYS or not isinstance(record.get("renames"), list)
            or not isinstance(record.get("removals", []), list) or not isinstance(record.get("manifest"), str)):
        return Problems([Problem(str(path), 1, _SHAPE)])
    found = Problems()
    for pair in record["renames"]:
        why = _rename_problem(out, pair)
        if why:
            found.append(Problem(str(path), _line(text, pair[0] if isinstance(pair, list) and pair else pair), why))
    for name in record.get("removals", []):
        why = _removal_problem(out, name)
        if why:
            found.append(Problem(str(path), _line(text, name), why))
    return found


def _rename_problem(out: Path, pair: object) -> str:
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(name, str) for name in pair)):
        return f"{_shown(pair)} is not a rename: a build renames a pair of names, [temporary file, document]"
    temp, final = pair
    shown = f"renames {_shown(temp)} to {_shown(final)}"
    if not names.is_document(final) or not _temporary_of(temp, final):
        return (f"{shown}: a build renames only its own temporary file into the place of a document in the same"
                f" note's folder ({names.WHAT})")
    return _on_disk(out, final, shown) or _on_disk(out, temp, shown)


def _removal_problem(out: Path, name: object) -> str:
    if not names.is_document(name):
        return f"removes {_shown(name)}: a build removes only documents ({names.WHAT})"
    assert isinstance(name, str)
    return _on_disk(out, name, f"removes {_shown(name)}")


def _temporary_of(temp: str, final: str) -> bool:
    """``temp`` is a build's temporary file (``TEMP_PREFIX…TEMP_SUFFIX``) in the folder of ``final``."""
    folder, _, file = temp.partition("/")
    return (folder == final.split("/")[0] and file.startswith(TEMP_PREFIX) and file.endswith(TEMP_SUFFIX)
            and len(file) > len(TEMP_PREFIX) + len(TEMP_SUFFIX) and not any(c in file for c in "/\\\x00"))


def _on_disk(out: Path, name: str, shown: str) -> str:
    """Why the file ``name`` of ``out`` may not be touched: its note's folder is a link (or no
    folder), or it is there and no regular file; '' when it may."""
    if names.linked_folder(out, name):
        return f"{shown}: the folder {_shown(name.split('/')[0])} in the output folder is a symbolic link or no folder"
    try:
        mode = os.lstat(out / name).st_mode
    except FileNotFoundError:
        return ""
    return "" if stat.S_ISREG(mode) else f"{shown}: {_shown(name)} is not a regular file (a link, a folder, ...)"


def _shown(value: object) -> str:
    return f"'{excerpt(value, 60)}'" if isinstance(value, str) else excerpt(json.dumps(value), 60)


def _line(text: str, value: object) -> int:
    """The line of the journal's text where ``value`` is first written (1 when it cannot be found)."""
    needles = {json.dumps(value, ensure_ascii=False), json.dumps(value)}
    for number, line in enumerate(text.splitlines(), 1):
        if any(needle in line for needle in needles):
            return number
    return 1
