"""The CJK faces subsetted to a document's characters before WeasyPrint reads them.

A Chinese PDF names, in its ``@font-face`` rules, subsets of the Noto CJK faces written by
the build into the cache (by face and character set); every glyph it shows is still
embedded, the text reads back the same, and the fonts it embeds are a small fraction of
what the whole faces gave.  Speed is measured by the benchmark, not here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import uharfbuzz as hb
from pypdf import PdfReader

from conceptnotes import fonts
from conceptnotes.build import cache, provenance
from conceptnotes.errors import NoteError
from conceptnotes.i18n import labels
from conceptnotes.i18n.localize import localize
from conceptnotes.read.loader import load_note
from conceptnotes.render.html import TEMPLATE_DIR, pdf_characters, pdf_font_files, render_html, shown_characters
from conceptnotes.render.pdf import render_pdf

from .conftest import ROOT, SAMPLE
from .readback import pdf_text
from .test_languages import assert_text_in_order

PINNED = r"[A-Z]{6}\+cn-(Noto-Serif-CJK-SC|Noto-Sans-CJK-SC|Liberation-Serif)(-Bold|-Italic|-BoldItalic)?"


@pytest.fixture(scope="module")
def zh_build(tmp_path_factory):
    """The sample's Chinese PDF built by the command line with a cache of its own; (pdf, cache)."""
    where = tmp_path_factory.mktemp("zh-subset")
    cache_home = where / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", str(SAMPLE), "--lang", "zh",
                             "--format", "pdf", "--out", str(where / "out")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return where / "out" / "malaga-2022" / "malaga-2022.zh.pdf", cache_home / "conceptnotes" / "fonts"


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """An empty cache for a test that calls the build's cache in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "conceptnotes" / "fonts" / "subsets"


def _zh(note_folder: Path = SAMPLE):
    note, _ = load_note(note_folder)
    return localize(note, "zh")


# What the PDF embeds ------------------------------------------------------------------------------------


def test_the_chinese_pdf_embeds_only_subsets_of_the_pinned_faces(zh_build):
    pdf, _ = zh_build
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.fullmatch(PINNED, row.split()[0]), row
        assert "Type 3" not in row, row  # no glyph drawn by WeasyPrint for want of a font
        assert " yes yes yes " in row, row  # embedded, subset, with a Unicode map


def test_the_chinese_pdf_reads_back_as_the_document(zh_build):
    pdf, _ = zh_build
    localized = _zh()
    text = pdf_text(pdf)
    assert_text_in_order(text, localized.note.document, "zh")
    assert "\ufffd" not in text and "\u25a1" not in text  # no replacement character, no tofu


def test_every_character_the_chinese_pdf_shows_is_in_a_subset_it_names(zh_build):
    """Each character pdftotext reads is in the subset of the regular Serif face (the body's)
    or in Liberation Serif (Latin runs), never left to a fallback."""
    pdf, folder = zh_build
    (regular,) = folder.glob("subsets/NotoSerifCJK-Regular-2-*.otf")
    shown = {ord(c) for c in pdf_text(pdf) if not c.isspace() and c not in fonts.IGNORABLE}
    in_subset = set(hb.Face(hb.Blob(regular.read_bytes())).unicodes)
    latin = fonts.cmap(Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"), None)
    assert shown - in_subset - latin == set()
    assert len(in_subset) < 2000  # a subset, not the face's 44,746 characters


def _cid_fonts(pdf: Path) -> list[tuple[str, int, int]]:
    """(name, bytes of the embedded font program, glyphs given a width) of each CID font."""
    out, seen = [], set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font.indirect_reference.idnum in seen:
                continue
            seen.add(font.indirect_reference.idnum)
            cid = font["/DescendantFonts"][0].get_object()
            descriptor = cid["/FontDescriptor"].get_object()
            program = next(descriptor[k].get_object() for k in ("/FontFile3", "/FontFile2") if k in descriptor)
            widths, glyphs, index = list(cid.get("/W", [])), 0, 0
            while index < len(widths):  # c [w1 w2 ...] or c_first c_last w
                if isinstance(widths[index + 1], list):
                    glyphs, index = glyphs + len(widths[index + 1]), index + 2
                else:
                    glyphs, index = glyphs + int(widths[index + 1]) - int(widths[index]) + 1, index + 3
            out.append((str(font["/BaseFont"]), len(program.get_data()), glyphs))
    return out


def test_the_cjk_fonts_embedded_are_small_for_the_glyphs_they_hold(zh_build):
    """From the whole faces, WeasyPrint embedded each CJK font with its 65,535 glyph slots:
    740-840 KB each (2,300-18,000 bytes a glyph) in this PDF; from the subsets, 250-500."""
    pdf, _ = zh_build
    cjk = [(name, size, glyphs) for name, size, glyphs in _cid_fonts(pdf) if "CJK" in name]
    assert {name.split("+")[1] for name, _, _ in cjk} == {"cn-Noto-Serif-CJK-SC", "cn-Noto-Serif-CJK-SC-Bold",
                                                            "cn-Noto-Sans-CJK-SC"}
    for name, size, glyphs in cjk:
        assert glyphs > 0 and size < 1000 * glyphs + 20_000, (name, size, glyphs)
    assert pdf.stat().st_size < 200_000  # 523 KB from the whole faces


# The cache: by face and character set -----------------------------------------------------------------


def test_the_same_text_reuses_its_subsets_and_a_new_character_makes_new_ones(tmp_path, own_cache):
    written = cache.prepare_fonts([(_zh(), TEMPLATE_DIR)])
    assert sorted(p.name.split("-2-")[0] for p in written) == [
        "NotoSansCJK-Bold", "NotoSansCJK-Regular", "NotoSerifCJK-Bold", "NotoSerifCJK-Regular"]
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in own_cache.iterdir()}
    assert set(before) == set(written)

    assert cache.prepare_fonts([(_zh(), TEMPLATE_DIR)]) == []  # the same text: nothing written
    assert {p: (p.stat().st_ino, p.read_bytes()) for p in own_cache.iterdir()} == before

    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project / "content" / SAMPLE.name)
    shutil.copytree(ROOT / "locales", project / "locales")
    po = project / "locales" / "zh" / "LC_MESSAGES" / "malaga-2022.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "马拉加"', 'msgstr "马拉加龘"'), encoding="utf-8")
    localized = _zh(project / "content" / SAMPLE.name)
    assert ord("龘") in pdf_characters(localized)
    new = cache.prepare_fonts([(localized, TEMPLATE_DIR)])
    assert len(new) == 4 and not set(new) & set(before)
    (regular,) = [p for p in new if p.name.startswith("NotoSerifCJK-Regular-2-")]
    assert ord("龘") in hb.Face(hb.Blob(regular.read_bytes())).unicodes
    assert all(p.is_file() for p in before)  # the first text's subsets stay, until a week unused


def test_a_subset_is_the_same_bytes_every_time(own_cache):
    face = fonts.family_faces("Noto Serif CJK SC")[0]
    chars = pdf_characters(_zh())
    assert cache.subset(face, chars) == cache.subset(face, chars)


def test_an_unused_subset_is_pruned_after_a_week(own_cache):
    localized = _zh()
    (first, *_) = cache.prepare_fonts([(localized, TEMPLATE_DIR)])
    stale = own_cache / "NotoSerifCJK-Regular-2-0000000000000000-0000000000000000.otf"
    stale.write_bytes(b"old")
    week_ago = first.stat().st_mtime - cache.SUBSETS_KEPT - 60
    os.utime(stale, (week_ago, week_ago))
    os.utime(first, (week_ago, week_ago))  # old, but this build uses it: kept
    for path in own_cache.iterdir():  # the other faces' subsets gone: this build writes them again
        if path not in (first, stale):
            path.unlink()
    cache.prepare_fonts([(localized, TEMPLATE_DIR)])
    assert not stale.exists()
    assert first.is_file()


# Layout: the subset shapes as the whole face --------------------------------------------------------------


def _shape(face: hb.Face, text: str, features: dict | None = None) -> list[tuple[int, int]]:
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(face), buffer, features or {})
    return [(info.cluster, pos.x_advance) for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)]


@pytest.mark.parametrize(("family", "text", "features"), [
    ("Noto Serif CJK SC", "本次高级别国际会议是联合国反恐怖主义办公室（反恐办）和西班牙王国", None),
    ("Noto Serif CJK SC", "会议将讨论：（a）人权；（b）", {"halt": True}),  # the first of two marks at half width
    ("Noto Naskh Arabic", "المؤتمر الدولي الرفيع المستوى المعني بحقوق الإنسان", None),  # joined forms, marks
])  # fmt: skip
def test_a_subset_shapes_its_text_as_the_whole_face_does(own_cache, family, text, features):
    """Every layout feature is kept: Arabic joining forms, CJK 'halt' (HarfBuzz's default
    list of features, or its inversion, would lose some)."""
    face = fonts.family_faces(family)[0]
    whole = fonts.harfbuzz_face(face.source, face.index)
    part = hb.Face(hb.Blob(cache.subset(face, fonts.shown_characters([text]))))
    assert _shape(part, text, features) == _shape(whole, text, features)
    if features:
        assert _shape(whole, text, features) != _shape(whole, text)


# The character set ----------------------------------------------------------------------------------------


def test_the_characters_include_generated_content_and_what_weasyprint_adds():
    localized = _zh()
    html = render_html(localized)
    chars = shown_characters(html, TEMPLATE_DIR)
    page_label = localized.gettext(labels.PAGE_OF_PAGES)
    assert "\uff0c" in page_label and "\\ff0c" in html  # a full-width comma, written as a CSS escape
    assert {ord(c) for c in page_label if not c.isspace() and c not in "{}"} <= chars  # @page content
    assert {ord(c) for c in "0123456789•–‐…()"} <= chars  # counters, list markers, a hyphenation
    assert {ord("É"), ord("é")} <= shown_characters("<p>é</p>", TEMPLATE_DIR)  # text-transform: both cases


def test_the_pdf_names_the_subsets_and_may_read_nothing_else(own_cache):
    """The @font-face rules name the subsets; HTML naming the whole collection is refused."""
    localized = _zh()
    cache.prepare_fonts([(localized, TEMPLATE_DIR)])
    files = pdf_font_files(localized)
    html = render_html(localized, TEMPLATE_DIR, files)
    for face, path in files.items():
        assert path.as_uri() in html
        assert path.is_relative_to(own_cache) == (face.index is not None)
    assert ".ttc" not in html
    assert render_pdf(localized).data.startswith(b"%PDF-")
    with pytest.raises(NoteError) as caught:
        render_pdf(localized, html=render_html(localized))  # names the collections themselves
    assert any("NotoSerifCJK-Regular.ttc" in str(p) for p in caught.value.problems)


def test_a_new_subsetter_changes_the_outputs_key():
    assert "uharfbuzz" in provenance.tool_versions()
    assert "uharfbuzz" in fonts.subsetter()
