"""The guides' commands, run as a reader would run them, in the order they are written.

Every ``$ `` line of a ```console block in ``docs/guide-*.md`` is run, in one fresh copy
of the sample project per guide (the files a guide says to have — a Word document — are
put there first). The lines below a command are what it prints: each must appear in
its output, in that order (``...`` stands for lines left out); ``[exit N]`` is its exit
status, 0 when not written. A guide whose command or output has gone stale fails here.
Each command of ``build.py`` runs as a program the first time the guides run it (in the
guides' order); after that it runs in this process, which imports nothing again, with the
guide's variables set.  Either way its output and errors are one stream, as a terminal shows
them.  The other tools always run as programs.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_in, need, sample_project

GUIDES = sorted((ROOT / "docs").glob("guide-*.md"))
PYTHON = ".venv/bin/python"
TOOLS = {"msgfmt", "pdftotext", "ls", "cat", "cmp", "cp"}  # besides build.py, what a guide may run


@dataclass
class Command:
    line: int
    words: list[str]
    expected: list[str] = field(default_factory=list)
    status: int = 0


def commands(guide: Path) -> list[Command]:
    found: list[Command] = []
    inside = False
    for number, text in enumerate(guide.read_text(encoding="utf-8").splitlines(), 1):
        if text.startswith("```"):
            inside = text.strip() == "```console"
            continue
        if not inside:
            continue
        if text.startswith("$ "):
            found.append(Command(number, shlex.split(text[2:])))
        elif found and (status := re.fullmatch(r"\[exit (\d+)\]", text.strip())):
            found[-1].status = int(status.group(1))
        elif found and text.strip():
            found[-1].expected.append(text.strip())
    return found


def argv(command: Command) -> tuple[list[str], dict[str, str]]:
    """The command's words as run, and the variables set before it (``NAME=value cmd``)."""
    words, variables = list(command.words), {}
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, value = words.pop(0).split("=", 1)
        variables[name] = value
    return _program(command, words), variables


def _program(command: Command, words: list[str]) -> list[str]:
    if words[:2] == [PYTHON, "build.py"]:
        return [sys.executable, str(ROOT / "build.py"), *words[2:]]
    assert words[0] in TOOLS, f"line {command.line}: a guide runs build.py or {sorted(TOOLS)}, not {words[0]}"
    return words


def _subcommand(words: list[str]) -> tuple[str, ...]:
    """The command of ``build.py`` a guide's line runs ('check', 'i18n update'), or () for another tool."""
    if words[:2] != [PYTHON, "build.py"]:
        return ()
    args = [w for w in words[2:] if not w.startswith("-")]
    return tuple(args[:2]) if args[:1] in (["i18n"], ["manifest"]) else tuple(args[:1])


def _first_runs() -> set[tuple[str, int]]:
    """(guide, line) of the first run of each command of ``build.py`` in the guides."""
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    for guide in GUIDES:
        for command in commands(guide):
            words = list(command.words)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words.pop(0)
            if _subcommand(words):
                seen.setdefault(_subcommand(words), (guide.name, command.line))
    return set(seen.values())


def run(words: list[str], project: Path, variables: dict[str, str], program: bool) -> tuple[int, str]:
    """Run a guide's command in ``project`` with ``variables`` set, as a program or (``build.py``
    only) in this process: its exit status and its output, the problems (stderr) and the
    summary (stdout) in one stream, as a terminal shows them."""
    if program or words[:2] != [sys.executable, str(ROOT / "build.py")]:
        result = subprocess.run(words, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env={**os.environ, **variables}, timeout=300)
        return result.returncode, result.stdout
    stream = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        for name, value in variables.items():
            patch.setenv(name, value)
        status = build_in(project, *words[2:])
    return status, stream.getvalue()


def shown(output: str, expected: list[str]) -> str | None:
    """None if every expected line is in ``output`` in order (whitespace aside), else the first missing."""
    lines = [" ".join(line.split()) for line in output.splitlines()]
    at = 0
    for want in expected:
        if want == "...":
            continue
        want = " ".join(want.split())
        while at < len(lines) and want not in lines[at]:
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


# An officer's Word concept note, as Pandoc writes one (a title, sections, a list, a table,
# a footnote; no line with the place and dates, so the import leaves those to fill in)
WORD_NOTE = """\
---
title: Regional Expert Meeting on Protecting Civic Space while Countering Terrorism
subtitle: Concept note
---

# Background

Civil society organizations are essential partners in preventing and countering violent
extremism conducive to terrorism.[^strategy] Counter-terrorism measures must comply with
international human rights law and must not be used to restrict civic space.

# Objectives

1. To take stock of national legal frameworks that affect civil society;
2. To identify good practices in consulting civil society on counter-terrorism policy.

# Format

The meeting will be held over two days, in four sessions:

| Session | Theme |
| --- | --- |
| I | Legal frameworks |
| II | Good practices |

[^strategy]: See the United Nations Global Counter-Terrorism Strategy (General Assembly resolution 60/288).
"""


def prepare(guide: Path, project: Path) -> None:
    """What a guide's reader has before the first command: for the drafting guide, a Word
    concept note (made by Pandoc, as many officers' Word files are); for a guide with a
    "Review in Word" section, the reviewed DOCX it imports (``tests/test_review_more``)."""
    if "review import reviewed.docx" in guide.read_text(encoding="utf-8"):
        from tests.test_review_more import reviewed_for_guide

        reviewed_for_guide(guide, project)
    if "import concept-note.docx" in guide.read_text(encoding="utf-8"):
        source = project.parent / "concept-note.md"
        source.write_text(WORD_NOTE, encoding="utf-8")
        subprocess.run([need("pandoc"), str(source), "-o", str(project / "concept-note.docx")], check=True,
                       timeout=120)


def test_there_are_three_guides_with_commands():
    assert [g.name for g in GUIDES] == ["guide-drafting.md", "guide-official.md", "guide-translating.md"]
    for guide in GUIDES:
        assert len(commands(guide)) >= 3, guide


@pytest.mark.parametrize("guide", GUIDES, ids=[g.stem for g in GUIDES])
def test_every_command_of_the_guide_does_what_it_says(guide, tmp_path):
    project = sample_project(tmp_path)
    prepare(guide, project)
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    programs = _first_runs()
    for command in commands(guide):
        words, variables = argv(command)
        status, output = run(words, project, {**cache, **variables}, (guide.name, command.line) in programs)
        where = f"{guide.name}:{command.line}: {' '.join(command.words)}"
        assert status == command.status, f"{where}: exit {status}\n{output}"
        missing = shown(output, command.expected)
        assert missing is None, f"{where}: does not print {missing!r}; it printed:\n{output}"


def blocks(guide: Path, kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", guide.read_text(encoding="utf-8"), re.M | re.S)


def test_the_drafting_guide_s_example_note_is_a_note_the_build_accepts(tmp_path):
    """The guide's front matter and body, put together as a note (its picture made), check
    without a problem in note.md and build to a PDF that shows the example's text."""
    from tests.conftest import run_cli

    guide = ROOT / "docs" / "guide-drafting.md"
    (front,) = blocks(guide, "yaml")
    (body,) = blocks(guide, "markdown")
    folder = tmp_path / "content" / "example"
    (folder / "assets").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (120, 60), "white").save(folder / "assets" / "venue-map.png")
    (folder / "note.md").write_text(front + body, encoding="utf-8")
    result = run_cli("check", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note.md" not in result.stderr, result.stderr  # no warning of the note's own
    built = run_cli("build", str(folder), "--lang", "en", "--format", "pdf", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "output" / "example" / "example.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "a numbered sub-item" in text and "Venue" in text and "10:00–10:30" in text
