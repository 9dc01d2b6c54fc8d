"""Front matter: splitting it from the body, validating it into ``Meta``, and reporting
every problem with its exact message and its 1-based line in ``note.md``.

The front matter starts at line 2 of ``note.md`` (line 1 is the opening ``---``).
These tests write their own front matter (``BASE``) so that the line numbers they
expect do not depend on other fixtures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conceptnotes.errors import NoteError
from conceptnotes.model import Contact, Event, Meta
from conceptnotes.read.frontmatter import LANGUAGES, read_meta, split_front_matter
from conceptnotes.read.loader import load_note

# note.md line:  1 is '---'
BASE = """\
title: Regional Workshop on Border Security
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Nairobi
  country: KE
organizers:
  - United Nations Office of Counter-Terrorism
"""
# 2  title          6  start     10 organizers
# 3  subtitle       7  end       11   - United Nations ...
# 4  languages      8  city      12 '---'
# 5  event          9  country   13 first body line

BODY = "\n# Introduction\n\nSome text.\n"

TOP_KEYS = "contacts, date, distribution, event, file_name, job_numbers, keywords, languages, numbered_paragraphs, organizers, source_language, subtitle, symbol, title"
EVENT_KEYS = "city, country, country_name, end, start, venue"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once in the front matter"
    return text.replace(old, new)


def note_text(front: str, body: str = BODY) -> str:
    return "---\n" + front + "---\n" + body


def write(folder: Path, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / "note.md").write_bytes(data)
    return folder


def line_of(text: str, needle: str) -> int:
    """1-based line of the one line of ``text`` that contains ``needle``."""
    found = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def problems_of(folder: Path) -> list[tuple[int, str]]:
    with pytest.raises(NoteError) as info:
        load_note(folder)
    for problem in info.value.problems:
        assert problem.path == str(folder / "note.md")
        assert not problem.warning
    return [(p.line, p.message) for p in info.value.problems]


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "content" / "test-note"


# Valid front matter ----------------------------------------------------------

FULL = """\
title: Regional Workshop on Border Security
subtitle: Concept note
symbol: UNOCT/2022/7
date: 2022-04-01
languages: [en, fr]
source_language: en
distribution: Limited
event:
  start: 2022-05-10
  end: 2022-05-12
  city: Nairobi
  country: KE
  venue: United Nations Office at Nairobi
organizers:
  - United Nations Office of Counter-Terrorism
  - Government of Kenya
contacts:
  - name: Jane Doe
    email: jane.doe@un.org
    phone: +254 20 762 1234
  - name: Programme Office
    url: https://www.un.org/counterterrorism/
keywords: [borders, security]
"""


def test_full_front_matter_gives_meta():
    meta = read_meta(FULL, Path("note.md"), 2)
    assert meta == Meta(
        title="Regional Workshop on Border Security",
        subtitle="Concept note",
        symbol="UNOCT/2022/7",
        date=dt.date(2022, 4, 1),
        languages=("en", "fr"),
        source_language="en",
        distribution="Limited",
        event=Event(dt.date(2022, 5, 10), dt.date(2022, 5, 12), "Nairobi", "KE", "United Nations Office at Nairobi"),
        organizers=("United Nations Office of Counter-Terrorism", "Government of Kenya"),
        contacts=(
            Contact("Jane Doe", email="jane.doe@un.org", phone="+254 20 762 1234"),
            Contact("Programme Office", url="https://www.un.org/counterterrorism/"),
        ),
        keywords=("borders", "security"),
    )
    # dates are plain dates, not datetimes or strings
    assert type(meta.date) is dt.date
    assert type(meta.event.start) is dt.date and type(meta.event.end) is dt.date


def test_full_front_matter_lines_are_file_lines():
    meta = read_meta(FULL, Path("note.md"), 2)
    keys = ["title", "subtitle", "symbol", "date", "languages", "source_language", "distribution",
            "event", "organizers", "contacts", "keywords"]  # fmt: skip
    lines = note_text(FULL).split("\n")
    expected = {}
    for key in keys:
        [expected[key]] = [n for n, line in enumerate(lines, start=1) if line.startswith(f"{key}:")]
    assert {key: meta.lines[key] for key in keys} == expected
    assert (meta.lines["title"], meta.lines["event"], meta.lines["keywords"]) == (2, 9, 24)


def test_front_matter_values_have_their_own_lines():
    """A unit of the front matter is referenced at its value's line, not its parent key's."""
    meta = read_meta(FULL, Path("note.md"), 2)
    lines = note_text(FULL).split("\n")

    def line_of(text: str) -> int:
        [found] = [n for n, line in enumerate(lines, start=1) if line.strip() == text]
        return found

    assert meta.lines["event.city"] == line_of("city: Nairobi")
    assert meta.lines["event.venue"] == line_of("venue: United Nations Office at Nairobi")
    assert meta.lines["organizers.0"] == line_of("- United Nations Office of Counter-Terrorism")
    assert meta.lines["organizers.1"] == line_of("- Government of Kenya")
    assert meta.lines["contacts.0.name"] == line_of("- name: Jane Doe")
    assert meta.lines["contacts.1.name"] == line_of("- name: Programme Office")
    assert meta.lines["event.city"] != meta.lines["event"]


def test_minimal_front_matter_defaults(folder):
    note, warnings = load_note(write(folder, note_text(BASE)))
    assert warnings == []
    assert note.id == "test-note"
    assert note.meta == Meta(
        title="Regional Workshop on Border Security",
        subtitle="Concept note",
        languages=("en",),
        event=Event(dt.date(2022, 5, 10), dt.date(2022, 5, 11), "Nairobi", "KE"),
        organizers=("United Nations Office of Counter-Terrorism",),
    )
    assert note.meta.symbol == "" and note.meta.date is None and note.meta.source_language == "en"
    assert note.meta.distribution == "General" and note.meta.contacts == () and note.meta.keywords == ()
    top = {"title", "subtitle", "languages", "event", "organizers"}
    assert {k: v for k, v in note.meta.lines.items() if k in top} == {
        "title": 2, "subtitle": 3, "languages": 4, "event": 5, "organizers": 10}
    assert (note.meta.lines["event.city"], note.meta.lines["organizers.0"]) == (8, 11)


def test_single_language_and_organizer_may_be_written_without_a_list():
    front = replace_once(BASE, "languages: [en]", "languages: fr")
    front = replace_once(front, "organizers:\n  - United Nations Office of Counter-Terrorism", "organizers: UNOCT")
    front += "source_language: fr\n"
    meta = read_meta(front, Path("note.md"), 2)
    assert meta.languages == ("fr",)
    assert meta.organizers == ("UNOCT",)
    assert meta.source_language == "fr"


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("subtitle: no", "subtitle", "no"),
        ("subtitle: yes", "subtitle", "yes"),
        ("subtitle: off", "subtitle", "off"),
        ("subtitle: null", "subtitle", "null"),
        ("subtitle: 2022-05-10", "subtitle", "2022-05-10"),
        ("symbol: 1.10", "symbol", "1.10"),
        ("symbol: 0x10", "symbol", "0x10"),
        ("symbol: 007", "symbol", "007"),
        ("symbol: 1e3", "symbol", "1e3"),
    ],
)
def test_scalars_stay_strings(line, key, value):
    front = replace_once(BASE, "subtitle: Concept note", line)
    meta = read_meta(front, Path("note.md"), 2)
    assert getattr(meta, key) == value
    assert type(getattr(meta, key)) is str


def test_crlf_note_loads_with_the_same_lines(folder):
    note, _ = load_note(write(folder, note_text(BASE).replace("\n", "\r\n")))
    assert note.meta.title == "Regional Workshop on Border Security"
    top = {"title", "subtitle", "languages", "event", "organizers"}
    assert {k: v for k, v in note.meta.lines.items() if k in top} == {
        "title": 2, "subtitle": 3, "languages": 4, "event": 5, "organizers": 10}
    assert (note.meta.lines["event.city"], note.meta.lines["organizers.0"]) == (8, 11)
    assert note.document.blocks[0].line == 14  # '# Introduction' after the blank line 13


# split_front_matter ---------------------------------------------------------


def test_split_front_matter_parts_and_lines():
    split = split_front_matter("---\ntitle: A\nlanguages: [en]\n---\n# Heading\n\nText.\n", Path("note.md"))
    assert split.front == "title: A\nlanguages: [en]"
    assert split.front_line == 2
    assert split.body == "# Heading\n\nText.\n"
    assert split.body_line == 5


def test_split_stops_at_the_first_closing_fence():
    split = split_front_matter("---\ntitle: A\n---\nBody\n\n---\n\nMore\n", Path("note.md"))
    assert split.front == "title: A"
    assert split.body == "Body\n\n---\n\nMore\n"
    assert split.body_line == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "\n---\n" + BASE + "---\n" + BODY,
            "blank line before the front matter: the first line must be '---'",
            id="blank-line-before",
        ),
        pytest.param(
            "---\n" + BASE + BODY,
            "the front matter is never closed: add a line '---' after it",
            id="never-closed",
        ),
        pytest.param(
            "# Introduction\n\nNo front matter.\n",
            "a note must start with front matter: a line '---', the fields (such as 'title: ...') and a closing '---'",
            id="no-front-matter",
        ),
    ],
)
def test_split_problems(folder, text, message):
    with pytest.raises(NoteError) as info:
        split_front_matter(text, Path("note.md"))
    assert [(p.line, p.message) for p in info.value.problems] == [(1, message)]
    # the same through load_note, with the file's path
    assert problems_of(write(folder, text)) == [(1, message)]


def test_empty_front_matter(folder):
    assert problems_of(write(folder, "---\n---\n" + BODY)) == [
        (1, "the front matter is empty: 'title', 'languages' and 'event' are required")
    ]


# One problem each, at the right line ----------------------------------------

# fmt: off
# (old text of BASE, new text, needle naming the expected line or a line number, message)
CASES = [
    pytest.param("title: Regional Workshop on Border Security\n", "", 2,
                 "'title' is missing: add a line 'title: ...', with the title of the event", id="missing-title"),
    pytest.param("languages: [en]\n", "", 2, "'languages' is missing: add a line 'languages: ...', with the languages, such as [en, fr]", id="missing-languages"),
    # a key missing from 'event' is reported where the event mapping starts
    pytest.param("  city: Nairobi\n", "", "start:", "'event.city' is missing: add a line 'city: ...' under 'event:', with the city where the event takes place", id="missing-event-city"),
    pytest.param("  country: KE\n", "", "start:", "'event.country' is missing: add a line 'country: ...' under 'event:', with the ISO 3166-1"
                 " alpha-2 code of the host country, such as ES",
                 id="missing-event-country"),
    pytest.param("subtitle: Concept note", "subtitle: Concept note\ncolour: blue", "colour:",
                 f"unknown key 'colour' (known keys: {TOP_KEYS})", id="unknown-key"),
    pytest.param("  city: Nairobi", "  city: Nairobi\n  room: 12", "room:",
                 f"unknown key 'event.room' (known keys: {EVENT_KEYS})", id="unknown-event-key"),
    # a key close to a known one names it, not the whole list
    pytest.param("organizers:", "organisers:", "organisers:",
                 "unknown key 'organisers': did you mean 'organizers'?", id="close-key"),
    pytest.param("  city: Nairobi", "  city: Nairobi\n  venu: UNON", "venu:",
                 "unknown key 'event.venu': did you mean 'venue'?", id="close-event-key"),
    pytest.param("subtitle: Concept note", "Subtitle: Concept note", "Subtitle:",
                 "unknown key 'Subtitle': did you mean 'subtitle'?", id="capitalized-key"),
    pytest.param("title: Regional Workshop on Border Security", "title: [Workshop, Seminar]", "[Workshop",
                 "'title' must be text, not a list", id="list-for-text"),
    pytest.param("  city: Nairobi", "  city: {name: Nairobi}", "city:",
                 "'event.city' must be text, not lines of 'name: value'", id="mapping-for-text"),
    pytest.param("languages: [en]", "languages: {en: English}", "languages:",
                 "'languages' must be a list, each item on its own line starting with '- ', not lines of 'name: value'", id="mapping-for-list"),
    pytest.param("subtitle: Concept note", "contacts:\n  - name: Focal point: Jane Doe", "Focal point",
                 "a value with ': ' in it"
                 " must be put in quotes: - name: \"Focal point: Jane Doe\"", id="colon-in-contact"),
    pytest.param("organizers:\n  - United Nations Office of Counter-Terrorism", "organizers:\n  name: UNOCT",
                 # a block value is reported at its own first line
                 "name: UNOCT", "'organizers' must be a list, each item on its own line starting with '- ',"
                 " not lines of 'name: value'", id="mapping-for-organizers"),
    pytest.param("title: Regional Workshop on Border Security", "title: ''", "title: ''", "'title' is empty: write the title of the event after the colon",
                 id="empty-title"),
    pytest.param("  start: 2022-05-10", "  start: 10/05/2022", "start:",
                 "'event.start' must be a date written YYYY-MM-DD, not '10/05/2022'", id="date-dmy"),
    pytest.param("  start: 2022-05-10", "  start: 10 May 2022", "start:",
                 "'event.start' must be a date written YYYY-MM-DD, not '10 May 2022'", id="date-words"),
    pytest.param("  start: 2022-05-10", "  start: 2022-05-10T09:00", "start:",
                 "'event.start' must be a date written YYYY-MM-DD, not '2022-05-10T09:00'", id="date-time"),
    pytest.param("subtitle: Concept note", "date: 2022-5-1", "date:",
                 "'date' must be a date written YYYY-MM-DD, not '2022-5-1'", id="date-unpadded"),
    pytest.param("  start: 2022-05-10", "  start: [2022-05-10]", "start:",
                 "'event.start' must be a date written YYYY-MM-DD, not a list", id="date-list"),
    pytest.param("  start: 2022-05-10", "  start: 2022-02-30", "start:",
                 "'event.start' is not a real date: '2022-02-30': check the day and the month", id="impossible-date"),
    pytest.param("  end: 2022-05-11", "  end: 2022-13-01", "end:",
                 "'event.end' is not a real date: '2022-13-01': check the day and the month", id="month-13"),
    pytest.param("  end: 2022-05-11", "  end: 2022-05-09", "end:",
                 "'event.end' (2022-05-09) is before 'event.start' (2022-05-10): correct one of the two dates", id="end-before-start"),
    pytest.param("  country: KE", "  country: XX", "country:",
                 "'event.country': the United Nations lists no name for XX (neither UNTERM nor M49 has it); for a"
                 " place without one, remove 'country' and write the place's name as 'country_name:' under"
                 " 'event', translated in each language's catalog as 'event.city' is",
                 id="unknown-country"),
    pytest.param("  country: KE", "  country: ke", "country:",
                 "'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not 'ke'",
                 id="lower-case-country"),
    pytest.param("  country: KE", "  country: Kenya", "country:",
                 "'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not 'Kenya'",
                 id="country-name"),
    pytest.param("languages: [en]", "languages: [en, xx]", "languages:",
                 f"'languages' must be one of {', '.join(LANGUAGES)}, not 'xx'", id="unknown-language"),
    pytest.param("languages: [en]", "languages: [en, en]", "languages:",
                 "'languages' lists a language twice", id="language-twice"),
    pytest.param("languages: [en]", "languages: []", "languages:", "'languages' is an empty list",
                 id="no-language"),
    pytest.param("languages: [en]", "languages: [en]\nsource_language: fr", "source_language:",
                 "'source_language' (fr) is not among 'languages'", id="source-not-among-languages"),
    pytest.param("subtitle: Concept note", "distribution: Secret", "distribution:",
                 "'distribution' must be one of General, Limited, Restricted, not 'Secret'", id="distribution"),
    pytest.param("subtitle: Concept note", "contacts:\n  - name: Jane Doe\n    email: jane.doe", "email:",
                 "'contacts.email' is not an email address: 'jane.doe': write one such as name@un.org", id="contact-email"),
    pytest.param("subtitle: Concept note", "contacts:\n  - name: Jane Doe\n    url: www.un.org", "url:",
                 "'contacts.url' must be a web address starting with https:// or http://", id="contact-url"),
    pytest.param("subtitle: Concept note", "contacts:\n  - email: jane.doe@un.org", "email:",
                 "'contacts.name' is missing: add a line 'name: ...' under 'contacts:', with the name of"
                 " the contact point (an office or a post)", id="contact-without-name"),
    pytest.param("subtitle: Concept note", "subtitle: Concept note\ntitle: Another title", "Another title",
                 "duplicate key 'title' (first given on line 2): keep one of the two lines", id="duplicate-key"),
    pytest.param("  city: Nairobi", "  city: Nairobi\n  city: Mombasa", "Mombasa",
                 "duplicate key 'event.city' (first given on line 8): keep one of the two lines", id="duplicate-event-key"),
    pytest.param("subtitle: Concept note", "subtitle: &sub Concept note", "subtitle:",
                 "invalid front matter: anchors (&name) are not allowed", id="anchor"),
    pytest.param("subtitle: Concept note", "subtitle: *sub", "subtitle:",
                 "invalid front matter: aliases (*name) are not allowed", id="alias"),
    pytest.param("subtitle: Concept note", "subtitle: &sub Concept note\nsymbol: *sub", "subtitle:",
                 "invalid front matter: anchors (&name) are not allowed", id="anchor-and-alias"),
    pytest.param("subtitle: Concept note", "subtitle: Concept: note: draft", "subtitle:",
                 "a value with ': ' in it"
                 " must be put in quotes: subtitle: \"Concept: note: draft\"", id="yaml-syntax"),
    pytest.param("title: Regional Workshop on Border Security",
                 "title: Border Security: \"Smart\" Borders", 2,
                 "a value with ': ' in it"
                 " must be put in quotes: title: 'Border Security: \"Smart\" Borders'", id="colon-and-quotes"),
    pytest.param("subtitle: Concept note", "contacts:\n  - name: Focal point: Jane Doe", "Focal point",
                 "a value with ': ' in it"
                 " must be put in quotes: - name: \"Focal point: Jane Doe\"", id="colon-in-contact"),
    pytest.param("organizers:\n  - United Nations Office of Counter-Terrorism",
                 "organizers:\n  - Office: of Counter-Terrorism: UNOCT", "Office:",
                 "a value with ': ' in it"
                 " must be put in quotes: - \"Office: of Counter-Terrorism: UNOCT\"", id="colon-in-list-item"),
    pytest.param("languages: [en]", "languages: [en]\n\tsymbol: A/1", "symbol:",
                 "the line starts with a tab: use spaces (two for each level under a key)", id="yaml-tab"),
]
# fmt: on


@pytest.mark.parametrize(("old", "new", "where", "message"), CASES)
def test_one_problem(folder, old, new, where, message):
    text = note_text(replace_once(BASE, old, new))
    line = where if isinstance(where, int) else line_of(text, where)
    assert problems_of(write(folder, text)) == [(line, message)]


def test_end_before_start_names_the_end_line(folder):
    text = note_text(replace_once(BASE, "  end: 2022-05-11", "  end: 2022-05-09"))
    [(line, message)] = problems_of(write(folder, text))
    assert text.split("\n")[line - 1] == "  end: 2022-05-09"
    assert message == "'event.end' (2022-05-09) is before 'event.start' (2022-05-10): correct one of the two dates"


def test_duplicate_key_names_both_lines(folder):
    front = BASE + "title: Another title\n"
    [(line, message)] = problems_of(write(folder, note_text(front)))
    assert line == 12  # the second 'title'
    assert message == "duplicate key 'title' (first given on line 2): keep one of the two lines"


def test_every_problem_is_reported(folder):
    front = replace_once(BASE, "title: Regional Workshop on Border Security\n", "")
    front = replace_once(front, "  start: 2022-05-10", "  start: 2022/05/10")
    front = replace_once(front, "  country: KE", "  country: X1")
    front = replace_once(front, "languages: [en]", "languages: [en, xx]")
    front += "colour: blue\n"
    text = note_text(front)
    assert sorted(problems_of(write(folder, text))) == sorted(
        [
            (2, "'title' is missing: add a line 'title: ...', with the title of the event"),
            (line_of(text, "languages:"), f"'languages' must be one of {', '.join(LANGUAGES)}, not 'xx'"),
            (line_of(text, "start:"), "'event.start' must be a date written YYYY-MM-DD, not '2022/05/10'"),
            (
                line_of(text, "country:"),
                "'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not 'X1'",
            ),
            (line_of(text, "colour:"), f"unknown key 'colour' (known keys: {TOP_KEYS})"),
        ]
    )


def test_front_matter_and_body_problems_are_reported_together(folder):
    text = note_text(replace_once(BASE, "  country: KE", "  country: X1"), "\n#### Too deep\n")
    assert problems_of(write(folder, text)) == [
        (9, "'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not 'X1'"),
        (14, "heading level 4 is not supported: use '#', '##' or '###'"),
    ]


def test_read_meta_counts_lines_from_first_line():
    front = replace_once(BASE, "  end: 2022-05-11", "  end: 2022-05-09")
    with pytest.raises(NoteError) as info:
        read_meta(front, Path("elsewhere.md"), 40)
    [problem] = info.value.problems
    assert (problem.path, problem.line) == ("elsewhere.md", 40 + 5)  # 'end' is the 6th front-matter line


# Whole-file problems ----------------------------------------------------------


def test_not_utf8_names_line_and_byte_offset(folder):
    data = note_text(BASE).encode("utf-8") + b"Caf\xe9 in Latin-1.\n"
    offset = data.index(b"\xe9")
    line = data.count(b"\n", 0, offset) + 1
    assert problems_of(write(folder, data)) == [
        (line, f"not valid UTF-8 (byte 0xe9 at offset {offset}); save the file as UTF-8")
    ]


def test_control_character_in_body_names_line_and_column(folder):
    text = note_text(BASE, "\n# Introduction\n\nA vertical\x0btab.\n")
    with pytest.raises(NoteError) as info:
        load_note(write(folder, text))
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.message) == (
        line_of(text, "vertical"),
        len("A vertical") + 1,
        "control character U+000B is not allowed",
    )
    assert str(problem).endswith(f"note.md:{problem.line}:{problem.column}: control character U+000B is not allowed")


def test_control_character_in_front_matter(folder):
    text = note_text(replace_once(BASE, "city: Nairobi", "city: Nai\x01robi"))
    with pytest.raises(NoteError) as info:
        load_note(write(folder, text))
    assert [(p.line, p.column, p.message) for p in info.value.problems] == [
        (8, len("  city: Nai") + 1, "control character U+0001 is not allowed")
    ]


# Cases that were bugs when these tests were written ------------------------------------------


def test_del_character_in_front_matter_is_reported_at_its_line(folder):
    text = note_text(replace_once(BASE, "subtitle: Concept note", "subtitle: Concept\x7fnote"))
    [(line, message)] = problems_of(write(folder, text))
    assert line == 3
    assert "\n" not in message and "<unicode string>" not in message


def test_escaped_control_character_in_front_matter_is_refused(folder):
    text = note_text(replace_once(BASE, "title: Regional Workshop on Border Security", 'title: "Bad \\v title"'))
    problems = problems_of(write(folder, text))
    assert [line for line, _ in problems] == [2]


def test_unknown_source_language_is_one_problem(folder):
    text = note_text(replace_once(BASE, "languages: [en]", "languages: [fr]\nsource_language: xx"))
    assert problems_of(write(folder, text)) == [
        (5, f"'source_language' must be one of {', '.join(LANGUAGES)}, not 'xx'")
    ]


