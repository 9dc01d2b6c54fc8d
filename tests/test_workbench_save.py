"""A workbench save parses only the catalog it edits: the note is parsed once by the page,
kept by the server (``read.parsed.Notes``) with the bytes of its note.md, and parsed
again only when note.md changed.

What a translator sees is the same either way (the parse saved shows only as time, which
no test measures), so the parses are counted through the store's documented ``load``
hook; the answers are read back from the files: the saved entry is the catalog's, and a
note.md changed after the page loaded is what the save answers from.

Each test works on a copy of the test root ``translated`` (English and French).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conceptnotes.i18n import catalogs
from conceptnotes.read.loader import load_note
from conceptnotes.read.parsed import Notes
from conceptnotes.serve import workbench as wb

from .conftest import build_in

WRITE_LOCK = threading.Lock()  # the server's one lock, as app.Server holds it


def save_unit(*args, **kwargs):
    return wb.save(*args, **kwargs, lock=WRITE_LOCK)


NOTE = "content/translated"
FR_PO = "locales/fr/LC_MESSAGES/translated.po"
OLD = "The workshop will bring together:"


@pytest.fixture
def project(root) -> Path:
    """The ``translated`` root with its catalog as ``i18n update`` writes it."""
    project = root("translated")
    assert build_in(project, "i18n", "update", NOTE) == 0
    return project


def counted(parses: list[Path], size: int = 8) -> Notes:
    """A store whose every parse of a note is recorded in ``parses``."""

    def load(folder: Path):
        parses.append(folder)
        return load_note(folder)

    return Notes(size, load)


def view_of(views: list[wb.UnitView], msgid: str) -> wb.UnitView:
    return next(view for view in views if view.msgid == msgid)


def test_a_save_parses_the_catalog_and_not_the_note(project):
    parses: list[Path] = []
    notes = counted(parses)
    folder = project / NOTE
    view = view_of(wb.unit_views(folder, "fr", notes=notes), OLD)  # the page
    assert len(parses) == 1
    # the catalog changes meanwhile (lines added before the entry): the answer follows it
    po = project / FR_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("\nmsgid ", "\n# a translator's comment\nmsgid ", 1), encoding="utf-8")
    saved = save_unit(folder, "fr", view.key, "L'atelier rassemblera :", view.msgstr, view.state, notes)
    second = view_of(wb.unit_views(folder, "fr", notes=notes), "Objectives")
    save_unit(folder, "fr", second.key, "Buts", second.msgstr, second.state, notes)
    assert len(parses) == 1  # the page's parse, for two saves
    message = catalogs.load(po, "fr").get(OLD)
    lines = po.read_text(encoding="utf-8").splitlines()
    assert (saved.msgstr, saved.state) == (message.string, "translated") == ("L'atelier rassemblera :", "translated")
    assert saved.po_line == message.lineno and lines[saved.po_line - 1] == f'msgid "{OLD}"'
    assert catalogs.load(po, "fr").get("Objectives").string == "Buts"


def test_a_save_after_note_md_changed_answers_from_the_new_note(project):
    parses: list[Path] = []
    notes = counted(parses)
    folder = project / NOTE
    view = view_of(wb.unit_views(folder, "fr", notes=notes), OLD)
    note = folder / "note.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace(f"\n{OLD}\n", f"\nA paragraph added above.\n\n{OLD}\n"), encoding="utf-8")
    saved = save_unit(folder, "fr", view.key, "L'atelier rassemblera :", view.msgstr, view.state, notes)
    assert len(parses) == 2
    assert saved.note_line == view.note_line + 2
    assert note.read_text(encoding="utf-8").splitlines()[saved.note_line - 1] == OLD
    # the unit's text changed in note.md: the save refuses its old key and writes nothing
    other = view_of(wb.unit_views(folder, "fr", notes=notes), "Objectives")
    note.write_text(note.read_text(encoding="utf-8").replace("# Objectives\n", "# Aims\n"), encoding="utf-8")
    before = (project / FR_PO).read_bytes()
    with pytest.raises(wb.UnknownUnit):
        save_unit(folder, "fr", other.key, "Buts", other.msgstr, other.state, notes)
    assert (project / FR_PO).read_bytes() == before
    assert len(parses) == 3


def test_the_store_keeps_the_notes_asked_last(root):
    parses: list[Path] = []
    notes = counted(parses, size=1)
    first, second = root("translated", "a") / NOTE, root("translated", "b") / NOTE
    assert notes.note(first) is notes.note(first)
    assert len(parses) == 1
    notes.note(second)
    assert notes.note(first).folder == first
    assert (len(parses), len(notes)) == (3, 1)


def test_a_save_waits_for_the_servers_write_lock(project):
    """The workbench's save takes the lock the server gives it, the one the Details form and
    the Review import page take: while another write holds it, the catalog is not touched."""
    folder = project / NOTE
    view = next(v for v in wb.unit_views(folder, "fr") if v.msgid == "Objectives")
    po = project / FR_PO
    before = po.read_bytes()
    saved = []
    with WRITE_LOCK:
        worker = threading.Thread(target=lambda: saved.append(
            save_unit(folder, "fr", view.key, "Buts", view.msgstr, view.state).msgstr))
        worker.start()
        worker.join(1.0)
        assert worker.is_alive() and po.read_bytes() == before  # waiting for the lock, nothing written
    worker.join(30)
    assert saved == ["Buts"] and po.read_bytes() != before
