"""The names the tool keeps for itself, which no note may take as its id: one list.

A note's id names its folder (in ``content/`` and in the output folder), its catalogs
(``locales/<id>.pot``, ``locales/<lang>/LC_MESSAGES/<id>.po``) and its documents.  A note
named as the templates' labels would take their catalogs as its own: one save in the
workbench, one XLIFF import or ``new`` would make every label's translation obsolete.  A
note named as one of the build's own files would block the output folder.  ``new``,
``import``, the loader (and so ``check``, the build, the workbench and the XLIFF import)
and the preview server refuse these ids by :func:`id_refusal`.
"""

from __future__ import annotations

LABELS = "messages"  # the templates' labels: locales/messages.pot, locales/<lang>/LC_MESSAGES/messages.po
MANIFEST = "manifest.json"
PENDING = "manifest.json.pending"  # the journal of a build's commit
LOCK = ".conceptnotes.lock"
OUTPUT_FILES = (MANIFEST, PENDING, LOCK)  # what the build itself writes in the output folder

_BUILD_FILE = "the build writes its own file of that name in the output folder"
IDS = {
    LABELS: f"the templates' labels have their catalogs under that name (locales/{LABELS}.pot and"
            f" locales/<lang>/LC_MESSAGES/{LABELS}.po)",
    **{name: _BUILD_FILE for name in OUTPUT_FILES},
}


def id_refusal(note_id: str) -> str:
    """Why the tool keeps ``note_id`` for itself ("the note id '...' is reserved: ..."); '' when it does not."""
    why = IDS.get(note_id)
    return f"the note id '{note_id}' is reserved: {why}" if why else ""
