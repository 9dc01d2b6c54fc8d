"""Render a note to HTML with the Jinja templates of ``templates/concept-note``.

The HTML is what WeasyPrint lays out as the PDF.  Templates get the model itself;
text from notes is always autoescaped, never evaluated as a template, and an
undefined variable is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import fonts
from .errors import NoteError, Problem
from .formatting import country_name, format_date_range, format_day, language_name
from .model import Note, plain_text

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "concept-note"
RTL_LANGUAGES = {"ar"}


@dataclass(frozen=True)
class Face:
    family: str
    weight: str
    style: str
    url: str


def css_string(value: str) -> Markup:
    """A CSS string literal; safe inside a <style> element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;/_-%()" else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{escaped}"')


def css_counters(label: str) -> Markup:
    """'Page {page} of {pages}' as CSS content: "Page " counter(page) " of " counter(pages)."""
    parts = re.split(r"\{(page|pages)\}", str(label))
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"counter({part})")
        elif part:
            out.append(css_string(part))
    return Markup(" ".join(out))


def plain_length(nodes: Any) -> int:
    """Length of the text of a run of inline nodes."""
    return len(plain_text(nodes))


def environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    env.filters["plain_length"] = plain_length
    return env


def render_html(note: Note, lang: str, template_dir: Path = TEMPLATE_DIR) -> str:
    """The note in ``lang`` as a complete HTML document for print."""
    env = environment(template_dir)

    def unsupported(node: Any, where: str = "") -> str:
        line = getattr(node, "line", 0)
        raise NoteError.at(
            note.source, line, f"the PDF renderer does not support {node.kind}" + (f" {where}" if where else "")
        )

    def image_url(image: Any) -> str:
        return image.path.as_uri()

    env.globals.update(unsupported=unsupported, image_url=image_url)
    try:
        template = env.get_template("note.html.j2")
        return template.render(**context(note, lang))
    except jinja2.TemplateSyntaxError as exc:
        raise NoteError(
            Problem(exc.filename or str(template_dir), exc.lineno or 0, f"template error: {exc.message}")
        ) from None
    except jinja2.UndefinedError as exc:
        raise NoteError(
            Problem(str(template_dir / "note.html.j2"), _template_line(exc), f"template error: {exc.message}")
        ) from None


def _template_line(exc: BaseException) -> int:
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def created(note: Note) -> dt.date:
    """The document's date: the note's date of issue, else the first day of the event."""
    return note.meta.date or note.meta.event.start


def author(note: Note) -> str:
    return "; ".join(note.meta.organizers) or "United Nations"


def context(note: Note, lang: str) -> dict[str, Any]:
    meta = note.meta
    faces = [Face(f.family, f.weight, f.style, f.path.as_uri()) for f in fonts.faces(lang)]
    families = ", ".join(str(css_string(f)) for f in fonts.pdf_families(lang))
    event_place = f"{meta.event.city}, {country_name(meta.event.country, lang)}"
    if meta.event.venue:
        event_place = f"{meta.event.venue}, {event_place}"
    return {
        "lang": lang,
        "direction": "rtl" if lang in RTL_LANGUAGES else "ltr",
        "meta": meta,
        "document": note.document,
        "author": author(note),
        "created": created(note).isoformat(),
        "issued": format_day(meta.date, lang) if meta.date else "",
        "distribution": meta.distribution,
        "original": language_name(meta.source_language, lang),
        "event_place": event_place,
        "event_dates": format_date_range(meta.event.start, meta.event.end, lang),
        "font_faces": faces,
        "font_families": Markup(families),
    }
