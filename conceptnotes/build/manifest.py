"""The build's record: every output with its SHA-256, and what made it.

``<out>/manifest.json`` lists each output (SHA-256, size, pages, language, format), the
SHA-256 of every input that made it (the note, its assets, catalogs, templates, fonts),
the versions of the tools, and the output's *key*: a digest of everything that decides
its bytes, which the next build compares to skip an output that would come out the
same.  The manifest holds no timestamp, so it is itself reproducible.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes.build.cache import file_hash
from conceptnotes.build.output import PENDING
from conceptnotes.build.workers import Built
from conceptnotes.errors import NoteError, Problem, Problems, display_path
from conceptnotes.i18n import catalogs
from conceptnotes.model import Note
from conceptnotes.project import DATA_DIR, PACKAGE_DIR, TOOL_ROOT, Project, package_version
from conceptnotes.render import fonts, formats

if TYPE_CHECKING:
    from conceptnotes.i18n.localize import Localized

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PACKAGES = ("weasyprint", "python-docx", "babel", "markdown", "jinja2", "pydyf", "fonttools", "uharfbuzz")
_NOT_CONTENT = {"line", "lines", "folder", "source", "path", "where", "raw"}


@cache
def tool_versions() -> dict[str, str]:
    """Versions of the libraries that shape the outputs (without importing WeasyPrint)."""
    versions = {name: package_version(name) for name in PACKAGES}
    versions["pango"] = _c_version("libpango-1.0.so.0", "pango_version_string")
    versions["harfbuzz"] = _c_version("libharfbuzz.so.0", "hb_version_string")
    return versions


def _c_version(library: str, function: str) -> str:
    try:
        call = getattr(ctypes.CDLL(library), function)
    except (OSError, AttributeError):
        return "missing"
    call.restype = ctypes.c_char_p
    return call().decode()


def _relative(path: Path) -> str:
    """A stable name for an input: relative to the working folder, or to conceptnotes' own
    folder (templates, data), else absolute (system fonts)."""
    return _relative_to(path, Path.cwd())


@cache
def _relative_to(path: Path, cwd: Path) -> str:  # the same templates and fonts, for every document
    resolved = path.resolve()
    for base in (cwd, TOOL_ROOT):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(resolved)


def inputs_of(note: Note, lang: str, template_dir: Path) -> dict[str, str]:
    """SHA-256 of every file that goes into the note's documents in ``lang``."""
    locales = Project.of_note(note.folder).locales
    files = [(p, locales if p.suffix == ".po" else note.folder) for p in catalogs.note_sources(note, lang)]
    files += [(p, template_dir) for p in sorted(template_dir.rglob("*")) if not p.is_dir() or p.is_symlink()]
    files.append((DATA_DIR / "fonts.json", DATA_DIR))
    files += [(p, p.parent) for p in sorted({face.source for face in fonts.faces(lang)})]
    return {_relative(path): file_hash(path, root) for path, root in files}


@cache
def code_fingerprint() -> str:
    """Digest of conceptnotes' own code and data: a new version rebuilds everything."""
    package = PACKAGE_DIR
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and p.is_file()):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in _NOT_CONTENT
        }
        return [type(value).__name__, fields]
    if isinstance(value, tuple | list):
        return [fingerprint(v) for v in value]
    if isinstance(value, dict):
        return {str(k): fingerprint(v) for k, v in sorted(value.items())}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str | int | float | bool | type(None)) else repr(value)


def output_key(localized: Localized, fmt: str, options: dict[str, object], inputs: dict[str, str]) -> str:
    """What decides an output's bytes: its text (not its source lines), labels, options, files, tools."""
    from conceptnotes.i18n import labels

    gettext, meta = localized.gettext, localized.note.meta
    shown_labels = [gettext(message) for message in labels.ALL]
    # the note's and catalogs' bytes are not part of the key: their text is, through the
    # model; except in a PDF/A, which carries them as attachments
    attached = formats.get(fmt).attaches(options)
    files = {k: v for k, v in inputs.items() if attached or not k.endswith((".md", ".po"))}
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


class Previous:
    """The last build's manifest, as the next build compares its outputs with it."""

    def __init__(self, out: Path, record: dict) -> None:
        self.out = out
        self.record = record
        self.outputs: dict[str, dict] = record["outputs"]

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.out))

    def unchanged(self, path: Path) -> dict | None:
        """The output's entry when the file is still what the manifest says it is."""
        old = self.outputs.get(self.name(path))
        if old and path.is_file() and file_hash(path, self.out) == old.get("sha256"):
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


def record(outputs: dict[str, dict], *, official: bool, strict: bool, partial: dict | None = None,
           tools: dict[str, str] | None = None) -> dict:
    """The manifest of a build (the one shape: a merge of shards writes the same bytes as one
    build); a shard's says it is ``partial`` (see :mod:`shards`)."""
    written = {
        "format_version": FORMAT_VERSION,
        "official": official,
        "strict": strict,
        "tools": tool_versions() if tools is None else tools,
        "outputs": outputs,
    }
    if partial is not None:
        written["shard"] = partial
    return written


def read(out: Path) -> dict:
    path = out / MANIFEST
    if not path.is_file():
        return {"outputs": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"outputs": {}}
    return data if isinstance(data.get("outputs"), dict) else {"outputs": {}}


def dump(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def verify(out: Path) -> int:
    """Check every output against the manifest; return how many, or raise NoteError naming
    each output that differs or is missing, or the journal of a build that was stopped
    while it replaced the outputs (they are then part old, part new)."""
    pending = out / PENDING
    if pending.exists():
        raise NoteError(
            Problem(str(pending), 0, "an interrupted build is pending: its outputs are part-way replaced"),
            f"verify: the outputs are between two builds; the next build into {display_path(out)} completes"
            " the interrupted one, then verify again",
        )
    path = out / MANIFEST
    if not path.is_file():
        raise NoteError(Problem(str(path), 0, "no manifest: build first"), "verify: nothing to verify")
    try:
        text = path.read_text(encoding="utf-8")
        manifest = json.loads(text)
        outputs = manifest["outputs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NoteError(Problem(str(path), 0, f"unreadable manifest: {exc}"), "verify: nothing to verify") from None
    problems = Problems()
    for name, entry in sorted(outputs.items()):
        target = out / name
        if not target.is_file():
            problems.add(target, 0, "missing (listed in the manifest)")
            continue
        actual = hashlib.sha256(target.read_bytes()).hexdigest()
        if actual != entry.get("sha256"):
            problems.add(target, 0, f"differs from the manifest: SHA-256 {actual}, expected {entry.get('sha256')}")
        elif target.stat().st_size != entry.get("size"):
            problems.add(target, 0, "differs from the manifest in size")
    if "shard" in manifest:
        problems.extend([partial_problem(path, text, manifest["shard"], len(outputs))])
        differ = len(problems.errors) - 1
        problems.raise_if_errors(f"verify: {display_path(out)} holds one shard's share of an official build, not the"
                                 " whole build" + (f"; {differ} of its output(s) do not match" if differ else ""))
    problems.raise_if_errors(f"verify: {len(problems.errors)} of {len(outputs)} output(s) do not match the manifest")
    return len(outputs)


def partial_problem(path: Path, text: str, shard: object, listed: int) -> Problem:
    """What a partial manifest (one shard's) is, and what it needs to become the whole build."""
    where = line_of(text, "shard", 1)
    if not isinstance(shard, dict):
        return Problem(str(path), where, "a partial manifest with an unreadable 'shard' block")
    index, count, documents = shard.get("index"), shard.get("count"), shard.get("documents")
    return Problem(str(path), where, f"a partial manifest: shard {index} of {count} of an official build, with"
                   f" {listed} of its {documents} documents; merge the output folders of all {count} shards"
                   " (build.py manifest merge DIR... --out DIR), then verify the merged folder")


def line_of(text: str, key: str, depth: int) -> int:
    """The line (1-based) of ``key`` at nesting ``depth`` in a manifest as :func:`dump` writes it; 0 if absent."""
    start = " " * (2 * depth) + json.dumps(key, ensure_ascii=False) + ":"
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(start):
            return number
    return 0
