"""Shared fixtures: small notes written to tmp_path, test roots, and the sample built once.

A *test root* is a tiny, complete project under ``tests/roots/<name>/`` (in the manner of
Sphinx's ``tests/roots/test-*``): ``content/<name>/note.md`` and, when it is translated,
``locales/``.  A test takes a fresh copy with the ``root`` fixture, or shares one copy
built once per session with ``built``; either way the documents come from the command
line, as a user makes them.  See ``tests/roots/README.md``.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "malaga-2022"
ROOTS = Path(__file__).resolve().parent / "roots"

FRONT = """\
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


def _sources_of_checkout() -> dict[str, tuple[int, int]]:
    """Every file of the checkout's own notes, catalogs and templates, with its size and time."""
    found = {}
    for folder in ("content", "locales", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                found[path.relative_to(ROOT).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture(scope="session", autouse=True)
def checkout_left_alone():
    """No test writes into the checkout's content/, locales/ or templates/: a test that did
    would change (and could commit) the tool's own files.  (A test project without catalogs
    of its own reads the tool's label catalogs; the tool writes its catalogs into its own
    locales/, never the checkout's.)"""
    before = _sources_of_checkout()
    yield
    after = _sources_of_checkout()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"tests changed the checkout's own files: {', '.join(changed[:10])}"


def write_note(folder: Path, body: str = "# Introduction\n\nText.\n", front: str = FRONT) -> Path:
    """Write ``folder/note.md`` from front matter and body (both dedented); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "---\n" + textwrap.dedent(front) + "---\n" + textwrap.dedent(body)
    (folder / "note.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def make_note(tmp_path):
    def make(body: str = "# Introduction\n\nText.\n", front: str = FRONT, name: str = "test-note") -> Path:
        return write_note(tmp_path / "content" / name, body, front)

    return make


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python build.py ARGS`` as a user would."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300)


# Test roots ----------------------------------------------------------------------------------------


def copy_root(name: str, where: Path) -> Path:
    """A copy of ``tests/roots/<name>`` as ``where/<name>``: the project folder, which holds ``content/``.

    A project with a ``locales/`` folder of its own reads every catalog there, the
    templates' labels (``messages.po``) included; a root keeps only its note's catalogs,
    and its copy is given the checkout's labels catalogs for its languages.
    """
    project = where / name
    shutil.copytree(ROOTS / name, project)
    for folder in sorted((project / "locales").glob("*/LC_MESSAGES")):
        labels = folder / "messages.po"
        if not labels.exists():
            shutil.copyfile(ROOT / "locales" / folder.parent.name / "LC_MESSAGES" / "messages.po", labels)
    return project


@pytest.fixture
def root(tmp_path):
    """``root(name)``: a fresh copy of the test root ``tests/roots/<name>`` in tmp_path; its project folder.

    ``root(name, "a")`` and ``root(name, "b")`` make two copies, in ``tmp_path/a`` and ``tmp_path/b``.
    """

    def make(name: str, folder: str = "") -> Path:
        where = tmp_path / folder if folder else tmp_path
        where.mkdir(parents=True, exist_ok=True)
        return copy_root(name, where)

    return make


def build_in(project: Path, *args: str) -> int:
    """``build.py ARGS`` run in-process in ``project``, as a user working in that folder; the exit code."""
    from conceptnotes.cli import main

    with contextlib.chdir(project):
        return main(list(args))


def run_in(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``build.py ARGS`` run in-process in ``project`` with ``env`` added to the environment, its
    output captured: what ``run_cli`` returns, without a new interpreter's imports."""
    import io

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        code = build_in(project, *args)
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())


def note_of(project: Path):
    """The note of a test root's project (one note, ``content/<name>``), loaded as the build loads it."""
    from conceptnotes.read.loader import load_note

    (folder,) = [p for p in sorted((project / "content").iterdir()) if (p / "note.md").is_file()]
    note, warnings = load_note(folder)
    assert warnings == []
    return note


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """``built(name, *options)``: the test root ``name`` copied and built once per session with
    ``build.py build --jobs 1 OPTIONS`` (in-process); its project folder, outputs in ``output/<name>/``.

    Tests that only read the documents share it; a test that changes a root takes its own
    copy with ``root``.
    """
    done: dict[tuple[str, ...], Path] = {}

    def get(name: str, *options: str) -> Path:
        if (name, *options) not in done:
            project = copy_root(name, tmp_path_factory.mktemp(name))
            assert build_in(project, "build", "--jobs", "1", *options) == 0
            done[(name, *options)] = project
        return done[(name, *options)]

    return get


# Source text standing in for a translation ---------------------------------------------------------

FALLBACK_NOTE = "content/translated/note.md"
TIMES = "Registration of participants takes place from 09:00–09:30 on 7 November 2023."
AIMS = "The workshop aims to strengthen the capacity of national authorities"


@pytest.fixture(scope="session")
def fallback(tmp_path_factory):
    """The ``translated`` root also in Arabic, which has no catalog (every unit falls back to
    English), with a paragraph of times that French lacks and a French heading made fuzzy."""
    project = copy_root("translated", tmp_path_factory.mktemp("fallback"))
    note = project / FALLBACK_NOTE
    text = note.read_text(encoding="utf-8").replace("languages: [en, fr]", "languages: [en, fr, ar]")
    note.write_text(text.replace("# Participants\n", f"{TIMES}\n\n# Participants\n"), encoding="utf-8")
    po = project / "locales" / "fr" / "LC_MESSAGES" / "translated.po"
    catalog = po.read_text(encoding="utf-8")
    assert '\nmsgid "Objectives"\n' in catalog
    po.write_text(catalog.replace('\nmsgid "Objectives"\n', '\n#, fuzzy\nmsgid "Objectives"\n'), encoding="utf-8")
    assert build_in(project, "build", "--jobs", "1", "--lang", "ar,fr") == 0
    return project / "output" / "translated"


# The Málaga sample -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory) -> Path:
    """The sample note built once (in-process, one job), into a temporary output folder (PDF and DOCX)."""
    out = tmp_path_factory.mktemp("sample-out")
    result = run_in(ROOT, "build", str(SAMPLE), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return out / "malaga-2022"


@pytest.fixture(scope="session")
def sample_note():
    from conceptnotes.read.loader import load_note

    note, warnings = load_note(SAMPLE)
    assert warnings == []
    return note


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run 'make test', which installs it")
    return path


# The preview server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
        chromium = playwright.chromium.launch(executable_path=need("chromium"), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A Chromium page of its own; the test fails on any script error of the page, or anything
    the Content-Security-Policy refused (a module's own ``page`` fixture may stand instead)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text
              else None)
    yield opened
    context.close()
    assert errors == [], errors


def sample_project(where: Path) -> Path:
    """A copy of the sample project (the Málaga note and every catalog) as ``where/project``."""
    project = where / "project"
    shutil.copytree(SAMPLE, project / "content" / SAMPLE.name)
    shutil.copytree(ROOT / "locales", project / "locales")
    return project


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(project: Path, *options: str, started: list | None = None):
    """``build.py serve`` started in ``project`` as a user starts it, with a cache of its own
    (empty: the fonts' subsets are made as on a new machine); its URL once it answers (its
    process appended to ``started``)."""
    import os
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    env = dict(os.environ, XDG_CACHE_HOME=str(project.parent / "server-cache"))
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), *options],
                               cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    if started is not None:
        started.append(process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server stopped: {process.stderr.read()}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except urllib.error.HTTPError:  # it answers, if only to refuse (--allow-remote without its secret)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(2)  # Ctrl-C, as a user stops it
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


@pytest.fixture
def served(tmp_path):
    """A copy of the sample project with its server running: (project folder, URL)."""
    project = sample_project(tmp_path)
    with running_server(project) as url:
        yield project, url
