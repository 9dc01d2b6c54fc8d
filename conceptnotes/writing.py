"""The one way the tool writes a file or a folder: whole or not at all.

A file goes to a temporary file beside it, is flushed to disk and renamed into place
(:func:`write_atomic`); a folder is written whole in a temporary folder beside it and
renamed (:func:`write_folder`).  A failure or a kill leaves what was there before (and,
after a kill, a temporary file that a build removes: ``build.output``).  Every command
that writes uses it: build and merge (through ``build.output``'s staging), ``import``,
``new``, the preview, the i18n commands and the XLIFF import; the cache too.
A link or FIFO in a file's place is replaced, never written through.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

TEMP_PREFIX = ".conceptnotes-"
TEMP_SUFFIX = ".tmp"
RANDOM_PART = 8  # the characters tempfile.mkstemp puts between prefix and suffix


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


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``; return the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:  # a full disk may refuse the file itself
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the output, not the temporary
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    temp = stage(path, data)
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the file, not the temporary
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Make ``folder`` with ``files`` (paths relative to it, '/'-separated, in order), written
    whole in a temporary folder beside it and renamed into place.  FileExistsError when
    ``folder`` exists when the rename comes (nothing is written)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, data in files.items():
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(temporary, 0o755)
        if os.path.lexists(folder):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
        os.rename(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    fsync_dir(folder.parent)
