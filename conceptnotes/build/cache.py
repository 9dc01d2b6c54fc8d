"""The build's cache (``$XDG_CACHE_HOME/conceptnotes``): the only module that writes it.

What is kept there only saves time, and every entry is named by a digest of what it is
made from (path, size, modification time; or the text and tool versions): subsets of
large font faces to the characters of a document (also named by the character set),
character maps of fonts, SHA-256 digests of large input files, what WeasyPrint says
of the templates' stylesheets, the verdicts of the templates' checks (a template folder
that passed, the kinds of node its renderer handles), the documents' verdicts
(:mod:`verdicts`) and the answers of builds with nothing to do (:mod:`uptodate`).
``check`` only reads what a build kept here, so it writes nothing anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import fonts
from conceptnotes.errors import NoteError
from conceptnotes.project import cache_root
from conceptnotes.read.files import is_present, parse_json, read_input
from conceptnotes.writing import remove, write_atomic

if TYPE_CHECKING:
    from conceptnotes.model import Localized


def prepare_fonts(
    documents: Iterable[tuple[Localized, Path]], htmls: Mapping[tuple[str, str], str] | None = None
) -> list[Path]:
    """Before the PDFs of ``documents`` (each with its template folder) render: write the
    subsets of their large faces to the characters each document shows, unless kept from
    an earlier build, and store the character maps of their faces.  The characters are
    those of the HTML the check rendered (``htmls``, by note id and language), else of
    the document rendered now.  Returns the subsets written now."""
    documents = list(documents)
    if not documents:  # no PDF (a DOCX build): Jinja is not imported
        return []
    from conceptnotes.render.html import pdf_characters, shown_characters  # Jinja: only when something renders

    written: list[Path] = []
    for localized, templates in documents:
        if not fonts.has_subsets(localized.lang):
            continue
        html = (htmls or {}).get((localized.note.id, localized.lang))
        chars = pdf_characters(localized, templates) if html is None else shown_characters(html, templates)
        for face, path in fonts.document_fonts(localized.lang, chars).items():
            if path == face.source or path in written:
                continue
            try:
                os.utime(path)  # in use: not pruned (below) by a build running beside this one
            except FileNotFoundError:
                write_atomic(path, subset(face, chars), cache_root())
                written.append(path)
    if written:
        _prune(written[0].parent)
    for lang in dict.fromkeys(localized.lang for localized, _ in documents):
        for face in fonts.faces(lang):
            cached = fonts.cmap_path(face.source, face.index)
            if not cached.is_file():
                points = fonts.cmap(face.source, face.index)
                write_atomic(cached, json.dumps(sorted(points)).encode(), cache_root())
    return written


SUBSETS_KEPT = 7 * 24 * 3600  # seconds a subset (or a document's verdict) no build has used is kept


def _prune(folder: Path) -> None:
    """Remove the subsets no build has used for a week (a note's every edit makes new ones)."""
    prune(folder, (".otf", ".ttf"))


def prune(folder: Path, suffixes: tuple[str, ...]) -> None:
    """Remove the files of the cache's ``folder`` with these suffixes that no build has
    written or used for a week."""
    old = time.time() - SUBSETS_KEPT
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.suffix in suffixes and path.lstat().st_mtime < old:
                remove(path, folder)


def subset(face: fonts.FontFace, chars: frozenset[int]) -> bytes:
    """``face`` with only the glyphs of the code points ``chars`` (and those its layout
    features reach: every feature is kept, for Arabic shaping and CJK 'halt'), by HarfBuzz's
    subsetter, which reads a face of a collection where it is: 10-50 ms for a Noto CJK face
    (fontTools: 1.3-2.3 s; see docs/performance.md).  The same input gives the same bytes."""
    import uharfbuzz as hb

    source = fonts.harfbuzz_face(face.source, face.index)
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(chars)
    features = wanted.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.clear()  # its default is a list of 68 features, which an inversion would leave out
    features.invert()  # every feature
    result = hb.subset(source, wanted)
    if result is None:
        raise NoteError.at(face.source, 0, f"HarfBuzz could not subset face {face.index or 0} of this font")
    return result.blob.data


def remember_hash(entry: Path, value: str) -> None:
    """Keep a large file's SHA-256 (``provenance.file_hash``) under its ``entry``."""
    write_atomic(entry, value.encode(), cache_root())


def digest(value: object) -> str:
    """The cache's name for what is made from ``value`` (JSON-able)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _stylesheet_entry(key: str) -> Path:
    return cache_root() / "stylesheets" / f"{key}.json"


def read_entry(entry: Path) -> object:
    """A JSON entry of the cache, as a build wrote it (:func:`write_entry`); None when there
    is none or it cannot be read (read only: ``check`` calls it)."""
    try:
        return parse_json(read_input(entry, cache_root())) if is_present(entry) else None
    except (OSError, ValueError, NoteError):
        return None


def write_entry(entry: Path, value: object) -> None:
    write_atomic(entry, json.dumps(value, ensure_ascii=False, sort_keys=True).encode(), cache_root())


def stylesheet_messages(key: str) -> list[str] | None:
    """What WeasyPrint said of a stylesheet, as a build kept it."""
    said = read_entry(_stylesheet_entry(key))
    return said if isinstance(said, list) and all(isinstance(m, str) for m in said) else None


def remember_stylesheet(key: str, messages: list[str]) -> None:
    write_entry(_stylesheet_entry(key), messages)


def _verdict_entry(key: str) -> Path:
    return cache_root() / "verdicts" / f"{key}.json"


def template_verdict(key: str) -> dict | None:
    """What a check of a template folder found, as a build kept it."""
    said = read_entry(_verdict_entry(key))
    return said if isinstance(said, dict) else None


def remember_template_verdict(key: str, verdict: dict) -> None:
    write_entry(_verdict_entry(key), verdict)
