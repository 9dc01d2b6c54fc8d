"""Notes parsed once and kept while their ``note.md`` has the same bytes: for a long-running
reader of the same notes (the preview server's workbench), not for the build.

Each note is kept with the bytes it was parsed from (``Note.raw``); asked again, the file
is read (through the one input path) and compared, and parsed again only when it
changed.  The store is bounded and belongs to its owner (the server), never the module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes.errors import NoteError, Problem
from conceptnotes.project import NOTE_FILE

if TYPE_CHECKING:
    from conceptnotes.model import Note

Load = Callable[[Path], tuple["Note", list[Problem]]]


class Notes:
    """The notes a reader has parsed, the ``size`` asked last, safe to share between threads.

    ``load`` is how a note is parsed: ``read.loader.load_note`` by default (a test may pass
    one that counts the calls: the only sign of a parse saved is the time it takes)."""

    def __init__(self, size: int = 8, load: Load | None = None) -> None:
        self.size = size
        self.load = load
        self._lock = threading.Lock()
        self._notes: OrderedDict[Path, Note] = OrderedDict()

    def __len__(self) -> int:
        return len(self._notes)

    def note(self, folder: Path) -> Note:
        """The note of ``folder`` as ``load_note`` gives it (NoteError as it raises it), parsed
        again only when its note.md changed since it was last parsed here."""
        from conceptnotes.read.files import read_input
        from conceptnotes.read.loader import MAX_NOTE_BYTES, load_note

        key = folder.resolve()
        try:
            data = read_input(folder / NOTE_FILE, folder.parent, limit=MAX_NOTE_BYTES)
        except NoteError:
            data = None  # parsing says what is wrong
        with self._lock:
            kept = self._notes.get(key)
            if kept is not None and data is not None and kept.raw == data:
                self._notes.move_to_end(key)
                return kept
        note, _ = (self.load or load_note)(folder)
        with self._lock:
            self._notes[key] = note  # under the bytes it was parsed from (note.raw)
            self._notes.move_to_end(key)
            while len(self._notes) > self.size:
                self._notes.popitem(last=False)
        return note
