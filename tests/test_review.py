"""Review in Word: a reviewer's tracked changes, direct edits and comments in a DOCX this
project built come back into note.md (the source language) or the language's catalog
(``build.py review import``), and every DOCX carries the marks that make it possible."""

from __future__ import annotations

import copy
import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from conceptnotes.render.docx import review_marks
from tests.conftest import need, run_in

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
DATE = "2026-12-01T10:00:00Z"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


# Editing a DOCX's XML as Word writes it ----------------------------------------------------------


class Edited:
    """A DOCX's parts, parsed, to be edited and written back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.members = {name: archive.read(name) for name in archive.namelist()}
        self.parts = {name: etree.fromstring(self.members[name])
                      for name in ("word/document.xml", "word/footnotes.xml")}
        self.next_id = 900
        self.comments: list[etree._Element] = []

    def paragraph(self, contains: str, part: str = "word/document.xml") -> etree._Element:
        for paragraph in self.parts[part].iter(_W + "p"):
            if contains in review_marks.paragraph_text(paragraph)[0]:
                return paragraph
        raise AssertionError(f"no paragraph with {contains!r}")

    def _split(self, paragraph, text: str) -> tuple[etree._Element, etree._Element | None]:
        """The run holding ``text`` split so that ``text`` is a run of its own: (that run, the run before)."""
        for run in paragraph.iter(_W + "r"):
            t = run.find(_W + "t")
            if t is None or text not in (t.text or ""):
                continue
            before, after = t.text.split(text, 1)
            pieces = []
            for piece in (before, text, after):
                new = copy.deepcopy(run)
                new.find(_W + "t").text = piece
                new.find(_W + "t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                pieces.append(new)
            parent, index = run.getparent(), run.getparent().index(run)
            parent.remove(run)
            for offset, piece in enumerate(p for p in pieces if p.find(_W + "t").text):
                parent.insert(index + offset, piece)
            middle = next(p for p in parent if p.tag == _W + "r" and p.find(_W + "t") is not None
                          and p.find(_W + "t").text == text)
            return middle, None
        raise AssertionError(f"no run with {text!r}")

    def _wrap(self, run, tag: str, author: str = "Reviewer") -> etree._Element:
        self.next_id += 1
        wrapper = etree.Element(_W + tag, {_W + "id": str(self.next_id), _W + "author": author, _W + "date": DATE})
        run.addprevious(wrapper)
        wrapper.append(run)
        return wrapper

    def delete(self, contains: str, text: str, part: str = "word/document.xml") -> None:
        """A tracked deletion: the run's ``w:t`` becomes ``w:delText`` inside ``w:del``."""
        run, _ = self._split(self.paragraph(contains, part), text)
        run.find(_W + "t").tag = _W + "delText"
        self._wrap(run, "del")

    def insert(self, contains, after: str, text: str, part: str = "word/document.xml",
               tag: str = "ins") -> etree._Element:
        """A tracked insertion of ``text`` right after the text ``after``, formatted as it."""
        paragraph = contains if isinstance(contains, etree._Element) else self.paragraph(contains, part)
        run, _ = self._split(paragraph, after)
        new = copy.deepcopy(run)
        new.find(_W + "t").text = text
        run.addnext(new)
        return self._wrap(new, tag)

    def move(self, contains: str, text: str, after: str) -> None:
        """Moved text: ``w:moveFrom`` where it was, ``w:moveTo`` after ``after``."""
        paragraph = self.paragraph(contains)
        run, _ = self._split(paragraph, text)
        self._wrap(run, "moveFrom")
        self.insert(paragraph, after, text, tag="moveTo")

    def direct(self, contains: str, old: str, new: str, part: str = "word/document.xml") -> None:
        """An edit with tracking off: the text changed in place."""
        run, _ = self._split(self.paragraph(contains, part), old)
        run.find(_W + "t").text = new

    def formatting(self, contains: str, text: str) -> None:
        """A tracked formatting change: bold, with the previous properties in ``w:rPrChange``."""
        run, _ = self._split(self.paragraph(contains), text)
        rpr = run.find(_W + "rPr")
        if rpr is None:
            rpr = etree.SubElement(run, _W + "rPr")
            run.insert(0, rpr)
        change = etree.SubElement(rpr, _W + "rPrChange", {_W + "id": "950", _W + "author": "Reviewer", _W + "date": DATE})
        etree.SubElement(change, _W + "rPr")
        rpr.insert(0, etree.Element(_W + "b"))

    def comment(self, contains: str, text: str, said: str, author: str = "Chief", reply: str = "") -> None:
        """A comment anchored on ``text`` (and a reply to it, anchored on the same text, as Word does)."""
        run, _ = self._split(self.paragraph(contains), text)
        for words, who in ((said, author), (reply, "Officer")):
            if not words:
                continue
            self.next_id += 1
            key = str(self.next_id)
            run.addprevious(etree.Element(_W + "commentRangeStart", {_W + "id": key}))
            run.addnext(etree.Element(_W + "commentRangeEnd", {_W + "id": key}))
            reference = etree.Element(_W + "r")
            etree.SubElement(reference, _W + "commentReference", {_W + "id": key})
            run.getnext().addnext(reference)
            comment = etree.Element(_W + "comment", {_W + "id": key, _W + "author": who, _W + "date": DATE,
                                                     _W + "initials": who[0]})
            etree.SubElement(etree.SubElement(etree.SubElement(comment, _W + "p"), _W + "r"), _W + "t").text = words
            self.comments.append(comment)

    def save(self, path: Path) -> Path:
        for name, root in self.parts.items():
            self.members[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.comments:
            self._comments_part()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.members.items():
                archive.writestr(name, data)
        return path

    def _comments_part(self) -> None:
        if "word/comments.xml" in self.members:
            root = etree.fromstring(self.members["word/comments.xml"])
        else:
            root = etree.Element(_W + "comments", nsmap={"w": W})
            types = self.members["[Content_Types].xml"].decode()
            self.members["[Content_Types].xml"] = types.replace(
                "</Types>", f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/></Types>').encode()
            rels = self.members["word/_rels/document.xml.rels"].decode()
            self.members["word/_rels/document.xml.rels"] = rels.replace(
                "</Relationships>", f'<Relationship Id="rIdReview1" Type="{COMMENTS_REL}"'
                                    ' Target="comments.xml"/></Relationships>').encode()
        for comment in self.comments:
            root.append(comment)
        self.members["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def accepted_texts(path: Path) -> list[str]:
    """Every paragraph's text of the body and footnotes, tracked changes accepted."""
    with zipfile.ZipFile(path) as archive:
        parts = [etree.fromstring(archive.read(name)) for name in ("word/document.xml", "word/footnotes.xml")]
    return [review_marks.paragraph_text(p)[0] for part in parts for p in part.iter(_W + "p")]


def build_docx(project: Path, lang: str) -> Path:
    result = run_in(project, "build", "--lang", lang, "--format", "docx")
    assert result.returncode == 0, result.stderr
    return project / "output" / "official" / f"official.{lang}.docx"


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) of each line that differs, the files having the same number of lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


# The marks of every DOCX ------------------------------------------------------------------------


def test_every_run_is_bookmarked_and_recorded(root):
    project = root("official")
    docx = build_docx(project, "fr")
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode()
        notes = archive.read("word/footnotes.xml").decode()
        items = [archive.read(n) for n in archive.namelist() if re.fullmatch(r"customXml/item\d+\.xml", n)]
    records = [review_marks.read_record(r) for r in map(etree.fromstring, items) if review_marks.is_record(r)]
    assert len(records) == 1
    record = records[0]
    assert (record.note, record.lang, record.source_language) == ("official", "fr", "en")
    assert [name for name, _ in record.inputs][0] == "note.md" and len(record.digest) == 64
    names = re.findall(r'w:name="_cn([0-9a-f]{10}_\d+)"', body + notes)
    assert sorted(names) == sorted(u.mark.id for u in record.units)
    footnote = next(u for u in record.units if u.mark.footnote == "dialogue")
    assert footnote.part == "footnotes" and footnote.mark.line == 46
    assert footnote.mark.source == "The *Virtual Dialogue* took place on 25 and 26 May 2021."
    assert footnote.rendered == "Le Dialogue virtuel s\u2019est tenu les 25 et 26\u00a0mai\u00a02021."
    assert footnote.mark.text == "Le *Dialogue virtuel* s'est tenu les 25 et 26 mai 2021."


def test_two_builds_give_the_same_bytes(root):
    first = build_docx(root("official", "a"), "en").read_bytes()
    second = build_docx(root("official", "b"), "en").read_bytes()
    assert first == second


# review import --------------------------------------------------------------------------------------


def english_review(project: Path) -> Path:
    edited = Edited(build_docx(project, "en"))
    edited.delete("The Conference is organized by UNOCT", " of the Kingdom")
    edited.insert("Background", "Background", " and context")
    edited.direct("To contribute to the eighth review", "in 2023.", "in 2026.")
    edited.move("It will be preceded on 9", " on 9\u00a0May\u00a02022", "side events")
    edited.insert("took place on 25 and 26", "took place", " online", part="word/footnotes.xml")
    edited.formatting("During the two-day", "respect for human rights")
    edited.comment("In addition, participants stressed", "critical role", "Say which role.",
                   reply="Done in the next paragraph.")
    edited.comment("Enquiries concerning the Conference", "Enquiries", "Add an e-mail address.", author="Editor")
    return edited.save(project / "reviewed.en.docx")


def test_list_shows_changes_and_comments_and_writes_nothing(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_bytes()
    reviewed = english_review(project)
    result = run_in(project, "review", "import", str(reviewed), "--list")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert note.read_bytes() == before
    assert "6 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; nothing was written (--list)" in out
    assert out.index("changed note.md:24:") < out.index("changed note.md:46:") and "deleted by Reviewer: ' of the Kingdom'" in out
    assert "comment by Chief at note.md:28 on 'critical role': Say which role." in out
    assert "comment by Officer at note.md:28 on 'critical role': Done in the next paragraph." in out
    assert "comment by Editor at note.md:44 on 'Enquiries': Add an e-mail address." in out
    assert "made bold: 'respect for human rights'" in out  # a formatting change: bold in note.md


def test_english_review_lands_in_note_md_line_by_line(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_text(encoding="utf-8")
    reviewed = english_review(project)
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "6 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; updated" in result.stdout
    after = note.read_text(encoding="utf-8")
    old = before.splitlines()
    assert changed_lines(before, after) == [
        (old[23], old[23].replace("Government of the Kingdom of Spain. It is", "Government of Spain. It is")),
        (old[25], "# Background and context"),
        (old[27], old[27].replace("that respect for human rights and", "that **respect for human rights** and")),
        (old[35], old[35].replace("in 2023.", "in 2026.")),
        (old[39], "The Conference will be held on 10 and 11 May 2022 in Málaga, Spain. It will be preceded by"
                  " the civil society workshop and side events on 9 May 2022."),
        (old[45], "[^dialogue]: The *Virtual Dialogue* took place online on 25 and 26 May 2021."),
    ]
    rebuilt = build_docx(project, "en")
    assert accepted_texts(rebuilt) == accepted_texts(reviewed)


def french_review(project: Path) -> Path:
    edited = Edited(build_docx(project, "fr"))
    edited.delete("Le Dialogue virtuel s\u2019est tenu", " virtuel", part="word/footnotes.xml")
    edited.insert("Contexte", "Contexte", " et enjeux")
    edited.comment("Contexte", "Contexte", "Titre à revoir.", author="Réviseur")
    return edited.save(project / "reviewed.fr.docx")


def test_french_review_lands_in_the_catalog(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    assert run_in(project, "i18n", "update").returncode == 0  # the catalog as the tool writes it
    before = catalog.read_text(encoding="utf-8")
    reviewed = french_review(project)
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "2 unit(s) changed, 1 comment(s), 0 conflict(s), 0 not applied" in result.stdout
    assert "comment by Réviseur at locales/fr/LC_MESSAGES/official.po:" in result.stdout
    after = catalog.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        ('msgstr "Contexte"', 'msgstr "Contexte et enjeux"'),
        ("msgstr \"Le *Dialogue virtuel* s'est tenu les 25 et 26 mai 2021.\"",
         "msgstr \"Le *Dialogue* s'est tenu les 25 et 26 mai 2021.\""),
    ]
    assert accepted_texts(build_docx(project, "fr")) == accepted_texts(reviewed)


def test_a_change_that_cannot_be_placed_is_refused_with_its_paragraph(root):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    before = catalog.read_bytes()
    edited = Edited(build_docx(project, "fr"))
    edited.insert("Contexte", "Contexte", " et enjeux")
    paragraph = edited.paragraph("La Conférence est organisée")
    reference = next(paragraph.iter(_W + "footnoteReference")).getparent()
    reference.getparent().remove(reference)  # the footnote call deleted
    result = run_in(project, "review", "import", str(edited.save(project / "reviewed.docx")), "--accept-all")
    assert result.returncode == 1
    assert "this change touches a footnote call" in result.stderr
    assert "the paragraph reads 'La Conférence est organisée" in result.stderr
    assert catalog.read_bytes() == before


def test_a_docx_not_built_here_is_refused_pointing_to_import(root):
    project = root("official")
    template = Path(__file__).parents[1] / "templates" / "concept-note" / "reference.docx"
    result = run_in(project, "review", "import", str(template), "--accept-all")
    assert result.returncode == 1
    assert "was not built by this project" in result.stderr and "import" in result.stderr


def test_a_hostile_reviewed_docx_is_refused(root):
    project = root("official")
    docx = build_docx(project, "en")
    with zipfile.ZipFile(docx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "boom">]>', 1)
    hostile = project / "hostile.docx"
    with zipfile.ZipFile(hostile, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = run_in(project, "review", "import", str(hostile), "--accept-all")
    assert result.returncode == 1 and "declares a DTD" in result.stderr


def test_a_unit_id_of_another_note_is_refused(root):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_bytes()
    edited = Edited(build_docx(project, "en"))
    edited.insert("Background", "Background", " and context")
    reviewed = edited.save(project / "reviewed.docx")
    with zipfile.ZipFile(reviewed) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n, data in members.items() if n.startswith("customXml/item") and b"urn:conceptnotes" in data)
    members[name] = members[name].replace(b"<cn:source>Background</cn:source>", b"<cn:source>Elsewhere</cn:source>")
    with zipfile.ZipFile(reviewed, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 1 and "does not hold" in result.stderr
    assert note.read_bytes() == before


def test_libreoffice_keeps_the_marks_and_the_changes_land(root, tmp_path):
    soffice = need("soffice")
    project = root("official")
    built = build_docx(project, "en")
    saved = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx", "--outdir", str(saved), str(built)],
                   check=True, capture_output=True, timeout=240)
    resaved = saved / built.name
    listed = run_in(project, "review", "import", str(resaved), "--list")
    assert listed.returncode == 0, listed.stderr
    assert "0 unit(s) changed, 0 comment(s), 0 conflict(s), 0 not applied" in listed.stdout  # every mark kept, no text changed
    edited = Edited(resaved)
    edited.insert("Background", "Background", " and context")
    edited.insert("took place on 25 and 26", "took place", " online", part="word/footnotes.xml")
    result = run_in(project, "review", "import", str(edited.save(tmp_path / "reviewed.docx")), "--accept-all")
    assert result.returncode == 0, result.stderr
    text = (project / "content" / "official" / "note.md").read_text(encoding="utf-8")
    assert "\n# Background and context\n" in text
    assert "[^dialogue]: The *Virtual Dialogue* took place online on 25 and 26 May 2021." in text
