"""The translation memory across notes (``conceptnotes/i18n/memory.py``, ``tmx.py``).

A new note in the project of the test root ``official`` (a short Málaga note, six languages,
complete catalogs) shares some of its paragraphs, changes one a little and has one of its own.
``i18n update`` starts each of its languages with the shared units fuzzy, each with a
comment naming the catalog and line it came from; the changed paragraph is a close match
in the workbench's units and in the XLIFF export (``<alt-trans match-quality>``); a TMX
file imported adds its units, naming the file; ``i18n status`` counts the units with a match.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from lxml import etree

from tests.conftest import run_in, write_note

TARGETS = ("ar", "es", "fr", "ru", "zh")
NEW = "follow-up"
SHARED_HEADING = "Background"
SHARED = (
    "During the two-day *Virtual Dialogue*, participants highlighted that respect for human rights and the rule"
    " of law is central to the international community in its efforts to prevent and counter terrorism. In"
    " addition, participants stressed the critical role of civil society in efforts to prevent and counter"
    " terrorism, including addressing the underlying conditions conducive to terrorism."
)
# the root's Objectives item 2, one word changed: a close match, not an exact one
CHANGED = ("To underscore the critical role of civil society and human rights defenders in efforts to prevent"
           " and counter violent extremism, including addressing the underlying conditions conducive to terrorism.")
ORIGINAL = ("To underscore the critical role of civil society and human rights defenders in efforts to prevent"
            " and counter terrorism, including addressing the underlying conditions conducive to terrorism.")
OWN = "The workshop will review the follow-up given to the recommendations of the Conference by its partners."

FRONT = """\
title: Follow-up Workshop on Civil Society and Counter-Terrorism
subtitle: Concept note
languages: [ar, en, es, fr, ru, zh]
source_language: en
event:
  start: 2023-03-14
  end: 2023-03-15
  city: Málaga
  country: ES
organizers:
  - United Nations Office of Counter-Terrorism
"""
BODY = f"""\
# {SHARED_HEADING}

{SHARED}

# Objectives

1. {CHANGED}
2. {OWN}
"""


@pytest.fixture
def project(root, tmp_path):
    project = root("official")
    write_note(project / "content" / NEW, BODY, FRONT)
    return project


def cli(project: Path, *args: str):
    return run_in(project, *args, env={"XDG_CACHE_HOME": str(project.parent / "cache")})


def catalog(project: Path, lang: str, note: str = NEW):
    with (project / "locales" / lang / "LC_MESSAGES" / f"{note}.po").open("rb") as handle:
        return read_po(handle)


def line_of(project: Path, lang: str, msgid: str, note: str = "official") -> int:
    """The line of ``msgid``'s entry in a note's catalog, as Babel reads it."""
    return catalog(project, lang, note).get(msgid).lineno


def test_a_new_note_starts_each_language_with_the_shared_units_fuzzy_naming_their_source(project):
    result = cli(project, "i18n", "update", f"content/{NEW}")
    assert result.returncode == 0, result.stderr
    # title? no; organizer, city, subtitle, 'Background', 'Objectives' and the shared paragraph: 6 units
    for lang in TARGETS:
        assert f"updated locales/{lang}/LC_MESSAGES/{NEW}.po (6 from the memory, fuzzy: review them)" in result.stdout
        new, old = catalog(project, lang), catalog(project, lang, "official")
        for msgid in (SHARED, SHARED_HEADING, "Objectives", "Concept note", "Málaga",
                      "United Nations Office of Counter-Terrorism"):
            message = new.get(msgid)
            assert message.fuzzy and message.string == old.get(msgid).string, (lang, msgid)
            where = f"locales/{lang}/LC_MESSAGES/official.po:{line_of(project, lang, msgid)}"
            assert message.user_comments == [f"memory: {where}, the same source"], (lang, msgid)
            assert not message.previous_id
        # the changed paragraph, the note's own one and its title are not filled: a close match is only offered
        for msgid in (CHANGED, OWN, "Follow-up Workshop on Civil Society and Counter-Terrorism"):
            assert new.get(msgid).string == "" and not new.get(msgid).fuzzy, (lang, msgid)
    again = cli(project, "i18n", "update", f"content/{NEW}")
    assert "updated" not in again.stdout and "memory" not in again.stdout  # nothing new: nothing changes


def test_the_workbench_offers_the_memory_s_matches_beside_each_unit(project):
    from tests.conftest import running_server
    from tests.test_serve import get

    assert cli(project, "i18n", "update", f"content/{NEW}").returncode == 0
    french = catalog(project, "fr", "official")
    with running_server(project) as url:
        status, body = get(f"{url}api/units/{NEW}/fr")
        assert status == 200
        units = {unit["msgid"]: unit for unit in json.loads(body)["units"]}
        status, page = get(f"{url}translate/{NEW}/fr")
        assert status == 200 and b'class="memory"' in page
    (close,) = units[CHANGED]["matches"]
    assert close["quality"] == int(100 * _ratio(ORIGINAL, CHANGED)) and 80 <= close["quality"] < 100
    assert close["translation"] == french.get(ORIGINAL).string
    assert close["origin"] == f"locales/fr/LC_MESSAGES/official.po:{line_of(project, 'fr', ORIGINAL)}"
    assert "<del>terrorism</del>" in close["diff_html"] and "<ins>violent extremism</ins>" in close["diff_html"]
    (same,) = units[SHARED]["matches"]  # fuzzy from the memory: its match is still shown, 100%
    assert (same["quality"], same["translation"], same["diff_html"]) == (100, french.get(SHARED).string, "")
    assert units[OWN]["matches"] == []


def _ratio(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()  # as the memory: the match, the unit


def test_an_xliff_export_carries_the_matches_as_alt_trans(project):
    assert cli(project, "i18n", "update", f"content/{NEW}").returncode == 0
    out = project / "follow-up.fr.xlf"
    result = cli(project, "i18n", "export", "--xliff", "fr", "--out", str(out), f"content/{NEW}")
    assert result.returncode == 0, result.stderr
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    document = etree.parse(str(out))
    french = catalog(project, "fr", "official")
    units = {"".join(u.find("x:source", ns).itertext()): u for u in document.iterfind(".//x:trans-unit", ns)}
    (alt,) = units[CHANGED].findall("x:alt-trans", ns)
    assert int(alt.get("match-quality")) == int(100 * _ratio(ORIGINAL, CHANGED))
    assert alt.get("origin") == f"locales/fr/LC_MESSAGES/official.po:{line_of(project, 'fr', ORIGINAL)}"
    assert "".join(alt.find("x:source", ns).itertext()) == ORIGINAL
    target = alt.find("x:target", ns)
    assert target.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "".join(target.itertext()) == french.get(ORIGINAL).string
    # the shared paragraph: its italics a tag in the match too, the match 100%
    (alt,) = units[SHARED.replace("*", "")].findall("x:alt-trans", ns)
    assert alt.get("match-quality") == "100" and alt.find("x:target/x:g", ns) is not None
    assert units[OWN].findall("x:alt-trans", ns) == []
    # the export's own targets are what the import reads: importing it back changes nothing
    before = (project / "locales/fr/LC_MESSAGES" / f"{NEW}.po").read_bytes()
    assert cli(project, "i18n", "import", str(out)).returncode == 0
    assert (project / "locales/fr/LC_MESSAGES" / f"{NEW}.po").read_bytes() == before


TMX = """\
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="memoQ" creationtoolversion="9" segtype="sentence" o-tmf="memoQ" adminlang="en-US"
          srclang="en-US" datatype="plaintext"/>
  <body>
    <tu>
      <tuv xml:lang="en-US"><seg>{own}</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>L'atelier examinera la suite donnée aux <bpt i="1">&lt;b&gt;</bpt>recommandations<ept i="1">&lt;/b&gt;</ept> de la Conférence par ses partenaires.</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>繁體</seg></tuv>
    </tu>
  </body>
</tmx>
"""
OWN_FR = "L'atelier examinera la suite donnée aux recommandations de la Conférence par ses partenaires."


def test_a_tmx_memory_is_imported_and_named_as_the_source_of_its_matches(project, tmp_path):
    office = tmp_path / "office-memory.tmx"
    office.write_text(TMX.format(own=OWN), encoding="utf-8")
    result = cli(project, "i18n", "memory", "import", str(office))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported locales/memory/office-memory.tmx (1 units in en, fr)"
    assert (project / "locales/memory/office-memory.tmx").read_bytes() == office.read_bytes()
    assert cli(project, "i18n", "memory", "import", str(office)).stdout.startswith("unchanged ")
    result = cli(project, "i18n", "update", f"content/{NEW}")
    assert f"updated locales/fr/LC_MESSAGES/{NEW}.po (7 from the memory" in result.stdout
    message = catalog(project, "fr").get(OWN)
    assert message.fuzzy and message.string == OWN_FR  # the tool's codes (<bpt>) are not text
    assert message.user_comments == ["memory: locales/memory/office-memory.tmx:6, the same source"]
    assert catalog(project, "es").get(OWN).string == ""  # the memory has no Spanish


@pytest.mark.parametrize("content", ["<tmx version='1.4'><body>", "<xliff version='1.2'/>",
                                     "<!DOCTYPE tmx [<!ENTITY x 'y'>]><tmx/>"])
def test_a_file_that_is_no_tmx_is_refused_with_its_name(project, tmp_path, content):
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    result = cli(project, "i18n", "memory", "import", str(bad))
    assert result.returncode == 1 and f"{bad}:" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "locales" / "memory").exists()


def test_status_counts_the_units_with_a_memory_match(project):
    assert cli(project, "i18n", "update", f"content/{NEW}").returncode == 0
    rows = {(row["note"], row["language"]): row
            for row in json.loads(cli(project, "i18n", "status", "--json").stdout)}
    for lang in TARGETS:
        # six fuzzy from the memory, the changed paragraph's close match; not the title, not OWN
        assert (rows[NEW, lang]["fuzzy"], rows[NEW, lang]["untranslated"], rows[NEW, lang]["memory"]) == (6, 3, 7)
        assert rows["official", lang]["memory"] == 0  # all translated
    table = cli(project, "i18n", "status", f"content/{NEW}").stdout
    assert re.search(r"^follow-up\s+fr\s+0\s+6\s+3\s+0\.0%\s+7$", table, re.M), table
    assert table.splitlines()[0].split()[-1] == "memory"


def test_in_the_browser_a_match_is_shown_beside_its_unit_and_taken_into_the_box(project, browser, tmp_path):
    from conceptnotes.i18n.editing import unit_key
    from tests.conftest import running_server

    assert cli(project, "i18n", "update", f"content/{NEW}").returncode == 0
    french = catalog(project, "fr", "official").get(ORIGINAL).string
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        with running_server(project) as url:
            page.goto(f"{url}translate/{NEW}/fr?show=all")
            card = page.locator(f'li.unit[data-key="{unit_key(CHANGED)}"]')
            match = card.locator(".memory .match")
            match.wait_for()
            assert match.count() == 1
            assert match.locator(".quality").inner_text() == f"{int(100 * _ratio(ORIGINAL, CHANGED))}%"
            assert match.locator(".origin").inner_text().startswith("locales/fr/LC_MESSAGES/official.po:")
            assert match.locator(".match-text").inner_text() == french
            assert match.locator(".match-diff ins").inner_text() == "violent extremism"
            assert card.locator("textarea").input_value() == ""
            with page.expect_response(lambda response: "/api/check/" in response.url):  # checked as typed
                match.locator("button.use").click()
            assert card.locator("textarea").input_value() == french  # taken into the box, not saved
            assert card.locator(".state").inner_text() == "untranslated"
            assert page.locator(f'li.unit[data-key="{unit_key(OWN)}"] .memory').is_hidden()
            card.scroll_into_view_if_needed()
            page.screenshot(path=tmp_path / "memory-match.png")
    finally:
        context.close()
    assert errors == []
