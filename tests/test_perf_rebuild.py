"""A rebuild after one note changed reads the others' front matter only (issue 25): their
documents are up to date by their raw inputs, so their bodies are neither parsed nor checked."""

from __future__ import annotations

from conceptnotes.read import markdown_parse
from tests.conftest import FRONT, run_in, write_note


def _parsed(monkeypatch) -> list[str]:
    """The notes whose bodies Python-Markdown parses, by folder name."""
    parsed: list[str] = []
    original = markdown_parse.parse_body

    def parse_body(body, path, first_line, assets):
        parsed.append(path.parent.name)
        return original(body, path, first_line, assets)

    monkeypatch.setattr(markdown_parse, "parse_body", parse_body)
    return parsed


def test_a_rebuild_parses_only_the_note_that_changed(tmp_path, monkeypatch):
    content = tmp_path / "project" / "content"
    for name in ("first", "second", "third"):
        write_note(content / name, f"# Introduction\n\nThe {name} note.\n")
    project = content.parent
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert run_in(project, "build", "--format", "docx", "--jobs", "1", env=env).returncode == 0
    parsed = _parsed(monkeypatch)
    note = content / "second" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("The second note.", "The second note, edited."),
                    encoding="utf-8")
    rebuilt = run_in(project, "build", "--format", "docx", "--jobs", "1", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "3 documents: 1 built, 2 up to date" in rebuilt.stdout
    assert parsed == ["second"]
    from docx import Document

    text = [p.text for p in Document(project / "output" / "second" / "second.en.docx").paragraphs]
    assert "The second note, edited." in text

    # the note that changed is checked as ever
    write_note(content / "third", "# Introduction\n\nA call[^missing].\n", FRONT)
    refused = run_in(project, "build", "--format", "docx", "--jobs", "1", env=env)
    assert refused.returncode == 1
    assert "third/note.md:15: footnote [^missing] is referenced but never defined" in refused.stderr
    assert parsed == ["second", "third"]

