"""Translation catalogs: extraction, merging, status, draft and strict builds, translation checks.

Every test that changes a catalog or the note works on a copy of the project in
tmp_path (``content/malaga-2022`` and ``locales/``), and runs ``build.py`` there with
relative paths, as a translator would (in-process: ``run_in``; the commands' own
processes are tested in test_cli.py and test_guides.py).  The draft and strict builds of a
note with a missing translation use the test root ``translated`` (English and French, one page).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from docx.oxml.ns import qn
from lxml import etree

from conceptnotes import model as m
from conceptnotes.errors import NoteError
from conceptnotes.i18n import catalogs, labels
from conceptnotes.i18n.units import units
from conceptnotes.languages import CODES, DEFAULT_SOURCE
from conceptnotes.read.markdown_parse import parse_inline

from .conftest import ROOT, SAMPLE, copy_root, need, note_of, run_in
from .readback import docx_body_paragraphs, docx_part_xml, find_in_order, pdf_text, words

LOCALES = ROOT / "locales"
TARGETS = tuple(code for code in CODES if code != DEFAULT_SOURCE)  # the sample is in every language
NOTE = "content/malaga-2022"
FR_PO = "locales/fr/LC_MESSAGES/malaga-2022.po"
FR_LABELS = "locales/fr/LC_MESSAGES/messages.po"


# A copy of the project ------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A self-contained copy: content/malaga-2022 and locales/ (found beside content/)."""
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root / "content" / "malaga-2022")
    shutil.copytree(LOCALES, root / "locales")
    return root


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_in(project, *args)


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def po_strings(path: Path) -> dict[str, tuple[int, str]]:
    """msgid -> (line of its 'msgid' keyword, msgstr), read by hand from the .po text."""
    out: dict[str, tuple[int, str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        if not lines[index].startswith("msgid "):
            index += 1
            continue
        start, pieces = index + 1, [lines[index][len("msgid "):]]
        index += 1
        while index < len(lines) and lines[index].startswith('"'):
            pieces.append(lines[index])
            index += 1
        msgid = "".join(json.loads(piece) for piece in pieces)
        strings = []
        if index < len(lines) and lines[index].startswith("msgstr "):
            strings.append(lines[index][len("msgstr "):])
            index += 1
            while index < len(lines) and lines[index].startswith('"'):
                strings.append(lines[index])
                index += 1
        out[msgid] = (start, "".join(json.loads(piece) for piece in strings))
    return out


def previous_msgid(path: Path, msgid_line: int) -> str | None:
    """The previous msgid of the entry whose 'msgid' keyword is on ``msgid_line``, read from its
    '#|' comment lines as GNU gettext writes them (Babel's read_po skips them)."""
    lines = path.read_text(encoding="utf-8").splitlines()[: msgid_line - 1]
    comment = []
    while lines and lines[-1].startswith("#| "):
        comment.insert(0, lines.pop()[3:])
    if not comment or not comment[0].startswith("msgid "):
        return None
    comment[0] = comment[0][len("msgid "):]
    string = re.compile(r'"(?:[^"\\]|\\.)*"')
    for piece in comment:  # each line: one complete quoted string
        assert string.fullmatch(piece), f"not a PO string: {piece!r}"
    return "".join(json.loads(piece) for piece in comment)


def note_line(project: Path, text: str, note: str = NOTE) -> int:
    """1-based line of ``note``'s note.md whose text is exactly ``text``."""
    lines = (project / note / "note.md").read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if line == text]
    assert len(found) == 1, text
    return found[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_translation(path: Path, old: str, new: str) -> None:
    """``old`` replaced by ``new`` in the one translation that has it, however the catalog
    wraps its lines (written back as the project writes catalogs)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    (message,) = [m for m in catalog if m.id and old in m.string]
    message.string = message.string.replace(old, new)
    path.write_bytes(catalogs.dump(catalog))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".pdf", ".docx")) if folder.exists() else []


# 7, 8. Labels found by pybabel; every catalog valid for msgfmt -----------------------------------


def test_pybabel_extract_finds_every_label(tmp_path):
    pot = tmp_path / "messages.pot"
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "pybabel"), "extract", "-F", "babel.cfg", "-o", str(pot),
                             "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = {message.id for message in read_catalog(pot) if message.id}
    expected = {*labels.DISTRIBUTION.values(), *labels.ORIGINAL.values(), labels.PAGE_OF_PAGES,
                labels.EVENT_PLACE, labels.EVENT_VENUE, labels.EVENT_LINE, labels.FIGURE, labels.TABLE}
    assert found == expected
    assert {message.id for message in read_catalog(LOCALES / "messages.pot") if message.id} == expected


@pytest.mark.parametrize("path", sorted(LOCALES.glob("*/LC_MESSAGES/*.po")), ids=lambda p: str(p.relative_to(LOCALES)))
def test_msgfmt_check_accepts_every_catalog(path):
    result = subprocess.run([need("msgfmt"), "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_language_of_the_sample_has_its_catalogs():
    for lang in TARGETS:
        for domain in ("malaga-2022", "messages"):
            assert (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").is_file(), (lang, domain)


# 9. i18n status ----------------------------------------------------------------------------------


def expected_status(root: Path) -> dict[str, tuple[int, int, int]]:
    """(translated, fuzzy, untranslated) per language, counted with Babel over the template's units."""
    template = [message.id for message in read_catalog(root / "locales" / "malaga-2022.pot") if message.id]
    out = {}
    for lang in TARGETS:
        found = read_catalog(root / "locales" / lang / "LC_MESSAGES" / "malaga-2022.po")
        counts = [0, 0, 0]
        for msgid in template:
            message = found.get(msgid)
            if message is None or not message.string:
                counts[2] += 1
            elif message.fuzzy:
                counts[1] += 1
            else:
                counts[0] += 1
        out[lang] = tuple(counts)
    return out


def parse_status_table(stdout: str) -> dict[str, tuple[int, int, int, float]]:
    rows = {}
    for line in stdout.splitlines():
        found = re.fullmatch(r"malaga-2022\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)%\s+\d+", line.strip())
        if found:
            rows[found.group(1)] = (int(found.group(2)), int(found.group(3)), int(found.group(4)),
                                    float(found.group(5)))
    return rows


def _blank_fr_fuzzy_es_drop_ru(root: Path) -> None:
    edit(root / FR_PO, 'msgstr "La Conférence réunira :"', 'msgstr ""')
    edit(root / "locales/es/LC_MESSAGES/malaga-2022.po", '\nmsgid "Background"', '\n#, fuzzy\nmsgid "Background"')
    ru = root / "locales/ru/LC_MESSAGES/malaga-2022.po"
    text = ru.read_text(encoding="utf-8")
    entry = re.search(r'\n#\. heading\n#: [^\n]*\nmsgid "Objectives"\nmsgstr "[^"\n]*"\n', text)
    assert entry
    ru.write_text(text.replace(entry.group(0), "\n"), encoding="utf-8")


@pytest.mark.parametrize("change", [None, _blank_fr_fuzzy_es_drop_ru], ids=["as-is", "edited"])
def test_status_counts_match_the_catalogs(project, change):
    if change:
        change(project)
    expected = expected_status(project)
    if change:
        assert expected["fr"][2] == 1 and expected["es"][1] == 1 and expected["ru"][2] == 1
    result = cli(project, "i18n", "status", NOTE)
    assert result.returncode == 0, result.stderr
    table = parse_status_table(result.stdout)
    assert set(table) == set(TARGETS)
    for lang, (translated, fuzzy, untranslated) in expected.items():
        total = translated + fuzzy + untranslated
        assert table[lang] == (translated, fuzzy, untranslated, round(100 * translated / total, 1)), lang
    result = cli(project, "i18n", "status", "--json", NOTE)
    assert result.returncode == 0, result.stderr
    rows = {row["language"]: row for row in json.loads(result.stdout) if row["note"] == "malaga-2022"}
    assert set(rows) == set(TARGETS)
    for lang, (translated, fuzzy, untranslated) in expected.items():
        row = rows[lang]
        assert (row["note"], row["translated"], row["fuzzy"], row["untranslated"], row["total"]) == (
            "malaga-2022", translated, fuzzy, untranslated, translated + fuzzy + untranslated), lang
        assert row["percent"] == pytest.approx(100 * translated / row["total"], abs=0.05)


# 10. A changed source: extract, update --check, update -----------------------------------------


def _catalog_paths(root: Path, domain: str = "malaga-2022") -> dict[str, Path]:
    return {lang: root / "locales" / lang / "LC_MESSAGES" / f"{domain}.po" for lang in TARGETS}


def test_changed_paragraph_becomes_fuzzy_in_every_language(project):
    old, new = "The objectives of the Conference are:", "The aims of the Conference are:"
    line = note_line(project, old)
    old_strings = {lang: po_strings(path)[old][1] for lang, path in _catalog_paths(project).items()}
    before = expected_status(project)
    edit(project / NOTE / "note.md", f"\n{old}\n", f"\n{new}\n")

    result = cli(project, "i18n", "extract", NOTE)
    assert result.returncode == 0, result.stderr
    template = read_catalog(project / "locales" / "malaga-2022.pot")
    assert template.get(new) is not None and template.get(old) is None
    assert (NOTE + "/note.md", line) in template.get(new).locations

    # --check: names every stale catalog, writes nothing
    locales_before = snapshot(project / "locales")
    result = cli(project, "i18n", "update", "--check", NOTE)
    assert result.returncode == 1
    for lang in TARGETS:
        assert re.search(rf"^locales/{lang}/LC_MESSAGES/malaga-2022\.po: .*out of date", result.stderr, re.M), lang
    assert "messages.po" not in result.stderr
    assert snapshot(project / "locales") == locales_before

    result = cli(project, "i18n", "update", NOTE)
    assert result.returncode == 0, result.stderr
    for lang, path in _catalog_paths(project).items():
        found = read_catalog(path)
        message = found.get(new)
        assert message is not None and message.fuzzy, lang
        assert message.string == old_strings[lang], lang  # the old translation is kept for the translator
        assert found.get(old) is None, lang
        text = path.read_text(encoding="utf-8")
        assert f'#, fuzzy\n#| msgid "{old}"\nmsgid "{new}"\n' in text, lang
        assert previous_msgid(path, po_strings(path)[new][0]) == old, lang

    result = cli(project, "i18n", "status", "--json", NOTE)
    rows = {row["language"]: row for row in json.loads(result.stdout) if row["note"] == "malaga-2022"}
    for lang in TARGETS:
        n = sum(before[lang])
        assert (rows[lang]["translated"], rows[lang]["fuzzy"], rows[lang]["untranslated"]) == (n - 1, 1, 0), lang

    result = cli(project, "i18n", "update", "--check", NOTE)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_update_after_a_long_paragraph_changes_keeps_catalogs_valid(project):
    old = ("The Conference will build on these conclusions and will offer Member States, the United Nations"
           " system and civil society an opportunity to take stock of progress and challenges ahead of the"
           " eighth review of the Strategy.")
    new = old.replace("build on these conclusions", "build upon those conclusions")
    edit(project / NOTE / "note.md", f"\n{old}\n", f"\n{new}\n")
    assert cli(project, "i18n", "update", NOTE).returncode == 0
    for lang, path in _catalog_paths(project).items():
        message = read_catalog(path).get(new)
        assert message is not None and message.fuzzy, lang
        assert previous_msgid(path, po_strings(path)[new][0]) == old, lang
        result = subprocess.run([need("msgfmt"), "--check", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    result = cli(project, "check", NOTE)
    assert result.returncode == 0, result.stderr


def test_removed_paragraph_becomes_obsolete(project):
    removed = "The Conference will bring together:"
    strings = {lang: po_strings(path)[removed][1] for lang, path in _catalog_paths(project).items()}
    before = expected_status(project)
    edit(project / NOTE / "note.md", f"\n{removed}\n\n", "\n")
    assert cli(project, "i18n", "extract", NOTE).returncode == 0
    assert read_catalog(project / "locales" / "malaga-2022.pot").get(removed) is None
    assert cli(project, "i18n", "update", NOTE).returncode == 0
    status = json.loads(cli(project, "i18n", "status", "--json", NOTE).stdout)
    rows = {row["language"]: row for row in status if row["note"] == "malaga-2022"}
    for lang, path in _catalog_paths(project).items():
        text = path.read_text(encoding="utf-8")
        assert f'#~ msgid "{removed}"\n#~ msgstr "{strings[lang]}"\n' in text, lang
        assert read_catalog(path).get(removed) is None, lang  # obsolete, not a unit
        assert rows[lang]["total"] == sum(before[lang]) - 1 and rows[lang]["fuzzy"] == 0, lang


def test_update_of_up_to_date_catalogs_changes_nothing(project):
    before = snapshot(project / "locales")
    result = cli(project, "i18n", "update", NOTE)
    assert result.returncode == 0, result.stderr
    assert "updated" not in result.stdout.replace("unchanged", "")
    assert snapshot(project / "locales") == before


# 11. Draft and strict builds with a missing translation ----------------------------------------

DRAFT = "translated"  # the test root
DRAFT_NOTE = f"content/{DRAFT}"
DRAFT_PO = f"locales/fr/LC_MESSAGES/{DRAFT}.po"
MISSING = "The workshop will bring together:"
MISSING_FR = "L'atelier réunira :"
NEXT_ITEM = ("representatives of the ministries and national institutions responsible for preventing and"
             " countering violent extremism;")


def _blank(project: Path) -> str:
    edit(project / DRAFT_PO, f'msgid "{MISSING}"\nmsgstr "{MISSING_FR}"', f'msgid "{MISSING}"\nmsgstr ""')
    return "untranslated unit"


def _fuzzy(project: Path) -> str:
    edit(project / DRAFT_PO, f'\nmsgid "{MISSING}"\n', f'\n#, fuzzy\nmsgid "{MISSING}"\n')
    return "fuzzy translation"


@pytest.fixture(scope="module", params=[_blank, _fuzzy], ids=["blank", "fuzzy"])
def draft(request, tmp_path_factory):
    """The French documents of a copy where one unit is blank or fuzzy, built as a draft."""
    root = copy_root(DRAFT, tmp_path_factory.mktemp("draft"))
    why = request.param(root)
    out = root.parent / "out"
    result = cli(root, "build", DRAFT_NOTE, "--lang", "fr", "--out", str(out), "--jobs", "1")
    return {"root": root, "why": why, "result": result, "out": out / DRAFT,
            "po_line": po_strings(root / DRAFT_PO)[MISSING][0], "note_line": note_line(root, MISSING, DRAFT_NOTE)}


def test_draft_build_warns_at_the_catalog_line(draft):
    result = draft["result"]
    assert result.returncode == 0, result.stderr
    expected = (f"{DRAFT_PO}:{draft['po_line']}: warning: {draft['why']} (note.md:{draft['note_line']});"
                " the en text is used")
    assert expected in result.stderr.splitlines()
    assert sorted(p.name for p in outputs(draft["out"])) == [f"{DRAFT}.fr.docx", f"{DRAFT}.fr.pdf"]


def test_draft_pdf_shows_the_english_paragraph_in_its_place(draft):
    text = words(pdf_text(draft["out"] / f"{DRAFT}.fr.pdf"))
    strings = po_strings(draft["root"] / DRAFT_PO)
    heading, following = words(strings["Participants"][1]), words(strings[NEXT_ITEM][1])
    assert find_in_order(heading + words(MISSING) + following, text, slack=20) is not None
    assert find_in_order(heading + words(strings[MISSING][1] or MISSING_FR) + following, text, slack=20) is None


def _comments(docx_path: Path) -> dict[str, str]:
    root = etree.fromstring(docx_part_xml(docx_path, "word/comments.xml"))
    return {c.get(qn("w:id")): "".join(t.text or "" for t in c.iter(qn("w:t"))) for c in root.iter(qn("w:comment"))}


def test_draft_docx_marks_the_english_paragraph_with_a_comment(draft):
    import docx

    path = draft["out"] / f"{DRAFT}.fr.docx"
    comments = _comments(path)
    where = f"{DRAFT_PO}:{draft['po_line']}"
    naming = [cid for cid, text in comments.items() if where in text]
    assert len(comments) == 1 and len(naming) == 1, comments
    document = docx.Document(str(path))
    paragraphs = [p for p in docx_body_paragraphs(document) if p.text == MISSING]
    assert len(paragraphs) == 1
    starts = [s.get(qn("w:id")) for s in paragraphs[0]._p.iter(qn("w:commentRangeStart"))]
    ends = [s.get(qn("w:id")) for s in paragraphs[0]._p.iter(qn("w:commentRangeEnd"))]
    assert starts == ends == naming


def test_draft_docx_comment_is_dated_like_the_document(draft):
    meta = note_of(draft["root"]).meta
    root = etree.fromstring(docx_part_xml(draft["out"] / f"{DRAFT}.fr.docx", "word/comments.xml"))
    created = (meta.date or meta.event.start).isoformat()
    dates = [c.get(qn("w:date")) for c in root.iter(qn("w:comment"))]
    assert dates and all(d is None or d.startswith(created) for d in dates), dates


def test_strict_build_fails_and_writes_nothing(root):
    project = root(DRAFT)
    _blank(project)
    out = project.parent / "strict-out"
    result = cli(project, "build", DRAFT_NOTE, "--lang", "fr", "--out", str(out), "--strict", "--jobs", "1")
    assert result.returncode == 1
    line = po_strings(project / DRAFT_PO)[MISSING][0]
    expected = (f"{DRAFT_PO}:{line}: untranslated unit (note.md:{note_line(project, MISSING, DRAFT_NOTE)});"
                " the en text is used")
    assert expected in result.stderr.splitlines()
    assert "nothing was written" in result.stderr
    assert outputs(out) == []


# 12. Translations that cannot stand in for their source ----------------------------------------


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("failed:")]


def test_translation_that_drops_a_footnote_call(project):
    msgid = next(u.msgid for u in units_of_sample() if "[^dialogue]" in u.msgid and u.kind == "paragraph")
    line, msgstr = po_strings(project / FR_PO)[msgid]
    assert "2021[^dialogue]." in msgstr
    edit(project / FR_PO, '2021[^dialogue]. La', '2021. La')
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert _problem_lines(result.stderr) == [f"{FR_PO}:{line}: the translation drops footnote call [^dialogue]"]


def test_translation_that_changes_a_link_target(project):
    msgid = next(u.msgid for u in units_of_sample() if "](https://www.un.org/counterterrorism/)" in u.msgid)
    line, _ = po_strings(project / FR_PO)[msgid]
    edit(project / FR_PO, "ONU](https://www.un.org/counterterrorism/)", "ONU](https://www.un.org/fr/counterterrorism/)")
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert _problem_lines(result.stderr) == [
        f"{FR_PO}:{line}: the translation drops link target https://www.un.org/counterterrorism/",
        f"{FR_PO}:{line}: the translation adds link target https://www.un.org/fr/counterterrorism/,"
        " which is not in the source",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("*Notre Programme commun*[^agenda]", "*Notre Programme commun[^agenda]",
         "the translation has no emphasis (*...*) where the source has 1: a '*' or '_' is missing or extra"),
        ("**première conférence", "première conférence",
         "the translation has no strong emphasis (**...**) where the source has 1:"
         " a '**' or '__' is missing or extra"),
        ("*Notre Programme commun*", "*Notre* *Programme commun*",
         "the translation has 2 emphases (*...*) where the source has 1: a '*' or '_' is missing or extra"),
    ],
)
def test_translation_with_unbalanced_inline_markdown_is_an_error_at_its_line(project, old, new, message):
    """A dropped '*' is not printed: the check stops at the entry's .po line, in every build."""
    line, _ = next(v for v in po_strings(project / FR_PO).values() if old in v[1])
    edit_translation(project / FR_PO, old, new)
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert f"{FR_PO}:{line}: {message}" in _problem_lines(result.stderr), result.stderr


def test_translation_that_leaves_a_literal_marker_is_an_error(project):
    """Balanced counts, but a '*' of its own that the source does not have: a typo, shown as '*'."""
    line, _ = next(v for v in po_strings(project / FR_PO).values() if "le Secrétaire général de" in v[1])
    edit_translation(project / FR_PO, "le Secrétaire général de", "le Secrétaire *général de")
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert _problem_lines(result.stderr) == [
        f"{FR_PO}:{line}: the translation shows a '*' that the source does not have:"
        " close the emphasis, or remove the '*'"]


def _drop_pages(project: Path) -> int:
    edit(project / FR_LABELS, 'msgstr "Page {page} sur {pages}"', 'msgstr "Page {page}"')
    return po_strings(project / FR_LABELS)[labels.PAGE_OF_PAGES][0]


def test_label_translation_that_drops_a_placeholder_fails(project):
    line = _drop_pages(project)
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    problems = _problem_lines(result.stderr)
    assert problems and all(p.startswith(f"{FR_LABELS}:") for p in problems), problems
    assert any("pages" in p and int(p.split(":")[1]) in (line, line + 1) for p in problems), problems


def test_label_translation_that_drops_a_placeholder_names_it(project):
    line = _drop_pages(project)
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert f"{FR_LABELS}:{line}: the translation drops placeholder {{pages}}" in result.stderr.splitlines()


def test_unknown_keyword_is_reported_at_its_line(project):
    edit(project / FR_PO, '\nmsgstr "Contexte"\n', '\nmsgstrx "Contexte"\n')
    line = 1 + next(n for n, text in enumerate((project / FR_PO).read_text(encoding="utf-8").splitlines())
                    if text.startswith("msgstrx"))
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    problems = _problem_lines(result.stderr)
    assert problems and all(p.startswith(f"{FR_PO}:{line}: ") for p in problems), problems


def test_unterminated_string_stops_the_check(project):
    edit(project / FR_PO, '\nmsgstr "Contexte"\n', '\nmsgstr "Contexte\n')
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    assert re.search(rf"^{re.escape(FR_PO)}:\d+: .*end-of-line within string", result.stderr, re.M), result.stderr


def test_unterminated_string_is_reported_at_its_line(project):
    edit(project / FR_PO, '\nmsgstr "Contexte"\n', '\nmsgstr "Contexte\n')
    line = 1 + (project / FR_PO).read_text(encoding="utf-8").splitlines().index('msgstr "Contexte')
    result = cli(project, "check", NOTE)
    problems = _problem_lines(result.stderr)
    assert problems and all(p.startswith(f"{FR_PO}:{line}: ") for p in problems), problems


def test_load_rejects_an_unterminated_string(project):
    edit(project / FR_PO, '\nmsgstr "Contexte"\n', '\nmsgstr "Contexte\n')
    line = 1 + (project / FR_PO).read_text(encoding="utf-8").splitlines().index('msgstr "Contexte')
    with pytest.raises(NoteError) as caught:
        catalogs.load(project / FR_PO, "fr")
    assert [p.line for p in caught.value.problems] == [line]


def test_msgfmt_column_is_not_part_of_the_message(project):
    edit(project / FR_PO, '\nmsgstr "Contexte"\n', '\nmsgstr "Contexte" junk\n')
    problems = catalogs.msgfmt_check(project / FR_PO)
    assert problems
    for problem in problems:
        assert not re.match(r"msgfmt: \d+: ", problem.message), problem


def test_wrong_language_header_is_reported_at_the_header(project):
    edit(project / FR_PO, '"Language: fr\\n"', '"Language: de\\n"')
    line = 1 + (project / FR_PO).read_text(encoding="utf-8").splitlines().index('"Language: de\\n"')
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    problems = _problem_lines(result.stderr)
    assert problems and all(p.startswith(f"{FR_PO}:{line}: ") for p in problems), problems
    assert "Language" in problems[0] and "'de'" in problems[0] and "'fr'" in problems[0]


def test_duplicate_msgid_is_reported_at_its_line(project):
    first = po_strings(project / FR_PO)["Background"][0]
    with (project / FR_PO).open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "Background"\nmsgstr "Contexte"\n')
    lines = (project / FR_PO).read_text(encoding="utf-8").splitlines()
    duplicate = len(lines) - 1
    assert lines[duplicate - 1] == 'msgid "Background"'
    result = cli(project, "check", NOTE)
    assert result.returncode == 1
    problems = _problem_lines(result.stderr)
    assert any(p.startswith(f"{FR_PO}:{duplicate}: ") and "duplicate" in p for p in problems), problems
    assert all(int(p.split(":")[1]) in (first, first + 1, duplicate) for p in problems), problems


def test_unchanged_copy_checks_clean(project):
    result = cli(project, "check", NOTE)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


# 13. Units of the sample ---------------------------------------------------------------------------


def units_of_sample():
    from conceptnotes.read.loader import load_note

    note, _ = load_note(SAMPLE)
    return units(note)


def test_units_cover_every_kind_of_text(sample_note):
    kinds = {u.kind for u in units(sample_note)}
    assert {"title", "subtitle", "event.city", "organizers", "heading", "paragraph", "list item",
            "table cell", "footnote"} <= kinds
    assert "contacts.name" not in kinds  # printed nowhere: no unit (tests/test_marks_and_spacing.py)
    by_kind = {}
    for unit in units(sample_note):
        by_kind.setdefault(unit.kind, []).append(unit.msgid)
    meta = sample_note.meta
    assert by_kind["title"] == [meta.title] and by_kind["subtitle"] == [meta.subtitle]
    assert by_kind["event.city"] == [meta.event.city]
    assert by_kind["organizers"] == list(meta.organizers)
    assert "Outline of the programme" in by_kind["heading"]
    assert {"Date", "Programme", "9 May 2022"} <= set(by_kind["table cell"])
    assert "side events." in by_kind["list item"]
    assert len(by_kind["footnote"]) == len(sample_note.document.footnotes)


def test_inline_markdown_stays_in_the_msgid(sample_note):
    msgids = [u.msgid for u in units(sample_note)]
    assert any("*Virtual Dialogue with Human Rights" in s and "[^dialogue]" in s for s in msgids)
    assert any("**first thematic international conference" in s and s.endswith("[^strategy]") for s in msgids)
    assert any("[United Nations Office of Counter-Terrorism](https://www.un.org/counterterrorism/)" in s
               for s in msgids)
    assert "The *Virtual Dialogue* took place on 25 and 26 May 2021." in msgids
    assert "*Our Common Agenda: Report of the Secretary-General* (A/75/982), 2021." in msgids


def _expected_line(lines: list[str], unit) -> int:
    """The note.md line of the unit itself: a front-matter value's own line, a table cell's row."""
    keys = {"title": "title: ", "subtitle": "subtitle: ", "event.city": "  city: ", "event.venue": "  venue: ",
            "organizers": "  - ", "contacts.name": "  - name: "}
    if unit.kind in keys:
        found = [n for n, line in enumerate(lines, 1) if line == keys[unit.kind] + unit.msgid]
    elif unit.kind == "heading":
        found = [n for n, line in enumerate(lines, 1) if re.fullmatch(rf"#+ {re.escape(unit.msgid)}", line)]
    elif unit.kind == "table cell":
        found = [n for n, line in enumerate(lines, 1) if line.startswith("|")
                 and unit.msgid in [c.strip() for c in line.strip("|").split("|")]]
    elif unit.kind == "footnote":
        found = [n for n, line in enumerate(lines, 1) if re.match(r"\[\^\w+\]: ", line)
                 and line.split(": ", 1)[1].startswith(unit.msgid[:40])]
    else:  # paragraph or list item
        found = [n for n, line in enumerate(lines, 1)
                 if re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line).startswith(unit.msgid[:50])]
    assert len(found) == 1, (unit, found)
    return found[0]


def test_each_unit_is_located_at_its_block(sample_note):
    lines = sample_note.source.read_text(encoding="utf-8").splitlines()
    template = read_catalog(LOCALES / "malaga-2022.pot")
    checked = 0
    for unit in units(sample_note):
        expected = _expected_line(lines, unit)
        assert unit.line == expected, unit
        message = template.get(unit.msgid)
        assert message is not None, unit.msgid
        assert (f"{NOTE}/note.md", expected) in message.locations, (unit.msgid, message.locations)
        checked += 1
    assert checked >= 60


def _shape(node):
    """A node as comparable data, a footnote call by its key only (numbers depend on the order of calls)."""
    if isinstance(node, m.FootnoteRef):
        return ("footnote", node.key)
    fields = []
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        fields.append(tuple(_shape(child) for child in value) if field.name == "children" else value)
    return (type(node).__name__, *fields)


def test_every_unit_round_trips_through_its_msgid(sample_note):
    keys = frozenset(f.key for f in sample_note.document.footnotes)
    body = [u for u in units(sample_note) if u.inlines]
    assert len(body) >= 50
    for unit in body:
        parsed, problems = parse_inline(unit.msgid, sample_note.source, unit.line, sample_note.assets, keys)
        assert problems == [], (unit.msgid, problems)
        assert [_shape(n) for n in parsed] == [_shape(n) for n in unit.inlines], unit.msgid
