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


def on_flag(element) -> bool:
    """Whether a flag of Word's properties (``<w:b/>``, ``<w:b w:val="0"/>``) is on."""
    return element is not None and element.get(W + "val", "true").lower() not in ("0", "false", "off")


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def table_of_contents(body) -> list:
    """The paragraphs of the body's tables of contents, in order: those of a content control
    Word and LibreOffice call "Table of Contents", and those from the start of a TOC field to
    its end (the end's paragraph only when nothing follows the end in it)."""
    paragraphs = list(body.iter(W + "p"))
    order = {id(p): index for index, p in enumerate(paragraphs)}
    found: set[int] = set()
    for control in body.iter(W + "sdt"):
        gallery = control.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        if gallery is not None and gallery.get(W + "val", "").lower() == "table of contents":
            found.update(order[id(p)] for p in control.iter(W + "p") if id(p) in order)
    stack: list[list] = []  # each field open: [its instruction, the paragraph it begins in]
    for element in body.iter(W + "fldChar", W + "instrText"):
        paragraph = next((a for a in element.iterancestors(W + "p")), None)
        if paragraph is None or id(paragraph) not in order:
            continue
        kind = element.get(W + "fldCharType")
        if element.tag == W + "instrText" and stack:
            stack[-1][0] += element.text or ""
        elif kind == "begin":
            stack.append(["", order[id(paragraph)]])
        elif kind == "end" and stack:
            instruction, first = stack.pop()
            if _field_name(instruction) == "TOC":
                run = next(element.iterancestors(W + "r"), element)
                after = "".join(t.text or "" for r in run.itersiblings(W + "r") for t in r.iter(W + "t"))
                last = order[id(paragraph)] - (1 if after.strip() else 0)
                found.update(range(first, last + 1))
    for simple in body.iter(W + "fldSimple"):
        paragraph = next(simple.iterancestors(W + "p"), None)
        if _field_name(simple.get(W + "instr") or "") == "TOC" and paragraph is not None and id(paragraph) in order:
            found.add(order[id(paragraph)])
    return [paragraphs[index] for index in sorted(found)]


def _header_pictures(archive: zipfile.ZipFile, main: str) -> list[str]:
    """The page headers and footers (their parts' names) that hold a picture or a drawing."""
    folder, _, name = main.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in archive.namelist():
        return []
    found = []
    for relation in parse_part(archive.read(rels)):
        kind = (relation.get("Type") or "").rsplit("/", 1)[-1]
        given = relation.get("Target") or ""
        target = given[1:] if given.startswith("/") else f"{folder}/{given}" if folder else given
        if kind in ("header", "footer") and target in archive.namelist() and relation.get("TargetMode") != "External":
            part = parse_part(archive.read(target))
            if next(part.iter(W + "drawing", W + "pict"), None) is not None:
                found.append(kind)
    return sorted(set(found))


def package_warnings(data: bytes, path: Path) -> Problems:
    """Warnings about the Word file ``data`` (named ``path`` in them), in document order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            main = main_part(archive, set(archive.namelist()))
            xml = archive.read(main)
        except KeyError:
            return Problems()
        pictures = _header_pictures(archive, main)
        comments = archive.read("word/comments.xml") if "word/comments.xml" in archive.namelist() else b""
    root = parse_part(xml)
    body = root.find(W + "body")
    if body is None:
        return Problems()
    found: list[str] = []
    # paragraphs of the body, tables' included, but not those inside text boxes
    paragraphs = [p for p in body.iter(W + "p") if not any(a.tag == W + "txbxContent" for a in p.iterancestors())]
    contents = {id(p) for p in table_of_contents(body)}
    for index, paragraph in enumerate(paragraphs, start=1):
        where = _where(index, paragraph)
        if id(paragraph) in contents:
            if not found or "table of contents" not in found[-1]:
                found.append(f"{where}: a table of contents was left out: its lines are Word's list of the"
                             " headings and their pages, not text")
            continue
        if paragraph.find(f".//{W}br[@{W}type='page']") is not None or \
                on_flag(paragraph.find(f"{W}pPr/{W}pageBreakBefore")):
            found.append(f"{where}: a page break was left out: the documents break their pages themselves")
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
    for kind in pictures:
        found.append(f"the page {kind} holds a picture (a logo?): it was left out; the documents print"
                     " their own masthead")
    if b"<w:comment " in comments and not any("comment" in f for f in found):
        found.append("the document has comments: they were left out")
    warnings = Problems()
    for message in found:
        warnings.add(path, 0, message, warning=True)
    return warnings
