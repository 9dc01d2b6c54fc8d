"""The registry of output formats: one entry per format, read by everything that knows them.

The build's formats and their default, the file suffix, the worker's dispatch and warm-up,
the check of the kinds of node and of the templates, the fonts, the manifest's fields and
the options of a document's keys all come from here.  A renderer, its kinds of node and its
template check are named as ``"module:function"`` and imported only when a document of that
format is rendered or checked: importing the registry imports no renderer, and a build of
PDF alone never loads python-docx.  A new format is one entry here and its renderer module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    """What the build knows of an output format.

    ``renderer`` is called as ``renderer(localized, template_dir, **arguments)``, the
    arguments being the format's ``options`` (``variant=``), ``checked_html=`` and
    ``attachments=`` as the flags below say, and returns a :class:`conceptnotes.model.Rendered`.
    ``kinds`` gives, for a template folder, the kinds of node the renderer handles (a broken
    template: a ``NoteError``), and ``missing_kind`` what the check says of a kind it lacks.
    ``templates``, if any, gives the problems of the format's own template file.
    ``warm_up`` are the modules a worker process imports before its first document.
    ``heavy``: the format's renderer is the build's largest work (WeasyPrint: 0.3 s to
    import, then the layout); when a build has documents of a heavy format, they alone go to
    the worker processes, and the build's own process renders the other formats' (python-docx:
    0.1 s a document) once its check is done, rather than have a second worker import
    WeasyPrint for nothing (:class:`conceptnotes.build.workers.Renderers`).
    ``fonts`` is the key of the format's fonts in ``data/fonts.json``; ``options`` the
    build options that make another document of this format (in its keys and its
    manifest entry, e.g. the PDF ``variant``).
    """

    name: str
    suffix: str
    renderer: str
    kinds: str
    missing_kind: str
    warm_up: tuple[str, ...] = ()
    heavy: bool = False
    templates: str | None = None
    fonts: str = "pdf"
    options: tuple[str, ...] = ()
    checked_html: bool = False  # the renderer takes the HTML the check rendered (``checked_html=``)
    html_templates: bool = False  # the renderer lays out the HTML templates: the check renders each document with them
    attaches_sources: bool = False  # an archival variant carries the note's sources (``attachments=``)
    default: bool = True  # built when no --format is given

    def attaches(self, options: dict[str, object]) -> bool:
        """Whether a document with these key options carries its sources (a PDF/A-3)."""
        return self.attaches_sources and str(options.get("variant", "")).startswith("pdf/a-")


PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-3u")  # the values of the PDF's "variant" option

# {templates}: the template folder; blocks.html.j2 holds the macros (render.html.BLOCKS)
_HTML_MACROS = ("the HTML templates have no macro for {kind}"
                " (add '{{% macro {kind}(node) %}}' to {templates}/blocks.html.j2)")

REGISTRY: tuple[Format, ...] = (
    Format(
        name="pdf",
        suffix=".pdf",
        renderer="conceptnotes.render.pdf:render_pdf",
        kinds="conceptnotes.render.html:handled_kinds",
        missing_kind=_HTML_MACROS,
        warm_up=("weasyprint",),
        heavy=True,
        options=("variant",),
        checked_html=True,
        html_templates=True,
        attaches_sources=True,
    ),
    Format(
        name="docx",
        suffix=".docx",
        renderer="conceptnotes.render.docx.renderer:render_docx",
        kinds="conceptnotes.render.docx.renderer:handled_kinds",
        missing_kind="the DOCX renderer cannot write {kind}",
        warm_up=("docx",),
        templates="conceptnotes.render.docx.template:folder_problems",
        fonts="docx",
    ),
    Format(
        name="html",
        suffix=".html",
        renderer="conceptnotes.render.html_page:render_html_page",
        kinds="conceptnotes.render.html:handled_kinds",
        missing_kind=_HTML_MACROS,
        html_templates=True,
        default=False,
    ),
)

NAMES = tuple(f.name for f in REGISTRY)
DEFAULT = tuple(f.name for f in REGISTRY if f.default)
SUFFIXES = tuple(f.suffix for f in REGISTRY)
KEY_OPTIONS = tuple(dict.fromkeys(option for f in REGISTRY for option in f.options))


def load(path: str) -> Any:
    """The object a ``"module:attribute"`` of an entry names (its module imported now)."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def get(name: str) -> Format:
    """The registry's entry for ``name`` (KeyError: not a format)."""
    for entry in REGISTRY:
        if entry.name == name:
            return entry
    raise KeyError(name)


def of_suffix(suffix: str) -> Format | None:
    """The format of a file with this suffix (``.pdf``), or None."""
    return next((f for f in REGISTRY if f.suffix == suffix), None)
