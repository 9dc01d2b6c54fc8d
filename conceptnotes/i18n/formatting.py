"""Locale formatting of dates, UN style, with Babel, and the UN's names of countries.

Where UN editorial style differs from CLDR, the difference is data in ``data/``, not
code: date-range patterns per language.  Country names are never CLDR's: they are the
UN's, from ``data/country_names.json`` (:mod:`conceptnotes.countries`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from babel import Locale
from babel.dates import format_date, get_month_names

from conceptnotes import countries, languages
from conceptnotes.model.localized import superscript
from conceptnotes.project import read_data


@cache
def _data(name: str) -> dict:
    return read_data(name)


def locale(lang: str) -> Locale:
    return Locale.parse(languages.get(lang).babel_locale)


def format_day(day: dt.date, lang: str) -> str:
    fields = _parts(day, "", lang)
    fields["M1"] = fields["M"]
    return _pattern(lang, "single").format(**fields)


@cache
def month_names(lang: str) -> tuple[str, ...]:
    """The twelve month names as dates write them in ``lang`` (UN Arabic: two forms)."""
    months = _data("date_ranges.json").get(lang, {}).get("months")
    if months:
        return tuple(months)
    names = get_month_names("wide", "format", locale(lang))  # what "MMMM" formats, without a pattern to parse
    return tuple(names[n] for n in range(1, 13))


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """The event's dates as a UN document writes them: two days in a row are two dates
    joined by "and" ('10 and 11 May 2022', '30 November and 1 December 2023'); three days
    or more a range ('3–6 May 2022')."""
    if start == end:
        return format_day(start, lang)
    two_days = (end - start).days == 1
    if start.year == end.year and start.month == end.month:
        key = "consecutive" if two_days else "same_month"
    elif start.year == end.year:
        key = "consecutive_months" if two_days else "same_year"
    else:
        key = "consecutive_years" if two_days else "other"
    fields = {**_parts(start, "1", lang), **_parts(end, "2", lang)}
    fields["MMMM"], fields["y"], fields["d"] = fields["MMMM1"], fields["y1"], fields["d1"]
    return _pattern(lang, key).format(**fields)


def ordinal_day(lang: str) -> tuple[str, str] | None:
    """The first day of a month as ``lang``'s dates write it with letters, in two: its digits
    and the letters set as a superscript (French "1er": ``("1", "er")``); None where the first
    day is a number alone."""
    first = _data("date_ranges.json").get(lang, {}).get("first_day") or ""
    digits = re.match(r"\d*", first).group()
    return (digits, first[len(digits):]) if digits != first else None


@cache
def day_links(lang: str) -> tuple[str, ...]:
    """The words that join two days of one month in ``lang``'s dates, as its patterns write
    them ("1er et 2 mai", "du 1er au 3 mai": French "et", "au")."""
    patterns = [value for value in _data("date_ranges.json").get(lang, {}).values() if isinstance(value, str)]
    return tuple(sorted({link.strip() for pattern in patterns for link in re.findall(r"\{d1\}([^{]+)\{d2\}", pattern)
                         if link.strip()}))


def superscripts(date: str, lang: str) -> str:
    """``date`` (as formatted here) with the letters of its ordinal day marked as a superscript
    (``model.localized.superscript``): the "er" of French "1er", as UN French documents set it."""
    ordinal = ordinal_day(lang)
    if ordinal is None:
        return date
    digits, letters = ordinal
    return re.sub(rf"(?<!\d){re.escape(digits + letters)}(?!\w)", lambda _: digits + superscript(letters), date)


def _pattern(lang: str, key: str) -> str:
    return _data("date_ranges.json")[lang][key]


def _parts(day: dt.date, suffix: str, lang: str) -> dict[str, str]:
    """Day, month name and number, year; always Western digits, as UN documents write them."""
    style = _data("date_ranges.json").get(lang, {})
    months = style.get("months")
    month = months[day.month - 1] if months else format_date(day, "MMMM", locale=locale(lang))
    first = style.get("first_day")
    return {
        f"d{suffix}": first if first and day.day == 1 else str(day.day),
        f"MMMM{suffix}": month,
        f"M{suffix}": str(day.month),
        f"y{suffix}": str(day.year),
    }


def country_name(code: str, lang: str) -> str:
    """The UN short name of a country or area (ISO 3166-1 alpha-2) in ``lang``: UNTERM's,
    else M49's.  The check refuses a code neither has; a value left ``TODO`` is shown as is."""
    return countries.name(code, lang) or code


def event_country(event, lang: str) -> str:
    """The event's country as every document in ``lang`` prints it: the UN's name of its
    code, set as the note's own text is ("Côte d'Ivoire" with the apostrophe ’), or the
    place's name the note gives (``event.country_name``, translated and set with the note)."""
    from conceptnotes.i18n.typography import RULES

    return event.country_name or RULES[lang](country_name(event.country, lang))
