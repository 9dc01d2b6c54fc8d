"""Dates as the UN writes them, and a masthead and title block that hold their shape.

Read from the outputs: the test root ``egm-cross-month`` (an expert group meeting on
30 November and 1 December 2023, six languages, symbol UNDRR/EGM/2023/INF/1) built
officially, and a copy of it whose first organizer is 120 characters long and whose venue
is long enough to wrap the event line, in every language.  PDF words and their boxes come
from ``pdftotext -bbox``, the fonts of its text runs from pypdf, the DOCX from its XML and
from LibreOffice's rendering of it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import docx
import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from conceptnotes import languages
from conceptnotes.i18n.formatting import format_date_range

from .conftest import ROOT, copy_root, need, run_in

LANGS = languages.CODES
NAME = "egm-cross-month"
SYMBOL = "UNDRR/EGM/2023/INF/1"
D = dt.date

# One day; two days in one month; two days across a month's end; three days or more
# (in one month, across a month's end); two days and more across a year's end.
CASES = {
    "one_day": (D(2023, 12, 1), D(2023, 12, 1)),
    "two_days": (D(2022, 5, 10), D(2022, 5, 11)),
    "two_days_across_months": (D(2023, 11, 30), D(2023, 12, 1)),
    "three_days": (D(2022, 5, 3), D(2022, 5, 6)),
    "three_days_across_months": (D(2023, 11, 29), D(2023, 12, 1)),
    "two_days_across_years": (D(2023, 12, 31), D(2024, 1, 1)),
    "four_days_across_years": (D(2022, 12, 30), D(2023, 1, 2)),
}
MATRIX = {
    "en": ("1 December 2023", "10 and 11 May 2022", "30 November and 1 December 2023", "3–6 May 2022",
           "29 November – 1 December 2023", "31 December 2023 and 1 January 2024",
           "30 December 2022 – 2 January 2023"),
    "fr": ("1er décembre 2023", "10 et 11 mai 2022", "30 novembre et 1er décembre 2023", "du 3 au 6 mai 2022",
           "du 29 novembre au 1er décembre 2023", "31 décembre 2023 et 1er janvier 2024",
           "du 30 décembre 2022 au 2 janvier 2023"),
    "es": ("1 de diciembre de 2023", "10 y 11 de mayo de 2022", "30 de noviembre y 1 de diciembre de 2023",
           "3 a 6 de mayo de 2022", "29 de noviembre a 1 de diciembre de 2023",
           "31 de diciembre de 2023 y 1 de enero de 2024", "30 de diciembre de 2022 a 2 de enero de 2023"),
    "ru": ("1 декабря 2023 года", "10 и 11 мая 2022 года", "30 ноября и 1 декабря 2023 года", "3–6 мая 2022 года",
           "29 ноября — 1 декабря 2023 года", "31 декабря 2023 года и 1 января 2024 года",
           "30 декабря 2022 года — 2 января 2023 года"),
    "zh": ("2023年12月1日", "2022年5月10日至11日", "2023年11月30日至12月1日", "2022年5月3日至6日",
           "2023年11月29日至12月1日", "2023年12月31日至2024年1月1日", "2022年12月30日至2023年1月2日"),
    "ar": ("1 كانون الأول/ديسمبر 2023", "10 و 11 أيار/مايو 2022",
           "30 تشرين الثاني/نوفمبر و 1 كانون الأول/ديسمبر 2023", "من 3 إلى 6 أيار/مايو 2022",
           "من 29 تشرين الثاني/نوفمبر إلى 1 كانون الأول/ديسمبر 2023",
           "31 كانون الأول/ديسمبر 2023 و 1 كانون الثاني/يناير 2024",
           "من 30 كانون الأول/ديسمبر 2022 إلى 2 كانون الثاني/يناير 2023"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", list(CASES))
def test_date_forms(lang, case):
    """Two days in a row are two dates joined by "and", across a month's or a year's end
    too; longer events are ranges."""
    start, end = CASES[case]
    assert format_date_range(start, end, lang) == MATRIX[lang][list(CASES).index(case)]


# --- the root, built -------------------------------------------------------------------


@pytest.fixture(scope="module")
def egm(tmp_path_factory) -> Path:
    project = copy_root(NAME, tmp_path_factory.mktemp("egm"))
    result = run_in(project, "official", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output" / NAME


def bbox_words(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """The words of a page as ``pdftotext -bbox`` reads them: text, xMin, yMin, xMax, yMax (the
    characters of an Arabic word, which it gives in the order they are drawn, put back in reading order)."""
    out = subprocess.run([need("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(_reading_order(html.unescape(text).replace("\u2060", "")), *map(float, box))
            for *box, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                         r"([^<]*)</word>", out)]


def _reading_order(word: str) -> str:
    return word[::-1] if re.search("[\u0600-\u06ff]", word) else word


def docx_event(path: Path):
    return next(p for p in docx.Document(str(path)).paragraphs if p.style.name == "Event")


@pytest.mark.parametrize("lang", LANGS)
def test_cross_month_dates_in_both_documents(egm, lang):
    """The event line of both documents says "30 November and 1 December 2023" in the language."""
    dates = MATRIX[lang][2]
    event = docx_event(egm / f"{NAME}.{lang}.docx").text.replace("\u00a0", " ").replace("\u2060", "")
    assert event.endswith(dates), event
    shown = " ".join(word[0] for word in bbox_words(egm / f"{NAME}.{lang}.pdf")).replace("\u00a0", " ")
    if lang == "ar":  # words in the order they are drawn (right to left): each of the dates' words
        assert all(word in shown.split() for word in dates.split()), shown
    elif lang == "zh":
        assert dates in shown.replace(" ", ""), shown
    else:
        assert dates.replace("1er", "1 er") in shown, shown


def _superscripts(words) -> list[tuple[tuple, tuple]]:
    """(day, "er") pairs of words where "er" follows the day's "1" on its line."""
    return [(one, er) for one, er in zip(words, words[1:], strict=False)
            if one[0] == "1" and er[0] == "er" and abs(er[1] - one[3]) < 1]


def test_french_1er_is_a_superscript_in_the_pdf(egm):
    """"1er" in the masthead's date (1 November 2023), in the event line and in the body's
    translation ("les 30 novembre et 1er décembre 2023"): the "er" is smaller than the "1"
    and raised above its baseline."""
    pairs = _superscripts(bbox_words(egm / f"{NAME}.fr.pdf"))
    assert len(pairs) == 3, pairs  # the date of issue, the event's last day, the body's date
    for one, er in pairs:
        assert er[4] < one[4] - 2, (one, er)  # raised
        assert er[4] - er[2] < 0.8 * (one[4] - one[2]), (one, er)  # smaller


def test_french_1er_is_a_superscript_run_in_the_docx(egm):
    document = docx.Document(str(egm / f"{NAME}.fr.docx"))
    details = next(p for p in document.paragraphs if p.style.name == "Masthead Details")
    for paragraph in (details, docx_event(egm / f"{NAME}.fr.docx")):
        runs = paragraph.runs
        ups = [index for index, run in enumerate(runs) if run.font.superscript]
        assert [runs[index].text for index in ups] == ["er"], [(r.text, r.font.superscript) for r in runs]
        assert runs[ups[0] - 1].text.endswith("1") and runs[ups[0] + 1].text.startswith("\u00a0")
        assert paragraph.text.replace("\u00a0", " ").count("1er ") == 1


def test_other_languages_have_no_superscript(egm):
    for lang in LANGS:
        if lang != "fr":
            assert not _superscripts(bbox_words(egm / f"{NAME}.{lang}.pdf")), lang
            assert not any(run.font.superscript for run in docx_event(egm / f"{NAME}.{lang}.docx").runs), lang


def _runs(pdf: Path) -> list[tuple[str, str]]:
    """The text runs of the first page with their font's name (subset prefix dropped)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            runs.append((text, str(font.get("/BaseFont", "")).split("+")[-1]))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return runs


def test_arabic_masthead_latin_runs_are_one_latin_typeface(egm):
    """The symbol and the English masthead lines are set in Liberation Serif, digits included;
    digits inside Arabic sentences stay in Noto Naskh Arabic."""
    runs = _runs(egm / f"{NAME}.ar.pdf")
    latin = [(text, font) for text, font in runs if re.search(r"[A-Za-z]", text)]
    assert (SYMBOL, "cn-Liberation-Serif-Bold") in latin, latin
    assert ("1\u00a0November\u00a02023", "cn-Liberation-Serif") in latin, latin
    assert all(font.startswith("cn-Liberation-Serif") for _, font in latin), latin
    arabic_digits = [font for text, font in runs if re.fullmatch(r"[\s\u00a0]*\d+[\s\u00a0]*", text)
                     and "Naskh" in font]
    assert arabic_digits, runs  # e.g. the days of the event line


# --- a long organizer and a long venue ---------------------------------------------------

ORGANIZER = "United Nations Office for Disaster Risk Reduction"
VENUE = "Palais des Nations"


def _long(text: str, length: int = 120) -> str:
    """``text`` repeated to ``length`` characters, cut at a space."""
    long = " ".join([text] * (length // len(text) + 2))[:length]
    return long if long[-1] != " " else long[:-1] + "x"


def _long_venue(venue: str) -> str:
    """A venue whose event line wraps with much room left on its first line: three short
    words, then one word too long to join them (the venue's name without its spaces, 110
    letters: longer than a line, it overflows its own)."""
    words = (venue.split() * 3)[:3]
    return " ".join(words) + " " + ("".join(venue.split()) * 12)[:110]


def _lengthen(project: Path) -> None:
    """The first organizer 120 characters long, and a long venue (:func:`_long_venue`), in every language."""
    note = project / "content" / NAME / "note.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace(f"  - {ORGANIZER}\n", f"  - {_long(ORGANIZER)}\n")
                    .replace(f"venue: {VENUE}\n", f"venue: {_long_venue(VENUE)}\n"), encoding="utf-8")
    for path in sorted((project / "locales").glob(f"*/LC_MESSAGES/{NAME}.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream)
        for source, longer in ((ORGANIZER, _long), (VENUE, _long_venue)):
            message = catalog[source]
            catalog.delete(source)
            catalog.add(longer(source), longer(message.string), auto_comments=message.auto_comments)
        with path.open("wb") as stream:
            write_po(stream, catalog, width=10**6)


@pytest.fixture(scope="module")
def long(tmp_path_factory) -> Path:
    project = copy_root(NAME, tmp_path_factory.mktemp("long"))
    _lengthen(project)
    result = run_in(project, "official", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output" / NAME


@pytest.fixture(scope="module")
def long_docx_pdfs(long, tmp_path_factory) -> Path:
    """The six DOCX of ``long`` as LibreOffice lays them out (one conversion)."""
    out = tmp_path_factory.mktemp("lo")
    subprocess.run([need("soffice"), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *(str(long / f"{NAME}.{lang}.docx") for lang in LANGS)],
                   capture_output=True, text=True, timeout=600, check=True)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_symbol_never_breaks_in_the_pdf(long, lang):
    words = bbox_words(long / f"{NAME}.{lang}.pdf")
    assert any(word[0] == SYMBOL for word in words), [w[0] for w in words[:60]]
    organizer_lines = {round(word[2]) for word in words if word[2] < 150 and word[0] != SYMBOL}
    assert len(organizer_lines) >= 3, organizer_lines  # the organizers wrap instead


@pytest.mark.parametrize("lang", LANGS)
def test_symbol_never_breaks_in_the_docx(long_docx_pdfs, lang):
    words = bbox_words(long_docx_pdfs / f"{NAME}.{lang}.pdf")
    assert any(word[0] == SYMBOL for word in words), [w[0] for w in words[:60]]


def _lines(words) -> list[list[tuple]]:
    """Words grouped by their line (their bottom), each line from left to right."""
    lines: dict[int, list[tuple]] = {}
    for word in words:
        lines.setdefault(round(word[4]), []).append(word)
    return [sorted(line, key=lambda w: w[1]) for _, line in sorted(lines.items())]


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "zh"])  # Chinese has no spaces to stretch
def test_event_line_is_never_justified(long, lang):
    """The event line wraps after the venue's three short words (the next word is too long
    for what is left): the spaces between them keep their width, as on the line's last line,
    instead of stretching to the margin."""
    lines = _lines(bbox_words(long / f"{NAME}.{lang}.pdf"))
    venue = _venue(lang).split()[0]
    first = next(i for i, line in enumerate(lines) if line[0][0] == venue or line[-1][0] == venue)
    last = next(i for i, line in enumerate(lines) if i > first and any(w[0] == MATRIX[lang][2].split()[-1]
                                                                        for w in line))
    assert len(lines[first]) == 3 and last > first + 1, lines[first:last + 1]

    def gaps(line):
        return [b[1] - a[3] for a, b in zip(line, line[1:], strict=False)]

    assert max(gaps(lines[first])) < min(gaps(lines[last])) + 0.5, (gaps(lines[first]), gaps(lines[last]))


def _venue(lang: str) -> str:
    """The venue of the root's note in ``lang``, as its catalog translates it."""
    if lang == "en":
        return VENUE
    path = ROOT / "tests" / "roots" / NAME / "locales" / lang / "LC_MESSAGES" / f"{NAME}.po"
    with path.open("rb") as stream:
        return read_po(stream)[VENUE].string


# --- the date of issue left out -----------------------------------------------------------


def test_the_masthead_date_rule_is_documented():
    """Without ``date`` the masthead has no date line: the documentation says so where it
    describes the field, and names where the document's date comes from instead."""
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `date` |"))
    assert "no date line" in row and "SOURCE_DATE_EPOCH" in row, row


def test_arabic_spaces_are_copied_as_spaces(egm):
    """Noto Naskh Arabic draws the space and the no-break space with one glyph; the PDF's text
    says a space (``render.pdf_spaces``), whichever of the two the page drew first."""
    text = PdfReader(egm / f"{NAME}.ar.pdf").pages[0].extract_text()
    arabic_nbsp = re.findall("[\u0600-\u06ff]\u00a0|\u00a0[\u0600-\u06ff]", text)
    assert text.count(" ") > 50 and not arabic_nbsp, text  # "1 November 2023" (Liberation Serif) keeps its own
