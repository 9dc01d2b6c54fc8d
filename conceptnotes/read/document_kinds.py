"""The kind of document a concept note is, as its first page names it: never its title.

A Word note often opens with "Concept note" in the style Title and the event's name below
it; the import takes such a line as the kind of document (``subtitle``), and ``check`` warns
on a ``title`` that is one.  The names, one per language, are in
``data/document_kinds.json`` (with their source)."""

from __future__ import annotations

from conceptnotes.project import read_data


def is_document_kind(text: str) -> bool:
    """Whether ``text`` is only the name of the kind of document ("Concept Note", "CONCEPT NOTE:")."""
    names = {name.casefold() for name in read_data("document_kinds.json")["concept_note"].values()}
    return " ".join(text.split()).strip(" .:;-–—").casefold() in names
