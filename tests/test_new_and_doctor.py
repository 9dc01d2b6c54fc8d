"""``build.py new`` (a note to fill in, and its catalogs) and ``build.py doctor`` (what this
machine has of what a build needs), driven through the CLI as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conceptnotes import doctor, fonts
from conceptnotes.read.frontmatter import PLACEHOLDER_DAY, read_meta
from tests.conftest import ROOT, build_in, need

NOTE = "content/un-meeting-2027/note.md"
# What a draft 'check' says of a new note: each value and section left TODO, at its line.
PLACEHOLDERS = [
    "4: warning: still TODO ('title'): write the title of the event",
    "9: warning: still TODO ('event.start'): write the first day of the event, YYYY-MM-DD",
    "10: warning: still TODO ('event.end'): write the last day of the event, YYYY-MM-DD",
    "11: warning: still TODO ('event.city'): write the city where the event takes place",
    "12: warning: still TODO ('event.country'): write the ISO 3166-1 alpha-2 code of the host country, such as ES",
    "15: warning: still TODO ('organizers'): write an organizer (an office or a Government)",
    "20: warning: still TODO ('contacts.name'): write the name of the contact point (an office or a post)",
    "32: warning: still TODO ('Set out the context of the event: the mandates an…'): write the text it asks for",
    "36: warning: still TODO ('List the objectives of the event as a numbered li…'): write the text it asks for",
    "40: warning: still TODO ('List the concrete results expected from the event…'): write the text it asks for",
    "44: warning: still TODO ('Describe the dates, venue and structure of the ev…'): write the text it asks for",
    "48: warning: still TODO ('Indicate who is invited to take part (Member Stat…'): write the text it asks for",
    "52: warning: still TODO ('List the documents prepared for the event and sta…'): write the text it asks for",
    "56: warning: still TODO ('Name the office to which enquiries may be address…'): write the text it asks for",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project: no notes, and the labels' catalogs of the checkout in its locales/."""
    folder = tmp_path / "project"
    (folder / "content").mkdir(parents=True)
    shutil.copyfile(ROOT / "locales" / "messages.pot", _made(folder / "locales" / "messages.pot"))
    for labels in (ROOT / "locales").glob("*/LC_MESSAGES/messages.po"):
        shutil.copyfile(labels, _made(folder / labels.relative_to(ROOT)))
    return folder


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# new ---------------------------------------------------------------------------------------------


def test_new_note_checks_with_a_warning_at_each_placeholder(project, capsys):
    assert build_in(project, "new", "un-meeting-2027") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"wrote {NOTE}",
        "wrote locales/un-meeting-2027.pot",
        "unchanged locales/messages.pot",
        "next: fill in each TODO, then run '.venv/bin/python build.py check'",
    ]
    text = (project / NOTE).read_text(encoding="utf-8")
    assert "  start: TODO  # required: first day, YYYY-MM-DD\n" in text
    for heading in ("Background", "Objectives", "Expected outcomes", "Format", "Participants", "Documentation",
                    "Contact"):
        assert f"\n# {heading}\n\nTODO: " in text

    assert build_in(project, "check") == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"{NOTE}:{line}" for line in PLACEHOLDERS]
    assert out == "checked 1 note(s) in 1 language version(s): no problems\n"

    # strict: the same lines, as errors
    assert build_in(project, "check", "--strict") == 1
    assert capsys.readouterr().err.splitlines() == [
        *(f"{NOTE}:{line.replace('warning: ', '')}" for line in PLACEHOLDERS),
        "failed: 14 problems; nothing was written",
    ]


def test_every_field_of_the_front_matter_is_in_a_new_note(project):
    """Each key of docs/content-format.md is written, set or commented out, with its explanation."""
    assert build_in(project, "new", "un-meeting-2027") == 0
    text = (project / NOTE).read_text(encoding="utf-8")
    keys = ["title", "subtitle", "languages", "source_language", "event", "start", "end", "city", "country", "venue",
            "organizers", "distribution", "symbol", "date", "contacts", "name", "email", "url", "phone", "keywords",
            "file_name", "job_numbers", "numbered_paragraphs"]
    for key in keys:
        line = next(line for line in text.splitlines() if line.lstrip("# -").startswith(f"{key}:"))
        assert "  # required" in line or "  # optional" in line, line


def test_a_filled_in_new_note_checks_strictly_without_a_word(project, capsys):
    assert build_in(project, "new", "un-meeting-2027") == 0
    note = project / NOTE
    text = note.read_text(encoding="utf-8")
    for old, new in [("title: TODO", "title: Regional Workshop"), ("start: TODO", "start: 2027-03-01"),
                     ("end: TODO", "end: 2027-03-02"), ("city: TODO", "city: Nairobi"), ("country: TODO", "country: KE"),
                     ("  - TODO", "  - United Nations Office at Nairobi"), ("name: TODO", "name: Secretariat")]:
        text = text.replace(old, new, 1)
    note.write_text(text.replace("TODO: ", ""), encoding="utf-8")
    capsys.readouterr()
    assert build_in(project, "check", "--strict") == 0
    assert capsys.readouterr().err == ""


def test_new_note_in_several_languages_has_catalogs_msgfmt_accepts(project, capsys):
    assert build_in(project, "new", "un-meeting-2027", "--lang", "zh,en,fr,ar") == 0
    out = capsys.readouterr().out.splitlines()
    catalogs = [project / "locales" / lang / "LC_MESSAGES" / "un-meeting-2027.po" for lang in ("ar", "fr", "zh")]
    for catalog in catalogs:
        assert f"wrote {catalog.relative_to(project)}" in out
    text = (project / NOTE).read_text(encoding="utf-8")
    assert "languages: [ar, en, fr, zh]  # required" in text
    assert "source_language: en  # optional" in text
    msgfmt = need("msgfmt")
    for catalog in [project / "locales" / "un-meeting-2027.pot", *catalogs]:
        result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(catalog)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert '\nmsgid "Background"\n' in catalogs[0].read_text(encoding="utf-8")
    # the catalogs are up to date, as i18n extract and update would leave them
    assert build_in(project, "i18n", "update", "--check") == 0


def test_a_new_note_builds_in_a_draft_and_not_in_a_strict_build(project, capsys):
    assert build_in(project, "new", "un-meeting-2027") == 0
    capsys.readouterr()
    assert build_in(project, "build", "--jobs", "1") == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{NOTE}:{line}" for line in PLACEHOLDERS]
    output = project / "output" / "un-meeting-2027"
    assert (output / "un-meeting-2027.en.pdf").is_file() and (output / "un-meeting-2027.en.docx").is_file()
    text = subprocess.run([need("pdftotext"), str(output / "un-meeting-2027.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "TODO, TODO, 1 January 2100" in text  # the draft shows what is left to fill in

    assert build_in(project, "build", "--jobs", "1", "--strict") == 1
    assert capsys.readouterr().err.splitlines()[-1] == "failed: 14 problems; nothing was written"


@pytest.mark.parametrize("note_id", ["Meeting", "un_meeting", "un.meeting", "-meeting", "meeting-", "un--meeting",
                                     "réunion", "a/b", "x" * 101])
def test_new_refuses_an_id_that_is_not_a_slug(project, capsys, note_id):
    before = _files(project)
    assert build_in(project, "new", "--", note_id) == 2
    assert capsys.readouterr().err == (
        f"error: new: '{note_id}' is not a note id: use lower-case letters, digits and single hyphens"
        " (such as malaga-2022), at most 100 characters\n"
    )
    assert _files(project) == before


def test_new_refuses_an_id_that_exists(project, capsys):
    assert build_in(project, "new", "un-meeting-2027") == 0
    (project / NOTE).write_text("mine", encoding="utf-8")
    before = _files(project)
    capsys.readouterr()
    assert build_in(project, "new", "un-meeting-2027") == 2
    assert capsys.readouterr().err == (
        "error: new: content/un-meeting-2027 already exists: choose another id, or edit that note\n"
    )
    assert (project / NOTE).read_text(encoding="utf-8") == "mine"
    assert _files(project) == before


def test_new_refuses_an_id_whose_catalogs_exist(project, capsys):
    (project / "locales" / "old-note.pot").write_text("", encoding="utf-8")
    before = _files(project)
    assert build_in(project, "new", "old-note") == 2
    assert capsys.readouterr().err == (
        "error: new: locales/old-note.pot already exists (catalogs of an earlier note 'old-note'):"
        " choose another id, or remove that note's catalogs first\n"
    )
    assert _files(project) == before


@pytest.mark.parametrize(("langs", "said"), [("en,de", "de"), ("en,en", "")])
def test_new_refuses_unknown_or_repeated_languages(project, capsys, langs, said):
    before = _files(project)
    assert build_in(project, "new", "un-meeting-2027", "--lang", langs) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: new: --lang ")
    assert f"not '{said}'" in err if said else "names a language twice" in err
    assert _files(project) == before


# TODO in the front matter ------------------------------------------------------------------------


def _front(**values: str) -> str:
    fields = {"title": "T", "languages": "[en]", "start": "2022-05-10", "end": "2022-05-11", "city": "Geneva",
              "country": "CH"} | values
    return (f"title: {fields['title']}\nlanguages: {fields['languages']}\nevent:\n  start: {fields['start']}\n"
            f"  end: {fields['end']}\n  city: {fields['city']}\n  country: {fields['country']}\n"
            + "".join(f"{k}: {v}\n" for k, v in values.items() if k not in fields or k == "date"))


def test_a_date_left_todo_is_shown_as_the_other_one():
    assert read_meta(_front(start="TODO"), Path("note.md"), 2).event.start.isoformat() == "2022-05-11"
    assert read_meta(_front(end="TODO"), Path("note.md"), 2).event.end.isoformat() == "2022-05-10"
    both = read_meta(_front(start="TODO", end="TODO"), Path("note.md"), 2).event
    assert both.start == both.end == PLACEHOLDER_DAY
    assert read_meta(_front(date="TODO"), Path("note.md"), 2).date is None


def test_todo_where_a_choice_is_needed_is_the_usual_error():
    from conceptnotes.errors import NoteError

    with pytest.raises(NoteError) as caught:
        read_meta(_front(languages="TODO"), Path("note.md"), 2)
    assert [p.message for p in caught.value.problems] == [
        "'languages' must be one of ar, en, es, fr, ru, zh, not 'TODO'"
    ]


# doctor ------------------------------------------------------------------------------------------


def test_doctor_on_this_machine(project, capsys):
    assert build_in(project, "doctor") == 0
    out = capsys.readouterr().out.splitlines()
    for family, package in doctor.FONT_PACKAGES.items():
        (line,) = [line for line in out if f" font {family} " in line]
        assert line.startswith("ok ") and f"(Debian package {package})" in line
    names = [line[9:33].strip() for line in out[:-1]]
    assert names[:3] == ["Pango", "HarfBuzz", "HarfBuzz subsetter"]
    assert {"msgfmt", "pdftoppm", "pdftotext", "soffice", "chromium", "python packages", "output folder", "cache folder"} <= set(names)
    assert out[-1] == "doctor: everything a build needs is here"
    (arabic,) = [line for line in out if "font Noto Naskh Arabic" in line]
    assert "covers Arabic;" in arabic


def test_doctor_names_the_package_of_a_missing_font(project, capsys, monkeypatch):
    config = fonts.font_set()
    families = dict(config["families"])
    families["Noto Serif CJK SC"] = {"regular": ["/nonexistent/NotoSerifCJK-Regular.ttc", 2]}
    monkeypatch.setattr(fonts, "font_set", lambda: config | {"families": families})
    assert build_in(project, "doctor") == 1
    out = capsys.readouterr().out.splitlines()
    (line,) = [line for line in out if "font Noto Serif CJK SC" in line]
    assert line.startswith("MISSING  font Noto Serif CJK SC ")
    assert line.endswith("missing /nonexistent/NotoSerifCJK-Regular.ttc (Debian package fonts-noto-cjk);"
                         " fix: apt-get install fonts-noto-cjk=1:20220127+repack1-1 (or make)".replace(
                             "apt-get", "apt-get" if os.geteuid() == 0 else "sudo apt-get"))
    assert out[-1] == "doctor: 1 thing a build needs is missing or wrong: run the fix above"


def test_doctor_names_a_python_package_off_its_pin(project, capsys, monkeypatch):
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version", lambda name: "69.0" if name == "weasyprint" else real(name))
    assert build_in(project, "doctor") == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if " python weasyprint " in line]
    assert line.startswith("MISSING  python weasyprint ")
    assert line.endswith("  69.0 installed; requirements.txt pins 70.0;"
                         " fix: .venv/bin/pip install -r requirements.txt (or make)")
    assert "python packages" not in out


def test_doctor_tells_of_missing_test_tools_as_notes(project, capsys, monkeypatch):
    which = shutil.which
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None if name in ("chromium", "soffice") else which(name))
    assert build_in(project, "doctor") == 0
    out = capsys.readouterr().out
    assert "note     chromium                chromium is missing (chromium): the browser the preview's tests drive;" \
           " fix: " in out
    assert "(or make test)\n" in out
    assert out.endswith("doctor: everything a build needs is here\n")


def test_doctor_says_when_the_output_folder_is_a_file(project, capsys):
    (project / "output").write_text("not a folder", encoding="utf-8")
    assert build_in(project, "doctor") == 1
    out = capsys.readouterr().out
    assert ("MISSING  output folder           output: output is a file, not a folder;"
            " fix: build with --out DIR, a folder you can write\n") in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder: the 'output is a file' case stands in")
def test_doctor_says_when_the_output_folder_is_read_only(project, capsys):
    (project / "output").mkdir()
    (project / "output").chmod(0o500)
    try:
        assert build_in(project, "doctor") == 1
    finally:
        (project / "output").chmod(0o700)
    assert "MISSING  output folder           output: cannot write in output (Permission denied)" in capsys.readouterr().out


def test_doctor_says_when_a_font_lacks_its_languages_script(project, capsys, monkeypatch):
    config = fonts.font_set()
    latin = config["families"]["Liberation Serif"]["regular"]
    families = dict(config["families"]) | {"Noto Naskh Arabic": {"regular": latin}}
    monkeypatch.setattr(fonts, "font_set", lambda: config | {"families": families})
    assert build_in(project, "doctor") == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "font Noto Naskh Arabic" in line]
    assert line.startswith("MISSING  font Noto Naskh Arabic ")
    assert "1 font file, covers Latin, Cyrillic, Greek; for ar (Debian package fonts-noto-core); lacks Arabic;" \
           " fix: " in line
    assert "apt-get install fonts-noto-core=20201225-1 (or make)" in line
