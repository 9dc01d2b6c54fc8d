"""The translation workbench's logic: views of a note's units, checks, and saving one translation.

Every test works on a copy of the test root ``translated`` (English and French, a
complete French catalog), made with the ``root`` fixture; ``build.py`` is run there (in-process)
as a translator would run it.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import polib
import pytest

from conceptnotes.errors import NoteError, Problems, UsageError
from conceptnotes.i18n import catalogs
from conceptnotes.i18n.commands import statuses
from conceptnotes.i18n.editing import MAX_MSGSTR_CHARS, unit_key
from conceptnotes.read.loader import load_note
from conceptnotes.serve import workbench as wb

from .conftest import build_in, need, run_in

WRITE_LOCK = threading.Lock()  # the server's one lock, as app.Server holds it


def save_unit(*args, **kwargs):
    return wb.save(*args, **kwargs, lock=WRITE_LOCK)


NOTE = "content/translated"
FR_PO = "locales/fr/LC_MESSAGES/translated.po"
OLD = "The workshop will bring together:"
NEW = "The workshop will gather:"
OLD_FR = "L'atelier réunira :"
INTRO_START = "The United Nations Office of Counter-Terrorism (UNOCT)"
LINK_UNIT = "Enquiries concerning the workshop"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def said(problems: Problems) -> list[str]:
    """The messages of a check, as the workbench shows them beside the unit."""
    return [problem.message for problem in problems.errors]


def update(project: Path) -> None:
    assert build_in(project, "i18n", "update", NOTE) == 0


@pytest.fixture
def project(root) -> Path:
    """The ``translated`` root with its catalog as ``i18n update`` writes it."""
    project = root("translated")
    update(project)
    return project


@pytest.fixture
def fuzzy(project) -> Path:
    """The project after a paragraph changed and ``i18n update``: its French entry fuzzy."""
    edit(project / NOTE / "note.md", f"\n{OLD}\n", f"\n{NEW}\n")
    update(project)
    return project


def view_of(project: Path, start: str, lang: str = "fr") -> wb.UnitView:
    (found,) = [v for v in wb.unit_views(project / NOTE, lang) if v.msgid.startswith(start)]
    return found


# Views --------------------------------------------------------------------------------------------


def test_counts_equal_i18n_status(fuzzy):
    edit(fuzzy / FR_PO, 'msgstr "Dakar"', 'msgstr ""')
    views = wb.unit_views(fuzzy / NOTE, "fr")
    counts = {state: sum(v.state == state for v in views) for state in wb.STATES}
    assert counts["fuzzy"] == 1 and counts["untranslated"] == 1
    assert len(wb.unit_views(fuzzy / NOTE, "fr", "fuzzy")) == 1
    assert [v.msgid for v in wb.unit_views(fuzzy / NOTE, "fr", "untranslated")] == ["Dakar"]

    (status,) = [s for s in statuses([load_note(fuzzy / NOTE)[0]]) if s.note == "translated"]
    assert (status.translated, status.fuzzy, status.untranslated) == (
        counts["translated"],
        counts["fuzzy"],
        counts["untranslated"],
    )
    result = run_in(fuzzy, "i18n", "status", "--json", NOTE)
    assert result.returncode == 0, result.stderr
    (row,) = [r for r in json.loads(result.stdout) if r["note"] == "translated" and r["language"] == "fr"]
    assert (row["translated"], row["fuzzy"], row["untranslated"], row["total"]) == (
        counts["translated"],
        counts["fuzzy"],
        counts["untranslated"],
        len(views),
    )


def test_views_follow_the_note_and_the_catalog(project):
    views = wb.unit_views(project / NOTE, "fr")
    catalog = catalogs.load(project / FR_PO, "fr")
    assert [v.msgid for v in views] == [m.id for m in catalogs.extract(load_note(project / NOTE)[0]) if m.id]
    lines = (project / FR_PO).read_text(encoding="utf-8").splitlines()
    for view in views:
        assert view.po_line == catalog.get(view.msgid).lineno
        assert lines[view.po_line - 1].startswith("msgid "), view.msgid
        assert view.key == unit_key(view.msgid) and len(view.key) == 16
    note_lines = (project / NOTE / "note.md").read_text(encoding="utf-8").splitlines()
    assert note_lines[view_of(project, OLD).note_line - 1] == OLD
    organizer = view_of(project, "United Nations Office of Counter-Terrorism")
    assert organizer.kind == "organizers" and organizer.note_line == 11  # its first occurrence, not the contact's


def test_fuzzy_unit_has_its_previous_msgid_and_a_word_diff(fuzzy):
    view = view_of(fuzzy, NEW)
    assert (view.state, view.msgstr, view.previous) == ("fuzzy", OLD_FR, OLD)
    assert view.diff_html == "The workshop will <del>bring together</del><ins>gather</ins>:"
    assert view_of(fuzzy, "Objectives").diff_html == ""


def test_previous_msgid_survives_a_second_update(project):
    """The previous msgid stays a '#|' line through a second update (catalogs.load reads back
    what Babel 2.19 takes for a user comment), and the workbench shows it."""
    note = project / NOTE / "note.md"
    old = next(line for line in note.read_text(encoding="utf-8").splitlines() if line.startswith(INTRO_START))
    edit(note, "on 7 and 8 November 2023", "on 7 and 9 November 2023")
    update(project)
    assert "#| msgid" in (project / FR_PO).read_text(encoding="utf-8")
    assert view_of(project, INTRO_START).previous == old
    first = (project / FR_PO).read_bytes()
    update(project)
    assert (project / FR_PO).read_bytes() == first and b"# | msgid" not in first
    view = view_of(project, INTRO_START)
    assert view.previous == old
    assert "<del>8</del><ins>9</ins>" in view.diff_html


def test_source_html_escapes_what_the_text_says(project):
    edit(
        project / NOTE / "note.md",
        "\n# Objectives\n",
        "\nBeware of &lt;script>alert(1)&lt;/script> and `<b>bold</b>` in *this* text.\n\n# Objectives\n",
    )
    view = view_of(project, "Beware of")
    assert view.source_html == (
        "Beware of &lt;script&gt;alert(1)&lt;/script&gt; and"
        " <code>&lt;b&gt;bold&lt;/b&gt;</code> in <em>this</em> text."
    )
    assert view.state == "untranslated" and view.po_line == 0


def test_source_html_shows_footnote_calls_and_link_texts(project):
    assert view_of(project, INTRO_START).source_html.endswith(
        "<em>United Nations Global Counter-Terrorism Strategy</em>.<sup>[^strategy]</sup>"
    )
    assert view_of(project, LINK_UNIT).source_html.endswith(
        '<span class="link" title="https://www.un.org/counterterrorism/">'
        "United Nations Office of Counter-Terrorism</span>."
    )


def test_a_language_the_note_is_not_translated_into_is_refused(project):
    for lang in ("en", "de", "../../etc"):
        with pytest.raises(NoteError, match="is not a language this note is translated into"):
            wb.unit_views(project / NOTE, lang)
    with pytest.raises(UsageError, match="unknown filter 'done'"):
        wb.unit_views(project / NOTE, "fr", "done")
    with pytest.raises(NoteError, match="no note.md"):
        wb.unit_views(project / "content", "fr")


# Checks ------------------------------------------------------------------------------------------


def test_check_reports_a_dropped_footnote_call_and_link():
    msgid = "See the *Strategy*[^strategy] and [the website](https://www.un.org/)."
    assert said(wb.check(msgid, "Voir la *Stratégie* et le site.")) == [
        "the translation drops footnote call [^strategy]",
        "the translation drops link target https://www.un.org/",
    ]
    assert said(wb.check(msgid, "Voir la *Stratégie*[^strategy] et [le site](https://www.un.org/).")) == []
    assert said(wb.check(msgid, "  ")) == []


def test_check_with_the_note_is_the_build_check(project):
    """With its note a unit is checked by the build's translator: the message `build.py check`
    gives for the catalog is the view's."""
    note = load_note(project / NOTE)[0]
    intro = view_of(project, INTRO_START)
    assert said(wb.check(intro.msgid, intro.msgstr, note, "fr")) == []
    dropped = intro.msgstr.replace("[^strategy]", "")
    assert said(wb.check(intro.msgid, dropped, note, "fr")) == ["the translation drops footnote call [^strategy]"]
    assert wb.check(intro.msgid, dropped, note, "fr").errors[0].path.endswith(FR_PO)  # where the build says it

    saved = save_unit(project / NOTE, "fr", intro.key, dropped, intro.msgstr, intro.state)
    assert saved.problems == ("the translation drops footnote call [^strategy]",)
    result = run_in(project, "check", NOTE)
    assert result.returncode == 1
    assert f"{FR_PO}:{saved.po_line}: the translation drops footnote call [^strategy]" in result.stderr


# Saving ------------------------------------------------------------------------------------------


def test_save_of_a_fuzzy_unit_writes_the_catalog_as_update_does(fuzzy):
    view = view_of(fuzzy, NEW)
    saved = save_unit(fuzzy / NOTE, "fr", view.key, "L'atelier rassemblera :", view.msgstr, view.state)
    assert (saved.state, saved.msgstr, saved.previous, saved.diff_html, saved.problems) == (
        "translated",
        "L'atelier rassemblera :",
        "",
        "",
        (),
    )
    po = fuzzy / FR_PO
    entry = polib.pofile(str(po)).find(NEW)
    assert entry.msgstr == "L'atelier rassemblera :" and "fuzzy" not in entry.flags
    assert entry.previous_msgid is None and not entry.tcomment
    assert po.read_text(encoding="utf-8").splitlines()[saved.po_line - 1] == f'msgid "{NEW}"'
    result = subprocess.run([need("msgfmt"), "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert catalogs.msgfmt_check(po) == []

    before = po.read_bytes()
    update(fuzzy)
    assert po.read_bytes() == before
    assert view_of(fuzzy, NEW) == saved


def test_save_changes_only_its_entry(project):
    po = project / FR_PO
    before = po.read_text(encoding="utf-8")
    view = view_of(project, "Objectives")
    save_unit(project / NOTE, "fr", view.key, "Buts", view.msgstr, view.state)
    assert po.read_text(encoding="utf-8") == before.replace('msgstr "Objectifs"', 'msgstr "Buts"')


def test_a_stale_base_is_a_conflict_and_the_first_save_stays(project):
    view = view_of(project, "Objectives")
    save_unit(project / NOTE, "fr", view.key, "Buts", view.msgstr, view.state)
    after_first = (project / FR_PO).read_bytes()
    with pytest.raises(wb.Conflict) as caught:
        save_unit(project / NOTE, "fr", view.key, "Finalités", view.msgstr, view.state)
    assert (caught.value.current.msgstr, caught.value.current.state) == ("Buts", "translated")
    assert (project / FR_PO).read_bytes() == after_first
    current = caught.value.current
    assert save_unit(project / NOTE, "fr", current.key, "Finalités", current.msgstr, current.state).msgstr == "Finalités"


def test_unknown_key_is_a_clear_error(project):
    before = (project / FR_PO).read_bytes()
    with pytest.raises(wb.UnknownUnit, match="no unit of this note has the key '0123456789abcdef'.*reload"):
        save_unit(project / NOTE, "fr", "0123456789abcdef", "x", "", "untranslated")
    assert issubclass(wb.UnknownUnit, NoteError)
    assert (project / FR_PO).read_bytes() == before


@pytest.mark.parametrize(
    "msgstr, message",
    [
        ("Buts\u202e", "bidirectional control character U\\+202E is not allowed"),
        ("x" * (MAX_MSGSTR_CHARS + 1), "the translation has 20,001 characters"),
    ],
)
def test_a_translation_the_project_refuses_is_not_saved(project, msgstr, message):
    before = (project / FR_PO).read_bytes()
    view = view_of(project, "Objectives")
    with pytest.raises(NoteError, match=message) as caught:
        save_unit(project / NOTE, "fr", view.key, msgstr, view.msgstr, view.state)
    assert caught.value.problems[0].path == str(project / FR_PO)
    assert caught.value.problems[0].line == view.po_line
    assert (project / FR_PO).read_bytes() == before


def test_work_in_progress_is_saved_with_its_problems(project):
    view = view_of(project, LINK_UNIT)
    wip = "Les demandes peuvent être adressées au Bureau via <b>son site</b>."
    saved = save_unit(project / NOTE, "fr", view.key, wip, view.msgstr, view.state)
    assert saved.msgstr == wip and saved.state == "translated"
    assert "the translation drops link target https://www.un.org/counterterrorism/" in saved.problems
    assert any("HTML" in problem for problem in saved.problems), saved.problems


def test_crlf_from_a_browser_is_saved_as_lf(project):
    view = view_of(project, "Objectives")
    saved = save_unit(project / NOTE, "fr", view.key, "Buts  \r\net fins", view.msgstr, view.state)
    assert saved.msgstr == "Buts  \net fins"
    assert b"\r" not in (project / FR_PO).read_bytes()


def test_save_without_a_catalog_creates_it_as_update_would(project):
    po = project / FR_PO
    po.unlink()
    views = wb.unit_views(project / NOTE, "fr")
    assert {(v.state, v.po_line) for v in views} == {("untranslated", 0)}
    view = view_of(project, "Objectives")
    saved = save_unit(project / NOTE, "fr", view.key, "Objectifs", "", "untranslated")
    assert saved.state == "translated" and saved.po_line > 0
    assert catalogs.msgfmt_check(po) == []
    before = po.read_bytes()
    update(project)
    assert po.read_bytes() == before
    assert sum(v.state == "translated" for v in wb.unit_views(project / NOTE, "fr")) == 1


def test_two_saves_at_once_from_the_same_base_one_conflicts(project):
    from concurrent.futures import ThreadPoolExecutor

    view = view_of(project, "Objectives")

    def save(text: str) -> str:
        try:
            return save_unit(project / NOTE, "fr", view.key, text, view.msgstr, view.state).msgstr
        except wb.Conflict as conflict:
            return f"conflict: {conflict.current.msgstr}"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(save, ["Buts", "Finalités"]))
    assert results in (["Buts", "conflict: Buts"], ["Finalités", "conflict: Finalités"])
    assert view_of(project, "Objectives").msgstr == results[0]


def test_check_without_the_note_leaves_its_assets_alone():
    """Without the note there is no assets folder: its image is not the translation's
    problem (nor can a dropped image be seen: pass the note for that)."""
    assert said(wb.check("See ![a map](map.png) here.", "Voir ![une carte](map.png) ici.")) == []
    assert said(wb.check("A *b* c", "A b c")) == [
        "the translation has no emphasis (*...*) where the source has 1: a '*' or '_' is missing or extra"
    ]
