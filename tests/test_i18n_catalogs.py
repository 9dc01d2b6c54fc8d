"""Catalogs as translators meet them: what is a unit, what ``i18n status`` counts, how
catalogs are written, and a draft build with one broken catalog.

Each test works on a small English and French project in tmp_path (``content/<id>``,
``locales/``, the checkout's French labels) and runs ``build.py`` there, as a user would
(in-process: ``run_in``; the commands' own processes are tested in test_cli.py and
test_guides.py).  The tests of the committed catalogs copy the sample, whose catalogs they are.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from conceptnotes.languages import CODES, DEFAULT_SOURCE

from .conftest import ROOT, run_in, write_note

NOTE_ID = "programme"
FRONT = """\
title: Regional Workshop on Preventing Violent Extremism
subtitle: Concept note
languages: [en, fr]
event:
  start: 2023-11-07
  end: 2023-11-08
  city: Dakar
  country: SN
organizers:
  - United Nations Office of Counter-Terrorism
"""
# A programme as UN meetings lay it out: the day only on the first row of each day
PROGRAMME = """\
# Programme

| Day | Time | Session |
|-----|------|---------|
| 7 November | 10:00–10:30 | Opening session |
| | 10:30–12:00 | The United Nations Global Counter-Terrorism Strategy (A/RES/60/288) |
| | 12:00 | https://www.un.org/counterterrorism/ |
| 8 November | 09:30–12:00 | Discussion of document A/76/L.1 |
| | | |

Enquiries: oct-workshop@un.org
"""
NO_LETTERS = ("", "10:00–10:30", "10:30–12:00", "12:00", "09:30–12:00", "https://www.un.org/counterterrorism/")


def make_project(tmp_path: Path, body: str = PROGRAMME) -> Path:
    write_note(tmp_path / "content" / NOTE_ID, body, FRONT)
    labels = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    labels.mkdir(parents=True)
    shutil.copyfile(ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po", labels / "messages.po")
    return tmp_path


def cli(project: Path, *args: str):
    return run_in(project, *args)


def po_path(project: Path, domain: str = NOTE_ID) -> Path:
    return project / "locales" / "fr" / "LC_MESSAGES" / f"{domain}.po"


def translate_all(path: Path) -> None:
    """Give every entry of a catalog a French text (the source behind 'FR ': a stand-in a
    test can find), as a translator who has finished would."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not message.string:
            message.string = f"FR {message.id}"
    with path.open("wb") as handle:
        write_po(handle, catalog)


def status_rows(project: Path) -> dict[tuple[str, str], dict]:
    result = cli(project, "i18n", "status", "--json")
    assert result.returncode == 0, result.stderr
    return {(row["note"], row["language"]): row for row in json.loads(result.stdout)}


# Item 8: nothing without letters is a unit --------------------------------------------------------


def test_cells_without_letters_are_no_units(tmp_path):
    project = make_project(tmp_path)
    assert cli(project, "i18n", "extract").returncode == 0
    assert cli(project, "i18n", "update").returncode == 0
    with (project / "locales" / f"{NOTE_ID}.pot").open("rb") as handle:
        msgids = {message.id for message in read_po(handle) if message.id}
    assert not set(NO_LETTERS) & msgids
    assert "Discussion of document A/76/L.1" in msgids and "Opening session" in msgids
    assert "Enquiries: oct-workshop@un.org" in msgids
    translate_all(po_path(project))
    rows = status_rows(project)
    assert rows[NOTE_ID, "fr"]["percent"] == 100.0 and rows[NOTE_ID, "fr"]["untranslated"] == 0
    result = cli(project, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_build_shows_cells_without_letters_as_they_are(tmp_path):
    from .readback import pdf_text, words

    project = make_project(tmp_path)
    for action in ("extract", "update"):
        assert cli(project, "i18n", action).returncode == 0
    translate_all(po_path(project))
    result = cli(project, "build", "--strict", "--lang", "fr", "--format", "pdf", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    text = pdf_text(project / "output" / NOTE_ID / f"{NOTE_ID}.fr.pdf")
    assert "10:00–10:30" in text and "A/76/L.1" in text
    assert "fr opening session" in " ".join(words(text))


# Item 14: catalogs written as pybabel writes them ----------------------------------------------------


def _sample_project(tmp_path: Path) -> Path:
    project = tmp_path / "sample"
    shutil.copytree(ROOT / "content" / "malaga-2022", project / "content" / "malaga-2022")
    shutil.copytree(ROOT / "locales", project / "locales")
    return project


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_extract_and_update_leave_the_committed_catalogs_unchanged(tmp_path):
    project = _sample_project(tmp_path)
    for action in ("extract", "update"):
        result = cli(project, "i18n", action)
        assert result.returncode == 0, result.stderr
        assert "wrote" not in result.stdout and "updated" not in result.stdout, result.stdout
    assert _files(project / "locales") == _files(ROOT / "locales")


def test_a_changed_unit_keeps_its_previous_source_through_later_updates(tmp_path):
    """``#| msgid`` (what the unit said when it was translated) survives another update, as
    msgmerge keeps it; Babel alone reads it as a comment and writes ``# | msgid``."""
    import polib

    project = _sample_project(tmp_path)
    note = project / "content" / "malaga-2022" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Strategy, in 2023.", "Strategy, in June 2023."),
                    encoding="utf-8")
    for action in ("extract", "update"):
        assert cli(project, "i18n", action).returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"
    first = catalog.read_bytes()
    (entry,) = [e for e in polib.pofile(str(catalog)) if e.fuzzy]
    assert "Strategy, in 2023." in entry.previous_msgid.replace("\n", "") and "June" in entry.msgid
    assert b"# |" not in first
    result = cli(project, "i18n", "update")
    assert "updated locales/fr" not in result.stdout and catalog.read_bytes() == first
    assert cli(project, "i18n", "update", "--check").returncode == 0
    # a catalog whose '#|' an earlier version turned into '# |' comments gets its '#|' back
    with catalog.open("rb") as file:
        babel_alone = read_po(file)
    with catalog.open("wb") as file:
        write_po(file, babel_alone, width=76, sort_output=False, ignore_obsolete=False)
    assert b"# | msgid" in catalog.read_bytes()
    assert "updated locales/fr" in cli(project, "i18n", "update").stdout
    assert catalog.read_bytes() == first


def test_pybabel_update_leaves_the_project_catalogs_unchanged(tmp_path):
    import subprocess
    import sys

    project = _sample_project(tmp_path)
    locales = project / "locales"
    pybabel = Path(sys.executable).parent / "pybabel"
    for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        lang, domain = po.parent.parent.name, po.stem
        subprocess.run([str(pybabel), "update", "-i", str(locales / f"{domain}.pot"), "-d", str(locales),
                        "-D", domain, "-l", lang], check=True, capture_output=True)
    assert _files(locales) == _files(ROOT / "locales")


def test_a_catalog_rewrapped_by_msgcat_still_checks(tmp_path):
    """msgcat (and Poedit) wrap at 79 columns, the Plural-Forms header included: the
    catalog means the same, and the build reads it."""
    import subprocess

    from .conftest import need

    project = _sample_project(tmp_path)
    po = project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"
    subprocess.run([need("msgcat"), "-o", str(po), str(po)], check=True)
    assert po.read_bytes() != (ROOT / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po").read_bytes()
    result = cli(project, "check", "--strict")
    assert result.returncode == 0, result.stderr


# Item 10: status counts the labels -------------------------------------------------------------------

PAGE_OF = "Page {page} of {pages}"


def test_status_counts_the_labels_as_strict_does(tmp_path):
    project = make_project(tmp_path)
    for action in ("extract", "update"):
        assert cli(project, "i18n", action).returncode == 0
    translate_all(po_path(project))
    rows = status_rows(project)
    assert rows["messages", "fr"]["untranslated"] == 0 and rows["messages", "fr"]["percent"] == 100.0
    assert cli(project, "check", "--strict").returncode == 0
    labels = po_path(project, "messages")
    with labels.open("rb") as handle:
        catalog = read_po(handle)
    catalog[PAGE_OF].string = ""
    with labels.open("wb") as handle:
        write_po(handle, catalog)
    rows = status_rows(project)
    assert (rows["messages", "fr"]["untranslated"], rows["messages", "fr"]["fuzzy"]) == (1, 0)
    assert rows["messages", "fr"]["percent"] < 100.0 and rows[NOTE_ID, "fr"]["percent"] == 100.0
    result = cli(project, "check", "--strict")
    assert result.returncode == 1
    assert f"label '{PAGE_OF}' is untranslated" in result.stderr and "messages.po:" in result.stderr


# Item 15: one broken catalog in a draft build ----------------------------------------------------------


def _break_french(project: Path) -> int:
    """An unterminated string in the French catalog; its line."""
    po = project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if line.startswith('msgstr "') and len(line) > 10)
    lines[number] = lines[number].rstrip('"')
    po.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def test_draft_build_writes_the_languages_whose_catalogs_are_sound(tmp_path):
    project = _sample_project(tmp_path)
    line = _break_french(project)
    result = cli(project, "build", "--format", "docx", "--jobs", "1")
    assert result.returncode == 1
    assert f"locales/fr/LC_MESSAGES/malaga-2022.po:{line}: end-of-line within string" in result.stderr
    written = sorted(p.name for p in (project / "output" / "malaga-2022").iterdir())
    assert written == [f"malaga-2022.{lang}.docx" for lang in CODES if lang != "fr"]
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == [f"malaga-2022/{name}" for name in written]
    import docx

    assert docx.Document(str(project / "output" / "malaga-2022" / "malaga-2022.es.docx")).paragraphs


def test_official_and_strict_builds_with_a_broken_catalog_write_nothing(tmp_path):
    project = _sample_project(tmp_path)
    _break_french(project)
    for args in (["official", "--jobs", "1"], ["build", "--strict", "--format", "docx", "--jobs", "1"]):
        result = cli(project, *args)
        assert result.returncode == 1 and "nothing was written" in result.stderr, result.stderr
        assert not (project / "output").exists() or not any((project / "output").rglob("*.docx"))


# Item 12: many warnings are told per catalog, with a count ---------------------------------------------

SPEAKERS = ["Opening remarks", "Keynote address", "Panel discussion", "Interactive dialogue", "Closing remarks"]


def test_many_warnings_are_grouped_per_catalog(tmp_path):
    rows = "".join(f"| {9 + n // 4}:{15 * (n % 4):02d} | {SPEAKERS[n % 5]}, part {n + 1} |\n" for n in range(24))
    project = make_project(tmp_path, f"# Programme\n\n| Time | Session |\n|------|---------|\n{rows}")
    for action in ("extract", "update"):
        assert cli(project, "i18n", action).returncode == 0
    result = cli(project, "check")
    assert result.returncode == 0, result.stderr
    po = "locales/fr/LC_MESSAGES/programme.po"
    units = [line for line in result.stderr.splitlines() if line.startswith(po)]
    assert len(units) == 1, result.stderr
    untranslated = 24 + 2 + 1 + 4  # the sessions, the header cells, the heading; title, subtitle, city, organizer
    assert units[0].startswith(f"{po}: warning: {untranslated} warnings (the first at line ")
    assert units[0].endswith(f": untranslated unit: {untranslated}")


# Item 13: the labels' placeholders explained to translators ---------------------------------------------


def test_every_placeholder_of_a_label_is_explained_in_the_template():
    from conceptnotes import placeholders
    from conceptnotes.i18n import labels

    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    patterns = [label for label in labels.ALL if placeholders.names(label)]
    assert len(patterns) == 6  # page, place, venue, event line, figure, table
    for label in patterns:
        comment = " ".join(template[label].auto_comments)
        assert " becomes " in comment, (label, comment)
        for name in placeholders.names(label):
            assert f"{{{name}}}" in comment, (label, comment)
        assert '"' in comment, (label, comment)  # an example, in quotation marks
    for lang in (code for code in CODES if code != DEFAULT_SOURCE):
        with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        assert all(catalog[label].auto_comments == template[label].auto_comments for label in patterns), lang
