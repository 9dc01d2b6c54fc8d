"""Review in Word, continued: conflicts per unit when the note or its catalog changed since
the DOCX was built, and a built PDF's annotations listed with their units (issue 23)."""

from __future__ import annotations

from tests.conftest import run_in
from tests.test_review import Edited, build_docx, changed_lines

# Conflicts ------------------------------------------------------------------------------------


def test_a_unit_changed_on_both_sides_is_a_conflict_and_the_others_are_applied(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    edited = Edited(build_docx(project, "en"))
    edited.insert("Background", "Background", " and context")
    edited.direct("To contribute to the eighth review", "in 2023.", "in 2026.")
    reviewed = edited.save(project / "reviewed.en.docx")
    # meanwhile, the officer adds a paragraph above both and rewrites the third objective
    text = note.read_text(encoding="utf-8")
    text = text.replace("# Introduction\n", "# Introduction\n\nA paragraph added since the build.\n", 1)
    text = text.replace("Strategy in 2023.", "Strategy in 2024.", 1)
    note.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; updated" in out
    assert ("conflict at note.md:36 (as built): note.md changed at this paragraph since the DOCX was built;"
            " the reviewer's change was left unwritten:") in out
    assert "  now: 3.\tTo contribute" not in out and "Strategy in 2026." in out
    old = text.splitlines()
    assert changed_lines(text, note.read_text(encoding="utf-8")) == [(old[27], "# Background and context")]


def test_list_reports_the_conflicts_and_writes_nothing(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    edited = Edited(build_docx(project, "en"))
    edited.insert("Background", "Background", " and context")
    reviewed = edited.save(project / "reviewed.en.docx")
    text = note.read_text(encoding="utf-8").replace("# Background\n", "# Background of the Conference\n", 1)
    note.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed), "--list")
    assert result.returncode == 0, result.stderr
    assert "0 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; nothing was written (--list)" in result.stdout
    assert note.read_text(encoding="utf-8") == text


def test_a_translation_changed_in_the_catalog_is_a_conflict(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    assert run_in(project, "i18n", "update").returncode == 0
    edited = Edited(build_docx(project, "fr"))
    edited.delete("Le Dialogue virtuel s\u2019est tenu", " virtuel", part="word/footnotes.xml")
    edited.insert("Contexte", "Contexte", " et enjeux")
    reviewed = edited.save(project / "reviewed.fr.docx")
    # meanwhile, a translator revises the footnote in the catalog
    text = catalog.read_text(encoding="utf-8").replace("s'est tenu les 25", "a eu lieu les 25", 1)
    catalog.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed))
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; updated" in result.stdout
    assert "its translation changed in the catalog since the DOCX was built" in result.stdout
    assert changed_lines(text, catalog.read_text(encoding="utf-8")) == [
        ('msgstr "Contexte"', 'msgstr "Contexte et enjeux"'),
    ]
