"""The official build split across CI jobs: ``official --shard K/N``, ``manifest merge``, and
``verify`` on a shard's output.

The ``official`` test root (one page in the six languages: 12 documents) is copied into
tmp_path and built once per module, as a CI matrix would: a whole ``official`` build, and
``official --shard K/3`` for K = 1, 2, 3, each into its own folder (``shard-K/``, as CI
artifacts are downloaded).  The fixture runs the command line; the tests that build again
run it in-process (``official``), with the same documents' date.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conceptnotes.languages import CODES

from .conftest import ROOT, build_in, copy_root, run_in, write_note

EPOCH = {"SOURCE_DATE_EPOCH": "1652140800"}  # 2022-05-10: the documents' date, whatever the clock says
NOTE = "official"
LANGS = CODES


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **EPOCH})


def official(*args: str, cwd: Path) -> tuple[int, str, str]:
    """``build.py official ARGS`` run in-process in ``cwd`` with the documents' date: (exit code, stdout, stderr)."""
    result = run_in(cwd, "official", *args, env=EPOCH)
    return result.returncode, result.stdout, result.stderr


def copy_sample(where: Path) -> Path:
    """A project holding the ``official`` root: one note in the six languages and its catalogs; its folder."""
    return copy_root(NOTE, where)


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".conceptnotes.lock"}


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def line_of(path: Path, start: str) -> int:
    """The line of ``path`` that starts with ``start`` (1-based)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> Path:
    """The sample built whole into ``project/full`` and as three shards into ``project/shard-K``."""
    project = copy_sample(tmp_path_factory.mktemp("sharded"))
    whole = cli("official", "--jobs", "1", "--out", "full", cwd=project)
    assert whole.returncode == 0, whole.stderr
    for k in (1, 2, 3):
        result = cli("official", "--shard", f"{k}/3", "--jobs", "1", "--out", f"shard-{k}", cwd=project)
        assert result.returncode == 0, result.stderr
        assert f"shard {k}/3: a partial manifest" in result.stdout
    return project


def copy_shards(sharded: Path, where: Path) -> Path:
    """A copy of the three shard folders in ``where``, to change; ``where``."""
    for k in (1, 2, 3):
        shutil.copytree(sharded / f"shard-{k}", where / f"shard-{k}")
    return where


# The shares -------------------------------------------------------------------------------------


def test_shares_are_disjoint_cover_every_document_and_say_they_are_partial(sharded):
    whole = manifest_of(sharded / "full")
    assert len(whole["outputs"]) == 12 and "shard" not in whole
    seen: dict[str, int] = {}
    for k in (1, 2, 3):
        folder = sharded / f"shard-{k}"
        partial = manifest_of(folder)
        assert partial["shard"]["index"] == k and partial["shard"]["count"] == 3
        assert partial["shard"]["documents"] == 12 and partial["shard"]["variant"] == "pdf/ua-1"
        assert partial["official"] is True and partial["tools"] == whole["tools"]
        for name, entry in partial["outputs"].items():
            assert name not in seen, f"{name} in shard {seen.get(name)} and shard {k}"
            seen[name] = k
            assert entry == whole["outputs"][name]  # the same document, byte for byte
        # the folder holds its share and nothing else
        assert set(hashes(folder)) == {"manifest.json", *partial["outputs"]}
        # four documents each, two of them PDFs
        assert len(partial["outputs"]) == 4
        assert sum(name.endswith(".pdf") for name in partial["outputs"]) == 2
    assert set(seen) == set(whole["outputs"])
    # the documented rule: sorted by format, language, note, name; dealt round robin
    documents = sorted((e["format"], e["lang"], e["note"], name) for name, e in whole["outputs"].items())
    assert seen == {doc[3]: n % 3 + 1 for n, doc in enumerate(documents)}


def test_the_rule_depends_on_neither_order_nor_hash_seed():
    from conceptnotes.build.shards import owners

    documents = [(fmt, lang, note, f"{note}/{note}.{lang}.{fmt}")
                 for note in ("a", "b-2", "zeta", "ü") for lang in LANGS for fmt in ("pdf", "docx")]
    expected = owners(documents, 5)
    assert sorted(expected.values()) == sorted(n % 5 + 1 for n in range(len(documents)))
    for seed in range(5):
        shuffled = documents[:]
        random.Random(seed).shuffle(shuffled)
        assert owners(shuffled, 5) == expected
    code = ("import json; from conceptnotes.build.shards import owners;"
            f" print(json.dumps(owners({list(reversed(documents))!r}, 5), sort_keys=True))")
    for seed in ("0", "4242"):
        found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed})
        assert json.loads(found.stdout) == expected


@pytest.mark.parametrize("value", ["0/3", "4/3", "3", "1/0", "a/b", "-1/3", "", "1/3/3"])
def test_a_bad_shard_is_a_usage_error(tmp_path, capsys, value):
    project = copy_sample(tmp_path)
    assert build_in(project, "official", f"--shard={value}") == 2
    assert capsys.readouterr().err == (
        "error: build.py official: argument --shard: --shard takes K/N, this job's number K of N jobs,"
        f" with 1 <= K <= N (e.g. --shard 2/3), not '{value}'\n")
    assert not (project / "output").exists()


def test_a_broken_note_elsewhere_fails_every_shard(tmp_path, capsys):
    """Each shard checks every note, also when its own documents are up to date (a CI job run again)."""
    from conceptnotes.build.shards import owners

    project = copy_sample(tmp_path)
    second = write_note(project / "content" / "second")
    documents = [(fmt, lang, note, f"{note}/{note}.{lang}.{fmt}")
                 for note, langs in ((NOTE, LANGS), ("second", ("en",))) for lang in langs for fmt in ("pdf", "docx")]
    owner = owners(documents, 3)
    assert {owner[f"second/second.en.{fmt}"] for fmt in ("pdf", "docx")} != {1, 2, 3}  # one shard has none of them
    for k in (1, 2, 3):
        assert build_in(project, "official", "--shard", f"{k}/3", "--jobs", "1", "--out", f"shard-{k}") == 0
    before = {k: hashes(project / f"shard-{k}") for k in (1, 2, 3)}
    # found by the check, not by reading the note: the shards' own documents are up to date by their quick key
    (second / "note.md").write_text((second / "note.md").read_text() + "\nA flower: \u2698.\n")
    for k in (1, 2, 3):
        capsys.readouterr()
        assert build_in(project, "official", "--shard", f"{k}/3", "--jobs", "1", "--out", f"shard-{k}") == 1
        err = capsys.readouterr().err
        assert any(line.startswith("content/second/note.md:") and "is not in the fonts" in line
                   for line in err.splitlines()), err
        assert hashes(project / f"shard-{k}") == before[k]


# The merge --------------------------------------------------------------------------------------


def test_the_merge_is_byte_identical_to_one_official_build(sharded, tmp_path):
    out = tmp_path / "merged"
    result = cli("manifest", "merge", "shard-3", "shard-1", "shard-2", "--out", str(out), cwd=sharded)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"merged 3 shard(s): 12 document(s), {out / 'manifest.json'}\n"
    assert (out / "manifest.json").read_bytes() == (sharded / "full" / "manifest.json").read_bytes()
    assert hashes(out) == hashes(sharded / "full")
    assert len(hashes(out)) == 13
    verified = cli("verify", "--out", str(out), cwd=sharded)
    assert verified.returncode == 0, verified.stderr
    # into a folder that holds something else: it ends up the same
    shutil.rmtree(out / NOTE)
    (out / "manifest.json").write_text('{"outputs": {}}')
    again = cli("manifest", "merge", "shard-1", "shard-2", "shard-3", "--out", str(out), cwd=sharded)
    assert again.returncode == 0, again.stderr
    assert hashes(out) == hashes(sharded / "full")


def test_merge_refuses_a_missing_shard_and_writes_nothing(sharded, tmp_path):
    result = cli("manifest", "merge", "shard-1", "shard-3", "--out", str(tmp_path / "merged"), cwd=sharded)
    assert result.returncode == 1
    line = line_of(sharded / "shard-1" / "manifest.json", '  "shard": {')
    assert result.stderr.splitlines() == [
        f"shard-1/manifest.json:{line}: shard 2 of 3 is missing: merge needs the output folders of all 3 shards",
        "merge failed: the folders are not the complete set of one build's shards; nothing was written",
    ]
    assert not (tmp_path / "merged").exists()


def test_merge_refuses_a_duplicated_shard(sharded, tmp_path):
    where = copy_shards(sharded, tmp_path)
    shutil.copytree(where / "shard-2", where / "again")
    result = cli("manifest", "merge", "shard-1", "shard-2", "again", "shard-3", "--out", "merged", cwd=where)
    assert result.returncode == 1
    line = line_of(where / "again" / "manifest.json", '  "shard": {')
    assert f"again/manifest.json:{line}: shard 2 of 3 twice: shard-2/manifest.json is shard 2 too" in result.stderr
    assert not (where / "merged").exists()


def test_merge_refuses_a_shard_of_another_split(sharded, tmp_path):
    code, _, err = official("--shard", "1/2", "--jobs", "1", "--out", str(tmp_path / "half"), cwd=sharded)
    assert code == 0, err
    result = cli("manifest", "merge", "shard-1", "shard-2", "shard-3", str(tmp_path / "half"), "--out",
                 str(tmp_path / "merged"), cwd=sharded)
    assert result.returncode == 1
    half = tmp_path / "half" / "manifest.json"
    line = line_of(half, '  "shard": {')
    assert (f"{half}:{line}: shard 1 of 2, but shard-1/manifest.json is shard 1 of 3:"
            " shards of different splits (another N)") in result.stderr.splitlines()
    assert not (tmp_path / "merged").exists()


def test_merge_refuses_a_tampered_document_and_leaves_the_output_as_it_was(sharded, tmp_path):
    where = copy_shards(sharded, tmp_path)
    shutil.copytree(sharded / "full", where / "merged")  # a previous merge
    before = hashes(where / "merged")
    (name,) = [n for n in manifest_of(where / "shard-2")["outputs"] if n.endswith(".pdf")][:1]
    pdf = where / "shard-2" / name
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    (docx,) = [n for n in manifest_of(where / "shard-3")["outputs"] if n.endswith(".docx")][:1]
    (where / "shard-3" / docx).unlink()
    result = cli("manifest", "merge", "shard-1", "shard-2", "shard-3", "--out", "merged", cwd=where)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"shard-3/{docx}: missing (listed in shard-3/manifest.json)" in lines
    assert any(line.startswith(f"shard-2/{name}: differs from shard-2/manifest.json: SHA-256 ") for line in lines)
    assert lines[-1] == "merge failed: 2 document(s) differ from their shard's manifest; nothing was written"
    assert hashes(where / "merged") == before
    assert not list((where / "merged").rglob(".conceptnotes-*"))


def _other_tools(manifest: dict) -> str:
    manifest["tools"]["weasyprint"] = "0.1"
    return "built with other tool versions than shard-1/manifest.json: weasyprint 0.1 here"


def _other_variant(manifest: dict) -> str:
    manifest["shard"]["variant"] = "pdf/a-3b"
    return "built with another --pdf-variant than shard-1/manifest.json: pdf/a-3b here, pdf/ua-1 there"


def _other_code(manifest: dict) -> str:
    manifest["shard"]["code"] = "0" * 64
    return "built with another version of conceptnotes than shard-1/manifest.json"


def _other_day(manifest: dict) -> str:
    manifest["shard"]["source_date"] = None
    return "built with another SOURCE_DATE_EPOCH (day) than shard-1/manifest.json: not set here, 2022-05-10 there"


def _listed_twice(manifest: dict) -> str:
    name = f"{NOTE}/{NOTE}.ar.pdf"  # shard 1's; listed here too, as another file
    manifest["outputs"][name] = {**manifest["outputs"][next(iter(manifest["outputs"]))], "sha256": "0" * 64}
    return f"{name}: listed by shard-1/manifest.json too, with different content"


def _one_left_out(manifest: dict) -> str:
    del manifest["outputs"][sorted(manifest["outputs"])[0]]
    return "lists 3 document(s); the share of shard 3 of 3 is 4"


def _another_input(manifest: dict) -> str:
    for entry in manifest["outputs"].values():
        entry["inputs"]["templates/concept-note/note.css"] = "0" * 64
    return "built from another templates/concept-note/note.css than"


@pytest.mark.parametrize("change", [_other_tools, _other_variant, _other_code, _other_day, _listed_twice,
                                    _one_left_out, _another_input])
def test_merge_refuses_shards_of_different_builds(sharded, tmp_path, change):
    where = copy_shards(sharded, tmp_path)
    path = where / "shard-3" / "manifest.json"
    manifest = json.loads(path.read_text())
    message = change(manifest)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    result = cli("manifest", "merge", "shard-1", "shard-2", "shard-3", "--out", "merged", cwd=where)
    assert result.returncode == 1, result.stdout
    assert any(line.startswith("shard-3/manifest.json:") and message in line for line in result.stderr.splitlines()), (
        result.stderr)
    assert "Traceback" not in result.stderr
    assert not (where / "merged").exists()


def test_merge_refuses_a_whole_build_and_an_output_folder_among_the_shards(sharded, tmp_path):
    whole = cli("manifest", "merge", "full", "--out", str(tmp_path / "merged"), cwd=sharded)
    assert whole.returncode == 1
    line = line_of(sharded / "full" / "manifest.json", '  "outputs": {')
    assert whole.stderr.splitlines()[0] == (f"full/manifest.json:{line}: not a shard's manifest (no 'shard' block):"
                                            " the output of a whole build needs no merge")
    into = cli("manifest", "merge", "shard-1", "shard-2", "shard-3", "--out", "shard-1", cwd=sharded)
    assert into.returncode == 2
    assert "is, is inside or contains the shard folder shard-1" in into.stderr


# Verify and the next build -----------------------------------------------------------------------


def test_verify_says_a_shard_is_partial_and_what_it_needs(sharded):
    result = cli("verify", "--out", "shard-2", cwd=sharded)
    assert result.returncode == 1
    line = line_of(sharded / "shard-2" / "manifest.json", '  "shard": {')
    assert result.stderr.splitlines() == [
        f"shard-2/manifest.json:{line}: a partial manifest: shard 2 of 3 of an official build, with 4 of its 12"
        " documents; merge the output folders of all 3 shards (build.py manifest merge DIR... --out DIR), then"
        " verify the merged folder",
        "verify: shard-2 holds one shard's share of an official build, not the whole build",
    ]


def test_a_plain_official_build_after_a_shard_completes_it(sharded, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sharded / "shard-1", out)
    code, stdout, err = official("--jobs", "1", "--out", str(out), cwd=sharded)
    assert code == 0, err
    assert stdout.splitlines()[-1] == "12 documents: 8 built, 4 up to date"
    assert hashes(out) == hashes(sharded / "full")
    # and a shard build after a whole one leaves its share alone
    code, _, err = official("--shard", "1/3", "--jobs", "1", "--out", str(out), cwd=sharded)
    assert code == 0, err
    assert hashes(out) == hashes(sharded / "shard-1")


def test_one_shard_of_one_is_partial_until_merged_or_built_again(sharded, tmp_path):
    out = tmp_path / "only"
    code, _, err = official("--shard", "1/1", "--jobs", "1", "--out", str(out), cwd=sharded)
    assert code == 0, err
    assert manifest_of(out)["shard"]["count"] == 1
    assert cli("verify", "--out", str(out), cwd=sharded).returncode == 1
    merged = cli("manifest", "merge", str(out), "--out", str(tmp_path / "merged"), cwd=sharded)
    assert merged.returncode == 0, merged.stderr
    assert hashes(tmp_path / "merged") == hashes(sharded / "full")
    # every document is up to date, but the manifest was a shard's: a plain official writes the whole one
    code, stdout, err = official("--out", str(out), cwd=sharded)
    assert code == 0, err
    assert stdout.splitlines()[-1] == "12 documents: 0 built, 12 up to date"
    assert hashes(out) == hashes(sharded / "full")
