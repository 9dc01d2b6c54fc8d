"""The pinned fonts: installed, covering the text, and a clear error when they do not."""

from __future__ import annotations

from conceptnotes.build.validate import text_problems
from conceptnotes.i18n.localize import localize
from conceptnotes.read.loader import load_note
from conceptnotes.render import fonts


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
