"""What both renderers say the same way: the document's date and author."""

from __future__ import annotations

import datetime as dt
import os

from conceptnotes.errors import UsageError, excerpt
from conceptnotes.model import Note


def created(note: Note) -> dt.date:
    """The document's date: the note's date of issue, else ``SOURCE_DATE_EPOCH`` when set,
    else the first day of the event; never the clock."""
    if note.meta.date:
        return note.meta.date
    return source_date() or note.meta.event.start


# the last second of year 9999, the last a date can hold
LAST_EPOCH = int(dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp())


def source_date() -> dt.date | None:
    """The day of ``SOURCE_DATE_EPOCH`` (reproducible builds), or None when it is not set.

    A value that is not a whole number of seconds since 1970-01-01 UTC, or is past the
    year 9999, is a UsageError: the build checks it before anything renders.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) > LAST_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, from 0 to {LAST_EPOCH},"
            f" not '{excerpt(epoch)}'"
        )
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()


def author(note: Note) -> str:
    return "; ".join(note.meta.organizers) or "United Nations"
