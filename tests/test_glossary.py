"""The project glossary (``locales/glossary.tbx``): the check of each translation against
it, the terms beside a unit in the workbench and in XLIFF, and the starter set's sources.

The tests that change a catalog work on a copy of the test root ``official`` (the
sample's first page in six languages) given the checkout's glossary; the sample itself
is only read.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from conceptnotes.i18n import catalogs, glossary
from tests.conftest import ROOT, run_in, running_server, sample_project

GLOSSARY = ROOT / "locales" / "glossary.tbx"
FR_PO = "locales/fr/LC_MESSAGES/official.po"
PARAGRAPH = 'msgid "This High-Level International Conference follows up'
RIGHT, WRONG = "issus des États Membres,", "issus des pays membres,"
MESSAGE = ("the source has the glossary term 'Member States', but the translation does not have its French"
           " term 'États Membres' (locales/glossary.tbx:")


@pytest.fixture
def project(root) -> Path:
    project = root("official")
    shutil.copyfile(GLOSSARY, project / "locales" / "glossary.tbx")
    return project


def line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, text in enumerate(lines, 1) if text.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# The check ------------------------------------------------------------------------------------------------


def test_the_sample_checks_strict_with_its_glossary_without_a_false_alarm():
    """The sample's five catalogs hold every term of their sources: no warning, strict passes
    (in each language, 20 units hold a term, 28 terms in all)."""
    result = run_in(ROOT, "check", "--strict", "content/malaga-2022")
    assert result.returncode == 0, result.stderr
    assert "glossary" not in result.stderr
    from conceptnotes.serve.workbench import unit_views

    for lang in ("ar", "es", "fr", "ru", "zh"):
        views = [view for view in unit_views(ROOT / "content" / "malaga-2022", lang) if view.terms]
        assert (len(views), sum(len(view.terms) for view in views)) == (20, 28), lang
        assert all(found for view in views for _, _, found in view.terms), lang


def test_a_wrong_term_warns_at_its_po_line_and_fails_strict(project):
    po = project / FR_PO
    replace(po, RIGHT, WRONG)
    line = line_of(po, PARAGRAPH)
    draft = run_in(project, "check")
    assert draft.returncode == 0, draft.stderr
    assert f"{FR_PO}:{line}: warning: {MESSAGE}" in draft.stderr
    assert draft.stderr.count("glossary term") == 1  # the other languages and units are right
    strict = run_in(project, "check", "--strict")
    assert strict.returncode == 1
    assert f"{FR_PO}:{line}: {MESSAGE}" in strict.stderr


def test_the_term_ok_flag_silences_the_entry(project):
    po = project / FR_PO
    replace(po, RIGHT, WRONG)
    replace(po, PARAGRAPH, "#, term-ok\n" + PARAGRAPH)
    strict = run_in(project, "check", "--strict")
    assert strict.returncode == 0, strict.stderr
    assert "glossary" not in strict.stderr
    assert run_in(project, "i18n", "update").returncode == 0  # the flag is kept, as other flags are
    assert re.search(r'#, term-ok\nmsgid "("\n")?This High-Level', po.read_text(encoding="utf-8"))


def test_a_front_matter_text_is_checked_too(project):
    po = project / "locales/ru/LC_MESSAGES/official.po"
    entry = 'msgid "United Nations Office of Counter-Terrorism"\nmsgstr "Контртеррористическое управление ООН"'
    replace(po, entry, entry.replace("Контртеррористическое управление", "Управление по борьбе с терроризмом"))
    line = line_of(po, 'msgid "United Nations Office of Counter-Terrorism"')
    draft = run_in(project, "check")
    assert (f"locales/ru/LC_MESSAGES/official.po:{line}: warning: the source has the glossary term"
            " 'United Nations Office of Counter-Terrorism', but the translation does not have its Russian term"
            " 'Контртеррористическое управление ООН' (or 'Контртеррористическим управлением ООН')") in draft.stderr


def test_a_glossary_that_is_not_tbx_is_refused_at_its_line(project):
    (project / "locales" / "glossary.tbx").write_text("<martif>\n<text><body>\n</martif>\n", encoding="utf-8")
    result = run_in(project, "check")
    assert result.returncode == 1
    assert re.search(r"locales/glossary\.tbx:\d+: the glossary is not well-formed XML", result.stderr)
    assert result.stderr.count("not well-formed") == 1  # read for five languages, told once


def test_the_glossary_is_an_input_of_each_translation():
    """A changed glossary checks a translation again: it is in the quick key of every
    language but the source's."""
    from conceptnotes.build.manifest import inputs_of
    from conceptnotes.read.loader import load_note

    note = load_note(ROOT / "content" / "malaga-2022", body=False)[0]
    templates = ROOT / "templates" / "concept-note"
    assert any(name.endswith("locales/glossary.tbx") for name in inputs_of(note, "fr", templates))
    assert not any(name.endswith("glossary.tbx") for name in inputs_of(note, "en", templates))


@pytest.mark.parametrize(("source", "translation", "lang", "warned"), [
    ("Member States and observers", "les États Membres et observateurs", "fr", False),
    ("MEMBER STATES", "les états membres", "fr", False),  # case
    ("Member Statesmen", "les hommes d'État", "fr", False),  # not the term: a longer word
    ("Member States", "des pays membres", "fr", True),
    ("civil society", "والمجتمع المدني", "ar", False),  # a conjunction written onto the word
    ("civil society", "في سياق مكافحة الإرهاب", "ar", True),
    ("Member States", "会员国、联合国系统", "zh", False),  # no spaces in Chinese
    ("human rights defenders", "defensores de los derechos humanos", "es", False),
    ("human rights defenders", "défenseurs des droits de l\u2019homme", "fr", False),  # apostrophe ’
    ("human rights defenders", "правозащитников", "ru", False),  # a variant: the genitive
])
def test_the_matching_rule(source, translation, lang, warned):
    terms = glossary.parse(GLOSSARY.read_bytes(), GLOSSARY)
    assert bool(glossary.missing(terms, source, translation, "en", lang)) is warned


def test_the_guide_s_example_is_what_check_says(tmp_path):
    """docs/guide-translating.md shows the warning of a wrong French term in the sample: the
    same edit of a copy of the sample makes ``check`` say exactly that."""
    guide = (ROOT / "docs" / "guide-translating.md").read_text(encoding="utf-8")
    said = re.search(r"^```text\n(.*glossary term.*)\n```", guide, re.M)[1]
    project = sample_project(tmp_path)
    replace(project / "locales/fr/LC_MESSAGES/malaga-2022.po", "des États Membres, représentés",
            "des pays membres, représentés")
    result = run_in(project, "check")
    assert result.returncode == 0
    assert said in result.stderr.splitlines()


# Workbench and XLIFF ----------------------------------------------------------------------------------


def test_the_workbench_shows_the_unit_s_terms(project, browser, tmp_path):
    """The API gives each unit its terms (the term, the language's forms, whether the saved
    translation has one); the page lists them beside the unit, a missing one marked."""
    replace(project / FR_PO, RIGHT, WRONG)
    with running_server(project) as url:
        with urllib.request.urlopen(url + "api/units/official/fr?show=all", timeout=60) as response:
            units = json.loads(response.read())["units"]
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "translate/official/fr?show=all")
        card = page.locator("#units .unit", has_text="This High-Level International Conference follows up")
        card.locator(".unit-terms li").first.wait_for()
        shown = [" ".join(text.split()) for text in card.locator(".unit-terms li").all_inner_texts()]
        missing = card.locator(".unit-terms li.term-missing").all_inner_texts()
        card.scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / "glossary-workbench.png")
        page.close()
    paragraph = next(unit for unit in units if unit["msgid"].startswith("This High-Level"))
    terms = {term: (forms, found) for term, forms, found in paragraph["terms"]}
    assert terms["Member States"] == (["États Membres"], False)  # the translation lacks it
    assert terms["human rights defenders"] == (["défenseurs des droits de l'homme"], True)
    assert set(terms) == {"United Nations Office of Counter-Terrorism", "Member States", "civil society",
                          "United Nations Global Counter-Terrorism Coordination Compact", "human rights defenders"}
    assert next(unit for unit in units if unit["msgid"] == "Background")["terms"] == []
    assert "Glossary “human rights defenders” → défenseurs des droits de l'homme" in shown
    assert [" ".join(text.split()) for text in missing] == [
        "Glossary “Member States” → États Membres — not in the translation"]


def test_the_xliff_export_carries_the_terms_and_imports_unchanged(project):
    out = project / "ru.xlf"
    assert run_in(project, "i18n", "export", "--xliff", "ru", "--out", str(out)).returncode == 0
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = etree.parse(str(out))
    unit = next(u for u in tree.iterfind(".//x:trans-unit", ns)
                if "".join(u.find("x:source", ns).itertext()).startswith("To underscore"))
    notes = [n.text for n in unit.iterfind("x:note", ns) if n.get("from") == "glossary"]
    assert notes == ["civil society = гражданского общества (also: гражданскому обществу, гражданским обществом)",
                     "human rights defenders = правозащитники (also: правозащитников)"]
    before = (project / "locales/ru/LC_MESSAGES/official.po").read_bytes()
    result = run_in(project, "i18n", "import", str(out))
    assert result.returncode == 0, result.stderr
    assert (project / "locales/ru/LC_MESSAGES/official.po").read_bytes() == before


# The starter set --------------------------------------------------------------------------------------


SOURCE = re.compile(r"(?P<path>locales/\S+\.pot?):(?P<line>\d+): (?P<what>msgid|msgstr of msgid) (?P<quote>\".*\")"
                    r"(?P<more>\u2026?)")


def test_every_term_names_the_catalog_entry_it_is_quoted_from():
    """Each form of each term is in the catalog entry its ``<admin type="source">`` names
    (path, line, msgid), a reviewed translation, whose text is the form's context."""
    tree = etree.parse(str(GLOSSARY))
    tigs = tree.findall(".//tig")
    assert len(tigs) >= 36  # six terms in six languages, and variants
    for tig in tigs:
        lang = tig.getparent().get("{http://www.w3.org/XML/1998/namespace}lang")
        form, context = tig.findtext("term"), tig.findtext("descrip[@type='context']")
        said = SOURCE.fullmatch(tig.findtext("admin[@type='source']"))
        assert said, tig.findtext("admin[@type='source']")
        path = ROOT / said["path"]
        catalog = catalogs.load(path, None if path.suffix == ".pot" else lang)
        start = json.loads(said["quote"])
        message = next(m for m in catalog if isinstance(m.id, str) and m.id.startswith(start))
        assert message.lineno == int(said["line"]) and (message.id == start) != bool(said["more"])
        text = message.id if said["what"] == "msgid" else message.string
        assert lang == ("en" if said["what"] == "msgid" else path.parts[-3])
        assert said["what"] == "msgid" or catalogs.state(catalog, message.id)[0] == "translated"
        assert form in text and context == text


def test_translate_toolkit_reads_the_glossary():
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(GLOSSARY.read_bytes())
    assert len(store.units) == 6
    for unit in store.units:
        for lang in ("en", "ar", "es", "fr", "ru", "zh"):
            assert unit.get_target_terms(lang), (unit.getid(), lang)
    member_states = next(unit for unit in store.units if unit.getid() == "member-states")
    assert [term.text for term in member_states.get_target_terms("fr")] == ["États Membres"]
