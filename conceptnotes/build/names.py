"""What a name in an output folder may be: a document's, ``<note-id>/<file>``.

The manifest, a shard's manifest and the journal of a build's commit are read back from
the output folder, which anyone who can write there may have changed.  Every name they
give is therefore checked by :func:`is_document`, by ``verify``, the next build, ``manifest
merge`` and the journal alike, before a file of that name is read, renamed or removed: a
name that leads out of the folder, or to the build's own files, is refused.  That judges
the name alone; :func:`linked_folder` checks on disk that the note's folder is no
symbolic link (which would lead a sound name elsewhere).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from conceptnotes.read.loader import NOTE_ID

WHAT = "a document's name is <note-id>/<file>, inside the output folder"


def is_document(name: object) -> bool:
    """``name`` is ``<note-id>/<file>``: two parts, a note id and a file name that is not hidden
    (the build's lock and temporary files are); so no ``..``, no absolute path, and no
    backslash or NUL either.  The build's manifest and journal are files of the output
    folder itself, never ``<note-id>/<file>``."""
    if not isinstance(name, str) or "\\" in name or "\x00" in name:
        return False
    parts = name.split("/")
    return (len(parts) == 2 and bool(NOTE_ID.fullmatch(parts[0]))
            and parts[1] not in ("", ".", "..") and not parts[1].startswith("."))


def linked_folder(out: Path, name: str) -> bool:
    """The note's folder of the document ``name`` in ``out`` is a symbolic link or no folder
    (False when it does not exist)."""
    try:
        mode = os.lstat(out / name.split("/")[0]).st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISDIR(mode)
