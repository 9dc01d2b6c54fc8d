"""How a build spreads its work: documents render while the others are checked, PDFs go to
the workers and DOCX to the build's own process, and the workers' temporary files go with
them however they end (issue 25)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from conceptnotes.build.workers import Job, Renderers
from conceptnotes.i18n import localize as localize_module

from .conftest import copy_root, run_in


def test_documents_are_sent_to_render_while_the_next_languages_are_checked(tmp_path, monkeypatch):
    project = copy_root("official", tmp_path)
    events: list[tuple[str, str]] = []
    localize, submit = localize_module.localize, Renderers.submit
    monkeypatch.setattr(localize_module, "localize",
                        lambda note, lang: events.append(("checked", lang)) or localize(note, lang))
    monkeypatch.setattr(Renderers, "submit",
                        lambda self, job: events.append(("sent", job.localized.lang)) or submit(self, job))
    result = run_in(project, "build", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    langs = [lang for kind, lang in events if kind == "checked"]
    assert len(langs) == 6
    # each language's PDF and DOCX are sent as soon as it is checked, before the next is localized
    assert events == [event for lang in langs for event in (("checked", lang), ("sent", lang), ("sent", lang))]


def test_nothing_is_sent_to_render_once_a_problem_is_found(tmp_path, monkeypatch):
    project = copy_root("official", tmp_path)
    po = next((project / "locales" / "ar" / "LC_MESSAGES").glob("official.po"))  # Arabic: checked first
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "', 'msgstr "\u202e', 3), encoding="utf-8")
    sent: list[str] = []
    submit = Renderers.submit
    monkeypatch.setattr(Renderers, "submit", lambda self, job: sent.append(job.localized.lang) or submit(self, job))
    result = run_in(project, "build", "--strict", "--jobs", "1")  # not a draft: Arabic is not left out
    assert result.returncode == 1 and "locales/ar/LC_MESSAGES/official.po:" in result.stderr
    assert sent == []
    assert not (project / "output").exists() or not list((project / "output").rglob("*.pdf"))


def _job(fmt: str) -> Job:
    return Job(None, fmt, Path(f"/nowhere/x.{fmt}"), Path("/nowhere"))  # never rendered: only routed


def test_with_pdfs_to_render_the_workers_are_theirs_and_the_docx_render_here():
    with Renderers(2) as renderers:
        renderers.start(["pdf", "docx"])
        assert renderers.pool._processes == 1  # one PDF: one worker imports WeasyPrint, not two
        renderers.submit(_job("docx"))
        assert renderers.sent[-1][1] is None  # rendered in this process when collected
        renderers.sent.clear()
    with Renderers(2) as renderers:
        renderers.start(["pdf", "docx", "pdf", "docx", "pdf"])
        assert renderers.pool._processes == 2


def test_without_pdfs_the_workers_render_the_docx():
    with Renderers(2) as renderers:
        renderers.start(["docx"] * 4)
        assert renderers.pool._processes == 2 and not renderers.light_here


def _leave_a_file() -> str:
    folder = tempfile.mkdtemp(prefix="weasyprint-")  # as WeasyPrint copies a document's fonts
    Path(folder, "font.ttf").write_bytes(b"\0" * 1000)
    return folder


def test_a_stopped_worker_leaves_no_temporary_file():
    with pytest.raises(KeyboardInterrupt), Renderers(2) as renderers:
        renderers.start(["docx", "docx"])
        left = Path(renderers.pool.apply(_leave_a_file))
        assert left.parent == renderers.scratch and left.is_dir()
        raise KeyboardInterrupt  # the pool is terminated, as on Ctrl-C or another document's failure
    assert not renderers.scratch.exists()
    assert tempfile.gettempdir() != str(renderers.scratch)  # the build's own process is left as it was



def test_a_rendering_in_this_process_leaves_no_cycle_for_later():
    """A document rendered here (a DOCX beside the workers' PDFs, or any with ``--jobs 1``)
    has its cyclic garbage collected when it ends, among its own objects: left in the heap,
    a long build's DOCX kept 0.8 GB alive until a full collection."""
    import gc
    import weakref

    from conceptnotes.build.workers import _frozen

    class Cycle:
        pass

    gc.collect()
    with _frozen():
        made = Cycle()
        made.itself = made
        left = weakref.ref(made)
        del made
    assert left() is None
    assert gc.get_freeze_count() == 0


def test_a_worker_that_imports_weasyprint_keeps_its_verdict_on_the_stylesheets(tmp_path, monkeypatch):
    """In a cold build the workers import WeasyPrint anyway: they read the templates'
    stylesheets with it and keep what it said, which the check then reads without
    importing WeasyPrint in the build's own process."""
    from conceptnotes.build import validate, workers
    from conceptnotes.project import TOOL_ROOT
    from conceptnotes.render import engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # the worker's setting, undone
    templates = TOOL_ROOT / "templates" / "concept-note"
    workers._warm_up(("pdf",), str(tmp_path), (str(templates),))

    def no_weasyprint():
        raise AssertionError("WeasyPrint imported for a verdict a worker kept")

    monkeypatch.setattr(engine, "weasyprint", no_weasyprint)
    assert validate.stylesheet_problems(templates) == []


def test_a_stylesheet_a_worker_cannot_read_is_left_to_the_check(tmp_path, monkeypatch):
    from conceptnotes.build import validate, workers

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "note.css").write_bytes(b"p { color: red }\n\xff\xfe\n")  # not UTF-8
    workers._warm_up(("pdf",), str(tmp_path), (str(templates),))  # raises nothing: the worker lives
    problems = validate.stylesheet_problems(templates)
    assert problems and all(p.path.endswith("note.css") for p in problems)


def test_the_command_ends_without_tear_down_and_with_everything_printed(tmp_path):
    """``build.py`` ends the process once the command has returned (``console.end``):
    what it printed to a pipe is all there, and its exit status is the command's."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    code = "import sys; sys.stdout.write('x' * 100); print('!', file=sys.stderr); " \
           "from conceptnotes.console import end; end(3)"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    ended = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=buffered)
    assert (ended.returncode, len(ended.stdout), ended.stderr) == (3, 100, "!\n")
    project = copy_root("official", tmp_path)
    built = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--jobs", "1", "--lang", "en"],
                           cwd=project, capture_output=True, text=True, env=buffered)
    assert built.returncode == 0 and built.stdout.endswith("2 documents: 2 built, 0 up to date\n"), built.stdout
    closed = subprocess.run(f"'{sys.executable}' '{ROOT / 'build.py'}' check | head -c 3", shell=True, cwd=project,
                            capture_output=True, text=True)
    assert closed.stdout == "che" and "Traceback" not in closed.stderr


def test_a_process_with_other_threads_ends_as_usual():
    """The preview server's process has other threads and its workers' semaphores to
    release when the command returns: it ends through Python's tear-down (a test of the
    server with Ctrl-C found the tracker's warning of leaked semaphores)."""
    import threading

    from conceptnotes import console

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with pytest.raises(SystemExit) as ended:
            console.end(4)
        assert ended.value.code == 4
    finally:
        stop.set()
        other.join()
