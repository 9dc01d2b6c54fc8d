"""The build's record: every output with its SHA-256, and what made it.

``<out>/manifest.json`` lists each output (SHA-256, size, pages, language, format), the
SHA-256 of every input that made it (the note, its assets, catalogs, templates, fonts),
the versions of the tools, and the output's *key*: a digest of everything that decides
its bytes, which the next build compares to skip an output that would come out the
same.  The manifest holds no timestamp, so it is itself reproducible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import fonts
from conceptnotes.build import journal, names
from conceptnotes.build.provenance import code_fingerprint, file_hash, tool_versions
from conceptnotes.build.workers import Built
from conceptnotes.errors import NoteError, Problem, Problems, display_path, excerpt
from conceptnotes.i18n import catalogs, glossary
from conceptnotes.model import Note
from conceptnotes.project import DATA_DIR, PACKAGE_DIR, TOOL_ROOT, Project, program_name
from conceptnotes.read.files import is_present, parse_json, read_input
from conceptnotes.render import formats
from conceptnotes.reserved import MANIFEST, PENDING

if TYPE_CHECKING:
    from conceptnotes.model import Localized

FORMAT_VERSION = 1
_NOT_CONTENT = {"line", "lines", "folder", "source", "path", "where", "raw"}


def _relative(path: Path) -> str:
    """A stable name for an input: relative to the working folder, or to conceptnotes' own
    folders (templates, data: the same names from a checkout and from an installed tool),
    else absolute (system fonts)."""
    return _relative_to(path, Path.cwd())


@lru_cache(maxsize=4096)
def _relative_to(path: Path, cwd: Path) -> str:  # the same templates and fonts, for every document
    resolved = path.resolve()
    for base in (cwd, TOOL_ROOT, PACKAGE_DIR.parent):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(resolved)


def inputs_of(note: Note, lang: str, template_dir: Path, *, remember: bool = True) -> dict[str, str]:
    """SHA-256 of every file that goes into the note's documents in ``lang``, by its name in
    the manifest (a large file's kept in the cache, unless not to ``remember``: ``check``
    writes nothing)."""
    return named(input_digests(note, lang, template_dir, remember=remember))


def named(digests: dict[Path, tuple[Path, str]]) -> dict[str, str]:
    """The SHA-256 of :func:`input_digests` by the files' names in the manifest."""
    return {_relative(path): digest for path, (_, digest) in digests.items()}


def input_digests(note: Note, lang: str, template_dir: Path, *,
                  remember: bool = True) -> dict[Path, tuple[Path, str]]:
    """Every file that goes into the note's documents in ``lang``, with the folder it is read
    from and its SHA-256 (see :func:`inputs_of`)."""
    # a catalog is read from its locales/ folder: the project's, or the tool's for its labels
    files = [(p, p.parents[2] if p.suffix == ".po" else note.folder) for p in catalogs.note_sources(note, lang)]
    terms = glossary.path_of(Project.of_note(note.folder).locales)
    if lang != note.meta.source_language and is_present(terms):  # the check of a translation reads it
        files.append((terms, terms.parent))
    files += [(p, template_dir) for p in sorted(template_dir.rglob("*")) if not p.is_dir() or p.is_symlink()]
    files.append((DATA_DIR / "fonts.json", DATA_DIR))
    files += [(p, p.parent) for p in sorted({face.source for face in fonts.faces(lang)})]
    return {path: (root, file_hash(path, root, remember=remember)) for path, root in files}


def quick_key(inputs: dict[str, str], lang: str, fmt: str, options: dict[str, object]) -> str:
    """Digest of the raw inputs and options: equal to the last build's, nothing needs reading."""
    payload = {
        "inputs": inputs,
        "lang": lang,
        "format": fmt,
        "options": options,
        "tools": tool_versions(),
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def fingerprint(value: object) -> object:
    """A JSON-able digest source of a model value, without source lines or local paths."""
    kind = type(value)
    if kind is str:  # most values: said first
        return value
    names = _content_fields(kind)
    if names is not None:
        return [kind.__name__, {name: fingerprint(getattr(value, name)) for name in names}]
    if isinstance(value, tuple | list):
        return [fingerprint(v) for v in value]
    if isinstance(value, dict):
        return {str(k): fingerprint(v) for k, v in sorted(value.items())}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str | int | float | bool | type(None)) else repr(value)


@cache
def _content_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass that make what it says (None for another type): a document's
    key walks every node of it (0.02 s for a 480-row table with ``dataclasses.fields``)."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in _NOT_CONTENT)


def output_key(localized: Localized, fmt: str, options: dict[str, object], inputs: dict[str, str]) -> str:
    """What decides an output's bytes: its text (not its source lines), labels, options, files, tools."""
    from conceptnotes.i18n import labels

    gettext, meta = localized.gettext, localized.note.meta
    shown_labels = [gettext(message) for message in labels.ALL]
    # the note's and catalogs' bytes are not part of the key: their text is, through the
    # model; except in a PDF/A, which carries them as attachments
    attached = formats.get(fmt).attaches(options)
    files = {k: v for k, v in inputs.items()
             if not k.endswith(".tbx") and (attached or not k.endswith((".md", ".po")))}  # a glossary only checks
    payload = {
        "format": fmt,
        "lang": localized.lang,
        "options": options,
        "model": fingerprint(localized.note),
        "labels": shown_labels,
        "files": files,
        "tools": tool_versions(),
        "code": code_fingerprint(),
        "meta": fingerprint(meta),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# the types of what a build writes (pages: null for a DOCX); a key that is absent is not checked, except an output's
# SHA-256 and size (what verify and merge compare)
_TOP = {"format_version": int, "official": bool, "strict": bool, "tools": dict}
_ENTRY = {"sha256": str, "size": int, "pages": int | None, "note": str, "lang": str, "format": str, "key": str,
          "quick": str, "variant": str, "inputs": dict}
_REQUIRED = ("sha256", "size")


class Manifest:
    """One output folder's manifest (``record``, the JSON object), as read from ``folder``
    (with its ``text``, for the lines of problems) or made by a build.

    :meth:`load` refuses a manifest that is not what a build writes, naming the file and
    line; :meth:`previous` is what the next build compares with (none, when unreadable);
    :meth:`verify` checks the files against it; :meth:`dump` writes it, the same bytes for
    the same outputs (no timestamp)."""

    def __init__(self, record: dict, folder: Path | None = None, text: str = "") -> None:
        self.record = record
        self.folder = folder
        self.text = text
        self.outputs: dict[str, dict] = record["outputs"]

    @classmethod
    def of(cls, outputs: dict[str, dict], *, official: bool, strict: bool, partial: dict | None = None,
           tools: dict[str, str] | None = None) -> Manifest:
        """The manifest of a build (the one shape: a merge of shards writes the same bytes as one
        build); a shard's says it is ``partial`` (see :mod:`shards`)."""
        record = {
            "format_version": FORMAT_VERSION,
            "official": official,
            "strict": strict,
            "tools": tool_versions() if tools is None else tools,
            "outputs": outputs,
        }
        if partial is not None:
            record["shard"] = partial
        return cls(record)

    @classmethod
    def load(cls, folder: Path, missing: str = "no manifest: build first") -> Manifest:
        """The manifest of ``folder``; NoteError naming ``manifest.json`` when there is none
        (the problem says ``missing``), or it is unreadable or not what a build writes."""
        path = folder / MANIFEST
        if path.is_symlink() or not path.is_file():
            raise NoteError(Problem(str(path), 0, missing), "no manifest")
        try:
            data = read_input(path, folder)
        except OSError as exc:
            raise NoteError(Problem(str(path), 0, f"unreadable manifest: {exc.strerror or exc}"),
                            "unreadable manifest") from None
        return cls.from_bytes(data, folder)

    @classmethod
    def from_bytes(cls, data: bytes, folder: Path) -> Manifest:
        """The manifest ``data`` of ``folder``'s ``manifest.json``; NoteError naming it when it is
        not JSON, or a value has another type than a build writes."""
        path = folder / MANIFEST
        try:
            text = data.decode("utf-8")
            record = parse_json(text)
        except ValueError as exc:
            raise NoteError(Problem(str(path), 0, f"unreadable manifest: {exc}"), "unreadable manifest") from None
        problem = _type_problem(record, text)
        if problem:
            raise NoteError(Problem(str(path), problem[0], f"unreadable manifest: {problem[1]}"),
                            "unreadable manifest")
        return cls(record, folder, text)

    @classmethod
    def previous(cls, out: Path) -> Manifest:
        """The last build's manifest in ``out``, as the next build compares its outputs with it:
        an empty one when there is none or it cannot be read (the build then writes a new one)."""
        try:
            return cls.load(out)
        except NoteError:
            return cls({"outputs": {}}, out)

    @property
    def path(self) -> Path:
        return (self.folder or Path()) / MANIFEST

    @property
    def shard(self) -> object:
        """The ``shard`` block of a partial manifest (see :mod:`shards`); None in a whole build's."""
        return self.record.get("shard")

    def dump(self) -> bytes:
        return canonical(self.record, indent=2)

    def line(self, key: str, depth: int = 1) -> int:
        return line_of(self.text, key, depth)

    def problem(self, message: str, key: str = "shard", depth: int = 1) -> Problem:
        """A problem in the manifest, at the line of ``key`` (at nesting ``depth``)."""
        return Problem(str(self.path), self.line(key, depth), message)

    def document(self, name: str, listed: str = "") -> bytes:
        """The bytes of the output ``name``, when its file is what the manifest says (SHA-256 and
        size); else a NoteError saying the file is not what it is ``listed`` in (by default the
        manifest's path)."""
        assert self.folder is not None
        listed = listed or display_path(self.path)
        target, entry = self.folder / name, self.outputs[name]
        if target.is_symlink() or not target.is_file():
            raise NoteError.at(target, 0, f"missing (listed in {listed})")
        try:  # through the read gate: no link on the way (a note's folder linked elsewhere)
            data = read_input(target, self.folder)
        except OSError as exc:
            raise NoteError.at(target, 0, f"unreadable: {exc.strerror or exc}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry["sha256"]:
            raise NoteError.at(target, 0, f"differs from {listed}: SHA-256 {actual}, expected {entry['sha256']}")
        if len(data) != entry["size"]:
            raise NoteError.at(target, 0, f"differs from {listed} in size")
        return data

    def verify(self) -> list[Problem]:
        """Every output the manifest lists that is missing or differs from it, by name."""
        problems = Problems()
        for name in sorted(self.outputs):
            try:
                self.document(name, "the manifest")
            except NoteError as exc:
                problems.extend(exc.problems)
        return problems.errors

    # the next build's comparisons -----------------------------------------------------------

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.folder))

    def unchanged(self, path: Path) -> dict | None:
        """The output's entry when the file is still what the manifest says it is."""
        old = self.outputs.get(self.name(path))
        if old and path.is_file() and file_hash(path, self.folder) == old.get("sha256"):
            return old
        return None

    def quick_match(self, path: Path, key: str) -> bool:
        """The output is what the manifest says, made from the same raw inputs and options."""
        return bool((old := self.unchanged(path)) and old.get("quick") == key)

    def all_quick_match(self, quick: dict[Path, str], official: bool) -> bool:
        """Nothing to read or render: the same raw inputs and options as the last build
        (which, for an official build, must have been official and whole, not one shard's:
        its manifest says so)."""
        if official and (not self.record.get("official") or "shard" in self.record):
            return False
        return all(self.quick_match(path, key) for path, key in quick.items())

    def built(self, path: Path, entries: dict[str, dict] | None = None) -> Built:
        """An output that is up to date, as the build reports it."""
        entry = (entries or self.outputs)[self.name(path)]
        return Built(path, entry["size"], 0.0, entry["pages"], False)


def canonical(value: object, indent: int | None = None) -> bytes:
    """``value`` as the manifest writes it: sorted keys, UTF-8; equal values, equal bytes."""
    return (json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _type_problem(record: object, text: str) -> tuple[int, str] | None:
    """The line and description of the first value that has another type than a build writes."""
    if not isinstance(record, dict):
        return 1, "not a JSON object"
    if "outputs" not in record:
        return 1, "no 'outputs'"
    if not isinstance(record["outputs"], dict):
        return line_of(text, "outputs", 1), "'outputs' is not an object"
    for key, kind in _TOP.items():
        if key in record and not _is(record[key], kind):
            return line_of(text, key, 1), f"'{key}' is not {_NAMES[kind]}"
    for name, entry in record["outputs"].items():
        if not names.is_document(name):
            return line_of(text, name, 2), f"the output '{excerpt(name, 60)}' is no document: {names.WHAT}"
        if not isinstance(entry, dict):
            return line_of(text, name, 2), f"the output {name} has no entry (an object)"
        for key, kind in _ENTRY.items():
            if (key in entry or key in _REQUIRED) and not _is(entry.get(key), kind):
                return line_of(text, name, 2), f"the output {name}: '{key}' is not {_NAMES[kind]}"
    return None


_NAMES = {int: "a whole number", int | None: "a whole number or null", bool: "true or false", str: "a string",
          dict: "an object"}


def _is(value: object, kind: object) -> bool:
    if kind == int | None:  # a DOCX has no page count
        return value is None or type(value) is int
    return type(value) is kind if kind in (int, bool) else isinstance(value, kind)


def verify(out: Path) -> int:
    """Check every output against the manifest; return how many, or raise NoteError naming
    each output that differs or is missing, or the journal of a build that was stopped
    while it replaced the outputs (they are then part old, part new)."""
    pending = out / PENDING
    if os.path.lexists(pending):
        refused = journal.refusal(out)
        raise NoteError(
            [Problem(str(pending), 0, "an interrupted build is pending: its outputs are part-way replaced"), *refused],
            f"verify: the outputs are between two builds, and the journal of the interrupted one is refused: remove"
            f" {display_path(pending)}, then build again" if refused else
            f"verify: the outputs are between two builds; the next build into {display_path(out)} completes"
            " the interrupted one, then verify again",
        )
    try:
        manifest = Manifest.load(out)
    except NoteError as exc:
        raise NoteError(exc.problems, "verify: nothing to verify") from None
    problems = Problems()
    problems.extend(manifest.verify())
    listed = len(manifest.outputs)
    if manifest.shard is not None:
        problems.extend([partial_problem(manifest)])
        differ = len(problems.errors) - 1
        problems.raise_if_errors(f"verify: {display_path(out)} holds one shard's share of an official build, not the"
                                 " whole build" + (f"; {differ} of its output(s) do not match" if differ else ""))
    problems.raise_if_errors(f"verify: {len(problems.errors)} of {listed} output(s) do not match the manifest")
    return listed


def partial_problem(manifest: Manifest) -> Problem:
    """What a partial manifest (one shard's) is, and what it needs to become the whole build."""
    shard = manifest.shard
    if not isinstance(shard, dict):
        return manifest.problem("a partial manifest with an unreadable 'shard' block")
    index, count, documents = shard.get("index"), shard.get("count"), shard.get("documents")
    merge = f"{program_name()} manifest merge DIR... --out DIR"
    return manifest.problem(f"a partial manifest: shard {index} of {count} of an official build, with"
                            f" {len(manifest.outputs)} of its {documents} documents; merge the output folders of"
                            f" all {count} shards ({merge}), then verify the merged folder")


def line_of(text: str, key: str, depth: int) -> int:
    """The line (1-based) of ``key`` at nesting ``depth`` in a manifest as :meth:`Manifest.dump`
    writes it; 0 if absent."""
    start = " " * (2 * depth) + json.dumps(key, ensure_ascii=False) + ":"
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(start):
            return number
    return 0
