"""Load a note folder into a :class:`model.Note`: the only place that reads ``note.md``."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conceptnotes import model as m
from conceptnotes import reserved
from conceptnotes.errors import NoteError, Problem, Problems, excerpt
from conceptnotes.project import NOTE_FILE
from conceptnotes.read import captions
from conceptnotes.read.characters import check_characters, decode, nesting_problems
from conceptnotes.read.files import is_present, read_input
from conceptnotes.read.frontmatter import PLACEHOLDER, read_meta_and_warnings, split_front_matter

MAX_NOTE_BYTES = 2_000_000
NOTE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def load_note(folder: Path, *, body: bool = True, data: bytes | None = None) -> tuple[m.Note, list[Problem]]:
    """Read and validate one note; return it with its warnings, or raise NoteError.

    Without ``body``, only the front matter is parsed and the document is empty: enough
    to plan the documents and to tell, by the raw inputs, whether they are up to date.
    ``data``: the bytes of ``note.md`` as proposed (the preview server's Details form),
    validated in place of the file's."""
    source = folder / NOTE_FILE
    if not is_present(source):
        raise NoteError.at(folder, 0, f"no {NOTE_FILE} in this folder")
    note_id = folder.resolve().name
    if not NOTE_ID.fullmatch(note_id):
        raise NoteError.at(
            source, 0, f"the folder name '{note_id}' is not a valid note id: use lower-case letters, digits and hyphens"
        )
    if reserved.id_refusal(note_id):
        raise NoteError.at(source, 0, f"{reserved.id_refusal(note_id)}; rename the note's folder")
    if data is None:
        data = read_input(source, folder.parent, limit=MAX_NOTE_BYTES, too_large=_too_large)
    elif len(data) > MAX_NOTE_BYTES:
        raise NoteError.at(source, 0, _too_large(len(data)))
    text = decode(data, source)
    bad = check_characters(text, source)
    if bad:
        raise NoteError(bad)
    split = split_front_matter(text, source)
    deep = nesting_problems(split.body, source, split.body_line) if body else []
    if deep:
        raise NoteError(deep)
    problems = Problems()
    meta = None
    try:
        meta, front_warnings = read_meta_and_warnings(split.front, source, split.front_line)
        problems.extend(front_warnings)
    except NoteError as exc:
        problems.extend(exc.problems)
    problems.extend(asset_link_problems(folder, source))
    document = m.Document(())
    if body:
        from conceptnotes.read.markdown_parse import parse_body  # Python-Markdown: only for a body

        document, body_problems = parse_body(split.body, source, split.body_line, folder / "assets")
        problems.extend(body_problems)
        document, caption_problems = captions.structure(document, source, split.body, split.body_line)
        problems.extend(caption_problems)
        problems.extend(body_placeholders(split.body, source, split.body_line))
    problems.raise_if_errors()
    assert meta is not None
    return m.Note(note_id, folder, source, meta, document, data), problems.warnings


# A line of the body left to write: 'TODO: ...', as 'build.py new' writes its guidance,
# alone or after a list marker, heading marks or '>'.
_PLACEHOLDER_LINE = re.compile(rf"\s{{0,3}}(?:[-*+]\s+|\d+\.\s+|#{{1,6}}\s+|>\s*)?{PLACEHOLDER}\b")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")


def body_placeholders(body: str, source: Path, first_line: int) -> Problems:
    """A warning at each line of the body that starts with PLACEHOLDER (outside fenced
    code): in a draft it is shown as it is, a strict build refuses it."""
    found, fenced = Problems(), False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _PLACEHOLDER_LINE.match(line):
            said = excerpt(line.strip().split(PLACEHOLDER, 1)[1].lstrip(": ") or line.strip(), 50)
            found.append(Problem(str(source), number, f"still {PLACEHOLDER} ('{said}'): write the text it asks for",
                                 warning=True))
    return found


def _too_large(size: int) -> str:
    return (
        f"the note is {size / 1e6:.1f} MB; a note may have at most"
        f" {MAX_NOTE_BYTES // 1_000_000} MB (put large material in separate documents)"
    )


def asset_link_problems(folder: Path, source: Path) -> Problems:
    """What in (or as) the assets folder is not a regular file or folder: a symbolic link
    could publish any file of the machine, a FIFO would stop the build reading it."""
    assets = folder / "assets"
    if assets.is_symlink():
        return Problems([Problem(str(source), 0, "the assets/ folder is a symbolic link, which is not allowed")])
    if not assets.is_dir():
        return Problems()
    found = []
    for root, dirs, files in os.walk(assets, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(root) / name
            if path.is_symlink():
                found.append(f"assets/{path.relative_to(assets)} is a symbolic link, which is not allowed in assets/")
            elif not path.is_dir() and not path.is_file():
                found.append(f"assets/{path.relative_to(assets)} is not a regular file (a FIFO, socket or device)")
    return Problems([Problem(str(source), 0, message) for message in found])


def asset_files(note: m.Note) -> list[Path]:
    """The regular files of a note's assets folder, links never followed."""
    found = []
    if note.assets.is_dir() and not note.assets.is_symlink():
        for root, _, files in os.walk(note.assets, followlinks=False):
            found += [Path(root) / name for name in files if not (Path(root) / name).is_symlink()]
    return sorted(found)
