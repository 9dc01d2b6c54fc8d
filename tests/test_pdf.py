"""PDF documents read back: text in order, footnotes on their page, outline, metadata, fonts.

Each check reads the English PDF of the test root that has what it checks
(``tests/roots/<name>``: ``footnotes``, ``lists``, ``table``, ``styles``), built once per
session with the command line.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from conceptnotes import model as m

from .conftest import build_in, note_of
from .readback import block_texts, blocks_of, find_in_order, footnote_places, footnote_texts, pdf_text, words


@pytest.fixture(scope="module")
def root_pdf(built):
    """``root_pdf(name)``: the English PDF of the test root ``name`` and its note."""
    found = {}

    def get(name: str):
        if name not in found:
            project = built(name)
            found[name] = (project / "output" / name / f"{name}.en.pdf", note_of(project))
        return found[name]

    return get


@pytest.fixture(scope="module")
def pdf(root_pdf):
    """The English PDF of the root ``footnotes``: two pages, footnotes, emphasis, a link."""
    return root_pdf("footnotes")[0]


@pytest.fixture(scope="module")
def note(root_pdf):
    """The note of ``pdf``."""
    return root_pdf("footnotes")[1]


@pytest.mark.parametrize("name", ["footnotes", "lists", "table"])
def test_every_paragraph_in_order(root_pdf, name):
    pdf, note = root_pdf(name)
    body = words(pdf_text(pdf))
    cursor = 0
    for text in block_texts(note.document, footnote_numbers=True):
        end = find_in_order(words(text), body, cursor)
        assert end is not None, f"not found in order in the PDF: {text[:80]!r}"
        cursor = end - len(words(text))  # a table cell may share a line with the next
    assert cursor > len(body) // 2


def test_masthead_and_title_block(pdf, note):
    first = pdf_text(pdf, 1)
    meta = note.meta
    for organizer in meta.organizers:
        assert organizer in first
    assert "Distr.: General" in first
    assert "Original: English" in first
    assert meta.subtitle.upper() in first
    assert "Geneva, Switzerland, 16 and 17 October 2023" in first
    assert find_in_order(words(meta.title), words(first)) is not None


def test_footnotes_at_the_foot_of_the_calling_page(pdf, note):
    pages = len(PdfReader(pdf).pages)
    places = footnote_places(pdf, note.document, pages)
    assert len(places) == len(note.document.footnotes) >= 3
    for place, text in zip(places, footnote_texts(note.document), strict=True):
        assert place.call_page is not None and place.text_page == place.call_page, place
        # below every line of body text on that page (not inline where it is called)
        fragments = text_lines(pdf, place.text_page - 1)
        body_texts = block_texts(note.document)
        body_y = [y for y, t in fragments if len(t) >= 20 and any(t in b for b in body_texts)]
        printed = text.replace("'", "\u2019")  # as typeset (no-break spaces read as spaces below)
        note_y = [y for y, t in fragments if len(t) >= 20 and t.replace("\u00a0", " ") in printed]
        assert body_y and note_y and min(note_y) > max(body_y), place
    assert len({p.text_page for p in places}) >= 2  # footnotes called on the first page and on a later one


def test_footnotes_that_do_not_fit_move_with_their_call_in_order(root_pdf):
    """A page whose footnotes do not all fit: the line calling the one that does not fit
    moves to the next page with it; no footnote prints before an earlier one."""
    pdf, note = root_pdf("crowded")
    pages = len(PdfReader(pdf).pages)
    places = footnote_places(pdf, note.document, pages)
    assert len(places) == len(note.document.footnotes) == 8
    for place in places:
        assert place.call_page is not None and place.text_page == place.call_page, place
    order = [(p.text_page, p.text_at) for p in places]
    assert order == sorted(order)
    # the page is full: the first page holds some footnotes, the second the rest
    assert {p.text_page for p in places} == {1, 2}


def text_lines(pdf, index: int) -> list[tuple[float, str]]:
    """(distance from the top, text) of each text fragment of page ``index``."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((tm[5], text.strip()))

    PdfReader(pdf).pages[index].extract_text(visitor_text=visit)
    return out


def test_outline_has_one_entry_per_heading(root_pdf):
    pdf, note = root_pdf("styles")

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    headings = [m.plain_text(b.children) for b in blocks_of(note.document.blocks)
                if isinstance(b, m.Heading)]
    assert list(titles(PdfReader(pdf).outline)) == headings
    # sub-sections are nested under their section, sub-sub-sections under their sub-section
    outline = PdfReader(pdf).outline
    nested = [item for item in outline if isinstance(item, list)]
    assert [t.title for t in nested[0]] == ["The Strategy", "Terms used in this note"]

    def tree(items):
        return [tree(item) if isinstance(item, list) else item.title for item in items]

    assert tree(outline) == ["Introduction", "Context", ["The Strategy", "Terms used in this note"], "Programme",
                             ["Sessions", ["First day", "Second day"], "Timetable", "Venue"], "Registration"]


def test_metadata_language_and_tagging(pdf, note):
    reader = PdfReader(pdf)
    assert reader.metadata.title == note.meta.title
    assert reader.metadata.author == "; ".join(note.meta.organizers)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata["/CreationDate"].startswith("D:20231016")  # the first day of the event


def test_footer_page_x_of_y(pdf):
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in pdf_text(pdf, n)


def test_only_pinned_fonts_all_embedded(pdf):
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_ = row.split()
        # only our @font-face faces ('cn ' names), never a system font answering to the same name
        assert re.fullmatch(r"[A-Z]{6}\+cn-Liberation-Serif(-Bold|-Italic|-BoldItalic)?", name), row
        assert " yes yes yes " in row, row  # embedded, subset, unicode map


def test_a4_pages(pdf):
    for page in PdfReader(pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)


def test_hyperlink_is_a_link(pdf):
    uris = [annot.get_object()["/A"]["/URI"] for page in PdfReader(pdf).pages
            for annot in page.get("/Annots", []) if "/A" in annot.get_object()]
    assert "https://www.un.org/counterterrorism/" in uris


# The language of source text standing in for a translation -----------------------------------


def _marked_texts(page) -> dict[int, str]:
    """The text each marked-content id of a page shows."""
    texts: dict[int, list[str]] = {}
    stack: list[int | None] = []

    def operator(op, args, cm, tm):
        if op == b"BDC":
            properties = args[1] if len(args) > 1 else None
            stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(content, cm, tm, font, size):
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None:
            texts.setdefault(mcid, []).append(content)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


def _texts_by_language(path) -> dict[str, str]:
    """The PDF's tagged text by the language of its structure element (its own /Lang, or its
    nearest ancestor's, or the document's)."""
    reader = PdfReader(str(path))
    pages = {page.indirect_reference.idnum: _marked_texts(page) for page in reader.pages}
    out: dict[str, list[str]] = {}

    def walk(element, lang, page):
        element = element.get_object()
        if isinstance(element, list):
            for kid in element:
                walk(kid, lang, page)
            return
        lang = str(element.get("/Lang", lang))
        page = element.raw_get("/Pg").idnum if "/Pg" in element else page
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                out.setdefault(lang, []).append(pages[page].get(kid, ""))
            elif hasattr(kid.get_object(), "get") and kid.get_object().get("/Type") == "/StructElem":
                walk(kid, lang, page)

    root = reader.trailer["/Root"]
    walk(root["/StructTreeRoot"]["/K"], str(root["/Lang"]), None)
    return {lang: " ".join(parts) for lang, parts in out.items()}


def test_english_fallback_in_french_pdf_is_tagged_english(fallback):
    from .conftest import TIMES

    by_language = {lang: _as_written(text) for lang, text in _texts_by_language(fallback / "translated.fr.pdf").items()}
    assert TIMES in by_language["en"] and "Objectives" in by_language["en"]
    assert "L'atelier" in by_language["fr"] and TIMES not in by_language["fr"]


def _as_written(text: str) -> str:
    """Text as the note wrote it, without the no-break spaces, word joiners and curled
    apostrophes that typesetting puts in."""
    return text.replace("\xa0", " ").replace("\u2060", "").replace("\u2019", "'")


def test_english_fallback_in_arabic_pdf_is_tagged_english(fallback):
    from .conftest import AIMS

    by_language = _texts_by_language(fallback / "translated.ar.pdf")
    assert words(AIMS) == words(by_language["en"])[: len(words(AIMS))] or AIMS in by_language["en"]
    assert AIMS not in by_language.get("ar", "")


def test_english_fallback_in_arabic_pdf_runs_left_to_right(fallback):
    """Each line of an English paragraph in the Arabic draft starts at the left margin (a
    right-to-left paragraph flushes its last line right, and its bullets stand on the right)."""
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(fallback / "translated.ar.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout.splitlines()

    def indent(start: str) -> int:
        (line,) = [line for line in layout if line.strip().startswith(start)]
        return len(line) - len(line.lstrip())

    margin = indent("The workshop aims")
    assert indent("specific needs of women and girls.") == margin
    assert indent("Registration of participants") == margin
    assert indent("The workshop will bring together:") == margin
    assert indent("Objectives") == margin
    bullets = [line for line in layout if line.strip().startswith("•")]
    assert len(bullets) == 3 and all(len(line) - len(line.lstrip()) <= margin for line in bullets)


CHARTER = ("We the peoples of the United Nations determined to save succeeding generations from the scourge of war, "
           "which twice in our lifetime has brought untold sorrow to mankind, and to reaffirm faith in fundamental "
           "human rights, in the dignity and worth of the human person, in the equal rights of men and women and of "
           "nations large and small,")


def test_a_paragraph_introducing_a_quotation_stays_with_it(make_note):
    """The introduction ends page 1 where the quotation would start page 2 (without the rule,
    it does: 12 paragraphs and 5 sentences fill the page to there); it moves with the quote."""
    import docx

    fill = "The meeting will bring together experts from Member States, United Nations entities, " \
           "regional organizations, academia and civil society.\n\n"
    folder = make_note("# Introduction\n\n" + fill * 12 + "The meeting will take place in Geneva. " * 5
                       + "\n\nThe Preamble of the Charter of the United Nations begins as follows:\n\n> " + CHARTER + "\n")
    project = folder.parent.parent
    assert build_in(project, "build", "--jobs", "1") == 0
    out = project / "output" / folder.name
    pdf = out / f"{folder.name}.en.pdf"
    pages = [" ".join(words(pdf_text(pdf, n))) for n in range(1, len(PdfReader(pdf).pages) + 1)]
    intro = [n for n, text in enumerate(pages) if "begins as follows" in text]
    quote = [n for n, text in enumerate(pages) if "we the peoples" in text]
    assert len(intro) == len(quote) == 1 and intro == quote, (intro, quote)
    paragraphs = docx.Document(str(out / f"{folder.name}.en.docx")).paragraphs
    (index,) = [i for i, p in enumerate(paragraphs) if p.text.endswith("begins as follows:")]
    assert paragraphs[index + 1].style.name == "Quote"
    assert paragraphs[index].paragraph_format.keep_with_next
