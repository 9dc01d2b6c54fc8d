"""What changed in a reviewed DOCX's note and catalog since the DOCX was built.

The DOCX's record holds the SHA-256 of note.md and of the catalogs it was built from, and
each run's source and the text it was shown from.  When a file is as it was built, every
reviewed change is the reviewer's alone.  When it changed, each reviewed run is looked up in
the file as it is now: a run whose source (or, in a translation, whose catalog entry) changed
on both sides is a conflict, left unwritten; the others are written at their lines now.
A run the record names that the unchanged note does not hold is not this note's: refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes.errors import NoteError, excerpt
from conceptnotes.model.localized import UnitMark
from conceptnotes.render.docx.review_marks import Record, Recorded

if TYPE_CHECKING:
    from conceptnotes.i18n.editing import Opened


@dataclass(frozen=True)
class Now:
    """The note's runs as its files hold them now, and whether each file changed since the build."""

    marks: dict[str, UnitMark]  # by id, each with its line now
    note_changed: bool
    catalog_changed: bool
    opened: Opened | None = None  # the note and its catalog, for a translation

    def conflict(self, unit: Recorded) -> str | None:
        """Why ``unit``, changed by the reviewer, changed on the other side too, or None."""
        mark = self.marks.get(unit.mark.id)
        if mark is None or mark.source != unit.mark.source:
            return "note.md changed at this paragraph since the DOCX was built" if self.note_changed else None
        if self.opened is None or not self.catalog_changed:
            return None
        from conceptnotes.i18n import editing

        entry = editing.entry(self.opened, unit.mark.source)
        if unit.mark.translated and (entry.state != "translated" or entry.msgstr != unit.mark.text):
            return "its translation changed in the catalog since the DOCX was built"
        if not unit.mark.translated and entry.state == "translated":
            return "it was translated in the catalog since the DOCX was built"
        return None

    def line(self, unit: Recorded) -> int:
        """The run's line in note.md now."""
        mark = self.marks.get(unit.mark.id)
        return mark.line if mark is not None else unit.mark.line


def now(record: Record, folder: Path, path: Path) -> Now:
    """The note at ``folder`` (and its catalog, for a translation) against ``record``;
    NoteError naming ``path`` (the DOCX) if it names runs its unchanged note does not hold."""
    from conceptnotes.i18n.unit_marks import front_marks, unit_marks

    digests = dict(record.inputs)
    opened = None
    if record.lang == record.source_language:
        from conceptnotes.read.loader import load_note

        note, _ = load_note(folder)
        catalog_changed = False
    else:
        from conceptnotes.i18n import catalogs, editing

        opened = editing.open_note(folder, record.lang)
        note = opened.note
        name = "/".join(opened.path.parts[-3:])
        data = catalogs.read(opened.path) if opened.catalog is not None else None
        catalog_changed = digests.get(name) != (hashlib.sha256(data).hexdigest() if data is not None else None)
    note_changed = digests.get("note.md") != hashlib.sha256(note.raw).hexdigest()
    marks = {mark.id: mark for mark in unit_marks(note) + front_marks(note)}
    if not note_changed:
        for unit in record.units:
            if marks.get(unit.mark.id, unit.mark).source != unit.mark.source or unit.mark.id not in marks:
                raise NoteError.at(path, 0, f"the DOCX names a paragraph ('{excerpt(unit.mark.source, 60)}') that"
                                            f" {note.source.name} does not hold, though the file is as the DOCX"
                                            " was built from: it was built from another note; nothing was applied")
    return Now(marks, note_changed, catalog_changed, opened)
