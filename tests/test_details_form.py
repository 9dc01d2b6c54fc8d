"""The Details form of the preview: the front matter's fields written into note.md.

What is proved, by reading the files back: the writer's YAML reads back through the
project's own reader (``read.loader.load_note``, ``read.frontmatter``) to exactly the
values entered, YAML 1.1 traps included (``no``, ``on``, ``yes``, ``1.10``, a date as a
title, ``NO`` as a country, ``#`` and ``: `` inside, a leading ``*``, ``&``, ``!`` or
``-``); every other byte of the file stays (the body, the comments, the lines of the
fields not changed; CRLF line ends); a save needs the page's token and its Origin, and
a note changed on disk since the form was loaded is a conflict (409), nothing written.
In Chromium: a new note filled in the form builds; a wrong date shows its message
beside the field; a note changed on disk and in the form at once gets the conflict.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
import ruamel.yaml
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conceptnotes.errors import NoteError
from conceptnotes.new_note import note_text
from conceptnotes.read.frontmatter import split_front_matter
from conceptnotes.read.loader import load_note
from conceptnotes.serve import details, front_lines

from . import test_write_gate
from .conftest import run_in, running_server
from .test_browser import until

audited = test_write_gate.audited  # the fixture that logs every open of a project file, in every process

SETTINGS = dict(
    deadline=None,
    database=None,  # nothing written into the repository
    # the same examples in CI (a run that passed passes again); new ones on a developer's machine
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
NOTE_ID = "forum-2026"
SAVED = re.compile(r"^saved")  # not "Not saved: ..."
SAMPLE_FRONT = """\
title: High-Level Conference  # the invitation's words
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11  # two days
  city: Málaga
  country: ES
organizers:
  # the lead office first
  - United Nations Office of Counter-Terrorism
  - Government of Spain  # host
distribution: General
contacts:
  - name: UNOCT
    url: https://www.un.org/counterterrorism/
keywords: [human rights]
"""
BODY = "\n# Introduction\n\nText with a colon: and # a hash.\n\n- no\n- on\n"
# YAML 1.1 reads these as something other than the text (a boolean, a number, a date, null),
# or cannot read them plain at all
TRAPS = ["no", "on", "yes", "No", "OFF", "y", "1.10", "2022-05-10", "12:30", "0o17", "0x1F", "1e3", ".inf", "null",
         "~", "Border Security: the Way Forward", "Item # 5", "*UNOCT", "&Spain", "!important", "- a dash", "[x]",
         "{x}", "'quoted'", '"quoted"', "a: b # c", "%YAML", "@home", "`tick`", "|pipe", ">fold", "?query", "ends:",
         "back\\slash", "Заседание Совета", "会议", "مؤتمر", "x\u2028y"]


def project_with(tmp_path: Path, text: str, name: str = NOTE_ID) -> Path:
    """A project with one note whose note.md is ``text`` (written as bytes: line ends as given)."""
    folder = tmp_path / "project" / "content" / name
    folder.mkdir(parents=True)
    (folder / "note.md").write_bytes(text.encode("utf-8"))
    (tmp_path / "project" / "locales").mkdir()
    return folder.absolute()


def saved(folder: Path, change: dict) -> tuple[bytes, bytes]:
    """note.md before and after a save of the form's values with ``change`` applied."""
    before = (folder / "note.md").read_bytes()
    front = details.read_front(folder)
    values = json.loads(json.dumps(front.values)) | change
    details.save(folder, values, front.values, threading.Lock())
    return before, (folder / "note.md").read_bytes()


def meta_of(folder: Path):
    note, _ = load_note(folder)
    return note.meta


def front_of(text: str) -> str:
    return split_front_matter(text, Path("note.md")).front


def comment_texts(text: str) -> Counter:
    return Counter(comment for _, comment in front_lines.comments(front_of(text)))


# The writer -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("trap", TRAPS)
def test_a_trap_reads_back_as_the_text_entered(tmp_path, trap):
    folder = project_with(tmp_path, f"---\n{SAMPLE_FRONT}---\n{BODY}")
    before, after = saved(folder, {
        "title": trap, "subtitle": trap, "symbol": trap,
        "event": {"start": "2022-05-10", "end": "2022-05-11", "city": trap, "country": "NO", "venue": trap},
        "organizers": [trap, "Government of Spain"],
        "contacts": [{"name": trap, "email": "", "url": "", "phone": trap}],
    })
    meta = meta_of(folder)
    assert (meta.title, meta.subtitle, meta.symbol) == (trap, trap, trap)
    assert (meta.event.city, meta.event.venue, meta.event.country) == (trap, trap, "NO")
    assert meta.organizers == (trap, "Government of Spain")
    assert (meta.contacts[0].name, meta.contacts[0].phone) == (trap, trap)
    assert after.split(b"\n---\n", 1)[1] == before.split(b"\n---\n", 1)[1]  # the body, byte for byte
    assert comment_texts(after.decode()) == comment_texts(before.decode())
    # any other reader of the file reads the same text: YAML 1.1 (PyYAML's safe loader) and 1.2 (ruamel.yaml)
    for loaded in (yaml.safe_load(front_of(after.decode())),
                   ruamel.yaml.YAML(typ="safe", pure=True).load(front_of(after.decode()))):
        assert (loaded["title"], loaded["event"]["city"], loaded["event"]["country"]) == (trap, trap, "NO")
        assert loaded["organizers"] == [trap, "Government of Spain"] and loaded["contacts"][0]["phone"] == trap


def test_only_the_lines_of_what_changed_change(tmp_path):
    folder = project_with(tmp_path, f"---\n{SAMPLE_FRONT}---\n{BODY}")
    before, after = saved(folder, {"title": "Forum on Counter-Terrorism", "date": "2022-04-01"})
    changed = [line for line in difflib.ndiff(before.decode().splitlines(), after.decode().splitlines())
               if line[:1] in "+-"]
    assert changed == ["- title: High-Level Conference  # the invitation's words",
                       "+ title: Forum on Counter-Terrorism  # the invitation's words",
                       "+ date: 2022-04-01"]
    meta = meta_of(folder)
    assert str(meta.date) == "2022-04-01" and meta.keywords == ("human rights",)


def test_a_list_item_added_and_a_field_removed_keep_every_comment(tmp_path):
    folder = project_with(tmp_path, f"---\n{SAMPLE_FRONT}---\n{BODY}")
    before, after = saved(folder, {"subtitle": "", "organizers": ["United Nations Office of Counter-Terrorism"],
                                   "contacts": [{"name": "UNOCT", "email": "unoct@un.org", "url": "", "phone": ""},
                                                {"name": "Spain", "email": "", "url": "", "phone": ""}]})
    text = after.decode()
    assert "subtitle" not in text and "Government of Spain" not in text
    assert comment_texts(text) == comment_texts(before.decode())  # '# host' stays, on a line of its own
    meta = meta_of(folder)
    assert meta.subtitle == "" and meta.organizers == ("United Nations Office of Counter-Terrorism",)
    assert [(c.name, c.email, c.url) for c in meta.contacts] == [
        ("UNOCT", "unoct@un.org", ""), ("Spain", "", "")]


def test_crlf_line_ends_and_a_new_note_stay_as_they_are(tmp_path):
    folder = project_with(tmp_path, note_text(("en",), "en").replace("\n", "\r\n"))
    before, after = saved(folder, {
        "title": "Forum", "symbol": "A/CONF.1/1", "languages": ["en", "fr"],
        "event": {"start": "2026-03-02", "end": "2026-03-03", "city": "Nairobi", "country": "KE", "venue": "UNON"},
        "organizers": ["UNEP", "UN-Habitat"], "numbered_paragraphs": True})
    assert b"\n" not in after.replace(b"\r\n", b"")  # every line ends as the file's did
    assert comment_texts(after.decode()) == comment_texts(before.decode())
    assert after.split(b"\r\n---\r\n", 1)[1] == before.split(b"\r\n---\r\n", 1)[1]
    lines = after.decode().split("\r\n")
    for key in ("symbol", "venue"):  # under the line 'build.py new' wrote for it
        assert lines[next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{key}:")) - 1].lstrip(
        ).startswith(f"# {key}:")
    meta = meta_of(folder)
    assert (meta.title, meta.symbol, meta.languages) == ("Forum", "A/CONF.1/1", ("en", "fr"))
    assert (meta.event.venue, meta.organizers, meta.numbered_paragraphs) == ("UNON", ("UNEP", "UN-Habitat"), True)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=60, **SETTINGS)
@given(title=TEXT, city=TEXT, organizers=st.lists(TEXT, min_size=1, max_size=3), name=TEXT)
@example(title="no", city="1.10", organizers=["on", "yes"], name="*x")
@example(title="a: b", city="#c", organizers=["- d", "&e"], name="!f")
def test_any_text_is_written_as_the_reader_reads_it(tmp_path_factory, title, city, organizers, name):
    """Whatever the officer types: the writer's YAML composes back (the project's own composer)
    to the text as the reader strips it, and the rest of the file is unchanged; when the
    reader accepts the text, the note's values are exactly it."""
    folder = project_with(tmp_path_factory.mktemp("note"), f"---\n{SAMPLE_FRONT}---\n{BODY}")
    front = details.read_front(folder)
    values = json.loads(json.dumps(front.values))
    values.update(title=title, organizers=organizers, contacts=[dict(values["contacts"][0], name=name)])
    values["event"]["city"] = city
    values = details.posted_values(values, front.values)
    data = front.with_values(values)
    assert details.read_front(folder, data).values == values
    assert data.split(b"\n---\n", 1)[1] == BODY.encode()
    assert comment_texts(data.decode()) == comment_texts(front.text)
    for loaded in (yaml.safe_load(front_of(data.decode())),
                   ruamel.yaml.YAML(typ="safe", pure=True).load(front_of(data.decode()))):
        assert (loaded["title"], loaded["event"]["city"]) == (values["title"], values["event"]["city"])
        assert loaded.get("organizers", []) == values["organizers"]
    try:
        note, _ = load_note(folder, data=data)
    except NoteError:
        return  # a value the reader refuses (a control character, an empty one): the form shows why
    assert (note.meta.title, note.meta.event.city, note.meta.contacts[0].name) == (values["title"], city.strip(),
                                                                                  name.strip())
    assert note.meta.organizers == tuple(values["organizers"])


OPTIONAL_TEXT = st.one_of(st.just(""), TEXT)
CONTACT = st.fixed_dictionaries({"name": TEXT, "email": st.sampled_from(["", "office@un.org"]),
                                 "url": st.sampled_from(["", "https://www.un.org/"]), "phone": OPTIONAL_TEXT})
FRONTS = {"sample": f"---\n{SAMPLE_FRONT}---\n{BODY}", "new": note_text(("en",), "en"),
          "new, CRLF": note_text(("en", "fr"), "en").replace("\n", "\r\n")}


@settings(max_examples=60, **SETTINGS)
@given(which=st.sampled_from(sorted(FRONTS)), subtitle=OPTIONAL_TEXT, symbol=OPTIONAL_TEXT, venue=OPTIONAL_TEXT,
       date=st.sampled_from(["", "2022-04-01", "TODO"]), numbered=st.booleans(),
       langs=st.lists(st.sampled_from(["ar", "en", "es", "fr", "ru", "zh"]), min_size=1, unique=True),
       organizers=st.lists(TEXT, max_size=3), contacts=st.lists(CONTACT, max_size=3))
def test_fields_added_removed_and_changed_keep_the_rest(tmp_path_factory, which, subtitle, symbol, venue, date,
                                                        numbered, langs, organizers, contacts):
    """Fields added, emptied (removed) and changed, lists grown and shrunk, on the sample's
    front matter and on the one 'build.py new' writes (CRLF too): the values read back, and
    the body, every comment and the lines of the keys the form does not write stay."""
    folder = project_with(tmp_path_factory.mktemp("note"), FRONTS[which])
    front = details.read_front(folder)
    values = json.loads(json.dumps(front.values))
    values.update(subtitle=subtitle, symbol=symbol, date=date, numbered_paragraphs=numbered, languages=langs,
                  organizers=organizers, contacts=contacts)
    values["event"]["venue"] = venue
    values = details.posted_values(values, front.values)
    data = front.with_values(values)
    assert details.read_front(folder, data).values == values
    fence = "\r\n---\r\n" if "CRLF" in which else "\n---\n"
    assert data.decode().split(fence, 1)[1] == FRONTS[which].split(fence, 1)[1]
    assert comment_texts(data.decode()) == comment_texts(FRONTS[which])
    kept = [line for line in FRONTS[which].splitlines(keepends=True)
            if line.startswith(("source_language:", "distribution:", "keywords:"))]
    assert all(line in data.decode().splitlines(keepends=True) for line in kept)


def test_a_block_scalar_is_replaced_and_the_next_key_kept(tmp_path):
    front = SAMPLE_FRONT.replace("title: High-Level Conference  # the invitation's words",
                                 "title: >\n  High-Level\n  Conference\n\n")
    folder = project_with(tmp_path, f"---\n{front}---\n{BODY}")
    _, after = saved(folder, {"title": "Forum"})
    assert after.decode().startswith("---\ntitle: Forum\n\n\nsubtitle: Concept note\n")  # the blank lines kept
    assert (meta_of(folder).title, meta_of(folder).subtitle) == ("Forum", "Concept note")


def test_a_comment_the_form_cannot_keep_stops_the_save(tmp_path):
    front = SAMPLE_FRONT.replace("languages: [en]", "languages: [en,  # English first\n  fr]")
    folder = project_with(tmp_path, f"---\n{front}---\n{BODY}")
    before = (folder / "note.md").read_bytes()
    with pytest.raises(NoteError, match="English first"):
        saved(folder, {"languages": ["en"]})
    assert (folder / "note.md").read_bytes() == before


def test_values_that_would_not_read_back_are_not_written(tmp_path):
    folder = project_with(tmp_path, f"---\n{{}}\n---\n{BODY}")  # a front matter written as one flow mapping
    before = (folder / "note.md").read_bytes()
    with pytest.raises(NoteError, match="the form could not write these values; nothing was saved"):
        saved(folder, {"title": "Forum"})
    assert (folder / "note.md").read_bytes() == before


def test_the_problems_are_the_checks_by_field(tmp_path):
    folder = project_with(tmp_path, f"---\n{SAMPLE_FRONT}---\n{BODY}")
    values = details.read_front(folder).values
    values["event"] = dict(values["event"], end="2022-05-01")
    values["date"] = "1900-01-01"
    found = {p["field"]: p["message"] for p in details.check(folder, values)["problems"]}
    assert found["event.end"] == "'event.end' (2022-05-01) is before 'event.start' (2022-05-10): correct one of the two dates"
    assert "between 1945 and 2100" in found["date"]


# The server -----------------------------------------------------------------------------------------


@pytest.fixture
def new_project(tmp_path) -> Path:
    """A project with one note as ``build.py new`` writes it: every field TODO, every comment."""
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    assert run_in(project, "new", NOTE_ID).returncode == 0
    return project


def test_a_save_needs_the_token_the_origin_and_the_values_it_was_loaded_with(new_project, audited):
    """The refusals and the conflict, over HTTP; and every open of a project file by the
    form's answers goes through read/files.py or writing.py (tests/test_write_gate.py's hook)."""
    from .test_serve import get, post, token_of

    note = new_project / "content" / NOTE_ID / "note.md"
    report = audited(new_project)
    with running_server(new_project) as url:
        token, origin, api = token_of(url), url.rstrip("/"), f"{url}api/details/{NOTE_ID}/en"
        status, page = get(api)
        loaded = json.loads(page)["values"]
        body = {"values": dict(loaded, title="Forum on Youth"), "base": loaded}
        assert post(f"{api}/check", {"values": body["values"]}, token=None, origin=origin)[0] == 403
        status, answer = post(f"{api}/check", {"values": body["values"]}, token=token, origin=origin)
        said = [(p["field"], p["message"], p["warning"]) for p in answer["problems"]]
        assert status == 200 and ("title", "still TODO ('title'): write the title of the event", True) not in said
        assert ("event.city", "still TODO ('event.city'): write the city where the event takes place", True) in said
        written = note.read_bytes()
        assert post(api, body, token=None, origin=origin)[0] == 403
        assert post(api, body, token="forged", origin=origin)[0] == 403
        assert post(api, body, token=token, origin=None)[0] == 403
        assert post(api, body, token=token, origin="http://evil.example")[0] == 403
        assert post(f"{url}api/details/no-such-note/en", body, token=token, origin=origin)[0] == 404
        assert note.read_bytes() == written
        # the officer's editor saves another title meanwhile: the form's save is a conflict
        note.write_text(note.read_text(encoding="utf-8").replace("title: TODO", "title: Forum on Cities"), "utf-8")
        written = note.read_bytes()
        status, answer = post(api, body, token=token, origin=origin)
        assert (status, answer["values"]["title"]) == (409, "Forum on Cities")
        assert note.read_bytes() == written
        # saved again over what the file now says: written
        status, answer = post(api, {"values": body["values"], "base": answer["values"]}, token=token, origin=origin)
        assert status == 200, answer
    assert meta_of(note.parent).title == "Forum on Youth"
    seen, others, _ = report()
    assert others == [], "\n".join(others)
    assert "note.md" in seen


# Chromium -------------------------------------------------------------------------------------------


def open_form(page, url: str):
    """The note's page with its Details form open and filled from note.md."""
    page.goto(f"{url}note/{NOTE_ID}/en")
    page.locator("#details summary").click()
    form = page.locator("#details-form")
    form.locator("#d-organizers input").first.wait_for()  # filled: 'build.py new' writes one organizer
    return form


def test_a_new_note_filled_in_the_form_builds(new_project, page, tmp_path):
    from pypdf import PdfReader

    note = new_project / "content" / NOTE_ID / "note.md"
    before = note.read_text(encoding="utf-8")
    with running_server(new_project) as url:
        form = open_form(page, url)
        form.locator('[data-field="title"]').fill("Regional Forum on Youth and Counter-Terrorism")
        form.locator('[data-field="date"]').fill("2026-02-16")
        form.locator('[data-field="event.start"]').fill("2026-03-02")
        form.locator('[data-field="event.end"]').fill("2026-03-03")
        form.locator('[data-field="event.city"]').fill("Nairobi")
        form.locator('[data-field="event.country"]').select_option("KE")
        form.locator('[data-field="event.venue"]').fill("United Nations Office at Nairobi")
        form.locator("#d-organizers input").first.fill("United Nations Office of Counter-Terrorism")
        form.locator("#d-add-organizer").click()
        form.locator("#d-organizers input").last.fill("Government of Kenya")
        form.locator('#d-contacts [data-key="name"]').first.fill("UNOCT")
        form.locator('#d-contacts [data-key="email"]').first.fill("unoct@un.org")
        form.locator("#d-save").click()
        form.locator("#d-status", has_text=SAVED).wait_for()
        page.screenshot(path=tmp_path / "details.png", full_page=True)
    after = note.read_text(encoding="utf-8")
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the body as 'new' wrote it
    assert comment_texts(after) == comment_texts(before)  # every comment of 'new' kept
    meta = meta_of(note.parent)
    assert (meta.event.city, meta.event.country, meta.event.venue) == ("Nairobi", "KE", "United Nations Office at Nairobi")
    assert meta.organizers == ("United Nations Office of Counter-Terrorism", "Government of Kenya")
    assert (meta.contacts[0].name, meta.contacts[0].email) == ("UNOCT", "unoct@un.org")
    result = run_in(new_project, "build", "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    pdf = PdfReader(tmp_path / "out" / NOTE_ID / f"{NOTE_ID}.en.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert "Regional Forum on Youth and Counter-Terrorism" in text and "Nairobi" in text and "Kenya" in text


def test_a_wrong_date_shows_its_message_beside_the_field(new_project, page):
    note = new_project / "content" / NOTE_ID / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("# date: 2022-04-01", "date: <b>1900</b>"), "utf-8")
    with running_server(new_project) as url:
        form = open_form(page, url)
        # what note.md says is text in the page, never markup
        said = form.locator('.field-problems[data-for="date"] li').first
        said.wait_for()
        assert "not '<b>1900</b>'" in said.inner_text() and form.locator(".field-problems b").count() == 0
        form.locator('[data-field="event.start"]').fill("2026-03-10")
        form.locator('[data-field="event.end"]').fill("2026-03-02")
        beside = form.locator('.field-problems[data-for="event.end"] li')
        beside.filter(has_text="'event.end' (2026-03-02) is before 'event.start' (2026-03-10)").wait_for()
        form.locator('[data-field="date"]').fill("1900-01-01")
        form.locator('.field-problems[data-for="date"] li', has_text="between 1945 and 2100").wait_for()
        form.locator('[data-field="event.end"]').fill("2026-03-11")
        beside.filter(has_text="is before").wait_for(state="detached")


def test_a_note_changed_on_disk_and_in_the_form_at_once_gets_the_conflict(new_project, page):
    note = new_project / "content" / NOTE_ID / "note.md"
    with running_server(new_project) as url:
        form = open_form(page, url)
        title = form.locator('[data-field="title"]')
        # changed on disk while the form is as it was filled: the form follows the file
        note.write_text(note.read_text(encoding="utf-8").replace("title: TODO", "title: Forum on Cities"), "utf-8")
        until(page, lambda: title.input_value() == "Forum on Cities", "the form to follow note.md")
        # changed on disk and in the form at once: the save is refused, the officer's text kept
        title.fill("Forum on Youth")
        note.write_text(note.read_text(encoding="utf-8").replace("Forum on Cities", "Forum on Towns"), "utf-8")
        form.locator("#d-save").click()
        form.locator("#d-status", has_text="changed meanwhile").wait_for()
        assert "title is now “Forum on Towns”" in form.locator("#d-status").inner_text()
        assert title.input_value() == "Forum on Youth"
        assert meta_of(note.parent).title == "Forum on Towns"  # nothing written
        form.locator("#d-save").click()  # saved knowingly over the other
        form.locator("#d-status", has_text=SAVED).wait_for()
    assert meta_of(note.parent).title == "Forum on Youth"


def test_a_place_without_a_un_name_is_given_by_its_name_instead_of_a_code(tmp_path):
    """The form writes ``event.country_name`` for a place the United Nations names in neither
    UNTERM nor M49, removes the emptied ``country`` line, and the note reads back so."""
    folder = project_with(tmp_path, f"---\n{SAMPLE_FRONT}---\n{BODY}")
    event = {"start": "2022-05-10", "end": "2022-05-11", "city": "Málaga", "venue": ""}
    before, after = saved(folder, {"event": {**event, "country": "", "country_name": "Neutral Zone"}})
    text = after.decode()
    assert "country: ES" not in text and "country_name: Neutral Zone" in text
    meta = meta_of(folder)
    assert (meta.event.country, meta.event.country_name) == ("", "Neutral Zone")
    assert comment_texts(text) == comment_texts(before.decode())
    _, back = saved(folder, {"event": {**event, "country": "ES", "country_name": ""}})
    assert "country_name" not in back.decode()
    assert (meta_of(folder).event.country, meta_of(folder).event.country_name) == ("ES", "")


def test_a_stopped_server_is_said_not_thrown(new_project, page):
    """A request the server does not answer (it was stopped: Ctrl-C, or the end of a test
    while a check was on its way) is said in the page, not an error of the page's script."""
    note = new_project / "content" / NOTE_ID / "note.md"
    before = note.read_bytes()
    with running_server(new_project) as url:
        form = open_form(page, url)
    form.locator('[data-field="event.city"]').fill("Nairobi")  # its check is sent to no one
    form.locator("#d-save").click()
    form.locator("#d-status", has_text="Not saved: The preview server does not answer").wait_for()
    assert note.read_bytes() == before
