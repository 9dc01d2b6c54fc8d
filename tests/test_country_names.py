"""Country names are the United Nations', in the six languages (issue 20).

``conceptnotes/data/country_names.json`` is made by ``tools/make_country_names.py`` from
the pinned hdx-python-country wheel's Countries and Territories Taxonomy: UNTERM short
names for the codes UNTERM lists, the taxonomy's M49 names for the others.  These tests
check the file's shape, names against the taxonomy (the wheel's CSV itself when the wheel
``make test`` downloads into .venv/wheels), what the documents print (the PDF's and the DOCX's title
block, the HTML page's), and the refusal of a code neither list has, with the place's
name given instead as ``event.country_name``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from conceptnotes import countries, languages
from conceptnotes.project import read_data

from .conftest import ROOT, run_in, write_note
from .readback import pdf_text

WHEEL = ROOT / ".venv" / "wheels" / "hdx_python_country-4.2.5-py3-none-any.whl"  # make test downloads it
DATA = read_data("country_names.json")

# Copied from the taxonomy's CSV (the issue quotes KE, PS and TR from it); the wheel tests
# below check that the CSV says the same.
TAXONOMY = {
    ("KE", "UNTERM"): {"en": "Kenya", "fr": "Kenya", "es": "Kenya", "ru": "Кения", "zh": "肯尼亚", "ar": "كينيا"},
    ("PS", "UNTERM"): {"en": "State of Palestine", "fr": "État de Palestine", "es": "Estado de Palestina",
                       "ru": "Государство Палестина", "zh": "巴勒斯坦国", "ar": "دولة فلسطين"},
    ("TR", "UNTERM"): {"en": "Türkiye", "fr": "Türkiye", "es": "Türkiye", "ru": "Турция", "zh": "土耳其",
                       "ar": "تركيا"},
    ("CI", "UNTERM"): {"en": "Côte d'Ivoire", "fr": "Côte d'Ivoire", "es": "Côte d’Ivoire", "ru": "Кот-д’Ивуар",
                       "zh": "科特迪瓦", "ar": "كوت ديفوار"},
    ("CD", "UNTERM"): {"en": "Democratic Republic of the Congo", "fr": "République démocratique du Congo",
                       "es": "República Democrática del Congo", "ru": "Демократическая Республика Конго",
                       "zh": "刚果民主共和国", "ar": "جمهورية الكونغو الديمقراطية"},
    ("HK", "M49"): {"en": "China, Hong Kong Special Administrative Region",
                    "fr": "Chine, région administrative spéciale de Hong Kong",
                    "es": "China, región administrativa especial de Hong Kong",
                    "ru": "Китай, Специальный административный район Гонконг", "zh": "中国香港特别行政区",
                    "ar": "الصين، منطقة هونغ كونغ الإدارية الخاصة"},
}
REFUSED = ("'event.country': the United Nations lists no name for {code} (neither UNTERM nor M49 has it); for a"
           " place without one, remove 'country' and write the place's name as 'country_name:' under 'event',"
           " translated in each language's catalog as 'event.city' is")


# The data file --------------------------------------------------------------------------------


def test_the_file_records_where_its_names_come_from():
    source = DATA["source"]
    assert source["package"] == "hdx-python-country" and source["version"] == "4.2.5"
    assert source["csv"] == "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
    assert re.fullmatch(r"[0-9a-f]{64}", source["csv_sha256"])
    assert source["columns"]["UNTERM"]["zh"] == "Chinese Short" and source["columns"]["M49"]["ar"] == "M49 Arabic"


def test_every_code_has_a_name_in_every_language():
    names = DATA["names"]
    assert list(names) == sorted(names) and all(re.fullmatch(r"[A-Z]{2}", code) for code in names)
    for code, entry in names.items():
        assert entry["list"] in ("UNTERM", "M49"), code
        assert set(entry) == {"list", *languages.CODES}, code
        for lang in languages.CODES:
            assert entry[lang] and entry[lang] == entry[lang].strip(), (code, lang)
    by_list = [entry["list"] for entry in names.values()]
    assert by_list.count("UNTERM") == 197 and by_list.count("M49") == 51  # the taxonomy's 4.2.5 rows


def test_every_name_is_in_its_languages_fonts():
    """No name the check would let through lacks a glyph in the documents' fonts."""
    from conceptnotes import fonts

    assert [(code, lang) for code in countries.codes() for lang in languages.CODES
            if fonts.first_uncovered(countries.name(code, lang), lang)] == []


@pytest.mark.parametrize(("code", "source"), sorted(TAXONOMY))
def test_names_are_the_taxonomys(code, source):
    assert DATA["names"][code]["list"] == source
    assert {lang: countries.name(code, lang) for lang in languages.CODES} == TAXONOMY[code, source]


# Against the wheel ('make test' downloads it; without it, CI fails and a pytest run alone skips) ------


def _wheel_csv() -> bytes:
    if not WHEEL.is_file():
        missing = f"{WHEEL} is not here: 'make test' downloads it"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    with zipfile.ZipFile(WHEEL) as archive:
        return archive.read(DATA["source"]["csv"])


def _make_script():
    spec = importlib.util.spec_from_file_location("make_country_names", ROOT / "tools" / "make_country_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("code", "source"), sorted(TAXONOMY))
def test_names_are_the_wheels_csv(code, source):
    rows = {row["ISO 3166-1 Alpha 2-Codes"]: row for row in csv.DictReader(io.StringIO(_wheel_csv().decode("utf-8-sig")))}
    row = rows[code]
    assert (row["Appears in UNTERM list"] == "Y") == (source == "UNTERM")
    columns = DATA["source"]["columns"][source]
    assert {lang: row[columns[lang]] for lang in languages.CODES} == TAXONOMY[code, source]


def test_the_file_is_what_the_script_makes_from_the_wheel():
    data = _wheel_csv()
    assert hashlib.sha256(data).hexdigest() == DATA["source"]["csv_sha256"]
    script = _make_script()
    assert script.dump(script.country_names(data)) == (ROOT / "conceptnotes" / "data" / "country_names.json").read_bytes()
    assert script.read_wheel(WHEEL) == data  # the wheel is the pinned version


def test_codes_neither_list_names_are_not_in_the_file():
    rows = list(csv.DictReader(io.StringIO(_wheel_csv().decode("utf-8-sig"))))
    tw = next(row for row in rows if row["ISO 3166-1 Alpha 2-Codes"] == "TW")
    assert tw["Appears in UNTERM list"] != "Y" and not tw["M49 English"]
    assert not countries.known("TW") and not countries.known("XK") and countries.known("HK")


# What the documents print ---------------------------------------------------------------------


NOTE = """\
title: Regional Workshop on Border Security
subtitle: Concept note
languages: [{langs}]
event:
  start: 2023-11-07
  end: 2023-11-08
  city: Nairobi
  {country}
organizers:
  - United Nations Office of Counter-Terrorism
"""


def _project(tmp_path: Path, country: str, langs: str = "en, es") -> Path:
    write_note(tmp_path / "content" / "workshop", front=NOTE.format(langs=langs, country=country))
    return tmp_path


def _event_paragraph(path: Path) -> str:
    return next(p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Event")


def test_kenya_in_the_spanish_title_block_pdf_and_docx(tmp_path):
    """Babel's Spanish name is "Kenia"; UNTERM's is "Kenya", in the PDF, the DOCX and its properties."""
    project = _project(tmp_path, "country: KE")
    result = run_in(project, "build", "--lang", "es", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    out = project / "output" / "workshop"
    pdf = " ".join(pdf_text(out / "workshop.es.pdf", page=1).split())
    assert "Nairobi (Kenya)" in pdf and "Kenia" not in pdf
    event = _event_paragraph(out / "workshop.es.docx")
    assert event.startswith("Nairobi (Kenya)") and "Kenia" not in event
    props = docx.Document(str(out / "workshop.es.docx")).core_properties
    assert not any("Kenia" in str(getattr(props, name) or "") for name in dir(props) if not name.startswith("_"))


@pytest.mark.parametrize("code", ["PS", "TR", "CI", "CD"])
def test_title_block_names_in_four_languages(tmp_path, code):
    """The HTML page's title block (the PDF's HTML) in fr, ru, zh and ar: UNTERM's short name."""
    project = _project(tmp_path, f"country: {code}", "en, fr, ru, zh, ar")
    result = run_in(project, "build", "--lang", "fr,ru,zh,ar", "--format", "html", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    for lang in ("fr", "ru", "zh", "ar"):
        page = (project / "output" / "workshop" / f"workshop.{lang}.html").read_text(encoding="utf-8")
        (event,) = re.findall(r'<p class="event">(.*?)</p>', page, re.S)
        # the straight apostrophe of "Côte d'Ivoire" is set ’, as in the note's own text
        assert TAXONOMY[code, "UNTERM"][lang].replace("'", "\u2019") in event, (lang, event)


# A code neither list names --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["XK", "TW", "XX"])
def test_a_code_no_list_names_is_refused_at_its_line(tmp_path, code):
    project = _project(tmp_path, f"country: {code}")
    result = run_in(project, "check")
    assert result.returncode == 1
    assert f"content/workshop/note.md:9: {REFUSED.format(code=code)}" in result.stderr


def test_both_country_and_its_name_are_refused(tmp_path):
    project = _project(tmp_path, "country: KE\n  country_name: Kenya")
    result = run_in(project, "check")
    assert result.returncode == 1
    assert ("content/workshop/note.md:10: 'event.country_name' is for a place the United Nations has no name for,"
            " and 'event.country' names the country: remove one of them") in result.stderr


CATALOG = """\
msgid ""
msgstr ""
"Project-Id-Version: workshop\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Testland Islands"
msgstr "Islas de Prueba"
"""


def test_the_place_named_by_the_note_is_translated_in_title_block_and_docx(tmp_path):
    """``event.country_name`` is a unit: its translation is printed where a code's name would be."""
    project = _project(tmp_path, "country_name: Testland Islands")
    messages = project / "locales" / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copyfile(ROOT / "locales" / "es" / "LC_MESSAGES" / "messages.po", messages / "messages.po")
    (messages / "workshop.po").write_text(CATALOG, encoding="utf-8")
    result = run_in(project, "build", "--lang", "en,es", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    out = project / "output" / "workshop"
    assert "Nairobi, Testland Islands," in " ".join(pdf_text(out / "workshop.en.pdf", page=1).split())
    assert "Nairobi (Islas de Prueba)" in " ".join(pdf_text(out / "workshop.es.pdf", page=1).split())
    assert _event_paragraph(out / "workshop.es.docx").startswith("Nairobi (Islas de Prueba)")


def test_the_place_named_by_the_note_is_checked_against_the_fonts(tmp_path):
    """A place's name the language's fonts lack is refused at its line, as the city is
    (a translation of it, at its catalog line, by the translations' own check)."""
    project = _project(tmp_path, "country_name: Testland \u4e2d", "en")
    result = run_in(project, "check")
    assert result.returncode == 1
    assert ("content/workshop/note.md:9: character U+4E2D '\u4e2d' is not in the fonts for 'en'"
            in result.stderr), result.stderr
