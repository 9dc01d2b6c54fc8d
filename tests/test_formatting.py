"""Dates, times and country names as UN documents write them in each of the six languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conceptnotes.i18n.formatting import country_name, format_date_range, format_day
from conceptnotes.languages import CODES

D = dt.date
LANGS = CODES
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# UN Arabic gives each month two names: the Syriac (Levantine) one and the one from the Latin.
ARABIC_MONTHS = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيه",
                 "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر",
                 "كانون الأول/ديسمبر"]
# Russian dates use the month in the genitive: 15 января 2022 года.
RUSSIAN_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                  "октября", "ноября", "декабря"]


# Date ranges ------------------------------------------------------------------------------

CONSECUTIVE = {  # 10 and 11 May 2022, the sample's event
    "en": "10 and 11 May 2022",
    "fr": "10 et 11 mai 2022",
    "es": "10 y 11 de mayo de 2022",
    "ru": "10 и 11 мая 2022 года",
    "zh": "2022年5月10日至11日",
    "ar": "10 و 11 أيار/مايو 2022",
}
SAME_MONTH = {  # 3 to 6 May 2022
    "en": "3–6 May 2022",
    "fr": "du 3 au 6 mai 2022",
    "es": "3 a 6 de mayo de 2022",
    "ru": "3–6 мая 2022 года",
    "zh": "2022年5月3日至6日",
    "ar": "من 3 إلى 6 أيار/مايو 2022",
}
ACROSS_MONTHS = {  # 30 May to 2 June 2022
    "en": "30 May – 2 June 2022",
    "fr": "du 30 mai au 2 juin 2022",
    "es": "30 de mayo a 2 de junio de 2022",
    "ru": "30 мая — 2 июня 2022 года",
    "zh": "2022年5月30日至6月2日",
    "ar": "من 30 أيار/مايو إلى 2 حزيران/يونيه 2022",
}
ACROSS_YEARS = {  # 30 December 2022 to 2 January 2023
    "en": "30 December 2022 – 2 January 2023",
    "fr": "du 30 décembre 2022 au 2 janvier 2023",
    "es": "30 de diciembre de 2022 a 2 de enero de 2023",
    "ru": "30 декабря 2022 года — 2 января 2023 года",
    "zh": "2022年12月30日至2023年1月2日",
    "ar": "من 30 كانون الأول/ديسمبر 2022 إلى 2 كانون الثاني/يناير 2023",
}


@pytest.mark.parametrize("lang", LANGS)
def test_two_consecutive_days(lang):
    assert format_date_range(D(2022, 5, 10), D(2022, 5, 11), lang) == CONSECUTIVE[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_range_within_one_month(lang):
    assert format_date_range(D(2022, 5, 3), D(2022, 5, 6), lang) == SAME_MONTH[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_range_across_months(lang):
    assert format_date_range(D(2022, 5, 30), D(2022, 6, 2), lang) == ACROSS_MONTHS[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_range_across_years(lang):
    assert format_date_range(D(2022, 12, 30), D(2023, 1, 2), lang) == ACROSS_YEARS[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_one_day_event_is_that_day(lang):
    day = D(2022, 5, 10)
    assert format_date_range(day, day, lang) == format_day(day, lang)


SINGLE_DAY = {  # 10 May 2022
    "en": "10 May 2022",
    "fr": "10 mai 2022",
    "es": "10 de mayo de 2022",
    "ru": "10 мая 2022 года",
    "zh": "2022年5月10日",
    "ar": "10 أيار/مايو 2022",
}


@pytest.mark.parametrize("lang", LANGS)
def test_single_day(lang):
    assert format_day(D(2022, 5, 10), lang) == SINGLE_DAY[lang]


def test_french_first_of_the_month_is_1er():
    assert format_day(D(2022, 6, 1), "fr") == "1er juin 2022"
    assert format_date_range(D(2022, 6, 1), D(2022, 6, 3), "fr") == "du 1er au 3 juin 2022"
    assert format_date_range(D(2022, 5, 1), D(2022, 5, 2), "fr") == "1er et 2 mai 2022"
    assert format_date_range(D(2022, 4, 29), D(2022, 5, 1), "fr") == "du 29 avril au 1er mai 2022"
    # only day 1: the 11th and 21st are plain numbers
    assert format_day(D(2022, 6, 11), "fr") == "11 juin 2022"
    assert format_day(D(2022, 6, 21), "fr") == "21 juin 2022"


@pytest.mark.parametrize("lang, expected", [
    ("en", "1 June 2022"),
    ("es", "1 de junio de 2022"),
    ("ru", "1 июня 2022 года"),
    ("zh", "2022年6月1日"),
    ("ar", "1 حزيران/يونيه 2022"),
])
def test_first_of_the_month_is_a_plain_number_in_other_languages(lang, expected):
    assert format_day(D(2022, 6, 1), lang) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_arabic_month_names_have_both_forms(month):
    assert format_day(D(2022, month, 15), "ar") == f"15 {ARABIC_MONTHS[month - 1]} 2022"


def test_arabic_june_and_july_use_the_un_spellings():
    assert format_day(D(2022, 6, 5), "ar") == "5 حزيران/يونيه 2022"
    assert format_day(D(2022, 7, 5), "ar") == "5 تموز/يوليه 2022"


@pytest.mark.parametrize("month", range(1, 13))
def test_russian_months_in_the_genitive(month):
    assert format_day(D(2022, month, 15), "ru") == f"15 {RUSSIAN_MONTHS[month - 1]} 2022 года"


def test_arabic_uses_western_digits_only():
    outputs = [format_day(D(2022, month, day), "ar") for month in range(1, 13) for day in (1, 9, 28)]
    outputs += [format_date_range(D(2022, 5, 10), D(2022, 5, 11), "ar"),
                format_date_range(D(2022, 5, 3), D(2022, 5, 6), "ar"),
                format_date_range(D(2022, 5, 30), D(2022, 6, 2), "ar"),
                format_date_range(D(2022, 12, 30), D(2023, 1, 2), "ar")]
    for text in outputs:
        assert not ARABIC_INDIC_DIGITS.search(text), text
        assert re.search(r"[0-9]", text), text


# Country names -------------------------------------------------------------------------------


@pytest.mark.parametrize("code, lang, expected", [
    ("VN", "en", "Viet Nam"),
    ("VN", "fr", "Viet Nam"),
    ("VN", "es", "Viet Nam"),
    ("RU", "en", "Russian Federation"),
    ("RU", "fr", "Fédération de Russie"),
    ("RU", "es", "Federación de Rusia"),
    ("RU", "ru", "Российская Федерация"),
    ("RU", "zh", "俄罗斯联邦"),
    ("RU", "ar", "الاتحاد الروسي"),
    ("TR", "en", "Türkiye"),
    ("TR", "fr", "Türkiye"),
    ("TR", "es", "Türkiye"),
    ("GB", "en", "United Kingdom of Great Britain and Northern Ireland"),
    ("US", "en", "United States of America"),
    ("IR", "en", "Iran (Islamic Republic of)"),
    ("KR", "fr", "République de Corée"),
])
def test_un_short_names(code, lang, expected):
    assert country_name(code, lang) == expected


@pytest.mark.parametrize("lang, expected", [
    ("en", "Spain"),
    ("fr", "Espagne"),
    ("es", "España"),
    ("ru", "Испания"),
    ("zh", "西班牙"),
    ("ar", "إسبانيا"),
])
def test_un_short_name_of_spain(lang, expected):
    assert country_name("ES", lang) == expected


@pytest.mark.parametrize("lang, expected", [("en", "Germany"), ("fr", "Allemagne"), ("es", "Alemania"),
                                            ("ru", "Германия"), ("zh", "德国"), ("ar", "ألمانيا")])
def test_un_short_name_of_another_country(lang, expected):
    assert country_name("DE", lang) == expected
