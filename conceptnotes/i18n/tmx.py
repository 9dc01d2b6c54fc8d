"""Memories from CAT tools: TMX files (Translation Memory eXchange, which Trados, memoQ and
OmegaT export) added to the project's translation memory (:mod:`memory`).

``i18n memory import FILE.tmx`` checks the file (read by translate-toolkit's TMX reader: no
DTD, no entity, nothing from the network) and keeps a copy of it, under its own name, in
``locales/memory/``, where the memory reads it: each of its entries names the file (and the
line of its ``<tu>``) as its source.  The copy is the project's, as its catalogs are:
versioned with them, removed to take the memory out.

Each ``<tu>`` gives, for every two of its languages that are the registry's (by the
language subtag: ``fr-FR`` is French; Chinese in traditional characters, ``zh-TW``,
``zh-HK``, ``zh-Hant``, is not the UN's), the text of one as the source of the other.  A
segment's inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``) are not text and are left
out; a unit of a note is inline Markdown, so a segment matches it exactly only where the
unit has no italics, bold, link or footnote call (closely, often, where it has).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conceptnotes import languages
from conceptnotes.errors import NoteError, excerpt
from conceptnotes.i18n.commands import write
from conceptnotes.i18n.memory import FOLDER
from conceptnotes.read.files import read_input

MAX_TMX_BYTES = 200_000_000
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = ("bpt", "ept", "ph", "it", "ut")  # a tool's inline codes, not text
_TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def read(path: Path, root: Path):
    """translate-toolkit's ``tmxfile`` of ``path`` (below ``root``); NoteError naming the file
    and line if it is no TMX."""
    from lxml import etree
    from translate.storage import tmx

    data = read_input(path, root, limit=MAX_TMX_BYTES,
                      too_large=lambda size: f"the TMX file is larger than {MAX_TMX_BYTES // 1_000_000} MB")
    lowered = data.lower()
    found = min((at for at in (lowered.find(b"<!doctype"), lowered.find(b"<!entity")) if at >= 0), default=-1)
    if found >= 0:
        line = data[:found].count(b"\n") + 1
        raise NoteError.at(path, line, "a DOCTYPE or entity declaration is refused in a TMX file")
    try:
        store = tmx.tmxfile.parsestring(data)
    except etree.XMLSyntaxError as exc:
        raise NoteError.at(path, exc.lineno or 0, f"invalid XML: {exc.msg}") from None
    except AssertionError:  # translate-toolkit asserts the root element
        raise NoteError.at(path, 1, "not a TMX file: its root is not <tmx>") from None
    return store


def language(tag: str | None) -> str | None:
    """The registry's code of a TMX language tag (``fr-FR`` -> ``fr``), None if it has none."""
    tag = (tag or "").replace("_", "-").lower()
    code = tag.split("-")[0]
    if code not in languages.CODES or any(tag.startswith(t) for t in _TRADITIONAL):
        return None
    return code


def segment_text(tuv) -> str:
    """The text of a ``<tuv>``'s ``<seg>``: its inline codes left out, ``<hi>``/``<sub>`` text kept."""
    seg = next((child for child in tuv if _local(child) == "seg"), None)
    return "" if seg is None else _text(seg).strip()


def _text(element) -> str:
    out = [element.text or ""]
    for child in element:
        if _local(child) not in _CODES:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def entries(path: Path, locales: Path) -> list[tuple[str, str, str, int]]:
    """(source, language, translation, line of its ``<tu>``) of a TMX file below ``locales``."""
    found = []
    for unit in read(path, locales).units:
        texts = {}
        for tuv in unit.getlanguageNodes():
            code = language(tuv.get(_XML_LANG) or tuv.get("lang"))
            if code is not None and code not in texts and (text := segment_text(tuv)):
                texts[code] = text
        line = unit.xmlelement.sourceline or 0
        found += [(source, lang, translation, line) for one, source in texts.items()
                  for lang, translation in texts.items() if lang != one]
    return found


@dataclass(frozen=True)
class Imported:
    path: Path  # the copy the memory reads
    changed: bool
    units: int  # <tu> elements with at least two of the registry's languages
    languages: tuple[str, ...]


def import_file(path: Path, locales: Path) -> Imported:
    """Keep a copy of the TMX file ``path`` in ``locales/memory/`` under its own name, once read
    as the memory reads it; NoteError if it is no TMX or holds no two of the registry's languages."""
    if path.suffix.lower() != ".tmx":
        raise NoteError.at(path, 0, "a memory is imported from a TMX file (FILE.tmx)")
    store = read(path, path.parent)
    codes: set[str] = set()
    units = 0
    for unit in store.units:
        found = {language(tuv.get(_XML_LANG) or tuv.get("lang")) for tuv in unit.getlanguageNodes()
                 if segment_text(tuv)} - {None}
        units += len(found) >= 2
        codes |= found if len(found) >= 2 else set()
    if not units:
        said = excerpt(", ".join(sorted(languages.CODES)), 40)
        raise NoteError.at(path, 1, f"no translation unit of this file has text in two of the languages {said}")
    data = read_input(path, path.parent, limit=MAX_TMX_BYTES)
    copy = locales / FOLDER / path.name
    return Imported(copy, write(copy, data, locales).changed, units, tuple(sorted(codes)))
