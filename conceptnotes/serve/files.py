"""Which files the preview server may send: a regular file under one of its roots, named
by a path with no way out of it.

A request path is checked part by part *before* anything is opened: no ``..``, no
absolute path, no backslash or NUL, no hidden name, and no symbolic link anywhere on the
way (a link could lead out of the tree, or to another note's draft).  Starlette has
already decoded ``%2e%2e`` and ``%2f`` when the path reaches here, so an encoded
traversal is refused by the same test.
"""

from __future__ import annotations

import stat
from pathlib import Path

MAX_PARTS = 16


def project_file(root: Path, relative: str) -> Path | None:
    """The regular file ``relative`` names under ``root``, or None (the server's 404)."""
    if not relative or len(relative) > 1024 or any(char in relative for char in "\\\x00"):
        return None
    parts = relative.split("/")
    if len(parts) > MAX_PARTS or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    path = root
    mode = 0
    for part in parts:
        path = path / part
        try:
            mode = path.lstat().st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return None
    return path if stat.S_ISREG(mode) else None
