"""Nothing lost in the output folder: each document its own file, no output among the sources,
the build's own files reserved, stale documents removed with the commit, names checked
before rendering, and no message that the outputs are unchanged unless they are.

Projects are test roots (``translated``: English and French, complete catalogs) or small
English notes written here; commands run in-process in the project folder (``build_in``),
so that messages show ``content/<note>/note.md`` and ``output/...``.  Builds use
``--format docx`` where the format does not matter (a PDF takes about a second).
"""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest

from conceptnotes.build import output, validate

from .conftest import build_in, write_note

NOTE = "translated"  # the test root, and the id of its note

# An English note: no catalog needed.  note.md lines: 1 '---', 2 title, 3 languages,
# 4 event, 5 start, 6 end, 7 city, 8 country, 9 '---'.
FRONT = """\
title: Regional Workshop on Border Security
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Nairobi
  country: KE
"""
BODY = "# Introduction\n\nThe workshop brings together border agencies.\n"


def failed(count: int) -> str:
    return f"failed: {count} problem{'s' if count != 1 else ''}; nothing was written"


def files(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but the lock (which holds the last pid)."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != output.LOCK}


def run(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    status = build_in(project, *args)
    out, err = capsys.readouterr()
    return status, out, err


def listed(project: Path) -> list[str]:
    return sorted(json.loads((project / "output" / output.MANIFEST).read_text())["outputs"])


def set_front(project: Path, extra: str, note: str = NOTE) -> tuple[Path, int]:
    """Add front-matter lines after the title; the note, and the line of the first one added."""
    path = project / "content" / note / "note.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2:2] = extra.rstrip("\n").split("\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, 3


# Two documents, one file ----------------------------------------------------------------------------------


def test_two_languages_given_one_file_name_are_refused_naming_both(root, capsys):
    project = root(NOTE)
    assert run(project, capsys, "build", "--format", "docx")[0] == 0
    before = files(project / "output")
    _, line = set_front(project, 'job_numbers: {en: "2318301", fr: "2318301"}\nfile_name: "{job}"')
    line += 1  # file_name
    message = (f"content/{NOTE}/note.md:{line}: file_name gives the English {{fmt}} and French {{fmt}} the same file,"
               f" {NOTE}/2318301.{{ext}}: each language needs its own name (use {{{{lang}}}} or {{{{letter}}}}, or"
               " a job number for each language)")
    both = [message.format(fmt="PDF", ext="pdf"), message.format(fmt="DOCX", ext="docx")]
    assert run(project, capsys, "check") == (1, "", "\n".join([*both, failed(2)]) + "\n")
    assert run(project, capsys, "build", "--format", "docx") == (1, "", "\n".join([both[1], failed(1)]) + "\n")
    assert files(project / "output") == before


def test_the_up_to_date_shortcut_does_not_pass_a_shared_file_name(root, capsys):
    """French alone is a good plan and is built; English and French then share its file: refused,
    although the French document is up to date by its raw inputs."""
    project = root(NOTE)
    set_front(project, 'job_numbers: {en: "2318301", fr: "2318301"}\nfile_name: "{job}"')
    assert run(project, capsys, "build", "--format", "docx", "--lang", "fr")[0] == 0
    before = files(project / "output")
    status, _, err = run(project, capsys, "build", "--format", "docx")
    assert status == 1 and "the same file" in err, err
    assert files(project / "output") == before


def test_two_notes_with_one_id_are_refused_in_one_output_folder(tmp_path, capsys):
    """Two projects' notes content/t: their documents would be one file; both named, at each note."""
    write_note(tmp_path / "a" / "content" / "t", BODY, FRONT)
    write_note(tmp_path / "b" / "content" / "t", BODY, FRONT)
    lines = [f"{mine}/content/t/note.md: the English DOCX and the English DOCX of {other}/content/t/note.md would"
             " both be t/t.en.docx: notes with the same id ('t') cannot be built into one output folder"
             for mine, other in (("a", "b"), ("b", "a"))]
    status, _, err = run(tmp_path, capsys, "build", "a/content/t", "b/content/t", "--format", "docx")
    assert (status, err) == (1, "\n".join([*lines, failed(2)]) + "\n")
    assert files(tmp_path / "output") == {}


def test_a_symbol_that_starts_with_a_dot_gives_no_hidden_file(tmp_path, capsys):
    front = FRONT + 'symbol: ".A/77/1"\nfile_name: "{symbol}_{letter}"\n'  # file_name on line 10
    write_note(tmp_path / "content" / "t", BODY, front)
    problem = ("content/t/note.md:10: file_name gives the English PDF the name '.A_77_1_E.pdf', a hidden file (it"
               " starts with '.'): change the values it uses")
    assert run(tmp_path, capsys, "check") == (1, "", f"{problem}\n{failed(1)}\n")


# Where the outputs go ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "."], "the output folder . contains content/, where notes live"),
    (["--out", "locales"], "the output folder locales is inside locales/, where the catalogs live"),
    (["--out", "locales/fr/out"], "the output folder locales/fr/out is inside locales/, where the catalogs live"),
    (["notes/n", "--out", "notes"], "the output folder notes contains notes/n/, where notes live"),
])  # fmt: skip
def test_an_output_folder_among_the_sources_is_refused(tmp_path, capsys, args, message):
    """A note outside content/ (notes/n) is a note folder all the same; locales/ holds the catalogs."""
    write_note(tmp_path / "content" / "t", BODY, FRONT)
    write_note(tmp_path / "notes" / "n", BODY, FRONT)
    (tmp_path / "locales" / "fr").mkdir(parents=True)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    status, _, err = run(tmp_path, capsys, "build", *args, "--format", "docx")
    assert (status, err) == (2, f"error: {message}: choose another (default: output/)\n")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


# The build's own names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [output.MANIFEST, output.PENDING])
def test_a_note_named_as_the_manifest_is_refused_and_the_folder_stays_usable(tmp_path, capsys, name):
    write_note(tmp_path / "content" / "t", BODY, FRONT)
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    before = files(tmp_path / "output")
    write_note(tmp_path / "content" / name, BODY, FRONT)
    problem = (f"content/{name}/note.md: the note id '{name}' is reserved: the build writes its own file of that"
               " name in the output folder; rename the note's folder")
    assert run(tmp_path, capsys, "check") == (1, "", f"{problem}\n{failed(1)}\n")
    assert run(tmp_path, capsys, "build", "--format", "docx") == (1, "", f"{problem}\n{failed(1)}\n")
    assert files(tmp_path / "output") == before
    (tmp_path / "content" / name / "note.md").unlink()
    (tmp_path / "content" / name).rmdir()
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    assert run(tmp_path, capsys, "verify")[0] == 0


# Names the file system cannot hold --------------------------------------------------------------------------


def test_a_note_id_too_long_for_its_documents_is_refused_before_rendering(tmp_path, capsys):
    """``<id>.en.docx`` may have 228 bytes: with the build's temporary prefix and suffix
    (``.conceptnotes-<name>.XXXXXXXX.tmp``) that is the file system's 255.  One more byte is refused."""
    longest = "a" * (validate.MAX_NAME_BYTES - len(".en.docx"))
    write_note(tmp_path / "content" / longest, BODY, FRONT)
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    assert (tmp_path / "output" / longest / f"{longest}.en.docx").is_file()
    assert run(tmp_path, capsys, "verify")[0] == 0
    before = files(tmp_path / "output")
    too_long = longest + "b"
    write_note(tmp_path / "content" / too_long, BODY, FRONT)
    problem = (f"content/{too_long}/note.md: the English DOCX would be named '{'a' * 40}…', 229 bytes: a document's"
               " name may have at most 228 bytes (the file system's 255, less the build's temporary prefix and"
               " suffix); shorten the note id (its folder's name)")
    assert run(tmp_path, capsys, "check") == (1, "", f"{problem}\n{failed(1)}\n")
    assert run(tmp_path, capsys, "build", "--format", "docx") == (1, "", f"{problem}\n{failed(1)}\n")
    assert files(tmp_path / "output") == before


def test_a_long_symbol_in_the_file_name_is_counted_in_bytes_at_the_file_name_line(tmp_path, capsys):
    """115 × 'é' is 115 characters but 230 bytes: the DOCX is named 'UNOCT_éé…é_E.docx', 6 + 230 + 7 bytes."""
    front = FRONT + f"symbol: UNOCT/{'é' * 115}\nfile_name: \"{{symbol}}_{{letter}}\"\n"  # file_name on line 10
    write_note(tmp_path / "content" / "t", BODY, front)
    problem = (f"content/t/note.md:10: the English DOCX would be named 'UNOCT_{'é' * 34}…', 243 bytes: a document's"
               " name may have at most 228 bytes (the file system's 255, less the build's temporary prefix and"
               " suffix); shorten file_name (or the values it uses)")
    assert run(tmp_path, capsys, "check") == (1, "", f"{problem}\n{failed(1)}\n")
    assert run(tmp_path, capsys, "build") == (1, "", f"{problem}\n{failed(1)}\n")
    assert files(tmp_path / "output") == {}


# Stale documents ------------------------------------------------------------------------------------------


def _other_note(project: Path) -> Path:
    return write_note(project / "content" / "other", BODY, FRONT)


def test_official_removes_the_documents_of_a_deleted_note_in_its_commit(root, capsys, monkeypatch):
    project = root(NOTE)
    other = _other_note(project)
    assert run(project, capsys, "official", "--jobs", "1")[0] == 0
    everything = listed(project)
    assert {name.split("/")[0] for name in everything} == {NOTE, "other"}
    for path in sorted(other.iterdir()):
        path.unlink()
    other.rmdir()
    # a file the build did not write stays (a manifest naming a file outside: tests/test_untrusted_outputs.py)
    (project / "output" / "other" / "README.txt").write_text("kept")
    before = files(project / "output")
    # the process dies once its journal is written: the previous outputs stand, the journal lists the removals
    monkeypatch.setattr(output, "finish", lambda out: False)
    assert run(project, capsys, "official", "--jobs", "1")[0] == 0
    monkeypatch.undo()
    journal = json.loads((project / "output" / output.PENDING).read_text())
    assert sorted(journal["removals"]) == ["other/other.en.docx", "other/other.en.pdf"]
    assert {k: v for k, v in files(project / "output").items() if k != output.PENDING} == before
    # verify names the pending build, the next one completes it
    status, _, err = run(project, capsys, "verify")
    assert (status, err) == (1, "output/manifest.json.pending: an interrupted build is pending: its outputs are"
                                " part-way replaced\nverify: the outputs are between two builds; the next build into"
                                " output completes the interrupted one, then verify again\n")
    assert run(project, capsys, "official", "--jobs", "1")[0] == 0
    assert listed(project) == [name for name in everything if name.startswith(f"{NOTE}/")]
    assert sorted(p.name for p in (project / "output" / "other").iterdir()) == ["README.txt"]
    assert run(project, capsys, "verify")[0] == 0


def test_a_build_removes_what_it_renames_and_the_languages_a_note_dropped(root, capsys):
    """file_name changed: the same documents under new names; French dropped: its documents
    go too.  The PDFs, which this build was not asked for, and the other note's stay."""
    project = root(NOTE)
    _other_note(project)
    assert run(project, capsys, "build", "--jobs", "1")[0] == 0
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text().replace("languages: [en, fr]", 'languages: [en]\nfile_name: "{id}-{letter}"'))
    assert run(project, capsys, "build", "--format", "docx")[0] == 0
    kept = ["other/other.en.docx", "other/other.en.pdf", f"{NOTE}/{NOTE}.en.pdf"]
    assert listed(project) == sorted([*kept, f"{NOTE}/{NOTE}-E.docx"])
    assert sorted(files(project / "output")) == sorted([*kept, f"{NOTE}/{NOTE}-E.docx", output.MANIFEST])
    assert run(project, capsys, "verify")[0] == 0


# What a stopped build says it left ---------------------------------------------------------------------------


@pytest.mark.parametrize(("cause", "status", "message"), [
    (KeyboardInterrupt(), 130, "interrupted: the outputs are part-way replaced: the next build completes that"
                               " from its journal, output/manifest.json.pending"),
    (OSError(errno.ENOSPC, "No space left on device", "output/t/t.en.docx"), 1,
     "error: cannot write output/t/t.en.docx: No space left on device; the outputs are part-way replaced: once"
     " this is fixed, the next build completes that from its journal, output/manifest.json.pending"),
], ids=["interrupted", "disk-full"])  # fmt: skip
def test_a_build_stopped_after_its_journal_says_the_next_build_completes_it(tmp_path, capsys, monkeypatch, cause,
                                                                            status, message):
    """Stopped between its journal and the end of its renames (as by kill -9): never "unchanged"."""
    write_note(tmp_path / "content" / "t", BODY, FRONT)
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    write_note(tmp_path / "content" / "t", BODY + "\nOne more paragraph.\n", FRONT)

    def finish(out: Path) -> bool:
        if (out / output.PENDING).exists():  # the commit's (the one a build first calls finds no journal)
            raise cause
        return False

    monkeypatch.setattr(output, "finish", finish)
    assert run(tmp_path, capsys, "build", "--format", "docx")[::2] == (status, message + "\n")
    monkeypatch.undo()
    assert run(tmp_path, capsys, "verify")[0] == 1
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    assert run(tmp_path, capsys, "verify")[0] == 0


def test_a_build_interrupted_after_its_commit_does_not_call_its_outputs_unchanged(tmp_path, capsys, monkeypatch):
    write_note(tmp_path / "content" / "t", BODY, FRONT)
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    write_note(tmp_path / "content" / "t", BODY + "\nOne more paragraph.\n", FRONT)
    real = output.commit

    def commit(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "commit", commit)  # as the build commits, through output.commit_changes
    assert run(tmp_path, capsys, "build", "--format", "docx")[::2] == (
        130, "interrupted: the outputs and the manifest had been updated, and agree\n")
    monkeypatch.undo()
    assert run(tmp_path, capsys, "verify")[0] == 0
    assert run(tmp_path, capsys, "build", "--format", "docx")[1].endswith("1 document: 0 built, 1 up to date\n")


def test_a_folder_blocked_by_an_older_build_is_named_and_not_called_unchanged(tmp_path, capsys):
    """An older version built a note 'manifest.json' into output/: its manifest became a folder and
    its journal stayed.  The build names the folder (not a temporary file) and says what is pending."""
    write_note(tmp_path / "content" / "t", BODY, FRONT)
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    out = tmp_path / "output"
    (out / output.MANIFEST).unlink()
    (out / output.MANIFEST).mkdir()
    (out / output.PENDING).write_text(json.dumps({"renames": [], "manifest": "{}"}))
    assert run(tmp_path, capsys, "build", "--format", "docx")[::2] == (
        1, "error: cannot write output/manifest.json: Is a directory; the outputs are part-way replaced: once this"
           " is fixed, the next build completes that from its journal, output/manifest.json.pending\n")
    (out / output.MANIFEST).rmdir()
    assert run(tmp_path, capsys, "build", "--format", "docx")[0] == 0
    assert run(tmp_path, capsys, "verify")[0] == 0
