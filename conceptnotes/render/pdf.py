"""Lay out a note's HTML as a tagged PDF with WeasyPrint.

WeasyPrint may read only the note's ``assets/`` folder, the template folder and the
font files the document names (the pinned faces, or their subsets to the document's
characters in the cache, which the build writes before it renders: see
:func:`conceptnotes.render.html.pdf_font_files`): :class:`ConfinedFetcher` refuses everything else
(other files, http, ftp, data URLs).  What WeasyPrint logs at WARNING or above
(a missing image, an unknown CSS property) is captured and becomes a problem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import mimetypes
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from conceptnotes import fonts, languages
from conceptnotes.errors import NoteError, Problem
from conceptnotes.model import Localized, Rendered, Untranslated
from conceptnotes.model.visitor import walk
from conceptnotes.read.files import read_input
from conceptnotes.render.common import created
from conceptnotes.render.formats import PDF_VARIANTS
from conceptnotes.render.html import TEMPLATE_DIR, css_string, pdf_font_files, render_html, shown_characters
from conceptnotes.render.justify import justify_between_characters
from conceptnotes.render.pdf_languages import tag_languages
from conceptnotes.render.pdf_serialize import serialize_once
from conceptnotes.render.pdf_spaces import spaces_as_spaces

PDF_VARIANT = PDF_VARIANTS[0]


class RefusedResource(Exception):
    pass


def make_fetcher(folders: list[Path], files: set[Path], refused: list[str]):
    """A URL fetcher confined to files under ``folders`` plus the exact ``files``, each read
    through :func:`read_input` (no symbolic link, nothing but a regular file)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    folders = [Path(os.path.abspath(f)) for f in folders]
    files = {Path(os.path.abspath(f)) for f in files}

    class Response(URLFetcherResponse):
        # WeasyPrint 70 reads a file: image again by its path when it writes the PDF
        # (images.LazyLocalImage), past the fetcher: with no path it keeps these bytes.
        path = None

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                refused.append(url)
                raise RefusedResource(f"refused: {url}")
            path = Path(os.path.abspath(unquote(parts.path)))
            root = path.parent if path in files else next((f for f in folders if path.is_relative_to(f)), None)
            try:
                if root is None:
                    raise NoteError.at(path, 0, "is outside the note's assets and the templates")
                data = read_input(path, root)
            except NoteError:
                refused.append(url)
                raise RefusedResource(f"refused: {url}") from None
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return Response(url, body=data, headers={"Content-Type": mime})

    return ConfinedFetcher(allowed_protocols={"file"}, allow_redirects=False)


class _Collect(logging.Handler):
    """The messages logged by the thread that made it: a logger is the whole process's, and
    another thread's rendering (the server's) is not this one's."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextlib.contextmanager
def capture_warnings(logger: logging.Logger) -> Iterator[list[str]]:
    """The messages ``logger`` gives at WARNING or above while the block runs."""
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@contextlib.contextmanager
def font_configuration() -> Iterator[Any]:
    """This rendering's own WeasyPrint font configuration, cleaned when the rendering ends.
    WeasyPrint copies every ``@font-face`` file into a folder it makes with :mod:`tempfile`
    and removes only when the configuration is collected (its ``__del__``): after the
    process has gone, for a worker, which left a copy of the fonts (160 MB for Chinese) in
    ``/tmp`` per document.  It is cleaned here by that same method, so nothing of the
    process (``tempfile.tempdir``) is changed while other threads run."""
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    try:
        yield config
    finally:
        config.__del__()  # WeasyPrint's own clean-up: the folder of copied fonts removed now


def _write(
    document, localized: Localized, html: str, variant: str, attachments: tuple[tuple[str, bytes], ...]
) -> bytes:
    """The PDF of a rendered ``document``: attachments, identifier, languages of fallbacks."""
    from conceptnotes.render.engine import weasyprint as engine

    weasyprint = engine()

    note = localized.note
    moment = dt.datetime.combine(created(note), dt.time(0, 0), tzinfo=dt.UTC)
    files = [
        weasyprint.Attachment(
            file_obj=io.BytesIO(data),
            name=name,
            created=moment,
            modified=moment,
            relationship="Source",
            description=name,
        )
        for name, data in attachments
    ]
    # the subsets' folder (the user's cache) is no part of what the document is
    named = html.replace(fonts.cache_dir().as_uri(), "")
    identifier = hashlib.sha256(named.encode() + variant.encode()).hexdigest()[:32].encode()
    # only text in another language (a unit that fell back to the source) needs its own /Lang
    other = any(isinstance(node, Untranslated) for node in walk(note.document))

    def finish(document, pdf) -> None:
        spaces_as_spaces(document, pdf)
        if other:
            tag_languages(document, pdf)
        serialize_once(pdf)  # last: pydyf hashes every object for the identifier, once more

    return document.write_pdf(attachments=files or None, pdf_identifier=identifier, finisher=finish,
                              pdf_variant=variant, pdf_tags=True)


def naming_font_files(html: str, font_files: dict[fonts.FontFace, Path]) -> str | None:
    """``html`` (whose ``@font-face`` rules name the faces' own files) naming ``font_files``
    instead: the same text as :func:`render_html` gives with them, without rendering again.
    None when that cannot be said for sure (a template that names a face another way, or
    two faces of one file with different subsets): then the HTML is rendered again.
    Only a template writes ``url("``: text from a note is escaped (``&#34;``)."""
    renamed: dict[str, str] = {}
    for face, path in font_files.items():
        own, named = f"url({css_string(face.source.as_uri())})", f"url({css_string(path.as_uri())})"
        if renamed.setdefault(own, named) != named or (own != named and own not in html):
            return None
    for own, named in renamed.items():
        html = html.replace(own, named)
    return html


def render_pdf(
    localized: Localized,
    template_dir: Path = TEMPLATE_DIR,
    html: str | None = None,
    *,
    variant: str = PDF_VARIANT,
    attachments: tuple[tuple[str, bytes], ...] = (),
    inspect: Callable[[Any], None] | None = None,
    lines: bool = False,
    checked_html: str | None = None,
) -> Rendered:
    """The localized note as a PDF, fonts embedded, and its page count.

    ``variant`` is ``pdf/ua-1`` (tagged, accessible: the default) or ``pdf/a-3b`` /
    ``pdf/a-3u`` (archival, tagged too), which may carry ``attachments`` ((name, bytes):
    the note's source files).  ``inspect`` (the preview) is given WeasyPrint's laid-out
    document before it is written, and with ``lines`` the HTML it renders marks each
    block's line (``render_html``).  ``html`` is the HTML to lay out as it is; the build
    gives ``checked_html`` instead, the HTML the check rendered, naming the faces' own files,
    which is named to the document's subsets here rather than rendered again.
    """
    from conceptnotes.render.engine import weasyprint as engine

    weasyprint = engine()

    note = localized.note
    if html is None and checked_html is None:
        font_files = pdf_font_files(localized, template_dir)
        html = render_html(localized, template_dir, font_files, lines=lines)
    else:
        given = html if html is not None else checked_html
        chars = shown_characters(given, template_dir) if fonts.has_subsets(localized.lang) else frozenset()
        font_files = fonts.document_fonts(localized.lang, chars)
        if html is None:
            html = naming_font_files(checked_html, font_files) or render_html(localized, template_dir, font_files)
    refused: list[str] = []
    fetcher = make_fetcher([note.assets, template_dir], set(font_files.values()), refused)
    with capture_warnings(logging.getLogger("weasyprint")) as messages, font_configuration() as font_config:
        base = Path(os.path.abspath(template_dir)).as_uri() + "/"
        html_doc = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
        document = html_doc.render(font_config=font_config, pdf_variant=variant, pdf_tags=True)
        if languages.get(localized.lang).inter_character:
            justify_between_characters(document)
        if inspect is not None:
            inspect(document)
        pdf = _write(document, localized, html, variant, attachments)
    problems = [Problem(str(note.source), 0, f"resource refused or missing: {url}") for url in refused]
    problems += [
        Problem(str(note.source), 0, f"PDF renderer: {message}")
        for message in messages
        if not any(url in message for url in refused)
    ]
    if problems:
        raise NoteError(problems)
    return Rendered(pdf, len(document.pages))
