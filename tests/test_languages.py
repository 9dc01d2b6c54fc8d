"""The sample in Arabic, Chinese, French, Russian and Spanish, read back from its PDF and DOCX.

Expected text comes from the catalogs (``locales/<lang>/LC_MESSAGES/*.po``, read with
Babel) and from the note localized by :func:`conceptnotes.translate.localize`; the
documents are the ones the session fixture ``sample_out`` built once.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from babel.messages.pofile import read_po
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from conceptnotes import languages
from conceptnotes import model as m
from conceptnotes.i18n import labels
from conceptnotes.i18n.formatting import country_name, format_date_range
from conceptnotes.i18n.localize import localize
from conceptnotes.i18n.typography import no_break_dates, typeset
from conceptnotes.i18n.units import units
from conceptnotes.model.visitor import walk
from conceptnotes.render.html import render_html

from .conftest import ROOT, build_in, need
from .readback import blocks_of, docx_body_paragraphs, docx_part_xml, find_in_order, footnote_texts, pdf_text, words

LANGS = tuple(code for code in languages.CODES if code != languages.DEFAULT_SOURCE)  # the sample has them all
LOCALES = ROOT / "locales"
CSS = ROOT / "templates" / "concept-note" / "note.css"
TITLE_BLOCK_STYLES = ("Masthead Organizer", "Masthead Details", "Subtitle", "Title", "Event")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


# Catalogs ------------------------------------------------------------------------------------


def catalog(lang: str, domain: str):
    with (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle)


def translation(lang: str, domain: str, msgid: str) -> str:
    message = catalog(lang, domain).get(msgid)
    assert message is not None and message.string and not message.fuzzy, (lang, domain, msgid)
    return message.string


def label_gettext(lang: str):
    """gettext of the label catalog, read with Babel (not with the package)."""
    found = catalog(lang, "messages")

    def gettext(msgid: str) -> str:
        message = found.get(msgid)
        return message.string if message is not None and message.string and not message.fuzzy else msgid

    return gettext


@pytest.fixture(scope="module")
def localized(sample_note):
    return {lang: localize(sample_note, lang) for lang in LANGS}


def pdf_path(sample_out: Path, lang: str) -> Path:
    return sample_out / f"malaga-2022.{lang}.pdf"


def docx_path(sample_out: Path, lang: str) -> Path:
    return sample_out / f"malaga-2022.{lang}.docx"


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


# Comparing text as a reader sees it --------------------------------------------------------


def _plain(text: str) -> str:
    """NFKC (Arabic presentation forms, no-break spaces) without the bidi controls pdftotext adds."""
    return unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS)


def tokens(text: str, lang: str) -> list[str]:
    """Words to compare in order; Arabic without short vowels, and digits apart from letters
    (pdftotext joins a number to the next Arabic word)."""
    text = _plain(text)
    if lang != "ar":
        return words(text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").replace("\u0640", "")
    return [piece for word in words(text) for piece in re.findall(r"\d+|\D+", word)]


def letters(text: str) -> str:
    """Only the letters, for Arabic read back from a PDF: pdftotext may draw a short vowel
    apart from its letter with a space on either side, and LibreOffice justifies Arabic
    with kashidas, which pdftotext reads as stray characters and spaces inside words."""
    text = _plain(text)
    return "".join(c for c in text if unicodedata.category(c).startswith("L") and c != "\u0640")


def squeezed(text: str) -> str:
    """Chinese: no word boundaries to compare, so the text without any white space."""
    return re.sub(r"\s+", "", _plain(text))


def contains(haystack: str, needle: str, lang: str) -> bool:
    if lang == "zh":
        return squeezed(needle) in squeezed(haystack)
    return f" {' '.join(tokens(needle, lang))} " in f" {' '.join(tokens(haystack, lang))} "


def find_pieces(needle: str, haystack: str, start: int = 0, *, min_piece: int = 6, max_pieces: int = 4,
                max_gap: int = 2000) -> tuple[int, int] | None:
    """``(begin, end)`` of ``needle`` found in ``haystack`` from ``start``, allowing it to be cut in
    up to ``max_pieces`` pieces (a page footer and footnotes interrupt a paragraph); None if not."""
    position, rest, begin = start, needle, None
    for _ in range(max_pieces):
        low, high = 0, len(rest)
        while low < high:  # longest prefix of rest found at or after position
            middle = (low + high + 1) // 2
            if haystack.find(rest[:middle], position) >= 0:
                low = middle
            else:
                high = middle - 1
        if low < min(min_piece, len(rest)):
            return None
        index = haystack.find(rest[:low], position)
        if begin is None:
            begin = index
        elif index - position > max_gap:
            return None
        position, rest = index + low, rest[low:]
        if not rest:
            return begin, position
    return None


def reading_order(document: m.Document, footnote_numbers: bool) -> list[tuple[str, bool]]:
    """``(text, in a table)`` of every paragraph-like block in reading order."""
    out = []
    for block in blocks_of(document.blocks):
        if isinstance(block, m.Paragraph | m.Heading):
            out.append((m.plain_text(block.children, footnote_numbers=footnote_numbers), False))
        elif isinstance(block, m.Table):
            out.extend((m.plain_text(c.children), True) for row in block.header + block.body for c in row)
    return [(text, cell) for text, cell in out if text.strip()]


def assert_text_in_order(text: str, document: m.Document, lang: str) -> None:
    """Every block of ``document`` is in ``text``, in reading order."""
    if lang in ("zh", "ar"):
        # no word boundaries to rely on: the text without spaces (Chinese) or its letters (Arabic)
        flat = squeezed if lang == "zh" else letters
        haystack, cursor, table_start = flat(text), 0, None
        for block, in_table in reading_order(document, footnote_numbers=lang == "zh"):
            start = cursor
            if in_table and lang == "ar":  # pdftotext may read an RTL row's cells in either order
                table_start = cursor if table_start is None else table_start
                start = table_start
            found = find_pieces(flat(block), haystack, start, min_piece=4)
            assert found is not None, f"not found in order: {block[:60]!r}"
            if not (in_table and lang == "ar"):
                cursor = found[0]
        assert cursor > len(haystack) // 2
        return
    body, cursor = tokens(text, lang), 0
    for block, _ in reading_order(document, footnote_numbers=True):
        expected = tokens(block, lang)
        end = find_in_order(expected, body, cursor)
        assert end is not None, f"not found in order: {block[:60]!r}"
        cursor = end - len(expected)  # a table cell may share a line with the next
    assert cursor > len(body) // 2


# 1. Translated title, labels, event line and body -------------------------------------------


def event_line(lang: str, meta: m.Meta) -> str:
    return labels.event_line(label_gettext(lang), meta, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_title_masthead_event_line_and_footer_are_translated(lang, sample_out, sample_note, localized):
    pdf = pdf_path(sample_out, lang)
    first = pdf_text(pdf, 1)
    gettext = label_gettext(lang)
    title = translation(lang, "malaga-2022", sample_note.meta.title)
    assert contains(first, title, lang), title
    for organizer in sample_note.meta.organizers:
        assert contains(first, translation(lang, "malaga-2022", organizer), lang), organizer
    original = gettext(labels.ORIGINAL["English"])
    assert original != labels.ORIGINAL["English"]  # every catalog translates it
    if languages.get(lang).english_masthead:  # UN practice (ar, ru, zh): their mastheads stay in English
        assert "Distr.: General" in first and "Original: English" in first and original not in first
    else:
        assert contains(first, gettext(labels.DISTRIBUTION["General"]), lang)
        assert contains(first, original, lang), original
    # the event line, from the label catalog, and its parts from the formatting functions
    meta = localized[lang].note.meta
    assert meta.event.city == typeset((m.Text(translation(lang, "malaga-2022", sample_note.meta.event.city)),),
                                      lang)[0].text
    line = event_line(lang, meta)
    assert contains(first, line, lang), line
    for part in (meta.event.city, country_name("ES", lang),
                 no_break_dates(format_date_range(meta.event.start, meta.event.end, lang), lang)):
        assert part in line
        assert contains(first, part, lang), part
    pages = page_count(pdf)
    for number in (1, pages):
        footer = gettext(labels.PAGE_OF_PAGES).format(page=number, pages=pages)
        assert contains(pdf_text(pdf, number), footer, lang), footer


PAGE_1 = {"fr": "Page 1 sur {n}", "es": "Página 1 de {n}", "zh": "第1页，共{n}页", "ar": "الصفحة 1 من {n}"}


@pytest.mark.parametrize("lang", sorted(PAGE_1))
def test_page_x_of_y_as_written_in_the_language(lang, sample_out):
    pdf = pdf_path(sample_out, lang)
    assert contains(pdf_text(pdf, 1), PAGE_1[lang].format(n=page_count(pdf)), lang)


def _docx_footer_pattern(path: Path) -> list[str]:
    """Each footer's text with its PAGE and NUMPAGES fields as {page} and {pages}."""
    out = []
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"word/footer\d+\.xml", n))
        for name in names:
            root = etree.fromstring(archive.read(name))
            for paragraph in root.iter(qn("w:p")):
                text, in_field = [], 0
                for node in paragraph.iter(qn("w:t"), qn("w:instrText"), qn("w:fldChar")):
                    if node.tag == qn("w:fldChar"):
                        kind = node.get(qn("w:fldCharType"))
                        in_field += {"begin": 1, "end": -1}.get(kind, 0)
                    elif node.tag == qn("w:instrText"):
                        field = node.text.strip()
                        text.append({"PAGE": "{page}", "NUMPAGES": "{pages}"}.get(field, f"<{field}>"))
                    elif not in_field:
                        text.append(node.text or "")
                if "".join(text).strip():
                    out.append("".join(text))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_docx_title_masthead_event_line_and_footer_are_translated(lang, sample_out, sample_note, localized):
    path = docx_path(sample_out, lang)
    document = docx.Document(str(path))
    paragraphs = [p for p in docx_body_paragraphs(document) if p.text.strip()]
    by_style = {}
    for paragraph in paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    gettext = label_gettext(lang)

    def typeset_text(text: str) -> str:
        return typeset((m.Text(text),), lang)[0].text

    assert by_style["Title"] == [typeset_text(translation(lang, "malaga-2022", sample_note.meta.title))]
    assert by_style["Subtitle"] == [typeset_text(translation(lang, "malaga-2022", sample_note.meta.subtitle))]
    assert by_style["Masthead Organizer"] == [typeset_text(translation(lang, "malaga-2022", o))
                                              for o in sample_note.meta.organizers]
    details = by_style["Masthead Details"][0]
    english = languages.get(lang).english_masthead  # UN practice (ar, ru, zh): their mastheads stay in English
    label = (lambda message: message) if english else gettext
    assert typeset_text(label(labels.DISTRIBUTION["General"])) in details
    assert typeset_text(label(labels.ORIGINAL["English"])) in details
    meta = localized[lang].note.meta
    assert by_style["Event"] == [typeset_text(event_line(lang, meta))]
    for part in (meta.event.city, country_name("ES", lang),
                 no_break_dates(format_date_range(meta.event.start, meta.event.end, lang), lang)):
        assert part in by_style["Event"][0]
    footers = _docx_footer_pattern(path)
    assert footers and set(footers) == {typeset_text(gettext(labels.PAGE_OF_PAGES))}


@pytest.mark.parametrize("lang", LANGS)
def test_every_translated_paragraph_in_order_in_the_pdf(lang, sample_out, localized):
    text = pdf_text(pdf_path(sample_out, lang))
    document = localized[lang].note.document
    assert_text_in_order(text, document, lang)
    for footnote in footnote_texts(document):
        if lang in ("zh", "ar"):
            flat = squeezed if lang == "zh" else letters
            assert find_pieces(flat(footnote), flat(text)) is not None, footnote
        else:
            assert find_in_order(tokens(footnote, lang), tokens(text, lang)) is not None, footnote


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_no_english_left(lang, sample_out, sample_note):
    """No source paragraph stands in for a translation (all units are translated)."""
    text = pdf_text(pdf_path(sample_out, lang))
    body = tokens(text, lang)
    for block, _ in reading_order(sample_note.document, footnote_numbers=False):
        source = words(block)
        if len(source) >= 6:
            assert find_in_order(source, body, slack=0) is None, block[:60]


@pytest.mark.parametrize("lang", LANGS)
def test_docx_body_is_the_translation(lang, sample_out, sample_note, localized):
    document = docx.Document(str(docx_path(sample_out, lang)))
    paragraphs = [p for p in docx_body_paragraphs(document) if p.text.strip()]
    body = [p.text.replace("\u2060", "") for p in paragraphs  # a call's word joiner (test_marks_and_spacing)
            if p.style.name not in TITLE_BLOCK_STYLES]
    assert body == [text.replace("\u2060", "")  # and the model's own: an Arabic month's (test_typography)
                    for text, _ in reading_order(localized[lang].note.document, footnote_numbers=False)]
    # headings straight from the catalog, in the note's order
    headings = [typeset((m.Text(translation(lang, "malaga-2022", u.msgid)),), lang)[0].text
                for u in units(sample_note) if u.kind == "heading"]
    assert [p.text for p in paragraphs if p.style.name.startswith("Heading")] == headings
    footnotes = etree.fromstring(docx_part_xml(docx_path(sample_out, lang), "word/footnotes.xml"))
    notes = [f for f in footnotes.findall(qn("w:footnote")) if f.get(qn("w:type")) is None]
    assert ["".join(t.text or "" for t in f.iter(qn("w:t"))).strip() for f in notes] \
        == footnote_texts(localized[lang].note.document)


# 2. Arabic runs right to left in the PDF ----------------------------------------------------


@dataclass
class Line:
    x_min: float
    x_max: float
    y: float
    words: list[tuple[float, float, str]]


def bbox_lines(pdf: Path, page: int) -> tuple[float, float, list[Line]]:
    """Page width, height and text lines (merged when on one baseline) from pdftotext -bbox-layout."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                           capture_output=True, check=True).stdout
    root = etree.fromstring(xhtml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    page_element = root.find(".//x:page", ns)
    found = []
    for line in root.iterfind(".//x:line", ns):
        boxes = [(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.iterfind("x:word", ns)]
        found.append(Line(float(line.get("xMin")), float(line.get("xMax")), float(line.get("yMin")), boxes))
    merged: list[Line] = []
    for line in sorted(found, key=lambda item: item.y):
        if merged and abs(line.y - merged[-1].y) < 2:  # a superscript or a stray mark on the same line
            last = merged[-1]
            merged[-1] = Line(min(last.x_min, line.x_min), max(last.x_max, line.x_max), last.y,
                              sorted(last.words + line.words))
        else:
            merged.append(line)
    return float(page_element.get("width")), float(page_element.get("height")), merged


def page_margins() -> tuple[float, float]:
    """Left and right page margins in points, from the template's @page rule."""
    found = re.search(r"@page\s*\{[^}]*?margin:\s*([\d.]+)cm\s+([\d.]+)cm\s+([\d.]+)cm\s+([\d.]+)cm",
                      CSS.read_text(encoding="utf-8"))
    assert found
    cm = 72 / 2.54
    return float(found.group(4)) * cm, float(found.group(2)) * cm


def body_lines(pdf: Path, meta_year: int) -> tuple[float, float, list[Line]]:
    """Lines of text of page 1 from the event line down, footer excluded, of 3 words or more."""
    width, height, lines = bbox_lines(pdf, 1)
    event = next(n for n, line in enumerate(lines) if any(t.strip(".:") == str(meta_year) for *_, t in line.words))
    footer = max(lines, key=lambda line: line.y)
    return width, height, [line for line in lines[event:] if line is not footer and len(line.words) >= 3]


def test_arabic_html_is_right_to_left(localized, sample_note):
    html = render_html(localized["ar"])
    tag = re.search(r"<html\b[^>]*>", html).group(0)
    assert re.search(r'\bdir="rtl"', tag) and re.search(r'\blang="ar"', tag), tag
    english = re.search(r"<html\b[^>]*>", render_html(localize(sample_note, "en"))).group(0)
    assert re.search(r'\bdir="ltr"', english) and re.search(r'\blang="en"', english), english


def test_arabic_pdf_lines_are_right_aligned(sample_out, sample_note):
    left, right = page_margins()
    width, _, lines = body_lines(pdf_path(sample_out, "ar"), sample_note.meta.event.start.year)
    assert len(lines) >= 15
    edge = width - right
    for line in lines:
        assert abs(line.x_max - edge) < 2, (line.x_min, line.x_max, line.y)
    starts = [line.x_min for line in lines]
    assert min(starts) == pytest.approx(left, abs=2)  # justified lines fill the width
    assert max(starts) - min(starts) > 100  # the last line of a paragraph ends short, on the left


def test_english_pdf_lines_are_left_aligned(sample_out, sample_note):
    left, right = page_margins()
    width, _, lines = body_lines(pdf_path(sample_out, "en"), sample_note.meta.event.start.year)
    assert len(lines) >= 15
    for line in lines:
        assert abs(line.x_min - left) < 2, (line.x_min, line.x_max, line.y)
    ends = [line.x_max for line in lines]
    assert max(ends) == pytest.approx(width - right, abs=2)
    assert max(ends) - min(ends) > 100


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_footer_is_centered_on_every_page(lang, sample_out):
    pdf = pdf_path(sample_out, lang)
    pages = page_count(pdf)
    for number in range(1, pages + 1):
        width, height, lines = bbox_lines(pdf, number)
        footer = max(lines, key=lambda line: line.y)
        assert footer.y > height * 0.9
        assert {t for *_, t in footer.words} >= {str(number), str(pages)}
        assert (footer.x_min + footer.x_max) / 2 == pytest.approx(width / 2, abs=1.5)


def _marker_lines(pdf: Path, count: int) -> dict[int, list[tuple[tuple[float, float, str], list]]]:
    """For each list number 1..count, the lines with a marker word "n." (".n" when drawn right to left)."""
    found: dict[int, list] = {n: [] for n in range(1, count + 1)}
    for page in range(1, page_count(pdf) + 1):
        for line in bbox_lines(pdf, page)[2]:
            for word in line.words:
                marker = re.fullmatch(r"(\d+)\.|\.(\d+)", word[2])
                if marker and len(line.words) >= 2:
                    number = int(marker.group(1) or marker.group(2))
                    if number in found:
                        found[number].append((word, [w for w in line.words if w is not word]))
    return found


def _ordered_items(document: m.Document) -> int:
    lists = [b for b in blocks_of(document.blocks) if isinstance(b, m.ListBlock) and b.ordered]
    assert len(lists) == 1
    return len(lists[0].items)


def test_arabic_list_numbers_are_right_of_their_items(sample_out, localized):
    items = _ordered_items(localized["ar"].note.document)
    for number, found in _marker_lines(pdf_path(sample_out, "ar"), items).items():
        assert found, f"no marker {number}"
        for marker, others in found:
            assert marker[0] > max(x_max for _, x_max, _ in others), (number, marker)


def test_english_list_numbers_are_left_of_their_items(sample_out, sample_note):
    items = _ordered_items(sample_note.document)
    for number, found in _marker_lines(pdf_path(sample_out, "en"), items).items():
        assert found, f"no marker {number}"
        for marker, others in found:
            assert marker[1] < min(x_min for x_min, _, _ in others), (number, marker)


def test_arabic_pdf_uses_western_digits_and_arabic_fonts(sample_out):
    pdf = pdf_path(sample_out, "ar")
    text = pdf_text(pdf)
    assert "2022" in _plain(text)
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", text)
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    names = {row.split()[0].split("+", 1)[1] for row in rows}
    assert "cn-Noto-Naskh-Arabic" in names
    for row in rows:
        name = row.split()[0]
        assert re.fullmatch(r"[A-Z]{6}\+cn-(Noto-Naskh-Arabic|Liberation-Serif)(-Bold)?", name), row
        assert " yes yes yes " in row, row


# 3. Arabic DOCX carries bidi -------------------------------------------------------------------


def _parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist()
                 if n in ("word/document.xml", "word/footnotes.xml") or re.fullmatch(r"word/footer\d+\.xml", n)]
        return {name: etree.fromstring(archive.read(name)) for name in names}


def _text_runs(root: etree._Element) -> list[etree._Element]:
    return [r for r in root.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def _on(element: etree._Element | None) -> bool:
    """A boolean run property that is set (present, without w:val="0"/"false"/"off")."""
    return element is not None and element.get(qn("w:val"), "1") not in ("0", "false", "off")


def _prop(run: etree._Element, name: str) -> etree._Element | None:
    rpr = run.find(qn("w:rPr"))
    return None if rpr is None else rpr.find(qn(f"w:{name}"))


def _italic_runs(parts: dict[str, etree._Element]) -> list[str]:
    return [f"{name}: {_run_text(run)!r}" for name, root in parts.items() for run in root.iter(qn("w:r"))
            if _on(_prop(run, "i")) or _on(_prop(run, "iCs"))]


def _inline_texts(document: m.Document, kind: type) -> list[str]:
    blocks = list(blocks_of(document.blocks)) + [b for f in document.footnotes for b in blocks_of(f.blocks)]
    out = []
    for block in blocks:
        for node in walk(getattr(block, "children", ())):
            if isinstance(node, kind):
                out.append(m.plain_text(node.children))
    return out


@pytest.fixture(scope="module")
def arabic_parts(sample_out):
    return _parts(docx_path(sample_out, "ar"))


def test_arabic_docx_paragraphs_are_right_to_left(arabic_parts):
    body = arabic_parts["word/document.xml"]
    paragraphs = list(body.iter(qn("w:p")))
    assert len(paragraphs) > 30
    for name, root in arabic_parts.items():
        for paragraph in root.iter(qn("w:p")):
            found = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
            bidi = found is not None and found.get(qn("w:val"), "1") not in ("0", "false")
            # the masthead's English lines (UN practice) are the one left-to-right paragraph
            assert bidi != _masthead_details(paragraph), (name, paragraph.xpath("string()"))


def _masthead_details(paragraph) -> bool:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style is not None and style.get(qn("w:val")) == "MastheadDetails"


def test_arabic_docx_runs_are_right_to_left_with_the_arabic_font(arabic_parts):
    for name, root in arabic_parts.items():
        runs = _text_runs(root)
        assert runs, name
        for run in runs:
            english = _masthead_details(run.getparent())  # "Distr.: General", "Original: English"
            assert (_prop(run, "rtl") is None) == english, (name, _run_text(run))
            fonts_ = _prop(run, "rFonts")
            assert fonts_ is not None and fonts_.get(qn("w:cs")) == "Noto Naskh Arabic", (name, _run_text(run))
            lang = _prop(run, "lang")
            assert lang is not None and lang.get(qn("w:bidi")) == "ar-SA", (name, _run_text(run))


def test_arabic_docx_strong_and_emphasis_are_bold_never_italic(arabic_parts, localized):
    document = localized["ar"].note.document
    bold_texts = _inline_texts(document, m.Strong) + _inline_texts(document, m.Emphasis)
    assert len(_inline_texts(document, m.Strong)) >= 1 and len(_inline_texts(document, m.Emphasis)) >= 1
    runs = [run for root in arabic_parts.values() for run in _text_runs(root)]
    for text in bold_texts:
        matching = [run for run in runs if _run_text(run) == text]
        assert matching, text
        for run in matching:
            assert _on(_prop(run, "b")) and _on(_prop(run, "bCs")), text
    assert _italic_runs(arabic_parts) == []


def test_arabic_docx_table_section_and_default_language(sample_out, arabic_parts):
    body = arabic_parts["word/document.xml"]
    tables = list(body.iter(qn("w:tbl")))
    assert tables
    for table in tables:
        assert table.find(f"{qn('w:tblPr')}/{qn('w:bidiVisual')}") is not None
    sections = list(body.iter(qn("w:sectPr")))
    assert sections and all(s.find(qn("w:bidi")) is not None for s in sections)
    styles = etree.fromstring(docx_part_xml(docx_path(sample_out, "ar"), "word/styles.xml"))
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang is not None and lang.get(qn("w:bidi")) == "ar-SA"


def test_english_docx_is_not_right_to_left(sample_out):
    parts = _parts(docx_path(sample_out, "en"))
    body = parts["word/document.xml"]
    assert body.find(f".//{qn('w:bidi')}") is None and body.find(f".//{qn('w:rtl')}") is None
    assert body.find(f".//{qn('w:bidiVisual')}") is None


# 4. Chinese fonts ----------------------------------------------------------------------------------


def test_chinese_docx_fonts_and_language(sample_out, localized):
    parts = _parts(docx_path(sample_out, "zh"))
    emphasis = set(_inline_texts(localized["zh"].note.document, m.Emphasis))
    assert emphasis
    seen_sans = set()
    for name, root in parts.items():
        for run in _text_runs(root):
            text = _run_text(run)
            fonts_ = _prop(run, "rFonts")
            assert fonts_ is not None, (name, text)
            expected = "Noto Sans CJK SC" if text in emphasis else "Noto Serif CJK SC"
            assert fonts_.get(qn("w:eastAsia")) == expected, (name, text)
            if expected == "Noto Sans CJK SC":
                seen_sans.add(text)
            lang = _prop(run, "lang")
            assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN", (name, text)
    assert seen_sans == emphasis
    assert _italic_runs(parts) == []


def test_chinese_pdf_uses_only_the_cjk_faces(sample_out):
    pdf = pdf_path(sample_out, "zh")
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    names = set()
    for row in rows:
        name = row.split()[0]
        assert re.fullmatch(r"[A-Z]{6}\+cn-(Noto-Serif-CJK-SC|Noto-Sans-CJK-SC|Liberation-Serif)(-Bold)?", name), row
        assert " yes yes yes " in row, row  # embedded, subset, with a Unicode map
        assert not re.search(r"DejaVu|Italic|Oblique", name), row
        names.add(name.split("+", 1)[1])
    assert {"cn-Noto-Serif-CJK-SC", "cn-Noto-Sans-CJK-SC"} <= names  # Sans: the emphasis


# 5. French typography ------------------------------------------------------------------------------


def _french_sources() -> list[str]:
    found = catalog("fr", "malaga-2022")
    return [message.string for message in found if message.id and message.string]


def _pypdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _docx_texts(path: Path) -> list[str]:
    parts = _parts(path)
    return ["".join(t.text or "" for t in p.iter(qn("w:t")))
            for name in ("word/document.xml", "word/footnotes.xml") for p in parts[name].iter(qn("w:p"))]


def _narrow_cases() -> list[str]:
    """'word;' for every 'word ;' (also ? and !) of the French catalog followed by a space or the end."""
    cases = []
    for text in _french_sources():
        plain = re.sub(r"\*+|\[\^\w+\]", "", text)
        for found in re.finditer(r"(\w+)[ \u00a0\u202f]([;?!])(?=\s|$)", plain):
            cases.append(found.group(1) + "\u202f" + found.group(2))
    return cases


def test_french_masthead_has_a_no_break_space_before_the_colon(sample_out):
    expected = translation("fr", "messages", labels.ORIGINAL["English"]).replace(" :", "\u00a0:")
    assert expected == "Original\u00a0: anglais"
    assert expected in _pypdf_text(pdf_path(sample_out, "fr"))
    details = [p.text for p in docx.Document(str(docx_path(sample_out, "fr"))).paragraphs
               if p.style.name == "Masthead Details"]
    assert len(details) == 1 and expected in details[0]


def test_french_narrow_no_break_space_before_semicolons(sample_out):
    cases = _narrow_cases()
    assert len(cases) >= 10
    pdf = _pypdf_text(pdf_path(sample_out, "fr"))
    docx_text = "\n".join(_docx_texts(docx_path(sample_out, "fr")))
    for case in cases:
        assert case in pdf, case
        assert case in docx_text, case
    assert not re.search(r" [;?!]", pdf)


def test_french_docx_never_has_a_plain_space_before_a_colon(sample_out):
    texts = _docx_texts(docx_path(sample_out, "fr"))
    colons = [t for t in texts if re.search(r"\S[\u00a0 ]:", t)]
    assert len(colons) >= 5
    for text in texts:
        assert not re.search(r" [:;?!]", text), text


def test_french_pdf_keeps_punctuation_with_its_word(sample_out):
    """A no-break space never lets a line begin with the colon or semicolon it precedes."""
    for line in pdf_text(pdf_path(sample_out, "fr")).splitlines():
        assert not re.match(r"\s*[:;?!]", line), line


def test_english_has_no_french_spaces(sample_out):
    assert "\u202f" not in _pypdf_text(pdf_path(sample_out, "en"))
    assert not any("\u202f" in t or "\u00a0:" in t for t in _docx_texts(docx_path(sample_out, "en")))


def test_french_colon_after_emphasis_gets_a_no_break_space():
    nodes = (m.Emphasis((m.Text("Dialogue virtuel"),)), m.Text(" : les conclusions"))
    assert typeset(nodes, "fr")[1] == m.Text("\u00a0: les conclusions")


def test_french_double_punctuation_gets_one_narrow_space():
    assert typeset((m.Text("Quoi ?! Vraiment !"),), "fr") == (m.Text("Quoi\u202f?! Vraiment\u202f!"),)


# 6. LibreOffice opens the Arabic and Chinese DOCX -------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_pdfs(sample_out, tmp_path_factory):
    soffice = need("soffice")
    folder = tmp_path_factory.mktemp("libreoffice")
    profile = folder / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(docx_path(sample_out, "ar")), str(docx_path(sample_out, "zh"))],
        capture_output=True, text=True, timeout=240,
    )
    converted = {lang: folder / f"malaga-2022.{lang}.pdf" for lang in ("ar", "zh")}
    assert result.returncode == 0 and all(p.is_file() for p in converted.values()), result.stderr
    return converted


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_libreoffice_converts_the_docx_and_the_text_survives(lang, libreoffice_pdfs, sample_note, localized):
    converted = libreoffice_pdfs[lang]
    text = pdf_text(converted)
    haystack, cursor = letters(text), 0
    document = localized[lang].note.document
    for block, _ in reading_order(document, footnote_numbers=False):
        found = find_pieces(letters(block), haystack, cursor, min_piece=4)
        assert found is not None, f"lost by LibreOffice: {block[:60]!r}"
        cursor = found[0]
    assert cursor > len(haystack) // 2
    for footnote in footnote_texts(document):
        assert find_pieces(letters(footnote), haystack, min_piece=4) is not None, footnote
    title = translation(lang, "malaga-2022", sample_note.meta.title)
    assert letters(title) in letters(pdf_text(converted, 1))
    pages = page_count(converted)
    footer = label_gettext(lang)(labels.PAGE_OF_PAGES).format(page=1, pages=pages)
    assert contains(pdf_text(converted, 1), footer, lang), footer



@pytest.mark.parametrize("lang", ["ar", "zh", "en"])
def test_docx_subtitle_letters_spaced_only_where_the_script_allows(lang, sample_out):
    """The template's Subtitle spaces its letters: joined Arabic letters would come apart
    (as LibreOffice shows them), Chinese has no such convention; both reset it to 0."""
    document = docx.Document(str(docx_path(sample_out, lang)))
    (subtitle,) = [p for p in document.paragraphs if p.style.name == "Subtitle"]
    spacing = [_prop(run._r, "spacing") for run in subtitle.runs]
    if lang == "en":
        assert spacing == [None]  # the style's spacing applies
    else:
        assert [s.get(qn("w:val")) for s in spacing] == ["0"]


def _line_width(pdf: Path, marker: str) -> float:
    """The width of the line of the PDF whose words begin with ``marker``: from the first
    word's left edge to the last word's right edge (pdftotext -bbox-layout)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    root = etree.fromstring(xml.stdout.encode(), etree.XMLParser(recover=True))
    for line in root.iter("{*}line"):
        words = list(line.iter("{*}word"))
        if words and "".join(w.text or "" for w in words).startswith(marker):
            return float(words[-1].get("xMax")) - float(words[0].get("xMin"))
    raise AssertionError(f"no line starting with {marker!r}")


def test_adjacent_full_width_punctuation_leaves_no_double_gap(make_note):
    """Issue 10, item 18: "：（" took two full ems; the first mark is set at half width."""
    front = (
        "title: 测试\nlanguages: [zh]\nsource_language: zh\nevent:\n  start: 2022-05-10\n  end: 2022-05-11\n"
        "  city: 日内瓦\n  country: CH\n"
    )
    folder = make_note("# 导言\n\n甲：（乙）丙\n\n甲乙丙丁戊己\n", front=front)
    assert build_in(folder.parent.parent, "build", "--format", "pdf") == 0
    pdf = folder.parent.parent / "output" / folder.name / f"{folder.name}.zh.pdf"
    paired, plain = _line_width(pdf, "甲："), _line_width(pdf, "甲乙")
    em = plain / 6  # six full-width characters
    assert abs(paired - 5.5 * em) < 0.1 * em, (paired, plain)  # "：（" takes one and a half ems, not two
