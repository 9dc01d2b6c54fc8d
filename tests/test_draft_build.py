"""A draft build leaves out a language version whose translation cannot stand in for its
source, builds the others, keeps that language's previous documents and says so; a strict
build refuses everything (``pipeline.Scope.draft``, ``Checked.skipped``).

The test root ``translated`` (English and French) with its French catalog broken: the
translation of the first paragraph drops its footnote call, which no build may render.
"""

from __future__ import annotations

from tests.conftest import build_in

CALL = "*Stratégie antiterroriste mondiale des Nations Unies*[^strategy]."


def break_french(project):
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "translated.po"
    text = catalog.read_text(encoding="utf-8")
    assert CALL in text
    catalog.write_text(text.replace(CALL, "*Stratégie antiterroriste mondiale des Nations Unies*."), encoding="utf-8")
    return catalog


def test_a_draft_build_leaves_out_the_broken_language_and_keeps_its_previous_documents(root, capsys):
    project = root("translated")
    assert build_in(project, "build", "--format", "docx") == 0
    out = project / "output" / "translated"
    french, english = out / "translated.fr.docx", out / "translated.en.docx"
    before = french.read_bytes()
    break_french(project)
    (project / "content" / "translated" / "note.md").write_text(
        (project / "content" / "translated" / "note.md").read_text(encoding="utf-8").replace(
            "# Objectives", "# Aims"), encoding="utf-8")
    english_before = english.read_bytes()
    capsys.readouterr()

    assert build_in(project, "build", "--format", "docx") == 1
    said = capsys.readouterr().err
    assert "translated.po" in said and "[^strategy]" in said
    assert "the language versions they concern were not built (their previous documents are kept)" in said
    assert "the other 1 document were written" in said
    assert french.read_bytes() == before  # the last good French document, untouched
    assert english.read_bytes() != english_before  # English rebuilt with its new heading


def test_a_strict_build_with_a_broken_language_writes_nothing(root, capsys):
    project = root("translated")
    break_french(project)
    assert build_in(project, "build", "--strict", "--format", "docx") == 1
    said = capsys.readouterr().err
    assert "[^strategy]" in said
    assert not (project / "output" / "translated").exists()
