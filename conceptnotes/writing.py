"""The one way the tool writes a file or a folder: inside its root, whole or not at all.

Every file the tool writes (catalogs, notes, imported assets, outputs, the manifest and
its journal, previews, the cache) is written here, from a root the caller names: the
output folder, the cache folder, the project's ``content/`` or ``locales/``, the folder
an XLIFF file is exported to, the server's own folder.  As a read does
(:mod:`conceptnotes.read.files`), a write walks down from that root one folder at a
time (``openat`` with ``O_NOFOLLOW``), making the folders that are missing, so that

- a symbolic link anywhere below the root is refused, never written through (the root
  itself, which the user names, may be a link);
- a path that leaves the root is refused;
- the file's place holds a regular file or nothing: a link, a FIFO or a device there is
  refused, never replaced nor written through.

A refused write is a :class:`NoteError` naming the file, raised before anything is
written.  A file goes to a temporary file beside it, is flushed to disk and renamed into
place (:func:`write_atomic`, or :func:`stage` then :func:`move_into_place` for the
build's commit); a folder is written whole in a temporary folder beside it and renamed
(:func:`write_folder`).  A failure or a kill leaves what was there before (and, after a
kill, a temporary file that a build removes: ``build.output``).  A failure of the disk
itself (full, read-only) is the ``OSError``, naming the file.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from conceptnotes.errors import NoteError
from conceptnotes.read.files import KINDS, look

TEMP_PREFIX = ".conceptnotes-"
TEMP_SUFFIX = ".tmp"
RANDOM_PART = 8  # the characters of a temporary name between prefix and suffix

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def staged_name_bytes(name: str) -> int:
    """The length in bytes of the temporary file :func:`stage` writes for a file named ``name``."""
    return len(f"{TEMP_PREFIX}{name}.".encode()) + RANDOM_PART + len(TEMP_SUFFIX)


def fsync_dir(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _below(path: Path, root: Path) -> tuple[str, ...]:
    """The names from ``root`` down to ``path``; NoteError if ``path`` is not below it."""
    absolute, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if not absolute.is_relative_to(base) or absolute == base:
        raise NoteError.at(path, 0, f"is outside {root}: nothing is written there")
    return absolute.relative_to(base).parts


def _in_place(path: Path, folder: int, name: str) -> bool:
    """Whether something is at ``name`` in ``folder``: a regular file or a folder (which the
    rename then refuses, as the system says); NoteError for a link, FIFO, socket or device."""
    try:
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        raise NoteError.at(path, 0, "is a symbolic link: nothing is written through it, nor in its place")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise NoteError.at(path, 0, f"is {KINDS.get(stat.S_IFMT(mode), 'not a regular file')}: nothing is written"
                                    " in its place")
    return True


def _folder_on_the_way(path: Path, part: str, folder: int, name: str) -> None:
    """NoteError for a symbolic link where a folder on the way is; OSError (as the system
    says it, naming the file) for a file there."""
    try:
        mode = os.stat(part, dir_fd=folder, follow_symlinks=False).st_mode
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    if stat.S_ISLNK(mode):
        raise NoteError.at(path, 0, f"its folder {name} is a symbolic link: nothing is written through it")
    if not stat.S_ISDIR(mode):
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))


@contextmanager
def _folder_of(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """The folder ``path`` goes into, open, reached from ``root`` one folder at a time through
    no symbolic link (the missing ones made), and ``path``'s name in it."""
    parts = _below(path, root)
    base = os.path.abspath(root)
    try:
        os.makedirs(base, exist_ok=True)  # the root is the user's: it may be a link, or not made yet
        folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        for index, part in enumerate(parts[:-1]):
            name = str(Path(*parts[: index + 1]))
            try:
                os.mkdir(part, 0o755, dir_fd=folder)
            except FileExistsError:
                pass
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            _folder_on_the_way(path, part, folder, name)
            try:
                inner = os.open(part, _DIRECTORY, dir_fd=folder)
            except OSError as exc:  # a link swapped in since it was looked at
                raise NoteError.at(path, 0, f"its folder {name} cannot be written in: {exc.strerror}") from None
            os.close(folder)
            folder = inner
        yield folder, parts[-1]
    finally:
        os.close(folder)


def _temporary(folder: int, prefix: str, make) -> str:
    """A new temporary name in ``folder``, made by ``make(name)`` (which raises FileExistsError
    if it is taken)."""
    while True:
        name = f"{prefix}{secrets.token_hex(RANDOM_PART // 2)}{TEMP_SUFFIX}"
        try:
            make(name)
            return name
        except FileExistsError:
            continue


def _write_temporary(folder: int, name: str, data: bytes, path: Path) -> str:
    """``data`` in a new temporary file beside ``name``, flushed to disk; its name."""
    made: list[int] = []
    try:
        temp = _temporary(folder, f"{TEMP_PREFIX}{name}.",
                          lambda new: made.append(os.open(new, _NEW_FILE, 0o644, dir_fd=folder)))
    except OSError as exc:  # a full disk may refuse the file itself
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(made[0], "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o644)
            os.fsync(handle.fileno())
    except OSError as exc:
        os.unlink(temp, dir_fd=folder)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the file, not the temporary
    except BaseException:
        os.unlink(temp, dir_fd=folder)
        raise
    return temp


def stage(path: Path, data: bytes, root: Path) -> Path:
    """Write ``data`` to a temporary file beside ``path`` (below ``root``); return the temporary
    file, which :func:`move_into_place` renames to ``path``."""
    with _folder_of(path, root) as (folder, name):
        _in_place(path, folder, name)
        return path.parent / _write_temporary(folder, name, data, path)


def move_into_place(temp: Path, path: Path, root: Path) -> None:
    """Rename ``temp``, a regular file staged beside ``path`` below ``root``, to ``path``."""
    if temp.parent != path.parent:
        raise NoteError.at(temp, 0, f"is not beside {path}: it is not moved")
    with _folder_of(path, root) as (folder, name):
        look(temp, temp.name, folder, None, want_folder=False)
        _in_place(path, folder, name)
        try:
            os.replace(temp.name, name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        os.fsync(folder)


def write_atomic(path: Path, data: bytes, root: Path) -> None:
    """Write ``data`` to ``path``, below ``root``, through a temporary file beside it and a rename."""
    with _folder_of(path, root) as (folder, name):
        _in_place(path, folder, name)
        temp = _write_temporary(folder, name, data, path)
        try:
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException as exc:
            os.unlink(temp, dir_fd=folder)
            if isinstance(exc, OSError):
                raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the file, not the temporary
            raise
        os.fsync(folder)


def remove(path: Path, root: Path) -> bool:
    """Remove ``path`` below ``root``, reached through no symbolic link; what is in its place
    (a file, or a link, removed as the name it is) goes, never what a link points to.  False
    when there is nothing there."""
    if not os.path.lexists(path):
        return False
    with _folder_of(path, root) as (folder, name):
        try:
            os.unlink(name, dir_fd=folder)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        os.fsync(folder)
    return True


def remove_tree(path: Path, root: Path) -> bool:
    """Remove the folder ``path`` below ``root`` and everything in it, reached through no
    symbolic link; a link inside goes as the name it is (``shutil.rmtree`` on the folder's
    descriptor follows none).  A link in the folder's place is removed as a name.  False when
    there is nothing there."""
    if not os.path.lexists(path):
        return False
    with _folder_of(path, root) as (folder, name):
        try:
            if stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
                shutil.rmtree(name, dir_fd=folder)
            else:
                os.unlink(name, dir_fd=folder)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        os.fsync(folder)
    return True


def open_lock(path: Path, root: Path) -> int:
    """A descriptor of ``path`` below ``root``, open for reading and writing, made when missing
    (a lock file, held by ``flock``)."""
    with _folder_of(path, root) as (folder, name):
        _in_place(path, folder, name)
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=folder)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc


def write_folder(folder: Path, files: Mapping[str, bytes], root: Path) -> None:
    """Make ``folder``, below ``root``, with ``files`` (paths relative to it, '/'-separated, in
    order), written whole in a temporary folder beside it and renamed into place.
    FileExistsError when ``folder`` exists when the rename comes (nothing is written)."""
    for name in files:
        if any(part in ("", ".", "..") for part in name.split("/")):
            raise NoteError.at(folder / name, 0, f"is outside {folder}: nothing is written there")
    with _folder_of(folder, root) as (parent, name):
        if _in_place(folder, parent, name):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
        temp = _temporary(parent, f".{name}.", lambda n: os.mkdir(n, 0o755, dir_fd=parent))
        try:
            for relative, data in files.items():
                _write_new(parent, f"{temp}/{relative}", data)
            if _in_place(folder, parent, name):  # made meanwhile
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
            os.rename(temp, name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True, dir_fd=parent)
            raise
        os.fsync(parent)


def _write_new(parent: int, relative: str, data: bytes) -> None:
    """A new file at ``relative`` below ``parent`` (its folders made), in a folder this module
    has just made."""
    *folders, name = relative.split("/")
    folder = os.dup(parent)
    try:
        for part in folders:
            try:
                os.mkdir(part, 0o755, dir_fd=folder)
            except FileExistsError:
                pass
            inner = os.open(part, _DIRECTORY, dir_fd=folder)
            os.close(folder)
            folder = inner
        with os.fdopen(os.open(name, _NEW_FILE, 0o644, dir_fd=folder), "wb") as handle:
            handle.write(data)
    finally:
        os.close(folder)
