"""Which files the preview server may send: a regular file under one of its roots, named
by a path with no way out of it, read through the build's one opener (``read/files``).

A request path is checked part by part *before* anything is opened: no ``..``, no
absolute path, no backslash or NUL, no hidden name.  The file is then read as the build
reads its inputs, from ``top`` (the project, for its output folder): a symbolic link
anywhere on the way, the folder itself included when it is inside the project (a link
could lead out of the tree, or to another note's draft), or anything but a regular file
is refused.  Starlette has already decoded ``%2e%2e`` and ``%2f`` when the path reaches
here, so an encoded traversal is refused by the same test.
"""

from __future__ import annotations

import os
from pathlib import Path

from conceptnotes.errors import NoteError
from conceptnotes.read.files import read_input

MAX_PARTS = 16


def project_file(root: Path, relative: str, top: Path | None = None) -> tuple[Path, bytes] | None:
    """The regular file ``relative`` names under ``root`` and its bytes, read from ``top``
    (a folder that holds ``root``; by default ``root`` itself), or None (the server's 404)."""
    if not relative or len(relative) > 1024 or any(char in relative for char in "\\\x00"):
        return None
    parts = relative.split("/")
    if len(parts) > MAX_PARTS or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    path = Path(os.path.abspath(root), *parts)
    try:
        return path, read_input(path, top if top is not None else root)
    except (NoteError, ValueError):
        return None
