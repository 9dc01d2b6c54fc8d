"""``conceptnotes init DIR``: a new project folder, for a tool installed with pip.

A project holds ``content/`` (its notes), ``locales/`` (its catalogs; empty at first: the
templates' labels are read from the tool until the project has catalogs of its own), a
``.gitignore`` for ``output/`` and a README with the commands to run there.  With
``sample``, it starts with the tool's sample note (``content/malaga-2022``) and that
note's catalogs, never the tool's label catalogs.  The folder is written whole or not at
all (:func:`conceptnotes.writing.write_folder`), and must not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conceptnotes.errors import UsageError, display_path
from conceptnotes.project import CONSOLE_COMMAND, SAMPLE_NOTE, SAMPLE_ROOT
from conceptnotes.read.files import read_input
from conceptnotes.writing import write_folder

README = """\
# {name}

Concept notes in the six UN languages, built with conceptnotes:

    {program} build    # builds every note under content/ into output/
    {program} serve    # previews the notes in a browser, live, and translates them there

`{program} new ID` starts a note (content/ID/note.md, every field explained);
`{program} check` validates the notes without writing anything;
`{program} official` makes the official build, with output/manifest.json;
`{program} doctor` says what this machine lacks (Pango, the pinned fonts) and how to install it;
`{program} --help` lists every command.

The notes are in `content/`, their translations in `locales/`. The templates and the
catalogs of their labels are the tool's own: a `templates/concept-note/` folder or a
`locales/<lang>/LC_MESSAGES/messages.po` here overrides them. `output/` is made by the
build and is not kept in git.
"""

GITIGNORE = "/output/\n"
KEEP = ".gitkeep"  # git keeps no empty folder


@dataclass(frozen=True)
class Made:
    folder: Path
    files: list[str]  # relative to the folder, '/'-separated


def sample_files() -> dict[str, bytes]:
    """The sample note's folder and its catalogs, by their paths in a project."""
    files = {}
    note = SAMPLE_ROOT / "content" / SAMPLE_NOTE
    for path in sorted(note.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(SAMPLE_ROOT).as_posix()] = read_input(path, SAMPLE_ROOT)
    locales = SAMPLE_ROOT / "locales"
    for path in [locales / f"{SAMPLE_NOTE}.pot", *sorted(locales.glob(f"*/LC_MESSAGES/{SAMPLE_NOTE}.po"))]:
        files[path.relative_to(SAMPLE_ROOT).as_posix()] = read_input(path, SAMPLE_ROOT)
    return files


def create(folder: Path, *, sample: bool = False) -> Made:
    """Make the project ``folder``; UsageError (nothing written) when it exists."""
    if folder.exists() or folder.is_symlink():
        raise UsageError(f"init: {display_path(folder)} already exists: name a new folder")
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"init: {display_path(parent)} is not a folder: make it first")
    files = {
        "README.md": README.format(name=folder.absolute().name, program=CONSOLE_COMMAND).encode(),
        ".gitignore": GITIGNORE.encode(),
    }
    files.update(sample_files() if sample else {f"content/{KEEP}": b"", f"locales/{KEEP}": b""})
    write_folder(parent / folder.name, files, parent)
    return Made(folder, sorted(files))
