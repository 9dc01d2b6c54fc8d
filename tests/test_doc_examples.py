"""The command examples of the reference pages (``docs/cli.md``, ``docs/content-format.md``),
run as the guides' are (``tests/test_guides.py``, whose mechanism this reuses).

Every ``$ `` line of a ```console block is run, in order, in one fresh, empty project per
page (``build.py new`` and ``import`` make its notes; the Word note the page imports is
made first, as for the drafting guide); the lines below a command are what it prints, in
that order (``...`` for lines left out), ``[exit N]`` its exit status.  A block opened as
```` ```markdown file=PATH ```` is a file the page shows: it is written at ``PATH`` in the
project when the page reaches it, so that the commands after it read it.  Timings are
never part of an example: an expected line holds what a run always prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_guides import PYTHON, Command, argv, commands, prepare, run, shown

PAGES = [ROOT / "docs" / "cli.md", ROOT / "docs" / "content-format.md"]


@dataclass
class File:
    line: int
    path: str
    text: str


def files(page: Path) -> list[File]:
    """The files a page shows, each a ```markdown file=PATH block."""
    found = []
    for block in re.finditer(r"^```markdown file=(\S+)\n(.*?)^```", page.read_text(encoding="utf-8"), re.M | re.S):
        found.append(File(page.read_text(encoding="utf-8").count("\n", 0, block.start()) + 1, block[1], block[2]))
    return found


def steps(page: Path) -> list[Command | File]:
    """The page's commands and files, in the order it gives them."""
    return sorted([*commands(page), *files(page)], key=lambda step: step.line)


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_the_page_has_examples_that_run(page):
    assert len(commands(page)) >= 3, page


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_every_command_example_does_what_the_page_says(page, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    prepare(page, project)
    variables = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = True  # the first command runs as a program; the others in this process
    for step in steps(page):
        if isinstance(step, File):
            path = project / step.path
            assert path.resolve().is_relative_to(project), step.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text, encoding="utf-8")
            continue
        words, more = argv(step)
        status, output = run(words, project, {**variables, **more}, first and step.words[:2] == [PYTHON, "build.py"])
        first = False
        where = f"{page.name}:{step.line}: {' '.join(step.words)}"
        assert status == step.status, f"{where}: exit {status}\n{output}"
        missing = shown(output, step.expected)
        assert missing is None, f"{where}: does not print {missing!r}; it printed:\n{output}"
        assert not re.search(r"\d s\b", " ".join(step.expected)), f"{where}: a timing is not an example"
