"""Review in Word, tried as a new user would with LibreOffice itself (issue 23's "Done
when"): a Basic macro, run by ``soffice --headless`` from a private profile, opens the
sample's built English DOCX and its French one, records five tracked changes and adds
three comments in each, and saves them as DOCX; ``review import`` brings each back in one
command: note.md and the .po show exactly those changes, the comments are listed with
their lines, and a rebuild shows the changes."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from babel.messages.pofile import read_po
from lxml import etree

from conceptnotes.render.docx import review_marks
from tests.conftest import run_in
from tests.test_review import _W, build_docx, changed_lines

# Main(in, out, edits, log): each line of the file "edits" is an edit, its fields separated
# by tabs: "insert", text, what to insert after it; "replace", text, new text; "delete",
# text; "comment", text, the comment, its author.  The text is found in the body's
# paragraphs, then in the footnotes'.
MACRO = """REM Tracked changes and comments made by LibreOffice itself (tests/test_review_libreoffice.py).
Sub Main(inPath As String, outPath As String, editsPath As String, logPath As String)
    On Error GoTo Failed
    Dim where As String
    REM a document without a view: a comment's window cannot be made without the UI files
    REM that Debian's libreoffice-writer-nogui leaves out (LibreOffice aborts)
    Dim load(1) As New com.sun.star.beans.PropertyValue
    load(0).Name = "URL" : load(0).Value = ConvertToURL(inPath)
    load(1).Name = "FilterName" : load(1).Value = "MS Word 2007 XML"
    doc = createUnoService("com.sun.star.text.TextDocument")
    doc.load(load())
    doc.RecordChanges = True
    f = FreeFile
    Open editsPath For Input As #f
    Do While Not EOF(f)
        Line Input #f, edit
        where = edit
        If Len(edit) > 0 Then Apply(doc, Split(edit, Chr(9)))
    Loop
    Close #f
    where = "saving"
    Dim save(0) As New com.sun.star.beans.PropertyValue
    save(0).Name = "FilterName" : save(0).Value = "MS Word 2007 XML"
    doc.storeToURL(ConvertToURL(outPath), save())
    doc.close(True)
    Say(logPath, "done")
    Exit Sub
Failed:
    Say(logPath, "error " & Err & " (" & Error$ & ") at: " & where)
    If Not IsEmpty(doc) And Not IsNull(doc) Then doc.close(True)
End Sub

Sub Apply(doc, parts)
    found = FindText(doc.getText(), parts(1))
    If IsNull(found) Then
        footnotes = doc.getFootnotes()
        For index = 0 To footnotes.getCount() - 1
            If IsNull(found) Then found = FindText(footnotes.getByIndex(index), parts(1))
        Next
    End If
    If IsNull(found) Then Error 1004  ' not found: the edit is said in the log
    Select Case parts(0)
    Case "replace"
        found.setString(parts(2))
    Case "insert"
        found.getText().insertString(found.getEnd(), parts(2), False)
    Case "delete"
        found.setString("")
    Case "comment"
        note = doc.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = parts(3)
        note.Content = parts(2)
        found.getText().insertTextContent(found, note, True)
    End Select
End Sub

REM The first range of "text" (inside one paragraph), a text cursor; Null if there is none.
REM (A search descriptor finds nothing in a document without a view.)
Function FindText(text, wanted As String)
    FindText = Null
    paragraphs = text.createEnumeration()
    Do While paragraphs.hasMoreElements()
        paragraph = paragraphs.nextElement()
        If paragraph.supportsService("com.sun.star.text.Paragraph") Then
            at = InStr(1, paragraph.getString(), wanted, 0)
            If at > 0 Then
                cursor = text.createTextCursorByRange(paragraph.getStart())
                cursor.goRight(at - 1, False)
                cursor.goRight(Len(wanted), True)
                FindText = cursor
                Exit Function
            End If
        End If
    Loop
End Function

Sub Say(path As String, text As String)
    g = FreeFile
    Open path For Append As #g
    Print #g, text
    Close #g
End Sub
"""

AUTHOR = "Reviewer"  # the profile's user: LibreOffice's author of tracked changes


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """``edit(docx, edits, out)``: ``docx`` edited by the macro, saved as ``out``."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: Debian's libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("libreoffice")
    profile = folder / "profile"
    run = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    subprocess.run([*run, "--terminate_after_init"], check=True, capture_output=True, timeout=240)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    module.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC'
                      ' "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n<script:module'
                      ' xmlns:script="http://openoffice.org/2000/script" script:name="Module1"'
                      f' script:language="StarBasic">{escape(MACRO)}</script:module>\n', encoding="utf-8")
    settings = profile / "user" / "registrymodifications.xcu"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "</oor:items>", '<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="givenname"'
                        f' oor:op="fuse"><value>{AUTHOR}</value></prop></item>\n</oor:items>'), encoding="utf-8")

    def edit(docx: Path, edits: list[tuple[str, ...]], out: Path) -> Path:
        listed, log = folder / f"{out.stem}.edits", folder / f"{out.stem}.log"
        listed.write_text("".join("\t".join(e) + "\n" for e in edits), encoding="utf-8")
        call = ",".join(f'"{p}"' for p in (docx, out, listed, log))
        subprocess.run([*run, f"macro:///Standard.Module1.Main({call})"], check=True, capture_output=True,
                       timeout=240)
        assert log.read_text(encoding="utf-8").strip() == "done", log.read_text(encoding="utf-8")
        return out

    return edit


def texts(docx: Path) -> list[str]:
    """The paragraphs of a DOCX's body and footnotes, tracked changes accepted."""
    with zipfile.ZipFile(docx) as archive:
        parts = [etree.fromstring(archive.read(n)) for n in ("word/document.xml", "word/footnotes.xml")]
    return [review_marks.paragraph_text(p)[0] for part in parts for p in part.iter(_W + "p")]


ENGLISH = [
    ("delete", " of the Kingdom"),
    ("insert", "Background", " and context"),
    ("replace", "Strategy in 2023", "Strategy in 2026"),
    ("insert", "took place", " online"),  # in a footnote
    ("delete", "robust and "),
    ("comment", "critical role", "Say which role.", "Chief"),
    ("comment", "Enquiries", "Add an e-mail address.", "Editor"),
    ("comment", "side events", "Name them.", "Chief"),
]


def test_an_english_docx_reviewed_in_libreoffice_comes_back_into_note_md(root, libreoffice):
    project = root("official")
    note = project / "content" / "official" / "note.md"
    before = note.read_text(encoding="utf-8")
    reviewed = libreoffice(build_docx(project, "en"), ENGLISH, project / "reviewed.en.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; updated" in out
    assert f"deleted by {AUTHOR}: ' of the Kingdom'" in out and f"inserted by {AUTHOR}: ' online'" in out
    assert "comment by Chief at note.md:28 on 'critical role': Say which role." in out
    assert "comment by Editor at note.md:44 on 'Enquiries': Add an e-mail address." in out
    assert "comment by Chief at note.md:40 on 'side events': Name them." in out
    old = before.splitlines()
    assert changed_lines(before, note.read_text(encoding="utf-8")) == [
        (old[21], old[21].replace("for a robust and practical", "for a practical")),
        (old[23], old[23].replace("Government of the Kingdom of Spain.", "Government of Spain.")),
        (old[25], "# Background and context"),
        (old[35], old[35].replace("Strategy in 2023.", "Strategy in 2026.")),
        (old[45], "[^dialogue]: The *Virtual Dialogue* took place online on 25 and 26 May 2021."),
    ]
    rebuilt = texts(build_docx(project, "en"))
    for shown in ("Background and context", "Strategy in 2026.", "took place online on 25", "the Government of"
                  " Spain.", "for a practical exchange"):
        assert any(shown in text for text in rebuilt), shown
    assert not any("Kingdom of Spain." in text or "robust" in text for text in rebuilt)


FRENCH = [
    ("insert", "Contexte", " et enjeux"),
    ("replace", "Contribuer", "Participer"),
    ("delete", "approfondi et "),
    ("insert", "manifestations parallèles", " organisées sur place"),
    ("replace", "prévu en 2023", "prévu en 2024"),
    ("comment", "Objectifs", "Titre à revoir.", "Réviseur"),
    ("comment", "rôle essentiel", "Préciser.", "Réviseur"),
    ("comment", "site Web", "Ajouter une adresse électronique.", "Éditeur"),
]


def test_a_french_docx_reviewed_in_libreoffice_comes_back_into_its_catalog(root, libreoffice):
    project = root("official")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    assert run_in(project, "i18n", "update").returncode == 0
    with catalog.open("rb") as handle:
        before = {m.id: m.string for m in read_po(handle) if m.id}
    reviewed = libreoffice(build_docx(project, "fr"), FRENCH, project / "reviewed.fr.docx")
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; updated" in out
    for said in ("comment by Réviseur at locales/fr/LC_MESSAGES/official.po:", "on 'Objectifs': Titre à revoir.",
                 "on 'rôle essentiel': Préciser.", "comment by Éditeur at locales/fr/LC_MESSAGES/official.po:"):
        assert said in out, said
    with catalog.open("rb") as handle:
        after = {m.id: m.string for m in read_po(handle) if m.id}
    expected = {}
    for msgid, old, new in [("Background", "Contexte", "Contexte et enjeux"),
                            ("To contribute to the eighth", "Contribuer au", "Participer au"),
                            ("This High-Level", "échange approfondi et concret", "échange concret"),
                            ("The Conference will be held", "parallèles.", "parallèles organisées sur place."),
                            ("The Conference is organized", "prévu en 2023", "prévu en 2024")]:
        (key,) = [k for k in before if k.startswith(msgid)]
        assert before[key].count(old) == 1
        expected[key] = (before[key], before[key].replace(old, new))
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == expected  # exactly those
    rebuilt = texts(build_docx(project, "fr"))
    for shown in ("Contexte et enjeux", "Participer au huitième", "échange concret", "organisées sur place",
                  "prévu en 2024"):
        assert any(shown in text for text in rebuilt), shown
