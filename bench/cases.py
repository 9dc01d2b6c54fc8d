"""The benchmark's inputs, made in a scratch folder from the sample project.

- ``sample``: a copy of the sample note (``content/malaga-2022``) and its catalogs;
- ``long-10`` / ``long-50``: the sample's body repeated 10 and 50 times (footnote labels
  made unique per copy), English only;
- ``table-120`` / ``table-240`` / ``table-480``: a programme of work, one table of that
  many rows, English only;
- ``scale``: 20 copies of the sample, each with its catalogs (240 documents);
- for the peers: each of them as Markdown for Pandoc (the sample in each language, its
  units replaced by their translations from the catalogs, so Pandoc lays out the same
  text), and the project's own HTML of the long note for WeasyPrint alone.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
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


def scale_project(where: Path, copies: int = 20) -> Path:
    """``copies`` notes, each a copy of the sample with its catalogs (``malaga-2022-01`` ...):
    ``copies`` x 12 documents."""
    shutil.copytree(ROOT / "locales", where / "locales")
    for n in range(1, copies + 1):
        note = f"{SAMPLE}-{n:02d}"
        shutil.copytree(ROOT / "content" / SAMPLE, where / "content" / note)
        for catalog in [*(where / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"), where / "locales" / f"{SAMPLE}.pot"]:
            shutil.copyfile(catalog, catalog.with_name(note + catalog.suffix))
    for catalog in [*(where / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"), where / "locales" / f"{SAMPLE}.pot"]:
        catalog.unlink()
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


# The translation memory: an office's archive ---------------------------------------------------------

MEMORY_NOTES, MEMORY_UNITS = 500, 60
MEMORY_TARGETS = ("ar", "es", "fr", "ru", "zh")
def _vocabulary(random) -> tuple[list[str], list[float]]:
    """Words as an office writes them: the sample note's own, then 5,000 made-up ones, in
    Zipf's proportions (the n-th most frequent word 1/n as frequent as the first), as any
    English text has them."""
    text = (ROOT / "content" / SAMPLE / "note.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    found = Counter(re.findall(r"[A-Za-z][a-z-]+", text))
    made = ["".join(random.choice("bcdfglmnprstv") + random.choice("aeiou") for _ in range(random.randint(2, 4)))
            for _ in range(5000)]
    words = [word for word, _ in found.most_common()] + made
    return words, [1 / rank for rank in range(1, len(words) + 1)]


def _sentence(random, vocabulary: tuple[list[str], list[float]], length: int) -> str:
    return " ".join(random.choices(vocabulary[0], vocabulary[1], k=length)).capitalize() + "."


def _po(note: str, lang: str, pairs: list[tuple[str, str]]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    head = (f'# {lang} translation of conceptnotes {note}.\n#\nmsgid ""\nmsgstr ""\n'
            f'"Project-Id-Version: conceptnotes {note} 1\\n"\n"Language: {lang}\\n"\n'
            '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n\n')
    return head + "".join(f"#. paragraph\nmsgid {quoted(s)}\nmsgstr {quoted(t)}\n\n" for s, t in pairs)


def memory_project(where: Path) -> Path:
    """An office's archive: 500 notes' catalogs of 60 units each in five languages (a third of
    each note's units are the office's standard paragraphs, shared among notes), and a new
    note of 60 units: 20 standard paragraphs, 20 of them with one word changed, 20 its own."""
    import random as randomness

    random = randomness.Random(22)
    words = _vocabulary(random)
    standard = [_sentence(random, words, random.randint(12, 40)) for _ in range(300)]
    for n in range(MEMORY_NOTES):
        units = random.sample(standard, 20) + [_sentence(random, words, random.randint(3, 45)) for _ in range(40)]
        for lang in MEMORY_TARGETS:
            folder = where / "locales" / lang / "LC_MESSAGES"
            folder.mkdir(parents=True, exist_ok=True)
            pairs = [(unit, f"[{lang}] {unit[::-1]}") for unit in units]  # a stand-in for a translation
            (folder / f"archive-{n:03d}.po").write_text(_po(f"archive-{n:03d}", lang, pairs), encoding="utf-8")
    shared = random.sample(standard, 40)
    changed = [" ".join(random.choice(words[0]) if i == 3 else w for i, w in enumerate(s.split())) for s in shared[20:]]
    own = [_sentence(random, words, random.randint(3, 45)) for _ in range(20)]
    body = "".join(f"{text}\n\n" for text in shared[:20] + changed + own)
    folder = where / "content" / "new-note"
    folder.mkdir(parents=True)
    front = TABLE_NOTE.split("---\n")[1].replace("languages: [en]", "languages: [ar, en, es, fr, ru, zh]")
    (folder / "note.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return where
