"""Rendering planned documents, in this process or in worker processes.

Each job is a localized, validated document and a format; the renderers are imported
when there is something to render (by the worker processes, as soon as the build knows
there may be), so a build with nothing to do never loads WeasyPrint or python-docx.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems
from conceptnotes.model import Rendered
from conceptnotes.model.visitor import walk
from conceptnotes.project import NOTE_FILE
from conceptnotes.render import formats
from conceptnotes.writing import remove_tree

if TYPE_CHECKING:
    from conceptnotes.model import Localized

Progress = Callable[[int, int, Path], None]


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    variant: str = "pdf/ua-1"


@dataclass(frozen=True)
class Job:
    localized: Localized
    fmt: str
    path: Path
    templates: Path  # the template folder of the note's project
    options: BuildOptions = BuildOptions()
    html: str | None = None  # the HTML the check rendered, for a format that lays it out (the PDF)


@dataclass(frozen=True)
class Built:
    """An output of the build: rendered now (``fresh``) or up to date."""

    path: Path
    size: int
    seconds: float
    pages: int | None = None
    fresh: bool = True  # built now, rather than up to date


def attachments(job: Job) -> tuple[tuple[str, bytes], ...]:
    """The sources of a PDF/A-3 document, as the build read and validated them: the note,
    the images it shows, and the catalogs its language was translated with."""
    from conceptnotes.read.files import read_input

    note = job.localized.note
    images = {n.src: n.path for n in walk(note.document) if isinstance(n, m.Image)}
    files = [(NOTE_FILE, note.raw)]
    files += [(src, read_input(path, note.folder)) for src, path in sorted(images.items())]
    files += [(str(Path(*p.parts[-3:])), data) for p, data in job.localized.catalogs]  # <lang>/LC_MESSAGES/x.po
    return tuple(files)


def render(job: Job) -> Rendered:
    """The job's document, by the renderer the registry names for its format (imported now)."""
    fmt = formats.get(job.fmt)
    arguments: dict[str, Any] = {name: getattr(job.options, name) for name in fmt.options}
    if fmt.checked_html:
        arguments["checked_html"] = job.html
    if fmt.attaches(arguments):
        arguments["attachments"] = attachments(job)
    return formats.load(fmt.renderer)(job.localized, job.templates, **arguments)


class Renderers:
    """Worker processes for the documents to render, started as soon as the build knows
    there may be some (before the notes' bodies are parsed and checked): while this
    process reads and checks, they import their renderers (WeasyPrint: 0.3 s), and each
    document submitted while the check goes on starts rendering at once.  Jobs reach them
    pickled.  When documents of a heavy format (the PDF) are to render, the workers are
    theirs alone, one per document at most, and this process renders the other formats'
    (the DOCX) once its check is done: no worker imports WeasyPrint for a DOCX.  With one
    job (``--jobs 1``) there are no workers, and every document renders in this process."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool = None
        self.light_here = False  # the light formats render in this process (the workers have heavy ones)
        self.scratch: Path | None = None  # the workers' temporary folder, removed with them
        self.sent: list[tuple[tuple[int, Job], Any]] = []  # ((index, job), its pending result)

    def start(self, fmts: Sequence[str], templates: Sequence[Path] = ()) -> None:
        """Start the workers for documents of these formats (a name per document), unless
        started; those that import WeasyPrint then read the stylesheets of the ``templates``
        folders with it, and keep its verdict in the cache, where the check finds it
        instead of importing WeasyPrint itself (:func:`_warm_up`)."""
        if self.pool is not None or self.jobs <= 1 or not fmts:
            return
        import multiprocessing

        heavy = [fmt for fmt in fmts if formats.get(fmt).heavy]
        self.light_here = bool(heavy)
        pooled = heavy or list(fmts)
        self.scratch = Path(tempfile.mkdtemp(prefix="conceptnotes-render-"))
        context = multiprocessing.get_context("fork")
        self.pool = context.Pool(min(self.jobs, len(pooled)), initializer=_warm_up,
                                 initargs=(tuple(dict.fromkeys(pooled)), str(self.scratch),
                                           tuple(str(folder) for folder in dict.fromkeys(templates))))

    def submit(self, job: Job) -> int:
        """Render ``job`` as soon as a worker is free (in this process: when collected); its index."""
        self.start([job.fmt] * self.jobs)  # unless started already
        item = (len(self.sent), job)
        here = self.pool is None or (self.light_here and not formats.get(job.fmt).heavy)
        self.sent.append((item, None if here else self.pool.apply_async(_render_one, (item,))))
        return item[0]

    def collect(self, progress: Progress | None) -> dict[int, tuple[Rendered, float]]:
        """What the submitted jobs rendered, by index; raise every problem.  The jobs of this
        process render first, while the workers render theirs."""
        found_at: dict[int, list[Problem]] = {}
        results: dict[int, tuple[Rendered, float]] = {}
        here = [(item, pending) for item, pending in self.sent if pending is None]
        for done, (item, pending) in enumerate(here + [sent for sent in self.sent if sent[1] is not None], 1):
            if pending is None:
                with _frozen(collect=done < len(here)):  # the last one's garbage goes with the process
                    index, rendered, found, seconds = _render_one(item)
            else:
                index, rendered, found, seconds = pending.get()
            found_at[index] = found
            if rendered is not None:
                results[index] = (rendered, seconds)
            if progress:
                progress(done, len(self.sent), item[1].path)
        Problems([p for index in sorted(found_at) for p in found_at[index]]).raise_if_errors()  # in the plan's order
        return results

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.close()
            else:  # a rendering or the check failed, or the build was interrupted: the others are dropped
                self.pool.terminate()
            self.pool.join()
        if self.scratch is not None:  # what a worker stopped mid-rendering left (WeasyPrint's copies of the fonts)
            with contextlib.suppress(OSError):  # a temporary folder never fails the build, nor hides why it stopped
                remove_tree(self.scratch, self.scratch.parent)


@contextlib.contextmanager
def _frozen(*, collect: bool = True) -> Iterator[None]:
    """Python's collector leaving alone, while a document renders in this process, every
    object there is when it starts (the notes read, their model, the check's templates and
    catalogs).  Each of the collector's full passes during a layout visited them all again:
    1.7 s of collection in a ×50 PDF's build against 1.1 s in WeasyPrint alone.  They are
    handed back to the collector afterwards; nothing is freed later than it would be,
    except garbage made before the rendering, freed after it.

    With ``collect``, the rendering's own garbage (a DOCX's cycles of XML objects) is
    collected when it ends, among its objects alone while the others are frozen: left to
    the collector, it would wait for a full pass over the whole heap, rare in a long build
    (240 documents kept 0.8 GB alive).  Not after the last document this process renders:
    the garbage of a 138-page PDF takes 0.55 s to collect, and the process is ending."""
    gc.freeze()
    try:
        yield
    finally:
        if collect:
            gc.collect()
        gc.unfreeze()


def _warm_up(names: tuple[str, ...], scratch: str, templates: tuple[str, ...] = ()) -> None:
    """A worker's start: its temporary files go in the build's folder for them (removed by
    the build however the worker ends: a worker stopped mid-rendering cannot clean up), and
    its renderers are imported before its first document.  The worker is a process of its
    own, with no other thread: ``tempfile.tempdir`` is its own, set before anything runs.

    With WeasyPrint imported, what it says of the ``templates`` folders' stylesheets is
    kept in the cache, unless kept already: the build's check, which tells it, then reads
    it there rather than import WeasyPrint (0.4 s) in the build's own process.  Whatever
    goes wrong is left to the check, which reads the stylesheets again and says it."""
    from conceptnotes.render.engine import import_library

    tempfile.tempdir = scratch
    modules = dict.fromkeys(module for name in names for module in formats.get(name).warm_up)
    for module in modules:
        import_library(module)
    if "weasyprint" in modules:
        from conceptnotes.build.validate import remember_stylesheets

        for folder in templates:
            with contextlib.suppress(NoteError, OSError, ValueError):
                remember_stylesheets(Path(folder))


def _render_one(item: tuple[int, Job]) -> tuple[int, Rendered | None, list[Problem], float]:
    index, job = item
    started = time.monotonic()
    try:
        return index, render(job), [], time.monotonic() - started
    except NoteError as exc:
        return index, None, exc.problems, time.monotonic() - started
