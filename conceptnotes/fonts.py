"""The pinned font set: which font files each language's PDF uses, and coverage checks.

The PDF names only these faces through ``@font-face``, so a character they lack would
silently fall back to whatever the system has: :func:`check_coverage` finds such a
character before anything is rendered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

STYLES = {
    "regular": ("normal", "normal"),
    "bold": ("bold", "normal"),
    "italic": ("normal", "italic"),
    "bold-italic": ("bold", "italic"),
}


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: str
    style: str
    path: Path


@cache
def font_set() -> dict:
    return json.loads(resources.files(__package__).joinpath("data", "fonts.json").read_text(encoding="utf-8"))


def pdf_families(lang: str) -> list[str]:
    languages = font_set()["languages"]
    return languages.get(lang, languages["en"])["pdf"]


def docx_fonts(lang: str) -> dict[str, str]:
    languages = font_set()["languages"]
    return languages.get(lang, languages["en"])["docx"]


def faces(lang: str) -> list[FontFace]:
    out = []
    for family in pdf_families(lang):
        for name, path in font_set()["families"][family].items():
            weight, style = STYLES[name]
            out.append(FontFace(family, weight, style, Path(path)))
    return out


def missing_font_files(lang: str) -> list[Path]:
    return [face.path for face in faces(lang) if not face.path.is_file()]


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def covered(lang: str) -> frozenset[int]:
    """Code points the regular faces of ``lang``'s families can show."""
    points: set[int] = set()
    for face in faces(lang):
        if face.weight == "normal" and face.style == "normal":
            points |= _cmap(face.path)
    return frozenset(points)


def first_uncovered(text: str, lang: str) -> str | None:
    """The first character of ``text`` that no font of ``lang`` has, ignoring white space."""
    points = covered(lang)
    for char in text:
        if ord(char) not in points and not char.isspace() and char not in "\u200b\u200c\u200d\u2060\u00ad":
            return char
    return None
