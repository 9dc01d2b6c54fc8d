"""XLIFF as CAT tools and translators give it back (issue 22, "Defects"): whitespace that
pretty-printing adds, a catalog the build would refuse never written and a damaged one
repaired, a unit given twice, line breaks in one-line units, link addresses shown and set
per language, a unit changed since the export, and translate-toolkit's own converters.

Each test works in a copy of the one-page root ``official`` (six languages), French.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import etree

from conceptnotes.i18n import inline_tags as tags

from .conftest import ROOT, build_in, need, running_server

NS = {"x": tags.NS}
NOTE = "content/official"
PO = "locales/fr/LC_MESSAGES/official.po"
XLF = "locales/fr/xliff/official.fr.xlf"
TITLE = "High-Level International Conference on Human Rights, Civil Society and Counter-Terrorism"
TITLE_FR = ("Conférence internationale de haut niveau sur les droits de l'homme, la société civile et la lutte"
            " contre le terrorisme")
CONTACT = "Enquiries concerning the Conference"
ADDRESS = "https://www.un.org/counterterrorism/"
FR_ADDRESS = "https://www.un.org/counterterrorism/fr"


@pytest.fixture
def project(root) -> Path:
    return root("official")


def run(project: Path, *args: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = build_in(project, *args)
    out, err = capsys.readouterr()
    return code, out, err


def export(project: Path, capsys) -> Path:
    code, out, _ = run(project, "i18n", "export", "--xliff", "fr", capsys=capsys)
    assert code == 0, out
    return project / XLF


def unit_of(tree: etree._ElementTree, start: str) -> etree._Element:
    (found,) = [u for u in tree.iter(f"{{{tags.NS}}}trans-unit")
                if "".join(u.find("x:source", NS).itertext()).startswith(start)]
    return found


def set_target(path: Path, start: str, xml: str, **attributes: str) -> int:
    """The target of the unit whose source starts with ``start`` replaced by ``xml``
    (inline XML, whitespace as given); the line of its trans-unit in the file written."""
    tree = etree.parse(str(path))
    unit = unit_of(tree, start)
    target = unit.find("x:target", NS)
    if target is None:
        target = etree.SubElement(unit, f"{{{tags.NS}}}target")
        unit.find("x:source", NS).addnext(target)
    fresh = etree.fromstring(f'<target xmlns="{tags.NS}">{xml}</target>')
    target.text, target[:] = fresh.text, list(fresh)
    for name, value in attributes.items():
        target.set(name, value)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    return unit_of(etree.parse(str(path)), start).sourceline


def entry(project: Path, msgid: str) -> polib.POEntry:
    return polib.pofile(str(project / PO)).find(msgid)


def msgid_line(project: Path, start: str) -> int:
    """The line of the ``msgid`` of the entry whose source starts with ``start``, where the build names it."""
    lines = (project / PO).read_text(encoding="utf-8").split("\n")
    return next(number for number, text in enumerate(lines, start=1) if text.startswith(f'msgid "{start}'))


def check(project: Path, capsys) -> tuple[int, str]:
    code, _, err = run(project, "check", NOTE, capsys=capsys)
    return code, err


# Whitespace, and never a catalog the build refuses ------------------------------------------------


def test_a_target_that_starts_with_a_line_break_is_imported_without_it(project, capsys):
    """``<target>\\n   Texte…\\n  </target>``, as re-indenting writes it: the ends are not text."""
    path = export(project, capsys)
    set_target(path, TITLE, f"\n          {TITLE_FR} (révisé)\n        ")
    code, out, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"updated {PO} (1 translated, 0 fuzzy, ")
    assert entry(project, TITLE).msgstr == f"{TITLE_FR} (révisé)"
    assert check(project, capsys)[0] == 0


def test_a_file_indented_by_lxml_is_imported_as_it_was(project, capsys):
    """``lxml.etree.indent`` puts a line break and spaces before a target's first tag."""
    path = export(project, capsys)
    set_target(path, "The *Virtual Dialogue* took".replace("*", ""),
               '<g id="1" ctype="italic">Dialogue virtuel</g> : les 25 et 26 mai 2021.')
    tree = etree.parse(str(path))
    etree.indent(tree)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    assert re.search(r'<target state="translated">\n\s+<g id="1"', path.read_text(encoding="utf-8"))
    code, out, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"updated {PO} (1 translated, 0 fuzzy, ")
    assert entry(project, "The *Virtual Dialogue* took place on 25 and 26 May 2021.").msgstr == \
        "*Dialogue virtuel* : les 25 et 26 mai 2021."
    assert check(project, capsys)[0] == 0


def test_preserved_whitespace_is_kept_and_a_catalog_the_build_refuses_is_never_written(project, capsys):
    """``xml:space="preserve"`` says the line break is text: then the catalog would be one
    msgfmt refuses, and the import says so at the trans-unit's line, writing nothing."""
    before = (project / PO).read_bytes()
    path = export(project, capsys)
    line = set_target(path, "During the two-day", "\nAu cours des deux journées du"
                      ' <g id="1" ctype="italic">Dialogue virtuel</g>, les participants ont parlé.',
                      **{"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    code, _, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 1
    assert err.splitlines()[0].startswith(f"{XLF}:{line}: msgfmt: ") and "begin with '\\n'" in err
    assert err.splitlines()[-1].startswith(f"failed: nothing was written to {PO}")
    assert (project / PO).read_bytes() == before


def test_importing_a_correct_file_repairs_a_damaged_entry(project, capsys):
    """A catalog damaged as the import wrote it before: ``check`` refuses it; the file
    exported from it, given back unedited, repairs it."""
    po = project / PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Contexte"', 'msgstr ""\n"\\n"\n"   Contexte"'), encoding="utf-8")
    code, err = check(project, capsys)
    assert code == 1 and "msgfmt: 'msgid' and 'msgstr' entries do not both begin with '\\n'" in err
    export(project, capsys)
    code, out, _ = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 0 and out.startswith(f"updated {PO} (1 translated, 0 fuzzy, ")
    assert entry(project, "Background").msgstr == "Contexte"
    assert check(project, capsys)[0] == 0


# A unit twice, and line breaks where a document has one line --------------------------------------


def test_the_same_unit_twice_with_different_targets_is_refused_naming_both_lines(project, capsys):
    before = (project / PO).read_bytes()
    path = export(project, capsys)
    tree = etree.parse(str(path))
    unit = unit_of(tree, "Background")
    copy = etree.fromstring(etree.tostring(unit))
    copy.find("x:target", NS).text = "Historique"
    unit.addnext(copy)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    lines = [u.sourceline for u in etree.parse(str(path)).iter(f"{{{tags.NS}}}trans-unit")
             if u.find("x:source", NS).text == "Background"]
    code, _, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 1
    assert err.splitlines()[0] == (f"{XLF}:{lines[1]}: the unit 'Background' is given twice, at lines {lines[0]}"
                                   f" and {lines[1]}, with different targets: keep one of the two")
    assert (project / PO).read_bytes() == before


def test_the_same_unit_twice_with_the_same_target_is_read_once(project, capsys):
    path = export(project, capsys)
    set_target(path, "Background", "Historique")
    tree = etree.parse(str(path))
    unit = unit_of(tree, "Background")
    unit.addnext(etree.fromstring(etree.tostring(unit)))
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    code, out, _ = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 0 and out.startswith(f"updated {PO} (1 translated, 0 fuzzy, ")


@pytest.mark.parametrize(("start", "target", "kind"), [
    (TITLE, "Conférence internationale de haut niveau\n\nsur les droits de l'homme", "front-matter text"),
    ("Objectives", "Objectifs\net buts", "heading"),
])
def test_a_line_break_in_a_one_line_unit_is_refused_at_its_line(project, capsys, start, target, kind):
    before = (project / PO).read_bytes()
    path = export(project, capsys)
    line = set_target(path, start, target)
    code, _, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 1
    assert err.splitlines()[0] == f"{XLF}:{line}: a {kind} is one line, but its translation has a line break:" \
                                  " join its lines"
    assert (project / PO).read_bytes() == before


def test_a_line_break_in_a_one_line_unit_of_a_catalog_is_refused_by_check(project, capsys):
    """The same rule for a catalog edited by hand (Poedit): the build's own check."""
    po = project / PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Objectifs"', 'msgstr ""\n"Objectifs\\n"\n"et buts"'), encoding="utf-8")
    line = msgid_line(project, "Objectives")
    code, err = check(project, capsys)
    assert code == 1
    assert f"{PO}:{line}: a heading is one line, but its translation has a line break: join its lines" in err


@pytest.mark.parametrize(("msgid", "old", "new"), [
    ("Distr.: General", 'msgstr "Distr. générale"', 'msgstr ""\n"Distr.\\n"\n"générale"'),
    ("Page {page} of {pages}", 'msgstr "Page {page} sur {pages}"', 'msgstr ""\n"Page {page}\\n"\n"sur {pages}"'),
])
def test_a_line_break_in_a_label_is_refused_by_check(project, capsys, msgid, old, new):
    po = project / "locales/fr/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new), encoding="utf-8")
    line = text.split("\n").index(f'msgid "{msgid}"') + 1
    code, err = check(project, capsys)
    assert code == 1
    assert "locales/fr/LC_MESSAGES/messages.po:" in err
    assert f"messages.po:{line}: a label is one line, but its translation has a line break: join its lines" in err


# Link addresses --------------------------------------------------------------------------------------


def state_address(project: Path, comment: str) -> None:
    """A translator's comment put on the French entry of the unit with the link."""
    po = project / PO
    text = po.read_text(encoding="utf-8")
    at = text.index(f'msgid "{CONTACT}')
    start = text.rindex("\n\n", 0, at) + 2
    po.write_text(text[:start] + f"# {comment}\n" + text[start:], encoding="utf-8")


def test_the_export_shows_each_link_address_in_a_note(project, capsys):
    state_address(project, f"link: {ADDRESS} -> {FR_ADDRESS}")
    path = export(project, capsys)
    unit = unit_of(etree.parse(str(path)), CONTACT)
    notes = [n.text for n in unit.findall("x:note", NS) if n.get("from") == "link"]
    assert notes == [f"link 1 \u201cUnited Nations Office of Counter-Terrorism\u201d: {ADDRESS} (in fr: {FR_ADDRESS})"]
    assert "{http://www.w3.org/XML/1998/namespace}space" not in unit.attrib
    # the translator still cannot change it: the tag takes the source's address
    set_target(path, CONTACT, 'Écrire au <g id="1" ctype="link">Bureau</g>.')
    assert run(project, "i18n", "import", XLF, capsys=capsys)[0] == 0
    (written,) = [e for e in polib.pofile(str(project / PO)) if e.msgid.startswith(CONTACT)]
    assert written.msgstr == f"Écrire au [Bureau]({ADDRESS})."


def test_a_language_address_stated_in_the_catalog_is_the_link_of_that_language(project, capsys):
    """Long enough for Babel to wrap the comment when ``i18n update`` writes it again."""
    long_address = FR_ADDRESS + "/" + "page-en-francais-" * 4
    state_address(project, f"link: {ADDRESS} -> {long_address}")
    assert run(project, "i18n", "update", NOTE, capsys=capsys)[0] == 0
    assert "\n# link: " in (project / PO).read_text(encoding="utf-8")
    code, _, err = run(project, "build", "--format", "pdf", NOTE, capsys=capsys)
    assert code == 0, err
    from pypdf import PdfReader

    def uris(name: str) -> set[str]:
        reader = PdfReader(str(next((project / "output").rglob(name))))
        return {a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots", [])
                if a.get_object().get("/A", {}).get("/URI")}

    assert long_address in uris("official.fr.pdf") and ADDRESS not in uris("official.fr.pdf")
    assert ADDRESS in uris("official.en.pdf") and ADDRESS in uris("official.es.pdf")


@pytest.mark.parametrize(("comment", "said"), [
    (f"link: {ADDRESS} -> javascript:alert(1)", "is not a web address (https://... or http://..., with a host)"
                                                 " or a mailto: address"),
    (f"link: {ADDRESS} -> https://", "is not a web address"),
    ("link: https://example.org/ -> https://example.org/fr", "names no link of this unit (its links: "
                                                            f"{ADDRESS})"),
])
def test_a_language_address_is_checked_as_an_address(project, capsys, comment, said):
    state_address(project, comment)
    line = msgid_line(project, CONTACT)
    code, err = check(project, capsys)
    assert code == 1 and f"{PO}:{line}: the comment 'link: " in err and said in err, err


def test_the_workbench_shows_each_link_address_beside_its_unit(project, browser):
    state_address(project, f"link: {ADDRESS} -> {FR_ADDRESS}")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(running_server(project))
        page = browser.new_page()
        stack.callback(page.close)
        page.goto(url + "translate/official/fr?show=all")
        item = page.locator(".unit", has_text=CONTACT).locator(".unit-links li")
        item.wait_for()
        assert item.inner_text() == (f"Link \u201cUnited Nations Office of Counter-Terrorism\u201d \u2192 {ADDRESS}"
                                     f" (in fr: {FR_ADDRESS})")
        assert item.is_visible()
        assert page.locator(".unit", has_text="Background").first.locator(".unit-links").is_hidden()


# Accepted, with a word --------------------------------------------------------------------------------

DURING = "During the two-day"
DURING_FR = ("Au cours des deux journées du {}, les participants ont souligné le rôle de la société civile.")


@pytest.mark.parametrize(("lang", "start", "target", "said"), [
    ("fr", DURING, DURING_FR.format('<g id="1" ctype="italic">Dialogue virtu</g>el'),
     "the italic tag 1 closes inside the word 'virtuel': move it to the word's edge"),
    ("fr", DURING, DURING_FR.format('Dia<g id="1" ctype="italic">logue virtuel</g>'),
     "the italic tag 1 opens inside the word 'Dialogue': move it to the word's edge"),
    ("fr", "This High-Level", 'La Conférence fait suite au <g id="1" ctype="italic">Dialogue virtuel</g>, organisé'
     ' en m<x id="2" ctype="x-footnote"/>ai 2021.',
     "the footnote call tag 2 stands inside the word 'mai': move it to the word's edge"),
    ("fr", "Background", "Предыстория", "the translation has Cyrillic letters ('П') in a French unit: text of"
     " another language?"),
    ("ar", "Background", "Background", "the translation has no Arabic text, only Latin words (names and symbols"
     " aside): is it translated?"),
    ("zh", "Objectives", "Objectives", "the translation has no Chinese text, only Latin words (names and symbols"
     " aside): is it translated?"),
    ("ar", "To contribute to the eighth", "الإسهام في الاستعراض الثامن لاستراتيجية الأمم المتحدة العالمية لمكافحة"
     " الإرهاب في عام ٢٠٢٣.", "the translation has Arabic-Indic digits ('٢'): UN Arabic documents write Western"
     " digits (0-9)"),
    ("fr", "Background", "Con\u200btexte", "the translation has a zero width space (U+200B), which no reader sees:"
     " remove it"),
])
def test_what_a_target_likely_should_not_hold_is_a_warning_at_its_line(project, capsys, lang, start, target, said):
    code, out, _ = run(project, "i18n", "export", "--xliff", lang, capsys=capsys)
    assert code == 0, out
    path = project / f"locales/{lang}/xliff/official.{lang}.xlf"
    line = set_target(path, start, target)
    code, out, err = run(project, "i18n", "import", str(path.relative_to(project)), capsys=capsys)
    assert code == 0
    assert err == f"locales/{lang}/xliff/official.{lang}.xlf:{line}: warning: {said}\n"
    assert out.startswith(f"updated locales/{lang}/LC_MESSAGES/official.po (1 translated, ")


def test_a_sample_translation_gives_no_such_warning(capsys):
    """The false alarms of these warnings on the sample's reviewed translations: none."""
    from conceptnotes.i18n.editing import open_note
    from conceptnotes.i18n.target_warnings import target_warnings

    from .conftest import SAMPLE

    for lang in ["ar", "es", "fr", "ru", "zh"]:
        opened = open_note(SAMPLE, lang)
        for unit in opened.units:
            msgstr = opened.catalog.get(unit.msgid).string
            source, table = tags.to_xliff(unit.msgid, None, "source", opened.note.assets)
            target, _ = tags.to_xliff(msgstr, table, "target", opened.note.assets)
            assert target_warnings(source, target, msgstr, lang) == [], (lang, unit.msgid)


# A unit changed since the export ----------------------------------------------------------------------


@pytest.mark.parametrize("updated", [False, True], ids=["catalog-as-exported", "after-i18n-update"])
def test_a_unit_changed_since_the_export_keeps_its_translation_as_fuzzy(project, capsys, updated):
    path = export(project, capsys)
    line = set_target(path, "Background", "Contexte général")
    note = project / NOTE / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("\n# Background\n", "\n# Background and context\n"),
                    encoding="utf-8")
    if updated:
        assert run(project, "i18n", "update", NOTE, capsys=capsys)[0] == 0
    code, out, err = run(project, "i18n", "import", XLF, capsys=capsys)
    assert code == 0
    assert out.startswith(f"updated {PO} (0 translated, 1 fuzzy, ")
    assert err == (f"{XLF}:{line}: warning: this unit changed since the export: its translation is kept as a fuzzy"
                   " translation of the unit at note.md:26, to review\n")
    kept = entry(project, "Background and context")
    assert kept.msgstr == "Contexte général" and kept.fuzzy and kept.previous_msgid == "Background"
    assert check(project, capsys)[0] == 0


# translate-toolkit's converters -------------------------------------------------------------------------


def toolkit(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_xliff2po_drops_footnote_calls_emphasis_and_link_addresses(project, capsys, tmp_path):
    """What docs/guide-translating.md says of translate-toolkit's xliff2po, verified."""
    path = export(project, capsys)
    subprocess.run([toolkit("xliff2po"), "-i", str(path), "-o", str(tmp_path / "back.po")], check=True,
                   capture_output=True)
    back = polib.pofile(str(tmp_path / "back.po"))
    ours = polib.pofile(str(project / PO))
    dialogue = next(e for e in ours if e.msgid.startswith("This High-Level"))
    assert "*Virtual Dialogue" in dialogue.msgid and "[^dialogue]" in dialogue.msgid
    (converted,) = [e for e in back if e.msgid.startswith("This High-Level")]
    assert "*" not in converted.msgid and "[^dialogue]" not in converted.msgid
    assert "*" not in converted.msgstr and "[^dialogue]" not in converted.msgstr
    (contact,) = [e for e in back if e.msgid.startswith(CONTACT)]
    assert ADDRESS not in contact.msgid and ADDRESS not in contact.msgstr


def test_a_po2xliff_file_is_recognised_and_explained(project, capsys):
    subprocess.run([toolkit("po2xliff"), "-i", PO, "-o", "from-po.xlf"], cwd=project, check=True,
                   capture_output=True)
    before = (project / PO).read_bytes()
    code, _, err = run(project, "i18n", "import", "from-po.xlf", capsys=capsys)
    assert code == 1
    line = etree.parse(str(project / "from-po.xlf")).getroot()[0].sourceline
    assert err.splitlines()[0] == (
        f"from-po.xlf:{line}: this file was made from the catalog '{PO}' (by translate-toolkit's po2xliff): its"
        " units are the catalog's Markdown as plain text, without the tags that keep footnote calls, emphasis and"
        " links safe. Export the note with '.venv/bin/python build.py i18n export --xliff LANG' and translate that"
        " file, or edit the catalog itself (Poedit)")
    assert (project / PO).read_bytes() == before


def test_the_guide_says_what_the_toolkit_converters_do():
    guide = (ROOT / "docs" / "guide-translating.md").read_text(encoding="utf-8")
    assert "xliff2po" in guide and "po2xliff" in guide and "i18n export --xliff" in guide
    assert "link: https://" in guide
    need("msgfmt")
