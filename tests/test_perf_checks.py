"""Work the check does once, not every time (issue 25): a translation that is plain text is
not given to Python-Markdown, and a template folder that passed its checks is not checked
again while its files, the code and the libraries are the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conceptnotes.read import markdown_parse
from conceptnotes.read.markdown_parse import _parse_inline_markdown, is_plain, parse_inline
from tests.conftest import ROOT, run_in

TRICKY_PLAIN = [
    "Objectifs",
    "1. Not a list in a translation",
    "- nor a bullet",
    "# nor a heading",
    "a | b | c",
    "---",
    "Term: definition",
    "Two  spaces inside",
    "La Conférence\u202f: «\u00a0objectifs\u00a0»",
    "https://www.un.org/counterterrorism/ (no autolink)",
    "100 % et 2 + 2 = 4 ; (a) ; « b » ; @un",
    "联合国反恐怖主义办公室",
    "مكتب الأمم المتحدة لمكافحة الإرهاب",
]
NOT_PLAIN = [
    "*emphasis*", "snake_case", "a `code`", "a [link](https://un.org)", "a call[^1]", "a\\*b", "<b>bold</b>",
    "AT&amp;T", "![image](assets/x.png)", "text {: .class}", "two\nlines", "a\tb", " leading", "trailing ",
    "\u00a0nbsp first", "x\x02y", "",
]


def _catalog_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            texts += [text for message in read_po(handle) for text in (message.id, message.string)
                      if isinstance(text, str) and text]
    return texts


def test_plain_text_is_what_python_markdown_makes_of_it(tmp_path):
    keys = frozenset({"dialogue", "strategy", "agenda", "1"})
    texts = _catalog_texts() + TRICKY_PLAIN
    plain = [text for text in texts if is_plain(text)]
    assert set(TRICKY_PLAIN) <= set(plain)
    assert len(plain) > len(texts) / 2  # most of the sample's units: the parse that is skipped
    for text in plain:
        fast = parse_inline(text, tmp_path / "fr.po", 7, tmp_path / "assets", keys)
        assert fast == _parse_inline_markdown(text, tmp_path / "fr.po", 7, tmp_path / "assets", keys), text


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_markdown_goes_to_python_markdown(text):
    assert not is_plain(text)


def _counting(monkeypatch, module, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_template_folder_that_passed_is_not_checked_again(make_note, tmp_path, monkeypatch):
    from conceptnotes.render import html
    from conceptnotes.render.docx import renderer, template

    folder = make_note()
    project = folder.parent.parent
    shutil.copytree(ROOT / "templates" / "concept-note", project / "templates" / "concept-note")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert run_in(project, "build", "--jobs", "1", env=env).returncode == 0
    word = _counting(monkeypatch, template, "template_problems")
    kinds = [_counting(monkeypatch, renderer, "handled_kinds"), _counting(monkeypatch, html, "handled_kinds")]
    checked = run_in(project, "check", env=env)
    assert checked.returncode == 0, checked.stderr
    assert (word, kinds) == ([], [[], []])  # the verdicts the build kept: python-docx does not open the template

    # the same folder with another Word template: checked again, and refused
    (project / "templates" / "concept-note" / "reference.docx").write_bytes(b"not a zip")
    refused = run_in(project, "check", env=env)
    assert refused.returncode == 1
    assert "reference.docx: DOCX template refused: not a DOCX (zip) file" in refused.stderr
    assert len(word) == 1


def test_a_check_with_an_empty_cache_checks_the_templates(make_note, tmp_path, monkeypatch):
    from conceptnotes.render.docx import template

    project = make_note().parent.parent
    word = _counting(monkeypatch, template, "template_problems")
    assert run_in(project, "check", env={"XDG_CACHE_HOME": str(tmp_path / "cache")}).returncode == 0
    assert len(word) == 1
    assert not (tmp_path / "cache").exists()  # check writes nothing


def test_plain_text_skips_python_markdown(tmp_path, monkeypatch):
    given: list[str] = []
    original = markdown_parse._tree
    monkeypatch.setattr(markdown_parse, "_tree", lambda md, text: given.append(text) or original(md, text))
    nodes, problems = parse_inline("Objectifs de la Conférence", Path("fr.po"), 3, tmp_path)
    assert [n.text for n in nodes] == ["Objectifs de la Conférence"] and not problems
    parse_inline("*Objectifs*", Path("fr.po"), 3, tmp_path)
    assert given == ["*Objectifs*"]


def test_a_docx_build_does_not_render_the_html_templates(make_note, tmp_path):
    """The HTML templates are those of the PDF and the HTML page: a DOCX build neither renders
    nor refuses them (as a PDF build does not read the Word template); a PDF build and
    ``check`` still do."""
    project = make_note().parent.parent
    shutil.copytree(ROOT / "templates" / "concept-note", project / "templates" / "concept-note")
    page = project / "templates" / "concept-note" / "note.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ meta.title }}", "{{ no_such_name }}", 1),
                    encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    docx = run_in(project, "build", "--format", "docx", "--jobs", "1", env=env)
    assert docx.returncode == 0, docx.stderr
    assert (project / "output" / "test-note" / "test-note.en.docx").is_file()
    for command in (["build", "--format", "pdf", "--jobs", "1"], ["check"]):
        refused = run_in(project, *command, env=env)
        assert refused.returncode == 1
        assert "note.html.j2" in refused.stderr and "no_such_name" in refused.stderr, refused.stderr


# One body per kind of inline markup, each with only the characters that start it, and
# texts that look like markup but are not: the set-aside must leave each as the inline
# step would (a line break needs two spaces before the newline, no other character).
INLINE_BODIES = [
    "First line  \nsecond line after a hard break",
    "First line \nsecond line after one space",
    "AT&amp;T, &#169; and &copy;",
    "A & B",
    "See <https://www.un.org/counterterrorism/>",
    "Write to <info@un.org>",
    "<b>raw HTML</b>",
    "2 < 3 > 1",
    "An escaped \\# sign",
    "Some `code` here",
    "An *emphasis* and **strong** text",
    "A snake_case word and _emphasis_",
    "A lone * star",
    "A [link](https://www.un.org) and [another][ref]\n\n[ref]: https://www.un.org",
    "An image ![UN emblem](assets/emblem.png)",
    "A call[^1]\n\n[^1]: Its text, with *emphasis*.",
    "Exclamation! and {braces}",
    "## Heading {: #anchor }\n\nText {: .lead}",
    "Term\n: Definition with plain text",
    "| Time | Session |\n| --- | --- |\n| 09:00 | Opening  |\n| | |\n| 10:00 | *Panel* |",
    "1. One\n2. Two  \n   still two\n\n- a\n  - b",
    "> A quotation\n> on two lines",
    "Text with \u00a0no-break spaces\u202f; and « guillemets »",
]


def _bodies() -> list[tuple[str, str]]:
    from conceptnotes.read.frontmatter import split_front_matter

    notes = sorted(ROOT.glob("content/*/note.md")) + sorted(ROOT.glob("tests/roots/*/content/*/note.md"))
    out = [(str(path), split_front_matter(path.read_text(encoding="utf-8"), path).body) for path in notes]
    assert len(out) > 10
    return out + [(f"inline {index}", body) for index, body in enumerate(INLINE_BODIES)]


@pytest.mark.parametrize(("name", "body"), _bodies(), ids=lambda value: value if len(value) < 40 else None)
def test_text_set_aside_from_the_inline_step_comes_back_as_that_step_leaves_it(name, body, tmp_path, monkeypatch):
    path = tmp_path / "note.md"
    fast = markdown_parse.parse_body(body, path, 5, tmp_path / "assets")
    monkeypatch.setattr(markdown_parse, "has_inline_markup", lambda text: True)  # every text to the inline step
    assert markdown_parse.parse_body(body, path, 5, tmp_path / "assets") == fast


def test_the_inline_patterns_are_those_the_set_aside_knows():
    md = markdown_parse._markdown()
    assert len(md.inlinePatterns) == len(markdown_parse.INLINE_PATTERNS)
    assert all(name in md.inlinePatterns for name in markdown_parse.INLINE_PATTERNS)
    steps = [type(step).__name__ for step in md.treeprocessors]
    assert steps[steps.index("InlineProcessor") - 1: steps.index("InlineProcessor") + 2] == [
        "_SetAside", "InlineProcessor", "_PutBack"]


@pytest.mark.parametrize("text", ["a  \nb", "x_y", "a*b", "a`b", "a\\b", "a[b", "a]b", "a<b", "a&b", "a!b", "a{b",
                                  "a\x02b"])
def test_text_with_what_starts_inline_markup_goes_to_the_inline_step(text):
    assert markdown_parse.has_inline_markup(text)
    assert not markdown_parse.has_inline_markup(text.replace(text[1:-1], " \n" if "\n" in text else " "))


@pytest.mark.parametrize("header", ["| Date | Programme |", "|  |  |"])
def test_a_table_is_found_by_its_first_row_without_a_failed_search(header, tmp_path, monkeypatch):
    """Words of a table's header and body are two lines apart (the delimiter row): a search
    for both read the rest of the body, then failed (a tenth of the parse of the sample x50).
    A header without words: the table is found by its first row with words, two lines on."""
    failed: list[str] = []
    search = markdown_parse._Locator._search

    def counted(self, pattern, index):
        found = search(self, pattern, index)
        if found is None:
            failed.append(pattern.pattern)
        return found

    monkeypatch.setattr(markdown_parse._Locator, "_search", counted)
    body = f"Intro paragraph.\n\n{header}\n| --- | --- |\n| 9 May 2022 | Workshop |\n| 10 May 2022 | Opening |\n"
    document, problems = markdown_parse.parse_body(body, tmp_path / "note.md", 11, tmp_path / "assets")
    table = document.blocks[1]
    assert (table.line, [row[0].line for row in table.body]) == (13, [15, 16])
    assert failed == []
    assert not problems
