"""``build.py import``: Word text stays text, and a damaged or hostile Word file gets a message.

Text: whatever a Word paragraph says (runs, bold and italic, Shift+Enter breaks), imported
and read back by the note's Markdown reader, is the same text in one paragraph: no
heading, list, rule, quote, emphasis, code or attribute made of it.  Files: a truncated
part, a bad CRC, a main part named otherwise, tables nested hundreds deep, footnotes that
call each other, a DTD in any encoding or part, a picture too large to convert; each is a
message naming the file and the part, nothing written.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conceptnotes import model as m
from conceptnotes.model.visitor import walk

from .conftest import build_in

SETTINGS = dict(
    deadline=None,
    database=None,  # nothing written into the repository
    # the same examples in CI (a run that passed passes again); new ones on a developer's machine
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
# Every printable ASCII character (all of Markdown's marks), letters of other scripts, Word's
# pasted bullets, no-break and other spaces; '\n' is a Shift+Enter break, '\t' a tab.
ALPHABET = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "\n\t" + "éñçÅ中国абв" + "\u00a0\u2022\uf0b7\u25aa\u25e6–—…«»"
)


def _project(parent: Path) -> Path:
    project = parent / "project"
    (project / "content").mkdir(parents=True)
    (project / "locales").mkdir()
    return project


def _docx(path: Path, runs: list[tuple[str, bool, bool]]) -> Path:
    """A Word file with a heading, then one paragraph made of ``runs`` (text, bold, italic)."""
    import docx

    document = docx.Document()
    document.add_heading("Background", level=1)
    paragraph = document.add_paragraph()
    for text, bold, italic in runs:
        run = paragraph.add_run(text)  # python-docx writes '\n' as a break, '\t' as a tab
        run.bold, run.italic = bold or None, italic or None
    document.save(str(path))
    return path


def _imported_body(parent: Path, runs: list[tuple[str, bool, bool]]) -> tuple[str, m.Document]:
    """The Markdown body of the note imported from a paragraph of ``runs``, and its model."""
    from conceptnotes.project import Project
    from conceptnotes.read.frontmatter import split_front_matter
    from conceptnotes.read.markdown_parse import parse_body
    from conceptnotes.word.importer import import_docx

    project = _project(parent)
    imported = import_docx(_docx(parent / "text.docx", runs), Project.at(project), "text")
    text = (imported.folder / "note.md").read_text(encoding="utf-8")
    split = split_front_matter(text, imported.folder / "note.md")
    document, problems = parse_body(split.body, imported.folder / "note.md", split.body_line,
                                    imported.folder / "assets")
    assert not problems.errors, (split.body, [str(p) for p in problems])
    return split.body, document


def _lines(text: str) -> list[str]:
    """A paragraph's lines, spaces folded, empty lines dropped: what Word and a note both show."""
    return [line for line in (" ".join(part.split()) for part in text.split("\n")) if line]


def _shown(document: m.Document) -> tuple[list[str], str]:
    """The lines of the one paragraph after the heading, and the kinds of node it holds."""
    blocks = document.blocks
    assert isinstance(blocks[0], m.Heading)
    if len(blocks) == 1:
        return [], ""
    assert len(blocks) == 2 and isinstance(blocks[1], m.Paragraph), blocks
    out: list[str] = []
    kinds = set()
    for node in walk(blocks[1]):
        if isinstance(node, m.Text):
            out.append(node.text)
        elif isinstance(node, m.LineBreak):
            out.append("\n")
        kinds.add(type(node).__name__)
    return _lines("".join(out)), ",".join(sorted(kinds - {"Paragraph", "Text", "LineBreak"}))


def _check_runs(runs: list[tuple[str, bool, bool]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        body, document = _imported_body(Path(folder), runs)
    lines, kinds = _shown(document)
    assert lines == _lines("".join(text for text, _, _ in runs)), body
    formatted = {"Strong" for text, bold, _ in runs if bold and text.strip()}
    formatted |= {"Emphasis" for text, _, italic in runs if italic and text.strip()}
    assert set(filter(None, kinds.split(","))) <= formatted, body


def _import_blocks(parent: Path, made: Path) -> tuple[str, m.Document]:
    """The body and model of the note imported from the Word file ``made``."""
    from conceptnotes.project import Project
    from conceptnotes.read.frontmatter import split_front_matter
    from conceptnotes.read.markdown_parse import parse_body
    from conceptnotes.word.importer import import_docx

    imported = import_docx(made, Project.at(_project(parent)), "text")
    note = imported.folder / "note.md"
    split = split_front_matter(note.read_text(encoding="utf-8"), note)
    document, problems = parse_body(split.body, note, split.body_line, imported.folder / "assets")
    assert not problems.errors, (split.body, [str(p) for p in problems])
    return split.body, document


def _texts_of(block) -> list[str]:
    """The lines a block shows (breaks as new lines, spaces folded), and no node but text."""
    pieces = []
    for node in walk(block):
        if isinstance(node, m.LineBreak):
            pieces.append("\n")
        elif isinstance(node, m.Text):
            pieces.append(node.text)
        else:
            assert isinstance(node, m.Paragraph | m.ListBlock | m.ListItem | m.Table | m.TableCell), node
    return _lines("".join(pieces))


RUNS = st.lists(st.tuples(st.text(ALPHABET, min_size=1, max_size=20), st.booleans(), st.booleans()),
                min_size=1, max_size=6)


@settings(max_examples=30, **SETTINGS)
@given(RUNS)
@example([("\n", True, False)])  # a bold line break: marks around it began a list
@example([("0", True, True), ("0", True, False), ("0", True, True)])  # ***0*0*0***: emphasis inside a word
@example([("snake", True, False), ("_case", False, True), (" **x**", False, False)])
def test_any_runs_of_bold_and_italic_come_back_as_their_text(runs):
    """Runs of a paragraph, each bold, italic, both or neither, next to each other as Word
    holds them: the same text comes back, and no other kind of node than their emphasis."""
    _check_runs(runs)


def test_emphasis_that_markdown_cannot_mark_inside_a_word_is_dropped_with_a_warning(tmp_path):
    from conceptnotes.project import Project
    from conceptnotes.word.importer import import_docx

    runs = [("co", True, True), ("operation", True, False), ("s", True, True), (" and *more*", False, False)]
    imported = import_docx(_docx(tmp_path / "text.docx", runs), Project.at(_project(tmp_path)), "text")
    body = (imported.folder / "note.md").read_text(encoding="utf-8")
    assert "cooperations and \\*more\\*" in body
    assert any("bold or italic inside the words of 'cooperations and *more*' was dropped" in str(p)
               for p in imported.problems), [str(p) for p in imported.problems]


# Each example is several pieces of text in one Word file, next to each other as Word
# holds them: one import tells every piece, and what one piece's escape does to the next
# (a line under a paragraph, a list after a paragraph) is tried too.
PIECES = st.lists(st.text(ALPHABET, min_size=1, max_size=60), min_size=1, max_size=8)


@settings(max_examples=25, **SETTINGS)
@given(PIECES)
@example(["#0", "__0__", "line\n---", "- a\n> b", "{: #id }"])  # what the escapes were first found missing on
@example(["a\t|b", "*c\t\td ", "e\tf\tg"])  # aligned with tabs: a table of two rows, then a paragraph
def test_any_text_of_a_paragraph_comes_back_as_that_text(texts):
    import docx

    with tempfile.TemporaryDirectory() as folder:
        document = docx.Document()
        document.add_heading("Background", level=1)
        for text in texts:
            document.add_paragraph(text)  # python-docx writes '\n' as a break, '\t' as a tab
        document.save(str(Path(folder) / "text.docx"))
        body, imported = _import_blocks(Path(folder), Path(folder) / "text.docx")
    assert isinstance(imported.blocks[0], m.Heading)
    shown = []
    for block in imported.blocks[1:]:  # lines aligned with tabs, two or more in a row, are a table's rows
        assert isinstance(block, m.Paragraph | m.Table), body
        rows = block.header + block.body if isinstance(block, m.Table) else ()
        shown.extend([[" ".join(line for cell in row for line in _texts_of(cell))] for row in rows] or [_texts_of(block)])
    assert shown == [_lines(text) for text in texts if _lines(text)], body


@settings(max_examples=15, **SETTINGS)
@given(PIECES, st.sampled_from(["item", "cell"]))
@example(["#0", "__0__", "a\n- b"], "item")
@example(["#0", "__0__", "a|b"], "cell")
@example([" "], "item")  # a bullet with nothing but a space
@example(["0", "0", " "], "item")
@example(["0", "0", " ", " "], "item")
def test_any_text_of_a_list_item_or_a_table_cell_comes_back_as_that_text(texts, container):
    import docx

    with tempfile.TemporaryDirectory() as folder:
        document = docx.Document()
        document.add_heading("Background", level=1)
        if container == "item":
            for text in texts:
                document.add_paragraph(text, style="List Bullet")
        else:
            table = document.add_table(rows=len(texts) + 1, cols=1)
            table.cell(0, 0).text = "Head"
            for row, text in enumerate(texts, start=1):
                table.cell(row, 0).text = text
        document.save(str(Path(folder) / "text.docx"))
        body, imported = _import_blocks(Path(folder), Path(folder) / "text.docx")
    if container == "item":
        shown = [_texts_of(item) for block in imported.blocks[1:] for item in block.items]
        assert all(isinstance(block, m.ListBlock) for block in imported.blocks[1:]), body
        assert [lines for lines in shown if lines] == [_lines(text) for text in texts if _lines(text)], body
    else:
        (table,) = imported.blocks[1:]
        assert isinstance(table, m.Table), body
        cells = [" ".join(_texts_of(row[0])) for row in (*table.header, *table.body)]
        assert cells == ["Head", *(" ".join(text.split()) for text in texts)], body


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("First line\n# not a heading", "First line  \n\\# not a heading"),
        ("First line\n#hashtag", "First line  \n\\#hashtag"),
        ("First line\n- not a bullet", "First line  \n\\- not a bullet"),
        ("First line\n---", "First line  \n\\---"),
        ("First line\n===", "First line  \n&#61;=="),
        ("First line\n> not a quote", "First line  \n\\> not a quote"),
        ("First line\n12. not a list", "First line  \n12\\. not a list"),
        ("First line\n: not a definition", "First line  \n&#58; not a definition"),
        ("First line\n• not a bullet", "First line  \n&#8226; not a bullet"),
        ("Call __init__ and snake_case", "Call \\_\\_init\\_\\_ and snake_case"),
        ("Text {: #id .class }", "Text \\{: #id .class \\}"),
        ("2*3 *and* **this** `code` [x](y) a|b", "2\\*3 \\*and\\* \\*\\*this\\*\\* \\`code\\` \\[x\\](y) a\\|b"),
        ("<b>bold</b> &amp; AT&T", "&lt;b>bold&lt;/b> &amp;amp; AT&T"),
        ("Table: not before a table", "Table&#58; not before a table"),
    ],
)
def test_each_construct_is_escaped_where_it_would_mean_something(tmp_path, text, markdown):
    body, document = _imported_body(tmp_path, [(text, False, False)])
    assert body == f"\n# Background\n\n{markdown}\n"
    assert _shown(document) == (_lines(text), "")


def test_a_paragraph_that_reads_table_without_a_table_passes_check(tmp_path, capsys):
    project = _project(tmp_path)
    docx = _docx(tmp_path / "table.docx", [("Table: the budget is annexed.", False, False)])
    assert build_in(project, "import", str(docx), "--id", "table-text") == 0
    capsys.readouterr()
    assert build_in(project, "check", "content/table-text") == 0, capsys.readouterr().err
    assert "caption" not in capsys.readouterr().err


# Damaged and unusual files: a message naming the part, nothing written -------------------------------------

def _rewritten(source: Path, target: Path, changes: dict[str, object], **added: bytes) -> Path:
    """``source`` with some members changed (a function of their bytes, or None to leave them
    out) and others ``added`` (their names with '/' written '__')."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            change = changes.get(entry.filename, lambda data: data)
            if change is not None:
                new.writestr(entry, change(old.read(entry.filename)))
        for name, data in added.items():
            new.writestr(name.replace("__", "/"), data)
    return target


def _plain(tmp_path: Path) -> Path:
    return _docx(tmp_path / "plain.docx", [("The workshop meets twice a year.", False, False)])


def _refused(tmp_path: Path, capsys, docx: Path) -> str:
    """The one message ``import`` gives for ``docx`` (exit 1, nothing written, no traceback)."""
    project = _project(tmp_path)
    assert build_in(project, "import", str(docx), "--id", "refused") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == ["failed: 1 problem; nothing was written"], err
    assert not (project / "content" / "refused").exists()
    assert err[0].startswith(f"{docx}: "), err
    return err[0][len(f"{docx}: "):]


def test_a_truncated_document_part_is_named(tmp_path, capsys):
    docx = _rewritten(_plain(tmp_path), tmp_path / "cut.docx", {"word/document.xml": lambda d: d[: len(d) // 2]})
    assert re.fullmatch(r"refused: 'word/document\.xml' cannot be read as XML \(.+\)", _refused(tmp_path, capsys, docx))


def test_a_truncated_numbering_part_is_named(tmp_path, capsys):
    docx = _rewritten(_plain(tmp_path), tmp_path / "cut.docx", {"word/numbering.xml": lambda d: d[: len(d) // 2]})
    assert re.fullmatch(r"refused: 'word/numbering\.xml' cannot be read as XML \(.+\)",
                        _refused(tmp_path, capsys, docx))


def _stored(tmp_path: Path) -> Path:
    """The plain Word file with its members stored, not compressed: their bytes as they are."""
    stored = tmp_path / "stored.docx"
    with zipfile.ZipFile(_plain(tmp_path)) as old, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as new:
        for entry in old.infolist():
            new.writestr(entry.filename, old.read(entry.filename))
    return stored


def test_a_member_with_a_bad_crc_is_named(tmp_path, capsys):
    data = _stored(tmp_path).read_bytes()
    assert data.count(b"twice a year") == 1
    damaged = tmp_path / "crc.docx"
    damaged.write_bytes(data.replace(b"twice a year", b"twice a YEAR"))
    assert re.fullmatch(r"refused: 'word/document\.xml' is damaged: Bad CRC-32 .*", _refused(tmp_path, capsys, damaged))


def _main_part_renamed(source: Path, target: Path, name: str, change=lambda data: data) -> Path:
    """``source`` whose main part is ``name`` (named so by ``_rels/.rels`` and the content types)."""
    def rels(data: bytes) -> bytes:
        return data.replace(b'Target="word/document.xml"', f'Target="{name}"'.encode())

    def types(data: bytes) -> bytes:
        return data.replace(b'PartName="/word/document.xml"', f'PartName="/{name}"'.encode())

    with zipfile.ZipFile(source) as old:
        main = change(old.read("word/document.xml"))
        document_rels = old.read("word/_rels/document.xml.rels")
    folder, _, file = name.rpartition("/")
    return _rewritten(source, target, {"_rels/.rels": rels, "[Content_Types].xml": types, "word/document.xml": None,
                                       "word/_rels/document.xml.rels": None},
                      **{name.replace("/", "__"): main, f"{folder}/_rels/{file}.rels".replace("/", "__"): document_rels})


def test_a_main_part_named_otherwise_is_found_by_the_package_relationships(tmp_path, capsys):
    docx = _main_part_renamed(_plain(tmp_path), tmp_path / "main.docx", "word/main.xml")
    project = _project(tmp_path)
    assert build_in(project, "import", str(docx), "--id", "renamed") == 0, capsys.readouterr().err
    assert "The workshop meets twice a year." in (project / "content" / "renamed" / "note.md").read_text()


def test_tables_nested_hundreds_deep_get_a_message(tmp_path, capsys):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    depth = 300
    nested = "<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {w}><w:body>{nested}'
                "<w:p/></w:body></w:document>").encode()
    docx = _rewritten(_plain(tmp_path), tmp_path / "nested.docx", {"word/document.xml": lambda data: document})
    message = _refused(tmp_path, capsys, docx)
    assert message.startswith("refused: 'word/document.xml' ") or message.startswith(
        "cannot be read as a Word document: 'word/document.xml': "), message


def test_footnotes_that_call_each_other_get_a_note(tmp_path, capsys):
    import subprocess

    from .conftest import need

    source = tmp_path / "notes.md"
    source.write_text("# Background\n\nText.[^1] More text.[^2]\n\n[^1]: Note one.\n\n[^2]: Note two.\n",
                      encoding="utf-8")
    made = tmp_path / "notes.docx"
    subprocess.run([need("pandoc"), str(source), "-o", str(made)], check=True, timeout=60)

    def call(data: bytes) -> bytes:
        text = data.decode()
        first, second = re.findall(r'<w:footnote w:id="(\d+)">', text)
        reference = '<w:r><w:footnoteReference w:id="{}"/></w:r>'
        text = text.replace("Note one.</w:t></w:r>", "Note one.</w:t></w:r>" + reference.format(second))
        return text.replace("Note two.</w:t></w:r>", "Note two.</w:t></w:r>" + reference.format(first)).encode()

    docx = _rewritten(made, tmp_path / "calling.docx", {"word/footnotes.xml": call})
    project = _project(tmp_path)
    assert build_in(project, "import", str(docx), "--id", "calling") == 0
    err = capsys.readouterr().err
    assert "a note called inside footnote 1 was left out" in err
    note = (project / "content" / "calling" / "note.md").read_text(encoding="utf-8")
    assert "[^1]: Note one.\n" in note and "[^2]: Note two.\n" in note
    assert build_in(project, "check", "content/calling") == 0, capsys.readouterr().err


# The DTD refusal: by the parser, whatever the encoding or the part's name ------------------------------------

DTD = '<!DOCTYPE w:document [<!ENTITY boom "boom">]>'


def _with_dtd(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8")
    declaration, rest = text.split("?>", 1)
    declaration = re.sub(r"encoding=['\"][^'\"]*['\"]", f"encoding='{encoding}'", declaration)
    return (declaration + "?>" + DTD + rest.replace("twice", "&boom;")).encode(encoding.replace("UTF-16", "utf-16-le"))


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
def test_a_dtd_is_refused_whatever_the_encoding(tmp_path, capsys, encoding):
    docx = _rewritten(_plain(tmp_path), tmp_path / "dtd.docx",
                      {"word/document.xml": lambda data: _with_dtd(data, encoding)})
    assert _refused(tmp_path, capsys, docx) == (
        "refused: 'word/document.xml' declares a DTD (<!DOCTYPE> or <!ENTITY>), which Word never writes")


def test_a_dtd_is_refused_in_a_main_part_of_another_extension(tmp_path, capsys):
    docx = _main_part_renamed(_plain(tmp_path), tmp_path / "dtd.docx", "word/main.bin",
                              lambda data: _with_dtd(data, "UTF-16"))
    assert _refused(tmp_path, capsys, docx) == (
        "refused: 'word/main.bin' declares a DTD (<!DOCTYPE> or <!ENTITY>), which Word never writes")


def test_an_external_relationship_is_refused_whatever_the_encoding(tmp_path, capsys):
    """The relationships are read from the parsed part: a UTF-16 part hides nothing."""
    relationship = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/image" Target="http://attacker.example/x.png" TargetMode="External"/>')

    def utf16(data: bytes) -> bytes:
        text = data.decode("utf-8").replace("</Relationships>", relationship + "</Relationships>")
        return re.sub(r"encoding=['\"][^'\"]*['\"]", "encoding='UTF-16'", text, count=1).encode("utf-16-le")

    docx = _rewritten(_plain(tmp_path), tmp_path / "external.docx", {"word/_rels/document.xml.rels": utf16})
    assert _refused(tmp_path, capsys, docx) == (
        "refused: 'word/_rels/document.xml.rels' links to an external resource (http://attacker.example/x.png)")


def test_damaged_content_types_are_named(tmp_path, capsys):
    data = _stored(tmp_path).read_bytes()
    damaged = tmp_path / "crc.docx"
    damaged.write_bytes(data.replace(b"<Types ", b"<TYPES ", 1))
    assert re.fullmatch(r"refused: '\[Content_Types\]\.xml' is damaged: Bad CRC-32 .*",
                        _refused(tmp_path, capsys, damaged))


# Pictures: the pixel limit before any conversion ------------------------------------------------------------

def test_a_huge_tiff_is_left_out_by_its_header_before_any_conversion(tmp_path, capsys):
    """A TIFF whose header says 12,000 × 12,000 pixels, its pixel data blanked: it is left
    out as too large, which only its header can tell (converting it would fail first)."""
    import docx as python_docx
    from PIL import Image

    stream = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(stream, "TIFF", compression="group4")
    tiff = stream.getvalue()
    picture = tmp_path / "big.tiff"
    picture.write_bytes(tiff)
    document = python_docx.Document()
    document.add_heading("Background", level=1)
    document.add_picture(str(picture))
    document.add_paragraph("Text.")
    made = tmp_path / "big.docx"
    document.save(str(made))
    with zipfile.ZipFile(made) as archive:
        media = next(n for n in archive.namelist() if n.startswith("word/media/"))

    def blanked(data: bytes) -> bytes:  # the directory (at the offset the header gives) kept, the pixels zeros
        directory = int.from_bytes(data[4:8], "little")
        return data[:8] + bytes(directory - 8) + data[directory:]

    docx = _rewritten(made, tmp_path / "cut.docx", {media: blanked})
    project = _project(tmp_path)
    assert build_in(project, "import", str(docx), "--id", "big") == 0
    err = capsys.readouterr().err
    assert "picture 1 (no alt text) is too large (12000 × 12000 pixels; at most 40 megapixels): left out" in err, err
    assert not (project / "content" / "big" / "assets").exists()


@pytest.mark.parametrize("text", ["- Learning C#", "1. __init__ {: #id }", "> `quoted` *text*"])
def test_a_heading_keeps_its_text(tmp_path, text):
    """A heading (its style, or a short line all in bold in a file without heading styles) is
    a heading of that very text."""
    import docx

    from conceptnotes.read.frontmatter import split_front_matter
    from conceptnotes.read.markdown_parse import parse_body

    project = _project(tmp_path)
    for styled in (True, False):
        document = docx.Document()
        if styled:
            document.add_heading(text, level=2)
        else:
            document.add_paragraph().add_run(text).bold = True
        document.add_paragraph("Body text.")
        made = document.save(str(tmp_path / f"{styled}.docx")) or tmp_path / f"{styled}.docx"
        assert build_in(project, "import", str(made), "--id", f"heading-{str(styled).lower()}") == 0
        note = project / "content" / f"heading-{str(styled).lower()}" / "note.md"
        split = split_front_matter(note.read_text(encoding="utf-8"), note)
        document_read, problems = parse_body(split.body, note, split.body_line, note.parent / "assets")
        heading = document_read.blocks[0]
        assert isinstance(heading, m.Heading), split.body
        assert heading.children == (m.Text(text),), split.body
