"""The United Nations' names of countries and areas, by ISO 3166-1 alpha-2 code, in the
six languages: the codes a note's ``event.country`` may give and the names it prints.

The names are data, ``data/country_names.json``, made by ``tools/make_country_names.py``
from OCHA's Countries and Territories Taxonomy as the pinned hdx-python-country wheel
ships it (the file records the package, its version and the CSV's SHA-256): the UN
Terminology Database (UNTERM) short names of every code UNTERM lists ("Kenya", "État de
Palestine", "Türkiye"), and the taxonomy's M49 names of the codes it does not ("China,
Hong Kong Special Administrative Region").  A code in neither list is not in the file: a
note names such a place itself (``event.country_name``), see ``docs/translation.md``.
"""

from __future__ import annotations

from functools import cache

from conceptnotes.project import read_data

DATA = "country_names.json"


@cache
def _names() -> dict[str, dict[str, str]]:
    return read_data(DATA)["names"]


def known(code: str) -> bool:
    """Whether the United Nations names ``code`` (UNTERM, else M49)."""
    return code in _names()


def name(code: str, lang: str) -> str | None:
    """The UN short name of ``code`` in ``lang``; None for a code neither list has."""
    names = _names().get(code)
    return names[lang] if names else None


def codes() -> tuple[str, ...]:
    """Every code the UN names, in alphabetical order."""
    return tuple(_names())
