"""XLIFF 1.2 for CAT tools: the Markdown <-> inline tags mapping, ``i18n export --xliff``
read back by translate-toolkit, and ``i18n import`` of files edited as CAT tools edit them.

Every test that writes works in a copy of the sample project (``sample_project``); a
catalog with fuzzy and untranslated units is made there as a drafting officer makes one:
note.md edited, then ``i18n extract`` and ``i18n update``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage import factory, xliff

from conceptnotes import model as m
from conceptnotes.i18n import inline_tags as tags
from conceptnotes.i18n.units import to_markdown, units
from conceptnotes.serve.workbench import unit_key

from .conftest import ROOT, SAMPLE, build_in, need, sample_project

NS = {"x": tags.NS}
NOTE = "content/malaga-2022"
FR_PO = "locales/fr/LC_MESSAGES/malaga-2022.po"
FR_XLF = "locales/fr/xliff/malaga-2022.fr.xlf"
DIALOGUE = "This High-Level International Conference follows up on the *Virtual Dialogue"
OBJECTIVES = "The objectives of the Conference are:"
NEW_OBJECTIVES = "The objectives of this Conference are:"
NEW_PARAGRAPH = "A new paragraph with *emphasis* and [a link](https://www.un.org/) to read."
STYLES_ASSETS = ROOT / "tests" / "roots" / "styles" / "content" / "styles" / "assets"


# The mapping ------------------------------------------------------------------------------------------


def round_trip(markdown: str, assets: Path = Path("assets")) -> str:
    element, table = tags.to_xliff(markdown, assets=assets)
    reread = etree.fromstring(etree.tostring(element))  # as a file holds it
    return tags.from_xliff(reread, table)


def test_every_unit_of_the_sample_round_trips(sample_note):
    found = units(sample_note)
    assert found
    for unit in found:
        assert round_trip(unit.msgid, sample_note.assets) == unit.msgid


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "zh"])
def test_every_translation_of_the_sample_round_trips(lang):
    """The sample's translations, as targets with the source's tags, read back byte for byte
    (an import keeps a catalog's bytes even otherwise: this shows the mapping loses nothing)."""
    from conceptnotes.i18n.editing import open_note

    opened = open_note(SAMPLE, lang)
    checked = 0
    for unit in opened.units:
        msgstr = opened.catalog.get(unit.msgid).string
        table = tags.tag_table(unit.inlines or tags.parse(unit.msgid))
        target, _ = tags.to_xliff(msgstr, table, "target", opened.note.assets)
        assert tags.from_xliff(etree.fromstring(etree.tostring(target)), table) == msgstr
        checked += 1
    assert checked == 61


TRICKY = [
    "A *b [c](http://x.org/a_(b) \"T\")* **d** `e` [^k] {city}  \nnext ![alt text](assets/floor-plan.png) a\\*b",
    "``code with ` tick`` and `` `start ``",
    "**strong *emphasis inside* strong** and *emphasis __strong inside__*",
    "escaped \\[not a link\\] and \\_x\\_ and 5 &lt; 6 &amp;amp; 1&2",
    "[link with **strong** text](https://example.org/a?b=1&c=2) then [^a][^b]",
    "Page {page} of {pages}, {{literal}}",
    "trailing exclamation\\![link](https://un.org/)",
]


@pytest.mark.parametrize("markdown", TRICKY)
def test_tricky_units_round_trip(markdown):
    assert round_trip(markdown, STYLES_ASSETS) == to_markdown(tags.parse(markdown, STYLES_ASSETS))
    assert round_trip(markdown, STYLES_ASSETS) == markdown


def test_tags_are_tags_not_text():
    element, table = tags.to_xliff(TRICKY[0], assets=STYLES_ASSETS)
    text = etree.tostring(element, encoding=str)
    assert (
        'A <g id="1" ctype="italic">b <g id="2" ctype="link">c</g></g> <g id="3" ctype="bold">d</g>'
        ' <x id="4" ctype="x-code" equiv-text="`e`"/> <x id="5" ctype="x-footnote" equiv-text="[^k]"/>'
        ' <x id="6" ctype="x-placeholder" equiv-text="{city}"/><x id="7" ctype="lb" equiv-text="&#10;"/>next'
        ' <g id="8" ctype="x-image">alt text</g> a*b</source>'
    ) in text
    assert "http://x.org" not in text and "floor-plan" not in text  # targets only in the tag table
    assert [n.kind for n in table.by_id.values()] == [
        "emphasis", "link", "strong", "code", "footnote_ref", "placeholder", "line_break", "image"]


def test_a_target_takes_the_source_ids_in_its_own_order():
    _, table = tags.to_xliff("Read *this* first,[^a] then [the text](https://un.org/).[^b]")
    target, _ = tags.to_xliff("Lisez [le texte](https://un.org/)[^b] après *ceci*[^a].", table, "target")
    assert [(c.tag.split("}")[1], c.get("id")) for c in target.iter() if c is not target] == [
        ("g", "3"), ("x", "4"), ("g", "1"), ("x", "2")]
    assert tags.from_xliff(target, table) == "Lisez [le texte](https://un.org/)[^b] après *ceci*[^a]."


def test_a_tag_the_source_does_not_have_is_refused():
    _, table = tags.to_xliff("Read *this*.[^a]")
    for xml, said in [
        ('<target xmlns="{ns}">x <x id="9"/></target>', 'the tag <x id="9"> is not in the source'),
        ('<target xmlns="{ns}">x <x id="1"/></target>', 'the tag id="1" is a <g> in the source, not a <x>'),
        ('<target xmlns="{ns}">x <bpt id="1">*</bpt></target>', "<bpt> is not an inline tag of this format"),
    ]:
        with pytest.raises(tags.TagError, match=f"^{said}"):
            tags.from_xliff(etree.fromstring(xml.format(ns=tags.NS)), table)


# Inline trees: text with Markdown's special characters, nested emphasis, links, code, calls.
_TEXT = st.text(alphabet="ab éα *_[]\\`{}<&!()#", min_size=1, max_size=12)
_LEAF = st.one_of(
    _TEXT.map(m.Text),
    st.sampled_from(["{city}", "{page}"]).map(m.Text),
    st.text(alphabet="ab `*", min_size=1, max_size=5).filter(str.strip).map(m.Code),
    st.sampled_from(["a", "dialogue"]).map(lambda key: m.FootnoteRef(key, 1)),
    st.just(m.LineBreak()),
)
_INLINES = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda c: m.Emphasis(tuple(c))),
        st.lists(inner, min_size=1, max_size=3).map(lambda c: m.Strong(tuple(c))),
        st.tuples(st.sampled_from(["https://un.org/", "https://x.org/a_(b)"]), st.lists(inner, min_size=1, max_size=2))
        .map(lambda pair: m.Link(pair[0], tuple(pair[1]))),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_INLINES, min_size=1, max_size=5))
def test_markdown_to_tags_and_back_is_the_identity(nodes):
    """Whatever Markdown the writer makes, its tags read back as the same Markdown, as the
    build reads it (the parser decides what a marker is; the mapping loses nothing)."""
    markdown = to_markdown(tuple(nodes)).strip()
    if not markdown or "\n" in markdown.replace("  \n", ""):
        return
    assert round_trip(markdown) == to_markdown(tags.parse(markdown))


# Export, read back by translate-toolkit --------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    return sample_project(tmp_path)


@pytest.fixture
def changed(project) -> Path:
    """The sample after a drafting officer's edit: one unit fuzzy, one new (untranslated) in French."""
    edit(project / NOTE / "note.md", f"\n{OBJECTIVES}\n", f"\n{NEW_OBJECTIVES}\n\n{NEW_PARAGRAPH}\n")
    assert build_in(project, "i18n", "extract", NOTE) == 0
    assert build_in(project, "i18n", "update", NOTE) == 0
    po = polib.pofile(str(project / FR_PO))
    assert "fuzzy" in po.find(NEW_OBJECTIVES).flags and po.find(NEW_PARAGRAPH).msgstr == ""
    return project


def export(project: Path, *more: str) -> Path:
    assert build_in(project, "i18n", "export", "--xliff", "fr", *more) == 0
    return project / FR_XLF


def test_export_reads_back_in_translate_toolkit(changed, capsys):
    path = export(changed)
    assert capsys.readouterr().out == f"wrote {FR_XLF} (62 units)\n"
    store = factory.getobject(str(path))
    assert isinstance(store, xliff.xlifffile)
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("en", "fr")
    assert store.getfilenames() == ["content/malaga-2022/note.md"]
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.2" and root.nsmap[None] == tags.NS

    by_source = {str(unit.source): unit for unit in store.units}
    note_units = {unit.msgid for unit in units(_note(changed))}
    assert len(store.units) == len(note_units) == 62

    dialogue = next(u for u in store.units if str(u.source).startswith(DIALOGUE.replace("*", "")))
    kinds = [type(part).__name__ for part in dialogue.rich_source[0].sub]
    assert kinds == ["StringElem", "G", "StringElem", "X", "StringElem"]  # tags, not text
    assert "[^dialogue]" not in str(dialogue.source)
    assert dialogue.getid().endswith(unit_key(next(u for u in note_units if u.startswith(DIALOGUE))))
    assert dialogue.getlocations() == ["content/malaga-2022/note.md:22"]
    assert dialogue.getnotes("conceptnotes") == "paragraph"  # the glossary's notes are tests/test_glossary.py's
    assert dialogue.getnotes("location") == "content/malaga-2022/note.md:22; locales/fr/LC_MESSAGES/malaga-2022.po:55"
    assert not dialogue.isfuzzy() and dialogue.istranslated()
    assert dialogue.xmlelement.find("x:target", NS).get("state") == "translated"

    fuzzy = by_source[NEW_OBJECTIVES]
    assert fuzzy.isfuzzy() and str(fuzzy.target) == "Les objectifs de la Conférence sont les suivants :"
    assert fuzzy.xmlelement.find("x:target", NS).get("state") == "needs-review-translation"
    assert f"previous source: {OBJECTIVES}" in fuzzy.getnotes()
    new = by_source[NEW_PARAGRAPH.replace("*", "").replace("(https://www.un.org/)", "").replace("[", "").replace(
        "]", "")]
    assert new.xmlelement.find("x:target", NS) is None and not new.istranslated()


def _note(project: Path):
    from conceptnotes.read.loader import load_note

    return load_note(project / NOTE)[0]


def test_export_twice_is_the_same_file(project, capsys):
    path = export(project)
    first = path.read_bytes()
    export(project)
    assert path.read_bytes() == first
    assert capsys.readouterr().out.splitlines()[-1] == f"unchanged {FR_XLF} (61 units)"


def test_export_out_file_and_folder(project):
    assert build_in(project, "i18n", "export", "--xliff", "ru", "--out", "cat/ru.xlf", NOTE) == 0
    assert factory.getobject(str(project / "cat/ru.xlf")).gettargetlanguage() == "ru"
    assert build_in(project, "i18n", "export", "--xliff", "zh", "--out", "cat") == 0
    assert (project / "cat/malaga-2022.zh.xlf").is_file()


# Import -------------------------------------------------------------------------------------------------


def import_(project: Path, path: Path | str) -> int:
    return build_in(project, "i18n", "import", str(path))


@pytest.mark.parametrize("fixture", ["project", "changed"])
def test_a_round_trip_without_edits_changes_no_byte(fixture, request, capsys):
    project = request.getfixturevalue(fixture)
    before = (project / FR_PO).read_bytes()
    path = export(project)
    # a CAT tool writes the file back in its own way: the same content
    tree = etree.parse(str(path))
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    capsys.readouterr()
    assert import_(project, FR_XLF) == 0
    assert (project / FR_PO).read_bytes() == before
    said = capsys.readouterr().out
    assert said.startswith(f"unchanged {FR_PO} (0 translated, 0 fuzzy, ")


def cat_tool_edit(path: Path, edits: dict[str, tuple[str | None, str]]) -> dict[str, int]:
    """Edit an exported file as a CAT tool does: each unit's target (by the start of its
    source text) given as inline XML (None: kept) and a state; every element's attributes
    in another order; the whole pretty-printed anew.  The line of each edited trans-unit."""
    tree = etree.parse(str(path), etree.XMLParser(remove_blank_text=True))
    lines: dict[str, int] = {}
    for unit in tree.iter(f"{{{tags.NS}}}trans-unit"):
        source = unit.find("x:source", NS)
        text = "".join(source.itertext())
        start = next((s for s in edits if text.startswith(s)), None)
        if start is None:
            continue
        xml, state = edits[start]
        target = unit.find("x:target", NS)
        if target is None:
            target = etree.Element(f"{{{tags.NS}}}target")
            source.addnext(target)
        if xml is not None:
            fresh = etree.fromstring(f'<target xmlns="{tags.NS}">{xml}</target>')
            target.text = fresh.text
            target[:] = list(fresh)
        target.set("state", state)
        lines[start] = 0
    for element in tree.iter():
        if isinstance(element.tag, str) and len(element.attrib) > 1:
            items = list(reversed(element.attrib.items()))
            element.attrib.clear()
            element.attrib.update(items)
    _indent(tree.getroot())
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    reread = etree.parse(str(path))
    for unit in reread.iter(f"{{{tags.NS}}}trans-unit"):
        text = "".join(unit.find("x:source", NS).itertext())
        for start in lines:
            if text.startswith(start):
                lines[start] = unit.sourceline
    return lines


def _indent(element: etree._Element, level: int = 0) -> None:
    """Tabs instead of the export's spaces, as an XML-aware tool re-indents a file: never
    inside a unit's texts (``xml:space="preserve"``; lxml's own ``indent`` ignores it)."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or etree.QName(element).localname in ("source", "target", "note", "context"):
        return
    element.text = "\n" + "\t" * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "\t" * (level + 1)
    children[-1].tail = "\n" + "\t" * level


NEW_PARAGRAPH_FR = ('Un nouveau paragraphe avec <g id="1" ctype="italic">emphase</g> et'
                    ' <g ctype="link" id="2">un lien</g> à lire.')


def test_import_of_a_cat_tool_file(changed, capsys):
    path = export(changed)
    cat_tool_edit(path, {
        "A new paragraph": (NEW_PARAGRAPH_FR, "translated"),
        NEW_OBJECTIVES: (None, "translated"),  # reviewed: the old translation is right
        "Introduction": ("Introduction générale", "needs-review-translation"),
    })
    capsys.readouterr()
    assert import_(changed, FR_XLF) == 0
    out = capsys.readouterr().out
    assert out == f"updated {FR_PO} (2 translated, 1 fuzzy, 59 unchanged)\n"

    po = polib.pofile(str(changed / FR_PO))
    new = po.find(NEW_PARAGRAPH)
    assert new.msgstr == "Un nouveau paragraphe avec *emphase* et [un lien](https://www.un.org/) à lire."
    assert not new.fuzzy
    reviewed = po.find(NEW_OBJECTIVES)
    assert reviewed.msgstr == "Les objectifs de la Conférence sont les suivants :"
    assert not reviewed.fuzzy and reviewed.previous_msgid is None
    review = po.find("Introduction")
    assert review.msgstr == "Introduction générale" and review.fuzzy
    result = subprocess.run([need("msgfmt"), "--check", "-o", "/dev/null", str(changed / FR_PO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # written as i18n update writes it: running it changes nothing
    before = (changed / FR_PO).read_bytes()
    assert build_in(changed, "i18n", "update", NOTE) == 0
    assert (changed / FR_PO).read_bytes() == before
    # and the French document builds with the new translation
    assert build_in(changed, "check", NOTE) == 0


def test_a_target_that_drops_a_footnote_call_is_an_error_at_its_line(project, capsys):
    before = (project / FR_PO).read_bytes()
    path = export(project)
    lines = cat_tool_edit(path, {
        DIALOGUE.replace("*", ""): ('La Conférence fait suite au <g id="1" ctype="italic">Dialogue virtuel</g>.',
                                    "translated"),
        "Introduction": ("Introduction générale", "translated"),
    })
    capsys.readouterr()
    assert import_(project, FR_XLF) == 1
    err = capsys.readouterr().err
    line = lines[DIALOGUE.replace("*", "")]
    assert err.splitlines() == [
        f"{FR_XLF}:{line}: the translation drops footnote call [^dialogue]",
        f"failed: nothing was written to {FR_PO}",
    ]
    assert (project / FR_PO).read_bytes() == before


@pytest.mark.parametrize(("target", "said"), [
    ('x <x id="7"/>', 'the tag <x id="7"> is not in the source'),
    ("Introduction \u202egénérale", "bidirectional control character"),
    ("Intro\x0bduction", "XML"),
])
def test_targets_the_project_refuses(project, capsys, target, said):
    before = (project / FR_PO).read_bytes()
    path = export(project)
    text = path.read_text(encoding="utf-8")
    old = "<source>Introduction</source>\n        <target state=\"translated\">Introduction</target>"
    assert old in text
    if "\x0b" in target:  # not even XML: lxml refuses it, at its line
        new = old.replace(">Introduction</target>", ">Intro&#11;duction</target>")
    else:
        new = old.replace(">Introduction</target>", f">{target}</target>")
    path.write_text(text.replace(old, new), encoding="utf-8")
    capsys.readouterr()
    assert import_(project, FR_XLF) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{FR_XLF}:") and said.lower() in err.lower(), err
    assert (project / FR_PO).read_bytes() == before


def test_a_unit_replaced_since_the_export_is_skipped_with_a_warning(project, capsys):
    """A unit whose new source is close to no old one (tests/test_xliff_exchange.py: one
    that is keeps the translation as fuzzy)."""
    path = export(project)
    cat_tool_edit(path, {"Background": ("Contexte général", "translated"),
                         "Introduction": ("Introduction générale", "translated")})
    edit(project / NOTE / "note.md", "\n# Background\n", "\n# Why we meet\n")
    capsys.readouterr()
    assert import_(project, FR_XLF) == 0
    captured = capsys.readouterr()
    assert "is no longer in the note (it changed since the export) and no new or fuzzy unit is close to it:" \
           " skipped" in captured.err
    assert captured.err.startswith(f"{FR_XLF}:") and "warning:" in captured.err
    po = polib.pofile(str(project / FR_PO))
    assert po.find("Introduction").msgstr == "Introduction générale"
    assert po.find("Why we meet").msgstr == ""


@pytest.mark.parametrize(("change", "said"), [
    (("content/malaga-2022/note.md", "content/other/note.md"),
     "the file is for the note 'content/other/note.md', which this project does not have (its notes: malaga-2022)"),
    (('target-language="fr"', 'target-language="de"'),
     "the file's target-language is 'de', which the note malaga-2022 is not translated into"
     " (its languages: ar, es, fr, ru, zh)"),
    (("<body>", "<body><!-- ok --><trans-unit id='x'><source>a</body>"), "invalid XML: "),
])
def test_files_for_no_note_or_language_are_refused(project, capsys, change, said):
    path = export(project)
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    capsys.readouterr()
    assert import_(project, FR_XLF) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{FR_XLF}:") and said in err, err


HOSTILE = [
    '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file>&b;</file></xliff>\n',
    '<?xml version="1.0"?>\n<!DOCTYPE xliff SYSTEM "file:///etc/passwd">\n<xliff/>\n',
    '<?xml version="1.0"?>\n<html/>\n',
]


@pytest.mark.parametrize("content", HOSTILE)
def test_hostile_xml_is_refused(project, capsys, content):
    (project / "evil.xlf").write_text(content, encoding="utf-8")
    before = (project / FR_PO).read_bytes()
    assert import_(project, "evil.xlf") == 1
    err = capsys.readouterr().err
    assert err.startswith("evil.xlf:")
    assert "DOCTYPE" in err or "not an XLIFF 1.2 file" in err
    assert (project / FR_PO).read_bytes() == before


def test_a_huge_file_is_refused(project, capsys):
    with (project / "huge.xlf").open("wb") as handle:
        handle.truncate(21_000_000)
    assert import_(project, "huge.xlf") == 1
    assert "the XLIFF file is larger than 20 MB" in capsys.readouterr().err


def test_segment_marks_and_ph_tags_as_other_tools_write_them(project, capsys):
    """Trados and memoQ wrap a target's text in segment marks (``<mrk mtype="seg">``); a
    tool may give a standalone tag back as ``<ph>``; ``final`` is a finished state."""
    path = export(project)
    cat_tool_edit(path, {
        "Introduction": ('<mrk mtype="seg" mid="1">Introduction générale</mrk>', "final"),
        DIALOGUE.replace("*", ""): ('<mrk mtype="seg" mid="2">La Conférence fait suite au <g id="1" ctype="italic">'
                                    'Dialogue virtuel</g><ph id="2" ctype="x-footnote">[^dialogue]</ph>.</mrk>',
                                    "signed-off"),
    })
    capsys.readouterr()
    assert import_(project, FR_XLF) == 0
    assert capsys.readouterr().out.startswith(f"updated {FR_PO} (2 translated, 0 fuzzy, ")
    po = polib.pofile(str(project / FR_PO))
    assert po.find("Introduction").msgstr == "Introduction générale"
    (dialogue,) = [e for e in po if e.msgid.startswith(DIALOGUE)]
    assert dialogue.msgstr == "La Conférence fait suite au *Dialogue virtuel*[^dialogue]." and not dialogue.fuzzy
