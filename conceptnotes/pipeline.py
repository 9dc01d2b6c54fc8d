"""The build: load and validate every note, render every document, then write.

Nothing is written until every requested document has rendered without error, and
each file is written atomically (:mod:`output`).  Heavy libraries (WeasyPrint,
python-docx) are imported only by the renderers that need them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import fonts
from .errors import NoteError, Problem, Problems, UsageError
from .frontmatter import LANGUAGES
from .loader import find_notes, load_note
from .markdown_parse import iter_texts
from .model import Note, Rendered
from .output import remove_stale_temporaries, write_atomic
from .translate import Localized, localize

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
OUTPUT_DIR = ROOT / "output"
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Job:
    localized: Localized
    fmt: str
    path: Path


@dataclass(frozen=True)
class Built:
    path: Path
    size: int
    seconds: float
    pages: int | None = None


def note_folders(paths: Iterable[Path] | None) -> list[Path]:
    paths = list(paths or [])
    if not paths:
        return find_notes(CONTENT_DIR)
    for path in paths:
        if not (path / "note.md").is_file():
            raise UsageError(f"{path}: not a note folder (no note.md in it)")
    return paths


def load_notes(folders: list[Path]) -> tuple[list[Note], list[Problem]]:
    """Load every note, collecting the problems of all of them before failing."""
    notes, problems = [], Problems()
    for folder in folders:
        try:
            note, warnings = load_note(folder)
        except NoteError as exc:
            problems.extend(exc.problems)
            continue
        notes.append(note)
        problems.extend(warnings)
    problems.raise_if_errors()
    return notes, problems.warnings


def languages_of(note: Note, wanted: tuple[str, ...] | None) -> list[str]:
    return [lang for lang in note.meta.languages if wanted is None or lang in wanted]


def check_fonts(note: Note, lang: str) -> list[Problem]:
    """Every character the document shows must be in the fonts configured for ``lang``."""
    missing = [str(p) for p in fonts.missing_font_files(lang)]
    if missing:
        return [Problem(str(note.source), 0, f"font file missing: {missing[0]} (run 'make' to install the fonts)")]
    meta = note.meta
    texts: list[tuple[int, str]] = [(meta.lines.get(k, 0), getattr(meta, k)) for k in ("title", "subtitle", "symbol")]
    texts += [(meta.lines.get("organizers", 0), o) for o in meta.organizers]
    texts += [(meta.lines.get("event", 0), meta.event.city), (meta.lines.get("event", 0), meta.event.venue)]
    texts += [(meta.lines.get("contacts", 0), c.name) for c in meta.contacts]
    texts += list(iter_texts(note.document))
    for line, text in texts:
        char = fonts.first_uncovered(text, lang)
        if char:
            families = ", ".join(fonts.pdf_families(lang))
            return [
                Problem(
                    str(note.source),
                    line,
                    f"character U+{ord(char):04X} {char!r} is not in the fonts for '{lang}' ({families})",
                )
            ]
    return []


def plan(documents: list[Localized], formats: tuple[str, ...], out: Path) -> list[Job]:
    jobs = []
    for localized in documents:
        note_id, lang = localized.note.id, localized.lang
        for fmt in formats:
            jobs.append(Job(localized, fmt, out / note_id / f"{note_id}.{lang}.{fmt}"))
    return jobs


def validate_options(
    langs: tuple[str, ...] | None, formats: tuple[str, ...], out: Path, folders: list[Path] = ()
) -> None:
    if langs is not None and not langs:
        raise UsageError("--lang needs at least one language, e.g. --lang en,fr")
    if not formats:
        raise UsageError("--format needs at least one format: pdf, docx or pdf,docx")
    for lang in langs or ():
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language '{lang}' (choose among {', '.join(LANGUAGES)})")
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}' (choose among {', '.join(FORMATS)})")
    resolved = out.resolve()
    for protected in {CONTENT_DIR.resolve(), (Path.cwd() / "content").resolve(), *(f.resolve() for f in folders)}:
        if resolved == protected or protected in resolved.parents:
            raise UsageError(
                f"the output folder {out} is inside {protected.name}/, where notes live:"
                " choose another (default: output/)"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output folder {out} is a file")


def check(
    folders: list[Path], langs: tuple[str, ...] | None = None, *, strict: bool = False
) -> tuple[list[Localized], list[Problem]]:
    """Validate everything a build would read; write nothing.  Raise NoteError with every problem.

    Returns each note in each of its languages, ready to render, and the warnings.
    """
    from .render_html import render_html

    notes, warnings = load_notes(folders)
    if strict and warnings:
        raise NoteError(warnings)
    problems = Problems()
    documents = []
    for note in notes:
        for lang in languages_of(note, langs):
            try:
                localized = localize(note, lang, strict=strict)
            except NoteError as exc:
                problems.extend(exc.problems)
                continue
            warnings.extend(localized.fallbacks)
            problems.extend(check_fonts(localized.note, lang))
            try:
                render_html(localized)  # templates parse and every node kind is supported
            except NoteError as exc:
                problems.extend(exc.problems)
            documents.append(localized)
    problems.raise_if_errors()
    return documents, warnings


def render(job: Job) -> Rendered:
    if job.fmt == "pdf":
        from .render_pdf import render_pdf

        return render_pdf(job.localized)
    from .render_docx import render_docx

    return render_docx(job.localized)


def build(
    folders: list[Path],
    langs: tuple[str, ...] | None,
    formats: tuple[str, ...],
    out: Path,
    progress=None,
    *,
    strict: bool = False,
) -> tuple[list[Built], list[Problem]]:
    """Build the documents; write them only when all have rendered."""
    validate_options(langs, formats, out, folders)
    documents, warnings = check(folders, langs, strict=strict)
    jobs = plan(documents, formats, out)
    if not jobs:
        raise UsageError(f"nothing to build: no note has the language(s) {', '.join(langs or ())}")
    rendered: list[tuple[Job, Rendered, float]] = []
    problems = Problems()
    for job in jobs:
        started = time.monotonic()
        try:
            result = render(job)
        except NoteError as exc:
            problems.extend(exc.problems)
            continue
        rendered.append((job, result, time.monotonic() - started))
        if progress:
            progress(job)
    problems.raise_if_errors()
    remove_stale_temporaries(out)
    built = []
    for job, result, seconds in rendered:
        write_atomic(job.path, result.data)
        built.append(Built(job.path, len(result.data), seconds, result.pages))
    return built, warnings
