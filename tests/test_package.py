"""The tool installed with pip, as an office installs it: a wheel, the ``conceptnotes`` command,
and projects of their own that it reads and writes, and nothing else.

The wheel is built from a copy of the checkout's files (``pip wheel``: setuptools comes from
the package index pip is configured with) and installed, without its dependencies, into a
fresh virtual environment outside the checkout, which reads the dependencies already
installed for the tests (a ``.pth`` file naming their folder): quick, and offline but for
the build's setuptools.  Every command then runs as the installed console command, in a
temporary folder; the checkout (``git status``, ignored files under ``content/``,
``locales/`` and ``templates/`` included) and the installed package stay as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, ROOTS, write_note

NOTE = """\
title: Test Conference on Counter-Terrorism
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Málaga
  country: ES
organizers:
  - United Nations Office of Counter-Terrorism
"""


@dataclass(frozen=True)
class Installed:
    venv: Path
    package: Path  # the installed package's folder (site-packages/conceptnotes)
    env: dict[str, str]

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        """``conceptnotes ARGS`` in ``cwd``, as a user runs the installed command."""
        return subprocess.run([str(self.venv / "bin" / "conceptnotes"), *args], cwd=cwd, env=self.env,
                              capture_output=True, text=True, timeout=300)


def checkout_state() -> str:
    """What git says of the checkout: every change, and every file under content/, locales/
    and templates/, ignored ones included."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    return git("status", "--porcelain") + git("status", "--porcelain", "--ignored", "--untracked-files=all",
                                               "--", "content", "locales", "templates")


def files_of(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (no bytecode) with its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def build_wheel(where: Path) -> Path:
    """The wheel, built from a copy of the checkout's files (tracked or not, but not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    source = where / "source"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    wheels = where / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = wheels.glob("conceptnotes-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    where = tmp_path_factory.mktemp("package")
    wheel = build_wheel(where)
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--no-deps", "--no-index", "--quiet", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    return Installed(venv, site / "conceptnotes", env)


def test_an_installed_tool_works_in_a_project_of_its_own(installed, tmp_path):
    before, package = checkout_state(), files_of(installed.package)
    work = tmp_path / "work"
    work.mkdir()

    done = installed.run("init", "office", cwd=work)
    assert done.returncode == 0, done.stderr
    project = work / "office"
    assert sorted(files_of(project)) == [".gitignore", "README.md", "content/.gitkeep", "locales/.gitkeep"]
    assert "    conceptnotes build" in (project / "README.md").read_text(encoding="utf-8")
    assert (project / ".gitignore").read_text(encoding="utf-8") == "/output/\n"
    assert "next: cd office, then 'conceptnotes build'" in done.stdout

    done = installed.run("new", "trial", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "wrote content/trial/note.md" in done.stdout
    assert "then run 'conceptnotes check'" in done.stdout  # the command the user ran, not build.py
    write_note(project / "content" / "trial", front=NOTE)  # its TODOs filled in
    # a note translated into French: its own catalog, and the labels' catalog from the tool
    shutil.copytree(ROOTS / "translated" / "content" / "translated", project / "content" / "translated")
    shutil.copytree(ROOTS / "translated" / "locales", project / "locales", dirs_exist_ok=True)

    for action in ("extract", "update"):
        done = installed.run("i18n", action, cwd=project)
        assert done.returncode == 0, done.stderr
    labels = project / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    assert "updated locales/fr/LC_MESSAGES/messages.po" in done.stdout
    # the project's labels start from the tool's own French catalog, as installed
    builtin = installed.package / "builtin" / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    assert labels.read_bytes() == builtin.read_bytes()
    assert (project / "locales" / "messages.pot").read_bytes() == (ROOT / "locales" / "messages.pot").read_bytes()

    for command in (["check"], ["build"], ["official"], ["verify"]):
        done = installed.run(*command, cwd=project)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    assert "verified 6 output(s) against output/manifest.json" in done.stdout
    assert sorted(p.name for p in (project / "output" / "translated").iterdir()) == [
        "translated.en.docx", "translated.en.pdf", "translated.fr.docx", "translated.fr.pdf"]

    # from another folder, with --project; a usage error names the command
    done = installed.run("check", "--project", "office", cwd=work)
    assert done.returncode == 0, done.stderr
    done = installed.run("build", "--bogus", cwd=project)
    assert (done.returncode, done.stderr) == (2, "error: conceptnotes: unrecognized arguments: --bogus\n")

    assert sorted(p.name for p in work.iterdir()) == ["office"]
    assert sorted(p.name for p in project.iterdir()) == [".gitignore", "README.md", "content", "locales", "output"]
    assert checkout_state() == before
    assert files_of(installed.package) == package


def test_doctor_reads_the_pins_the_tool_was_installed_with(installed, tmp_path):
    done = installed.run("doctor", cwd=tmp_path)
    pins = installed.package / "builtin" / "requirements.txt"
    assert f"pins of conceptnotes' requirements.txt ({pins}) are installed" in done.stdout, done.stdout
    assert pins.read_bytes() == (ROOT / "requirements.txt").read_bytes()
    assert "(or make)" not in done.stdout  # an installed tool has no Makefile to run
    assert list(tmp_path.iterdir()) == []


def test_the_sample_project_builds_the_checkouts_documents(installed, tmp_path, sample_out):
    """``conceptnotes init myoffice --sample && cd myoffice && conceptnotes build``: the 12
    documents of the checkout's build of its sample, byte for byte."""
    before = checkout_state()
    done = installed.run("init", "myoffice", "--sample", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "myoffice"
    assert not (project / "locales" / "fr" / "LC_MESSAGES" / "messages.po").exists()  # the tool's labels
    done = installed.run("build", cwd=project)
    assert done.returncode == 0, done.stderr
    built = project / "output" / "malaga-2022"
    names = sorted(p.name for p in sample_out.iterdir())
    assert len(names) == 12
    assert sorted(p.name for p in built.iterdir()) == names
    different = [name for name in names if (built / name).read_bytes() != (sample_out / name).read_bytes()]
    assert different == []
    assert checkout_state() == before


def test_a_build_without_pango_says_what_to_install(root, monkeypatch):
    """The first build on a machine without Pango names the packages and their install
    command, before anything starts; ``check`` too (it checks the PDF's stylesheet)."""
    from conceptnotes.build import provenance
    from tests.conftest import run_in

    versions = {**provenance.tool_versions(), "pango": "missing"}
    monkeypatch.setattr(provenance, "tool_versions", lambda: versions)
    project = root("table")
    for command in ("build", "check", "official"):
        done = run_in(project, command)
        assert done.returncode == 1, done.stderr
        assert "error: Pango is missing, which lays out the PDF: install it with '" in done.stderr
        assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0' ('.venv/bin/python build.py doctor'" in done.stderr
    assert not (project / "output").exists()
    assert run_in(project, "build", "--format", "docx").returncode == 0  # the DOCX needs no Pango


def test_init_refuses_a_folder_that_exists_and_project_a_folder_that_does_not(tmp_path):
    from tests.conftest import run_in

    (tmp_path / "office").mkdir()
    done = run_in(tmp_path, "init", "office")
    assert (done.returncode, done.stderr) == (2, "error: init: office already exists: name a new folder\n")
    assert list((tmp_path / "office").iterdir()) == []
    done = run_in(tmp_path, "check", "--project", "nowhere")
    assert (done.returncode, done.stderr) == (2, "error: --project nowhere: no such folder\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office"]
