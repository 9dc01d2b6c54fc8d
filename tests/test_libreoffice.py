"""LibreOffice, a real word processor, opens each DOCX and keeps its text."""

from __future__ import annotations

import subprocess

from .conftest import need
from .readback import block_texts, find_in_order, footnote_texts, pdf_text, words


def test_libreoffice_converts_the_docx_and_the_text_survives(sample_out, sample_note, tmp_path):
    soffice = need("soffice")
    profile = tmp_path / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(sample_out / "malaga-2022.en.docx")],
        capture_output=True, text=True, timeout=240,
    )
    converted = tmp_path / "malaga-2022.en.pdf"
    assert result.returncode == 0 and converted.is_file(), result.stderr
    text = pdf_text(converted)
    body = words(text)
    cursor = 0
    for paragraph in block_texts(sample_note.document, footnote_numbers=True):
        end = find_in_order(words(paragraph), body, cursor)
        assert end is not None, f"lost by LibreOffice: {paragraph[:80]!r}"
        cursor = end - len(words(paragraph))
    for footnote in footnote_texts(sample_note.document):
        assert find_in_order(words(footnote), body) is not None, footnote
    pages = subprocess.run(["pdfinfo", str(converted)], capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert f"Page 1 of {count}" in text and f"Page {count} of {count}" in text
