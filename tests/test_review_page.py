"""The preview's "Review import" page: a reviewed DOCX read as ``review import`` reads it,
each change shown with its line and word diff, the accepted ones written at once; the
workbench's token, Origin and conflict (409) rules; in Chromium, upload, reject one unit,
accept the rest, and note.md shows exactly the accepted ones (issue 23)."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

from conceptnotes.render.docx.template import MAX_TEMPLATE_BYTES
from tests import test_write_gate
from tests.conftest import run_in, running_server
from tests.test_browser import until
from tests.test_review import build_docx, changed_lines, english_review, french_review
from tests.test_serve import get, post, token_of

NOTE = "official"
audited = test_write_gate.audited  # the fixture that logs every open of a project file, in every process


def note_of(project: Path) -> Path:
    return project / "content" / NOTE / "note.md"


def sent(path: Path, name: str = "reviewed.en.docx", data: bytes | None = None) -> dict:
    return {"name": name, "docx": base64.b64encode(path.read_bytes() if data is None else data).decode()}


def test_the_plan_the_refusals_the_conflict_and_the_chosen_changes_written(root, audited):
    """Over HTTP; and every open of a project file by the server goes through read/files.py or
    writing.py (tests/test_write_gate.py's hook)."""
    project = root(NOTE)
    note = note_of(project)
    reviewed = english_review(project)
    report = audited(project)
    with running_server(project) as url:
        token, origin, api = token_of(url), url.rstrip("/"), f"{url}api/review/{NOTE}/en"
        status, page = get(f"{url}review/{NOTE}/en")
        assert status == 200 and b"Review import" in page
        assert b'href="/review/official/en"' in get(f"{url}note/{NOTE}/en")[1]  # the note page links to it
        assert post(api, sent(reviewed), token=None, origin=origin)[0] == 403
        assert post(api, sent(reviewed), token=token, origin="http://evil.example")[0] == 403
        status, plan = post(api, sent(reviewed), token=token, origin=origin)
        assert status == 200, plan
        assert [(c["file"], c["line"]) for c in plan["changes"]] == [("note.md", n) for n in (24, 26, 28, 36, 40, 46)]
        assert len({c["id"] for c in plan["changes"]}) == 6
        heading = plan["changes"][1]
        assert (heading["source"], heading["diff"]) == ("Background", [["=", "Background"], ["+", " and context"]])
        assert [(c["author"], c["where"], c["text"]) for c in plan["comments"]][0] == (
            "Chief", "note.md:28", "Say which role.")
        assert plan["listed"] == []  # the words made bold at note.md:28 are a change of the note's now
        # the command's checks: a hostile DOCX, one too large, one of another language
        hostile = _with_dtd(reviewed, project / "hostile.docx")
        status, answer = post(api, sent(hostile, "hostile.docx"), token=token, origin=origin)
        assert status == 422 and "hostile.docx: refused" in answer["problems"][0] and "DTD" in answer["problems"][0]
        status, answer = post(api, sent(reviewed, data=b"\0" * (MAX_TEMPLATE_BYTES + 1)), token=token, origin=origin)
        assert (status, answer["problems"]) == (422, ["reviewed.en.docx: larger than 20 MB"])
        status, answer = post(f"{url}api/review/{NOTE}/fr", sent(reviewed), token=token, origin=origin)
        assert status == 422 and "is the note in 'en'" in answer["problems"][0]
        # note.md changed since the plan was shown: a conflict, nothing written
        text = note.read_text(encoding="utf-8").replace("# Introduction\n", "# Introduction\n\nAdded.\n", 1)
        note.write_text(text, encoding="utf-8")
        accept = [c["id"] for c in plan["changes"] if c["line"] != 36]
        body = {**sent(reviewed), "accept": accept, "base": plan["base"]}
        assert post(f"{api}/write", body, token=None, origin=origin)[0] == 403
        status, answer = post(f"{api}/write", body, token=token, origin=origin)
        assert status == 409 and [c["line"] for c in answer["plan"]["changes"]] == [26, 28, 30, 38, 42, 48]
        assert note.read_text(encoding="utf-8") == text
        # written over the plan as it reads now: the five accepted changes, at their lines now
        status, answer = post(f"{api}/write", {**body, "base": answer["plan"]["base"]}, token=token, origin=origin)
        assert status == 200, answer
        assert (answer["written"], answer["accepted"]) == ("content/official/note.md", 5)
    seen, others, _ = report()
    assert others == [], "\n".join(others)
    assert "note.md" in seen
    after = note.read_text(encoding="utf-8")
    old = text.splitlines()
    assert [line for line, _ in changed_lines(text, after)] == [old[25], old[27], old[29], old[41], old[47]]
    assert "Strategy in 2023." in after and "in 2026." not in after  # the rejected change


def test_a_translation_s_accepted_change_goes_into_the_catalog_and_the_rejected_one_not(root):
    project = root(NOTE)
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / f"{NOTE}.po"
    assert run_in(project, "i18n", "update").returncode == 0  # the catalog as the tool writes it
    before = catalog.read_text(encoding="utf-8")
    reviewed = french_review(project)
    with running_server(project) as url:
        token, origin, api = token_of(url), url.rstrip("/"), f"{url}api/review/{NOTE}/fr"
        status, plan = post(api, sent(reviewed, "reviewed.fr.docx"), token=token, origin=origin)
        assert status == 200, plan
        assert [(c["file"], c["source"]) for c in plan["changes"]] == [
            (f"locales/fr/LC_MESSAGES/{NOTE}.po", "Contexte"),
            (f"locales/fr/LC_MESSAGES/{NOTE}.po", "Le *Dialogue virtuel* s'est tenu les 25 et 26 mai 2021.")]
        assert [(c["author"], c["file"]) for c in plan["comments"]] == [("Réviseur", f"locales/fr/LC_MESSAGES/{NOTE}.po")]
        body = {**sent(reviewed, "reviewed.fr.docx"), "accept": [plan["changes"][1]["id"]], "base": plan["base"]}
        status, answer = post(f"{api}/write", body, token=token, origin=origin)
        assert status == 200 and answer["written"] == f"locales/fr/LC_MESSAGES/{NOTE}.po", answer
    assert changed_lines(before, catalog.read_text(encoding="utf-8")) == [
        ("msgstr \"Le *Dialogue virtuel* s'est tenu les 25 et 26 mai 2021.\"",
         "msgstr \"Le *Dialogue* s'est tenu les 25 et 26 mai 2021.\"")]


def _with_dtd(docx: Path, path: Path) -> Path:
    with zipfile.ZipFile(docx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "boom">]>', 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_write_needs_the_ids_of_the_plan(root):
    project = root(NOTE)
    docx = build_docx(project, "en")
    with running_server(project) as url:
        token, origin, api = token_of(url), url.rstrip("/"), f"{url}api/review/{NOTE}/en"
        status, plan = post(api, sent(docx), token=token, origin=origin)
        assert status == 200 and plan["changes"] == []
        body = {**sent(docx), "accept": ["no-such-unit"], "base": plan["base"]}
        status, answer = post(f"{api}/write", body, token=token, origin=origin)
        assert status == 400 and "no change of this review has the id 'no-such-unit'" in answer["problems"][0]
        status, answer = post(f"{api}/write", {**body, "docx": "not base64!"}, token=token, origin=origin)
        assert status == 400 and "base64" in answer["problems"][0]


# Chromium -------------------------------------------------------------------------------------------


def test_upload_reject_one_accept_the_rest_and_write(root, page, tmp_path):
    project = root(NOTE)
    note = note_of(project)
    reviewed = english_review(project)
    before = note.read_text(encoding="utf-8")
    with running_server(project) as url:
        page.goto(f"{url}note/{NOTE}/en")
        page.get_by_role("link", name="Review import").click()
        page.wait_for_url(f"{url}review/{NOTE}/en")
        page.wait_for_load_state("load")  # review.js listens to the file input once it has run
        page.locator("#r-file").set_input_files(str(reviewed))
        changes = page.locator("#r-changes > li")
        until(page, lambda: changes.count() == 6, "the six changes")
        heading = changes.filter(has_text="note.md:26")
        assert heading.locator(".source").inner_text() == "Background"
        assert heading.locator(".diff ins").inner_text() == " and context"
        assert page.locator("#r-comments li").count() == 3 and page.locator("#r-listed li").count() == 0
        changes.filter(has_text="note.md:36").locator(".accept").uncheck()  # rejected
        page.screenshot(path=tmp_path / "review.png", full_page=True)
        page.locator("#r-write").click()
        page.locator("#r-status", has_text="Written: 5 change(s) into content/official/note.md.").wait_for()
    after = note.read_text(encoding="utf-8")
    old = before.splitlines()
    assert [line for line, _ in changed_lines(before, after)] == [old[23], old[25], old[27], old[39], old[45]]
    assert "Strategy in 2023." in after and "in 2026." not in after  # the rejected change
