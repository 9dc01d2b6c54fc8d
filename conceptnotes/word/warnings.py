"""What a Word file holds that a note cannot, told as warnings with where it was.

mammoth converts the body and says nothing of tracked changes (it keeps inserted text and
drops deleted text: the changes are accepted), comments (left out), text boxes, fields and
drawings.  This module reads the main part (``word/document.xml``, or what ``_rels/.rels``
names) with the parser that refuses DTDs (the package was checked by
:func:`~conceptnotes.render.docx.template.unsafe_docx`) and
names each such thing by its paragraph: its number among the body's paragraphs and its
first words.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from conceptnotes.errors import Problems, excerpt
from conceptnotes.render.docx.template import main_part, parse_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
V = "{urn:schemas-microsoft-com:vml}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
# Fields that are the page's own (numbers in a footer), not content
PAGE_FIELDS = ("PAGE", "NUMPAGES", "SECTIONPAGES")
SHOWN = 40  # characters of a paragraph quoted to say where


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(W + "t", W + "delText"))


def _where(index: int, paragraph) -> str:
    text = re.sub(r"\s+", " ", _text(paragraph)).strip()
    return f"paragraph {index}" + (f' ("{excerpt(text, SHOWN)}")' if text else "")


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def package_warnings(data: bytes, path: Path) -> Problems:
    """Warnings about the Word file ``data`` (named ``path`` in them), in document order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(main_part(archive, set(archive.namelist())))
        except KeyError:
            return Problems()
        comments = archive.read("word/comments.xml") if "word/comments.xml" in archive.namelist() else b""
    root = parse_part(xml)
    body = root.find(W + "body")
    if body is None:
        return Problems()
    found: list[str] = []
    # paragraphs of the body, tables' included, but not those inside text boxes
    paragraphs = [p for p in body.iter(W + "p") if not any(a.tag == W + "txbxContent" for a in p.iterancestors())]
    for index, paragraph in enumerate(paragraphs, start=1):
        where = _where(index, paragraph)
        if paragraph.find(f".//{W}ins") is not None or paragraph.find(f"{W}pPr/{W}rPr/{W}ins") is not None:
            found.append(f"{where}: a tracked insertion was taken as text (the change accepted)")
        if paragraph.find(f".//{W}del") is not None:
            found.append(f"{where}: a tracked deletion was left out (the change accepted)")
        if any(paragraph.find(f".//{W}{tag}") is not None for tag in ("commentReference", "commentRangeStart")):
            found.append(f"{where}: a comment was left out")
        if paragraph.find(f".//{W}txbxContent") is not None:
            found.append(f"{where}: a text box: its text may be out of place, or missing; check it")
        fields = [f.get(W + "instr") or "" for f in paragraph.iter(W + "fldSimple")]
        fields += [t.text or "" for t in paragraph.iter(W + "instrText")]
        for name in dict.fromkeys(_field_name(f) for f in fields):
            if name and name not in PAGE_FIELDS:
                found.append(f"{where}: a field ({name}) was kept as its last shown text")
        drawings = [d for d in paragraph.iter(W + "drawing") if next(d.iter(PIC + "pic"), None) is None]
        shapes = list(paragraph.iter(WPS + "wsp")) + [s for s in paragraph.iter(V + "shape")
                                                      if next(s.iter(V + "imagedata"), None) is None]
        if (drawings or shapes) and paragraph.find(f".//{W}txbxContent") is None:
            found.append(f"{where}: a drawing or shape (not a picture) was left out")
    if b"<w:comment " in comments and not any("comment" in f for f in found):
        found.append("the document has comments: they were left out")
    warnings = Problems()
    for message in found:
        warnings.add(path, 0, message, warning=True)
    return warnings
