"""Review in Word, continued: conflicts per unit when the note or its catalog changed since
the DOCX was built, and a built PDF's annotations listed with their units (issue 23)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from tests.conftest import ROOT, need, run_in, sample_project
from tests.test_guides import Command, argv, commands, run, shown
from tests.test_review import Edited, accepted_texts, build_docx, changed_lines

# Conflicts ------------------------------------------------------------------------------------


def test_a_unit_changed_on_both_sides_is_a_conflict_and_the_others_are_applied(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    edited = Edited(build_docx(project, "en"))
    edited.insert("Background", "Background", " and context")
    edited.direct("To contribute to the eighth review", "in 2023.", "in 2026.")
    reviewed = edited.save(project / "reviewed.en.docx")
    # meanwhile, the officer adds a paragraph above both and rewrites the third objective
    text = note.read_text(encoding="utf-8")
    text = text.replace("# Introduction\n", "# Introduction\n\nA paragraph added since the build.\n", 1)
    text = text.replace("Strategy in 2023.", "Strategy in 2024.", 1)
    note.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; updated" in out
    assert ("conflict at note.md:36 (as built): note.md changed at this paragraph since the DOCX was built;"
            " the reviewer's change was left unwritten:") in out
    assert "  now: 3.\tTo contribute" not in out and "Strategy in 2026." in out
    old = text.splitlines()
    assert changed_lines(text, note.read_text(encoding="utf-8")) == [(old[27], "# Background and context")]


def test_list_reports_the_conflicts_and_writes_nothing(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    edited = Edited(build_docx(project, "en"))
    edited.insert("Background", "Background", " and context")
    reviewed = edited.save(project / "reviewed.en.docx")
    text = note.read_text(encoding="utf-8").replace("# Background\n", "# Background of the Conference\n", 1)
    note.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed), "--list")
    assert result.returncode == 0, result.stderr
    assert "0 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; nothing was written (--list)" in result.stdout
    assert note.read_text(encoding="utf-8") == text


def test_a_translation_changed_in_the_catalog_is_a_conflict(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    assert run_in(project, "i18n", "update").returncode == 0
    edited = Edited(build_docx(project, "fr"))
    edited.delete("Le Dialogue virtuel s\u2019est tenu", " virtuel", part="word/footnotes.xml")
    edited.insert("Contexte", "Contexte", " et enjeux")
    reviewed = edited.save(project / "reviewed.fr.docx")
    # meanwhile, a translator revises the footnote in the catalog
    text = catalog.read_text(encoding="utf-8").replace("s'est tenu les 25", "a eu lieu les 25", 1)
    catalog.write_text(text, encoding="utf-8")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 1 conflict(s), 0 not applied; updated" in result.stdout
    assert "its translation changed in the catalog since the DOCX was built" in result.stdout
    assert changed_lines(text, catalog.read_text(encoding="utf-8")) == [
        ('msgstr "Contexte"', 'msgstr "Contexte et enjeux"'),
    ]


# Annotations on a PDF ---------------------------------------------------------------------------


def build_pdf(project: Path, lang: str) -> Path:
    result = run_in(project, "build", "--lang", lang, "--format", "pdf")
    assert result.returncode == 0, result.stderr
    return project / "output" / "official" / f"official.{lang}.pdf"


def word_boxes(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, x0, y0, x1, y1) of every word, in PDF coordinates (poppler's pdftotext)."""
    xml = subprocess.run([need("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    out = []
    for number, page in enumerate(root.iter("{*}page"), 1):
        height = float(page.get("height"))
        for word in page.iter("{*}word"):
            box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            out.append((number, word.text, box[0], height - box[3], box[2], height - box[1]))
    return out


class Annotated:
    """A PDF with annotations added as a PDF reader adds them (pypdf)."""

    def __init__(self, pdf: Path) -> None:
        self.writer = PdfWriter(clone_from=str(pdf))
        self.words = word_boxes(pdf)

    def _span(self, words: str) -> tuple[int, list[float]]:
        wanted = words.split()
        for i in range(len(self.words)):
            found = self.words[i:i + len(wanted)]
            if [w[1] for w in found] == wanted and len({(w[0], round(w[3])) for w in found}) == 1:  # one line
                return found[0][0], [min(w[2] for w in found), min(w[3] for w in found),
                                     max(w[4] for w in found), max(w[5] for w in found)]
        raise AssertionError(f"no words {words!r} in the PDF")

    def add(self, subtype: str, words: str, author: str, contents: str = "", reply_to=None):
        page, (x0, y0, x1, y1) = self._span(words)
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
            NameObject("/T"): TextStringObject(author), NameObject("/Contents"): TextStringObject(contents),
        })
        if subtype == "/Text":  # a note's icon, in the margin beside the line
            x0, x1, y0, y1 = 20, 40, y0, y0 + 20
        else:
            annotation[NameObject("/QuadPoints")] = ArrayObject(
                FloatObject(v) for v in (x0, y1, x1, y1, x0, y0, x1, y0))
        annotation[NameObject("/Rect")] = ArrayObject(FloatObject(v) for v in (x0, y0, x1, y1))
        if reply_to is not None:
            annotation[NameObject("/IRT")] = reply_to
        return self.writer.add_annotation(page - 1, annotation)

    def save(self, path: Path) -> Path:
        with path.open("wb") as handle:
            self.writer.write(handle)
        return path


def test_a_pdfs_annotations_are_listed_with_their_units_and_nothing_is_applied(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_bytes()
    annotated = Annotated(build_pdf(project, "en"))
    annotated.add("/Highlight", "critical role", "Chief", "Say which role.")
    annotated.add("/StrikeOut", "of the Kingdom", "Editor")
    question = annotated.add("/Text", "Background", "Chief", "A better heading?")
    annotated.add("/Text", "Background", "Officer", "Kept as it is.", reply_to=question.indirect_reference)
    annotated.add("/Underline", "took place on 25", "Editor", "Online?")
    annotated.add("/Highlight", "and Counter-Terrorism", "Chief", "Capitals?")
    reviewed = annotated.save(project / "reviewed.en.pdf")
    result = run_in(project, "review", "import", str(reviewed))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:] == [
        "page 1: highlight by Chief at note.md:28 on 'critical role': Say which role.",
        "page 1: strike-out by Editor at note.md:24 on 'of the Kingdom'",
        "page 1: comment by Chief at note.md:26: A better heading?",
        "page 1: comment by Officer (a reply to Chief) at note.md:26: Kept as it is.",
        "page 1: underline by Editor at note.md:46 on 'took place on 25': Online?",
        "page 1: highlight by Chief at note.md:2 on 'and Counter-Terrorism': Capitals?",
        "6 annotation(s); nothing was applied: a PDF's annotations are listed only"
        " (make the changes in note.md or the .po, or review the DOCX)",
    ]
    assert note.read_bytes() == before


def test_a_translations_pdf_names_the_catalogs_lines(root):
    project = root("official")
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    annotated = Annotated(build_pdf(project, "fr"))
    annotated.add("/Highlight", "Contexte", "Réviseur", "Titre à revoir.")
    result = run_in(project, "review", "import", str(annotated.save(project / "reviewed.fr.pdf")))
    assert result.returncode == 0, result.stderr
    line = catalog.read_text(encoding="utf-8").splitlines().index('msgid "Background"') + 1
    assert (f"page 1: highlight by Réviseur at locales/fr/LC_MESSAGES/official.po:{line} on 'Contexte':"
            " Titre à revoir.") in result.stdout


# The guides' "Review in Word" sections ------------------------------------------------------------

GUIDE_REVIEWS = {"guide-drafting.md": "en", "guide-translating.md": "fr"}


def reviewed_for_guide(guide: Path, project: Path) -> None:
    """What a guide's reader has when they reach "Review in Word": the sample's DOCX in the
    guide's language, reviewed (two tracked changes and a comment), as ``reviewed.docx`` in
    the project (built in a copy of the project as it is before the guide's first command)."""
    lang = GUIDE_REVIEWS[guide.name]
    copy = sample_project(project.parent / "reviewer")
    assert run_in(copy, "build", "--lang", lang, "--format", "docx").returncode == 0
    edited = Edited(copy / "output" / "malaga-2022" / f"malaga-2022.{lang}.docx")
    if lang == "en":
        edited.insert("Background", "Background", " and context")
        edited.insert("took place on 25 and 26", "took place", " online", part="word/footnotes.xml")
        edited.comment("Enquiries concerning the Conference", "Enquiries", "Add an e-mail address.", author="Chief")
    else:
        edited.insert("Contexte", "Contexte", " et enjeux")
        edited.delete("Le Dialogue virtuel s\u2019est tenu", " virtuel", part="word/footnotes.xml")
        edited.comment("Contexte", "Contexte", "Titre à revoir.", author="Réviseur")
    edited.save(project / "reviewed.docx")


def review_section(guide: Path) -> list[Command]:
    """The commands of the guide's "Review in Word" section."""
    text = guide.read_text(encoding="utf-8")
    start = text.index("\n## Review in Word\n") + 1
    end = text.find("\n## ", start)
    first, last = text.count("\n", 0, start) + 1, text.count("\n", 0, end if end >= 0 else len(text)) + 1
    return [command for command in commands(guide) if first <= command.line <= last]


@pytest.mark.parametrize("name", sorted(GUIDE_REVIEWS))
def test_the_guides_review_commands_do_what_they_say(name, tmp_path):
    guide = ROOT / "docs" / name
    found = review_section(guide)
    assert [c.words[2:4] for c in found if c.words[2:4] == ["review", "import"]] == [["review", "import"]] * 2, found
    assert "--list" in found[-2].words
    project = sample_project(tmp_path)
    reviewed_for_guide(guide, project)
    for command in found:
        words, variables = argv(command)
        status, output = run(words, project, {"XDG_CACHE_HOME": str(tmp_path / "cache"), **variables}, False)
        where = f"{name}:{command.line}: {' '.join(command.words)}"
        assert status == command.status, f"{where}: exit {status}\n{output}"
        missing = shown(output, command.expected)
        assert missing is None, f"{where}: does not print {missing!r}; it printed:\n{output}"


# The front matter ---------------------------------------------------------------------------------


def test_the_title_and_an_organizer_come_back_into_the_yaml_with_its_comments(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace("\norganizers:\n", "\n# as on the invitation\norganizers:  # in this order\n", 1)
    text = text.replace("subtitle: Concept note\n", "subtitle: Concept note  # the kind of document\n", 1)
    note.write_text(text, encoding="utf-8")
    edited = Edited(build_docx(project, "en"))
    edited.delete("High-Level International Conference on Human Rights", "High-Level ")
    edited.insert("Government of Spain", "Government", " of the Kingdom")
    edited.direct("Concept note", "Concept note", "Concept note and programme")
    reviewed = edited.save(project / "reviewed.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "changed note.md:2:" in result.stdout and "changed note.md:14:" in result.stdout
    assert "3 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied; updated" in result.stdout
    old = text.splitlines()
    assert changed_lines(text, note.read_text(encoding="utf-8")) == [
        (old[1], "title: International Conference on Human Rights, Civil Society and Counter-Terrorism"),
        (old[2], "subtitle: Concept note and programme  # the kind of document"),
        (old[13], "  - Government of the Kingdom of Spain"),
    ]
    assert accepted_texts(build_docx(project, "en")) == accepted_texts(reviewed)


def test_a_translated_title_comes_back_into_the_catalog(root):
    from babel.messages.pofile import read_po

    project = root("official")
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    edited = Edited(build_docx(project, "fr"))
    edited.delete("Conférence internationale de haut niveau", " de haut niveau")
    result = run_in(project, "review", "import", str(edited.save(project / "reviewed.docx")), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied; updated" in result.stdout
    with catalog.open("rb") as handle:
        message = read_po(handle, locale="fr").get(
            "High-Level International Conference on Human Rights, Civil Society and Counter-Terrorism")
    assert message.string == ("Conférence internationale sur les droits de l'homme, la société civile"
                              " et la lutte contre le terrorisme")


def test_an_arabic_pdfs_words_are_read_in_reading_order(root):
    project = root("official")
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = (project / "locales" / "ar" / "LC_MESSAGES" / "official.po").read_text(encoding="utf-8").splitlines()
    annotated = Annotated(build_pdf(project, "ar"))
    first = annotated.words[0][1]  # the masthead's first organizer; pdftotext gives its letters as drawn
    annotated.add("/Highlight", first, "مراجع", "؟")
    result = run_in(project, "review", "import", str(annotated.save(project / "reviewed.ar.pdf")))
    assert result.returncode == 0, result.stderr
    line = catalog.index('msgid "United Nations Office of Counter-Terrorism"') + 1
    word = first[::-1]
    assert word in catalog[line]  # the msgstr: the word in reading order
    assert f"page 1: highlight by مراجع at locales/ar/LC_MESSAGES/official.po:{line} on '{word}': ؟" in result.stdout


def test_a_pdf_of_no_note_of_the_project_or_no_pdf_is_refused(root):
    project = root("official")
    blank = PdfWriter()
    blank.add_blank_page(width=595, height=842)
    with (project / "other.pdf").open("wb") as handle:
        blank.write(handle)
    result = run_in(project, "review", "import", str(project / "other.pdf"))
    assert result.returncode == 1 and "is not one of this project's notes" in result.stderr
    (project / "broken.pdf").write_bytes(b"%PDF-1.7\nnot a PDF at all\n")
    result = run_in(project, "review", "import", str(project / "broken.pdf"))
    assert result.returncode == 1 and "this PDF cannot be read" in result.stderr
