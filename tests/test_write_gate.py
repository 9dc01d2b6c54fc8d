"""One gate for every write, and the read gate for every command (``conceptnotes/writing.py``,
``conceptnotes/read/files.py``).

What a user or an attacker can put on disk: a note folder, an ``LC_MESSAGES`` folder or an
output folder that is a symbolic link to somewhere else.  The server does not follow them
(404, or 422 with nothing written), the commands that write refuse them and write nothing,
a root the user names (``--out``) may itself be a link, and a project without ``locales/``
gets its own.  An audit hook, installed in every Python process a command starts (the
server's render worker too, through ``sitecustomize``), sees every ``open`` of a project
file go through one of the two gates.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conceptnotes.i18n.editing import unit_key
from tests.conftest import ROOT, copy_root, run_cli, run_in, running_server, write_note
from tests.test_serve import get, post, raw_get, token_of

NOTE = "official"  # the test root served: one page in six languages
LINK = "is a symbolic link"


def _outside_note(where: Path) -> Path:
    """A note of another project, ``where/elsewhere/content/linked``, in English and French."""
    front = "title: Another project's draft\nlanguages: [en, fr]\nevent:\n  start: 2022-05-10\n  end: 2022-05-11\n" \
            "  city: Geneva\n  country: CH\n"
    return write_note(where / "elsewhere" / "content" / "linked", "# Secret heading\n\nSecret text.\n", front)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """The root ``official`` served, with a note folder linked to another project's note, its
    Spanish ``LC_MESSAGES`` linked to a folder elsewhere and its output folder a link:
    (project, URL, the folder elsewhere)."""
    where = tmp_path_factory.mktemp("linked")
    project = copy_root(NOTE, where)
    (project / "content" / "linked").symlink_to(_outside_note(where))
    messages = project / "locales" / "es" / "LC_MESSAGES"
    shutil.move(messages, where / "es-messages")
    (where / "es-messages" / f"{NOTE}.po").unlink()  # a save makes the catalog
    messages.symlink_to(where / "es-messages")
    (where / "out" / NOTE).mkdir(parents=True)
    (where / "out" / NOTE / f"{NOTE}.en.pdf").write_bytes(b"%PDF-1.7 elsewhere")
    (project / "output").symlink_to(where / "out")
    with running_server(project) as url:
        yield project, url, where


def test_the_server_does_not_follow_a_linked_note_folder(linked):
    project, url, where = linked
    for path in ("api/source/linked/en", "api/preview/linked/en", "api/units/linked/fr?show=all", "note/linked/en"):
        assert get(url + path)[0] == 404, path
    body = {"key": unit_key("Secret heading"), "msgstr": "Titre", "base_msgstr": "", "base_state": "untranslated"}
    status, _ = post(url + "api/units/linked/fr", body, token=token_of(url), origin=url.rstrip("/"))
    assert status == 404
    assert not (where / "elsewhere" / "locales").exists()  # no catalog written in the other project
    assert not (project / "locales" / "fr" / "LC_MESSAGES" / "linked.po").exists()


def test_a_save_through_a_linked_lc_messages_folder_writes_nothing(linked):
    project, url, where = linked
    status, body = get(url + f"api/units/{NOTE}/fr?show=all")
    unit = json.loads(body)["units"][3]
    save = {"key": unit["key"], "msgstr": "Otra traducción.", "base_msgstr": "", "base_state": "untranslated"}
    status, answer = post(url + f"api/units/{NOTE}/es", save, token=token_of(url), origin=url.rstrip("/"))
    assert status == 422, answer
    assert any(LINK in problem for problem in answer["problems"]), answer
    assert not (where / "es-messages" / f"{NOTE}.po").exists()


def test_an_output_folder_that_is_a_link_is_not_served(linked):
    _, url, _ = linked
    assert raw_get(url, f"/output/{NOTE}/{NOTE}.en.pdf") == 404


# The commands that write ------------------------------------------------------------------------------


def _link_messages(project: Path, lang: str, where: Path) -> Path:
    """``locales/<lang>/LC_MESSAGES`` made a link to an empty folder ``where``; the folder."""
    messages = project / "locales" / lang / "LC_MESSAGES"
    shutil.rmtree(messages)
    where.mkdir()
    messages.symlink_to(where)
    return where


def test_i18n_update_does_not_write_through_a_linked_lc_messages_folder(root, tmp_path):
    project = root(NOTE)
    outside = _link_messages(project, "fr", tmp_path / "outside")
    result = run_in(project, "i18n", "update")
    assert result.returncode == 1
    assert f"locales/fr/LC_MESSAGES/{NOTE}.po: its folder fr/LC_MESSAGES {LINK}: nothing is written through it" \
        in result.stderr
    assert list(outside.iterdir()) == []


def test_the_xliff_import_does_not_write_through_a_linked_lc_messages_folder(root, tmp_path):
    project = root(NOTE)
    xlf = tmp_path / f"{NOTE}.fr.xlf"
    assert run_in(project, "i18n", "export", "--xliff", "fr", "--out", str(xlf)).returncode == 0
    outside = _link_messages(project, "fr", tmp_path / "outside")
    result = run_in(project, "i18n", "import", str(xlf))
    assert result.returncode == 1
    assert f"its folder fr/LC_MESSAGES {LINK}: nothing is written through it" in result.stderr
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_an_export_refuses_a_link_or_fifo_in_its_file_place(root, tmp_path, kind):
    """A file's place holds a regular file or nothing: a link there is neither written through
    nor replaced, a FIFO neither opened nor replaced."""
    project = root(NOTE)
    xlf = tmp_path / f"{NOTE}.fr.xlf"
    outside = tmp_path / "outside.xlf"
    outside.write_text("not mine", encoding="utf-8")
    if kind == "link":
        xlf.symlink_to(outside)
    else:
        os.mkfifo(xlf)
    result = run_in(project, "i18n", "export", "--xliff", "fr", "--out", str(xlf))
    assert result.returncode == 1
    said = LINK if kind == "link" else "is a FIFO (named pipe)"
    assert f"{xlf}: {said}: nothing is written" in result.stderr
    assert xlf.is_symlink() if kind == "link" else not xlf.is_file()
    assert outside.read_text(encoding="utf-8") == "not mine"


def test_a_build_writes_into_an_out_that_is_a_link_but_not_through_a_link_below_it(root, tmp_path):
    project = root(NOTE)
    (tmp_path / "real-out").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real-out")  # the folder the user names may be a link
    result = run_in(project, "build", "--lang", "en", "--format", "docx", "--jobs", "1", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "real-out" / NOTE / f"{NOTE}.en.docx").is_file()

    out = tmp_path / "second-out"
    (tmp_path / "elsewhere").mkdir()
    out.mkdir()
    (out / NOTE).symlink_to(tmp_path / "elsewhere")
    result = run_in(project, "build", "--lang", "en", "--format", "docx", "--jobs", "1", "--out", str(out))
    assert result.returncode == 1
    assert f"its folder {NOTE} {LINK}: nothing is written through it" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (out / "manifest.json").exists()


def test_the_cache_folder_may_be_a_link_but_not_a_folder_below_it(root, tmp_path):
    """The hashes of the large fonts a Chinese document is made with are kept in the cache."""
    project = root(NOTE)
    build = ("build", "--lang", "zh", "--format", "docx", "--jobs", "1")
    (tmp_path / "real-cache").mkdir()
    (tmp_path / "cache").symlink_to(tmp_path / "real-cache")
    result = run_in(project, *build, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "real-cache" / "conceptnotes" / "hashes").iterdir())

    (tmp_path / "other-cache" / "conceptnotes").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "other-cache" / "conceptnotes" / "hashes").symlink_to(tmp_path / "elsewhere")
    (project / "output").rename(tmp_path / "first-output")  # built again, from its fonts' hashes
    result = run_in(project, *build, env={"XDG_CACHE_HOME": str(tmp_path / "other-cache")})
    assert result.returncode == 1
    assert f"its folder hashes {LINK}: nothing is written through it" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []


# Never into the tool's own folder ---------------------------------------------------------------------


def test_new_in_a_project_without_locales_makes_its_own(tmp_path):
    """``new`` in a project without ``locales/`` writes the note's catalogs into the project (not
    the tool's checkout); the labels' catalogs start from the tool's, so they stay translated."""
    note_id = "gate-new-note"
    project = tmp_path / "project"
    project.mkdir()
    try:
        result = run_in(project, "new", note_id, "--lang", "en,fr")
        assert result.returncode == 0, result.stderr
        assert (project / "locales" / f"{note_id}.pot").is_file()
        assert (project / "locales" / "fr" / "LC_MESSAGES" / f"{note_id}.po").is_file()
        status = run_in(project, "i18n", "status", "--json")
        labels = [row for row in json.loads(status.stdout) if row["note"] == "messages" and row["language"] == "fr"]
        assert labels and labels[0]["untranslated"] == 0
    finally:
        for leaked in (ROOT / "locales").rglob(f"{note_id}.po*"):  # what the tool wrote before it had its own
            leaked.unlink()
    assert not list((ROOT / "locales").rglob(f"{note_id}.*"))


# Every open of a project file through a gate, in every process of a command ----------------------------

SITECUSTOMIZE = textwrap.dedent(
    """\
    import os, sys

    _LOG = os.environ.get("CONCEPTNOTES_AUDIT_LOG")
    _WATCHED = [os.path.abspath(p) for p in os.environ.get("CONCEPTNOTES_AUDIT_WATCHED", "").split(os.pathsep) if p]
    _GATES = (os.path.join("read", "files.py"), os.path.join("conceptnotes", "writing.py"))
    _busy = []

    def _hook(event, args):
        if event != "open" or _busy or not isinstance(args[0], str):
            return
        try:
            frame = sys._getframe(1)
        except ValueError:  # opened by the interpreter itself (the main script): no Python frame
            return
        while frame is not None:
            name = frame.f_code.co_filename
            if name.endswith(_GATES) or frame.f_code.co_name.startswith("_rmtree"):
                return _write("seen", args[0]) if name.endswith(_GATES) else None
            frame = frame.f_back
        path = os.path.abspath(args[0])
        if not os.path.isdir(path) and any(path == w or path.startswith(w + os.sep) for w in _WATCHED):
            _write("other", path)

    def _write(kind, path):
        _busy.append(1)
        try:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{kind}\\t{os.getpid()}\\t{path}\\n")
        finally:
            _busy.pop()

    if _LOG:
        sys.addaudithook(_hook)
    """
)


@pytest.fixture
def audited(tmp_path, monkeypatch):
    """``audited(*watched)``: every Python process started from now on (a command, the server,
    its render worker) logs each ``open`` of a file under ``watched``; returns a function that
    reads the log: (the files opened through a gate, by name; those opened otherwise)."""
    site = tmp_path / "audit-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "audit.log"

    def start(*watched: Path):
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(ROOT)]))
        monkeypatch.setenv("CONCEPTNOTES_AUDIT_LOG", str(log))
        monkeypatch.setenv("CONCEPTNOTES_AUDIT_WATCHED", os.pathsep.join(str(w) for w in watched))

        def report() -> tuple[set[str], list[str], set[str]]:
            lines = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
            seen = {os.path.basename(path) for kind, _, path in lines if kind == "seen"}
            others = sorted({path for kind, _, path in lines if kind == "other"})
            pids = {pid for _, pid, _ in lines}
            return seen, others, pids

        return report

    return start


def test_a_server_session_opens_project_files_only_through_the_gates(root, audited):
    """Index, a document, source, preview (in the render worker), check and save: every open of a file of
    the project goes through read/files.py or writing.py.  (The tool's own templates are also
    read by Babel, which extracts the labels from the tool's checkout for the index.)"""
    project = root(NOTE)
    assert run_in(project, "build", "--lang", "en", "--format", "docx", "--jobs", "1").returncode == 0
    report = audited(project)
    with running_server(project) as url:
        assert get(url)[0] == 200
        assert get(url + f"output/{NOTE}/{NOTE}.en.docx")[0] == 200
        assert get(url + f"api/source/{NOTE}/fr")[0] == 200
        status, state = get(url + f"api/preview/{NOTE}/fr")
        assert status == 200 and json.loads(state)["problems"] == [], state
        token, origin = token_of(url), url.rstrip("/")
        assert post(url + f"api/check/{NOTE}/fr", {"msgid": "a", "msgstr": "b"}, token=token, origin=origin)[0] == 200
        status, body = get(url + f"api/units/{NOTE}/fr?show=all")
        unit = json.loads(body)["units"][3]
        save = {"key": unit["key"], "msgstr": "Une autre version.", "base_msgstr": unit["msgstr"],
                "base_state": unit["state"]}
        assert post(url + f"api/units/{NOTE}/fr", save, token=token, origin=origin)[0] == 200
    seen, others, pids = report()
    assert others == [], "\n".join(others)
    # the hook saw the server's reads and writes, and the worker's (else this proves nothing)
    for name in ("note.md", f"{NOTE}.po", "messages.po", "note.html.j2", "note.css"):
        assert name in seen, name
    assert len(pids) >= 2  # the server and its render worker


def test_the_commands_open_project_files_only_through_the_gates(root, audited, tmp_path):
    """``new``, ``i18n export --xliff``, ``i18n import``, ``import`` of a Word file, a build,
    ``verify``, ``check``, ``i18n extract``/``update``/``status``, ``official`` and ``doctor``:
    every open of a file of the project goes through one of the gates."""
    import docx

    project = root(NOTE)
    document = docx.Document()
    document.add_paragraph("A heading", style="Heading 1")
    document.add_paragraph("Some text.")
    word = project / "draft.docx"
    document.save(word)
    report = audited(project)
    commands = [
        ("official", "--format", "docx", "--jobs", "1", "--out", "official-out"),  # before a new note's TODOs
        ("verify", "--out", "official-out"),
        ("new", "gate-audit-note", "--lang", "en,fr"),
        ("i18n", "export", "--xliff", "fr"),
        ("i18n", "import", f"locales/fr/xliff/{NOTE}.fr.xlf"),
        ("import", "draft.docx", "--id", "imported-draft"),
        ("build", f"content/{NOTE}", "--lang", "en", "--format", "docx", "--jobs", "1"),
        ("verify",),
        ("check", f"content/{NOTE}"),
        ("i18n", "extract"),
        ("i18n", "update"),
        ("i18n", "status"),
        ("doctor",),
    ]
    for command in commands:
        result = run_cli(*command, cwd=project)
        assert result.returncode == 0, (command, result.stderr)
    seen, others, _ = report()
    assert others == [], "\n".join(others)
    for name in ("note.md", f"{NOTE}.po", f"{NOTE}.fr.xlf", "draft.docx", "manifest.json"):
        assert name in seen, name
    assert any(name.startswith(".conceptnotes-gate-audit-note.pot.") for name in seen)  # written through the gate
    assert not list((ROOT / "locales").rglob("gate-audit-note.*"))


def test_a_merge_opens_the_shards_only_through_the_gates(root, audited):
    project = root("translated")
    for k in (1, 2):
        result = run_in(project, "official", "--shard", f"{k}/2", "--format", "docx", "--jobs", "1",
                        "--out", f"shard-{k}")
        assert result.returncode == 0, result.stderr
    report = audited(project)
    result = run_cli("manifest", "merge", "shard-1", "shard-2", "--out", "merged", cwd=project)
    assert result.returncode == 0, result.stderr
    result = run_cli("verify", "--out", "merged", cwd=project)
    assert result.returncode == 0, result.stderr
    seen, others, _ = report()
    assert others == [], "\n".join(others)
    assert "manifest.json" in seen


def test_the_hook_sees_an_open_past_the_gates(tmp_path, audited):
    """The audit above can fail: a plain ``open`` of a watched file is reported."""
    watched = tmp_path / "project"
    watched.mkdir()
    (watched / "note.md").write_text("text", encoding="utf-8")
    report = audited(watched)
    subprocess.run([sys.executable, "-c", "open('note.md').read()"], cwd=watched, check=True)
    _, others, _ = report()
    assert others == [str(watched / "note.md")]


def test_a_removal_goes_through_no_link_and_never_removes_what_a_link_points_to(tmp_path):
    """The output stage removes stale documents and temporaries through the gate: a folder on
    the way that is a link is refused, a link in the file's place goes as the name it is."""
    from conceptnotes.errors import NoteError
    from conceptnotes.writing import remove

    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "doc.pdf").write_bytes(b"kept")
    out.mkdir()
    (out / "linked").symlink_to(outside)
    with pytest.raises(NoteError, match="is a symbolic link"):
        remove(out / "linked" / "doc.pdf", out)
    assert (outside / "doc.pdf").read_bytes() == b"kept"
    (out / "note").mkdir()
    (out / "note" / "doc.pdf").symlink_to(outside / "doc.pdf")
    assert remove(out / "note" / "doc.pdf", out)
    assert not os.path.lexists(out / "note" / "doc.pdf") and (outside / "doc.pdf").read_bytes() == b"kept"
    assert not remove(out / "note" / "doc.pdf", out)  # nothing there: nothing to do


def test_a_folder_is_removed_through_no_link_and_keeps_what_a_link_inside_points_to(tmp_path):
    """The preview server removes its old preview folders through the gate: a link on the way
    is refused; a link inside the folder goes as the name it is, its target stays."""
    from conceptnotes.errors import NoteError
    from conceptnotes.writing import remove_tree

    root, outside = tmp_path / "previews", tmp_path / "outside"
    (outside / "kept").mkdir(parents=True)
    (outside / "kept" / "doc.pdf").write_bytes(b"kept")
    (root / "note" / "en" / "3").mkdir(parents=True)
    (root / "note" / "en" / "3" / "page-1.png").write_bytes(b"old")
    (root / "note" / "en" / "3" / "link").symlink_to(outside / "kept")
    (root / "linked").symlink_to(outside)
    with pytest.raises(NoteError, match="is a symbolic link"):
        remove_tree(root / "linked" / "kept", root)
    assert (outside / "kept" / "doc.pdf").read_bytes() == b"kept"
    assert remove_tree(root / "note" / "en" / "3", root)
    assert not os.path.lexists(root / "note" / "en" / "3")
    assert (outside / "kept" / "doc.pdf").read_bytes() == b"kept"
    assert not remove_tree(root / "note" / "en" / "3", root)
