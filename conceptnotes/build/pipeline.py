"""The build: load and validate every note, render the documents that are not up to
date, then write.

Nothing is written until every requested document has rendered without error; the
files and the manifest are then committed together (:mod:`output`, :mod:`manifest`).
Heavy libraries (WeasyPrint, python-docx) are imported only by the renderers, so a
build with nothing to do never loads them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from conceptnotes.build.output import PENDING, commit, finish, locked, remove_stale_temporaries, stage
from conceptnotes.errors import NoteError, Problem, Problems, UsageError
from conceptnotes.i18n import catalogs
from conceptnotes.i18n.localize import Localized, localize
from conceptnotes.model import Note, Rendered
from conceptnotes.project import TOOL_ROOT
from conceptnotes.read.frontmatter import LANGUAGES
from conceptnotes.read.loader import find_notes, load_note
from conceptnotes.read.markdown_parse import iter_texts
from conceptnotes.render import fonts
from conceptnotes.render.docx.template import DOCX_TEMPLATE, check_template
from conceptnotes.render.html import TEMPLATE_DIR

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-3u")

ROOT = TOOL_ROOT
# content/ and output/ of the folder the command runs in (the repository, for make)
CONTENT_DIR = Path("content")
OUTPUT_DIR = Path("output")
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    variant: str = "pdf/ua-1"


@dataclass(frozen=True)
class Job:
    localized: Localized
    fmt: str
    path: Path
    options: BuildOptions = BuildOptions()


@dataclass(frozen=True)
class Built:
    path: Path
    size: int
    seconds: float
    pages: int | None = None
    fresh: bool = True  # built now, rather than up to date


Progress = Callable[[int, int, Path], None]


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
            return [Problem(str(note.source), line, fonts.uncovered_message(char, lang))]
    return []


def plan(
    documents: list[Localized], formats: tuple[str, ...], out: Path, options: BuildOptions = BuildOptions()
) -> list[Job]:
    jobs = []
    for localized in documents:
        note = localized.note
        for fmt in formats:
            jobs.append(Job(localized, fmt, out / note.id / f"{output_name(note, localized.lang)}.{fmt}", options))
    return jobs


UN_LETTERS = {"ar": "A", "zh": "C", "en": "E", "fr": "F", "ru": "R", "es": "S"}


def output_name(note: Note, lang: str) -> str:
    """The file name (without extension) of the note's document in ``lang``.

    ``<note-id>.<lang>`` by default; a note's ``file_name`` pattern may name it as UN
    document systems do, from its symbol or job number and the UN language letter.
    """
    pattern = note.meta.file_name or "{id}.{lang}"
    values = {
        "id": note.id,
        "lang": lang,
        "letter": UN_LETTERS[lang],
        "symbol": re.sub(r"[^\w.-]+", "_", note.meta.symbol).strip("_"),
        "job": note.meta.job_numbers.get(lang, ""),
    }
    return pattern.format(**values)


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
    protected_folders = [CONTENT_DIR.resolve(), (ROOT / "content").resolve(), *(f.resolve() for f in folders)]
    for protected in dict.fromkeys(protected_folders):  # in this order: the message names content/ first
        if resolved == protected or protected in resolved.parents:
            raise UsageError(
                f"the output folder {out} is inside {protected.name}/, where notes live:"
                " choose another (default: output/)"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output folder {out} is a file")


def check(
    folders: list[Path],
    langs: tuple[str, ...] | None = None,
    *,
    strict: bool = False,
    render: bool = True,
    loaded: tuple[list[Note], list[Problem]] | None = None,
) -> tuple[list[Localized], list[Problem]]:
    """Validate everything a build would read; write nothing.  Raise NoteError with every problem.

    Returns each note in each of its languages, ready to render, and the warnings.
    ``loaded`` is what :func:`load_notes` gave for ``folders``, when the caller has it.
    """
    from conceptnotes.render.html import render_html

    notes, warnings = loaded if loaded is not None else load_notes(folders)
    warnings = list(warnings)
    problems = Problems()
    if strict:  # every warning is an error, and all are reported together
        problems.extend([dataclasses.replace(p, warning=False) for p in warnings])
        warnings = []
    problems.extend(check_template(TEMPLATE_DIR / DOCX_TEMPLATE))
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
            if render:  # templates parse and every node kind is supported (a build renders anyway)
                try:
                    render_html(localized)
                except NoteError as exc:
                    problems.extend(exc.problems)
            documents.append(localized)
    problems.raise_if_errors()
    return documents, warnings


def attachments(job: Job) -> tuple[tuple[str, bytes], ...]:
    """The note's source files for a PDF/A-3 document: the note, its assets, its catalogs."""
    note = job.localized.note
    files = catalogs.note_sources(note, job.localized.lang)
    return tuple(
        (str(p.relative_to(p.parents[2] if p.suffix == ".po" else note.folder)), p.read_bytes()) for p in files
    )


def render(job: Job) -> Rendered:
    if job.fmt == "pdf":
        from conceptnotes.render.pdf import render_pdf

        extra = attachments(job) if job.options.variant.startswith("pdf/a-") else ()
        return render_pdf(job.localized, variant=job.options.variant, attachments=extra)
    from conceptnotes.render.docx.renderer import render_docx

    return render_docx(job.localized)


_PLAN: list[Job] = []


def _render_index(index: int) -> tuple[int, Rendered | None, list[Problem], float]:
    started = time.monotonic()
    try:
        return index, render(_PLAN[index]), [], time.monotonic() - started
    except NoteError as exc:
        return index, None, exc.problems, time.monotonic() - started


def render_all(todo: list[Job], jobs: int, progress: Progress | None) -> dict[int, tuple[Rendered, float]]:
    """Render the jobs, in ``jobs`` worker processes when more than one; raise every problem."""
    global _PLAN
    _PLAN = todo
    problems = Problems()
    results: dict[int, tuple[Rendered, float]] = {}
    done = [0]

    def collect(item: tuple[int, Rendered | None, list[Problem], float]) -> None:
        index, rendered, found, seconds = item
        problems.extend(found)
        if rendered is not None:
            results[index] = (rendered, seconds)
        done[0] += 1
        if progress:
            progress(done[0], len(todo), todo[index].path)

    if jobs <= 1 or len(todo) <= 1:
        for index in range(len(todo)):
            collect(_render_index(index))
    else:
        # import the renderers once, before the workers fork from this process
        if any(job.fmt == "pdf" for job in todo):
            import weasyprint  # noqa: F401
        import docx  # noqa: F401

        with multiprocessing.get_context("fork").Pool(min(jobs, len(todo))) as pool:
            for item in pool.imap_unordered(_render_index, range(len(todo))):
                collect(item)
    _PLAN = []
    problems.raise_if_errors()
    return results


def build(
    folders: list[Path],
    langs: tuple[str, ...] | None,
    formats: tuple[str, ...],
    out: Path,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    variant: str = "pdf/ua-1",
    jobs: int | None = None,
    official: bool = False,
) -> tuple[list[Built], list[Problem]]:
    """Build the documents that are not up to date; write them only when all have rendered.

    An output is up to date when its raw inputs, options and tools are those of the last
    build (the quick key: nothing is parsed), or when what it shows is (the key: the
    localized model, labels, templates, fonts, options, tools).
    """
    from conceptnotes.build import manifest

    validate_options(langs, formats, out, folders)
    if variant not in PDF_VARIANTS:
        raise UsageError(f"unknown PDF variant '{variant}' (choose among {', '.join(PDF_VARIANTS)})")
    out = out.resolve()
    loaded = load_notes(folders)
    notes = loaded[0]
    targets = [
        (note, lang, fmt, out / note.id / f"{output_name(note, lang)}.{fmt}")
        for note in notes
        for lang in languages_of(note, langs)
        for fmt in formats
    ]
    if not targets:
        raise UsageError(f"nothing to build: no note has the language(s) {', '.join(langs or ())}")
    with locked(out):
        finish(out)  # a build killed after it committed: complete it first
        remove_stale_temporaries(out)
        last = manifest.read(out)
        previous = last["outputs"]
        raw = {(note.id, lang): manifest.inputs_of(note, lang, TEMPLATE_DIR) for note, lang, _, _ in targets}
        quick = {
            path: manifest.quick_key(
                raw[note.id, lang], lang, fmt, {"variant": variant if fmt == "pdf" else "", "strict": strict}
            )
            for note, lang, fmt, path in targets
        }

        def unchanged(path: Path) -> dict | None:
            old = previous.get(str(path.relative_to(out)))
            if old and path.is_file() and manifest.file_hash(path) == old.get("sha256"):
                return old
            return None

        # nothing to read or render: the same raw inputs and options as the last build (which,
        # for an official build, must have been official: its manifest says so)
        if all((old := unchanged(path)) and old.get("quick") == quick[path] for *_, path in targets) and (
            last.get("official") or not official
        ):
            return [
                Built(
                    path,
                    previous[str(path.relative_to(out))]["size"],
                    0.0,
                    previous[str(path.relative_to(out))]["pages"],
                    False,
                )
                for *_, path in targets
            ], []

        documents, warnings = check(folders, langs, strict=strict, render=False, loaded=loaded)
        planned = plan(documents, formats, out, BuildOptions(strict=strict, variant=variant))
        entries: dict[str, dict] = {}
        todo: list[Job] = []
        for job in planned:
            note, lang = job.localized.note, job.localized.lang
            found = raw[note.id, lang]
            key = manifest.output_key(job.localized, job.fmt, {"variant": variant if job.fmt == "pdf" else ""}, found)
            name = str(job.path.relative_to(out))
            entry = {
                "note": note.id,
                "lang": lang,
                "format": job.fmt,
                "key": key,
                "quick": quick[job.path],
                "inputs": found,
            }
            if job.fmt == "pdf":
                entry["variant"] = variant
            old = unchanged(job.path)
            if old and old.get("key") == key:
                entries[name] = {**entry, **{k: old[k] for k in ("sha256", "size", "pages")}}
            else:
                entries[name] = entry
                todo.append(job)
        results = render_all(todo, jobs or os.cpu_count() or 1, progress)
        staged: list[tuple[Path, Path]] = []
        try:
            built = []
            for index, job in enumerate(todo):
                rendered, seconds = results[index]
                staged.append((stage(job.path, rendered.data), job.path))
                name = str(job.path.relative_to(out))
                entries[name].update(
                    sha256=hashlib.sha256(rendered.data).hexdigest(), size=len(rendered.data), pages=rendered.pages
                )
                built.append(Built(job.path, len(rendered.data), seconds, rendered.pages, True))
            for job in planned:
                if job not in todo:
                    entry = entries[str(job.path.relative_to(out))]
                    built.append(Built(job.path, entry["size"], 0.0, entry["pages"], False))
            kept = {name: entry for name, entry in previous.items() if name not in entries and (out / name).is_file()}
            record = {
                "format_version": manifest.FORMAT_VERSION,
                "official": official,
                "strict": strict,
                "tools": manifest.tool_versions(),
                "outputs": {**kept, **entries},
            }
            data = manifest.dump(record)
            current = out / manifest.MANIFEST
            if staged or not current.is_file() or current.read_bytes() != data:
                commit(out, staged, data)
        except BaseException:
            # failed before the journal (a full disk, Ctrl-C): the previous outputs stand
            if not (out / PENDING).exists():
                for temp, _ in staged:
                    temp.unlink(missing_ok=True)
            raise
    order = {job.path: n for n, job in enumerate(planned)}
    return sorted(built, key=lambda b: order[b.path]), warnings
