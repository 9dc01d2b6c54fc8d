"""Opening the files the build reads: the only place a project input file is opened.

A note, its assets, catalogs, templates and fonts come from many hands.  Each is opened
here, one folder at a time from a root the caller names (the note's folder, ``locales/``,
the template folder, a font's folder), so that

- a symbolic link anywhere below the root is refused, never followed (a ``note.md`` or a
  catalog linked to ``/proc/self/environ`` would otherwise be published);
- a path that leaves its root (``..``, an absolute path elsewhere) is refused;
- anything but a regular file (a FIFO, a device, a folder) is refused, without blocking:
  a FIFO opened for reading would wait forever for a writer;
- a file larger than the caller's limit is refused before it is read.

Each refusal is a :class:`NoteError` naming the file.  Folders are opened with
``O_NOFOLLOW`` relative to their parent (``openat``), so a link swapped in during the
build is refused too.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from conceptnotes.errors import NoteError

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def _parts(path: Path, root: Path) -> tuple[str, ...]:
    """The names from ``root`` down to ``path``, or NoteError if ``path`` is not below it."""
    absolute, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if not absolute.is_relative_to(base) or absolute == base:
        raise NoteError.at(path, 0, f"is outside {root}: the build reads only files inside it")
    return absolute.relative_to(base).parts


def _refusal(path: Path, folder: str | None, error: OSError) -> NoteError:
    """What is wrong, said of the file itself, or of the ``folder`` on its way."""
    subject = f"its folder {folder} " if folder and error.errno != errno.ENOENT else ""
    if error.errno == errno.ELOOP:
        what = "is a symbolic link, which is not allowed: put the file itself here"
    elif error.errno == errno.ENOENT:
        what = "does not exist"
    elif error.errno == errno.ENOTDIR:
        what = "is not a folder"
    else:
        what = f"cannot be read: {error.strerror}"
    return NoteError.at(path, 0, subject + what)


def _not_regular(path: Path, mode: int) -> NoteError:
    kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return NoteError.at(path, 0, f"is {kind}; only regular files are read")


def look(path: Path, part: str, folder: int, name: str | None, *, want_folder: bool) -> None:
    """Refuse a link or a file of the wrong kind before opening it (``O_NOFOLLOW`` then
    guards against one swapped in meanwhile)."""
    try:
        info = os.stat(part, dir_fd=folder, follow_symlinks=False)
    except OSError as exc:
        raise _refusal(path, name, exc) from None
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise _refusal(path, name, OSError(errno.ELOOP, "symbolic link"))
    if want_folder and not stat.S_ISDIR(mode):
        raise _refusal(path, name, OSError(errno.ENOTDIR, "not a folder"))
    if not want_folder and not stat.S_ISREG(mode):
        raise _not_regular(path, mode)


@contextmanager
def open_input(
    path: Path, root: Path, *, limit: int | None = None, too_large: Callable[[int], str] | None = None
) -> Iterator[BinaryIO]:
    """Open ``path``, a regular file below ``root`` reached through no symbolic link.

    A file of more than ``limit`` bytes is refused with ``too_large(size)``, or a message
    naming both sizes."""
    parts = _parts(path, root)
    try:
        folder = os.open(os.path.abspath(root), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise _refusal(path, str(root), exc) from None
    try:
        for index, part in enumerate(parts[:-1]):
            name = str(Path(*parts[: index + 1]))
            look(path, part, folder, name, want_folder=True)
            try:
                inner = os.open(part, _DIRECTORY, dir_fd=folder)
            except OSError as exc:
                raise _refusal(path, name, exc) from None
            os.close(folder)
            folder = inner
        look(path, parts[-1], folder, None, want_folder=False)
        try:
            fd = os.open(parts[-1], _FILE, dir_fd=folder)
        except OSError as exc:
            raise _refusal(path, None, exc) from None
    finally:
        os.close(folder)
    handle = os.fdopen(fd, "rb")
    with handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if limit is not None and info.st_size > limit:
            raise NoteError.at(path, 0, _too_large(info.st_size, limit, too_large))
        os.set_blocking(fd, True)
        yield handle


def read_input(
    path: Path, root: Path, *, limit: int | None = None, too_large: Callable[[int], str] | None = None
) -> bytes:
    """The bytes of ``path`` (see :func:`open_input`)."""
    with open_input(path, root, limit=limit, too_large=too_large) as handle:
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while it was read
        raise NoteError.at(path, 0, _too_large(len(data), limit, too_large))
    return data


def hash_input(path: Path, root: Path) -> str:
    """SHA-256 of ``path``, read in blocks (fonts are large)."""
    digest = hashlib.sha256()
    with open_input(path, root) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_json(data: str | bytes) -> object:
    """``data`` (a file the tool wrote: the manifest, a journal, an entry of the cache) parsed
    as JSON; ``json.JSONDecodeError`` (a ValueError) when it is not JSON, or is nested deeper
    than the parser goes, which would otherwise be a RecursionError: a traceback, not a
    problem naming the file."""
    import json

    try:
        return json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError("nested deeper than a JSON file may be", "", 0) from None


def is_present(path: Path) -> bool:
    """Whether anything is at ``path`` (a link or FIFO included: reading it is refused, not skipped)."""
    return os.path.lexists(path)


def _too_large(size: int, limit: int, message: Callable[[int], str] | None) -> str:
    return message(size) if message else f"has {_size(size)}; at most {_size(limit)} is allowed"


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
