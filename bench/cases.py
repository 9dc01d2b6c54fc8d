"""The benchmark's inputs, made in a scratch folder from the sample project.

- ``sample``: a copy of the sample note (``content/malaga-2022``) and its catalogs;
- ``long-10`` / ``long-50``: the sample's body repeated 10 and 50 times (footnote labels
  made unique per copy), English only;
- ``table-120`` / ``table-240`` / ``table-480``: a programme of work, one table of that
  many rows, English only;
- for the peers: each of them as Markdown for Pandoc (the sample in each language, its
  units replaced by their translations from the catalogs, so Pandoc lays out the same
  text), and the project's own HTML of the long note for WeasyPrint alone.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "malaga-2022"
LANGS = ("ar", "en", "es", "fr", "ru", "zh")

TABLE_NOTE = """---
title: Programme of work
subtitle: Annotated programme
languages: [en]
source_language: en
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Málaga
  country: ES
organizers:
  - United Nations Office of Counter-Terrorism
  - Government of Spain
distribution: General
---

# Programme of work

The programme below lists the sessions of the Conference, their times and the speakers.

| Time | Session | Speakers |
| --- | --- | --- |
"""
SESSIONS = (
    "Human rights and the rule of law as the cornerstone of effective counter-terrorism efforts",
    "Protection of principled humanitarian action",
    "Victims and survivors of terrorism",
    "Civil society efforts for preventing and countering terrorism",
    "The role of the United Nations counter-terrorism architecture",
)


def sample_project(where: Path) -> Path:
    """A project holding a copy of the sample note and every catalog."""
    shutil.copytree(ROOT / "content" / SAMPLE, where / "content" / SAMPLE)
    shutil.copytree(ROOT / "locales", where / "locales")
    return where


def _split(note: str) -> tuple[str, str]:
    _, front, body = note.split("---\n", 2)
    return front, body


def long_project(where: Path, copies: int) -> Path:
    """The sample's body ``copies`` times, each copy's footnote labels suffixed with its number."""
    front, body = _split((ROOT / "content" / SAMPLE / "note.md").read_text(encoding="utf-8"))
    front = re.sub(r"(?m)^languages: .*$", "languages: [en]", front)
    bodies = [re.sub(r"\[\^([^\]]+)\]", rf"[^\1-{n}]", body) for n in range(1, copies + 1)]
    folder = where / "content" / "long"
    shutil.copytree(ROOT / "content" / SAMPLE, folder)
    (folder / "note.md").write_text(f"---\n{front}---\n" + "\n".join(bodies), encoding="utf-8")
    return where


def table_project(where: Path, rows: int) -> Path:
    lines = [
        f"| {9 + n % 9:02d}:{(n * 15) % 60:02d} | {SESSIONS[n % len(SESSIONS)]} (meeting {n + 1}) "
        f"| Representatives of Member States, United Nations entities and civil society organizations |"
        for n in range(rows)
    ]
    folder = where / "content" / "programme"
    folder.mkdir(parents=True)
    (folder / "note.md").write_text(TABLE_NOTE + "\n".join(lines) + "\n", encoding="utf-8")
    return where


def note_of(project: Path) -> Path:
    return next((project / "content").glob("*/note.md"))


def pandoc_sources(project: Path, where: Path) -> dict[str, Path]:
    """The sample in each language as Markdown for Pandoc: each unit's source replaced by its
    translation (every source unit occurs verbatim in ``note.md``), longest first."""
    from babel.messages.pofile import read_po

    source = (project / "content" / SAMPLE / "note.md").read_text(encoding="utf-8")
    where.mkdir(parents=True, exist_ok=True)
    out = {}
    for lang in LANGS:
        text = source
        catalog = project / "locales" / lang / "LC_MESSAGES" / f"{SAMPLE}.po"
        if catalog.is_file():
            with catalog.open("rb") as handle:
                messages = [m for m in read_po(handle) if m.id and m.string]
            for message in sorted(messages, key=lambda m: -len(m.id)):
                text = text.replace(message.id, message.string)
        out[lang] = where / f"{lang}.md"
        out[lang].write_text(text, encoding="utf-8")
    return out


def project_html(project: Path, target: Path) -> Path:
    """The HTML the project lays out for the (only, English) note of ``project``, for
    WeasyPrint alone; its relative URLs resolve against the template folder."""
    from conceptnotes.build.pipeline import Scope, check

    (html,) = check([note_of(project).parent], Scope(langs=("en",))).htmls.values()  # as the check rendered it
    target.write_text(html, encoding="utf-8")
    return target
