"""``check`` after a build: a document whose inputs are those the build checked is told as
that check found it, without being read or localized again (issue 25); anything changed is
checked as ever."""

from __future__ import annotations

import contextlib
import json
import re
import shutil

import pytest

from conceptnotes.build import verdicts
from conceptnotes.build.pipeline import templates_of
from conceptnotes.i18n import localize as localize_module
from conceptnotes.project import cache_root
from conceptnotes.read import loader
from conceptnotes.render import formats

from .conftest import ROOT, copy_root, note_of, run_in

ROOTS = ["figures", "official", "translated", "lists", "egm-cross-month"]

# warnings of every source: reading the note (a letter typed as a list marker), and
# localizing it (a French unit left untranslated)
WARNED_BODY = "\n\nThe conference will:\n\na. hear the Secretary-General;\nb. adopt its report.\n"


@pytest.fixture
def counted(monkeypatch):
    """What the check does again: the notes it parses and the documents it localizes."""
    done: dict[str, list] = {"parsed": [], "localized": []}
    localize, load_note = localize_module.localize, loader.load_note
    monkeypatch.setattr(localize_module, "localize",
                        lambda note, lang: done["localized"].append(lang) or localize(note, lang))

    def load(folder, *, body=True, data=None):
        if body:
            done["parsed"].append(folder.name)
        return load_note(folder, body=body, data=data)

    monkeypatch.setattr(loader, "load_note", load)
    monkeypatch.setattr("conceptnotes.build.pipeline.load_note", load)
    return done


def _warned(project):
    note = next((project / "content").glob("*/note.md"))
    note.write_text(note.read_text(encoding="utf-8") + WARNED_BODY, encoding="utf-8")
    po = next((project / "locales" / "fr" / "LC_MESSAGES").glob("translated.po"))
    text = po.read_text(encoding="utf-8")
    first = re.search(r'\nmsgid "(?!")[^\n]*\nmsgstr "([^"]+)"', text)
    po.write_text(text.replace(first.group(0), first.group(0).rsplit("msgstr", 1)[0] + 'msgstr ""', 1),
                  encoding="utf-8")


@pytest.mark.parametrize("name", ROOTS)
def test_check_after_a_build_says_what_a_full_check_says_without_reading_again(tmp_path, counted, name):
    project = copy_root(name, tmp_path)
    if name == "translated":
        _warned(project)
    before = run_in(project, "check")
    assert before.returncode == 0, before.stderr
    if name == "translated":
        assert before.stderr.count("warning:") >= 2, before.stderr  # the list marker and the untranslated unit
    assert run_in(project, "build", "--jobs", "1").returncode == 0
    counted["parsed"].clear(), counted["localized"].clear()
    after = run_in(project, "check")
    assert (after.returncode, after.stdout, after.stderr) == (before.returncode, before.stdout, before.stderr)
    assert counted == {"parsed": [], "localized": []}
    strict = run_in(project, "check", "--strict")
    assert strict.returncode == (1 if "warning:" in before.stderr else 0)


def test_a_changed_catalog_is_checked_again_and_only_its_language(tmp_path, counted):
    project = copy_root("official", tmp_path)
    assert run_in(project, "build", "--jobs", "1").returncode == 0
    po = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    text = po.read_text(encoding="utf-8")
    first = re.search(r'\nmsgstr "([^"]+)"', text)
    po.write_text(text.replace(first.group(0), f'\nmsgstr "{first.group(1)}\u202e"', 1), encoding="utf-8")
    counted["localized"].clear()
    result = run_in(project, "check")
    assert result.returncode == 1 and "locales/fr/LC_MESSAGES/official.po:" in result.stderr
    assert counted["localized"] == ["fr"]


def test_a_changed_note_is_read_and_checked_again(tmp_path, counted):
    project = copy_root("official", tmp_path)
    assert run_in(project, "build", "--jobs", "1").returncode == 0
    note = project / "content" / "official" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("end:", "end: 2020-01-01\nold_end:", 1), encoding="utf-8")
    counted["localized"].clear()
    result = run_in(project, "check")
    assert result.returncode == 1 and "content/official/note.md:" in result.stderr


def test_a_damaged_verdict_is_checked_as_ever(tmp_path, counted):
    project = copy_root("official", tmp_path)
    assert run_in(project, "build", "--jobs", "1").returncode == 0
    note = note_of(project)
    with contextlib.chdir(project):  # inputs are named relative to the working folder
        damaged = verdicts.key(note, "ru", templates_of(note), formats.NAMES, remember=False)
    (cache_root() / "checked" / f"{damaged}.json").write_text(json.dumps({"read": "no"}), encoding="utf-8")
    counted["localized"].clear()
    result = run_in(project, "check")
    assert result.returncode == 0, result.stderr
    assert counted["localized"] == ["ru"]


def test_a_build_of_the_pdf_alone_keeps_no_verdict_check_could_misread(tmp_path, counted):
    project = copy_root("official", tmp_path)
    assert run_in(project, "build", "--jobs", "1", "--format", "pdf", "--lang", "en").returncode == 0
    counted["localized"].clear()
    assert run_in(project, "check").returncode == 0
    assert sorted(counted["localized"]) == ["ar", "en", "es", "fr", "ru", "zh"]  # the DOCX's rules were never checked


def test_a_copy_of_a_built_project_is_checked_as_its_own(tmp_path, counted):
    built, copy = copy_root("figures", tmp_path / "a"), copy_root("figures", tmp_path / "b")
    assert run_in(built, "build", "--jobs", "1").returncode == 0
    counted["localized"].clear()
    result = run_in(copy, "check")
    assert sorted(counted["localized"]) == ["ar", "en", "zh"]  # the same inputs, but another project
    assert "warning: no catalog for 'ar'" in result.stderr and str(tmp_path / "a") not in result.stderr


def test_the_stylesheets_urls_are_parsed_again_only_when_a_template_file_changed(tmp_path, monkeypatch):
    """The build keeps the verdict on the templates' ``url()``s (tinycss2's import and parse,
    0.02 s of a ``check``); a changed stylesheet is parsed again, and its url refused."""
    from conceptnotes.build import validate

    project = copy_root("table", tmp_path)
    templates = project / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    parsed, real = [], validate.url_problems
    monkeypatch.setattr(validate, "url_problems", lambda folder, texts: parsed.append(folder) or real(folder, texts))
    assert run_in(project, "build", "--format", "docx").returncode == 0
    assert parsed == [templates]
    assert run_in(project, "check").returncode == 0
    assert parsed == [templates]  # the build's verdict
    css = templates / "note.css"
    css.write_text(css.read_text(encoding="utf-8") + "body { background: url(../../../x.png); }\n", encoding="utf-8")
    done = run_in(project, "check")
    assert done.returncode == 1
    assert "template error: url(../../../x.png) is outside the template folder" in done.stderr
    assert parsed == [templates, templates]
