"""A drafting officer's typical mistakes, each met with a message in plain words at the line to
change, saying what to type (issue 21, "Messages in plain words").

Each case makes one mistake in a note written as ``build.py new`` and the guides teach,
runs ``build.py check`` on it as the officer does, and reads what it prints: the message
at the line of the mistake holds the instruction expected, no message is at another line
(but those the case names), and no message uses a word of YAML or Python.
"""

from __future__ import annotations

import re

import pytest

from .conftest import run_in

NOTE = """\
---
title: Regional Expert Meeting on Protecting Civic Space
subtitle: Concept note
languages: [en]
date: 2027-02-01
event:
  start: 2027-03-10
  end: 2027-03-11
  city: Addis Ababa
  country: ET
organizers:
  - United Nations Office of Counter-Terrorism
contacts:
  - name: Office of the Director
    email: office@un.org
---

# Background

Civil society organizations are essential partners.[^1]

# Objectives

1. To share practices, in particular:
   - consent;
   - oversight;
2. To agree on next steps.

| Session | Theme |
| --- | --- |
| I | Legal frameworks |

[^1]: See General Assembly resolution 60/288.
"""
TITLE = "title: Regional Expert Meeting on Protecting Civic Space"
EVENT = "  start: 2027-03-10\n  end: 2027-03-11\n  city: Addis Ababa\n  country: ET\n"
# What a message for an officer never says: the words of YAML's parser and of Python.
JARGON = re.compile(r"\b(token|mappings?|scalar|NoneType|None|dict|str|sequence|node|stream|block end|"
                    r"Traceback|YAML|parser|alias)\b|<\w+>")


def mistake(old: str, new: str, line: int, phrase: str, *, warning: bool = False, also: tuple[int, ...] = (),
            name: str):
    return pytest.param(old, new, line, phrase, warning, also, id=name)


MISTAKES = [
    # the front matter's lines
    mistake("  start:", "\tstart:", 7, "starts with a tab: use spaces", name="tab-before-a-key"),
    mistake(TITLE, TITLE.replace(": ", ":\t"), 2, "a tab after 'title:': use a space", name="tab-after-colon"),
    mistake("  end:", "   end:", 8, "indent 'end: 2027-03-11' by 2 spaces, not 3, to line it up with"
            " 'start: 2027-03-10' under 'event:'", name="end-indented-3-spaces"),
    mistake("  end:", "    end:", 8, "by 2 spaces, not 4, to line it up", name="end-indented-4-spaces"),
    mistake(EVENT, EVENT.replace("  ", ""), 7, "'start' belongs under 'event:': indent it by two spaces",
            also=(6, 8, 9, 10), name="event-keys-not-indented"),
    mistake("  start:", "start:", 7, "'start' belongs under 'event:': indent it by two spaces",
            name="start-not-indented"),
    mistake("    email:", "   email:", 15, "indent 'email: office@un.org' by 4 spaces, not 3",
            name="contact-email-not-lined-up"),
    mistake("subtitle:", "  subtitle:", 3, "'subtitle' must start at the left margin", name="key-indented"),
    mistake("  city: Addis Ababa", "  city Addis Ababa", 9, "a colon is missing after 'city': write"
            " 'city: Addis Ababa'", name="colon-missing"),
    mistake("subtitle: Concept", "subtitle:Concept", 3, "put a space after 'subtitle:': write"
            " 'subtitle: Concept note'", name="space-after-colon-missing"),
    mistake("event:", "event: Addis Ababa", 6, "'event:' must stand alone on its line", name="value-after-event"),
    mistake("  - United", "  -United", 12, "put a space after '-'", name="dash-without-space"),
    mistake("Counter-Terrorism\n", "Counter-Terrorism\n  Government of Ethiopia\n", 13,
            "start this line with '- ', as the other lines under 'organizers:'", name="organizer-without-dash"),
    # quotes and what needs them
    mistake(TITLE, "title: “Digital Identity: Financial Inclusion”", 2,
            "use straight quotes: title: \"Digital Identity: Financial Inclusion\"", name="curly-quotes-colon"),
    mistake("subtitle: Concept note", "subtitle: ‘Concept note’", 3, "curly quotes (‘ ’), which would print:"
            " remove them", warning=True, name="curly-quotes-print"),
    mistake(TITLE, "title: Border Security: the Way Forward", 2,
            "must be put in quotes: title: \"Border Security: the Way Forward\"", name="colon-in-value"),
    mistake(TITLE, "title: [Draft] Regional Expert Meeting", 2,
            "a value that starts with '[' must be put in quotes: title: \"[Draft] Regional Expert Meeting\"",
            name="value-starting-with-bracket"),
    mistake("subtitle: Concept note", "subtitle: !Draft! concept note", 3,
            "a value that starts with '!' must be put in quotes: subtitle: \"!Draft! concept note\"",
            name="value-starting-with-exclamation-mark"),
    mistake(TITLE, 'title: "Regional Expert Meeting', 2, 'the quotation mark " opened on this line is never'
            ' closed', name="quote-not-closed"),
    mistake("city: Addis Ababa", "city: # Addis Ababa", 9, "since '#' starts a comment: put the value in quotes: city: \"# Addis Ababa\"",
            name="value-starting-with-hash"),
    # values
    mistake("subtitle:", "subtitel:", 3, "did you mean 'subtitle'?", name="misspelt-key"),
    mistake(TITLE, "title:", 2, "'title' is empty: write the title of the event", name="empty-title"),
    mistake(TITLE + "\n", "", 2, "'title' is missing: add a line 'title: ...'", name="title-missing"),
    mistake("  city: Addis Ababa\n", "", 7, "add a line 'city: ...' under 'event:'", name="city-missing"),
    mistake("date: 2027-02-01", "subtitle: Concept Note", 5, "(first given on line 3): keep one of the two lines",
            name="key-twice"),
    mistake("start: 2027-03-10", "start: 10 March 2027", 7, "must be a date written YYYY-MM-DD",
            name="date-in-words"),
    mistake("end: 2027-03-11", "end: 2027-02-30", 8, "check the day and the month", name="no-such-day"),
    mistake("end: 2027-03-11", "end: 2027-03-09", 8, "correct one of the two dates", name="end-before-start"),
    mistake("languages: [en]", "languages: [english]", 4, "must be one of ar, en, es, fr, ru, zh",
            name="language-name"),
    mistake("languages: [en]", "languages: en, fr", 4, "write several languages in brackets: languages: [en, fr]",
            name="languages-without-brackets"),
    mistake("languages: [en]", "languages: [en", 4, "the bracket opened on this line is never closed",
            name="bracket-not-closed"),
    mistake("office@un.org", "office.un.org", 15, "write one such as name@un.org", name="e-mail"),
    mistake("date: 2027-02-01", "numbered_paragraphs: yes", 5, "must be true or false", name="yes-for-true"),
    mistake("---\ntitle", "\n---\ntitle", 1, "the first line must be '---'", name="blank-line-first"),
    # the body
    mistake("   - consent;\n   - oversight;", "   a. consent;\n   b. oversight;", 25,
            "type '1.' (or '-') indented under its item", warning=True, name="sub-list-typed-a-b"),
    mistake("partners.[^1]", "partners.[^1] They work on:\n- consent;\n- oversight.", 21, "put a blank line before it",
            warning=True, name="list-under-a-paragraph"),
    mistake("partners.[^1]", "partners.[^l]", 20, "add its text at the end of the note, '[^l]: ...', or correct"
            " the call", also=(33,), name="footnote-name-differs"),
    mistake("| I | Legal frameworks |", "| I | Legal | frameworks |", 31,
            "give every row as many cells as the header", name="cell-too-many"),
    mistake("# Objectives", "#### Objectives", 22, "use '#', '##' or '###'", name="heading-too-deep"),
]

PROBLEM = re.compile(r"^content/test-note/note\.md:(\d+):(?:\d+:)? (warning: )?(.*)$")


@pytest.mark.parametrize(("old", "new", "line", "phrase", "warning", "also"), MISTAKES)
def test_a_mistake_is_told_at_its_line_in_plain_words(tmp_path, old, new, line, phrase, warning, also):
    assert NOTE.count(old) == 1, old
    folder = tmp_path / "content" / "test-note"
    folder.mkdir(parents=True)
    (folder / "note.md").write_text(NOTE.replace(old, new), encoding="utf-8")
    result = run_in(tmp_path, "check", "content/test-note")
    output = result.stdout + result.stderr
    assert result.returncode == (0 if warning else 1), output
    problems = [PROBLEM.match(text) for text in result.stderr.splitlines() if text.startswith("content/")]
    assert problems and all(problems), output
    said = [(int(p.group(1)), bool(p.group(2)), p.group(3)) for p in problems]
    assert {where for where, _, _ in said} <= {line, *also}, output
    assert any(where == line and phrase in message and is_warning == warning for where, is_warning, message in said), \
        output
    for _, _, message in said:
        assert not JARGON.search(message), message


def test_there_are_thirty_five_mistakes_or_more():
    assert len(MISTAKES) >= 35


def test_the_base_note_is_right(tmp_path):
    folder = tmp_path / "content" / "test-note"
    folder.mkdir(parents=True)
    (folder / "note.md").write_text(NOTE, encoding="utf-8")
    result = run_in(tmp_path, "check", "content/test-note")
    assert result.returncode == 0 and "content/" not in result.stderr, result.stderr


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_note_saved_with_a_byte_order_mark_is_read(tmp_path, newline):
    """Notepad and Word save UTF-8 with a byte-order mark: the note reads as without it."""
    folder = tmp_path / "content" / "test-note"
    folder.mkdir(parents=True)
    (folder / "note.md").write_bytes(b"\xef\xbb\xbf" + NOTE.replace("\n", newline).encode())
    result = run_in(tmp_path, "check", "content/test-note")
    assert result.returncode == 0 and "content/" not in result.stderr, result.stderr
    from conceptnotes.read.loader import load_note

    note, warnings = load_note(folder)
    assert note.meta.title == "Regional Expert Meeting on Protecting Civic Space" and warnings == []
