"""The build: load and validate every note, render the documents that are not up to
date, then write.

Nothing is written until every requested document has rendered without error; the
files and the manifest are then committed together (:mod:`output`, :mod:`manifest`).
Heavy libraries (WeasyPrint, python-docx) are imported only by the renderers, so a
build with nothing to do never loads them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import languages
from conceptnotes.build import manifest, names, output, shards, uptodate, validate, verdicts
from conceptnotes.build.output import commit_changes, stage, staging
from conceptnotes.build.validate import Target
from conceptnotes.build.workers import BuildOptions, Built, Job, Progress, Renderers
from conceptnotes.errors import NoteError, Problem, Problems, UsageError, display_path
from conceptnotes.model import Note
from conceptnotes.placeholders import fill
from conceptnotes.project import NOTE_FILE, TOOL_ROOT, Project
from conceptnotes.read.files import is_present
from conceptnotes.read.frontmatter import LANGUAGES
from conceptnotes.read.loader import load_note
from conceptnotes.render import formats as output_formats
from conceptnotes.render.common import created, source_date

if TYPE_CHECKING:  # localizing and the HTML templates: only when something is checked
    from conceptnotes.model import Localized

PDF_VARIANTS = output_formats.PDF_VARIANTS
DEFAULT_OPTIONS = BuildOptions()

FORMATS = output_formats.NAMES  # every format the build can make (a build's default: output_formats.DEFAULT)


def note_folders(paths: Iterable[Path] | None, project: Project | None = None) -> list[Path]:
    """The note folders given, or every note of the project (of the working folder)."""
    paths = list(paths or [])
    if not paths:
        return (project or Project.working()).note_folders()
    for path in paths:
        if not is_present(path / NOTE_FILE):
            raise UsageError(f"{path}: not a note folder (no note.md in it)")
    return paths


def load_notes(folders: list[Path], *, body: bool = True) -> tuple[list[Note], list[Problem]]:
    """Load every note, collecting the problems of all of them before failing (without
    ``body``, their front matter only: see :func:`load_note`)."""
    notes, problems = [], Problems()
    for folder in folders:
        try:
            note, warnings = load_note(folder, body=body)
        except NoteError as exc:
            problems.extend(exc.problems)
            continue
        notes.append(note)
        problems.extend(warnings)
    problems.raise_if_errors()
    return notes, problems.warnings


def with_bodies(folders: list[Path], heads: tuple[list[Note], list[Problem]],
                wanted: set[str] | None) -> tuple[list[Note], list[Problem]]:
    """The notes of ``folders`` as :func:`load_notes` gives them, those whose id is in
    ``wanted`` (every one, when None) with their bodies, the others as ``heads`` (what it
    gave without bodies) has them: a note whose every document is up to date by its raw
    inputs is neither parsed nor checked again (see :attr:`Scope.only`); the warnings are
    those of the notes read again."""
    if wanted is None:
        return load_notes(folders)
    full, warnings = load_notes([note.folder for note in heads[0] if note.id in wanted])
    bodies = {note.folder: note for note in full}
    return [bodies.get(note.folder, note) for note in heads[0]], warnings


def languages_of(note: Note, wanted: tuple[str, ...] | None) -> list[str]:
    return [lang for lang in note.meta.languages if wanted is None or lang in wanted]


def plan(
    documents: list[Localized], formats: tuple[str, ...], out: Path, options: BuildOptions = DEFAULT_OPTIONS
) -> list[Job]:
    jobs = []
    for localized in documents:
        note, lang = localized.note, localized.lang
        for fmt in formats:
            jobs.append(Job(localized, fmt, out / document_name(note, lang, fmt), templates_of(note), options))
    return jobs


def document_name(note: Note, lang: str, fmt: str) -> str:
    """Where the note's document in ``lang`` and ``fmt`` goes in the output folder: ``<id>/<file>``."""
    return f"{note.id}/{output_name(note, lang)}{output_formats.get(fmt).suffix}"


def targets_of(notes: list[Note], langs: tuple[str, ...] | None, formats: tuple[str, ...]) -> list[Target]:
    """Every document the notes give in these languages and formats, in the order they are built."""
    return [
        Target(note, lang, fmt, document_name(note, lang, fmt))
        for note in notes
        for lang in languages_of(note, langs)
        for fmt in formats
    ]


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
    return fill(pattern, values)


def validate_options(
    langs: tuple[str, ...] | None, formats: tuple[str, ...], out: Path, folders: list[Path] = ()
) -> None:
    if langs is not None and not langs:
        raise UsageError("--lang needs at least one language, e.g. --lang en,fr")
    if not formats:
        raise UsageError(f"--format needs at least one format: {', '.join(FORMATS)} or {','.join(FORMATS)}")
    for lang in langs or ():
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language '{lang}' (choose among {', '.join(LANGUAGES)})")
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}' (choose among {', '.join(FORMATS)})")
    _refuse_among_sources(out, folders)
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output folder {out} is a file")
    source_date()  # checked even when every output is up to date


def _refuse_among_sources(out: Path, folders: list[Path]) -> None:
    """The output folder may neither be inside nor contain a note folder, content/, locales/
    or the templates: a build would write among the sources (and read its own outputs)."""
    resolved = out.resolve()
    projects = [Project.working(), Project.at(TOOL_ROOT), *(Project.of_note(f) for f in folders)]
    sources = dict([*(s for project in projects for s in project.sources()),  # content/ named first
                    *((f.resolve(), "where notes live") for f in folders)])
    around = [source for source in sources if resolved == source or source in resolved.parents]
    if around:  # the innermost, as the most precise
        source = max(around, key=lambda path: len(path.parts))
        raise UsageError(f"the output folder {out} is inside {source.name}/, {sources[source]}: choose another"
                         " (default: output/)")
    for source, what in sources.items():
        if resolved in source.parents:
            raise UsageError(f"the output folder {out} contains {display_path(source)}/, {what}: choose another"
                             " (default: output/)")


def templates_of(note: Note) -> Path:
    """The template folder of the note's project: its own ``templates/concept-note/``, or the tool's."""
    return Project.of_note(note.folder).templates


@dataclasses.dataclass(frozen=True)
class Scope:
    """What a check covers, and how.

    ``langs``: the language versions (every language of each note when None).
    ``formats``: those built: their renderers' rules and templates are checked, and the
    files they would write; None (the ``check`` command): every format's rules and
    templates, and the files of a build without ``--format``.
    ``strict``: every warning is an error, decided here, once.
    ``draft``: a language version whose catalogs cannot be used is left out, its problems
    put in :attr:`Checked.skipped`, and the others are checked as ever (a draft build).
    ``only``: the documents (note id, language) not up to date by their raw inputs: the
    other language versions are not localized again, since the build that made their
    documents checked the same inputs, and a note none of whose documents is among them
    is not checked at all (a build does not even parse its body: :func:`with_bodies`).
    ``remember``: keep in the cache what only saves time next time (a build; ``check``
    writes nothing): the templates' verdicts, and each document's (:mod:`verdicts`).
    ``kept``: a document whose verdict a build kept, for the same inputs, is not checked
    again; its warnings are told as they were (``check``).
    """

    langs: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    strict: bool = False
    draft: bool = False
    only: frozenset[tuple[str, str]] | None = None
    remember: bool = False
    kept: bool = False


@dataclasses.dataclass(frozen=True)
class Checked:
    """What a check gives: each note in each of its languages, ready to render; the
    warnings; the language versions a draft left out (their problems); and the HTML each
    document rendered to, by note id and language (rendered once, reused by the PDF); the
    documents (note id, language) whose verdict was kept (:attr:`Scope.kept`); and, when
    ``remember``, the verdicts found, for the build to keep once it has written its outputs."""

    documents: list[Localized]
    warnings: list[Problem]
    skipped: list[Problem]
    htmls: dict[tuple[str, str], str]
    kept: tuple[tuple[str, str], ...] = ()
    found: dict[tuple[str, str], verdicts.Verdict] = dataclasses.field(default_factory=dict)  # to keep


def check(folders: list[Path], scope: Scope = Scope(),
          loaded: tuple[list[Note], list[Problem]] | None = None,
          ready: Callable[[Localized, str | None], None] | None = None) -> Checked:
    """Validate everything a build would read and the files it would write; write nothing.
    Raise NoteError with every problem.

    The one validation path: ``check``, ``build`` (every format), ``official`` and the
    preview run it before anything renders, each with its :class:`Scope`.  ``loaded`` is
    what :func:`load_notes` gave for ``folders``, when the caller has it.  ``ready`` is
    given each document, with its HTML, as soon as it has passed its own checks while no
    problem has been found: the build starts rendering it while the others are checked
    (what renders is written only if the whole check passes).
    """
    source_date()  # a SOURCE_DATE_EPOCH no date can hold is a usage error, before anything renders
    validate.system_refusal(scope.formats or FORMATS)
    checked = scope.formats or FORMATS
    kept: dict[tuple[str, str], verdicts.Verdict] = {}
    if loaded is None and scope.kept:
        loaded, kept = _kept_verdicts(folders, scope, checked)
    notes, read = loaded if loaded is not None else load_notes(folders)
    warnings = _reading_warnings(notes, read, kept, scope)
    problems, skipped = Problems(), []
    keep = scope.remember and verdicts.rules(checked) == verdicts.EVERY_FORMAT  # what ``check`` can read
    found: dict[tuple[str, str], verdicts.Verdict] = {}  # each document's warnings, to keep
    head = validate.plan_problems(targets_of(notes, scope.langs, scope.formats or output_formats.DEFAULT))
    documents = []
    htmls: dict[tuple[str, str], str] = {}
    laid_out = any(output_formats.get(fmt).html_templates for fmt in checked)  # not for a DOCX alone
    html_problems = Problems()  # told only when nothing else is wrong (an undefined name is the templates')
    for note in notes:
        for lang in languages_of(note, scope.langs):
            warnings.extend(kept[note.id, lang][1] if (note.id, lang) in kept else ())
        langs = [lang for lang in languages_of(note, scope.langs)
                 if (scope.only is None or (note.id, lang) in scope.only) and (note.id, lang) not in kept]
        if not langs:
            continue  # its documents are up to date by their raw inputs: the build that made them checked it
        from conceptnotes.i18n.localize import localize  # Markdown and Babel: only to check a document again

        own = validate.document_problems(note, templates_of(note), checked)
        problems.extend(own)
        for lang in langs:
            try:
                localized = localize(note, lang)
            except NoteError as exc:
                (skipped.extend if scope.draft and not scope.strict else problems.extend)(exc.problems)
                continue
            warnings.extend(localized.fallbacks)
            mine = Problems([*own, *validate.text_problems(localized),
                             # what localizing made (a draft's untranslated text, a French date's superscript)
                             *validate.kind_problems(localized.note, templates_of(note), checked),
                             *validate.size_problems(localized)])
            problems.extend(mine[len(own):])
            documents.append(localized)
            if keep and not mine.errors:
                found[note.id, lang] = (_warnings_of(note, read), list(localized.fallbacks))
            if head.errors or problems.errors:
                continue
            if laid_out:  # the templates render every document (Jinja imported only then: not for a DOCX)
                from conceptnotes.render.html import render_html

                try:
                    htmls[note.id, lang] = render_html(localized, templates_of(note))
                except NoteError as exc:
                    html_problems.extend(exc.problems)
                    found.pop((note.id, lang), None)
            if ready is not None and not html_problems.errors and not (scope.strict and warnings):
                ready(localized, htmls.get((note.id, lang)))
    # the templates last, though their problems are told first: WeasyPrint's verdict on the
    # stylesheets, unless kept in the cache, takes its import (0.4 s), while the documents
    # already checked render; a problem found here stops the build before anything is written
    for templates in dict.fromkeys(templates_of(note) for note in notes):
        head.extend(validate.template_problems(templates, checked, remember=scope.remember))
    problems = Problems([*head, *problems])
    if not problems.errors:
        problems.extend(html_problems)
    if scope.strict:
        problems.extend([dataclasses.replace(p, warning=False) for p in warnings])
        warnings = []
    Problems(dict.fromkeys(problems)).raise_if_errors()  # a file every language reads (the glossary) is told once
    return Checked(documents, list(dict.fromkeys(warnings)), skipped, htmls, tuple(kept), found)


def _reading_warnings(notes: list[Note], read: list[Problem], kept: dict[tuple[str, str], verdicts.Verdict],
                      scope: Scope) -> list[Problem]:
    """The warnings of reading the notes, in their order: as read now, or as a verdict kept them."""
    if not kept:
        return list(read)
    reading = {note_id: verdict[0] for (note_id, _), verdict in kept.items()}
    return [p for note in notes
            for p in (reading[note.id] if _all_kept(note, kept, scope) else _warnings_of(note, read))]


def _keep_verdicts(documents: list[Localized], found: dict[tuple[str, str], verdicts.Verdict],
                   formats: tuple[str, ...], raw: dict[tuple[str, str], dict[str, str]]) -> None:
    """Keep in the cache the verdicts of a check whose documents a build has written
    (:mod:`verdicts`), named by the raw inputs the build read (``raw``)."""
    named = {}
    for localized in documents:
        document = (localized.note.id, localized.lang)
        if document in found and document in raw:
            named[verdicts.named(raw[document], localized.note, localized.lang, formats)] = found[document]
    verdicts.keep(named)


def _warnings_of(note: Note, warnings: list[Problem]) -> list[Problem]:
    """The warnings of reading ``note`` among those of reading every note (each names a file of its folder)."""
    folder = note.folder.resolve()
    return [p for p in warnings if Path(p.path).resolve().is_relative_to(folder)]


def _all_kept(note: Note, kept: dict[tuple[str, str], verdicts.Verdict], scope: Scope) -> bool:
    """Whether the verdict on every document of ``note`` is kept: it is not read again."""
    langs = languages_of(note, scope.langs)
    return bool(langs) and all((note.id, lang) in kept for lang in langs)


def _kept_verdicts(folders: list[Path], scope: Scope, checked: tuple[str, ...]
                   ) -> tuple[tuple[list[Note], list[Problem]], dict[tuple[str, str], verdicts.Verdict]]:
    """The notes of ``folders``, read as far as their front matter where every document's
    verdict is kept (:mod:`verdicts`), and those verdicts, by (note id, language)."""
    try:
        heads = load_notes(folders, body=False)
    except NoteError:
        return load_notes(folders), {}  # raises every problem, the bodies' too
    kept = {}
    for note in heads[0]:
        for lang in languages_of(note, scope.langs):
            name = verdicts.key(note, lang, templates_of(note), checked, remember=False)
            said = verdicts.kept(name) if name else None
            if said is not None:
                kept[note.id, lang] = said
    return with_bodies(folders, heads, {note.id for note in heads[0] if not _all_kept(note, kept, scope)}), kept


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
    shard: shards.Shard | None = None,
    remember_as: str | None = None,
) -> tuple[list[Built], list[Problem]]:
    """Build the documents that are not up to date; write them only when all have rendered.

    Load, then (unless every output is up to date by its raw inputs) check, plan, render
    and commit.  An output is up to date when its raw inputs, options and tools are those
    of the last build (the quick key: nothing is parsed), or when what it shows is (the
    key: the localized model, labels, templates, fonts, options, tools).  Interrupted or
    failing to write, it raises :class:`BuildStopped` saying what it left in ``out``.

    Given ``shard`` (an official build split across CI jobs), every note is checked as
    ever, but only the shard's share of the documents is rendered and written, with a
    partial manifest (:mod:`shards`); there is no shortcut by the quick key then, since
    the other notes' inputs are not in that manifest.

    Given ``remember_as`` (the command's name for :mod:`uptodate`), a whole build that ends
    with every output up to date keeps that answer, for the same command to give at once.
    """
    since = uptodate.started()
    validate_options(langs, formats, out, folders)
    validate.system_refusal(formats)
    if variant not in PDF_VARIANTS:
        raise UsageError(f"unknown PDF variant '{variant}' (choose among {', '.join(PDF_VARIANTS)})")
    out = out.resolve()
    keep = remember_as is not None and shard is None
    watched = uptodate.watched(Project.of_note(folder).root for folder in folders) if keep else []
    sources = uptodate.listings(watched)  # before anything is read: what the answer kept is made from
    try:  # the front matter plans the build and tells whether anything is to do
        heads = load_notes(folders, body=False)
    except NoteError:
        heads = load_notes(folders)  # raises every problem, the bodies' too
    targets = targets_of(heads[0], langs, formats)
    if not targets:
        raise UsageError(f"nothing to build: no note has the language(s) {', '.join(langs or ())}")
    options = BuildOptions(strict=strict, variant=variant)
    share = targets if shard is None else shards.share(targets, shard)
    partial = None if shard is None else shards.block(shard, targets, variant)
    quick, raw, files = _quick_keys(out, share, options)
    # a hint, read without the lock: the documents that are likely to be rendered
    hint = manifest.Manifest.previous(out)
    unsure = [t for t in share if not hint.quick_match(out / t.name, quick[out / t.name])]
    with Renderers(jobs or os.cpu_count() or 1) as renderers:
        renderers.start([t.fmt for t in unsure], [templates_of(t.note) for t in unsure])
        bodied = None if partial else {t.note.id for t in unsure}  # the notes likely to be rendered
        loaded = with_bodies(folders, heads, bodied) if unsure or partial else heads  # while the renderers start
        with output.transaction(out) as state:
            if _nothing_to_do(state, targets, quick, official=official, partial=partial):
                if keep:
                    _remember(remember_as, since, watched, sources, files, out, state, targets)
                return [state.built(out / t.name) for t in targets], []
            built, skipped, warnings, planned = _check_and_render(
                folders, langs, formats, out, (loaded, bodied), state, quick, raw, renderers, progress,
                strict=strict, official=official, options=options, share=share, partial=partial)
            if keep and not skipped:
                after = manifest.Manifest.previous(out)
                if _nothing_to_do(after, targets, quick, official=official, partial=partial):
                    _remember(remember_as, since, watched, sources, files, out, after, targets)
    order = {out / t.name: n for n, t in enumerate(targets)}
    if skipped:
        raise NoteError([*warnings, *skipped], _partial_summary(skipped, len(built)))
    return sorted(built, key=lambda b: order[b.path]), warnings


def _nothing_to_do(state: manifest.Manifest, targets: list[Target], quick: dict[Path, str], *, official: bool,
                   partial: dict | None) -> bool:
    """Every output is what ``state`` (a manifest) says and made from the same raw inputs and
    options (the quick key: nothing is parsed), for a plan that check would pass, with
    nothing to remove."""
    return (not partial and not validate.plan_problems(targets) and not _obsolete(state, targets, official)
            and state.all_quick_match(quick, official))


def _remember(key: str, since: int, watched: list[str], sources: dict, files: dict[Path, tuple[Path, str]],
              out: Path, state: manifest.Manifest, targets: list[Target]) -> None:
    """Keep the answer "every output is up to date" for the same command (:mod:`uptodate`):
    only saves time, so a cache that cannot be written is no failure."""
    rows = [(str(b.path), b.size, b.pages) for b in (state.built(out / t.name) for t in targets)]
    with contextlib.suppress(OSError, NoteError):
        uptodate.remember(key, since, watched, sources, files, out, rows)


def _check_and_render(folders, langs, formats, out, loaded, state, quick, raw, renderers, progress, *,
                      strict: bool, official: bool, options: BuildOptions, share: list[Target], partial: dict | None):
    """Check every note; plan, render (in the ``renderers``) and commit the documents of the
    ``share`` (all, or a shard's); the built outputs, the language versions a draft left
    out, the warnings, and the plan.  ``loaded``: the notes and their warnings, and the ids
    of those read with their bodies (None: every one)."""
    from conceptnotes.build.cache import prepare_fonts

    stale = _obsolete(state, share, official)
    # a shard checks every document: a problem anywhere fails every shard
    changed = {(t.note.id, t.lang) for t in share if not state.quick_match(out / t.name, quick[out / t.name])}
    loaded, bodied = loaded
    if bodied is not None and not {note_id for note_id, _ in changed} <= bodied:  # the hint, read before the lock
        loaded = with_bodies(folders, loaded, {note_id for note_id, _ in changed})
    scope = Scope(langs, formats, strict=strict, draft=not official, remember=True,
                  only=None if partial else frozenset(changed))
    planned: list[Job] = []
    entries: dict[str, dict] = {}
    todo: list[Job] = []

    def ready(localized: Localized, html: str | None) -> None:
        """Plan the document's outputs and send those to render to the renderers now (a check
        that passes has given every document it checked)."""
        key = (localized.note.id, localized.lang)
        htmls = {} if html is None else {key: html}
        jobs = [_with_html(job, htmls) for job in plan([localized], formats, out, options) if job.path in quick]
        found, render = _entries(jobs, state, raw, quick)
        prepare_fonts([(job.localized, job.templates) for job in render if job.html is not None], htmls)
        planned.extend(jobs)
        entries.update(found)
        todo.extend(render)
        for job in render:
            renderers.submit(job)

    checked = check(folders, scope, loaded, ready)
    documents, warnings, skipped = checked.documents, checked.warnings, checked.skipped
    if skipped and not documents:
        raise NoteError([*warnings, *skipped])
    if skipped:  # a draft: the sound language versions are built, the others left as they were
        done = {(d.note.id, d.lang) for d in documents}
        stale = _obsolete(state, [t for t in share if (t.note.id, t.lang) in done], official)
    results = renderers.collect(progress)
    built = _commit(out, planned, todo, results, entries, state, stale, official=official, strict=strict,
                    partial=partial)
    _keep_verdicts(documents, checked.found, formats, raw)  # for the next ``check``: what this one found
    planned_paths = {job.path for job in planned}
    built += [state.built(out / t.name) for t in share
              if (t.note.id, t.lang) not in changed and out / t.name not in planned_paths]
    return built, skipped, warnings, planned


def _with_html(job: Job, htmls: dict[tuple[str, str], str]) -> Job:
    """A job of a format that lays out the check's HTML (the PDF) with that HTML: neither the
    fonts' preparation nor the worker renders it again (0.15 s for a long note).  It names
    the faces' own files; the renderer names the subsets instead (``render_pdf``)."""
    if not output_formats.get(job.fmt).checked_html:
        return job
    return dataclasses.replace(job, html=htmls.get((job.localized.note.id, job.localized.lang)))


def _partial_summary(skipped: list[Problem], written: int) -> str:
    count = len(skipped)
    return (f"failed: {count} problem{'s' if count != 1 else ''}; the language versions they concern were not built"
            f" (their previous documents are kept), the other {written} document{'s' if written != 1 else ''}"
            " were written")


def _quick_keys(out: Path, targets: list[Target], options: BuildOptions) -> tuple[dict[Path, str], dict, dict]:
    """The quick key of every target (by its path), the raw inputs of each note and language
    (by their names in the manifest), and every input file (its root and SHA-256)."""
    files: dict[Path, tuple[Path, str]] = {}
    raw = {}
    for t in targets:
        if (t.note.id, t.lang) not in raw:
            found = manifest.input_digests(t.note, t.lang, templates_of(t.note))
            files.update(found)
            raw[t.note.id, t.lang] = manifest.named(found)
    quick = {
        out / t.name: manifest.quick_key(raw[t.note.id, t.lang], t.lang, t.fmt, _key_options(t.note, t.fmt, options))
        for t in targets
    }
    return quick, raw, files


def _obsolete(state: manifest.Manifest, targets: list[Target], official: bool) -> list[str]:
    """The outputs of the last manifest that this build makes stale: no longer listed, and
    removed when it commits (see :func:`removable`).

    ``official`` builds every document: whatever else the manifest lists is stale (a
    deleted note, a language or format no longer built, an old file name).  Any build
    makes stale what it replaces: the same note, language and format under another name
    (``file_name`` changed), and a language a note it builds no longer has.
    """
    planned = {t.name for t in targets}
    built = {(t.note.id, t.lang, t.fmt) for t in targets}
    languages = {t.note.id: t.note.meta.languages for t in targets}
    stale = []
    for name, entry in sorted(state.outputs.items()):
        document = (entry.get("note"), entry.get("lang"), entry.get("format"))
        dropped = document[0] in languages and document[1] not in languages[document[0]]
        if name not in planned and (official or document in built or dropped):
            stale.append(name)
    return stale


def removable(out: Path, name: str) -> bool:
    """A stale output that may be removed: a regular file in a note's folder of ``out`` (the
    manifest is read from disk: never a name that leads elsewhere, nor the build's own files,
    nor a file reached through a link)."""
    path = out / name
    return (names.is_document(name) and not names.linked_folder(out, name)
            and path.is_file() and not path.is_symlink() and path.resolve().parent.parent == out.resolve())


def _format_options(fmt: str, options: BuildOptions) -> dict[str, object]:
    """The format's own build options (the PDF's variant), and "" for the other formats'
    options: every key names them all."""
    own = output_formats.get(fmt).options
    return {name: getattr(options, name) if name in own else "" for name in output_formats.KEY_OPTIONS}


def _key_options(note: Note, fmt: str, options: BuildOptions) -> dict[str, object]:
    # the document's date may come from SOURCE_DATE_EPOCH, which is no file
    return {**_format_options(fmt, options), "strict": options.strict, "created": created(note).isoformat()}


def _entries(planned: list[Job], state, raw: dict, quick: dict) -> tuple[dict[str, dict], list[Job]]:
    """The manifest entry of every planned output, and the jobs whose output must be rendered."""
    entries: dict[str, dict] = {}
    todo: list[Job] = []
    for job in planned:
        note, lang = job.localized.note, job.localized.lang
        found = raw[note.id, lang]
        own = _format_options(job.fmt, job.options)
        options = {**own, "created": created(note).isoformat()}
        key = manifest.output_key(job.localized, job.fmt, options, found)
        entry = {"note": note.id, "lang": lang, "format": job.fmt, "key": key, "quick": quick[job.path],
                 "inputs": found}
        entry.update({name: own[name] for name in output_formats.get(job.fmt).options})
        old = state.unchanged(job.path)
        if old and old.get("key") == key:
            entry.update({k: old[k] for k in ("sha256", "size", "pages")})
        else:
            todo.append(job)
        entries[state.name(job.path)] = entry
    return entries, todo


def _commit(out: Path, planned, todo, results, entries, state, stale, *, official: bool, strict: bool,
            partial: dict | None = None) -> list[Built]:
    """Stage the rendered outputs and commit them with the new manifest and the removal of the
    ``stale`` outputs, all or nothing; a shard's manifest says it is ``partial``."""
    with staging(out) as staged:
        built = []
        for index, job in enumerate(todo):
            rendered, seconds = results[index]
            staged.append((stage(job.path, rendered.data, out), job.path))
            entries[state.name(job.path)].update(
                sha256=hashlib.sha256(rendered.data).hexdigest(), size=len(rendered.data), pages=rendered.pages
            )
            built.append(Built(job.path, len(rendered.data), seconds, rendered.pages, True))
        built += [state.built(job.path, entries) for job in planned if job not in todo]
        kept = {name: e for name, e in state.outputs.items()
                if name not in entries and name not in stale and (out / name).is_file()}
        removed = [name for name in stale if removable(out, name)]
        written = manifest.Manifest.of({**kept, **entries}, official=official, strict=strict, partial=partial)
        commit_changes(out, staged, written.dump(), removed)
    return built
