"""The pinned font set: which font files each language's PDF uses, and coverage checks.

The PDF names only these faces through ``@font-face``, so a character they lack would
silently fall back to whatever the system has: :func:`first_uncovered` finds such a
character before anything is rendered, with the whole face's character map.  A CJK face
(a face of a collection, ``.ttc``, which ``@font-face`` cannot name, and 20-27 MB) is named
in a PDF by its subset to the characters the document may show, a file in the user's
cache named by the face and the character set (:func:`document_fonts`): WeasyPrint then
embeds a few hundred glyphs instead of slots for 65,535.  This module only
reads: :mod:`conceptnotes.build.cache`, called by the build, writes those subsets and the
cached character maps.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conceptnotes.errors import NoteError
from conceptnotes.project import cache_root, package_version, read_data
from conceptnotes.read.files import is_present, open_input, parse_json, read_input

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
    def subsetted(self) -> bool:
        """Whether a PDF names this face by its subset to the document's characters: a face
        of a collection (which ``@font-face`` cannot name) or of a family ``fonts.json``
        lists under "subset".  Others (Latin) are named by their own file, which WeasyPrint's
        own subsetting makes as small (see docs/performance.md)."""
        return self.index is not None or self.family in font_set()["subset"]


@cache
def font_set() -> dict:
    return read_data("fonts.json")


def _language(lang: str) -> dict:
    return font_set()["languages"][lang]


# fonts.json's key of the families a laid-out page names (the PDF's, and the HTML page's);
# a format's registry entry (render.formats) names the key of its fonts
PAGE_FONTS = "pdf"


def pdf_families(lang: str) -> list[str]:
    """The families a laid-out page names in CSS, in order (the faces a PDF embeds)."""
    return _language(lang)[PAGE_FONTS]


def configured(lang: str, key: str) -> list[str] | dict[str, str]:
    """What ``fonts.json`` gives ``lang`` under a format's font key (its registry entry's,
    ``render.formats``): the families a laid-out page names, in order, or a Word document's
    fonts by Word's slot (``ascii``, ``cs``, ``eastAsia``)."""
    return _language(lang)[key]


def emphasis_families(lang: str) -> list[str]:
    """Families that show emphasis in scripts without italics (Chinese), else none."""
    return _language(lang).get("emphasis", [])


def latin_families(lang: str) -> list[str]:
    """Families of a Latin-script run in a ``lang`` document (its symbol, its English masthead
    lines) when its first family would set that run's digits apart from its letters (Arabic),
    else none: such a run is one typeface, digits included."""
    return _language(lang).get("latin", [])


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


@cache
def subsetter() -> str:
    """What makes the subsets: a new version makes new ones (and new PDFs: see ``manifest.PACKAGES``)."""
    return f"uharfbuzz {package_version('uharfbuzz')}, every layout feature"


def subset_path(face: FontFace, chars: frozenset[int]) -> Path:
    """Where the subset of ``face`` to the code points ``chars`` is kept: named by the face
    (file, size, modification time, index), the characters and the subsetter."""
    digest = hashlib.sha256(f"{subsetter()}:{','.join(map(str, sorted(chars)))}".encode()).hexdigest()[:16]
    suffix = ".otf" if face.source.suffix.lower() in (".otf", ".ttc", ".otc") else face.source.suffix
    name = f"{face.source.stem}-{face.index or 0}-{_key(face.source, face.index)}-{digest}{suffix}"
    return cache_dir() / "subsets" / name


def has_subsets(lang: str) -> bool:
    """Whether a PDF in ``lang`` names subsets of its faces (to the document's characters)."""
    return any(face.subsetted for face in faces(lang))


def document_fonts(lang: str, chars: frozenset[int]) -> dict[FontFace, Path]:
    """The file a PDF in ``lang`` showing the code points ``chars`` names for each face:
    its subset (which the build writes before it renders: ``build.cache.prepare_fonts``)
    or, for a face not :attr:`FontFace.subsetted`, the face's own file."""
    return {face: subset_path(face, chars) if face.subsetted else face.source for face in faces(lang)}


# What a PDF may show beyond the characters of its HTML and stylesheets: what WeasyPrint and
# Pango put there themselves (list markers, the hyphen of a broken word, an ellipsis,
# quotation marks of 'quotes', counters in other numbering systems), and the digits and
# punctuation of every script.  A subset without a character its document shows would
# silently fall back to another font: when in doubt, a character belongs here.
ALWAYS = frozenset(
    [*range(0x20, 0x7F), 0xA0, 0xAB, 0xBB, 0xB7, *range(0x2010, 0x2027), *range(0x2030, 0x203B),
     0x2212, 0x25AA, 0x25AB, 0x25CF, 0x25E6, 0x25A0, 0x25A1, *range(0x3000, 0x3012), *range(0xFF01, 0xFF5F),
     *map(ord, "〇一二三四五六七八九十百千万零"), *range(0x0660, 0x066E), 0x060C, 0x061B, 0x061F]
)


def shown_characters(texts: Iterable[str]) -> frozenset[int]:
    """The code points ``texts`` hold, with their upper- and lower-case forms (CSS
    ``text-transform``), and :data:`ALWAYS`."""
    chars = set().union(*map(set, texts))
    cased = {c for char in chars for c in char.upper() + char.lower()}
    return frozenset(map(ord, chars | cased)) | ALWAYS


def cmap_path(source: Path, index: int | None) -> Path:
    return cache_dir() / "cmaps" / f"{source.stem}-{_key(source, index)}.json"


@cache
def cmap(source: Path, index: int | None) -> frozenset[int]:
    """The code points of a whole font face: from the cache when the build has stored them
    there (a CJK face is a 20-27 MB file to read), else read from the font by HarfBuzz."""
    cached = cmap_path(source, index)
    if is_present(cached):
        try:  # read as the cache is written: no link below it (a link there is not followed)
            return frozenset(parse_json(read_input(cached, cache_root())))
        except (ValueError, NoteError):
            pass
    return frozenset(harfbuzz_face(source, index).unicodes)


def harfbuzz_face(source: Path, index: int | None):  # -> uharfbuzz.Face
    """Face ``index`` of the font file ``source``, for HarfBuzz.  The file is opened by
    :func:`open_input` (root: its folder); HarfBuzz maps that open file (through
    ``/proc/self/fd``) and reads only the pages it needs, where a copy of a 26 MB CJK
    collection would cost 52 MB (HarfBuzz copies the bytes it is given)."""
    import uharfbuzz as hb

    with open_input(source, source.parent) as handle:
        blob = hb.Blob.from_file_path(f"/proc/self/fd/{handle.fileno()}")
        if len(blob) != os.fstat(handle.fileno()).st_size:  # no /proc: read it
            blob = hb.Blob(handle.read())
    return hb.Face(blob, index or 0)


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
    # each character looked at once, however often the text has it; then the first in the text
    lacking = {char for char in set(text) if ord(char) not in points and not char.isspace() and char not in IGNORABLE}
    return next((char for char in text if char in lacking), None) if lacking else None


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
