"""Review in Word, chosen: ``review import`` applies every change with ``--accept-all``, asks
about each changed unit in a terminal (y, n, a, q, as ``git add -p`` asks; the chosen ones
written at the end, at once), and refuses to guess when its input is no terminal (issue 23)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from conceptnotes.word.review_diff import as_text, word_diff
from tests.conftest import ROOT, run_in
from tests.test_review import changed_lines, english_review

PROMPT = "Apply this change [y,n,a,q,?]? "


def note_of(project: Path) -> Path:
    return project / "content" / "official" / "note.md"


def in_terminal(project: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """``build.py ARGS`` run in ``project`` on a pseudo-terminal, each answer typed once the
    prompt is shown: its exit status and everything it showed."""
    main, side = pty.openpty()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], cwd=project, stdin=side,
                               stdout=side, stderr=side, env=dict(os.environ, COLUMNS="200"))
    os.close(side)
    shown, waiting = b"", list(answers)
    try:
        while True:
            ready, _, _ = select.select([main], [], [], 120)
            assert ready, f"no output for two minutes; so far:\n{shown.decode(errors='replace')}"
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other side closed: the process ended
                break
            if not chunk:
                break
            shown += chunk
            while waiting and shown.decode(errors="replace").count(PROMPT) > len(answers) - len(waiting):
                os.write(main, (waiting.pop(0) + "\n").encode())
        return process.wait(60), shown.decode(errors="replace").replace("\r\n", "\n")
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_accept_all_applies_every_change(root):
    project = root("official")
    before = note_of(project).read_text(encoding="utf-8")
    result = run_in(project, "review", "import", str(english_review(project)), "--accept-all")
    assert result.returncode == 0, result.stderr
    assert "6 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; updated" in result.stdout
    assert len(changed_lines(before, note_of(project).read_text(encoding="utf-8"))) == 6


def test_without_a_terminal_or_a_flag_it_refuses_naming_both(root):
    project = root("official")
    before = note_of(project).read_bytes()
    result = run_in(project, "review", "import", str(english_review(project)))
    assert result.returncode == 2
    assert "--accept-all" in result.stderr and "--list" in result.stderr and "not one" in result.stderr
    assert note_of(project).read_bytes() == before


def test_accept_all_and_list_together_is_a_usage_error(root):
    project = root("official")
    result = run_in(project, "review", "import", str(english_review(project)), "--accept-all", "--list")
    assert result.returncode == 2 and "not allowed with argument" in result.stderr


def test_in_a_terminal_each_change_is_asked_about_and_the_chosen_ones_written(root):
    """No, yes, a wrong answer (the help), no, then all the rest: the 2nd, 4th, 5th and 6th change
    (the 3rd is the words made bold at note.md:28)."""
    project = root("official")
    before = note_of(project).read_text(encoding="utf-8")
    reviewed = english_review(project)
    status, shown = in_terminal(project, ["review", "import", str(reviewed)], ["n", "y", "x", "n", "a"])
    assert status == 0, shown
    assert shown.count(PROMPT) == 5  # the fifth and sixth changes are taken by "a", never asked
    assert "changed note.md:24 (1/6):\n  The Conference is organized by UNOCT and the Government[- of the Kingdom-]" in shown
    assert "changed note.md:26 (2/6):\n  Background{+ and context+}\n  inserted by Reviewer: ' and context'" in shown
    assert "a - apply this change and every later one" in shown  # the help, after "x"
    assert "changed note.md:28 (3/6)" in shown and "changed note.md:40 (5/6)" not in shown
    assert "6 unit(s) changed, 3 comment(s), 0 conflict(s), 0 not applied; 4 accepted; updated" in shown
    old = before.splitlines()
    assert [line for line, _ in changed_lines(before, note_of(project).read_text(encoding="utf-8"))] == [
        old[25], old[35], old[39], old[45]]


def test_quit_writes_the_changes_accepted_before_it_and_no_later_one(root, monkeypatch):
    """The prompts fed in-process: yes to the first, quit at the second."""
    project = root("official")
    before = note_of(project).read_text(encoding="utf-8")
    reviewed = english_review(project)
    answers = iter(["y", "q"])
    monkeypatch.setattr(sys, "stdin", type("Terminal", (), {"isatty": lambda self: True})())
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    result = run_in(project, "review", "import", str(reviewed))
    assert result.returncode == 0, result.stderr
    assert "; 1 accepted; updated" in result.stdout
    old = before.splitlines()
    after = note_of(project).read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        (old[23], old[23].replace("Government of the Kingdom of Spain. It is", "Government of Spain. It is"))]


def test_nothing_accepted_writes_nothing(root, monkeypatch):
    project = root("official")
    before = note_of(project).read_bytes()
    reviewed = english_review(project)

    def ended(prompt: str) -> str:
        raise EOFError  # Ctrl-D at the first prompt: as "q"

    monkeypatch.setattr(sys, "stdin", type("Terminal", (), {"isatty": lambda self: True})())
    monkeypatch.setattr("builtins.input", ended)
    result = run_in(project, "review", "import", str(reviewed))
    assert result.returncode == 0, result.stderr
    assert "; 0 accepted; nothing to write" in result.stdout
    assert note_of(project).read_bytes() == before


@pytest.mark.parametrize(("before", "after", "shown"), [
    ("in 2023.", "in 2026.", "in [-2023-]{+2026+}."),
    ("Le Dialogue virtuel s\u2019est tenu", "Le Dialogue s\u2019est tenu", "Le Dialogue[- virtuel-] s\u2019est tenu"),
    ("on 9 May and side events", "and side events on 9 May", "{+and side events +}on 9 May[- and side events-]"),
])
def test_the_word_diff_reads_as_both_texts(before, after, shown):
    pieces = word_diff(before, after)
    assert as_text(pieces) == shown
    assert "".join(text for kind, text in pieces if kind != "+") == before
    assert "".join(text for kind, text in pieces if kind != "-") == after


def test_a_footnote_call_is_shown_as_the_source_writes_it():
    """The DOCX's run text holds one object character per footnote call: the diff shows the call."""
    source = "ahead of the review of the Strategy, in 2023.[^strategy] See also[^un]."
    pieces = word_diff("in 2023.\ufffc See also\ufffc.", "in 2026.\ufffc See also\ufffc.", source)
    assert as_text(pieces) == "in [-2023-]{+2026+}.[^strategy] See also[^un]."
    assert "\ufffc" not in as_text(word_diff("x\ufffc", "y\ufffc", "no call"))


def test_a_record_naming_a_folder_out_of_content_is_refused(root):
    """The record is the reviewer's file: a note '../official' would be read and written out of content/."""
    import shutil
    import zipfile

    project = root("official")
    outside = project / "official"
    shutil.copytree(project / "content" / "official", outside)
    before = (outside / "note.md").read_bytes()
    reviewed = english_review(project)
    with zipfile.ZipFile(reviewed) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n, data in members.items() if n.startswith("customXml/item") and b"urn:conceptnotes" in data)
    assert members[name].count(b' note="official"') == 1
    members[name] = members[name].replace(b' note="official"', b' note="../official"')
    with zipfile.ZipFile(reviewed, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    result = run_in(project, "review", "import", str(reviewed), "--accept-all")
    assert result.returncode == 1
    assert "the DOCX's record names no note of a project ('../official' in 'en')" in result.stderr
    assert (outside / "note.md").read_bytes() == before
