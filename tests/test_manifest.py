"""The manifest, read one way (``manifest.Manifest``) by ``verify``, ``manifest merge`` and the
next build; and the output transaction (``output.transaction``) that build and merge write in.

Projects are the test root ``translated`` (English and French: four documents), built
in-process in the project folder (``build_in``), so that messages show ``output/...``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conceptnotes.build import output
from conceptnotes.build.manifest import Manifest, verify
from conceptnotes.build.merge import merge
from conceptnotes.build.pipeline import build, note_folders
from conceptnotes.errors import BuildStopped, NoteError

from .conftest import build_in, copy_root
from .test_output_safety import files, run

NOTE = "translated"
DOCX = f"{NOTE}/{NOTE}.fr.docx"


@pytest.fixture(scope="module")
def official(tmp_path_factory) -> Path:
    """The root built officially, whole (``full``) and as two shards (``shard-1``, ``shard-2``)."""
    project = copy_root(NOTE, tmp_path_factory.mktemp("official"))
    assert build_in(project, "official", "--jobs", "1", "--out", "full") == 0
    for k in (1, 2):
        assert build_in(project, "official", "--jobs", "1", "--shard", f"{k}/2", "--out", f"shard-{k}") == 0
    return project


@pytest.fixture
def project(root, capsys) -> Path:
    """A copy of the root, built (DOCX only) into ``output/``."""
    project = root(NOTE)
    assert run(project, capsys, "build", "--jobs", "1", "--format", "docx")[0] == 0
    return project


# Load, verify, dump ------------------------------------------------------------------------------


def test_a_manifest_loads_from_its_folder_or_bytes_and_dumps_the_same_bytes(official):
    out = official / "full"
    data = (out / "manifest.json").read_bytes()
    loaded = Manifest.load(out)
    assert loaded.dump() == data
    assert Manifest.from_bytes(data, out).record == loaded.record == json.loads(data)
    assert sorted(loaded.outputs) == [f"{NOTE}/{NOTE}.{lang}.{fmt}" for lang in ("en", "fr") for fmt in ("docx", "pdf")]
    # made again from its parts, it is the same file: the build's manifest has one shape
    again = Manifest.of(loaded.outputs, official=True, strict=True, tools=loaded.record["tools"])
    assert again.dump() == data
    assert loaded.verify() == []
    assert verify(out) == 4


def test_verify_names_a_tampered_and_a_missing_output(project, capsys):
    out = project / "output"
    path = out / DOCX
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of the last byte
    (out / NOTE / f"{NOTE}.en.docx").unlink()
    problems = Manifest.load(out).verify()
    assert [(Path(p.path).name, p.message.split(":")[0]) for p in problems] == [
        (f"{NOTE}.en.docx", "missing (listed in the manifest)"),
        (f"{NOTE}.fr.docx", "differs from the manifest"),
    ]
    status, _, err = run(project, capsys, "verify")
    assert status == 1
    lines = err.splitlines()
    assert lines[0] == f"output/{NOTE}/{NOTE}.en.docx: missing (listed in the manifest)"
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    assert lines[1].startswith(f"output/{DOCX}: differs from the manifest: SHA-256 {actual}, expected ")
    assert lines[2] == "verify: 2 of 2 output(s) do not match the manifest"


def test_verify_does_not_follow_a_symbolic_link_in_place_of_an_output(project, tmp_path):
    out = project / "output"
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_bytes((out / DOCX).read_bytes())  # the same bytes, outside the folder
    (out / DOCX).unlink()
    (out / DOCX).symlink_to(elsewhere)
    (problem,) = Manifest.load(out).verify()
    assert (Path(problem.path), problem.message) == (out / DOCX, "missing (listed in the manifest)")


# A manifest that is not what a build writes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda r: r["outputs"][DOCX].update(size="12"), DOCX, f"the output {DOCX}: 'size' is not a whole number"),
        (lambda r: r["outputs"][DOCX].pop("sha256"), DOCX, f"the output {DOCX}: 'sha256' is not a string"),
        (lambda r: r["outputs"].update({DOCX: "abc"}), DOCX, f"the output {DOCX} has no entry (an object)"),
        (lambda r: r.update(outputs=[]), "outputs", "'outputs' is not an object"),
        (lambda r: r.update(official="yes"), "official", "'official' is not true or false"),
    ],
)
def test_a_manifest_with_wrong_types_is_refused_naming_the_file_and_line(project, capsys, change, key, message):
    path = project / "output" / "manifest.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    change(record)
    data = Manifest(record).dump()
    path.write_bytes(data)
    depth = 2 if key == DOCX else 1
    line = next(n for n, text in enumerate(data.decode().splitlines(), 1)
                if text.startswith(" " * 2 * depth + json.dumps(key) + ":"))
    with pytest.raises(NoteError) as raised:
        Manifest.from_bytes(data, path.parent)
    (problem,) = raised.value.problems
    assert (problem.path, problem.line, problem.message) == (str(path), line, f"unreadable manifest: {message}")
    status, _, err = run(project, capsys, "verify")
    assert (status, err) == (1, f"output/manifest.json:{line}: unreadable manifest: {message}\n"
                                "verify: nothing to verify\n")
    # the next build takes it for no manifest: it writes a sound one, and verify passes
    assert run(project, capsys, "build", "--jobs", "1", "--format", "docx")[0] == 0
    assert Manifest.load(path.parent).verify() == []


def test_a_manifest_that_is_not_json_or_not_an_object_is_refused(tmp_path):
    for data, message in ((b"{", "unreadable manifest: Expecting property name"),
                          (b"[]", "unreadable manifest: not a JSON object"),
                          (b"{}", "unreadable manifest: no 'outputs'"),
                          (b"[" * 100_000, "unreadable manifest: nested deeper than a JSON file may be")):
        with pytest.raises(NoteError) as raised:
            Manifest.from_bytes(data, tmp_path)
        assert raised.value.problems[0].path == str(tmp_path / "manifest.json")
        assert raised.value.problems[0].message.startswith(message)


# Merge: the shards' manifests read by the same class -----------------------------------------------------


def test_shards_merged_through_the_manifest_class_make_the_whole_builds_manifest(official, tmp_path):
    parts = [Manifest.load(official / f"shard-{k}") for k in (1, 2)]
    assert [part.shard["index"] for part in parts] == [1, 2]
    assert sorted(name for part in parts for name in part.outputs) == sorted(Manifest.load(official / "full").outputs)
    merged = tmp_path / "merged"
    assert merge([official / "shard-1", official / "shard-2"], merged) == 4
    assert (merged / "manifest.json").read_bytes() == (official / "full" / "manifest.json").read_bytes()
    assert files(merged) == files(official / "full")
    assert Manifest.load(merged).verify() == []


def test_merge_refuses_a_shard_whose_manifest_has_wrong_types(official, tmp_path):
    import shutil

    for k in (1, 2):
        shutil.copytree(official / f"shard-{k}", tmp_path / f"shard-{k}")
    path = tmp_path / "shard-2" / "manifest.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    name = sorted(record["outputs"])[0]
    record["outputs"][name]["sha256"] = 7
    path.write_bytes(Manifest(record).dump())
    with pytest.raises(NoteError) as raised:
        merge([tmp_path / "shard-1", tmp_path / "shard-2"], tmp_path / "merged")
    (problem,) = raised.value.problems
    assert problem.path == str(path)
    assert problem.message == f"unreadable manifest: the output {name}: 'sha256' is not a string"
    assert not (tmp_path / "merged").exists()


# The output transaction ---------------------------------------------------------------------------------


def test_a_transaction_stopped_inside_leaves_the_previous_outputs(project):
    out = project / "output"
    before = files(out)
    with pytest.raises(BuildStopped) as raised, output.transaction(out) as previous:
        assert sorted(previous.outputs) == [f"{NOTE}/{NOTE}.en.docx", DOCX]
        output.stage(out / DOCX, b"half a document", out)
        raise KeyboardInterrupt
    assert isinstance(raised.value.cause, KeyboardInterrupt)
    assert raised.value.left == output.UNCHANGED
    assert files(out) != before  # the temporary is there, until the next transaction
    with output.transaction(out):
        pass
    assert files(out) == before


def test_a_build_interrupted_while_rendering_leaves_the_previous_outputs(project):
    out = project / "output"
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    before = files(out)

    def interrupted(done: int, total: int, path: Path) -> None:
        raise KeyboardInterrupt  # Ctrl-C once the first document has rendered

    with pytest.raises(BuildStopped) as raised:
        build(note_folders([project / "content" / NOTE]), ("en",), ("docx",), out, interrupted, jobs=1)
    assert isinstance(raised.value.cause, KeyboardInterrupt)
    assert (raised.value.left, raised.value.out) == (output.UNCHANGED, out.resolve())
    assert files(out) == before
    assert verify(out) == 2


def test_a_merge_stopped_while_copying_leaves_the_previous_outputs(official, tmp_path, monkeypatch):
    out = tmp_path / "merged"
    assert merge([official / "shard-1", official / "shard-2"], out) == 4
    for name in Manifest.load(out).outputs:  # every document to be copied again
        (out / name).write_bytes(b"old")
    before = files(out)
    read = Manifest.document
    calls = []

    def stopped(self: Manifest, name: str, listed: str = ""):
        calls.append(name)
        if len(calls) == 4 + 2:  # each is read when checked, then when copied: Ctrl-C at the second copy
            raise KeyboardInterrupt
        return read(self, name, listed)

    monkeypatch.setattr(Manifest, "document", stopped)
    with pytest.raises(BuildStopped) as raised:
        merge([official / "shard-1", official / "shard-2"], out)
    assert raised.value.left == output.UNCHANGED
    assert files(out) == before  # the document staged before the interruption removed


def test_a_merge_that_cannot_write_leaves_the_previous_outputs(official, tmp_path):
    out = tmp_path / "merged"
    (out / NOTE).parent.mkdir()
    (out / NOTE).write_text("a file where the note's folder goes")
    with pytest.raises(BuildStopped) as raised:
        merge([official / "shard-1", official / "shard-2"], out)
    assert isinstance(raised.value.cause, OSError)
    assert raised.value.left == output.UNCHANGED
    assert files(out) == {NOTE: hashlib.sha256(b"a file where the note's folder goes").hexdigest()}


def test_a_document_s_key_is_made_of_what_it_says_not_of_where_it_was_written(tmp_path):
    """``fingerprint``: each node is its class and its content fields (not its lines, folder,
    source or path), so a note moved or shifted down keeps its key and an edited one does not."""
    import dataclasses

    from conceptnotes.build.manifest import _NOT_CONTENT, fingerprint
    from conceptnotes.i18n.localize import localize
    from conceptnotes.model.visitor import walk
    from conceptnotes.read.loader import load_note

    from .conftest import copy_root

    def key(project, lang="fr"):
        note, _ = load_note(next((project / "content").iterdir()))
        return fingerprint(localize(note, lang).note), note

    first, note = key(copy_root("translated", tmp_path / "a"))
    moved = copy_root("translated", tmp_path / "b")
    source = next(moved.glob("content/*/note.md"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("---\n", "---\n\n", 1).replace("\n---\n", "\n---\n\n\n", 1), encoding="utf-8")
    shifted, shifted_note = key(moved)
    assert shifted_note.document != note.document  # other lines ...
    assert shifted == first  # ... the same key
    source.write_text(text.replace("Dakar", "Thiès", 1), encoding="utf-8")
    assert key(moved)[0] != first
    for node in walk(note.document):
        fields = {f.name for f in dataclasses.fields(node)} - _NOT_CONTENT
        said = fingerprint(node)
        assert said[0] == type(node).__name__ and set(said[1]) == fields
