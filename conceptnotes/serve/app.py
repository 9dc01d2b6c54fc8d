"""``build.py serve``: the preview server (Starlette, served by uvicorn).

Pages: the index (every note in every language, its translation status and documents),
a note's live preview beside its source, and the translation workbench.  The pages are
Jinja templates (autoescaped) and a little JavaScript that never writes user text as
HTML; the server's JSON carries text, and HTML only where this package escaped it.

Safety: files are sent only from the output folder, the previews' own folder and the
package's static folder (:func:`files.project_file`); the only writes are a unit's
translation into ``locales/<lang>/LC_MESSAGES/<note-id>.po`` of an existing note and one
of its languages, the Details form's fields into an existing note's ``note.md``
(:mod:`details`), and the accepted changes of a reviewed DOCX into a note's ``note.md`` or
catalog (:mod:`review_page`), on a POST with the session's token and a same-origin ``Origin``.  A
POST's body is refused by its size before it is read whole; with ``--allow-remote`` every
request needs the secret of the address printed at start (:mod:`access`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import mimetypes
import secrets
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from conceptnotes import languages, reserved
from conceptnotes.errors import NoteError, UsageError, display_path
from conceptnotes.project import Project
from conceptnotes.read.files import parse_json
from conceptnotes.read.parsed import Notes
from conceptnotes.render import formats
from conceptnotes.render.docx.template import MAX_TEMPLATE_BYTES
from conceptnotes.serve import access, files, status
from conceptnotes.serve.previews import Previews
from conceptnotes.serve.watch import watch
from conceptnotes.serve.worker import TIME_LIMIT, Workers
from conceptnotes.writing import remove_tree

HERE = Path(__file__).parent
STATIC = HERE / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
ANY_ADDRESS = ("0.0.0.0", "::")
MAX_BODY = 200_000  # bytes of a POST: one unit's translation is far less
# a reviewed DOCX in base64, as large as the command reads one (its own check says so), and its name
MAX_REVIEW_BODY = -(-MAX_TEMPLATE_BYTES // 3) * 4 + 10_000
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream


class Server:
    """What one running server knows: its project, token, previews and pages."""

    def __init__(self, project: Project, seconds: float = TIME_LIMIT) -> None:
        self.project = project
        self.token = secrets.token_urlsafe(32)
        self.folder = Path(tempfile.mkdtemp(prefix="conceptnotes-preview-"))
        self.previews = Previews(self.folder, Workers(seconds=seconds))
        self.notes = Notes()  # the workbench's parsed notes: a save parses only the catalog
        self.write_lock = threading.Lock()  # one read-compare-write of a note.md or catalog at a time
        self.countries: list[dict[str, str]] | None = None  # the Details form's list, made once
        self.stopping = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
        )

    def stop_streams(self) -> None:
        """End the event streams (from the signal handler of Ctrl-C): uvicorn waits for open
        connections before it shuts the application down, and a stream never ends by itself."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._end_streams)

    def _end_streams(self) -> None:
        self.stopping.set()
        self.previews.publish(None)

    def note_folder(self, note: str) -> Path | None:
        """The folder of the note ``note`` (an id as the index lists it), or None: for an id the
        tool keeps for itself (a note 'messages' would save its units into the labels'
        catalogs), and for a folder that is a symbolic link, which the build refuses too (its
        source, preview and catalog would be another project's)."""
        if reserved.id_refusal(note):
            return None
        for folder in self.project.note_folders():
            if folder.name == note:
                return None if folder.is_symlink() else folder.absolute()
        return None

    def page(self, name: str, **values: Any) -> HTMLResponse:
        html = self.pages.get_template(name).render(token=self.token, **values)
        return HTMLResponse(html, headers=_PAGE_HEADERS)


_PAGE_HEADERS = {
    # the pages load their own script and style only; no frame of another site holds them
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'self';"
    " object-src 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _server(request: Request) -> Server:
    return request.app.state.server


def _not_found() -> Response:
    return Response("not found", status_code=404, media_type="text/plain")


def _note_and_lang(request: Request) -> tuple[Server, str, Path, str] | None:
    server = _server(request)
    note, lang = request.path_params["note"], request.path_params["lang"]
    folder = server.note_folder(note)
    if folder is None or lang not in languages.CODES:
        return None
    return server, note, folder, lang


# pages ---------------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    server = _server(request)
    rows = await run_in_threadpool(status.index_rows, server.project)
    return server.page("index.html", rows=rows, title="Concept notes")


async def note_page(request: Request) -> Response:
    return await _language_page(request, "note.html", "{note} ({lang})")


async def review_page(request: Request) -> Response:
    return await _language_page(request, "review.html", "Review import: {note} ({lang})")


async def translate_page(request: Request) -> Response:
    show = request.query_params.get("show", "untranslated")
    return await _language_page(request, "translate.html", "Translate {note} ({lang})", show=show)


async def _language_page(request: Request, template: str, title: str, **values: Any) -> Response:
    """A page about one note in one language, with the switch to its other languages."""
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, note, folder, lang = found
    langs = await run_in_threadpool(status.note_languages, folder)
    return server.page(template, note=note, lang=lang, langs=langs, title=title.format(note=note, lang=lang),
                       direction=languages.get(lang).direction, **values)


# the preview ---------------------------------------------------------------------------------


async def preview_state(request: Request) -> Response:
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, note, folder, lang = found
    preview = server.previews.get(note, lang, folder)
    if preview.result is None:
        await preview.done.wait()
    return JSONResponse(preview.state(), headers={"Cache-Control": "no-store"})


async def preview_file(request: Request) -> Response:
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, note, _, lang = found
    preview = server.previews.previews.get((note, lang))
    version = request.path_params["version"]
    if preview is None or not version.isdigit():
        return _not_found()
    found = files.project_file(server.previews.version_folder(preview, int(version)), request.path_params["name"])
    if found is None or found[0].suffix not in (".png", ".pdf"):
        return _not_found()
    return _file(found, {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


async def source(request: Request) -> Response:
    """The lines of the file a preview's blocks point into: note.md, or the language's catalog."""
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, note, folder, lang = found
    try:
        path, lines = await run_in_threadpool(status.source_lines, folder, lang)
    except NoteError as exc:
        return _refused(exc)
    return JSONResponse({"path": display_path(path), "lines": lines}, headers={"Cache-Control": "no-store"})


async def output_file(request: Request) -> Response:
    server = _server(request)
    output, top = server.project.output.absolute(), server.project.root.absolute()
    # an output folder inside the project is read from the project: it may not be a link
    found = files.project_file(output, request.path_params["path"], top if output.is_relative_to(top) else None)
    if found is None or found[0].suffix not in formats.SUFFIXES:
        return _not_found()
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if found[0].suffix == ".html":  # a built page has no script and needs nothing but itself
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    return _file(found, headers)


async def static(request: Request) -> Response:
    found = files.project_file(STATIC, request.path_params["name"])
    if found is None:
        return _not_found()
    return _file(found, {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def _file(found: tuple[Path, bytes], headers: dict[str, str]) -> Response:
    """A file the server sends, as :func:`files.project_file` read it."""
    path, data = found
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(data, media_type=kind, headers=headers)


async def events(request: Request) -> Response:
    """Server-sent events: a preview made again, files changed.  Ends when the server stops."""
    server = _server(request)
    queue = server.previews.subscribe()

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 1000\n\n"
            while not server.stopping.is_set():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEP_ALIVE)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if event is None:  # the server stops: the stream ends, the page reconnects later
                    break
                yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
        finally:
            server.previews.unsubscribe(queue)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


# the workbench -------------------------------------------------------------------------------


async def units(request: Request) -> Response:
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, _, folder, lang = found
    show = request.query_params.get("show", "all")
    try:
        data = await run_in_threadpool(status.workbench_units, folder, lang, show, server.notes)
    except (NoteError, UsageError) as exc:
        return _refused(exc)
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


async def check_unit(request: Request) -> Response:
    """The checks of a translation as the translator types it: the build's own, for this note."""
    posted = await _posted_texts(request, ("msgid", "msgstr"))
    if isinstance(posted, Response):
        return posted
    folder, lang, (msgid, msgstr) = posted
    try:
        problems = await run_in_threadpool(status.check_unit, folder, lang, msgid, msgstr, _server(request).notes)
    except NoteError as exc:
        return _refused(exc)
    return JSONResponse({"problems": problems})


async def save_unit(request: Request) -> Response:
    posted = await _posted_texts(request, ("key", "msgstr", "base_msgstr", "base_state"))
    if isinstance(posted, Response):
        return posted
    from conceptnotes.serve import workbench

    folder, lang, fields = posted
    try:
        view = await run_in_threadpool(workbench.save, folder, lang, *fields, _server(request).notes,
                                         lock=_server(request).write_lock)
    except workbench.Conflict as exc:
        return JSONResponse({"conflict": True, "unit": status.unit_json(exc.current)}, status_code=409)
    except (NoteError, UsageError, KeyError) as exc:
        return _refused(exc)
    return JSONResponse({"unit": status.unit_json(view)})


# the Details form ----------------------------------------------------------------------------


async def details_form(request: Request) -> Response:
    """The Details form's values (note.md's front matter as written) and its lists."""
    from conceptnotes.serve import details

    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    server, _, folder, _ = found
    if server.countries is None:
        server.countries = await run_in_threadpool(details.countries)
    try:
        data = await run_in_threadpool(details.form, folder, server.countries)
    except NoteError as exc:
        return _refused(exc)
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


async def details_check(request: Request) -> Response:
    """The problems of the note with the form's values, as ``check`` says them, by field."""
    from conceptnotes.serve import details

    posted = await _posted_about_note(request)
    if isinstance(posted, Response):
        return posted
    folder, body = posted
    try:
        data = await run_in_threadpool(details.check, folder, body.get("values"))
    except (NoteError, UsageError) as exc:
        return _refused(exc)
    return JSONResponse(data)


async def details_save(request: Request) -> Response:
    """Write the form's values into note.md: 409 with the file's values when they changed since
    the form was loaded (``base``), and nothing written."""
    from conceptnotes.serve import details

    posted = await _posted_about_note(request)
    if isinstance(posted, Response):
        return posted
    folder, body = posted
    server = _server(request)
    try:
        data = await run_in_threadpool(details.save, folder, body.get("values"), body.get("base"),
                                       server.write_lock)
    except details.Conflict as exc:
        return JSONResponse({"conflict": True, "values": exc.current}, status_code=409)
    except (NoteError, UsageError) as exc:
        return _refused(exc)
    return JSONResponse(data)


# the review import -----------------------------------------------------------------------------


async def review_plan(request: Request) -> Response:
    """A reviewed DOCX's changes, comments, conflicts and what is not applied; nothing written."""
    return await _review(request, write=False)


async def review_write(request: Request) -> Response:
    """Write the accepted changes of a reviewed DOCX: 409 with the plan as it reads now when
    it is not the one the page showed (``base``), and nothing written."""
    return await _review(request, write=True)


async def _review(request: Request, write: bool) -> Response:
    from conceptnotes.serve import review_page

    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    body = await _posted(request, MAX_REVIEW_BODY)
    if isinstance(body, Response):
        return body
    server, _, folder, lang = found
    try:
        name, data = review_page.posted_docx(body)
        if not write:
            answer = await run_in_threadpool(review_page.plan, folder, lang, name, data, server.project)
        else:
            answer = await run_in_threadpool(review_page.write, folder, lang, name, data, server.project,
                                             body.get("accept"), body.get("base"), server.write_lock)
    except review_page.Conflict as exc:
        return JSONResponse({"conflict": True, "plan": exc.current}, status_code=409)
    except (NoteError, UsageError) as exc:
        return _refused(exc)
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


def _refused(exc: Exception) -> JSONResponse:
    """A request the user's input refuses: 422 with the located problems of a note or a
    catalog (:class:`NoteError`), else 400 with what is wrong with the request itself."""
    if isinstance(exc, NoteError):
        return JSONResponse({"problems": [str(p) for p in exc.problems]}, status_code=422)
    return JSONResponse({"problems": [str(exc)]}, status_code=400)


async def _posted_about_note(request: Request) -> tuple[Path, dict] | Response:
    """A POST about one note: its folder and the JSON body; or the refusal (:func:`_posted`)."""
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    body = await _posted(request)
    return body if isinstance(body, Response) else (found[2], body)


async def _posted_texts(request: Request, names: tuple[str, ...]) -> tuple[Path, str, list[str]] | Response:
    """A POST about one note and language: its folder, the language and the texts ``names``
    of its body; or the refusal (404 for no such note or language, see :func:`_posted`)."""
    found = _note_and_lang(request)
    if found is None:
        return _not_found()
    body = await _posted(request)
    if isinstance(body, Response):
        return body
    _, _, folder, lang = found
    texts = [body.get(name) for name in names]
    if not all(isinstance(text, str) for text in texts):
        return JSONResponse({"problems": [f"{', '.join(names)}: texts expected"]}, status_code=400)
    return folder, lang, texts


async def _posted(request: Request, limit: int = MAX_BODY) -> dict | Response:
    """The JSON body of a POST from one of this server's own pages (at most ``limit`` bytes),
    or the refusal."""
    server = _server(request)
    if not secrets.compare_digest(request.headers.get("x-conceptnotes-token", ""), server.token):
        return JSONResponse({"problems": ["this page is out of date: reload it"]}, status_code=403)
    origin = request.headers.get("origin", "")
    if origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        return JSONResponse({"problems": ["a request from another site is refused"]}, status_code=403)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return JSONResponse({"problems": ["a JSON body is expected"]}, status_code=415)
    data = await _body(request, limit)
    if data is None:
        return JSONResponse({"problems": [f"the request is too large (at most {limit:,} bytes)"]}, status_code=413)
    try:
        body = parse_json(data)
    except ValueError:  # not JSON, or nested deeper than the parser goes
        return JSONResponse({"problems": ["the body is not JSON"]}, status_code=400)
    return body if isinstance(body, dict) else JSONResponse({"problems": ["a JSON object is expected"]}, 400)


async def _body(request: Request, limit: int = MAX_BODY) -> bytes | None:
    """The body of ``request``, or None when it is larger than ``limit``: refused by the
    length it declares before any of it is read, and by what it sends while it streams, so
    that a large body is never held whole."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# the application -----------------------------------------------------------------------------


# What the requests' threads use, imported once before the server answers: a library first
# imported by two threads at once is seen half imported when its modules import each other
# (python-docx: "cannot import name 'PartFactory' from 'docx.opc.part'", a Details check
# answering 500 while a reviewed DOCX was being read).  WeasyPrint is not among them: it is
# imported by one call that holds no other module's import, which waits for another thread's.
REQUEST_MODULES = (
    "conceptnotes.serve.workbench", "conceptnotes.serve.details", "conceptnotes.serve.review_page",
    "conceptnotes.word.review", "conceptnotes.word.review_diff", "conceptnotes.i18n.localize",
    "conceptnotes.build.pipeline",
    *dict.fromkeys(name.partition(":")[0] for f in formats.REGISTRY for name in (f.kinds, f.templates) if name),
)


def create_app(project: Project, host: str = "127.0.0.1", allowed_hosts: list[str] | None = None,
               secret: str | None = None, seconds: float = TIME_LIMIT) -> Starlette:
    """The server's application for ``project``; ``allowed_hosts``: the Host headers it answers
    (by default the local names: a page of another site cannot reach it through DNS rebinding);
    ``secret``: the one every request must carry (``--allow-remote``, :mod:`access`);
    ``seconds``: how long a preview may take to render."""
    for module in REQUEST_MODULES:  # before any request's thread runs (above)
        importlib.import_module(module)
    server = Server(project, seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.loop = asyncio.get_running_loop()
        server.previews.worker.start()
        watcher = asyncio.create_task(watch(project, server.previews, server.stopping))
        try:
            yield
        finally:
            server.stopping.set()
            watcher.cancel()
            server.previews.worker.stop()
            remove_tree(server.folder, server.folder.parent)

    routes = [
        Route("/", index),
        Route("/note/{note}/{lang}", note_page),
        Route("/translate/{note}/{lang}", translate_page),
        Route("/review/{note}/{lang}", review_page),
        Route("/api/review/{note}/{lang}", review_plan, methods=["POST"]),
        Route("/api/review/{note}/{lang}/write", review_write, methods=["POST"]),
        Route("/api/preview/{note}/{lang}", preview_state),
        Route("/api/source/{note}/{lang}", source),
        Route("/api/units/{note}/{lang}", units),
        Route("/api/units/{note}/{lang}", save_unit, methods=["POST"]),
        Route("/api/check/{note}/{lang}", check_unit, methods=["POST"]),
        Route("/api/details/{note}/{lang}", details_form),
        Route("/api/details/{note}/{lang}", details_save, methods=["POST"]),
        Route("/api/details/{note}/{lang}/check", details_check, methods=["POST"]),
        Route("/preview/{note}/{lang}/{version}/{name}", preview_file),
        Route("/output/{path:path}", output_file),
        Route("/static/{name:path}", static),
        Route("/events", events),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    hosts = allowed_hosts or _hosts(host)
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    if secret is not None:
        middleware.append(Middleware(access.RequireSecret, secret=secret))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.server = server
    return app


def _hosts(host: str) -> list[str]:
    """The Host headers a server listening on ``host`` answers: this machine's names, and
    the address it was told to listen on; any, for every address (``--allow-remote``
    with 0.0.0.0: the names other machines reach it by are not known here)."""
    if host in ANY_ADDRESS:
        return ["*"]
    return list(dict.fromkeys([host, *LOCAL_HOSTS]))


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


def serve(project: Project, host: str, port: int, secret: str | None = None, seconds: float = TIME_LIMIT) -> None:
    """Run the server until Ctrl-C (``secret``, ``seconds``: see :func:`create_app`)."""
    import uvicorn

    app = create_app(project, host, secret=secret, seconds=seconds)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.state.server.stop_streams()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5,
                            lifespan="on")
    Server(config).run()
