"""Render a note to HTML with the Jinja templates of ``templates/concept-note``.

The HTML is what WeasyPrint lays out as the PDF.  Templates get the model itself;
text from notes is always autoescaped, never evaluated as a template, and an
undefined variable is an error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from conceptnotes.errors import NoteError, Problem
from conceptnotes.i18n import labels
from conceptnotes.i18n.localize import Localized
from conceptnotes.model import Note, plain_text
from conceptnotes.project import TEMPLATE_NAME, TOOL_ROOT
from conceptnotes.render import fonts

TEMPLATE_DIR = TOOL_ROOT / "templates" / TEMPLATE_NAME
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


@cache
def environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The templates' Jinja environment (one per folder: compiled templates are kept)."""
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


def as_localized(note: Note | Localized, lang: str | None) -> Localized:
    """A localized note: given, or the note in ``lang`` (its source language by default)."""
    if isinstance(note, Localized):
        return note
    from conceptnotes.i18n.localize import localize

    return localize(note, lang or note.meta.source_language)


def render_html(source: Note | Localized, lang: str | None = None, template_dir: Path = TEMPLATE_DIR) -> str:
    """The note in ``lang`` as a complete HTML document for print."""
    localized = as_localized(source, lang)
    note = localized.note
    env = environment(template_dir)

    def unsupported(node: Any, where: str = "") -> str:
        line = getattr(node, "line", 0)
        raise NoteError.at(
            note.source, line, f"the PDF renderer does not support {node.kind}" + (f" {where}" if where else "")
        )

    def image_url(image: Any) -> str:
        return image.path.as_uri()

    try:
        template = env.get_template("note.html.j2")
        # per-document callables go in the context, not in the shared environment
        return template.render(
            **context(localized),
            unsupported=unsupported,
            image_url=image_url,
            gettext=localized.gettext,
            _=localized.gettext,
            ngettext=lambda s, p, n: localized.gettext(s if n == 1 else p),
        )
    except jinja2.TemplateSyntaxError as exc:
        raise NoteError(
            Problem(exc.filename or str(template_dir), exc.lineno or 0, f"template error: {exc.message}")
        ) from None
    except jinja2.UndefinedError as exc:
        name, line = _template_place(exc)
        raise NoteError(Problem(name or str(template_dir / "note.html.j2"), line,
                                f"template error: {exc.message}")) from None


def _template_place(exc: BaseException) -> tuple[str, int]:
    """The template file and line where a rendering error happened (the innermost frame)."""
    tb = exc.__traceback__
    name, line = "", 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


def direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def created(note: Note) -> dt.date:
    """The document's date: the note's date of issue, else ``SOURCE_DATE_EPOCH`` when set,
    else the first day of the event; never the clock."""
    if note.meta.date:
        return note.meta.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return note.meta.event.start


def author(note: Note) -> str:
    return "; ".join(note.meta.organizers) or "United Nations"


def private_family(family: str) -> str:
    """The name our @font-face rules give a family: not a system font's name, so that
    fontconfig can never answer with an installed font of the same name instead."""
    return f"cn {family}"


def _families(names: list[str]) -> Markup:
    return Markup(", ".join(str(css_string(f)) for f in names))


def context(localized: Localized) -> dict[str, Any]:
    note, lang, gettext = localized.note, localized.lang, localized.gettext
    meta = note.meta
    faces = [Face(private_family(f.family), f.weight, f.style, f.path.as_uri()) for f in fonts.faces(lang)]
    return {
        "lang": lang,
        "source_lang": meta.source_language,
        "direction": direction(lang),
        "source_direction": direction(meta.source_language),
        "meta": meta,
        "document": note.document,
        "author": author(note),
        "created": created(note).isoformat(),
        "masthead_details": labels.masthead_details(gettext, meta, lang),
        "event_line": labels.event_line(gettext, meta, lang),
        "page_label": gettext(labels.PAGE_OF_PAGES),
        "font_faces": faces,
        "font_families": _families([private_family(f) for f in fonts.pdf_families(lang)]),
        "emphasis_families": _families([private_family(f) for f in fonts.emphasis_families(lang)]),
    }
