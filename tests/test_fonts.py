"""The pinned fonts: installed, covering the text, and a clear error when they do not."""

from __future__ import annotations

from conceptnotes import fonts
from conceptnotes.build.validate import text_problems
from conceptnotes.i18n.localize import localize
from conceptnotes.read.loader import load_note


def test_pinned_fonts_are_installed():
    assert fonts.missing_font_files("en") == []
    assert {face.weight + "/" + face.style for face in fonts.faces("en")} == {
        "normal/normal", "bold/normal", "normal/italic", "bold/italic"}


def test_coverage_of_latin_and_cyrillic_but_not_han():
    assert fonts.first_uncovered("Málaga, António, Türkiye – «Dialogue» 2022 €", "en") is None
    assert fonts.first_uncovered("Контртеррористическое управление", "en") is None
    assert fonts.first_uncovered("Conference 联合国", "en") == "联"


def test_check_names_the_first_uncovered_character_and_its_line(make_note):
    folder = make_note("# Intro\n\nFine text.\n\nThe 联合国 office.\n")
    note, _ = load_note(folder)
    problems = text_problems(localize(note, "en"))
    assert [(p.line, p.message) for p in problems] == [
        (17, "character U+8054 '联' is not in the fonts for 'en' (Liberation Serif)")]


def test_a_character_with_an_obvious_replacement_is_named_with_it(make_note):
    """Characters that Word puts in a text: a non-breaking hyphen, a bullet from its Symbol font."""
    folder = make_note("# Intro\n\nThe 2022\u20112023 biennium.\n\n\uf0b7 Border security.\n\nA full stop\u3002\n")
    note, _ = load_note(folder)
    messages = []
    for text in ("The 2022\u20112023 biennium.", "\uf0b7 Border security.", "A full stop\u3002", "A comma\uff0c here"):
        char = fonts.first_uncovered(text, "en")
        messages.append(fonts.uncovered_message(char, "en"))
    assert messages == [
        "character U+2011 '\u2011' is not in the fonts for 'en' (Liberation Serif): use '-' instead",
        "character U+F0B7 '\\uf0b7' is not in the fonts for 'en' (Liberation Serif): it is a bullet from a Word"
        " symbol font: make the paragraph a list item, starting its line with '- '",
        "character U+3002 '\u3002' is not in the fonts for 'en' (Liberation Serif): use '.' instead",
        "character U+FF0C '\uff0c' is not in the fonts for 'en' (Liberation Serif): use ',' instead",
    ]
    problems = text_problems(localize(note, "en"))  # the check reports the first, at its line
    assert [(p.line, p.message) for p in problems] == [(15, messages[0])]


def test_a_character_without_an_obvious_replacement_has_no_hint():
    assert fonts.uncovered_message("\u8054", "en") == "character U+8054 '联' is not in the fonts for 'en' (Liberation Serif)"
    assert fonts.uncovered_message("\u060c", "zh").endswith(": use ',' instead")  # an Arabic comma
