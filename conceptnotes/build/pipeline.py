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
import os
import re
from collections.abc import Iterable
from pathlib import Path

from conceptnotes import languages
from conceptnotes.build import manifest, validate
from conceptnotes.build.output import PENDING, commit, finish, locked, remove_stale_temporaries, stage
from conceptnotes.build.workers import BuildOptions, Built, Job, Progress, render_all
from conceptnotes.errors import NoteError, Problem, Problems, UsageError
from conceptnotes.i18n.localize import Localized, localize
from conceptnotes.model import Note
from conceptnotes.project import NOTE_FILE, Project
from conceptnotes.read.frontmatter import LANGUAGES
from conceptnotes.read.loader import load_note
from conceptnotes.render.html import render_html

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-3u")
DEFAULT_OPTIONS = BuildOptions()

# content/ and output/ of the folder the command runs in (the repository, for make)
FORMATS = ("pdf", "docx")


def note_folders(paths: Iterable[Path] | None, project: Project | None = None) -> list[Path]:
    """The note folders given, or every note of the project (of the working folder)."""
    paths = list(paths or [])
    if not paths:
        return (project or Project.working()).note_folders()
    for path in paths:
        if not (path / NOTE_FILE).is_file():
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


def plan(
    documents: list[Localized], formats: tuple[str, ...], out: Path, options: BuildOptions = DEFAULT_OPTIONS
) -> list[Job]:
    jobs = []
    for localized in documents:
        note = localized.note
        for fmt in formats:
            path = out / note.id / f"{output_name(note, localized.lang)}.{fmt}"
            jobs.append(Job(localized, fmt, path, templates_of(note), options))
    return jobs


def output_name(note: Note, lang: str) -> str:
    """The file name (without extension) of the note's document in ``lang``.

    ``<note-id>.<lang>`` by default; a note's ``file_name`` pattern may name it as UN
    document systems do, from its symbol or job number and the UN language letter.
    """
    pattern = note.meta.file_name or "{id}.{lang}"
    values = {
        "id": note.id,
        "lang": lang,
        "letter": languages.get(lang).un_letter,
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
    protected_folders = [*Project.working().protected(), *(f.resolve() for f in folders)]
    for protected in dict.fromkeys(protected_folders):  # in this order: the message names content/ first
        if resolved == protected or protected in resolved.parents:
            raise UsageError(
                f"the output folder {out} is inside {protected.name}/, where notes live:"
                " choose another (default: output/)"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output folder {out} is a file")


def templates_of(note: Note) -> Path:
    """The template folder of the note's project: its own ``templates/concept-note/``, or the tool's."""
    return Project.of_note(note.folder).templates


def check(
    folders: list[Path],
    langs: tuple[str, ...] | None = None,
    *,
    strict: bool = False,
    loaded: tuple[list[Note], list[Problem]] | None = None,
    template_dir: Path | None = None,
) -> tuple[list[Localized], list[Problem]]:
    """Validate everything a build would read; write nothing.  Raise NoteError with every problem.

    The one validation path: ``check``, ``build`` (every format) and ``official`` run it
    before anything renders.  Returns each note in each of its languages, ready to render,
    and the warnings; in a strict build every warning is an error, decided here, once.
    ``loaded`` is what :func:`load_notes` gave for ``folders``, when the caller has it.
    """
    notes, warnings = loaded if loaded is not None else load_notes(folders)
    warnings = list(warnings)
    problems = Problems()
    for templates in dict.fromkeys(template_dir or templates_of(note) for note in notes):
        problems.extend(validate.template_problems(templates))
    documents = []
    for note in notes:
        problems.extend(validate.document_problems(note, template_dir or templates_of(note)))
        for lang in languages_of(note, langs):
            try:
                localized = localize(note, lang)
            except NoteError as exc:
                problems.extend(exc.problems)
                continue
            warnings.extend(localized.fallbacks)
            problems.extend(validate.font_problems(localized))
            problems.extend(validate.size_problems(localized))
            documents.append(localized)
    if not problems.errors:  # the templates render every document (an undefined name is theirs)
        for localized in documents:
            try:
                render_html(localized, template_dir or templates_of(localized.note))
            except NoteError as exc:
                problems.extend(exc.problems)
    if strict:
        problems.extend([dataclasses.replace(p, warning=False) for p in warnings])
        warnings = []
    problems.raise_if_errors()
    return documents, list(dict.fromkeys(warnings))


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

    Load, then (unless every output is up to date by its raw inputs) check, plan, render
    and commit.  An output is up to date when its raw inputs, options and tools are those
    of the last build (the quick key: nothing is parsed), or when what it shows is (the
    key: the localized model, labels, templates, fonts, options, tools).
    """
    validate_options(langs, formats, out, folders)
    if variant not in PDF_VARIANTS:
        raise UsageError(f"unknown PDF variant '{variant}' (choose among {', '.join(PDF_VARIANTS)})")
    out = out.resolve()
    loaded = load_notes(folders)
    targets = [
        (note, lang, fmt, out / note.id / f"{output_name(note, lang)}.{fmt}")
        for note in loaded[0]
        for lang in languages_of(note, langs)
        for fmt in formats
    ]
    if not targets:
        raise UsageError(f"nothing to build: no note has the language(s) {', '.join(langs or ())}")
    options = BuildOptions(strict=strict, variant=variant)
    with locked(out):
        finish(out)  # a build killed after it committed: complete it first
        remove_stale_temporaries(out)
        state = manifest.Previous(out, manifest.read(out))
        raw = {(note.id, lang): manifest.inputs_of(note, lang, templates_of(note)) for note, lang, _, _ in targets}
        quick = {path: manifest.quick_key(raw[note.id, lang], lang, fmt, _key_options(fmt, options))
                 for note, lang, fmt, path in targets}
        if state.all_quick_match(quick, official):
            return [state.built(path) for *_, path in targets], []
        documents, warnings = check(folders, langs, strict=strict, loaded=loaded)
        planned = plan(documents, formats, out, options)
        entries, todo = _entries(planned, state, raw, quick)
        from conceptnotes.build.cache import prepare_fonts

        prepare_fonts([job.localized.lang for job in todo if job.fmt == "pdf"])
        results = render_all(todo, jobs or os.cpu_count() or 1, progress)
        built = _commit(out, planned, todo, results, entries, state, official=official, strict=strict)
    order = {job.path: n for n, job in enumerate(planned)}
    return sorted(built, key=lambda b: order[b.path]), warnings


def _key_options(fmt: str, options: BuildOptions) -> dict[str, object]:
    return {"variant": options.variant if fmt == "pdf" else "", "strict": options.strict}


def _entries(planned: list[Job], state, raw: dict, quick: dict) -> tuple[dict[str, dict], list[Job]]:
    """The manifest entry of every planned output, and the jobs whose output must be rendered."""
    entries: dict[str, dict] = {}
    todo: list[Job] = []
    for job in planned:
        note, lang = job.localized.note, job.localized.lang
        found = raw[note.id, lang]
        variant = job.options.variant if job.fmt == "pdf" else ""
        key = manifest.output_key(job.localized, job.fmt, {"variant": variant}, found)
        entry = {"note": note.id, "lang": lang, "format": job.fmt, "key": key, "quick": quick[job.path],
                 "inputs": found}
        if job.fmt == "pdf":
            entry["variant"] = variant
        old = state.unchanged(job.path)
        if old and old.get("key") == key:
            entry.update({k: old[k] for k in ("sha256", "size", "pages")})
        else:
            todo.append(job)
        entries[state.name(job.path)] = entry
    return entries, todo


def _commit(out: Path, planned, todo, results, entries, state, *, official: bool, strict: bool) -> list[Built]:
    """Stage the rendered outputs and commit them with the new manifest, all or nothing."""
    staged: list[tuple[Path, Path]] = []
    try:
        built = []
        for index, job in enumerate(todo):
            rendered, seconds = results[index]
            staged.append((stage(job.path, rendered.data), job.path))
            entries[state.name(job.path)].update(
                sha256=hashlib.sha256(rendered.data).hexdigest(), size=len(rendered.data), pages=rendered.pages
            )
            built.append(Built(job.path, len(rendered.data), seconds, rendered.pages, True))
        built += [state.built(job.path, entries) for job in planned if job not in todo]
        kept = {name: e for name, e in state.outputs.items() if name not in entries and (out / name).is_file()}
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
    return built
