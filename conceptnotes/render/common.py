"""What both renderers say the same way: the document's date and author."""

from __future__ import annotations

import datetime as dt
import os

from conceptnotes.model import Note


def created(note: Note) -> dt.date:
    """The document's date: the note's date of issue, else ``SOURCE_DATE_EPOCH`` when set,
    else the first day of the event; never the clock."""
    if note.meta.date:
        return note.meta.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return note.meta.event.start


def author(note: Note) -> str:
    return "; ".join(note.meta.organizers) or "United Nations"
