"""One path: ``check`` and every build agree on every note.

The promise: ``check`` validates everything a build would read and writes nothing;
``build`` (``--format pdf``, ``--format docx``, both) refuses a note with exactly the
problems ``check`` reports, before anything renders (but for the templates of a format it
does not build: a PDF build never reads the Word template), and ``official`` (and ``build
--strict``) exactly those of ``check --strict``; a build never fails on a note that
``check`` passed, and then writes every document.

Each note is run through ``main([...])`` in a temporary project folder, every command
with its own fresh output folder (so that no build is "up to date" and skips its work).
What is compared is the ``path:line: message`` lines on stderr (warnings included), as a
multiset, without the final ``failed: N problems; nothing was written`` line, and the exit
status.  Besides: no traceback anywhere, ``check`` changes no file of the project, a
refused build changes none either, and a build that succeeds writes exactly its documents
into its output folder.

The first test draws notes from the strategy of test_properties (English, Arabic, Chinese;
an English note sometimes in French as well, with no catalog: a warning in a draft, an
error when strict) with awkward blocks added (images with and without alt text, footnotes
holding a list, a table or an image); the others are fixed hostile and awkward notes and a
broken Word template.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import tempfile
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import Phase, example, given, note, settings
from hypothesis import strategies as st

from conceptnotes.build.output import LOCK
from conceptnotes.cli import main

from .conftest import ROOT
from .test_hostile import FRONT, HOSTILE, NOTE, NOTE_CASES
from .test_properties import SETTINGS, Draft, notes

SUMMARY = re.compile(r"failed: \d+ problems?; nothing was written")
TEMPLATE = Path("templates") / "concept-note"

# The commands compared: (label, argv, output folder or None for check).  Each build has
# its own output folder, so that none of them finds its documents up to date.
DRAFT = [
    ("check", ["check"], None),
    ("build --format pdf", ["build", "--format", "pdf", "--jobs", "1", "--out", "out-pdf"], "out-pdf"),
    ("build --format docx", ["build", "--format", "docx", "--jobs", "1", "--out", "out-docx"], "out-docx"),
    ("build", ["build", "--jobs", "1", "--out", "out-both"], "out-both"),
]
STRICT = [
    ("check --strict", ["check", "--strict"], None),
    ("official", ["official", "--jobs", "1", "--out", "out-official"], "out-official"),
    (
        "build --strict --format docx",
        ["build", "--strict", "--format", "docx", "--jobs", "1", "--out", "out-strict-docx"],
        "out-strict-docx",
    ),
]
FORMATS = {
    "check": (),
    "build --format pdf": ("pdf",),
    "build --format docx": ("docx",),
    "build": ("pdf", "docx"),
    "check --strict": (),
    "official": ("pdf", "docx"),
    "build --strict --format docx": ("docx",),
}


# Running the commands ---------------------------------------------------------------------------------------


def files(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path), but build lock files."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != LOCK
    }


@dataclass
class Run:
    label: str
    argv: list[str]
    out_dir: str | None
    status: int | str  # a string when main() raised instead of returning
    stdout: str
    stderr: str
    changed: list[str]  # files of the project created, changed or removed by the command

    @property
    def problems(self) -> list[str]:
        """The problem and warning lines on stderr, sorted, without the final summary line."""
        lines = self.stderr.splitlines()
        if lines and SUMMARY.fullmatch(lines[-1]):
            lines = lines[:-1]
        return sorted(lines)


def run(label: str, argv: list[str], out_dir: str | None, root: Path, capsys) -> Run:
    """``main(argv)`` in ``root`` (the working folder); an exception is recorded as the CLI would show it."""
    capsys.readouterr()
    before = files(root)
    try:
        status: int | str = main(list(argv))
        out, err = capsys.readouterr()
    except (Exception, SystemExit) as exc:
        out, err = capsys.readouterr()
        status = f"raised {type(exc).__name__}"
        err += traceback.format_exc()
    after = files(root)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return Run(label, argv, out_dir, status, out, err, changed)


def run_all(commands, root: Path, capsys) -> dict[str, Run]:
    return {label: run(label, argv, out_dir, root, capsys) for label, argv, out_dir in commands}


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def disagreements(runs: dict[str, Run], documents: dict[str, list[str]]) -> list[str]:
    """Everything that breaks the promise among ``runs`` (the first one is the check).

    ``documents``: for each note id, its languages (the documents a successful build writes).
    """
    found = []
    check, *builds = runs.values()
    for r in runs.values():
        if "Traceback" in r.stdout + r.stderr:
            found.append(f"{r.label}: traceback: {last_line(r.stderr) or last_line(r.stdout)}")
        if r.status not in (0, 1):
            found.append(f"{r.label}: exit status {r.status!r}, not 0 or 1")
    if check.changed:
        found.append(f"{check.label}: wrote {check.changed}")
    for r in builds:
        if isinstance(r.status, str) or isinstance(check.status, str):
            continue  # a crash: reported above, its lines are a traceback
        if r.status != check.status:
            found.append(f"{r.label}: exit {r.status} but {check.label}: exit {check.status}")
        if r.problems != check.problems:
            extra = sorted((Counter(r.problems) - Counter(check.problems)).elements())
            missing = sorted((Counter(check.problems) - Counter(r.problems)).elements())
            found.append(f"{r.label} prints {extra} more and {missing} fewer than {check.label}")
        if r.status != 0:
            if r.changed:
                found.append(f"{r.label}: refused, but changed {r.changed}")
            continue
        if check.status != 0:
            continue
        expected = sorted(
            f"{r.out_dir}/{note_id}/{note_id}.{lang}.{fmt}"
            for note_id, langs in documents.items()
            for lang in langs
            for fmt in FORMATS[r.label]
        )
        written = [name for name in r.changed if name.endswith((".pdf", ".docx"))]
        if written != expected:
            found.append(f"{r.label}: wrote documents {written}, expected {expected}")
        elsewhere = [name for name in r.changed if not name.startswith(f"{r.out_dir}/")]
        if elsewhere:
            found.append(f"{r.label}: wrote outside its output folder: {elsewhere}")
        for name in expected:
            path = Path(name)
            if not path.is_file():
                continue
            data = path.read_bytes()
            magic = b"%PDF-" if name.endswith(".pdf") else b"PK"
            if not data.startswith(magic):
                found.append(f"{r.label}: {name} is not a {path.suffix[1:].upper()} file")
    return found


def summary(runs: dict[str, Run]) -> str:
    """Every command's exit status and stderr, shown when a test fails."""
    return "\n".join(f"$ {' '.join(r.argv)}  -> {r.status}\n{r.stderr}" for r in runs.values())


# A project folder -------------------------------------------------------------------------------------------

# FRONT is lines 1-9; INTRO lines 10-12; a block appended after a blank line starts on line 14
INTRO = "# Introduction\n\nThe workshop meets in Geneva.\n"
CALL = "# Introduction\n\nThe workshop meets in Geneva.[^a]\n"  # its footnote definition starts on line 14
NEXT = 14


def save_picture(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 20), (0, 90, 160)).save(path, "PNG")


def make_project(root: Path, text: str | bytes, note_id: str = "t") -> None:
    """``root/content/<note_id>/note.md`` holding ``text``, an empty ``locales/``, and assets/map.png if used."""
    folder = root / "content" / note_id
    folder.mkdir(parents=True)
    (root / "locales").mkdir()  # the project's own catalogs: nothing is read from the repository's
    if isinstance(text, bytes):
        (folder / "note.md").write_bytes(text)
    else:
        (folder / "note.md").write_text(text, encoding="utf-8")
    if b"assets/map.png" in (text if isinstance(text, bytes) else text.encode()):
        save_picture(folder / "assets" / "map.png")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def agree(root: Path, capsys, documents: dict[str, list[str]] | None = None) -> tuple[dict, dict]:
    """Run the draft and the strict commands in ``root``; assert that they keep the promise."""
    documents = documents or {"t": ["en"]}
    draft = run_all(DRAFT, root, capsys)
    strict = run_all(STRICT, root, capsys)
    found = disagreements(draft, documents) + disagreements(strict, documents)
    assert found == [], "\n".join(found) + "\n\n" + summary(draft) + "\n" + summary(strict)
    return draft, strict


# 1. Generated notes -----------------------------------------------------------------------------------------

AWKWARD = ["image", "image-without-alt", "footnote-with-list", "footnote-with-table", "footnote-with-image"]


@dataclass
class Generated:
    draft: Draft
    languages: list[str]

    def markdown(self) -> str:
        text = self.draft.markdown()
        own = f"languages: [{self.draft.lang}]"
        assert own in text
        return text.replace(own, f"languages: [{', '.join(self.languages)}]")


@st.composite
def generated_notes(draw) -> Generated:
    """A note of test_properties' strategy, with some awkward blocks, and for English maybe a French version."""
    languages = draw(st.sampled_from([["en"], ["en", "fr"], ["ar"], ["zh"]]))
    draft = draw(notes(langs=languages[:1], max_blocks=3))
    blocks, footnotes = list(draft.blocks), list(draft.footnotes)
    for n, kind in enumerate(draw(st.lists(st.sampled_from(AWKWARD), max_size=2, unique=True)), start=1):
        if kind == "image":
            blocks.append("![Map of the region](assets/map.png)")
        elif kind == "image-without-alt":
            blocks.append("![](assets/map.png)")
        else:
            blocks.append(f"Awkward footnote here.[^x{n}]")
            inside = {
                "footnote-with-list": "    - one\n    - two",
                "footnote-with-table": "    | A | B |\n    |---|---|\n    | 1 | 2 |",
                "footnote-with-image": "    ![Map of the region](assets/map.png)",
            }[kind]
            footnotes.append(f"[^x{n}]: The footnote holds more:\n\n{inside}")
    return Generated(dataclasses.replace(draft, blocks=blocks, footnotes=footnotes), languages)


def generated_project(root: Path, generated: Generated) -> None:
    make_project(root, generated.markdown(), "generated")
    for lang in generated.languages:
        if lang != "en":  # the templates' words in the note's languages
            labels = root / "locales" / lang / "LC_MESSAGES"
            labels.mkdir(parents=True)
            shutil.copy(ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po", labels / "messages.po")


# PDFs are slow (up to a second each, three per language per example that checks): few examples, no
# shrinking (the failing note is printed instead)
@settings(max_examples=10, phases=[Phase.explicit, Phase.reuse, Phase.generate], **SETTINGS)
@given(generated=generated_notes())
@example(  # a draft in two languages, the second without its catalog: warnings that agree, no document refused
    generated=Generated(
        Draft(
            "en",
            ["# Généralités", "Text with a call[^n1] and a [link](https://example.org/a).", "1. One\n2. Two"],
            ["[^n1]: The note."],
        ),
        ["en", "fr"],
    )
)
def test_check_and_every_build_agree_on_generated_notes(generated, capsys, monkeypatch):
    note(generated.markdown())
    with tempfile.TemporaryDirectory() as temp, monkeypatch.context() as patch:
        root = Path(temp)
        generated_project(root, generated)
        patch.chdir(root)
        agree(root, capsys, {"generated": generated.languages})


# 2. Hostile and awkward notes -------------------------------------------------------------------------------


def test_an_image_without_alt_text_is_a_warning_for_check_and_every_build(project, capsys):
    make_project(project, FRONT + INTRO + "\n![](assets/map.png)\n")
    draft, strict = agree(project, capsys)
    where = f"{NOTE}:{NEXT}: "
    for r in draft.values():  # a draft: the warning once, exit 0, the documents written (checked by agree)
        assert r.status == 0, r.label
        warnings = [line for line in r.stderr.splitlines() if "warning:" in line]
        assert len(warnings) == 1 and warnings[0].startswith(where + "warning: "), (r.label, r.stderr)
        assert "assets/map.png" in warnings[0]
    assert (project / "out-pdf" / "t" / "t.en.pdf").is_file()
    for r in strict.values():  # strict: refused, at the image's line
        assert r.status == 1, r.label
        assert [line for line in r.problems if line.startswith(where)] != [], (r.label, r.stderr)


FOOTNOTE = "[^a]: The footnote holds more:\n\n"
AWKWARD_NOTES = {
    "list-in-footnote": FRONT + CALL + "\n" + FOOTNOTE + "    - one\n    - two\n",
    "image-in-footnote": FRONT + CALL + "\n" + FOOTNOTE + "    ![Map of the region](assets/map.png)\n",
    "table-in-footnote": FRONT + CALL + "\n" + FOOTNOTE + "    | A | B |\n    |---|---|\n    | 1 | 2 |\n",
    "heading-in-footnote": FRONT + CALL + "\n" + FOOTNOTE + "    # A heading\n",
    "heading-in-list-item": FRONT + INTRO + "\n- An item\n\n    ## A heading in the item\n\n- Another item\n",
    "empty-body": FRONT,
    "every-block-kind": FRONT
    + """\
# Introduction {#intro}

A paragraph with *emphasis*, **strong**, `code`, a [link](https://example.org/a),
a [cross-reference](#intro) and a footnote call.[^a]\x20\x20
A second line after a break.

## Programme

- First item
    - Nested item
- Second item

1. Numbered
    1. Sub-numbered
        1. Sub-sub-numbered
2. Again

### Details

| Day | Event |
|:---|---:|
| 9 May | Workshop[^b] |

> A block quote with **strong** text.

Term
:   Its definition.

A paragraph before the code.

    print("a code block")

***

![Map of the region](assets/map.png)

[^a]: The footnote, with *emphasis*.

[^b]: A footnote called from a table.
""",
    "yaml-python-tag": FRONT.replace("title: Hostile Input Workshop", 'title: !!python/object/apply:os.system ["id"]')
    + INTRO,
}
_HOSTILE = {f"hostile-{n}": FRONT + INTRO + "\n" + HOSTILE[n][0] + "\n" for n in (0, 2, 4, 9)}
BROKEN_IDS = (
    "not-utf8",
    "never-closed",
    "control-0000",
    "bidi-202E",
    "footnote-without-definition",
    "ragged-table",
    "heading-4",
)
_BROKEN = {f"broken-{p.id}": p.values[0] for p in NOTE_CASES if p.id in BROKEN_IDS}
# a UTF-8 byte-order mark (Notepad writes one) is accepted: check and build agree on it too
CASES = {**AWKWARD_NOTES, **_HOSTILE, **_BROKEN, "awkward-bom": "\ufeff" + FRONT + INTRO}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_check_and_every_build_agree_on_awkward_notes(project, capsys, text):
    make_project(project, text)
    agree(project, capsys)


def test_the_cases_taken_from_test_hostile_are_there():
    assert sorted(_BROKEN) == sorted(f"broken-{name}" for name in BROKEN_IDS)


# 3. A broken Word template in the project ------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def without_list_number_numbering(path: Path) -> None:
    """Drop the ``w:numPr`` of the "List Number" style from ``path`` (a DOCX), in place."""
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                found = root.xpath("w:style[w:name/@w:val='List Number']/w:pPr/w:numPr", namespaces={"w": W})
                assert len(found) == 1, "the template's List Number style has no numbering to remove"
                found[0].getparent().remove(found[0])
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            archive.writestr(info, data)


def test_a_project_template_whose_list_number_style_has_no_numbering(project, capsys):
    shutil.copytree(ROOT / TEMPLATE, project / TEMPLATE)
    without_list_number_numbering(project / TEMPLATE / "reference.docx")
    make_project(project, FRONT + INTRO + "\n1. First\n2. Second\n")
    draft = run_all(DRAFT, project, capsys)
    strict = run_all(STRICT, project, capsys)
    # the Word template is no part of a PDF build (which never loads python-docx): it writes its PDF
    pdf = draft.pop("build --format pdf")
    assert (pdf.status, pdf.changed) == (0, ["out-pdf/manifest.json", "out-pdf/t/t.en.pdf"]), pdf.stderr
    found = disagreements(draft, {"t": ["en"]}) + disagreements(strict, {"t": ["en"]})
    assert found == [], "\n".join(found) + "\n\n" + summary(draft) + "\n" + summary(strict)
    docx = str(TEMPLATE / "reference.docx")
    for r in [*draft.values(), *strict.values()]:
        assert r.status == 1, (r.label, r.stderr)
        assert [line for line in r.problems if line.startswith(docx) and "List Number" in line] != [], (
            r.label,
            r.stderr,
        )
