"""What the tool wrote earlier is input too: the journal of a build's commit, the manifest
and a shard's manifest are read back from a folder anyone may have written in, and a note
may not take a name the tool keeps for itself.

- A journal (``output/manifest.json.pending``) that asks for anything but a build's own
  renames and removals inside the output folder is refused at its line by the next build
  and ``manifest merge``, nothing is done, and ``verify`` keeps naming it.
- A manifest names only documents, ``<note-id>/<file>``, read through no link.
- The labels' catalog name (``messages``) and the build's own files are no note ids, for
  ``new``, ``import``, ``check``/``build`` and the preview server.

Projects are one English note (``content/t``) with a ``locales/`` folder of their own, built
to DOCX in-process in the project folder, so that messages show ``output/...``; the files
an attack aims at are beside the project, in ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from .conftest import build_in, copy_root, running_server, write_note
from .test_output_safety import BODY, FRONT

DOCX = "t/t.en.docx"
PENDING = "output/manifest.json.pending"
DOCUMENT = "a document's name is <note-id>/<file>, inside the output folder"
REFUSED = (f"refused the journal of an interrupted build, {PENDING}: it asks for what no build does, and nothing"
           " was done; remove it, then build again")
STILL_PENDING = f"{PENDING}: an interrupted build is pending: its outputs are part-way replaced"
VERIFY_REFUSED = (f"verify: the outputs are between two builds, and the journal of the interrupted one is refused:"
                  f" remove {PENDING}, then build again")
LABELS = ("the templates' labels have their catalogs under that name (locales/messages.pot and"
          " locales/<lang>/LC_MESSAGES/messages.po)")


def run(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    status = build_in(project, *args)
    out, err = capsys.readouterr()
    return status, out, err


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links as what they point to, never followed) with its SHA-256,
    but the build's lock (which holds the last pid)."""
    found = {}
    for base, folders, names in os.walk(folder):
        for name in sorted(folders + names):
            path = Path(base) / name
            if path.is_symlink():
                found[str(path.relative_to(folder))] = f"-> {os.readlink(path)}"
            elif path.is_file() and name != ".conceptnotes.lock":
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def project(tmp_path, capsys) -> Path:
    """``tmp_path/p``: one note, built to DOCX; ``tmp_path/outside.txt``, a file outside it."""
    project = tmp_path / "p"
    write_note(project / "content" / "t", BODY, FRONT)
    (project / "locales").mkdir()
    assert run(project, capsys, "build", "--format", "docx")[0] == 0
    (tmp_path / "outside.txt").write_text("secret")
    return project


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# Forged journals ---------------------------------------------------------------------------------------------


def _temporary(project: Path) -> str:
    """A temporary file as a build stages it beside t/t.en.docx: its name in the output folder."""
    (project / "output" / "t" / ".conceptnotes-t.en.docx.abcd1234.tmp").write_bytes(b"staged")
    return "t/.conceptnotes-t.en.docx.abcd1234.tmp"


def _linked_folder(project: Path) -> str:
    """output/evil, a link to a folder outside the project holding victim.txt."""
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_text("kept")
    (project / "output" / "evil").symlink_to(elsewhere)
    return "evil/victim.txt"


def _rename(temp: str, final: str) -> str:
    return f"renames '{temp}' to '{final}': a build renames only its own temporary file into the place of a document" \
           f" in the same note's folder ({DOCUMENT})"


FORGED = {
    # what the journal asks for (renames, removals) and what the refusal says of it
    "delete-outside": (lambda p: ([], ["../../outside.txt"]),
                       f"removes '../../outside.txt': a build removes only documents ({DOCUMENT})"),
    "delete-absolute": (lambda p: ([], ["/" + str(p.parent / "outside.txt").lstrip("/")]), None),
    "delete-note": (lambda p: ([], ["../content/t/note.md"]),
                    f"removes '../content/t/note.md': a build removes only documents ({DOCUMENT})"),
    "rename-in": (lambda p: ([["../../outside.txt", DOCX]], []), _rename("../../outside.txt", DOCX)),
    "write-outside": (lambda p: ([[_temporary(p), "../../written.txt"]], []),
                      _rename("t/.conceptnotes-t.en.docx.abcd1234.tmp", "../../written.txt")),
    "through-a-link": (lambda p: ([], [_linked_folder(p)]),
                       "removes 'evil/victim.txt': the folder 'evil' in the output folder is a symbolic link or no"
                       " folder"),
}


@pytest.mark.parametrize("case", FORGED)
def test_a_forged_journal_is_refused_at_its_line_and_nothing_is_done(project, capsys, case):
    """Each journal would, before, have had the next build delete or move a file outside the output
    folder (or the note itself).  Now the build and verify name the line; removed, the folder is usable."""
    asks, message = FORGED[case]
    renames, removals = asks(project)
    journal = project / PENDING
    manifest = (project / "output" / "manifest.json").read_text(encoding="utf-8")
    journal.write_text(json.dumps({"renames": renames, "removals": removals, "manifest": manifest}, indent=2))
    named = (renames or [removals])[0][0]
    line = line_of(journal, json.dumps(named))
    before = tree(project.parent)
    status, _, err = run(project, capsys, "build", "--format", "docx")
    problem = err.splitlines()[0]
    assert (status, err.splitlines()[1:]) == (1, [REFUSED])
    if message is None:  # a long absolute path, quoted in part
        assert problem.startswith(f"{PENDING}:{line}: removes '/") and problem.endswith(f"only documents ({DOCUMENT})")
    else:
        assert problem == f"{PENDING}:{line}: {message}"
    assert tree(project.parent) == before
    assert run(project, capsys, "verify") == (1, "", f"{STILL_PENDING}\n{problem}\n{VERIFY_REFUSED}\n")
    journal.unlink()
    assert run(project, capsys, "build", "--format", "docx")[0] == 0
    assert run(project, capsys, "verify")[0] == 0
    assert (project.parent / "outside.txt").read_text() == "secret"
    assert (project / "content" / "t" / "note.md").is_file()


def test_a_journal_that_is_a_link_or_not_a_journal_is_refused(project, capsys):
    journal = project / PENDING
    forged = project.parent / "forged.json"
    forged.write_text(json.dumps({"renames": [], "removals": ["../../outside.txt"], "manifest": "{}"}))
    journal.symlink_to(forged)
    before = tree(project.parent)
    assert run(project, capsys, "build", "--format", "docx") == (
        1, "", f"{PENDING}: is a symbolic link, which is not allowed: put the file itself here\n{REFUSED}\n")
    assert tree(project.parent) == before
    journal.unlink()
    for text, problem in ((b"[1, 2]", f"{PENDING}:1: not a build's journal: a build writes an object of 'renames'"
                                      " (pairs of names), 'removals' (names) and 'manifest' (text)"),
                          (b'{"renames": [\n', f"{PENDING}:2: unreadable journal: Expecting value"),
                          (b'{"a": ' * 100_000, f"{PENDING}:1: unreadable journal: nested deeper than a JSON file may be")):
        journal.write_bytes(text)
        assert run(project, capsys, "build", "--format", "docx") == (1, "", f"{problem}\n{REFUSED}\n")
    assert (project.parent / "outside.txt").read_text() == "secret"


def test_manifest_merge_refuses_a_forged_journal_in_its_output_folder(project, capsys):
    assert run(project, capsys, "official", "--jobs", "1", "--shard", "1/1", "--out", "shard")[0] == 0
    assert run(project, capsys, "manifest", "merge", "shard", "--out", "merged")[0] == 0
    journal = project / "merged" / "manifest.json.pending"
    journal.write_text(json.dumps({"renames": [], "removals": ["../../outside.txt"], "manifest": "{}"}, indent=2))
    before = tree(project.parent)
    status, _, err = run(project, capsys, "manifest", "merge", "shard", "--out", "merged")
    assert (status, err.splitlines()) == (1, [
        f"merged/manifest.json.pending:4: removes '../../outside.txt': a build removes only documents ({DOCUMENT})",
        "refused the journal of an interrupted build, merged/manifest.json.pending: it asks for what no build does,"
        " and nothing was done; remove it, then build again"])
    assert tree(project.parent) == before


# Manifests -----------------------------------------------------------------------------------------------------


def _listing(project: Path, name: str, data: bytes) -> Path:
    """The manifest of ``project``'s output made to list ``name``, with the SHA-256 and size of ``data``."""
    path = project / "output" / "manifest.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    entry = record["outputs"].pop(DOCX)
    record["outputs"][name] = {**entry, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    path.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["../../outside.txt", "/etc/passwd"])
def test_verify_neither_opens_nor_vouches_for_a_file_a_manifest_names_outside(project, capsys, name):
    """Before, verify read the file, printed its SHA-256 and, when it matched, verified it."""
    target = Path(name) if name.startswith("/") else project / "output" / name
    path = _listing(project, name, target.read_bytes())
    line = line_of(path, json.dumps(name) + ":")
    assert run(project, capsys, "verify") == (
        1, "", f"output/manifest.json:{line}: unreadable manifest: the output '{name}' is no document: {DOCUMENT}\n"
               "verify: nothing to verify\n")
    # the next build takes it for no manifest: it writes a sound one and touches nothing outside
    assert run(project, capsys, "build", "--format", "docx")[0] == 0
    assert (project.parent / "outside.txt").read_text() == "secret"
    assert run(project, capsys, "verify")[0] == 0


def test_verify_does_not_read_a_document_through_a_linked_note_folder(project, capsys):
    """output/t, a link to a folder outside holding the same bytes: before, verify vouched for it."""
    out = project / "output"
    elsewhere = project.parent / "elsewhere"
    shutil.move(out / "t", elsewhere)
    (out / "t").symlink_to(elsewhere)
    assert run(project, capsys, "verify") == (
        1, "", f"output/{DOCX}: its folder t is a symbolic link, which is not allowed: put the file itself here\n"
               "verify: 1 of 1 output(s) do not match the manifest\n")


MALFORMED = {
    "outputs-a-list": (lambda r: r.update(outputs=[DOCX]), "'outputs' is not an object"),
    "entry-a-string": (lambda r: r["outputs"].update({DOCX: "abc"}), f"the output {DOCX} has no entry (an object)"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_manifest_is_a_message_for_verify_build_and_merge(project, capsys, case):
    change, message = MALFORMED[case]
    for folder in ("output", "shard"):
        if folder == "shard":
            assert run(project, capsys, "official", "--jobs", "1", "--shard", "1/1", "--out", "shard")[0] == 0
        path = project / folder / "manifest.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        change(record)
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    line = line_of(path, '"outputs":' if case == "outputs-a-list" else f'"{DOCX}":')
    problem = f"unreadable manifest: {message}"
    assert run(project, capsys, "verify") == (1, "", f"output/manifest.json:{line}: {problem}\nverify: nothing to"
                                                      " verify\n")
    status, _, err = run(project, capsys, "manifest", "merge", "shard", "--out", "merged")
    assert (status, err.splitlines()[0]) == (1, f"shard/manifest.json:{line}: {problem}")
    assert not (project / "merged").exists()
    assert run(project, capsys, "build", "--format", "docx")[0] == 0  # taken for no manifest: a new one
    assert run(project, capsys, "verify")[0] == 0


def test_merge_refuses_a_shard_whose_note_folder_is_a_link(project, capsys):
    """The shard's t/ is a link to a folder elsewhere with the same documents: before, merge copied them."""
    assert run(project, capsys, "official", "--jobs", "1", "--shard", "1/1", "--out", "shard")[0] == 0
    shard = project / "shard"
    shutil.move(shard / "t", project.parent / "elsewhere")
    (shard / "t").symlink_to(project.parent / "elsewhere")
    status, _, err = run(project, capsys, "manifest", "merge", "shard", "--out", "merged")
    link = "its folder t is a symbolic link, which is not allowed: put the file itself here"
    assert (status, err.splitlines()) == (1, [
        f"shard/t/t.en.docx: {link}",
        f"shard/t/t.en.pdf: {link}",
        "merge failed: 2 document(s) differ from their shard's manifest; nothing was written"])
    assert not (project / "merged").exists()


# Reserved ids ----------------------------------------------------------------------------------------------------


def test_new_refuses_a_reserved_id_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "locales").mkdir()
    assert run(tmp_path, capsys, "new", "messages") == (
        2, "", f"error: new: the note id 'messages' is reserved: {LABELS}: choose another id\n")
    assert tree(tmp_path) == {}


def test_import_refuses_a_reserved_id_given_or_made_of_the_file_name(tmp_path, capsys):
    import docx

    (tmp_path / "content").mkdir()
    (tmp_path / "locales").mkdir()
    document = docx.Document()
    document.add_paragraph("Workshop on Border Security", style="Title")
    document.save(tmp_path / "Messages.docx")
    before = tree(tmp_path)
    reserved = f"the note id 'messages' is reserved: {LABELS}: choose another id"
    assert run(tmp_path, capsys, "import", "Messages.docx", "--id", "messages") == (
        2, "", f"error: import: {reserved}\n")
    assert run(tmp_path, capsys, "import", "Messages.docx") == (
        2, "", f"error: import: the id made of the file's name: {reserved}; give one with --id\n")
    assert tree(tmp_path) == before


def test_check_and_build_refuse_a_note_named_as_the_labels_catalog(tmp_path, capsys):
    write_note(tmp_path / "content" / "messages", BODY, FRONT)
    (tmp_path / "locales").mkdir()
    problem = f"content/messages/note.md: the note id 'messages' is reserved: {LABELS}; rename the note's folder"
    failed = "failed: 1 problem; nothing was written"
    assert run(tmp_path, capsys, "check") == (1, "", f"{problem}\n{failed}\n")
    assert run(tmp_path, capsys, "build", "--format", "docx") == (1, "", f"{problem}\n{failed}\n")
    assert not (tmp_path / "output" / "messages").exists()


def test_the_server_neither_shows_nor_saves_a_note_named_as_the_labels_catalog(tmp_path):
    """A note 'messages' would take the labels' catalog as its own: one save would make every label
    translation obsolete.  The server answers 404 for it; the catalog stays as it was."""
    import urllib.error
    import urllib.request

    project = copy_root("translated", tmp_path)
    (project / "content" / "translated").rename(project / "content" / "messages")
    labels = project / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    before = labels.read_bytes()

    def status(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
        request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with running_server(project) as url:
        with urllib.request.urlopen(url, timeout=60) as response:
            page = response.read().decode()
        token = page.split('name="conceptnotes-token" content="', 1)[1].split('"', 1)[0]
        body = json.dumps({"key": "x", "msgstr": "y", "base_msgstr": "", "base_state": "untranslated"}).encode()
        headers = {"Content-Type": "application/json", "X-Conceptnotes-Token": token, "Origin": url.rstrip("/")}
        assert [status(url + path) for path in ("note/messages/fr", "translate/messages/fr", "api/units/messages/fr",
                                                "api/source/messages/fr")] == [404] * 4
        assert status(url + "api/units/messages/fr", body, headers) == 404
    assert labels.read_bytes() == before
