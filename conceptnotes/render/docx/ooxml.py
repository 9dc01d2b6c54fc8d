"""Small OOXML helpers for what python-docx 1.2 has no API for.

Footnotes (``word/footnotes.xml``), list numbering (``w:numPr`` with a restart per
list), fields (PAGE, NUMPAGES), hyperlinks, bookmarks, repeated table header rows
and a reproducible zip.  Each works on python-docx objects or their lxml elements
and is tested on its own in ``tests/test_ooxml.py``.
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from typing import IO

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import oxml_parser
from lxml import etree

from conceptnotes import languages

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@functools.cache
def w(name: str) -> str:
    """The Clark name of ``w:name`` (``{namespace}name``), worked out once."""
    return qn(f"w:{name}")


_NSMAP = {"w": W_NS}


# What a double-quoted attribute value escapes, line breaks and tabs included (as
# ``xml.sax.saxutils.quoteattr`` does, whose module imports ``urllib.request``: 11 ms)
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def attribute(value: str) -> str:
    """``value`` as a double-quoted XML attribute value: what a parser reads back is ``value``."""
    return '"' + value.translate(_ATTRIBUTE) + '"'


def element(tag: str):
    """A new python-docx element of Clark name ``tag`` (``w(name)``): what ``OxmlElement``
    makes, without parsing a prefixed name each time."""
    return oxml_parser.makeelement(tag, nsmap=_NSMAP)


_RPR, _RFONTS, _RTL, _LANG, _VAL, _PPR = w("rPr"), w("rFonts"), w("rtl"), w("lang"), w("val"), w("pPr")

_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
    ' w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


# Opening -----------------------------------------------------------------------


def open_document(data: IO[bytes]):
    """A python-docx ``Document`` whose footnotes part (of a Word-saved template) is XML.

    python-docx loads ``footnotes.xml`` as an opaque blob; the document's relationship is
    pointed at the same part read as XML, with the part's own relationships. Nothing of
    python-docx is changed (its part factory is shared by every thread of the process).
    """
    import docx

    document = docx.Document(data)
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external and not isinstance(rel.target_part, XmlPart):
            blob = rel.target_part
            part = XmlPart.load(blob.partname, blob.content_type, blob.blob, blob.package)
            for inner in blob.rels.values():
                part.load_rel(inner.reltype, inner.target_ref if inner.is_external else inner.target_part,
                              inner.rId, inner.is_external)
            rel._target = part  # python-docx has no API to replace a relationship's part
    return document


# Footnotes -------------------------------------------------------------------


def footnotes_part(document) -> XmlPart:
    """The document's footnotes part, created (with its separators) when missing."""
    doc_part = document.part
    for rel in doc_part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            return rel.target_part
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTES_XML), doc_part.package)
    doc_part.relate_to(part, RT.FOOTNOTES)
    _declare_footnote_separators(document)
    return part


def _declare_footnote_separators(document) -> None:
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    # footnotePr comes after the compatibility-independent elements it follows in the schema
    anchor = None
    for tag in ("w:characterSpacingControl", "w:defaultTabStop", "w:proofState", "w:zoom"):
        anchor = settings.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(pr)
    else:
        settings.insert(0, pr)


def clear_footnotes(part: XmlPart) -> None:
    """Remove every footnote but the separators (a template's leftovers)."""
    for footnote in part.element.findall(qn("w:footnote")):
        if footnote.get(qn("w:type")) not in ("separator", "continuationSeparator"):
            part.element.remove(footnote)


def next_footnote_id(part: XmlPart) -> int:
    """One more than the largest footnote id of the part (at least 1)."""
    return max([0, *(int(f.get(qn("w:id"))) for f in part.element.findall(qn("w:footnote")))]) + 1


def add_footnote(
    part: XmlPart, style: str = "FootnoteText", ref_style: str = "FootnoteReference", footnote_id: int | None = None
):
    """Append an empty footnote; return ``(id, first_paragraph_element)``.

    The first paragraph starts with the footnote's own reference mark (``w:footnoteRef``)
    and a space, as Word writes it; add the text's runs after them.  A caller adding
    many footnotes numbers them itself (from :func:`next_footnote_id`): finding the next
    id looks at every footnote, which is quadratic over a whole document.
    """
    footnote_id = next_footnote_id(part) if footnote_id is None else footnote_id
    footnote = element(w("footnote"))
    footnote.set(w("id"), str(footnote_id))
    paragraph = new_paragraph(style)
    mark = element(w("r"))
    mark.append(run_style(ref_style))
    mark.append(element(w("footnoteRef")))
    paragraph.append(mark)
    space = element(w("r"))
    text = element(w("t"))
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = " "
    space.append(text)
    paragraph.append(space)
    footnote.append(paragraph)
    part.element.append(footnote)
    return footnote_id, paragraph


def footnote_reference(parent, footnote_id: int, ref_style: str = "FootnoteReference"):
    """Append to ``parent`` (a ``w:p`` or ``w:hyperlink``) a run calling footnote ``footnote_id``."""
    run = element(w("r"))
    run.append(run_style(ref_style))
    ref = element(w("footnoteReference"))
    ref.set(w("id"), str(footnote_id))
    run.append(ref)
    parent.append(run)
    return run


def new_paragraph(style: str):
    """A ``w:p`` of paragraph style ``style`` (a style id)."""
    paragraph = element(w("p"))
    etree.SubElement(etree.SubElement(paragraph, _PPR), w("pStyle")).set(_VAL, style)
    return paragraph


def run_style(style_id: str):
    """A ``w:rPr`` naming the character style ``style_id``."""
    rpr = element(_RPR)
    rstyle = element(w("rStyle"))
    rstyle.set(_VAL, style_id)
    rpr.append(rstyle)
    return rpr


# Numbering -------------------------------------------------------------------


def style_abstract_num(document, style_name: str) -> int | None:
    """The abstract numbering definition the paragraph style ``style_name`` is linked to,
    or None when it has none (the template check reports that)."""
    style = document.styles[style_name].element
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return None
    for num in document.part.numbering_part.element.findall(qn("w:num")):
        if num.get(qn("w:numId")) == num_id.get(qn("w:val")):
            abstract = num.find(qn("w:abstractNumId"))
            return int(abstract.get(qn("w:val"))) if abstract is not None else None
    return None


def next_num_id(document) -> int:
    """One more than the largest ``w:numId`` of the document's numbering (at least 1)."""
    numbering = document.part.numbering_part.element
    return max([0, *(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num")))]) + 1


def new_list_num(document, abstract_num_id: int, start: int = 1, num_id: int | None = None) -> int:
    """A new ``w:num`` on ``abstract_num_id`` whose every level restarts (at ``start`` on level 0).

    A caller adding many lists numbers them itself (from :func:`next_num_id`), as for footnotes.
    """
    numbering = document.part.numbering_part.element
    num_id = next_num_id(document) if num_id is None else num_id
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start if level == 0 else 1}"/></w:lvlOverride>'
        for level in range(9)
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_num_id}"/>{overrides}</w:num>'
    )
    numbering.append(num)  # w:num elements follow all w:abstractNum elements
    return num_id


def set_level_formats(document, abstract_num_id: int, formats: dict[int, tuple[str, str]]) -> None:
    """Set ``w:numFmt`` and ``w:lvlText`` of levels of an abstract numbering: {level: (format, text)}."""
    numbering = document.part.numbering_part.element
    for abstract in numbering.findall(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) != str(abstract_num_id):
            continue
        for lvl in abstract.findall(qn("w:lvl")):
            level = int(lvl.get(qn("w:ilvl")))
            if level in formats:  # (made where a template's level lacks them)
                fmt, text = formats[level]
                put(lvl, "numFmt", LVL_ORDER, val=fmt)
                put(lvl, "lvlText", LVL_ORDER, val=text)


LVL_ORDER = ("start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText", "lvlPicBulletId", "legacy",
             "lvlJc", "pPr", "rPr")


def add_paragraph_numbering(document, abstract_num_id: int, text: str, tab: int = 567) -> None:
    """A one-level abstract numbering of paragraphs: ``text`` ("%1.") at the margin, a tab
    to ``tab`` twips, the paragraph's further lines back at the margin (UN numbered paragraphs)."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_num_id}">'
        '<w:multiLevelType w:val="singleLevel"/><w:name w:val="UN Numbered Paragraphs"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{tab}"/></w:tabs><w:ind w:left="0" w:firstLine="0"/></w:pPr>'
        "</w:lvl></w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # every w:abstractNum comes before the w:num elements
    else:
        numbering.append(abstract)


def next_abstract_num_id(document) -> int:
    numbering = document.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    return max([0, *ids]) + 1


def set_numbering(paragraph, num_id: int, level: int) -> None:
    """Give a paragraph ``w:numPr`` (list ``num_id``, level ``level`` from 0)."""
    ppr = paragraph_properties(paragraph._p)
    if ppr.find(w("numPr")) is None:  # made whole: the common case, a new list item
        numpr = element(w("numPr"))
        etree.SubElement(numpr, w("ilvl")).set(_VAL, str(level))
        etree.SubElement(numpr, w("numId")).set(_VAL, str(num_id))
        _insert_in_order(ppr, numpr, "numPr", PPR_ORDER)
        return
    numpr = put(ppr, "numPr", PPR_ORDER)
    put(numpr, "ilvl", NUMPR_ORDER, val=str(level))
    put(numpr, "numId", NUMPR_ORDER, val=str(num_id))


NUMPR_ORDER = ("ilvl", "numId", "numberingChange", "ins")


def paragraph_properties(paragraph):
    """The ``w:pPr`` of a ``w:p``, made (its first child) when missing."""
    ppr = paragraph.find(_PPR)
    if ppr is None:
        ppr = element(_PPR)
        paragraph.insert(0, ppr)
    return ppr


# Comments ----------------------------------------------------------------------


class Comments:
    """Word comments of one document, numbered by a counter from ``first_id``.

    python-docx's ``add_comment`` looks at every comment for the next id (quadratic in the
    number of comments); this writes the same XML with the next number.  A caller gives
    ``first_id`` above every footnote id of the document: LibreOffice 7.4 mixes up a
    comment and a footnote of the same id, and shows one footnote's text under another's
    number, or none.
    """

    def __init__(self, document, first_id: int = 0) -> None:
        self.document = document
        self.first_id = first_id
        self.next_id: int | None = None

    def add(self, first_run, last_run, text: str, author: str, initials: str, date) -> None:
        from docx.comments import Comment

        comments = self.document.comments  # the part is made when the document has none
        if self.next_id is None:
            self.next_id = max(self.first_id, comments._comments_elm._next_available_comment_id())
        element = parse_xml(
            f'<w:comment {nsdecls("w")} w:id="{self.next_id}" w:author=""><w:p><w:pPr><w:pStyle'
            ' w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            "<w:annotationRef/></w:r></w:p></w:comment>"
        )
        comments._comments_elm.append(element)
        element.author, element.initials, element.date = author, initials, date
        Comment(element, comments._comments_part).paragraphs[0].add_run(text)
        first_run.mark_comment_range(last_run, self.next_id)
        self.next_id += 1


# Fields, links, bookmarks -------------------------------------------------------


def add_field(parent, instruction: str, shown: str = "1", rpr=None) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``...) to a ``w:p`` element."""
    for kind in ("begin", None, "separate", "text", "end"):
        run = OxmlElement("w:r")
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {instruction} "
            run.append(instr)
        elif kind == "text":
            text = OxmlElement("w:t")
            text.text = shown
            run.append(text)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        parent.append(run)


class LinkTargets:
    """The external hyperlink relationships of a document's parts: one per part and URL.

    python-docx's ``part.relate_to`` looks through every relationship of the part for
    the URL, then through the rIds for a free one: quadratic in the number of links.
    """

    def __init__(self) -> None:
        self._rids: dict[tuple[int, str], str] = {}
        self._next: dict[int, int] = {}

    def rid(self, part, url: str) -> str:
        key = (id(part), url)
        if key not in self._rids:
            rels = part.rels
            number = self._next.get(id(part), len(rels) + 1)
            while f"rId{number}" in rels:
                number += 1
            rels.add_relationship(RT.HYPERLINK, url, f"rId{number}", is_external=True)
            self._next[id(part)] = number + 1
            self._rids[key] = f"rId{number}"
        return self._rids[key]


def add_hyperlink(parent, part, *, url: str = "", anchor: str = "", targets: LinkTargets | None = None):
    """Append a ``w:hyperlink`` to ``parent`` and return it, to be filled with runs.

    ``url`` makes an external relationship on ``part`` (the part the paragraph lives in),
    through ``targets`` when a caller adds many; ``anchor`` links to a bookmark in the document.
    """
    link = element(w("hyperlink"))
    if url:
        rid = targets.rid(part, url) if targets is not None else part.relate_to(url, RT.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rid)
    else:
        link.set(w("anchor"), anchor)
    link.set(w("history"), "1")
    parent.append(link)
    return link


def add_bookmark(paragraph_element, name: str, bookmark_id: int) -> None:
    """Wrap a paragraph's content in bookmark ``name`` (a target for internal links)."""
    start = element(w("bookmarkStart"))
    start.set(w("id"), str(bookmark_id))
    start.set(w("name"), name)
    end = element(w("bookmarkEnd"))
    end.set(w("id"), str(bookmark_id))
    ppr = paragraph_element.find(_PPR)
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph_element.insert(0, start)
    paragraph_element.append(end)


# Tables ------------------------------------------------------------------------


def repeat_header_row(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of each page."""
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    trpr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    trpr.insert(0, cant_split)


def set_table_width_pct(table, percent: int = 100) -> None:
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), str(percent * 50))


# Document-wide properties ------------------------------------------------------------


def set_default_language(document, latin: str, east_asia: str | None = None, bidi: str | None = None) -> None:
    """The language of the document's text in ``w:rPrDefault`` (spelling, hyphenation); East
    Asian and complex-script text, when not given, in the registry's (``languages.word_tags``)."""
    tags = languages.word_tags(languages.LABEL_LANGUAGE)
    east_asia, bidi = east_asia or tags["eastAsia"], bidi or tags["bidi"]
    styles = document.styles.element
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east_asia)
    lang.set(qn("w:bidi"), bidi)


# Right to left and East Asian text -----------------------------------------------------

RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
SECTPR_ORDER = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
)


def put(parent, name: str, order: tuple[str, ...], **attributes: str):
    """The child ``w:name`` of ``parent`` (made, in schema order, when missing), with attributes set."""
    tag = w(name)
    child = parent.find(tag)
    if child is None:
        child = element(tag)
        _insert_in_order(parent, child, name, order)
    for key, value in attributes.items():
        child.set(w(key), value)
    return child


def _insert_in_order(parent, child, name: str, order: tuple[str, ...]) -> None:
    """Insert ``child`` before the first child of ``parent`` that comes after ``name`` in ``order``."""
    ranks = _ranks(order)
    rank = ranks[name]
    for index, sibling in enumerate(parent):
        later = ranks.get(_local(sibling.tag), -1)
        if later > rank:
            parent.insert(index, child)
            return
    parent.append(child)


@functools.cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {name: index for index, name in enumerate(order)}


@functools.cache
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class RunLanguage:
    """Fonts by script (``ascii``, ``hAnsi``, ``eastAsia``, ``cs``), ``w:lang`` and ``w:rtl``
    for runs, worked out once for many runs; ``upright`` also turns italics off (``w:i`` and
    ``w:iCs`` with ``w:val="0"``), for scripts without italics."""

    def __init__(self, fonts: dict[str, str], lang: dict[str, str], rtl: bool, upright: bool = False) -> None:
        self.fonts = [(w(key), value) for key, value in fonts.items()]
        self.lang = [(w(key), value) for key, value in lang.items()]
        self.rtl = rtl
        self.upright = upright
        prototype = element(w("r"))
        self._apply(prototype, element(_RPR))
        self.prototype = prototype[0]  # what a run without properties gets: copied, not made again

    def apply(self, run) -> None:
        rpr = run.find(_RPR)
        if rpr is None:
            run.insert(0, self.prototype.__copy__())  # lxml copies the whole element
        else:
            self._apply(run, rpr)

    def _apply(self, run, rpr) -> None:
        if rpr.getparent() is None:
            run.insert(0, rpr)
        if self.fonts:
            fonts = rpr.find(_RFONTS)
            if fonts is None:
                fonts = element(_RFONTS)
                _insert_in_order(rpr, fonts, "rFonts", RPR_ORDER)
                for key, value in self.fonts:
                    fonts.set(key, value)
            else:  # a font a run already has (Chinese emphasis) is kept
                for key, value in self.fonts:
                    if not fonts.get(key):
                        fonts.set(key, value)
        if self.upright:
            for name in ("i", "iCs"):
                put(rpr, name, RPR_ORDER).set(_VAL, "0")
        rtl = rpr.find(_RTL)
        if self.rtl and rtl is None:
            _insert_in_order(rpr, element(_RTL), "rtl", RPR_ORDER)
        elif not self.rtl and rtl is not None:
            rpr.remove(rtl)
        lang = rpr.find(_LANG)
        if lang is None:
            lang = element(_LANG)
            _insert_in_order(rpr, lang, "lang", RPR_ORDER)
        for key, value in self.lang:
            lang.set(key, value)


def set_run_language(run, fonts: dict[str, str], lang: dict[str, str], rtl: bool) -> None:
    """Fonts by script (``ascii``, ``hAnsi``, ``eastAsia``, ``cs``), ``w:lang`` and ``w:rtl`` of a run."""
    RunLanguage(fonts, lang, rtl).apply(run)


def set_paragraph_bidi(paragraph, rtl: bool = True) -> None:
    """A right-to-left paragraph (``w:bidi``), or, with ``rtl`` False, an explicitly left-to-right one."""
    bidi = put(paragraph_properties(paragraph), "bidi", PPR_ORDER)
    if not rtl:
        bidi.set(qn("w:val"), "0")


def set_section_bidi(sect_pr) -> None:
    put(sect_pr, "bidi", SECTPR_ORDER)


def set_table_bidi(tbl) -> None:
    """A right-to-left table: first column on the right (``w:bidiVisual``)."""
    put(tbl.tblPr, "bidiVisual", TBLPR_ORDER)


# Zip ---------------------------------------------------------------------------------


ZIP_FIRST, ZIP_LAST = (1980, 1, 1, 0, 0, 0), (2107, 12, 31, 23, 59, 58)


def normalize_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Rewrite a DOCX zip with ``[Content_Types].xml`` first, names sorted after it, fixed times.

    A ZIP timestamp holds 1980 to 2107: a date outside (a note of 1975, a
    ``SOURCE_DATE_EPOCH`` of 0) is clamped to the nearest it can hold.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    return _write_zip({name: source.read(name) for name in source.namelist()}, date_time)


def save_document(document, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The document's package as a zip, as :func:`normalize_zip` would make of python-docx's
    ``save``: written once (``save`` compresses every part, a rewrite would again)."""
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    members = _Members()
    PackageWriter._write_content_types_stream(members, parts)
    members.write(PACKAGE_URI.rels_uri, package.rels.xml)
    PackageWriter._write_parts(members, parts)
    return _write_zip(members.blobs, date_time)


class _Members:
    """Stands in for python-docx's zip writer: keeps each member's bytes by name."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.blobs[pack_uri.membername] = blob


def _write_zip(members: dict[str, bytes], date_time: tuple[int, int, int, int, int, int]) -> bytes:
    date_time = min(max(date_time, ZIP_FIRST), ZIP_LAST)
    names = sorted(members, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, members[name])
    return out.getvalue()
