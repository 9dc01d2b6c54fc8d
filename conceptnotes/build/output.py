"""Writing outputs: atomically, under a lock, with the manifest always in step.

Each output is written to a temporary file in its own folder (``stage``).  When all are
staged, a journal (``manifest.json.pending``: the renames to do, the stale outputs to
remove and the new manifest) is written atomically, the renames and removals are done,
the manifest replaced, and the journal removed (``commit``).  A build killed before the
journal exists leaves the previous outputs and manifest as they were, plus temporary
files that the next run removes; killed after, the next run finishes the renames and
removals from the journal.  Either way the outputs and the manifest agree once a build
has run to its end.  The journal is read back as untrusted input: :mod:`journal` checks
every name in it before anything is renamed or removed.

A command that writes into an output folder (a build, a merge) does it inside one
:func:`transaction`, which holds the lock and first completes what a killed build left.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes.build import journal as journals
from conceptnotes.errors import BuildLocked, BuildStopped, NoteError
from conceptnotes.read.files import read_input
from conceptnotes.reserved import LOCK, MANIFEST, OUTPUT_FILES, PENDING
from conceptnotes.writing import (  # noqa: F401
    TEMP_PREFIX,
    TEMP_SUFFIX,
    move_into_place,
    open_lock,
    remove,
    stage,
    staged_name_bytes,
    write_atomic,
)
from conceptnotes.writing import fsync_dir as _fsync_dir

if TYPE_CHECKING:
    from conceptnotes.build.manifest import Manifest

RESERVED = OUTPUT_FILES  # what the build itself writes in the output folder (its manifest, journal, lock)
NAME_MAX = 255  # bytes in a file name (UTF-8), on Linux file systems

# What a failed or interrupted build left in the output folder, as checked on disk
UNCHANGED = "unchanged"  # the outputs and manifest are those of before the build
PENDING_STATE = "pending"  # a journal is there: the outputs are part-way between two builds
UPDATED = "updated"  # the build had committed: the outputs and manifest are the new ones


def commit(out: Path, staged: list[tuple[Path, Path]], manifest: bytes, removed: list[str] = ()) -> None:
    """Move staged files into place, remove stale outputs (names relative to ``out``) and write
    the manifest, as one step that survives a kill."""
    journal = {
        "renames": [[str(temp.relative_to(out)), str(final.relative_to(out))] for temp, final in staged],
        "removals": list(removed),
        "manifest": manifest.decode("utf-8"),
    }
    write_atomic(out / PENDING, json.dumps(journal, ensure_ascii=False).encode("utf-8"), out)
    finish(out)


def commit_changes(out: Path, staged: list[tuple[Path, Path]], manifest: bytes, removed: list[str] = ()) -> None:
    """:func:`commit`, unless there is nothing to move or remove and the manifest is already ``manifest``."""
    if staged or removed or snapshot(out) != manifest:
        commit(out, staged, manifest, removed)


@contextmanager
def staging(out: Path) -> Iterator[list[tuple[Path, Path]]]:
    """The list of (staged, final) files of one commit into ``out``: when the block fails before
    the commit's journal is written (a full disk, Ctrl-C), the staged files are removed and the
    previous outputs stand."""
    staged: list[tuple[Path, Path]] = []
    try:
        yield staged
    except BaseException:
        if not (out / PENDING).exists():
            for temp, _ in staged:
                remove(temp, out)
        raise


def finish(out: Path) -> bool:
    """Complete a committed build from its journal, once :func:`journal.read` has checked all
    of it (NoteError at its line, nothing done, for anything a build would not ask); False
    when there is none."""
    pending = out / PENDING
    journal = journals.read(out)
    if journal is None:
        return False
    for temp, final in journal.renames:
        if (out / temp).is_file():
            move_into_place(out / temp, out / final, out)
    for name in journal.removals:
        _remove(out, name)
    write_atomic(out / MANIFEST, journal.manifest.encode("utf-8"), out)
    remove(pending, out)
    return True


def _remove(out: Path, name: str) -> None:
    """Remove the output ``name`` and its note's folder when that is left empty."""
    path = out / name
    if not (path.is_file() or path.is_symlink()):  # removed already (the journal is being finished)
        return
    remove(path, out)  # through no link below the output folder
    if path.parent != out and path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()
        _fsync_dir(out)


def snapshot(out: Path) -> bytes | None:
    """The manifest as it is now (None when there is none), to compare with after a failure."""
    try:
        return read_input(out / MANIFEST, out)
    except (OSError, NoteError):
        return None


def left_behind(out: Path, before: bytes | None) -> str:
    """What a build that stopped left in ``out``, checked: a journal to finish, the manifest
    it had before (``before``, from :func:`snapshot`), or a new one."""
    if (out / PENDING).exists():
        return PENDING_STATE
    return UNCHANGED if snapshot(out) == before else UPDATED


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files that a killed build left behind under ``folder``."""
    removed = []
    if folder.is_dir():
        for temp in folder.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):  # rglob enters no linked folder
            if remove(temp, folder):
                removed.append(temp)
    return removed


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder for one build; a second build stops naming the holder."""
    fd = open_lock(out / LOCK, out)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise BuildLocked(
                f"another build (process {holder}) is writing to {out}; try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def transaction(out: Path) -> Iterator[Manifest]:
    """One command's writing into ``out``, under its lock; yields the previous manifest.

    A build killed after it committed is completed from its journal first and the
    temporary files a killed build left are removed.  Stopped inside (Ctrl-C, a full disk:
    KeyboardInterrupt or OSError), it raises :class:`BuildStopped` saying what it left in
    ``out``, checked on disk: the previous outputs (nothing committed), a journal to
    finish, or the new outputs.  Commit with :func:`staging` and :func:`commit_changes`."""
    from conceptnotes.build.manifest import Manifest  # which reads this module's names

    with locked(out):
        before = snapshot(out)
        try:
            finish(out)
            remove_stale_temporaries(out)
            yield Manifest.previous(out)
        except (KeyboardInterrupt, OSError) as exc:
            raise BuildStopped(exc, left_behind(out, before), out) from exc
