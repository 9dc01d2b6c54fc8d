"""What the outputs are made from, told without the model: the SHA-256 of an input file,
the digest of conceptnotes' own code, and the versions of the libraries that shape the
outputs.

The manifest's keys, the templates' kept verdicts and the no-op answer
(:mod:`uptodate`) are all made of these, and the last runs before anything else is
imported, so this module imports nothing heavy (no WeasyPrint, no model, no cache writer
until a large file's digest is to be kept).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
from pathlib import Path

from conceptnotes.errors import NoteError
from conceptnotes.project import PACKAGE_DIR, cache_root, package_version
from conceptnotes.read.files import hash_input, is_present, read_input

LARGE = 1 << 20  # a file this large (a font) has its digest kept in the cache by size and mtime
PACKAGES = ("weasyprint", "python-docx", "babel", "markdown", "jinja2", "pydyf", "fonttools", "uharfbuzz")


def file_hash(path: Path, root: Path, *, remember: bool = True) -> str:
    """SHA-256 of a file below ``root``, read through the input gate (no link, nothing but a
    regular file: NoteError); that of a large file (a font) is kept in the cache by size and
    mtime (read, and written unless not to ``remember``)."""
    stat = path.lstat()
    if stat.st_size < LARGE:
        return _sha256(path, root, stat.st_size, stat.st_mtime_ns)
    key = hashlib.sha256(f"{os.path.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:24]
    cached = cache_root() / "hashes" / key
    try:  # read as it is written: through no link
        value = read_input(cached, cache_root()).decode().strip() if is_present(cached) else ""
    except (NoteError, UnicodeDecodeError):
        value = ""
    if len(value) == 64:
        return value
    value = _sha256(path, root, stat.st_size, stat.st_mtime_ns)
    if remember:
        from conceptnotes.build.cache import remember_hash  # the cache's writer: only when it writes

        remember_hash(cached, value)
    return value


@functools.lru_cache(maxsize=4096)  # bounded: a long-lived server's worker sees every edit's new mtime
def _sha256(path: Path, root: Path, size: int, mtime_ns: int) -> str:  # size and mtime: part of the memo key
    return hash_input(path, root)


@functools.cache
def code_fingerprint() -> str:
    """Digest of conceptnotes' own code and data: a new version rebuilds everything."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".json") and p.is_file()):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def tool_versions() -> dict[str, str]:
    """Versions of the libraries that shape the outputs (without importing WeasyPrint)."""
    versions = {name: package_version(name) for name in PACKAGES}
    versions["pango"] = _c_version("libpango-1.0.so.0", "pango_version_string")
    versions["harfbuzz"] = _c_version("libharfbuzz.so.0", "hb_version_string")
    return versions


def _c_version(library: str, function: str) -> str:
    try:
        call = getattr(ctypes.CDLL(library), function)
    except (OSError, AttributeError):
        return "missing"
    call.restype = ctypes.c_char_p
    return call().decode()
