"""Rendering planned documents, in this process or in worker processes.

Each job is a localized, validated document and a format; the renderers are imported
when there is something to render (by the worker processes, as soon as the build knows
there may be), so a build with nothing to do never loads WeasyPrint or python-docx.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems
from conceptnotes.model import Rendered
from conceptnotes.model.visitor import walk
from conceptnotes.project import NOTE_FILE
from conceptnotes.render import formats

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
    process reads and checks, they import WeasyPrint and python-docx (half a second each,
    the largest part of a small build).  Jobs reach them pickled.  With one job
    (``--jobs 1``) there are none, and documents render in this process."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool = None
        self.sent: list[tuple[tuple[int, Job], Any]] = []  # ((index, job), its pending result)

    def start(self, documents: int, names: tuple[str, ...]) -> None:
        if self.pool is None and self.jobs > 1 and documents:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self.pool = context.Pool(min(self.jobs, documents), initializer=_warm_up, initargs=(names,))

    def submit(self, job: Job) -> int:
        """Render ``job`` as soon as a worker is free (without workers: when collected); its index."""
        self.start(self.jobs, (job.fmt,))  # unless started already
        item = (len(self.sent), job)
        self.sent.append((item, None if self.pool is None else self.pool.apply_async(_render_one, (item,))))
        return item[0]

    def collect(self, progress: Progress | None) -> dict[int, tuple[Rendered, float]]:
        """What the submitted jobs rendered, by index; raise every problem."""
        problems = Problems()
        results: dict[int, tuple[Rendered, float]] = {}
        for done, (item, pending) in enumerate(self.sent, 1):
            if pending is None:
                with _frozen():
                    index, rendered, found, seconds = _render_one(item)
            else:
                index, rendered, found, seconds = pending.get()
            problems.extend(found)
            if rendered is not None:
                results[index] = (rendered, seconds)
            if progress:
                progress(done, len(self.sent), item[1].path)
        problems.raise_if_errors()
        return results

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.close()
            else:  # a rendering failed, or the build was interrupted: the others are dropped
                self.pool.terminate()
            self.pool.join()


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Python's collector leaving alone, while a document renders in this process, every
    object there is when it starts (the notes read, their model, the check's templates and
    catalogs).  Each of the collector's full passes during a layout visited them all again:
    1.7 s of collection in a ×50 PDF's build against 1.1 s in WeasyPrint alone.  They are
    handed back to the collector afterwards; nothing is freed later than it would be,
    except garbage made before the rendering, freed after it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _warm_up(names: tuple[str, ...]) -> None:
    from conceptnotes.render.engine import import_library

    for module in dict.fromkeys(module for name in names for module in formats.get(name).warm_up):
        import_library(module)


def _render_one(item: tuple[int, Job]) -> tuple[int, Rendered | None, list[Problem], float]:
    index, job = item
    started = time.monotonic()
    try:
        return index, render(job), [], time.monotonic() - started
    except NoteError as exc:
        return index, None, exc.problems, time.monotonic() - started
