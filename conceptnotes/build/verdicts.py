"""What the check found in a document, kept for the next ``check`` of the same inputs.

A document's check (localizing a note in one language and every rule on the result)
depends only on its raw inputs, the code, the libraries and the kinds of node the checked
formats' renderers handle.  A build keeps, for each document whose check passed, the
warnings it gave (JSON in the cache, named by the digest of all that); ``check`` then tells
them again for a document whose inputs are unchanged, without parsing or localizing it, as
a build's quick key spares it a document that is up to date.  Only what ``check`` can read
is kept: a check of every format's rules (a build of the default formats; not a build of
the PDF alone, nor the preview's), and nothing a file could not be hashed for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes.build import cache, manifest
from conceptnotes.errors import NoteError, Problem
from conceptnotes.project import cache_root
from conceptnotes.render import formats as output_formats

if TYPE_CHECKING:
    from conceptnotes.model import Note


def rules(formats: tuple[str, ...]) -> dict[str, object]:
    """What of the checked ``formats`` a document's check depends on: the renderers' kinds of
    node, and whether the HTML templates render it."""
    entries = [output_formats.get(fmt) for fmt in formats]
    return {"kinds": sorted({f"{entry.kinds}|{entry.missing_kind}" for entry in entries}),
            "laid_out": any(entry.html_templates for entry in entries)}


EVERY_FORMAT = rules(output_formats.NAMES)  # what ``check`` checks, and so all it can read


def key(note: Note, lang: str, templates: Path, formats: tuple[str, ...], *, remember: bool) -> str | None:
    """The name of the verdict on ``note`` in ``lang`` checked for ``formats``; None when a
    file cannot be hashed (a missing font, a link): the document is then checked as ever.
    ``remember``: a large file's digest may be kept in the cache (a build; not ``check``)."""
    try:
        inputs = manifest.inputs_of(note, lang, templates, remember=remember)
    except (OSError, NoteError):
        return None
    return named(inputs, note, lang, formats)


def named(inputs: dict[str, str], note: Note, lang: str, formats: tuple[str, ...]) -> str:
    """:func:`key` of the document's raw ``inputs`` (``manifest.inputs_of``), as a build has them."""
    # the note's own folder too: a warning names files by their full path, and a copy of the
    # project elsewhere (the same inputs, named relative to the working folder) has its own
    return manifest.quick_key(inputs, lang, "check", {**rules(formats), "folder": str(note.folder.resolve())})


def _entry(name: str) -> Path:
    return cache_root() / "checked" / f"{name}.json"


Verdict = tuple[list[Problem], list[Problem]]  # the warnings of reading the note, those of the document


def kept(name: str) -> Verdict | None:
    """The warnings a build's check gave for the document named ``name``; None if none is kept."""
    said = cache.read_entry(_entry(name))
    try:
        return _problems(said["read"]), _problems(said["found"])
    except (KeyError, TypeError, ValueError):  # none, or not a verdict as this module writes it
        return None


def _problems(said: list[dict]) -> list[Problem]:
    return [Problem(str(p["path"]), int(p["line"]), str(p["message"]), int(p["column"]), warning=True) for p in said]


def _said(problems: list[Problem]) -> list[dict]:
    return [{"path": p.path, "line": p.line, "message": p.message, "column": p.column} for p in problems]


def keep(found: dict[str, Verdict]) -> None:
    """Keep the warnings of each document whose check passed (by its name), and remove the
    verdicts no build has written for a week (every edit makes new ones)."""
    try:  # the cache only saves time: a verdict that cannot be written (a full disk) is not kept
        for name, (read, own) in found.items():
            cache.write_entry(_entry(name), {"read": _said(read), "found": _said(own)})
        if found:
            cache.prune(_entry("x").parent, (".json",))
    except OSError:
        return
