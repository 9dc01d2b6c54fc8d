"""Locale formatting of dates and country names, UN style, with Babel.

Where UN editorial style differs from CLDR, the difference is data in ``data/``,
not code: date-range patterns per language and UN short names of countries.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date

LOCALES = {"ar": "ar", "en": "en_GB", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh_Hans_CN"}


@cache
def _data(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8"))


def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def format_day(day: dt.date, lang: str) -> str:
    return _pattern(lang, "single").format(**_parts(day, "", lang))


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """The event's dates as a UN document writes them: '10 and 11 May 2022'."""
    if start == end:
        return format_day(start, lang)
    if start.year == end.year and start.month == end.month:
        key = "consecutive" if (end - start).days == 1 else "same_month"
    else:
        key = "same_year" if start.year == end.year else "other"
    fields = {**_parts(start, "1", lang), **_parts(end, "2", lang)}
    fields["MMMM"], fields["y"] = fields["MMMM1"], fields["y1"]
    return _pattern(lang, key).format(**fields)


def _pattern(lang: str, key: str) -> str:
    styles = _data("date_ranges.json")
    return styles.get(lang, styles["en"])[key]


def _parts(day: dt.date, suffix: str, lang: str) -> dict[str, str]:
    loc = locale(lang)
    return {
        f"d{suffix}": str(day.day),
        f"MMMM{suffix}": format_date(day, "MMMM", locale=loc),
        f"y{suffix}": str(day.year),
    }


def country_name(code: str, lang: str) -> str:
    """The UN short name of a country (ISO 3166-1 alpha-2) in ``lang``."""
    un = _data("un_country_names.json").get(lang, {})
    return un.get(code) or locale(lang).territories.get(code, code)


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in ``lang``, as the masthead's 'Original:' gives it."""
    name = Locale.parse(LOCALES[code]).get_language_name(locale(lang)) or code
    return name[:1].upper() + name[1:] if lang == "en" else name
