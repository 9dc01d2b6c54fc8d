"""One rule for characters, after every decoding step (issue 9): a bidirectional control
or an XML-illegal character is refused whether written literally, as a character
reference in the Markdown of a note or a catalog, or as a YAML escape; and the final
text of each document is checked once more before anything renders.
"""

from __future__ import annotations

import dataclasses

import pytest

from conceptnotes import model as m
from conceptnotes.build.validate import text_problems
from conceptnotes.i18n.localize import localize
from tests.test_hostile import (  # noqa: F401 (fixtures)
    BIDI,
    BODY,
    FRONT,
    NOTE,
    SAMPLE_ID,
    _edit_po,
    _line_of,
    refused,
    sample,
    sample_base,
    small,
    small_base,
    write,
)

# the appended paragraph is line 14 of the small note
BODY_CASES = [
    pytest.param("A &#x202E;reversed text.", 0x202E, "&#x202E;", id="hex"),
    pytest.param("A &#8238;reversed text.", 0x202E, "&#8238;", id="decimal"),
    pytest.param("A &#x000202E;reversed text.", 0x202E, "&#x000202E;", id="leading-zeros"),
    pytest.param("A &#x2066;isolated text.", 0x2066, "&#x2066;", id="isolate"),
    pytest.param("A [li&#x202E;nk](https://www.un.org) here.", 0x202E, "&#x202E;", id="link-text"),
    pytest.param("| a | b |\n|---|---|\n| x&#x202E; | y |", 0x202E, "&#x202E;", id="table-cell"),
]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(("paragraph", "code", "written"), BODY_CASES)
def test_a_character_reference_in_the_body_is_checked_once_decoded(small, capsys, command, paragraph, code, written):
    write(small, FRONT + BODY + "\n" + paragraph + "\n")
    refused(small, [command, "content/t"], [f"{NOTE}:14: {BIDI.format(code)} (written {written})"], capsys)


def test_a_character_reference_in_a_footnote_and_a_heading(small, capsys):
    write(small, FRONT + "# Intro&#x202E;duction\n\nText[^1].\n\n[^1]: Foot &#8238;note.\n")
    refused(
        small,
        ["build", "content/t"],
        [f"{NOTE}:10: {BIDI.format(0x202E)} (written &#x202E;)", f"{NOTE}:14: {BIDI.format(0x202E)} (written &#8238;)"],
        capsys,
    )


YAML_CASES = [
    pytest.param("title: Hostile Input Workshop", 'title: "Hostile \\u202EInput"', 2, "title", 0x202E, id="title"),
    pytest.param("  city: Geneva", '  city: "\\u2066Geneva"', 7, "event.city", 0x2066, id="city"),
    pytest.param("title: Hostile Input Workshop", 'title: "Hostile \\U0000202EInput"', 2, "title", 0x202E, id="long-escape"),
]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(("old", "new", "line", "key", "code"), YAML_CASES)
def test_a_yaml_escape_is_checked_once_decoded(small, capsys, command, old, new, line, key, code):
    assert old in FRONT
    write(small, FRONT.replace(old, new) + BODY)
    refused(small, [command, "content/t"], [f"{NOTE}:{line}: '{key}': {BIDI.format(code)}"], capsys)


def test_a_yaml_escape_of_an_xml_illegal_character(small, capsys):
    write(small, FRONT.replace("title: Hostile Input Workshop", 'title: "Hostile \\x0bInput"') + BODY)
    refused(small, ["check", "content/t"], [f"{NOTE}:2: 'title': control character U+000B is not allowed"], capsys)


@pytest.mark.parametrize("written", ["&#x202E;", "&#8238;"])
def test_a_character_reference_in_a_catalog_is_checked_once_decoded(sample, capsys, written):
    po = f"locales/fr/LC_MESSAGES/{SAMPLE_ID}.po"
    _edit_po(sample, "fr", 'msgstr "Contexte"', f'msgstr "Con{written}texte"')
    line = _line_of(sample, 'msgid "Background"')  # the entry's line, as for every problem of its text
    argv = ["build", f"content/{SAMPLE_ID}", "--lang", "fr"]
    refused(sample, argv, [f"{po}:{line}: {BIDI.format(0x202E)} (written {written})"], capsys)


def test_references_that_are_not_decoded_stay_literal_text(small, capsys):
    """In code, and where Python-Markdown decodes no reference (a link title), the text is
    shown as written: no control character reaches a document."""
    write(small, FRONT + BODY + '\nA `co&#x202E;de` and a [link](https://www.un.org "ti&#x202E;tle").\n')
    from tests.test_hostile import run

    status, _, err = run(["check", "content/t"], capsys)
    assert (status, err) == (0, "")


def test_the_final_text_of_a_document_is_checked_too(sample_note):
    """The last check sees what every decoding step made: a control character that reached
    the model by any route is refused at its line before anything renders."""
    localized = localize(sample_note, "en")
    first = localized.note.document.blocks[1]
    hostile = dataclasses.replace(first, children=(m.Text("60/288\u202e"),))
    document = dataclasses.replace(localized.note.document, blocks=(localized.note.document.blocks[0], hostile))
    note = dataclasses.replace(localized.note, document=document)
    problems = text_problems(dataclasses.replace(localized, note=note))
    assert [(p.line, p.message) for p in problems] == [(first.line, f"{BIDI.format(0x202E)} (in the en document)")]
    meta = dataclasses.replace(localized.note.meta, keywords=("a\u2067b",))
    problems = text_problems(dataclasses.replace(localized, note=dataclasses.replace(localized.note, meta=meta)))
    assert [p.message for p in problems] == [f"{BIDI.format(0x2067)} (in the en document)"]


def test_an_override_in_an_arabic_label_is_refused(sample, capsys):
    """Issue 10, item 5: the same in ar/messages.po was accepted."""
    po = "locales/ar/LC_MESSAGES/messages.po"
    _edit_po(sample, "ar", 'msgstr "الأصل: بالإنكليزية"', 'msgstr "\u202eالأصل: بالإنكليزية\u202c"', domain="messages")
    line = _line_of(sample, 'msgstr "\u202e', lang="ar", domain="messages")
    end = len('msgstr "\u202eالأصل: بالإنكليزية')
    argv = ["build", f"content/{SAMPLE_ID}", "--lang", "ar", "--format", "pdf", "--strict"]
    refused(sample, argv, [f"{po}:{line}:9: {BIDI.format(0x202E)}", f"{po}:{line}:{end + 1}: {BIDI.format(0x202C)}"], capsys)


ARABIC_FRONT = FRONT.replace("languages: [en]", "languages: [ar]\nsource_language: ar")


def test_an_override_in_an_arabic_note_is_refused_at_its_column(small, capsys):
    """Issue 10, item 5: around 60/288 in an Arabic footnote the PDF printed 882/06."""
    write(small, ARABIC_FRONT + "# مقدمة\n\nنص[^1].\n\n[^1]: القرار \u202e60/288\u202c.\n")
    refused(
        small,
        ["build", "content/t", "--strict"],
        [f"{NOTE}:15:14: {BIDI.format(0x202E)}", f"{NOTE}:15:21: {BIDI.format(0x202C)}"],
        capsys,
    )
