"""Render a localized note as a self-contained HTML page for screens (``--format html``).

The page is the HTML the PDF is laid out from (:func:`conceptnotes.render.html.render_html`,
the same templates, masthead and localized strings), made to stand alone: the template's
stylesheets inlined in ``<style>``, images as ``data:`` URLs with their alt text, and
footnotes as linked notes (the call links to the note, the note back to its call) in the
page's ``<footer>``, since a screen has no foot of the page to float them to.  The
``@font-face`` rules name files on the build's machine: they are left out, and the page
names the families of the PDF's fonts, which a reader's browser uses when it has them.
There is no script.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from conceptnotes import fonts
from conceptnotes import model as m
from conceptnotes.model import Localized, Rendered
from conceptnotes.model.visitor import walk
from conceptnotes.read.characters import decode
from conceptnotes.read.files import read_input
from conceptnotes.render import formats
from conceptnotes.render.html import TEMPLATE_DIR, HtmlVisitor, css_string, environment, render_html

# Only the templates write these (text from a note is escaped): a stylesheet link, a font face.
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"<>]+)">')
_FONT_FACE = re.compile(r"@font-face \{[^{}]*\}\n?")

SCREEN_CSS = """\
body { max-width: 42em; margin: 2em auto; padding: 0 1em; }
.note-call { font-size: 70%; line-height: 0; vertical-align: super; }
.notes { margin-top: 2em; border-top: 1px solid; font-size: 90%; }
.notes a[role="doc-backlink"] { text-decoration: none; }
"""


class PageVisitor(HtmlVisitor):
    """The templates' macros, except that a footnote call is a link to its note and an
    image's source is its data."""

    def __init__(self, env: Any, localized: Localized, *, lines: bool = False) -> None:
        super().__init__(env, localized, lines=lines)
        self.globals["image_url"] = lambda image: data_url(image.path, localized.note.folder)

    def handler(self, kind: str) -> Callable[..., Any] | None:
        if kind == "footnote_ref":
            return self.note_call
        return super().handler(kind)

    def note_call(self, ref: m.FootnoteRef) -> Markup:
        """The first call of a note is where its note links back to."""
        anchor = f' id="fnref-{ref.number}"' if self.first_call(ref) else ""
        return Markup(f'<sup class="note-call"><a href="#fn-{ref.number}"{anchor} role="doc-noteref">'
                      f"{ref.number}</a></sup>")

    def notes(self, document: m.Document) -> Markup:
        """The called footnotes as an ordered list, each linking back to its first call."""
        called = {node.key for node in walk(document.blocks) if isinstance(node, m.FootnoteRef)}
        items = []
        for note in sorted((f for f in document.footnotes if f.key in called), key=lambda f: f.number):
            paragraphs = "".join(f"<p>{self.inlines(block.children)}</p>" for block in note.blocks)
            back = f'<a href="#fnref-{note.number}" role="doc-backlink">\u21a9\ufe0e {note.number}</a>'
            items.append(f'<li id="fn-{note.number}" value="{note.number}">{paragraphs}<p>{back}</p></li>')
        if not items:
            return Markup("")
        listed = "\n".join(items)
        return Markup(f'<footer>\n<section class="notes" role="doc-endnotes">\n<ol>\n{listed}\n</ol>\n'
                      "</section>\n</footer>\n")


def data_url(path: Path, root: Path) -> str:
    """The file as a ``data:`` URL, read through :func:`read_input` (validation confined it)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(read_input(path, root)).decode('ascii')}"


def _inline_stylesheets(html: str, template_dir: Path) -> str:
    def inlined(match: re.Match) -> str:
        path = template_dir / match.group(1)
        return f"<style>\n{decode(read_input(path, template_dir), path)}</style>"

    return _STYLESHEET.sub(inlined, html)


def _screen_style(lang: str) -> str:
    """The families of the PDF's fonts by their own names (the page embeds no font file)."""
    families = ", ".join([*(str(css_string(f)) for f in fonts.configured(lang, formats.get("html").fonts)), "serif"])
    emphasis = ", ".join(str(css_string(f)) for f in fonts.emphasis_families(lang))
    rules = f":root {{ --body-font: {families}; }}\n" + (f"em {{ font-family: {emphasis}; }}\n" if emphasis else "")
    return f"<style>\n{rules}{SCREEN_CSS}</style>\n"


def render_html_page(localized: Localized, template_dir: Path = TEMPLATE_DIR) -> Rendered:
    """The localized note as one HTML page that needs no other file (UTF-8)."""
    page = render_html(localized, template_dir, visitor=PageVisitor)
    notes = PageVisitor(environment(template_dir), localized).notes(localized.note.document)
    page = _FONT_FACE.sub("", _inline_stylesheets(page, template_dir))
    head, _, rest = page.rpartition("</head>")
    body, _, end = rest.rpartition("</body>")
    page = f"{head}{_screen_style(localized.lang)}</head>{body}{notes}</body>{end}"
    return Rendered(page.encode("utf-8"))
