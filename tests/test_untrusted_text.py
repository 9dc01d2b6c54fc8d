"""Text from notes and catalogs is data, never code, and never crashes the tool.

Label translations and ``file_name`` patterns are filled by :mod:`conceptnotes.placeholders`
(``{name}`` alone, ``{{`` and ``}}`` for braces), checked up front whatever a catalog
entry's flags; a blank translation is untranslated (the source text in a draft, an error
in a strict build); and inputs that crashed the tool with a traceback (deep YAML, old
dates, a bad ``SOURCE_DATE_EPOCH`` or ``Plural-Forms`` header, long titles) get a
``path:line`` message or are written as an editor expects.  Every refusal is checked
through the command line, for ``check`` and for ``build``, with the exact lines on
stderr, and nothing written.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest

from .conftest import build_in
from .readback import docx_body_paragraphs, pdf_text
from .test_hostile import failed, hashes

NOTE = "content/t/note.md"
# note.md: 1 '---', 2 title, 3 languages, 4 event, 5 start, 6 end, 7 city, 8 country, 9 '---'
FRONT = """\
---
title: Regional Workshop on Border Security
languages: [en, fr]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Geneva
  country: CH
---
"""
PARAGRAPHS = [
    "The workshop will review the implementation of Security Council resolution 2396 (2017).",
    "Participants will share good practices in the use of advance passenger information.",
    "The workshop will adopt recommendations for national border management strategies.",
]
FRENCH = {
    "Regional Workshop on Border Security": "Atelier régional sur la sécurité des frontières",
    "Geneva": "Genève",
    PARAGRAPHS[0]: "L'atelier examinera la mise en œuvre de la résolution 2396 (2017) du Conseil de sécurité.",
    PARAGRAPHS[1]: "Les participants échangeront des bonnes pratiques relatives aux informations préalables"
    " sur les voyageurs.",
    PARAGRAPHS[2]: "L'atelier adoptera des recommandations pour les stratégies nationales de gestion des frontières.",
}
PO = "locales/fr/LC_MESSAGES/t.po"
LABELS = "locales/fr/LC_MESSAGES/messages.po"
HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: conceptnotes t 1\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def make_project(tmp_path: Path, front: str = FRONT, translations: dict[str, str] | None = None) -> Path:
    """content/t (three paragraphs, English and French) and its French catalogs."""
    project = tmp_path / "p"
    (project / "content" / "t").mkdir(parents=True)
    (project / NOTE).write_text(front + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    entries = "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in (translations or FRENCH).items())
    (project / "locales" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (project / PO).write_text(HEADER + entries, encoding="utf-8")
    labels = Path(__file__).resolve().parent.parent / LABELS
    (project / LABELS).write_text(labels.read_text(encoding="utf-8"), encoding="utf-8")
    return project


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if line.startswith(needle))


def refused_by_check_and_build(project: Path, lines: list[str], capsys, status: int = 1) -> None:
    """``check`` and a strict ``build`` both fail with exactly ``lines``, no traceback, nothing
    written; a draft ``build`` too, but for problems in the French catalogs only: then it
    writes the English documents alone (a broken catalog stops its own language)."""
    for command in (["check"], ["build", "--strict", "--jobs", "1"], ["build", "--jobs", "1"]):
        got = build_in(project, *command)
        err = capsys.readouterr().err
        assert "Traceback" not in err
        partial = command == ["build", "--jobs", "1"] and status == 1 and all(
            re.match(r"locales/fr/", line) for line in lines)
        if partial:
            assert (got, err.splitlines()[:-1]) == (status, lines), command
            assert "the other 2 documents were written" in err.splitlines()[-1]
            assert sorted(p.name for p in (project / "output" / "t").iterdir()) == ["t.en.docx", "t.en.pdf"]
            continue
        expected = lines + [failed(len(lines))] if status == 1 else lines
        assert (got, err.splitlines()) == (status, expected), command
        assert hashes(project / "output") == {}  # no document, no manifest (a lock file at most)


def built(project: Path, capsys, *args: str) -> str:
    """Build (both formats unless ``args`` say); the warnings it printed."""
    assert build_in(project, "build", "--jobs", "1", *args) == 0, capsys.readouterr().err
    return "\n".join(line for line in capsys.readouterr().err.splitlines() if "warning:" in line)


def docx_texts(path: Path) -> list[str]:
    return [p.text for p in docx_body_paragraphs(docx.Document(str(path)))]


# 1. Label patterns: {name} alone, whatever the entry's flags ----------------------------------------------


def _set_label(project: Path, msgid: str, msgstr: str) -> int:
    """Give ``msgid`` the translation ``msgstr``, its python-brace-format flag deleted; its msgid line."""
    po = project / LABELS
    text = po.read_text(encoding="utf-8")
    text = text.replace(f'#, python-brace-format\nmsgid "{msgid}"', f'msgid "{msgid}"')
    text = re.sub(rf'(msgid "{re.escape(msgid)}"\n)msgstr ".*"', lambda m: m.group(1) + f'msgstr "{msgstr}"', text)
    po.write_text(text, encoding="utf-8")
    return line_of(po, f'msgid "{msgid}"')


NOT_ALLOWED = ("is not allowed: a placeholder is a name alone (known: {city}, {country}),"
               " with no attribute, index, conversion or format")


@pytest.mark.parametrize(("msgstr", "messages"), [
    ("{city} ({country}) {city.__class__.__mro__}", [f"placeholder {{city.__class__.__mro__}} {NOT_ALLOWED}"]),
    ("{city} ({country}) {x.nope}", [f"placeholder {{x.nope}} {NOT_ALLOWED}"]),
    ("{city} ({country}) {country[0]}", [f"placeholder {{country[0]}} {NOT_ALLOWED}"]),
    ("{city!r} ({country})", [f"placeholder {{city!r}} {NOT_ALLOWED}", "the translation drops placeholder {city}"]),
    ("{city:>40000000} ({country})",
     [f"placeholder {{city:>40000000}} {NOT_ALLOWED}", "the translation drops placeholder {city}"]),
    ("{city} ({country}) {", ["lone '{' at character 20: write '{{' for a brace"]),
    ("{city} ({country}) }", ["lone '}' at character 20: write '}}' for a brace"]),
    ("{city} ({country}) {region}", ["unknown placeholder {region} (known: {city}, {country})"]),
])  # fmt: skip
def test_a_label_pattern_is_checked_without_its_flag(tmp_path, capsys, msgstr, messages):
    """Attribute access, a format spec (512 MB for one label) or a lone brace: refused at the entry."""
    project = make_project(tmp_path)
    line = _set_label(project, "{city}, {country}", msgstr)
    refused_by_check_and_build(project, [f"{LABELS}:{line}: {m}" for m in messages], capsys)


def test_doubled_braces_in_a_label_are_one_literal_brace(tmp_path, capsys):
    project = make_project(tmp_path)
    _set_label(project, "{city}, {country}", "{city} ({country}) {{ONU}}")
    built(project, capsys, "--lang", "fr", "--format", "docx")
    event = [t for t in docx_texts(project / "output" / "t" / "t.fr.docx") if t.startswith("Genève")]
    assert event == ["Genève (Suisse) {ONU}, 10 et 11\u00a0mai\u00a02022"]  # a date never breaks


# 2. file_name patterns ----------------------------------------------------------------------------------------

KNOWN = "(known: {id}, {lang}, {letter}, {symbol}, {job})"


@pytest.mark.parametrize(("pattern", "message"), [
    ("{id}-{lang}{", "lone '{' at character 12: write '{{' for a brace"),
    ("{id}-{lang}}", "lone '}' at character 12: write '}}' for a brace"),
    ("}{id}-{lang}", "lone '}' at character 1: write '}}' for a brace"),
    ("{id.__class__}-{lang}", f"placeholder {{id.__class__}} is not allowed: a placeholder is a name alone {KNOWN},"
                              " with no attribute, index, conversion or format"),
    ("{id}-{lang:>40000000}", f"placeholder {{lang:>40000000}} is not allowed: a placeholder is a name alone"
                              f" {KNOWN}, with no attribute, index, conversion or format"),
    ("{id}-{lang}-{x}", f"unknown placeholder {{x}} {KNOWN}"),
])  # fmt: skip
def test_a_bad_file_name_pattern_is_refused_at_its_line(tmp_path, capsys, pattern, message):
    project = make_project(tmp_path, FRONT.replace("languages:", f'file_name: "{pattern}"\nlanguages:'))
    refused_by_check_and_build(project, [f"{NOTE}:3: 'file_name': {message}"], capsys)


def test_doubled_braces_in_a_file_name_are_one_literal_brace(tmp_path, capsys):
    project = make_project(tmp_path, FRONT.replace("languages:", 'file_name: "{id}{{x}}.{lang}"\nlanguages:'))
    built(project, capsys, "--format", "docx")
    assert sorted(p.name for p in (project / "output" / "t").iterdir()) == ["t{x}.en.docx", "t{x}.fr.docx"]


# 3. A blank translation is untranslated ------------------------------------------------------------------------


TITLE = "Regional Workshop on Border Security"
UNITS = {TITLE: 2, PARAGRAPHS[0]: 10, PARAGRAPHS[1]: 12, PARAGRAPHS[2]: 14}  # each unit's line in note.md


@pytest.mark.parametrize("blank", [" ", " \\t "], ids=["space", "space-tab"])
@pytest.mark.parametrize("unit", [TITLE, PARAGRAPHS[0], PARAGRAPHS[1]], ids=["title", "first", "middle"])
def test_a_blank_translation_shows_the_source_once_in_both_formats(tmp_path, capsys, blank, unit):
    """The unit before a blank one was shown twice, a blank title was shown blank, and a
    blank first paragraph crashed the build."""
    project = make_project(tmp_path, translations={**FRENCH, unit: blank})
    line = line_of(project / PO, f'msgid "{unit}"')
    warnings = built(project, capsys, "--lang", "fr")
    assert warnings.splitlines() == [f"{PO}:{line}: warning: untranslated unit (note.md:{UNITS[unit]});"
                                     " the en text is used"]
    # as printed: French apostrophes curled (l’atelier)
    shown = [source if source == unit else FRENCH[source].replace("'", "\u2019") for source in UNITS]
    pdf = " ".join(pdf_text(project / "output" / "t" / "t.fr.pdf").split())
    paragraphs = docx_texts(project / "output" / "t" / "t.fr.docx")
    for text in shown:
        assert pdf.count(text) == 1, text
        assert paragraphs.count(text) == 1, text
    assert paragraphs[-3:] == shown[1:]


def test_a_blank_translation_is_an_error_in_a_strict_build(tmp_path, capsys):
    project = make_project(tmp_path, translations={**FRENCH, PARAGRAPHS[1]: " "})
    line = line_of(project / PO, f'msgid "{PARAGRAPHS[1]}"')
    message = f"{PO}:{line}: untranslated unit (note.md:12); the en text is used"
    for command in (["check", "--strict"], ["build", "--strict"], ["official"]):
        assert build_in(project, *command) == 1
        assert capsys.readouterr().err.splitlines() == [message, failed(1)]
    assert hashes(project / "output") == {}  # no document, no manifest (a lock file at most)


def test_a_blank_label_is_the_english_label(tmp_path, capsys):
    project = make_project(tmp_path)
    line = _set_label(project, "Distr.: General", " ")
    warnings = built(project, capsys, "--lang", "fr", "--format", "docx")
    message = f"{LABELS}:{line}: warning: label 'Distr.: General' is untranslated; the English is used"
    assert warnings.splitlines() == [message]
    lines = [line.strip() for t in docx_texts(project / "output" / "t" / "t.fr.docx") for line in t.split("\n")]
    assert any(t.startswith("Distr.") and "General" in t for t in lines)  # the masthead's details, one a line
    assert build_in(project, "check", "--strict") == 1
    assert capsys.readouterr().err.splitlines() == [message.replace("warning: ", ""), failed(1)]


# 4. Headers, front matter and environment that crashed --------------------------------------------------------


@pytest.mark.parametrize(("expression", "why"), [
    ("(n > 1", "its expression '(n > 1' is not one gettext can use: unbalanced parenthesis in plural form"),
    ("n" + " + n" * 500, "its expression 'n + n + n + n + n + n + n + n + n + n + n + n + n + n + n +…' is not one"
     " gettext can use: plural form expression is too long"),
    ("(" * 200 + "n" + ")" * 200, f"its expression '{'(' * 59}…' is not one gettext can use: plural form"
     " expression is too complex"),
    ("__import__('os')", "its expression '__import__('os')' is not one gettext can use:"
     " invalid token in plural form: __import__"),
])  # fmt: skip
@pytest.mark.parametrize("catalog", [PO, LABELS], ids=["content", "labels"])
def test_a_bad_plural_forms_header_is_refused_at_its_line(tmp_path, capsys, catalog, expression, why):
    project = make_project(tmp_path)
    po = project / catalog
    text = po.read_text(encoding="utf-8")
    text = re.sub(r'"Plural-Forms: [^"]*"', lambda m: f'"Plural-Forms: nplurals=2; plural={expression};\\n"', text)
    po.write_text(text, encoding="utf-8")
    line = line_of(po, '"Plural-Forms:')
    refused_by_check_and_build(project, [f"{catalog}:{line}: invalid Plural-Forms header: {why}"], capsys)


@pytest.mark.parametrize(("header", "why"), [
    ("nplurals=two; plural=(n != 1);", "'nplurals' must be a number from 1 to 10, not 'two'"),
    ("nplurals=; plural=(n != 1);", "'nplurals' must be a number from 1 to 10, not ''"),
    ("plural=(n != 1);", "'nplurals' must be a number from 1 to 10, not ''"),
    ("nplurals=99999999999999999999; plural=0;", "'nplurals' must be a number from 1 to 10, not '99999999999999999999'"),
    ("nplurals=2;", "it has no 'plural' expression"),
])  # fmt: skip
def test_a_plural_forms_header_without_its_count_is_refused_with_a_sentence(tmp_path, capsys, header, why):
    """Not Python's int() text ('invalid literal for int() with base 10'), but what is wrong."""
    project = make_project(tmp_path)
    po = project / PO
    text = re.sub(r'"Plural-Forms: [^"]*"', lambda m: f'"Plural-Forms: {header}\\n"', po.read_text(encoding="utf-8"))
    po.write_text(text, encoding="utf-8")
    line = line_of(po, '"Plural-Forms:')
    refused_by_check_and_build(project, [f"{PO}:{line}: invalid Plural-Forms header: {why}"], capsys)


@pytest.mark.parametrize(("catalog", "msgid"), [(PO, PARAGRAPHS[1]), (LABELS, "Distr.: General")],
                         ids=["content", "labels"])
def test_an_entry_with_plural_forms_is_refused_at_its_line(tmp_path, capsys, catalog, msgid):
    """A unit or label has one translation: msgstr[n] gave a tuple where a text was expected."""
    project = make_project(tmp_path)
    po = project / catalog
    text = re.sub(rf'(msgid "{re.escape(msgid)}"\n)msgstr ".*"',
                  lambda m: m.group(1) + 'msgid_plural "Others"\nmsgstr[0] "Un"\nmsgstr[1] "Million"\nmsgstr[2] "Deux"',
                  po.read_text(encoding="utf-8"))
    po.write_text(text, encoding="utf-8")
    line = line_of(po, f'msgid "{msgid}"')
    message = "an entry with plural forms (msgid_plural, msgstr[n]): a unit or label has one translation, in msgstr"
    refused_by_check_and_build(project, [f"{catalog}:{line}: {message}"], capsys)


@pytest.mark.parametrize(("value", "line"), [
    ("[" * 10_000 + "]" * 10_000, 3),
    ("{a: " * 10_000 + "}" * 10_000, 3),
    ("\n" + "".join(" " * n + "-\n" for n in range(0, 200, 2)), 53),
])  # fmt: skip
def test_deeply_nested_yaml_is_refused_at_its_line(tmp_path, capsys, value, line):
    project = make_project(tmp_path, FRONT.replace("languages:", f"keywords: {value}\nlanguages:"))
    message = f"{NOTE}:{line}: invalid front matter: lists and mappings nest more than 50 deep"
    refused_by_check_and_build(project, [message], capsys)


@pytest.mark.parametrize(("key", "old", "new"), [
    ("date", "languages:", "date: 1900-01-01\nlanguages:"),
    ("event.start", "2022-05-10", "1944-05-10"),
    ("event.end", "2022-05-11", "2101-05-11"),
])  # fmt: skip
def test_a_date_no_concept_note_has_is_refused_at_its_line(tmp_path, capsys, key, old, new):
    project = make_project(tmp_path, FRONT.replace(old, new))
    line = line_of(project / NOTE, new.split("\n")[0].strip()[:10] if key == "date" else f"  {key[6:]}:")
    value = re.search(r"\d{4}-\d\d-\d\d", new).group(0)
    message = f"'{key}' ({value}) is not a concept note's date: its year must be between 1945 and 2100"
    refused_by_check_and_build(project, [f"{NOTE}:{line}: {message}"], capsys)


@pytest.mark.parametrize(("front", "epoch"), [
    (FRONT.replace("languages:", "date: 1975-06-26\nlanguages:"), ""),
    (FRONT.replace("2022-05-10", "1946-01-10"), ""),
    (FRONT, "0"),
], ids=["date-of-issue", "event", "source-date-epoch"])  # fmt: skip
def test_a_date_before_1980_is_written_with_the_first_zip_time(tmp_path, capsys, monkeypatch, front, epoch):
    """ZIP holds no time before 1980: the DOCX's files are dated 1980-01-01, its properties keep the date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    project = make_project(tmp_path, front)
    built(project, capsys, "--lang", "en", "--format", "docx")
    path = project / "output" / "t" / "t.en.docx"
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert docx.Document(str(path)).core_properties.created.year < 1980


@pytest.mark.parametrize("epoch", ["99999999999999", "253402300800", "-1", "1.5", "abc"])
def test_a_source_date_epoch_no_date_holds_is_a_usage_error(tmp_path, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    project = make_project(tmp_path)
    message = ("error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC,"
               f" from 0 to 253402300799, not '{epoch}'")
    refused_by_check_and_build(project, [message], capsys, status=2)


def test_a_huge_value_is_quoted_as_an_excerpt(tmp_path, capsys):
    project = make_project(tmp_path, FRONT.replace("2022-05-10", "9" * 100_000).replace("CH", "X" * 100_000))
    refused_by_check_and_build(project, [
        f"{NOTE}:5: 'event.start' must be a date written YYYY-MM-DD, not '{'9' * 59}…'",
        f"{NOTE}:8: 'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not '{'X' * 59}…'",
    ], capsys)  # fmt: skip


# 5. Long titles and keywords: the document whole, the DOCX property cut --------------------------------------


@pytest.mark.parametrize(("title", "kept"), [
    ("9" * 5_000, "9" * 255),
    ("Workshop " * 1_000, ("Workshop " * 1_000)[:255]),
    ("é" * 256, "é" * 255),
    ("e" * 254 + "e\u0301" + "e", "e" * 254),  # never between a letter and its accent
], ids=["huge-number", "huge-text", "256-characters", "combining-mark"])  # fmt: skip
def test_a_long_title_is_whole_in_the_document_and_cut_in_the_docx_property(tmp_path, capsys, title, kept):
    project = make_project(tmp_path, FRONT.replace("Regional Workshop on Border Security", f"'{title}'"))
    built(project, capsys, "--lang", "en")
    path = project / "output" / "t" / "t.en.docx"
    assert docx.Document(str(path)).core_properties.title == kept
    assert title.strip() in docx_texts(path)
    assert (project / "output" / "t" / "t.en.pdf").is_file()


def test_thirty_keywords_keep_as_many_whole_keywords_as_the_property_holds(tmp_path, capsys):
    keywords = [f"border management strategy number {n}" for n in range(30)]
    project = make_project(tmp_path, FRONT.replace("languages:", f"keywords: [{', '.join(keywords)}]\nlanguages:"))
    built(project, capsys, "--lang", "en", "--format", "docx")
    stored = docx.Document(str(project / "output" / "t" / "t.en.docx")).core_properties.keywords
    assert stored == ", ".join(keywords[:6])  # 6 × 35 + 5 × 2 = 220 characters; 7 would be 257
