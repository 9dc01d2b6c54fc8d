"""``build.py new ID``: a new note, every front-matter field explained, and its catalogs.

The note is written from :func:`note_text` (pure); its values left to fill in are
``TODO`` (:data:`conceptnotes.read.frontmatter.PLACEHOLDER`), which a draft ``check`` or
``build`` reports as warnings, each at its line, and a strict one (``--strict``,
``official``) refuses.  Then the note's catalogs are made, as ``i18n extract`` and
``i18n update`` make them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import languages, reserved
from conceptnotes.errors import UsageError, display_path
from conceptnotes.project import NOTE_FILE, Project, command

# A new note's id: lower-case letters and digits, words joined by single hyphens.  The
# loader reads a few more ('.', '_'); a new note keeps to what docs/content-format.md asks.
NOTE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 100  # characters: the id names the note's folder, catalogs and documents

FRONT = """\
---
# The front matter: see docs/content-format.md. Replace each TODO: a draft check or build
# shows it as it is, with a warning; a strict build (--strict, official) refuses it.
title: TODO  # required: the title of the event, as the invitation gives it
subtitle: Concept note  # optional: the kind of document, shown above the title
languages: [{langs}]  # required: the languages to publish, among ar, en, es, fr, ru, zh (then: i18n update)
source_language: {source}  # optional (default en): the language this note is written in
event:  # required
  start: TODO  # required: first day, YYYY-MM-DD
  end: TODO  # required: last day, YYYY-MM-DD, not before start
  city: TODO  # required: the city, as written in the note's language
  country: TODO  # required: ISO 3166-1 alpha-2 code of the host country (ES, KE), or country_name: its name
  # venue: Palais des Nations  # optional: the building or conference centre, shown before the city
organizers:  # optional: one per line, shown at the top of the masthead; also the document's author
  - TODO
distribution: General  # optional: General, Limited or Restricted (default General)
# symbol: A/CONF.240/1  # optional: the document symbol, shown in the masthead and page headers
# date: 2022-04-01  # optional: the date of issue, YYYY-MM-DD (default: the first day of the event)
contacts:  # optional: contact points, kept with the note (the Contact section below is what is printed)
  - name: TODO  # required in each contact: an office or a post
    # email: office@un.org  # optional
    # url: https://www.un.org/  # optional
    # phone: +1 212 963 1234  # optional
# keywords: [human rights, civil society]  # optional: document keywords (PDF and DOCX properties)
# file_name: "{{id}}.{{lang}}"  # optional: output file names, from {{id}} {{lang}} {{letter}} {{symbol}} {{job}}
# job_numbers: {{en: "2206101"}}  # optional: a UN job number per language, for {{job}} in file_name
numbered_paragraphs: false  # optional: true numbers the paragraphs 1, 2, 3... as UN reports do
---
"""

# The usual sections of a concept note, each with what it holds (docs/content-format.md).
SECTIONS = (
    ("Background", "Set out the context of the event: the mandates and resolutions it responds to,"
     " the earlier meetings it follows up on and the reasons for holding it now."),
    ("Objectives", "List the objectives of the event as a numbered list, each beginning with \"To\"."),
    ("Expected outcomes", "List the concrete results expected from the event, such as recommendations,"
     " a summary of the discussions or commitments by participants."),
    ("Format", "Describe the dates, venue and structure of the event (opening segment, sessions,"
     " side events) and the languages in which it will be held."),
    ("Participants", "Indicate who is invited to take part (Member States, United Nations entities,"
     " international and regional organizations, civil society) and at what level."),
    ("Documentation", "List the documents prepared for the event and state where and when they will be"
     " made available."),
    ("Contact", "Name the office to which enquiries may be addressed, with its e-mail address or website."),
)


def note_text(langs: tuple[str, ...], source: str) -> str:
    """The text of a new note in ``langs``, written in ``source``."""
    body = "".join(f"\n# {heading}\n\nTODO: {guidance}\n" for heading, guidance in SECTIONS)
    return FRONT.format(langs=", ".join(langs), source=source) + body


def source_of(langs: tuple[str, ...]) -> str:
    """The language a new note is written in: English when it is among ``langs``, else the first."""
    return languages.DEFAULT_SOURCE if languages.DEFAULT_SOURCE in langs else langs[0]


@dataclass(frozen=True)
class Created:
    note: Path  # content/<id>/note.md
    catalogs: list  # i18n.commands.Written: each template and catalog, as i18n extract/update wrote it


def refusal(project: Project, note_id: str) -> str:
    """Why ``note_id`` cannot be a new note of ``project``; '' when it can."""
    if not NOTE_ID.fullmatch(note_id) or len(note_id) > MAX_ID:
        return (f"'{note_id}' is not a note id: use lower-case letters, digits and single hyphens"
                f" (such as malaga-2022), at most {MAX_ID} characters")
    if reserved.id_refusal(note_id):
        return f"{reserved.id_refusal(note_id)}: choose another id"
    folder = project.content / note_id
    if folder.exists() or folder.is_symlink():
        return f"{display_path(folder)} already exists: choose another id, or edit that note"
    template = project.locales / f"{note_id}.pot"
    if template.exists() or template.is_symlink():
        return (f"{display_path(template)} already exists (catalogs of an earlier note '{note_id}'):"
                " choose another id, or remove that note's catalogs first")
    return ""


def create(project: Project, note_id: str, langs: tuple[str, ...] | None = None) -> Created:
    """Write ``content/<note_id>/note.md`` in ``langs`` (default: the default source language
    alone) and its catalogs.  UsageError (nothing written) for an id that is taken or is not
    a note id, or an unknown language."""
    from conceptnotes.writing import write_atomic

    langs = langs if langs is not None else (languages.DEFAULT_SOURCE,)

    wrong = [lang for lang in langs if lang not in languages.CODES]
    if wrong or not langs:
        raise UsageError(f"new: --lang takes languages among {', '.join(languages.CODES)}, not"
                         f" '{','.join(wrong) or ','.join(langs)}'")
    if len(set(langs)) != len(langs):
        raise UsageError("new: --lang names a language twice")
    why = refusal(project, note_id)
    if why:
        raise UsageError(f"new: {why}")
    folder = project.content / note_id
    note = folder / NOTE_FILE
    write_atomic(note, note_text(tuple(sorted(langs)), source_of(langs)).encode(), project.content)
    return Created(note, make_catalogs(folder))


def make_catalogs(folder: Path) -> list:
    """The note's template and catalogs, as ``i18n extract`` then ``i18n update`` write them."""
    from conceptnotes.build.pipeline import load_notes
    from conceptnotes.i18n import commands as i18n

    notes, _ = load_notes([folder])
    return i18n.extract(notes) + i18n.update(notes)


NEXT = f"fill in each TODO, then run {command('check')}"
