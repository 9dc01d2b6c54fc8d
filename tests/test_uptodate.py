"""A build with nothing to do answers at once (``build/uptodate.py``): the same command again,
with nothing it was made from changed, prints the build's table without importing the build;
anything changed, and the build runs as ever."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conceptnotes.build import provenance, uptodate
from conceptnotes.project import BUILTIN_TEMPLATES
from conceptnotes.writing import TEMP_PREFIX, TEMP_SUFFIX
from tests.conftest import ROOT, run_in

HOUR_NS = 3600 * 10**9
NOTE = "translated"
PO = Path("locales/fr/LC_MESSAGES/translated.po")
PDF = Path("output/translated/translated.fr.pdf")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str  # without the modules' import times
    at_once: bool  # answered without importing the build


def build_py(project: Path, *args: str, env: dict[str, str]) -> Run:
    """``build.py ARGS`` run in ``project`` in a new process, as a user runs it."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *args], cwd=project,
                          capture_output=True, text=True, env=env, timeout=300)
    lines = done.stderr.splitlines(keepends=True)
    imported = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
    assert "conceptnotes.build.uptodate" in imported
    stderr = "".join(line for line in lines if not line.startswith("import time:"))
    return Run(done.returncode, done.stdout, stderr, "conceptnotes.cli" not in imported)


def settled(project: Path) -> None:
    """Every file of the project written in the last minute as if written an hour ago (a
    copy's are written now); the others keep their times."""
    now = time.time_ns()
    for path in project.rglob("*"):
        if not path.is_symlink() and path.stat().st_mtime_ns > now - 60 * 10**9:
            os.utime(path, ns=(now - HOUR_NS, now - HOUR_NS))


@pytest.fixture
def project(root, tmp_path):
    project = root(NOTE)
    settled(project)
    return project


@pytest.fixture
def env(tmp_path):
    return dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))


def answers(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "conceptnotes" / "uptodate"


@pytest.mark.parametrize("args", [("build",), ("official",), ("build", "--lang", "fr", "--format", "pdf")])
def test_the_same_build_again_answers_at_once_with_the_build_s_own_table(project, env, tmp_path, args):
    first = build_py(project, *args, env=env)
    assert first.returncode == 0, first.stderr
    assert not first.at_once and " built" in first.stdout
    again = build_py(project, *args, env=env)
    assert again.at_once, again.stderr
    shutil.rmtree(answers(tmp_path))  # the build's own answer, found by reading every note
    slow = build_py(project, *args, env=env)
    assert not slow.at_once
    assert (again.returncode, again.stdout, again.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    counted = "1 document: 0 built, 1 up to date" if "--lang" in args else "4 documents: 0 built, 4 up to date"
    assert again.stdout.endswith(f"\n{counted}\n")
    assert build_py(project, *args, env=env).at_once  # the slow answer was kept too


def _same_size_and_time(path: Path, change) -> None:
    stat = path.stat()
    data = path.read_bytes()
    changed = change(data)
    assert changed != data and len(changed) == len(data)
    path.write_bytes(changed)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:]


def _new_note(project: Path) -> None:
    shutil.copytree(project / "content" / NOTE, project / "content" / "second-note")


def _link_catalog(project: Path) -> None:
    po = project / PO
    shutil.move(po, project / "translated.po")
    po.symlink_to(project / "translated.po")


# what changes, and what the build (run as ever) then says
CHANGES = {
    "a catalog edited, its size and time kept": (
        lambda p: _same_size_and_time(p / PO, lambda d: d.replace(b"Note de cadrage", b"Note de Cadrage")),
        "translated.fr.pdf  ", "built"),
    "an output edited, its size and time kept": (lambda p: _same_size_and_time(p / PDF, _flip_a_byte),
                                                  "1 built", ""),
    "an output removed": (lambda p: (p / PDF).unlink(), "1 built", ""),
    "a new note": (_new_note, "second-note.fr.pdf  ", "built"),
    "the project's own templates": (
        lambda p: shutil.copytree(BUILTIN_TEMPLATES, p / "templates" / BUILTIN_TEMPLATES.name), "", ""),
    "an asset added to the note": (
        lambda p: shutil.copyfile(ROOT / "tests" / "roots" / "figures" / "content" / "figures" / "assets" / "floor-plan.png",
                                  (p / "content" / NOTE / "assets").mkdir() or p / "content" / NOTE / "assets" / "a.png"),
        "", ""),
    "a glossary added": (lambda p: shutil.copyfile(ROOT / "locales" / "glossary.tbx", p / "locales" / "glossary.tbx"),
                         "", ""),
    "a temporary file a killed build left": (
        lambda p: (p / "output" / NOTE / f"{TEMP_PREFIX}x.pdf.12345678{TEMP_SUFFIX}").write_bytes(b"%PDF"), "", ""),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_anything_changed_and_the_build_runs_as_ever(project, env, change):
    make, said, status = CHANGES[change]
    assert build_py(project, "build", env=env).returncode == 0
    assert build_py(project, "build", env=env).at_once
    make(project)
    settled(project)  # what was written just now keeps no answer (another test): here, only what changed counts
    run = build_py(project, "build", env=env)
    assert not run.at_once
    assert run.returncode == 0, run.stderr
    table = [line for line in run.stdout.splitlines() if not line.startswith("[")]  # not the progress
    line = next((line for line in table if said in line), None)
    assert line is not None and line.endswith(status), run.stdout
    assert not list(project.rglob(f"{TEMP_PREFIX}*"))
    again = build_py(project, "build", env=env)
    assert again.at_once and re.search(r"\n(\d+) documents: 0 built, \1 up to date\n$", again.stdout)


def test_a_catalog_made_a_link_is_refused_as_ever(project, env):
    assert build_py(project, "build", env=env).returncode == 0
    _link_catalog(project)
    run = build_py(project, "build", env=env)
    assert not run.at_once and run.returncode == 1
    assert "translated.po: is a symbolic link, which is not allowed" in run.stderr


def test_another_date_or_folder_is_another_command(project, env, tmp_path):
    assert build_py(project, "build", env=env).returncode == 0
    dated = build_py(project, "build", env=dict(env, SOURCE_DATE_EPOCH="1700000000"))
    assert not dated.at_once and dated.returncode == 0
    inside = build_py(project / "content", "build", "--project", "..", env=env)
    assert not inside.at_once


def test_a_damaged_answer_is_not_read(project, env, tmp_path):
    assert build_py(project, "build", env=env).returncode == 0
    (entry,) = answers(tmp_path).iterdir()
    for damaged in (b"{", b'{"format": 1}', b"[]", b"\xff", b"[" * 100_000):
        entry.write_bytes(damaged)
        run = build_py(project, "build", env=env)
        assert not run.at_once and run.returncode == 0 and run.stderr == ""
        assert build_py(project, "build", env=env).at_once  # the build kept its answer again


def test_other_code_or_libraries_answer_nothing(project, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert run_in(project, "build").returncode == 0
    with contextlib.chdir(project):
        rows = uptodate.answer(["build"])
        assert rows is not None and len(rows) == 4 and all(Path(path).is_file() for path, _, _ in rows)
        versions = dict(provenance.tool_versions(), pango="1.0.0")
        monkeypatch.setattr(provenance, "tool_versions", lambda: versions)
        assert uptodate.answer(["build"]) is None
        monkeypatch.undo()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setattr(provenance, "code_fingerprint", lambda: "0" * 64)
        assert uptodate.answer(["build"]) is None


def test_an_input_modified_after_the_build_started_keeps_no_answer(project, tmp_path, monkeypatch):
    """A file whose modification time is past the build's start may not be the version it
    read: the answer is not kept, and the next build reads everything again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    start = time.time_ns() - 10**9
    monkeypatch.setattr(uptodate, "started", lambda: start)
    os.utime(project / PO)  # now: after the build (said to have) started
    assert run_in(project, "build").returncode == 0
    with contextlib.chdir(project):
        assert uptodate.answer(["build"]) is None
    settled(project)
    assert run_in(project, "build").returncode == 0
    with contextlib.chdir(project):
        assert uptodate.answer(["build"]) is not None


def test_a_folder_changed_while_the_build_ran_keeps_no_answer(project, tmp_path, monkeypatch):
    """The folders are listed before the build reads anything, and again when it keeps its
    answer: a catalog that came meanwhile may not be one it read, and nothing is kept."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real, calls = uptodate.listings, []
    fr = str(project / PO.parent)

    def first_without_the_catalog(folders):
        found = real(folders)
        calls.append(folders)
        if len(calls) == 1:  # the build's start
            found[fr] = [name for name in found[fr] if name != PO.name]
        return found

    monkeypatch.setattr(uptodate, "listings", first_without_the_catalog)
    assert run_in(project, "build").returncode == 0
    assert len(calls) == 2
    with contextlib.chdir(project):
        assert uptodate.answer(["build"]) is None


def test_check_a_shard_and_a_failing_build_keep_no_answer(project, env, tmp_path):
    assert build_py(project, "check", env=env).returncode == 0
    assert build_py(project, "official", "--shard", "1/2", "--out", "shard", env=env).returncode == 0
    po = project / PO
    po.write_text(po.read_text(encoding="utf-8") + "\nmsgid broken\n", encoding="utf-8")
    assert build_py(project, "build", env=env).returncode == 1
    assert not answers(tmp_path).exists() or not list(answers(tmp_path).iterdir())


def test_a_closed_pipe_is_told_as_the_build_tells_it(project, env, tmp_path):
    assert build_py(project, "build", env=env).returncode == 0
    said = []
    for _ in ("at once", "by the build"):
        read, write = os.pipe()
        os.close(read)  # nobody reads what is printed
        try:
            done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build"], cwd=project, stdout=write,
                                  stderr=subprocess.PIPE, text=True, env=dict(env, PYTHONUNBUFFERED="1"), timeout=300)
        finally:
            os.close(write)
        said.append((done.returncode, done.stderr))
        shutil.rmtree(answers(tmp_path))
    assert said[0] == said[1] == (1, "error: cannot write: Broken pipe; the build had finished: the outputs and the"
                                     " manifest agree\n")
