"""Review in Word: bold, italics and links a reviewer makes or takes off in a built DOCX
come back as Markdown in note.md (``**``, ``*``, ``[...](...)``) or in a translation's
msgstr; what Markdown cannot write there is listed, not applied (issue 23)."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from docx import Document
from lxml import etree

from tests.conftest import run_in
from tests.test_review import _W, DATE, Edited, accepted_texts, build_docx, changed_lines

HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class Styled(Edited):
    """A built DOCX, formatted again as Word does it (with tracking off unless ``tracked``)."""

    def style(self, contains: str, text: str, tag: str, on: bool = True, tracked: bool = False,
              part: str = "word/document.xml") -> None:
        """``text`` (a run of its own) made bold (``tag`` "b") or italic ("i"), or no longer."""
        run, _ = self._split(self.paragraph(contains, part), text)
        rpr = run.find(_W + "rPr")
        if rpr is None:
            rpr = etree.Element(_W + "rPr")
            run.insert(0, rpr)
        previous = copy.deepcopy(rpr)
        for name in (tag, tag + "Cs"):
            for found in rpr.findall(_W + name):
                rpr.remove(found)
            if on:
                rpr.insert(0, etree.Element(_W + name))
        if tracked:  # Word keeps the properties before the change
            change = etree.SubElement(rpr, _W + "rPrChange", {_W + "id": "951", _W + "author": "Reviewer",
                                                             _W + "date": DATE})
            change.append(previous)

    def link(self, contains: str, text: str, url: str) -> None:
        """``text`` made a hyperlink to ``url`` (a relationship of the document part)."""
        run, _ = self._split(self.paragraph(contains), text)
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(self.members[rels_name])
        rid = f"rIdReviewLink{len(rels)}"
        etree.SubElement(rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                         Id=rid, Type=HYPERLINK, Target=url, TargetMode="External")
        self.members[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        hyperlink = etree.Element(_W + "hyperlink", {R + "id": rid})
        run.addprevious(hyperlink)
        hyperlink.append(run)

    def unlink(self, contains: str) -> None:
        """The paragraph's hyperlink taken off, its text kept."""
        hyperlink = next(self.paragraph(contains).iter(_W + "hyperlink"))
        for child in list(hyperlink):
            hyperlink.addprevious(child)
        hyperlink.getparent().remove(hyperlink)


def runs_of(docx: Path, contains: str) -> list[tuple[str, bool, bool]]:
    """(text, bold, italic) of the runs of the first paragraph holding ``contains`` (python-docx)."""
    paragraph = next(p for p in Document(str(docx)).paragraphs if contains in p.text)
    return [(run.text, bool(run.bold), bool(run.italic)) for run in paragraph.runs if run.text]


def english_styled(project: Path) -> Path:
    edited = Styled(build_docx(project, "en"))
    edited.style("The Conference will bring together", "Member States", "i")  # tracking off
    edited.style("The Conference is organized by UNOCT",
                 "first thematic international conference dedicated to civil society and human rights in"
                 " counter-terrorism", "b", on=False, tracked=True)
    edited.style("During the two-day", "Dialogue", "i", on=False)  # part of an emphasis
    edited.link("To contribute to the eighth review", "United Nations Global Counter-Terrorism Strategy",
                "https://www.un.org/counterterrorism/un-global-counter-terrorism-strategy")
    edited.unlink("Enquiries concerning the Conference")
    edited.style("was adopted by the General Assembly", "60/288", "i", part="word/footnotes.xml")
    return edited.save(project / "styled.en.docx")


def test_bold_italics_and_links_made_in_word_come_back_as_markdown(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_text(encoding="utf-8")
    reviewed = english_styled(project)
    listed = run_in(project, "review", "import", str(reviewed), "--list")
    assert listed.returncode == 0, listed.stderr
    assert "6 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied; nothing was written" in listed.stdout
    assert "made italic: 'Member States'" in listed.stdout
    assert "bold taken off: 'first thematic international conference" in listed.stdout
    assert ("linked to https://www.un.org/counterterrorism/un-global-counter-terrorism-strategy:"
            " 'United Nations Global Counter-Terrorism Strategy'") in listed.stdout
    assert note.read_text(encoding="utf-8") == before
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    after = note.read_text(encoding="utf-8")
    old = before.splitlines()
    assert changed_lines(before, after) == [
        (old[21], old[21].replace("from Member States,", "from *Member States*,")),
        (old[23], old[23].replace("**first thematic international conference dedicated to civil society and human"
                                  " rights in counter-terrorism**", "first thematic international conference"
                                  " dedicated to civil society and human rights in counter-terrorism")),
        (old[27], old[27].replace("*Virtual Dialogue*", "*Virtual* Dialogue")),
        (old[35], "3. To contribute to the eighth review of the [United Nations Global Counter-Terrorism Strategy]"
                  "(https://www.un.org/counterterrorism/un-global-counter-terrorism-strategy) in 2023."),
        (old[43], "Enquiries concerning the Conference may be addressed to the United Nations Office of"
                  " Counter-Terrorism through its website: United Nations Office of Counter-Terrorism."),
        (old[47], old[47].replace("resolution 60/288 of", "resolution *60/288* of")),
    ]
    rebuilt = build_docx(project, "en")
    assert accepted_texts(rebuilt) == accepted_texts(reviewed)
    assert ("Member States", False, True) in runs_of(rebuilt, "The Conference will bring together")
    assert [r for r in runs_of(rebuilt, "The Conference is organized by") if r[1]] == []
    with zipfile.ZipFile(rebuilt) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert "un-global-counter-terrorism-strategy" in rels and "https://www.un.org/counterterrorism/\"" not in rels
    again = run_in(project, "review", "import", str(rebuilt), "--list")
    assert "0 unit(s) changed" in again.stdout  # the rebuilt document is formatted as its note says


def test_a_formatting_markdown_cannot_write_is_listed_and_the_rest_applied(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_text(encoding="utf-8")
    edited = Styled(build_docx(project, "en"))
    edited.style("In addition, participants stressed", "critical role", "i")
    # one word of a link's text given another address: Markdown cannot write a link inside a link
    paragraph = edited.paragraph("Enquiries concerning the Conference")
    rels = etree.fromstring(edited.members["word/_rels/document.xml.rels"])
    hyperlink = next(paragraph.iter(_W + "hyperlink"))
    run, _ = edited._split(hyperlink, "Office")
    outside = etree.Element(_W + "hyperlink", {R + "id": hyperlink.get(R + "id") + "x"})
    etree.SubElement(rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                     Id=hyperlink.get(R + "id") + "x", Type=HYPERLINK, Target="https://example.org/",
                     TargetMode="External")
    edited.members["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    run.addprevious(outside)
    outside.append(run)
    reviewed = edited.save(project / "styled.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 0 conflict(s), 1 not applied" in result.stdout
    assert "not applied: note.md:44 ('Enquiries concerning" in result.stdout
    assert ("a change of bold, italics or a link that Markdown cannot write here (linked to https://example.org/:"
            " 'Office'); not applied") in result.stdout
    old = before.splitlines()
    assert changed_lines(before, note.read_text(encoding="utf-8")) == [
        (old[27], old[27].replace("the critical role of", "the *critical role* of")),
    ]


def test_emphasis_in_a_translation_lands_in_its_msgstr_where_the_catalog_allows_it(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    assert run_in(project, "i18n", "update").returncode == 0
    before = catalog.read_text(encoding="utf-8")
    edited = Styled(build_docx(project, "fr"))
    edited.style("Au cours des deux journées", "virtuel", "i", on=False, tracked=True)  # the emphasis made shorter
    edited.style("Contribuer au huitième examen", "huitième examen", "b", tracked=True)  # one more than the source's
    edited.link("Date et lieu", "lieu", "https://example.org/")
    reviewed = edited.save(project / "styled.fr.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 unit(s) changed, 0 comment(s), 0 conflict(s), 2 not applied" in out
    assert "italics taken off: 'virtuel'" in out
    assert ("a change of bold or italics that the catalog's check refuses: the translation has 1 strong emphasis"
            " (**...**) where the source has 0: a '**' or '__' is missing or extra (made bold: 'huitième examen');"
            " not applied") in out
    assert ("a link added or removed in Word, which a translation's catalog entry sets"
            " (linked to https://example.org/: 'lieu'); not applied") in out
    line = next(line for line in before.splitlines() if "du *Dialogue virtuel*, les" in line)
    assert changed_lines(before, catalog.read_text(encoding="utf-8")) == [
        (line, line.replace("du *Dialogue virtuel*, les", "du *Dialogue* virtuel, les")),
    ]
    rebuilt = build_docx(project, "fr")
    assert accepted_texts(rebuilt) == accepted_texts(reviewed)
    assert ("virtuel", False, False) not in runs_of(rebuilt, "Contribuer au huitième")
    assert [r for r in runs_of(rebuilt, "Au cours des deux journées") if r[2]] == [("Dialogue", False, True)]


# Table cells and captions ------------------------------------------------------------------------


def review_figures(project: Path, lang: str, edits: list[tuple[str, str, str]]) -> Path:
    result = run_in(project, "build", "--lang", lang, "--format", "docx")
    assert result.returncode == 0, result.stderr
    edited = Edited(project / "output" / "figures" / f"figures.{lang}.docx")
    for contains, old, new in edits:
        if new.startswith(old):
            edited.insert(contains, old, new[len(old):])
        else:
            edited.direct(contains, old, new)
    return edited.save(project / f"reviewed.{lang}.docx")


def test_table_cells_and_captions_come_back_into_note_md(root):
    project = root("figures")
    note = project / "content" / "figures" / "note.md"
    before = note.read_text(encoding="utf-8")
    reviewed = review_figures(project, "en", [
        ("Programme of the course", "Programme of the course", "Programme of the training course"),  # a table's
        ("Special investigative techniques", "protection of witnesses", "protection of witnesses and victims"),
        ("Date", "Date", "Dates"),  # a header cell
        ("Moot court room", "Moot court room", "Moot courtroom"),  # a figure's
    ])
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "4 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in result.stdout
    assert "changed note.md:35:" in result.stdout  # the caption's own line, not its table's
    old = before.splitlines()
    assert changed_lines(before, note.read_text(encoding="utf-8")) == [
        (old[34], "Table: Programme of the training course"),
        (old[36], "| Dates | Programme |"),
        (old[39], "| 9 May 2023 | Special investigative techniques; protection of witnesses and victims |"),
        (old[42], '![Plan of the moot court](assets/floor-plan.png "Moot courtroom")'),
    ]
    result = run_in(project, "build", "--lang", "en", "--format", "docx")
    assert accepted_texts(project / "output" / "figures" / "figures.en.docx") == accepted_texts(reviewed)


def test_a_cell_is_changed_in_its_own_column_of_the_row(root):
    project = root("figures")
    note = project / "content" / "figures" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("| 10 May 2023 | Moot trial; closing session |",
                                                             "| Moot trial | Moot trial |"), encoding="utf-8")
    before = note.read_text(encoding="utf-8")
    result = run_in(project, "build", "--lang", "en", "--format", "docx")
    assert result.returncode == 0, result.stderr
    edited = Edited(project / "output" / "figures" / "figures.en.docx")
    cells = [p for p in edited.parts["word/document.xml"].iter(_W + "p") if "".join(p.itertext()) == "Moot trial"]
    edited.insert(cells[1], "Moot trial", " and closing session")  # the second column's
    result = run_in(project, "review", "import", str(edited.save(project / "reviewed.docx")), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert changed_lines(before, note.read_text(encoding="utf-8")) == [
        ("| Moot trial | Moot trial |", "| Moot trial | Moot trial and closing session |"),
    ]


FRENCH = {
    "Programme of the course": "Programme du stage",
    "Special investigative techniques; protection of witnesses": "Techniques d'enquête spéciales ; protection des"
                                                                 " témoins",
    "Moot court room": "Salle du procès fictif",
}


def test_table_cells_and_captions_of_a_translation_come_back_into_its_catalog(root):
    from babel.messages.pofile import read_po, write_po

    project = root("figures")
    note = project / "content" / "figures" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("languages: [en, ar, zh]", "languages: [en, fr]"),
                    encoding="utf-8")
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "figures.po"
    with catalog.open("rb") as handle:
        po = read_po(handle)
    for source, text in FRENCH.items():
        po[source].string = text
    with catalog.open("wb") as handle:
        write_po(handle, po, width=10_000)
    assert run_in(project, "i18n", "update").returncode == 0
    before = catalog.read_text(encoding="utf-8")
    reviewed = review_figures(project, "fr", [
        ("Programme du stage", "Programme du stage", "Programme du stage de formation"),
        ("Techniques d\u2019enquête spéciales", "protection des témoins", "protection des témoins et des victimes"),
        ("Salle du procès fictif", "Salle", "Grande salle"),
    ])
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "3 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in result.stdout
    assert changed_lines(before, catalog.read_text(encoding="utf-8")) == [
        ('msgstr "Programme du stage"', 'msgstr "Programme du stage de formation"'),
        ("msgstr \"Techniques d'enquête spéciales ; protection des témoins\"",
         "msgstr \"Techniques d'enquête spéciales ; protection des témoins et des victimes\""),
        ('msgstr "Salle du procès fictif"', 'msgstr "Grande salle du procès fictif"'),
    ]
    result = run_in(project, "build", "--lang", "fr", "--format", "docx")
    assert accepted_texts(project / "output" / "figures" / "figures.fr.docx") == accepted_texts(reviewed)


# The venue ---------------------------------------------------------------------------------------

VENUE = "Palacio de Ferias y Congresos de Málaga"


def with_venue(project: Path) -> Path:
    note = project / "content" / "official" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("  city: Málaga\n", f"  venue: {VENUE}\n  city: Málaga\n"),
                    encoding="utf-8")
    return note


def test_the_venue_is_marked_in_the_event_line_and_comes_back_into_note_md(root):
    project = root("official")
    note = with_venue(project)
    before = note.read_text(encoding="utf-8")
    edited = Edited(build_docx(project, "en"))
    assert edited.paragraph(VENUE) is not None
    edited.insert(VENUE, "Ferias", " y Exposiciones")
    reviewed = edited.save(project / "reviewed.en.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in result.stdout
    assert "changed note.md:9:" in result.stdout
    assert changed_lines(before, note.read_text(encoding="utf-8")) == [
        (f"  venue: {VENUE}", "  venue: Palacio de Ferias y Exposiciones y Congresos de Málaga"),
    ]
    assert accepted_texts(build_docx(project, "en")) == accepted_texts(reviewed)


def test_a_change_to_the_rest_of_the_event_line_is_listed_not_applied(root):
    project = root("official")
    note = with_venue(project)
    before = note.read_bytes()
    edited = Edited(build_docx(project, "en"))
    edited.direct(VENUE, "Spain", "España")  # the country's name: the build's, from the country code
    result = run_in(project, "review", "import", str(edited.save(project / "reviewed.en.docx")), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "0 unit(s) changed, 0 comment(s), 0 conflict(s), 1 not applied" in result.stdout
    assert "the text after it (', Málaga, Spain, 10 and 11" in result.stdout
    assert note.read_bytes() == before


def test_the_venue_of_a_translation_comes_back_into_its_catalog(root):
    project = root("official")
    with_venue(project)
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    text = catalog.read_text(encoding="utf-8")
    at = text.index(f'msgid "{VENUE}"\nmsgstr ""')
    catalog.write_text(text[:at] + f'msgid "{VENUE}"\nmsgstr "Palais des foires et des congrès de Malaga"'
                       + text[at + len(f'msgid "{VENUE}"\nmsgstr ""'):], encoding="utf-8")
    before = catalog.read_text(encoding="utf-8")
    edited = Edited(build_docx(project, "fr"))
    edited.direct("Palais des foires", "Palais des foires", "Palais des expositions")
    reviewed = edited.save(project / "reviewed.fr.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "1 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in result.stdout
    assert changed_lines(before, catalog.read_text(encoding="utf-8")) == [
        ('msgstr "Palais des foires et des congrès de Malaga"', 'msgstr "Palais des expositions et des congrès de Malaga"'),
    ]
    assert accepted_texts(build_docx(project, "fr")) == accepted_texts(reviewed)


def test_a_pdf_of_a_note_with_a_venue_lists_its_annotations(root):
    """The venue is a front-matter unit of the PDF's too (``Localized.front_units``)."""
    from tests.test_review_more import Annotated

    project = root("official")
    with_venue(project)
    result = run_in(project, "build", "--lang", "en", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    annotated = Annotated(project / "output" / "official" / "official.en.pdf")
    annotated.add("/Highlight", "Ferias y Congresos", "Chief", "The full name?")
    result = run_in(project, "review", "import", str(annotated.save(project / "reviewed.en.pdf")))
    assert result.returncode == 0, result.stderr
    assert "page 1: highlight by Chief at " in result.stdout and "on 'Ferias y Congresos': The full name?" in result.stdout
