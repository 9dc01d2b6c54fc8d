"""A preview: one note in one language laid out as its PDF, the pages as images, and
where each block on a page comes from (its line in note.md, and in the language's
catalog for a translation).

It runs in the server's warm worker (:mod:`conceptnotes.serve.worker`), a process that
keeps WeasyPrint and the fonts loaded.  It goes through the one validation path
(``pipeline.check``): what the preview shows as an error is what ``check`` and ``build``
say, and it writes nothing into the project, only into the server's own folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conceptnotes.errors import NoteError, UsageError
from conceptnotes.writing import write_atomic

DPI = 96  # one CSS pixel, one image pixel
PAGE_PREFIX = "page"


@dataclass(frozen=True)
class Block:
    """Where a block of the page is, as fractions of the page, and where it was written."""

    page: int  # 0-based
    line: int  # in note.md
    x: float
    y: float
    width: float
    height: float
    po_line: int = 0  # in the catalog, for a translated unit


@dataclass(frozen=True)
class Result:
    """What one rendering gave: the files (in its folder), the blocks, or the problems."""

    pages: tuple[str, ...] = ()
    pdf: str = ""
    blocks: tuple[Block, ...] = ()
    problems: tuple[str, ...] = ()  # 'path:line: message', every one the check found
    warnings: tuple[str, ...] = ()
    source: str = ""  # the file the blocks' lines are in: note.md, or the catalog
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def render(folder: Path, lang: str, dest: Path) -> Result:
    """Check and lay out the note in ``lang``; write its PDF and page images into ``dest``
    (a new, empty folder).  Problems in the inputs are the result, never an exception."""
    from conceptnotes.build.cache import prepare_fonts
    from conceptnotes.build.pipeline import Scope, check, load_notes, templates_of
    from conceptnotes.render.pdf import render_pdf

    started = time.monotonic()
    timings: dict[str, float] = {}
    try:
        loaded = load_notes([folder])
        checked = check([folder], Scope(langs=(lang,), formats=("pdf",), remember=True), loaded)
        documents, warnings = checked.documents, checked.warnings
        timings["check"] = time.monotonic() - started
        (localized,) = documents
        templates = templates_of(localized.note)
        prepare_fonts([(localized, templates)])  # the CJK subsets for this text, as a build writes them
        laid_out: list[Any] = []
        # the HTML made here, with its subsets of the CJK faces as the build chooses them
        rendered = render_pdf(localized, templates, inspect=laid_out.append, lines=True)
        timings["layout"] = time.monotonic() - started - timings["check"]
    except NoteError as exc:
        return Result(problems=tuple(str(p) for p in sorted(exc.problems)), seconds=time.monotonic() - started)
    pdf = dest / f"{localized.note.id}.{lang}.pdf"
    write_atomic(pdf, rendered.data, dest)  # makes dest
    mark = time.monotonic()
    pages = rasterize(pdf, dest)
    timings["images"] = time.monotonic() - mark
    po_lines, source = _catalog_lines(loaded[0][0], localized)
    blocks = tuple(_blocks(laid_out[0], po_lines))
    return Result(
        pages=pages,
        pdf=pdf.name,
        blocks=blocks,
        warnings=tuple(str(p) for p in warnings),
        source=source,
        seconds=time.monotonic() - started,
        timings=timings,
    )


def rasterize(pdf: Path, dest: Path) -> tuple[str, ...]:
    """The PDF's pages as PNG images (poppler's ``pdftoppm``), their names in page order."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise UsageError("pdftoppm is missing: install poppler-utils ('make serve' does)")
    subprocess.run([tool, "-r", str(DPI), "-png", str(pdf), str(dest / PAGE_PREFIX)], check=True,
                   capture_output=True, timeout=120, preexec_fn=_end_with_parent)
    # pdftoppm numbers page-1.png or page-01.png, as many digits as the last page needs
    found = sorted(dest.glob(f"{PAGE_PREFIX}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return tuple(p.name for p in found)


def _end_with_parent() -> None:
    """In ``pdftoppm``'s process before it starts: end when the worker ends (Linux), so that a
    rendering stopped by ending its worker (too long, or no longer wanted) leaves nothing running."""
    if sys.platform == "linux":
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _blocks(document: Any, po_lines: dict[int, int]) -> list[Block]:
    """Each element with a ``data-line`` on each page, as the union of its boxes there;
    larger first, so that a smaller block drawn over it stays the one a click finds."""
    found: list[Block] = []
    for number, page in enumerate(document.pages):
        areas: dict[tuple[int, int], list[float]] = {}  # (element, line) -> x0 y0 x1 y1
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            line = element.get("data-line") if element is not None else None
            if not line or not line.isdigit():
                continue
            x0, y0 = box.border_box_x(), box.border_box_y()
            x1, y1 = x0 + box.border_width(), y0 + box.border_height()
            if x1 <= x0 or y1 <= y0:
                continue
            key = (id(element), int(line))
            area = areas.setdefault(key, [x0, y0, x1, y1])
            area[:] = [min(area[0], x0), min(area[1], y0), max(area[2], x1), max(area[3], y1)]
        for (_, line), (x0, y0, x1, y1) in areas.items():
            found.append(Block(number, line, x0 / page.width, y0 / page.height, (x1 - x0) / page.width,
                               (y1 - y0) / page.height, po_lines.get(line, 0)))
    return sorted(found, key=lambda b: (b.page, -(b.width * b.height)))


def _catalog_lines(note: Any, localized: Any) -> tuple[dict[int, int], str]:
    """For a translation of the (source) note: each unit's note.md line -> its entry's line
    in the catalog (parsed from the bytes the check read); and the file a reader edits for
    this language (note.md, or the catalog)."""
    from conceptnotes.i18n import catalogs
    from conceptnotes.i18n.units import units
    from conceptnotes.project import Project

    lang = localized.lang
    if lang == note.meta.source_language:
        return {}, str(note.source)
    path = catalogs.catalog_path(Project.of_note(note.folder).locales, lang, note.id)
    data = next((data for read, data in localized.catalogs if read.resolve() == path.resolve()), None)
    if data is None:  # no catalog yet: every unit fell back to the source
        return {}, str(path)
    catalog = catalogs.load(path, lang, data)
    lines: dict[int, int] = {}
    for unit in units(note):
        message = catalog.get(unit.msgid)
        if message is not None and message.lineno:
            lines.setdefault(unit.line, message.lineno)
    return lines, str(path)
