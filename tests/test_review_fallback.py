"""A translation's DOCX shows English for a unit the catalog does not translate (with the
build's own comment on it): a reviser who writes the French over that English gives the
unit its translation, and the build's comment is not a reviewer's."""

from __future__ import annotations

import zipfile

import polib

from tests.conftest import run_in
from tests.test_review import Edited, accepted_texts, build_docx

ENGLISH = "To contribute to the eighth review of the United Nations Global Counter-Terrorism Strategy in 2023."
FRENCH = "Contribuer au huitième examen de la Stratégie antiterroriste mondiale des Nations Unies, en 2023."


def test_english_fallback_a_reviser_rewrites_becomes_the_units_translation(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    text = catalog.read_text(encoding="utf-8")
    assert f'msgstr "{FRENCH}"' in text
    catalog.write_text(text.replace(f'msgstr "{FRENCH}"', 'msgstr ""'), encoding="utf-8")
    assert run_in(project, "i18n", "update").returncode == 0
    before = catalog.read_text(encoding="utf-8")
    built = build_docx(project, "fr")
    assert ENGLISH in accepted_texts(built)  # the fallback, as built
    with zipfile.ZipFile(built) as archive:  # with the build's own comment on it
        assert b'w:author="conceptnotes"' in archive.read("word/comments.xml")
    edited = Edited(built)
    edited.direct(ENGLISH, ENGLISH, FRENCH.replace(", en 2023", " en 2023"))  # the reviser's French, typed over
    reviewed = edited.save(project / "reviewed.fr.docx")

    listed = run_in(project, "review", "import", str(reviewed), "--list")
    assert listed.returncode == 0, listed.stderr
    assert "1 unit(s) changed, 0 comment(s)" in listed.stdout  # the build's own comment is not listed
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    new = FRENCH.replace(", en 2023", " en 2023")
    old, now = polib.pofile(before), polib.pofile(str(catalog))
    assert {e.msgid: e.msgstr for e in now} == {**{e.msgid: e.msgstr for e in old}, ENGLISH: new}
    assert not now.find(ENGLISH).fuzzy
    rebuilt = build_docx(project, "fr")
    assert new in accepted_texts(rebuilt) and ENGLISH not in accepted_texts(rebuilt)
