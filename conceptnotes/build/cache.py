"""The build's cache (``$XDG_CACHE_HOME/conceptnotes``): the only module that writes it.

What is kept there only saves time, and every entry is named by a digest of what it is
made from (path, size, modification time; or the text and tool versions): extracted faces
of font collections, character maps of fonts, SHA-256 digests of large input files, and
what WeasyPrint says of the templates' stylesheets.  ``check`` never
calls this module, so it writes nothing anywhere.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
from pathlib import Path

from conceptnotes.build.output import write_atomic
from conceptnotes.project import cache_root
from conceptnotes.read.files import hash_input, read_input
from conceptnotes.render import fonts

LARGE = 1 << 20


def prepare_fonts(langs: list[str]) -> None:
    """Extract the collection faces the languages' PDFs name, and store their cmaps."""
    for lang in dict.fromkeys(langs):
        for face in fonts.faces(lang):
            if face.index is not None and not face.path.is_file():
                _extract(face.source, face.index, face.path)
            cached = fonts.cmap_path(face.source, face.index)
            if not cached.is_file():
                points = fonts.cmap(face.source, face.index)
                write_atomic(cached, json.dumps(sorted(points)).encode())


def _extract(collection: Path, index: int, target: Path) -> None:
    from fontTools.ttLib import TTCollection

    # recalcTimestamp=False: the same bytes on every machine, for reproducible PDFs
    data = io.BytesIO(read_input(collection, collection.parent))
    collection_fonts = TTCollection(data, lazy=True, recalcTimestamp=False)
    buffer = io.BytesIO()
    collection_fonts.fonts[index].save(buffer, reorderTables=False)
    write_atomic(target, buffer.getvalue())


def file_hash(path: Path, root: Path) -> str:
    """SHA-256 of a file below ``root``; that of a large file (a font) is kept in the cache by size and mtime."""
    stat = path.lstat()
    if stat.st_size < LARGE:
        return _sha256(path, root, stat.st_size, stat.st_mtime_ns)
    key = hashlib.sha256(f"{os.path.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:24]
    cached = cache_root() / "hashes" / key
    if cached.is_file():
        value = cached.read_text().strip()
        if len(value) == 64:
            return value
    value = _sha256(path, root, stat.st_size, stat.st_mtime_ns)
    write_atomic(cached, value.encode())
    return value


@functools.cache
def _sha256(path: Path, root: Path, size: int, mtime_ns: int) -> str:  # size and mtime: part of the memo key
    return hash_input(path, root)


def digest(value: object) -> str:
    """The cache's name for what is made from ``value`` (JSON-able)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _stylesheet_entry(key: str) -> Path:
    return cache_root() / "stylesheets" / f"{key}.json"


def stylesheet_messages(key: str) -> list[str] | None:
    """What WeasyPrint said of a stylesheet, as a build kept it (read only: ``check`` calls it)."""
    try:
        said = json.loads(_stylesheet_entry(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return said if isinstance(said, list) and all(isinstance(m, str) for m in said) else None


def remember_stylesheet(key: str, messages: list[str]) -> None:
    write_atomic(_stylesheet_entry(key), json.dumps(messages, ensure_ascii=False).encode())
