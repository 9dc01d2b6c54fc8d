"""What survives a Word import, measured against the truth of three notes made three ways
(tests/word-notes/: Word's styles, typed without styles, LibreOffice Writer; made by its
``make_notes.py``): every front-matter field the first page states, heading (with its level),
paragraph, list item (with its level), table cell, caption and footnote, read back from the
imported note by the project's own reader; and nothing that is not in the truth (a table of
contents' lines, an organizer line left in the body, a bold date made a heading).

``python -m tests.test_import_truth`` prints the figures."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conceptnotes import model as m
from conceptnotes.model.visitor import walk
from conceptnotes.project import Project
from conceptnotes.read.loader import load_note
from conceptnotes.word.importer import import_docx

from .conftest import run_cli

NOTES = Path(__file__).resolve().parent / "word-notes"
NAMES = ("styles", "typed", "writer")
KINDS = ("front", "headings", "paragraphs", "lists", "cells", "captions", "footnotes")


def _text(inlines) -> str:
    shown = []
    for node in walk(tuple(inlines)):
        if isinstance(node, m.Text):
            shown.append(node.text)
        elif isinstance(node, m.LineBreak):
            shown.append(" ")
    return " ".join("".join(shown).split())


def _list_items(block: m.ListBlock, level: int, out: dict) -> None:
    for item in block.items:
        first = item.blocks[0] if item.blocks else None
        out["lists"].append((level, _text(first.children) if isinstance(first, m.Paragraph) else ""))
        for inner in item.blocks[1:]:
            if isinstance(inner, m.ListBlock):
                _list_items(inner, level + 1, out)


def _blocks(blocks, out: dict) -> None:
    for block in blocks:
        if isinstance(block, m.Heading):
            out["headings"].append((block.level, _text(block.children)))
        elif isinstance(block, m.Paragraph):
            out["paragraphs"].append(_text(block.children))
        elif isinstance(block, m.Quote):
            _blocks(block.blocks, out)
        elif isinstance(block, m.ListBlock):
            _list_items(block, 1, out)
        elif isinstance(block, m.Table):
            out["cells"].extend(_text(cell.children) for row in block.header + block.body for cell in row)
            if block.caption:
                out["captions"].append(_text(block.caption))
        elif isinstance(block, m.Figure):
            out["captions"].append(_text(block.caption))
        else:
            out.setdefault("other", []).append(block.kind)


def survey(note: m.Note) -> dict[str, list]:
    """What the imported note holds, in the truth files' terms."""
    meta = note.meta
    out: dict[str, list] = {kind: [] for kind in KINDS}
    out["front"] = [("organizers", name) for name in meta.organizers] + [
        ("subtitle", meta.subtitle), ("title", meta.title), ("start", meta.event.start.isoformat()),
        ("end", meta.event.end.isoformat()), ("city", meta.event.city), ("country", meta.event.country)]
    _blocks(note.document.blocks, out)
    out["footnotes"] = [" ".join(_text(b.children) for b in f.blocks if isinstance(b, m.Paragraph))
                        for f in note.document.footnotes]
    return out


def expected(truth: dict) -> dict[str, list]:
    front = truth["front"]
    out = {kind: [tuple(x) if isinstance(x, list) else x for x in truth[kind]] for kind in KINDS if kind != "front"}
    out["front"] = [("organizers", name) for name in front["organizers"]] + [
        (key, front[key]) for key in ("subtitle", "title", "start", "end", "city", "country")]
    return out


def imported(name: str, where: Path):
    project = where / name
    (project / "content").mkdir(parents=True)
    done = import_docx(NOTES / f"{name}.docx", Project.at(project), name)
    note, _ = load_note(done.folder)
    return done, note


def measure(name: str, where: Path) -> dict[str, tuple[int, int, list, list]]:
    """Per kind: (found, expected, what is missing, what is there and should not be)."""
    truth = expected(json.loads((NOTES / f"{name}.json").read_text(encoding="utf-8")))
    _, note = imported(name, where)
    got = survey(note)
    figures = {}
    for kind in KINDS:
        want, have = Counter(truth[kind]), Counter(got[kind])
        found = sum((want & have).values())
        extra = [] if kind == "front" else sorted((have - want).elements(), key=str)
        figures[kind] = (found, sum(want.values()), sorted((want - have).elements(), key=str), extra)
    return figures


@pytest.mark.parametrize("name", NAMES)
def test_everything_on_the_first_page_and_in_the_body_survives(name, tmp_path):
    figures = measure(name, tmp_path)
    lost = {kind: (missing, extra) for kind, (_, _, missing, extra) in figures.items() if missing or extra}
    assert not lost, f"{name}.docx: missing, and there but not in the truth: {lost}"


def test_the_import_says_where_each_field_came_from(tmp_path):
    done, _ = imported("styles", tmp_path)
    said = dict(done.sources)
    assert said["title"].startswith('"Regional Consultation on the Sustainable Blue Economy')
    assert "Subtitle" in said["title"]
    assert said["subtitle"].startswith('"Concept Note"') and "kind of document" in said["subtitle"]
    assert said["organizers"].startswith('"United Nations Environment Programme"')
    assert said["event.start"].startswith('"Nairobi, Kenya, 14 and 15 March 2023"')
    assert set(said) >= {"title", "subtitle", "organizers", "event.start", "event.end", "event.city",
                         "event.country", "event.venue", "symbol"}
    assert said["event.venue"] == said["symbol"] == "not found"


def test_the_command_prints_what_was_guessed(tmp_path):
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    shutil.copyfile(NOTES / "typed.docx", project / "typed.docx")
    done = run_cli("import", "typed.docx", cwd=project)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    title = next(line for line in lines if line.strip().startswith("title:"))
    assert "Regional Workshop on Countering Trafficking" in title
    assert any(line.strip().startswith("event.venue:") and "not found" in line for line in lines)


def test_a_heading_is_numbered_and_never_in_a_table(tmp_path):
    """Typed without styles: a bold "C." right after "B." is a sub-section, a Roman "V." a
    section; a bold cell of a table is a cell, not a heading."""
    import docx

    document = docx.Document()
    for number, words in (("IV.", "Format"), ("B.", "Sessions"), ("C.", "Venue"), ("V.", "Outcomes")):
        paragraph = document.add_paragraph()
        paragraph.add_run(number).bold = True
        paragraph.add_run("\t")
        paragraph.add_run(words).bold = True
        document.add_paragraph("The Meeting will be held in English.")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("Session").bold = True
    table.cell(1, 0).text = "Opening"
    document.save(tmp_path / "numbered.docx")
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    done = import_docx(tmp_path / "numbered.docx", Project.at(project), "numbered")
    body = (done.folder / "note.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "# IV. Format", "## B. Sessions", "## C. Venue", "# V. Outcomes"]
    assert "| **Session** |" in body


def _warnings(name: str, where: Path) -> list[str]:
    done, _ = imported(name, where)
    return [problem.message for problem in done.problems]


def test_writer_note_warns_once_of_its_table_of_contents_page_break_and_logo(tmp_path):
    said = _warnings("writer", tmp_path)
    assert sum("table of contents" in message for message in said) == 1, said
    assert any("page break" in message for message in said), said
    assert any("header" in message and "picture" in message for message in said), said


def test_tab_aligned_lines_are_offered_as_a_table_and_said(tmp_path):
    said = _warnings("typed", tmp_path)
    assert any("aligned with tabs" in message and "table" in message for message in said), said


def test_check_warns_on_a_title_that_is_a_kind_of_document(tmp_path):
    from .conftest import FRONT, write_note

    for number, title in enumerate(("CONCEPT NOTE", "Концептуальная записка")):
        folder = write_note(tmp_path / str(number) / "content" / "note",
                            front=FRONT.replace("Test Conference on Counter-Terrorism", title))
        done = run_cli("check", "--strict", str(folder), cwd=folder.parent.parent)
        assert done.returncode == 1
        assert f"note.md:2: 'title' is '{title}', the kind of document" in done.stderr, done.stderr


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for note_name in NAMES:
            row = measure(note_name, Path(folder))
            print(note_name, "  ".join(f"{kind} {found}/{total}" for kind, (found, total, _, _) in row.items()),
                  " extra", sum(len(extra) for *_, extra in row.values()))
            for kind, (_, _, missing, extra) in row.items():
                if missing or extra:
                    print("   ", kind, "missing:", missing, "extra:", extra)
