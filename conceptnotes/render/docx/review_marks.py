"""The marks a DOCX carries for a review in Word (``build.py review import``).

Each run of the note's text (``model.UnitMark``) is a Word bookmark named ``_cn<id>``
(hidden: Word lists it only when asked), which Word and LibreOffice keep through editing
and saving; LibreOffice 7.4 keeps the bookmark's start where it was but may move its end
before the paragraph's last character, so a run is read from its bookmark's start to its
paragraph's end (every run ends its paragraph).  A custom XML part (``customXml/``, kept
by both) records the build: the note, the language, the digests of what it was built from,
and each run's source, line and the text it was rendered as (:func:`paragraph_text`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from lxml import etree

from conceptnotes.model.localized import Localized, UnitMark
from conceptnotes.render.docx.ooxml import element, w

NAMESPACE = "urn:conceptnotes:review:1"
BOOKMARK_PREFIX = "_cn"
OBJECT = "\ufffc"  # a footnote call, a picture: in a run's text, one character
_CN = f"{{{NAMESPACE}}}"
_SKIPPED = frozenset({"pPr", "rPr", "instrText", "footnoteRef", "annotationRef", "commentReference", "delInstrText"})
_DELETED, _INSERTED = frozenset({"del", "moveFrom"}), frozenset({"ins", "moveTo"})
_CHARACTERS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "\u2011", "softHyphen": "\u00ad",
               "footnoteReference": OBJECT, "drawing": OBJECT, "pict": OBJECT, "object": OBJECT}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraph_text(paragraph, *, accepted: bool = True, start=None) -> tuple[str, int]:
    """A paragraph's text (``w:p``) with its tracked changes accepted (or, ``accepted=False``,
    rejected), and where ``start`` (an element inside it) stands in that text (0 without it).
    A footnote call or a picture is :data:`OBJECT`; a line break a newline."""
    pieces, at = paragraph_pieces(paragraph, accepted=accepted, start=start)
    return "".join(text for text, _run, _link in pieces), at


def paragraph_pieces(paragraph, *, accepted: bool = True, start=None) -> tuple[list[tuple[str, object, object]], int]:
    """:func:`paragraph_text` in pieces, each with the run (``w:r``) and the hyperlink
    (``w:hyperlink``, or None) it is in: what formats it (``word/review_runs``)."""
    out: list[tuple[str, object, object]] = []
    at = [0]

    def walk(node, run, link) -> None:
        for child in node:
            if child is start:
                at[0] = sum(len(text) for text, _run, _link in out)
            if not isinstance(child.tag, str) or not child.tag.startswith(_W):
                continue
            name = child.tag[len(_W):]
            if name in _SKIPPED or (name in _DELETED and accepted) or (name in _INSERTED and not accepted):
                continue
            if name in ("t", "delText"):
                out.append((child.text or "", run, link))
            elif name in _CHARACTERS:
                out.append((_CHARACTERS[name], run, link))
            else:
                walk(child, child if name == "r" else run, child if name == "hyperlink" else link)

    walk(paragraph, None, None)
    return out, at[0]


@dataclass(frozen=True)
class Recorded:
    """A run as the build recorded it: its mark, the part it is in, the text before it in its
    paragraph (a caption's label, a footnote's space) and the text it was rendered as."""

    mark: UnitMark
    part: str  # "document" or "footnotes"
    prefix: str
    rendered: str
    suffix: str = ""  # the text after it in its paragraph (the venue's: the rest of the event line)


@dataclass(frozen=True)
class Record:
    """What a DOCX built by this project says of its build."""

    note: str
    lang: str
    source_language: str
    digest: str  # of note.md and the catalogs read
    inputs: tuple[tuple[str, str], ...]  # (name, SHA-256)
    units: tuple[Recorded, ...]


class Marker:
    """Bookmarks each run of a document as it is written, then records them (:meth:`record`)."""

    def __init__(self, localized: Localized, runs: dict[str, list[tuple]]) -> None:
        """``runs``: the document's runs of inlines (the tuples its renderer writes) by footnote
        key ("" for the body), in the order of ``localized.units``."""
        by_part: dict[str, list[UnitMark]] = {}
        for mark in localized.units:
            by_part.setdefault(mark.footnote, []).append(mark)
        self.marks: dict[int, list[UnitMark]] = {}
        for key, found in runs.items():
            marks = by_part.get(key, [])
            if len(marks) == len(found):  # the same structure: always, for a localized note
                for run, mark in zip(found, marks, strict=True):
                    self.marks.setdefault(id(run), []).append(mark)
        self.runs = runs  # kept alive: the marks are found by the runs' identity
        self.front = {mark.name: mark for mark in localized.front_units}
        self.placed: list[tuple[UnitMark, object, object, object, str]] = []

    def take(self, nodes: tuple) -> UnitMark | None:
        """The mark of a run about to be written, or None for any other run of inlines."""
        queue = self.marks.get(id(nodes))
        return queue.pop(0) if queue else None

    def take_front(self, field: str) -> UnitMark | None:
        """The mark of a front-matter text (``title``, ``organizers.0``) about to be written."""
        return self.front.pop(field, None)

    def place(self, mark: UnitMark, target, first: int, bookmark_id: int, part: str, last: int | None = None) -> None:
        """Bookmark the children of ``target`` (a ``w:p``) from index ``first`` to its end
        (or to index ``last``: the text after it is recorded, to be found again there)."""
        start = element(w("bookmarkStart"))
        start.set(w("id"), str(bookmark_id))
        start.set(w("name"), BOOKMARK_PREFIX + mark.id)
        end = element(w("bookmarkEnd"))
        end.set(w("id"), str(bookmark_id))
        target.insert(first, start)
        if last is None:
            target.append(end)
        else:
            target.insert(last + 1, end)
        self.placed.append((mark, target, start, end if last is not None else None, part))

    def record(self, localized: Localized) -> bytes:
        """The custom XML part of the build's facts and every run placed."""
        note = localized.note
        inputs = [("note.md", note.raw)] + [("/".join(path.parts[-3:]), data) for path, data in localized.catalogs]
        root = etree.Element(_CN + "build", nsmap={"cn": NAMESPACE})
        root.set("note", note.id)
        root.set("lang", localized.lang)
        root.set("source-language", note.meta.source_language)
        whole = hashlib.sha256()
        for name, data in inputs:
            digest = hashlib.sha256(data).hexdigest()
            whole.update(f"{name}\0{digest}\n".encode())
            etree.SubElement(root, _CN + "input", name=name, sha256=digest)
        root.set("digest", whole.hexdigest())
        for mark, paragraph, start, end, part in self.placed:
            text, at = paragraph_text(paragraph, start=start)
            to = paragraph_text(paragraph, start=end)[1] if end is not None else len(text)
            unit = etree.SubElement(root, _CN + "unit", id=mark.id, part=part, line=str(mark.line), name=mark.name,
                                    footnote=mark.footnote, translated="1" if mark.translated else "0")
            for tag, value in (("source", mark.source), ("text", mark.text), ("prefix", text[:at]),
                               ("rendered", text[at:to]), ("suffix", text[to:])):
                if tag != "suffix" or value:
                    etree.SubElement(unit, _CN + tag).text = value
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def around(nodes: tuple, span: tuple[int, int]) -> tuple[tuple, tuple, tuple]:
    """``nodes`` (a front-matter text's inlines) in three: before ``span`` (the start and
    end of a part of their text as ``model.plain_text`` writes it), inside it, after it; a
    text across an edge is cut there (no other node stands across one)."""
    from conceptnotes import model as m

    out: tuple[list, list, list] = ([], [], [])
    at = 0
    for node in nodes:
        text = m.plain_text((node,))
        if isinstance(node, m.Text):
            for part, (a, b) in enumerate(((0, span[0]), span, (span[1], at + len(text)))):
                if text[max(a - at, 0):max(b - at, 0)]:
                    out[part].append(m.Text(text[max(a - at, 0):max(b - at, 0)]))
        else:
            out[0 if at < span[0] else 1 if at < span[1] else 2].append(node)
        at += len(text)
    return tuple(out[0]), tuple(out[1]), tuple(out[2])


def paragraph_suffix(text: str, suffix: str) -> str | None:
    """``text`` (a run's, from its bookmark's start to its paragraph's end) without the
    ``suffix`` the build recorded after it; None when the paragraph no longer ends so."""
    if not suffix:
        return text
    return text[:-len(suffix)] if text.endswith(suffix) else None


def add_record(document, data: bytes, seed: str) -> None:
    """Add ``data`` to the document's package as a custom XML part (with its properties part,
    whose item id is made from ``seed``: the same in every build of one document)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    names = {str(part.partname) for part in package.iter_parts()}
    number = next(n for n in range(1, 1000) if f"/customXml/item{n}.xml" not in names)
    item = Part(PackURI(f"/customXml/item{number}.xml"), "application/xml", data, package)
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{seed}")).upper()
    props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem'
        f' ds:itemID="{{{guid}}}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    properties = Part(PackURI(f"/customXml/itemProps{number}.xml"),
                      "application/vnd.openxmlformats-officedocument.customXmlProperties+xml", props, package)
    item.relate_to(properties, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def read_record(root) -> Record:
    """The record of a parsed custom XML part (its root :func:`is_record`); ValueError if it
    is not whole."""
    try:
        units = tuple(
            Recorded(
                UnitMark(unit.get("id"), _text(unit, "source"), int(unit.get("line") or 0), unit.get("name") or "",
                         _text(unit, "text"), unit.get("footnote") or "", unit.get("translated") == "1"),
                unit.get("part") or "document", _text(unit, "prefix"), _text(unit, "rendered"), _text(unit, "suffix"),
            )
            for unit in root.iter(_CN + "unit")
        )
        inputs = tuple((i.get("name") or "", i.get("sha256") or "") for i in root.iter(_CN + "input"))
        return Record(root.get("note") or "", root.get("lang") or "", root.get("source-language") or "",
                      root.get("digest") or "", inputs, units)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the review record cannot be read: {exc}") from None


def is_record(root) -> bool:
    return root.tag == _CN + "build"


def _text(unit, tag: str) -> str:
    found = unit.find(_CN + tag)
    return (found.text or "") if found is not None else ""
