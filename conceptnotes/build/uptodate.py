"""A build's answer "every document is up to date", kept so that the same command gives it
again at once.

A build that ends with every output up to date (it found them so, or made them so) keeps,
in the cache, everything that answer was made from:

- the command line, with the working folder, ``SOURCE_DATE_EPOCH`` and the Python that ran
  it (the entry's name);
- the SHA-256 of every input it read (notes, assets, catalogs, templates, fonts) and of
  every output and the manifest;
- the listing of every folder whose contents decide what it reads: each project's
  ``content/``, ``locales/`` and ``templates/``, the tool's own templates and catalogs, and
  the output folder (a new note, catalog or template file, a journal or a temporary file
  left by a killed build);
- the digest of conceptnotes' code and the libraries' versions.

The next run of the same command compares all of these before importing anything else
(:func:`answer`; ``console.main``): when every one is the same, the build would plan the
same documents from the same bytes and find them up to date, and its table is printed as
it was.  The files are compared by their content, as the build compares them (a large
file by its size and modification time, as :func:`provenance.file_hash` keeps it); anything
different, missing or unreadable, and the build runs as ever and tells what it finds.

An entry is kept only when nothing the build read was modified after it started, and the
folders are kept as listed before it read anything (:func:`remember`): a file edited or a
file added during the build is never taken for what it read.  This module imports only what that comparison needs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from conceptnotes.build import provenance
from conceptnotes.errors import NoteError
from conceptnotes.project import BUILTIN_LOCALES, BUILTIN_TEMPLATES, cache_root
from conceptnotes.read.files import is_present, parse_json, read_input

FORMAT = 1
# a file modified this close before the build started may have been modified after it with
# the same modification time: on a file system that keeps nanoseconds (Linux's clock of file
# times moves by one tick, at most 10 ms), and on one that keeps whole seconds (FAT keeps two)
FINE_MARGIN_NS = 50_000_000
COARSE_MARGIN_NS = 2_500_000_000

Row = tuple[str, int, int | None]  # an output: its path, size and pages


def name(argv: list[str]) -> str:
    """The entry of the command ``argv`` (as typed: a build with other options or notes, run
    elsewhere or by another Python, has its own)."""
    said = [FORMAT, argv, os.getcwd(), os.environ.get("SOURCE_DATE_EPOCH"), sys.executable, sys.version]
    return hashlib.sha256(json.dumps(said).encode()).hexdigest()[:32]


def _entry(key: str) -> Path:
    return cache_root() / "uptodate" / f"{key}.json"


def watched(project_roots: Iterable[Path]) -> list[str]:
    """The folders whose contents decide what a build of notes in these projects reads (one
    that is not there is listed as such: a project's ``templates/`` appearing changes what
    it reads)."""
    folders = [os.path.join(os.path.abspath(root), sub) for root in project_roots
               for sub in ("content", "locales", "templates")]
    return [*dict.fromkeys(folders), str(BUILTIN_TEMPLATES), str(BUILTIN_LOCALES)]


def listings(folders: Iterable[str]) -> dict[str, list[str] | None]:
    """Every folder at or below each of ``folders``, no link followed, with the names in it
    (a folder's with '/', a link's with '@'); None for one that is not there."""
    found: dict[str, list[str] | None] = {}
    for folder in folders:
        top = os.path.abspath(folder)
        if not os.path.isdir(top) or os.path.islink(top):
            found[top] = None
            continue
        for path, dirs, files in os.walk(top, followlinks=False):
            names = [f"{d}@" if os.path.islink(os.path.join(path, d)) else f"{d}/" for d in dirs]
            found[path] = sorted(names + [f"{f}@" if os.path.islink(os.path.join(path, f)) else f for f in files])
    return found


def started() -> int:
    """When a build starts, before it reads anything (for :func:`remember`)."""
    return time.time_ns()


def remember(key: str, since: int, folders: list[str], sources: dict[str, list[str] | None],
             inputs: dict[Path, tuple[Path, str]], out: Path, rows: list[Row]) -> bool:
    """Keep the answer of the build of ``key``, that started at ``since`` and found
    ``sources`` (the :func:`listings` of ``folders``, taken before it read anything), read
    ``inputs`` (path: root, SHA-256) and left the outputs ``rows`` in ``out`` (its every
    output, up to date).  Nothing is kept when an input was modified after the build
    started (False then).  The folders are kept as they were listed before the build read
    anything: one that changed while it ran differs from that when the answer is asked."""
    for path in inputs:
        mtime = path.lstat().st_mtime_ns
        margin = COARSE_MARGIN_NS if mtime % 1_000_000_000 == 0 else FINE_MARGIN_NS
        if mtime >= since - margin:
            return False
    files = {os.path.abspath(path): [os.path.abspath(root), digest] for path, (root, digest) in inputs.items()}
    for path in [Path(row[0]) for row in rows] + [out / "manifest.json"]:
        files[str(path)] = [str(out), provenance.file_hash(path, out)]
    record = {
        "format": FORMAT,
        "code": provenance.code_fingerprint(),
        "tools": provenance.tool_versions(),
        "watched": [*folders, str(out)],
        "folders": {**sources, **listings([str(out)])},
        "files": files,
        "outputs": [list(row) for row in rows],
    }
    from conceptnotes.build import cache  # the cache's writer: only a build writes

    entry = _entry(key)
    cache.write_entry(entry, record)
    cache.prune(entry.parent, (".json",))
    return True


def answer(argv: list[str]) -> list[Row] | None:
    """The outputs of the command ``argv`` when a build of it has kept its answer and
    nothing it was made from has changed since; else None (the build is to run).  Only a
    build writes an entry, under its own command line, so no other command finds one."""
    entry = _entry(name(argv))
    try:
        if not is_present(entry):
            return None
        record = parse_json(read_input(entry, cache_root()))
        if record["format"] != FORMAT or record["code"] != provenance.code_fingerprint():
            return None
        if record["tools"] != provenance.tool_versions():
            return None
        if listings(str(folder) for folder in record["watched"]) != record["folders"]:
            return None
        for path, (root, digest) in record["files"].items():
            if provenance.file_hash(Path(path), Path(root), remember=False) != digest:
                return None
        return [(str(path), int(size), None if pages is None else int(pages))
                for path, size, pages in record["outputs"]]
    except (OSError, ValueError, KeyError, TypeError, NoteError):  # the build tells what is wrong
        return None
