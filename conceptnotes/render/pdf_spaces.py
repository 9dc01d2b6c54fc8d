"""The PDF's text of a glyph that a font draws for both the space and the no-break space.

WeasyPrint 70 writes one character per glyph in a font's ``/ToUnicode`` map: the character
it drew that glyph for first (``weasyprint.draw.text``: ``if glyph_id not in
font.to_unicode``).  Noto Naskh Arabic draws U+0020 and U+00A0 with one glyph, and a
right-to-left line is drawn from its left end: when the first such glyph on the page is the
no-break space of a date ("10 أيار/مايو 2022", see ``i18n.typography.no_break_dates``), every
space of the document is copied and searched as U+00A0.  :func:`spaces_as_spaces`, a
finisher of ``write_pdf``, maps that glyph back to U+0020.  A font with a glyph of its own
for the no-break space (Liberation Serif) keeps it as U+00A0.
"""

from __future__ import annotations

SPACE, NO_BREAK_SPACE = " ", "\u00a0"


def spaces_as_spaces(document, pdf) -> None:
    """Finisher of ``write_pdf``: a glyph drawn for a no-break space that is also the font's
    space is U+0020 in its ``/ToUnicode`` map."""
    for font in document.fonts.values():
        shared = [glyph for glyph, text in font.to_unicode.items() if text == NO_BREAK_SPACE
                  and glyph == _space_glyph(font)]
        if shared:
            _rewrite(_to_unicode_stream(pdf, font.name), shared)


def _space_glyph(font) -> int | None:
    """The glyph ``font`` (a WeasyPrint font) draws for U+0020, or None."""
    import uharfbuzz as hb

    return hb.Font(hb.Face(font.file_content, font.index or 0)).get_nominal_glyph(ord(SPACE))


def _to_unicode_stream(pdf, name: bytes):
    """The ``/ToUnicode`` stream of the font whose ``/BaseFont`` is ``name``, or None."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Font" and obj.get("BaseFont") == name:
            reference = obj.get("ToUnicode")  # b"12 0 R": the object's number is its index
            if reference is not None:
                return pdf.objects[int(bytes(reference).split()[0])]
    return None


def _rewrite(stream, glyphs: list[int]) -> None:
    if stream is None:
        return
    lines = {f"<{glyph:04x}> <00a0>".encode(): f"<{glyph:04x}> <0020>".encode() for glyph in glyphs}
    stream.stream = [lines.get(line, line) for line in stream.stream]
