"""The pinned font set: which font files each language's PDF uses, and coverage checks.

The PDF names only these faces through ``@font-face``, so a character they lack would
silently fall back to whatever the system has: :func:`first_uncovered` finds such a
character before anything is rendered.  A face inside a font collection (``.ttc``) is
named by a file of its own in the user's cache, since a collection's faces cannot be told
apart in ``@font-face``.  This module only reads: :mod:`conceptnotes.build.cache`, called
by the build, writes those files and the cached character maps.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conceptnotes.project import cache_root, read_data
from conceptnotes.read.files import read_input

STYLES = {
    "regular": ("normal", "normal"),
    "bold": ("bold", "normal"),
    "italic": ("normal", "italic"),
    "bold-italic": ("bold", "italic"),
}
# A family without a style uses this one instead, never a synthesized oblique.
STAND_INS = {"italic": "regular", "bold-italic": "bold"}


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: str
    style: str
    source: Path  # the installed file (a collection for an indexed face)
    index: int | None = None

    @property
    def path(self) -> Path:
        """The file holding just this face: its own file, or its extract in the cache
        (which the build writes before it renders; see ``build.cache.prepare_fonts``)."""
        return self.source if self.index is None else extract_path(self.source, self.index)


@cache
def font_set() -> dict:
    return read_data("fonts.json")


def _language(lang: str) -> dict:
    return font_set()["languages"][lang]


def pdf_families(lang: str) -> list[str]:
    return _language(lang)["pdf"]


def emphasis_families(lang: str) -> list[str]:
    """Families that show emphasis in scripts without italics (Chinese), else none."""
    return _language(lang).get("emphasis", [])


def docx_fonts(lang: str) -> dict[str, str]:
    return _language(lang)["docx"]


def family_faces(family: str) -> list[FontFace]:
    files = font_set()["families"][family]
    out = []
    for name, (weight, style) in STYLES.items():
        spec = files.get(name) or files.get(STAND_INS.get(name, ""))
        if spec is None:
            continue
        source, index = (spec, None) if isinstance(spec, str) else (spec[0], spec[1])
        out.append(FontFace(family, weight, style, Path(source), index))
    return out


def faces(lang: str) -> list[FontFace]:
    return [face for family in pdf_families(lang) + emphasis_families(lang) for face in family_faces(family)]


def missing_font_files(lang: str) -> list[Path]:
    return sorted({face.source for face in faces(lang) if not face.source.is_file()})


def cache_dir() -> Path:
    return cache_root() / "fonts"


def _key(source: Path, index: int | None) -> str:
    stat = source.stat()
    return hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{index}".encode()).hexdigest()[:16]


def extract_path(collection: Path, index: int) -> Path:
    """Where face ``index`` of a font collection is kept as a file of its own."""
    return cache_dir() / f"{collection.stem}-{index}-{_key(collection, index)}.otf"


def cmap_path(source: Path, index: int | None) -> Path:
    return cache_dir() / "cmaps" / f"{source.stem}-{_key(source, index)}.json"


@cache
def cmap(source: Path, index: int | None) -> frozenset[int]:
    """The code points of a font face: from the cache when the build has stored them
    there (a CJK cmap takes 0.2 s to read), else read from the font."""
    cached = cmap_path(source, index)
    if cached.is_file():
        try:
            return frozenset(json.loads(cached.read_text()))
        except ValueError:
            pass
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(read_input(source, source.parent)), fontNumber=index or 0, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def covered(lang: str) -> frozenset[int]:
    """Code points the regular faces of ``lang``'s body families can show."""
    points: set[int] = set()
    for family in pdf_families(lang):
        for face in family_faces(family):
            if face.weight == "normal" and face.style == "normal":
                points |= cmap(face.source, face.index)
    return frozenset(points)


# Format characters (joiners, direction marks, embeddings, isolates) have no glyph.
IGNORABLE = "\u200b\u200c\u200d\u2060\u00ad\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def first_uncovered(text: str, lang: str) -> str | None:
    """The first character of ``text`` that no font of ``lang`` has, ignoring white space."""
    points = covered(lang)
    for char in text:
        if ord(char) not in points and not char.isspace() and char not in IGNORABLE:
            return char
    return None


# What a writer meant by a character the fonts lack, when it is obvious: the characters
# Word puts in a text (a non-breaking hyphen, the bullets of its Symbol and Wingdings fonts,
# which are private-use code points outside them) and punctuation of another script.
# Others are tried by their compatibility form (U+FF0C FULLWIDTH COMMA is ',').
LIST_ITEM = "it is a bullet from a Word symbol font: make the paragraph a list item, starting its line with '- '"
REPLACEMENTS = {
    "\u2010": "-",  # HYPHEN
    "\u2011": "-",  # NON-BREAKING HYPHEN
    "\u060c": ",",  # ARABIC COMMA
    "\u061b": ";",  # ARABIC SEMICOLON
    "\u061f": "?",  # ARABIC QUESTION MARK
    "\u3001": ",",  # IDEOGRAPHIC COMMA
    "\u3002": ".",  # IDEOGRAPHIC FULL STOP
}
WORD_BULLETS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u2043"  # Symbol •; Wingdings ▪ ❖ ➢ ✓; HYPHEN BULLET


def replacement_hint(char: str, lang: str) -> str:
    """How to write ``char`` with the fonts of ``lang``, when there is an obvious way; else ''."""
    if char in WORD_BULLETS:
        return LIST_ITEM
    instead = REPLACEMENTS.get(char) or unicodedata.normalize("NFKC", char)
    if instead == char or not instead.strip() or first_uncovered(instead, lang) is not None:
        return ""
    return f"use '{instead}' instead"


def uncovered_message(char: str, lang: str) -> str:
    families = ", ".join(pdf_families(lang))
    hint = replacement_hint(char, lang)
    return f"character U+{ord(char):04X} {char!r} is not in the fonts for '{lang}' ({families})" + (
        f": {hint}" if hint else ""
    )
