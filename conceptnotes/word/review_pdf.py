"""``build.py review import FILE.pdf``: a built PDF's annotations listed with their units.

A reviewer's comments on a PDF (sticky notes, highlights, strike-outs, underlines, inserted
text, text boxes) are PDF annotations (``/Annots`` of each page, read by pypdf).  Each is
placed on the words under it (its quadrilaterals, else its rectangle; a note's icon: the
line beside it), as poppler's ``pdftotext -bbox-layout`` finds the words and lines of each
page, and those lines are matched against the text of the note's runs as the PDF shows them
in its language (the note localized as the build does), the title, subtitle and organizers
included: the best match names the unit and its ``note.md`` or ``.po`` line.
Nothing is applied: a PDF does not say what the reviewer's text replaces.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from conceptnotes import languages
from conceptnotes.errors import NoteError, UsageError, display_path
from conceptnotes.project import Project
from conceptnotes.read.files import read_input

MAX_PDF_BYTES = 100_000_000
KINDS = {"/Text": "comment", "/Highlight": "highlight", "/StrikeOut": "strike-out", "/Underline": "underline",
         "/Squiggly": "squiggly underline", "/Caret": "insertion mark", "/FreeText": "text box"}
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
                       "\u00a0": "", "\u202f": "", "\u2009": "", " ": "", "\n": "", "\u2011": "-", "\u00ad": ""})


@dataclass(frozen=True)
class Annotation:
    page: int
    kind: str  # "comment", "highlight", "strike-out"...
    author: str
    text: str  # what the reviewer wrote ('' for a bare highlight)
    anchored: str  # the PDF's text under it
    where: str  # "note.md:24", "fr/...po:40", or "" outside the note's text
    reply_to: str = ""  # the author of the annotation this one answers


@dataclass(frozen=True)
class _Word:
    x0: float
    x1: float
    text: str


@dataclass(frozen=True)
class _Line:
    y0: float  # PDF coordinates: from the page's foot
    y1: float
    words: tuple[_Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def read_annotations(path: Path, project: Project) -> tuple[str, str, list[Annotation]]:
    """The note id, the language and the annotations of the PDF at ``path``; NoteError if it
    cannot be read or is none of this project's notes."""
    import pypdf
    from pypdf.errors import PdfReadError

    data = read_input(path, path.parent, limit=MAX_PDF_BYTES,
                      too_large=lambda size: f"larger than {MAX_PDF_BYTES // 1_000_000} MB")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        lang = str(reader.trailer["/Root"].get("/Lang") or "").split("-")[0].lower()
        annots = [page.get("/Annots") or [] for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "")
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise NoteError.at(path, 0, f"this PDF cannot be read: {exc}") from None
    lines = _page_lines(data, path, rtl=lang in languages.CODES and languages.get(lang).rtl)
    runs, note_id = _runs(project, path, lang, title)
    found = [a for number, (page_lines, page_annots) in enumerate(zip(lines, annots, strict=False), 1)
             for a in _annotations(number, page_lines, page_annots, runs)]
    return note_id, lang, found


def _page_lines(data: bytes, path: Path, rtl: bool) -> list[list[_Line]]:
    """Each page's lines of words, as poppler's pdftotext finds them; in a right-to-left
    document, which it gives in the order they are drawn, each word's letters and each
    line's words turned back into reading order."""
    from lxml import etree

    tool = shutil.which("pdftotext")
    if tool is None:
        raise UsageError("pdftotext is missing (it finds the words under each annotation): install poppler-utils")
    done = subprocess.run([tool, "-q", "-bbox-layout", "-", "-"], input=data, capture_output=True, timeout=120)
    if done.returncode != 0:
        raise NoteError.at(path, 0, "this PDF cannot be read: pdftotext found no text in it")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False)
    root = etree.fromstring(done.stdout, parser)
    pages = []
    for page in root.iter("{*}page"):
        height = float(page.get("height") or 0)
        found = []
        for line in page.iter("{*}line"):
            words = [_Word(float(w.get("xMin") or 0), float(w.get("xMax") or 0), (w.text or "")[::-1 if rtl else 1])
                     for w in line.iter("{*}word")]
            found.append(_Line(height - float(line.get("yMax") or 0), height - float(line.get("yMin") or 0),
                               tuple(reversed(words) if rtl else words)))
        pages.append(found)
    return pages


def _runs(project: Project, path: Path, lang: str, title: str) -> tuple[list[tuple[str, str]], str]:
    """Each run's text as the PDF shows it (folded) and where it is edited, of the note the
    PDF is of: the one note in that language, else the one whose title the PDF's is."""
    from conceptnotes.read.loader import load_note

    notes = [note for note in (load_note(f, body=False)[0] for f in project.note_folders())
             if lang == note.meta.source_language or lang in note.meta.languages]
    candidates = [_shown(note.folder, lang) for note in notes]
    if len(candidates) > 1:
        candidates = [c for c in candidates if c[2] == title.translate(_FOLD)]
    if len(candidates) != 1:
        raise NoteError.at(path, 0, f"this PDF ('{lang or '?'}', titled '{title}') is not one of this project's notes"
                                    " as they are now: build it again, or run this in the note's project")
    runs, note_id, _ = candidates[0]
    return runs, note_id


def _shown(folder: Path, lang: str) -> tuple[list[tuple[str, str]], str, str]:
    from conceptnotes import model as m
    from conceptnotes.i18n import editing, units
    from conceptnotes.i18n.localize import localize
    from conceptnotes.model.visitor import map_inlines
    from conceptnotes.read.loader import load_note

    note, _ = load_note(folder)
    localized = localize(note, lang)
    texts: list[str] = []

    def collect(inlines, _line, _name):
        texts.append(m.plain_text(inlines, footnote_numbers=True))
        return inlines

    map_inlines(m.Document(localized.note.document.blocks, ()), collect)
    for footnote in localized.note.document.footnotes:
        map_inlines(footnote, collect, line=footnote.line)
    shown = {field: text for field, text, _line in units.shown_fields(localized.note.meta)}  # as the PDF shows them
    front = [(shown.get(mark.name, ""), mark.source, mark.line) for mark in localized.front_units]
    opened = None if lang == note.meta.source_language else editing.open_note(folder, lang)
    name = display_path(opened.path) if opened else "note.md"

    def where(source: str, line: int) -> str:
        return f"{name}:{editing.entry(opened, source).po_line}" if opened else f"note.md:{line}"

    runs = [(text.translate(_FOLD), where(mark.source, mark.line)) for text, mark in zip(texts, localized.units,
                                                                                           strict=False)]
    runs += [(shown.translate(_FOLD), where(source, line)) for shown, source, line in front if shown]
    return runs, note.id, localized.note.meta.title.translate(_FOLD)


def _annotations(number: int, lines: list[_Line], annots, runs) -> list[Annotation]:
    objects = [a.get_object() for a in annots]
    authors = {getattr(a, "idnum", None): str(o.get("/T") or "") for a, o in zip(annots, objects, strict=True)}
    out = []
    for annotation in objects:
        kind = KINDS.get(str(annotation.get("/Subtype")))
        if kind is None:
            continue
        anchored, line_text = _under(annotation, lines)
        answered = annotation.get("/IRT")
        reply = authors.get(getattr(answered, "idnum", None), "?") if answered is not None else ""
        out.append(Annotation(number, kind, str(annotation.get("/T") or ""), str(annotation.get("/Contents") or ""),
                              anchored, _unit(line_text, runs), reply))
    return out


def _under(annotation, lines: list[_Line]) -> tuple[str, str]:
    """The words under an annotation (their middle inside one of its boxes) and the whole of
    their lines; a note's icon, which covers no word: '' and the line nearest to it."""
    boxes = _boxes(annotation)
    hit: list[_Line] = []
    anchored: list[str] = []
    for x0, y0, x1, y1 in boxes:
        for line in lines:
            if y0 <= (line.y0 + line.y1) / 2 <= y1:
                words = [w.text for w in line.words if x0 <= (w.x0 + w.x1) / 2 <= x1]
                if words:
                    hit.append(line)
                    anchored += words
    if not hit and boxes and lines:
        middle = (boxes[0][1] + boxes[0][3]) / 2
        hit = [min(lines, key=lambda line: abs((line.y0 + line.y1) / 2 - middle))]
    return " ".join(anchored), " ".join(dict.fromkeys(line.text for line in hit))


def _boxes(annotation) -> list[tuple[float, float, float, float]]:
    quads = annotation.get("/QuadPoints")
    if quads:
        values = [float(v) for v in quads]
        return [(min(values[i:i + 8:2]), min(values[i + 1:i + 8:2]), max(values[i:i + 8:2]), max(values[i + 1:i + 8:2]))
                for i in range(0, len(values) - 7, 8)]
    rect = annotation.get("/Rect")
    if rect:
        x0, y0, x1, y1 = (float(v) for v in rect)
        return [(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))]
    return []


def _unit(text: str, runs: list[tuple[str, str]]) -> str:
    """Where the run that best holds ``text`` is edited (the longest stretch of it in one
    piece, then the most of it, then the shortest run), or '' when none holds most of it."""
    folded = text.translate(_FOLD)
    if not folded:
        return ""
    best, where = (0, 0, 0), ""
    for run, at in runs:
        blocks = SequenceMatcher(None, folded, run, autojunk=False).get_matching_blocks()
        score = (max(block.size for block in blocks), sum(block.size for block in blocks), -len(run))
        if score > best:
            best, where = score, at
    return where if best[1] >= 0.8 * len(folded) else ""
