"""The rules that can refuse a document, checked before anything renders.

``check``, ``build`` (every format) and ``official`` run these same functions, in
:func:`conceptnotes.build.pipeline.check`; a renderer then meets only what it can
render.  What is checked here, rather than where a note is read, is what depends on
the renderers and templates: the kinds of node each renderer handles, what a footnote
may hold (its text sits inside a paragraph in the PDF), the Word and HTML templates,
the fonts of each language, and the plan: the file every document will be written to.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from conceptnotes import fonts, languages
from conceptnotes import model as m
from conceptnotes.build import output
from conceptnotes.errors import NoteError, Problem, Problems, SystemMissing, display_path
from conceptnotes.i18n.units import value_line
from conceptnotes.model.visitor import walk, walk_with_lines
from conceptnotes.project import INSTALLED, command, package_version
from conceptnotes.read import limits
from conceptnotes.read.characters import decode, forbidden_character
from conceptnotes.read.files import read_input
from conceptnotes.render import formats as output_formats

if TYPE_CHECKING:
    from conceptnotes.model import Localized

# Kinds a renderer never visits on their own: their parent's handler writes them.
STRUCTURAL_KINDS = frozenset(kind for kind, cls in m.KINDS.items() if not cls.visited)
# Kinds a renderer must handle, when a note holds them.
VISITED_KINDS = frozenset(m.KINDS) - STRUCTURAL_KINDS
# How a message names a block ("a table"), by kind (Node.described).
BLOCK_NAMES: Mapping[str, str] = MappingProxyType(
    {kind: cls.described for kind, cls in m.KINDS.items() if cls.described}
)


def template_problems(
    template_dir: Path, formats: tuple[str, ...] = output_formats.NAMES, *, remember: bool = False
) -> Problems:
    """The templates of ``formats`` (the Word template; the HTML templates' syntax and
    macros) and the stylesheets, whatever the formats (what WeasyPrint said of a stylesheet
    is kept in the cache when ``remember``: by a build).  Only these formats' renderers load."""
    entries = [output_formats.get(fmt) for fmt in formats]
    problems = Problems()
    for check in dict.fromkeys(entry.templates for entry in entries if entry.templates):
        problems += _template_check(check, template_dir, remember)
    for kinds in dict.fromkeys(entry.kinds for entry in entries):
        try:
            handled_kinds(kinds, template_dir, remember=remember)
        except NoteError as exc:
            problems += exc.problems
    return problems + stylesheet_problems(template_dir, remember=remember)


def _verdict_key(check: str, template_dir: Path, remember: bool) -> str | None:
    """The cache's name for what ``check`` (a registry's ``"module:function"``) finds in a
    template folder: made from every file of the folder (by its SHA-256), the code and the
    libraries' versions, on which alone the check depends.  None when a file cannot be
    read as an input (a link, say): the check itself runs, and says so.  A large file's
    digest is kept in the cache only when to ``remember`` (a build; ``check`` writes nothing)."""
    from conceptnotes.build import cache
    from conceptnotes.build.provenance import code_fingerprint, file_hash, tool_versions

    try:
        files = [(path.relative_to(template_dir).as_posix(), file_hash(path, template_dir, remember=remember))
                 for path in sorted(template_dir.rglob("*")) if not path.is_dir() or path.is_symlink()]
    except (NoteError, OSError):
        return None
    return cache.digest(["template check", check, str(template_dir.resolve()), files, code_fingerprint(),
                         tool_versions()])


def _template_check(check: str, template_dir: Path, remember: bool,
                    run: Callable[[Path], Problems] | None = None) -> Problems:
    """The problems ``check`` (a registry's ``"module:function"``, else ``run`` under that
    name) finds in the template folder.  A folder it passed is not checked again while its
    files, the code and the libraries are the same: a build keeps the verdict in the cache
    (``remember``), ``check`` reads it; the Word template's check opens the file with
    python-docx (0.1 s), which a build then imports only to render."""
    from conceptnotes.build import cache

    key = _verdict_key(check, template_dir, remember)
    if key is not None and cache.template_verdict(key) == {"passed": True}:
        return Problems()
    problems = (run or output_formats.load(check))(template_dir)
    if key is not None and remember and not problems:
        cache.remember_template_verdict(key, {"passed": True})
    return problems


def handled_kinds(kinds: str, template_dir: Path, *, remember: bool = False) -> frozenset[str]:
    """The kinds of node a renderer handles with the templates of ``template_dir``
    (``kinds``: the registry's function; a broken template raises its NoteError), kept in
    the cache as a template check's verdict is (:func:`_template_check`)."""
    from conceptnotes.build import cache

    key = _verdict_key(kinds, template_dir, remember)
    kept = cache.template_verdict(key) if key is not None else None
    if kept is not None and isinstance(kept.get("kinds"), list):
        return frozenset(str(kind) for kind in kept["kinds"])
    found = output_formats.load(kinds)(template_dir)
    if key is not None and remember:
        cache.remember_template_verdict(key, {"kinds": sorted(found)})
    return found


CSS_PLACE = re.compile(r" at (\d+):(\d+)")


def stylesheet_problems(template_dir: Path, *, remember: bool = False) -> Problems:
    """The templates' stylesheets as WeasyPrint reads them, whatever the format built: a
    declaration it would ignore, and a ``url()`` outside the template folder, at its line.

    What WeasyPrint says of the stylesheets depends only on their text and its version:
    it is read from the cache when a build has kept it there, so that a build that makes
    no PDF, and ``check``, need not import WeasyPrint (0.5 s).  A folder whose ``url()``
    all passed is not parsed again while its files are the same (:func:`_template_check`:
    tinycss2's import and parse, 0.02 s of a ``check``)."""
    problems = Problems()
    texts = _stylesheets(template_dir, problems)
    if texts:
        urls = f"{__name__}:url_problems (tinycss2 {package_version('tinycss2')})"
        problems += _template_check(urls, template_dir, remember, lambda folder: url_problems(folder, texts))
    for css in texts:
        for message in _weasyprint_says(template_dir, css, texts, remember):
            place = CSS_PLACE.search(message)
            line, column = (int(place.group(1)), int(place.group(2))) if place else (0, 0)
            problems.append(Problem(str(css), line, f"template error: {CSS_PLACE.sub('', message)}", column))
    return problems


def _stylesheets(template_dir: Path, problems: Problems) -> dict[Path, str]:
    """The text of each stylesheet of the folder; one that cannot be read is among ``problems``."""
    texts = {}
    for css in sorted(template_dir.glob("*.css")):
        try:
            texts[css] = decode(read_input(css, template_dir), css)
        except NoteError as exc:
            problems += exc.problems
    return texts


def url_problems(template_dir: Path, texts: dict[Path, str]) -> Problems:
    """Every ``url()`` of the folder's stylesheets (their ``texts``, as read) that leads
    outside it, at its line."""
    import tinycss2

    problems = Problems()
    for css, text in texts.items():
        for line, url in _urls(tinycss2.parse_stylesheet(text)):
            if not _inside(template_dir, css, url):
                problems.append(Problem(str(css), line, f"template error: url({url}) is outside the template folder"))
    return problems


def remember_stylesheets(template_dir: Path) -> None:
    """What WeasyPrint says of the folder's stylesheets, kept in the cache unless kept already:
    by a build's worker that has imported WeasyPrint (``build.workers``), for the check."""
    texts = _stylesheets(template_dir, Problems())  # one it cannot read: the check says so
    for css in texts:
        _weasyprint_says(template_dir, css, texts, True)


def _weasyprint_says(template_dir: Path, css: Path, texts: dict[Path, str], remember: bool) -> list[str]:
    """What WeasyPrint logs reading ``css`` (its warnings), from the cache when it is there."""
    from conceptnotes.build import cache
    from conceptnotes.build.provenance import tool_versions

    stylesheets = sorted((path.name, text) for path, text in texts.items())
    key = cache.digest([tool_versions(), str(template_dir.resolve()), css.name, stylesheets])
    said = cache.stylesheet_messages(key)
    if said is not None:
        return said
    import logging

    from conceptnotes.render.engine import weasyprint as engine
    from conceptnotes.render.pdf import capture_warnings, make_fetcher

    weasyprint = engine()

    refused: list[str] = []
    with capture_warnings(logging.getLogger("weasyprint")) as messages:
        weasyprint.CSS(string=texts[css], base_url=Path(os.path.abspath(template_dir)).as_uri() + "/",
                       url_fetcher=make_fetcher([template_dir], set(), refused))
    if remember:
        cache.remember_stylesheet(key, messages)
    return messages


def _urls(tokens) -> list[tuple[int, str]]:
    """``(line, url)`` of every ``url(...)`` in parsed CSS (rules, declarations, functions)."""
    found = []
    for token in tokens or ():
        if token.type == "url":
            found.append((token.source_line, token.value))
        elif token.type == "function" and token.lower_name == "url":
            strings = [a for a in token.arguments if a.type == "string"]
            if strings:
                found.append((token.source_line, strings[0].value))
        for attribute in ("prelude", "content", "arguments"):
            found += _urls(getattr(token, attribute, None))
    return found


def _inside(template_dir: Path, css: Path, url: str) -> bool:
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith(("/", "\\")):
        return False
    try:
        return (css.parent / url).resolve().is_relative_to(template_dir.resolve())
    except OSError:
        return False


def document_problems(
    note: m.Note, template_dir: Path, formats: tuple[str, ...] = output_formats.NAMES
) -> Problems:
    """What the renderers of ``formats`` could not show of this note."""
    return footnote_problems(note) + kind_problems(note, template_dir, formats) + block_problems(note)


# What counts against limits.MAX_BLOCKS: what each renderer lays out as a box of its own
# (a list item is its paragraphs; a definition, its terms): Node.counted.
COUNTED_BLOCKS = frozenset(kind for kind, cls in m.KINDS.items() if cls.counted)


def block_problems(note: m.Note) -> Problems:
    """More blocks than a note may have, at the first too many; a paragraph, heading, table cell
    or term longer than one may be (a translation's length is checked where it is read)."""
    problems, blocks = Problems(), 0
    for node, line in walk_with_lines(note.document):
        if not counted(node):
            continue
        blocks += 1
        if blocks == limits.MAX_BLOCKS + 1:
            problems.append(Problem(str(note.source), line, limits.blocks_message()))
        at = getattr(node, "caption_line", 0) or line  # a table's caption: the line of 'Table: ...'
        for text in _unit_texts(node):
            if len(text) > limits.MAX_UNIT_CHARS:
                problems.append(Problem(str(note.source), at, limits.unit_message(len(text))))
    return problems


def counted(node) -> bool:
    """Whether a node is a box of its own: a block of COUNTED_BLOCKS, or a captioned table (its caption)."""
    return node.counted or bool(getattr(node, "caption", ()))


def _unit_texts(node) -> list[str]:
    """The texts of a block's translation units (its terms, for a definition; its caption, for
    a figure or table), or of a code block (its own text)."""
    texts = [m.plain_text(run) for _, run in node.unit_runs()]
    return texts + ([node.plain()] if node.text_field else [])


def size_problems(localized: Localized) -> Problems:
    """A document that shows more characters than a document may, in this language, where it passes them."""
    shown = 0
    for node, line in walk_with_lines(localized.note.document):
        if counted(node):
            shown += sum(len(text) for text in _unit_texts(node))
            if shown > limits.MAX_DOCUMENT_CHARS:
                return Problems([Problem(str(localized.note.source), line,
                                         limits.document_chars_message(localized.lang))])
    return Problems()


def footnote_problems(note: m.Note) -> Problems:
    """A footnote holds text: paragraphs with inline markup and links, no images."""
    problems = Problems()
    for footnote in note.document.footnotes:
        for block in footnote.blocks:
            line = getattr(block, "line", 0) or footnote.line
            if not isinstance(block, m.Paragraph):
                what = BLOCK_NAMES.get(block.kind, block.kind)
                problems.append(
                    Problem(
                        str(note.source),
                        line,
                        f"footnote [^{footnote.key}] holds {what}: a footnote may hold only text"
                        " (paragraphs); put the rest in the body",
                    )
                )
            elif any(isinstance(node, m.Image) for node in walk(block.children)):
                problems.append(
                    Problem(str(note.source), line, f"footnote [^{footnote.key}] holds an image: put it in the body")
                )
    return problems


def kind_problems(note: m.Note, template_dir: Path, formats: tuple[str, ...] = output_formats.NAMES) -> Problems:
    """A kind of node that the renderer of one of ``formats`` has no handler for (a template
    without its macro), said once for formats that share their handlers (PDF and HTML)."""
    handled = {}
    for entry in map(output_formats.get, formats):
        try:
            handled.setdefault((entry.kinds, entry.missing_kind), handled_kinds(entry.kinds, template_dir))
        except NoteError:
            continue  # the template's own problem, reported by template_problems
    problems, seen = Problems(), set()
    if all(VISITED_KINDS <= kinds for kinds in handled.values()):
        return problems  # every kind a note can hold is handled: no need to walk it (0.04 s for 138 pages)
    for node, line in walk_with_lines(note.document):
        if node.kind in STRUCTURAL_KINDS or node.kind in seen:
            continue
        seen.add(node.kind)
        for (_, missing), kinds in handled.items():
            if node.kind not in kinds:
                message = missing.format(kind=node.kind, templates=display_path(template_dir))
                problems.append(Problem(str(note.source), line, message))
    return problems


def text_problems(localized: Localized) -> Problems:
    """The final text of every unit and field of a document, after every decoding step
    (YAML escapes, character references, catalogs): a character no document may hold,
    then a character its language's fonts lack."""
    texts = list(shown_texts(localized))
    meta = localized.note.meta
    # not shown: keywords are in the documents' properties, contact names kept with the note
    properties = [(meta.lines.get("keywords", 0), k) for k in meta.keywords]
    properties += [(value_line(meta, f"contacts.{n}.name"), c.name) for n, c in enumerate(meta.contacts)]
    for line, text in texts + properties:
        bad = forbidden_character(text)
        if bad:
            return Problems([Problem(str(localized.note.source), line, f"{bad} (in the {localized.lang} document)")])
    return font_problems(localized, texts)


# The Debian packages of Pango, which WeasyPrint lays the PDF out with (the Makefile's RUNTIME_DEBS).
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")


def system_refusal(formats: tuple[str, ...]) -> None:
    """SystemMissing when a format among ``formats`` is laid out by WeasyPrint and this machine
    has no Pango: said before anything starts (the version the manifest records is how it is
    found, without importing WeasyPrint; by its Linux library name, so on Linux only)."""
    from conceptnotes.build.provenance import tool_versions

    laid_out = any("weasyprint" in output_formats.get(name).warm_up for name in formats if name in output_formats.NAMES)
    if laid_out and sys.platform.startswith("linux") and tool_versions()["pango"] == "missing":
        sudo = "" if os.geteuid() == 0 else "sudo "
        raise SystemMissing(f"Pango is missing, which lays out the PDF: install it with '{sudo}apt-get install"
                            f" {' '.join(PANGO_PACKAGES)}' ({command('doctor')} says all that the build needs)")


def font_problems(localized: Localized, texts: list[tuple[int, str]]) -> Problems:
    """Every character the document shows must be in the fonts configured for its language."""
    note, lang = localized.note, localized.lang
    missing = [str(p) for p in fonts.missing_font_files(lang)]
    if missing:
        fix = (f"run {command('doctor')}: it names the Debian package to install" if INSTALLED
               else "run 'make' to install the fonts")
        return Problems([Problem(str(note.source), 0, f"font file missing: {missing[0]} ({fix})")])
    for line, text in texts:
        char = fonts.first_uncovered(text, lang)
        if char:
            return Problems([Problem(str(note.source), line, fonts.uncovered_message(char, lang))])
    return Problems()


def shown_texts(localized: Localized) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every run of text the document shows: front matter, body,
    footnotes (at their note.md lines), and labels (at line 0)."""
    meta = localized.note.meta
    for key in ("title", "subtitle", "symbol"):
        yield meta.lines.get(key, 0), getattr(meta, key)
    yield from ((value_line(meta, f"organizers.{n}"), o) for n, o in enumerate(meta.organizers))
    yield value_line(meta, "event.city"), meta.event.city
    yield value_line(meta, "event.venue"), meta.event.venue
    yield value_line(meta, "event.country_name"), meta.event.country_name
    for node, line in walk_with_lines(localized.note.document):
        yield from ((line, getattr(node, name)) for name in node.shown)  # its fields of text (Node.shown)
    from conceptnotes.i18n import labels

    yield from ((0, localized.gettext(message)) for message in labels.ALL)


# The plan -------------------------------------------------------------------------------------------

# A document's name may have what is left of a file name once the output stage has put its
# temporary prefix and suffix around it (see output.stage): 228 bytes.
MAX_NAME_BYTES = output.NAME_MAX - output.staged_name_bytes("")


@dataclass(frozen=True)
class Target:
    """A document the build will write: ``name`` is its path in the output folder, ``<note-id>/<file>``."""

    note: m.Note
    lang: str
    fmt: str
    name: str

    @property
    def file(self) -> str:
        return Path(self.name).name

    @property
    def shown(self) -> str:
        """As a message names it: "French PDF"."""
        return f"{languages.get(self.lang).name} {self.fmt.upper()}"


def plan_problems(targets: list[Target]) -> Problems:
    """The files the plan would write: each its own, none hidden, none too long.

    Refused: two documents written to the same file (one would silently replace the
    other), a hidden name, and a name too long for the file system once the output stage
    has put its temporary prefix and suffix around it; each at the note's ``file_name``
    line (line 0 when the note's id is the cause).  A note id the tool keeps for itself
    (its manifest, journal, lock: :mod:`conceptnotes.reserved`) is refused by the loader.
    """
    by_note: dict[Path, list[Target]] = defaultdict(list)
    for target in targets:
        by_note[target.note.source].append(target)
    problems = Problems()
    for planned in by_note.values():
        problems += _hidden_name(planned) + _long_name(planned)
    return problems + _shared_names(targets)


def _line(note: m.Note) -> int:
    """Where a note names its files: the line of ``file_name``, else the whole note (its id)."""
    return note.meta.lines.get("file_name", 0) if note.meta.file_name else 0


def _shared_names(targets: list[Target]) -> Problems:
    """Two documents planned to the same file, named both, at each note that plans them."""
    by_name: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_name[target.name].append(target)
    problems = Problems()
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        sources = list(dict.fromkeys(t.note.source for t in same))
        if len(sources) == 1:
            shown = " and ".join(t.shown for t in same)
            problems.append(Problem(str(sources[0]), _line(same[0].note),
                                    f"file_name gives the {shown} the same file, {name}: each language needs"
                                    " its own name (use {lang} or {letter}, or a job number for each language)"))
            continue
        for target in same:
            others = " and ".join(f"the {t.shown} of {t.note.source}" for t in same
                                  if t.note.source != target.note.source)
            problems.append(Problem(str(target.note.source), _line(target.note),
                                    f"the {target.shown} and {others} would both be {name}: notes with the same"
                                    f" id ('{target.note.id}') cannot be built into one output folder"))
    return problems


def _hidden_name(planned: list[Target]) -> Problems:
    """A name that starts with '.', from a value file_name uses (a symbol '.A/1'): a hidden file."""
    for target in planned:
        if target.file.startswith("."):
            return Problems([Problem(str(target.note.source), _line(target.note),
                            f"file_name gives the {target.shown} the name '{target.file}', a hidden file (it starts"
                            " with '.'): change the values it uses")])
    return Problems()


def _long_name(planned: list[Target]) -> Problems:
    """The longest document name of a note, when the file system cannot hold it."""
    target = max(planned, key=lambda t: len(t.file.encode()))
    size = len(target.file.encode())
    if size <= MAX_NAME_BYTES:
        return Problems()
    note = target.note
    cause = "file_name (or the values it uses)" if note.meta.file_name else "the note id (its folder's name)"
    return Problems([Problem(str(note.source), _line(note),
                    f"the {target.shown} would be named '{target.file[:40]}…', {size} bytes: a document's name may"
                    f" have at most {MAX_NAME_BYTES} bytes (the file system's {output.NAME_MAX}, less the build's"
                    f" temporary prefix and suffix); shorten {cause}")])
