"""The command line, driven as a user drives it.

``run_cli`` runs ``python build.py ...`` in a subprocess; most tests run it with
``cwd=tmp_path`` and relative paths, so that messages show ``content/<note>/note.md``.
``main([...])`` is called in-process where a subprocess adds nothing but time.
Builds use ``--format docx`` unless the format matters (a PDF takes about a second).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conceptnotes import cli
from conceptnotes.build import pipeline
from conceptnotes.build.pipeline import FORMATS
from conceptnotes.cli import main
from conceptnotes.read.frontmatter import LANGUAGES

from .conftest import ROOT, run_cli, write_note

# Own front matter, so that the lines below do not depend on other fixtures.
FRONT = """\
title: Regional Workshop on Border Security
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Nairobi
  country: KE
organizers:
  - United Nations Office of Counter-Terrorism
"""
# note.md lines: 1 '---', 2 title, 3 subtitle, 4 languages, 5 event, 6 start, 7 end,
# 8 city, 9 country, 10 organizers, 11 '- United...', 12 '---', 13 first body line.
TITLE = "Regional Workshop on Border Security"
BODY = "\n# Introduction\n\nThe workshop brings together border agencies.\n"
TOP_KEYS = "contacts, date, distribution, event, file_name, job_numbers, keywords, languages, numbered_paragraphs, organizers, source_language, subtitle, symbol, title"


def note(tmp_path: Path, name: str = "test-note", front: str = FRONT, body: str = BODY, where: str = "content") -> Path:
    return write_note(tmp_path / where / name, body, front)


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


BOOKKEEPING = {"manifest.json", ".conceptnotes.lock"}


def files_under(folder: Path) -> list[str]:
    """The documents under an output folder (its manifest and lock file left aside)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name not in BOOKKEEPING)


def summary_rows(stdout: str) -> list[tuple[str, str]]:
    """(document, status) of each row of a build's summary table."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("document "))
    return [
        (line.split()[0], "up to date" if line.endswith("up to date") else line.split()[-1])
        for line in lines[start + 1 : -1]
    ]


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".conceptnotes-*"))


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def failed(count: int) -> str:
    return f"failed: {count} problem{'s' if count != 1 else ''}; nothing was written"


# Problems in a note: exact messages, relative paths --------------------------------------

NEVER_CLOSED = "---\n" + FRONT + BODY
FRONT_CASES = [
    pytest.param(NEVER_CLOSED, 1, "the front matter is never closed: add a line '---' after it", id="never-closed"),
    pytest.param(
        "---\n" + edit(FRONT, "  start: 2022-05-10", "  start: 10/05/2022") + "---\n" + BODY,
        6,
        "'event.start' must be a date written YYYY-MM-DD, not '10/05/2022'",
        id="bad-date",
    ),
    pytest.param(
        "---\n" + edit(FRONT, "  end: 2022-05-11", "  end: 2022-05-09") + "---\n" + BODY,
        7,
        "'event.end' (2022-05-09) is before 'event.start' (2022-05-10): correct one of the two dates",
        id="end-before-start",
    ),
    pytest.param(
        "---\n" + edit(FRONT, "subtitle: Concept note", "subtitel: Concept note") + "---\n" + BODY,
        3,
        "unknown key 'subtitel': did you mean 'subtitle'?",
        id="unknown-key",
    ),
]


def write_text(tmp_path: Path, text: str, name: str = "test-note") -> Path:
    folder = tmp_path / "content" / name
    folder.mkdir(parents=True)
    (folder / "note.md").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "line", "message"), FRONT_CASES)
def test_build_reports_front_matter_problem(tmp_path, text, line, message):
    write_text(tmp_path, text)
    result = run_cli("build", "content/test-note", "--out", "out", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"content/test-note/note.md:{line}: {message}\n{failed(1)}\n"
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "line", "message"), FRONT_CASES)
def test_check_reports_front_matter_problem(tmp_path, monkeypatch, capsys, text, line, message):
    write_text(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "content/test-note"]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"content/test-note/note.md:{line}: {message}\n{failed(1)}\n")


def test_every_problem_of_every_note_is_reported(tmp_path):
    note(tmp_path, "alpha", edit(FRONT, "  start: 2022-05-10", "  start: 2022-5-10"))
    note(tmp_path, "beta", edit(FRONT, "  country: KE", "  country: Kenya") + "colour: blue\n",
         body="\n# Introduction\n\n#### Too deep\n")  # fmt: skip
    note(tmp_path, "gamma")  # a good note: not written either
    note(tmp_path, "delta", edit(FRONT, "  end: 2022-05-11", "  end: 2022-05-01"))
    result = run_cli("build", "content/alpha", "content/beta", "content/gamma", "content/delta",
                     "--out", "out", "--format", "docx", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/alpha/note.md:6: 'event.start' must be a date written YYYY-MM-DD, not '2022-5-10'",
        "content/beta/note.md:9: 'event.country' must be an ISO 3166-1 alpha-2 country code such as ES, not 'Kenya'",
        f"content/beta/note.md:12: unknown key 'colour' (known keys: {TOP_KEYS})",
        "content/beta/note.md:17: heading level 4 is not supported: use '#', '##' or '###'",
        "content/delta/note.md:7: 'event.end' (2022-05-01) is before 'event.start' (2022-05-10): correct one of the two dates",
        failed(5),
    ]
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", [True, False], ids=["inside-cwd", "outside-cwd"])
def test_absolute_note_path_is_shown_relative_when_inside_the_working_folder(tmp_path, monkeypatch, capsys, inside):
    folder = write_text(tmp_path, FRONT_CASES[2].values[0])
    work = tmp_path if inside else tmp_path / "elsewhere"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    assert main(["check", str(folder)]) == 1
    shown = "content/test-note/note.md" if inside else str(folder / "note.md")
    assert capsys.readouterr().err.splitlines() == [
        f"{shown}:7: 'event.end' (2022-05-09) is before 'event.start' (2022-05-10): correct one of the two dates",
        failed(1),
    ]


def test_warning_is_printed_and_check_succeeds(tmp_path, monkeypatch, capsys):
    from PIL import Image

    folder = note(tmp_path, body="\n# Introduction\n\nA map ![](assets/map.png) of the region.\n")
    (folder / "assets").mkdir()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(folder / "assets" / "map.png")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "content/test-note"]) == 0
    out, err = capsys.readouterr()
    assert out == "checked 1 note(s) in 1 language version(s): no problems\n"
    assert err == "content/test-note/note.md:16: warning: image 'assets/map.png' has no alt text\n"


def test_messages_name_the_command_as_the_readme_runs_it(tmp_path, monkeypatch, capsys):
    """A message that tells the user to run a command writes it as the README does."""
    run = "'.venv/bin/python build.py i18n update'"
    assert f"run it as `{run[1:-1].removesuffix(' i18n update')}`" in (ROOT / "README.md").read_text()
    note(tmp_path, front=edit(FRONT, "languages: [en]", "languages: [en, fr]"))
    labels = tmp_path / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    labels.parent.mkdir(parents=True)
    labels.write_bytes((ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    po = "locales/fr/LC_MESSAGES/test-note.po"
    assert capsys.readouterr().err == f"{po}: warning: no catalog for 'fr': run {run}; the source text is used\n"
    assert main(["i18n", "extract"]) == 0 and main(["i18n", "update"]) == 0
    path = tmp_path / "content" / "test-note" / "note.md"
    path.write_text(path.read_text().replace("border agencies", "border and customs agencies"))
    capsys.readouterr()
    assert main(["check"]) == 0
    assert f"unit not in the catalog (run {run})" in capsys.readouterr().err
    assert main(["i18n", "extract"]) == 0 and main(["i18n", "update", "--check"]) == 1
    assert f"{po}: out of date (1 new unit, 1 unit no longer in the source): run {run}\n" in capsys.readouterr().err


# Usage errors: exit status 2 -------------------------------------------------------------------

USAGE_CASES = [
    pytest.param(["build", "content/test-note", "--lang", "xx", "--out", "out"],
                 f"error: unknown language 'xx' (choose among {', '.join(LANGUAGES)})", id="unknown-lang"),
    pytest.param(["build", "content/test-note", "--lang", "en,xx", "--out", "out"],
                 f"error: unknown language 'xx' (choose among {', '.join(LANGUAGES)})", id="one-unknown-lang"),
    pytest.param(["build", "content/test-note", "--format", "odt", "--out", "out"],
                 f"error: unknown format 'odt' (choose among {', '.join(FORMATS)})", id="unknown-format"),
    pytest.param(["build", "content/no-note", "--out", "out"],
                 "error: content/no-note: not a note folder (no note.md in it)", id="folder-without-note"),
    pytest.param(["check", "content/nowhere"],
                 "error: content/nowhere: not a note folder (no note.md in it)", id="missing-folder"),
    pytest.param(["check", "content/test-note/note.md"],
                 "error: content/test-note/note.md: not a note folder (no note.md in it)", id="file-not-folder"),
    pytest.param(["build", "--colour", "content/test-note"],
                 "error: build.py: unrecognized arguments: --colour", id="unknown-option"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), USAGE_CASES)
def test_usage_errors(tmp_path, monkeypatch, capsys, argv, message):
    note(tmp_path)
    (tmp_path / "content" / "no-note").mkdir()
    before = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr() == ("", message + "\n")
    assert tree(tmp_path) == before


def test_unknown_command(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["frobnicate"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: build.py: argument COMMAND: invalid choice: 'frobnicate'")
    assert err.count("\n") == 1 and "build" in err and "check" in err


def test_usage_error_exit_status_from_build_py(tmp_path):
    note(tmp_path)
    result = run_cli("build", "content/test-note", "--format", "odt", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: unknown format 'odt' (choose among {', '.join(FORMATS)})\n"
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("relative", [True, False], ids=["relative", "absolute"])
def test_out_inside_content_is_refused(tmp_path, monkeypatch, capsys, relative):
    # The note is broken on purpose: if the refusal ever went missing, the build would still
    # stop before writing anything into the repository's content/.
    folder = write_text(tmp_path, NEVER_CLOSED)
    target = ROOT / "content" / "zz-test-cli-out"
    out = "content/zz-test-cli-out" if relative else str(target)
    monkeypatch.chdir(ROOT if relative else tmp_path)
    assert main(["build", str(folder), "--out", out, "--format", "docx"]) == 2
    assert capsys.readouterr() == (
        "",
        f"error: the output folder {out} is inside content/, where notes live: choose another (default: output/)\n",
    )
    assert not target.exists()


def test_out_inside_the_note_folder_is_refused(tmp_path, capsys):
    folder = note(tmp_path)
    out = folder / "out"
    assert main(["build", str(folder), "--out", str(out), "--format", "docx"]) == 2
    assert capsys.readouterr().err == (
        f"error: the output folder {out} is inside test-note/, where notes live: choose another (default: output/)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("option", ["--lang", "--format"])
def test_empty_lists_of_languages_or_formats_are_usage_errors(tmp_path, capsys, option):
    folder = note(tmp_path)
    assert main(["build", str(folder), option, ",", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {option} needs at least one")


# Help --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "usage", "mentions"),
    [
        ([], "usage: build.py ", ["build", "check", "--version"]),
        (["build"], "usage: build.py build ", ["NOTE_DIR", "--lang", "--format", "--out"]),
        (["check"], "usage: build.py check ", ["NOTE_DIR"]),
    ],
    ids=["top", "build", "check"],
)
def test_help(tmp_path, argv, usage, mentions):
    result = run_cli(*argv, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith(usage)
    for word in mentions:
        assert word in result.stdout
    assert list(tmp_path.iterdir()) == []


# check and build on good notes ---------------------------------------------------------------------


def test_check_writes_nothing(tmp_path):
    note(tmp_path)
    before = tree(tmp_path)
    result = run_cli("check", "content/test-note", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "checked 1 note(s) in 1 language version(s): no problems\n",
        "",
    )
    assert tree(tmp_path) == before
    assert not (tmp_path / "output").exists()


def test_build_docx_only(tmp_path):
    note(tmp_path)
    result = run_cli("build", "content/test-note", "--out", "out", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert summary_rows(result.stdout) == [("out/test-note/test-note.en.docx", "built")]
    assert result.stdout.splitlines()[-1] == "1 document: 1 built, 0 up to date"
    assert files_under(tmp_path / "out") == ["test-note/test-note.en.docx"]
    assert (tmp_path / "out" / "manifest.json").is_file()
    with zipfile.ZipFile(tmp_path / "out" / "test-note" / "test-note.en.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert TITLE in document
    assert "The workshop brings together border agencies." in document


def test_note_outside_content_builds(tmp_path, monkeypatch, capsys):
    note(tmp_path, "side-note", where="drafts")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "drafts/side-note", "--out", "out", "--format", "docx"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert summary_rows(out) == [("out/side-note/side-note.en.docx", "built")]
    assert files_under(tmp_path / "out") == ["side-note/side-note.en.docx"]
    assert not (tmp_path / "content").exists()


def test_failed_build_keeps_the_good_output(tmp_path):
    folder = note(tmp_path)
    args = ("build", "content/test-note", "--out", "out", "--format", "docx")
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    built = tmp_path / "out" / "test-note" / "test-note.en.docx"
    data, mtime = built.read_bytes(), built.stat().st_mtime_ns

    text = (folder / "note.md").read_text(encoding="utf-8")
    (folder / "note.md").write_text(edit(text, "  end: 2022-05-11", "  end: 2022-05-09"), encoding="utf-8")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"content/test-note/note.md:7: 'event.end' (2022-05-09) is before 'event.start' (2022-05-10): correct one of the two dates\n{failed(1)}\n"
    )
    assert built.read_bytes() == data
    assert built.stat().st_mtime_ns == mtime
    assert files_under(tmp_path / "out") == ["test-note/test-note.en.docx"]
    assert temporaries(tmp_path / "out") == []


def test_failure_while_rendering_keeps_the_good_output(tmp_path):
    """The PDF renderer fails on an image that is not one: the earlier PDF stays as it was."""
    folder = note(tmp_path)
    args = ("build", "content/test-note", "--out", "out", "--format", "pdf")
    first = run_cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    built = tmp_path / "out" / "test-note" / "test-note.en.pdf"
    data, mtime = built.read_bytes(), built.stat().st_mtime_ns
    assert data.startswith(b"%PDF-")

    (folder / "assets").mkdir()
    (folder / "assets" / "map.png").write_text("not a picture\n")
    with (folder / "note.md").open("a", encoding="utf-8") as handle:
        handle.write("\nA map ![Map of the region](assets/map.png) here.\n")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == failed(1)
    assert built.read_bytes() == data and built.stat().st_mtime_ns == mtime
    assert files_under(tmp_path / "out") == ["test-note/test-note.en.pdf"]
    assert temporaries(tmp_path / "out") == []


def test_build_removes_stale_temporaries(tmp_path):
    note(tmp_path)
    stale = tmp_path / "out" / "test-note" / ".conceptnotes-test-note.en.docx.x1y2z3.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a document")
    result = run_cli("build", "content/test-note", "--out", "out", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path / "out") == ["test-note/test-note.en.docx"]


# No command: the same as 'build' ----------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """tmp_path as the working folder: ``content/`` and ``output/`` are its own, nothing patched."""
    monkeypatch.chdir(tmp_path)
    # never build the repository's own notes into its output/ from a test
    assert cli.parser().parse_args(["build"]).out.resolve() == tmp_path / "output"
    assert pipeline.note_folders([]) == []
    return tmp_path


def test_no_arguments_is_build_when_notes_are_broken(project, capsys):
    note(project, "alpha", edit(FRONT, "  country: KE", "  country: XX"))
    note(project, "beta", body="\n# Intro\n\n<div>raw</div>\n")
    assert main([]) == 1
    without = capsys.readouterr()
    assert main(["build"]) == 1
    assert capsys.readouterr() == without
    assert without.err.splitlines() == [
        "content/alpha/note.md:9: 'event.country': the United Nations lists no name for XX (neither UNTERM nor M49"
        " has it); for a place without one, remove 'country' and write the place's name as 'country_name:' under"
        " 'event', translated in each language's catalog as 'event.city' is",
        "content/beta/note.md:16: raw HTML is not allowed in a note: '<div>raw</div>'",
        failed(2),
    ]
    assert not (project / "output").exists()


def test_no_arguments_builds_every_note_in_both_formats(project, capsys):
    note(project)
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert summary_rows(out) == [
        ("output/test-note/test-note.en.pdf", "built"),
        ("output/test-note/test-note.en.docx", "built"),
    ]
    assert files_under(project / "output") == ["test-note/test-note.en.docx", "test-note/test-note.en.pdf"]


# User mistakes never give a traceback -------------------------------------------------------------


def _non_utf8(folder: Path) -> None:
    path = folder / "note.md"
    path.write_bytes(path.read_bytes().replace(b"Nairobi", "Nair\xf3bi".encode("latin-1")))


def _append(text: str):
    def change(folder: Path) -> None:
        with (folder / "note.md").open("a", encoding="utf-8") as handle:
            handle.write(text)

    return change


def _replace(old: str, new: str):
    def change(folder: Path) -> None:
        path = folder / "note.md"
        path.write_text(edit(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")

    return change


# offset of 'Nairobi' in note.md: '---\n' + FRONT up to the city, plus 'Nair'
NAIROBI = len(("---\n" + FRONT[: FRONT.index("Nairobi")]).encode()) + len("Nair")

MISTAKES = [
    pytest.param(_non_utf8, [],
                 f"content/test-note/note.md:8: not valid UTF-8 (byte 0xf3 at offset {NAIROBI}); "
                 "save the file as UTF-8", id="not-utf8"),
    pytest.param(_append("\nA vertical\x0btab.\n"), [],
                 "content/test-note/note.md:18:11: control character U+000B is not allowed", id="control-character"),
    pytest.param(_replace("subtitle: Concept note", "subtitle: Concept: note"), [],
                 "content/test-note/note.md:3: a value with ': ' in it must be put in quotes: subtitle: \"Concept: note\"",
                 id="invalid-yaml"),
    pytest.param(_append("\nSome <b>raw</b> words.\n"), [],
                 "content/test-note/note.md:18: raw HTML is not allowed in a note: '<b>'", id="raw-html"),
    pytest.param(_append("\nSee ![Map](assets/map.png) here.\n"), [],
                 "content/test-note/note.md:18: image 'assets/map.png' does not exist", id="missing-image"),
    pytest.param(_append("\nSee [the page](javascript:alert(1)).\n"), [],
                 "content/test-note/note.md:18: link target 'javascript:alert(1)' is not allowed: "
                 "use https:, http:, mailto: or #anchor", id="javascript-link"),
    pytest.param(None, ["--lang", "de"], "error: unknown language 'de' (choose among ar, en, es, fr, ru, zh)",
                 id="unknown-language-option"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "options", "first_line"), MISTAKES)
def test_user_mistakes_give_messages_not_tracebacks(tmp_path, change, options, first_line):
    folder = note(tmp_path)
    if change:
        change(folder)
    result = run_cli("build", "content/test-note", "--out", "out", "--format", "docx", *options, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == first_line
    if first_line.startswith("error: "):
        assert (result.returncode, len(lines)) == (2, 1)
    else:
        assert result.returncode == 1
        assert lines[-1] == failed(len(lines) - 1)
    assert not (tmp_path / "out").exists()


def test_invalid_note_id_is_a_message(tmp_path):
    note(tmp_path, "Border Workshop")
    result = run_cli("check", "content/Border Workshop", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "content/Border Workshop/note.md: the folder name 'Border Workshop' is not a valid note id: "
        "use lower-case letters, digits and hyphens\n"
        f"{failed(1)}\n"
    )


# Cases that were bugs when these tests were written --------------------------------------------------------------


def _out_is_a_file(tmp_path: Path) -> list[str]:
    (tmp_path / "out").write_text("I am a file\n")
    return []


def _not_a_picture(tmp_path: Path) -> list[str]:
    folder = tmp_path / "content" / "test-note"
    (folder / "assets").mkdir()
    (folder / "assets" / "map.png").write_text("not a picture\n")
    _append("\nA map ![Map of the region](assets/map.png) here.\n")(folder)
    return []


def _escaped_control_character(tmp_path: Path) -> list[str]:
    _replace(f"title: {TITLE}", 'title: "Regional \\v Workshop"')(tmp_path / "content" / "test-note")
    return []


def _contact_without_name(tmp_path: Path) -> list[str]:
    _replace("subtitle: Concept note", "contacts:\n  - email: jane.doe@un.org")(tmp_path / "content" / "test-note")
    return []


@pytest.mark.parametrize(
    ("mistake", "status", "message"),
    [
        (_out_is_a_file, 2, "error: the output folder out is a file"),
        (_not_a_picture, 1, "content/test-note/note.md:18: image 'assets/map.png' is not a PNG, JPEG or GIF picture"),
        (_escaped_control_character, 1,
         "content/test-note/note.md:2: 'title': control character U+000B is not allowed"),
        (_contact_without_name, 1, "content/test-note/note.md:4: 'contacts.name' is missing: add a line 'name: ...'"
                                   " under 'contacts:', with the name of the contact point (an office or a post)"),
    ],
)  # fmt: skip
def test_more_mistakes_without_traceback(tmp_path, mistake, status, message):
    note(tmp_path)
    mistake(tmp_path)
    result = run_cli("build", "content/test-note", "--out", "out", "--format", "docx", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == status
    assert result.stderr.splitlines()[0] == message
    if status == 1:
        assert result.stderr.splitlines()[1:] == [failed(1)]


def test_options_without_command_are_build_options(project, capsys):
    note(project)
    assert main(["--format", "docx", "--out", "out"]) == 0
    assert files_under(project / "out") == ["test-note/test-note.en.docx"]


def test_lang_that_no_note_has_is_not_a_silent_success(tmp_path):
    note(tmp_path)
    result = run_cli("build", "content/test-note", "--lang", "fr", "--out", "out", "--format", "docx", cwd=tmp_path)
    assert result.returncode != 0
    assert "fr" in result.stderr
