"""Rendering planned documents, in this process or in worker processes.

Each job is a localized, validated document and a format; the renderers are imported
here, when there is something to render, so a build with nothing to do never loads
WeasyPrint or python-docx.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import model as m
from conceptnotes.errors import NoteError, Problem, Problems
from conceptnotes.i18n.localize import Localized
from conceptnotes.model import Rendered
from conceptnotes.model.visitor import walk
from conceptnotes.project import NOTE_FILE, Project

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
    locales = Project.of_note(note.folder).locales
    images = {n.src: n.path for n in walk(note.document) if isinstance(n, m.Image)}
    files = [(NOTE_FILE, note.raw)]
    files += [(src, read_input(path, note.folder)) for src, path in sorted(images.items())]
    files += [(str(p.relative_to(locales)), data) for p, data in job.localized.catalogs]
    return tuple(files)


def render(job: Job) -> Rendered:
    if job.fmt == "pdf":
        from conceptnotes.render.pdf import render_pdf

        extra = attachments(job) if job.options.variant.startswith("pdf/a-") else ()
        return render_pdf(job.localized, job.templates, variant=job.options.variant, attachments=extra)
    from conceptnotes.render.docx.renderer import render_docx

    return render_docx(job.localized, job.templates)


# The jobs of this build, in a worker: set by the pool's initializer (with the fork start
# method, from the parent's memory; a Localized holds callables that cannot be pickled).
_jobs: list[Job] = []


def _start_worker(jobs: list[Job]) -> None:
    global _jobs
    _jobs = jobs


def _render_index(index: int, jobs: list[Job] | None = None) -> tuple[int, Rendered | None, list[Problem], float]:
    started = time.monotonic()
    job = (jobs if jobs is not None else _jobs)[index]
    try:
        return index, render(job), [], time.monotonic() - started
    except NoteError as exc:
        return index, None, exc.problems, time.monotonic() - started


def render_all(todo: list[Job], jobs: int, progress: Progress | None) -> dict[int, tuple[Rendered, float]]:
    """Render the jobs, in ``jobs`` worker processes when more than one; raise every problem."""
    problems = Problems()
    results: dict[int, tuple[Rendered, float]] = {}
    done = 0

    def collect(item: tuple[int, Rendered | None, list[Problem], float]) -> None:
        nonlocal done
        index, rendered, found, seconds = item
        problems.extend(found)
        if rendered is not None:
            results[index] = (rendered, seconds)
        done += 1
        if progress:
            progress(done, len(todo), todo[index].path)

    if jobs <= 1 or len(todo) <= 1:
        for index in range(len(todo)):
            collect(_render_index(index, todo))
    else:
        # import the renderers once, before the workers fork from this process
        if any(job.fmt == "pdf" for job in todo):
            import weasyprint  # noqa: F401
        import docx  # noqa: F401

        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(todo)), initializer=_start_worker, initargs=(todo,)) as pool:
            for item in pool.imap_unordered(_render_index, range(len(todo))):
                collect(item)
    problems.raise_if_errors()
    return results
