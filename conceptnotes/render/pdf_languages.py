"""The language of tagged text in another language than the document's, in the PDF.

WeasyPrint 70 writes the document's language (``/Lang`` of the catalog, from ``<html
lang>``) and no language on structure elements: source text standing in for a missing
translation (``<span class="untranslated" lang="...">``) would be read aloud in the
document's language.  :func:`tag_languages`, given to ``write_pdf`` as its finisher, sets
``/Lang`` on the structure element of every ``<span>`` that has a ``lang`` of its own.

WeasyPrint makes one ``/Span`` structure element per box of a ``<span>`` (a span broken
over lines has one per line), in the order it walks the boxes of each page; the boxes are
walked here in the same order and paired with those elements.  When the counts differ
(another version of WeasyPrint walking otherwise) nothing is changed: the text keeps the
document's language, as before, and the tests say so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydyf


def tag_languages(document, pdf) -> None:
    """Finisher of ``write_pdf``: ``/Lang`` on the structure element of each ``<span lang>``."""
    boxes = [box for page in document.pages for box in _span_boxes(page._page_box)]
    elements = [obj for obj in pdf.objects if _is_span_element(obj)]
    if len(boxes) != len(elements):
        return
    for box, element in zip(boxes, elements, strict=True):
        lang = box.element.get("lang")
        if lang:
            element["Lang"] = pydyf.String(lang)


def _is_span_element(obj) -> bool:
    """A ``/Span`` structure element of a box (not of one text run: their kids are content ids)."""
    if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem" or obj.get("S") != "/Span":
        return False
    kids = obj.get("K", ())
    return not (kids and all(isinstance(kid, int) for kid in kids))


def _span_boxes(box) -> Iterator:
    """The boxes of ``<span>`` elements under ``box``, in the order WeasyPrint tags them
    (``weasyprint.pdf.tags._build_box_tree``)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    tag = None if box.element is None else box.element_tag
    if tag in ("html", "body") or isinstance(box, boxes.PageBox | boxes.MarginBox):
        if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
            for child in box.children:
                yield from _span_boxes(child)
        return
    if tag == "span":
        yield box
    for child in getattr(box, "children", ()):
        for grandchild in child.children if isinstance(child, boxes.LineBox) else [child]:
            if not isinstance(grandchild, boxes.TextBox):
                yield from _span_boxes(grandchild)
